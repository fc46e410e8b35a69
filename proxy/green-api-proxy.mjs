/**
 * A reference proxy for the token-free deployment of <green-qr-scan> (Node >= 20, `ws`, `node:http`).
 *
 * In a SaaS whose customers link their own WhatsApp, the customer's browser must never hold the
 * instance's `apiTokenInstance` (whoever has it controls the account). Instead:
 *
 *   browser ──(session token)──▶ this proxy, on your backend ──(real token)──▶ GREEN-API
 *
 *   <green-qr-scan instance-id="1101000001" api-url="https://your-app.example/green-api"></green-qr-scan>
 *   el.token = '<short-lived session token your backend issued to the logged-in user>';
 *
 * The element builds GREEN-API's addresses on `api-url` with the session token in the token's place.
 * The proxy accepts exactly those addresses:
 *
 *   WS   /waInstance{id}/scanqrcode/{sessionToken}        (websocket upgrade)
 *   GET  /waInstance{id}/qr/{sessionToken}
 *   GET  /waInstance{id}/logout/{sessionToken}
 *   GET  /waInstance{id}/getStateInstance/{sessionToken}
 *   POST /waInstance{id}/getAuthorizationCode/{sessionToken}   (JSON body, at most 8 KB)
 *   GET  /waInstance{id}/getWaSettings/{sessionToken}
 *
 * asks the host's `authorize` callback whether the session token may use that instance (and for its
 * real token), and forwards to GREEN-API with the real token, percent-encoded as one path segment.
 * Everything else is answered 404. Websocket frames are piped both ways, closes are propagated; HTTP
 * answers are streamed back with their status and content type (no other upstream header).
 *
 * Neither the real token nor the session token is ever logged, echoed in an error body or sent to
 * the browser. Browser requests from a foreign `Origin` are refused unless listed in
 * `allowedOrigins` (CORS answers name only those origins). Run it behind TLS in production; rate
 * limiting and issuing/expiring session tokens are the host's job. See proxy/README.md.
 */
import http from 'node:http';
import https from 'node:https';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * @typedef {'scanqrcode' | 'qr' | 'logout' | 'getStateInstance' | 'getAuthorizationCode' | 'getWaSettings'} GreenApiMethod
 *
 * @typedef {object} AuthorizeRequest
 * @property {string} instanceId  The instance id from the path (1 to 10 digits).
 * @property {string} sessionToken  The session token from the path, percent-decoded.
 * @property {GreenApiMethod} method  The GREEN-API method asked for.
 * @property {import('node:http').IncomingMessage} request  The browser's request (headers, cookies, remote address).
 *
 * @typedef {object} Grant
 * @property {string} apiTokenInstance  The instance's real API token.
 * @property {string} [apiUrl]  The instance's own API host (e.g. `https://7103.api.greenapi.com`); default `upstream`.
 *
 * @typedef {object} ProxyOptions
 * @property {(request: AuthorizeRequest) => Promise<Grant | null | undefined> | Grant | null | undefined} authorize
 *   Decides whether `sessionToken` may use `instanceId` now. `null`/`undefined`, a throw or a timeout → 401.
 * @property {string} [upstream='https://api.green-api.com']  GREEN-API's host, optionally with a path
 *   prefix; `https://` (`wss://` is derived), plain `http://` only for loopback hosts.
 * @property {(line: string) => void} [log]  Receives one line per request/socket. Never receives a token.
 * @property {string[] | ((origin: string) => boolean)} [allowedOrigins]  Cross-origin pages allowed to
 *   use the proxy (exact origins, e.g. `https://app.example`). Default none: same-origin only.
 * @property {string} [basePath='']  A path prefix the proxy is mounted under (e.g. `/green-api`).
 * @property {number} [authorizeTimeoutMs=10000]  How long `authorize` may take.
 * @property {number} [upstreamTimeoutMs=15000]  How long one upstream HTTP exchange may take.
 * @property {number} [connectTimeoutMs=15000]  How long the upstream websocket handshake may take.
 * @property {number} [maxSocketMs=600000]  Longest life of one proxied websocket (GREEN-API's window is 100 s).
 * @property {number} [maxBodyBytes=8192]  Largest POST body.
 * @property {number} [bodyTimeoutMs=10000]  How long reading a POST body may take.
 */

/** The HTTP methods forwarded, with the verb each must use. */
const HTTP_METHODS = /** @type {const} */ ({
  qr: 'GET',
  logout: 'GET',
  getStateInstance: 'GET',
  getAuthorizationCode: 'POST',
  getWaSettings: 'GET',
});
const ROUTE = /^\/waInstance(\d{1,10})\/(scanqrcode|qr|logout|getStateInstance|getAuthorizationCode|getWaSettings)\/([^/]+)$/;
// Same rule as the element's token check: no whitespace, control characters or lone surrogates.
const TOKEN = /^(?:[^\s\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])+$/;
const MAX_TOKEN_LENGTH = 512;
const MAX_FRAME_BYTES = 4 * 1024 * 1024;
const STATUS_TEXT = /** @type {Record<number, string>} */ (http.STATUS_CODES);

/** `true` for 127.0.0.0/8, `localhost`, `*.localhost` and `[::1]`. @param {string} hostname */
export function isLoopbackHost(hostname) {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Validates an upstream base (`https://host[/prefix]`, `wss://…`, a bare host, or `http://`/`ws://`
 * on loopback) and returns it as an `http(s):` URL without a trailing slash. Throws on anything else.
 * @param {string} value
 * @returns {URL}
 */
export function parseUpstream(value) {
  const raw = String(value ?? '').trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error('green-api-proxy: the upstream is not a valid URL');
  }
  if (!['https:', 'wss:', 'http:', 'ws:'].includes(url.protocol)) throw new Error('green-api-proxy: the upstream must use https://');
  if (url.username || url.password || url.search || url.hash) {
    throw new Error('green-api-proxy: the upstream must not contain credentials, a query or a fragment');
  }
  const plain = url.protocol === 'http:' || url.protocol === 'ws:';
  if (plain && !isLoopbackHost(url.hostname)) {
    throw new Error('green-api-proxy: the upstream must use https:// (plain http:// only for loopback hosts)');
  }
  const prefix = url.pathname.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return new URL(`${plain ? 'http:' : 'https:'}//${url.host}${prefix}`);
}

/**
 * The close code to send on one side when the other side closed with `code`: codes that may not be
 * sent in a close frame (1005 no status → 1000; 1004, 1006 abnormal, 1015 TLS, out of range → 1011).
 * @param {number} code
 */
export function mapCloseCode(code) {
  if (code === 1005) return 1000;
  if ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1006) || (code >= 3000 && code <= 4999)) return code;
  return 1011;
}

/** A close reason that fits a close frame (123 bytes), else none. @param {Buffer | string} reason */
const closeReason = (reason) => (Buffer.byteLength(reason) <= 123 ? reason.toString() : '');

/** @param {unknown} value */
const validToken = (value) => typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH && TOKEN.test(value) && !/^\.{1,2}$/.test(value);

/**
 * Creates the proxy. Use `server` as a standalone HTTP server (`server.listen(…)`, or
 * `startGreenApiProxy`), or mount `handleRequest`/`handleUpgrade` into your own Node server.
 * @param {ProxyOptions} options
 */
export function createGreenApiProxy(options) {
  const {
    authorize,
    upstream = 'https://api.green-api.com',
    log,
    allowedOrigins = [],
    authorizeTimeoutMs = 10_000,
    upstreamTimeoutMs = 15_000,
    connectTimeoutMs = 15_000,
    maxSocketMs = 600_000,
    maxBodyBytes = 8192,
    bodyTimeoutMs = 10_000,
  } = options ?? /** @type {ProxyOptions} */ ({});
  if (typeof authorize !== 'function') throw new TypeError('green-api-proxy: `authorize` must be a function');
  const defaultUpstream = parseUpstream(upstream);
  const basePath = String(options.basePath ?? '').replace(/\/+$/, '');
  if (basePath && !basePath.startsWith('/')) throw new Error('green-api-proxy: basePath must start with /');
  const isAllowedOrigin =
    typeof allowedOrigins === 'function' ? allowedOrigins : (/** @type {string} */ origin) => allowedOrigins.includes(origin);

  /** @param {string} line */
  const say = (line) => {
    try {
      log?.(line);
    } catch {
      // A broken logger must not break the proxy.
    }
  };

  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, maxPayload: 64 * 1024, perMessageDeflate: false });
  /** Live websocket pairs and pending upstream handshakes/requests, for close(). @type {Set<() => void>} */
  const live = new Set();
  let closed = false;

  /**
   * Route of a request: the GREEN-API method, instance id and raw session-token segment, or undefined.
   * @param {import('node:http').IncomingMessage} req
   */
  function route(req) {
    // Express-style frameworks rewrite req.url under a mount path; basePath is matched on the full path.
    const raw = /** @type {{originalUrl?: string}} */ (req).originalUrl ?? req.url ?? '/';
    let pathname;
    try {
      pathname = new URL(raw, 'http://proxy.invalid').pathname;
    } catch {
      return undefined;
    }
    if (basePath) {
      if (!pathname.startsWith(`${basePath}/`)) return undefined;
      pathname = pathname.slice(basePath.length);
    }
    const m = ROUTE.exec(pathname);
    if (!m) return undefined;
    return { instanceId: m[1], method: /** @type {GreenApiMethod} */ (m[2]), segment: m[3] };
  }

  /** The percent-decoded session token, or undefined when it is malformed. @param {string} segment */
  function sessionTokenOf(segment) {
    try {
      const token = decodeURIComponent(segment);
      return validToken(token) ? token : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * `{ok, cors}`: whether the request's Origin may use the proxy, and the origin to name in CORS
   * headers (cross-origin allowed pages only). No Origin (not a browser page) and same-origin pass.
   * @param {import('node:http').IncomingMessage} req
   */
  function checkOrigin(req) {
    const origin = req.headers.origin;
    if (origin === undefined) return { ok: true, cors: undefined };
    try {
      if (origin !== 'null' && new URL(origin).host === req.headers.host) return { ok: true, cors: undefined };
    } catch {
      // not a URL: only an explicit allow-list entry can admit it
    }
    let allowed = false;
    try {
      allowed = isAllowedOrigin(origin) === true;
    } catch {
      allowed = false;
    }
    return allowed ? { ok: true, cors: origin } : { ok: false, cors: undefined };
  }

  /**
   * Asks the host. Resolves with a validated grant and its upstream base, or `{status}` for refusals.
   * @param {AuthorizeRequest} request
   * @returns {Promise<{ token: string, base: URL } | { status: number }>}
   */
  async function grant(request) {
    /** @type {Grant | null | undefined} */
    let result;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    try {
      result = await Promise.race([
        Promise.resolve().then(() => authorize(request)),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('authorize timed out')), authorizeTimeoutMs);
        }),
      ]);
    } catch {
      return { status: 401 };
    } finally {
      clearTimeout(timer);
    }
    if (result === null || result === undefined) return { status: 401 };
    if (typeof result !== 'object' || !validToken(result.apiTokenInstance)) {
      say(`${request.method} instance ${request.instanceId}: authorize returned no valid apiTokenInstance`);
      return { status: 500 };
    }
    let base = defaultUpstream;
    if (result.apiUrl !== undefined) {
      try {
        base = parseUpstream(result.apiUrl);
      } catch {
        say(`${request.method} instance ${request.instanceId}: authorize returned an invalid apiUrl`);
        return { status: 500 };
      }
    }
    return { token: result.apiTokenInstance, base };
  }

  /** GREEN-API's address for one call. Contains the real token: never log it. @param {URL} base @param {string} id @param {GreenApiMethod} method @param {string} token */
  const upstreamUrl = (base, id, method, token) => `${base.origin}${base.pathname.replace(/\/+$/, '')}/waInstance${id}/${method}/${encodeURIComponent(token)}`;

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {number} status
   * @param {string | undefined} cors
   * @param {Record<string, string>} [extra]
   */
  function sendError(res, status, cors, extra = {}) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: (STATUS_TEXT[status] ?? 'Error').toLowerCase() });
    res.writeHead(status, {
      ...baseHeaders(cors),
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      ...extra,
    });
    res.end(body);
  }

  /** @param {string | undefined} cors */
  function baseHeaders(cors) {
    /** @type {Record<string, string>} */
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', vary: 'Origin' };
    if (cors) headers['access-control-allow-origin'] = cors;
    return headers;
  }

  /**
   * Reads a POST body: at most `maxBodyBytes`, within `bodyTimeoutMs`, and valid JSON.
   * @param {import('node:http').IncomingMessage} req
   * @returns {Promise<Buffer | { status: number }>}
   */
  function readBody(req) {
    return new Promise((resolve) => {
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      let done = false;
      /** @param {Buffer | { status: number }} value */
      const finish = (value) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.off('data', onData);
        resolve(value);
      };
      const timer = setTimeout(() => finish({ status: 408 }), bodyTimeoutMs);
      /** @param {Buffer} chunk */
      const onData = (chunk) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          finish({ status: 413 });
          req.resume();
        } else chunks.push(chunk);
      };
      req.on('data', onData);
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        try {
          JSON.parse(body.toString('utf8'));
        } catch {
          finish({ status: 400 });
          return;
        }
        finish(body);
      });
      req.on('error', () => finish({ status: 400 }));
      req.on('aborted', () => finish({ status: 400 }));
    });
  }

  /**
   * Handles one HTTP request (not upgrades). Answers everything it is given: unknown paths get 404.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handleRequest(req, res) {
    const started = Date.now();
    const r = route(req);
    const expected = r && r.method !== 'scanqrcode' ? HTTP_METHODS[/** @type {keyof typeof HTTP_METHODS} */ (r.method)] : undefined;
    if (!r || !expected) {
      sendError(res, 404, undefined);
      return;
    }
    const origin = checkOrigin(req);
    if (!origin.ok) {
      say(`${req.method} ${r.method} instance ${r.instanceId}: origin not allowed (403)`);
      sendError(res, 403, undefined);
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...baseHeaders(origin.cors),
        'access-control-allow-methods': `${expected}, OPTIONS`,
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (req.method !== expected) {
      sendError(res, 404, origin.cors);
      return;
    }
    const sessionToken = sessionTokenOf(r.segment);
    if (!sessionToken) {
      say(`${req.method} ${r.method} instance ${r.instanceId}: malformed session token (401)`);
      sendError(res, 401, origin.cors);
      return;
    }
    if (expected === 'POST' && Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      sendError(res, 413, origin.cors, { connection: 'close' });
      return;
    }
    const granted = await grant({ instanceId: r.instanceId, sessionToken, method: r.method, request: req });
    if ('status' in granted) {
      if (granted.status === 401) say(`${req.method} ${r.method} instance ${r.instanceId}: not authorized (401)`);
      sendError(res, granted.status, origin.cors);
      return;
    }
    /** @type {Buffer | undefined} */
    let body;
    if (expected === 'POST') {
      const read = await readBody(req);
      if (!Buffer.isBuffer(read)) {
        sendError(res, read.status, origin.cors, { connection: 'close' });
        return;
      }
      body = read;
    }
    if (closed) {
      sendError(res, 503, origin.cors);
      return;
    }

    const target = new URL(upstreamUrl(granted.base, r.instanceId, r.method, granted.token));
    const secure = target.protocol === 'https:';
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json' };
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.length);
    }
    const upstreamReq = (secure ? https : http).request(target, { method: expected, headers, agent: secure ? agents.https : agents.http });
    const abort = () => upstreamReq.destroy();
    live.add(abort);
    const timer = setTimeout(() => {
      say(`${expected} ${r.method} instance ${r.instanceId}: upstream timed out (504)`);
      upstreamReq.destroy();
      if (!res.headersSent) sendError(res, 504, origin.cors);
      else res.destroy();
    }, upstreamTimeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      live.delete(abort);
    };
    // The browser went away: stop the upstream call.
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
      cleanup();
    });
    upstreamReq.on('response', (upstreamRes) => {
      const status = upstreamRes.statusCode ?? 502;
      /** @type {Record<string, string>} */
      const out = baseHeaders(origin.cors);
      const type = upstreamRes.headers['content-type'];
      if (type) out['content-type'] = type;
      const length = upstreamRes.headers['content-length'];
      if (length && /^\d+$/.test(length)) out['content-length'] = length;
      res.writeHead(status, out);
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
      upstreamRes.on('end', () => say(`${expected} ${r.method} instance ${r.instanceId} → ${status} (${Date.now() - started} ms)`));
    });
    upstreamReq.on('error', (err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      say(`${expected} ${r.method} instance ${r.instanceId}: upstream failed (${errorCode(err)}, 502)`);
      sendError(res, 502, origin.cors);
    });
    upstreamReq.end(body);
  }

  /**
   * Handles one websocket upgrade (`server.on('upgrade', …)`). Refuses anything but the
   * `scanqrcode` path with an HTTP status; otherwise opens GREEN-API's socket first and accepts the
   * browser's only once it is open, so a failing upstream looks like a failing socket (502).
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:stream').Duplex} socket
   * @param {Buffer} head
   */
  async function handleUpgrade(req, socket, head) {
    socket.on('error', () => {});
    let gone = false;
    let refused = false;
    /** Set once GREEN-API's socket is being opened; dropped if the browser leaves before the upgrade. @type {(() => void) | undefined} */
    let abandon;
    socket.once('close', () => {
      gone = true;
      abandon?.();
    });
    /** @param {number} status */
    const refuse = (status) => {
      if (gone || refused) return;
      refused = true;
      const body = JSON.stringify({ error: (STATUS_TEXT[status] ?? 'Error').toLowerCase() });
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nCache-Control: no-store\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    };
    const r = route(req);
    if (!r || r.method !== 'scanqrcode' || req.method !== 'GET' || closed) return refuse(closed ? 503 : 404);
    const tag = `scanqrcode instance ${r.instanceId}`;
    if (String(req.headers.upgrade).toLowerCase() !== 'websocket' || !req.headers['sec-websocket-key']) return refuse(400);
    if (!checkOrigin(req).ok) {
      say(`${tag}: origin not allowed (403)`);
      return refuse(403);
    }
    const sessionToken = sessionTokenOf(r.segment);
    if (!sessionToken) {
      say(`${tag}: malformed session token (401)`);
      return refuse(401);
    }
    const granted = await grant({ instanceId: r.instanceId, sessionToken, method: 'scanqrcode', request: req });
    if ('status' in granted) {
      if (granted.status === 401) say(`${tag}: not authorized (401)`);
      return refuse(granted.status);
    }
    if (gone || closed) return refuse(503);

    const base = granted.base;
    const url = upstreamUrl(base, r.instanceId, 'scanqrcode', granted.token).replace(/^http/, 'ws');
    const upstreamWs = new WebSocket(url, { handshakeTimeout: connectTimeoutMs, maxPayload: MAX_FRAME_BYTES, followRedirects: false });
    /** @type {import('ws').WebSocket | undefined} */
    let client;
    /** Frames that arrived before the browser's socket was accepted. @type {[Buffer, boolean][]} */
    const early = [];
    /** @type {NodeJS.Timeout | undefined} */
    let lifetime;
    const shutdown = () => {
      client?.close(1001, 'proxy closing');
      if (upstreamWs.readyState === WebSocket.OPEN) upstreamWs.close(1001);
      else upstreamWs.terminate();
      if (!client) refuse(503);
    };
    live.add(shutdown);
    abandon = () => {
      if (!client) upstreamWs.terminate();
    };
    const cleanup = () => {
      clearTimeout(lifetime);
      live.delete(shutdown);
    };

    upstreamWs.on('error', (err) => {
      if (!client) {
        say(`${tag}: upstream failed (${errorCode(err)}, 502)`);
        refuse(502);
      }
    });
    upstreamWs.on('message', (data, isBinary) => {
      const frame = /** @type {Buffer} */ (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(/** @type {Buffer} */ (data)));
      if (!client) early.push([frame, isBinary]);
      else if (client.readyState === WebSocket.OPEN) client.send(frame, { binary: isBinary });
    });
    upstreamWs.on('close', (code, reason) => {
      cleanup();
      if (!client) {
        refuse(502);
        return;
      }
      const mapped = mapCloseCode(code);
      say(`${tag}: upstream closed (${code}${mapped !== code ? ` → ${mapped}` : ''})`);
      if (client.readyState === WebSocket.OPEN || client.readyState === WebSocket.CONNECTING) client.close(mapped, closeReason(reason));
    });
    upstreamWs.on('open', () => {
      if (gone || closed) {
        upstreamWs.close(1001);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        client = ws;
        say(`${tag}: connected`);
        for (const [frame, isBinary] of early.splice(0)) ws.send(frame, { binary: isBinary });
        lifetime = setTimeout(() => {
          say(`${tag}: closed after ${maxSocketMs} ms`);
          ws.close(1001, 'session too long');
          upstreamWs.close(1001);
        }, maxSocketMs);
        ws.on('error', () => {});
        ws.on('message', (data, isBinary) => {
          const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(/** @type {Buffer} */ (data));
          if (upstreamWs.readyState === WebSocket.OPEN) upstreamWs.send(frame, { binary: isBinary });
        });
        ws.on('close', (code, reason) => {
          cleanup();
          if (upstreamWs.readyState === WebSocket.OPEN) upstreamWs.close(mapCloseCode(code), closeReason(reason));
          else if (upstreamWs.readyState === WebSocket.CONNECTING) upstreamWs.terminate();
        });
        // The upstream may have closed while the upgrade completed.
        if (upstreamWs.readyState === WebSocket.CLOSED) ws.close(1011);
      });
    });
  }

  const server = http.createServer((req, res) => {
    handleRequest(req, res).catch(() => sendError(res, 500, undefined));
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('upgrade', (req, socket, head) => {
    handleUpgrade(req, socket, head).catch(() => socket.destroy());
  });

  return {
    /** A standalone `http.Server` (not listening) wired to both handlers. */
    server,
    handleRequest,
    handleUpgrade,
    /** Closes live sockets (1001), aborts upstream calls, stops `server` if it listens. */
    async close() {
      if (closed) return;
      closed = true;
      for (const stop of [...live]) stop();
      live.clear();
      agents.http.destroy();
      agents.https.destroy();
      if (server.listening) {
        await new Promise((resolve) => {
          server.close(() => resolve(undefined));
          server.closeAllConnections();
        });
      }
    },
  };
}

/** An error's code for logs (never its message, which may name an address). @param {unknown} err */
function errorCode(err) {
  const code = /** @type {{code?: unknown}} */ (err)?.code;
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
  const status = /Unexpected server response: (\d{3})/.exec(String(/** @type {Error} */ (err)?.message ?? ''));
  return status ? `HTTP ${status[1]}` : 'error';
}

/**
 * Creates the proxy and listens (default 127.0.0.1, a free port). `url` is what to put in `api-url`.
 * @param {ProxyOptions & { port?: number, host?: string }} options
 */
export async function startGreenApiProxy(options) {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const proxy = createGreenApiProxy(rest);
  await new Promise((resolve, reject) => {
    proxy.server.once('error', reject);
    proxy.server.listen(port, host, () => {
      proxy.server.off('error', reject);
      resolve(undefined);
    });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (proxy.server.address());
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const basePath = String(rest.basePath ?? '').replace(/\/+$/, '');
  return { ...proxy, port: address.port, url: `http://${urlHost}:${address.port}${basePath}` };
}
