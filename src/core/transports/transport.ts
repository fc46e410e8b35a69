/**
 * How a QR session gets its codes: a websocket (`scanqrcode`) or polling of the HTTP QR method.
 * A transport owns an `AbortController`: once `close()` is called (or the transport gives up), none
 * of its callbacks runs again, so a session never sees a late frame of a transport it replaced.
 */
import type { GreenApiError } from '../green-api.js';
import type { ServerMessage } from '../protocol.js';

export type TransportKind = 'websocket' | 'http';

/** What a transport tells its session. */
export interface TransportSink {
  /** A message the session acts on (a parsed frame, or a QR method answer). */
  message(message: ServerMessage): void;
  /** The websocket opened (not called by HTTP polling). */
  opened?(): void;
  /** The websocket closed or never opened in time; the transport is finished. */
  dropped?(): void;
  /** One HTTP request failed; polling goes on unless the session closes the transport. */
  failed?(error: GreenApiError): void;
  /** Something was ignored (never contains the token). */
  debug(text: string): void;
}

export interface Transport {
  readonly kind: TransportKind;
  /** Settles once the transport's socket is closed (at once for HTTP polling). */
  readonly closed: Promise<void>;
  /** Stops the transport; no callback runs after this. */
  close(): void;
}
