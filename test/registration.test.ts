// The side-effect-free entry registers nothing; the class works under the page's own tag name; the
// registering entry defines `green-qr-scan` once and tolerates a second copy.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import { GreenQrScan } from '../src/index.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer } from './helpers/ws-server.js';

describe('registration', () => {
  it('importing the class registers no tag', () => {
    expect(GreenQrScan).to.be.a('function');
    expect(customElements.get('green-qr-scan')).to.equal(undefined);
  });

  it('works under a tag name of the page’s choosing', async () => {
    customElements.define('my-whatsapp-link', class extends GreenQrScan {});
    const server = await startWsServer();
    try {
      const tag = unsafeStatic('my-whatsapp-link');
      const el = await fixture<GreenQrScan>(staticHtml`<${tag} instance-id=${INSTANCE_ID} api-url=${server.url} .token=${TOKEN}></${tag}>`);
      await server.waitForConnection(1);
      server.send({ type: 'qrCode', message: await pngBase64(1) });
      await waitUntil(() => el.shadowRoot!.querySelector('[part=qr]'));
      expect(el.getAttribute('state')).to.equal('qr');
      expect(customElements.get('green-qr-scan')).to.equal(undefined);
    } finally {
      await server.stop();
    }
  });

  it('the registering entry defines green-qr-scan once, and a second copy does not throw', async () => {
    await import('../src/define.js');
    const defined = customElements.get('green-qr-scan');
    expect(defined).to.equal(GreenQrScan);
    // A second copy of the package (another URL, so another module instance) on the same page.
    await import(/* @vite-ignore */ `${new URL('../src/define.ts', import.meta.url).href}?copy=2`);
    expect(customElements.get('green-qr-scan')).to.equal(defined);
    const el = await fixture(html`<green-qr-scan></green-qr-scan>`);
    expect(el).to.be.instanceOf(GreenQrScan);
  });
});
