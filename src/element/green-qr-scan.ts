import { LitElement, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import { DEFAULT_API_URL, resolveConfig } from '../core/config.js';
import { ModeChangeEvent, type AccountData, type ScanFailure, type ScanState } from '../core/events.js';
import { logout } from '../core/green-api.js';
import { PhoneLinkSession } from '../core/phone-link-session.js';
import { ClockController } from './clock-controller.js';
import { CountdownPainter, secondsLeft } from './countdown.js';
import { LinkController, type LinkSessionOptions, type LinkSettings } from './link-controller.js';
import { format, langOf, stringsFor, type Strings } from './localize.js';
import { langObserver } from './lang-observer.js';
import { renderView, sessionFacts, type ViewActions, type ViewModel } from './views.js';
import { styles } from './green-qr-scan.styles.js';

/** Seconds left at which the countdown is announced to assistive tech (not every second). */
const ANNOUNCE_AT = [60, 30, 10];

/** What to announce with `left` seconds left: a milestone's text, or `undefined`. */
function announcement(t: Strings, left: number): string | undefined {
  const milestone = ANNOUNCE_AT.find((n) => left <= n && left > n - 1.5);
  return milestone === undefined ? undefined : format(t.countdownAnnounce, { n: milestone });
}

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
  sessionOptions: LinkSessionOptions = {};

  @state() private phoneInput = '';
  @state() private copied = false;

  #link = new LinkController(this, this.attachInternals?.(), () => this.#settings());
  #clock = new ClockController(this, () => this.state === 'qr' || this.state === 'code', () => this.#tick());
  #countdown = new CountdownPainter();
  #logout = new Task(this, {
    autoRun: false,
    task: async (_: [], { signal }) => {
      const resolved = resolveConfig(this.#settings().config);
      if (!resolved.ok) throw new Error(resolved.message);
      await logout(resolved.endpoints, signal);
    },
    // GREEN-API cleans up for a while after a Logout: the new session waits for that.
    onComplete: () => this.#link.restart({ afterLogout: true }),
    onError: (error) => console.warn(`[green-qr-scan] logout: ${(error as Error).message}`),
  });
  /** What the view shows, derived in `willUpdate`. */
  #view!: ViewModel;
  #announced = '';

  /** The linking state: `idle`, `connecting`, `qr`, `code`, `linked` or `failed`. Reflected as the `state` attribute. */
  get state(): ScanState {
    return this.#link.state;
  }

  /** The last failure's `{reason, message}`, until a new session starts. */
  get failure(): ScanFailure | undefined {
    return this.#link.session?.failure;
  }

  /** The linked account once `state` is `linked`. */
  get account(): AccountData | undefined {
    return this.#link.session?.account;
  }

  /** Starts over: a fresh session and QR code (or, in `phone` mode, the number form again). */
  restart(): void {
    this.#link.restart();
  }

  /** Ends the session (a long wait, say) without `account-linked` or `scan-failed`: `state` becomes `idle` and nothing runs until `restart()` or a new setting. */
  stop(): void {
    this.#link.stop();
  }

  /** The settings a new session is made from. */
  #settings(): LinkSettings {
    const config = { instanceId: this.instanceId, token: this.token, ticket: this.ticket, apiUrl: this.apiUrl };
    return { config, mode: this.mode, lazy: this.lazy, options: { transport: this.transport, ...this.sessionOptions } };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    langObserver.add(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    langObserver.delete(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const settings = ['instanceId', 'token', 'ticket', 'apiUrl', 'transport', 'mode'] as const;
    if (this.hasUpdated && this.isConnected && settings.some((key) => changed.has(key))) this.restart();
    this.#link.settle();
    this.#view = this.#viewModel();
    this.#announce();
  }

  #viewModel(): ViewModel {
    const { suspended, session } = this.#link;
    const facts = sessionFacts(session, this.#clock.now, this.sessionOptions);
    return {
      ...facts,
      t: stringsFor(this.lang || langOf(this), this.strings),
      state: this.state,
      phone: this.mode === 'phone',
      waiting: suspended.has('offline') ? 'offline' : suspended.size && (this.instanceId || this.token || this.ticket) ? 'paused' : 'idle',
      fellBack: facts.transport === 'http' && this.transport === 'auto',
      copied: this.copied,
      phoneInput: this.phoneInput,
      account: this.account,
      failure: this.failure,
      allowLogout: this.allowLogout,
      ticketMode: Boolean(this.ticket),
      loggingOut: this.#logout.status === TaskStatus.PENDING,
      logoutFailed: this.#logout.status === TaskStatus.ERROR,
    };
  }

  /** The countdown is announced at a few milestones, not every second. */
  #announce(): void {
    const { state, left, t } = this.#view;
    if (state !== 'qr') this.#announced = '';
    const milestone = announcement(t, left);
    if (state === 'qr' && milestone) this.#announced = milestone;
  }

  /** Once a second while a code shows: only the countdown changes, unless a milestone is due (a render announces it). */
  #tick(): void {
    const v = this.#view;
    if (this.state === 'qr' && v.state === 'qr') {
      const left = secondsLeft(this.#link.session?.expiresAt, v.total, this.#clock.now);
      const milestone = announcement(v.t, left);
      if ((!milestone || milestone === this.#announced) && this.#countdown.paint(v.t, left, v.total)) return;
    }
    this.requestUpdate();
  }

  protected override updated(): void {
    const v = this.#view;
    this.#countdown.attach(this.renderRoot, v.t, v.left, v.total);
  }

  protected override render() {
    const v = this.#view;
    const { stage, status, body, modeSwitch } = renderView(v, this.#actions);
    const formView = v.phone && v.state === 'idle';
    return html`<div part="card" class="card ${formView ? 'form-view' : ''}">
      <slot name="header"></slot>
      <div part="stage" class="stage ${formView ? 'form' : v.state === 'code' ? 'flat' : ''}">${stage}</div>
      <p part="status" class="status" role="status" aria-live="polite">${status}</p>
      <p class="sr-only" aria-live="polite">${this.#announced}</p>
      ${body} ${modeSwitch}
      <slot name="footer"></slot>
    </div>`;
  }

  #actions: ViewActions = {
    retry: () => this.restart(),
    logout: () => void this.#logout.run([]),
    toggleMode: () => {
      const previous = this.mode;
      this.mode = previous === 'phone' ? 'qr' : 'phone';
      this.dispatchEvent(new ModeChangeEvent({ mode: this.mode, previous }));
    },
    submitPhone: (event: SubmitEvent) => {
      event.preventDefault();
      this.copied = false;
      if (this.#link.session instanceof PhoneLinkSession) this.#link.session.submit(this.phoneInput);
    },
    inputPhone: (event: InputEvent) => (this.phoneInput = (event.target as HTMLInputElement).value),
    copy: async () => {
      try {
        await navigator.clipboard.writeText((this.#view.code ?? '').replace(/-/g, ''));
        this.copied = true;
      } catch {
        // No clipboard permission: the code stays visible to type by hand.
      }
    },
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'green-qr-scan': GreenQrScan;
  }
}
