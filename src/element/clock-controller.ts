/**
 * Ticks its host once a second while `active()` says so (for the countdowns): `tick()`, by default
 * a re-render. All hosts share one interval, so a page of many widgets ticks once, and nothing runs
 * while no host needs it or after a host leaves the DOM: no timer outlives the elements.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const ticking = new Set<() => void>();
let interval: ReturnType<typeof setInterval> | undefined;

function watch(tick: () => void, on: boolean): void {
  if (on) ticking.add(tick);
  else ticking.delete(tick);
  if (ticking.size && interval === undefined) {
    interval = setInterval(() => ticking.forEach((t) => t()), 1000);
  } else if (!ticking.size && interval !== undefined) {
    clearInterval(interval);
    interval = undefined;
  }
}

export class ClockController implements ReactiveController {
  readonly #active: () => boolean;
  readonly #tick: () => void;
  #connected = false;

  constructor(host: ReactiveControllerHost, active: () => boolean, tick: () => void = () => host.requestUpdate()) {
    this.#active = active;
    this.#tick = tick;
    host.addController(this);
  }

  /** The current time (ms); read by the host's render. */
  get now(): number {
    return Date.now();
  }

  hostConnected(): void {
    this.#connected = true;
  }

  hostDisconnected(): void {
    this.#connected = false;
    watch(this.#tick, false);
  }

  hostUpdated(): void {
    watch(this.#tick, this.#connected && this.#active());
  }
}
