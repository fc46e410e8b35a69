/**
 * The element's views: one small pure function per state, each returning the stage (the square),
 * the headline and the body. Everything they show comes from the {@link ViewModel} the element
 * builds in `willUpdate`; clicks go to {@link ViewActions}. Server text is interpolated as text (Lit
 * escapes it), never as markup.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { ConfigField } from '../core/config.js';
import type { AccountData, FailureReason, ScanFailure, ScanState } from '../core/events.js';
import { PhoneLinkSession, type PhoneLinkOptions, type PhoneRequestError } from '../core/phone-link-session.js';
import type { ScanPhase } from '../core/scan-options.js';
import { SCAN_WINDOW_MS, ScanSession, type ScanSessionOptions, type ScanTransport } from '../core/scan-session.js';
import { secondsLeft } from './countdown.js';
import { format, type Strings } from './localize.js';

export interface ViewModel {
  t: Strings;
  state: ScanState;
  phone: boolean;
  /** Which waiting text the idle QR view shows. */
  waiting: 'idle' | 'offline' | 'paused';
  /** What a `connecting` session waits for. */
  phase?: ScanPhase | 'requesting';
  /** GREEN-API's text of an HTTP QR `error` while polling goes on. */
  notice?: string;
  /** The session fell back to HTTP polling on its own (not `transport="http"`). */
  fellBack: boolean;
  qrImage?: string;
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
export function sessionFacts(session: ScanSession | PhoneLinkSession | undefined, now: number, options: ScanSessionOptions & PhoneLinkOptions) {
  const scan = session instanceof ScanSession ? session : undefined;
  const phone = session instanceof PhoneLinkSession ? session : undefined;
  const total = Math.round((phone ? (options.codeValidityMs ?? 150_000) : (options.scanWindowMs ?? SCAN_WINDOW_MS)) / 1000);
  const left = secondsLeft(session?.expiresAt, total, now);
  const phase: ViewModel['phase'] = phone ? (phone.phase ?? (phone.state === 'connecting' ? 'requesting' : undefined)) : scan?.phase;
  return {
    phase,
    notice: scan?.notice,
    transport: scan?.transport as ScanTransport | undefined,
    qrImage: scan?.qrImage,
    left,
    total,
    code: phone?.code,
    requestError: phone?.requestError,
    invalidField: session?.configProblem?.field,
  };
}

export interface ViewActions {
  retry(): void;
  /** The code image did not decode. */
  logout(): void;
  toggleMode(): void;
  submitPhone(event: SubmitEvent): void;
  inputPhone(event: InputEvent): void;
  copy(): void;
}

export interface View {
  stage: unknown;
  status: string;
  body?: unknown;
}

const skeleton = html`<div part="skeleton" class="skeleton" aria-hidden="true"></div>`;

const icon = (kind: 'ok' | 'bad') =>
  html`<svg class="icon ${kind}" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
    <circle cx="12" cy="12" r="10"></circle>
    ${kind === 'ok' ? svg`<path d="m7.5 12.5 3 3 6-6.5"></path>` : svg`<path d="M12 7v6"></path><path d="M12 16.5v.5"></path>`}
  </svg>`;

const steps = (...items: string[]) => html`<ol part="instructions">${items.map((item) => html` <li>${item}</li>`)}</ol>`;

const hint = (text: string) => html`<p class="hint">${text}</p>`;

/** `79001234567@c.us` → `+79001234567`; anything else is shown as it is. */
export const phoneNumber = (wid: string) => {
  const user = wid.split('@')[0];
  return /^\d{5,15}$/.test(user) ? `+${user}` : wid;
};

function idleView(v: ViewModel, a: ViewActions): View {
  const { t } = v;
  if (v.phone) return { stage: phoneForm(v, a), status: t.phoneTitle };
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

/** GREEN-API's own words, as secondary detail. */
const notice = (v: ViewModel) => (v.notice ? html`<p part="message" class="detail">${format(v.t.serverNotice, { message: v.notice })}</p>` : nothing);

function qrView(v: ViewModel): View {
  const { t } = v;
  return {
    stage: html`<img part="qr" src=${v.qrImage ?? ''} alt=${t.qrAlt} width="256" height="256" />`,
    status: t.qrReady,
    body: html`${countdown}${v.fellBack ? hint(t.httpFallback) : nothing}${notice(v)}${steps(t.stepOpen, t.stepDevices, t.stepLink, t.stepScan)}`,
  };
}

/** The countdown's frame: the element paints the seconds, the timer's label and the bar into it, and ticks them without a render (countdown.ts). */
const countdown = html`<div part="countdown" class="countdown" role="timer">
  <span class="bar" aria-hidden="true"><span class="left"></span></span>
  <span class="seconds" aria-hidden="true"></span>
</div>`;

function codeView(v: ViewModel, a: ViewActions): View {
  const { t } = v;
  const code = v.code ?? '';
  return {
    stage: html`<div class="code-box">
      <p part="code" class="code" aria-label=${format(t.codeAlt, { code: code.split('').join(' ') })}>${code}</p>
      <button part="copy-button" type="button" @click=${a.copy}>${v.copied ? t.copied : t.copy}</button>
      <span class="code-left">${format(t.countdownShort, { n: v.left })}</span>
    </div>`,
    status: t.codeTitle,
    body: html`${steps(t.codeStepOpen, t.codeStepDevices, t.codeStepPhone, t.codeStepEnter)}${hint(t.codeWaiting)}`,
  };
}

function linkedView(v: ViewModel): View {
  const account = v.account;
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

function phoneForm(v: ViewModel, a: ViewActions) {
  const { t, requestError: e } = v;
  const error = !e
    ? ''
    : e.kind === 'invalidNumber'
      ? t.phoneInvalid
      : e.kind === 'refused'
        ? t.codeRefused
        : e.reason === 'instanceStarting'
          ? t.codeStarting
          : t.codeFailed;
  return html`<form part="phone-form" class="phone-form" novalidate @submit=${a.submitPhone}>
    <label for="phone">${t.phoneLabel}</label>
    <input
      id="phone"
      part="phone-input"
      type="tel"
      inputmode="tel"
      autocomplete="tel"
      placeholder=${t.phonePlaceholder}
      aria-invalid=${e?.kind === 'invalidNumber' ? 'true' : 'false'}
      aria-describedby=${ifDefined(error ? 'phone-error' : undefined)}
      .value=${live(v.phoneInput)}
      @input=${a.inputPhone}
    />
    ${error ? html`<p id="phone-error" class="error" role="alert">${error}</p>` : nothing}
    <button part="phone-submit" type="submit">${t.phoneSubmit}</button>
  </form>`;
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
  const status = v.phone && failure.reason === 'timeoutExpired' ? t.codeExpired : t[entry.title];
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
  if (failure.reason === 'invalidConfig') return html`<p part="message">${t[FIELD_HINTS[v.invalidField ?? 'instance-id']]}</p>`;
  if (failure.reason === 'unauthorized') key = v.ticketMode ? 'unauthorizedTicket' : failure.status === 403 ? 'unauthorizedInstance' : 'unauthorizedToken';
  if (!key || (v.phone && failure.reason === 'timeoutExpired')) return nothing;
  // The server's text takes the `message` part of an `error`; that hint is plain.
  const text = format(t[key], { n: v.total });
  return failure.reason === 'error' ? hint(text) : html`<p part="message" class="hint">${text}</p>`;
}

function logoutButton(v: ViewModel, a: ViewActions) {
  const { t } = v;
  return html`<button part="logout-button" type="button" ?disabled=${v.loggingOut} @click=${a.logout}>${v.loggingOut ? t.loggingOut : t.logout}</button>
    ${v.logoutFailed ? html`<p class="error" role="alert">${t.logoutFailed}</p>` : nothing}`;
}

const retryButton = (v: ViewModel, a: ViewActions) =>
  html`<button part="retry-button" type="button" @click=${a.retry}>${v.phone ? v.t.newCode : v.t.retry}</button>`;

const VIEWS: Record<ScanState, (v: ViewModel, a: ViewActions) => View> = {
  idle: idleView,
  connecting: connectingView,
  qr: qrView,
  code: codeView,
  linked: linkedView,
  failed: failedView,
};

/** The view of the current state, plus the switch between QR code and phone number where it helps. */
export function renderView(v: ViewModel, a: ViewActions): View & { modeSwitch: TemplateResult | typeof nothing } {
  const view = VIEWS[v.state](v, a);
  const reason = v.state === 'failed' ? v.failure?.reason : undefined;
  const hideSwitch = v.state === 'linked' || reason === 'invalidConfig' || reason === 'alreadyLogged';
  const modeSwitch = hideSwitch
    ? nothing
    : html`<button part="mode-switch" class="switch" type="button" @click=${a.toggleMode}>${v.phone ? v.t.useQr : v.t.usePhone}</button>`;
  return { ...view, modeSwitch };
}
