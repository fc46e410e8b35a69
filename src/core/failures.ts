/**
 * What a failed GREEN-API request means for linking: a failure to report (with a reason that says
 * what is wrong), an instance that is still starting, or something to try again.
 */
import type { FailureReason, ScanFailure } from './events.js';
import type { GreenApiError } from './green-api.js';

export type Verdict = { fail: ScanFailure } | { starting: true } | { retry: true };

const failure = (reason: FailureReason, error: GreenApiError, hint: string): Verdict => ({
  fail: { reason, message: `${error.message}${hint}`, ...(error.status ? { status: error.status } : {}) },
});

/** GREEN-API's common errors page: 401 the token, 403 the instance id, 466 the quota, 400 "instance in starting process". */
export function classify(error: GreenApiError): Verdict {
  if (error.kind !== 'http') return { retry: true };
  const text = error.description ?? '';
  switch (error.status) {
    case 401:
      return failure('unauthorized', error, ': check the token (apiTokenInstance)');
    case 403:
      return failure('unauthorized', error, ': check the instance id (idInstance)');
    case 466:
      return failure('quotaExceeded', error, '');
    case 400:
      if (/starting/i.test(text)) return { starting: true };
      if (/expired|deleted/i.test(text)) return failure('instanceBlocked', error, '');
      return { retry: true };
    default:
      return { retry: true };
  }
}
