/** `<green-qr-scan>` in Preact's JSX: `import type {} from 'green-qr-scan/jsx-preact'`. */
import type { HTMLAttributes } from 'preact';
import type { GreenQrScan } from '../element/green-qr-scan.js';
import type { GreenQrScanAttributes, GreenQrScanEventHandlers } from './attributes.js';

declare module 'preact' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'green-qr-scan': HTMLAttributes<GreenQrScan> & GreenQrScanAttributes & GreenQrScanEventHandlers;
    }
  }
}

export type { GreenQrScanAttributes, GreenQrScanEventHandlers };
