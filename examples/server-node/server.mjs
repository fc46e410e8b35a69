/**
 * green-qr-scan/server on Node's own `http` server.
 *
 *   npm run build && node examples/server-node/server.mjs     → http://127.0.0.1:8080/
 *
 * The regions marked `#region` are the README's snippets (scripts/server-examples.mjs checks that
 * they match, and runs this app: a ticket, a QR code, a simulated scan, onLinked).
 */
import http from 'node:http';
import { createLinkServer } from 'green-qr-scan/server';
import { demo } from '../server-shared/demo.mjs';

const { db, currentUser, allowedHosts, port, host, page, listening, close } = await demo();

// #region create
const link = createLinkServer({
  // Your code: where GREEN-API serves the instance, and its token. Never sent to the browser.
  lookup: async (instanceId) => {
    const row = db.get(instanceId);
    return row && { apiUrl: row.apiUrl, token: row.token };
  },
  allowedHosts, // the Host names your app answers to, e.g. ['app.example.com']
  basePath: '/green-api', // the element's api-url is https://app.example.com/green-api
  // Called once per ticket, after the server itself saw the instance linked (getStateInstance).
  onLinked: async ({ instanceId, wid }) => {
    db.get(instanceId).wid = wid;
    console.log(`onLinked: instance ${instanceId} linked as ${wid}`);
  },
  log: (line) => console.log(`[green-qr-scan] ${line}`), // never a ticket or a token
});
// #endregion create

/** The request's JSON body (small). */
async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 4096) throw new Error('body too large');
  }
  return JSON.parse(text || '{}');
}

// #region tickets
/** POST /api/link-ticket {instanceId}: a ticket for the signed-in user's own instance. */
async function issueLinkTicket(req, res) {
  const user = currentUser(req); // your login
  const { instanceId } = await readJson(req);
  const row = db.get(String(instanceId));
  if (!user || !row || row.owner !== user) {
    res.writeHead(403).end();
    return;
  }
  const { ticket, expiresAt } = await link.issueTicket({
    instanceId: String(instanceId),
    scopes: ['qr'], // add 'phone' for linking by phone number, 'logout' for a Logout button
    origin: req.headers.origin, // the ticket works only for the page that asked for it
  });
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ ticket, expiresAt }));
}
// #endregion tickets

// #region mount
const server = http.createServer((req, res) => {
  if (link.handleRequest(req, res)) return; // /green-api/…: the link server answers
  if (req.method === 'POST' && req.url === '/api/link-ticket') {
    issueLinkTicket(req, res).catch(() => res.writeHead(400).end());
  } else if (req.method === 'GET' && req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  } else {
    res.writeHead(404).end();
  }
});
server.on('upgrade', (req, socket, head) => {
  if (!link.handleUpgrade(req, socket, head)) socket.destroy();
});
// #endregion mount

server.listen(port, host, () => listening(server.address()));
const stop = async () => {
  await link.close();
  server.closeAllConnections();
  server.close();
  await close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
