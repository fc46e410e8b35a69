/**
 * Which messenger an instance serves. GREEN-API sells the same API for WhatsApp, Telegram and MAX;
 * GetSettings' `typeInstance` tells them apart (`whatsapp`, `telegram`, `v3` = MAX). DOM-free.
 *
 * {@link MessengerProbe} is the session an element runs while it finds out (`messenger="auto"`)
 * and while the Telegram/MAX code loads: state `connecting`, then a failure of its own or the
 * messenger through {@link MessengerProbe.resolved}.
 */
import type { ScanConfig } from './config.js';
import type { ScanFailure } from './events.js';
import { LinkSession } from './link-session.js';

/** The messengers GREEN-API links. */
export const MESSENGERS = ['whatsapp', 'telegram', 'max'] as const;
export type Messenger = (typeof MESSENGERS)[number];
/** The element's `messenger` setting: a messenger, or `auto` (ask GetSettings once). */
export type MessengerOption = 'auto' | Messenger;

/** GetSettings' `typeInstance` → the messenger (`v3` is MAX); `undefined` for anything else. */
export function messengerOf(typeInstance: unknown): Messenger | undefined {
  switch (typeof typeInstance === 'string' ? typeInstance.trim().toLowerCase() : '') {
    case 'whatsapp':
      return 'whatsapp';
    case 'telegram':
      return 'telegram';
    case 'v3':
    case 'max':
      return 'max';
    default:
      return undefined;
  }
}

/**
 * Stands in for the real session while the messenger is not known yet (or its code loads): shows
 * `connecting`, asks GetSettings when told to, and fails like any session when that fails.
 */
export class MessengerProbe extends LinkSession {
  #resolve: (messenger: Messenger | undefined) => void = () => {};
  readonly #timeoutMs: number | undefined;
  readonly #known: Messenger | undefined;
  /** The messenger once known; `undefined` when the probe failed or was closed first. */
  resolved: Promise<Messenger | undefined> = Promise.resolve(undefined);

  /** `known`: the messenger is set (no request: the probe only shows `connecting` while the session's code loads). */
  constructor(config: ScanConfig, known?: Messenger, { requestTimeoutMs }: { requestTimeoutMs?: number } = {}) {
    super(config);
    this.#known = known;
    this.#timeoutMs = requestTimeoutMs;
  }

  /** Asks GetSettings (unless the messenger is known). */
  start(): void {
    const known = this.#known;
    const signal = this.newRun();
    this.resolved = new Promise((resolve) => (this.#resolve = resolve));
    signal.addEventListener('abort', () => this.#resolve(undefined), { once: true });
    if (this.configProblem) return this.fail('invalidConfig', this.configProblem.message);
    this.setState('connecting');
    if (known) return this.#resolve(known);
    // GetSettings is sent by the smaller part of GREEN-API's HTTP side (the requests and the lookup,
    // loaded on demand: `load` fails the run when it cannot be); the rest of it (checks, watcher,
    // HTTP transport) is needed only when something goes wrong, or after the scan.
    this.load(
      () => import('./messenger-lookup.js'),
      async ({ resolveMessenger }) => {
        const found = await resolveMessenger(this.endpoints!, signal, this.#timeoutMs);
        if (signal.aborted) return;
        if ('fail' in found) this.fail(found.fail);
        else this.#resolve(found.messenger);
      },
    );
  }

  /** The real session could not be made (its code did not load): fail as `connection`. */
  failWith(failure: ScanFailure): void {
    if (this.state === 'connecting') this.fail(failure);
  }
}
