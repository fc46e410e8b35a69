/** Public exports, without registering the element (see `define.ts` for that). */
export { GreenQrScan } from './green-qr-scan.js';
export { ScanSession, SCAN_WINDOW_MS, type ScanSessionOptions, type WebSocketConstructor } from './scan-session.js';
export { ScanController, type ScanControllerOptions } from './scan-controller.js';
export {
  AccountLinkedEvent,
  ScanFailedEvent,
  ScanStateChangeEvent,
  SCAN_STATES,
  FAILURE_REASONS,
  type ScanState,
  type FailureReason,
  type ScanFailure,
  type ScanStateChange,
} from './events.js';
export { parseFrame, qrImageFromPayload, MESSAGE_TYPES, type AccountData, type ServerMessage, type ParseResult, type MessageType } from './protocol.js';
export { resolveConfig, normalizeApiUrl, isLoopbackHost, DEFAULT_API_URL, type ScanConfig, type Endpoints } from './config.js';
export { registerLocale, stringsFor, type Strings } from './localize.js';
export { en } from './locales/en.js';
export { ru } from './locales/ru.js';
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
} from './green-api-http.js';
export { PhoneLinkController, type PhoneLinkOptions } from './phone-link-controller.js';
