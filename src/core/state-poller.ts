/**
 * The one GetStateInstance poller, for every way of linking: asks for the instance's state, hands it
 * to `onState`, and asks again `intervalMs` after the last request started (never two in flight),
 * until `signal` aborts or `onState` returns `false`. A failed request is reported and retried on
 * the next tick: one bad answer never ends the polling.
 */
import type { Endpoints } from './config.js';
import { GreenApiError, getStateInstance, type StateInstance } from './green-api.js';
import type { ScanFailure } from './events.js';
import { classify } from './failures.js';
import { sleep } from './sleep.js';

export interface StatePollOptions {
  intervalMs: number;
  /** How long one request may take (ms). */
  timeoutMs?: number;
  signal: AbortSignal;
  /** Wait this long before the first request (ms). Default 0. */
  delayMs?: number;
  /** Return `false` to stop polling. */
  onState: (state: StateInstance | null) => boolean | void;
  /** Return `false` to stop polling. */
  onError?: (error: GreenApiError) => boolean | void;
}

export async function pollState(endpoints: Endpoints, options: StatePollOptions): Promise<void> {
  const { intervalMs, timeoutMs, signal, onState, onError } = options;
  if (options.delayMs) await sleep(options.delayMs, signal);
  while (!signal.aborted) {
    const startedAt = Date.now();
    try {
      const state = await getStateInstance(endpoints, signal, timeoutMs);
      if (signal.aborted || onState(state) === false) return;
    } catch (error) {
      if (signal.aborted) return;
      if (onError?.(error instanceof GreenApiError ? error : new GreenApiError('network', 'getStateInstance: request failed')) === false) return;
    }
    await sleep(Math.max(0, intervalMs - (Date.now() - startedAt)), signal);
  }
}

/** GetStateInstance's word for a linked instance (`yellowCard` is linked too, if deprecated). */
export const isLinkedState = (state: StateInstance | null) => state === 'authorized' || state === 'yellowCard';

/** A state that ends the wait as a failure: `blocked`/`suspended`, or `notAuthorized` once too often. */
function stateFailure(state: StateInstance | null, tooOften: boolean): ScanFailure | undefined {
  if (state === 'blocked' || state === 'suspended') return { reason: 'instanceBlocked', message: `getStateInstance: ${state}` };
  if (state === 'notAuthorized' && tooOften) return { reason: 'alreadyLogged', message: 'alreadyLogged, but getStateInstance keeps saying notAuthorized' };
  return undefined;
}

export interface LinkWatch {
  intervalMs: number;
  timeoutMs?: number;
  signal: AbortSignal;
  debug: (text: string) => void;
  /** How long the instance may stay `starting` before the watch fails with `instanceStarting` (ms). */
  startingTimeoutMs: number;
  /** Fail with `alreadyLogged` after this many `notAuthorized` answers (when confirming an `alreadyLogged`). */
  notAuthorizedLimit?: number;
  /** The instance is starting (called on each such answer). */
  onStarting?: () => void;
  /** Every answer, before the watch acts on it (e.g. `pendingPassword` for Telegram/MAX). */
  onState?: (state: StateInstance | null) => void;
  onLinked: () => void;
  onFail: (failure: ScanFailure) => void;
}

/**
 * Polls GetStateInstance (one interval first) until the instance is linked (`onLinked`), refused,
 * blocked or stuck in `starting` (`onFail`). `starting` is waited out up to `startingTimeoutMs`;
 * `null` (being created), `sleepMode` and `pendingCode` are waited out; failed requests are retried.
 */
export function watchLink(endpoints: Endpoints, watch: LinkWatch): void {
  let startingSince: number | undefined;
  let notAuthorized = 0;
  const starting = (): boolean => {
    startingSince ??= Date.now();
    watch.onStarting?.();
    if (Date.now() - startingSince < watch.startingTimeoutMs) return true;
    watch.onFail({ reason: 'instanceStarting', message: `getStateInstance: still starting after ${Math.round(watch.startingTimeoutMs / 1000)} s` });
    return false;
  };
  void pollState(endpoints, {
    intervalMs: watch.intervalMs,
    delayMs: watch.intervalMs,
    timeoutMs: watch.timeoutMs,
    signal: watch.signal,
    onState: (state) => {
      watch.onState?.(state);
      if (watch.signal.aborted) return false;
      if (state === 'starting') return starting();
      const failure = stateFailure(state, ++notAuthorized >= (watch.notAuthorizedLimit || Infinity));
      if (isLinkedState(state)) watch.onLinked();
      else if (failure) watch.onFail(failure);
      if (state !== 'notAuthorized') notAuthorized = 0;
      return !isLinkedState(state) && !failure;
    },
    onError: (error) => {
      const verdict = classify(error);
      if ('starting' in verdict) return starting();
      if ('fail' in verdict) watch.onFail(verdict.fail);
      else watch.debug(`state poll failed: ${error.message}`);
      return !('fail' in verdict);
    },
  });
}
