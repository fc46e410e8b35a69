// Node side of test/helpers/http-server.ts: a web-test-runner plugin that scripts REAL HTTP servers
// (node:http) on 127.0.0.1 for browser tests, driven with `executeServerCommand`.
//
// Each server answers scripted routes (method + exact path or regex) with scripted responses, in
// order (the last one repeats), records every request it saw, answers CORS preflights, and refuses
// every websocket upgrade with HTTP 403 (recorded as method `UPGRADE`), so a client that tries the
// `scanqrcode` socket first sees it fail on the same host.
//
// Expected failures are answered as `{ error: string }`, like ws-server-plugin.mjs. Unknown commands
// return undefined (not ours).
import http from 'node:http';
import { waitFor } from './plugin-wait.mjs';

const MAX_BODY = 1_000_000;
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization',
  'access-control-max-age': '600',
};

/**
 * @typedef {{ status?: number, body?: unknown, delayMs?: number, contentType?: string }} ScriptedResponse
 * @typedef {{ method: string, path?: string, pattern?: RegExp, responses: ScriptedResponse[], served: number }} Route
 * @typedef {{ index: number, method: string, path: string, body: string, headers: Record<string, string>, at: number, aborted: boolean }} Recorded
 */

export function httpServerPlugin() {
  /** @type {Map<number, {port: number, sessionId: string, http: http.Server, routes: Route[], requests: Recorded[], sockets: Set<import('node:net').Socket>, waiters: Set<() => void>, timers: Set<NodeJS.Timeout>}>} */
  const servers = new Map();

  const notify = (server) => {
    for (const waiter of [...server.waiters]) waiter();
  };

  const view = (/** @type {Recorded} */ r) => ({ index: r.index, method: r.method, path: r.path, body: r.body, headers: r.headers, at: r.at, aborted: r.aborted });
/** The request headers a test may check (what the core sets itself); the others are the browser's. */
const KEPT_HEADERS = ['authorization', 'content-type'];
const keptHeaders = (/** @type {import('node:http').IncomingMessage} */ req) =>
  Object.fromEntries(KEPT_HEADERS.filter((h) => req.headers[h] !== undefined).map((h) => [h, String(req.headers[h])]));

  /** @param {{ method?: string, path?: string, pattern?: string, flags?: string }} filter */
  const matcher = (filter) => {
    const pattern = typeof filter.pattern === 'string' ? new RegExp(filter.pattern, filter.flags ?? '') : undefined;
    return (/** @type {Recorded} */ r) =>
      (!filter.method || r.method === filter.method) &&
      (filter.path === undefined || filter.path === null || r.path === filter.path) &&
      (!pattern || pattern.test(r.path));
  };


  async function start(sessionId) {
    const server = {
      port: 0,
      sessionId,
      http: http.createServer(),
      /** @type {Route[]} */
      routes: [],
      /** @type {Recorded[]} */
      requests: [],
      sockets: new Set(),
      waiters: new Set(),
      timers: new Set(),
    };
    const record = (method, path, body, headers = {}) => {
      /** @type {Recorded} */
      const entry = { index: server.requests.length, method, path, body, headers, at: Date.now(), aborted: false };
      server.requests.push(entry);
      notify(server);
      return entry;
    };
    server.http.on('connection', (socket) => {
      server.sockets.add(socket);
      socket.on('close', () => server.sockets.delete(socket));
      socket.on('error', () => {});
    });
    server.http.on('upgrade', (req, socket) => {
      record('UPGRADE', req.url ?? '', '');
      socket.on('error', () => {});
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nforbidden');
    });
    server.http.on('request', (req, res) => {
      const chunks = [];
      let size = 0;
      req.on('data', (chunk) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      req.on('error', () => {});
      res.on('error', () => {});
      req.on('end', () => {
        const method = req.method ?? 'GET';
        const path = req.url ?? '';
        const entry = record(method, path, Buffer.concat(chunks).toString('utf8'), keptHeaders(req));
        res.on('close', () => {
          if (!res.writableFinished) {
            entry.aborted = true;
            notify(server);
          }
        });
        if (method === 'OPTIONS') {
          res.writeHead(204, CORS).end();
          return;
        }
        const route = server.routes.find(
          (r) => r.method === method && (r.pattern ? r.pattern.test(path) : r.path === path),
        );
        if (!route) {
          res.writeHead(404, { ...CORS, 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not scripted' }));
          return;
        }
        const response = route.responses[Math.min(route.served++, route.responses.length - 1)];
        const send = () => {
          if (res.destroyed) return;
          const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? null);
          const contentType = response.contentType ?? (typeof response.body === 'string' ? 'text/plain' : 'application/json');
          res.writeHead(response.status ?? 200, { ...CORS, 'content-type': contentType, 'cache-control': 'no-store' }).end(text);
        };
        const delay = Number(response.delayMs) || 0;
        if (delay > 0) {
          const timer = setTimeout(() => {
            server.timers.delete(timer);
            send();
          }, delay);
          server.timers.add(timer);
        } else {
          send();
        }
      });
    });
    await new Promise((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(0, '127.0.0.1', () => {
        server.http.off('error', reject);
        resolve(undefined);
      });
    });
    server.port = /** @type {import('node:net').AddressInfo} */ (server.http.address()).port;
    servers.set(server.port, server);
    return server;
  }

  async function stop(server) {
    servers.delete(server.port);
    for (const timer of server.timers) clearTimeout(timer);
    server.timers.clear();
    for (const socket of server.sockets) socket.destroy();
    await new Promise((resolve) => server.http.close(() => resolve(undefined)));
    for (const waiter of [...server.waiters]) waiter();
  }

  return {
    name: 'http-server-commands',

    async executeCommand({ command, payload: rawPayload, session }) {
      const payload = rawPayload ?? {};
      if (typeof command !== 'string' || !command.startsWith('http-')) return undefined;
      if (command === 'http-start') {
        const server = await start(session.id);
        return { port: server.port };
      }
      if (command === 'http-stop-all') {
        const mine = [...servers.values()].filter((s) => s.sessionId === session.id);
        await Promise.all(mine.map(stop));
        return { stopped: mine.length };
      }
      const server = servers.get(Number(payload.port));
      if (!server) {
        return command === 'http-stop' ? { ok: true } : { error: `no HTTP server on port ${payload.port}` };
      }
      switch (command) {
        case 'http-script': {
          const method = String(payload.method ?? 'GET').toUpperCase();
          const responses = Array.isArray(payload.responses) ? payload.responses : [];
          if (!responses.length) return { error: 'http-script needs at least one response' };
          let pattern;
          if (typeof payload.pattern === 'string') {
            try {
              pattern = new RegExp(payload.pattern, payload.flags ?? '');
            } catch (err) {
              return { error: `invalid pattern: ${err instanceof Error ? err.message : err}` };
            }
          } else if (typeof payload.path !== 'string') {
            return { error: 'http-script needs a path or a pattern' };
          }
          // A new script for the same route replaces the old one.
          server.routes = server.routes.filter(
            (r) => !(r.method === method && (pattern ? r.pattern?.source === pattern.source : r.path === payload.path)),
          );
          server.routes.push({ method, path: pattern ? undefined : payload.path, pattern, responses, served: 0 });
          return { ok: true };
        }
        case 'http-requests':
          return server.requests.filter(matcher(payload)).map(view);
        case 'http-wait-requests': {
          const count = payload.count ?? 1;
          const match = matcher(payload);
          return waitFor(
            server,
            () => {
              const found = server.requests.filter(match);
              return found.length >= count ? found.map(view) : undefined;
            },
            payload.timeout,
            `${count} request(s) (got ${server.requests.filter(match).length})`,
          );
        }
        case 'http-stop':
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
