/**
 * Re-renders its host once a second while `active()` says so (for the countdowns). All hosts share
 * one interval, so a page of many widgets ticks once, and nothing runs while no host needs it or
 * after a host leaves the DOM: no timer outlives the elements.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const ticking = new Set<ReactiveControllerHost>();
let interval: ReturnType<typeof setInterval> | undefined;

function watch(host: ReactiveControllerHost, on: boolean): void {
  if (on) ticking.add(host);
  else ticking.delete(host);
  if (ticking.size && interval === undefined) {
    interval = setInterval(() => ticking.forEach((h) => h.requestUpdate()), 1000);
  } else if (!ticking.size && interval !== undefined) {
    clearInterval(interval);
    interval = undefined;
  }
}

export class ClockController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #active: () => boolean;
  #connected = false;

  constructor(host: ReactiveControllerHost, active: () => boolean) {
    this.#host = host;
    this.#active = active;
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
    watch(this.#host, false);
  }

  hostUpdated(): void {
    watch(this.#host, this.#connected && this.#active());
  }
}
