/**
 * How one run of a QR session gets its codes: the `scanqrcode` socket, reconnects after a drop
 * (within a budget once it had opened), one GetStateInstance after a socket that never opened (a
 * refused token, a rate limit or an unreachable GREEN-API is not a blocked network), and, with
 * `transport: 'auto'`, polling of the HTTP QR method when websockets seem blocked on the way.
 * The session keeps the state machine; this decides only how the codes keep coming.
 */
import type { Endpoints } from './config.js';
import type { ScanFailure } from './events.js';
import { classify } from './failures.js';
import type { GreenApiError } from './green-api.js';
import type { Diagnosis } from './instance-checks.js';
import { LOAD_FAILED } from './link-session.js';
import type { ServerMessage } from './protocol.js';
import { answered, takeSlot } from './rate-gate.js';
import type { ResolvedScanOptions, RunProgress } from './scan-options.js';
import { sleep } from './sleep.js';
import type { Transport, TransportKind, TransportSink } from './transports/transport.js';
import { openWebSocket, type WebSocketConstructor } from './transports/websocket.js';

/** An `error` text that means "this instance is linked already" (GREEN-API: "Instance has auth. You need to make log out"). */
export const ASKS_FOR_LOGOUT = /log ?out|has auth/i;

/** GREEN-API's `error` text while an instance starts ("instance in starting process try later"). */
const STARTING = /starting process|try later/i;

/** What the connection tells its session, and the little it reads of it. */
export interface ConnectionHost {
  /** A message to act on: a socket frame or an HTTP QR answer. */
  message(message: ServerMessage): void;
  /** GREEN-API's text of an HTTP QR `error` while polling goes on (`undefined` once an answer came without one). */
  notice(text: string | undefined): void;
  /** The codes on screen came on a connection that is gone: show `connecting` (`reconnecting` once a socket had opened). */
  lost(reconnecting: boolean): void;
  /** The connection moved to HTTP polling. */
  switched(): void;
  fail(failure: ScanFailure): void;
  /** The run so far: whether a code was shown. */
  readonly progress: Readonly<Pick<RunProgress, 'qrShown'>>;
  /** When the scan window ends (epoch ms), once a code was shown. */
  expiresAt(): number | undefined;
}

export class ScanConnection {
  #kind: TransportKind;
  #transport: Transport | undefined;
  #closed: Promise<void> = Promise.resolve();
  #attempts = 0;
  #retries = 0;
  #everOpened = false;
  /** When the open socket first dropped (reconnects since then count against the budget). */
  #droppedAt: number | undefined;
  /** GetStateInstance could not reach GREEN-API either: no fallback to HTTP. */
  #unreachable = false;
  /** GetStateInstance was refused with 429 too: the upgrade probably was, so that attempt does not count. */
  #rateLimited = false;
  #failedPolls = 0;
  /** GREEN-API said the instance is starting: reconnects wait for the first code, not for a budget. */
  #startingSeen = false;
  readonly #endpoints: Endpoints;
  readonly #options: ResolvedScanOptions;
  readonly #signal: AbortSignal;
  readonly #host: ConnectionHost;

  /** `signal` is the run's: when it aborts, the transport closes and nothing more is reported. */
  constructor(endpoints: Endpoints, options: ResolvedScanOptions, signal: AbortSignal, host: ConnectionHost) {
    this.#endpoints = endpoints;
    this.#options = options;
    this.#signal = signal;
    this.#host = host;
    this.#kind = options.transport === 'http' ? 'http' : 'websocket';
    signal.addEventListener('abort', () => this.close(), { once: true });
  }

  /** `http` once the connection polls the HTTP QR method. */
  get kind(): TransportKind {
    return this.#kind;
  }
  /** Settles once the last socket is closed (at once when there is none). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  start(): void {
    if (this.#kind === 'http') this.#poll();
    else void this.#connect();
  }

  /** A new code is on screen: reconnects count afresh. */
  codeArrived(): void {
    this.#retries = 0;
    this.#droppedAt = undefined;
  }

  /** No more codes (linking is being confirmed, or the run ended). */
  close(): void {
    this.#transport?.close();
  }

  #own(transport: Transport): void {
    this.#transport = transport;
    if (this.#signal.aborted) transport.close();
  }

  #fail(message: string): void {
    this.#host.fail({ reason: 'connection', message });
  }

  async #connect(): Promise<void> {
    const Socket = this.#options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!Socket) return this.#fail('WebSocket is not available here: pass a WebSocket class (e.g. the ws package) as the WebSocket option, or use transport "http".');
    const endpoints = this.#endpoints;
    // GREEN-API allows one scanqrcode handshake per second per instance.
    const slot = takeSlot(endpoints.httpBase, 'scanqrcode', this.#signal);
    if (slot) await slot;
    if (this.#signal.aborted) return;
    this.#attempts++;
    const sink: TransportSink = {
      message: (m) => this.#frame(m),
      debug: this.#options.debug,
      opened: () => {
        this.#everOpened = true;
        // The handshake's answer: the next one leaves a slot after it (see the drop below).
        answered(endpoints.httpBase, 'scanqrcode');
      },
      dropped: () => void this.#dropped(),
    };
    try {
      const options = { WebSocket: Socket, connectTimeoutMs: this.#options.connectTimeoutMs, protocols: endpoints.protocols };
      const transport = openWebSocket(endpoints.socketUrl, options, sink);
      this.#own(transport);
      this.#closed = transport.closed;
    } catch {
      if (this.#options.transport === 'auto') this.#switchToHttp();
      else this.#fail(`Could not connect to ${endpoints.origin}.`);
    }
  }

  /**
   * "instance in starting process try later" before any code: not an end. The socket closes and is
   * opened again until the first-code wait ends (GetStateInstance then says `starting`).
   */
  #frame(message: ServerMessage): void {
    if (message.type !== 'error' || this.#host.progress.qrShown || !STARTING.test(message.message)) return this.#host.message(message);
    this.#startingSeen = true;
    this.#host.notice(message.message);
  }

  /** The socket closed (or never opened) before a terminal message. */
  async #dropped(): Promise<void> {
    const { backoffMs, maxConnectAttempts, transport, reconnectBudgetMs } = this.#options;
    const { origin, httpBase } = this.#endpoints;
    // The next handshake leaves a slot after this one ended, not only after it began: a handshake
    // held up on the way would otherwise reach GREEN-API less than a second before the next.
    answered(httpBase, 'scanqrcode');
    if (!this.#everOpened) {
      if ((this.#attempts === 1 || this.#rateLimited) && !(await this.#diagnosed())) return;
      if (this.#rateLimited) this.#attempts--;
      // Two failures in a row without ever opening while HTTP works: websockets are probably blocked on the way.
      else if (transport === 'auto' && !this.#unreachable && this.#attempts >= Math.min(2, maxConnectAttempts)) return this.#switchToHttp();
      if (this.#attempts >= maxConnectAttempts) return this.#fail(`Could not connect to ${origin}.`);
    } else if (!this.#startingSeen) {
      this.#droppedAt ??= Date.now();
      if (Date.now() - this.#droppedAt >= reconnectBudgetMs) return this.#fail(`The connection to ${origin} was lost.`);
    }
    const delay = backoffMs[Math.min(this.#retries++, backoffMs.length - 1)];
    if (this.#host.progress.qrShown && Date.now() + delay >= (this.#host.expiresAt() ?? 0)) return this.#fail(`The connection to ${origin} was lost.`);
    this.#host.lost(this.#everOpened);
    await sleep(delay, this.#signal);
    if (!this.#signal.aborted) void this.#connect();
  }

  /**
   * After a socket that did not open: one GetStateInstance tells a refused token (or a blocked
   * instance) from a blocked network, from a GREEN-API that cannot be reached at all (no reason to
   * try HTTP then), and from one that rate-limits the instance. `false` when the session failed.
   */
  async #diagnosed(): Promise<boolean> {
    // The checks are loaded on demand: no way to ask (offline) is a GREEN-API that cannot be reached.
    const checks = await import('./http-api.js').catch(() => undefined);
    const found: Diagnosis | undefined = await checks?.diagnose(this.#endpoints, this.#signal, this.#options.requestTimeoutMs, true);
    if (this.#signal.aborted) return false;
    if (found && 'fail' in found) this.#host.fail(found.fail);
    this.#unreachable = !found || 'unreachable' in found;
    this.#rateLimited = !!found && 'rateLimited' in found;
    return !(found && 'fail' in found);
  }

  /** `auto`: the socket never opened; poll the HTTP methods for the rest of the run. */
  #switchToHttp(): void {
    this.#kind = 'http';
    this.#host.switched();
    this.#options.debug('the websocket could not be opened; polling the HTTP QR method instead');
    this.#poll();
  }

  #poll(): void {
    const endpoints = this.#endpoints;
    const signal = this.#signal;
    const { pollIntervalMs, qrTimeoutMs, debug } = this.#options;
    const sink: TransportSink = { message: (m) => this.#received(m), failed: (e) => this.#pollFailed(e), debug };
    // Loaded on demand: a transport that cannot be loaded ends the run with `connection`.
    import('./http-api.js').then(
      ({ pollQrCodes }) => !signal.aborted && this.#own(pollQrCodes(endpoints, { intervalMs: pollIntervalMs, timeoutMs: qrTimeoutMs }, sink)),
      () => !signal.aborted && this.#fail(LOAD_FAILED),
    );
  }

  #received(message: ServerMessage): void {
    this.#failedPolls = 0;
    // GREEN-API's chat app shows the QR method's error and keeps polling.
    if (message.type === 'error' && !ASKS_FOR_LOGOUT.test(message.message)) return this.#host.notice(message.message);
    this.#host.notice(undefined);
    this.#host.message(message);
  }

  #pollFailed(error: GreenApiError): void {
    this.#options.debug(`QR poll failed: ${error.message}`);
    const verdict = classify(error);
    if ('fail' in verdict) return this.#host.fail(verdict.fail);
    if ('starting' in verdict || this.#host.progress.qrShown) return;
    if (++this.#failedPolls >= this.#options.maxConnectAttempts) this.#fail(`Could not connect to ${this.#endpoints.origin}.`);
  }
}
