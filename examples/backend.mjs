/**
 * The backend the front-end examples (html, react, vue, angular) talk to, in the token-free setup:
 * the page asks it for a link ticket (`POST /api/link-ticket {instanceId}`) and points the element's
 * `api-url` at its `/green-api`, where green-qr-scan/server forwards to GREEN-API with the instance's
 * token, which stays here. `npm run examples` serves each built example from it, in front of the local
 * GREEN-API stand-in. By hand, at the repository root after `npm run build`:
 *
 *   node examples/backend.mjs                              http://127.0.0.1:8080: the dev servers of the
 *                                                          React, Vue and Angular examples proxy /api and
 *                                                          /green-api here
 *   node examples/backend.mjs --static .                   also serves the repository:
 *                                                          http://127.0.0.1:8080/examples/html/
 *   node examples/backend.mjs --static examples/vue/dist   a built example at http://127.0.0.1:8080/
 *
 *   GREEN_API_URL, API_TOKEN, INSTANCE_ID   a real instance (default: the local stand-in, started here,
 *                                           which accepts any instance and token)
 *   PORT, HOST                              where it listens (default 8080, 127.0.0.1)
 *
 * The ticket route stands in for yours, which issues a ticket only after checking that its signed-in
 * user may link that instance (examples/server-node/server.mjs shows that check); this one issues
 * tickets for the instances `owns` accepts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinkServer } from 'green-qr-scan/server';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

/** The request's JSON body (small). */
async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 4096) throw new Error('body too large');
  }
  return JSON.parse(text || '{}');
}

/**
 * Starts the backend. `greenApiUrl` and `token`: where GREEN-API serves the instances, and the token
 * (without `greenApiUrl` the stand-in is started in this process). `owns(instanceId)`: your user check.
 * `staticDir`: files to serve besides the routes (`/` → index.html).
 */
export async function startBackend({ port = 0, host = '127.0.0.1', staticDir, greenApiUrl, token, owns = () => true, allowedHosts = ['127.0.0.1', 'localhost'] } = {}) {
  let standIn;
  if (!greenApiUrl) {
    const { startMockServer } = await import('../mock/server.mjs');
    standIn = await startMockServer({ port: 0 });
    greenApiUrl = standIn.url;
  }
  const apiToken = token ?? 'stand-in-token-0123456789';
  /** What happened, for the smoke tests: tickets issued (per instance), links confirmed by the server, its log. */
  const record = { tickets: [], issued: new Map(), linked: [], log: [] };

  const link = createLinkServer({
    lookup: async (instanceId) => (owns(instanceId) ? { apiUrl: greenApiUrl, token: apiToken } : undefined),
    allowedHosts,
    basePath: '/green-api',
    onLinked: ({ instanceId, wid }) => void record.linked.push({ instanceId, wid }),
    log: (line) => void record.log.push(line),
  });

  const root = staticDir ? resolve(staticDir) : undefined;
  const server = createServer((req, res) => {
    if (link.handleRequest(req, res)) return; // /green-api/…
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/api/link-ticket') {
      if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
      readJson(req)
        .then(async ({ instanceId }) => {
          const id = String(instanceId ?? '');
          if (!owns(id)) return void res.writeHead(403).end(); // your user check
          const { ticket, expiresAt } = await link.issueTicket({ instanceId: id, origin: req.headers.origin });
          record.tickets.push(ticket);
          record.issued.set(id, (record.issued.get(id) ?? 0) + 1);
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ ticket, expiresAt }));
        })
        .catch(() => res.writeHead(400).end());
      return;
    }
    const file = root && normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (req.method !== 'GET' || !file || !file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(readFileSync(file));
  });
  server.on('upgrade', (req, socket, head) => {
    if (!link.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise((done) => server.listen(port, host, done));
  const { port: actual } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${actual}`,
    greenApiUrl,
    record,
    async close() {
      await link.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await standIn?.close();
    },
  };
}

// `node examples/backend.mjs [--static DIR]`
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--static');
  const only = process.env.INSTANCE_ID;
  const backend = await startBackend({
    port: Number(process.env.PORT ?? 8080),
    host: process.env.HOST ?? '127.0.0.1',
    staticDir: at > 0 ? process.argv[at + 1] : undefined,
    greenApiUrl: process.env.GREEN_API_URL,
    token: process.env.API_TOKEN,
    owns: (instanceId) => /^\d{1,12}$/.test(instanceId) && (!only || instanceId === only),
  });
  console.log(`backend on ${backend.url}/ (tickets: POST /api/link-ticket, green-qr-scan/server: /green-api)`);
  if (!process.env.GREEN_API_URL) console.log(`GREEN-API stand-in on ${backend.greenApiUrl} (link: curl -X POST ${backend.greenApiUrl}/mock/1101000001/scan)`);
  const stop = async () => {
    await backend.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
