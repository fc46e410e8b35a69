/**
 * Linking by QR code: one `scanqrcode` socket (or, where websockets are blocked, polling of
 * GREEN-API's HTTP QR method), patience for a slow first code, the scan window from the first code
 * on, reconnects, and linking confirmed with GetStateInstance whenever the socket does not say it
 * itself. DOM-free (needs only `WebSocket`, `fetch`, `EventTarget` and timers), so it works without
 * Lit or in Node with the `ws` package.
 */
import type { ScanConfig } from './config.js';
import { classify } from './failures.js';
import type { GreenApiError } from './green-api.js';
import type { Diagnosis } from './instance-checks.js';
import { LOAD_FAILED, LinkSession, accountFromNumber } from './link-session.js';
import type { ServerMessage } from './protocol.js';
import { takeSlot } from './rate-gate.js';
import { freshProgress, resolveScanOptions, type ResolvedScanOptions, type ScanPhase, type ScanSessionOptions, type ScanTransport } from './scan-options.js';
import type { Transport, TransportSink } from './transports/transport.js';
import { openWebSocket, type WebSocketConstructor } from './transports/websocket.js';

export { SCAN_WINDOW_MS, type ScanPhase, type ScanSessionOptions, type ScanTransport, type ScanTransportOption } from './scan-options.js';
export type { WebSocketConstructor };

/** `100000` → `100`, `400` → `0.4`. */
const seconds = (ms: number) => +(ms / 1000).toFixed(1);

/** GREEN-API's 400 / `error` text while an instance starts ("instance in starting process try later"). */
const STARTING = /starting process|try later/i;

/** An `error` text that means "this instance is linked already" (GREEN-API: "Instance has auth. You need to make log out"). */
export const ASKS_FOR_LOGOUT = /log ?out|has auth/i;

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
    return this.state === 'failed' ? undefined : this.#progress.qrImage;
  }
  /** What the session waits for while `connecting`. */
  get phase(): ScanPhase {
    return this.#progress.phase;
  }
  /** `true` while connecting again after the socket dropped. */
  get reconnecting(): boolean {
    return this.#progress.phase === 'reconnecting';
  }
  /** GREEN-API's text of an HTTP QR `error` while polling goes on (shown as secondary detail). */
  get notice(): string | undefined {
    return this.#progress.notice;
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
  #transport: Transport | undefined;
  #progress = freshProgress('websocket');

  constructor(config: ScanConfig, options: ScanSessionOptions = {}) {
    super(config);
    this.#options = resolveScanOptions(options);
  }

  /**
   * Starts the session (or starts it over). Invalid configuration fails with `invalidConfig` without
   * any connection attempt. With `after`, the session shows `connecting` but opens its socket only
   * once `after` settles (at most 1 s): pass the previous session's `closed` so that one instance
   * never has two scanqrcode sockets at once. With `afterLogout`, it first waits for GREEN-API's
   * cleanup after a Logout (`logoutProcess`), which produces no code while it runs.
   */
  start(after?: Promise<unknown>, { afterLogout = false }: { afterLogout?: boolean } = {}): void {
    const signal = this.newRun();
    const kind = this.#options.transport === 'http' ? 'http' : 'websocket';
    const progress = (this.#progress = freshProgress(kind));
    if (this.configProblem) return this.fail('invalidConfig', this.configProblem.message);
    const { firstCodeTimeoutMs, slowHintAfterMs, logoutWaitMs, debug } = this.#options;
    progress.endFirstCodeWait = this.later(firstCodeTimeoutMs, () => void this.#noFirstCode());
    this.later(slowHintAfterMs, () => this.#setPhase('slow', 'preparing'));
    if (afterLogout) progress.phase = 'loggingOut';
    this.setState('connecting');
    const begin = () => {
      if (signal.aborted) return;
      this.#setPhase('preparing', 'loggingOut');
      if (kind === 'http') this.#startPolling();
      else void this.#connect();
    };
    if (!after && !afterLogout) return begin();
    const waits = [Promise.race([after, new Promise((resolve) => this.later(1_000, () => resolve(undefined)))])];
    // (Loaded on demand; when it cannot be loaded, the session reports what it finds itself.)
    if (afterLogout) waits.push(import('./http-api.js').then(({ waitForLogout }) => waitForLogout(this.endpoints!, signal, logoutWaitMs, debug), () => {}));
    const waited = Promise.all(waits).then(() => {});
    // Until this session has a socket of its own, its `closed` is the one it waits for.
    this.#closed = waited;
    void waited.then(begin);
  }

  /** The view could not decode the code on screen: treat it like a malformed frame (the previous code, or the placeholder, stays). */
  rejectImage(image: string): void {
    const progress = this.#progress;
    if (this.state !== 'qr' || image !== progress.qrImage) return;
    this.#options.debug('ignored a qrCode whose image does not decode');
    progress.qrImage = progress.previousImage;
    progress.previousImage = undefined;
    if (progress.qrImage) return this.changed();
    progress.qrShown = false;
    this.setState('connecting');
  }

  /** Hands a transport to the current run: it closes when the run ends (or `#stopCodes()`). */
  #own(transport: Transport): void {
    this.#transport = transport;
    this.signal.addEventListener('abort', () => transport.close(), { once: true });
  }

  /** Linking is being confirmed: no more codes, no window. */
  #stopCodes(phase: ScanPhase): void {
    const progress = this.#progress;
    progress.confirming = true;
    progress.endWindow();
    this.#transport?.close();
    progress.qrImage = progress.previousImage = undefined;
    progress.phase = phase;
    this.setState('connecting');
  }

  #sink(overrides: Partial<TransportSink>): TransportSink {
    return { message: (m) => this.#handle(m), debug: this.#options.debug, ...overrides };
  }

  async #connect(): Promise<void> {
    const Socket = this.#options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!Socket) {
      return this.fail('connection', 'WebSocket is not available here: pass a WebSocket class (e.g. the ws package) as the WebSocket option, or use transport "http".');
    }
    const endpoints = this.endpoints!;
    const signal = this.signal;
    // GREEN-API allows one scanqrcode handshake per second per instance.
    const slot = takeSlot(endpoints.httpBase, 'scanqrcode', signal);
    if (slot) await slot;
    if (signal.aborted) return;
    this.#progress.attempts++;
    const sink = this.#sink({ opened: () => (this.#progress.everOpened = true), dropped: () => void this.#dropped() });
    try {
      const options = { WebSocket: Socket, connectTimeoutMs: this.#options.connectTimeoutMs, protocols: endpoints.protocols };
      const transport = openWebSocket(endpoints.socketUrl, options, sink);
      this.#own(transport);
      this.#closed = transport.closed;
    } catch {
      if (this.#options.transport === 'auto') this.#switchToHttp();
      else this.fail('connection', `Could not connect to ${endpoints.origin}.`);
    }
  }

  #handle(message: ServerMessage): void {
    const progress = this.#progress;
    switch (message.type) {
      case 'qrCode':
        return void this.#showCode(message.image);
      case 'accountData':
        return this.link(message.account);
      case 'alreadyLogged':
        // After a code was shown, `alreadyLogged` most likely means the phone scanned it: confirm.
        if (progress.qrShown) return this.#confirm(3);
        return this.fail('alreadyLogged', message.message || 'instance account already authorized');
      case 'timeoutExpired':
        return this.fail('timeoutExpired', message.message || this.#timeoutText);
      case 'error':
        // "instance in starting process try later": no code yet; the socket closes and is opened
        // again until the first-code wait ends (then GetStateInstance says `starting`).
        if (!progress.qrShown && STARTING.test(message.message)) {
          progress.startingSeen = true;
          progress.notice = message.message;
          return this.changed();
        }
        return this.fail('error', message.message || 'GREEN-API reported an error.');
    }
  }

  /** Shows a code (once it decodes, when the session can check that), unless a newer one is already on screen. */
  async #showCode(image: string): Promise<void> {
    const progress = this.#progress;
    const signal = this.signal;
    const seq = ++progress.codesReceived;
    const { decodeImage, debug } = this.#options;
    const decodes = decodeImage ? await decodeImage(image).catch(() => false) : true;
    // A code still decoding when its socket dropped belongs to the lost connection.
    if (signal.aborted || seq < progress.codeShown || seq <= progress.codesDropped || progress.confirming) return;
    if (!decodes) return debug('ignored a qrCode whose image does not decode');
    progress.codeShown = seq;
    if (!progress.qrShown) this.#firstCode();
    progress.retries = 0;
    progress.droppedAt = undefined;
    progress.notice = undefined;
    progress.previousImage = progress.qrImage;
    progress.qrImage = image;
    if (this.state === 'qr') return this.changed();
    this.setState('qr');
  }

  /** The first code is on screen: the scan window starts now. */
  #firstCode(): void {
    const progress = this.#progress;
    const { scanWindowMs, graceMs } = this.#options;
    progress.qrShown = true;
    progress.phase = 'preparing';
    progress.endFirstCodeWait();
    this.setExpiresAt(Date.now() + scanWindowMs);
    // The server ends the window itself; this guard covers a server that never does.
    progress.endWindow = this.later(scanWindowMs + graceMs, () => this.fail('timeoutExpired', this.#timeoutText));
    // Over HTTP no accountData comes: GetStateInstance tells when the phone linked.
    if (progress.kind === 'http') this.#watch(0);
  }

  /** No code within `firstCodeTimeoutMs`: ask the instance why, and say so. */
  async #noFirstCode(): Promise<void> {
    const signal = this.signal;
    const found = await this.#diagnose();
    if (signal.aborted) return;
    const waited = `No QR code within ${seconds(this.#options.firstCodeTimeoutMs)} s`;
    if (!found) return this.fail('connection', `${waited}; ${LOAD_FAILED}`);
    if ('fail' in found) return this.fail(found.fail);
    if ('unreachable' in found) return this.fail('connection', `${waited}; ${found.unreachable.message}`);
    this.fail('instanceStarting', `${waited} (getStateInstance: ${found.state})`);
  }

  /** The socket closed (or never opened) before a terminal message. */
  async #dropped(): Promise<void> {
    const { backoffMs, maxConnectAttempts, transport, reconnectBudgetMs } = this.#options;
    const progress = this.#progress;
    const origin = this.endpoints!.origin;
    if (!progress.everOpened) {
      // One GetStateInstance tells a refused token (or a blocked instance) from a blocked network,
      // and from a GREEN-API that cannot be reached at all (no reason to try HTTP then).
      if (progress.attempts === 1 && !(await this.#diagnosed())) return;
      // Two failures in a row without ever opening while HTTP works: websockets are probably blocked on the way.
      if (transport === 'auto' && !progress.unreachable && progress.attempts >= Math.min(2, maxConnectAttempts)) return this.#switchToHttp();
      if (progress.attempts >= maxConnectAttempts) return this.fail('connection', `Could not connect to ${origin}.`);
    } else if (!progress.startingSeen) {
      progress.droppedAt ??= Date.now();
      if (Date.now() - progress.droppedAt >= reconnectBudgetMs) return this.fail('connection', `The connection to ${origin} was lost.`);
    }
    const delay = backoffMs[Math.min(progress.retries++, backoffMs.length - 1)];
    if (progress.qrShown && Date.now() + delay >= (this.expiresAt ?? 0)) return this.fail('connection', `The connection to ${origin} was lost.`);
    progress.qrImage = progress.previousImage = undefined;
    progress.codesDropped = progress.codesReceived;
    if (progress.everOpened) progress.phase = 'reconnecting';
    this.setState('connecting');
    this.later(delay, () => void this.#connect());
  }

  /** After a socket that never opened: `false` when GetStateInstance says why (and the session failed). */
  async #diagnosed(): Promise<boolean> {
    const signal = this.signal;
    const found = await this.#diagnose();
    if (signal.aborted) return false;
    if (found && 'fail' in found) this.fail(found.fail);
    // No answer, or no way to ask (the checks could not be loaded: offline): GREEN-API is unreachable.
    if (!found || 'unreachable' in found) this.#progress.unreachable = true;
    return !(found && 'fail' in found);
  }

  /** GetStateInstance once (see `diagnose`); `undefined` when that code could not be loaded (it is fetched on demand). */
  async #diagnose(): Promise<Diagnosis | undefined> {
    const checks = await import('./http-api.js').catch(() => undefined);
    return checks?.diagnose(this.endpoints!, this.signal, this.#options.requestTimeoutMs);
  }

  /** `auto`: the socket never opened; poll the HTTP methods for the rest of the session. */
  #switchToHttp(): void {
    this.#progress.kind = 'http';
    this.#setPhase('preparing', 'reconnecting');
    this.changed();
    this.#options.debug('the websocket could not be opened; polling the HTTP QR method instead');
    this.#startPolling();
  }

  #startPolling(): void {
    const endpoints = this.endpoints!;
    this.#progress.failedPolls = 0;
    if (this.state !== 'connecting') this.setState('connecting');
    const sink = this.#sink({ message: (m) => this.#receiveHttp(m), failed: (e) => this.#pollFailed(e) });
    const { pollIntervalMs, qrTimeoutMs } = this.#options;
    const signal = this.signal;
    // Loaded on demand: a transport that cannot be loaded fails the session with `connection`.
    this.load(
      () => import('./http-api.js'),
      ({ pollQrCodes }) => !signal.aborted && this.#own(pollQrCodes(endpoints, { intervalMs: pollIntervalMs, timeoutMs: qrTimeoutMs }, sink)),
    );
  }

  #receiveHttp(message: ServerMessage): void {
    const progress = this.#progress;
    progress.failedPolls = 0;
    if (message.type === 'error' && !ASKS_FOR_LOGOUT.test(message.message)) {
      // GREEN-API's chat app shows the QR method's error and keeps polling.
      progress.notice = message.message;
      return this.changed();
    }
    progress.notice = undefined;
    this.#handle(message);
  }

  #pollFailed(error: GreenApiError): void {
    const progress = this.#progress;
    this.#options.debug(`QR poll failed: ${error.message}`);
    const verdict = classify(error);
    if ('fail' in verdict) return this.fail(verdict.fail);
    if ('starting' in verdict || progress.qrShown) return;
    if (++progress.failedPolls >= this.#options.maxConnectAttempts) this.fail('connection', `Could not connect to ${this.endpoints!.origin}.`);
  }

  /** `alreadyLogged` after a code: stop showing codes and ask GetStateInstance whether the phone linked. */
  #confirm(notAuthorizedLimit: number): void {
    if (this.#progress.confirming) return;
    this.#stopCodes('confirming');
    this.#watch(notAuthorizedLimit);
  }

  /** Watches GetStateInstance until the instance is linked, refused, blocked or stuck `starting`. */
  #watch(notAuthorizedLimit: number): void {
    const { statePollIntervalMs, requestTimeoutMs, startingTimeoutMs, debug } = this.#options;
    // One watcher at a time: confirming an alreadyLogged replaces the one the first HTTP code started.
    this.#progress.stopWatch();
    const watching = new AbortController();
    this.signal.addEventListener('abort', () => watching.abort(), { once: true });
    this.#progress.stopWatch = () => watching.abort();
    this.watchState({
      signal: watching.signal,
      intervalMs: statePollIntervalMs,
      timeoutMs: requestTimeoutMs,
      startingTimeoutMs,
      notAuthorizedLimit,
      debug,
      // After a scan the instance starts: no more codes, no window; "linking… the instance is starting".
      onStarting: () => this.#progress.phase !== 'starting' && this.#stopCodes('starting'),
      // GetStateInstance says only "authorized": GetWaSettings tells the number (best effort).
      account: async (signal) => {
        this.#progress.endWindow();
        const poller = await import('./http-api.js').catch(() => undefined);
        return accountFromNumber(await poller?.readLinkedNumber(this.endpoints!, signal, requestTimeoutMs, debug));
      },
    });
  }

  #setPhase(phase: ScanPhase, from: ScanPhase): void {
    if (this.#progress.phase !== from) return;
    this.#progress.phase = phase;
    this.changed();
  }

  get #timeoutText(): string {
    return `The QR code was not scanned within ${seconds(this.#options.scanWindowMs)} seconds.`;
  }

}
