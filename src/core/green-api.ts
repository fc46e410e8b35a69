/**
 * GREEN-API's HTTP methods that linking needs: QR, Logout, GetStateInstance, GetAuthorizationCode
 * and GetWaSettings. DOM-free (only `fetch`, `AbortController` and timers).
 *
 * Every failure is a {@link GreenApiError}; its message names the method and the host's origin,
 * never the token or the full URL (which contains the token).
 */
import type { Endpoints } from './config.js';
import { cleanText, parseFrame, type ServerMessage } from './protocol.js';
import { answered, holdBack, retryAfterMs, takeSlot } from './rate-gate.js';

/**
 * `stateInstance` values GREEN-API documents (WhatsApp), plus `suspended`, `pendingCode` and
 * `pendingPassword` that its own clients know.
 */
export const STATE_INSTANCES = [
  'notAuthorized',
  'authorized',
  'blocked',
  'sleepMode',
  'starting',
  'yellowCard',
  'suspended',
  'pendingCode',
  'pendingPassword',
] as const;
export type StateInstance = (typeof STATE_INSTANCES)[number];

/** What the QR method answers. */
export type QrResult = Extract<ServerMessage, { type: 'qrCode' | 'alreadyLogged' | 'error' }>;

export interface LogoutResult {
  isLogout: boolean;
}

export interface AuthorizationCodeResult {
  /** `false` means "ask again". */
  status: boolean;
  /** The code to type in WhatsApp (e.g. `ABCD1234`), when `status` is `true`. */
  code?: string;
}

export interface WaSettings {
  /** The linked number, digits only (e.g. `79001234567`); absent when GREEN-API sends none. */
  phone?: string;
  /** The account's avatar URL (`http(s)://…`); absent when GREEN-API sends none (or something else). */
  avatar?: string;
  stateInstance?: StateInstance;
  /** GREEN-API is still cleaning up after a Logout: no new linking is possible yet. */
  logoutProcess?: boolean;
}

/** How a request failed. */
export type GreenApiErrorKind = 'network' | 'http' | 'invalidResponse' | 'aborted' | 'invalidArgument';

/** The only error the functions of this module throw. The message never contains the token or the URL. */
export class GreenApiError extends Error {
  readonly kind: GreenApiErrorKind;
  /** The HTTP status, for `kind: 'http'`. */
  readonly status?: number;
  /** What GREEN-API's answer said (its text, or a 466 body's description), without the token. */
  readonly description?: string;
  constructor(kind: GreenApiErrorKind, message: string, status?: number, description?: string) {
    super(message);
    this.name = 'GreenApiError';
    this.kind = kind;
    if (status !== undefined) this.status = status;
    if (description) this.description = description;
  }
}

/** How long the QR method may take by default (ms): GREEN-API answers can take up to a minute. */
export const QR_TIMEOUT_MS = 60_000;

/** How long one request may take by default (ms). */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Longest response body read (characters). */
const MAX_BODY_LENGTH = 4_000_000;

/** The GREEN-API methods the core calls (Telegram/MAX ones in `chat-api.ts`). */
export type Method =
  | 'qr'
  | 'logout'
  | 'getStateInstance'
  | 'getAuthorizationCode'
  | 'getWaSettings'
  | 'getSettings'
  | 'getAccountSettings'
  | 'startAuthorization'
  | 'sendAuthorizationCode'
  | 'sendAuthorizationPassword';

/** One request's options: a POST body, the run's signal, a timeout, and the rate-gate slot when it is not the method's own (MAX's `qr`). */
export interface RequestOptions {
  post?: unknown;
  signal?: AbortSignal;
  timeoutMs?: number;
  slot?: string;
  /** A 429 is not waited out but thrown (its `Retry-After` still holds the method back). */
  impatient?: boolean;
}
/** Longest error body read for its description (characters). */
const MAX_ERROR_BODY = 4_000;
/** 429 answers in a row a request waits out before it gives up (with that 429). */
const MAX_RATE_LIMITED = 5;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const own = (o: Record<string, unknown>, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;

export const isStateInstance = (v: unknown): v is StateInstance =>
  typeof v === 'string' && (STATE_INSTANCES as readonly string[]).includes(v);

/**
 * Combines the caller's signal with a timeout. `timedOut()` tells a timeout from the caller's abort.
 */
function withTimeout(signal: AbortSignal | undefined, timeoutMs: number) {
  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  const timeout = (AbortSignal as { timeout?: (ms: number) => AbortSignal }).timeout;
  if (typeof any === 'function' && typeof timeout === 'function') {
    const timer = timeout.call(AbortSignal, timeoutMs);
    return {
      signal: signal ? any.call(AbortSignal, [signal, timer]) : timer,
      timedOut: () => timer.aborted && !signal?.aborted,
      dispose: () => {},
    };
  }
  const controller = new AbortController();
  let expired = false;
  const onAbort = () => controller.abort();
  const id = setTimeout(() => {
    expired = true;
    controller.abort();
  }, timeoutMs);
  if (signal?.aborted) controller.abort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired && !signal?.aborted,
    dispose: () => {
      clearTimeout(id);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Sends one request within GREEN-API's rate limits and returns the body text. A 429 is waited out
 * (its `Retry-After` honoured) and sent again; any other failure is a {@link GreenApiError}.
 */
export async function request(endpoints: Endpoints, method: Method, init: RequestOptions): Promise<string> {
  const slot = init.slot ?? method;
  for (let limited = 0; ; limited++) {
    await takeSlot(endpoints.httpBase, slot, init.signal);
    if (init.signal?.aborted) throw new GreenApiError('aborted', `${method}: aborted`);
    try {
      return await send(endpoints, method, init);
    } catch (error) {
      if (!(error instanceof RateLimited)) throw error;
      holdBack(endpoints.httpBase, slot, Date.now() + error.waitMs);
      if (init.impatient || limited + 1 >= MAX_RATE_LIMITED) throw error.error;
    } finally {
      // The next request of this method leaves at least a slot after this answer: one sent on time can
      // still arrive early at GREEN-API when this one was held up on the way.
      answered(endpoints.httpBase, slot);
    }
  }
}

/** A 429, to be waited out. */
class RateLimited extends Error {
  constructor(
    readonly waitMs: number,
    readonly error: GreenApiError,
  ) {
    super(error.message);
  }
}

async function send(endpoints: Endpoints, method: Method, init: RequestOptions): Promise<string> {
  const { origin } = endpoints;
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const guard = withTimeout(init.signal, timeoutMs);
  const failed = (): GreenApiError =>
    init.signal?.aborted
      ? new GreenApiError('aborted', `${method}: aborted`)
      : guard.timedOut()
        ? new GreenApiError('network', `${method}: no answer from ${origin} within ${duration(timeoutMs)}`)
        : new GreenApiError('network', `${method}: could not reach ${origin}`);
  try {
    let response: Response;
    try {
      response = await fetch(methodUrl(endpoints, method), fetchInit(endpoints, init.post, guard.signal));
    } catch {
      // The browser's own message may name the URL: never pass it on.
      throw failed();
    }
    if (!response.ok) throw await httpError(endpoints, method, response);
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw failed();
    }
    if (text.length > MAX_BODY_LENGTH) throw invalid(method, origin);
    return text;
  } finally {
    guard.dispose();
  }
}

/** `{httpBase}/{method}/{token}`; with a ticket, `{httpBase}/{method}` (the ticket goes in a header). */
const methodUrl = (endpoints: Endpoints, method: Method) =>
  endpoints.ticket ? `${endpoints.httpBase}/${method}` : `${endpoints.httpBase}/${method}/${endpoints.tokenSegment}`;

function fetchInit(endpoints: Endpoints, post: unknown, signal: AbortSignal): RequestInit {
  const headers: Record<string, string> = endpoints.ticket ? { authorization: `Bearer ${endpoints.ticket}` } : {};
  if (post === undefined) return { method: 'GET', cache: 'no-store', credentials: 'omit', headers, signal };
  headers['content-type'] = 'application/json';
  return { method: 'POST', cache: 'no-store', credentials: 'omit', headers, body: JSON.stringify(post), signal };
}

/** An answer that is not 2xx: its status and what its body says (a 466 body's description), without the token. */
async function httpError(endpoints: Endpoints, method: Method, response: Response): Promise<GreenApiError | RateLimited> {
  let text = '';
  try {
    text = (await response.text()).slice(0, MAX_ERROR_BODY);
  } catch {
    // No body to read.
  }
  const description = describeBody(text, endpoints);
  const status = response.status;
  const error = new GreenApiError('http', `${method} failed: HTTP ${status}${description ? ` (${description})` : ''}`, status, description);
  return status === 429 ? new RateLimited(retryAfterMs(response.headers.get('retry-after')), error) : error;
}

/** The text of an error body: a 466's `invokeStatus`/`correspondentsStatus` description, a JSON `message`, or plain text. */
function describeBody(text: string, endpoints: Endpoints): string {
  let described: unknown = text;
  try {
    const body: unknown = JSON.parse(text);
    if (isPlainObject(body)) {
      const quota = [own(body, 'correspondentsStatus'), own(body, 'invokeStatus')].find((q) => isPlainObject(q) && typeof q.description === 'string');
      described = isPlainObject(quota) ? quota.description : (own(body, 'message') ?? own(body, 'error') ?? '');
    }
  } catch {
    // Plain text.
  }
  // An answer that echoes the address (or the ticket) must not carry the secret on.
  const secrets = [endpoints.tokenSegment, decodeURIComponent(endpoints.tokenSegment), endpoints.ticket ?? ''].filter(Boolean);
  const scrubbed = typeof described === 'string' ? secrets.reduce((t, secret) => t.split(secret).join('…'), described) : '';
  return cleanText(scrubbed).slice(0, 300);
}

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

export const invalid = (method: Method, origin: string) =>
  new GreenApiError('invalidResponse', `${method}: unexpected response from ${origin}`);

export async function requestJson(endpoints: Endpoints, method: Method, init: RequestOptions): Promise<Record<string, unknown>>;
export async function requestJson(endpoints: Endpoints, method: Method, init: RequestOptions & { nullable: true }): Promise<Record<string, unknown> | null>;
export async function requestJson(endpoints: Endpoints, method: Method, init: RequestOptions & { nullable?: boolean }): Promise<Record<string, unknown> | null> {
  const text = await request(endpoints, method, init);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid(method, endpoints.origin);
  }
  if (body === null && init.nullable) return null;
  if (!isPlainObject(body)) throw invalid(method, endpoints.origin);
  return body;
}

/**
 * GET `{httpBase}/qr/{token}`: the current QR code (`qrCode`, with a data URL ready for `<img src>`),
 * `alreadyLogged`, or `error`. Poll it about once a second.
 */
export async function getQr(endpoints: Endpoints, signal?: AbortSignal, timeoutMs = QR_TIMEOUT_MS): Promise<QrResult> {
  const text = await request(endpoints, 'qr', { signal, timeoutMs });
  const parsed = parseFrame(text);
  if (!parsed.ok) throw invalid('qr', endpoints.origin);
  const { message } = parsed;
  if (message.type !== 'qrCode' && message.type !== 'alreadyLogged' && message.type !== 'error') {
    throw invalid('qr', endpoints.origin);
  }
  return message;
}

/** GET `{httpBase}/logout/{token}`: logs the instance out. */
export async function logout(endpoints: Endpoints, signal?: AbortSignal, timeoutMs?: number): Promise<LogoutResult> {
  // Through green-qr-scan/server Logout is a POST (a state change a form or a link cannot make).
  const body = await requestJson(endpoints, 'logout', { signal, timeoutMs, post: endpoints.ticket ? {} : undefined });
  const isLogout = own(body, 'isLogout');
  if (typeof isLogout !== 'boolean') throw invalid('logout', endpoints.origin);
  return { isLogout };
}

/**
 * GET `{httpBase}/getStateInstance/{token}`: the instance's state, or `null` while a new instance
 * is being created. `impatient`: a 429 is thrown at once (status 429) instead of waited out.
 */
export async function getStateInstance(
  endpoints: Endpoints,
  signal?: AbortSignal,
  timeoutMs?: number,
  impatient = false,
): Promise<StateInstance | null> {
  const body = await requestJson(endpoints, 'getStateInstance', { signal, timeoutMs, impatient, nullable: true });
  // A new instance answers a literal `null` while it is being created.
  if (body === null) return null;
  const state = own(body, 'stateInstance');
  if (state === null) return null;
  if (!isStateInstance(state)) throw invalid('getStateInstance', endpoints.origin);
  return state;
}

/**
 * POST `{httpBase}/getAuthorizationCode/{token}` with `{"phoneNumber": <number>}`: a code to link
 * by phone number instead of a QR code. `phoneNumber` is the international number as digits
 * (see {@link normalizePhoneNumber}); anything else is refused with kind `invalidArgument`.
 */
export async function getAuthorizationCode(
  endpoints: Endpoints,
  phoneNumber: string,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<AuthorizationCodeResult> {
  if (typeof phoneNumber !== 'string' || !PHONE_DIGITS.test(phoneNumber)) {
    throw new GreenApiError('invalidArgument', 'getAuthorizationCode: phoneNumber must be 10 to 15 digits with the country code');
  }
  const body = await requestJson(endpoints, 'getAuthorizationCode', {
    post: { phoneNumber: Number(phoneNumber) },
    signal,
    timeoutMs,
  });
  const status = own(body, 'status');
  const rawCode = own(body, 'code');
  if (typeof status !== 'boolean') throw invalid('getAuthorizationCode', endpoints.origin);
  if (rawCode !== undefined && rawCode !== null && typeof rawCode !== 'string') {
    throw invalid('getAuthorizationCode', endpoints.origin);
  }
  const code = cleanText(rawCode);
  if (status && !AUTH_CODE.test(code)) throw invalid('getAuthorizationCode', endpoints.origin);
  return status ? { status, code } : code ? { status, code } : { status };
}

/** GET `{httpBase}/getWaSettings/{token}`: the linked number (`phone`), the avatar and the state. */
export async function getWaSettings(endpoints: Endpoints, signal?: AbortSignal, timeoutMs?: number): Promise<WaSettings> {
  const body = await requestJson(endpoints, 'getWaSettings', { signal, timeoutMs });
  const result: WaSettings = {};
  const phone = own(body, 'phone');
  if (phone !== undefined && phone !== null) {
    const digits = typeof phone === 'number' && Number.isSafeInteger(phone) && phone > 0 ? String(phone) : phone;
    if (typeof digits !== 'string' || !/^\d{0,15}$/.test(digits.trim())) throw invalid('getWaSettings', endpoints.origin);
    if (digits.trim()) result.phone = digits.trim();
  }
  // Only a whole web address (printable ASCII, not cut short) is kept as the avatar; anything else is left out.
  const avatar = own(body, 'avatar');
  if (typeof avatar === 'string' && avatar.length <= 2_048 && /^https?:\/\/[\x21-\x7e]+$/i.test(avatar.trim())) result.avatar = avatar.trim();
  const state = own(body, 'stateInstance');
  if (state !== undefined && state !== null) {
    if (!isStateInstance(state)) throw invalid('getWaSettings', endpoints.origin);
    result.stateInstance = state;
  }
  if (own(body, 'logoutProcess') === true) result.logoutProcess = true;
  return result;
}

const PHONE_DIGITS = /^[1-9]\d{9,14}$/;
/** An authorization code: letters and digits, possibly grouped with dashes. */
const AUTH_CODE = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

export type PhoneNumberResult = { ok: true; digits: string } | { ok: false; message: string };

/**
 * A phone number as people type it → the digits GREEN-API wants. Spaces, dashes and parentheses
 * are stripped, then a leading `+` or `00`; the rest must be 10 to 15 digits starting with the
 * country code (not 0). Anything else (letters, dots, a `+` elsewhere) is refused.
 *
 * `+7 (900) 123-45-67` → `79001234567`; `0079001234567` → `79001234567`.
 */
export function normalizePhoneNumber(input: string): PhoneNumberResult {
  const raw = typeof input === 'string' ? input : '';
  // Spaces (also non-breaking ones), dashes (ASCII and Unicode) and parentheses.
  let rest = raw.replace(/[\s\u00A0\u2000-\u200B\u202F\u205F\u3000\-\u2010-\u2015\u2212()]/g, '');
  if (!rest) return { ok: false, message: 'phone number is missing' };
  if (rest.startsWith('+')) rest = rest.slice(1);
  else if (rest.startsWith('00')) rest = rest.slice(2);
  if (!/^\d*$/.test(rest)) {
    return { ok: false, message: 'phone number may contain only digits, spaces, dashes, parentheses and a leading +' };
  }
  if (rest.length < 10 || rest.length > 15) {
    return { ok: false, message: 'phone number must have 10 to 15 digits, country code included' };
  }
  if (rest.startsWith('0')) return { ok: false, message: 'phone number must start with the country code' };
  return { ok: true, digits: rest };
}

/** `ABCD1234` → `ABCD-1234`; other lengths in groups of 4 (`ABCDEFGHIJ` → `ABCD-EFGH-IJ`). */
export function formatAuthCode(code: string): string {
  const compact = (typeof code === 'string' ? code : '').replace(/[\s-]/g, '');
  return compact.match(/.{1,4}/gu)?.join('-') ?? '';
}
