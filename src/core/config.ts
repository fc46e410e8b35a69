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
  /** The instance's API token (`apiTokenInstance`). A secret. Not needed with a `ticket`. */
  token?: string;
  /**
   * A short-lived link ticket from your backend (`green-qr-scan/server`), used instead of the token:
   * `apiUrl` then points at your backend. It travels only in a header and the websocket's
   * subprotocol list, never in an address.
   */
  ticket?: string;
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
  /** Ticket mode: the ticket, sent as `Authorization: Bearer …` (addresses then carry no token segment). */
  ticket?: string;
  /** Ticket mode: the websocket's subprotocols (`green-qr-scan.v1`, `ticket.…`). */
  protocols?: string[];
}

/** The setting a configuration problem is about. */
export type ConfigField = 'instance-id' | 'token' | 'ticket' | 'api-url';

/** A configuration problem: `missing` when the value is not set yet (a page still setting up), else present and wrong. */
export interface ConfigProblem {
  ok: false;
  field: ConfigField;
  /** English, for developers; never contains the token. */
  message: string;
  /** The field is empty: wait for it rather than fail. */
  missing: boolean;
}

export type ConfigResult = { ok: true; endpoints: Endpoints } | ConfigProblem;

const problem = (field: ConfigField, message: string, missing = false): ConfigProblem => ({ ok: false, field, message, missing });

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
export function normalizeApiUrl(apiUrl: string | undefined): { ok: true; base: URL } | ConfigProblem {
  const raw = (apiUrl ?? '').trim() || DEFAULT_API_URL;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return problem('api-url', 'api-url is not a valid URL');
  }
  const scheme = url.protocol;
  if (!['https:', 'wss:', 'http:', 'ws:'].includes(scheme)) {
    return problem('api-url', `api-url must use https:// or wss:// (got ${scheme})`);
  }
  if (url.username || url.password) return problem('api-url', 'api-url must not contain credentials');
  if (url.search || url.hash || /[?#]/.test(raw)) {
    return problem('api-url', 'api-url must not contain a query or a fragment');
  }
  if (!url.hostname) return problem('api-url', 'api-url has no host');
  const plain = scheme === 'http:' || scheme === 'ws:';
  if (plain && !isLoopbackHost(url.hostname)) {
    return problem('api-url', `api-url must use https:// or wss://: plain ${scheme}// is allowed only for loopback hosts (127.0.0.1, localhost)`);
  }
  const prefix = url.pathname.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  const base = new URL(`${plain ? 'http:' : 'https:'}//${url.host}${prefix}`);
  return { ok: true, base };
}

/**
 * The instance-id rule: `idInstance` is digits, 1 to 12 of them (WhatsApp's are up to 10 digits,
 * Telegram's up to 12 have been seen: see ../shared/reference/telegram-max.md).
 */
export const INSTANCE_ID = /^\d{1,12}$/;

/** Checks one credential; `undefined` when it is fine. Present-but-wrong values are never `missing`. */
export function checkInstanceId(value: string | undefined): ConfigProblem | undefined {
  const id = (value ?? '').trim();
  if (!id) return problem('instance-id', 'instance-id is missing', true);
  if (!INSTANCE_ID.test(id)) return problem('instance-id', 'instance-id must be the numeric idInstance (1 to 12 digits)');
  return undefined;
}

/** The token rule (also for anything used in the token's place): no whitespace, control characters or broken Unicode, at most 512 characters. */
export function checkToken(value: string | undefined): ConfigProblem | undefined {
  const token = value ?? '';
  if (!token) return problem('token', 'token is missing', true);
  if (token.length > MAX_TOKEN_LENGTH) return problem('token', `token is longer than ${MAX_TOKEN_LENGTH} characters`);
  if (!TOKEN.test(token)) return problem('token', 'token must not contain spaces, control characters or broken Unicode');
  // "." and ".." (even percent-encoded) are dot segments that would change the path.
  if (/^\.{1,2}$/.test(token)) return problem('token', 'token is not a valid API token');
  return undefined;
}

/** A link ticket: base64url characters and dots (valid in a websocket subprotocol), 16 to 512 of them. */
const TICKET = /^[A-Za-z0-9._-]{16,512}$/;

/** Checks a link ticket; `undefined` when it is fine. */
export function checkTicket(value: string | undefined): ConfigProblem | undefined {
  if (!value) return problem('ticket', 'ticket is missing', true);
  if (!TICKET.test(value)) return problem('ticket', 'ticket must be 16 to 512 letters, digits, dots, dashes or underscores');
  return undefined;
}

/** The instance-id rule as a message (or `undefined`): for the server module. */
export const instanceIdProblem = (instanceId: string): string | undefined => checkInstanceId(instanceId)?.message;

/** The token rule as a message (or `undefined`); the message never contains the token. For the server module. */
export const tokenProblem = (token: string): string | undefined => checkToken(token)?.message;

/**
 * Validates the configuration and builds the addresses, or says what is wrong. A value that is
 * present and wrong wins over one that is still missing, so a page that sets the token a moment
 * later waits (`missing`) while a wrong instance id is reported at once.
 */
export function resolveConfig(config: ScanConfig): ConfigResult {
  const ticket = config.ticket ?? '';
  // A ticket replaces the token; without either, the page is still setting up (the token is missing).
  const secret = ticket ? checkTicket(ticket) : checkToken(config.token);
  const problems = [checkInstanceId(config.instanceId), secret].filter((p) => p !== undefined);
  const wrong = problems.find((p) => !p.missing);
  if (wrong) return wrong;
  const api = normalizeApiUrl(config.apiUrl);
  if (!api.ok) return api;
  if (problems.length) return problems[0];
  const instanceId = (config.instanceId ?? '').trim();
  const { base } = api;
  const path = `${base.pathname.replace(/\/+$/, '')}/waInstance${instanceId}`;
  const socketScheme = base.protocol === 'http:' ? 'ws:' : 'wss:';
  const httpBase = `${base.protocol}//${base.host}${path}`;
  if (ticket) {
    return {
      ok: true,
      endpoints: {
        socketUrl: `${socketScheme}//${base.host}${path}/scanqrcode`,
        httpBase,
        tokenSegment: '',
        origin: base.origin,
        ticket,
        protocols: ['green-qr-scan.v1', `ticket.${ticket}`],
      },
    };
  }
  const tokenSegment = encodeURIComponent(config.token ?? '');
  return {
    ok: true,
    endpoints: { socketUrl: `${socketScheme}//${base.host}${path}/scanqrcode/${tokenSegment}`, httpBase, tokenSegment, origin: base.origin },
  };
}
