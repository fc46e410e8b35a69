/**
 * Linking by QR code: one `scanqrcode` socket (or, where websockets are blocked, polling of
 * GREEN-API's HTTP QR method), the scan window, reconnects and the fallback between the two.
 * DOM-free (needs only `WebSocket`, `fetch`, `EventTarget` and timers), so it works without Lit or
 * in Node with the `ws` package.
 */
import type { ScanConfig } from './config.js';
import type { FailureReason } from './events.js';
import { getWaSettings, type GreenApiError } from './green-api.js';
import { LinkSession, accountFromNumber } from './link-session.js';
import type { ServerMessage } from './protocol.js';
import { pollState } from './state-poller.js';
import type { Transport, TransportKind, TransportSink } from './transports/transport.js';
import { openWebSocket, type WebSocketConstructor } from './transports/websocket.js';

export type { WebSocketConstructor };

/** GREEN-API's scan window: the code must be scanned within 100 s of the session's start. */
export const SCAN_WINDOW_MS = 100_000;

/** How a session reaches GREEN-API. */
export type ScanTransport = TransportKind;
/** The transport to use: `auto` starts with the websocket and falls back to HTTP polling. */
export type ScanTransportOption = 'auto' | ScanTransport;

export interface ScanSessionOptions {
  /** The `WebSocket` class to use; defaults to `globalThis.WebSocket` (in Node 20, pass the `ws` package's). */
  WebSocket?: WebSocketConstructor;
  /** Length of the scan window (ms). Default 100 000. */
  scanWindowMs?: number;
  /** How long after the window the session waits for the server's own timeout message (ms). Default 5 000. */
  graceMs?: number;
  /** How long one connection attempt (or one HTTP request) may take before it counts as failed (ms). Default 10 000. */
  connectTimeoutMs?: number;
  /** Attempts to open a socket that never opened (or HTTP polls in a row that failed) before failing with `connection`. Default 4. */
  maxConnectAttempts?: number;
  /** Delays between reconnection attempts (ms); the last one repeats. */
  backoffMs?: readonly number[];
  /** Where to report ignored frames; defaults to `console.debug`. Never receives the token. */
  debug?: (message: string) => void;
  /**
   * `websocket`: the `scanqrcode` socket only. `http`: poll GREEN-API's QR and GetStateInstance
   * methods, no socket. `auto` (default): the socket; if it fails twice without ever opening (e.g. a
   * proxy that blocks websockets), HTTP polling for the rest of the session.
   */
  transport?: ScanTransportOption;
  /** HTTP transport: how often the QR method is polled (ms). Default 1 000 (GREEN-API's advice). */
  pollIntervalMs?: number;
  /** How often GetStateInstance is polled while a code is shown over HTTP (ms). Default 3 000. */
  statePollIntervalMs?: number;
}

type Options = Required<Omit<ScanSessionOptions, 'WebSocket'>> & Pick<ScanSessionOptions, 'WebSocket'>;

const DEFAULTS: Omit<Options, 'debug'> = {
  scanWindowMs: SCAN_WINDOW_MS,
  graceMs: 5_000,
  connectTimeoutMs: 10_000,
  maxConnectAttempts: 4,
  backoffMs: [500, 1_000, 2_000, 4_000],
  transport: 'auto',
  pollIntervalMs: 1_000,
  statePollIntervalMs: 3_000,
};

/** Default messages, used when the server sends no text. Views show their own localised text. */
const DEFAULT_MESSAGES = {
  alreadyLogged: 'instance account already authorized',
  error: 'GREEN-API reported an error.',
} as const;

/** What one run has seen so far; replaced whole by `start()`. */
interface RunProgress {
  kind: TransportKind;
  attempts: number;
  retries: number;
  everOpened: boolean;
  qrShown: boolean;
  failedPolls: number;
  /** Linking was seen and is being confirmed: nothing else may end the run. */
  confirming: boolean;
  endWindow: () => void;
}

const freshProgress = (kind: TransportKind): RunProgress => ({
  kind,
  attempts: 0,
  retries: 0,
  everOpened: false,
  qrShown: false,
  failedPolls: 0,
  confirming: false,
  endWindow: () => {},
});

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
    return this.#qrImage;
  }
  /** `true` while connecting again after the socket dropped. */
  get reconnecting(): boolean {
    return this.#reconnecting;
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

  readonly #options: Options;
  #qrImage: string | undefined;
  #reconnecting = false;
  #closed: Promise<void> = Promise.resolve();
  #progress = freshProgress('websocket');

  constructor(config: ScanConfig, options: ScanSessionOptions = {}) {
    super(config);
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.#options = {
      ...DEFAULTS,
      debug: (message: string) => console.debug(`[green-qr-scan] ${message}`),
      ...defined,
    };
    if (!this.#options.backoffMs.length) this.#options.backoffMs = DEFAULTS.backoffMs;
  }

  /**
   * Starts the session (or starts it over). Invalid configuration fails with `invalidConfig` without
   * any connection attempt. With `after`, the session shows `connecting` but opens its socket only
   * once `after` settles (at most 1 s): pass the previous session's `closed` so that one instance
   * never has two scanqrcode sockets at once.
   */
  start(after?: Promise<unknown>): void {
    const signal = this.newRun();
    this.#qrImage = undefined;
    this.#reconnecting = false;
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
        this.#reconnecting = false;
        this.#qrImage = message.image;
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
    this.#qrImage = undefined;
    this.#reconnecting = progress.everOpened;
    this.setState('connecting');
    this.later(delay, () => this.#connect());
  }

  /** `auto`: the socket never opened; poll the HTTP methods for the rest of the session. */
  #switchToHttp(): void {
    this.#progress.kind = 'http';
    this.#reconnecting = false;
    this.#options.debug('the websocket could not be opened; polling the HTTP QR method instead');
    this.#startPolling();
  }

  #startPolling(): void {
    const endpoints = this.endpoints;
    if (!endpoints) return;
    this.#qrImage = undefined;
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
      void pollState(this.endpoints, {
        intervalMs: statePollIntervalMs,
        delayMs: statePollIntervalMs,
        timeoutMs: connectTimeoutMs,
        signal: this.signal,
        onState: (state) => {
          if (state !== 'authorized' && state !== 'yellowCard') return true;
          void this.#linkFromState();
          return false;
        },
        onError: (error) => debug(`state poll failed: ${error.message}`),
      });
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
    let phone: string | undefined;
    try {
      phone = (await getWaSettings(endpoints, signal, this.#options.connectTimeoutMs)).phone;
    } catch (error) {
      if (!signal.aborted) this.#options.debug(`could not read the linked number: ${(error as Error).message}`);
    }
    if (!signal.aborted) this.link(accountFromNumber(phone));
  }

  get #timeoutText(): string {
    return `The QR code was not scanned within ${+(this.#options.scanWindowMs / 1000).toFixed(1)} seconds.`;
  }

  #fail(reason: FailureReason, message: string): void {
    this.#qrImage = undefined;
    this.#reconnecting = false;
    this.fail(reason, message);
  }
}
