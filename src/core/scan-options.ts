/** Options of a QR linking session, with their defaults. */
import type { TransportKind } from './transports/transport.js';
import type { WebSocketConstructor } from './transports/websocket.js';

/** GREEN-API's scan window: the code must be scanned within 100 s of the session's start. */
export const SCAN_WINDOW_MS = 100_000;

/** How a session reaches GREEN-API. */
export type ScanTransport = TransportKind;
/** The transport to use: `auto` starts with the websocket and falls back to HTTP polling. */
export type ScanTransportOption = 'auto' | ScanTransport;

export interface ScanSessionOptions {
  /** The `WebSocket` class to use; defaults to `globalThis.WebSocket` (in Node 20, pass the `ws` package's). */
  WebSocket?: WebSocketConstructor;
  /** Length of the scan window (ms). Default 100 000. */
  scanWindowMs?: number;
  /** How long after the window the session waits for the server's own timeout message (ms). Default 5 000. */
  graceMs?: number;
  /** How long one connection attempt (or one HTTP request) may take before it counts as failed (ms). Default 10 000. */
  connectTimeoutMs?: number;
  /** Attempts to open a socket that never opened (or HTTP polls in a row that failed) before failing with `connection`. Default 4. */
  maxConnectAttempts?: number;
  /** Delays between reconnection attempts (ms); the last one repeats. */
  backoffMs?: readonly number[];
  /** Where to report ignored frames; defaults to `console.debug`. Never receives the token. */
  debug?: (message: string) => void;
  /**
   * `websocket`: the `scanqrcode` socket only. `http`: poll GREEN-API's QR and GetStateInstance
   * methods, no socket. `auto` (default): the socket; if it fails twice without ever opening (e.g. a
   * proxy that blocks websockets), HTTP polling for the rest of the session.
   */
  transport?: ScanTransportOption;
  /** HTTP transport: how often the QR method is polled (ms). Default 1 000 (GREEN-API's advice). */
  pollIntervalMs?: number;
  /** How often GetStateInstance is polled while a code is shown over HTTP, or while linking is confirmed (ms). Default 3 000. */
  statePollIntervalMs?: number;
  /** How long the first code may take before the session gives up (ms). GREEN-API can take a minute or more. Default 180 000. */
  firstCodeTimeoutMs?: number;
  /** After this long without a first code, the view says that GREEN-API is still preparing it (ms). Default 8 000. */
  slowHintAfterMs?: number;
  /** How long reconnecting may go on after an open socket dropped before the session fails with `connection` (ms). Default 30 000. */
  reconnectBudgetMs?: number;
  /** How long an instance may stay `starting` after a scan before the session fails with `instanceStarting` (ms). Default 300 000. */
  startingTimeoutMs?: number;
  /** How long one QR method request may take (ms). Default 60 000. */
  qrTimeoutMs?: number;
  /** How long one other HTTP request may take (ms). Default 15 000. */
  requestTimeoutMs?: number;
  /**
   * Checks that a code decodes before it is shown (the element passes the browser's image decoder):
   * one that does not is ignored like a malformed frame, and the previous code (or the placeholder)
   * stays. Without it every well-formed code is shown. It may resolve with the same image as a
   * string it already holds (the element: the browser's copy), which `qrImage` then returns, so
   * that a page does not keep each code twice.
   */
  decodeImage?: (image: string) => Promise<boolean | string>;
  /** After a Logout, how long to wait at most for GREEN-API's cleanup (`logoutProcess`) before asking for a code (ms). Default 60 000. */
  logoutWaitMs?: number;
  /**
   * Once linked, GetWaSettings is read once for the account's avatar and number: how long `linked`
   * (and `account-linked`) may wait for it (ms). Without an answer by then the account is reported
   * with what is known. Default 3 000.
   */
  accountDetailsTimeoutMs?: number;
}

export type ResolvedScanOptions = Required<Omit<ScanSessionOptions, 'WebSocket' | 'decodeImage'>> & Pick<ScanSessionOptions, 'WebSocket' | 'decodeImage'>;

export const SCAN_DEFAULTS: Omit<ResolvedScanOptions, 'debug' | 'WebSocket' | 'decodeImage'> = {
  scanWindowMs: SCAN_WINDOW_MS,
  graceMs: 5_000,
  connectTimeoutMs: 10_000,
  maxConnectAttempts: 4,
  backoffMs: [500, 1_000, 2_000, 4_000],
  transport: 'auto',
  pollIntervalMs: 1_000,
  statePollIntervalMs: 3_000,
  firstCodeTimeoutMs: 180_000,
  slowHintAfterMs: 8_000,
  reconnectBudgetMs: 30_000,
  startingTimeoutMs: 300_000,
  qrTimeoutMs: 60_000,
  requestTimeoutMs: 15_000,
  logoutWaitMs: 60_000,
  accountDetailsTimeoutMs: 3_000,
};

/**
 * What the session is waiting for while `connecting` (for the view): the first code (`slow` once it
 * takes long), a reconnect, GREEN-API's cleanup after a Logout, or the instance after a scan
 * (`confirming`, then `starting` while the instance starts).
 */
export type ScanPhase = 'preparing' | 'slow' | 'reconnecting' | 'loggingOut' | 'confirming' | 'starting';


/** The options with every default filled in. */
export function resolveScanOptions(options: ScanSessionOptions): ResolvedScanOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const resolved: ResolvedScanOptions = { ...SCAN_DEFAULTS, debug: (message: string) => console.debug(`[green-qr-scan] ${message}`), ...defined };
  if (!resolved.backoffMs.length) resolved.backoffMs = SCAN_DEFAULTS.backoffMs;
  return resolved;
}

/** What one run of a QR session has seen so far; `start()` replaces it whole. */
export interface RunProgress {
  phase: ScanPhase;
  /** The code on screen (a new one that does not decode leaves it there). */
  qrImage: string | undefined;
  /** GREEN-API's text of an HTTP QR `error` while polling goes on. */
  notice: string | undefined;
  qrShown: boolean;
  /** Codes received, and the last one shown (codes being decoded may finish out of order). */
  codesReceived: number;
  codeShown: number;
  /** Codes up to this one came on a connection that dropped: not shown even if they decode later. */
  codesDropped: number;
  /** Linking was seen and is being confirmed: nothing else may end the run. */
  confirming: boolean;
  endWindow: () => void;
  endFirstCodeWait: () => void;
}

export const freshProgress = (): RunProgress => ({
  phase: 'preparing',
  qrImage: undefined,
  notice: undefined,
  qrShown: false,
  codesReceived: 0,
  codeShown: 0,
  codesDropped: 0,
  confirming: false,
  endWindow: () => {},
  endFirstCodeWait: () => {},
});
