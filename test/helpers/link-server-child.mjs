// One link-server process for the multi-process and memory tests (started by link-server-plugin.mjs
// with `fork`, run with --expose-gc). Configuration comes in GQS_CHILD (JSON): upstreamUrl,
// realToken, allowedOrigins, limits, redisUrl (then the tickets, locks and counters live in Redis;
// redisForm 'client' passes the ioredis client, 'command' a function that runs one command).
// It listens on 127.0.0.1 (a free port), says `{ready, url}` over IPC, and answers IPC commands:
// issue, revoke, report (log lines, linked events, memory, bytes read from browsers), stop.
import http from 'node:http';
import { createLinkServer, memoryStore, redisStore } from '../../dist/server/index.js';

const config = JSON.parse(process.env.GQS_CHILD ?? '{}');
const lines = [];
const linked = [];
/** Bytes read from each browser websocket connection (set when it closes). */
const browserBytes = [];

let redis;
let store = memoryStore();
if (config.redisUrl) {
  const { default: Redis } = await import('ioredis');
  redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false });
  const client = config.redisForm === 'command' ? (args) => redis.call(args[0], ...args.slice(1)) : redis;
  store = redisStore({ client, prefix: config.prefix ?? 'green-qr-scan:' });
}

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const { port } = server.address();
const link = createLinkServer({
  lookup: () => ({ apiUrl: config.upstreamUrl, token: config.realToken }),
  allowedHosts: [`127.0.0.1:${port}`],
  allowedOrigins: config.allowedOrigins ?? [],
  store,
  limits: config.limits ?? {},
  log: (line) => lines.push(line),
  onLinked: (event) => linked.push(event),
});
server.on('request', (req, res) => {
  if (!link.handleRequest(req, res)) res.writeHead(404).end();
});
server.on('upgrade', (req, socket, head) => {
  socket.once('close', () => browserBytes.push(socket.bytesRead));
  if (!link.handleUpgrade(req, socket, head)) socket.destroy();
});

function memory() {
  globalThis.gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

process.on('message', async (message) => {
  const { id, cmd, args = {} } = message;
  let reply;
  try {
    switch (cmd) {
      case 'issue':
        reply = await link.issueTicket(args);
        break;
      case 'revoke':
        reply = { existed: await link.revokeTicket(args.ticket) };
        break;
      case 'report':
        reply = { lines, linked, memory: memory(), browserBytes };
        break;
      case 'stop':
        await link.close();
        server.closeAllConnections();
        server.close();
        await redis?.quit().catch(() => {});
        reply = { ok: true };
        process.send({ id, reply }, () => process.exit(0));
        return;
      default:
        reply = { error: `unknown command ${cmd}` };
    }
  } catch (err) {
    reply = { error: err instanceof Error ? err.message : String(err) };
  }
  process.send({ id, reply });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, url: `http://127.0.0.1:${port}` });
