// `npm run size`: bytes of what users download, against the ceilings. Bytes are deterministic, so
// CI enforces them. Run after `npm run build`.
//   drop-in chunks  every .js file of the drop-in build: dist/green-qr-scan.bundled.js and what it
//                   imports, statically (loaded before the first QR code) or with import() (on
//                   demand); see scripts/chunks.mjs, which holds the ceilings: each chunk needs one.
//   first QR        the entry chunk plus its static imports: what a page that sets `messenger` loads
//                   before its first QR; with `messenger="auto"` (the default), plus the chunk of its
//                   one GetSettings request (DEFAULT_PATH_CHUNKS in scripts/chunks.mjs)
//   own code        src/define.ts bundled and minified with Lit (`lit`, `lit/*`, `@lit/*`) external
//   Lit             a minimal LitElement bundled the same way: the floor under the drop-in file
//   --json          prints the figures as JSON instead (for tools)
import { build } from 'esbuild';
import { CEILINGS, TARGETS, TOTAL_CEILINGS, brotli, dropInChunks, gzip, ownCode as ownCodeBytes } from './chunks.mjs';

// The ceilings (CEILINGS per chunk name, TOTAL_CEILINGS) and issue 14's TARGETS are in scripts/chunks.mjs.


const bundle = async (options) => {
  const result = await build({ bundle: true, format: 'esm', target: 'es2022', write: false, logLevel: 'error', legalComments: 'none', ...options });
  return result.outputFiles[0].text;
};

const { chunks, firstQr, firstQrAuto, all } = dropInChunks();
// Own code: bundled like the drop-in (CSS templates minified, then the JS), Lit left out.
const ownCode = (await ownCodeBytes()).min;
const lit = Buffer.from(
  await bundle({
    minify: true,
    stdin: { contents: "import { LitElement, html, css } from 'lit'; customElements.define('x-floor', class extends LitElement { static styles = css``; render() { return html``; } });", resolveDir: process.cwd() },
  }),
);

const failures = [];
const verdict = (z, ceiling) => {
  if (ceiling === undefined) return 'NO CEILING';
  return z <= ceiling ? `≤ ${ceiling} ok` : `> ${ceiling} OVER`;
};
const target = (z, goal) => (goal === undefined ? '' : z <= goal ? `≤ ${goal} met` : `${goal} (missed by ${z - goal})`);

const rows = [];
for (const c of chunks) {
  const ceiling = CEILINGS[c.name];
  if (ceiling === undefined) failures.push(`chunk ${c.file} (${c.name}) has no ceiling (CEILINGS in scripts/chunks.mjs)`);
  else if (c.gzip > ceiling) failures.push(`chunk ${c.file}: ${c.gzip} B gzip > ${ceiling}`);
  rows.push({ what: `dist/${c.file}`, loaded: c.firstQr ? 'first QR' : 'on demand', min: c.bytes, gzip: c.gzip, brotli: c.brotli, ceiling, status: verdict(c.gzip, ceiling), goal: '' });
}
const totals = [
  ['first QR, messenger set: entry + static imports', 'firstQr', firstQr],
  ['first QR, default (messenger auto): + GetSettings', 'firstQrAuto', firstQrAuto],
  ['all drop-in chunks', 'all', all],
];
for (const [what, key, t] of totals) {
  if (t.gzip > TOTAL_CEILINGS[key]) failures.push(`${what}: ${t.gzip} B gzip > ${TOTAL_CEILINGS[key]}`);
  rows.push({ what, loaded: `${t.files.length} file${t.files.length === 1 ? '' : 's'}`, min: t.bytes, gzip: t.gzip, brotli: t.brotli, ceiling: TOTAL_CEILINGS[key], status: verdict(t.gzip, TOTAL_CEILINGS[key]), goal: target(t.gzip, TARGETS[key]) });
}
const ownZ = gzip(ownCode);
if (ownZ > TOTAL_CEILINGS.ownCode) failures.push(`own code: ${ownZ} B gzip > ${TOTAL_CEILINGS.ownCode}`);
rows.push({ what: 'own code (Lit external)', loaded: '', min: ownCode.length, gzip: ownZ, brotli: brotli(ownCode), ceiling: TOTAL_CEILINGS.ownCode, status: verdict(ownZ, TOTAL_CEILINGS.ownCode), goal: '' });
rows.push({ what: 'Lit alone (the floor)', loaded: '', min: lit.length, gzip: gzip(lit), brotli: brotli(lit), ceiling: undefined, status: '', goal: '' });

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ chunks, firstQr, firstQrAuto, all, rows, ceilings: CEILINGS, totalCeilings: TOTAL_CEILINGS, targets: TARGETS, failures }, null, 2));
} else {
  const header = ['what', 'loaded', 'minified', 'gzip', 'brotli', 'ceiling (gzip)', 'issue 14 goal'];
  const cells = [header, ...rows.map((r) => [r.what, r.loaded, String(r.min), String(r.gzip), String(r.brotli), r.status, r.goal])];
  const widths = header.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  for (const c of cells) console.log(c.map((x, i) => (i >= 2 && i <= 4 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ').trimEnd());
}
if (failures.length) {
  for (const f of failures) console.error(`size check failed: ${f}`);
  process.exit(1);
}
