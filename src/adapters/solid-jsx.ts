/** `<green-qr-scan>` in Solid's JSX: `import type {} from 'green-qr-scan/jsx-solid'`. */
import type {} from 'solid-js';
import type { GreenQrScan } from '../element/green-qr-scan.js';
import type { GreenQrScanAttributes } from './attributes.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../core/events.js';

declare module 'solid-js' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'green-qr-scan': JSX.HTMLAttributes<GreenQrScan> &
        GreenQrScanAttributes & {
          'prop:token'?: string;
          'on:account-linked'?: (event: AccountLinkedEvent) => void;
          'on:scan-failed'?: (event: ScanFailedEvent) => void;
          'on:scan-state-change'?: (event: ScanStateChangeEvent) => void;
        };
    }
  }
}

export type { GreenQrScanAttributes };
