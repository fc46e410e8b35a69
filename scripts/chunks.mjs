// The drop-in build's chunks: every .js file reachable from dist/green-qr-scan.bundled.js through
// relative `import`/`export … from` (static) and `import("./…")` (dynamic, loaded on demand), with
// their sizes. The "first QR" set is the entry plus its static imports, transitively: what a page
// loads before its first QR code. Used by scripts/size.mjs (CI's size check) and bench/run.mjs.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { parseAst } from 'vite';

/**
 * Gzip ceiling per chunk name (the file name without its content hash). A new chunk without a
 * ceiling fails the check, so each one gets its own line here.
 */
// Issue 14 split the drop-in file (26,364 B gzip then) into the file a page loads before its first
// QR code and chunks loaded on demand. Measured then (gzip): the drop-in file 20,252 (Lit 5,836 of
// it), GREEN-API's HTTP side (instance checks, state watcher, HTTP transport, Logout,
// GetAuthorizationCode) 3,313, the phone path 1,866, Russian 1,973; all 27,404; own code 21,052.
// Logout then became a chunk of its own (its `@lit/task` and the action, 1,083 B; the HTTP call is
// in http-api). Issue 13 (Telegram and MAX) added its sessions as chunks, GetSettings to http-api,
// and the messenger probe, the Telegram/MAX views and their English texts to the drop-in file; the
// // countdown that ticks without a render added its painter: 23,769 B then, all 37,607 B. The
// ceilings leave a few per cent for small fixes; the goals (TARGETS) are not met yet: see
// bench/README.md for what stands in the way.
// Issue 13's WhatsApp account details (GetWaSettings read once after linking, for the avatar) added
// 170 B gzip to the HTTP side (3,750 → 3,920), 333 B to own code (28,605 → 28,938) and 352 B to
// all chunks together (37,147 → 37,499, 1 B under its ceiling); the three ceilings were raised by
// about that much.
// On 2026-11-29 GREEN-API's HTTP side was split in two: its requests and GetSettings' lookup
// (`green-api`, 2,838 B), which `messenger="auto"` (the default) loads before the first QR code, and
// the rest (`http-api`, 1,544 B: checks, watcher, HTTP transport, account details), loaded only when
// something goes wrong or after the scan. The default path then loaded 26,761 B before its first
// QR code instead of 27,840 B; all chunks together grew by 474 B (two files compress apart).
export const CEILINGS = {
  'green-qr-scan.bundled.js': 24_200,
  'green-qr-scan.green-api.js': 2_950,
  'green-qr-scan.http-api.js': 1_650,
  'green-qr-scan.phone.js': 1_950,
  'green-qr-scan.ru.js': 2_900,
  'green-qr-scan.logout.js': 1_150,
  // Telegram's and MAX's views moved out of the drop-in file into their chunks (2026-11-29): the
  // drop-in file lost 689 B gzip (then 120 B more with their QR and linked views: 23,242 B), the
  // chat-views chunk gained 264 B for it; the shared chunk (sessions' common code and the views) is named
  // after the views now, and the two paths' chunks after their element-side modules.
  'green-qr-scan.chat-views.js': 3_400,
  'green-qr-scan.chat-qr.js': 1_250,
  'green-qr-scan.chat-phone.js': 1_250,
};
/** Gzip ceilings of the totals: before the first QR code (entry + static imports), all chunks, own code. */
export const TOTAL_CEILINGS = { firstQr: 24_200, firstQrAuto: 27_100, all: 39_200, ownCode: 30_200 };

/**
 * The on-demand chunks that the default settings load before the first QR code: `messenger="auto"`
 * asks GetSettings before the socket opens. test/chunks.test.ts checks this list in a browser.
 */
export const DEFAULT_PATH_CHUNKS = ['green-qr-scan.green-api.js'];
/**
 * Issue 14's goals, reported (not enforced yet): ≤ 12,000 B gzip before the first QR (Lit
 * included) on the default path (`firstQrAuto`; `firstQr` is a page that sets `messenger`), and all
 * chunks together no bigger than the single file of its day (21,511 B gzip).
 */
export const TARGETS = { firstQr: 12_000, firstQrAuto: 12_000, all: 21_511 };

export const DIST = new URL('../dist/', import.meta.url);
export const ENTRY = 'green-qr-scan.bundled.js';

export const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
export const brotli = (bytes) =>
  brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length;

/**
 * A chunk's name without the content hash a bundler adds (`phone-BxY3_a1Z.js` → `phone.js`), so
 * that a ceiling outlives a rebuild.
 */
export const chunkName = (file) => file.replace(/-[A-Za-z0-9_-]{8}\.js$/, '.js');

/** Relative specifiers a module imports: `{ static: [...], dynamic: [...] }` (non-literal dynamic imports are an error). */
export function importsOf(code, file) {
  const found = { static: [], dynamic: [] };
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    if ((node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') && node.source) {
      found.static.push(node.source.value);
    } else if (node.type === 'ImportExpression') {
      if (node.source.type !== 'Literal') throw new Error(`${file}: a dynamic import() with a computed specifier cannot be followed`);
      found.dynamic.push(node.source.value);
    }
    for (const key of Object.keys(node)) if (key !== 'type') walk(node[key]);
  };
  walk(parseAst(code));
  const relative = (s) => s.startsWith('./') || s.startsWith('../');
  for (const kind of ['static', 'dynamic']) {
    const bare = found[kind].filter((s) => !relative(s));
    if (bare.length) throw new Error(`${file}: the drop-in must not import bare specifiers (${bare.join(', ')})`);
  }
  return found;
}

/**
 * The drop-in chunks in a deterministic order (entry first, then by path), each with
 * `{ file, name, bytes, gzip, brotli, firstQr, imports, dynamicImports }`, plus the totals of the
 * first-QR set (`messenger` set), of the default path's (plus {@link DEFAULT_PATH_CHUNKS}) and of
 * all chunks.
 */
export function dropInChunks(dist = DIST, entry = ENTRY) {
  const chunks = new Map();
  const visit = (file, firstQr) => {
    const known = chunks.get(file);
    if (known) {
      if (firstQr && !known.firstQr) {
        known.firstQr = true;
        known.imports.forEach((f) => visit(f, true));
      }
      return;
    }
    const url = new URL(file, dist);
    if (!url.href.startsWith(dist.href)) throw new Error(`${file} is outside dist/`);
    const bytes = readFileSync(url);
    const specifiers = importsOf(bytes.toString('utf8'), file);
    const resolve = (s) => new URL(s, url).href.slice(dist.href.length);
    const chunk = {
      file,
      name: chunkName(file),
      bytes: bytes.length,
      gzip: gzip(bytes),
      brotli: brotli(bytes),
      firstQr,
      imports: [...new Set(specifiers.static.map(resolve))].sort(),
      dynamicImports: [...new Set(specifiers.dynamic.map(resolve))].sort(),
    };
    chunks.set(file, chunk);
    chunk.imports.forEach((f) => visit(f, firstQr));
    chunk.dynamicImports.forEach((f) => visit(f, false));
  };
  visit(entry, true);
  const list = [...chunks.values()].sort((a, b) => (a.file === entry ? -1 : b.file === entry ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const total = (set) => ({
    files: set.map((c) => c.file),
    bytes: set.reduce((s, c) => s + c.bytes, 0),
    gzip: set.reduce((s, c) => s + c.gzip, 0),
    brotli: set.reduce((s, c) => s + c.brotli, 0),
  });
  const firstQrAuto = list.filter((c) => c.firstQr || DEFAULT_PATH_CHUNKS.includes(c.name));
  return { entry, chunks: list, firstQr: total(list.filter((c) => c.firstQr)), firstQrAuto: total(firstQrAuto), all: total(list) };
}

/**
 * The element's own code: src/define.ts bundled like the drop-in (CSS templates minified, then the
 * JS) with Lit (`lit`, `lit/*`, `@lit/*`) left out. `{ raw, min }` (raw: bundled, not minified).
 */
export async function ownCode(root = new URL('../', import.meta.url)) {
  const { build, transform } = await import('esbuild');
  const { minifyCssTemplates } = await import('./minify-css.mjs');
  const result = await build({
    entryPoints: [new URL('src/define.ts', root).pathname],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    external: ['lit', 'lit/*', '@lit/*'],
    legalComments: 'none',
    tsconfig: new URL('tsconfig.json', root).pathname,
    write: false,
    logLevel: 'error',
  });
  const raw = result.outputFiles[0].text;
  const min = (await transform(await minifyCssTemplates(raw, { file: 'own code' }), { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' })).code;
  return { raw: Buffer.from(raw), min: Buffer.from(min) };
}
