/**
 * The shape every way of linking shares (QR code, phone-number code): a read-only state with the
 * account or the failure it ended with, `start()`/`close()`, and the same typed events. DOM-free.
 *
 * Each `start()` begins a new *run* with its own `AbortController`: timers and requests started
 * through {@link LinkSession.later} or with {@link LinkSession.signal} stop when the run ends, so a
 * late callback of an old run cannot touch the new one.
 */
import { resolveConfig, type ConfigProblem, type Endpoints, type ScanConfig } from './config.js';
import type { LinkWatch } from './state-poller.js';
import {
  AccountLinkedEvent,
  ScanFailedEvent,
  ScanStateChangeEvent,
  type AccountData,
  type FailureReason,
  type ScanFailure,
  type ScanState,
} from './events.js';

/** The events of a session, by name. */
export interface LinkSessionEventMap {
  /** Anything a view shows changed (state, code, phase…). */
  change: Event;
  'scan-state-change': ScanStateChangeEvent;
  'account-linked': AccountLinkedEvent;
  'scan-failed': ScanFailedEvent;
}

/** Typed listeners: `session.addEventListener('account-linked', (e) => e.detail.wid)`. */
export interface LinkSession {
  addEventListener<K extends keyof LinkSessionEventMap>(type: K, listener: (event: LinkSessionEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof LinkSessionEventMap>(type: K, listener: (event: LinkSessionEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/** A way of linking. Listen for `change` (anything a view shows changed) and the element's events. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class LinkSession extends EventTarget {
  #state: ScanState = 'idle';
  #account: AccountData | undefined;
  #failure: ScanFailure | undefined;
  #expiresAt: number | undefined;
  #run = new AbortController();
  #stopWatch = new AbortController();
  readonly #problem: ConfigProblem | undefined;
  /** The validated addresses (they contain the token: never log them); `undefined` when the configuration is wrong. */
  protected readonly endpoints: Endpoints | undefined;

  /** The configuration is resolved once, here. */
  constructor(config: ScanConfig) {
    super();
    const resolved = resolveConfig(config);
    this.endpoints = resolved.ok ? resolved.endpoints : undefined;
    this.#problem = resolved.ok ? undefined : resolved;
  }

  /** What is wrong with the configuration, if anything (`missing` when a value is not set yet). */
  get configProblem(): ConfigProblem | undefined {
    return this.#problem;
  }

  /** Current state. */
  get state(): ScanState {
    return this.#state;
  }
  /** The linked account once `state` is `linked`. */
  get account(): AccountData | undefined {
    return this.#account;
  }
  /** Why the session failed once `state` is `failed`. */
  get failure(): ScanFailure | undefined {
    return this.#failure;
  }
  /** When the code on screen stops being valid (epoch ms), once known. */
  get expiresAt(): number | undefined {
    return this.#expiresAt;
  }

  /** Starts the session (or starts it over). */
  abstract start(after?: Promise<unknown>): void;

  /** Stops everything, without firing `account-linked` or `scan-failed`; an unfinished session goes back to `idle`. */
  close(): void {
    this.#run.abort();
    if (this.#state !== 'linked' && this.#state !== 'failed') this.setState('idle');
  }

  /** The current run's signal: aborted when the run ends (close, a new start, linked, failed). */
  protected get signal(): AbortSignal {
    return this.#run.signal;
  }

  /** Ends the current run and begins a new one with a clean slate. */
  protected newRun(): AbortSignal {
    this.#run.abort();
    this.#run = new AbortController();
    this.#account = this.#failure = this.#expiresAt = undefined;
    return this.#run.signal;
  }

  /** Runs `fn` after `ms` unless the run ends first; call the result to cancel it sooner. */
  protected later(ms: number, fn: () => void): () => void {
    const signal = this.#run.signal;
    const cancel = () => clearTimeout(timer);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', cancel);
      if (!signal.aborted) fn();
    }, ms);
    signal.addEventListener('abort', cancel, { once: true });
    return () => {
      cancel();
      signal.removeEventListener('abort', cancel);
    };
  }

  protected setExpiresAt(at: number | undefined): void {
    this.#expiresAt = at;
  }

  protected link(account: AccountData): void {
    this.#run.abort();
    this.#account = account;
    this.setState('linked');
    this.dispatchEvent(new AccountLinkedEvent({ ...account }));
  }

  /** Ends the run as a failure: `fail(reason, message)` or `fail(failure)`. */
  protected fail(reason: FailureReason | ScanFailure, message = '', status?: number): void {
    if (typeof reason === 'object') ({ reason, message, status } = reason);
    this.#run.abort();
    this.#failure = status ? { reason, message, status } : { reason, message };
    this.setState('failed', reason);
    this.dispatchEvent(new ScanFailedEvent({ ...this.#failure }));
  }

  /**
   * Watches GetStateInstance (see {@link watchLink}) until the instance is linked, then links with
   * the account `account()` reads; a refused, blocked or stuck instance fails the run. One watcher
   * at a time: a new one replaces the one before (it ends with the run too).
   */
  protected watchState(watch: Omit<LinkWatch, 'signal' | 'onLinked' | 'onFail'> & { account: (signal: AbortSignal) => Promise<AccountData> }): void {
    this.#stopWatch.abort();
    const watching = (this.#stopWatch = new AbortController());
    this.signal.addEventListener('abort', () => watching.abort(), { once: true });
    const signal = watching.signal;
    const linked = async () => {
      const account = await watch.account(signal);
      if (!signal.aborted) this.link(account);
    };
    this.load(
      () => import('./http-api.js'),
      ({ watchLink }) => !signal.aborted && watchLink(this.endpoints!, { ...watch, signal, onLinked: () => void linked(), onFail: (failure) => this.fail(failure) }),
    );
  }

  /** GREEN-API's HTTP side, loaded on demand: `undefined` when it cannot be loaded (offline). */
  protected httpApi(): Promise<typeof import('./http-api.js') | undefined> {
    return import('./http-api.js').catch(() => undefined);
  }

  /** The WhatsApp account's number and avatar from GetWaSettings, read once after linking (best effort: `{}` when they cannot be read). */
  protected async waDetails(signal: AbortSignal, timeoutMs: number, debug: (text: string) => void): Promise<{ phone?: string; avatar?: string }> {
    const api = await this.httpApi();
    return api && !signal.aborted ? api.readWaAccount(this.endpoints!, signal, timeoutMs, debug) : {};
  }

  /**
   * Loads a part of the package that only some sessions need (a separate file of the drop-in build,
   * a separate chunk in an app's bundle) and hands it to `use`, unless the run ended meanwhile. A
   * part that cannot be loaded (offline, a refused request) fails the run with `connection`.
   */
  protected load<T>(importer: () => Promise<T>, use: (module: T) => void): void {
    const signal = this.signal;
    importer().then(
      (module) => !signal.aborted && use(module),
      () => !signal.aborted && this.fail('connection', LOAD_FAILED),
    );
  }

  protected setState(state: ScanState, reason?: FailureReason): void {
    const previous = this.#state;
    if (previous !== state) {
      this.#state = state;
      this.dispatchEvent(new ScanStateChangeEvent(reason ? { state, previous, reason } : { state, previous }));
    }
    this.changed();
  }

  /** Something a view shows changed. */
  protected changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

/** The message of a `connection` failure when a part of the package could not be loaded. */
export const LOAD_FAILED = 'Could not load a part of green-qr-scan: check the network connection.';

/** The account with the details GetWaSettings told (the number and the avatar, each when known). */
export const withDetails = (account: AccountData, { phone, avatar }: { phone?: string; avatar?: string }): AccountData => ({
  ...account,
  ...(phone ? { phone } : {}),
  ...(avatar ? { avatar } : {}),
});

/** What a number-only confirmation (GetStateInstance, a phone code) tells of the account. */
export const accountFromNumber = (digits: string | undefined): AccountData => ({
  wid: digits ? `${digits}@c.us` : '',
  pushname: '',
  proxy: '',
  webhookUrl: '',
});
