/**
 * The one GetStateInstance poller, for every way of linking: asks for the instance's state, hands it
 * to `onState`, and asks again `intervalMs` after the last request started (never two in flight),
 * until `signal` aborts or `onState` returns `false`. A failed request is reported and retried on
 * the next tick: one bad answer never ends the polling.
 */
import type { Endpoints } from './config.js';
import { GreenApiError, getStateInstance, getWaSettings, type StateInstance } from './green-api.js';
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

/** GetStateInstance's word for a linked instance (`yellowCard` is linked too, if deprecated). */
export const isLinkedState = (state: StateInstance | null) => state === 'authorized' || state === 'yellowCard';

/** Polls until the instance is linked, then calls `onLinked` once (unless `signal` aborted first). */
export function watchForLink(
  endpoints: Endpoints,
  options: { intervalMs: number; timeoutMs?: number; signal: AbortSignal; debug: (text: string) => void; onLinked: () => void },
): void {
  void pollState(endpoints, {
    intervalMs: options.intervalMs,
    delayMs: options.intervalMs,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onState: (state) => {
      if (!isLinkedState(state)) return true;
      options.onLinked();
      return false;
    },
    onError: (error) => options.debug(`state poll failed: ${error.message}`),
  });
}

/** The linked number from GetWaSettings (best effort: `undefined` when it cannot be read). */
export async function readLinkedNumber(
  endpoints: Endpoints,
  signal: AbortSignal,
  timeoutMs: number | undefined,
  debug: (text: string) => void,
): Promise<string | undefined> {
  try {
    return (await getWaSettings(endpoints, signal, timeoutMs)).phone;
  } catch (error) {
    if (!signal.aborted) debug(`could not read the linked number: ${(error as Error).message}`);
    return undefined;
  }
}
