/**
 * The element's views: one small pure function per state, each returning the stage (the square),
 * the headline and the body. Everything they show comes from the {@link ViewModel} the element
 * builds in `willUpdate`; clicks go to {@link ViewActions}. Server text is interpolated as text (Lit
 * escapes it), never as markup.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { ChatPhase } from '../core/chat-session.js';
import type { ConfigField } from '../core/config.js';
import type { AccountData, FailureReason, ScanFailure, ScanState } from '../core/events.js';
import type { Messenger } from '../core/messenger.js';
import type { PasswordProblem } from '../core/password-step.js';
import type { PhoneLinkSession, PhoneRequestError } from '../core/phone-link-session.js';
import type { ScanPhase } from '../core/scan-options.js';
import { SCAN_WINDOW_MS, ScanSession, type ScanTransport } from '../core/scan-session.js';
import type { CodeProblem, TelegramPhoneSession } from '../core/telegram-phone-session.js';
import type { PollQrSession } from '../core/poll-qr-session.js';
import { chatViews, phoneChunk } from './chunk.js';
import { isChatSession, type AnySession, type LinkSessionOptions } from './link-controller.js';
import { milestoneText, secondsLeft } from './countdown.js';
import { format, type Strings } from './localize.js';

export interface ViewModel {
  t: Strings;
  state: ScanState;
  phone: boolean;
  /** Which waiting text the idle QR view shows. */
  waiting: 'idle' | 'offline' | 'paused';
  /** What a `connecting` session waits for. */
  phase?: ScanPhase | ChatPhase | 'requesting';
  /** The messenger being linked, once known (`undefined` while `auto` asks GetSettings). */
  messenger?: Messenger;
  /** MAX with `mode="phone"`: MAX has no phone linking, the QR code is shown instead. */
  phoneFallback: boolean;
  /** Telegram/MAX: GREEN-API said the sign-in had not started; the codes started over. */
  restarted: boolean;
  /** The password form: why the last password was refused, whether one is on its way, seconds to wait. */
  passwordProblem?: PasswordProblem;
  passwordBusy: boolean;
  passwordWait: number;
  /** Telegram by phone: the code form (`undefined` for WhatsApp's code on screen). */
  codeForm?: { problem?: CodeProblem; busy: boolean; reused: boolean };
  /** GREEN-API's text of an HTTP QR `error` while polling goes on. */
  notice?: string;
  /** The session fell back to HTTP polling on its own (not `transport="http"`). */
  fellBack: boolean;
  qrImage?: string;
  /** The decoded `<img>` of `qrImage` (WhatsApp), shown as it is: see {@link shownImage}. */
  qrNode?: HTMLImageElement;
  /** Seconds left of the scan window (or of the phone code), and the window's length. */
  left: number;
  total: number;
  code?: string;
  copied: boolean;
  phoneInput: string;
  requestError?: PhoneRequestError;
  account?: AccountData;
  failure?: ScanFailure;
  /** The setting an `invalidConfig` failure is about. */
  invalidField?: ConfigField;
  allowLogout: boolean;
  /** The element links with a ticket from the page's backend, not the token. */
  ticketMode: boolean;
  loggingOut: boolean;
  logoutFailed: boolean;
}

/** What the view takes from the running session (or the last one): the code, the time left, what it waits for. */
export function sessionFacts(session: AnySession | undefined, now: number, options: LinkSessionOptions) {
  const scan = session instanceof ScanSession ? session : undefined;
  // (The phone session's class is loaded on demand: see chunk.ts.)
  const phone = phoneChunk.value && session instanceof phoneChunk.value.PhoneLinkSession ? (session as PhoneLinkSession) : undefined;
  const chat = isChatSession(session) ? session : undefined;
  const chatQr = chat && 'qrImage' in chat ? (chat as PollQrSession) : undefined;
  const tgPhone = chat && 'submitCode' in chat ? (chat as TelegramPhoneSession) : undefined;
  const totalMs = phone
    ? (options.codeValidityMs ?? 150_000)
    : chatQr
      ? (options.codeRefreshMs ?? 5_000)
      : tgPhone
        ? (options.codeLifetimeMs ?? 300_000)
        : (options.scanWindowMs ?? SCAN_WINDOW_MS);
  const total = Math.round(totalMs / 1000);
  const left = secondsLeft(session?.expiresAt, total, now);
  const phase: ViewModel['phase'] = phone ? (phone.phase ?? (phone.state === 'connecting' ? 'requesting' : undefined)) : (scan ?? chat)?.phase;
  const messenger: Messenger | undefined = chat ? chat.messenger : scan || phone ? 'whatsapp' : undefined;
  const retryAt = chat?.password.retryAt;
  return {
    phase,
    messenger,
    notice: scan?.notice ?? chatQr?.notice,
    transport: scan?.transport as ScanTransport | undefined,
    qrImage: scan?.qrImage ?? chatQr?.qrImage,
    left,
    total,
    code: phone?.code,
    requestError: phone?.requestError ?? tgPhone?.requestError,
    invalidField: session?.configProblem?.field,
    phoneFallback: Boolean(chatQr?.phoneFallback),
    restarted: Boolean(chatQr?.restarted),
    passwordProblem: chat?.password.problem,
    passwordBusy: Boolean(chat?.password.busy),
    passwordWait: retryAt && retryAt > now ? Math.ceil((retryAt - now) / 1000) : 0,
    codeForm: tgPhone ? { problem: tgPhone.codeProblem, busy: tgPhone.codeBusy, reused: tgPhone.codeReused } : undefined,
  };
}

export interface ViewActions {
  retry(): void;
  logout(): void;
  toggleMode(): void;
  submitPhone(event: SubmitEvent): void;
  inputPhone(event: InputEvent): void;
  copy(): void;
  /** The password form was submitted (the handler reads the field, then clears it). */
  submitPassword(event: SubmitEvent): void;
  /** The Telegram code form was submitted. */
  submitCode(event: SubmitEvent): void;
}

export interface View {
  stage: unknown;
  status: string;
  body?: unknown;
}

export const skeleton = html`<div part="skeleton" class="skeleton" aria-hidden="true"></div>`;

export const icon = (kind: 'ok' | 'bad') =>
  html`<svg class="icon ${kind}" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
    <circle cx="12" cy="12" r="10"></circle>
    ${kind === 'ok' ? svg`<path d="m7.5 12.5 3 3 6-6.5"></path>` : svg`<path d="M12 7v6"></path><path d="M12 16.5v.5"></path>`}
  </svg>`;

/**
 * The numbered steps (three or four): one template with a binding per step rather than a template
 * per item, so that 200 cards hold 2 template instances for them instead of 10 (heap, first render).
 */
export const steps = (a: string, b: string, c: string, d?: string) =>
  d === undefined
    ? html`<ol part="instructions"> <li>${a}</li> <li>${b}</li> <li>${c}</li></ol>`
    : html`<ol part="instructions"> <li>${a}</li> <li>${b}</li> <li>${c}</li> <li>${d}</li></ol>`;

export const hint = (text: string) => html`<p class="hint">${text}</p>`;

/** `79001234567@c.us` → `+79001234567`; anything else is shown as it is. */
export const phoneNumber = (wid: string) => {
  const user = wid.split('@')[0];
  return /^\d{5,15}$/.test(user) ? `+${user}` : wid;
};

function idleView(v: ViewModel, a: ViewActions): View {
  const { t } = v;
  // The number form, once the phone path is loaded (the placeholder meanwhile).
  if (v.phone) return { stage: phoneChunk.value?.phoneForm(v, a) ?? skeleton, status: t.phoneTitle };
  return { stage: skeleton, status: v.waiting === 'offline' ? t.offline : v.waiting === 'paused' ? t.paused : t.idle };
}

/** The headline and hint while connecting, by what the session waits for. */
const CONNECTING: Record<NonNullable<ViewModel['phase']>, [keyof Strings, (keyof Strings)?]> = {
  requesting: ['phoneRequesting'],
  preparing: ['connecting'],
  slow: ['connecting', 'slowFirstCode'],
  reconnecting: ['reconnecting'],
  loggingOut: ['loggingOutWait'],
  confirming: ['confirming'],
  starting: ['starting', 'startingHint'],
};

function connectingView(v: ViewModel, a: ViewActions): View {
  const { t } = v;
  const [status, hintKey] = CONNECTING[v.phase ?? 'preparing'];
  return {
    stage: skeleton,
    status: t[status],
    body: html`${hintKey ? hint(t[hintKey]) : nothing}${v.fellBack ? hint(t.httpFallback) : nothing}${notice(v)}${
      v.phase === 'reconnecting' ? html`<div class="actions">${retryButton(v, a)}</div>` : nothing
    }`,
  };
}

/** What the live region says: a milestone of the countdown while it passes, else what it said before (nothing outside `qr`). */
export function announcement(v: ViewModel, previous: string): string {
  if (v.state !== 'qr') return '';
  return milestoneText(v.t, v.left) ?? previous;
}

/** GREEN-API's own words, as secondary detail. */
export const notice = (v: ViewModel) => (v.notice ? html`<p part="message" class="detail">${format(v.t.serverNotice, { message: v.notice })}</p>` : nothing);

function qrView(v: ViewModel): View {
  const { t } = v;
  // Telegram's and MAX's QR view comes with their sessions.
  if (v.messenger && v.messenger !== 'whatsapp') return chatViews()!.chatQrView(v);
  return {
    stage: v.qrNode ?? html`<img part="qr" src=${v.qrImage ?? ''} alt=${t.qrAlt} width="256" height="256" />`,
    status: t.qrReady,
    body: html`${countdownFrame}${v.fellBack ? hint(t.httpFallback) : nothing}${notice(v)}${steps(t.stepOpen, t.stepDevices, t.stepLink, t.stepScan)}`,
  };
}

/**
 * The `<img>` a code was decoded in, made the `[part=qr]` image (the view then shows that node
 * itself: painted at once, never decoded twice). Called while the view model is built.
 */
export function shownImage(img: HTMLImageElement | undefined, alt: string): HTMLImageElement | undefined {
  if (!img) return undefined;
  if (!img.hasAttribute('part')) {
    img.setAttribute('part', 'qr');
    img.width = img.height = 256;
  }
  if (img.alt !== alt) img.alt = alt;
  return img;
}

/** The QR code's countdown frame: the element paints the seconds, the timer's label and the bar into it, and ticks them without a render (countdown.ts). */
const countdownFrame = html`<div part="countdown" class="countdown" role="timer">
  <span class="bar" aria-hidden="true"><span class="left"></span></span>
  <span class="seconds" aria-hidden="true"></span>
</div>`;
function linkedView(v: ViewModel): View {
  const account = v.account;
  if (v.messenger && v.messenger !== 'whatsapp') return chatViews()!.chatLinkedView(v);
  return {
    stage: icon('ok'),
    status: v.t.linked,
    body: html`<slot name="linked"
      ><p part="account">
        ${account?.pushname ? html`<strong>${account.pushname}</strong><br />` : nothing}${phoneNumber(account?.wid ?? '')}
      </p></slot
    >`,
  };
}

/** Per reason: the headline, the hint, and whether a new attempt can help. */
const FAILURES: Record<FailureReason, { title: keyof Strings; hint?: keyof Strings; retry: boolean }> = {
  alreadyLogged: { title: 'failedAlreadyLogged', hint: 'failedAlreadyLoggedHint', retry: true },
  timeoutExpired: { title: 'failedTimeoutExpired', hint: 'failedTimeoutExpiredHint', retry: true },
  error: { title: 'failedError', hint: 'failedErrorHint', retry: true },
  connection: { title: 'failedConnection', hint: 'failedConnectionHint', retry: true },
  invalidConfig: { title: 'failedInvalidConfig', retry: false },
  unauthorized: { title: 'failedUnauthorized', hint: 'unauthorizedToken', retry: true },
  quotaExceeded: { title: 'failedQuota', hint: 'failedQuotaHint', retry: true },
  instanceBlocked: { title: 'failedBlocked', hint: 'failedBlockedHint', retry: true },
  instanceStarting: { title: 'failedStarting', hint: 'failedStartingHint', retry: true },
};

const FIELD_HINTS: Record<ConfigField, keyof Strings> = {
  'instance-id': 'invalidInstanceId',
  token: 'invalidToken',
  ticket: 'invalidTicket',
  'api-url': 'invalidApiUrl',
};

/** GREEN-API's `error` that asks for a Logout ("Instance has auth…") means the number is already linked. */
export const asksForLogout = (failure: ScanFailure | undefined) =>
  failure?.reason === 'alreadyLogged' || (failure?.reason === 'error' && /log ?out/i.test(failure.message));

function failedView(v: ViewModel, a: ViewActions): View {
  const { t } = v;
  const failure = v.failure ?? { reason: 'error', message: '' };
  const entry = FAILURES[failure.reason];
  const chat = v.messenger === 'telegram' || v.messenger === 'max';
  const status =
    v.phone && failure.reason === 'timeoutExpired' && !v.phoneFallback
      ? t.codeExpired
      : chat && failure.reason === 'alreadyLogged'
        ? t.failedAlreadyLoggedChat
        : chat && failure.reason === 'timeoutExpired'
          ? t.failedTimeoutChat
          : t[entry.title];
  const logout = v.allowLogout && asksForLogout(failure);
  return {
    stage: icon('bad'),
    status,
    body: html`${failureHint(v, failure, entry.hint)}${
        // GREEN-API's own text (an `error`) is secondary detail under the headline, shown as text.
        failure.reason === 'error' && failure.message ? html`<p part="message" class="detail">${failure.message}</p>` : nothing
      }
      <div class="actions">${logout ? logoutButton(v, a) : entry.retry ? retryButton(v, a) : nothing}</div>`,
  };
}

/** What to do, in the reader's words: the wrong setting, the credential GREEN-API refused, or the reason's hint. */
function failureHint(v: ViewModel, failure: ScanFailure, key: keyof Strings | undefined) {
  const { t } = v;
  if (failure.reason === 'invalidConfig') return html`<p part="message">${v.invalidField ? t[FIELD_HINTS[v.invalidField]] : t.invalidMessenger}</p>`;
  if (failure.reason === 'unauthorized') key = v.ticketMode ? 'unauthorizedTicket' : failure.status === 403 ? 'unauthorizedInstance' : 'unauthorizedToken';
  if (!key || (v.phone && failure.reason === 'timeoutExpired')) return nothing;
  if (failure.reason === 'timeoutExpired' && v.messenger !== 'whatsapp' && v.messenger) return nothing;
  // The server's text takes the `message` part of an `error`; that hint is plain.
  const text = format(t[key], { n: v.total });
  return failure.reason === 'error' ? hint(text) : html`<p part="message" class="hint">${text}</p>`;
}

function logoutButton(v: ViewModel, a: ViewActions) {
  const { t } = v;
  return html`<button part="logout-button" type="button" ?disabled=${v.loggingOut} @click=${a.logout}>${v.loggingOut ? t.loggingOut : t.logout}</button>
    ${v.logoutFailed ? html`<p class="error" role="alert">${t.logoutFailed}</p>` : nothing}`;
}

export const retryButton = (v: ViewModel, a: ViewActions) =>
  html`<button part="retry-button" type="button" @click=${a.retry}>${v.phone ? v.t.newCode : v.t.retry}</button>`;

const VIEWS: Record<ScanState, (v: ViewModel, a: ViewActions) => View> = {
  idle: idleView,
  connecting: connectingView,
  qr: qrView,
  // A code is shown by WhatsApp's phone session (its views come with it) or Telegram's (a form);
  // the password is asked by Telegram's and MAX's: their views come with their sessions.
  code: (v, a) => (v.codeForm ? chatViews()!.chatCodeView(v, a) : phoneChunk.value!.codeView(v, a)),
  password: (v, a) => chatViews()!.passwordView(v, a),
  linked: linkedView,
  failed: failedView,
};

/** The view of the current state, plus the switch between QR code and phone number where it helps. */
export function renderView(
  v: ViewModel,
  a: ViewActions,
): View & { label: TemplateResult | typeof nothing; modeSwitch: TemplateResult | typeof nothing; stageClass: string; cardClass: string } {
  const view = VIEWS[v.state](v, a);
  const reason = v.state === 'failed' ? v.failure?.reason : undefined;
  // MAX has no phone linking; while the password is asked for, switching would lose the scan.
  const hideSwitch =
    v.state === 'linked' || v.state === 'password' || reason === 'invalidConfig' || reason === 'alreadyLogged' || v.messenger === 'max';
  const modeSwitch = hideSwitch
    ? nothing
    : html`<button part="mode-switch" class="switch" type="button" @click=${a.toggleMode}>${v.phone ? v.t.useQr : v.t.usePhone}</button>`;
  // A form takes the stage's place: the phone number, the password, Telegram's code.
  const form = (v.phone && v.state === 'idle') || v.state === 'password' || (v.state === 'code' && v.codeForm !== undefined);
  const stageClass = form ? 'form' : v.state === 'code' ? 'flat' : '';
  return { ...view, status: view.status, label: chatViews()?.messengerLabel(v) ?? nothing, modeSwitch, stageClass, cardClass: form ? 'form-view' : '' };
}
