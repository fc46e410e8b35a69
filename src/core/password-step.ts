/**
 * The two-factor (cloud) password step that Telegram and MAX ask for after a scan or a phone code
 * (state `pendingPassword`, or a `qr` answer `pending_password`). Shared by the QR and the phone
 * sessions: it sends the password once per submit and tells the session what GREEN-API's reason
 * means. DOM-free. The password is never stored, logged or put in an error: it goes to `send` and
 * nowhere else.
 */
import type { AuthAnswer } from './chat-api.js';
import type { ScanFailure } from './events.js';
import { classify } from './failures.js';
import { GreenApiError } from './green-api.js';

/** Why the last password was not accepted; the form stays on screen. */
export type PasswordProblem =
  /** Nothing was typed (no request). */
  | 'empty'
  /** `invalid_password`: wrong password, try again. */
  | 'invalid'
  /** `rate_limit_exceeded`: too many attempts; wait until `retryAt`. */
  | 'rateLimited'
  /** The request failed (network) or GREEN-API gave a reason we do not know: try again. */
  | 'failed';

/** What the session does next. */
export type PasswordVerdict =
  /** Accepted (or `already_registered`): confirm the link with GetStateInstance. */
  | { next: 'confirm' }
  /** Stay on the form (see {@link PasswordStep.problem}). */
  | { next: 'again' }
  /** `authorization_not_started`: the sign-in has to start over (a new code). */
  | { next: 'restart' }
  /** `timeout` (GREEN-API's wait for the password ended), or a refused token / quota. */
  | { next: 'fail'; failure: ScanFailure };

/** Sends the password (SendAuthorizationPassword, or SendAuthorizationCode with the code). */
export type SendPassword = (password: string, signal: AbortSignal) => Promise<AuthAnswer>;

export class PasswordStep {
  /** Why the last submit did not get through. */
  problem: PasswordProblem | undefined;
  /** A password is on its way. */
  busy = false;
  /** With `rateLimited`: when a new attempt makes sense (epoch ms). */
  retryAt: number | undefined;
  /** GREEN-API's reason word of the last refusal (for developers; never the password). */
  reason: string | undefined;

  constructor(readonly rateLimitWaitMs = 60_000) {}

  /** `true` while a submit would be refused without a request (busy, or waiting after `rate_limit_exceeded`). */
  get locked(): boolean {
    return this.busy || (this.retryAt !== undefined && Date.now() < this.retryAt);
  }

  /** Sends `password` once; `undefined` when it was not sent (empty, busy, locked) or the run ended. */
  async submit(password: string, send: SendPassword, signal: AbortSignal, changed: () => void): Promise<PasswordVerdict | undefined> {
    if (this.locked) return undefined;
    if (!password) {
      this.problem = 'empty';
      changed();
      return { next: 'again' };
    }
    this.busy = true;
    this.problem = this.reason = undefined;
    changed();
    let answer: AuthAnswer;
    try {
      answer = await send(password, signal);
    } catch (caught) {
      if (signal.aborted) return undefined;
      this.busy = false;
      const error = caught instanceof GreenApiError ? caught : new GreenApiError('network', 'password: request failed');
      const verdict = classify(error);
      if ('fail' in verdict) return { next: 'fail', failure: verdict.fail };
      this.problem = 'failed';
      changed();
      return { next: 'again' };
    }
    if (signal.aborted) return undefined;
    this.busy = false;
    return this.#verdict(answer, changed);
  }

  #verdict({ ok, reason }: AuthAnswer, changed: () => void): PasswordVerdict {
    this.reason = reason;
    if (ok || reason === 'already_registered') return { next: 'confirm' };
    switch (reason) {
      case 'authorization_not_started':
        return { next: 'restart' };
      case 'timeout':
        return { next: 'fail', failure: { reason: 'timeoutExpired', message: 'The password was not entered in time (GREEN-API: timeout).' } };
      case 'rate_limit_exceeded':
        this.problem = 'rateLimited';
        this.retryAt = Date.now() + this.rateLimitWaitMs;
        break;
      case 'invalid_password':
        this.problem = 'invalid';
        break;
      default:
        this.problem = 'failed';
    }
    changed();
    return { next: 'again' };
  }
}
