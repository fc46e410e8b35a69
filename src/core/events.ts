/**
 * The events the element fires (and the session dispatches): typed classes, `bubbles` and
 * `composed`, added to the global event maps so `addEventListener('account-linked', e => e.detail)`
 * is typed.
 */
import type { AccountData } from './protocol.js';

/**
 * The element's states, in the order a session goes through them. `code` is the phone-number path's
 * counterpart of `qr`: a linking code is shown (WhatsApp) or asked for (Telegram). `password`:
 * Telegram or MAX asks for the account's two-factor (cloud) password.
 */
export const SCAN_STATES = ['idle', 'connecting', 'qr', 'code', 'password', 'linked', 'failed'] as const;
export type ScanState = (typeof SCAN_STATES)[number];

/**
 * Why a session failed: the protocol's own words (`alreadyLogged`, `timeoutExpired`, `error`), what
 * GREEN-API's HTTP answers and instance states say (`unauthorized`: 401/403, `quotaExceeded`: 466,
 * `instanceBlocked`: `blocked` or `suspended`, `instanceStarting`: still `starting` when the wait
 * ended), plus `connection` (GREEN-API could not be reached) and `invalidConfig`.
 */
export const FAILURE_REASONS = [
  'alreadyLogged',
  'timeoutExpired',
  'error',
  'connection',
  'invalidConfig',
  'unauthorized',
  'quotaExceeded',
  'instanceBlocked',
  'instanceStarting',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** How a session failed. `message` is for developers (GREEN-API's own text, the status); it never contains the token. */
export interface ScanFailure {
  reason: FailureReason;
  message: string;
  /** The HTTP status GREEN-API answered, when a status decided the failure (401, 403, 466…). */
  status?: number;
}

/** Detail of `scan-state-change`. */
export interface ScanStateChange {
  state: ScanState;
  previous: ScanState;
  /** Set when `state` is `failed`. */
  reason?: FailureReason;
}

export type { AccountData };

const init: EventInit = { bubbles: true, composed: true };

/** Fired once when the phone has scanned the code and the account is linked. */
export class AccountLinkedEvent extends Event {
  static readonly type = 'account-linked';
  readonly detail: AccountData;
  constructor(detail: AccountData) {
    super(AccountLinkedEvent.type, init);
    this.detail = detail;
  }
}

/** Fired once when a session ends without linking. */
export class ScanFailedEvent extends Event {
  static readonly type = 'scan-failed';
  readonly detail: ScanFailure;
  constructor(detail: ScanFailure) {
    super(ScanFailedEvent.type, init);
    this.detail = detail;
  }
}

/** Fired on every state change. */
export class ScanStateChangeEvent extends Event {
  static readonly type = 'scan-state-change';
  readonly detail: ScanStateChange;
  constructor(detail: ScanStateChange) {
    super(ScanStateChangeEvent.type, init);
    this.detail = detail;
  }
}

/** Detail of `mode-change`. */
export interface ModeChange {
  mode: 'qr' | 'phone';
  previous: 'qr' | 'phone';
}

/** Fired when the element changes its own `mode` (the person chose the other way of linking), so a framework's state can follow. */
export class ModeChangeEvent extends Event {
  static readonly type = 'mode-change';
  readonly detail: ModeChange;
  constructor(detail: ModeChange) {
    super(ModeChangeEvent.type, init);
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'account-linked': AccountLinkedEvent;
    'scan-failed': ScanFailedEvent;
    'scan-state-change': ScanStateChangeEvent;
    'mode-change': ModeChangeEvent;
  }
  interface GlobalEventHandlersEventMap {
    'account-linked': AccountLinkedEvent;
    'scan-failed': ScanFailedEvent;
    'scan-state-change': ScanStateChangeEvent;
    'mode-change': ModeChangeEvent;
  }
}
