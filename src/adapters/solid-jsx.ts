/** `<green-qr-scan>` in Solid's JSX: `import type {} from 'green-qr-scan/jsx-solid'`. */
import type {} from 'solid-js';
import type { GreenQrScan } from '../element/green-qr-scan.js';
import type { GreenQrScanAttributes, GreenQrScanEventMap } from './attributes.js';

/** `on:account-linked` etc. */
type SolidEventHandlers = { [K in keyof GreenQrScanEventMap as `on:${K}`]?: (event: GreenQrScanEventMap[K]) => void };

declare module 'solid-js' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'green-qr-scan': JSX.HTMLAttributes<GreenQrScan> & GreenQrScanAttributes & SolidEventHandlers & { 'prop:token'?: string; 'prop:ticket'?: string };
    }
  }
}

export type { GreenQrScanAttributes };
