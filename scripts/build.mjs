// `npm run build`: dist/*.js + .d.ts (ES modules, Lit external) for bundlers, then
// dist/green-qr-scan.bundled.js (Lit inlined, minified) for <script type="module"> from a CDN.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'vite';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
await build({ logLevel: 'warn' });
console.log('built dist/ (ESM + .d.ts) and dist/green-qr-scan.bundled.js');
