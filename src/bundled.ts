/**
 * The drop-in file's entry (`dist/green-qr-scan.bundled.js`, Lit inlined): registers
 * `<green-qr-scan>` and exports the element's API. What only some pages use (the phone path, the
 * HTTP transport, Logout, Russian…) is loaded on demand from files next to it. The framework-free
 * API (`ScanSession`, `PhoneLinkSession`, the HTTP methods, the `ru` table) is for bundlers:
 * `green-qr-scan/session.js`, `green-qr-scan/locales/ru.js`.
 */
import { defineGreenQrScan } from './element/register.js';

defineGreenQrScan();

export { defineGreenQrScan };
export { GreenQrScan } from './element/green-qr-scan.js';
export { registerLocale, stringsFor, type Strings } from './element/localize.js';
export { en } from './element/locales/en.js';
export { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent, ModeChangeEvent } from './core/events.js';
export type { AccountData, ScanState, FailureReason, ScanFailure, ScanStateChange, ModeChange } from './core/events.js';
