// Minifies the CSS inside Lit `css` tagged templates of a JS module, at build time, with esbuild's
// CSS minifier. Used by both outputs: the drop-in bundle (a Vite plugin in vite.config.ts, on each
// module after TypeScript) and the npm ESM build (scripts/build.mjs, on tsc's dist/**/*.js).
//
// Only tags imported as `css` from `lit`, `lit-element` or `@lit/reactive-element` are touched.
// A `${…}` part becomes a placeholder that esbuild keeps verbatim, and is put back afterwards:
//  - alone in declaration position (`{ ${dark} }`, `a: b; ${x};`): a custom property `--litN:0`;
//  - anywhere else (a value, a selector part): an identifier `__litN__`.
// A template that is a declaration list (no `{`, e.g. the dark scheme's properties) is minified
// inside a dummy rule; a template without `:` or `{` (a value) is left alone. A template whose
// placeholders do not come back one for one is left as it was, with a warning: never a broken
// style. `npm test` (test/bundle.test.ts) checks the result in the browser.
import { transform } from 'esbuild';
import { parseAst } from 'vite';

const LIT_MODULES = new Set(['lit', 'lit-element', 'lit-element/lit-element.js', '@lit/reactive-element', '@lit/reactive-element/css-tag.js']);

/** Local names bound to Lit's `css` by the module's imports. */
function cssTags(ast) {
  const names = new Set();
  for (const node of ast.body) {
    if (node.type !== 'ImportDeclaration' || !LIT_MODULES.has(node.source.value)) continue;
    for (const s of node.specifiers) {
      if (s.type === 'ImportSpecifier' && (s.imported.name ?? s.imported.value) === 'css') names.add(s.local.name);
    }
  }
  return names;
}

/** Every `css` tagged template in the tree (depth-first). */
function findTemplates(node, tags, out = []) {
  if (!node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const child of node) findTemplates(child, tags, out);
    return out;
  }
  if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier' && tags.has(node.tag.name)) out.push(node);
  for (const key of Object.keys(node)) {
    if (key !== 'type' && key !== 'start' && key !== 'end') findTemplates(node[key], tags, out);
  }
  return out;
}

/** Text for a template literal's raw part: the cooked CSS with `\`, backquotes and `${` escaped. */
const toRaw = (text) => text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

/** Minifies one template's cooked parts; returns the new parts, or undefined to leave it alone. */
async function minifyParts(cooked) {
  const DECL = (i) => `--lit${i}:0`;
  const IDENT = (i) => `__lit${i}__`;
  let text = cooked[0];
  const kinds = [];
  for (let i = 1; i < cooked.length; i++) {
    const before = text.trimEnd();
    const after = cooked[i].trimStart();
    const alone = (before === '' || /[{;]$/.test(before)) && (after === '' || /^[};]/.test(after));
    kinds.push(alone ? 'decl' : 'ident');
    // `;` ends the placeholder's value (a custom property keeps the whitespace before `}`).
    text += (alone ? `${DECL(i - 1)};` : IDENT(i - 1)) + cooked[i];
  }
  let wrapped;
  if (text.includes('{')) wrapped = false;
  else if (text.includes(':') || kinds.includes('decl')) wrapped = true; // a declaration list
  else return undefined; // a value: nothing worth minifying
  let min;
  try {
    min = (await transform(wrapped ? `a{${text}}` : text, { loader: 'css', minify: true, logLevel: 'silent' })).code.trim();
  } catch {
    return undefined;
  }
  if (wrapped) {
    if (!min.startsWith('a{') || !min.endsWith('}')) return undefined;
    min = min.slice(2, -1);
  }
  // Split at the placeholders, in order; each must come back exactly once.
  const parts = [];
  let rest = min;
  for (let i = 0; i < kinds.length; i++) {
    const mark = kinds[i] === 'decl' ? DECL(i) : IDENT(i);
    const at = rest.indexOf(mark);
    if (at < 0 || rest.indexOf(mark, at + 1) >= 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + mark.length);
  }
  parts.push(rest);
  return parts;
}

/**
 * Returns `code` with the CSS of its Lit `css` templates minified (or `code` itself when there is
 * none). With `keepLines`, the newlines a template loses are put back right after it, outside the
 * literal, so that the lines below keep their numbers (tsc's source maps stay right).
 */
export async function minifyCssTemplates(code, { keepLines = false, file = 'module', warn = console.warn } = {}) {
  if (!code.includes('css')) return code;
  const ast = parseAst(code);
  const tags = cssTags(ast);
  if (!tags.size) return code;
  const edits = [];
  for (const node of findTemplates(ast, tags)) {
    const { quasi } = node;
    if (code[quasi.start] !== '`' || code[quasi.end - 1] !== '`') throw new Error(`${file}: unexpected template position`);
    const cooked = quasi.quasis.map((q) => q.value.cooked);
    if (cooked.some((c) => typeof c !== 'string')) continue;
    const parts = await minifyParts(cooked);
    if (!parts) {
      if (cooked.join('').includes('{') || cooked.join('').includes(':')) warn(`minify-css: ${file}: a css\`\` template was left unminified`);
      continue;
    }
    let literal = '`' + toRaw(parts[0]);
    quasi.expressions.forEach((expr, i) => {
      literal += '${' + code.slice(expr.start, expr.end) + '}' + toRaw(parts[i + 1]);
    });
    literal += '`';
    const original = code.slice(quasi.start, quasi.end);
    const lost = (original.match(/\n/g)?.length ?? 0) - (literal.match(/\n/g)?.length ?? 0);
    edits.push({ start: quasi.start, end: quasi.end, text: literal + (keepLines && lost > 0 ? '\n'.repeat(lost) : '') });
  }
  let out = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/** The Vite/Rollup plugin for the drop-in build: minifies `css` templates in the project's own modules. */
export function minifyCssPlugin() {
  return {
    name: 'green-qr-scan:minify-css-templates',
    enforce: 'post',
    async transform(code, id) {
      if (id.includes('/node_modules/') || !/\.[cm]?[jt]s$/.test(id.split('?')[0])) return null;
      const out = await minifyCssTemplates(code, { file: id, warn: (m) => this.warn(m) });
      return out === code ? null : { code: out, map: null };
    },
  };
}
