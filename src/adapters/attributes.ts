/** The element's attributes as templates write them, for framework type declarations. */
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../core/events.js';

export interface GreenQrScanAttributes {
  'instance-id'?: string;
  /** Prefer binding the `token` property (it keeps the secret out of the DOM). */
  token?: string;
  'api-url'?: string;
  mode?: 'qr' | 'phone';
  transport?: 'auto' | 'websocket' | 'http';
  theme?: 'auto' | 'light' | 'dark';
  lang?: string;
  'allow-logout'?: boolean;
  lazy?: boolean;
}

export interface GreenQrScanEventHandlers {
  'onaccount-linked'?: (event: AccountLinkedEvent) => void;
  'onscan-failed'?: (event: ScanFailedEvent) => void;
  'onscan-state-change'?: (event: ScanStateChangeEvent) => void;
}
