/**
 * Registers `<green-qr-scan>`: the package's side-effect entry. Registering twice (two copies of
 * the package on one page) is a no-op, and nothing runs where there is no `customElements` (SSR).
 */
import { GreenQrScan } from './element/green-qr-scan.js';

if (typeof customElements !== 'undefined' && !customElements.get('green-qr-scan')) {
  customElements.define('green-qr-scan', GreenQrScan);
}

export * from './index.js';
