// The whole journey in a page served with a strict Content-Security-Policy and Trusted Types
// (test/csp/page.html, header set in web-test-runner.config.mjs): zero violations. The element
// runs inside that page (an iframe of the same origin), driven from here.
import { expect, waitUntil } from '@open-wc/testing';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';

type Frame = Window & typeof globalThis & { __violations: string[] };
type El = HTMLElement & { state: string; token: string; restart(): void; sessionOptions: object; failure?: { reason: string } };

describe('strict CSP', () => {
  let server: WsServer;
  let iframe: HTMLIFrameElement;
  let frame: Frame;

  before(async () => {
    iframe = document.createElement('iframe');
    iframe.src = '/test/csp/page.html';
    iframe.width = '600';
    iframe.height = '900';
    document.body.append(iframe);
    await new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
    frame = iframe.contentWindow as Frame;
    await waitUntil(() => frame.customElements.get('green-qr-scan'), 'the drop-in file did not load under the CSP');
  });
  after(() => iframe.remove());
  beforeEach(async () => (server = await startWsServer()));
  afterEach(() => server.stop());

  function place(attributes: Record<string, string> = {}): El {
    const el = frame.document.createElement('green-qr-scan') as El;
    el.setAttribute('messenger', 'whatsapp');
    el.setAttribute('instance-id', INSTANCE_ID);
    el.setAttribute('api-url', server.url);
    el.setAttribute('transport', 'websocket');
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    el.token = TOKEN;
    frame.document.body.replaceChildren(el);
    return el;
  }

  it('the page really enforces the policy', async () => {
    const response = await fetch('/test/csp/page.html');
    expect(response.headers.get('content-security-policy')).to.contain("require-trusted-types-for 'script'");
    // An inline style attribute is blocked here: the policy is live.
    const probe = frame.document.createElement('div');
    probe.setAttribute('style', 'color: red');
    frame.document.body.append(probe);
    await waitUntil(() => frame.__violations.length > 0, 'the probe caused no violation');
    expect(frame.__violations[0]).to.match(/^style-src/);
    frame.__violations.length = 0;
    probe.remove();
  });

  it('QR code, rotation, countdown, linked view: no violation', async () => {
    const el = place();
    await server.waitForConnection(1);
    server.send({ type: 'qrCode', message: await pngBase64(1) });
    await waitUntil(() => el.shadowRoot!.querySelector('[part=qr]'));
    server.send({ type: 'qrCode', message: await pngBase64(2) });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // one countdown tick
    expect(el.shadowRoot!.querySelector('[part=countdown]')).to.exist;
    const img = el.shadowRoot!.querySelector('img')!;
    await img.decode();
    expect(img.naturalWidth).to.be.greaterThan(0);
    // The stylesheet applies (adopted, not inline): the stage has the QR's size.
    expect(el.shadowRoot!.querySelector('[part=stage]')!.getBoundingClientRect().width).to.equal(264);
    server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'CSP', proxy: '', webhookUrl: '' });
    await waitUntil(() => el.state === 'linked');
    expect(frame.__violations).to.deep.equal([]);
  });

  it('failures, retry, reconnect, phone form, dark theme and Russian: no violation', async () => {
    const el = place({ theme: 'dark', lang: 'ru', 'allow-logout': '' });
    el.sessionOptions = { backoffMs: [20], transport: 'websocket' };
    el.restart();
    await server.waitForConnection(1);
    await server.terminate();
    await server.waitForConnection(2);
    server.send({ type: 'alreadyLogged', message: 'instance account already authorized' });
    await waitUntil(() => el.state === 'failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(el.shadowRoot!.querySelector('[part=logout-button]')).to.exist;
    el.setAttribute('mode', 'phone');
    await waitUntil(() => el.shadowRoot!.querySelector('[part=phone-form]'));
    el.setAttribute('mode', 'qr');
    await server.waitForConnection(3);
    server.send({ type: 'error', message: '<img src=x onerror=alert(1)>' });
    await waitUntil(() => el.state === 'failed');
    (el.shadowRoot!.querySelector('[part=retry-button]') as HTMLButtonElement).click();
    await server.waitForConnection(4);
    expect(frame.__violations).to.deep.equal([]);
  });
});
