// `npm run build`: dist/*.js + .d.ts (ES modules, Lit external) for bundlers, dist/server/ for Node, then
// dist/green-qr-scan.bundled.js (Lit inlined, minified) for <script type="module"> from a CDN.
// Both outputs get the CSS of Lit's `css` templates minified (scripts/minify-css.mjs): tsc's output
// here, the drop-in through the Vite plugin in vite.config.ts.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { build } from 'vite';
import { dropInChunks } from './chunks.mjs';
import { minifyCssTemplates } from './minify-css.mjs';

const dist = new URL('../dist/', import.meta.url);
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// tsc's ESM output: minify the CSS of `css` templates; the newlines it removes are kept after each
// template, so the .js.map files stay right.
const jsFiles = readdirSync(dist, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.js'))
  .sort();
for (const file of jsFiles) {
  const url = new URL(file, dist);
  const code = readFileSync(url, 'utf8');
  const out = await minifyCssTemplates(code, { keepLines: true, file: `dist/${file}` });
  if (out !== code) writeFileSync(url, out);
}
// green-qr-scan/server (Node types, no DOM) is its own project: dist/server/.
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'src/server/tsconfig.json'], { stdio: 'inherit' });
await build({ logLevel: 'warn' });
// Vite leaves whitespace in ES library builds (to keep pure annotations); the drop-in file and its
// on-demand chunks (scripts/chunks.mjs finds them) are an end product, so minify them fully.
for (const { file } of dropInChunks(dist).chunks) {
  const url = new URL(file, dist);
  const { code } = await transform(readFileSync(url, 'utf8'), { minify: true, format: 'esm', target: 'es2022', legalComments: 'none', charset: 'utf8' });
  writeFileSync(url, code);
}
execFileSync(process.execPath, ['scripts/manifest-docs.mjs', '--dist'], { stdio: 'inherit' });
console.log('built dist/ (ESM + .d.ts) and dist/green-qr-scan.bundled.js');
