/**
 * The link server: tickets, the HTTP request handler and the websocket upgrade handler. See
 * ./index.ts for the wire contract with the element.
 */
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { instanceIdProblem, isLoopbackHost, normalizeApiUrl, tokenProblem } from '../core/config.js';
import {
  DEFAULT_ACCOUNT_FIELDS,
  HTTP_METHODS,
  SCOPES,
  cleaner,
  isHttpMethod,
  rebuildFrame,
  type AccountField,
  type HttpMethodName,
  type Scope,
} from './methods.js';
import { memoryStore, type LinkStore } from './store.js';

/** The subprotocol the element offers and the server answers with. */
export const SUBPROTOCOL = 'green-qr-scan.v1';
/** The prefix of the subprotocol that carries the ticket: `ticket.<ticket>`. */
export const TICKET_PROTOCOL_PREFIX = 'ticket.';

/** Where GREEN-API serves one instance, as the host's own code knows it. Secret: never logged. */
export interface UpstreamCredentials {
  /** The instance's API host, e.g. `https://7105.api.greenapi.com` (plain `http://` only on loopback). */
  apiUrl: string;
  /** The instance's `apiTokenInstance`. */
  token: string;
}

/** What {@link LinkServerOptions.onLinked} receives. */
export interface LinkedEvent {
  /** The instance that was linked. */
  instanceId: string;
  /** The linked account's id (e.g. `79001234567@c.us`), when GREEN-API told it (accountData or GetSettings). */
  wid?: string;
}

/** The limits of one server process. Every field has a default. */
export interface LinkLimits {
  /** Largest request body from the browser (bytes). Default 4096. */
  maxBodyBytes: number;
  /** How long reading a request body may take (ms). Default 10,000. */
  bodyTimeoutMs: number;
  /** Most request headers (count). Default 64. */
  maxHeaders: number;
  /** Longest request path (characters). Default 2048. */
  maxUrlLength: number;
  /** Live websockets per process. Default 1000. */
  maxSockets: number;
  /** GREEN-API HTTP calls in flight per process. Default 256. */
  maxPendingRequests: number;
  /** Frames a browser may send on its socket (all of them are dropped) before the server closes it. Default 16. */
  maxClientFrames: number;
  /** Largest frame a browser may send (bytes); a larger one closes the socket (1009). Default 1024. */
  maxClientFrameBytes: number;
  /** Largest answer or frame read from GREEN-API (bytes); a larger one is a 502 / dropped socket. Default 2,000,000. */
  maxUpstreamBytes: number;
  /** Bytes waiting to be sent to a slow browser before its socket is closed. Default 4,000,000. */
  maxBufferedBytes: number;
  /** Longest life of one socket (ms). Default 300,000 (GREEN-API's QR window is 100 s). */
  maxSocketMs: number;
  /** How long one GREEN-API HTTP call may take (ms). Default 15,000. */
  upstreamTimeoutMs: number;
  /** How long GREEN-API's websocket handshake may take (ms). Default 15,000. */
  connectTimeoutMs: number;
  /** How long the host's `lookup` may take (ms). Default 10,000. */
  lookupTimeoutMs: number;
  /** Lifetime of the one-socket lock; renewed every third of it while the socket lives (ms). Default 30,000. */
  lockTtlMs: number;
  /** HTTP requests per second per ticket. Default 10. */
  requestsPerSecond: number;
  /** Sockets opened per minute per ticket. Default 10. */
  socketsPerMinute: number;
  /** Calls per minute per ticket of each method that sends or asks for a code or password, and of logout. Default 5. */
  attemptsPerMinute: number;
  /** Checks of the instance's state when confirming a link (1 s apart). Default 10. */
  confirmAttempts: number;
}

const DEFAULT_LIMITS: LinkLimits = {
  maxBodyBytes: 4096,
  bodyTimeoutMs: 10_000,
  maxHeaders: 64,
  maxUrlLength: 2048,
  maxSockets: 1000,
  maxPendingRequests: 256,
  maxClientFrames: 16,
  maxClientFrameBytes: 1024,
  maxUpstreamBytes: 2_000_000,
  maxBufferedBytes: 4_000_000,
  maxSocketMs: 300_000,
  upstreamTimeoutMs: 15_000,
  connectTimeoutMs: 15_000,
  lookupTimeoutMs: 10_000,
  lockTtlMs: 30_000,
  requestsPerSecond: 10,
  socketsPerMinute: 10,
  attemptsPerMinute: 5,
  confirmAttempts: 10,
};

/** Options of {@link createLinkServer}. */
export interface LinkServerOptions {
  /**
   * The host's own code: where GREEN-API serves `instanceId` and with which token. Called for each
   * forwarded call, after the ticket was checked. `undefined` (or a throw, or taking longer than
   * `limits.lookupTimeoutMs`) refuses the call.
   */
  lookup: (instanceId: string) => Promise<UpstreamCredentials | undefined> | UpstreamCredentials | undefined;
  /**
   * The `Host` header values this server answers to (e.g. `['app.example.com']`): an entry without a
   * port matches any port, one with a port only that port. Anything else is refused (421): a page on
   * another name that resolves to this server (DNS rebinding) gets nothing.
   */
  allowedHosts: string[];
  /**
   * Page origins on other hosts allowed to call this server (exact, e.g. `https://app.example.com`).
   * A page on one of `allowedHosts` (https, or http on loopback) is always allowed. Default none.
   */
  allowedOrigins?: string[];
  /** The path the server is mounted under, e.g. `/green-api` (the element's `api-url` then ends with it). Default ''. */
  basePath?: string;
  /** Where tickets, locks and counters live. Default {@link memoryStore}; several processes share one, e.g. {@link redisStore}. */
  store?: LinkStore;
  /**
   * Called once per ticket when the server itself has seen the instance linked: GREEN-API's
   * getStateInstance said `authorized` after a linking event. Not called for what the browser claims.
   * A throw or rejection is logged and ignored.
   */
  onLinked?: (event: LinkedEvent) => void | Promise<void>;
  /** Default lifetime of a ticket (ms). Default 180,000 (3 minutes). */
  ticketTtlMs?: number;
  /**
   * How long a ticket may still read the account (getStateInstance, getWaSettings, getSettings,
   * getAccountSettings) after the link was confirmed (ms). Default 60,000. Nothing else is allowed then.
   */
  linkedGraceMs?: number;
  /** The `accountData` fields the browser gets. Default `['wid', 'pushname']`; `proxy` and `webhookUrl` only when listed. */
  accountFields?: AccountField[];
  /** Receives one line per refused or forwarded call. Never receives a ticket, a token, a password or a phone number. */
  log?: (line: string) => void;
  /** Limits; each one has a default. */
  limits?: Partial<LinkLimits>;
  /** The clock (ms since the epoch) for ticket lifetimes. Default `Date.now`. */
  now?: () => number;
}

/** What {@link LinkServer.issueTicket} takes. */
export interface TicketRequest {
  /** The instance the ticket may link (the numeric `idInstance`). */
  instanceId: string;
  /** What the ticket allows. Default `['qr']`; ask for `phone` and `logout` only when the page needs them. */
  scopes?: Scope[];
  /** The page origin the ticket is bound to (e.g. `https://app.example.com`); other pages are refused. */
  origin?: string;
  /** Lifetime (ms), 1 s to 1 h. Default the server's `ticketTtlMs`. */
  ttlMs?: number;
}

/** An issued ticket: hand `ticket` to the page, which sends it only in headers. */
export interface IssuedTicket {
  ticket: string;
  /** When it stops working (ms since the epoch). */
  expiresAt: number;
}

/** A link server: mount its two handlers, issue tickets from your own authenticated routes. */
export interface LinkServer {
  /** Issues a ticket for one instance. Call it only after your own check that the user may link it. Throws TypeError on bad input. */
  issueTicket(request: TicketRequest): Promise<IssuedTicket>;
  /** Gives a live, not yet used-up ticket a new lifetime (default `ticketTtlMs` from now); `undefined` when it is gone. */
  renewTicket(ticket: string, ttlMs?: number): Promise<IssuedTicket | undefined>;
  /** Revokes a ticket at once, on every process that shares the store; its live socket closes (1008). Resolves whether it existed. */
  revokeTicket(ticket: string): Promise<boolean>;
  /**
   * Node's `(req, res)` request handler, also an Express middleware. Returns `false` (and calls
   * `next` when given) without touching the response when the path is not the server's
   * (`{basePath}/waInstance…`); otherwise it answers the request and returns `true`.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): boolean;
  /**
   * Node's `'upgrade'` handler. Returns `false` without touching the socket when the path is not
   * the server's, so another handler can take it; otherwise it answers the upgrade and returns `true`.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes live sockets (1001), aborts calls in flight and refuses new ones (503). Does not close a store you passed in. */
  close(): Promise<void>;
}

/** What the server keeps about one ticket (stored under the ticket's SHA-256 hash). */
interface TicketRecord {
  instanceId: string;
  scopes: Scope[];
  origin?: string;
  expiresAt: number;
  /** Set when the link was confirmed: only reads are allowed until `expiresAt`. */
  linked?: boolean;
}

type Refusal = { status: number; reason: string };

const TICKET = /^gqs1\.[A-Za-z0-9_-]{43}$/;
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const WS_KEY = /^[+/0-9A-Za-z]{22}==$/;
const STATUS_TEXT: Record<number, string> = { ...http.STATUS_CODES, 466: 'Quota Exceeded' };
/** Upstream statuses passed on as they are; any other non-2xx answer is a 502. */
const PASSED_STATUSES = new Set([400, 429, 466]);
/** Methods that send or ask for a code or password, or log out: rate-limited per minute. */
const ATTEMPT_METHODS = new Set<HttpMethodName>(['getAuthorizationCode', 'startAuthorization', 'sendAuthorizationCode', 'sendAuthorizationPassword', 'logout']);

const hashOf = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');
const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref?.());

/**
 * The close code to send on one side when the other side closed with `code`: codes that may not be
 * sent in a close frame (1005 no status → 1000; 1004, 1006 abnormal, 1015 TLS, out of range → 1011).
 */
export function mapCloseCode(code: number): number {
  if (code === 1005) return 1000;
  if ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1006) || (code >= 3000 && code <= 4999)) return code;
  return 1011;
}

/** `host[:port]` → [hostname, port]; hostnames lowercased, IPv6 in brackets. */
function splitHost(value: string): [string, string | undefined] {
  const v = value.trim().toLowerCase();
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(v);
  return m ? [m[1], m[2]] : [v, undefined];
}

/**
 * Creates a link server. Nothing listens: mount `handleRequest` and `handleUpgrade` on your Node
 * `http` server, Express or Fastify app (see the README and examples/server-*).
 */
export function createLinkServer(options: LinkServerOptions): LinkServer {
  if (!options || typeof options.lookup !== 'function') throw new TypeError('createLinkServer: `lookup` must be a function');
  if (!Array.isArray(options.allowedHosts) || options.allowedHosts.length === 0 || !options.allowedHosts.every((h) => typeof h === 'string' && h.trim())) {
    throw new TypeError('createLinkServer: `allowedHosts` must list the Host names this server answers to');
  }
  const limits: LinkLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const ownStore = options.store ? undefined : memoryStore({ now });
  const store = options.store ?? ownStore!;
  const ticketTtlMs = options.ticketTtlMs ?? 180_000;
  const linkedGraceMs = options.linkedGraceMs ?? 60_000;
  const accountFields: AccountField[] = [...(options.accountFields ?? DEFAULT_ACCOUNT_FIELDS)];
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const hosts = options.allowedHosts.map(splitHost);
  const basePath = String(options.basePath ?? '').replace(/\/+$/, '');
  if (basePath && !/^\/[A-Za-z0-9._~\-/]*$/.test(basePath)) throw new TypeError('createLinkServer: `basePath` must be a path starting with /');
  for (const field of accountFields) {
    if (!['wid', 'pushname', 'proxy', 'webhookUrl'].includes(field)) throw new TypeError(`createLinkServer: unknown account field ${String(field)}`);
  }

  const say = (line: string) => {
    try {
      options.log?.(line);
    } catch {
      // A broken logger must not break the server.
    }
  };
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: limits.maxClientFrameBytes,
    handleProtocols: () => SUBPROTOCOL,
  });
  /** Stops every live socket and call in flight, for close(). */
  const live = new Set<() => void>();
  /** Ticket hash → closers of its sockets in this process, for revocation. */
  const socketsByTicket = new Map<string, Set<(code: number, reason: string) => void>>();
  let sockets = 0;
  let pending = 0;
  let closed = false;

  // --- tickets ---------------------------------------------------------------------------------

  const ticketKey = (hash: string) => `ticket:${hash}`;

  async function readTicket(hash: string): Promise<TicketRecord | undefined> {
    const raw = await store.get(ticketKey(hash));
    if (!raw) return undefined;
    try {
      const record = JSON.parse(raw) as TicketRecord;
      return record.expiresAt > now() ? record : undefined;
    } catch {
      return undefined;
    }
  }

  async function issueTicket(request: TicketRequest): Promise<IssuedTicket> {
    const instanceId = String(request?.instanceId ?? '').trim();
    const problem = instanceIdProblem(instanceId);
    if (problem) throw new TypeError(`issueTicket: ${problem}`);
    const scopes = request.scopes ?? ['qr'];
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => SCOPES.includes(s))) {
      throw new TypeError(`issueTicket: scopes must be a non-empty list of ${SCOPES.join(', ')}`);
    }
    let origin: string | undefined;
    if (request.origin !== undefined) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(request.origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.origin !== request.origin || !/^https?:$/.test(parsed.protocol)) {
        throw new TypeError('issueTicket: origin must be a page origin such as https://app.example.com');
      }
      origin = parsed.origin;
    }
    const ttl = request.ttlMs ?? ticketTtlMs;
    if (!Number.isFinite(ttl) || ttl < 1000 || ttl > 3_600_000) throw new TypeError('issueTicket: ttlMs must be 1,000 to 3,600,000');
    const ticket = `gqs1.${randomBytes(32).toString('base64url')}`;
    const record: TicketRecord = { instanceId, scopes: [...new Set(scopes)], expiresAt: now() + ttl };
    if (origin) record.origin = origin;
    if (!(await store.set(ticketKey(hashOf(ticket)), JSON.stringify(record), ttl, 'nx'))) {
      throw new Error('issueTicket: the store refused the ticket');
    }
    return { ticket, expiresAt: record.expiresAt };
  }

  async function renewTicket(ticket: string, ttlMs?: number): Promise<IssuedTicket | undefined> {
    if (typeof ticket !== 'string' || !TICKET.test(ticket)) return undefined;
    const ttl = ttlMs ?? ticketTtlMs;
    if (!Number.isFinite(ttl) || ttl < 1000 || ttl > 3_600_000) throw new TypeError('renewTicket: ttlMs must be 1,000 to 3,600,000');
    const hash = hashOf(ticket);
    const record = await readTicket(hash);
    if (!record || record.linked) return undefined;
    record.expiresAt = now() + ttl;
    if (!(await store.set(ticketKey(hash), JSON.stringify(record), ttl, 'xx'))) return undefined;
    return { ticket, expiresAt: record.expiresAt };
  }

  function closeSocketsOf(hash: string, code: number, reason: string) {
    for (const stop of [...(socketsByTicket.get(hash) ?? [])]) stop(code, reason);
  }

  async function revokeHash(hash: string): Promise<boolean> {
    const existed = await store.delete(ticketKey(hash));
    closeSocketsOf(hash, 1008, 'ticket revoked');
    return existed;
  }

  async function revokeTicket(ticket: string): Promise<boolean> {
    if (typeof ticket !== 'string' || !TICKET.test(ticket)) return false;
    return revokeHash(hashOf(ticket));
  }

  // --- checks shared by HTTP and websockets ------------------------------------------------------

  /** When the path is this server's: the path after `basePath`, and whether the URL had a query. */
  function routeOf(req: IncomingMessage): { path: string; query: boolean } | undefined {
    const raw = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q >= 0 ? raw.slice(0, q) : raw;
    const ours = basePath ? path === basePath || path.startsWith(`${basePath}/`) : path.startsWith('/waInstance');
    return ours ? { path: path.slice(basePath.length), query: q >= 0 } : undefined;
  }

  function hostAllowed(req: IncomingMessage): boolean {
    const value = header(req, 'host');
    if (!value) return false;
    const [name, port] = splitHost(value);
    return hosts.some(([h, p]) => h === name && (p === undefined || p === port));
  }

  /** How a page origin relates to this server: on its host (`same`), listed, or not allowed. */
  function originVerdict(origin: string, req: IncomingMessage): 'same' | 'listed' | undefined {
    if (allowedOrigins.has(origin)) return 'listed';
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return undefined;
    }
    if (url.origin !== origin || url.host !== String(header(req, 'host')).toLowerCase()) return undefined;
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)) ? 'same' : undefined;
  }

  /**
   * Fetch-metadata and Origin rules: a foreign Origin, or `Sec-Fetch-Site: cross-site` from a page
   * not listed in `allowedOrigins`, is refused; a state-changing request (POST, websocket) must say
   * where it comes from. Resolves the origin to name in CORS headers.
   */
  function checkSite(req: IncomingMessage, stateChanging: boolean): { ok: true; cors?: string; origin?: string } | Refusal {
    const origin = header(req, 'origin');
    const site = header(req, 'sec-fetch-site');
    let verdict: 'same' | 'listed' | undefined;
    if (origin !== undefined) {
      verdict = originVerdict(origin, req);
      if (!verdict) return { status: 403, reason: 'origin' };
    }
    if (site === 'cross-site' && verdict !== 'listed') return { status: 403, reason: 'cross_site' };
    if (stateChanging) {
      if (site === 'none') return { status: 403, reason: 'cross_site' };
      if (origin === undefined && site !== 'same-origin') return { status: 403, reason: 'no_origin' };
    }
    return { ok: true, origin, cors: verdict === 'listed' ? origin : undefined };
  }

  /** The ticket's own checks: alive, this instance, this page, this scope. */
  async function checkTicket(
    ticket: string | undefined,
    instanceId: string,
    scope: Scope,
    afterLink: boolean,
    req: IncomingMessage,
  ): Promise<{ hash: string; record: TicketRecord } | Refusal> {
    if (!ticket) return { status: 401, reason: 'ticket_missing' };
    if (!TICKET.test(ticket)) return { status: 401, reason: 'ticket_invalid' };
    const hash = hashOf(ticket);
    const record = await readTicket(hash);
    if (!record) return { status: 401, reason: 'ticket_invalid' };
    if (record.instanceId !== instanceId) return { status: 403, reason: 'wrong_instance' };
    if (record.origin) {
      const origin = header(req, 'origin');
      const sameOrigin = origin === undefined && header(req, 'sec-fetch-site') === 'same-origin' && new URL(record.origin).host === String(header(req, 'host')).toLowerCase();
      if (origin !== record.origin && !sameOrigin) return { status: 403, reason: 'wrong_origin' };
    }
    if (!record.scopes.includes(scope)) return { status: 403, reason: 'scope' };
    if (record.linked && !afterLink) return { status: 401, reason: 'ticket_used' };
    return { hash, record };
  }

  /** Fixed-window rate check; `true` when over. */
  async function over(key: string, windowMs: number, max: number): Promise<boolean> {
    return (await store.increment(key, windowMs)) > max;
  }

  /** The host's credentials for an instance, validated with the element's own rules. */
  async function credentials(instanceId: string): Promise<{ base: URL; token: string } | Refusal> {
    let timer: NodeJS.Timeout | undefined;
    let found: UpstreamCredentials | undefined;
    try {
      found = await Promise.race([
        Promise.resolve().then(() => options.lookup(instanceId)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), limits.lookupTimeoutMs);
        }),
      ]);
    } catch {
      say(`instance ${instanceId}: lookup failed`);
      return { status: 502, reason: 'lookup' };
    } finally {
      clearTimeout(timer);
    }
    if (found === undefined || found === null) return { status: 404, reason: 'unknown_instance' };
    const token = typeof found === 'object' ? found.token : undefined;
    if (typeof token !== 'string' || tokenProblem(token)) {
      say(`instance ${instanceId}: lookup returned no valid token`);
      return { status: 502, reason: 'lookup' };
    }
    const api = normalizeApiUrl(typeof found.apiUrl === 'string' ? found.apiUrl : '');
    if (!api.ok || !found.apiUrl) {
      say(`instance ${instanceId}: lookup returned no valid apiUrl (https://, or http:// on loopback)`);
      return { status: 502, reason: 'lookup' };
    }
    return { base: api.base, token };
  }

  /** GREEN-API's address for one call. Contains the token: never log it. */
  const upstreamUrl = (base: URL, instanceId: string, method: string, token: string) =>
    `${base.origin}${base.pathname.replace(/\/+$/, '')}/waInstance${instanceId}/${method}/${encodeURIComponent(token)}`;

  /**
   * One GREEN-API HTTP call: its status and parsed JSON body (2xx only), or a failure code for logs.
   * Bodies are read up to `maxUpstreamBytes`; a status outside 100–599 or a broken answer is a failure.
   */
  function callUpstream(
    creds: { base: URL; token: string },
    instanceId: string,
    method: string,
    verb: 'GET' | 'POST',
    body?: object,
  ): Promise<{ status: number; json?: Record<string, unknown>; retryAfter?: string } | { failure: string }> {
    return new Promise((resolve) => {
      const target = new URL(upstreamUrl(creds.base, instanceId, method, creds.token));
      const secure = target.protocol === 'https:';
      const payload = body === undefined || verb === 'GET' ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = { accept: 'application/json' };
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.length);
      }
      let done = false;
      const finish = (value: { status: number; json?: Record<string, unknown>; retryAfter?: string } | { failure: string }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        live.delete(abort);
        resolve(value);
      };
      let req: http.ClientRequest;
      try {
        req = (secure ? https : http).request(target, { method: verb, headers, agent: secure ? agents.https : agents.http });
      } catch {
        finish({ failure: 'request' });
        return;
      }
      const abort = () => {
        req.destroy();
        finish({ failure: 'aborted' });
      };
      live.add(abort);
      const timer = setTimeout(() => {
        req.destroy();
        finish({ failure: 'timeout' });
      }, limits.upstreamTimeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => finish({ failure: typeof err?.code === 'string' && /^[A-Z_]+$/.test(err.code) ? err.code : 'error' }));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (!Number.isInteger(status) || status < 100 || status > 599) {
          res.destroy();
          finish({ failure: `status ${String(status).slice(0, 3)}` });
          return;
        }
        const retry = res.headers['retry-after'];
        const retryAfter = typeof retry === 'string' && /^\d{1,4}$/.test(retry) ? retry : undefined;
        if (status < 200 || status > 299) {
          res.resume();
          finish({ status, retryAfter });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxUpstreamBytes) {
            res.destroy();
            finish({ failure: 'too large' });
          } else chunks.push(chunk);
        });
        res.on('error', () => finish({ failure: 'error' }));
        res.on('aborted', () => finish({ failure: 'aborted' }));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            finish({ failure: 'not JSON' });
            return;
          }
          if (!json || typeof json !== 'object' || Array.isArray(json)) finish({ failure: 'not a JSON object' });
          else finish({ status, json: json as Record<string, unknown> });
        });
      });
      req.end(payload);
    });
  }

  // --- the link confirmation ----------------------------------------------------------------------

  /**
   * Something showed the instance linked (accountData, alreadyLogged, an `authorized` state, a
   * successful password): once per ticket, ask GREEN-API's getStateInstance ourselves, then mark the
   * ticket used (reads only, `linkedGraceMs`) and tell the host.
   */
  async function confirmLinked(hash: string, record: TicketRecord, creds: { base: URL; token: string }, knownWid?: string, stateSeen = false) {
    const onceKey = `linked:${hash}`;
    if (!(await store.set(onceKey, '1', Math.max(1000, record.expiresAt - now()) + linkedGraceMs, 'nx').catch(() => false))) return;
    const id = record.instanceId;
    let authorized = stateSeen;
    for (let attempt = 0; !authorized && attempt < limits.confirmAttempts && !closed; attempt++) {
      if (attempt > 0) await delay(1000);
      const answer = await callUpstream(creds, id, 'getStateInstance', 'GET');
      const state = 'json' in answer && answer.json ? answer.json.stateInstance : undefined;
      if (state === 'authorized') authorized = true;
      else if (state !== 'starting' && 'json' in answer) break;
    }
    if (!authorized) {
      say(`instance ${id}: link not confirmed by getStateInstance`);
      await store.delete(onceKey).catch(() => false);
      return;
    }
    let wid = knownWid;
    if (!wid) {
      const settings = await callUpstream(creds, id, 'getSettings', 'GET');
      const w = 'json' in settings && settings.json ? settings.json.wid : undefined;
      if (typeof w === 'string' && w && w.length <= 100) wid = cleaner([creds.token])(w) || undefined;
    }
    const used: TicketRecord = { ...record, linked: true, expiresAt: now() + linkedGraceMs };
    await store.set(ticketKey(hash), JSON.stringify(used), linkedGraceMs, 'xx').catch(() => false);
    say(`instance ${id}: linked (confirmed by getStateInstance)`);
    try {
      await options.onLinked?.(wid ? { instanceId: id, wid } : { instanceId: id });
    } catch {
      say(`instance ${id}: onLinked failed`);
    }
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  function baseHeaders(cors: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', vary: 'Origin' };
    if (cors) headers['access-control-allow-origin'] = cors;
    return headers;
  }

  function sendJson(res: ServerResponse, status: number, body: object, cors?: string, extra: Record<string, string> = {}) {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, STATUS_TEXT[status] ?? 'Error', {
      ...baseHeaders(cors),
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      ...extra,
    });
    res.end(text);
  }

  const refuseHttp = (res: ServerResponse, refusal: Refusal, cors?: string, extra?: Record<string, string>) =>
    sendJson(res, refusal.status, { error: (STATUS_TEXT[refusal.status] ?? 'error').toLowerCase().replace(/ /g, '_'), reason: refusal.reason }, cors, extra);

  /** The request's JSON body, at most `maxBodyBytes`, within `bodyTimeoutMs`; `{}` when empty. */
  function readBody(req: IncomingMessage): Promise<Record<string, unknown> | Refusal> {
    // A framework's body parser (express.json(), …) may have read it already.
    if (req.readableEnded) {
      const parsed = (req as { body?: unknown }).body;
      if (parsed === undefined || parsed === null) return Promise.resolve({});
      return Promise.resolve(typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { status: 400, reason: 'body' });
    }
    const type = header(req, 'content-type');
    const length = Number(header(req, 'content-length') ?? 0);
    if (length > limits.maxBodyBytes) return Promise.resolve({ status: 413, reason: 'body_too_large' });
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (value: Record<string, unknown> | Refusal) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.off('data', onData);
        resolve(value);
      };
      const timer = setTimeout(() => finish({ status: 408, reason: 'body_timeout' }), limits.bodyTimeoutMs);
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBodyBytes) {
          finish({ status: 413, reason: 'body_too_large' });
          req.resume();
        } else chunks.push(chunk);
      };
      req.on('data', onData);
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').trim();
        if (!text) return finish({});
        if (!type || !/^application\/json\s*(;|$)/i.test(type)) return finish({ status: 415, reason: 'content_type' });
        try {
          const json: unknown = JSON.parse(text);
          finish(json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : { status: 400, reason: 'body' });
        } catch {
          finish({ status: 400, reason: 'body' });
        }
      });
      req.on('error', () => finish({ status: 400, reason: 'body' }));
    });
  }

  async function serveHttp(req: IncomingMessage, res: ServerResponse, route: { path: string; query: boolean }) {
    const started = now();
    if (closed) return refuseHttp(res, { status: 503, reason: 'closing' });
    if (!hostAllowed(req)) {
      say(`${req.method} refused: Host not allowed (421)`);
      return refuseHttp(res, { status: 421, reason: 'host' });
    }
    // A page listed in allowedOrigins may read every refusal (the element tells them apart).
    const requestOrigin = header(req, 'origin');
    const listed = requestOrigin !== undefined && allowedOrigins.has(requestOrigin) ? requestOrigin : undefined;
    if (req.rawHeaders.length / 2 > limits.maxHeaders) return refuseHttp(res, { status: 431, reason: 'headers' }, listed);
    if ((req.url ?? '').length > limits.maxUrlLength) return refuseHttp(res, { status: 414, reason: 'url' }, listed);
    const m = /^\/waInstance([^/]*)\/([^/]+)$/.exec(route.path);
    const instanceId = m?.[1] ?? '';
    const method = m?.[2] ?? '';
    if (!m || instanceIdProblem(instanceId) || !isHttpMethod(method)) return refuseHttp(res, { status: 404, reason: 'route' }, listed);
    const spec = HTTP_METHODS[method];
    const tag = `${method} instance ${instanceId}`;

    if (req.method === 'OPTIONS') {
      const origin = header(req, 'origin');
      const verdict = origin === undefined ? undefined : originVerdict(origin, req);
      if (!origin || verdict !== 'listed') {
        say(`${tag}: preflight from an origin that is not allowed (403)`);
        return refuseHttp(res, { status: 403, reason: 'origin' });
      }
      res.writeHead(204, {
        ...baseHeaders(origin),
        'access-control-allow-methods': `${spec.verb}, OPTIONS`,
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    // Tickets travel in headers only: a URL with a query is refused.
    if (route.query) return refuseHttp(res, { status: 400, reason: 'query' }, listed);
    const site = checkSite(req, req.method !== 'GET' && req.method !== 'HEAD');
    if (!('ok' in site)) {
      say(`${req.method} ${tag}: refused (${site.reason}, ${site.status})`);
      return refuseHttp(res, site);
    }
    const cors = site.cors;
    if (req.method !== spec.verb) return refuseHttp(res, { status: 405, reason: 'verb' }, cors, { allow: spec.verb });

    const auth = header(req, 'authorization');
    const bearer = auth && /^Bearer [^\s]{1,200}$/.test(auth) ? auth.slice(7) : undefined;
    const checked = await checkTicket(bearer, instanceId, spec.scope, spec.afterLink, req);
    if ('status' in checked) {
      say(`${req.method} ${tag}: ticket refused (${checked.reason}, ${checked.status})`);
      return refuseHttp(res, checked, cors, checked.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    }
    const { hash, record } = checked;
    const limited =
      (await over(`rate:${hash}`, 1000, limits.requestsPerSecond)) ||
      (ATTEMPT_METHODS.has(method) && (await over(`attempts:${hash}:${method}`, 60_000, limits.attemptsPerMinute)));
    if (limited) {
      say(`${req.method} ${tag}: rate limited (429)`);
      return refuseHttp(res, { status: 429, reason: 'rate_limited' }, cors, { 'retry-after': '1' });
    }
    let body: Record<string, unknown> | undefined;
    if (spec.verb === 'POST') {
      const read = await readBody(req);
      if ('status' in read && typeof read.status === 'number' && typeof read.reason === 'string') return refuseHttp(res, read as Refusal, cors, { connection: 'close' });
      body = spec.body?.(read as Record<string, unknown>);
      if (!body) return refuseHttp(res, { status: 400, reason: 'body' }, cors);
    }
    if (pending >= limits.maxPendingRequests) return refuseHttp(res, { status: 503, reason: 'busy' }, cors, { 'retry-after': '1' });
    pending++;
    try {
      const creds = await credentials(instanceId);
      if ('status' in creds) return refuseHttp(res, creds, cors);
      if (closed) return refuseHttp(res, { status: 503, reason: 'closing' }, cors);
      const answer = await callUpstream(creds, instanceId, method, spec.upstreamVerb, body);
      if ('failure' in answer) {
        say(`${req.method} ${tag}: GREEN-API failed (${answer.failure}, 502)`);
        return refuseHttp(res, { status: 502, reason: 'upstream' }, cors);
      }
      if (!answer.json) {
        const status = PASSED_STATUSES.has(answer.status) ? answer.status : 502;
        say(`${req.method} ${tag}: GREEN-API answered ${answer.status} (${status})`);
        return refuseHttp(res, { status, reason: 'upstream' }, cors, status === 429 && answer.retryAfter ? { 'retry-after': answer.retryAfter } : {});
      }
      const rebuilt = spec.answer(answer.json, cleaner([creds.token]));
      if (!rebuilt) {
        say(`${req.method} ${tag}: GREEN-API's answer is malformed (502)`);
        return refuseHttp(res, { status: 502, reason: 'upstream' }, cors);
      }
      sendJson(res, 200, rebuilt, cors);
      say(`${req.method} ${tag} → 200 (${now() - started} ms)`);
      if (spec.signal?.(rebuilt) === 'linked') {
        void confirmLinked(hash, record, creds, undefined, method === 'getStateInstance').catch(() => say(`instance ${instanceId}: link confirmation failed`));
      }
    } finally {
      pending--;
    }
  }

  function handleRequest(req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void): boolean {
    const route = routeOf(req);
    if (!route) {
      next?.();
      return false;
    }
    serveHttp(req, res, route).catch(() => {
      say(`${req.method} failed inside the link server (500)`);
      refuseHttp(res, { status: 500, reason: 'internal' });
    });
    return true;
  }

  // --- websockets ---------------------------------------------------------------------------------

  /** Parses `Sec-WebSocket-Protocol` as `ws` would; `undefined` when `ws` would refuse it. */
  function protocolsOf(req: IncomingMessage): string[] | undefined {
    const value = header(req, 'sec-websocket-protocol');
    if (value === undefined) return [];
    if (value.length > 512) return undefined;
    const list = value.split(',').map((p) => p.trim());
    if (list.some((p) => !TOKEN_CHARS.test(p)) || new Set(list).size !== list.length) return undefined;
    return list;
  }

  async function serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, route: { path: string; query: boolean }) {
    let gone = false;
    let answered = false;
    /** Set once GREEN-API's socket is being opened; closes it if the browser leaves first. */
    let abandon: (() => void) | undefined;
    socket.once('close', () => {
      gone = true;
      abandon?.();
    });
    const refuse = (refusal: Refusal, extra = '') => {
      if (gone || answered) return;
      answered = true;
      const text = STATUS_TEXT[refusal.status] ?? 'Error';
      const body = JSON.stringify({ error: text.toLowerCase().replace(/ /g, '_'), reason: refusal.reason });
      socket.end(
        `HTTP/1.1 ${refusal.status} ${text}\r\nConnection: close\r\nCache-Control: no-store\r\n${extra}` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    };
    const m = /^\/waInstance([^/]*)\/scanqrcode$/.exec(route.path);
    const instanceId = m?.[1] ?? '';
    if (closed) return refuse({ status: 503, reason: 'closing' });
    if (!hostAllowed(req)) {
      say('scanqrcode refused: Host not allowed (421)');
      return refuse({ status: 421, reason: 'host' });
    }
    if (req.rawHeaders.length / 2 > limits.maxHeaders) return refuse({ status: 431, reason: 'headers' });
    if (!m || instanceIdProblem(instanceId)) return refuse({ status: 404, reason: 'route' });
    const tag = `scanqrcode instance ${instanceId}`;
    if (route.query) return refuse({ status: 400, reason: 'query' });
    // The handshake must be one `ws` accepts, checked before anything is opened upstream.
    if (req.method !== 'GET') return refuse({ status: 405, reason: 'verb' });
    if (String(header(req, 'upgrade')).toLowerCase() !== 'websocket' || !WS_KEY.test(header(req, 'sec-websocket-key') ?? '')) {
      return refuse({ status: 400, reason: 'handshake' });
    }
    if (header(req, 'sec-websocket-version') !== '13') return refuse({ status: 426, reason: 'version' }, 'Sec-WebSocket-Version: 13\r\n');
    const site = checkSite(req, true);
    if (!('ok' in site)) {
      say(`${tag}: refused (${site.reason}, ${site.status})`);
      return refuse(site);
    }
    const protocols = protocolsOf(req);
    if (!protocols || !protocols.includes(SUBPROTOCOL)) return refuse({ status: 400, reason: 'subprotocol' });
    const ticketProtocols = protocols.filter((p) => p.startsWith(TICKET_PROTOCOL_PREFIX));
    if (ticketProtocols.length > 1) return refuse({ status: 400, reason: 'subprotocol' });
    const checked = await checkTicket(ticketProtocols[0]?.slice(TICKET_PROTOCOL_PREFIX.length), instanceId, 'qr', false, req);
    if ('status' in checked) {
      say(`${tag}: ticket refused (${checked.reason}, ${checked.status})`);
      return refuse(checked);
    }
    const { hash, record } = checked;
    if (await over(`sockets:${hash}`, 60_000, limits.socketsPerMinute)) {
      say(`${tag}: rate limited (429)`);
      return refuse({ status: 429, reason: 'rate_limited' });
    }
    if (sockets >= limits.maxSockets) return refuse({ status: 503, reason: 'busy' });
    // One live upstream socket per ticket, on every process that shares the store.
    const lockKey = `socket:${hash}`;
    const owner = randomBytes(12).toString('base64url');
    if (!(await store.set(lockKey, owner, limits.lockTtlMs, 'nx'))) {
      say(`${tag}: the ticket already has a live socket (409)`);
      return refuse({ status: 409, reason: 'socket_in_use' });
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      void store.deleteIf(lockKey, owner).catch(() => false);
    };
    if (gone || closed) return release();
    const creds = await credentials(instanceId);
    if ('status' in creds) {
      release();
      return refuse(creds);
    }
    if (gone || closed) return release();

    sockets++;
    let counted = true;
    const uncount = () => {
      if (counted) sockets--;
      counted = false;
    };
    const clean = cleaner([creds.token]);
    const upstream = new WebSocket(upstreamUrl(creds.base, instanceId, 'scanqrcode', creds.token).replace(/^http/, 'ws'), {
      handshakeTimeout: limits.connectTimeoutMs,
      maxPayload: limits.maxUpstreamBytes,
      followRedirects: false,
      perMessageDeflate: false,
    });
    let client: WebSocket | undefined;
    /** Frames that arrived before the browser's socket was accepted (GREEN-API sends a QR code early). */
    const early: string[] = [];
    let lifetime: NodeJS.Timeout | undefined;
    let renewal: NodeJS.Timeout | undefined;
    let terminal: 'linked' | 'failed' | undefined;
    const closers = socketsByTicket.get(hash) ?? new Set();
    socketsByTicket.set(hash, closers);
    const stop = (code: number, reason: string) => {
      if (client && (client.readyState === WebSocket.OPEN || client.readyState === WebSocket.CONNECTING)) client.close(code, reason);
      if (upstream.readyState === WebSocket.OPEN) upstream.close(1000);
      else upstream.terminate();
      if (!client) refuse({ status: 503, reason: 'closing' });
    };
    const shutdown = () => stop(1001, 'server closing');
    live.add(shutdown);
    closers.add(stop);
    const cleanup = () => {
      clearTimeout(lifetime);
      clearInterval(renewal);
      live.delete(shutdown);
      closers.delete(stop);
      if (closers.size === 0) socketsByTicket.delete(hash);
      release();
      uncount();
    };
    abandon = () => {
      if (!client) {
        upstream.terminate();
        cleanup();
      }
    };

    const deliver = (json: string) => {
      if (!client || client.readyState !== WebSocket.OPEN) return;
      if (client.bufferedAmount > limits.maxBufferedBytes) {
        say(`${tag}: the browser does not read its socket (closed)`);
        client.close(1008, 'not reading');
        return;
      }
      client.send(json);
    };

    upstream.on('error', () => {
      if (!client) {
        say(`${tag}: GREEN-API's socket failed (502)`);
        refuse({ status: 502, reason: 'upstream' });
      }
    });
    upstream.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
      const frame = rebuildFrame(text, clean, accountFields);
      if (!frame) {
        say(`${tag}: dropped a malformed frame from GREEN-API`);
        return;
      }
      if (client) deliver(frame.json);
      else early.push(frame.json);
      if (frame.terminal && !terminal) {
        terminal = frame.terminal;
        if (frame.terminal === 'linked') {
          void confirmLinked(hash, record, creds, frame.wid).catch(() => say(`instance ${instanceId}: link confirmation failed`));
        } else {
          say(`${tag}: failed; ticket revoked`);
          void store.delete(ticketKey(hash)).catch(() => false);
        }
      }
    });
    upstream.on('close', (code: number, reason: Buffer) => {
      if (!client) {
        cleanup();
        refuse({ status: 502, reason: 'upstream' });
        return;
      }
      const mapped = mapCloseCode(code);
      say(`${tag}: GREEN-API closed (${code}${mapped !== code ? ` → ${mapped}` : ''})`);
      if (client.readyState === WebSocket.OPEN || client.readyState === WebSocket.CONNECTING) {
        client.close(mapped, Buffer.byteLength(reason) <= 123 ? reason.toString() : '');
      }
    });
    upstream.on('open', () => {
      if (gone || closed) {
        upstream.close(1001);
        cleanup();
        return;
      }
      answered = true;
      wss.handleUpgrade(req, socket, head, (ws) => {
        client = ws;
        say(`${tag}: connected`);
        for (const json of early.splice(0)) deliver(json);
        lifetime = setTimeout(() => {
          say(`${tag}: closed after ${limits.maxSocketMs} ms`);
          stop(1001, 'socket too long');
        }, limits.maxSocketMs);
        // Keep the one-socket lock while the socket lives, and notice a revocation on another process.
        renewal = setInterval(() => {
          void (async () => {
            const kept = await store.extendIf(lockKey, owner, limits.lockTtlMs);
            const alive = await store.get(ticketKey(hash));
            if (!kept || !alive) {
              say(`${tag}: ticket revoked or lock lost (closed)`);
              stop(1008, 'ticket revoked');
            }
          })().catch(() => {});
        }, Math.max(100, Math.floor(limits.lockTtlMs / 3)));
        let frames = 0;
        /** Stops reading from the browser at once (its close frame is on its way) and drops the connection soon. */
        const cutOff = () => {
          // After an oversized frame `ws` resumes the socket on the next tick to read on: pause after that.
          setImmediate(() => ws.pause());
          setTimeout(() => ws.terminate(), 1000).unref();
        };
        // A frame over maxClientFrameBytes: `ws` has sent 1009 and would read on until the browser answers.
        ws.on('error', () => {
          say(`${tag}: the browser sent a frame over ${limits.maxClientFrameBytes} bytes (closed)`);
          cutOff();
        });
        // Nothing from the browser is relayed: frames are dropped, and a browser that keeps sending is cut off.
        ws.on('message', () => {
          if (++frames === limits.maxClientFrames + 1) {
            say(`${tag}: the browser sent ${limits.maxClientFrames}+ frames (closed)`);
            ws.close(1008, 'frames are not accepted');
            cutOff();
          }
        });
        ws.on('close', () => {
          cleanup();
          if (upstream.readyState === WebSocket.OPEN) upstream.close(1000);
          else upstream.terminate();
        });
        if (upstream.readyState === WebSocket.CLOSED) ws.close(1011);
      });
    });
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const route = routeOf(req);
    if (!route) return false;
    socket.on('error', () => {});
    serveUpgrade(req, socket, head, route).catch(() => {
      say('scanqrcode failed inside the link server');
      socket.destroy();
    });
    return true;
  }

  return {
    issueTicket,
    renewTicket,
    revokeTicket,
    handleRequest,
    handleUpgrade,
    async close() {
      if (closed) return;
      closed = true;
      for (const stop of [...live]) stop();
      live.clear();
      agents.http.destroy();
      agents.https.destroy();
      await ownStore?.close?.();
    },
  };
}
