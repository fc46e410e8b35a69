/**
 * Browser side of the local GREEN-API stand-in (mock/server.mjs; node side: ./mock-plugin.mjs).
 * Each mock is a real server on 127.0.0.1 with its own port, started with fast test timings
 * (first QR after 50 ms, a new one every 300 ms, timeoutExpired after 3 s; Telegram/MAX codes every
 * 300 ms) unless overridden. GREEN-API's rate limits are always on (1 000-ms window unless
 * `rateWindowMs` is set).
 * Outcomes are driven through the mock's own HTTP control API (`POST /mock/{id}/…`, CORS enabled).
 * Mocks still running when a test file ends are stopped by a root `after` hook (and all of them
 * when the runner stops).
 */
import { command as run } from './command.js';

/** `startMockServer` options (see mock/server.mjs); `port`/`host`/`log` are fixed by the plugin. */
export interface MockOptions {
  /** A new QR code this often (ms). Test default 300. */
  qrIntervalMs?: number;
  /** timeoutExpired this long after the socket opened (ms). Test default 3000. */
  timeoutMs?: number;
  /** The first QR code this long after the socket opened (ms). Test default 50. */
  firstQrDelayMs?: number;
  /** getAuthorizationCode: the instance is linked this long after the code was requested (ms). */
  authCodeLinkMs?: number;
  /** After a scan, stateInstance is `starting` this long (ms). */
  startingMs?: number;
  /** Telegram/MAX: the HTTP QR method serves a new code this often (ms). Test default 300 (GREEN-API: 5 000). */
  qrRefreshMs?: number;
  /** Telegram: a StartAuthorization code lives this long, and no new one is sent before (ms). Default 300 000. */
  codeLifetimeMs?: number;
  /** Telegram/MAX: `pendingPassword` ends (reason `timeout`) after this (ms). Default 300 000. */
  passwordTimeoutMs?: number;
  /** Telegram/MAX: wrong passwords in a row before `rate_limit_exceeded`. Default 3. */
  passwordAttempts?: number;
  /** Telegram/MAX: how long `rate_limit_exceeded` lasts (ms). Default 60 000. */
  passwordLockMs?: number;
  /** The rate limiter's "second" (ms). Default 1 000, GREEN-API's. */
  rateWindowMs?: number;
  /** The server's fault profile (instances without their own). Default `happy`. */
  profile?: MockProfileName;
  /** Overrides the server profile's options, e.g. `{ delayMs: 500 }`. */
  profileOptions?: Record<string, unknown>;
  /** The messenger of instances not set otherwise. Default `whatsapp`. */
  messenger?: MockMessenger;
  /** Overrides the linked account's fields (`avatar`: the one GetWaSettings / GetAccountSettings tell). */
  account?: Partial<MockAccount & MockChatAccount>;
}

/** GREEN-API's `typeInstance`: `v3` is MAX. */
export type MockMessenger = 'whatsapp' | 'telegram' | 'v3';

/** The stand-in's fault profiles (mock/server.mjs `PROFILES`). */
export type MockProfileName =
  | 'happy'
  | 'slow-first-qr'
  | 'timeout-name'
  | 'unauthorized'
  | 'forbidden'
  | 'quota'
  | 'rate-limited'
  | 'starting-after-scan'
  | 'starting'
  | 'blocked'
  | 'null-state'
  | 'logout-process'
  | 'already-logged-after-scan'
  | 'auth-code-refused'
  | 'phone-string-refused'
  | 'qr-error'
  | 'silent-socket'
  | 'broken-png'
  | 'drop-mid-scan'
  | 'stuck-pending-password';

export interface MockAccount {
  wid: string;
  pushname: string;
  proxy: string;
  webhookUrl: string;
}

/** Telegram/MAX: the account as `GET /mock/{id}` shows it once linked. */
export interface MockChatAccount {
  phone: string;
  chatId: string;
  avatar: string;
}

/** What `GET /mock/{id}/stats` answers: requests per method, the highest rate seen, 429s. */
export interface MockStats {
  idInstance: string;
  messenger: MockMessenger;
  /** The limiter's window (ms): 1 000 unless `rateWindowMs` was set. */
  windowMs: number;
  /** 429 answers over all methods. */
  limited: number;
  methods: Record<string, { total: number; limited: number; maxPerSecond: number; limit: number }>;
}

/** What `GET /mock/{id}/auth-code` answers: the Telegram code "in the system chat". */
export interface MockAuthCode {
  code: string | null;
  phoneNumber: number | null;
  sentAt: number | null;
  expiresAt: number | null;
  codesSent: number;
}

/** What `GET /mock/{id}` answers. */
export interface MockState {
  idInstance: string;
  messenger: MockMessenger;
  authorized: boolean;
  stateInstance: string | null;
  account: MockAccount | MockChatAccount | null;
  liveSessions: number;
  qrCodesSent: number;
  refuseWebsocket: boolean;
  profile: MockProfileName;
  profileOptions: Record<string, unknown>;
  hasPassword: boolean;
  logoutProcess: boolean;
}

/** What the profile / messenger / password / state controls answer. */
interface Changed {
  ok: true;
  state: MockState;
}

/** What a control action answers. */
export interface MockActionResult {
  ok: true;
  action: string;
  /** How many live scanqrcode sockets the outcome reached. */
  delivered: number;
  state: MockState;
}

export interface Mock {
  /** `http://127.0.0.1:PORT` (no trailing slash), for `api-url`. */
  readonly url: string;
  /** The phone scanned the code: `accountData` on live sockets, then the instance is authorized. */
  scan(id: string): Promise<MockActionResult>;
  /** An `error` frame (with `message`, or the mock's default text) on live sockets. */
  error(id: string, message?: string): Promise<MockActionResult>;
  /** Authorizes the instance: live and later sockets get `alreadyLogged`. */
  alreadyLogged(id: string): Promise<MockActionResult>;
  /** `timeoutExpired` on live sockets now. */
  timeout(id: string): Promise<MockActionResult>;
  /** Kills live sockets without a close frame. */
  drop(id: string): Promise<MockActionResult>;
  /** The instance is notAuthorized again. */
  reset(id: string): Promise<MockActionResult>;
  /** `GET /mock/{id}`. */
  state(id: string): Promise<MockState>;
  /** `POST /mock/{id}/profile`: the instance's own fault profile (`null`: the server's again). */
  profile(id: string, name: MockProfileName | null, options?: Record<string, unknown>): Promise<Changed>;
  /** `POST /mock/profile`: the server's profile (instances without their own). */
  serverProfile(name: MockProfileName, options?: Record<string, unknown>): Promise<{ profile: string; options: Record<string, unknown> }>;
  /** `POST /mock/{id}/messenger`: the instance is a WhatsApp, Telegram or MAX (`v3`) one. */
  messenger(id: string, messenger: MockMessenger): Promise<Changed>;
  /** `POST /mock/{id}/password`: the Telegram/MAX account's cloud password (`null`: none). */
  password(id: string, password: string | null): Promise<Changed>;
  /** `POST /mock/{id}/state`: sets `stateInstance` as is (`null` too). */
  setState(id: string, stateInstance: string | null): Promise<Changed>;
  /** `GET /mock/{id}/auth-code`: the Telegram code StartAuthorization "sent to the system chat". */
  authCode(id: string): Promise<MockAuthCode>;
  /** `GET /mock/{id}/stats`. */
  stats(id: string): Promise<MockStats>;
  /** Stops the server and drops its connections. Idempotent. */
  stop(): Promise<void>;
}

/** The decoded QR code. */
export interface DecodedQr {
  text: string;
  version: number;
  width: number;
  height: number;
}

const command = <T>(name: string, payload: object) => run<T>(name, payload, { required: true });

// Root `after` hook, registered while the test file's module graph loads (before mocha runs).
if (typeof after === 'function') {
  after(() => command('mock-stop-all', {}));
}

async function request<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { cache: 'no-store', ...init });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status} ${body?.error ?? ''}`.trim());
  return body;
}

/** Starts a GREEN-API mock on 127.0.0.1 (random port). */
export async function startMock(options: MockOptions = {}): Promise<Mock> {
  const { url } = await command<{ url: string }>('mock-start', { options });
  const control = <T = MockActionResult>(id: string, action: string, body?: object) =>
    request<T>(`${url}/mock/${encodeURIComponent(id)}/${action}`, {
      method: 'POST',
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
  return {
    url,
    scan: (id) => control(id, 'scan'),
    error: (id, message) => control(id, 'error', message === undefined ? undefined : { message }),
    alreadyLogged: (id) => control(id, 'already-logged'),
    timeout: (id) => control(id, 'timeout'),
    drop: (id) => control(id, 'drop'),
    reset: (id) => control(id, 'reset'),
    state: (id) => request<MockState>(`${url}/mock/${encodeURIComponent(id)}`),
    profile: (id, name, options) => control<Changed>(id, 'profile', { name, options }),
    serverProfile: (name, options) =>
      request(`${url}/mock/profile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, options }),
      }),
    messenger: (id, messenger) => control<Changed>(id, 'messenger', { messenger }),
    password: (id, password) => control<Changed>(id, 'password', { password }),
    setState: (id, stateInstance) => control<Changed>(id, 'state', { stateInstance }),
    authCode: (id) => request<MockAuthCode>(`${url}/mock/${encodeURIComponent(id)}/auth-code`),
    stats: (id) => request<MockStats>(`${url}/mock/${encodeURIComponent(id)}/stats`),
    stop: async () => {
      await command('mock-stop', { url });
    },
  };
}

/** Decodes the QR code in a `data:image/png;base64,…` URL in Node (pngjs + jsQR); throws if there is none. */
export function decodeQr(dataUrl: string): Promise<DecodedQr> {
  return command<DecodedQr>('qr-decode', { dataUrl });
}

/** What `runMockCli` reports about one run of the stand-in's command line. */
export interface MockCliRun {
  /** Exit code (`null` when it was stopped by a signal). */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** stdout matched `until` (the process was then stopped). */
  matched: boolean;
  timedOut: boolean;
}

/**
 * Runs `node mock/server.mjs ARGS` (or `npm run mock -- ARGS` with `npm: true`; `script: 'demo'` for
 * `npm run demo`) in Node until it exits or its stdout matches `until`. `{busy}` in ARGS becomes a
 * port that is already taken. `env` may set PORT, MOCK_PORT, DEMO_PORT, MOCK_PROFILE, MOCK_MESSENGER.
 */
export function runMockCli(
  args: string[],
  options: { npm?: boolean; script?: 'mock' | 'demo'; env?: Record<string, string>; until?: string; timeoutMs?: number } = {},
): Promise<MockCliRun> {
  return command<MockCliRun>('mock-cli', { args, ...options });
}

/** How a websocket opened from Node fared (see `probeSocket`). */
export interface SocketProbe {
  /** The HTTP status of a refused upgrade. */
  status?: number;
  /** Its `Retry-After` header, if any. */
  retryAfter?: string;
  opened: boolean;
  /** Text frames received before the server closed the socket or the wait ended. */
  frames: string[];
  closeCode?: number;
}

/**
 * Opens a websocket to `url` from Node, where (unlike in a page) a refused handshake's status can be
 * read; collects frames for at most `waitMs`.
 */
export function probeSocket(url: string, waitMs = 1000): Promise<SocketProbe> {
  return command<SocketProbe>('mock-probe-socket', { url, waitMs });
}
