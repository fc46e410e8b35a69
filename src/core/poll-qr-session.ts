/**
 * Linking a Telegram or MAX instance by QR code. GREEN-API documents no websocket for them: the
 * session asks the QR method for a fresh code every 5 s (MAX's `qr` allows 1 request a second,
 * Telegram's 3; the rate gate keeps both), and GetStateInstance at most once a second. A scan shows
 * up as `authorized` (then GetAccountSettings tells the account) or `pendingPassword` (the password
 * step); `alreadyLogged` / `already_registered` after a code is confirmed with GetStateInstance
 * before it counts as linked. DOM-free.
 *
 * States: `connecting` (first code, or confirming), `qr` (a code on screen; `expiresAt` is when the
 * next one is asked for), `password`, then `linked` or `failed`.
 */
import type { ScanConfig } from './config.js';
import { getChatQr, sendAuthorizationPassword, type ChatQrResult } from './chat-api.js';
import { ChatSession, type ChatSessionOptions } from './chat-session.js';
import { classify } from './failures.js';
import { GreenApiError } from './green-api.js';
import type { Messenger } from './messenger.js';

/** An `error` text that means "this instance is linked already" (as in scan-session.ts). */
const ASKS_FOR_LOGOUT = /log ?out|has auth/i;

/** Failed QR requests in a row (before any code) after which the session gives up with `connection`. */
const MAX_FAILED_POLLS = 3;

export class PollQrSession extends ChatSession {
  /** The QR code to show (a `data:image/png;base64,…` URL) while `state` is `qr`. */
  get qrImage(): string | undefined {
    return this.state === 'qr' ? this.#image : undefined;
  }
  /** GREEN-API's text of a QR `error` while polling goes on. */
  get notice(): string | undefined {
    return this.#notice;
  }
  /** `true` when GREEN-API said the sign-in had not started (`authorization_not_started`) and the codes started over. */
  get restarted(): boolean {
    return this.#restarted;
  }
  /** `true` when the page asked for `mode="phone"` on MAX, which has no phone linking (QR instead). */
  readonly phoneFallback: boolean;

  #image: string | undefined;
  #notice: string | undefined;
  #codesShown = 0;
  #failedPolls = 0;
  #polling = false;
  #restarted = false;

  constructor(config: ScanConfig, messenger: Exclude<Messenger, 'whatsapp'>, options: ChatSessionOptions & { phoneFallback?: boolean } = {}) {
    super(config, messenger, options);
    this.phoneFallback = Boolean(options.phoneFallback);
  }

  /** Starts over: a fresh code (invalid configuration fails with `invalidConfig`, without a request). */
  start(): void {
    this.reset();
    this.#image = this.#notice = undefined;
    this.#restarted = false;
    this.#codesShown = this.#failedPolls = 0;
    if (this.configProblem) return this.fail('invalidConfig', this.configProblem.message);
    const { firstCodeTimeoutMs = 180_000, slowHintAfterMs = 8_000, codeWaitMs = 300_000 } = this.options;
    this.setState('connecting');
    this.later(slowHintAfterMs, () => !this.#codesShown && this.phase === 'preparing' && this.setPhase('slow'));
    this.later(firstCodeTimeoutMs, () => !this.#codesShown && this.fail('connection', `No QR code within ${Math.round(firstCodeTimeoutMs / 1000)} s.`));
    this.later(codeWaitMs, () => this.#polling && this.fail('timeoutExpired', `No scan within ${Math.round(codeWaitMs / 1000)} s: get a new code.`));
    this.#polling = true;
    void this.#poll();
    this.watch(() => this.#password());
  }

  submitPassword(password: string): void {
    const endpoints = this.endpoints;
    if (!endpoints) return;
    const { requestTimeoutMs } = this.options;
    this.sendPassword(password, (pw, signal) => sendAuthorizationPassword(endpoints, pw, signal, requestTimeoutMs), () => this.#startOver());
  }

  /** `authorization_not_started`: new codes, and a note why. */
  #startOver(): void {
    this.start();
    this.#restarted = true;
    this.changed();
  }

  /** One QR request, then the next one a refresh interval after this one started; none once the codes stopped. */
  async #poll(): Promise<void> {
    // The watcher may stop the codes between two requests (a scan: `starting`, `pendingPassword`).
    if (!this.#polling) return;
    const signal = this.signal;
    const { codeRefreshMs = 5_000, qrTimeoutMs } = this.options;
    const startedAt = Date.now();
    let answer: ChatQrResult | undefined;
    try {
      answer = await getChatQr(this.endpoints!, this.messenger, signal, qrTimeoutMs);
    } catch (caught) {
      if (signal.aborted || !this.#polling) return;
      const error = caught instanceof GreenApiError ? caught : new GreenApiError('network', 'qr: request failed');
      this.debug(`QR poll failed: ${error.message}`);
      const verdict = classify(error);
      if ('fail' in verdict) return this.fail(verdict.fail);
      if (!('starting' in verdict) && !this.#codesShown && ++this.#failedPolls >= MAX_FAILED_POLLS) {
        return this.fail('connection', `Could not connect to ${this.endpoints!.origin}.`);
      }
    }
    if (signal.aborted || !this.#polling) return;
    if (answer) this.#handle(answer, codeRefreshMs);
    this.later(Math.max(0, codeRefreshMs - (Date.now() - startedAt)), () => void this.#poll());
  }

  #handle(answer: ChatQrResult, refreshMs: number): void {
    this.#failedPolls = 0;
    switch (answer.type) {
      case 'qrCode':
        this.#codesShown++;
        this.#image = answer.image;
        this.#notice = undefined;
        this.setExpiresAt(Date.now() + refreshMs);
        return this.state === 'qr' ? this.changed() : this.setState('qr');
      case 'alreadyLogged':
        // After a code, most likely the phone scanned it: confirm with GetStateInstance first.
        if (!this.#codesShown) return this.fail('alreadyLogged', answer.message || 'instance account already authorized');
        this.#stopCodes();
        return this.confirm(3);
      case 'pendingPassword':
        return this.#password();
      case 'error':
        if (ASKS_FOR_LOGOUT.test(answer.message)) return this.fail('error', answer.message);
        this.#notice = answer.message;
        return this.changed();
    }
  }

  #stopCodes(): void {
    this.#polling = false;
    this.#image = undefined;
  }

  #password(): void {
    this.#stopCodes();
    this.askPassword();
  }

  protected override onStarting(): void {
    this.#stopCodes();
    super.onStarting();
  }
}
