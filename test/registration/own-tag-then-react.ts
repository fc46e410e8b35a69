// Loaded as one bundle (/__bundle/…) in a fresh frame by test/registration.test.ts: the page
// registers the class under its own tag, then the React wrapper's entry loads and renders.
import { GreenQrScan } from '../../src/index.js';
import { report } from './report.js';

try {
  customElements.define('my-tag', GreenQrScan);
  const { GreenQrScan: Wrapper } = await import('../../src/adapters/react.js');
  const React = await import('react');
  const { createRoot } = await import('react-dom/client');
  const { flushSync } = await import('react-dom');
  const host = document.body.appendChild(document.createElement('div'));
  flushSync(() => createRoot(host).render(React.createElement(Wrapper, { messenger: 'whatsapp', instanceId: '1101000001', token: '0123456789abcdef0123456789abcdef0123456789abcdef01', apiUrl: (window as unknown as { API_URL: string }).API_URL })));
  report({ GreenQrScan });
} catch (error) {
  report({ GreenQrScan, error: String(error) });
}
