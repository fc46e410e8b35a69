// The bench's local server on 127.0.0.1: static bench pages and files over HTTP, and a GREEN-API-like
// `scanqrcode` websocket (`ws`) that sends a real QR code PNG to a connection when the driver says so.
//   ws://127.0.0.1:PORT/waInstance{id}/scanqrcode/manual  → waits for sendQr(id)
//   ws://127.0.0.1:PORT/waInstance{id}/scanqrcode/auto    → sends a QR code as soon as it connects
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const SOCKET_PATH = /^\/waInstance(\d{1,10})\/scanqrcode\/(auto|manual)$/;

/**
 * @param {{ files: Map<string, { type: string, body: string | Buffer }>, nextQr: () => string }} options
 */
export async function startBenchServer({ files, nextQr }) {
  /** Live sockets (removed on `close`). */
  const live = new Set();
  /** Latest socket of each instance id. */
  const byId = new Map();
  let accepted = 0;
  let waiters = [];
  const notify = () => {
    const pending = waiters;
    waiters = [];
    for (const check of pending) if (!check()) waiters.push(check);
  };

  const http = createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://x');
    const file = files.get(pathname);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    const match = SOCKET_PATH.exec(new URL(req.url, 'http://x').pathname);
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const [, id, mode] = match;
      accepted++;
      live.add(ws);
      byId.set(id, ws);
      ws.on('close', () => {
        live.delete(ws);
        if (byId.get(id) === ws) byId.delete(id);
        notify();
      });
      ws.on('error', () => {});
      if (mode === 'auto') ws.send(JSON.stringify({ type: 'qrCode', message: nextQr() }));
      notify();
    });
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${http.address().port}`;

  /** Resolves when `predicate()` holds (checked on every open/close), or after `timeoutMs` with `false`. */
  const waitUntil = (predicate, timeoutMs = 10_000) =>
    new Promise((resolve) => {
      if (predicate()) return resolve(true);
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== check);
        resolve(false);
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return false;
        clearTimeout(timer);
        resolve(true);
        return true;
      };
      waiters.push(check);
    });

  return {
    url,
    /** Sockets open right now. */
    get open() {
      return live.size;
    },
    /** Connections accepted since start. */
    get accepted() {
      return accepted;
    },
    waitUntil,
    /** Waits for a live socket of instance `id`. */
    waitConnection: (id, timeoutMs) => waitUntil(() => byId.get(String(id))?.readyState === 1, timeoutMs),
    /** Sends a fresh QR code frame to instance `id`. */
    sendQr(id) {
      const ws = byId.get(String(id));
      if (!ws || ws.readyState !== 1) throw new Error(`no open socket for instance ${id}`);
      ws.send(JSON.stringify({ type: 'qrCode', message: nextQr() }));
    },
    async close() {
      for (const ws of live) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
