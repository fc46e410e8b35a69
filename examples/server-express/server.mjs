/**
 * green-qr-scan/server in an Express 5 app, with its tickets, socket locks and rate counters in Redis
 * when REDIS_URL is set (several processes behind a load balancer).
 *
 *   npm run build && node examples/server-express/server.mjs                  → http://127.0.0.1:8080/
 *   REDIS_URL=redis://127.0.0.1:6379 node examples/server-express/server.mjs
 *
 * The regions marked `#region` are the README's snippets (scripts/server-examples.mjs checks that
 * they match, and runs this app with and without Redis).
 */
import express from 'express';
import { createLinkServer, redisStore } from 'green-qr-scan/server';
import { demo } from '../server-shared/demo.mjs';

const { db, currentUser, allowedHosts, port, host, page, listening, close } = await demo();

// #region store
// Several processes: every one of them uses the same Redis (tickets, one-socket locks, rate counters).
let store; // undefined: one process's memory
let redis;
if (process.env.REDIS_URL) {
  const { default: Redis } = await import('ioredis');
  redis = new Redis(process.env.REDIS_URL);
  store = redisStore({ client: redis });
}
// #endregion store

const link = createLinkServer({
  lookup: async (instanceId) => {
    const row = db.get(instanceId);
    return row && { apiUrl: row.apiUrl, token: row.token };
  },
  allowedHosts,
  basePath: '/green-api',
  store,
  onLinked: async ({ instanceId, wid }) => {
    db.get(instanceId).wid = wid;
    console.log(`onLinked: instance ${instanceId} linked as ${wid}`);
  },
  log: (line) => console.log(`[green-qr-scan] ${line}`),
});

// #region mount
const app = express();
app.use(link.handleRequest); // /green-api/…: the link server answers; anything else goes on

app.post('/api/link-ticket', express.json(), async (req, res) => {
  const user = currentUser(req); // your login
  const instanceId = String(req.body?.instanceId ?? '');
  if (!user || db.get(instanceId)?.owner !== user) return res.sendStatus(403);
  const { ticket, expiresAt } = await link.issueTicket({ instanceId, origin: req.get('origin') });
  res.set('cache-control', 'no-store').json({ ticket, expiresAt });
});

const server = app.listen(port, host, () => listening(server.address()));
server.on('upgrade', (req, socket, head) => {
  if (!link.handleUpgrade(req, socket, head)) socket.destroy();
});
// #endregion mount

app.get('/', (_req, res) => res.type('html').send(page));

const stop = async () => {
  await link.close();
  server.closeAllConnections();
  server.close();
  await redis?.quit();
  await close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
