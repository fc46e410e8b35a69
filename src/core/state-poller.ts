/**
 * The one GetStateInstance poller, for every way of linking: asks for the instance's state, hands it
 * to `onState`, and asks again `intervalMs` after the last request started (never two in flight),
 * until `signal` aborts or `onState` returns `false`. A failed request is reported and retried on
 * the next tick: one bad answer never ends the polling.
 */
import type { Endpoints } from './config.js';
import { GreenApiError, getStateInstance, type StateInstance } from './green-api.js';
import { sleep } from './link-session.js';

export interface StatePollOptions {
  intervalMs: number;
  /** How long one request may take (ms). */
  timeoutMs?: number;
  signal: AbortSignal;
  /** Wait this long before the first request (ms). Default 0. */
  delayMs?: number;
  /** Return `false` to stop polling. */
  onState: (state: StateInstance | null) => boolean | void;
  onError?: (error: GreenApiError) => void;
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
      onError?.(error instanceof GreenApiError ? error : new GreenApiError('network', 'getStateInstance: request failed'));
    }
    await sleep(Math.max(0, intervalMs - (Date.now() - startedAt)), signal);
  }
}
