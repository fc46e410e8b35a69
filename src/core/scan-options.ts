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
  /** How often GetStateInstance is polled while a code is shown over HTTP (ms). Default 3 000. */
  statePollIntervalMs?: number;
}

export type ResolvedScanOptions = Required<Omit<ScanSessionOptions, 'WebSocket'>> & Pick<ScanSessionOptions, 'WebSocket'>;

export const SCAN_DEFAULTS: Omit<ResolvedScanOptions, 'debug'> = {
  scanWindowMs: SCAN_WINDOW_MS,
  graceMs: 5_000,
  connectTimeoutMs: 10_000,
  maxConnectAttempts: 4,
  backoffMs: [500, 1_000, 2_000, 4_000],
  transport: 'auto',
  pollIntervalMs: 1_000,
  statePollIntervalMs: 3_000,
};


/** The options with every default filled in. */
export function resolveScanOptions(options: ScanSessionOptions): ResolvedScanOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const resolved: ResolvedScanOptions = { ...SCAN_DEFAULTS, debug: (message: string) => console.debug(`[green-qr-scan] ${message}`), ...defined };
  if (!resolved.backoffMs.length) resolved.backoffMs = SCAN_DEFAULTS.backoffMs;
  return resolved;
}

/** What one run of a QR session has seen so far; `start()` replaces it whole. */
export interface RunProgress {
  kind: TransportKind;
  /** The code on screen. */
  qrImage: string | undefined;
  /** Connecting again after the socket had opened. */
  reconnecting: boolean;
  attempts: number;
  retries: number;
  everOpened: boolean;
  qrShown: boolean;
  failedPolls: number;
  /** Linking was seen and is being confirmed: nothing else may end the run. */
  confirming: boolean;
  endWindow: () => void;
}

export const freshProgress = (kind: TransportKind): RunProgress => ({
  kind,
  qrImage: undefined,
  reconnecting: false,
  attempts: 0,
  retries: 0,
  everOpened: false,
  qrShown: false,
  failedPolls: 0,
  confirming: false,
  endWindow: () => {},
});
