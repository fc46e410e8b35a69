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
import type { ChatSession, ChatSessionOptions } from '../core/chat-session.js';
import { resolveConfig, type ScanConfig } from '../core/config.js';
import { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent, type AccountData, type ScanState } from '../core/events.js';
import { LOAD_FAILED } from '../core/link-session.js';
import { MessengerProbe, type Messenger, type MessengerOption } from '../core/messenger.js';
import type { PhoneLinkOptions, PhoneLinkSession } from '../core/phone-link-session.js';
import { ScanSession, type ScanSessionOptions } from '../core/scan-session.js';
import { ChunkFailure, phoneChunk, pollQrChunk, telegramPhoneChunk, type Chunk } from './chunk.js';

/**
 * Whether a code decodes, by the browser's own image decoder: one that does not is never shown.
 * One that does resolves with the browser's copy of its address (the same text, held outside the
 * JS heap), which the session then keeps; `decoded` gets the decoded `<img>` itself, which the view
 * shows as it is (no second `<img>` to decode the same code again): the page keeps each code once.
 */
function imageDecoder(decoded: (img: HTMLImageElement) => void) {
  return async (image: string): Promise<boolean | string> => {
    const img = new Image();
    img.src = image;
    return img.decode().then(
      () => (decoded(img), img.getAttribute('src') ?? true),
      () => false,
    );
  };
}

/** Why a QR session is on hold. */
export type SuspendReason = 'offline' | 'pagehide' | 'offscreen';

export type LinkSessionOptions = ScanSessionOptions & PhoneLinkOptions & ChatSessionOptions & { lazyGraceMs?: number };

/** The host's settings a new session is made from. */
export interface LinkSettings {
  config: ScanConfig;
  mode: 'qr' | 'phone';
  lazy: boolean;
  options: LinkSessionOptions;
  messenger: MessengerOption;
}

/** Every session the controller may run: WhatsApp's, the probe (messenger not known yet), Telegram's and MAX's. */
export type AnySession = ScanSession | PhoneLinkSession | MessengerProbe | ChatSession | ChunkFailure;

/** A Telegram or MAX session (their classes load on demand: no `instanceof`). */
export const isChatSession = (session: AnySession | undefined): session is ChatSession => session !== undefined && 'submitPassword' in session;

/** `79001234567@c.us` → `79001234567`. */
const widDigits = (wid: string) => /^(\d{5,15})@c\.us$/.exec(wid)?.[1];

export class LinkController implements ReactiveController {
  /** The current (or last) session; it stays after the host leaves the DOM so its outcome can be read. */
  session: AnySession | undefined = undefined;
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
  /** The messenger `auto` found, for the instance address it was found for. */
  #found: { key: string; messenger: Messenger } | undefined;
  /** An on-demand chunk the next session needs, while it loads (see {@link LinkController.loading}). */
  #loading: Promise<void> | undefined;
  /** The chunk the next session needed did not load: that session is a `connection` failure. */
  #loadFailed = false;
  /** Counts `settle()`/`stop()`/disconnects: a chunk that arrives after one of them starts nothing. */
  #generation = 0;

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
    this.#generation++;
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
    this.#generation++;
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
    const generation = ++this.#generation;
    this.#detach();
    const { config, mode, options, messenger: option } = this.#settings();
    const key = this.#key(config);
    const known = option === 'auto' ? (this.#found?.key === key ? this.#found.messenger : undefined) : option;
    const loadFailed = this.#loadFailed;
    this.#loadFailed = false;
    let session: AnySession;
    if (loadFailed) {
      session = new ChunkFailure(config);
    } else if (known !== 'whatsapp') {
      session = new MessengerProbe(config, known, options);
    } else if (mode === 'phone') {
      // The phone path is loaded on demand: meanwhile the view shows its placeholder (state idle).
      if (!phoneChunk.value) return this.#await(phoneChunk, generation);
      session = new phoneChunk.value.PhoneLinkSession(config, options);
    } else {
      session = this.#scanSession(config, options);
    }
    const problem = session.configProblem;
    // A page still setting up (credentials not set yet) waits instead of failing.
    if (problem?.missing && !loadFailed) return this.#sync();
    if (problem && this.#warned !== problem.message) {
      this.#warned = problem.message;
      console.warn(`[green-qr-scan] ${problem.message}`);
    }
    if (this.#pausable(session, mode) && this.suspended.size) {
      this.#resume = true;
      return this.#sync();
    }
    this.#attach(session);
    // One scanqrcode session per instance: the new socket opens once the old one has closed.
    if (session instanceof ScanSession) session.start(previous, { afterLogout });
    else session.start();
    if (session instanceof MessengerProbe) void session.resolved.then((messenger) => messenger && this.#launch(session, messenger, key));
    this.#sync();
  }

  /** The linked account as the host tells it: with `messenger` (and, for WhatsApp, the number from GetWaSettings or else from the id). */
  get account(): AccountData | undefined {
    const session = this.session;
    const account = session?.account;
    if (!account || isChatSession(session)) return account ? { ...account } : undefined;
    const { phone = widDigits(account.wid), avatar, ...rest } = account;
    return { ...rest, messenger: 'whatsapp', ...(phone ? { phone } : {}), ...(avatar ? { avatar } : {}) };
  }

  /** The instance address a found messenger belongs to (no token). */
  #key(config: ScanConfig): string {
    const resolved = resolveConfig(config);
    return resolved.ok ? resolved.endpoints.httpBase : '';
  }

  /** The probe knows the messenger: the real session replaces it (Telegram's and MAX's code loads on demand). */
  async #launch(probe: MessengerProbe, messenger: Messenger, key: string): Promise<void> {
    if (this.session !== probe) return;
    this.#found = { key, messenger };
    const { config, mode, options } = this.#settings();
    let session: AnySession;
    // Each messenger's code loads on demand: one that cannot be loaded is a `connection` failure.
    try {
      if (messenger === 'whatsapp') {
        session = mode === 'phone' ? new (await phoneChunk.load()).PhoneLinkSession(config, options) : this.#scanSession(config, options);
      } else if (messenger === 'telegram' && mode === 'phone') {
        // The number form is the phone path's (WhatsApp's too): its chunk comes along.
        const [{ TelegramPhoneSession }] = await Promise.all([telegramPhoneChunk.load(), phoneChunk.load()]);
        session = new TelegramPhoneSession(config, options);
      } else {
        session = new (await pollQrChunk.load()).PollQrSession(config, messenger, { ...options, phoneFallback: mode === 'phone' });
      }
    } catch {
      return probe.failWith({ reason: 'connection', message: LOAD_FAILED });
    }
    if (this.session !== probe) return;
    this.#detach();
    this.#attach(session);
    session.start();
    this.#sync();
  }

  #scanSession(config: ScanConfig, options: LinkSessionOptions): ScanSession {
    return new ScanSession(config, { decodeImage: imageDecoder((img) => (this.#decoded = img)), ...options });
  }

  /** The image the last code decoded into (see {@link imageDecoder}). */
  #decoded?: HTMLImageElement;

  /** The decoded `<img>` of the code `src`, ready to show, if it is the last one decoded (else the view makes its own). */
  decodedImage(src: string | undefined): HTMLImageElement | undefined {
    const img = this.#decoded;
    return src && img?.getAttribute('src') === src ? img : undefined;
  }

  /** Settles once the on-demand chunks the current settings need are loaded (or failed to load). */
  get loading(): Promise<void> | undefined {
    return this.#loading;
  }

  /** Loads a chunk the next session needs, then starts that session (a `connection` failure if the chunk did not load). */
  #await(chunk: Chunk<unknown>, generation: number): void {
    const loading: Promise<void> = chunk
      .load()
      .then(
        () => {},
        () => void (this.#loadFailed = generation === this.#generation),
      )
      .then(() => {
        if (this.#loading === loading) this.#loading = undefined;
        if (generation === this.#generation) this.restart();
      });
    this.#loading = loading;
    this.#sync();
  }

  #attach(session: AnySession): void {
    session.addEventListener('change', this.#sync);
    session.addEventListener(AccountLinkedEvent.type, this.#forward);
    session.addEventListener(ScanFailedEvent.type, this.#forward);
    this.session = session;
  }

  /** A session that polls or holds a socket while it shows a QR code: it waits while off screen, offline or in the back/forward cache. */
  #pausable(session: AnySession | undefined, mode = this.#settings().mode): boolean {
    if (session instanceof ScanSession) return true;
    if (session instanceof MessengerProbe) return mode === 'qr';
    return session !== undefined && 'qrImage' in session;
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
    if (event instanceof AccountLinkedEvent) this.#host.dispatchEvent(new AccountLinkedEvent(this.account ?? { ...event.detail }));
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
    this.#decoded = undefined;
  }

  #suspend(reason: SuspendReason): void {
    this.suspended.add(reason);
    const session = this.session;
    if (this.#pausable(session) && (session?.state === 'connecting' || session?.state === 'qr')) {
      session.close();
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
