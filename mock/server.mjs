/**
 * A local stand-in for GREEN-API, for the demo and tests. It serves WhatsApp, Telegram and MAX
 * ("v3") instances the way GREEN-API does on a good day and, on demand, on a bad one:
 *
 * - WhatsApp: the `scanqrcode` websocket (real QR code PNGs, rotation, timeout, alreadyLogged) and
 *   the HTTP methods QR, Logout, GetStateInstance, GetSettings, GetWaSettings, GetAuthorizationCode.
 * - Telegram and MAX: no websocket; QR (a fresh code every 5 s), Logout, GetStateInstance,
 *   GetSettings, GetAccountSettings, SendAuthorizationPassword (the cloud password step), and for
 *   Telegram StartAuthorization + SendAuthorizationCode (link by phone).
 * - Named fault profiles (`PROFILES`): slow first QR, 401, 403, 466, 429, `starting`, `blocked`,
 *   `null` state, `logoutProcess`, … chosen for the whole server or per instance.
 * - GREEN-API's per-instance, per-method rate limits, always on (`RATE_LIMITS`): over the limit an
 *   answer is 429 with `Retry-After`; `GET /mock/{id}/stats` tells the highest rate seen.
 * - A control API (`/mock/…`, CORS enabled) that decides how a live session ends and sets profiles,
 *   messengers, passwords and states.
 *
 * Listens on loopback only; accepts any non-empty token and never stores or prints it.
 *
 *   node mock/server.mjs [--port 7070] [--profile NAME] [--profile-options JSON] [--messenger whatsapp|telegram|v3]
 *
 * Sources for every text and body are cited where they are used. Where GREEN-API documents none,
 * the text is ours and says so.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import QRCode from 'qrcode';
import { WebSocketServer } from 'ws';

/**
 * @typedef {'whatsapp' | 'telegram' | 'v3'} Messenger
 * @typedef {'notAuthorized' | 'authorized' | 'starting' | 'blocked' | 'sleepMode' | 'yellowCard' | 'suspended' | 'pendingCode' | 'pendingPassword' | null} StateInstance
 * @typedef {{ wid: string, pushname: string, proxy: string, webhookUrl: string, phone?: string, chatId?: string, avatar?: string }} Account
 * @typedef {{ name: string, options: Record<string, unknown> }} ProfileChoice
 * @typedef {object} InstanceState
 * @property {string} idInstance
 * @property {Messenger} messenger
 * @property {boolean} authorized  The instance holds an account (it may still be `starting`, `blocked`, …).
 * @property {StateInstance} stateInstance
 * @property {'scan' | 'code' | 'control' | undefined} linkedBy  How the account was linked.
 * @property {Account} account  The account a simulated scan links.
 * @property {string | undefined} password  Telegram/MAX: the account's cloud password (two-factor), if any.
 * @property {number} qrCodesSent  QR codes sent on sockets since start.
 * @property {Set<import('ws').WebSocket>} sessions  Live scanqrcode sockets.
 * @property {Set<NodeJS.Timeout>} timers  Pending auth-code / starting / password timers.
 * @property {{ png: string, at: number } | undefined} httpQr  The QR code the HTTP method serves.
 * @property {ProfileChoice | undefined} ownProfile  This instance's profile (else the server's).
 * @property {Record<string, any>} fx  Per-instance state of the active profile (counters, deadlines).
 * @property {number} logoutUntil  getWaSettings reports `logoutProcess` until then (epoch ms).
 * @property {{ phoneNumber: number, code: string, sentAt: number, expiresAt: number, codesSent: number } | undefined} phoneAuth  Telegram phone linking.
 * @property {{ since: number, wrong: number, lockedUntil: number, timedOut: boolean }} passwordStep
 * @property {Map<string, { times: number[], accepted: number[], total: number, limited: number, maxPerSecond: number }>} rate
 * @typedef {object} MockOptions
 * @property {number} [port=0]
 * @property {string} [host='127.0.0.1']  Loopback only: 127.x.x.x, ::1 or localhost.
 * @property {number} [qrIntervalMs=20000]  WhatsApp: a new QR code this often.
 * @property {number} [qrRefreshMs=5000]  Telegram/MAX: the HTTP QR method serves a new code this often.
 * @property {number} [timeoutMs=100000]  timeoutExpired this long after the socket opened.
 * @property {number} [firstQrDelayMs=300]  The first QR code this long after the socket opened.
 * @property {number} [authCodeLinkMs=5000]  getAuthorizationCode: "the person types the code" after this.
 * @property {number} [startingMs=0]  After a scan, stateInstance is `starting` this long, then `authorized`.
 * @property {number} [codeLifetimeMs=300000]  Telegram: a StartAuthorization code lives this long; no new code before.
 * @property {number} [passwordTimeoutMs=300000]  Telegram/MAX: `pendingPassword` ends with `timeout` after this.
 * @property {number} [passwordAttempts=3]  Telegram/MAX: wrong passwords in a row before `rate_limit_exceeded`.
 * @property {number} [passwordLockMs=60000]  Telegram/MAX: how long `rate_limit_exceeded` lasts.
 * @property {number} [rateWindowMs=1000]  The rate limiter's "second". Tests that poll faster than a person
 *   would compress it in proportion; GREEN-API's is 1000.
 * @property {boolean} [rateLimits=true]  `false` only for tests of something else that script requests
 *   faster than GREEN-API allows (the proxy's forwarding tests): requests are still counted.
 * @property {string} [profile='happy']  The server's fault profile (see `PROFILES`).
 * @property {Record<string, unknown>} [profileOptions]  Overrides the profile's options (e.g. `{ delayMs: 500 }`).
 * @property {Messenger} [messenger='whatsapp']  The messenger of instances not set otherwise.
 * @property {Partial<Account>} [account]  Overrides the linked account's fields.
 * @property {boolean} [log=false]  Log connections and control calls (tokens masked, passwords never).
 */

export const MESSENGERS = /** @type {const} */ (['whatsapp', 'telegram', 'v3']);

/**
 * GREEN-API's per-instance limits, requests per second per method. WhatsApp: the "Rate limiter"
 * page (green-api.com/en/docs/api/ratelimiter): qr 3, scanQrCode 1, getStateInstance 1,
 * getWaSettings 1, logout 1, getSettings 1. Telegram: its "Request rate limiting" page
 * (green-api.com/en/telegram/docs/api/ratelimiter): QR 3 and 1 for every account method. MAX
 * (telegram-max.md): qr 1 and 1 for every account method. Methods the pages do not list get the
 * general 50 rps of GREEN-API's Ratelimiter news (05/26/2023).
 */
export const RATE_LIMITS = {
  whatsapp: { qr: 3, scanqrcode: 1, getStateInstance: 1, getWaSettings: 1, logout: 1, getSettings: 1 },
  telegram: {
    qr: 3, logout: 1, getStateInstance: 1, getSettings: 1, getAccountSettings: 1,
    startAuthorization: 1, sendAuthorizationCode: 1, sendAuthorizationPassword: 1,
  },
  v3: { qr: 1, logout: 1, getStateInstance: 1, getSettings: 1, getAccountSettings: 1, sendAuthorizationPassword: 1 },
};
const DEFAULT_RATE_LIMIT = 50;

/**
 * The fault profiles: name → what it does and its options (defaults). A profile applies to the whole
 * server (`--profile`, `POST /mock/profile`) or to one instance (`POST /mock/{id}/profile`).
 */
export const PROFILES = {
  happy: { description: 'GREEN-API on a good day (the default).', options: {} },
  'slow-first-qr': {
    description: 'The first QR code comes after delayMs: on each socket, and the HTTP qr request stays open until then.',
    options: { delayMs: 30_000 },
  },
  'timeout-name': { description: 'The socket ends the scan window with type `timeout` instead of `timeoutExpired`.', options: {} },
  unauthorized: { description: 'HTTP 401 on every method; websocket upgrades refused with 401.', options: {} },
  forbidden: { description: 'HTTP 403 on every method; websocket upgrades refused with 403.', options: {} },
  quota: { description: 'HTTP 466 with GREEN-API\'s quota body on every method; websocket upgrades refused with 466.', options: {} },
  'rate-limited': {
    description: 'The first `times` requests of each method (and socket upgrades) get 429 with Retry-After: retryAfterS.',
    options: { times: 2, retryAfterS: 1 },
  },
  'starting-after-scan': {
    description: 'After a scan or a phone code the instance is `starting` for startingMs, then `authorized`.',
    options: { startingMs: 20_000 },
  },
  starting: {
    description: 'The instance is stuck in `starting`: qr and getAuthorizationCode answer 400 "instance in starting process try later", the socket an `error` frame. Logout clears it.',
    options: {},
  },
  blocked: {
    description: 'A scan or phone code links an account that is then `state` (blocked; or suspended, sleepMode, yellowCard, pendingCode).',
    options: { state: 'blocked' },
  },
  'null-state': { description: 'getStateInstance answers a `null` body (shape "body") or `{"stateInstance": null}` (shape "field").', options: { shape: 'body' } },
  'logout-process': {
    description: 'After Logout, getWaSettings reports `logoutProcess: true` for logoutProcessMs and no QR code is made meanwhile (qr `error`, socket `error`).',
    options: { logoutProcessMs: 10_000 },
  },
  'already-logged-after-scan': { description: 'A scan ends the socket with `alreadyLogged` instead of `accountData`.', options: {} },
  'auth-code-refused': { description: 'GetAuthorizationCode answers `status: false` (the first `times` calls; all when times is 0).', options: { times: 0 } },
  'phone-string-refused': { description: 'GetAuthorizationCode / StartAuthorization refuse `phoneNumber` sent as a string with 400.', options: {} },
  'qr-error': { description: 'The HTTP qr method answers `{type: "error", message}` `times` times, then codes.', options: { times: 3, message: 'QR code is not ready, try later' } },
  'silent-socket': { description: 'The socket is accepted and never sends anything (no QR code, no timeout); HTTP works.', options: {} },
  'broken-png': { description: 'After goodFirst good codes, every qrCode starts with the PNG signature but does not decode (socket and HTTP).', options: { goodFirst: 0 } },
  'drop-mid-scan': {
    description: 'Once, afterMs after the first QR code (socket or HTTP), the server kills the instance\'s sockets and is unreachable for downMs (upgrades and HTTP requests are cut).',
    options: { downMs: 30_000, afterMs: 0 },
  },
  'stuck-pending-password': {
    description: 'Telegram/MAX: a scan leaves the instance in `pendingPassword` even without a cloud password; every password is refused (invalid_password) until Logout.',
    options: {},
  },
};

const DEFAULT_ACCOUNT = { wid: '79001234567@c.us', pushname: 'Demo phone', proxy: '127.0.0.1', webhookUrl: '' };
/** Telegram/MAX account ids are numeric chat ids (telegram-max.md); ours, like the phone, are made up. */
const DEFAULT_CHAT_ID = '1234567890';
/** A 16×16 green PNG, served at /mock/avatar.png as the linked account's avatar (GetWaSettings, GetAccountSettings; works offline). */
const AVATAR_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAL0lEQVR4AaXBAQEAIAyAME4EY5nNzj4E25x3P4FEEkkkkUQSSSSRRBJJJJFEEkm0+eUCB6kToJoAAAAASUVORK5CYII=',
  'base64',
);

// --- GREEN-API's own texts and bodies -------------------------------------------------------------
/** scanqrcode page (protocol.md): `alreadyLogged` with this message. */
const ALREADY_LOGGED = { type: 'alreadyLogged', message: 'instance account already authorized' };
/** scanqrcode page (2020): `timeoutExpired`; newer English pages and GREEN-API's chat app: `timeout`. */
const TIMEOUT = { type: 'timeoutExpired', message: 'timeoutExpired' };
const TIMEOUT_NEW = { type: 'timeout', message: 'timeout' };
/** A known `error` text of the scanqrcode page. */
const DEFAULT_ERROR = 'Instance has auth. You need to make log out';
/** Common errors page (green-api.com/en/docs/api/common-errors): the "Error ID" of each status, sent as the text body. */
const STARTING_TEXT = 'instance in starting process try later';
const HTTP_TEXTS = { 400: STARTING_TEXT, 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests' };
/** Common errors page: "400 Bad Request / Validation failed". */
const VALIDATION_TEXT = 'Bad Request Validation failed';
/**
 * HTTP 466: the body of GREEN-API's "466 error example body" page
 * (green-api.com/en/docs/api/466-error-example-body, "Example of error 466 body for API methods").
 */
const QUOTA_BODY = {
  invokeStatus: {
    method: 'checkwhatsapp',
    used: 100,
    total: 100,
    status: 'QUOTE_EXCEEDED',
    description: 'Monthly quota has been exceeded. Please go to your personal account and change the tariff to business https://console.green-api.com',
  },
};
/**
 * Not documented by GREEN-API (our texts): the qr / socket answer while `logoutProcess` runs (their
 * issue #1029 only says the QR "may temporarily not be generated"), Telegram's `already_registered`
 * and `pending_password` messages, and MAX's answer while a password is awaited.
 */
const LOGOUT_PROCESS_TEXT = 'logout process is running, authorization to the instance is not possible';
const ALREADY_REGISTERED = { type: 'already_registered', message: 'instance account already registered' };
const PENDING_PASSWORD = { type: 'pending_password', message: 'instance is waiting for the account password' };

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-expose-headers': 'retry-after',
  'access-control-max-age': '600',
};

/**
 * The HTTP methods: canonical name → verb and the messengers that have it. Names are matched
 * case-insensitively (GREEN-API's examples write both `logout` and `Logout`). A method another
 * messenger does not have answers 404, like an unknown one: MAX dropped phone linking in release
 * 3.5.24 (telegram-max.md); GREEN-API documents no body for that, so ours is `{"error": "not found"}`.
 */
const METHODS = {
  qr: { verb: 'GET', messengers: MESSENGERS },
  logout: { verb: 'GET', messengers: MESSENGERS },
  getStateInstance: { verb: 'GET', messengers: MESSENGERS },
  getSettings: { verb: 'GET', messengers: MESSENGERS },
  getWaSettings: { verb: 'GET', messengers: ['whatsapp'] },
  getAuthorizationCode: { verb: 'POST', messengers: ['whatsapp'] },
  getAccountSettings: { verb: 'GET', messengers: ['telegram', 'v3'] },
  startAuthorization: { verb: 'POST', messengers: ['telegram'] },
  sendAuthorizationCode: { verb: 'POST', messengers: ['telegram'] },
  sendAuthorizationPassword: { verb: 'POST', messengers: ['telegram', 'v3'] },
};
const METHOD_BY_LOWER = new Map(Object.keys(METHODS).map((name) => [name.toLowerCase(), name]));

// `/v3` prefix: MAX method pages show it; optional since MAX release 3.5.24 (telegram-max.md). Accepted for every instance.
const SOCKET_PATH = /^(?:\/v3)?\/waInstance(\d{1,12})\/scanqrcode\/([^/]+)$/i;
const METHOD_PATH = /^(?:\/v3)?\/waInstance(\d{1,12})\/([A-Za-z]+)\/([^/]+)$/;
const CONTROL_PATH = /^\/mock\/(\d{1,12})(?:\/([a-z-]+))?$/;
const ACTIONS = ['scan', 'error', 'already-logged', 'timeout', 'drop', 'reset'];

/** @param {string} host */
const isLoopback = (host) => host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

/** A token for logs: its first 3 characters at most (none if it is short), then `…`. */
const mask = (token) => (token.length >= 12 ? `${token.slice(0, 3)}…` : '…');

/** A WhatsApp-like pairing ref: `2@<ref>,<noise key>,<identity key>,<adv secret>`. */
const randomRef = () =>
  `2@${randomBytes(48).toString('base64')},${randomBytes(32).toString('base64')},` +
  `${randomBytes(32).toString('base64')},${randomBytes(32).toString('base64')}`;

/** A Telegram-like login link (`tg://login?token=…`, base64url) or a MAX-like one. */
const randomLoginLink = (messenger) =>
  messenger === 'v3' ? `https://max.ru/login?token=${randomBytes(24).toString('base64url')}` : `tg://login?token=${randomBytes(32).toString('base64url')}`;

/** A real QR code PNG (256×256, margin 2) for a fresh ref, as base64 without a `data:` prefix. */
export async function qrPngBase64(messenger = 'whatsapp') {
  const text = messenger === 'whatsapp' ? randomRef() : randomLoginLink(messenger);
  const png = await QRCode.toBuffer(text, { type: 'png', width: 256, margin: 2, errorCorrectionLevel: 'L' });
  return png.toString('base64');
}

/** Bytes that start with the PNG signature and an IHDR chunk header, then garbage: no decoder accepts them. */
export function brokenPngBase64() {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
  return Buffer.concat([signature, randomBytes(48)]).toString('base64');
}

/** The percent-decoded token segment, or `undefined` if it is empty or malformed. */
function decodeToken(segment) {
  try {
    const token = decodeURIComponent(segment);
    return token ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A profile name + options, checked: unknown names and non-object options throw.
 * @param {unknown} name @param {unknown} [options] @returns {ProfileChoice}
 */
export function checkProfile(name, options = {}) {
  if (typeof name !== 'string' || !Object.hasOwn(PROFILES, name)) {
    throw new Error(`unknown profile ${JSON.stringify(name)}; known: ${Object.keys(PROFILES).join(', ')}`);
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new Error('profile options must be an object');
  return { name, options: { ...PROFILES[/** @type {keyof typeof PROFILES} */ (name)].options, ...options } };
}

/** @param {unknown} value @returns {Messenger} */
function checkMessenger(value) {
  if (typeof value !== 'string' || !MESSENGERS.includes(/** @type {Messenger} */ (value))) {
    throw new Error(`unknown messenger ${JSON.stringify(value)}; known: ${MESSENGERS.join(', ')}`);
  }
  return /** @type {Messenger} */ (value);
}

const STATES = ['notAuthorized', 'authorized', 'starting', 'blocked', 'sleepMode', 'yellowCard', 'suspended', 'pendingCode', 'pendingPassword'];

/** A control call that cannot be done: answered 400 with `{error}`. */
class ControlError extends Error {}

/**
 * Starts the mock server.
 * @param {MockOptions} [options]
 */
export async function startMockServer(options = {}) {
  const {
    port = 0,
    host = '127.0.0.1',
    qrIntervalMs = 20000,
    qrRefreshMs = 5000,
    timeoutMs = 100000,
    firstQrDelayMs = 300,
    authCodeLinkMs = 5000,
    startingMs = 0,
    codeLifetimeMs = 300_000,
    passwordTimeoutMs = 300_000,
    passwordAttempts = 3,
    passwordLockMs = 60_000,
    rateWindowMs = 1000,
    rateLimits = true,
    log = false,
  } = options;
  if (!isLoopback(host)) throw new Error(`mock server: refusing to listen on non-loopback host ${host}`);
  const account = { ...DEFAULT_ACCOUNT, ...options.account };
  let defaultMessenger = checkMessenger(options.messenger ?? 'whatsapp');
  let serverProfile = checkProfile(options.profile ?? 'happy', options.profileOptions ?? {});
  const say = log ? (/** @type {string} */ line) => console.log(`[mock] ${line}`) : () => {};
  let baseUrl = '';

  /** @type {Map<string, InstanceState>} */
  const instances = new Map();
  let refuseWebsocket = false;

  /** @param {string} id @returns {InstanceState} */
  function instance(id) {
    let inst = instances.get(id);
    if (!inst) {
      inst = {
        idInstance: id, messenger: defaultMessenger, authorized: false, stateInstance: 'notAuthorized', linkedBy: undefined,
        account: { ...account }, password: undefined, qrCodesSent: 0, sessions: new Set(), timers: new Set(),
        httpQr: undefined, ownProfile: undefined, fx: {}, logoutUntil: 0, phoneAuth: undefined,
        passwordStep: { since: 0, wrong: 0, lockedUntil: 0, timedOut: false }, rate: new Map(),
      };
      instances.set(id, inst);
    }
    return inst;
  }

  /** The profile in force for an instance. @param {InstanceState} inst */
  const profileOf = (inst) => inst.ownProfile ?? serverProfile;
  /** @param {InstanceState} inst @param {string} name */
  const hasProfile = (inst, name) => profileOf(inst).name === name;
  /** @param {InstanceState} inst @param {string} key @returns {any} */
  const opt = (inst, key) => profileOf(inst).options[key];

  /** Sets (or, with `undefined`, clears) an instance's own profile; its per-profile state starts afresh. */
  function setInstanceProfile(/** @type {InstanceState} */ inst, /** @type {ProfileChoice | undefined} */ choice) {
    inst.ownProfile = choice;
    inst.fx = {};
    inst.httpQr = undefined;
  }

  /** State JSON (no token, no password, no sockets). @param {string} id */
  function getState(id) {
    const inst = instance(id);
    const profile = profileOf(inst);
    return {
      idInstance: id, messenger: inst.messenger, authorized: inst.authorized, stateInstance: inst.stateInstance,
      account: inst.authorized ? accountOf(inst) : null, liveSessions: inst.sessions.size, qrCodesSent: inst.qrCodesSent,
      refuseWebsocket, profile: profile.name, profileOptions: profile.options, hasPassword: inst.password !== undefined,
      logoutProcess: Date.now() < inst.logoutUntil,
    };
  }

  /** The linked account as the messenger reports it. @param {InstanceState} inst */
  function accountOf(inst) {
    if (inst.messenger === 'whatsapp') {
      const { wid, pushname, proxy, webhookUrl } = inst.account;
      return { wid, pushname, proxy, webhookUrl };
    }
    return {
      phone: inst.account.phone ?? inst.account.wid.split('@')[0].replace(/\D/g, ''),
      chatId: inst.account.chatId ?? DEFAULT_CHAT_ID,
      avatar: inst.account.avatar ?? `${baseUrl}/mock/avatar.png`,
    };
  }

  /** @param {InstanceState} inst @param {() => void} fn @param {number} ms */
  function later(inst, fn, ms) {
    const timer = setTimeout(() => { inst.timers.delete(timer); fn(); }, ms);
    inst.timers.add(timer);
  }

  /** @param {InstanceState} inst */
  function clearTimers(inst) {
    for (const timer of inst.timers) clearTimeout(timer);
    inst.timers.clear();
  }

  /**
   * The instance is linked. After a scan or a phone code it may go through `starting` first
   * (`startingMs`, or the `starting-after-scan` profile), and the `blocked` profile makes it blocked.
   * @param {InstanceState} inst @param {'scan' | 'code' | 'control'} how
   */
  function authorize(inst, how) {
    clearTimers(inst);
    inst.authorized = true;
    inst.linkedBy = how;
    inst.httpQr = undefined;
    inst.phoneAuth = undefined;
    inst.passwordStep = { since: 0, wrong: 0, lockedUntil: 0, timedOut: false };
    const final = how !== 'control' && hasProfile(inst, 'blocked') ? String(opt(inst, 'state') ?? 'blocked') : 'authorized';
    const startMs = how === 'control' ? 0 : hasProfile(inst, 'starting-after-scan') ? Number(opt(inst, 'startingMs')) || 0 : startingMs;
    if (startMs > 0) {
      inst.stateInstance = 'starting';
      later(inst, () => { inst.stateInstance = /** @type {StateInstance} */ (final); }, startMs);
    } else {
      inst.stateInstance = /** @type {StateInstance} */ (final);
    }
  }

  /** Telegram/MAX: the scan (or the code) was right but the account has a cloud password. @param {InstanceState} inst */
  function awaitPassword(inst) {
    clearTimers(inst);
    inst.httpQr = undefined;
    inst.stateInstance = 'pendingPassword';
    inst.passwordStep = { since: Date.now(), wrong: 0, lockedUntil: 0, timedOut: false };
    later(inst, () => {
      if (inst.stateInstance !== 'pendingPassword') return;
      inst.stateInstance = 'notAuthorized';
      inst.passwordStep.timedOut = true;
      say(`instance ${inst.idInstance}: password step timed out`);
    }, passwordTimeoutMs);
  }

  /** @param {InstanceState} inst */
  function deauthorize(inst) {
    clearTimers(inst);
    inst.authorized = false;
    inst.linkedBy = undefined;
    inst.stateInstance = 'notAuthorized';
    inst.httpQr = undefined;
    inst.phoneAuth = undefined;
    inst.passwordStep = { since: 0, wrong: 0, lockedUntil: 0, timedOut: false };
  }

  /** Sends `frame` on every live socket of `id` and closes them (1000). Returns how many. */
  function endSessions(id, frame) {
    const inst = instance(id);
    const sockets = [...inst.sessions].filter((ws) => ws.readyState === ws.OPEN);
    for (const ws of sockets) {
      ws.send(JSON.stringify(frame));
      ws.close(1000);
    }
    return sockets.length;
  }

  // Outcomes: each returns how many live sessions it reached.
  const simulate = {
    /**
     * The phone scanned the code. WhatsApp: accountData (or alreadyLogged, per profile), authorized,
     * close. Telegram/MAX: `pendingPassword` when the account has a cloud password, else authorized.
     */
    scan(id) {
      const inst = instance(id);
      if (inst.messenger !== 'whatsapp') {
        if (inst.password !== undefined || hasProfile(inst, 'stuck-pending-password')) awaitPassword(inst);
        else authorize(inst, 'scan');
        return 0;
      }
      authorize(inst, 'scan');
      const frame = hasProfile(inst, 'already-logged-after-scan') ? ALREADY_LOGGED : { type: 'accountData', ...accountOf(inst) };
      return endSessions(id, frame);
    },
    /** An `error` frame, then close. */
    error(id, message = DEFAULT_ERROR) {
      return endSessions(id, { type: 'error', message: String(message) });
    },
    /** The instance is (now) authorized: live sessions get alreadyLogged, later connects too. */
    alreadyLogged(id) {
      authorize(instance(id), 'control');
      return endSessions(id, ALREADY_LOGGED);
    },
    /** timeoutExpired (or `timeout`, per profile) now, then close. */
    timeout(id) {
      return endSessions(id, hasProfile(instance(id), 'timeout-name') ? TIMEOUT_NEW : TIMEOUT);
    },
    /** Kills the sockets without a close frame. */
    drop(id) {
      const inst = instance(id);
      const sockets = [...inst.sessions];
      for (const ws of sockets) ws.terminate();
      return sockets.length;
    },
    /** notAuthorized again (live sessions continue); the profile's counters start afresh. */
    reset(id) {
      const inst = instance(id);
      deauthorize(inst);
      inst.logoutUntil = 0;
      inst.fx = {};
      return inst.sessions.size;
    },
  };

  // --- rate limiting ------------------------------------------------------------------------------

  /**
   * Counts a request of `method` on `inst` (all requests, refused ones too, go into the stats: the
   * highest number seen in any `rateWindowMs`).
   */
  function record(/** @type {InstanceState} */ inst, /** @type {string} */ method) {
    const now = Date.now();
    let entry = inst.rate.get(method);
    if (!entry) {
      entry = { times: [], accepted: [], total: 0, limited: 0, maxPerSecond: 0 };
      inst.rate.set(method, entry);
    }
    entry.times = entry.times.filter((t) => t > now - rateWindowMs);
    entry.times.push(now);
    entry.total++;
    entry.maxPerSecond = Math.max(entry.maxPerSecond, entry.times.length);
    return entry;
  }

  /**
   * Whether GREEN-API's limit lets a counted request through: at most N accepted requests of the
   * method in any `rateWindowMs` (refused ones do not fill the window, so a client that backs off
   * gets through). The `rate-limited` profile refuses the first `times` requests of each method.
   * @returns {{ ok: true } | { ok: false, retryAfterS: number }}
   */
  function admit(/** @type {InstanceState} */ inst, /** @type {string} */ method, entry) {
    const now = Date.now();
    entry.accepted = entry.accepted.filter((/** @type {number} */ t) => t > now - rateWindowMs);
    const limit = /** @type {Record<string, number>} */ (RATE_LIMITS[inst.messenger])[method] ?? DEFAULT_RATE_LIMIT;
    if (rateLimits && entry.accepted.length >= limit) {
      entry.limited++;
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((entry.accepted[0] + rateWindowMs - now) / 1000)) };
    }
    if (hasProfile(inst, 'rate-limited')) {
      const forced = (inst.fx.forced429 ??= {});
      if ((forced[method] ?? 0) < (Number(opt(inst, 'times')) || 0)) {
        forced[method] = (forced[method] ?? 0) + 1;
        entry.limited++;
        return { ok: false, retryAfterS: Math.max(1, Number(opt(inst, 'retryAfterS')) || 1) };
      }
    }
    entry.accepted.push(now);
    return { ok: true };
  }

  /** `GET /mock/{id}/stats`. @param {string} id */
  function getStats(id) {
    const inst = instance(id);
    /** @type {Record<string, { total: number, limited: number, maxPerSecond: number, limit: number }>} */
    const methods = {};
    let limited = 0;
    for (const [method, entry] of [...inst.rate].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const limit = /** @type {Record<string, number>} */ (RATE_LIMITS[inst.messenger])[method] ?? DEFAULT_RATE_LIMIT;
      methods[method] = { total: entry.total, limited: entry.limited, maxPerSecond: entry.maxPerSecond, limit };
      limited += entry.limited;
    }
    return { idInstance: id, messenger: inst.messenger, windowMs: rateWindowMs, limited, methods };
  }

  // --- faults shared by HTTP and websocket --------------------------------------------------------

  /** The instance is "unreachable" (drop-mid-scan) right now. @param {InstanceState} inst */
  const isDown = (inst) => hasProfile(inst, 'drop-mid-scan') && Date.now() < (inst.fx.downUntil ?? 0);

  /**
   * A refusal every request of the instance gets, before the method runs: 401, 403, 466 or 429.
   * @returns {{ status: number, text?: string, body?: unknown, retryAfterS?: number } | undefined}
   */
  function refusal(/** @type {InstanceState} */ inst, /** @type {string} */ method) {
    const entry = record(inst, method);
    if (hasProfile(inst, 'unauthorized')) return { status: 401, text: HTTP_TEXTS[401] };
    if (hasProfile(inst, 'forbidden')) return { status: 403, text: HTTP_TEXTS[403] };
    if (hasProfile(inst, 'quota')) return { status: 466, body: QUOTA_BODY };
    const limited = admit(inst, method, entry);
    if (!limited.ok) return { status: 429, text: HTTP_TEXTS[429], retryAfterS: limited.retryAfterS };
    return undefined;
  }

  /** The next QR code image for the instance: real, or (broken-png) a broken one. @param {InstanceState} inst */
  async function nextQrImage(inst) {
    if (hasProfile(inst, 'broken-png')) {
      inst.fx.codes = (inst.fx.codes ?? 0) + 1;
      if (inst.fx.codes > (Number(opt(inst, 'goodFirst')) || 0)) return brokenPngBase64();
    }
    return qrPngBase64(inst.messenger);
  }

  /** drop-mid-scan: `afterMs` after the first QR code (socket or HTTP), kill every socket and be unreachable for `downMs`. @param {InstanceState} inst */
  function maybeGoDown(inst) {
    if (!hasProfile(inst, 'drop-mid-scan') || inst.fx.dropped) return;
    inst.fx.dropped = true;
    const goDown = () => {
      inst.fx.downUntil = Date.now() + (Number(opt(inst, 'downMs')) || 0);
      say(`instance ${inst.idInstance}: going away for ${opt(inst, 'downMs')} ms (drop-mid-scan)`);
      for (const ws of inst.sessions) ws.terminate();
    };
    const afterMs = Number(opt(inst, 'afterMs')) || 0;
    if (afterMs > 0) later(inst, goDown, afterMs);
    else goDown();
  }

  // --- the websocket ------------------------------------------------------------------------------

  /** @param {import('ws').WebSocket} ws @param {string} id */
  function startSession(ws, id) {
    const inst = instance(id);
    ws.on('error', () => {}); // a client vanishing mid-frame must not crash the server
    const endWith = (/** @type {object} */ frame) => {
      ws.send(JSON.stringify(frame));
      ws.close(1000);
    };
    if (inst.authorized) return endWith(ALREADY_LOGGED);
    if (hasProfile(inst, 'starting') && !inst.fx.startingCleared) return endWith({ type: 'error', message: STARTING_TEXT });
    if (Date.now() < inst.logoutUntil) return endWith({ type: 'error', message: LOGOUT_PROCESS_TEXT });
    inst.sessions.add(ws);
    /** @type {NodeJS.Timeout[]} */
    const timers = [];
    const cleanup = () => {
      for (const timer of timers) clearTimeout(timer);
      inst.sessions.delete(ws);
    };
    ws.on('close', (code) => { cleanup(); say(`instance ${id}: socket closed (${code})`); });
    if (hasProfile(inst, 'silent-socket')) return; // accepted, then nothing at all
    const sendQr = async () => {
      const message = await nextQrImage(inst);
      if (ws.readyState !== ws.OPEN) return;
      inst.qrCodesSent++;
      ws.send(JSON.stringify({ type: 'qrCode', message }));
      maybeGoDown(inst);
    };
    const firstDelay = hasProfile(inst, 'slow-first-qr') ? Number(opt(inst, 'delayMs')) || 0 : firstQrDelayMs;
    timers.push(setTimeout(() => {
      void sendQr();
      timers.push(setInterval(() => void sendQr(), qrIntervalMs));
    }, firstDelay));
    timers.push(setTimeout(() => {
      say(`instance ${id}: timeout`);
      if (ws.readyState === ws.OPEN) endWith(hasProfile(inst, 'timeout-name') ? TIMEOUT_NEW : TIMEOUT);
    }, timeoutMs));
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  /** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
  function json(res, status, body) {
    res.writeHead(status, { ...CORS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  /** A text body, as GREEN-API answers its 4xx errors. */
  function text(res, status, body, headers = {}) {
    res.writeHead(status, { ...CORS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(body);
  }

  /** The request's JSON body ({} when empty). Rejects bodies over 16 KiB or invalid JSON. */
  function readJson(req) {
    return new Promise((resolve, reject) => {
      let size = 0;
      /** @type {Buffer[]} */
      const chunks = [];
      req.on('data', (chunk) => {
        size += chunk.length;
        if (size > 16384) { reject(new Error('body too large')); req.destroy(); } else chunks.push(chunk);
      });
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').trim();
        try {
          const value = body ? JSON.parse(body) : {};
          resolve(value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {});
        } catch {
          reject(new Error('invalid JSON'));
        }
      });
      req.on('error', reject);
    });
  }

  /** Resolves after `ms`, or as soon as the client goes away (then with `false`). */
  function wait(req, ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { req.socket.off('close', gone); resolve(true); }, ms);
      const gone = () => { clearTimeout(timer); resolve(false); };
      req.socket.once('close', gone);
    });
  }

  /** `phoneNumber` as GREEN-API takes it: an integer (all SDKs); a digit string unless the profile refuses it. */
  function phoneOf(inst, body) {
    const raw = body.phoneNumber;
    if (typeof raw !== 'number' && hasProfile(inst, 'phone-string-refused')) return undefined;
    const digits = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : typeof raw === 'string' ? raw : '';
    return /^\d{7,15}$/.test(digits) ? Number(digits) : undefined;
  }

  /** Telegram/MAX password answer: `{status, data: {status, reason?}}` (SendAuthorizationPassword page). */
  const passwordAnswer = (reason) =>
    reason ? { status: false, data: { status: 'fail', reason } } : { status: true, data: { status: 'success' } };

  /** The password step of SendAuthorizationPassword (and of SendAuthorizationCode with an empty code). */
  function checkPassword(/** @type {InstanceState} */ inst, /** @type {unknown} */ password) {
    if (inst.authorized) return passwordAnswer('already_registered');
    if (inst.passwordStep.timedOut) {
      inst.passwordStep.timedOut = false;
      return passwordAnswer('timeout');
    }
    if (inst.stateInstance !== 'pendingPassword') return passwordAnswer('authorization_not_started');
    if (Date.now() < inst.passwordStep.lockedUntil) return passwordAnswer('rate_limit_exceeded');
    const right = !hasProfile(inst, 'stuck-pending-password') && inst.password !== undefined && password === inst.password;
    if (!right) {
      inst.passwordStep.wrong++;
      if (inst.passwordStep.wrong >= passwordAttempts) {
        inst.passwordStep.wrong = 0;
        inst.passwordStep.lockedUntil = Date.now() + passwordLockMs;
      }
      return passwordAnswer('invalid_password');
    }
    authorize(inst, inst.phoneAuth ? 'code' : 'scan');
    return passwordAnswer(undefined);
  }

  /** `GET /mock/{id}/auth-code`: what "arrived in Telegram's system chat". @param {InstanceState} inst */
  function authCodeInfo(inst) {
    const auth = inst.phoneAuth;
    if (!auth) return { code: null, phoneNumber: null, sentAt: null, expiresAt: null, codesSent: 0 };
    return { code: auth.code, phoneNumber: auth.phoneNumber, sentAt: auth.sentAt, expiresAt: auth.expiresAt, codesSent: auth.codesSent };
  }

  /**
   * One GREEN-API method. @param {InstanceState} inst @param {string} name
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   */
  async function runMethod(inst, name, req, res) {
    const id = inst.idInstance;
    const startingStuck = hasProfile(inst, 'starting') && !inst.fx.startingCleared;
    switch (name) {
      case 'qr': {
        if (startingStuck || inst.stateInstance === 'starting') return text(res, 400, STARTING_TEXT);
        if (Date.now() < inst.logoutUntil) return json(res, 200, { type: 'error', message: LOGOUT_PROCESS_TEXT });
        if (inst.stateInstance === 'pendingPassword') {
          // GREEN-API's chat app handles `pending_password` for Telegram; MAX documents no such type.
          return json(res, 200, inst.messenger === 'telegram' ? PENDING_PASSWORD : { type: 'error', message: PENDING_PASSWORD.message });
        }
        if (inst.authorized) {
          return json(res, 200, inst.messenger === 'telegram' && inst.linkedBy !== 'control' ? ALREADY_REGISTERED : ALREADY_LOGGED);
        }
        if (hasProfile(inst, 'qr-error')) {
          inst.fx.qrErrors = (inst.fx.qrErrors ?? 0) + 1;
          if (inst.fx.qrErrors <= (Number(opt(inst, 'times')) || 0)) return json(res, 200, { type: 'error', message: String(opt(inst, 'message')) });
        }
        if (hasProfile(inst, 'slow-first-qr')) {
          inst.fx.qrReadyAt ??= Date.now() + (Number(opt(inst, 'delayMs')) || 0);
          const left = inst.fx.qrReadyAt - Date.now();
          if (left > 0 && !(await wait(req, left))) return undefined;
        }
        const every = inst.messenger === 'whatsapp' ? qrIntervalMs : qrRefreshMs;
        if (!inst.httpQr || Date.now() - inst.httpQr.at >= every) inst.httpQr = { png: await nextQrImage(inst), at: Date.now() };
        json(res, 200, { type: 'qrCode', message: inst.httpQr.png });
        return maybeGoDown(inst);
      }
      case 'logout': {
        deauthorize(inst);
        inst.fx.startingCleared = true; // GREEN-API's remedy for a stuck `starting`: Logout (or Reboot)
        if (hasProfile(inst, 'logout-process')) inst.logoutUntil = Date.now() + (Number(opt(inst, 'logoutProcessMs')) || 0);
        return json(res, 200, { isLogout: true });
      }
      case 'getStateInstance': {
        if (hasProfile(inst, 'null-state')) return json(res, 200, opt(inst, 'shape') === 'field' ? { stateInstance: null } : null);
        return json(res, 200, { stateInstance: startingStuck ? 'starting' : inst.stateInstance });
      }
      case 'getSettings': {
        // GetSettings page; `typeInstance` tells the messenger (GREEN-API's chat app branches on it).
        const wid = inst.authorized ? (inst.messenger === 'whatsapp' ? inst.account.wid : accountOf(inst).chatId) : '';
        return json(res, 200, {
          wid, countryInstance: '', typeAccount: '', typeInstance: inst.messenger, webhookUrl: '', webhookUrlToken: '',
          delaySendMessagesMilliseconds: 5000, markIncomingMessagesReaded: 'no', markIncomingMessagesReadedOnReply: 'no',
          outgoingWebhook: 'yes', outgoingMessageWebhook: 'yes', outgoingAPIMessageWebhook: 'yes', incomingWebhook: 'yes',
          stateWebhook: 'yes', keepOnlineStatus: 'no',
        });
      }
      case 'getWaSettings': {
        // GetWaSettings page: avatar, phone, stateInstance, deviceId, chatId, logoutProcess; the
        // account fields are empty unless the instance is linked (and not starting or blocked).
        const state = startingStuck ? 'starting' : inst.stateInstance;
        const linked = inst.authorized && state !== 'starting' && state !== 'blocked';
        const phone = linked ? inst.account.wid.split('@')[0].replace(/\D/g, '') : '';
        return json(res, 200, {
          avatar: linked ? (inst.account.avatar ?? `${baseUrl}/mock/avatar.png`) : '', phone, stateInstance: state, deviceId: '', chatId: linked ? inst.account.wid : '',
          logoutProcess: Date.now() < inst.logoutUntil,
        });
      }
      case 'getAccountSettings': {
        // GetAccountSettings page (Telegram, MAX): avatar and phone empty while notAuthorized, blocked or starting.
        const state = startingStuck ? 'starting' : inst.stateInstance;
        const linked = inst.authorized && state !== 'starting' && state !== 'blocked';
        const acc = accountOf(inst);
        return json(res, 200, {
          avatar: linked ? acc.avatar : '', phone: linked ? acc.phone : '', stateInstance: state, chatId: linked ? acc.chatId : '',
          ...(inst.messenger === 'v3' ? { suspendedUntil: 0 } : {}),
        });
      }
      case 'getAuthorizationCode': {
        const body = await readJson(req);
        if (startingStuck) return text(res, 400, STARTING_TEXT);
        const phone = phoneOf(inst, body);
        if (phone === undefined) {
          return hasProfile(inst, 'phone-string-refused') ? text(res, 400, VALIDATION_TEXT) : json(res, 400, { error: 'phoneNumber: digits with country code' });
        }
        if (hasProfile(inst, 'auth-code-refused')) {
          inst.fx.refusals = (inst.fx.refusals ?? 0) + 1;
          const times = Number(opt(inst, 'times')) || 0;
          if (times === 0 || inst.fx.refusals <= times) return json(res, 200, { status: false, code: '' });
        }
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
        const code = Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('');
        clearTimers(inst);
        later(inst, () => { authorize(inst, 'code'); say(`instance ${id}: linked by phone code`); }, authCodeLinkMs);
        return json(res, 200, { status: true, code });
      }
      case 'startAuthorization': {
        // Telegram StartAuthorization page: the code goes to Telegram's system chat, lives 5 minutes,
        // and no new code is sent within 5 minutes of the previous request. The answer's `data`
        // fields are not documented; ours follow GREEN-API's chat app (`{status, data: {status, reason}}`).
        const body = await readJson(req);
        const phone = phoneOf(inst, body);
        if (phone === undefined) {
          return hasProfile(inst, 'phone-string-refused') ? text(res, 400, VALIDATION_TEXT) : json(res, 400, { error: 'phoneNumber: digits with country code' });
        }
        if (inst.authorized) return json(res, 200, { status: false, data: { status: 'fail', reason: 'already_registered' } });
        const now = Date.now();
        if (!inst.phoneAuth || now >= inst.phoneAuth.sentAt + codeLifetimeMs) {
          const code = String(randomInt(10_000, 100_000));
          inst.phoneAuth = { phoneNumber: phone, code, sentAt: now, expiresAt: now + codeLifetimeMs, codesSent: (inst.phoneAuth?.codesSent ?? 0) + 1 };
          say(`instance ${id}: a code went to Telegram's system chat (GET /mock/${id}/auth-code)`);
        }
        inst.stateInstance = 'notAuthorized'; // Telegram: also while a code or a password is awaited
        return json(res, 200, { status: true, data: { status: 'success' } });
      }
      case 'sendAuthorizationCode': {
        // Telegram SendAuthorizationCode page: {code, password?}; the code stays valid for 5 minutes
        // even after a wrong code or password; a right code without the password leaves the
        // authorization unfinished (SendAuthorizationPassword). `invalid_code` is our reason name.
        const body = await readJson(req);
        const code = typeof body.code === 'string' || typeof body.code === 'number' ? String(body.code).trim() : '';
        if (!code && body.password !== undefined && inst.stateInstance === 'pendingPassword') {
          return json(res, 200, checkPassword(inst, body.password)); // GREEN-API's chat app sends the password this way
        }
        if (inst.authorized) return json(res, 200, passwordAnswer('already_registered'));
        const auth = inst.phoneAuth;
        if (!auth) return json(res, 200, passwordAnswer('authorization_not_started'));
        if (Date.now() >= auth.expiresAt) return json(res, 200, passwordAnswer('timeout'));
        if (code !== auth.code) return json(res, 200, passwordAnswer('invalid_code'));
        if (inst.password !== undefined || hasProfile(inst, 'stuck-pending-password')) {
          if (inst.stateInstance !== 'pendingPassword') awaitPassword(inst);
          if (body.password === undefined || body.password === '') return json(res, 200, passwordAnswer(undefined));
          return json(res, 200, checkPassword(inst, body.password));
        }
        authorize(inst, 'code');
        return json(res, 200, passwordAnswer(undefined));
      }
      case 'sendAuthorizationPassword': {
        const body = await readJson(req);
        return json(res, 200, checkPassword(inst, body.password));
      }
    }
    return json(res, 404, { error: 'not found' });
  }

  /** `/mock/…` control calls. Returns `false` when the path is not one. */
  async function control(req, res, pathname, method) {
    if (pathname === '/mock/avatar.png' && method === 'GET') {
      res.writeHead(200, { ...CORS, 'content-type': 'image/png', 'cache-control': 'no-store' });
      res.end(AVATAR_PNG);
      return true;
    }
    if (pathname === '/mock/refuse-websocket' && method === 'POST') {
      const body = await readJson(req);
      refuseWebsocket = body.refuse !== false;
      say(`refuse-websocket: ${refuseWebsocket}`);
      json(res, 200, { refuseWebsocket });
      return true;
    }
    if (pathname === '/mock/profiles' && method === 'GET') {
      json(res, 200, { profiles: PROFILES, messengers: MESSENGERS, rateLimits: RATE_LIMITS });
      return true;
    }
    if (pathname === '/mock/profile') {
      if (method === 'POST') {
        const body = await readJson(req);
        serverProfile = checkProfile(body.name, body.options ?? {});
        for (const inst of instances.values()) if (!inst.ownProfile) inst.fx = {};
        say(`server profile: ${serverProfile.name} ${JSON.stringify(serverProfile.options)}`);
      }
      json(res, 200, { profile: serverProfile.name, options: serverProfile.options, messenger: defaultMessenger });
      return true;
    }
    if (pathname === '/mock/messenger' && method === 'POST') {
      const body = await readJson(req);
      defaultMessenger = checkMessenger(body.messenger);
      say(`default messenger: ${defaultMessenger}`);
      json(res, 200, { messenger: defaultMessenger });
      return true;
    }
    const m = CONTROL_PATH.exec(pathname);
    if (!m) return false;
    const [, id, action] = m;
    const inst = instance(id);
    if (!action) {
      if (method === 'GET') json(res, 200, getState(id));
      else json(res, 405, { error: 'use GET' });
      return true;
    }
    if (action === 'stats' || action === 'auth-code') {
      if (method !== 'GET') json(res, 405, { error: 'use GET' });
      else json(res, 200, action === 'stats' ? getStats(id) : authCodeInfo(inst));
      return true;
    }
    if (method !== 'POST') {
      json(res, 405, { error: 'use POST' });
      return true;
    }
    const body = await readJson(req);
    switch (action) {
      case 'profile': {
        setInstanceProfile(inst, body.name === null ? undefined : checkProfile(body.name, body.options ?? {}));
        say(`instance ${id}: profile ${profileOf(inst).name} ${JSON.stringify(profileOf(inst).options)}`);
        json(res, 200, { ok: true, action, state: getState(id) });
        return true;
      }
      case 'messenger': {
        const messenger = checkMessenger(body.messenger);
        if (messenger !== inst.messenger) {
          for (const ws of inst.sessions) ws.terminate();
          deauthorize(inst);
          inst.messenger = messenger;
          inst.rate.clear();
        }
        say(`instance ${id}: messenger ${messenger}`);
        json(res, 200, { ok: true, action, state: getState(id) });
        return true;
      }
      case 'password': {
        const { password } = body;
        if (password !== null && password !== undefined && (typeof password !== 'string' || !password)) {
          throw new ControlError('password must be a non-empty string, or null to remove it');
        }
        inst.password = password ?? undefined;
        say(`instance ${id}: cloud password ${inst.password === undefined ? 'removed' : 'set'}`);
        json(res, 200, { ok: true, action, state: getState(id) });
        return true;
      }
      case 'state': {
        const state = body.stateInstance;
        if (state !== null && !STATES.includes(state)) throw new ControlError(`stateInstance must be null or one of ${STATES.join(', ')}`);
        inst.stateInstance = state;
        inst.authorized = state === 'authorized' || state === 'yellowCard' || inst.authorized && state !== 'notAuthorized';
        if (state === 'authorized') inst.linkedBy ??= 'control';
        say(`instance ${id}: stateInstance ${state}`);
        json(res, 200, { ok: true, action, state: getState(id) });
        return true;
      }
    }
    if (!ACTIONS.includes(action)) {
      json(res, 404, { error: `unknown action ${action}` });
      return true;
    }
    const key = action === 'already-logged' ? 'alreadyLogged' : action;
    const delivered = key === 'error' ? simulate.error(id, body.message ?? DEFAULT_ERROR) : simulate[/** @type {'scan'} */ (key)](id);
    say(`instance ${id}: ${action} (${delivered} live session(s))`);
    json(res, 200, { ok: true, action, delivered, state: getState(id) });
    return true;
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const { pathname } = new URL(req.url ?? '/', 'http://mock');
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    if (pathname.startsWith('/mock/')) {
      try {
        if (await control(req, res, pathname, method)) return;
      } catch (err) {
        return json(res, 400, { error: err instanceof Error ? err.message : 'bad request' });
      }
    }

    const m = METHOD_PATH.exec(pathname);
    const name = m ? METHOD_BY_LOWER.get(m[2].toLowerCase()) : undefined;
    if (!m || !name) return json(res, 404, { error: 'not found' });
    const [, id, , segment] = m;
    const token = decodeToken(segment);
    if (!token) return json(res, 400, { error: 'bad token' });
    const inst = instance(id);
    if (isDown(inst)) {
      req.socket.destroy(); // "the server went away": no answer at all
      return;
    }
    say(`${method} /waInstance${id}/${name}/${mask(token)}`);
    if (!/** @type {readonly string[]} */ (METHODS[/** @type {keyof typeof METHODS} */ (name)].messengers).includes(inst.messenger)) {
      return json(res, 404, { error: 'not found' });
    }
    const refused = refusal(inst, name);
    if (refused) {
      if (refused.body !== undefined) return json(res, refused.status, refused.body);
      return text(res, refused.status, refused.text ?? '', refused.retryAfterS ? { 'retry-after': String(refused.retryAfterS) } : {});
    }
    const expected = METHODS[/** @type {keyof typeof METHODS} */ (name)].verb;
    if (method !== expected) return json(res, 405, { error: `use ${expected}` });
    return runMethod(inst, name, req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) json(res, 400, { error: err instanceof Error ? err.message : 'bad request' });
    });
  });
  const wss = new WebSocketServer({ noServer: true });

  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://mock');
    const m = SOCKET_PATH.exec(pathname);
    const token = m ? decodeToken(m[2]) : undefined;
    const reject = (/** @type {number} */ status, /** @type {string} */ reason, extra = '') => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${extra}Content-Length: 0\r\n\r\n`);
    };
    if (!m || !token) return reject(404, 'Not Found');
    const inst = instance(m[1]);
    if (isDown(inst)) return socket.destroy();
    // GREEN-API documents no websocket for Telegram and MAX (telegram-max.md).
    if (inst.messenger !== 'whatsapp') return reject(404, 'Not Found');
    const refused = refusal(inst, 'scanqrcode');
    if (refused) {
      say(`instance ${m[1]}: websocket refused (${refused.status})`);
      const reason = { 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests', 466: 'Quota Exceeded' }[refused.status] ?? 'Refused';
      return reject(refused.status, reason, refused.retryAfterS ? `Retry-After: ${refused.retryAfterS}\r\n` : '');
    }
    if (refuseWebsocket) {
      say(`instance ${m[1]}: websocket refused (403)`);
      return reject(403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      say(`instance ${m[1]}: scanqrcode connected (token ${mask(token)})`);
      startSession(ws, m[1]);
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(undefined); });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${urlHost}:${address.port}`;

  return {
    port: address.port,
    url: baseUrl,
    /** @type {Map<string, InstanceState>} Per-instance state, keyed by instance id. */
    instances,
    /** State JSON of one instance (what `GET /mock/{id}` returns). */
    getState,
    /** Request counts of one instance (what `GET /mock/{id}/stats` returns). */
    getStats,
    /** Outcome simulation: each returns how many live sessions it reached. */
    ...simulate,
    /** Makes websocket upgrades fail with HTTP 403 (or work again). @param {boolean} refuse */
    setRefuseWebsocket(refuse) { refuseWebsocket = refuse; },
    /** The server's profile (instances without their own). @param {string} name @param {Record<string, unknown>} [profileOptions] */
    setProfile(name, profileOptions = {}) {
      serverProfile = checkProfile(name, profileOptions);
      for (const inst of instances.values()) if (!inst.ownProfile) inst.fx = {};
    },
    /** One instance's profile (`undefined` name: the server's again). @param {string} id @param {string | undefined} name @param {Record<string, unknown>} [profileOptions] */
    setInstanceProfile(id, name, profileOptions = {}) {
      setInstanceProfile(instance(id), name === undefined ? undefined : checkProfile(name, profileOptions));
    },
    /** One instance's messenger. @param {string} id @param {Messenger} messenger */
    setMessenger(id, messenger) {
      instance(id).messenger = checkMessenger(messenger);
    },
    /** Stops everything: timers, sockets (terminated) and the HTTP server. @returns {Promise<void>} */
    async close() {
      for (const inst of instances.values()) {
        clearTimers(inst);
        for (const ws of inst.sessions) ws.terminate();
        inst.sessions.clear();
      }
      await new Promise((resolve) => wss.close(() => resolve(undefined)));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

const USAGE = `usage: node mock/server.mjs [--port N] [--profile NAME] [--profile-options JSON] [--messenger whatsapp|telegram|v3]
  (or PORT=N, MOCK_PROFILE=NAME, MOCK_MESSENGER=NAME)
profiles: ${Object.keys(PROFILES).join(', ')}`;

/**
 * The command line → `startMockServer` options, or `{ error }`.
 * @param {string[]} argv @param {Record<string, string | undefined>} env
 * @returns {{ options: MockOptions } | { error: string } | { help: true }}
 */
export function parseArgs(argv, env = {}) {
  /** @type {Record<string, string>} */
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    const eq = /^--(port|profile|profile-options|messenger)=(.*)$/.exec(arg);
    if (eq) {
      flags[eq[1]] = eq[2];
    } else if (/^--(port|profile|profile-options|messenger)$/.test(arg) && i + 1 < argv.length) {
      flags[arg.slice(2)] = argv[++i];
    } else {
      return { error: `unknown or incomplete argument: ${arg}` };
    }
  }
  const portText = flags.port ?? (env.PORT || '7070');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) return { error: `not a port: ${portText}` };
  let profileOptions = {};
  if (flags['profile-options'] !== undefined) {
    try {
      profileOptions = JSON.parse(flags['profile-options']);
    } catch {
      return { error: '--profile-options must be JSON, e.g. \'{"delayMs": 20000}\'' };
    }
  }
  const profile = flags.profile ?? (env.MOCK_PROFILE || 'happy');
  const messenger = flags.messenger ?? (env.MOCK_MESSENGER || 'whatsapp');
  try {
    checkProfile(profile, profileOptions);
    checkMessenger(messenger);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  return { options: { port, profile, profileOptions, messenger: /** @type {Messenger} */ (messenger) } };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const parsed = parseArgs(process.argv.slice(2), process.env);
  if ('help' in parsed) {
    console.log(USAGE);
    process.exit(0);
  }
  if ('error' in parsed) {
    console.error(`${parsed.error}\n${USAGE}`);
    process.exit(2);
  }
  const { port } = parsed.options;
  let mock;
  try {
    mock = await startMockServer({ ...parsed.options, log: true });
  } catch (err) {
    const code = /** @type {NodeJS.ErrnoException} */ (err).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${port} is already in use on 127.0.0.1: stop the other server or pick another port (npm run mock -- --port 7071, or PORT=7071).`
        : `Could not start the GREEN-API mock: ${err instanceof Error ? err.message : err}`,
    );
    process.exit(1);
  }
  const { profile, profileOptions, messenger } = parsed.options;
  console.log(`GREEN-API mock listening on ${mock.url}`);
  console.log(`  profile    ${profile} ${JSON.stringify(checkProfile(profile, profileOptions).options)}; instances are ${messenger} unless set`);
  console.log(`  websocket  ${mock.url.replace('http', 'ws')}/waInstance{id}/scanqrcode/{token}`);
  console.log(`  control    POST ${mock.url}/mock/{id}/{scan|error|already-logged|timeout|drop|reset|profile|messenger|password|state}`);
  console.log(`             GET ${mock.url}/mock/{id}, /mock/{id}/stats, /mock/{id}/auth-code, /mock/profiles`);
  const stop = () => void mock.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
