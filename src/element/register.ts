/**
 * Registers `<green-qr-scan>` (used by the `green-qr-scan` entry and the React wrapper). Registering
 * twice (two copies of the package on one page) is a no-op, and nothing runs where there is no
 * `customElements` (SSR).
 */
import { GreenQrScan } from './green-qr-scan.js';

export function defineGreenQrScan(): void {
  if (typeof customElements !== 'undefined' && !customElements.get('green-qr-scan')) {
    customElements.define('green-qr-scan', GreenQrScan);
  }
}
