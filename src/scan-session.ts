/**
 * One linking session: one `scanqrcode` socket, a small state machine and the 100-s scan window.
 * DOM-free (needs only `WebSocket`, `EventTarget` and timers), so it works without Lit or in Node
 * with the `ws` package.
 */
import { resolveConfig, type Endpoints, type ScanConfig } from './config.js';
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
      WebSocket: options.WebSocket,
    };
  }

  /** `true` while the session holds (or is about to open) a socket. */
  get active(): boolean {
    return this.state === 'connecting' || this.state === 'qr';
  }

  /** Starts the session (or starts it over). Invalid configuration fails with `invalidConfig` without any connection attempt. */
  start(): void {
    this.#stop();
    this.qrImage = undefined;
    this.account = undefined;
    this.failure = undefined;
    this.expiresAt = undefined;
    this.reconnecting = false;
    this.#attempts = 0;
    this.#retries = 0;
    this.#everOpened = false;
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
    this.#connect();
  }

  /** Closes the socket and stops every timer, without firing `account-linked` or `scan-failed`. */
  close(): void {
    this.#stop();
    if (this.state !== 'linked' && this.state !== 'failed') this.#setState('idle');
  }

  #stop(): void {
    this.#generation++;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
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

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #connect(): void {
    const endpoints = this.#endpoints!;
    const Socket = this.#options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!Socket) {
      this.#fail('connection', 'WebSocket is not available in this environment.');
      return;
    }
    this.#setState('connecting');
    this.#attempts++;
    const generation = ++this.#generation;
    let socket: WebSocket;
    try {
      socket = new Socket(endpoints.socketUrl);
    } catch {
      this.#fail('connection', `Could not connect to ${endpoints.origin}.`);
      return;
    }
    this.#socket = socket;
    const current = () => generation === this.#generation;
    let opened = false;
    this.#later(this.#options.connectTimeoutMs, () => {
      if (current() && !opened) this.#dropped();
    });
    socket.onopen = () => {
      if (!current()) return;
      opened = true;
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
    try {
      socket?.close();
    } catch {
      /* never opened */
    }
    const { backoffMs, maxConnectAttempts } = this.#options;
    const origin = this.#endpoints?.origin ?? 'GREEN-API';
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
