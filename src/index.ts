/** Public exports, without registering the element (see `define.ts` for that). */
export * from './session.js';
export { GreenQrScan } from './element/green-qr-scan.js';
export { ScanController, type ScanControllerOptions, type SuspendReason } from './element/scan-controller.js';
export { PhoneLinkController, type PhoneLinkOptions } from './element/phone-link-controller.js';
export { registerLocale, stringsFor, type Strings } from './element/localize.js';
export { en } from './element/locales/en.js';
export { ru } from './element/locales/ru.js';
