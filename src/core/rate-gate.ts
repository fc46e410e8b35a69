/**
 * GREEN-API's per-instance rate limits (requests per second, from its rate-limiter page), kept by
 * every session on the page together: a request waits until its method's slot is free, and a 429's
 * `Retry-After` holds the method back for that long.
 */
import { sleep } from './sleep.js';

/** Requests per second per instance and method (`scanqrcode` is the websocket). */
export const RATE_LIMITS: Readonly<Record<string, number>> = {
  qr: 3,
  scanqrcode: 1,
  getStateInstance: 1,
  getWaSettings: 1,
  logout: 1,
  getAuthorizationCode: 1,
  getSettings: 1,
  // Telegram and MAX (telegram-max.md): every account method 1/s; MAX's `qr` 1/s (its own slot).
  getAccountSettings: 1,
  startAuthorization: 1,
  sendAuthorizationCode: 1,
  sendAuthorizationPassword: 1,
  'qr:max': 1,
};

/** Added to every slot: arrivals at GREEN-API jitter by a few milliseconds. */
const SLOT_MARGIN_MS = 100;

/** The time between two requests of `method` (ms). */
const spacing = (method: string) => 1000 / (RATE_LIMITS[method] ?? 1) + SLOT_MARGIN_MS;

/** When each instance address and method may next start a request (epoch ms). */
const nextSlot = new Map<string, number>();

/**
 * Takes a slot of `method` on the instance at `base` (an address without the token): `undefined`
 * when one is free now, else a promise that resolves once a slot is taken (or `signal` aborts).
 * Waiting takes nothing, so a caller that gives up never delays the others.
 */
export function takeSlot(base: string, method: string, signal?: AbortSignal): Promise<void> | undefined {
  const key = `${base} ${method}`;
  prune();
  const take = () => {
    const now = Date.now();
    const free = nextSlot.get(key) ?? 0;
    if (free > now) return free - now;
    // A margin over 1000/limit ms: requests reach GREEN-API with some jitter, and it counts arrivals.
    nextSlot.set(key, now + spacing(method));
    return 0;
  };
  const first = take();
  if (!first) return undefined;
  const aborted = signal ?? new AbortController().signal;
  return (async () => {
    for (let wait = first; wait && !aborted.aborted; wait = take()) await sleep(wait, aborted);
  })();
}

/**
 * A request of `method` was answered (or failed): the next one leaves a slot after now at the
 * earliest. Spacing from the answer holds at GREEN-API's end whatever the delay on the way, since
 * a request arrives before its answer leaves.
 */
export function answered(base: string, method: string): void {
  holdBack(base, method, Date.now() + spacing(method));
}

/** Forgets every slot. For tests: the times a virtual clock left behind mean nothing to the next test. */
export function forgetSlots(): void {
  nextSlot.clear();
}

/** Forgets slots that are free again, so a long-lived process (Node, many instances) keeps a small table. */
function prune(): void {
  if (nextSlot.size < 256) return;
  const now = Date.now();
  for (const [key, at] of nextSlot) if (at <= now) nextSlot.delete(key);
}

/** Holds `method` back until `until` (epoch ms), e.g. after a 429. */
export function holdBack(base: string, method: string, until: number): void {
  const key = `${base} ${method}`;
  nextSlot.set(key, Math.max(nextSlot.get(key) ?? 0, until));
}

/** `Retry-After` in ms (seconds or an HTTP date), at least 1 s, at most 60 s. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  const seconds = Number(header);
  const ms = header && Number.isFinite(seconds) ? seconds * 1000 : header ? Date.parse(header) - now : NaN;
  return Math.min(60_000, Math.max(1_000, Number.isFinite(ms) ? ms : 1_000));
}
