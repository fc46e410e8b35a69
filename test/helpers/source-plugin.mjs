// Node side of test/layers.test.ts: reads src/ from disk and answers its import graph, and bundles
// the framework-free core (src/session.ts) with esbuild to list what it pulls in.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, dirname, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const src = join(root, 'src');

/** Every .ts file below `dir`, as a sorted list of paths relative to the repo (forward slashes). */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)).split('\\').join('/'))
    .sort();
}

/** `import … from 'x'`, `export … from 'x'`, `import('x')` and `import 'x'` (type-only ones too). */
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function importGraph() {
  const graph = {};
  for (const file of sources(src)) {
    const text = readFileSync(join(root, file), 'utf8');
    const targets = new Set();
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      targets.add(spec.startsWith('.') ? posix.normalize(posix.join(dirname(file), spec)).replace(/\.js$/, '.ts') : spec);
    }
    graph[file] = [...targets].sort();
  }
  return graph;
}

async function bundleCore() {
  const result = await build({
    entryPoints: [join(src, 'session.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    metafile: true,
    // Anything that is not ours stays an import, so it shows up in the metafile.
    plugins: [{ name: 'externals', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (a) => ({ path: a.path, external: true })) }],
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return {
    inputs: Object.keys(result.metafile.inputs).map((p) => p.split('\\').join('/')).sort(),
    externalImports: output.imports.filter((i) => i.external).map((i) => i.path).sort(),
    bytes: result.outputFiles.reduce((n, f) => n + f.contents.length, 0),
  };
}

/**
 * Each file's line count and its longest functions: a line that opens a function or method body at
 * column 0 or 2 (`name(…) {`, `async #name(…): T {`, `#name = (…) => {`, `function name(…) {`) up to the
 * line that closes it at the same indentation (the sources are formatted, so indentation is exact).
 */
function shapes(files) {
  const OPENS = /^( {0,2})(?:export\s+)?(?:(?:async|static|protected|private|public|override|get|set|function)\s+)*[#\w$]+\s*(?:=\s*(?:async\s*)?)?(?:<[^>]*>)?\(.*\)(?::[^=]*)?\s*(?:=>\s*)?\{$/;
  const out = {};
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    const functions = [];
    lines.forEach((line, i) => {
      const m = OPENS.exec(line);
      if (!m || /^\s*(?:if|for|while|switch|catch)\b/.test(line)) return;
      const end = lines.findIndex((l, j) => j > i && (l === `${m[1]}}` || l.startsWith(`${m[1]}};`) || l.startsWith(`${m[1]}})`)));
      if (end > i) functions.push({ line: i + 1, name: line.trim().slice(0, 60), lines: end - i + 1 });
    });
    out[file] = { lines: lines.length, functions: functions.sort((a, b) => b.lines - a.lines) };
  }
  return out;
}

export function sourcePlugin() {
  return {
    name: 'source-plugin',
    async executeCommand({ command, payload }) {
      if (command === 'source-import-graph') return importGraph();
      if (command === 'source-bundle-core') return bundleCore();
      if (command === 'source-shapes') return shapes(payload.files);
      return undefined;
    },
  };
}
