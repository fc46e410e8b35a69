/**
 * A runnable host for the token-free deployment:
 *
 *   node proxy/example.mjs            → http://127.0.0.1:8080 (a page with <green-qr-scan>)
 *
 * One Node server plays "your app": it serves a page, issues short-lived session tokens to the
 * (pretend) logged-in user, and mounts the GREEN-API proxy under /green-api. The page never sees the
 * instance's API token: it gets `api-url="http://127.0.0.1:8080/green-api"` and a session token.
 *
 * Environment:
 *   UPSTREAM     GREEN-API host to forward to (e.g. https://7103.api.greenapi.com). Unset: the local
 *                GREEN-API stand-in (mock/server.mjs) is started in this process.
 *   INSTANCE_ID  the instance the logged-in user may link (default 1101000001)
 *   API_TOKEN    that instance's apiTokenInstance (default: a placeholder the stand-in accepts)
 *   PORT, HOST   where this server listens (default 8080, 127.0.0.1)
 *
 * In production this runs behind TLS, `authorize` reads your own session store, and the token
 * issuing endpoint sits behind your login (see proxy/README.md).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { createGreenApiProxy } from './green-api-proxy.mjs';

const PORT = Number(process.env.PORT ?? 8080);
const HOST = process.env.HOST ?? '127.0.0.1';
const INSTANCE_ID = process.env.INSTANCE_ID ?? '1101000001';
const API_TOKEN = process.env.API_TOKEN ?? `stand-in-token-${randomBytes(8).toString('hex')}`;
const SESSION_TTL_MS = 10 * 60_000;

let upstream = process.env.UPSTREAM;
/** @type {{ close(): Promise<void>, url: string } | undefined} */
let standIn;
if (!upstream) {
  const { startMockServer } = await import('../mock/server.mjs');
  standIn = await startMockServer({ port: 0, log: true });
  upstream = standIn.url;
}

/** Session token → what it may do. In a real app: your session store (Redis, your DB, …). */
const sessions = new Map();

/** Issues a session token for the logged-in user's instance. Call it only behind your login. */
function issueSession(instanceId) {
  const sessionToken = randomBytes(24).toString('base64url');
  sessions.set(sessionToken, { instanceId, expiresAt: Date.now() + SESSION_TTL_MS });
  return { sessionToken, expiresIn: SESSION_TTL_MS / 1000 };
}

const proxy = createGreenApiProxy({
  upstream,
  basePath: '/green-api',
  log: (line) => console.log(`[proxy] ${line}`),
  // The only place the real token is looked up: the session must exist, be fresh and be bound to
  // the instance in the path.
  async authorize({ instanceId, sessionToken }) {
    const session = sessions.get(sessionToken);
    if (!session || session.expiresAt < Date.now()) {
      sessions.delete(sessionToken);
      return null;
    }
    if (session.instanceId !== instanceId) return null;
    return { apiTokenInstance: API_TOKEN };
  },
});

const bundle = fileURLToPath(new URL('../dist/green-qr-scan.bundled.js', import.meta.url));
const page = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>green-qr-scan behind a proxy</title>
<script type="module" src="/green-qr-scan.js"></script>
<h1>Link your WhatsApp</h1>
<green-qr-scan></green-qr-scan>
<pre id="log"></pre>
<script type="module">
  const el = document.querySelector('green-qr-scan');
  const say = (line) => (document.getElementById('log').textContent += line + '\\n');
  el.addEventListener('account-linked', (e) => say('linked ' + e.detail.wid));
  el.addEventListener('scan-failed', (e) => say('failed: ' + e.detail.reason));
  // Your backend, behind your login: which instance, and a short-lived session token for it.
  const res = await fetch('/api/green-session', { method: 'POST' });
  const { instanceId, sessionToken } = await res.json();
  el.apiUrl = location.origin + '/green-api';
  el.instanceId = instanceId;
  el.token = sessionToken; // not the instance token
</script>
</html>`;

const server = http.createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://host').pathname;
  if (path.startsWith('/green-api/')) {
    void proxy.handleRequest(req, res);
  } else if (path === '/api/green-session' && req.method === 'POST') {
    // Pretend the user is logged in and owns INSTANCE_ID.
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ instanceId: INSTANCE_ID, ...issueSession(INSTANCE_ID) }));
  } else if (path === '/green-qr-scan.js' && existsSync(bundle)) {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(readFileSync(bundle));
  } else if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  } else {
    res.writeHead(404).end();
  }
});
server.on('upgrade', (req, socket, head) => {
  if ((req.url ?? '').startsWith('/green-api/')) void proxy.handleUpgrade(req, socket, head);
  else socket.destroy();
});
server.listen(PORT, HOST, () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `http://${HOST.includes(':') ? `[${HOST}]` : HOST}:${port}`;
  console.log(`host app     ${origin}/  (page with the element)`);
  console.log(`api-url      ${origin}/green-api`);
  console.log(`forwards to  ${standIn ? `${upstream} (local GREEN-API stand-in)` : new URL(upstream).origin}`);
  if (standIn) console.log(`simulate     curl -X POST ${upstream}/mock/${INSTANCE_ID}/scan`);
  if (!existsSync(bundle)) console.log('(run `npm run build` first to serve the element on the page)');
});

const stop = async () => {
  await proxy.close();
  server.closeAllConnections();
  server.close();
  await standIn?.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
