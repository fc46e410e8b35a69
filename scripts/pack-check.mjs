// `npm run pack-check`: the package as a user gets it. Packs it with `npm pack`, checks that the
// tarball holds only what a user needs and that every `sourceMappingURL` in it resolves to a file
// in it, installs it into a scratch project (with React, Vue and Preact for the framework types),
// imports every runtime entry point in Node (as an SSR build would: nothing may touch `window` or
// `customElements` at load), runs green-qr-scan/server (a ticket issued and revoked; it imports only
// node:*, ws and its own files), and type-checks a file that uses every entry point with `tsc` (the
// server's with Node's types and no DOM). Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'green-qr-scan-pack-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

try {
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch], root));
  const files = packed.files.map((f) => f.path);
  const allowed = /^(dist\/.+\.(js|d\.ts|json)|custom-elements\.json|package\.json|README\.md|CHANGELOG\.md|SECURITY\.md|LICENSE)$/;
  const extra = files.filter((f) => !allowed.test(f));
  check(extra.length === 0, `tarball holds only dist/, the manifest and the docs (${files.length} files, ${(packed.size / 1024).toFixed(1)} KiB)${extra.length ? `; unexpected: ${extra.join(', ')}` : ''}`);
  // Every source map comment points at a file in the tarball (or is an inline data: URL).
  const unpacked = join(scratch, 'unpacked');
  mkdirSync(unpacked);
  run('tar', ['-xzf', join(scratch, packed.filename), '-C', unpacked], scratch);
  const dangling = [];
  let mapComments = 0;
  for (const file of files.filter((f) => /\.(m?js|cjs|d\.ts|css)$/.test(f))) {
    const text = readFileSync(join(unpacked, 'package', file), 'utf8');
    for (const [, url] of text.matchAll(/[#@]\s*sourceMappingURL=([^\s*'"]+)/g)) {
      mapComments++;
      if (url.startsWith('data:')) continue;
      const target = posix.normalize(posix.join(posix.dirname(file), decodeURI(url.split(/[?#]/)[0])));
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || !files.includes(target)) dangling.push(`${file} → ${url}`);
    }
  }
  check(dangling.length === 0, `every sourceMappingURL in the tarball resolves to a file in it (${mapComments} found)${dangling.length ? `; dangling: ${dangling.slice(0, 5).join(', ')}${dangling.length > 5 ? ` and ${dangling.length - 5} more` : ''}` : ''}`);
  for (const needed of ['dist/define.js', 'dist/define.d.ts', 'dist/adapters/react.js', 'dist/session.js', 'dist/green-qr-scan.bundled.js', 'custom-elements.json', 'dist/vscode.html-custom-data.json', 'dist/web-types.json', 'dist/server/index.js', 'dist/server/index.d.ts']) {
    check(files.includes(needed), `tarball has ${needed}`);
  }
  // The drop-in file loads its on-demand chunks from its own folder: each must be in the tarball.
  const { dropInChunks } = await import('./chunks.mjs');
  const dropIn = dropInChunks().chunks.map((c) => `dist/${c.file}`);
  const missingChunks = dropIn.filter((f) => !files.includes(f));
  check(dropIn.length > 1 && missingChunks.length === 0, `tarball has every chunk of the drop-in file (${dropIn.length} files)${missingChunks.length ? `; missing: ${missingChunks.join(', ')}` : ''}`);
  for (const [entry, target] of Object.entries(pkg.exports)) {
    const paths = typeof target === 'string' ? [target] : Object.values(target);
    for (const path of paths) check(files.includes(path.replace(/^\.\//, '')), `export ${entry} → ${path} is in the tarball`);
  }

  // green-qr-scan/server imports only Node's modules, `ws` and its own files (no Redis client, no DOM code).
  const serverImports = new Set();
  for (const file of files.filter((f) => /^dist\/server\/.+\.js$/.test(f))) {
    for (const [, spec] of readFileSync(join(root, file), 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)) serverImports.add(spec);
    if (/\bimport\s*\(/.test(readFileSync(join(root, file), 'utf8'))) serverImports.add(`a dynamic import in ${file}`);
  }
  const foreign = [...serverImports].filter((spec) => !spec.startsWith('node:') && spec !== 'ws' && !/^\.\.?\/(server\/|core\/(config|protocol)\.js$|[\w-]+\.js$)/.test(spec.replace(/^\.\.\//, '../')));
  check(serverImports.size > 0 && foreign.length === 0, `dist/server imports only node:*, ws and its own files (${[...serverImports].sort().join(', ')})${foreign.length ? `; unexpected: ${foreign.join(', ')}` : ''}`);
  check(pkg.dependencies.ws !== undefined, 'ws is a dependency (green-qr-scan/server needs it)');

  const dev = pkg.devDependencies;
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({
      name: 'scratch',
      private: true,
      type: 'module',
      dependencies: {
        'green-qr-scan': `file:./${packed.filename}`,
        react: dev.react,
        'react-dom': dev['react-dom'],
        '@types/react': dev['@types/react'],
        vue: dev.vue,
        preact: dev.preact,
        typescript: dev.typescript,
        '@types/node': dev['@types/node'],
      },
    }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], scratch);
  check(true, 'installed the tarball into a scratch project');

  // Node, as an SSR build imports it.
  writeFileSync(
    join(scratch, 'ssr.mjs'),
    `// The framework-free entries load nothing of Lit and touch no DOM global at all.
for (const entry of ['green-qr-scan/session.js', 'green-qr-scan/locales/en.js', 'green-qr-scan/locales/ru.js']) {
  const mod = await import(entry);
  if (typeof window !== 'undefined' || typeof customElements !== 'undefined' || typeof document !== 'undefined') throw new Error(entry + ' touched a DOM global');
  console.log(entry + ': ' + Object.keys(mod).length + ' exports, no DOM globals');
}
// The element entries load Lit, whose Node build installs its own SSR shim of customElements
// (lit-labs/ssr-dom-shim); our modules add nothing: no window, no document.
for (const entry of ['green-qr-scan', 'green-qr-scan/green-qr-scan.js', 'green-qr-scan/react']) {
  const mod = await import(entry);
  if (typeof window !== 'undefined' || typeof document !== 'undefined') throw new Error(entry + ' created window/document');
  console.log(entry + ': ' + Object.keys(mod).length + ' exports, no window/document');
}
const { ScanSession, parseFrame } = await import('green-qr-scan/session.js');
if (parseFrame('{"type":"timeout"}').message.type !== 'timeoutExpired') throw new Error('parseFrame');
const s = new ScanSession({ instanceId: 'x', token: 't' });
let reason; s.addEventListener('scan-failed', (e) => (reason = e.detail.reason)); s.start();
if (reason !== 'invalidConfig') throw new Error('session in Node');
const { GreenQrScan } = await import('green-qr-scan/react');
if (typeof GreenQrScan !== 'object' && typeof GreenQrScan !== 'function') throw new Error('react wrapper');
// The README's React advice: the wrapper keeps the token out of server-rendered HTML; the bare
// tag with a token prop puts it there.
const React = (await import('react')).default;
const { renderToString } = await import('react-dom/server');
const wrapped = renderToString(React.createElement(GreenQrScan, { instanceId: '1101000001', token: 'SECRET-SSR-TOKEN' }));
if (wrapped.includes('SECRET-SSR-TOKEN') || !wrapped.startsWith('<green-qr-scan')) throw new Error('the React wrapper rendered the token into HTML: ' + wrapped);
const bare = renderToString(React.createElement('green-qr-scan', { 'instance-id': '1101000001', token: 'SECRET-SSR-TOKEN' }));
if (!bare.includes('token="SECRET-SSR-TOKEN"')) throw new Error('the README warns that a bare tag serializes token; it did not: ' + bare);
console.log('react SSR: the wrapper keeps the token out of the HTML; a bare <green-qr-scan token> puts it in (as the README warns)');
`,
  );
  const ssr = run(process.execPath, ['ssr.mjs'], scratch);
  check(true, `every runtime entry imports in Node (SSR) without touching the DOM:\n     ${ssr.trim().split('\n').join('\n     ')}`);

  // The server module, as a backend imports it.
  writeFileSync(
    join(scratch, 'server.mjs'),
    `import { createLinkServer, memoryStore, redisStore, SCOPES } from 'green-qr-scan/server';
if (typeof window !== 'undefined' || typeof document !== 'undefined' || typeof customElements !== 'undefined') throw new Error('DOM globals');
const link = createLinkServer({ lookup: () => undefined, allowedHosts: ['app.example'], store: memoryStore() });
const { ticket, expiresAt } = await link.issueTicket({ instanceId: '1101000001' });
if (!/^[A-Za-z0-9_.-]{40,}$/.test(ticket) || !(expiresAt > Date.now())) throw new Error('issueTicket');
if (!(await link.revokeTicket(ticket))) throw new Error('revokeTicket');
redisStore({ client: async () => null });
await link.close();
console.log('green-qr-scan/server: a ticket issued and revoked; scopes ' + SCOPES.join(', '));
`,
  );
  check(true, run(process.execPath, ['server.mjs'], scratch).trim());

  // Types, as a TypeScript user sees them.
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true, jsx: 'react-jsx', lib: ['ES2022', 'DOM'], skipLibCheck: false, types: [] },
      files: ['usage.ts', 'usage.tsx', 'usage-vue.ts'],
    }),
  );
  writeFileSync(
    join(scratch, 'usage.ts'),
    `import 'green-qr-scan';
import { GreenQrScan, ScanSession, registerLocale, AccountLinkedEvent, type ScanFailure, type Strings } from 'green-qr-scan/green-qr-scan.js';
import { parseFrame, resolveConfig } from 'green-qr-scan/session.js';
import { ru } from 'green-qr-scan/locales/ru.js';
const el = document.createElement('green-qr-scan');
const same: GreenQrScan = el;
el.instanceId = '1101000001';
el.token = 'secret';
el.addEventListener('account-linked', (e) => { const wid: string = e.detail.wid; console.log(wid, e instanceof AccountLinkedEvent); });
el.addEventListener('scan-failed', (e) => { const failure: ScanFailure = e.detail; console.log(failure.reason); });
document.addEventListener('scan-state-change', (e) => console.log(e.detail.state, e.detail.previous));
const strings: Partial<Strings> = { retry: ru.retry };
registerLocale('de', strings);
new ScanSession({ instanceId: '1', token: 't' }).start();
console.log(same, parseFrame('{}').ok, resolveConfig({ instanceId: '1', token: 't' }).ok);
// @ts-expect-error: state is read-only
el.state = 'qr';
`,
  );
  writeFileSync(
    join(scratch, 'usage.tsx'),
    `import type {} from 'green-qr-scan/jsx-react';
import { GreenQrScan } from 'green-qr-scan/react';
export const Wrapped = () => <GreenQrScan instanceId="1" token="t" onAccountLinked={(e) => console.log(e.detail.wid)} onScanFailed={(e) => console.log(e.detail.reason)} />;
export const WithTicket = () => <GreenQrScan instanceId="1" apiUrl="https://app.example.com/green-api" ticket="gqs1.ticket-from-your-backend" />;
export const Bare = () => <green-qr-scan instance-id="1" api-url="https://api.green-api.com" mode="phone" onaccount-linked={(e) => console.log(e.detail.pushname)} />;
// @ts-expect-error: mode is 'qr' | 'phone'
export const Wrong = () => <green-qr-scan mode="sms" />;
`,
  );
  writeFileSync(
    join(scratch, 'usage-vue.ts'),
    `import type {} from 'green-qr-scan/vue';
import type { GlobalComponents } from 'vue';
type Props = InstanceType<GlobalComponents['green-qr-scan']>['$props'];
const props: Props = { instanceId: '1', mode: 'phone', onAccountLinked: (e) => console.log(e.detail.wid) };
const withTicket: Props = { instanceId: '1', apiUrl: 'https://app.example.com/green-api', ticket: 'gqs1.ticket-from-your-backend' };
console.log(withTicket);
console.log(props);
`,
  );
  // The server's types, as a Node backend sees them: Node's types, no DOM.
  writeFileSync(
    join(scratch, 'tsconfig.server.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true, lib: ['ES2022'], skipLibCheck: false, types: ['node'] },
      files: ['usage-server.ts'],
    }),
  );
  writeFileSync(
    join(scratch, 'usage-server.ts'),
    `import http from 'node:http';
import { createLinkServer, redisStore, type LinkServer, type LinkStore, type Scope, type LinkedEvent } from 'green-qr-scan/server';
const store: LinkStore = redisStore({ client: async (args: string[]) => args.length });
const link: LinkServer = createLinkServer({
  lookup: async (instanceId: string) => ({ apiUrl: 'https://7105.api.greenapi.com', token: instanceId }),
  allowedHosts: ['app.example.com'],
  basePath: '/green-api',
  store,
  onLinked: (event: LinkedEvent) => console.log(event.instanceId, event.wid),
  limits: { maxSockets: 10 },
});
const scopes: Scope[] = ['qr', 'phone'];
const server = http.createServer((req, res) => void link.handleRequest(req, res));
server.on('upgrade', (req, socket, head) => link.handleUpgrade(req, socket, head));
void link.issueTicket({ instanceId: '1', scopes }).then(({ ticket, expiresAt }) => console.log(ticket.length, expiresAt));
// @ts-expect-error: not a scope
link.issueTicket({ instanceId: '1', scopes: ['sendMessage'] });
`,
  );
  try {
    run(process.execPath, [join(scratch, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.server.json'], scratch);
    check(true, 'tsc type-checks green-qr-scan/server with Node types and no DOM');
  } catch (error) {
    check(false, `tsc type check of green-qr-scan/server:\n${error.stdout}${error.stderr}`);
  }
  try {
    run(process.execPath, [join(scratch, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], scratch);
    check(true, 'tsc type-checks every entry point (element, events, session, locales, React wrapper, JSX, Vue)');
  } catch (error) {
    check(false, `tsc type check:\n${error.stdout}${error.stderr}`);
  }
} catch (error) {
  check(false, `${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`pack-check: ${failures.length} problem(s)`);
  process.exit(1);
}
console.log('pack-check: the packed package works');
