/**
 * One linking session: one `scanqrcode` socket (or, where websockets are blocked, polling of
 * GREEN-API's HTTP QR method), a small state machine and the 100-s scan window.
 * DOM-free (needs only `WebSocket`, `fetch`, `EventTarget` and timers), so it works without Lit or
 * in Node with the `ws` package.
 */
import { resolveConfig, type Endpoints, type ScanConfig } from './config.js';
import { GreenApiError, getQr, getStateInstance, getWaSettings, type QrResult } from './green-api.js';
import {
  AccountLinkedEvent,
  ScanFailedEvent,
  ScanStateChangeEvent,
  type FailureReason,
  type ScanFailure,
  type ScanState,
} from './events.js';
import { parseFrame, type AccountData, type ServerMessage } from './protocol.js';

/** GREEN-API's scan window: the code must be scanned within 100 s of the session's start. */
export const SCAN_WINDOW_MS = 100_000;

/** The part of the `WebSocket` constructor the session uses (the browser's, or `ws` in Node). */
export type WebSocketConstructor = new (url: string) => WebSocket;

/** How a session reaches GREEN-API. */
export type ScanTransport = 'websocket' | 'http';
/** The transport to use: `auto` starts with the websocket and falls back to HTTP polling. */
export type ScanTransportOption = 'auto' | ScanTransport;

export interface ScanSessionOptions {
  /** The `WebSocket` class to use; defaults to `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** Length of the scan window (ms). Default 100 000. */
  scanWindowMs?: number;
  /** How long after the window the session waits for the server's own timeout message (ms). Default 5 000. */
  graceMs?: number;
  /** How long one connection attempt may take before it counts as failed (ms). Default 10 000. */
  connectTimeoutMs?: number;
  /** Attempts to open a socket that never opened before failing with `connection`. Default 4. */
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
  /** HTTP transport: how often GetStateInstance is polled once a QR code is shown (ms). Default 3 000. */
  statePollIntervalMs?: number;
}

/** Closes a socket the session no longer wants, and drops its handlers. */
function release(socket: WebSocket): void {
  socket.onmessage = socket.onclose = null;
  if (socket.readyState === 0) {
    // Closing a socket that is still connecting makes the browser log its URL, token included:
    // close it the moment it opens instead.
    socket.onopen = () => socket.close(1000);
  } else if (socket.readyState === 1) {
    socket.onopen = null;
    socket.close(1000);
  }
}

/** Default messages, used when the server sends no text. Views show their own localised text. */
const DEFAULT_MESSAGES: Record<Exclude<FailureReason, 'invalidConfig'>, string> = {
  alreadyLogged: 'instance account already authorized',
  timeoutExpired: 'The QR code was not scanned within 100 seconds.',
  error: 'GREEN-API reported an error.',
  connection: 'Could not connect to GREEN-API.',
};

/**
 * A linking session. Listen for `change` (anything a view shows changed), `scan-state-change`,
 * `account-linked` and `scan-failed` (the same event classes the element fires), then call `start()`.
 *
 * ```ts
 * const session = new ScanSession({ instanceId, token, apiUrl });
 * session.addEventListener('change', () => render(session.state, session.qrImage));
 * session.addEventListener('account-linked', (e) => save(e.detail));
 * session.start();
 * ```
 */
export class ScanSession extends EventTarget {
  /** Current state. */
  state: ScanState = 'idle';
  /** The QR code to show (a `data:image/png;base64,…` URL) while `state` is `qr`. */
  qrImage: string | undefined = undefined;
  /** The linked account once `state` is `linked`. */
  account: AccountData | undefined = undefined;
  /** Why the session failed once `state` is `failed`. */
  failure: ScanFailure | undefined = undefined;
  /** `true` while connecting again after the socket dropped. */
  reconnecting = false;
  /** When the scan window ends (epoch ms), once started. */
  expiresAt: number | undefined = undefined;

  /** The transport in use: `http` when the session polls GREEN-API's HTTP methods instead of a socket. */
  get transport(): ScanTransport {
    return this.#transport;
  }

  readonly #config: ScanConfig;
  readonly #options: Required<Omit<ScanSessionOptions, 'WebSocket'>> & { WebSocket?: WebSocketConstructor };
  #endpoints: Endpoints | undefined;
  #socket: WebSocket | undefined;
  /** Bumped whenever a socket is replaced or the session ends: late events of old sockets are dropped. */
  #generation = 0;
  #attempts = 0;
  #everOpened = false;
  #retries = 0;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #transport: ScanTransport = 'websocket';
  #closed: Promise<void> = Promise.resolve();
  /** In-flight HTTP requests, aborted when the session stops. */
  #requests = new Set<AbortController>();
  /** A QR code was shown in this session. */
  #qrShown = false;
  /** HTTP transport: QR polls in a row that failed before any QR code arrived. */
  #failedPolls = 0;

  constructor(config: ScanConfig, options: ScanSessionOptions = {}) {
    super();
    this.#config = { ...config };
    this.#options = {
      scanWindowMs: options.scanWindowMs ?? SCAN_WINDOW_MS,
      graceMs: options.graceMs ?? 5_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      maxConnectAttempts: options.maxConnectAttempts ?? 4,
      backoffMs: options.backoffMs?.length ? options.backoffMs : [500, 1_000, 2_000, 4_000],
      debug: options.debug ?? ((message: string) => console.debug(`[green-qr-scan] ${message}`)),
      transport: options.transport ?? 'auto',
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      statePollIntervalMs: options.statePollIntervalMs ?? 3_000,
      WebSocket: options.WebSocket,
    };
  }

  /** `true` while the session holds (or is about to open) a socket. */
  get active(): boolean {
    return this.state === 'connecting' || this.state === 'qr';
  }

  /** Starts the session (or starts it over). Invalid configuration fails with `invalidConfig` without any connection attempt. */
  /**
   * Starts the session (or starts it over). Invalid configuration fails with `invalidConfig` without
   * any connection attempt. With `after`, the session shows `connecting` but opens its socket only
   * once `after` settles (at most 1 s): pass the previous session's `closed` so that one instance
   * never has two scanqrcode sockets at once.
   */
  start(after?: Promise<unknown>): void {
    this.#stop();
    this.qrImage = undefined;
    this.account = undefined;
    this.failure = undefined;
    this.expiresAt = undefined;
    this.reconnecting = false;
    this.#attempts = 0;
    this.#retries = 0;
    this.#everOpened = false;
    this.#qrShown = false;
    this.#failedPolls = 0;
    this.#transport = this.#options.transport === 'http' ? 'http' : 'websocket';
    const resolved = resolveConfig(this.#config);
    if (!resolved.ok) {
      this.#fail('invalidConfig', resolved.message);
      return;
    }
    this.#endpoints = resolved.endpoints;
    const { scanWindowMs, graceMs } = this.#options;
    this.expiresAt = Date.now() + scanWindowMs;
    // The server ends the window itself; this guard covers a server that never does.
    this.#later(scanWindowMs + graceMs, () => this.#fail('timeoutExpired', DEFAULT_MESSAGES.timeoutExpired));
    const begin = () => (this.#transport === 'http' ? this.#startPolling() : this.#connect());
    if (!after) {
      begin();
      return;
    }
    this.#setState('connecting');
    const generation = this.#generation;
    let cancelWait = () => {};
    const waited = Promise.race([after, new Promise((resolve) => (cancelWait = this.#later(1_000, () => resolve(undefined))))]).then(
      () => cancelWait(),
    );
    // Until this session has a socket of its own, its `closed` is the one it waits for.
    this.#closed = waited;
    void waited.then(() => {
      if (generation === this.#generation) begin();
    });
  }

  /** Settles once the session's last socket is closed (at once when it has none). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Closes the socket (or stops polling) and every timer, without firing `account-linked` or `scan-failed`. */
  close(): void {
    this.#stop();
    if (this.state !== 'linked' && this.state !== 'failed') this.#setState('idle');
  }

  #stop(): void {
    this.#generation++;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const request of this.#requests) request.abort();
    this.#requests.clear();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) release(socket);
  }

  /** A timer that `#stop()` clears; call the returned function to clear it sooner. */
  #later(ms: number, run: () => void): () => void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.#timers.delete(timer);
    };
  }

  #connect(): void {
    const endpoints = this.#endpoints!;
    const Socket = this.#options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!Socket) {
      if (this.#options.transport === 'auto') this.#switchToHttp();
      else this.#fail('connection', 'WebSocket is not available in this environment.');
      return;
    }
    this.#setState('connecting');
    this.#attempts++;
    const generation = ++this.#generation;
    let socket: WebSocket;
    try {
      socket = new Socket(endpoints.socketUrl);
    } catch {
      if (this.#options.transport === 'auto') this.#switchToHttp();
      else this.#fail('connection', `Could not connect to ${endpoints.origin}.`);
      return;
    }
    this.#socket = socket;
    this.#closed = new Promise((resolve) => socket.addEventListener('close', () => resolve(), { once: true }));
    const current = () => generation === this.#generation;
    const cancelTimeout = this.#later(this.#options.connectTimeoutMs, () => {
      if (current()) this.#dropped();
    });
    socket.onopen = () => {
      if (!current()) return;
      cancelTimeout();
      this.#everOpened = true;
    };
    socket.onmessage = (event: MessageEvent) => {
      if (current()) this.#receive(event.data);
    };
    // `error` is always followed by `close`; handling `close` alone avoids a double retry.
    socket.onclose = () => {
      if (current()) this.#dropped();
    };
  }

  #receive(data: unknown): void {
    const result = parseFrame(data);
    if (!result.ok) {
      this.#options.debug(`ignored a frame: ${result.detail}`);
      return;
    }
    this.#handle(result.message);
  }

  #handle(message: ServerMessage): void {
    switch (message.type) {
      case 'qrCode':
        this.#qrShown = true;
        this.#retries = 0;
        this.reconnecting = false;
        this.qrImage = message.image;
        if (this.state === 'qr') this.#changed();
        else this.#setState('qr');
        return;
      case 'accountData':
        this.#link(message.account);
        return;
      case 'alreadyLogged':
      case 'timeoutExpired':
      case 'error':
        this.#fail(message.type, message.message || DEFAULT_MESSAGES[message.type]);
        return;
    }
  }

  /** The socket closed (or never opened) before a terminal message. */
  #dropped(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#generation++;
    // A socket still connecting here timed out: abort it (the browser logs its address then, but a
    // hung handshake must not linger).
    if (socket?.readyState === 0) socket.close();
    else if (socket) release(socket);
    const { backoffMs, maxConnectAttempts } = this.#options;
    const origin = this.#endpoints?.origin ?? 'GREEN-API';
    // Two failures in a row without ever opening: websockets are probably blocked on the way.
    if (!this.#everOpened && this.#options.transport === 'auto' && this.#attempts >= Math.min(2, maxConnectAttempts)) {
      this.#switchToHttp();
      return;
    }
    if (!this.#everOpened && this.#attempts >= maxConnectAttempts) {
      this.#fail('connection', `Could not connect to ${origin}.`);
      return;
    }
    const delay = backoffMs[Math.min(this.#retries++, backoffMs.length - 1)];
    if (Date.now() + delay >= (this.expiresAt ?? 0)) {
      this.#fail('connection', `The connection to ${origin} was lost.`);
      return;
    }
    this.qrImage = undefined;
    this.reconnecting = this.#everOpened;
    this.#setState('connecting');
    this.#later(delay, () => this.#connect());
  }

  /** `auto`: the socket never opened; poll the HTTP methods for the rest of the session. */
  #switchToHttp(): void {
    this.#generation++;
    this.#transport = 'http';
    this.reconnecting = false;
    this.#options.debug('the websocket could not be opened; polling the HTTP QR method instead');
    this.#startPolling();
  }

  // --- HTTP transport -------------------------------------------------------------------------

  #startPolling(): void {
    this.qrImage = undefined;
    this.#failedPolls = 0;
    this.#setState('connecting');
    this.#pollQr(this.#generation);
  }

  /**
   * Runs one request of a polling loop, then schedules the next `intervalMs` after this one started
   * (never two of one kind in flight). Results of an old generation are dropped.
   */
  #poll<T>(
    generation: number,
    intervalMs: number,
    send: (endpoints: Endpoints, signal: AbortSignal) => Promise<T>,
    onResult: (result: T) => void,
    onError: (error: GreenApiError) => void,
    next: () => void,
  ): void {
    const current = () => generation === this.#generation;
    const controller = new AbortController();
    this.#requests.add(controller);
    const startedAt = Date.now();
    send(this.#endpoints!, controller.signal)
      .then(
        (result) => {
          if (current()) onResult(result);
        },
        (error: unknown) => {
          if (!current()) return;
          onError(error instanceof GreenApiError ? error : new GreenApiError('network', 'request failed'));
        },
      )
      .finally(() => {
        this.#requests.delete(controller);
        if (current()) this.#later(Math.max(0, intervalMs - (Date.now() - startedAt)), next);
      });
  }

  #pollQr(generation: number): void {
    const { pollIntervalMs, connectTimeoutMs } = this.#options;
    this.#poll(
      generation,
      pollIntervalMs,
      (endpoints, signal) => getQr(endpoints, signal, connectTimeoutMs),
      (result) => this.#receiveHttpQr(result, generation),
      (error) => {
        if (error.kind === 'aborted') return;
        this.#options.debug(`QR poll failed: ${error.message}`);
        if (this.#qrShown) return;
        this.#failedPolls++;
        if (this.#failedPolls >= this.#options.maxConnectAttempts) {
          this.#fail('connection', `Could not connect to ${this.#endpoints?.origin ?? 'GREEN-API'}.`);
        }
      },
      () => this.#pollQr(generation),
    );
  }

  #pollState(generation: number): void {
    const { statePollIntervalMs, connectTimeoutMs } = this.#options;
    this.#poll(
      generation,
      statePollIntervalMs,
      (endpoints, signal) => getStateInstance(endpoints, signal, connectTimeoutMs),
      (state) => {
        if (state === 'authorized' || state === 'yellowCard') void this.#linkFromHttp();
      },
      (error) => {
        if (error.kind !== 'aborted') this.#options.debug(`state poll failed: ${error.message}`);
      },
      () => this.#pollState(generation),
    );
  }

  #receiveHttpQr(result: QrResult, generation: number): void {
    this.#failedPolls = 0;
    switch (result.type) {
      case 'qrCode': {
        const first = !this.#qrShown;
        // The QR method answers the same code for ~20 s: only a new one is a change.
        if (this.state === 'qr' && result.image === this.qrImage) return;
        this.#handle(result);
        if (first) this.#later(this.#options.statePollIntervalMs, () => this.#pollState(generation));
        return;
      }
      case 'alreadyLogged':
        // After a code was shown, `alreadyLogged` means the phone scanned it.
        if (this.#qrShown) void this.#linkFromHttp();
        else this.#handle(result);
        return;
      case 'error':
        this.#handle(result);
        return;
    }
  }

  /** HTTP transport: the instance is linked. Asks GetWaSettings for the number (best effort), then links. */
  async #linkFromHttp(): Promise<void> {
    this.#stop();
    const generation = this.#generation;
    const controller = new AbortController();
    this.#requests.add(controller);
    let phone = '';
    try {
      phone = (await getWaSettings(this.#endpoints!, controller.signal, this.#options.connectTimeoutMs)).phone ?? '';
    } catch (error) {
      if (generation === this.#generation && error instanceof GreenApiError) {
        this.#options.debug(`could not read the linked number: ${error.message}`);
      }
    }
    this.#requests.delete(controller);
    if (generation !== this.#generation) return;
    this.#link({ wid: phone ? `${phone}@c.us` : '', pushname: '', proxy: '', webhookUrl: '' });
  }

  #link(account: AccountData): void {
    this.#stop();
    this.account = account;
    this.#setState('linked');
    this.dispatchEvent(new AccountLinkedEvent({ ...account }));
  }

  #fail(reason: FailureReason, message: string): void {
    this.#stop();
    this.qrImage = undefined;
    this.reconnecting = false;
    this.failure = { reason, message };
    this.#setState('failed', reason);
    this.dispatchEvent(new ScanFailedEvent({ ...this.failure }));
  }

  #setState(state: ScanState, reason?: FailureReason): void {
    const previous = this.state;
    if (previous !== state) {
      this.state = state;
      this.dispatchEvent(new ScanStateChangeEvent(reason ? { state, previous, reason } : { state, previous }));
    }
    this.#changed();
  }

  /** Something a view shows changed (state, QR image, account or failure). */
  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}
