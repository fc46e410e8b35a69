// Loaded as one bundle (/__bundle/…) in a fresh frame by test/registration.test.ts: the page
// registers the class under its own tag, then the registering entry loads.
import { GreenQrScan } from '../../src/index.js';
import { report } from './report.js';

try {
  customElements.define('my-tag', GreenQrScan);
  await import('../../src/define.js');
  report({ GreenQrScan });
} catch (error) {
  report({ GreenQrScan, error: String(error) });
}
