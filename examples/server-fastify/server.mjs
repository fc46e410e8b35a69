/**
 * green-qr-scan/server in a Fastify 5 app.
 *
 *   npm run build && node examples/server-fastify/server.mjs     → http://127.0.0.1:8080/
 *
 * The regions marked `#region` are the README's snippets (scripts/server-examples.mjs checks that
 * they match, and runs this app).
 */
import Fastify from 'fastify';
import { createLinkServer } from 'green-qr-scan/server';
import { demo } from '../server-shared/demo.mjs';

const { db, currentUser, allowedHosts, port, host, page, listening, close } = await demo();

const link = createLinkServer({
  lookup: async (instanceId) => {
    const row = db.get(instanceId);
    return row && { apiUrl: row.apiUrl, token: row.token };
  },
  allowedHosts,
  basePath: '/green-api',
  onLinked: async ({ instanceId, wid }) => {
    db.get(instanceId).wid = wid;
    console.log(`onLinked: instance ${instanceId} linked as ${wid}`);
  },
  log: (line) => console.log(`[green-qr-scan] ${line}`),
});

// #region mount
const app = Fastify();
app.route({
  method: ['GET', 'POST', 'OPTIONS'],
  url: '/green-api/*',
  // Hand the raw request to the link server before Fastify reads the body.
  onRequest: async (request, reply) => {
    reply.hijack();
    link.handleRequest(request.raw, reply.raw);
  },
  handler: async () => {},
});

app.post('/api/link-ticket', async (request, reply) => {
  const user = currentUser(request.raw); // your login
  const instanceId = String(request.body?.instanceId ?? '');
  if (!user || db.get(instanceId)?.owner !== user) return reply.code(403).send();
  const { ticket, expiresAt } = await link.issueTicket({ instanceId, origin: request.headers.origin });
  return reply.header('cache-control', 'no-store').send({ ticket, expiresAt });
});

app.server.on('upgrade', (req, socket, head) => {
  if (!link.handleUpgrade(req, socket, head)) socket.destroy();
});
// #endregion mount

app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(page));

await app.listen({ port, host });
listening(app.server.address());

const stop = async () => {
  await link.close();
  await app.close();
  await close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
