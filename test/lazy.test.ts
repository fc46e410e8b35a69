import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';
import { sleep } from './helpers/element.js';


describe('lazy', () => {
  let server: WsServer;
  beforeEach(async () => (server = await startWsServer()));
  afterEach(() => server.stop());

  it('opens the socket only on screen, closes it after a grace period off screen, and starts afresh on return', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <div style="height: 3000px"></div>
      <green-qr-scan messenger="whatsapp" lazy instance-id=${INSTANCE_ID} api-url=${server.url} .token=${TOKEN} .sessionOptions=${{ lazyGraceMs: 150 }}></green-qr-scan>
    </div>`);
    const el = wrapper.querySelector('green-qr-scan') as GreenQrScan;
    await sleep(300);
    expect(await server.connections()).to.have.length(0);
    expect(el.state).to.equal('idle');
    expect(el.shadowRoot!.querySelector('[part=status]')!.textContent).to.contain('appears when this is on screen');

    el.scrollIntoView();
    await server.waitForConnection(1);
    server.send({ type: 'qrCode', message: await pngBase64(1) });
    await waitUntil(() => el.state === 'qr');

    // A short scroll away keeps the session.
    window.scrollTo(0, 0);
    await sleep(50);
    el.scrollIntoView();
    await sleep(250);
    expect((await server.connections())[0].open).to.be.true;

    window.scrollTo(0, 0);
    expect((await server.waitForClose(0)).closedBy).to.equal('client');
    await waitUntil(() => el.state === 'idle');

    el.scrollIntoView();
    await server.waitForConnection(2);
    await waitUntil(() => el.state === 'connecting');
    window.scrollTo(0, 0);
  });

  it('without lazy, an off-screen element connects at once', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <div style="height: 3000px"></div>
      <green-qr-scan messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${server.url} .token=${TOKEN}></green-qr-scan>
    </div>`);
    expect(wrapper).to.exist;
    await server.waitForConnection(1);
  });
});
