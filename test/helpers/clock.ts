/**
 * A virtual clock for unit tests of the core: replaces `setTimeout`, `clearTimeout` and `Date.now`
 * until `uninstall()`, so backoff, windows and expiries run in milliseconds and in a fixed order.
 * Real I/O (sockets, fetch to the scripted servers) still runs on the real event loop: wait for it
 * with server commands or events, then `tick()`.
 *
 * Mocha keeps its own timer references, so test timeouts still work. Do not use `waitUntil` (it
 * polls with `setTimeout`) while the clock is installed; use {@link VirtualClock.until}.
 */
import { forgetSlots } from '../../src/core/rate-gate.js';

const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout, now: Date.now };

/** web-test-runner's browser-side timeout of a server command (`sendMessageWaitForResponse`). */
const RUNNER_COMMAND_TIMEOUT_MS = 20_000;

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets pending promise callbacks (and real I/O already delivered) run: one real macrotask. */
export const flush = () => new Promise<void>((resolve) => real.setTimeout.call(globalThis, resolve, 0));

export class VirtualClock {
  now: number;
  #timers = new Map<number, Timer>();
  #nextId = 1;

  constructor(start = real.now()) {
    this.now = start;
  }

  install(): this {
    // The page-wide rate gate keeps slots in the time of the clock that took them.
    forgetSlots();
    const g = globalThis as unknown as Record<string, unknown>;
    g.setTimeout = (fn: () => void, ms = 0, ...args: unknown[]) => {
      // The test runner's own command timeout (20 s) keeps real time: a virtual one would count as
      // a pending timer (advance() would not wait for the code's own) and could fire mid-command.
      if (ms === RUNNER_COMMAND_TIMEOUT_MS) return -(real.setTimeout.call(globalThis, () => fn(...(args as [])), ms) as unknown as number);
      const id = this.#nextId++;
      this.#timers.set(id, { id, at: this.now + Math.max(0, Number(ms) || 0), fn: () => fn(...(args as [])) });
      return id;
    };
    g.clearTimeout = (id: number) => (id < 0 ? real.clearTimeout.call(globalThis, -id) : void this.#timers.delete(id));
    Date.now = () => this.now;
    return this;
  }

  uninstall(): void {
    forgetSlots();
    const g = globalThis as unknown as Record<string, unknown>;
    g.setTimeout = real.setTimeout;
    g.clearTimeout = real.clearTimeout;
    Date.now = real.now;
    this.#timers.clear();
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order, with promise callbacks flushed after each. */
  async tick(ms: number): Promise<void> {
    const target = this.now + ms;
    await flush();
    for (;;) {
      const next = [...this.#timers.values()].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.#timers.delete(next.id);
      this.now = next.at;
      next.fn();
      await flush();
    }
    this.now = target;
    await flush();
  }

  /**
   * Waits (in real time) until something has a timer due within `ms`, then moves time forward by
   * `ms`: for a timer that is set only once real I/O (an answer, a close) has been handled.
   */
  async advance(ms: number): Promise<void> {
    await this.until(() => this.dueWithin(ms));
    await this.tick(ms);
  }

  /** Some timer falls due within `ms` from now. */
  dueWithin(ms: number): boolean {
    return [...this.#timers.values()].some((t) => t.at <= this.now + ms);
  }

  /** Waits (in real time, at most `timeoutMs`) until `predicate()` holds, without moving the virtual clock. */
  async until(predicate: () => unknown, timeoutMs = 5000): Promise<void> {
    const end = real.now() + timeoutMs;
    while (!predicate()) {
      if (real.now() > end) throw new Error('VirtualClock.until: timed out');
      await new Promise<void>((resolve) => real.setTimeout.call(globalThis, resolve, 5));
    }
  }
}
