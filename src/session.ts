/**
 * The framework-free core (`green-qr-scan/session.js`): the protocol parser, the config checks, the
 * DOM-free ScanSession and GREEN-API's HTTP methods. No Lit, no custom element, no side effects.
 */
export { ScanSession, SCAN_WINDOW_MS, type ScanSessionOptions, type WebSocketConstructor } from './core/scan-session.js';
export {
  AccountLinkedEvent,
  ScanFailedEvent,
  ScanStateChangeEvent,
  SCAN_STATES,
  FAILURE_REASONS,
  type AccountData,
  type ScanState,
  type FailureReason,
  type ScanFailure,
  type ScanStateChange,
} from './core/events.js';
export { parseFrame, qrImageFromPayload, MESSAGE_TYPES, type ServerMessage, type ParseResult, type MessageType } from './core/protocol.js';
export { resolveConfig, normalizeApiUrl, isLoopbackHost, DEFAULT_API_URL, type ScanConfig, type Endpoints, type ConfigField } from './core/config.js';
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
