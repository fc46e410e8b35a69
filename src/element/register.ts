/**
 * Registers `<green-qr-scan>` (used by the `green-qr-scan` entry and the React wrapper). Registering
 * twice (two copies of the package on one page) is a no-op, and nothing runs where there is no
 * `customElements` (SSR). When the page already registered the class itself under a tag of its own
 * (`customElements.define('my-tag', GreenQrScan)`), a constructor can be registered only once, so
 * `green-qr-scan` gets a subclass of it instead of throwing.
 */
import { GreenQrScan } from './green-qr-scan.js';

export function defineGreenQrScan(): void {
  if (typeof customElements === 'undefined' || customElements.get('green-qr-scan')) return;
  try {
    customElements.define('green-qr-scan', GreenQrScan);
  } catch {
    // "This constructor has already been used with this registry". (Any other reason to refuse the
    // name would refuse the subclass too, and throw here.)
    customElements.define('green-qr-scan', class extends GreenQrScan {});
  }
}
