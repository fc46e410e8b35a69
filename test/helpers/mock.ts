/**
 * Browser side of the local GREEN-API stand-in (mock/server.mjs; node side: ./mock-plugin.mjs).
 * Each mock is a real server on 127.0.0.1 with its own port, started with fast test timings
 * (first QR after 50 ms, a new one every 300 ms, timeoutExpired after 3 s) unless overridden.
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
  /** Overrides the linked account's fields. */
  account?: Partial<MockAccount>;
}

export interface MockAccount {
  wid: string;
  pushname: string;
  proxy: string;
  webhookUrl: string;
}

/** What `GET /mock/{id}` answers. */
export interface MockState {
  idInstance: string;
  authorized: boolean;
  stateInstance: 'notAuthorized' | 'authorized' | 'starting';
  account: MockAccount | null;
  liveSessions: number;
  qrCodesSent: number;
  refuseWebsocket: boolean;
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
  const control = (id: string, action: string, body?: object) =>
    request<MockActionResult>(`${url}/mock/${encodeURIComponent(id)}/${action}`, {
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
    stop: async () => {
      await command('mock-stop', { url });
    },
  };
}

/** Decodes the QR code in a `data:image/png;base64,…` URL in Node (pngjs + jsQR); throws if there is none. */
export function decodeQr(dataUrl: string): Promise<DecodedQr> {
  return command<DecodedQr>('qr-decode', { dataUrl });
}
