/**
 * Parts of the element that most pages never use (the phone path, Logout, languages other than
 * English…) are loaded on demand: separate files next to the drop-in file, separate chunks in an
 * app's bundle. A part that cannot be loaded (offline, a refused request) becomes a `connection`
 * failure with the retry button ({@link ChunkFailure}), and the retry loads it again.
 *
 * @internal
 */
import { LOAD_FAILED, LinkSession } from '../core/link-session.js';

/** A module loaded on first use: `value` once it is there. A failed load is tried again by the next `load()`. */
export interface Chunk<T> {
  readonly value: T | undefined;
  load(): Promise<T>;
}

export function chunk<T>(importer: () => Promise<T>): Chunk<T> {
  let value: T | undefined;
  let pending: Promise<T> | undefined;
  return {
    get value() {
      return value;
    },
    load() {
      pending ??= importer().then(
        (module) => (value = module),
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
  };
}

/** The session of a way of linking whose code could not be loaded: it fails with `connection` at once. */
export class ChunkFailure extends LinkSession {
  start(): void {
    this.newRun();
    this.fail('connection', LOAD_FAILED);
  }
}

/** The phone-number path: its session and views. */
export const phoneChunk = chunk(() => import('./phone.js'));
/** Telegram's and MAX's QR code path (polled codes, the password step), with their views. */
export const pollQrChunk = chunk(() => import('./chat-qr.js'));
/** Telegram's phone-number path, with the same views. */
export const telegramPhoneChunk = chunk(() => import('./chat-phone.js'));
/**
 * The views only Telegram and MAX have, from whichever of their chunks is loaded: a Telegram or
 * MAX session exists only once its chunk is there, so its views are too.
 */
export const chatViews = () => pollQrChunk.value ?? telegramPhoneChunk.value;
