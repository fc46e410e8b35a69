/**
 * The Logout button's action. Its code (GREEN-API's HTTP side and the `@lit/task`) is loaded at the
 * first click, so a page that never shows the button never downloads it; code that cannot be loaded
 * is a Logout that failed ("Could not log out", and the button tries again).
 *
 * @internal
 */
import type { ReactiveControllerHost } from 'lit';
import type { ScanConfig } from '../core/config.js';
import { LOAD_FAILED } from '../core/link-session.js';
import type { LogoutAction } from './logout.js';

export class LogoutController {
  #action: LogoutAction | undefined;
  #unavailable = false;
  /** Its code is being loaded: the button already says "Logging out…". */
  #loading = false;
  readonly #host: ReactiveControllerHost;
  readonly #config: () => ScanConfig;
  readonly #done: () => void;

  /** `done`: the Logout went through (the host starts a session that waits for GREEN-API's cleanup). */
  constructor(host: ReactiveControllerHost, config: () => ScanConfig, done: () => void) {
    this.#host = host;
    this.#config = config;
    this.#done = done;
  }

  get pending(): boolean {
    return this.#loading || (this.#action?.pending ?? false);
  }

  get failed(): boolean {
    return this.#unavailable || (this.#action?.failed ?? false);
  }

  async run(): Promise<void> {
    if (this.pending) return;
    this.#unavailable = false;
    this.#loading = true;
    this.#host.requestUpdate();
    try {
      const { logoutAction } = await import('./logout.js');
      this.#action ??= logoutAction(this.#host, this.#config, this.#done);
    } catch {
      this.#unavailable = true;
      return console.warn(`[green-qr-scan] logout: ${LOAD_FAILED}`);
    } finally {
      this.#loading = false;
      this.#host.requestUpdate();
    }
    this.#action.run();
  }
}
