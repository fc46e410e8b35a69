// The whole linking journey on the element: countdown, re-link through Logout, the phone-number
// code, the HTTP fallback. Real servers only: a scripted websocket server, a scripted HTTP server,
// and the local GREEN-API stand-in.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../src/core/events.js';
import { startHttpServer, type HttpServer } from './helpers/http-server.js';
import { startMock, type Mock } from './helpers/mock.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';
import { part, sleep, statusText, submitPhone } from './helpers/element.js';


describe('countdown', () => {
  let server: WsServer;
  beforeEach(async () => (server = await startWsServer()));
  afterEach(() => server.stop());

  it('shows the seconds left of the 100-s window as a timer, counting down', async () => {
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${server.url} .token=${TOKEN}></green-qr-scan>`);
    await server.waitForConnection(1);
    expect(part(el, 'countdown')).to.equal(null);
    server.send({ type: 'qrCode', message: await pngBase64(1) });
    await waitUntil(() => part(el, 'countdown'));
    const countdown = part(el, 'countdown')!;
    expect(countdown.getAttribute('role')).to.equal('timer');
    const first = Number(/(\d+) s/.exec(countdown.textContent!)![1]);
    expect(first).to.be.within(98, 100);
    expect(countdown.getAttribute('aria-label')).to.equal(`Time left to scan: ${first} seconds`);
    await waitUntil(() => Number(/(\d+) s/.exec(part(el, 'countdown')!.textContent!)![1]) < first, 'the countdown did not move', { timeout: 2500 });
  });

  it('offers a new QR code when the window runs out', async () => {
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${server.url} .token=${TOKEN}></green-qr-scan>`);
    await server.waitForConnection(1);
    server.send({ type: 'qrCode', message: await pngBase64(1) });
    server.send({ type: 'timeoutExpired', message: 'timeoutExpired' });
    await waitUntil(() => el.state === 'failed');
    await el.updateComplete;
    expect(statusText(el)).to.equal('The QR code expired');
    expect(part(el, 'countdown')).to.equal(null);
    part(el, 'retry-button')!.click();
    await server.waitForConnection(2);
  });
});

describe('already linked → log out and link another phone', () => {
  let mock: Mock;
  beforeEach(async () => (mock = await startMock()));
  afterEach(() => mock.stop());

  it('without allow-logout the view only explains', async () => {
    await mock.alreadyLogged('1101000011');
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id="1101000011" api-url=${mock.url} .token=${TOKEN}></green-qr-scan>`);
    await waitUntil(() => el.state === 'failed');
    await el.updateComplete;
    expect(el.failure!.reason).to.equal('alreadyLogged');
    expect(part(el, 'logout-button')).to.equal(null);
    expect(part(el, 'message')!.textContent).to.contain('Log out of the instance first');
  });

  it('with allow-logout, Logout then a new session with a QR code', async () => {
    await mock.alreadyLogged('1101000012');
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" allow-logout instance-id="1101000012" api-url=${mock.url} .token=${TOKEN}></green-qr-scan>`);
    await waitUntil(() => el.state === 'failed');
    await el.updateComplete;
    const button = part(el, 'logout-button') as HTMLButtonElement;
    expect(button.textContent!.trim()).to.equal('Log out and link another phone');
    button.click();
    await waitUntil(() => el.state === 'qr', 'no QR after logout', { timeout: 5000 });
    expect((await mock.state('1101000012')).authorized).to.be.false;
  });

  describe('against a scripted server', () => {
    let http: HttpServer;
    beforeEach(async () => {
      http = await startHttpServer();
      // The websocket is refused by this server: poll the QR method, which says "already linked".
      await http.script('GET', `/waInstance${INSTANCE_ID}/qr/${TOKEN}`, [{ body: { type: 'alreadyLogged', message: 'instance account already authorized' } }]);
    });
    afterEach(() => http.stop());

    it('shows Logout pending, then its error as text without the token', async () => {
      await http.script('GET', `/waInstance${INSTANCE_ID}/logout/${TOKEN}`, [{ status: 500, body: 'boom', delayMs: 400 }]);
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" allow-logout transport="http" instance-id=${INSTANCE_ID} api-url=${http.url} .token=${TOKEN}></green-qr-scan>`);
      await waitUntil(() => el.state === 'failed');
      await el.updateComplete;
      part(el, 'logout-button')!.click();
      await el.updateComplete;
      const pending = part(el, 'logout-button') as HTMLButtonElement;
      expect(pending.disabled).to.be.true;
      expect(pending.textContent!.trim()).to.equal('Logging out…');
      await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'no error shown', { timeout: 3000 });
      const error = el.shadowRoot!.querySelector('[role=alert]')!.textContent!;
      // In people's words; the status goes to the console (see token-hygiene).
      expect(error).to.equal('Could not log out. Try again in a moment.');
      expect(error).to.not.contain(TOKEN);
      expect((part(el, 'logout-button') as HTMLButtonElement).disabled).to.be.false;
      expect(await http.requests({ method: 'GET', path: `/waInstance${INSTANCE_ID}/logout/${TOKEN}` })).to.have.length(1);
    });
  });
});

describe('link with a phone number', () => {
  let http: HttpServer;
  const codePath = `/waInstance${INSTANCE_ID}/getAuthorizationCode/${TOKEN}`;
  const statePath = `/waInstance${INSTANCE_ID}/getStateInstance/${TOKEN}`;
  beforeEach(async () => (http = await startHttpServer()));
  afterEach(() => http.stop());

  const phoneElement = (options = {}) =>
    fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
      mode="phone"
      instance-id=${INSTANCE_ID}
      api-url=${http.url}
      .token=${TOKEN}
      .sessionOptions=${{ statePollIntervalMs: 50, ...options }}
    ></green-qr-scan>`);

  it('refuses an invalid number before any request', async () => {
    const el = await phoneElement();
    expect(el.state).to.equal('idle');
    for (const bad of ['12', 'abc', '+7 900', '0000000000000000000']) {
      await submitPhone(el, bad);
      expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('Enter the full number');
      expect((part(el, 'phone-input') as HTMLInputElement).getAttribute('aria-invalid')).to.equal('true');
    }
    await sleep(100);
    expect(await http.requests({ method: 'POST' })).to.have.length(0);
  });

  it('asks for a code, shows it grouped, and links when the instance is authorized', async () => {
    await http.script('POST', codePath, [{ body: { status: true, code: 'ABCD1234' }, delayMs: 200 }]);
    await http.script('GET', statePath, [{ body: { stateInstance: 'notAuthorized' } }, { body: { stateInstance: 'notAuthorized' } }, { body: { stateInstance: 'authorized' } }]);
    const el = await phoneElement();
    const states: string[] = [];
    el.addEventListener('scan-state-change', (e) => states.push((e as ScanStateChangeEvent).detail.state));
    const linked = oneEvent(el, 'account-linked') as Promise<AccountLinkedEvent>;
    await submitPhone(el, '+7 (900) 123-45-67');
    expect(statusText(el)).to.equal('Requesting a code…');
    await waitUntil(() => part(el, 'code'), 'no code shown');
    expect(part(el, 'code')!.textContent).to.equal('ABCD-1234');
    expect(part(el, 'instructions')!.textContent).to.match(/Linked devices[\s\S]*Link with phone number/);
    const [request] = await http.requests({ method: 'POST', path: codePath });
    expect(JSON.parse(request.body)).to.deep.equal({ phoneNumber: 79001234567 });
    const event = await linked;
    expect(event.detail).to.deep.equal({ wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '', messenger: 'whatsapp', phone: '79001234567' });
    await el.updateComplete;
    expect(el.state).to.equal('linked');
    expect(part(el, 'account')!.textContent).to.contain('+79001234567');
    expect(states).to.deep.equal(['connecting', 'code', 'linked']);
    const polls = (await http.requests({ path: statePath })).length;
    await sleep(200);
    expect((await http.requests({ path: statePath })).length).to.equal(polls);
  });

  it('the copy button copies the code without its dash and says so', async () => {
    await http.script('POST', codePath, [{ body: { status: true, code: 'QRST5678' } }]);
    await http.script('GET', statePath, [{ body: { stateInstance: 'notAuthorized' } }]);
    const el = await phoneElement();
    await submitPhone(el, '79001234567');
    await waitUntil(() => part(el, 'copy-button'));
    const copied: string[] = [];
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    // The system clipboard needs a permission headless Chromium does not grant: record the call.
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void copied.push(text) } });
    try {
      part(el, 'copy-button')!.click();
      await waitUntil(() => part(el, 'copy-button')!.textContent!.trim() === 'Copied');
      expect(copied).to.deep.equal(['QRST5678']);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      if (original) expect(navigator.clipboard).to.exist;
    }
  });

  it('says when GREEN-API issues no code, and lets the person try again', async () => {
    await http.script('POST', codePath, [{ body: { status: false } }]);
    const el = await phoneElement();
    await submitPhone(el, '79001234567');
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'));
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('GREEN-API did not issue a code. Try again.');
    expect(el.state).to.equal('idle');
    expect(part(el, 'phone-form')).to.exist;
  });

  it('fails with timeoutExpired when the code expires', async () => {
    await http.script('POST', codePath, [{ body: { status: true, code: 'WXYZ9876' } }]);
    await http.script('GET', statePath, [{ body: { stateInstance: 'notAuthorized' } }]);
    const el = await phoneElement({ codeValidityMs: 300 });
    const failed = oneEvent(el, 'scan-failed') as Promise<ScanFailedEvent>;
    await submitPhone(el, '79001234567');
    const event = await failed;
    expect(event.detail.reason).to.equal('timeoutExpired');
    await el.updateComplete;
    expect(statusText(el)).to.equal('The code expired');
    part(el, 'retry-button')!.click();
    await el.updateComplete;
    expect(part(el, 'phone-form')).to.exist;
  });

  it('switching from the QR code to the phone number closes the socket', async () => {
    const ws = await startWsServer();
    try {
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${ws.url} .token=${TOKEN}></green-qr-scan>`);
      await ws.waitForConnection(1);
      ws.send({ type: 'qrCode', message: await pngBase64(1) });
      await waitUntil(() => el.state === 'qr');
      await el.updateComplete;
      part(el, 'mode-switch')!.click();
      expect((await ws.waitForClose(0)).closedBy).to.equal('client');
      await el.updateComplete;
      expect(el.mode).to.equal('phone');
      expect(el.state).to.equal('idle');
      expect(part(el, 'phone-form')).to.exist;
      part(el, 'mode-switch')!.click();
      await ws.waitForConnection(2);
    } finally {
      await ws.stop();
    }
  });
});

describe('HTTP fallback', () => {
  let http: HttpServer;
  beforeEach(async () => (http = await startHttpServer()));
  afterEach(() => http.stop());

  it('polls the QR method when the websocket is refused, with the same views and events', async () => {
    const png1 = await pngBase64(1);
    const png2 = await pngBase64(2);
    await http.script('GET', `/waInstance${INSTANCE_ID}/qr/${TOKEN}`, [{ body: { type: 'qrCode', message: png1 } }, { body: { type: 'qrCode', message: png2 } }]);
    await http.script('GET', `/waInstance${INSTANCE_ID}/getStateInstance/${TOKEN}`, [{ body: { stateInstance: 'notAuthorized' } }]);
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
      instance-id=${INSTANCE_ID}
      api-url=${http.url}
      .token=${TOKEN}
      .sessionOptions=${{ backoffMs: [20], pollIntervalMs: 100, statePollIntervalMs: 100 }}
    ></green-qr-scan>`);
    await waitUntil(() => el.state === 'qr', 'no QR from polling', { timeout: 5000 });
    await waitUntil(() => (part(el, 'qr') as HTMLImageElement).src.endsWith(png2), 'no rotated QR');
    expect(await http.requests({ method: 'UPGRADE' })).to.have.length(2);
    const linked = oneEvent(el, 'account-linked') as Promise<AccountLinkedEvent>;
    await http.script('GET', `/waInstance${INSTANCE_ID}/getStateInstance/${TOKEN}`, [{ body: { stateInstance: 'authorized' } }]);
    await linked;
    await el.updateComplete;
    expect(el.state).to.equal('linked');
  });

  it('transport="websocket" never polls', async () => {
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
      transport="websocket"
      instance-id=${INSTANCE_ID}
      api-url=${http.url}
      .token=${TOKEN}
      .sessionOptions=${{ backoffMs: [20], maxConnectAttempts: 2 }}
    ></green-qr-scan>`);
    await waitUntil(() => el.state === 'failed', 'no failure', { timeout: 5000 });
    expect(el.failure!.reason).to.equal('connection');
    // One GetStateInstance told a blocked network from a refused token; the QR method was never polled.
    expect((await http.requests({ method: 'GET' })).map((r) => r.path)).to.deep.equal([`/waInstance${INSTANCE_ID}/getStateInstance/${TOKEN}`]);
  });
});
