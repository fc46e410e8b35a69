/**
 * Telegram's and MAX's QR code path, loaded on demand (see chunk.ts): the session that polls for
 * codes, with the views only Telegram and MAX have (shared with {@link ./chat-phone.ts}).
 *
 * @internal
 */
export { PollQrSession } from '../core/poll-qr-session.js';
export * from './chat-views.js';
