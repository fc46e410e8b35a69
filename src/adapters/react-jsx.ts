/**
 * `<green-qr-scan>` in React 19's JSX without the wrapper: `import type {} from 'green-qr-scan/jsx-react'`.
 * React 19 sets known properties as properties and listens to `onaccount-linked` etc.
 */
import type * as React from 'react';
import type { GreenQrScan } from '../element/green-qr-scan.js';
import type { GreenQrScanAttributes, GreenQrScanEventHandlers } from './attributes.js';

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'green-qr-scan': React.DetailedHTMLProps<React.HTMLAttributes<GreenQrScan>, GreenQrScan> &
        GreenQrScanAttributes &
        GreenQrScanEventHandlers & { instanceId?: string; apiUrl?: string };
    }
  }
}

export type { GreenQrScanAttributes, GreenQrScanEventHandlers };
