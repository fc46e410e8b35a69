/**
 * GREEN-API's Telegram and MAX linking methods (telegram-max.md): the QR method as those
 * messengers answer it, GetAccountSettings, StartAuthorization, SendAuthorizationCode and
 * SendAuthorizationPassword. DOM-free; failures are {@link GreenApiError}s whose messages never
 * contain the token, a phone number, a code or a password.
 */
import type { Endpoints } from './config.js';
import { GreenApiError, QR_TIMEOUT_MS, invalid, isStateInstance, request, requestJson, type StateInstance } from './green-api.js';
import type { Messenger } from './messenger.js';
import { cleanText, qrImageFromPayload } from './protocol.js';

/** What Telegram's / MAX's QR method answers. */
export type ChatQrResult =
  | { type: 'qrCode'; image: string }
  /** `alreadyLogged`, or Telegram's `already_registered`. */
  | { type: 'alreadyLogged'; message: string }
  /** Telegram's `pending_password` (GREEN-API's chat app): the cloud password is awaited. */
  | { type: 'pendingPassword'; message: string }
  | { type: 'error'; message: string };

const own = (o: Record<string, unknown>, key: string): unknown => (Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** GET `{httpBase}/qr/{token}` of a Telegram or MAX instance (MAX's `qr` is limited to 1 request a second). */
export async function getChatQr(endpoints: Endpoints, messenger: Messenger, signal?: AbortSignal, timeoutMs = QR_TIMEOUT_MS): Promise<ChatQrResult> {
  const text = await request(endpoints, 'qr', { signal, timeoutMs, slot: messenger === 'max' ? 'qr:max' : 'qr' });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('qr', endpoints.origin);
  }
  if (!isObject(body)) throw invalid('qr', endpoints.origin);
  const message = cleanText(own(body, 'message'));
  switch (own(body, 'type')) {
    case 'qrCode': {
      const image = qrImageFromPayload(own(body, 'message'));
      if (!image) throw invalid('qr', endpoints.origin);
      return { type: 'qrCode', image };
    }
    case 'alreadyLogged':
    case 'already_registered':
      return { type: 'alreadyLogged', message };
    case 'pending_password':
    case 'pendingPassword':
      return { type: 'pendingPassword', message };
    case 'error':
      return { type: 'error', message };
    default:
      throw invalid('qr', endpoints.origin);
  }
}

/** What GetAccountSettings tells of a linked Telegram/MAX account (empty strings are left out). */
export interface ChatAccountSettings {
  phone?: string;
  avatar?: string;
  chatId?: string;
  stateInstance?: StateInstance;
}

/** GET `{httpBase}/getAccountSettings/{token}`. */
export async function getAccountSettings(endpoints: Endpoints, signal?: AbortSignal, timeoutMs?: number): Promise<ChatAccountSettings> {
  const body = await requestJson(endpoints, 'getAccountSettings', { signal, timeoutMs });
  const out: ChatAccountSettings = {};
  const text = (key: string) => {
    const v = own(body, key);
    return cleanText(typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v);
  };
  const phone = text('phone').replace(/^\+/, '');
  if (/^\d{5,15}$/.test(phone)) out.phone = phone;
  const avatar = text('avatar');
  if (/^https?:\/\/\S+$/i.test(avatar)) out.avatar = avatar;
  const chatId = text('chatId');
  if (/^[\w@.:-]{1,64}$/.test(chatId)) out.chatId = chatId;
  const state = own(body, 'stateInstance');
  if (isStateInstance(state)) out.stateInstance = state;
  return out;
}

/** The answer of the authorization methods: `{status, data: {status: 'success' | 'fail', reason}}`. */
export interface AuthAnswer {
  ok: boolean;
  /** GREEN-API's reason word (`invalid_password`, `rate_limit_exceeded`, `authorization_not_started`, `timeout`, `already_registered`, …). */
  reason?: string;
}

function authAnswer(body: Record<string, unknown>, method: 'startAuthorization' | 'sendAuthorizationCode' | 'sendAuthorizationPassword', origin: string): AuthAnswer {
  const status = own(body, 'status');
  if (typeof status !== 'boolean') throw invalid(method, origin);
  const data = own(body, 'data');
  const reason = isObject(data) && typeof data.reason === 'string' && /^[A-Za-z_]{1,40}$/.test(data.reason) ? data.reason : undefined;
  const failed = isObject(data) && data.status === 'fail';
  return reason ? { ok: false, reason } : { ok: status && !failed };
}

const PHONE = /^[1-9]\d{9,14}$/;

/** POST `{httpBase}/startAuthorization/{token}` `{phoneNumber}` (Telegram): the code goes to Telegram's system chat. */
export async function startAuthorization(endpoints: Endpoints, phoneNumber: string, signal?: AbortSignal, timeoutMs?: number): Promise<AuthAnswer> {
  if (!PHONE.test(phoneNumber)) throw new GreenApiError('invalidArgument', 'startAuthorization: phoneNumber must be 10 to 15 digits with the country code');
  const body = await requestJson(endpoints, 'startAuthorization', { post: { phoneNumber: Number(phoneNumber) }, signal, timeoutMs });
  return authAnswer(body, 'startAuthorization', endpoints.origin);
}

/** POST `{httpBase}/sendAuthorizationCode/{token}` `{code, password?}` (Telegram). */
export async function sendAuthorizationCode(endpoints: Endpoints, code: string, password: string | undefined, signal?: AbortSignal, timeoutMs?: number): Promise<AuthAnswer> {
  const post = password === undefined ? { code } : { code, password };
  const body = await requestJson(endpoints, 'sendAuthorizationCode', { post, signal, timeoutMs });
  return authAnswer(body, 'sendAuthorizationCode', endpoints.origin);
}

/** POST `{httpBase}/sendAuthorizationPassword/{token}` `{password}` (Telegram, MAX): the account's cloud password. */
export async function sendAuthorizationPassword(endpoints: Endpoints, password: string, signal?: AbortSignal, timeoutMs?: number): Promise<AuthAnswer> {
  const body = await requestJson(endpoints, 'sendAuthorizationPassword', { post: { password }, signal, timeoutMs });
  return authAnswer(body, 'sendAuthorizationPassword', endpoints.origin);
}
