// `npm run build`: dist/*.js + .d.ts (ES modules, Lit external) for bundlers, dist/server/ for Node, then
// dist/green-qr-scan.bundled.js (Lit inlined, minified) for <script type="module"> from a CDN.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { build } from 'vite';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// green-qr-scan/server (Node types, no DOM) is its own project: dist/server/.
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'src/server/tsconfig.json'], { stdio: 'inherit' });
await build({ logLevel: 'warn' });
// Vite leaves whitespace in ES library builds (to keep pure annotations); the drop-in file is an
// end product, so minify it fully.
const bundled = new URL('../dist/green-qr-scan.bundled.js', import.meta.url);
const { code } = await transform(readFileSync(bundled, 'utf8'), { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' });
writeFileSync(bundled, code);
execFileSync(process.execPath, ['scripts/manifest-docs.mjs', '--dist'], { stdio: 'inherit' });
console.log('built dist/ (ESM + .d.ts) and dist/green-qr-scan.bundled.js');
