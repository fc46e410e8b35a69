/**
 * Everything that talks to GREEN-API over HTTP, as one module that sessions load on demand (one
 * file next to the drop-in file, one chunk in an app's bundle): the websocket path before the
 * first QR code needs none of it. The instance checks (why a socket did not open, why no code
 * came, whether a Logout finished), the GetStateInstance watcher, the HTTP QR transport, Logout,
 * GetAuthorizationCode for the phone path, and the WhatsApp account's details read after linking.
 */
export { diagnose, explainNoCode, waitForLogout } from './instance-checks.js';
export { watchLink } from './state-poller.js';
export { readWaAccount } from './wa-account.js';
export { pollQrCodes } from './transports/http-poll.js';
export { formatAuthCode, getAuthorizationCode, GreenApiError, logout, normalizePhoneNumber } from './green-api.js';
export { getTypeInstance, resolveMessenger } from './messenger-lookup.js';
