/**
 * Credentials and host → the addresses the element talks to. Pure: error messages name what is
 * wrong and never contain the token.
 */

/** The host used when `api-url` is not set. */
export const DEFAULT_API_URL = 'https://api.green-api.com';

/** What the element needs to reach one instance. */
export interface ScanConfig {
  /** The instance's numeric id (`idInstance`). */
  instanceId: string;
  /** The instance's API token (`apiTokenInstance`). A secret. */
  token: string;
  /** The API host: `https://host`, `host`, or `wss://host` (plain `http://`/`ws://` on loopback only). */
  apiUrl?: string;
}

/** Validated addresses. They contain the token: never log them. */
export interface Endpoints {
  /** `wss://host/waInstance{id}/scanqrcode/{token}`. */
  socketUrl: string;
  /** `https://host/waInstance{id}`: append `/{method}/{token}` for HTTP methods. */
  httpBase: string;
  /** The token as one percent-encoded path segment. */
  tokenSegment: string;
  /** The host's origin without credentials, safe to show (e.g. `https://api.green-api.com`). */
  origin: string;
}

/** The setting a configuration problem is about. */
export type ConfigField = 'instance-id' | 'token' | 'api-url';

export type ConfigResult = { ok: true; endpoints: Endpoints } | { ok: false; field: ConfigField; message: string };

const INSTANCE_ID = /^\d{1,10}$/;
// No whitespace, control characters or lone surrogates; the format itself is not documented.
const TOKEN = /^(?:[^\s\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])+$/;
const MAX_TOKEN_LENGTH = 512;

/** `true` for 127.0.0.0/8, `localhost`, `*.localhost` and `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/**
 * Normalises `api-url` to an `http(s)://host[:port][/prefix]` base, or an error message.
 * `wss://` maps to `https://`, `ws://` to `http://`, a bare host gets `https://`.
 */
export function normalizeApiUrl(apiUrl: string | undefined): { ok: true; base: URL } | { ok: false; field: 'api-url'; message: string } {
  const raw = (apiUrl ?? '').trim() || DEFAULT_API_URL;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, field: 'api-url', message: 'api-url is not a valid URL' };
  }
  const scheme = url.protocol;
  if (!['https:', 'wss:', 'http:', 'ws:'].includes(scheme)) {
    return { ok: false, field: 'api-url', message: `api-url must use https:// or wss:// (got ${scheme})` };
  }
  if (url.username || url.password) return { ok: false, field: 'api-url', message: 'api-url must not contain credentials' };
  if (url.search || url.hash || /[?#]/.test(raw)) {
    return { ok: false, field: 'api-url', message: 'api-url must not contain a query or a fragment' };
  }
  if (!url.hostname) return { ok: false, field: 'api-url', message: 'api-url has no host' };
  const plain = scheme === 'http:' || scheme === 'ws:';
  if (plain && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      field: 'api-url',
      message: `api-url must use https:// or wss://: plain ${scheme}// is allowed only for loopback hosts (127.0.0.1, localhost)`,
    };
  }
  const prefix = url.pathname.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  const base = new URL(`${plain ? 'http:' : 'https:'}//${url.host}${prefix}`);
  return { ok: true, base };
}

/**
 * The instance-id rule: what is wrong with `instanceId`, or `undefined` when it is a valid
 * `idInstance`. One source for the element, the session and the server module.
 */
export function instanceIdProblem(instanceId: string): string | undefined {
  if (!instanceId) return 'instance-id is missing';
  if (!INSTANCE_ID.test(instanceId)) return 'instance-id must be the numeric idInstance (1 to 10 digits)';
  return undefined;
}

/**
 * The token rule: what is wrong with `token` as an API token, or `undefined` when it may be put into
 * an address as one path segment. The message never contains the token.
 */
export function tokenProblem(token: string): string | undefined {
  if (!token) return 'token is missing';
  if (token.length > MAX_TOKEN_LENGTH) return `token is longer than ${MAX_TOKEN_LENGTH} characters`;
  if (!TOKEN.test(token)) return 'token must not contain spaces, control characters or broken Unicode';
  // "." and ".." (even percent-encoded) are dot segments that would change the path.
  if (/^\.{1,2}$/.test(token)) return 'token is not a valid API token';
  return undefined;
}

/** Validates the configuration and builds the addresses, or says what is wrong. */
export function resolveConfig(config: ScanConfig): ConfigResult {
  const instanceId = (config.instanceId ?? '').trim();
  const idProblem = instanceIdProblem(instanceId);
  if (idProblem) return { ok: false, field: 'instance-id', message: idProblem };
  const token = config.token ?? '';
  const problem = tokenProblem(token);
  if (problem) return { ok: false, field: 'token', message: problem };
  const api = normalizeApiUrl(config.apiUrl);
  if (!api.ok) return api;
  const { base } = api;
  const path = `${base.pathname.replace(/\/+$/, '')}/waInstance${instanceId}`;
  const tokenSegment = encodeURIComponent(token);
  const socketScheme = base.protocol === 'http:' ? 'ws:' : 'wss:';
  return {
    ok: true,
    endpoints: {
      socketUrl: `${socketScheme}//${base.host}${path}/scanqrcode/${tokenSegment}`,
      httpBase: `${base.protocol}//${base.host}${path}`,
      tokenSegment,
      origin: base.origin,
    },
  };
}
