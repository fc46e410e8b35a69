import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { DEFAULT_API_URL } from './config.js';
import {
  AccountLinkedEvent,
  ScanFailedEvent,
  ScanStateChangeEvent,
  type ScanFailure,
  type ScanState,
} from './events.js';
import { en, type Strings } from './locales/en.js';
import type { AccountData } from './protocol.js';
import { ScanController } from './scan-controller.js';
import type { ScanSessionOptions } from './scan-session.js';
import { styles } from './green-qr-scan.styles.js';

const FAILURE_TEXT = {
  alreadyLogged: ['failedAlreadyLogged', 'failedAlreadyLoggedHint'],
  timeoutExpired: ['failedTimeoutExpired', 'failedTimeoutExpiredHint'],
  error: ['failedError', undefined],
  connection: ['failedConnection', 'failedConnectionHint'],
  invalidConfig: ['failedInvalidConfig', undefined],
} as const satisfies Record<ScanFailure['reason'], readonly [keyof Strings, keyof Strings | undefined]>;

/** `79001234567@c.us` → `+79001234567`; anything else is shown as it is. */
const phoneNumber = (wid: string) => {
  const user = wid.split('@')[0];
  return /^\d{5,15}$/.test(user) ? `+${user}` : wid;
};

/**
 * Links a WhatsApp account to a GREEN-API instance: opens GREEN-API's `scanqrcode` websocket,
 * shows each QR code as it arrives, and tells the page how linking ended.
 *
 * @summary Link WhatsApp to a GREEN-API instance by scanning a QR code.
 * @tagname green-qr-scan
 *
 * @attr {'idle' | 'connecting' | 'qr' | 'linked' | 'failed'} state - Reflects the read-only `state` property, for CSS (set by the element; not an input).
 *
 * @fires {AccountLinkedEvent} account-linked - The phone scanned the code and the account is linked. `detail`: `{wid, pushname, proxy, webhookUrl}`. The socket is closed.
 * @fires {ScanFailedEvent} scan-failed - The session ended without linking. `detail`: `{reason, message}`, `reason` one of `alreadyLogged`, `timeoutExpired`, `error`, `connection`, `invalidConfig`. The socket is closed.
 * @fires {ScanStateChangeEvent} scan-state-change - The state changed. `detail`: `{state, previous, reason?}`.
 *
 * @csspart card - The box around everything.
 * @csspart stage - The square that holds the QR code, the placeholder or the result icon.
 * @csspart qr - The QR code image.
 * @csspart skeleton - The placeholder shown while the QR code is on its way.
 * @csspart status - The headline; a polite live region that announces each state.
 * @csspart instructions - The steps to scan the code.
 * @csspart account - The linked account's name and number.
 * @csspart message - The explanation of a failure.
 * @csspart retry-button - The "Get a new QR code" button.
 *
 * @cssprop [--green-qr-scan-size=264px] - Width and height of the QR code.
 * @cssprop [--green-qr-scan-accent=#128c4a] - Accent colour (button, success icon).
 * @cssprop [--green-qr-scan-color=#1f2a24] - Text colour.
 * @cssprop [--green-qr-scan-muted-color=#5b6660] - Secondary text colour.
 * @cssprop [--green-qr-scan-background=#ffffff] - Card background.
 * @cssprop [--green-qr-scan-danger-color=#b3261e] - Failure icon colour.
 * @cssprop [--green-qr-scan-radius=12px] - Corner radius of the card.
 * @cssprop --green-qr-scan-font - Font shorthand of the element.
 *
 * @cssstate idle - No session (no credentials yet, or removed from the page).
 * @cssstate connecting - Waiting for the socket or the first QR code.
 * @cssstate qr - A QR code is shown.
 * @cssstate linked - The account is linked.
 * @cssstate failed - The session failed; see `failure`.
 */
export class GreenQrScan extends LitElement {
  static override styles = styles;

  /** The instance's numeric id (`idInstance`), 1 to 10 digits. */
  @property({ attribute: 'instance-id' })
  instanceId = '';

  /**
   * The instance's API token (`apiTokenInstance`). A secret: it is sent only in the websocket
   * address, percent-encoded as one path segment, and never reflected, logged or shown. Set it
   * as a property to keep it out of the DOM.
   */
  @property({ attribute: 'token' })
  token = '';

  /**
   * The instance's API host: `https://host`, `host`, or `wss://host`. Plain `http://`/`ws://`
   * is accepted only for loopback hosts (local mock servers).
   */
  @property({ attribute: 'api-url' })
  apiUrl = DEFAULT_API_URL;

  /** Options for each new session (timing, the `WebSocket` class). Mostly for tests and Node. */
  sessionOptions: ScanSessionOptions = {};

  /** The state last announced with `scan-state-change`. */
  #reportedState: ScanState = 'idle';
  #internals = this.attachInternals?.();

  #scan = new ScanController(this, {
    config: () => ({ instanceId: this.instanceId, token: this.token, apiUrl: this.apiUrl }),
    session: () => this.sessionOptions,
    onEvent: (event) => this.#redispatch(event),
  });

  /** The linking state: `idle`, `connecting`, `qr`, `linked` or `failed`. Reflected as the `state` attribute. */
  get state(): ScanState {
    return this.#scan.session?.state ?? 'idle';
  }

  /** The last failure's `{reason, message}`, until a new session starts. */
  get failure(): ScanFailure | undefined {
    return this.#scan.session?.failure;
  }

  /** The linked account once `state` is `linked`. */
  get account(): AccountData | undefined {
    return this.#scan.session?.account;
  }

  /** Closes the current session, if any, and starts a fresh one (a new socket and a new QR code). */
  restart(): void {
    this.#scan.restart();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('instanceId') || changed.has('token') || changed.has('apiUrl')) {
      if (this.isConnected && this.hasUpdated) this.#scan.restart();
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

  #redispatch(event: Event): void {
    // Session events are re-created: an event cannot be dispatched twice.
    let copy: Event | undefined;
    if (event instanceof ScanFailedEvent) {
      copy = new ScanFailedEvent({ ...event.detail });
    } else if (event instanceof AccountLinkedEvent) {
      copy = new AccountLinkedEvent({ ...event.detail });
    } else if (event instanceof ScanStateChangeEvent) {
      // A new session starts from `idle`; the page saw the element's own previous state.
      const { state, reason } = event.detail;
      const previous = this.#reportedState;
      if (state === previous) return;
      this.#reportedState = state;
      copy = new ScanStateChangeEvent(reason ? { state, previous, reason } : { state, previous });
    }
    if (copy) this.dispatchEvent(copy);
  }

  protected override render() {
    const t = en;
    const session = this.#scan.session;
    const state = this.state;
    let stage: unknown;
    let body: unknown = nothing;
    let status: string;
    switch (state) {
      case 'qr':
        stage = html`<img part="qr" src=${session!.qrImage!} alt=${t.qrAlt} width="256" height="256" />`;
        status = t.qrReady;
        body = html`<ol part="instructions">
          <li>${t.stepOpen}</li>
          <li>${t.stepDevices}</li>
          <li>${t.stepLink}</li>
          <li>${t.stepScan}</li>
        </ol>`;
        break;
      case 'linked': {
        const account = session!.account!;
        stage = icon('ok');
        status = t.linked;
        body = html`<p part="account">
          ${account.pushname ? html`<strong>${account.pushname}</strong><br />` : nothing}${phoneNumber(account.wid)}
        </p>`;
        break;
      }
      case 'failed': {
        const failure = session!.failure!;
        const [title, hint] = FAILURE_TEXT[failure.reason];
        stage = icon('bad');
        status = t[title];
        // Server text is interpolated as text (Lit escapes it), never as markup.
        const detail = failure.reason === 'error' || failure.reason === 'invalidConfig' ? failure.message : hint && t[hint];
        body = html`${detail ? html`<p part="message">${detail}</p>` : nothing}
          ${failure.reason === 'invalidConfig'
            ? nothing
            : html`<button part="retry-button" type="button" @click=${() => this.restart()}>${t.retry}</button>`}`;
        break;
      }
      case 'connecting':
        stage = html`<div part="skeleton" class="skeleton" aria-hidden="true"></div>`;
        status = session?.reconnecting ? t.reconnecting : t.connecting;
        break;
      default:
        stage = html`<div part="skeleton" class="skeleton" aria-hidden="true"></div>`;
        status = t.idle;
    }
    return html`<div part="card" class="card">
      <div part="stage" class="stage">${stage}</div>
      <p part="status" role="status" aria-live="polite">${status}</p>
      ${body}
    </div>`;
  }
}

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
