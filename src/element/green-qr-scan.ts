import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { Task, TaskStatus } from '@lit/task';
import { ClockController } from './clock-controller.js';
import { DEFAULT_API_URL, resolveConfig, type ConfigField } from '../core/config.js';
import {
  AccountLinkedEvent,
  ScanFailedEvent,
  ScanStateChangeEvent,
  type AccountData,
  type ScanFailure,
  type ScanState,
} from '../core/events.js';
import { logout } from '../core/green-api.js';
import { format, langOf, stringsFor, type Strings } from './localize.js';
import { CodeRefusedError, PhoneLinkController, type PhoneLinkOptions } from './phone-link-controller.js';
import { ScanController } from './scan-controller.js';
import type { ScanSessionOptions } from '../core/scan-session.js';
import { styles } from './green-qr-scan.styles.js';

const FAILURE_TEXT = {
  alreadyLogged: ['failedAlreadyLogged', 'failedAlreadyLoggedHint'],
  timeoutExpired: ['failedTimeoutExpired', 'failedTimeoutExpiredHint'],
  error: ['failedError', undefined],
  connection: ['failedConnection', 'failedConnectionHint'],
  invalidConfig: ['failedInvalidConfig', undefined],
} as const satisfies Record<ScanFailure['reason'], readonly [keyof Strings, keyof Strings | undefined]>;

const INVALID_FIELD_TEXT = {
  'instance-id': 'invalidInstanceId',
  token: 'invalidToken',
  'api-url': 'invalidApiUrl',
} as const satisfies Record<ConfigField, keyof Strings>;

/** Seconds left at which the countdown is announced to assistive tech (not every second). */
const ANNOUNCE_AT = [60, 30, 10];

/** `79001234567@c.us` → `+79001234567`; anything else is shown as it is. */
const phoneNumber = (wid: string) => {
  const user = wid.split('@')[0];
  return /^\d{5,15}$/.test(user) ? `+${user}` : wid;
};

/** Safe text for an error thrown by a task (never the token: our errors, GreenApiError included, are built without it). */
const errorText = (error: unknown) => (error instanceof Error ? error.message : '');

/**
 * Links a WhatsApp account to a GREEN-API instance: opens GREEN-API's `scanqrcode` websocket (or
 * polls the QR method where websockets are blocked), shows each QR code as it arrives with the time
 * left to scan it, offers linking with a phone number instead, and tells the page how linking ended.
 *
 * @summary Link WhatsApp to a GREEN-API instance by scanning a QR code or entering a code.
 * @tagname green-qr-scan
 *
 * @attr {'idle' | 'connecting' | 'qr' | 'code' | 'linked' | 'failed'} state - Reflects the read-only `state` property, for CSS (set by the element; not an input).
 *
 * @fires {AccountLinkedEvent} account-linked - The account is linked (QR scanned, or the phone-number code entered). `detail`: `{wid, pushname, proxy, webhookUrl}`. The socket is closed.
 * @fires {ScanFailedEvent} scan-failed - The session ended without linking. `detail`: `{reason, message}`, `reason` one of `alreadyLogged`, `timeoutExpired`, `error`, `connection`, `invalidConfig`. The socket is closed.
 * @fires {ScanStateChangeEvent} scan-state-change - The state changed. `detail`: `{state, previous, reason?}` (`reason` when `state` is `failed`).
 *
 * @slot header - Content above the QR code (e.g. a title or your logo).
 * @slot footer - Content below everything (e.g. a help link).
 * @slot linked - Replaces the default linked view (the account's name and number).
 *
 * @csspart card - The box around everything.
 * @csspart stage - The square that holds the QR code, the placeholder, the code or the result icon.
 * @csspart qr - The QR code image.
 * @csspart skeleton - The placeholder shown while the QR code is on its way.
 * @csspart countdown - The time left to scan: a bar and the seconds (`role="timer"`).
 * @csspart status - The headline; a polite live region that announces each state.
 * @csspart instructions - The steps to scan the code (or to enter the phone code).
 * @csspart account - The linked account's name and number.
 * @csspart message - The explanation of a failure.
 * @csspart retry-button - The "Get a new QR code" button.
 * @csspart logout-button - The "Log out and link another phone" button (with `allow-logout`).
 * @csspart mode-switch - The link that switches between the QR code and the phone number.
 * @csspart phone-form - The phone-number form.
 * @csspart phone-input - The phone-number field.
 * @csspart phone-submit - The "Get code" button.
 * @csspart code - The linking code for the phone-number path.
 * @csspart copy-button - The button that copies the code.
 *
 * @cssprop [--green-qr-scan-size=264px] - Width and height of the QR code.
 * @cssprop [--green-qr-scan-accent=#0f7f43] - Accent colour (buttons, countdown, success icon).
 * @cssprop [--green-qr-scan-accent-contrast=#ffffff] - Text colour on the accent colour.
 * @cssprop [--green-qr-scan-color=#1f2a24] - Text colour (dark scheme: #e8eeea).
 * @cssprop [--green-qr-scan-muted-color=#4f5a54] - Secondary text colour (dark scheme: #a9b5ae).
 * @cssprop [--green-qr-scan-background=#ffffff] - Card background (dark scheme: #16201b).
 * @cssprop [--green-qr-scan-border-color=#dfe5e1] - Card border and field outline (dark scheme: #2f3b35).
 * @cssprop [--green-qr-scan-danger-color=#b3261e] - Failure colour (dark scheme: #ffb4ab).
 * @cssprop [--green-qr-scan-radius=12px] - Corner radius of the card.
 * @cssprop --green-qr-scan-font - Font shorthand of the element (default: the system UI font).
 *
 * @cssstate idle - No session (no credentials yet, the phone-number form, or removed from the page).
 * @cssstate connecting - Waiting for the socket, the first QR code or a phone code.
 * @cssstate qr - A QR code is shown.
 * @cssstate code - A phone-number linking code is shown.
 * @cssstate linked - The account is linked.
 * @cssstate failed - The session failed; see `failure`.
 */
export class GreenQrScan extends LitElement {
  static override styles = styles;

  /** The instance's numeric id (`idInstance`), 1 to 10 digits. */
  @property({ attribute: 'instance-id' })
  instanceId = '';

  /**
   * The instance's API token (`apiTokenInstance`). A secret: it is sent only in GREEN-API's
   * addresses, percent-encoded as one path segment, and never reflected, logged or shown. Set it
   * as a property to keep it out of the DOM.
   */
  @property({ attribute: 'token' })
  token = '';

  /**
   * The instance's API host (default `https://api.green-api.com`): `https://host`, `host`, or
   * `wss://host`, optionally with a path prefix (e.g. a proxy). Plain `http://`/`ws://` is accepted
   * only for loopback hosts (local mock servers).
   */
  @property({ attribute: 'api-url' })
  apiUrl: string = DEFAULT_API_URL;

  /** How to link: `qr` (scan a QR code, the default) or `phone` (enter a code WhatsApp asks for). */
  @property({ reflect: true })
  mode: 'qr' | 'phone' = 'qr';

  /**
   * How to get the QR code: `auto` (websocket, falling back to polling GREEN-API's QR method when
   * the websocket cannot be opened), `websocket`, or `http`.
   */
  @property()
  transport: 'auto' | 'websocket' | 'http' = 'auto';

  /** Offer "Log out and link another phone" (GREEN-API's Logout) when the instance is already linked. */
  @property({ type: Boolean, attribute: 'allow-logout' })
  allowLogout = false;

  /**
   * Open the socket only while the element is on screen, and close it when it stays off screen
   * for a few seconds (a new session starts when it comes back). Read when the element connects.
   */
  @property({ type: Boolean })
  lazy = false;

  /** Colour scheme: `auto` (follows `prefers-color-scheme`), `light` or `dark`. */
  @property({ reflect: true })
  theme: 'auto' | 'light' | 'dark' = 'auto';

  /** The language of the texts; defaults to the closest `lang` attribute, then the document's. */
  @property()
  override lang!: string;

  /** Overrides of some texts for this element only (see `registerLocale` for every element). */
  @property({ attribute: false })
  strings: Partial<Strings> | undefined = undefined;

  /** Options for each new session (timing, the `WebSocket` class). Mostly for tests and Node. */
  @property({ attribute: false })
  sessionOptions: ScanSessionOptions & PhoneLinkOptions & { lazyGraceMs?: number } = {};

  /** The phone number typed so far. */
  @state() private phoneInput = '';
  @state() private copied = false;

  /** The state last announced with `scan-state-change`. */
  #reportedState: ScanState = 'idle';
  #announced = '';
  #internals = this.attachInternals?.();

  #scan = new ScanController(this, {
    config: () => this.#config(),
    session: () => ({ transport: this.transport, ...this.sessionOptions }),
    enabled: () => this.mode !== 'phone',
    lazy: () => this.lazy,
    lazyGraceMs: () => this.sessionOptions.lazyGraceMs,
    onEvent: (event) => this.#fromSession(event),
  });

  #phone = new PhoneLinkController(this, {
    config: () => this.#config(),
    options: () => this.sessionOptions,
    changed: () => {
      this.requestUpdate();
      this.#emitState();
    },
    linked: (account) => this.dispatchEvent(new AccountLinkedEvent({ ...account })),
    failed: (failure) => this.dispatchEvent(new ScanFailedEvent({ ...failure })),
  });

  #clock = new ClockController(this, () => this.state === 'qr' || this.state === 'code');

  #logout = new Task(this, {
    autoRun: false,
    task: async (_: [], { signal }) => {
      const resolved = resolveConfig(this.#config());
      if (!resolved.ok) throw new Error(resolved.message);
      await logout(resolved.endpoints, signal);
    },
    onComplete: () => this.restart(),
  });

  /** The linking state: `idle`, `connecting`, `qr`, `code`, `linked` or `failed`. Reflected as the `state` attribute. */
  get state(): ScanState {
    return this.mode === 'phone' ? this.#phone.state : (this.#scan.session?.state ?? 'idle');
  }

  /** The last failure's `{reason, message}`, until a new session starts. */
  get failure(): ScanFailure | undefined {
    return this.mode === 'phone' ? this.#phone.failure : this.#scan.session?.failure;
  }

  /** The linked account once `state` is `linked`. */
  get account(): AccountData | undefined {
    return this.mode === 'phone' ? this.#phone.account : this.#scan.session?.account;
  }

  /** Starts over: a fresh session and QR code (or, in `phone` mode, the number form again). */
  restart(): void {
    if (this.mode === 'phone') this.#phone.reset();
    else this.#scan.restart();
  }

  #config() {
    return { instanceId: this.instanceId, token: this.token, apiUrl: this.apiUrl };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    langObserver.add(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    langObserver.delete(this);
    this.#emitState();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const configChanged = changed.has('instanceId') || changed.has('token') || changed.has('apiUrl');
    if (changed.has('mode') && this.hasUpdated) {
      if (this.mode === 'phone') {
        this.#scan.stop();
        this.#phone.reset();
      } else {
        this.#phone.stop();
        this.#scan.restart();
      }
    } else if ((configChanged || changed.has('transport')) && this.isConnected && this.hasUpdated) {
      this.restart();
    }
  }

  protected override update(changed: PropertyValues<this>): void {
    const state = this.state;
    if (this.getAttribute('state') !== state) this.setAttribute('state', state);
    const states = this.#internals?.states;
    if (states) {
      try {
        states.clear();
        states.add(state);
      } catch {
        /* CustomStateSet without plain identifiers (older engines) */
      }
    }
    super.update(changed);
  }

  /** How much of the window is left, for the countdown bar (set through CSSOM in `updated`). */
  #countdownRatio = 1;

  protected override updated(): void {
    // CSSOM, not a style attribute: allowed under a strict CSP, and a transform animates without layout.
    const bar = this.renderRoot.querySelector<HTMLElement>('.countdown .left');
    if (bar) bar.style.transform = `scaleX(${this.#countdownRatio})`;
  }

  /** Fires `scan-state-change` when the element's state differs from the last one announced. */
  #emitState(): void {
    const state = this.isConnected ? this.state : 'idle';
    const previous = this.#reportedState;
    if (state === previous) return;
    this.#reportedState = state;
    // Render first, so a listener that awaits `updateComplete` sees the new view.
    this.requestUpdate();
    const reason = state === 'failed' ? this.failure?.reason : undefined;
    const event = new ScanStateChangeEvent(reason ? { state, previous, reason } : { state, previous });
    this.dispatchEvent(event);
  }

  #fromSession(event: Event): void {
    // Session events are re-created: an event cannot be dispatched twice.
    if (event instanceof ScanStateChangeEvent) {
      this.#emitState();
      return;
    }
    let copy: Event | undefined;
    if (event instanceof ScanFailedEvent) copy = new ScanFailedEvent({ ...event.detail });
    else if (event instanceof AccountLinkedEvent) copy = new AccountLinkedEvent({ ...event.detail });
    if (copy) this.dispatchEvent(copy);
  }

  protected override render() {
    const t = stringsFor(this.lang || langOf(this), this.strings);
    const state = this.state;
    const phone = this.mode === 'phone';
    let stage: unknown = html`<div part="skeleton" class="skeleton" aria-hidden="true"></div>`;
    let status: string = t.idle;
    let body: unknown = nothing;
    const session = this.#scan.session;
    switch (state) {
      case 'connecting':
        status = phone ? t.phoneRequesting : session?.reconnecting ? t.reconnecting : t.connecting;
        if (session?.transport === 'http') body = html`<p class="hint">${t.httpFallback}</p>`;
        break;
      case 'qr':
        stage = html`<img part="qr" src=${session!.qrImage!} alt=${t.qrAlt} width="256" height="256" />`;
        status = t.qrReady;
        body = html`${this.#countdown(t, session!.expiresAt)}${session!.transport === 'http' && this.transport === 'auto'
            ? html`<p class="hint">${t.httpFallback}</p>`
            : nothing}<ol part="instructions">
          <li>${t.stepOpen}</li>
          <li>${t.stepDevices}</li>
          <li>${t.stepLink}</li>
          <li>${t.stepScan}</li>
        </ol>`;
        break;
      case 'code':
        stage = this.#codeView(t);
        status = t.codeTitle;
        body = html`<ol part="instructions">
            <li>${t.codeStepOpen}</li>
            <li>${t.codeStepDevices}</li>
            <li>${t.codeStepPhone}</li>
            <li>${t.codeStepEnter}</li>
          </ol>
          <p class="hint">${t.codeWaiting}</p>`;
        break;
      case 'linked': {
        const account = this.account!;
        stage = icon('ok');
        status = t.linked;
        body = html`<slot name="linked"
          ><p part="account">
            ${account.pushname ? html`<strong>${account.pushname}</strong><br />` : nothing}${phoneNumber(account.wid)}
          </p></slot
        >`;
        break;
      }
      case 'failed':
        stage = icon('bad');
        ({ status, body } = this.#failureView(t, this.failure!, phone));
        break;
      default:
        if (phone) {
          stage = this.#phoneForm(t);
          status = t.phoneTitle;
        } else if (this.#scan.suspended.has('offline')) {
          status = t.offline;
        } else if (this.#scan.suspended.size && (this.instanceId || this.token)) {
          status = t.paused;
        }
    }
    if (state !== 'qr') this.#announced = '';
    const switchLink =
      state === 'linked' || (state === 'failed' && (this.failure?.reason === 'invalidConfig' || this.failure?.reason === 'alreadyLogged'))
        ? nothing
        : html`<button part="mode-switch" class="switch" type="button" @click=${this.#toggleMode}>
            ${phone ? t.useQr : t.usePhone}
          </button>`;
    const formView = phone && state === 'idle';
    return html`<div part="card" class="card ${formView ? 'form-view' : ''}">
      <slot name="header"></slot>
      <div part="stage" class="stage ${formView ? 'form' : state === 'code' ? 'flat' : ''}">${stage}</div>
      <p part="status" class="status" role="status" aria-live="polite">${status}</p>
      <p class="sr-only" aria-live="polite">${this.#announced}</p>
      ${body} ${switchLink}
      <slot name="footer"></slot>
    </div>`;
  }

  #countdown(t: Strings, expiresAt: number | undefined) {
    if (!expiresAt) return nothing;
    const total = Math.round((this.sessionOptions.scanWindowMs ?? 100_000) / 1000);
    const left = Math.max(0, Math.min(total, Math.ceil((expiresAt - this.#clock.now) / 1000)));
    const milestone = ANNOUNCE_AT.find((n) => left <= n && left > n - 1.5);
    if (milestone !== undefined) this.#announced = format(t.countdownAnnounce, { n: milestone });
    this.#countdownRatio = left / total;
    return html`<div part="countdown" class="countdown ${left <= 10 ? 'low' : ''}" role="timer" aria-label=${format(t.countdownLabel, { n: left })}>
      <span class="bar" aria-hidden="true"><span class="left"></span></span>
      <span aria-hidden="true">${format(t.countdownShort, { n: left })}</span>
    </div>`;
  }

  #codeView(t: Strings) {
    const code = this.#phone.code ?? '';
    const left = Math.max(0, Math.ceil(((this.#phone.expiresAt ?? 0) - this.#clock.now) / 1000));
    return html`<div class="code-box">
      <p part="code" class="code" aria-label=${format(t.codeAlt, { code: code.split('').join(' ') })}>${code}</p>
      <button part="copy-button" type="button" @click=${() => this.#copy(code)}>${this.copied ? t.copied : t.copy}</button>
      <span class="code-left">${format(t.countdownShort, { n: left })}</span>
    </div>`;
  }

  #phoneForm(t: Strings) {
    const request = this.#phone.request;
    const error = this.#phone.invalidNumber
      ? t.phoneInvalid
      : request.render({
          error: (e: unknown) => (e instanceof CodeRefusedError ? t.codeRefused : format(t.codeFailed, { message: errorText(e) })),
          initial: () => '',
          pending: () => '',
          complete: () => '',
        });
    return html`<form part="phone-form" class="phone-form" novalidate @submit=${this.#submitPhone}>
      <label for="phone">${t.phoneLabel}</label>
      <input
        id="phone"
        part="phone-input"
        type="tel"
        inputmode="tel"
        autocomplete="tel"
        placeholder=${t.phonePlaceholder}
        aria-invalid=${this.#phone.invalidNumber ? 'true' : 'false'}
        aria-describedby=${ifDefined(error ? 'phone-error' : undefined)}
        .value=${live(this.phoneInput)}
        @input=${(e: InputEvent) => (this.phoneInput = (e.target as HTMLInputElement).value)}
      />
      ${error ? html`<p id="phone-error" class="error" role="alert">${error}</p>` : nothing}
      <button part="phone-submit" type="submit">${t.phoneSubmit}</button>
    </form>`;
  }

  #failureView(t: Strings, failure: ScanFailure, phone: boolean) {
    const [title, hint] = FAILURE_TEXT[failure.reason];
    const status = phone && failure.reason === 'timeoutExpired' ? t.codeExpired : t[title];
    // Server text is interpolated as text (Lit escapes it), never as markup.
    const detail =
      failure.reason === 'error'
        ? failure.message
        : failure.reason === 'invalidConfig'
          ? t[INVALID_FIELD_TEXT[this.#invalidField()]]
          : phone
            ? undefined
            : hint && t[hint];
    const canLogout =
      this.allowLogout && (failure.reason === 'alreadyLogged' || (failure.reason === 'error' && /log ?out/i.test(failure.message)));
    const logoutButton = canLogout
      ? html`<button part="logout-button" type="button" ?disabled=${this.#logout.status === TaskStatus.PENDING} @click=${() => this.#logout.run([])}>
            ${this.#logout.status === TaskStatus.PENDING ? t.loggingOut : t.logout}
          </button>
          ${this.#logout.render({
            error: (e: unknown) => html`<p class="error" role="alert">${format(t.logoutFailed, { message: errorText(e) })}</p>`,
          })}`
      : nothing;
    const retry =
      failure.reason === 'invalidConfig'
        ? nothing
        : html`<button part="retry-button" type="button" @click=${() => this.restart()}>${phone ? t.newCode : t.retry}</button>`;
    return {
      status,
      body: html`${detail ? html`<p part="message">${detail}</p>` : nothing}
        <div class="actions">${logoutButton}${canLogout ? nothing : retry}</div>`,
    };
  }

  /** Which setting an `invalidConfig` failure is about (the event's message says it in English). */
  #invalidField(): ConfigField {
    const resolved = resolveConfig(this.#config());
    return resolved.ok ? 'instance-id' : resolved.field;
  }

  #toggleMode = () => {
    this.mode = this.mode === 'phone' ? 'qr' : 'phone';
  };

  #submitPhone = (event: SubmitEvent) => {
    event.preventDefault();
    this.copied = false;
    this.#phone.submit(this.phoneInput);
  };

  async #copy(code: string) {
    try {
      await navigator.clipboard.writeText(code.replace(/-/g, ''));
      this.copied = true;
    } catch {
      // No clipboard permission: the code stays visible to type by hand.
    }
  }
}

/** One observer for every element: re-render when the document's language changes. */
const langObserver = new (class extends Set<GreenQrScan> {
  #observer: MutationObserver | undefined;
  override add(element: GreenQrScan) {
    if (!this.#observer && typeof MutationObserver !== 'undefined') {
      this.#observer = new MutationObserver(() => this.forEach((el) => el.requestUpdate()));
      this.#observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
    }
    return super.add(element);
  }
})();

const icon = (kind: 'ok' | 'bad') =>
  html`<svg class="icon ${kind}" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
    <circle cx="12" cy="12" r="10"></circle>
    ${kind === 'ok' ? svg`<path d="m7.5 12.5 3 3 6-6.5"></path>` : svg`<path d="M12 7v6"></path><path d="M12 16.5v.5"></path>`}
  </svg>`;

declare global {
  interface HTMLElementTagNameMap {
    'green-qr-scan': GreenQrScan;
  }
}
