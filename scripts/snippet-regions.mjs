// README blocks that are a region of a runnable file, so they cannot drift from code that runs.
// Above the fence: `<!-- snippet: FILE#NAME -->`. In FILE, the region is marked
//   // #region NAME            …   // #endregion NAME              (JavaScript, TypeScript)
//   <!-- #region NAME -->      …   <!-- #endregion NAME -->        (HTML, Vue templates)
// each marker on a line of its own; the block must equal what lies between them (leading and
// trailing blank lines aside). Used by scripts/readme-snippets.mjs and scripts/server-examples.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `FILE#NAME` of an annotation, or undefined. */
export function parseRegionRef(text) {
  const m = /^([\w./-]+)#([\w-]+)$/.exec(text.trim());
  return m ? { file: m[1], name: m[2] } : undefined;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text between the markers of region `name` in `text`, or undefined when there is none. */
export function regionOf(text, name) {
  const n = escape(name);
  const m = new RegExp(
    `^[ \\t]*(?://[ \\t]*#region[ \\t]+${n}|<!--[ \\t]*#region[ \\t]+${n}[ \\t]*-->)[ \\t]*\\n([\\s\\S]*?)^[ \\t]*(?://[ \\t]*#endregion[ \\t]+${n}|<!--[ \\t]*#endregion[ \\t]+${n}[ \\t]*-->)[ \\t]*$`,
    'm',
  ).exec(text);
  return m ? m[1] : undefined;
}

/** Lines without their common indentation, without leading and trailing blank lines. */
function normalize(code) {
  const lines = code.replace(/\s+$/, '').split('\n');
  while (lines.length && !lines[0].trim()) lines.shift();
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)[0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n');
}

/** Why `code` is not region `name` of `file` (relative to `root`), or undefined when it is. */
export function regionProblem(root, file, name, code) {
  const path = join(root, file);
  if (!existsSync(path)) return `no such file: ${file}`;
  const region = regionOf(readFileSync(path, 'utf8'), name);
  if (region === undefined) return `no region "${name}" in ${file}`;
  if (normalize(region) !== normalize(code)) return `differs from ${file}#${name}: copy the region into the README`;
  return undefined;
}
