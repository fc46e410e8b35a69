/**
 * Owns the element's linking session: which one runs (QR code or phone number), whether it may run
 * (credentials set, online, not in the back/forward cache, on screen with `lazy`), one scanqrcode
 * socket per element at a time, and the one place that moves the host's state and dispatches
 * `scan-state-change`, `account-linked` and `scan-failed`. The getter, the `state` attribute, the
 * custom state and the events all read {@link LinkController.state}, so they cannot disagree.
 *
 * @internal
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ScanConfig } from '../core/config.js';
import { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent, type ScanState } from '../core/events.js';
import { PhoneLinkSession, type PhoneLinkOptions } from '../core/phone-link-session.js';
import { ScanSession, type ScanSessionOptions } from '../core/scan-session.js';

/**
 * Whether a code decodes, by the browser's own image decoder: one that does not is never shown.
 * One that does resolves with the browser's copy of its address (the same text, held outside the
 * JS heap), which the `<img>` showing it then shares: the page keeps each code once, not twice.
 */
async function decodeImage(image: string): Promise<boolean | string> {
  const img = new Image();
  img.src = image;
  return img.decode().then(
    () => img.getAttribute('src') ?? true,
    () => false,
  );
}

/** Why a QR session is on hold. */
export type SuspendReason = 'offline' | 'pagehide' | 'offscreen';

export type LinkSessionOptions = ScanSessionOptions & PhoneLinkOptions & { lazyGraceMs?: number };

/** The host's settings a new session is made from. */
export interface LinkSettings {
  config: ScanConfig;
  mode: 'qr' | 'phone';
  lazy: boolean;
  options: LinkSessionOptions;
}

export class LinkController implements ReactiveController {
  /** The current (or last) session; it stays after the host leaves the DOM so its outcome can be read. */
  session: ScanSession | PhoneLinkSession | undefined = undefined;
  /** Why the QR session is on hold; empty when it may run. */
  readonly suspended = new Set<SuspendReason>();
  /** The state the host shows and last announced. */
  state: ScanState = 'idle';

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #internals: ElementInternals | undefined;
  readonly #settings: () => LinkSettings;
  #startPending = false;
  #afterLogout = false;
  /** A session was closed by a suspension (or a start was held back): start afresh on resume. */
  #resume = false;
  #observer: IntersectionObserver | undefined;
  #offscreenTimer: ReturnType<typeof setTimeout> | undefined;
  #warned = '';

  constructor(host: ReactiveControllerHost & HTMLElement, internals: ElementInternals | undefined, settings: () => LinkSettings) {
    this.#host = host;
    this.#internals = internals;
    this.#settings = settings;
    host.addController(this);
  }

  hostConnected(): void {
    this.suspended.clear();
    if (typeof navigator !== 'undefined' && navigator.onLine === false) this.suspended.add('offline');
    for (const [type, listener] of this.#windowListeners) addEventListener(type, listener);
    if (this.#settings().lazy && typeof IntersectionObserver !== 'undefined') {
      this.suspended.add('offscreen');
      this.#observer = new IntersectionObserver(this.#onIntersect);
      this.#observer.observe(this.#host);
    }
    this.restart();
  }

  hostDisconnected(): void {
    for (const [type, listener] of this.#windowListeners) removeEventListener(type, listener);
    this.#observer?.disconnect();
    this.#observer = undefined;
    clearTimeout(this.#offscreenTimer);
    this.#offscreenTimer = undefined;
    this.#startPending = this.#resume = false;
    this.session?.close();
    this.#sync();
  }

  /**
   * Starts a fresh session with the host's next update (several calls in one task start one).
   * `afterLogout`: the instance was just logged out; the session first waits for GREEN-API's cleanup.
   */
  restart({ afterLogout = false } = {}): void {
    this.#startPending = true;
    this.#afterLogout ||= afterLogout;
    this.#host.requestUpdate();
  }

  /** Ends the session without `account-linked` or `scan-failed` (state `idle`) and starts none. */
  stop(): void {
    this.#startPending = this.#resume = false;
    this.#detach();
    this.#sync();
  }

  /** Starts the session a `restart()` asked for; the host calls this first thing in `willUpdate`, so the view it derives next already sees the new session. */
  settle(): void {
    if (!this.#startPending) return;
    this.#startPending = false;
    const afterLogout = this.#afterLogout;
    this.#afterLogout = false;
    const previous = this.session instanceof ScanSession ? this.session.closed : undefined;
    this.#detach();
    const { config, mode, options } = this.#settings();
    const session = mode === 'phone' ? new PhoneLinkSession(config, options) : new ScanSession(config, { decodeImage, ...options });
    const problem = session.configProblem;
    // A page still setting up (credentials not set yet) waits instead of failing.
    if (problem?.missing) return this.#sync();
    if (problem && this.#warned !== problem.message) {
      this.#warned = problem.message;
      console.warn(`[green-qr-scan] ${problem.message}`);
    }
    if (session instanceof ScanSession && this.suspended.size) {
      this.#resume = true;
      return this.#sync();
    }
    session.addEventListener('change', this.#sync);
    session.addEventListener(AccountLinkedEvent.type, this.#forward);
    session.addEventListener(ScanFailedEvent.type, this.#forward);
    this.session = session;
    // One scanqrcode session per instance: the new socket opens once the old one has closed.
    if (session instanceof ScanSession) session.start(previous, { afterLogout });
    else session.start();
    this.#sync();
  }

  /** Moves the host to the session's state: attribute, custom state, then `scan-state-change`. */
  #sync = (): void => {
    const state = this.session?.state ?? 'idle';
    this.#host.requestUpdate();
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.#host.setAttribute('state', state);
    try {
      this.#internals?.states.clear();
      this.#internals?.states.add(state);
    } catch {
      /* CustomStateSet without plain identifiers (older engines) */
    }
    const reason = state === 'failed' ? this.session?.failure?.reason : undefined;
    this.#host.dispatchEvent(new ScanStateChangeEvent(reason ? { state, previous, reason } : { state, previous }));
  };

  /** Session events are re-created: an event cannot be dispatched twice. A failure is told to the developer once, in the console. */
  #forward = (event: Event): void => {
    if (event instanceof AccountLinkedEvent) this.#host.dispatchEvent(new AccountLinkedEvent({ ...event.detail }));
    if (!(event instanceof ScanFailedEvent)) return;
    const { reason, message } = event.detail;
    if (reason !== 'invalidConfig') console.warn(`[green-qr-scan] ${reason}: ${message}`);
    this.#host.dispatchEvent(new ScanFailedEvent({ ...event.detail }));
  };

  /** Closes the current session for good and stops listening to it. */
  #detach(): void {
    const session = this.session;
    if (!session) return;
    session.removeEventListener('change', this.#sync);
    session.removeEventListener(AccountLinkedEvent.type, this.#forward);
    session.removeEventListener(ScanFailedEvent.type, this.#forward);
    session.close();
    this.session = undefined;
  }

  #suspend(reason: SuspendReason): void {
    this.suspended.add(reason);
    if (this.session instanceof ScanSession && this.session.active) {
      this.session.close();
      this.#resume = true;
    }
    this.#host.requestUpdate();
  }

  #release(reason: SuspendReason): void {
    if (!this.suspended.delete(reason)) return;
    if (!this.suspended.size && this.#resume) {
      this.#resume = false;
      this.restart();
    } else {
      this.#host.requestUpdate();
    }
  }

  #onIntersect = (entries: IntersectionObserverEntry[]) => {
    const visible = entries[entries.length - 1]?.isIntersecting ?? false;
    clearTimeout(this.#offscreenTimer);
    this.#offscreenTimer = undefined;
    if (visible) {
      this.#release('offscreen');
    } else if (!this.suspended.has('offscreen')) {
      // A short scroll past is not a reason to drop the QR code.
      this.#offscreenTimer = setTimeout(() => this.#suspend('offscreen'), this.#settings().options.lazyGraceMs ?? 5_000);
    }
  };

  readonly #windowListeners: [string, EventListener][] = [
    ['offline', () => this.#suspend('offline')],
    ['online', () => this.#release('offline')],
    ['pagehide', () => this.#suspend('pagehide')],
    ['pageshow', (event) => (event as PageTransitionEvent).persisted && this.#release('pagehide')],
  ];
}
