/**
 * Linking a Telegram instance with a phone number (GREEN-API: "works with limitations"):
 * StartAuthorization with the number, a field for the code Telegram sends to its system chat,
 * SendAuthorizationCode, and, when the account has a cloud password, the password step
 * (SendAuthorizationCode again with the code and the password). A code lives 5 minutes and
 * Telegram sends no new one within 5 minutes of the last. DOM-free.
 *
 * States: `idle` (the number form), `connecting` (asking for a code, or confirming), `code` (the
 * code form; `expiresAt` is when the code dies), `password`, then `linked` or `failed`.
 */
import type { ScanConfig } from './config.js';
import { sendAuthorizationCode, startAuthorization, type AuthAnswer } from './chat-api.js';
import { ChatSession, type ChatSessionOptions } from './chat-session.js';
import { classify } from './failures.js';
import { GreenApiError, normalizePhoneNumber } from './green-api.js';
import type { PhoneRequestError } from './phone-link-session.js';

/** Why the typed code was not accepted; the code form stays. */
export type CodeProblem =
  /** Not 3 to 10 digits (no request). */
  | 'empty'
  /** GREEN-API refused the code (`invalid_code` or another reason): check it and try again. */
  | 'invalid'
  /** The request failed: try again. */
  | 'failed';

/** When StartAuthorization last sent a code, by instance address: Telegram sends no new code within 5 minutes. */
const codesSent = new Map<string, { at: number; digits: string }>();

export class TelegramPhoneSession extends ChatSession {
  /** Why the last number got no code; cleared by the next `submit()`. */
  get requestError(): PhoneRequestError | undefined {
    return this.#requestError;
  }
  /** Why the last code was not accepted. */
  get codeProblem(): CodeProblem | undefined {
    return this.#codeProblem;
  }
  /** A code is on its way to GREEN-API. */
  get codeBusy(): boolean {
    return this.#codeBusy;
  }
  /** `true` when Telegram sent no new code (one was sent less than 5 minutes ago): the person uses that one. */
  get codeReused(): boolean {
    return this.#reused;
  }

  #requestError: PhoneRequestError | undefined;
  #codeProblem: CodeProblem | undefined;
  #codeBusy = false;
  #reused = false;
  #code = '';

  constructor(config: ScanConfig, options: ChatSessionOptions = {}) {
    super(config, 'telegram', options);
  }

  /** Back to the number form (`idle`); invalid configuration fails with `invalidConfig`. */
  start(): void {
    this.#clear();
    this.#requestError = undefined;
    if (this.configProblem) this.fail('invalidConfig', this.configProblem.message);
    else this.setState('idle');
  }

  #clear(): AbortSignal {
    const signal = this.reset();
    this.#codeProblem = undefined;
    this.#codeBusy = this.#reused = false;
    this.#code = '';
    return signal;
  }

  /** Validates the number and asks Telegram (StartAuthorization) to send a code; an invalid number makes no request. */
  submit(input: string): void {
    const endpoints = this.endpoints;
    if (!endpoints) return;
    const signal = this.#clear();
    const number = normalizePhoneNumber(input);
    if (!number.ok) return this.#back({ kind: 'invalidNumber', message: number.message });
    this.#requestError = undefined;
    this.setPhase('requesting');
    this.setState('connecting');
    startAuthorization(endpoints, number.digits, signal, this.options.requestTimeoutMs).then(
      (answer) => !signal.aborted && this.#started(answer, number.digits),
      (error: unknown) => {
        if (signal.aborted) return;
        const verdict = classify(error instanceof GreenApiError ? error : new GreenApiError('network', 'startAuthorization: request failed'));
        if ('fail' in verdict) return this.fail(verdict.fail);
        const status = error instanceof GreenApiError && error.status ? { status: error.status } : {};
        this.#back({ kind: 'failed', reason: 'starting' in verdict ? 'instanceStarting' : 'connection', message: (error as Error).message, ...status });
      },
    );
  }

  #back(error: PhoneRequestError): void {
    this.#requestError = error;
    this.setState('idle');
  }

  #started(answer: AuthAnswer, digits: string): void {
    if (answer.reason === 'already_registered') return this.fail('alreadyLogged', 'startAuthorization: already_registered');
    if (!answer.ok) return this.#back({ kind: 'refused', message: `startAuthorization: ${answer.reason ?? 'status false'}` });
    const { codeLifetimeMs = 300_000 } = this.options;
    const key = this.endpoints!.httpBase;
    const now = Date.now();
    const last = codesSent.get(key);
    this.#reused = Boolean(last && last.digits === digits && now - last.at < codeLifetimeMs);
    const sentAt = this.#reused ? last!.at : now;
    if (!this.#reused) codesSent.set(key, { at: now, digits });
    this.setExpiresAt(sentAt + codeLifetimeMs);
    this.later(sentAt + codeLifetimeMs - now, () => this.state === 'code' && this.fail('timeoutExpired', 'The Telegram code expired (5 minutes).'));
    this.setState('code');
  }

  /** Sends the code from Telegram's system chat (SendAuthorizationCode). */
  submitCode(input: string): void {
    const endpoints = this.endpoints;
    if (!endpoints || this.state !== 'code' || this.#codeBusy) return;
    const code = input.replace(/[\s-]/g, '');
    if (!/^\d{3,10}$/.test(code)) {
      this.#codeProblem = 'empty';
      return this.changed();
    }
    const signal = this.signal;
    this.#codeBusy = true;
    this.#codeProblem = undefined;
    this.changed();
    sendAuthorizationCode(endpoints, code, undefined, signal, this.options.requestTimeoutMs).then(
      (answer) => {
        if (signal.aborted) return;
        this.#codeBusy = false;
        if (answer.ok || answer.reason === 'already_registered') {
          this.#code = code;
          // A right code: linked, or (with a cloud password) `pendingPassword`: GetStateInstance tells.
          return this.confirm();
        }
        if (answer.reason === 'timeout') return this.fail('timeoutExpired', 'The Telegram code expired (GREEN-API: timeout).');
        if (answer.reason === 'authorization_not_started') return this.#back({ kind: 'refused', message: 'sendAuthorizationCode: authorization_not_started' });
        this.#codeProblem = 'invalid';
        this.changed();
      },
      (error: unknown) => {
        if (signal.aborted) return;
        this.#codeBusy = false;
        const verdict = classify(error instanceof GreenApiError ? error : new GreenApiError('network', 'sendAuthorizationCode: request failed'));
        if ('fail' in verdict) return this.fail(verdict.fail);
        this.#codeProblem = 'failed';
        this.changed();
      },
    );
  }

  /** The cloud password goes with the code (SendAuthorizationCode `{code, password}`). */
  submitPassword(password: string): void {
    const endpoints = this.endpoints;
    if (!endpoints) return;
    const code = this.#code;
    const { requestTimeoutMs } = this.options;
    this.sendPassword(password, (pw, signal) => sendAuthorizationCode(endpoints, code, pw, signal, requestTimeoutMs), () => this.start());
  }
}
