/**
 * Browser side of the token-free deployment chain (node side: ./proxy-plugin.mjs):
 * browser → proxy/green-api-proxy.mjs → recording tap → mock/server.mjs. The instance's real token
 * lives only in Node; the browser gets session tokens and can ask Node whether a text contains the
 * real token without ever learning it. Chains still running when a test file ends are stopped by a
 * root `after` hook (and all of them when the runner stops).
 */
import { command as run } from './command.js';

export interface ProxyStartOptions {
  /** Session token → the instance id it may use. Any other token is refused (401). */
  sessions: Record<string, string>;
  /** Cross-origin pages the proxy serves (the test page's `location.origin`). Default none. */
  allowedOrigins?: string[];
  /** `startMockServer` options for the stand-in behind the proxy. */
  mock?: { firstQrDelayMs?: number; qrIntervalMs?: number; timeoutMs?: number; authCodeLinkMs?: number };
}

export interface ProxyLog {
  /** Requests as the upstream (the stand-in) saw them; the real token is masked as `<real-token>`. */
  upstream: { kind: 'http' | 'upgrade'; method: string; path: string; forwarded: string[] }[];
  /** Every upstream request carried the real token (percent-encoded) as its token segment. */
  usedRealToken: boolean;
  /** What the browser asked the proxy for (method `UPGRADE` for websockets), path and query as sent. */
  browser: { method: string; path: string }[];
  /** The real token in any path or header the browser sent. */
  realTokenInBrowserRequests: boolean;
  /** The proxy's log lines. */
  log: string[];
  realTokenInLog: boolean;
  sessionTokenInLog: boolean;
  /** Each `authorize` call: the instance, the GREEN-API method, and whether the session was known. */
  authorized: { instanceId: string; method: string; known: boolean }[];
}

export interface ProbeReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  realTokenInReply: boolean;
}

export interface SocketProbe {
  /** The HTTP status of a refused handshake. */
  status?: number;
  opened: boolean;
  frames: number;
  closeCode?: number;
}

const command = <T>(name: string, payload: object) => run<T>(name, payload, { required: true });

if (typeof after === 'function') {
  after(() => command('proxy-stop-all', {}));
}

export interface ProxyChain {
  /** The proxy's base URL, for `api-url`. */
  readonly url: string;
  log(): Promise<ProxyLog>;
  /** A control action on the stand-in, run from Node (the browser never talks to it). */
  mock(action: 'scan' | 'error' | 'alreadyLogged' | 'timeout' | 'drop' | 'reset', id: string): Promise<{ delivered: number }>;
  /**
   * Indices of the texts that contain the real token (raw, percent-encoded or base64) and of those
   * that contain a session token (the chain's, plus `alsoSession`).
   */
  findSecret(texts: string[], alsoSession?: string[]): Promise<{ realToken: number[]; sessionToken: number[] }>;
  /** A raw request to the proxy from Node (any Origin, any method). */
  request(init: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<ProbeReply>;
  /** A websocket to the proxy from Node. */
  socket(init: { path: string; origin?: string; closeAfterMs?: number }): Promise<SocketProbe>;
  stop(): Promise<void>;
}

export async function startProxyChain(options: ProxyStartOptions): Promise<ProxyChain> {
  const { url } = await command<{ url: string }>('proxy-start', options);
  return {
    url,
    log: () => command<ProxyLog>('proxy-log', { url }),
    mock: (action, id) => command('proxy-mock', { url, action, id }),
    findSecret: (texts, alsoSession = []) => command('proxy-find-secret', { url, texts, alsoSession }),
    request: (init) => command('proxy-request', { url, ...init }),
    socket: (init) => command('proxy-socket', { url, ...init }),
    stop: async () => {
      await command('proxy-stop', { url });
    },
  };
}
