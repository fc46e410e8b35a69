/**
 * `<green-qr-scan>` in Vue templates (Volar / vue-tsc): `import type {} from 'green-qr-scan/vue'`.
 * Tell Vue it is a custom element: `compilerOptions.isCustomElement: (tag) => tag === 'green-qr-scan'`.
 */
import type { DefineComponent } from 'vue';
import type { GreenQrScanCamelEventHandlers, GreenQrScanProperties } from './attributes.js';

export type GreenQrScanVueProps = GreenQrScanProperties & GreenQrScanCamelEventHandlers;

declare module 'vue' {
  interface GlobalComponents {
    'green-qr-scan': DefineComponent<GreenQrScanVueProps>;
  }
}
