/**
 * The framework-free core (`green-qr-scan/session.js`): the protocol parser, the config checks, the
 * DOM-free linking sessions (QR code, phone number; Telegram's and MAX's) and GREEN-API's HTTP
 * methods. No Lit, no custom element, no side effects.
 */
export { ScanSession, SCAN_WINDOW_MS, type ScanSessionOptions, type ScanTransportOption, type ScanPhase, type WebSocketConstructor } from './core/scan-session.js';
export type { WebSocketLike } from './core/transports/websocket.js';
export { PhoneLinkSession, type PhoneLinkOptions, type PhoneRequestError } from './core/phone-link-session.js';
export { LinkSession, accountFromNumber, type LinkSessionEventMap } from './core/link-session.js';
export { MESSENGERS, messengerOf, MessengerProbe, type Messenger, type MessengerOption } from './core/messenger.js';
export { resolveMessenger, getTypeInstance } from './core/messenger-lookup.js';
export { PollQrSession } from './core/poll-qr-session.js';
export { TelegramPhoneSession, type CodeProblem } from './core/telegram-phone-session.js';
export type { ChatSession, ChatSessionOptions, ChatPhase } from './core/chat-session.js';
export type { PasswordProblem } from './core/password-step.js';
export {
  AccountLinkedEvent,
  ScanFailedEvent,
  ScanStateChangeEvent,
  ModeChangeEvent,
  SCAN_STATES,
  FAILURE_REASONS,
  type AccountData,
  type ScanState,
  type FailureReason,
  type ScanFailure,
  type ScanStateChange,
  type ModeChange,
} from './core/events.js';
export { parseFrame, qrImageFromPayload, MESSAGE_TYPES, type ServerMessage, type ParseResult, type MessageType } from './core/protocol.js';
export { resolveConfig, normalizeApiUrl, isLoopbackHost, DEFAULT_API_URL, type ScanConfig, type Endpoints, type ConfigField, type ConfigProblem } from './core/config.js';
export {
  GreenApiError,
  getQr,
  logout,
  getStateInstance,
  getAuthorizationCode,
  getWaSettings,
  normalizePhoneNumber,
  formatAuthCode,
  type GreenApiErrorKind,
  type StateInstance,
} from './core/green-api.js';
