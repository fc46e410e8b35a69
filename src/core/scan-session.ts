/**
 * Linking by QR code: one `scanqrcode` socket (or, where websockets are blocked, polling of
 * GREEN-API's HTTP QR method), the scan window, reconnects and the fallback between the two.
 * DOM-free (needs only `WebSocket`, `fetch`, `EventTarget` and timers), so it works without Lit or
 * in Node with the `ws` package.
 */
import type { ScanConfig } from './config.js';
import type { FailureReason } from './events.js';
import type { GreenApiError } from './green-api.js';
import { LinkSession, accountFromNumber } from './link-session.js';
import type { ServerMessage } from './protocol.js';
import { readLinkedNumber, watchForLink } from './state-poller.js';
import type { Transport, TransportSink } from './transports/transport.js';
import { openWebSocket, type WebSocketConstructor } from './transports/websocket.js';
import { freshProgress, resolveScanOptions, type ResolvedScanOptions, type ScanSessionOptions, type ScanTransport } from './scan-options.js';

export { SCAN_WINDOW_MS, type ScanSessionOptions, type ScanTransport, type ScanTransportOption } from './scan-options.js';
export type { WebSocketConstructor };

/** Default messages, used when the server sends no text. Views show their own localised text. */
const DEFAULT_MESSAGES = {
  alreadyLogged: 'instance account already authorized',
  error: 'GREEN-API reported an error.',
} as const;

/**
 * A QR linking session. Listen for `change` (anything a view shows changed), `scan-state-change`,
 * `account-linked` and `scan-failed` (the same event classes the element fires), then call `start()`.
 *
 * ```ts
 * const session = new ScanSession({ instanceId, token, apiUrl });
 * session.addEventListener('change', () => render(session.state, session.qrImage));
 * session.addEventListener('account-linked', (e) => save(e.detail));
 * session.start();
 * ```
 */
export class ScanSession extends LinkSession {
  /** The QR code to show (a `data:image/png;base64,…` URL) while `state` is `qr`. */
  get qrImage(): string | undefined {
    return this.#progress.qrImage;
  }
  /** `true` while connecting again after the socket dropped. */
  get reconnecting(): boolean {
    return this.#progress.reconnecting;
  }
  /** The transport in use: `http` when the session polls GREEN-API's HTTP methods instead of a socket. */
  get transport(): ScanTransport {
    return this.#progress.kind;
  }
  /** `true` while the session holds (or is about to open) a socket or polls. */
  get active(): boolean {
    return this.state === 'connecting' || this.state === 'qr';
  }
  /** Settles once the session's last socket is closed (at once when it has none). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  readonly #options: ResolvedScanOptions;
  #closed: Promise<void> = Promise.resolve();
  #progress = freshProgress('websocket');

  constructor(config: ScanConfig, options: ScanSessionOptions = {}) {
    super(config);
    this.#options = resolveScanOptions(options);
  }

  /**
   * Starts the session (or starts it over). Invalid configuration fails with `invalidConfig` without
   * any connection attempt. With `after`, the session shows `connecting` but opens its socket only
   * once `after` settles (at most 1 s): pass the previous session's `closed` so that one instance
   * never has two scanqrcode sockets at once.
   */
  start(after?: Promise<unknown>): void {
    const signal = this.newRun();
    const kind = this.#options.transport === 'http' ? 'http' : 'websocket';
    this.#progress = freshProgress(kind);
    if (this.configProblem) {
      this.#fail('invalidConfig', this.configProblem.message);
      return;
    }
    const { scanWindowMs, graceMs } = this.#options;
    this.setExpiresAt(Date.now() + scanWindowMs);
    // The server ends the window itself; this guard covers a server that never does.
    this.#progress.endWindow = this.later(scanWindowMs + graceMs, () => this.#fail('timeoutExpired', this.#timeoutText));
    const begin = () => (kind === 'http' ? this.#startPolling() : this.#connect());
    if (!after) return begin();
    this.setState('connecting');
    const waited = Promise.race([after, new Promise((resolve) => this.later(1_000, () => resolve(undefined)))]).then(() => {});
    // Until this session has a socket of its own, its `closed` is the one it waits for.
    this.#closed = waited;
    void waited.then(() => {
      if (!signal.aborted) begin();
    });
  }

  /** Hands a transport to the current run: it closes when the run ends. */
  #own(transport: Transport): void {
    this.signal.addEventListener('abort', () => transport.close(), { once: true });
  }

  #sink(overrides: Partial<TransportSink>): TransportSink {
    return { message: (m) => this.#handle(m), debug: this.#options.debug, ...overrides };
  }

  #connect(): void {
    const Socket = this.#options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!Socket) {
      this.#fail('connection', 'WebSocket is not available here: pass a WebSocket class (e.g. the ws package) as the WebSocket option, or use transport "http".');
      return;
    }
    const endpoints = this.endpoints;
    if (!endpoints) return;
    this.setState('connecting');
    this.#progress.attempts++;
    const sink = this.#sink({
      opened: () => (this.#progress.everOpened = true),
      dropped: () => this.#dropped(),
    });
    let transport: Transport;
    try {
      transport = openWebSocket(endpoints.socketUrl, { WebSocket: Socket, connectTimeoutMs: this.#options.connectTimeoutMs }, sink);
    } catch {
      if (this.#options.transport === 'auto') this.#switchToHttp();
      else this.#fail('connection', `Could not connect to ${endpoints.origin}.`);
      return;
    }
    this.#own(transport);
    this.#closed = transport.closed;
  }

  #handle(message: ServerMessage): void {
    switch (message.type) {
      case 'qrCode':
        this.#progress.qrShown = true;
        this.#progress.retries = 0;
        this.#progress.reconnecting = false;
        this.#progress.qrImage = message.image;
        if (this.state === 'qr') this.changed();
        else this.setState('qr');
        return;
      case 'accountData':
        this.#progress.endWindow();
        this.link(message.account);
        return;
      default:
        this.#fail(message.type, message.message || (message.type === 'timeoutExpired' ? this.#timeoutText : DEFAULT_MESSAGES[message.type]));
    }
  }

  /** The socket closed (or never opened) before a terminal message. */
  #dropped(): void {
    const { backoffMs, maxConnectAttempts, transport } = this.#options;
    const progress = this.#progress;
    const origin = this.endpoints?.origin ?? 'GREEN-API';
    // Two failures in a row without ever opening: websockets are probably blocked on the way.
    if (!progress.everOpened && transport === 'auto' && progress.attempts >= Math.min(2, maxConnectAttempts)) {
      this.#switchToHttp();
      return;
    }
    if (!progress.everOpened && progress.attempts >= maxConnectAttempts) {
      this.#fail('connection', `Could not connect to ${origin}.`);
      return;
    }
    const delay = backoffMs[Math.min(progress.retries++, backoffMs.length - 1)];
    if (Date.now() + delay >= (this.expiresAt ?? 0)) {
      this.#fail('connection', `The connection to ${origin} was lost.`);
      return;
    }
    this.#progress.qrImage = undefined;
    this.#progress.reconnecting = progress.everOpened;
    this.setState('connecting');
    this.later(delay, () => this.#connect());
  }

  /** `auto`: the socket never opened; poll the HTTP methods for the rest of the session. */
  #switchToHttp(): void {
    this.#progress.kind = 'http';
    this.#progress.reconnecting = false;
    this.#options.debug('the websocket could not be opened; polling the HTTP QR method instead');
    this.#startPolling();
  }

  #startPolling(): void {
    const endpoints = this.endpoints;
    if (!endpoints) return;
    this.#progress.qrImage = undefined;
    this.#progress.failedPolls = 0;
    this.setState('connecting');
    const sink = this.#sink({ message: (m) => this.#receiveHttp(m), failed: (e) => this.#pollFailed(e) });
    const { pollIntervalMs, connectTimeoutMs } = this.#options;
    const signal = this.signal;
    void import('./transports/http-poll.js').then(({ pollQrCodes }) => {
      if (signal.aborted) return;
      this.#own(pollQrCodes(endpoints, { intervalMs: pollIntervalMs, timeoutMs: connectTimeoutMs }, sink));
    });
  }

  #receiveHttp(message: ServerMessage): void {
    const progress = this.#progress;
    progress.failedPolls = 0;
    if (message.type === 'alreadyLogged' && progress.qrShown) {
      // After a code was shown, `alreadyLogged` means the phone scanned it.
      void this.#linkFromState();
      return;
    }
    const first = message.type === 'qrCode' && !progress.qrShown;
    this.#handle(message);
    if (first && this.endpoints) {
      const { statePollIntervalMs, connectTimeoutMs, debug } = this.#options;
      const options = { intervalMs: statePollIntervalMs, timeoutMs: connectTimeoutMs, signal: this.signal, debug };
      watchForLink(this.endpoints, { ...options, onLinked: () => void this.#linkFromState() });
    }
  }

  #pollFailed(error: GreenApiError): void {
    const progress = this.#progress;
    this.#options.debug(`QR poll failed: ${error.message}`);
    if (progress.qrShown) return;
    if (++progress.failedPolls >= this.#options.maxConnectAttempts) {
      this.#fail('connection', `Could not connect to ${this.endpoints?.origin ?? 'GREEN-API'}.`);
    }
  }

  /** The instance is linked (GetStateInstance said so). Asks GetWaSettings for the number (best effort), then links. */
  async #linkFromState(): Promise<void> {
    const endpoints = this.endpoints;
    if (!endpoints || this.#progress.confirming) return;
    const signal = this.signal;
    this.#progress.confirming = true;
    this.#progress.endWindow();
    const phone = await readLinkedNumber(endpoints, signal, this.#options.connectTimeoutMs, this.#options.debug);
    if (!signal.aborted) this.link(accountFromNumber(phone));
  }

  get #timeoutText(): string {
    return `The QR code was not scanned within ${+(this.#options.scanWindowMs / 1000).toFixed(1)} seconds.`;
  }

  #fail(reason: FailureReason, message: string): void {
    this.#progress.qrImage = undefined;
    this.#progress.reconnecting = false;
    this.fail(reason, message);
  }
}
