/**
 * One-off questions to GREEN-API that decide what a session does next: why a websocket did not open
 * (a refused token or a blocked network), why no code came, and whether a Logout has finished.
 */
import type { Endpoints } from './config.js';
import type { ScanFailure } from './events.js';
import { classify } from './failures.js';
import { GreenApiError, getStateInstance, getWaSettings, type StateInstance } from './green-api.js';
import { sleep } from './sleep.js';

export type Diagnosis = { fail: ScanFailure } | { state: StateInstance | null } | { unreachable: GreenApiError } | { rateLimited: true };

/**
 * Asks GetStateInstance once: a refusal (401/403/466) or a blocked instance is a failure; otherwise
 * the state. `impatient`: a 429 is not waited out but reported (`rateLimited`).
 */
export async function diagnose(endpoints: Endpoints, signal: AbortSignal, timeoutMs?: number, impatient = false): Promise<Diagnosis> {
  try {
    const state = await getStateInstance(endpoints, signal, timeoutMs, impatient);
    if (state === 'blocked' || state === 'suspended') return { fail: { reason: 'instanceBlocked', message: `getStateInstance: ${state}` } };
    return { state };
  } catch (error) {
    const e = error instanceof GreenApiError ? error : new GreenApiError('network', 'getStateInstance: request failed');
    if (e.status === 429) return { rateLimited: true };
    const verdict = classify(e);
    if ('fail' in verdict) return verdict;
    if ('starting' in verdict) return { state: 'starting' };
    // An answer that says nothing useful (404, 5xx…) still shows that GREEN-API is reachable.
    return e.kind === 'http' ? { state: null } : { unreachable: e };
  }
}

/**
 * No code came within the first-code wait (`waited` says how long): GetStateInstance tells why. A
 * refusal or a blocked instance says so; an unreachable GREEN-API is `connection`; an instance that
 * answers but produces no code is `instanceStarting` (rebooting it in the console is what helps).
 */
export async function explainNoCode(endpoints: Endpoints, signal: AbortSignal, timeoutMs: number, waited: string): Promise<ScanFailure> {
  const found = await diagnose(endpoints, signal, timeoutMs);
  if ('fail' in found) return found.fail;
  if ('unreachable' in found) return { reason: 'connection', message: `${waited}; ${found.unreachable.message}` };
  return { reason: 'instanceStarting', message: `${waited} (getStateInstance: ${'state' in found ? found.state : 'rate-limited'})` };
}

/**
 * After a Logout GREEN-API cleans up for a while (`logoutProcess` in GetWaSettings) and cannot
 * produce a QR code: waits until that is over and the instance says `notAuthorized` (at most
 * `maxWaitMs`; a failing request ends the wait, and the session reports what it finds itself).
 */
export async function waitForLogout(endpoints: Endpoints, signal: AbortSignal, maxWaitMs: number, debug: (text: string) => void): Promise<void> {
  const until = Date.now() + maxWaitMs;
  while (!signal.aborted && Date.now() < until) {
    try {
      const settings = await getWaSettings(endpoints, signal);
      if (!settings.logoutProcess && (settings.stateInstance ?? 'notAuthorized') === 'notAuthorized') return;
    } catch (error) {
      if (!signal.aborted) debug(`could not read the logout state: ${(error as Error).message}`);
      return;
    }
    await sleep(1_000, signal);
  }
}
