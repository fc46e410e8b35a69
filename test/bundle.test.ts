// The drop-in file as a CDN user loads it: dist/green-qr-scan.bundled.js in a plain page, with the
// element written as HTML (no Lit, no TypeScript on the page). `npm test` builds dist/ first.
import { expect, waitUntil } from '@open-wc/testing';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';

type Element = HTMLElement & { state: string; failure?: { reason: string; message: string }; restart(): void; sessionOptions: object };

const bundleUrl = new URL('../dist/green-qr-scan.bundled.js', import.meta.url).href;

describe('drop-in bundle (dist/green-qr-scan.bundled.js)', () => {
  let server: WsServer;
  let host: HTMLDivElement;

  before(async () => {
    await import(/* @vite-ignore */ bundleUrl);
    // Loading it twice (two script tags) must not throw.
    await import(/* @vite-ignore */ `${bundleUrl}?copy=2`);
  });
  beforeEach(async () => {
    server = await startWsServer();
    host = document.createElement('div');
    document.body.append(host);
  });
  afterEach(async () => {
    host.remove();
    await server.stop();
  });

  function place(sessionOptions?: object): Element {
    if (!sessionOptions) {
      host.innerHTML = `<green-qr-scan messenger="whatsapp" instance-id="${INSTANCE_ID}" api-url="${server.url}" token="${TOKEN}"></green-qr-scan>`;
      return host.firstElementChild as Element;
    }
    const el = document.createElement('green-qr-scan') as Element;
    el.setAttribute('messenger', 'whatsapp');
    el.setAttribute('instance-id', INSTANCE_ID);
    el.setAttribute('api-url', server.url);
    el.setAttribute('token', TOKEN);
    el.sessionOptions = sessionOptions;
    host.append(el);
    return el;
  }
  const shadowText = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');

  it('registers <green-qr-scan> and shows a QR code, then the linked account', async () => {
    expect(customElements.get('green-qr-scan')).to.exist;
    const el = place();
    await server.waitForConnection(1);
    expect((await server.connections())[0].path).to.equal(`/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`);
    const png = await pngBase64(3);
    server.send({ type: 'qrCode', message: png });
    await waitUntil(() => el.shadowRoot!.querySelector('img[part=qr]'));
    expect(el.getAttribute('state')).to.equal('qr');
    const linked = new Promise<CustomEvent>((resolve) => document.addEventListener('account-linked', (e) => resolve(e as CustomEvent), { once: true }));
    server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Bundle', proxy: '1.2.3.4', webhookUrl: '' });
    const event = await linked;
    expect(event.detail).to.deep.equal({ wid: '79001234567@c.us', pushname: 'Bundle', proxy: '1.2.3.4', webhookUrl: '', messenger: 'whatsapp', phone: '79001234567' });
    await waitUntil(() => shadowText(el).includes('+79001234567'));
    expect((await server.waitForClose(0)).closedBy).to.equal('client');
  });

  for (const [frame, reason] of [
    [{ type: 'error', message: 'Multi-device beta not joined' }, 'error'],
    [{ type: 'alreadyLogged', message: 'instance account already authorized' }, 'alreadyLogged'],
    [{ type: 'timeoutExpired', message: 'timeoutExpired' }, 'timeoutExpired'],
    [{ type: 'timeout', message: 'timeout' }, 'timeoutExpired'],
  ] as const) {
    it(`reports scan-failed ${reason} for ${frame.type}`, async () => {
      const el = place();
      const failed = new Promise<CustomEvent>((resolve) => el.addEventListener('scan-failed', (e) => resolve(e as CustomEvent), { once: true }));
      await server.waitForConnection(1);
      server.send('not json');
      server.send({ type: 'somethingNew' });
      server.send(frame);
      const event = await failed;
      expect(event.detail).to.deep.equal({ reason, message: frame.message });
      await waitUntil(() => el.shadowRoot!.querySelector('[part=retry-button]'));
      expect((await server.waitForClose(0)).closedBy).to.equal('client');
    });
  }

  it('reconnects after a drop, and fails with connection when it cannot', async () => {
    const el = place({ backoffMs: [50], maxConnectAttempts: 2, reconnectBudgetMs: 800 });
    await server.waitForConnection(1);
    await server.terminate();
    await server.waitForConnection(2);
    const failed = new Promise<CustomEvent>((resolve) => el.addEventListener('scan-failed', (e) => resolve(e as CustomEvent), { once: true }));
    await server.stop();
    const event = await failed;
    expect(event.detail.reason).to.equal('connection');
    server = await startWsServer();
  });

  it('refuses an invalid instance-id with invalidConfig and no connection', async () => {
    host.innerHTML = `<green-qr-scan messenger="whatsapp" instance-id="12x" api-url="${server.url}" token="${TOKEN}"></green-qr-scan>`;
    const el = host.firstElementChild as Element;
    await waitUntil(() => el.failure);
    expect(el.failure).to.deep.equal({ reason: 'invalidConfig', message: 'instance-id must be the numeric idInstance (1 to 12 digits)' });
    expect((await server.connections()).length).to.equal(0);
  });

  it('closes the socket when removed', async () => {
    place();
    await server.waitForConnection(1);
    host.innerHTML = '';
    expect((await server.waitForClose(0)).closedBy).to.equal('client');
  });
});
