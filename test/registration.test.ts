// The side-effect-free entry registers nothing; the class works under the page's own tag name; the
// registering entry defines `green-qr-scan` once and tolerates a second copy, and a page that
// registered the class itself under its own tag first (fresh frames, each with its own registry).
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import { GreenQrScan } from '../src/index.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';
import type { RegistrationReport } from './registration/report.js';

type FrameWindow = Window & typeof globalThis & { registration?: RegistrationReport; API_URL?: string };

/**
 * Runs test/registration/<entry>.ts, bundled as an app would ship it, in a fresh frame (its own
 * custom element registry and module instances) and waits for its report.
 */
async function inFreshFrame(entry: string, apiUrl: string): Promise<{ win: FrameWindow; report: RegistrationReport }> {
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><body><script>window.API_URL = ${JSON.stringify(apiUrl)};</script><script type="module" src="/__bundle/test/registration/${entry}.js"></script></body>`;
  document.body.appendChild(frame);
  await waitUntil(() => (frame.contentWindow as FrameWindow | null)?.registration, `${entry} never reported`, { timeout: 10_000 });
  const win = frame.contentWindow as FrameWindow;
  return { win, report: win.registration! };
}

/** `green-qr-scan` is a subclass of the page's own class (which keeps its tag), and links. */
async function expectSubclassThatLinks(win: FrameWindow, report: RegistrationReport, el: HTMLElement & { state?: string }, server: WsServer) {
  expect(report.error, 'the registering entry threw').to.equal(undefined);
  expect(win.customElements.get('my-tag')).to.equal(report.GreenQrScan);
  const defined = win.customElements.get('green-qr-scan')!;
  expect(defined).to.be.a('function');
  expect(defined).to.not.equal(report.GreenQrScan);
  expect(defined.prototype).to.be.instanceOf(report.GreenQrScan);
  expect(el).to.be.instanceOf(report.GreenQrScan);
  const png = pngBase64(7);
  await server.waitForConnection(1);
  await server.send({ type: 'qrCode', message: png });
  await waitUntil(() => el.shadowRoot?.querySelector('[part~="qr"]')?.getAttribute('src') === `data:image/png;base64,${png}`, 'no QR code shown', { timeout: 5000 });
  expect(el.getAttribute('state')).to.equal('qr');
}

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
      const el = await fixture<GreenQrScan>(staticHtml`<${tag} messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${server.url} .token=${TOKEN}></${tag}>`);
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

describe('registration after the page registered the class under its own tag', () => {
  let server: WsServer;
  beforeEach(async () => (server = await startWsServer()));
  afterEach(() => server.stop());

  it("`customElements.define('my-tag', GreenQrScan)`, then `import 'green-qr-scan'`: no throw, green-qr-scan is a working subclass", async () => {
    const { win, report } = await inFreshFrame('own-tag-then-define', server.url);
    const el = win.document.createElement('green-qr-scan') as HTMLElement & { token: string };
    el.setAttribute('messenger', 'whatsapp');
    el.setAttribute('instance-id', INSTANCE_ID);
    el.setAttribute('api-url', server.url);
    el.token = TOKEN;
    win.document.body.appendChild(el);
    await expectSubclassThatLinks(win, report, el, server);
  });

  it("`customElements.define('my-tag', GreenQrScan)`, then `green-qr-scan/react`: no throw, the wrapper renders a working green-qr-scan", async () => {
    const { win, report } = await inFreshFrame('own-tag-then-react', server.url);
    expect(report.error, 'the React entry threw').to.equal(undefined);
    const el = win.document.querySelector('green-qr-scan') as HTMLElement & { token: string; instanceId: string };
    expect(el, 'the wrapper rendered no <green-qr-scan>').to.not.equal(null);
    expect(el.instanceId).to.equal(INSTANCE_ID);
    expect(el.token).to.equal(TOKEN);
    expect(el.hasAttribute('token'), 'the wrapper set the token as an attribute').to.equal(false);
    await expectSubclassThatLinks(win, report, el, server);
  });
});
