import { LitElement, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { DEFAULT_API_URL } from '../core/config.js';
import { ModeChangeEvent, type AccountData, type ScanFailure, type ScanState } from '../core/events.js';
import type { MessengerOption } from '../core/messenger.js';
import { ClockController } from './clock-controller.js';
import { LogoutController } from './logout-controller.js';
import { viewActions } from './actions.js';
import { CountdownPainter } from './countdown.js';
import { LinkController, type LinkSessionOptions, type LinkSettings } from './link-controller.js';
import { NO_TEXT, langOf, localeLoading, stringsFor, type Strings } from './localize.js';
import { LangController } from './lang-observer.js';
import { announcement, renderView, sessionFacts, shownImage, type ViewActions, type ViewModel } from './views.js';
import { styles } from './green-qr-scan.styles.js';

/**
 * Links a WhatsApp, Telegram or MAX account to a GREEN-API instance. WhatsApp: opens GREEN-API's
 * `scanqrcode` websocket (or polls the QR method where websockets are blocked), shows each QR code
 * as it arrives with the time left to scan it, and offers linking with a phone number instead.
 * Telegram and MAX: polls the QR method for a fresh code every 5 s, asks for the account's
 * two-factor password when it has one, and (Telegram) links with a phone number and the code
 * Telegram sends. Tells the page how linking ended.
 *
 * @summary Link WhatsApp, Telegram or MAX to a GREEN-API instance by scanning a QR code or entering a code.
 * @tagname green-qr-scan
 *
 * @attr {'idle' | 'connecting' | 'qr' | 'code' | 'password' | 'linked' | 'failed'} state - Reflects the read-only `state` property, for CSS (set by the element; not an input).
 *
 * @fires {AccountLinkedEvent} account-linked - The account is linked (QR scanned, or the phone-number code entered). `detail`: `{wid, pushname, proxy, webhookUrl, messenger, phone?, avatar?, chatId?}`: `messenger` is `whatsapp`, `telegram` or `max`; `phone` (digits), `avatar` (URL) and `chatId` where the messenger tells them (Telegram and MAX: GetAccountSettings, with `wid` the chat id; WhatsApp: GetWaSettings, read once after linking for at most `sessionOptions.accountDetailsTimeoutMs` (3 s), `phone` else from the account id). Never the password. The socket is closed.
 * @fires {ScanFailedEvent} scan-failed - The session ended without linking. `detail`: `{reason, message, status?}`, `reason` one of `alreadyLogged`, `timeoutExpired`, `error`, `connection`, `invalidConfig`, `unauthorized`, `quotaExceeded`, `instanceBlocked`, `instanceStarting`; `message` and `status` are for developers (GREEN-API's text and HTTP status, never the token). The socket is closed.
 * @fires {ScanStateChangeEvent} scan-state-change - The state changed. `detail`: `{state, previous, reason?}` (`reason` when `state` is `failed`).
 * @fires {ModeChangeEvent} mode-change - The person switched between the QR code and the phone number (the element changed its own `mode`). `detail`: `{mode, previous}`.
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
 * @csspart messenger - Telegram and MAX: the line that says which messenger the card links.
 * @csspart code-form - Telegram by phone: the form for the code Telegram sends to its system chat.
 * @csspart code-input - Telegram by phone: the code field.
 * @csspart code-submit - Telegram by phone: the button that sends the code.
 * @csspart password-form - Telegram and MAX: the two-factor (cloud) password form (state `password`).
 * @csspart password-input - The password field (`type="password"`, `autocomplete="current-password"`); cleared after each submit, never reflected, logged or put in an event.
 * @csspart password-submit - The button that sends the password.
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
 * @cssstate code - A phone-number linking code is shown (WhatsApp), or the code Telegram sent is asked for.
 * @cssstate password - Telegram or MAX asks for the account's two-factor password.
 * @cssstate linked - The account is linked.
 * @cssstate failed - The session failed; see `failure`.
 */
export class GreenQrScan extends LitElement {
  static override styles = styles;

  /** The instance's numeric id (`idInstance`), 1 to 12 digits (Telegram's can be longer than WhatsApp's 10). */
  @property({ attribute: 'instance-id' })
  instanceId = '';

  /**
   * The instance's API token (`apiTokenInstance`): direct mode, for internal tools only (prefer a
   * `ticket`). A secret: it is sent only in GREEN-API's addresses, percent-encoded as one path
   * segment, and never reflected, logged or shown by the element; the browser itself still shows
   * those addresses in its console and resource timing. Set it as a property to keep it out of the DOM.
   */
  @property({ attribute: 'token' })
  token = '';

  /**
   * A short-lived link ticket that your backend issued with `green-qr-scan/server` (the recommended
   * setup: the token stays on your server). Set it as a property, with `api-url` pointing at your
   * backend; it replaces `token`. It travels only in a request header and the websocket's
   * subprotocol list: never in an address, never reflected, logged or shown. A ticket is used up
   * when linking ends: for another attempt, set a fresh one.
   */
  @property({ attribute: false })
  ticket = '';

  /**
   * The instance's API host: `https://host`, `host`, or `wss://host`, optionally with a path prefix
   * (e.g. a proxy). Plain `http://`/`ws://` is accepted only for loopback hosts (`127.0.0.0/8`,
   * `localhost`, `*.localhost`, `[::1]`: local mock servers).
   */
  @property({ attribute: 'api-url' })
  apiUrl: string = DEFAULT_API_URL;

  /** How to link: `qr` (scan a QR code, the default) or `phone` (enter a code WhatsApp asks for, or the one Telegram sends). MAX has no phone linking: it shows the QR code with a note. */
  @property({ reflect: true })
  mode: 'qr' | 'phone' = 'qr';

  /**
   * The instance's messenger: `auto` (the default: one GetSettings request tells it by
   * `typeInstance`, and the answer is kept while the instance stays the same), `whatsapp`,
   * `telegram` or `max`. A page that knows sets it and saves the request. An unknown
   * `typeInstance` fails with `invalidConfig`.
   */
  @property()
  messenger: MessengerOption = 'auto';

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
  sessionOptions: LinkSessionOptions = {};

  @state() private phoneInput = '';
  @state() private copied = false;

  #link = new LinkController(this, this.attachInternals?.(), () => this.#settings());
  #clock = new ClockController(this, () => this.state === 'qr' || this.state === 'code' || this.state === 'password', () => this.#tick());
  #countdown = new CountdownPainter();
  #localeLoading: Promise<void> | undefined; // the language this element waits for (loaded on demand), while it loads
  /** GREEN-API's Logout, then a new session that waits for its cleanup. */
  #logout = new LogoutController(this, () => this.#settings().config, () => this.#link.restart({ afterLogout: true }));
  #view!: ViewModel; // what the view shows, derived in `willUpdate`
  #announced = '';

  constructor() {
    super();
    new LangController(this); // follows `lang` on the ancestors while connected
  }

  /** The linking state: `idle`, `connecting`, `qr`, `code`, `password`, `linked` or `failed`. Reflected as the `state` attribute. */
  get state(): ScanState {
    return this.#link.state;
  }

  /** The last failure's `{reason, message}`, until a new session starts. */
  get failure(): ScanFailure | undefined {
    return this.#link.session?.failure;
  }

  /** The linked account once `state` is `linked` (the `account-linked` detail). */
  get account(): AccountData | undefined {
    return this.#link.account;
  }

  /** Starts over: a fresh session and QR code (or, in `phone` mode, the number form again). */
  restart(): void {
    this.#link.restart();
  }

  /** Ends the session (a long wait, say) without `account-linked` or `scan-failed`: `state` becomes `idle` and nothing runs until `restart()` or a new setting. */
  stop(): void {
    this.#link.stop();
  }

  /** Resolves once the element shows what it should, including the parts it loads on demand (the phone path, a language). */
  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    for (let p = this.#link.loading ?? this.#localeLoading; p; p = this.#link.loading ?? this.#localeLoading) result = (await p, await super.getUpdateComplete());
    return result;
  }

  /** The settings a new session is made from. */
  #settings(): LinkSettings {
    const config = { instanceId: this.instanceId, token: this.token, ticket: this.ticket, apiUrl: this.apiUrl };
    const messenger = (['whatsapp', 'telegram', 'max'] as const).find((m) => m === this.messenger) ?? 'auto';
    return { config, mode: this.mode, lazy: this.lazy, messenger, options: { transport: this.transport, ...this.sessionOptions } };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const settings = ['instanceId', 'token', 'ticket', 'apiUrl', 'transport', 'mode', 'messenger'] as const;
    if (this.hasUpdated && this.isConnected && settings.some((key) => changed.has(key))) this.restart();
    this.#link.settle();
    this.#view = this.#viewModel();
    this.#announced = announcement(this.#view, this.#announced);
  }

  #viewModel(): ViewModel {
    const { suspended, session } = this.#link;
    const facts = sessionFacts(session, this.#clock.now, this.sessionOptions);
    const lang = this.lang || langOf(this);
    // A language loaded on demand: no text until it is there (rather than another language's).
    const loading = localeLoading(lang);
    if (loading && loading !== this.#localeLoading) void loading.then(() => this.requestUpdate());
    this.#localeLoading = loading;
    const t = loading ? NO_TEXT : stringsFor(lang, this.strings);
    return {
      ...facts,
      t,
      qrNode: shownImage(this.#link.decodedImage(facts.qrImage), t.qrAlt),
      state: this.state,
      phone: this.mode === 'phone' && !facts.phoneFallback,
      waiting: suspended.has('offline') ? 'offline' : suspended.size && (this.instanceId || this.token || this.ticket) ? 'paused' : 'idle',
      fellBack: facts.transport === 'http' && this.transport === 'auto',
      copied: this.copied,
      phoneInput: this.phoneInput,
      account: this.account,
      failure: this.failure,
      allowLogout: this.allowLogout,
      ticketMode: Boolean(this.ticket),
      loggingOut: this.#logout.pending,
      logoutFailed: this.#logout.failed,
    };
  }

  /** Once a second while a code shows: only the countdown changes, unless a render is needed (a milestone to announce, another view). */
  #tick(): void {
    if (!this.#countdown.tick(this.#view, this.state, this.#link.session?.expiresAt, this.#announced)) this.requestUpdate();
  }

  protected override updated(): void {
    const v = this.#view;
    this.#countdown.attach(this.renderRoot, v.t, v.left, v.total);
  }

  protected override render() {
    const v = this.#view;
    const { stage, status, body, label, modeSwitch, stageClass, cardClass } = renderView(v, this.#actions);
    return html`<div part="card" class="card ${cardClass}">
      <slot name="header"></slot>
      ${label}
      <div part="stage" class="stage ${stageClass}">${stage}</div>
      <p part="status" class="status" role="status" aria-live="polite">${status}</p>
      <p class="sr-only" aria-live="polite">${this.#announced}</p>
      ${body} ${modeSwitch}
      <slot name="footer"></slot>
    </div>`;
  }

  #actions: ViewActions = viewActions({
    session: () => this.#link.session,
    code: () => this.#view.code,
    phoneInput: () => this.phoneInput,
    setPhoneInput: (value) => (this.phoneInput = value),
    setCopied: (copied) => (this.copied = copied),
    retry: () => this.restart(),
    logout: () => void this.#logout.run(),
    toggleMode: () => {
      const previous = this.mode;
      this.mode = previous === 'phone' ? 'qr' : 'phone';
      this.dispatchEvent(new ModeChangeEvent({ mode: this.mode, previous }));
    },
  });
}

declare global {
  interface HTMLElementTagNameMap {
    'green-qr-scan': GreenQrScan;
  }
}
