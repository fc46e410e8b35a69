/**
 * Re-renders its host once a second while `active()` says so (for the countdown), and never runs
 * while the host is disconnected: no timer outlives the element.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class ClockController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #active: () => boolean;
  #timer: ReturnType<typeof setInterval> | undefined;
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
    this.#stop();
  }

  hostUpdated(): void {
    if (this.#connected && this.#active()) {
      this.#timer ??= setInterval(() => this.#host.requestUpdate(), 1000);
    } else {
      this.#stop();
    }
  }

  #stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
