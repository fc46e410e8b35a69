// Node side of test/helpers/proxy.ts: a web-test-runner plugin that runs, for the token-free
// deployment tests, the chain
//
//   browser ──▶ proxy/green-api-proxy.mjs ──▶ recording tap ──▶ mock/server.mjs (GREEN-API stand-in)
//
// The instance's REAL token (`real-secret-…`, random per start) exists only in this Node process:
// `authorize` maps session tokens to instances and hands the proxy the real token. The tap records
// every request exactly as the upstream sees it (path, headers); the proxy's own server records every
// request the browser made (path, headers) and every line the proxy logged.
//
// Replies never contain the real token: upstream paths are masked (`<real-token>`) and reported with
// booleans (`usedRealToken`), and `proxy-find-secret` tells the browser WHERE a text contains the real
// token (or a session token) without saying what it is.
//
// Commands answer JSON; expected failures are `{ error: string }`. Unknown commands return undefined.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { startMockServer } from '../../mock/server.mjs';
import { startGreenApiProxy } from '../../proxy/green-api-proxy.mjs';

/**
 * Fast mock timings (like mock-plugin.mjs); `mock` options in `proxy-start` override them. These tests
 * are about forwarding: they poll and probe faster than GREEN-API's rate limits allow, so the
 * stand-in's limiter is off here (test/mock-profiles.test.ts tests it).
 */
const MOCK_DEFAULTS = { port: 0, firstQrDelayMs: 50, qrIntervalMs: 300, timeoutMs: 5000, authCodeLinkMs: 400, rateLimits: false };
const MOCK_ACTIONS = new Set(['scan', 'error', 'alreadyLogged', 'timeout', 'drop', 'reset']);
const REAL = '<real-token>';

/**
 * A recording pass-through in front of the mock: HTTP requests are forwarded with node:http, websocket
 * upgrades as raw bytes. Records what the upstream sees.
 * @param {string} targetUrl
 */
async function startTap(targetUrl) {
  const target = new URL(targetUrl);
  /** @type {{ kind: 'http' | 'upgrade', method: string, path: string, headers: Record<string, string | string[] | undefined> }[]} */
  const seen = [];
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    seen.push({ kind: 'http', method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers } });
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) => {
    seen.push({ kind: 'upgrade', method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers } });
    const conn = net.connect(Number(target.port), target.hostname, () => {
      let lines = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      conn.write(`${lines}\r\n`);
      if (head.length) conn.write(head);
      conn.pipe(socket);
      socket.pipe(conn);
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
    async close() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** @param {string} text @param {string} secret */
function containsSecret(text, secret) {
  const forms = new Set([secret, encodeURIComponent(secret), encodeURI(secret), Buffer.from(secret).toString('base64')]);
  return [...forms].some((form) => text.includes(form));
}

export function proxyPlugin() {
  /**
   * @typedef {object} Chain
   * @property {string} sessionId
   * @property {string} realToken
   * @property {Record<string, string>} sessions
   * @property {Awaited<ReturnType<typeof startMockServer>>} mock
   * @property {Awaited<ReturnType<typeof startTap>>} tap
   * @property {Awaited<ReturnType<typeof startGreenApiProxy>>} proxy
   * @property {{ method: string, path: string, headers: string }[]} browser
   * @property {string[]} lines
   * @property {{ instanceId: string, method: string, known: boolean }[]} authorized
   */
  /** @type {Map<string, Chain>} */
  const chains = new Map();

  async function stop(url) {
    const chain = chains.get(url);
    if (!chain) return;
    chains.delete(url);
    await chain.proxy.close();
    await chain.tap.close();
    await chain.mock.close();
  }

  /** @param {Chain} chain @param {string} text */
  const mask = (chain, text) => {
    let out = text;
    for (const form of [encodeURIComponent(chain.realToken), chain.realToken]) out = out.split(form).join(REAL);
    return out;
  };

  /** @param {Chain} chain */
  function report(chain) {
    const methods = 'scanqrcode|qr|logout|getStateInstance|getAuthorizationCode|getWaSettings';
    const upstreamPath = new RegExp(`^/waInstance\\d{1,10}/(?:${methods})/${encodeURIComponent(chain.realToken).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const upstream = chain.tap.seen.map((r) => ({
      kind: r.kind,
      method: r.method,
      path: mask(chain, r.path),
      // Headers a browser could have leaked upstream through the proxy.
      forwarded: ['origin', 'cookie', 'referer', 'authorization'].filter((h) => r.headers[h] !== undefined),
    }));
    return {
      upstream,
      // Every upstream request carried the real token, percent-encoded, as its token segment.
      usedRealToken: chain.tap.seen.length > 0 && chain.tap.seen.every((r) => upstreamPath.test(r.path)),
      browser: chain.browser.map((r) => ({ method: r.method, path: mask(chain, r.path) })),
      // The real token anywhere in what the browser sent (paths, headers) or in the proxy's log.
      realTokenInBrowserRequests: chain.browser.some((r) => containsSecret(`${r.path}\n${r.headers}`, chain.realToken)),
      log: chain.lines.map((line) => mask(chain, line)),
      realTokenInLog: chain.lines.some((line) => containsSecret(line, chain.realToken)),
      sessionTokenInLog: chain.lines.some((line) => Object.keys(chain.sessions).some((s) => containsSecret(line, s))),
      authorized: chain.authorized,
    };
  }

  /** Raw HTTP request to the proxy (the browser cannot set Origin itself). */
  function probe(chain, { method = 'GET', path = '/', headers = {}, body }) {
    return new Promise((resolve) => {
      const url = new URL(chain.proxy.url);
      const req = http.request({ host: url.hostname, port: url.port, method, path, headers: { ...headers, 'x-test-probe': '1' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, mask(chain, String(v))])),
            body: mask(chain, text),
            realTokenInReply: containsSecret(`${JSON.stringify(res.headers)}\n${text}`, chain.realToken),
          }),
        );
      });
      req.on('error', (err) => resolve({ error: `probe failed: ${err.message}` }));
      req.end(body);
    });
  }

  /** Opens a websocket to the proxy from Node: how the handshake ended, frames and the close code. */
  function probeSocket(chain, { path, origin, closeAfterMs = 1500 }) {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${chain.proxy.url.replace(/^http/, 'ws')}${path}`, { headers: { 'x-test-probe': '1' }, ...(origin ? { origin } : {}) });
      /** @type {{ status?: number, opened: boolean, frames: number, closeCode?: number }} */
      const out = { opened: false, frames: 0 };
      const timer = setTimeout(() => ws.terminate(), closeAfterMs);
      ws.on('unexpected-response', (req, res) => {
        out.status = res.statusCode;
        req.destroy();
        clearTimeout(timer);
        resolve(out);
      });
      ws.on('open', () => (out.opened = true));
      ws.on('message', () => out.frames++);
      ws.on('error', () => {});
      ws.on('close', (code) => {
        clearTimeout(timer);
        out.closeCode = code;
        resolve(out);
      });
    });
  }

  return {
    name: 'green-api-proxy-commands',

    async executeCommand({ command, payload: rawPayload, session }) {
      const payload = rawPayload ?? {};
      if (command === 'proxy-start') {
        const sessions = /** @type {Record<string, string>} */ ({ ...(payload.sessions ?? {}) });
        const realToken = `real-secret-${randomBytes(16).toString('hex')}/+=`;
        const mock = await startMockServer({ ...MOCK_DEFAULTS, ...(payload.mock ?? {}), host: '127.0.0.1', log: false });
        const tap = await startTap(mock.url);
        /** @type {Chain} */
        const chain = /** @type {any} */ ({ sessionId: session.id, realToken, sessions, mock, tap, browser: [], lines: [], authorized: [] });
        chain.proxy = await startGreenApiProxy({
          // Unused unless `authorize`'s apiUrl is ignored (then every call fails: nothing listens on port 9).
          upstream: 'http://127.0.0.1:9',
          allowedOrigins: payload.allowedOrigins ?? [],
          log: (line) => chain.lines.push(line),
          authorize: async ({ instanceId, sessionToken, method }) => {
            const known = Object.prototype.hasOwnProperty.call(sessions, sessionToken) && sessions[sessionToken] === instanceId;
            chain.authorized.push({ instanceId, method, known });
            return known ? { apiTokenInstance: realToken, apiUrl: tap.url } : null;
          },
        });
        // What the browser sent (Node probes below mark themselves and are left out).
        const record = (/** @type {http.IncomingMessage} */ req, /** @type {string} */ method) => {
          if (req.headers['x-test-probe'] === undefined) chain.browser.push({ method, path: req.url ?? '', headers: req.rawHeaders.join('\n') });
        };
        chain.proxy.server.prependListener('request', (req) => record(req, req.method ?? ''));
        chain.proxy.server.prependListener('upgrade', (req) => record(req, 'UPGRADE'));
        chains.set(chain.proxy.url, chain);
        return { url: chain.proxy.url };
      }
      if (!command.startsWith('proxy-')) return undefined;
      if (command === 'proxy-stop-all') {
        const mine = [...chains].filter(([, c]) => c.sessionId === session.id).map(([url]) => url);
        await Promise.all(mine.map(stop));
        return { stopped: mine.length };
      }
      const chain = chains.get(String(payload.url));
      if (!chain) return { error: `no proxy at ${payload.url}` };
      switch (command) {
        case 'proxy-stop':
          await stop(chain.proxy.url);
          return { ok: true };
        case 'proxy-log':
          return report(chain);
        case 'proxy-mock': {
          const action = String(payload.action);
          if (!MOCK_ACTIONS.has(action)) return { error: `unknown mock action ${action}` };
          const id = String(payload.id);
          const delivered = chain.mock[action](id);
          return { delivered, state: chain.mock.getState(id) };
        }
        case 'proxy-find-secret': {
          const texts = Array.isArray(payload.texts) ? payload.texts.map(String) : [];
          const sessionTokens = Object.keys(chain.sessions).concat(payload.alsoSession ?? []);
          return {
            realToken: texts.flatMap((t, i) => (containsSecret(t, chain.realToken) ? [i] : [])),
            sessionToken: texts.flatMap((t, i) => (sessionTokens.some((s) => t.includes(s)) ? [i] : [])),
          };
        }
        case 'proxy-request':
          return probe(chain, payload);
        case 'proxy-socket':
          return probeSocket(chain, payload);
        default:
          return undefined;
      }
    },

    async serverStop() {
      await Promise.all([...chains.keys()].map(stop));
    },
  };
}
