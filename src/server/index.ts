/**
 * `green-qr-scan/server`: token-free linking. Node ≥ 20, no DOM. Your backend mounts it on Node's
 * `http` server, Express or Fastify; the page gets a short-lived **ticket** instead of the instance's
 * API token, and the server forwards the few GREEN-API calls linking needs with the real token,
 * which it gets from your own `lookup`.
 *
 * ```
 * browser ──(ticket, in headers only)──▶ your backend + this module ──(apiTokenInstance)──▶ GREEN-API
 * ```
 *
 * ## Wire contract with the element (version 1)
 *
 * The ticket NEVER appears in a URL: not in a path, not in a query. It travels only in the websocket
 * subprotocol list and in the `Authorization` header, so it is absent from console lines, resource
 * timing, access logs and referrers. `{apiUrl}` is the element's `api-url` (your backend, ending with
 * the `basePath` the server is mounted under); `{id}` is the instance id.
 *
 * - **Ticket**: an opaque string of base64url characters and dots (`gqs1.` + 43 characters, 256 bits
 *   of randomness), valid as a subprotocol token.
 * - **WebSocket**: `new WebSocket(`${apiUrl}/waInstance${id}/scanqrcode`, ['green-qr-scan.v1', `ticket.${ticket}`])`.
 *   The server accepts with the subprotocol `green-qr-scan.v1`. It relays GREEN-API's `scanqrcode`
 *   frames, rebuilt: `{type: 'qrCode', message: <base64 PNG/JPEG>}`, `{type: 'accountData', wid,
 *   pushname}` (more fields only if the host lists them in `accountFields`), `{type: 'alreadyLogged' |
 *   'error' | 'timeoutExpired', message}`; anything else is dropped. Nothing the browser sends is
 *   relayed: frames are dropped, and more than `limits.maxClientFrames` close the socket (1008). One
 *   live socket per ticket (a second handshake is refused, 409). A refused handshake is an HTTP error
 *   status, so the browser sees the socket fail before it opens; GREEN-API is not contacted first.
 *   Close codes from GREEN-API are passed on (1005 → 1000; 1006, 1015 → 1011); a socket closes with
 *   1008 when its ticket is revoked or runs out, and with 1001 after `limits.maxSocketMs`.
 * - **HTTP**: `${apiUrl}/waInstance${id}/${method}` (no token segment, no query) with the header
 *   `Authorization: Bearer <ticket>`.
 *   - GET: `qr`, `getStateInstance`, `getWaSettings`, `getSettings`, `getAccountSettings`.
 *   - POST with a JSON body (`content-type: application/json`): `getAuthorizationCode`
 *     `{phoneNumber}`, `startAuthorization` `{phoneNumber}`, `sendAuthorizationCode` `{code,
 *     password?}`, `sendAuthorizationPassword` `{password}`, and `logout` (empty body). Logout is POST
 *     only, never GET.
 *   - Answers are rebuilt from GREEN-API's, with only the documented fields the element uses
 *     (`getSettings`: `wid`, `typeInstance`; never `webhookUrlToken` and the like), and the real
 *     token scrubbed from any text that echoes it.
 *   - Errors are JSON `{error, reason}`: 401 (`ticket_missing`, `ticket_invalid`: unknown, expired or
 *     revoked; `ticket_used`: the link is done) with `WWW-Authenticate: Bearer`; 403 (`wrong_instance`,
 *     `wrong_origin`, `scope`, `origin`, `cross_site`, `no_origin`); 404 (`route`, `unknown_instance`);
 *     405 (`verb`, with `Allow`); 409 (`socket_in_use`, websockets); 413, 415, 400 (`body`, `query`);
 *     421 (`host`); 429 (`rate_limited`, with `Retry-After`); 502 (`upstream`, `lookup`): GREEN-API's
 *     answer was malformed, too large, a status outside 200–599, or a refusal of the real token;
 *     GREEN-API's own 400, 429 and 466 are passed on.
 *   - Cross-origin pages listed in `allowedOrigins` get CORS answers (`Authorization` and
 *     `Content-Type` allowed in preflights).
 * - **Scopes** (per ticket): `qr` (default): the socket, `qr`, `getStateInstance`, `getWaSettings`,
 *   `getSettings`, `getAccountSettings`, `sendAuthorizationPassword` (the two-factor password that
 *   Telegram and MAX ask for after a QR scan); `phone`: `getAuthorizationCode`, `startAuthorization`,
 *   `sendAuthorizationCode`; `logout`: `logout`.
 * - **Lifetime**: 3 minutes by default (`renewTicket` extends it). When the server sees the
 *   instance linked and confirms it with its own getStateInstance, the ticket is used up: for
 *   `linkedGraceMs` (60 s) it may still read the account (`getStateInstance`, `getWaSettings`,
 *   `getSettings`, `getAccountSettings`), nothing else. A failed socket (`error`, `timeoutExpired`)
 *   revokes the ticket: the page asks its backend for a new one to try again.
 */
export {
  createLinkServer,
  mapCloseCode,
  SUBPROTOCOL,
  TICKET_PROTOCOL_PREFIX,
  type IssuedTicket,
  type LinkedEvent,
  type LinkLimits,
  type LinkServer,
  type LinkServerOptions,
  type TicketRequest,
  type UpstreamCredentials,
} from './link-server.js';
export { SCOPES, type AccountField, type HttpMethodName, type Scope } from './methods.js';
export { memoryStore, type LinkStore, type MemoryStoreOptions } from './store.js';
export { redisStore, type RedisCallClient, type RedisCommand, type RedisStoreOptions } from './redis-store.js';
