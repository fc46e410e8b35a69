/**
 * Telegram's phone-number path, loaded on demand (see chunk.ts): its session, with the views only
 * Telegram and MAX have (shared with {@link ./chat-qr.ts}).
 *
 * @internal
 */
export { TelegramPhoneSession } from '../core/telegram-phone-session.js';
export * from './chat-views.js';
