// The element's one linking model: one place moves the state and dispatches the events, so the
// getter, the attribute and the events agree; stop(); mode-change; the waiting view while a page
// sets the element up in steps; and the probes that found real bugs (each fails without its fix).
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { GreenQrScan } from '../../src/element/green-qr-scan.js';
import type { ModeChangeEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import { en } from '../../src/element/locales/en.js';
import { VirtualClock } from '../helpers/clock.js';
import { part, settle, statusText, submitPhone } from '../helpers/element.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from '../helpers/ws-server.js';

describe('element: one linking model', () => {
  let ws: WsServer;
  let states: string[];
  let failed: ScanFailedEvent['detail'][];
  beforeEach(async () => {
    ws = await startWsServer();
    states = [];
    failed = [];
  });
  afterEach(() => ws.stop());

  async function mount(extra: Partial<GreenQrScan> = {}) {
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
      instance-id=${INSTANCE_ID}
      api-url=${ws.url}
      transport="websocket"
      .token=${TOKEN}
      .sessionOptions=${{ backoffMs: [20] }}
      @scan-state-change=${(e: ScanStateChangeEvent) => states.push(`${e.detail.previous}->${e.detail.state}`)}
      @scan-failed=${(e: ScanFailedEvent) => failed.push(e.detail)}
    ></green-qr-scan>`);
    Object.assign(el, extra);
    return el;
  }

  async function link(el: GreenQrScan) {
    await ws.waitForConnection(1);
    await ws.send({ type: 'qrCode', message: pngBase64(1) });
    await settle(el, 'qr');
    await ws.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'P', proxy: '', webhookUrl: '' });
    await settle(el, 'linked');
  }

  it('removing the element after linking keeps it linked: getter, attribute and events agree', async () => {
    const el = await mount();
    await link(el);
    el.remove();
    await el.updateComplete;
    expect(el.state).to.equal('linked');
    expect(el.getAttribute('state')).to.equal('linked');
    expect(el.matches(':state(linked)')).to.equal(true);
    expect(states).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->linked']);
  });

  it('removing it mid-scan closes the socket and says idle everywhere, once', async () => {
    const el = await mount();
    await ws.waitForConnection(1);
    await ws.send({ type: 'qrCode', message: pngBase64(1) });
    await settle(el, 'qr');
    el.remove();
    expect((await ws.waitForClose(0)).closedBy).to.equal('client');
    await el.updateComplete;
    expect([el.state, el.getAttribute('state')]).to.deep.equal(['idle', 'idle']);
    expect(states).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->idle']);
    expect(failed).to.deep.equal([]);
  });

  it('stop() ends a long wait without scan-failed: idle, socket closed, nothing restarts', async () => {
    const el = await mount();
    await ws.waitForConnection(1);
    el.stop();
    expect((await ws.waitForClose(0)).closedBy).to.equal('client');
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    expect(states).to.deep.equal(['idle->connecting', 'connecting->idle']);
    expect(failed).to.deep.equal([]);
    el.restart();
    await ws.waitForConnection(2);
  });

  it('every event bubbles and is composed: a listener outside a shadow root hears them', async () => {
    const outer = document.createElement('div');
    const root = outer.attachShadow({ mode: 'open' });
    document.body.append(outer);
    const heard: string[] = [];
    for (const type of ['scan-state-change', 'account-linked', 'scan-failed', 'mode-change']) {
      outer.addEventListener(type, (e) => heard.push(`${type}:${e.bubbles}:${e.composed}`));
    }
    try {
      const el = document.createElement('green-qr-scan');
      el.setAttribute('messenger', 'whatsapp');
      Object.assign(el, { instanceId: INSTANCE_ID, apiUrl: ws.url, token: TOKEN, transport: 'websocket' });
      root.append(el);
      await link(el);
      const wrong = document.createElement('green-qr-scan');
      wrong.setAttribute('messenger', 'whatsapp');
      Object.assign(wrong, { instanceId: 'abc', apiUrl: ws.url, token: TOKEN });
      root.append(wrong);
      await wrong.updateComplete;
      const switching = document.createElement('green-qr-scan');
      switching.setAttribute('messenger', 'whatsapp');
      root.append(switching);
      await switching.updateComplete;
      part(switching, 'mode-switch')!.click();
    } finally {
      outer.remove();
    }
    for (const type of ['scan-state-change', 'account-linked', 'scan-failed', 'mode-change']) expect(heard).to.include(`${type}:true:true`);
    expect(heard.every((h) => h.endsWith(':true:true'))).to.equal(true);
  });

  it('the mode switch changes mode and fires mode-change; setting mode from the page does not', async () => {
    const el = await mount();
    const changes: ModeChangeEvent['detail'][] = [];
    el.addEventListener('mode-change', (e) => changes.push(e.detail));
    await ws.waitForConnection(1);
    part(el, 'mode-switch')!.click();
    await el.updateComplete;
    expect(el.mode).to.equal('phone');
    expect(changes).to.deep.equal([{ mode: 'phone', previous: 'qr' }]);
    expect((await ws.waitForClose(0)).closedBy).to.equal('client');
    el.mode = 'qr';
    await ws.waitForConnection(2);
    expect(changes.length).to.equal(1);
  });

  describe('a page that sets the element up in steps', () => {
    let warnings: unknown[][];
    let warn: typeof console.warn;
    beforeEach(() => {
      warnings = [];
      warn = console.warn;
      console.warn = (...args: unknown[]) => void warnings.push(args);
    });
    afterEach(() => {
      console.warn = warn;
    });

    it('instance-id first, the token a moment later: waiting (idle), never scan-failed, then it connects', async () => {
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${ws.url}
        @scan-failed=${(e: ScanFailedEvent) => failed.push(e.detail)}></green-qr-scan>`);
      await el.updateComplete;
      expect(el.state).to.equal('idle');
      expect(statusText(el)).to.equal(en.idle);
      el.token = '';
      await el.updateComplete;
      el.token = TOKEN;
      await ws.waitForConnection(1);
      await el.updateComplete;
      expect(el.state).to.equal('connecting');
      expect(failed).to.deep.equal([]);
      expect(warnings).to.deep.equal([]);
    });

    it('a value that is present and wrong fails with invalidConfig and warns once (field and rule, never the token)', async () => {
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id="12ab" api-url=${ws.url} .token=${TOKEN}
        @scan-failed=${(e: ScanFailedEvent) => failed.push(e.detail)}></green-qr-scan>`);
      await el.updateComplete;
      el.requestUpdate();
      await el.updateComplete;
      expect(failed.map((f) => f.reason)).to.deep.equal(['invalidConfig']);
      expect(warnings.length).to.equal(1);
      expect(String(warnings[0].join(' '))).to.match(/instance-id.*numeric idInstance/);
      expect(String(warnings[0].join(' '))).to.not.contain(TOKEN);
      expect((await ws.connections()).length).to.equal(0);
    });
  });

  describe('transport hints', () => {
    let http: HttpServer;
    beforeEach(async () => (http = await startHttpServer()));
    afterEach(() => http.stop());

    it('transport="http" set by the page never claims that websockets are blocked', async () => {
      await http.script('GET', `/waInstance${INSTANCE_ID}/qr/${TOKEN}`, [{ body: { type: 'qrCode', message: pngBase64(2) } }]);
      await http.script('GET', `/waInstance${INSTANCE_ID}/getStateInstance/${TOKEN}`, [{ body: { stateInstance: 'notAuthorized' } }]);
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${http.url} transport="http" .token=${TOKEN}></green-qr-scan>`);
      await el.updateComplete;
      expect(el.state).to.equal('connecting');
      expect(el.shadowRoot!.textContent).to.not.contain(en.httpFallback);
      await settle(el, 'qr');
      expect(el.shadowRoot!.textContent).to.not.contain(en.httpFallback);
    });
  });

  it('the copy button says "Copied" for one code only: a new code resets it', async () => {
    const http = await startHttpServer();
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    // Headless Chromium does not grant the clipboard permission: record the call instead.
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async () => {} } });
    try {
      await http.script('POST', `/waInstance${INSTANCE_ID}/getAuthorizationCode/${TOKEN}`, [{ body: { status: true, code: 'ABCD1234' } }, { body: { status: true, code: 'WXYZ9876' } }]);
      await http.script('GET', `/waInstance${INSTANCE_ID}/getStateInstance/${TOKEN}`, [{ body: { stateInstance: 'notAuthorized' } }]);
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${http.url} mode="phone" .token=${TOKEN}></green-qr-scan>`);
      await submitPhone(el, '+79001234567');
      await settle(el, 'code');
      part(el, 'copy-button')!.click();
      await new Promise((resolve) => setTimeout(resolve, 0));
      await el.updateComplete;
      expect(part(el, 'copy-button')!.textContent!.trim()).to.equal(en.copied);
      el.restart();
      await settle(el, 'idle');
      await submitPhone(el, '+79001234567');
      await settle(el, 'code');
      expect(part(el, 'code')!.textContent).to.equal('WXYZ-9876');
      expect(part(el, 'copy-button')!.textContent!.trim()).to.equal(en.copy);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      if (original) Object.defineProperty(Navigator.prototype, 'clipboard', original);
      await http.stop();
    }
  });
});

describe('element: lazy grace timer', () => {
  let ws: WsServer;
  let clock: VirtualClock | undefined;
  beforeEach(async () => (ws = await startWsServer()));
  afterEach(async () => {
    clock?.uninstall();
    clock = undefined;
    await ws.stop();
  });

  it('is cleared when the element leaves the page: re-added (not lazy now), its new session is not closed later', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <div class="spacer" style="height: 3000px"></div>
      <green-qr-scan messenger="whatsapp" lazy instance-id=${INSTANCE_ID} api-url=${ws.url} transport="websocket" .token=${TOKEN} .sessionOptions=${{ lazyGraceMs: 5000 }}></green-qr-scan>
    </div>`);
    const el = wrapper.querySelector('green-qr-scan') as GreenQrScan;
    el.scrollIntoView();
    await ws.waitForConnection(1);
    clock = new VirtualClock().install();
    window.scrollTo(0, 0);
    // The off-screen grace timer is set once the observer reports the element off screen.
    await clock.until(() => clock!.dueWithin(5000));
    el.remove();
    expect((await ws.waitForClose(0)).closedBy).to.equal('client');
    // Without `lazy` there is no observer to clear an old timer on its first report.
    el.lazy = false;
    wrapper.append(el);
    // One scanqrcode handshake per second: the new socket waits for its slot (virtual time).
    await clock.advance(1100);
    await ws.waitForConnection(2);
    await clock.tick(10_000);
    expect((await ws.connections())[1].open).to.equal(true);
    expect(el.state).to.equal('connecting');
    el.remove();
  });
});
