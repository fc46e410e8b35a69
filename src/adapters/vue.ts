/**
 * `<green-qr-scan>` in Vue templates (Volar / vue-tsc): `import type {} from 'green-qr-scan/vue'`.
 * Tell Vue it is a custom element: `compilerOptions.isCustomElement: (tag) => tag === 'green-qr-scan'`.
 */
import type { DefineComponent } from 'vue';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../core/events.js';

export interface GreenQrScanVueProps {
  instanceId?: string;
  token?: string;
  apiUrl?: string;
  mode?: 'qr' | 'phone';
  transport?: 'auto' | 'websocket' | 'http';
  theme?: 'auto' | 'light' | 'dark';
  lang?: string;
  allowLogout?: boolean;
  lazy?: boolean;
  onAccountLinked?: (event: AccountLinkedEvent) => void;
  onScanFailed?: (event: ScanFailedEvent) => void;
  onScanStateChange?: (event: ScanStateChangeEvent) => void;
}

declare module 'vue' {
  interface GlobalComponents {
    'green-qr-scan': DefineComponent<GreenQrScanVueProps>;
  }
}
