/**
 * Binds a ScanSession to a Lit host's lifecycle: a session starts with the host's next update
 * after it connects (so attributes set in one task open one socket), moves when the config
 * changes, and closes the moment the host leaves the DOM.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ScanConfig } from './config.js';
import { ScanSession, type ScanSessionOptions } from './scan-session.js';

const FORWARDED = ['scan-state-change', 'account-linked', 'scan-failed'] as const;

export interface ScanControllerOptions {
  /** Reads the host's current configuration. */
  config: () => ScanConfig;
  /** Receives the session's events (to re-dispatch them from the host). */
  onEvent: (event: Event) => void;
  /** Options for each new session. */
  session?: () => ScanSessionOptions;
  /** Whether the host wants a session at all right now (default: always). */
  enabled?: () => boolean;
}

export class ScanController implements ReactiveController {
  /** The current (or last) session; it stays after the host leaves the DOM so its outcome can be read. */
  session: ScanSession | undefined = undefined;
  readonly #host: ReactiveControllerHost;
  readonly #options: ScanControllerOptions;
  #startPending = false;

  constructor(host: ReactiveControllerHost, options: ScanControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    this.restart();
  }

  hostDisconnected(): void {
    this.#startPending = false;
    this.session?.close();
  }

  /** Closes the session for good (e.g. when the host switches to another way of linking). */
  stop(): void {
    this.#startPending = false;
    this.#detach();
  }

  /** Starts a fresh session with the host's next update (several calls in one task start one). */
  restart(): void {
    this.#startPending = true;
    this.#host.requestUpdate();
  }

  hostUpdate(): void {
    if (!this.#startPending) return;
    this.#startPending = false;
    this.#detach();
    const config = this.#options.config();
    // A host with no credentials at all waits for them instead of failing.
    if ((!config.instanceId && !config.token) || this.#options.enabled?.() === false) return;
    const session = new ScanSession(config, this.#options.session?.());
    session.addEventListener('change', this.#onChange);
    for (const type of FORWARDED) session.addEventListener(type, this.#forward);
    this.session = session;
    session.start();
  }

  /** Closes the current session for good and stops listening to it. */
  #detach(): void {
    const session = this.session;
    if (!session) return;
    session.removeEventListener('change', this.#onChange);
    for (const type of FORWARDED) session.removeEventListener(type, this.#forward);
    session.close();
    this.session = undefined;
  }

  #onChange = () => this.#host.requestUpdate();
  #forward = (event: Event) => this.#options.onEvent(event);
}
