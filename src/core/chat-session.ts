/**
 * What the Telegram and MAX sessions share: the messenger, their options, GetStateInstance watched
 * at 1 request a second or slower (through {@link LinkSession.watchState}), the account read from
 * GetAccountSettings, and the two-factor password step. DOM-free.
 */
import type { ScanConfig } from './config.js';
import { getAccountSettings } from './chat-api.js';
import type { AccountData } from './events.js';
import { LinkSession } from './link-session.js';
import type { Messenger } from './messenger.js';
import { PasswordStep, type SendPassword } from './password-step.js';
import type { StateInstance } from './green-api.js';

/** Timing of the Telegram/MAX sessions (all optional). */
export interface ChatSessionOptions {
  /** How often a new QR code is asked for (ms). GREEN-API: every 5 s. Default 5 000. */
  codeRefreshMs?: number;
  /** How long QR codes keep coming without a scan before the session ends with `timeoutExpired` (ms). Default 300 000. */
  codeWaitMs?: number;
  /** How often GetStateInstance is asked (ms); GREEN-API allows once a second. Default 2 000. */
  statePollIntervalMs?: number;
  /** How long the first QR code may take (ms). Default 180 000. */
  firstCodeTimeoutMs?: number;
  /** After this long without a first code the view says GREEN-API is slow (ms). Default 8 000. */
  slowHintAfterMs?: number;
  /** How long one QR request may take (ms). Default 60 000. */
  qrTimeoutMs?: number;
  /** How long one other request may take (ms). Default 15 000. */
  requestTimeoutMs?: number;
  /** How long the instance may stay `starting` (ms). Default 300 000. */
  startingTimeoutMs?: number;
  /** Telegram by phone: how long a code lives, and no new one comes before (ms). GREEN-API: 5 minutes. Default 300 000. */
  codeLifetimeMs?: number;
  /** After `rate_limit_exceeded`, how long the password form waits (ms). Default 60 000. */
  passwordRetryMs?: number;
  /** Where to report failed polls; defaults to `console.debug`. Never receives the token or a password. */
  debug?: (message: string) => void;
}

/** What a connecting Telegram/MAX session waits for. */
export type ChatPhase = 'preparing' | 'slow' | 'requesting' | 'confirming' | 'starting';

export abstract class ChatSession extends LinkSession {
  /** The messenger this session links. */
  readonly messenger: Messenger;
  /** The password form's state while `state` is `password`. */
  readonly password: PasswordStep;
  protected readonly options: ChatSessionOptions;
  protected readonly debug: (message: string) => void;
  #phase: ChatPhase = 'preparing';

  constructor(config: ScanConfig, messenger: Messenger, options: ChatSessionOptions = {}) {
    super(config);
    this.messenger = messenger;
    this.options = options;
    this.password = new PasswordStep(options.passwordRetryMs);
    this.debug = options.debug ?? ((message: string) => console.debug(`[green-qr-scan] ${message}`));
  }

  /** What the session waits for while `connecting`. */
  get phase(): ChatPhase {
    return this.#phase;
  }

  protected setPhase(phase: ChatPhase): void {
    this.#phase = phase;
    this.changed();
  }

  /** Sends the password typed in the form; the session moves on by GREEN-API's answer. */
  abstract submitPassword(password: string): void;

  /**
   * Watches GetStateInstance until the instance is linked (then reads GetAccountSettings), blocked
   * or stuck; `pendingPassword` calls `onPassword`. One watch at a time (see `watchState`).
   */
  protected watch(onPassword: () => void, notAuthorizedLimit = 0): void {
    const { statePollIntervalMs = 2_000, requestTimeoutMs, startingTimeoutMs = 300_000 } = this.options;
    this.watchState({
      intervalMs: Math.max(1_000, statePollIntervalMs),
      timeoutMs: requestTimeoutMs,
      startingTimeoutMs,
      notAuthorizedLimit,
      debug: this.debug,
      onState: (state: StateInstance | null) => state === 'pendingPassword' && onPassword(),
      onStarting: () => this.onStarting(),
      account: (signal) => this.readAccount(signal),
    });
  }

  /** The instance is starting after a scan or a code. */
  protected onStarting(): void {
    if (this.state !== 'connecting' || this.#phase !== 'starting') {
      this.#phase = 'starting';
      this.setState('connecting');
    }
  }

  /** Shows the password form (once; a second `pendingPassword` changes nothing). */
  protected askPassword(): void {
    if (this.state === 'password' || this.state === 'linked' || this.state === 'failed') return;
    this.setExpiresAt(undefined);
    this.setState('password');
  }

  /** Sends a password with `send`; `restart` is what `authorization_not_started` does. */
  protected sendPassword(password: string, send: SendPassword, restart: () => void): void {
    if (this.state !== 'password') return;
    const signal = this.signal;
    void this.password.submit(password, send, signal, () => this.changed()).then((verdict) => {
      if (!verdict || signal.aborted) return;
      if (verdict.next === 'fail') this.fail(verdict.failure);
      else if (verdict.next === 'restart') restart();
      else if (verdict.next === 'confirm') this.confirm();
    });
  }

  /** Linking is being confirmed: `connecting` until GetStateInstance says `authorized`. */
  protected confirm(notAuthorizedLimit = 0): void {
    this.#phase = 'confirming';
    this.setExpiresAt(undefined);
    this.setState('connecting');
    this.watch(() => this.askPassword(), notAuthorizedLimit);
  }

  /** A new run: a fresh password form and phase. */
  protected reset(): AbortSignal {
    const signal = this.newRun();
    this.#phase = 'preparing';
    this.password.problem = this.password.reason = this.password.retryAt = undefined;
    this.password.busy = false;
    return signal;
  }

  /** The linked account from GetAccountSettings (best effort: without it, just the messenger). */
  protected async readAccount(signal: AbortSignal): Promise<AccountData> {
    const account: AccountData = { wid: '', pushname: '', proxy: '', webhookUrl: '', messenger: this.messenger };
    try {
      const settings = await getAccountSettings(this.endpoints!, signal, this.options.requestTimeoutMs);
      if (settings.chatId) account.wid = account.chatId = settings.chatId;
      if (settings.phone) account.phone = settings.phone;
      if (settings.avatar) account.avatar = settings.avatar;
    } catch (error) {
      if (!signal.aborted) this.debug(`could not read the account: ${(error as Error).message}`);
    }
    return account;
  }
}
