/** Registers `<green-qr-scan>`: the package's side-effect entry (see `element/register.ts`). */
import { defineGreenQrScan } from './element/register.js';

defineGreenQrScan();

export * from './index.js';
