// Node side of test/helpers/ws-server.ts: a web-test-runner plugin that scripts REAL websocket
// servers (package `ws`) on 127.0.0.1 for browser tests, driven with `executeServerCommand`.
//
// Every command answers a JSON value. Expected failures (timeout, no such connection) are answered
// as `{ error: string }` rather than thrown, so the browser helper throws them without the runner
// logging a server-side stack trace. Unknown commands return undefined (not ours).
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { waitFor } from './plugin-wait.mjs';


/**
 * @typedef {object} Conn
 * @property {number} index
 * @property {string} path raw request URL (path + query), percent-encoding untouched
 * @property {string | null} origin
 * @property {string | null} protocol Sec-WebSocket-Protocol request header
 * @property {'accepted' | 'refused' | 'pending'} handshake
 * @property {boolean} open
 * @property {number} [closeCode]
 * @property {string} [closeReason]
 * @property {'client' | 'server'} [closedBy]
 * @property {string[]} received text frames from the client
 * @property {string[]} receivedBinary binary frames from the client, base64
 * @property {boolean} serverClosing
 * @property {number} arrived the server's event sequence number when the upgrade request arrived
 * @property {number} [closeRequested] sequence number when the client's close frame arrived
 * @property {number} [closeCompleted] sequence number when the server finished its side of the close:
 *   sent its reply to the client's close frame (after `slowCloseMs`), or else when the connection ended
 * @property {ReturnType<typeof setTimeout>} [closeTimer]
 * @property {import('ws').WebSocket} [ws]
 * @property {import('node:net').Socket} socket
 */

export function wsServerPlugin() {
  /** @type {Map<number, {port: number, sessionId: string, seq: number, http: http.Server, wss: WebSocketServer, conns: Conn[], sockets: Set<import('node:net').Socket>, waiters: Set<() => void>}>} */
  const servers = new Map();

  const view = (/** @type {Conn} */ c) => {
    const out = {
      index: c.index,
      path: c.path,
      origin: c.origin,
      protocol: c.protocol,
      handshake: c.handshake,
      open: c.open,
      received: [...c.received],
      receivedBinary: [...c.receivedBinary],
      arrived: c.arrived,
    };
    if (c.closeRequested !== undefined) out.closeRequested = c.closeRequested;
    if (c.closeCompleted !== undefined) out.closeCompleted = c.closeCompleted;
    if (c.closeCode !== undefined) out.closeCode = c.closeCode;
    if (c.closeReason !== undefined) out.closeReason = c.closeReason;
    if (c.closedBy !== undefined) out.closedBy = c.closedBy;
    return out;
  };

  const notify = (server) => {
    for (const waiter of [...server.waiters]) waiter();
  };


  async function start(options = {}, sessionId) {
    const server = {
      port: 0,
      sessionId,
      /** One counter for every event the server records: the order of events across connections. */
      seq: 0,
      http: http.createServer((_req, res) => {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }),
      wss: new WebSocketServer({ noServer: true }),
      conns: [],
      sockets: new Set(),
      waiters: new Set(),
    };
    server.http.on('connection', (socket) => {
      server.sockets.add(socket);
      socket.on('close', () => server.sockets.delete(socket));
      socket.on('error', () => {});
    });
    server.http.on('upgrade', (req, socket, head) => {
      /** @type {Conn} */
      const conn = {
        index: server.conns.length,
        path: req.url ?? '',
        origin: req.headers.origin ?? null,
        protocol: req.headers['sec-websocket-protocol'] ?? null,
        handshake: 'pending',
        open: false,
        received: [],
        receivedBinary: [],
        serverClosing: false,
        arrived: ++server.seq,
        socket,
      };
      server.conns.push(conn);
      /** The connection is over: its close is complete (unless the close reply came first). */
      const ended = () => {
        conn.closeCompleted ??= ++server.seq;
      };
      if (options.refuseUpgrade) {
        conn.handshake = 'refused';
        conn.closedBy = 'server';
        ended();
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nforbidden');
        notify(server);
        return;
      }
      if (options.noHandshake) {
        // Keep the TCP connection, never answer: the client's handshake hangs until it gives up.
        // The HTTP server allows half-open sockets: the client's FIN alone would not close it.
        socket.on('end', () => socket.destroy());
        socket.on('close', () => {
          conn.closedBy ??= conn.serverClosing ? 'server' : 'client';
          ended();
          notify(server);
        });
        notify(server);
        return;
      }
      server.wss.handleUpgrade(req, socket, head, (ws) => {
        conn.ws = ws;
        conn.handshake = 'accepted';
        conn.open = true;
        // ws answers a client's close frame by calling `close()` on the socket: with `slowCloseMs`
        // the answer (and so the end of the close handshake on the client) comes that much later.
        const close = ws.close.bind(ws);
        ws.close = (...args) => {
          if (conn.serverClosing || conn.closeRequested !== undefined) return close(...args);
          conn.closeRequested = ++server.seq;
          const reply = () => {
            conn.closeTimer = undefined;
            conn.closeCompleted ??= ++server.seq;
            close(...args);
            notify(server);
          };
          if (options.slowCloseMs > 0) conn.closeTimer = setTimeout(reply, options.slowCloseMs);
          else reply();
        };
        ws.on('message', (data, isBinary) => {
          const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
          if (isBinary) conn.receivedBinary.push(buf.toString('base64'));
          else conn.received.push(buf.toString('utf8'));
          notify(server);
        });
        ws.on('close', (code, reason) => {
          conn.open = false;
          conn.closeCode = code;
          conn.closeReason = reason.toString('utf8');
          conn.closedBy ??= conn.serverClosing ? 'server' : 'client';
          clearTimeout(conn.closeTimer);
          ended();
          notify(server);
        });
        ws.on('error', () => {});
        notify(server);
      });
    });
    await new Promise((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(0, '127.0.0.1', () => resolve(undefined));
    });
    server.port = /** @type {import('node:net').AddressInfo} */ (server.http.address()).port;
    servers.set(server.port, server);
    return server;
  }

  async function stop(server) {
    servers.delete(server.port);
    for (const conn of server.conns) {
      conn.serverClosing = true;
      clearTimeout(conn.closeTimer);
      conn.ws?.terminate();
    }
    for (const socket of server.sockets) socket.destroy();
    server.wss.close();
    await new Promise((resolve) => server.http.close(() => resolve(undefined)));
    for (const waiter of [...server.waiters]) waiter();
  }

  /** The connection at `index`, or the latest one matching `pick` (default: the latest open). */
  const pickConn = (server, index, pick = (c) => c.open) => {
    if (index !== undefined && index !== null) return server.conns[index];
    for (let i = server.conns.length - 1; i >= 0; i--) if (pick(server.conns[i])) return server.conns[i];
    return undefined;
  };

  const sendFrame = (conn, data, binary) =>
    new Promise((resolve) => {
      conn.ws.send(data, { binary }, (err) => resolve(err ? { error: `send failed: ${err.message}` } : { ok: true }));
    });

  return {
    name: 'ws-server-commands',

    async executeCommand({ command, payload: rawPayload, session }) {
      const payload = rawPayload ?? {};
      if (typeof command !== 'string' || !command.startsWith('ws-')) return undefined;
      if (command === 'ws-start') {
        const server = await start(payload.options ?? {}, session.id);
        return { port: server.port };
      }
      if (command === 'ws-stop-all') {
        const mine = [...servers.values()].filter((s) => s.sessionId === session.id);
        await Promise.all(mine.map(stop));
        return { stopped: mine.length };
      }
      const server = servers.get(Number(payload.port));
      if (!server) {
        return command === 'ws-stop' ? { ok: true } : { error: `no websocket server on port ${payload.port}` };
      }
      switch (command) {
        case 'ws-connections':
          return server.conns.map(view);
        case 'ws-wait-connection': {
          const count = payload.count ?? 1;
          return waitFor(
            server,
            () => (server.conns.length >= count ? server.conns.map(view) : undefined),
            payload.timeout,
            `${count} connection(s) (got ${server.conns.length})`,
          );
        }
        case 'ws-wait-message': {
          const count = payload.count ?? 1;
          return waitFor(
            server,
            () => {
              const conn = pickConn(server, payload.index, () => true);
              return conn && conn.received.length + conn.receivedBinary.length >= count ? view(conn) : undefined;
            },
            payload.timeout,
            `${count} message(s) from the client`,
          );
        }
        case 'ws-send':
        case 'ws-send-binary': {
          const conn = pickConn(server, payload.index);
          if (!conn?.open || !conn.ws) return { error: `no open connection to send to (index ${payload.index ?? 'latest'})` };
          const binary = command === 'ws-send-binary';
          return sendFrame(conn, binary ? Buffer.from(String(payload.data), 'base64') : String(payload.data), binary);
        }
        case 'ws-close':
        case 'ws-terminate': {
          const conn = pickConn(server, payload.index, (c) => c.open || (c.handshake === 'pending' && !c.closedBy));
          if (!conn) return { error: `no open connection to close (index ${payload.index ?? 'latest'})` };
          if (!conn.ws) {
            // A refused or never-answered handshake: just drop the TCP connection.
            conn.serverClosing = true;
            conn.socket.destroy();
            return { ok: true };
          }
          if (!conn.open) return { error: `connection ${conn.index} is already closed` };
          conn.serverClosing = true;
          if (command === 'ws-terminate') conn.ws.terminate();
          else conn.ws.close(payload.code ?? 1000, payload.reason ?? '');
          return { ok: true };
        }
        case 'ws-wait-closed': {
          const conn = pickConn(server, payload.index, () => true);
          if (!conn) return { error: `no connection (index ${payload.index ?? 'latest'})` };
          return waitFor(
            server,
            () => (conn.closedBy !== undefined ? { closeCode: conn.closeCode, closedBy: conn.closedBy } : undefined),
            payload.timeout,
            `connection ${conn.index} to close`,
          );
        }
        case 'ws-stop':
          await stop(server);
          return { ok: true };
        default:
          return undefined;
      }
    },

    async serverStop() {
      await Promise.all([...servers.values()].map(stop));
    },
  };
}
