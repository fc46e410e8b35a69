/**
 * What the link server forwards: each GREEN-API method the element may need, the scope a ticket
 * must have for it, the verb the browser uses and the one GREEN-API wants, how the browser's body
 * is rebuilt for GREEN-API and how GREEN-API's answer is rebuilt for the browser. Nothing is piped:
 * a field that is not named here never crosses the server, in either direction.
 */
import { cleanText, parseFrame, qrImageFromPayload } from '../core/protocol.js';

/**
 * What a ticket allows.
 * - `qr`: link by QR code: the `scanqrcode` socket, `qr`, `getStateInstance`, `getWaSettings`,
 *   `getSettings`, `getAccountSettings`, and `sendAuthorizationPassword` (the two-factor password
 *   that Telegram and MAX ask for after a QR scan).
 * - `phone`: link by phone number: `getAuthorizationCode` (WhatsApp), `startAuthorization` and
 *   `sendAuthorizationCode` (Telegram).
 * - `logout`: `logout`.
 */
export type Scope = 'qr' | 'phone' | 'logout';
export const SCOPES: readonly Scope[] = ['qr', 'phone', 'logout'];

/** The GREEN-API methods the link server forwards over HTTP. */
export type HttpMethodName =
  | 'qr'
  | 'getStateInstance'
  | 'getWaSettings'
  | 'getSettings'
  | 'getAccountSettings'
  | 'sendAuthorizationPassword'
  | 'getAuthorizationCode'
  | 'startAuthorization'
  | 'sendAuthorizationCode'
  | 'logout';

type Json = Record<string, unknown>;

/** What a rebuilt answer tells the server about the instance. */
export type AnswerSignal = 'linked' | undefined;

export interface MethodSpec {
  scope: Scope;
  /** The verb the browser must use. */
  verb: 'GET' | 'POST';
  /** The verb GREEN-API documents. */
  upstreamVerb: 'GET' | 'POST';
  /** Still allowed for a short while after the link was confirmed (the element reads the account). */
  afterLink: boolean;
  /** The browser's JSON body → the body sent to GREEN-API, or `undefined` when it is not acceptable. */
  body?: (input: Json) => Json | undefined;
  /** GREEN-API's JSON answer → the answer for the browser, or `undefined` when it is malformed. */
  answer: (input: Json, clean: (text: unknown) => string) => Json | undefined;
  /** Whether a rebuilt answer shows that the instance is linked. */
  signal?: (answer: Json) => AnswerSignal;
}

const own = (o: Json, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
/** A state or type name as GREEN-API spells them (`authorized`, `pending_password`, `qrCode`). */
const name = (v: unknown): string | undefined => (typeof v === 'string' && NAME.test(v) ? v : undefined);
const PHONE = /^[1-9]\d{6,14}$/;

/** Digits of a phone number given as a JSON number or a digit string, or `undefined`. */
function phoneDigits(v: unknown): string | undefined {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
  return PHONE.test(s) ? s : undefined;
}

/** Copies the string fields `keys` of `input` that are strings (or safe integers), cleaned. */
function pick(input: Json, keys: string[], clean: (text: unknown) => string): Json {
  const out: Json = {};
  for (const key of keys) {
    const v = own(input, key);
    if (typeof v === 'string') out[key] = clean(v);
    else if (typeof v === 'number' && Number.isSafeInteger(v)) out[key] = clean(String(v));
  }
  return out;
}

/** `{stateInstance}` when present: a name, or `null` (GREEN-API's "being created"). */
function withState(out: Json, input: Json): Json | undefined {
  const state = own(input, 'stateInstance');
  if (state === undefined) return out;
  if (state === null) return { ...out, stateInstance: null };
  const n = name(state);
  return n ? { ...out, stateInstance: n } : undefined;
}

/** `{status: boolean, data?: {status, reason}}`, the answer of the authorization methods. */
function statusAnswer(input: Json): Json | undefined {
  const status = own(input, 'status');
  if (typeof status !== 'boolean') return undefined;
  const out: Json = { status };
  const data = own(input, 'data');
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const d: Json = {};
    const s = name(own(data as Json, 'status'));
    const reason = name(own(data as Json, 'reason'));
    if (s) d.status = s;
    if (reason) d.reason = reason;
    out.data = d;
  }
  return out;
}

const linkedByStatus = (answer: Json): AnswerSignal => {
  const data = answer.data as Json | undefined;
  return data && (data.status === 'success' || data.reason === 'already_registered') ? 'linked' : undefined;
};

const SECRET_TEXT = 256;

export const HTTP_METHODS: Record<HttpMethodName, MethodSpec> = {
  qr: {
    scope: 'qr',
    verb: 'GET',
    upstreamVerb: 'GET',
    afterLink: false,
    answer(input, clean) {
      const type = name(own(input, 'type'));
      if (!type) return undefined;
      if (type === 'qrCode') {
        const image = qrImageFromPayload(own(input, 'message'));
        return image ? { type, message: image.slice(image.indexOf(',') + 1) } : undefined;
      }
      return { type, message: clean(own(input, 'message')) };
    },
    signal: (a) => (a.type === 'alreadyLogged' || a.type === 'already_registered' ? 'linked' : undefined),
  },
  getStateInstance: {
    scope: 'qr',
    verb: 'GET',
    upstreamVerb: 'GET',
    afterLink: true,
    answer: (input) => (own(input, 'stateInstance') === undefined ? undefined : withState({}, input)),
    signal: (a) => (a.stateInstance === 'authorized' ? 'linked' : undefined),
  },
  getWaSettings: {
    scope: 'qr',
    verb: 'GET',
    upstreamVerb: 'GET',
    afterLink: true,
    answer: (input, clean) => withState(pick(input, ['avatar', 'phone', 'deviceId'], clean), input),
  },
  getSettings: {
    scope: 'qr',
    verb: 'GET',
    upstreamVerb: 'GET',
    afterLink: true,
    // Only what the element needs to tell the messenger: never webhookUrlToken and friends.
    answer(input, clean) {
      const out = pick(input, ['wid'], clean);
      const type = name(own(input, 'typeInstance'));
      if (type) out.typeInstance = type;
      return out;
    },
  },
  getAccountSettings: {
    scope: 'qr',
    verb: 'GET',
    upstreamVerb: 'GET',
    afterLink: true,
    answer(input, clean) {
      const out = withState(pick(input, ['avatar', 'phone', 'chatId'], clean), input);
      const until = own(input, 'suspendedUntil');
      if (out && typeof until === 'number' && Number.isSafeInteger(until)) out.suspendedUntil = until;
      return out;
    },
  },
  sendAuthorizationPassword: {
    scope: 'qr',
    verb: 'POST',
    upstreamVerb: 'POST',
    afterLink: false,
    body(input) {
      const password = own(input, 'password');
      return typeof password === 'string' && password.length <= SECRET_TEXT ? { password } : undefined;
    },
    answer: statusAnswer,
    signal: linkedByStatus,
  },
  getAuthorizationCode: {
    scope: 'phone',
    verb: 'POST',
    upstreamVerb: 'POST',
    afterLink: false,
    body(input) {
      const digits = phoneDigits(own(input, 'phoneNumber'));
      return digits ? { phoneNumber: Number(digits) } : undefined;
    },
    answer(input, clean) {
      const status = own(input, 'status');
      if (typeof status !== 'boolean') return undefined;
      const code = own(input, 'code');
      if (code === undefined || code === null) return { status };
      if (typeof code !== 'string') return undefined;
      return { status, code: clean(code).slice(0, 64) };
    },
  },
  startAuthorization: {
    scope: 'phone',
    verb: 'POST',
    upstreamVerb: 'POST',
    afterLink: false,
    body(input) {
      const digits = phoneDigits(own(input, 'phoneNumber'));
      return digits ? { phoneNumber: Number(digits) } : undefined;
    },
    answer: statusAnswer,
    signal: linkedByStatus,
  },
  sendAuthorizationCode: {
    scope: 'phone',
    verb: 'POST',
    upstreamVerb: 'POST',
    afterLink: false,
    body(input) {
      const code = own(input, 'code');
      const password = own(input, 'password');
      if (typeof code !== 'string' || !/^[0-9A-Za-z-]{0,32}$/.test(code)) return undefined;
      if (password === undefined) return { code };
      return typeof password === 'string' && password.length <= SECRET_TEXT ? { code, password } : undefined;
    },
    answer: statusAnswer,
    signal: linkedByStatus,
  },
  logout: {
    scope: 'logout',
    // POST from the browser (a link, an image or a prefetch can never log anyone out); GREEN-API's
    // Logout is a GET.
    verb: 'POST',
    upstreamVerb: 'GET',
    afterLink: false,
    body: () => ({}),
    answer: (input) => (typeof own(input, 'isLogout') === 'boolean' ? { isLogout: own(input, 'isLogout') } : undefined),
  },
};

export const isHttpMethod = (method: string): method is HttpMethodName =>
  Object.prototype.hasOwnProperty.call(HTTP_METHODS, method);

/** The `accountData` fields the browser gets unless the host lists more. */
export const DEFAULT_ACCOUNT_FIELDS = ['wid', 'pushname'] as const;
/** Every `accountData` field the host may opt in to. */
export type AccountField = 'wid' | 'pushname' | 'proxy' | 'webhookUrl';

/** A rebuilt `scanqrcode` frame, its JSON for the browser, and what it means for the ticket. */
export interface RebuiltFrame {
  json: string;
  /** `linked`: accountData or alreadyLogged; `failed`: error or timeoutExpired. */
  terminal?: 'linked' | 'failed';
  /** The account id, from `accountData`. */
  wid?: string;
}

/**
 * One `scanqrcode` frame from GREEN-API → the frame for the browser, or `undefined` to drop it
 * (malformed, unknown type, not a PNG/JPEG QR code). Parsed by the element's own parser.
 */
export function rebuildFrame(data: string, clean: (text: unknown) => string, accountFields: readonly AccountField[]): RebuiltFrame | undefined {
  const parsed = parseFrame(data);
  if (!parsed.ok) return undefined;
  const m = parsed.message;
  switch (m.type) {
    case 'qrCode':
      return { json: JSON.stringify({ type: 'qrCode', message: m.image.slice(m.image.indexOf(',') + 1) }) };
    case 'accountData': {
      const frame: Json = { type: 'accountData' };
      for (const field of accountFields) frame[field] = clean(m.account[field]);
      return { json: JSON.stringify(frame), terminal: 'linked', wid: clean(m.account.wid) };
    }
    case 'alreadyLogged':
      return { json: JSON.stringify({ type: m.type, message: clean(m.message) }), terminal: 'linked' };
    case 'error':
    case 'timeoutExpired':
      return { json: JSON.stringify({ type: m.type, message: clean(m.message) }), terminal: 'failed' };
  }
}

/** Text for the browser: cleaned like the element cleans it, with every form of `secrets` replaced. */
export function cleaner(secrets: string[]): (text: unknown) => string {
  const forms = [...new Set(secrets.flatMap((s) => (s ? [s, encodeURIComponent(s)] : [])))].sort((a, b) => b.length - a.length);
  return (value) => {
    let text = typeof value === 'string' ? value : '';
    for (const form of forms) text = text.split(form).join('[redacted]');
    return cleanText(text);
  };
}
