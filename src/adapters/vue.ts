/**
 * `<green-qr-scan>` in Vue templates (Volar / vue-tsc): `import type {} from 'green-qr-scan/vue'`.
 * Tell Vue it is a custom element: `compilerOptions.isCustomElement: (tag) => tag === 'green-qr-scan'`.
 */
import type { DefineComponent } from 'vue';
import type { GreenQrScan } from '../element/green-qr-scan.js';
import type { GreenQrScanCamelEventHandlers, GreenQrScanProperties } from './attributes.js';

/** The attributes' properties, `ticket` (a property only: bind it with `:ticket.prop`) and the events. */
export type GreenQrScanVueProps = GreenQrScanProperties & Partial<Pick<GreenQrScan, 'ticket'>> & GreenQrScanCamelEventHandlers;

declare module 'vue' {
  interface GlobalComponents {
    'green-qr-scan': DefineComponent<GreenQrScanVueProps>;
  }
}
