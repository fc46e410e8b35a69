// GREEN-API stand-ins for the link-server tests (Node side), shared by link-server-plugin.mjs and
// link-server-child.mjs:
//
// - startTap(targetUrl): a recording pass-through in front of mock/server.mjs. It records every
//   request as the upstream sees it (path with the real token, headers) and counts the bytes the
//   link server sends on each websocket after the handshake (it must send nothing but closes).
// - startScripted(): an upstream whose answers a test scripts per method, including broken ones
//   (bad JSON, status 099, huge bodies, resets, hangs), and whose `scanqrcode` socket sends scripted
//   frames and counts what it receives.
import http from 'node:http';
import net from 'node:net';
import { WebSocketServer } from 'ws';
import { qrPngBase64 } from '../../mock/server.mjs';

/** Calls every waiter (see plugin-wait.mjs). */
const notifyAll = (waiters) => {
  for (const w of [...waiters]) w();
};

/**
 * @param {string} targetUrl
 * @param {Set<() => void>} waiters
 */
export async function startTap(targetUrl, waiters = new Set()) {
  const target = new URL(targetUrl);
  /** @type {{ kind: 'http' | 'upgrade', method: string, path: string, headers: Record<string, unknown>, body?: string }[]} */
  const seen = [];
  const counters = { wsBytesFromProxy: 0 };
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const entry = { kind: /** @type {const} */ ('http'), method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body: '' };
    seen.push(entry);
    notifyAll(waiters);
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.on('data', (c) => (entry.body += c));
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) => {
    seen.push({ kind: 'upgrade', method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers } });
    notifyAll(waiters);
    const conn = net.connect(Number(target.port), target.hostname, () => {
      let lines = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      conn.write(`${lines}\r\n`);
      if (head.length) conn.write(head);
      conn.pipe(socket);
      // Everything the link server sends after its handshake: websocket frames (only closes/pongs expected).
      socket.on('data', (chunk) => {
        counters.wsBytesFromProxy += chunk.length;
        conn.write(chunk);
      });
    });
    sockets.add(conn);
    conn.on('close', () => {
      sockets.delete(conn);
      socket.destroy();
    });
    conn.on('error', () => socket.destroy());
    socket.on('error', () => conn.destroy());
    socket.on('close', () => conn.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    counters,
    async close() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/**
 * A scripted answer: `{status, json}` or `{status, body, headers}` (`__ECHO_PATH__` in them becomes the
 * request path, with the real token); `{raw}` writes raw bytes on the
 * connection (e.g. a status line `HTTP/1.1 099 Odd`) and closes it; `{bytes}` streams that many bytes
 * of a JSON string; `{reset: true}` destroys the connection; `{hang: true}` never answers.
 * @typedef {{ status?: number, json?: unknown, body?: string, headers?: Record<string, string>, raw?: string, bytes?: number, reset?: boolean, hang?: boolean }} Answer
 */

/** @param {Set<() => void>} waiters */
export async function startScripted(waiters = new Set()) {
  const state = {
    /** @type {Record<string, Answer>} GREEN-API method → answer. */
    answers: {},
    /** Frames each new `scanqrcode` socket gets: strings, `{qr: true}` (a real QR PNG), `{binary: n}`, `{huge: n}`. */
    frames: /** @type {unknown[]} */ ([{ qr: true }]),
    /** @type {{ method: string, path: string, body: string }[]} */
    seen: [],
    wsFramesFromProxy: 0,
    wsConnections: 0,
  };
  /** @type {Set<import('ws').WebSocket>} */
  const clients = new Set();
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      state.seen.push({ method: req.method ?? '', path: req.url ?? '', body });
      notifyAll(waiters);
      // An optional `/v3` prefix (MAX's addresses), as part of the apiUrl the host's lookup returns.
      const name = (/^(?:\/v3)?\/waInstance\d+\/([^/]+)\//.exec(req.url ?? '') ?? [])[1] ?? '';
      const answer = state.answers[name] ?? { status: 404, json: { error: 'not scripted' } };
      if (answer.hang) return;
      if (answer.reset) return req.socket.destroy();
      if (answer.raw !== undefined) {
        req.socket.end(answer.raw);
        return;
      }
      if (answer.bytes !== undefined) {
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(64 * 1024);
        let left = answer.bytes;
        res.write('"');
        const pump = () => {
          while (left > 0) {
            left -= chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('"');
        };
        res.on('error', () => {});
        pump();
        return;
      }
      // `__ECHO_PATH__` in an answer becomes the request path, real token included, as GREEN-API's
      // error texts sometimes repeat it.
      const text = (answer.body ?? JSON.stringify(answer.json ?? {})).split('__ECHO_PATH__').join(req.url ?? '');
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
      res.end(text);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    state.seen.push({ method: 'UPGRADE', path: req.url ?? '', body: '' });
    notifyAll(waiters);
    wss.handleUpgrade(req, socket, head, async (ws) => {
      state.wsConnections++;
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => {});
      ws.on('message', () => {
        state.wsFramesFromProxy++;
        notifyAll(waiters);
      });
      for (const frame of state.frames) {
        if (ws.readyState !== ws.OPEN) break;
        const f = /** @type {any} */ (frame);
        if (typeof f === 'string') ws.send(f.split('__ECHO_PATH__').join(req.url ?? ''));
        else if (f?.qr) ws.send(JSON.stringify({ type: 'qrCode', message: await qrPngBase64() }));
        else if (f?.binary) ws.send(Buffer.alloc(f.binary, 1), { binary: true });
        else if (f?.huge) ws.send(JSON.stringify({ type: 'qrCode', message: 'A'.repeat(f.huge) }));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** Sends `frame` on every live socket. @param {string} frame */
    send(frame) {
      for (const ws of clients) ws.send(frame);
      return clients.size;
    },
    async close() {
      for (const ws of clients) ws.terminate();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => wss.close(() => resolve(undefined)));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** Every form of `secret` a text could contain it in. @param {string} text @param {string} secret */
export function containsSecret(text, secret) {
  if (!secret) return false;
  const forms = new Set([secret, encodeURIComponent(secret), encodeURI(secret), Buffer.from(secret).toString('base64')]);
  return [...forms].some((form) => text.includes(form));
}

/** `text` with every form of each secret replaced by its label. @param {string} text @param {[string, string][]} secrets */
export function mask(text, secrets) {
  let out = String(text);
  for (const [secret, label] of secrets) {
    for (const form of [encodeURIComponent(secret), secret]) out = out.split(form).join(label);
  }
  return out;
}
