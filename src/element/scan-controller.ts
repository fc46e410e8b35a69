/**
 * Binds a ScanSession to a Lit host's lifecycle: a session starts with the host's next update
 * after it connects (so attributes set in one task open one socket), moves when the config
 * changes, and closes the moment the host leaves the DOM. It also suspends the session while the
 * browser is offline, while the page sits in the back/forward cache, and (with `lazy`) while the
 * host is off screen: a suspended session's socket is closed, and a fresh session starts when the
 * reason goes away (a QR code's window cannot be resumed honestly).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ScanConfig } from '../core/config.js';
import { ScanSession, type ScanSessionOptions } from '../core/scan-session.js';

const FORWARDED = ['scan-state-change', 'account-linked', 'scan-failed'] as const;

/** Why a session is on hold. */
export type SuspendReason = 'offline' | 'pagehide' | 'offscreen';

export interface ScanControllerOptions {
  /** Reads the host's current configuration. */
  config: () => ScanConfig;
  /** Receives the session's events (to re-dispatch them from the host). */
  onEvent: (event: Event) => void;
  /** Options for each new session. */
  session?: () => ScanSessionOptions;
  /** Whether the host wants a session at all right now (default: always). */
  enabled?: () => boolean;
  /** Open the socket only while the host is on screen (IntersectionObserver). */
  lazy?: () => boolean;
  /** How long the host may stay off screen before a lazy session is closed (ms). Default 5 000. */
  lazyGraceMs?: () => number | undefined;
}

export class ScanController implements ReactiveController {
  /** The current (or last) session; it stays after the host leaves the DOM so its outcome can be read. */
  session: ScanSession | undefined = undefined;
  /** Why the session is on hold; empty when it may run. */
  readonly suspended = new Set<SuspendReason>();
  readonly #host: ReactiveControllerHost & Element;
  readonly #options: ScanControllerOptions;
  #startPending = false;
  /** A session was closed by a suspension (or a start was held back): start afresh on resume. */
  #resume = false;
  #observer: IntersectionObserver | undefined;
  #offscreenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost & Element, options: ScanControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    this.suspended.clear();
    if (typeof navigator !== 'undefined' && navigator.onLine === false) this.suspended.add('offline');
    addEventListener('offline', this.#onOffline);
    addEventListener('online', this.#onOnline);
    addEventListener('pagehide', this.#onPageHide);
    addEventListener('pageshow', this.#onPageShow);
    if (this.#options.lazy?.() && typeof IntersectionObserver !== 'undefined') {
      this.suspended.add('offscreen');
      this.#observer = new IntersectionObserver(this.#onIntersect);
      this.#observer.observe(this.#host);
    }
    this.restart();
  }

  hostDisconnected(): void {
    removeEventListener('offline', this.#onOffline);
    removeEventListener('online', this.#onOnline);
    removeEventListener('pagehide', this.#onPageHide);
    removeEventListener('pageshow', this.#onPageShow);
    this.#observer?.disconnect();
    this.#observer = undefined;
    clearTimeout(this.#offscreenTimer);
    this.#startPending = false;
    this.#resume = false;
    this.session?.close();
  }

  /** Closes the session for good (e.g. when the host switches to another way of linking). */
  stop(): void {
    this.#startPending = false;
    this.#resume = false;
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
    const previous = this.session?.closed;
    this.#detach();
    const config = this.#options.config();
    // A host with no credentials at all waits for them instead of failing.
    if ((!config.instanceId && !config.token) || this.#options.enabled?.() === false) return;
    if (this.suspended.size) {
      this.#resume = true;
      return;
    }
    const session = new ScanSession(config, this.#options.session?.());
    session.addEventListener('change', this.#onChange);
    for (const type of FORWARDED) session.addEventListener(type, this.#forward);
    this.session = session;
    // One scanqrcode session per instance: the new socket opens once the old one has closed.
    session.start(previous);
  }

  #suspend(reason: SuspendReason): void {
    this.suspended.add(reason);
    if (this.session?.active) {
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
  #onOffline = () => this.#suspend('offline');
  #onOnline = () => this.#release('offline');
  #onPageHide = () => this.#suspend('pagehide');
  #onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) this.#release('pagehide');
  };
  #onIntersect = (entries: IntersectionObserverEntry[]) => {
    const visible = entries[entries.length - 1]?.isIntersecting ?? false;
    clearTimeout(this.#offscreenTimer);
    this.#offscreenTimer = undefined;
    if (visible) {
      this.#release('offscreen');
    } else if (!this.suspended.has('offscreen')) {
      // A short scroll past is not a reason to drop the QR code.
      this.#offscreenTimer = setTimeout(() => this.#suspend('offscreen'), this.#options.lazyGraceMs?.() ?? 5_000);
    }
  };
}
