/** Public exports, without registering the element (see `define.ts` for that). */
export * from './session.js';
export { GreenQrScan } from './green-qr-scan.js';
export { ScanController, type ScanControllerOptions, type SuspendReason } from './scan-controller.js';
export { PhoneLinkController, type PhoneLinkOptions } from './phone-link-controller.js';
export { registerLocale, stringsFor, type Strings } from './localize.js';
export { en } from './locales/en.js';
export { ru } from './locales/ru.js';
