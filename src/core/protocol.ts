/**
 * GREEN-API `scanqrcode` frames → typed messages. Pure and DOM-free: never throws, never touches
 * the network, and knows nothing of the token.
 */

/** Message types the server sends, as GREEN-API names them (`timeout` is the newer name of `timeoutExpired`). */
export const MESSAGE_TYPES = [
  'qrCode',
  'error',
  'alreadyLogged',
  'timeoutExpired',
  'timeout',
  'accountData',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * What the linked account is: WhatsApp's `accountData` message (or what GetStateInstance and
 * GetWaSettings tell), or Telegram's/MAX's GetAccountSettings.
 */
export interface AccountData {
  /** WhatsApp id of the account, e.g. `79001234567@c.us`; for Telegram and MAX the numeric chat id (or `''`). */
  wid: string;
  /** The account's name in WhatsApp (may be empty). */
  pushname: string;
  /** Proxy IP that GREEN-API assigned to the instance (may be empty). */
  proxy: string;
  /** The instance's webhook URL (may be empty). */
  webhookUrl: string;
  /** Which messenger was linked (set on the element's `account-linked`). */
  messenger?: 'whatsapp' | 'telegram' | 'max';
  /** The account's phone number, digits only (e.g. `79001234567`), when known (WhatsApp: GetWaSettings, else the id). */
  phone?: string;
  /** The account's avatar URL, when known (WhatsApp: GetWaSettings; Telegram, MAX: GetAccountSettings). */
  avatar?: string;
  /** The account's chat id (Telegram, MAX: GetAccountSettings), when known. */
  chatId?: string;
}

/** A server frame that the session acts on. */
export type ServerMessage =
  | { type: 'qrCode'; /** `data:image/png;base64,…` (or JPEG) ready for `<img src>`. */ image: string }
  | { type: 'error'; message: string }
  | { type: 'alreadyLogged'; message: string }
  /** Both `timeoutExpired` and `timeout` frames become this one. */
  | { type: 'timeoutExpired'; message: string }
  | { type: 'accountData'; account: AccountData };

/** Why a frame was ignored. */
export type IgnoredReason = 'malformed' | 'unknownType' | 'invalidField';

export type ParseResult =
  | { ok: true; message: ServerMessage }
  | { ok: false; reason: IgnoredReason; /** Safe to log: never contains frame content beyond the type name. */ detail: string };

/** Longest server text kept (characters); longer text is cut. */
export const MAX_TEXT_LENGTH = 500;
/** Largest QR image accepted (base64 characters); a 256×256 PNG is a few KB. */
export const MAX_IMAGE_LENGTH = 2_000_000;
/** Longest frame parsed at all (characters). */
export const MAX_FRAME_LENGTH = 4_000_000;

const own = (o: object, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const ignored = (reason: IgnoredReason, detail: string): ParseResult => ({ ok: false, reason, detail });

/** At most `max` UTF-16 code units of `text`, never ending in the first half of a surrogate pair. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max).replace(/[\uD800-\uDBFF]$/, '');
}

/** Server text made safe to keep: a string, no control characters but newlines, bounded length. */
export function cleanText(value: unknown): string {
  if (typeof value !== 'string') return '';
  // Lone surrogates first, then control characters (but tab and newline): the other way round,
  // "\uD800\u0000\uDC00" would become the pair "\uD800\uDC00" that the server never sent. After the
  // first step every high surrogate is directly followed by its low one, so dropping control
  // characters can join none. The view renders text, never markup.
  const text = value
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '')
    .trim();
  if (text.length <= MAX_TEXT_LENGTH) return text;
  return `${cut(text, MAX_TEXT_LENGTH - 1)}…`;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URL = /^data:image\/(png|jpeg);base64,/i;

/**
 * Turns a `qrCode` message's payload into a data URL, or `undefined` when it is not a base64 PNG
 * or JPEG (checked by the magic bytes, so nothing else ever reaches `<img src>`).
 */
export function qrImageFromPayload(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > MAX_IMAGE_LENGTH + 32) return undefined;
  let data = payload.trim();
  const prefix = DATA_URL.exec(data);
  if (prefix) data = data.slice(prefix[0].length);
  data = data.replace(/\s+/g, '');
  if (data.length < 12 || data.length > MAX_IMAGE_LENGTH || data.length % 4 === 1 || !BASE64.test(data)) {
    return undefined;
  }
  // Padding is only valid on a whole number of 4-character groups; browsers refuse anything else.
  if (data.endsWith('=') && data.length % 4 !== 0) return undefined;
  // PNG starts 89 50 4E 47 0D 0A 1A 0A (base64 "iVBORw0KGgo"), JPEG FF D8 FF (base64 "/9j/").
  if (data.startsWith('iVBORw0KGgo')) return `data:image/png;base64,${data}`;
  if (data.startsWith('/9j/')) return `data:image/jpeg;base64,${data}`;
  return undefined;
}

function parseAccountData(frame: Record<string, unknown>): AccountData | undefined {
  // GREEN-API's page lists the fields beside `type`; some servers nest them in `message`
  // (an object or a JSON string). Accept all three.
  let source: Record<string, unknown> = frame;
  if (typeof own(frame, 'wid') !== 'string') {
    let inner = own(frame, 'message');
    if (typeof inner === 'string' && inner.length <= MAX_FRAME_LENGTH) {
      try {
        inner = JSON.parse(inner);
      } catch {
        return undefined;
      }
    }
    if (!isPlainObject(inner)) return undefined;
    source = inner;
  }
  const wid = cleanText(own(source, 'wid'));
  if (!wid) return undefined;
  return {
    wid,
    pushname: cleanText(own(source, 'pushname')),
    proxy: cleanText(own(source, 'proxy')),
    webhookUrl: cleanText(own(source, 'webhookUrl')),
  };
}

/** Parses one frame (the websocket's `data`). Never throws. */
export function parseFrame(data: unknown): ParseResult {
  if (typeof data !== 'string') return ignored('malformed', 'frame is not text');
  if (data.length > MAX_FRAME_LENGTH) return ignored('malformed', 'frame is too large');
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return ignored('malformed', 'frame is not JSON');
  }
  if (!isPlainObject(frame)) return ignored('malformed', 'frame is not a JSON object');
  const type = own(frame, 'type');
  if (typeof type !== 'string') return ignored('malformed', 'frame has no type');
  switch (type) {
    case 'qrCode': {
      const image = qrImageFromPayload(own(frame, 'message'));
      return image
        ? { ok: true, message: { type, image } }
        : ignored('invalidField', 'qrCode message is not a base64 PNG or JPEG');
    }
    case 'error':
    case 'alreadyLogged':
      return { ok: true, message: { type, message: cleanText(own(frame, 'message')) } };
    case 'timeoutExpired':
    case 'timeout':
      return { ok: true, message: { type: 'timeoutExpired', message: cleanText(own(frame, 'message')) } };
    case 'accountData': {
      const account = parseAccountData(frame);
      return account
        ? { ok: true, message: { type, account } }
        : ignored('invalidField', 'accountData has no wid');
    }
    default:
      return ignored('unknownType', `unknown message type (${cut(cleanText(type), 40)})`);
  }
}
