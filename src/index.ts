/** Public exports, without registering the element (see `define.ts` for that). */
export * from './session.js';
export { GreenQrScan } from './element/green-qr-scan.js';
export { registerLocale, stringsFor, type Strings } from './element/localize.js';
export { en } from './element/locales/en.js';
export { ru } from './element/locales/ru.js';
