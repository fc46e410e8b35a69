/**
 * Linking by QR code: one `scanqrcode` socket (or, where websockets are blocked, polling of
 * GREEN-API's HTTP QR method), patience for a slow first code, the scan window from the first code
 * on, reconnects, and linking confirmed with GetStateInstance whenever the socket does not say it
 * itself. DOM-free (needs only `WebSocket`, `fetch`, `EventTarget` and timers), so it works without
 * Lit or in Node with the `ws` package.
 */
import type { ScanConfig } from './config.js';
import { LOAD_FAILED, LinkSession, accountFromNumber, withDetails } from './link-session.js';
import type { AccountData, ServerMessage } from './protocol.js';
import { ScanConnection, type ConnectionHost } from './scan-connection.js';
import { freshProgress, resolveScanOptions, type ResolvedScanOptions, type RunProgress, type ScanPhase, type ScanSessionOptions, type ScanTransport } from './scan-options.js';

export { SCAN_WINDOW_MS, type ScanPhase, type ScanSessionOptions, type ScanTransport, type ScanTransportOption } from './scan-options.js';
export type { WebSocketConstructor } from './transports/websocket.js';

export { ASKS_FOR_LOGOUT } from './scan-connection.js';

/** `100000` → `100`, `400` → `0.4`. */
const seconds = (ms: number) => +(ms / 1000).toFixed(1);

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
    return this.#connection?.kind ?? (this.#options.transport === 'http' ? 'http' : 'websocket');
  }
  /** `true` while the session holds (or is about to open) a socket or polls. */
  get active(): boolean {
    return this.state === 'connecting' || this.state === 'qr';
  }
  /** Settles once the session's last socket is closed (at once when it has none). */
  get closed(): Promise<void> {
    return this.#connection?.closed ?? this.#waited;
  }

  readonly #options: ResolvedScanOptions;
  /** What a window that ended says. */
  readonly #timeoutText: string;
  /** What the run waits for before it connects (the previous session's socket, a Logout). */
  #waited: Promise<void> = Promise.resolve();
  #connection: ScanConnection | undefined;
  #progress = freshProgress();

  constructor(config: ScanConfig, options: ScanSessionOptions = {}) {
    super(config);
    this.#options = resolveScanOptions(options);
    this.#timeoutText = `The QR code was not scanned within ${seconds(this.#options.scanWindowMs)} seconds.`;
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
    const progress = (this.#progress = freshProgress());
    this.#connection = undefined;
    this.#waited = Promise.resolve();
    if (this.configProblem) return this.fail('invalidConfig', this.configProblem.message);
    const { firstCodeTimeoutMs, slowHintAfterMs, logoutWaitMs, debug } = this.#options;
    progress.endFirstCodeWait = this.later(firstCodeTimeoutMs, () => void this.#noFirstCode());
    this.later(slowHintAfterMs, () => progress.qrShown || this.#setPhase('slow', 'preparing'));
    if (afterLogout) progress.phase = 'loggingOut';
    this.setState('connecting');
    const begin = () => {
      if (signal.aborted) return;
      this.#setPhase('preparing', 'loggingOut');
      this.#connection = new ScanConnection(this.endpoints!, this.#options, signal, this.#connectionHost(progress));
      this.#connection.start();
    };
    if (!after && !afterLogout) return begin();
    const waits = [Promise.race([after, new Promise((resolve) => this.later(1_000, () => resolve(undefined)))])];
    // (Loaded on demand; when it cannot be loaded, the session reports what it finds itself.)
    if (afterLogout) waits.push(this.httpApi().then((api) => api?.waitForLogout(this.endpoints!, signal, logoutWaitMs, debug)));
    // Until this session has a socket of its own, its `closed` is the one it waits for.
    this.#waited = Promise.all(waits).then(() => {});
    void this.#waited.then(begin);
  }

  /** Linking is being confirmed: no more codes, no window. */
  #stopCodes(phase: ScanPhase): void {
    const progress = this.#progress;
    progress.confirming = true;
    progress.endWindow();
    this.#connection?.close();
    progress.qrImage = undefined;
    progress.phase = phase;
    this.setState('connecting');
  }

  #handle(message: ServerMessage): void {
    const progress = this.#progress;
    switch (message.type) {
      case 'qrCode':
        return void this.#showCode(message.image);
      case 'accountData':
        return void this.#linked(message.account);
      case 'alreadyLogged':
        if (!progress.qrShown) return this.fail('alreadyLogged', message.message || 'instance account already authorized');
        // After a code, `alreadyLogged` most likely means the phone scanned it: no more codes; GetStateInstance confirms.
        if (progress.confirming) return;
        this.#stopCodes('confirming');
        return this.#watch(3);
      case 'timeoutExpired':
        return this.fail('timeoutExpired', message.message || this.#timeoutText);
      case 'error':
        return this.fail('error', message.message || 'GREEN-API reported an error.');
    }
  }

  /** The socket said the phone linked: no more codes; GetWaSettings (best effort, `accountDetailsTimeoutMs`) adds the avatar and number. */
  async #linked(account: AccountData): Promise<void> {
    const progress = this.#progress;
    if (progress.confirming) return;
    progress.confirming = true;
    progress.endWindow();
    progress.endFirstCodeWait();
    this.#connection?.close();
    const signal = this.signal;
    const details = await this.waDetails(signal, this.#options.accountDetailsTimeoutMs, this.#options.debug);
    if (!signal.aborted) this.link(withDetails(account, details));
  }

  /** Shows a code (once it decodes, when the session can check that), unless a newer one is already on screen. */
  async #showCode(image: string): Promise<void> {
    const progress = this.#progress;
    const signal = this.signal;
    const seq = ++progress.codesReceived;
    const { decodeImage, debug } = this.#options;
    const decodes = decodeImage ? await decodeImage(image).catch(() => false) : true;
    // The decoder's copy of the same image, when it gave one: this one can go.
    if (decodes === image) image = decodes;
    // A code still decoding when its socket dropped belongs to the lost connection.
    if (signal.aborted || seq < progress.codeShown || seq <= progress.codesDropped || progress.confirming) return;
    if (!decodes) return debug('ignored a qrCode whose image does not decode');
    progress.codeShown = seq;
    if (!progress.qrShown) this.#firstCode();
    this.#connection?.codeArrived();
    progress.notice = undefined;
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
    if (this.transport === 'http') this.#watch(0);
  }

  /** No code within `firstCodeTimeoutMs`: ask the instance why, and say so. */
  async #noFirstCode(): Promise<void> {
    const signal = this.signal;
    const waited = `No QR code within ${seconds(this.#options.firstCodeTimeoutMs)} s`;
    // The checks are loaded on demand: no way to ask (offline) is a GREEN-API that cannot be reached.
    const checks = await this.httpApi();
    const failure = checks ? await checks.explainNoCode(this.endpoints!, signal, this.#options.requestTimeoutMs, waited) : { reason: 'connection' as const, message: `${waited}; ${LOAD_FAILED}` };
    if (!signal.aborted) this.fail(failure);
  }

  /** What the run's connection tells the session. */
  #connectionHost(progress: RunProgress): ConnectionHost {
    return {
      progress,
      expiresAt: () => this.expiresAt,
      message: (m) => this.#handle(m),
      fail: (failure) => this.fail(failure),
      notice: (text) => {
        progress.notice = text;
        if (text) this.changed();
      },
      lost: (reconnecting) => {
        progress.qrImage = undefined;
        progress.codesDropped = progress.codesReceived;
        if (reconnecting) progress.phase = 'reconnecting';
        this.setState('connecting');
      },
      switched: () => {
        if (progress.phase === 'reconnecting') progress.phase = 'preparing';
        this.changed();
      },
    };
  }

  /** Watches GetStateInstance until the instance is linked, refused, blocked or stuck `starting`. */
  #watch(notAuthorizedLimit: number): void {
    const { statePollIntervalMs, requestTimeoutMs, startingTimeoutMs, debug } = this.#options;
    // Confirming an alreadyLogged replaces the watcher the first HTTP code started.
    this.watchState({
      intervalMs: statePollIntervalMs,
      timeoutMs: requestTimeoutMs,
      startingTimeoutMs,
      notAuthorizedLimit,
      debug,
      // After a scan the instance starts: no more codes, no window; "linking… the instance is starting".
      onStarting: () => this.#progress.phase !== 'starting' && this.#stopCodes('starting'),
      // GetStateInstance says only "authorized": GetWaSettings (read once, best effort) tells the number and the avatar.
      account: async (signal) => {
        this.#progress.endWindow();
        const details = await this.waDetails(signal, this.#options.accountDetailsTimeoutMs, debug);
        return withDetails(accountFromNumber(details.phone), details);
      },
    });
  }

  #setPhase(phase: ScanPhase, from: ScanPhase): void {
    if (this.#progress.phase !== from) return;
    this.#progress.phase = phase;
    this.changed();
  }
}
