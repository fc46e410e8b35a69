/**
 * Linking with a phone number instead of a QR code: GetAuthorizationCode for the number, the code
 * on screen until it expires, and GetStateInstance until the instance is authorized. DOM-free, the
 * same shape as {@link ScanSession}: `idle` is the number form, `connecting` the code request,
 * `code` a code on screen, then `linked` or `failed`.
 */
import type { ScanConfig } from './config.js';
// (Through http-api.js, the module the sessions load on demand: one chunk for GREEN-API's HTTP side.)
import { formatAuthCode, getAuthorizationCode, GreenApiError, normalizePhoneNumber } from './http-api.js';
import { LinkSession, accountFromNumber, withDetails } from './link-session.js';
import { classify } from './failures.js';
import { SCAN_DEFAULTS } from './scan-options.js';

export interface PhoneLinkOptions {
  /** How often GetStateInstance is asked while a code is shown (ms). Default 3 000. */
  statePollIntervalMs?: number;
  /** How long a code is valid (ms). GREEN-API: about 2.5 minutes. Default 150 000. */
  codeValidityMs?: number;
  /** How long one request may take (ms). Default 15 000. */
  requestTimeoutMs?: number;
  /** How long the instance may stay `starting` after the code was entered (ms). Default 300 000. */
  startingTimeoutMs?: number;
  /**
   * Once linked, GetWaSettings is read once for the account's avatar: how long `linked` (and
   * `account-linked`) may wait for it (ms). Without an answer by then the account is reported with
   * what is known. Default 3 000.
   */
  accountDetailsTimeoutMs?: number;
  /** Where to report failed polls; defaults to `console.debug`. Never receives the token. */
  debug?: (message: string) => void;
}

/** Why the last code request did not give a code; the form stays on screen. */
export type PhoneRequestError =
  /** The number was refused before any request (see `message`). */
  | { kind: 'invalidNumber'; message: string }
  /** GREEN-API answered `status: false`: ask again. */
  | { kind: 'refused'; message: string }
  /** The request failed: GREEN-API could not be reached (`connection`) or its instance is starting (`instanceStarting`). */
  | { kind: 'failed'; reason: 'connection' | 'instanceStarting'; message: string; status?: number };

export class PhoneLinkSession extends LinkSession {
  /** The code to type in WhatsApp, grouped (`ABCD-1234`), while `state` is `code`. */
  get code(): string | undefined {
    return this.#code;
  }
  /** `starting` once the code was entered and the instance is starting (state `connecting`). */
  get phase(): 'starting' | undefined {
    return this.#starting ? 'starting' : undefined;
  }
  /** Why the last submitted number got no code; cleared by the next `submit()`. */
  get requestError(): PhoneRequestError | undefined {
    return this.#requestError;
  }

  readonly #options: PhoneLinkOptions;
  #code: string | undefined;
  #requestError: PhoneRequestError | undefined;
  #starting = false;

  constructor(config: ScanConfig, options: PhoneLinkOptions = {}) {
    super(config);
    this.#options = options;
  }

  /** Back to the number form (`idle`); invalid configuration fails with `invalidConfig`. */
  start(): void {
    this.newRun();
    this.#code = this.#requestError = undefined;
    this.#starting = false;
    if (this.configProblem) this.fail('invalidConfig', this.configProblem.message);
    else this.setState('idle');
  }

  /** Validates the number and asks GREEN-API for a code; an invalid number makes no request. */
  submit(input: string): void {
    const endpoints = this.endpoints;
    if (!endpoints) return;
    const signal = this.newRun();
    this.#code = undefined;
    this.#starting = false;
    const number = normalizePhoneNumber(input);
    if (!number.ok) {
      this.#requestError = { kind: 'invalidNumber', message: number.message };
      this.setState('idle');
      return;
    }
    this.#requestError = undefined;
    this.setState('connecting');
    getAuthorizationCode(endpoints, number.digits, signal, this.#options.requestTimeoutMs).then(
      (answer) => {
        if (signal.aborted) return;
        if (answer.status && answer.code) this.#showCode(formatAuthCode(answer.code), number.digits);
        else this.#refused({ kind: 'refused', message: 'GREEN-API did not issue a code' });
      },
      (error: unknown) => {
        if (!signal.aborted) this.#requestFailed(error instanceof GreenApiError ? error : new GreenApiError('network', 'getAuthorizationCode: request failed'));
      },
    );
  }

  /** A refused token or quota ends the session; anything else leaves the form to try again. */
  #requestFailed(error: GreenApiError): void {
    const verdict = classify(error);
    if ('fail' in verdict) return this.fail(verdict.fail);
    const reason = 'starting' in verdict ? 'instanceStarting' : 'connection';
    this.#refused({ kind: 'failed', reason, message: error.message, ...(error.status ? { status: error.status } : {}) });
  }

  #refused(error: PhoneRequestError): void {
    this.#requestError = error;
    this.setState('idle');
  }

  #showCode(code: string, digits: string): void {
    const { statePollIntervalMs = 3_000, codeValidityMs = 150_000, startingTimeoutMs = 300_000, requestTimeoutMs, accountDetailsTimeoutMs = SCAN_DEFAULTS.accountDetailsTimeoutMs } = this.#options;
    const debug = this.#options.debug ?? ((message: string) => console.debug(`[green-qr-scan] ${message}`));
    this.#code = code;
    this.setExpiresAt(Date.now() + codeValidityMs);
    const expire = this.later(codeValidityMs, () => this.fail('timeoutExpired', 'The linking code expired.'));
    this.setState('code');
    this.watchState({
      intervalMs: statePollIntervalMs,
      timeoutMs: requestTimeoutMs,
      startingTimeoutMs,
      debug,
      // The code was entered and the instance is starting: the code's expiry no longer matters.
      onStarting: () => {
        if (this.#starting) return;
        this.#starting = true;
        expire();
        this.setState('connecting');
      },
      // GetStateInstance says only "authorized": the number typed is what we know of the account,
      // and GetWaSettings (read once, best effort) adds its avatar.
      account: async (signal) => withDetails(accountFromNumber(digits), await this.waDetails(signal, accountDetailsTimeoutMs, debug)),
    });
  }
}
