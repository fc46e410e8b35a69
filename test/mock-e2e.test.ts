/**
 * End to end against the local GREEN-API stand-in (mock/server.mjs): the real element, a real
 * `scanqrcode` websocket, real QR code PNGs decoded in Node (pngjs + jsQR) as a phone camera would.
 */
import { expect, fixture, fixtureCleanup, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../src/core/events.js';
import { en } from '../src/element/locales/en.js';
import { decodeQr, startMock, type Mock, type MockOptions } from './helpers/mock.js';
import { pngBase64 } from './helpers/ws-server.js';
import { part } from './helpers/element.js';

const TOKEN = 'mock-e2e-token-0123456789abcdef';
/** The mock's pairing ref: `2@` + base64 of 48, 32, 32 and 32 random bytes, comma-separated. */
const REF = /^2@[A-Za-z0-9+/]{64},[A-Za-z0-9+/]{43}=,[A-Za-z0-9+/]{43}=,[A-Za-z0-9+/]{43}=$/;
const MOCK_ACCOUNT = { wid: '79001234567@c.us', pushname: 'Demo phone', proxy: '127.0.0.1', webhookUrl: '' };

const run = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
let nextId = 0;
/** A fresh 10-digit instance id per test, so no mock state leaks between tests. */
const newId = () => `77${run}${String(nextId++).padStart(4, '0')}`;

const qrSrc = (el: GreenQrScan) => part(el, 'qr')?.getAttribute('src') ?? undefined;
const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

interface Mounted {
  el: GreenQrScan;
  linked: AccountLinkedEvent[];
  failed: ScanFailedEvent[];
  /** `scan-state-change` states in order. */
  states: string[];
  /** The `status` text rendered for each `scan-state-change`, in order. */
  statuses: string[];
}

describe('<green-qr-scan> against the GREEN-API mock', () => {
  let mock: Mock | undefined;

  afterEach(async () => {
    fixtureCleanup();
    await mock?.stop();
    mock = undefined;
  });

  async function begin(options: MockOptions = {}) {
    mock = await startMock(options);
    expect(mock.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    return mock;
  }

  /** Mounts the element; listeners are bound before it connects, so no event can be missed. */
  async function mount(m: Mock, id: string): Promise<Mounted> {
    const out: Omit<Mounted, 'el'> = { linked: [], failed: [], states: [], statuses: [] };
    const el = await fixture<GreenQrScan>(html`<green-qr-scan
      instance-id=${id}
      api-url=${m.url}
      .token=${TOKEN}
      @account-linked=${(e: AccountLinkedEvent) => out.linked.push(e)}
      @scan-failed=${(e: ScanFailedEvent) => out.failed.push(e)}
      @scan-state-change=${(e: ScanStateChangeEvent) => {
        out.states.push(e.detail.state);
        const target = e.currentTarget as GreenQrScan;
        // The session fires scan-state-change just before it asks the element to re-render: wait
        // a microtask so updateComplete covers that render.
        void Promise.resolve()
          .then(() => target.updateComplete)
          .then(() => out.statuses.push(squash(part(target, 'status')?.textContent)));
      }}
    ></green-qr-scan>`);
    expect(el.hasAttribute('token')).to.equal(false);
    return { el, ...out };
  }

  async function waitForQr(el: GreenQrScan, other?: string): Promise<string> {
    await waitUntil(() => qrSrc(el) !== undefined && qrSrc(el) !== other, 'no (new) QR code shown', { timeout: 5000 });
    return qrSrc(el)!;
  }

  it('decodeQr finds no QR code in an image without one', async () => {
    let error: unknown;
    try {
      await decodeQr(`data:image/png;base64,${pngBase64(3, 64)}`);
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.equal('Error: qr-decode: no QR code found in the 64×64 PNG');
  });

  it('shows real QR codes that a camera decodes to a WhatsApp ref, and rotates them', async () => {
    const id = newId();
    const m = await begin({ qrIntervalMs: 400 });
    const { el, failed } = await mount(m, id);

    const src1 = await waitForQr(el);
    expect(el.state).to.equal('qr');
    expect(el.getAttribute('state')).to.equal('qr');
    expect(squash(part(el, 'status')?.textContent)).to.equal(en.qrReady);
    expect(src1).to.match(/^data:image\/png;base64,iVBORw0KGgo/);
    const qr1 = await decodeQr(src1);
    expect(qr1.text).to.match(/^2@/);
    expect(qr1.text).to.match(REF);
    expect([qr1.width, qr1.height]).to.deep.equal([256, 256]);

    const src2 = await waitForQr(el, src1);
    const qr2 = await decodeQr(src2);
    expect(qr2.text).to.match(/^2@/);
    expect(qr2.text).to.match(REF);
    expect(qr2.text).to.not.equal(qr1.text);

    const state = await m.state(id);
    expect(state.liveSessions).to.equal(1);
    expect(state.authorized).to.equal(false);
    expect(state.qrCodesSent).to.be.at.least(2);
    expect(failed).to.have.length(0);
  });

  it('simulate scan: account-linked with the mock account, linked view shows name and number', async () => {
    const id = newId();
    const m = await begin();
    const { el, linked, failed, states } = await mount(m, id);
    await waitForQr(el);

    const event = oneEvent(el, 'account-linked');
    const result = await m.scan(id);
    expect(result.delivered).to.equal(1);
    const { detail } = (await event) as AccountLinkedEvent;
    // GetWaSettings, read once after the link, adds the avatar.
    const linkedAccount = { ...MOCK_ACCOUNT, messenger: 'whatsapp', phone: '79001234567', avatar: `${m.url}/mock/avatar.png` };
    expect(detail).to.deep.equal(linkedAccount);
    await el.updateComplete;

    expect(el.state).to.equal('linked');
    expect(el.account).to.deep.equal(linkedAccount);
    expect(squash(part(el, 'status')?.textContent)).to.equal(en.linked);
    const account = part(el, 'account')!;
    expect(squash(account.querySelector('strong')?.textContent)).to.equal('Demo phone');
    expect(squash(account.textContent)).to.equal('Demo phone+79001234567');
    expect(part(el, 'qr')).to.equal(null);
    expect(linked).to.have.length(1);
    expect(failed).to.have.length(0);
    expect(states).to.deep.equal(['connecting', 'qr', 'linked']);

    const state = await m.state(id);
    expect(state.authorized).to.equal(true);
    expect(state.stateInstance).to.equal('authorized');
    expect(state.account).to.deep.equal(MOCK_ACCOUNT);
    await waitUntil(async () => (await m.state(id)).liveSessions === 0, 'the socket stayed open', { timeout: 3000 });
  });

  it('already-logged before connecting: scan-failed alreadyLogged, no QR shown', async () => {
    const id = newId();
    const m = await begin();
    const before = await m.alreadyLogged(id);
    expect(before.delivered).to.equal(0);
    expect(before.state.authorized).to.equal(true);

    const { el, failed, linked, states } = await mount(m, id);
    await waitUntil(() => failed.length > 0, 'no scan-failed', { timeout: 5000 });
    await el.updateComplete;

    expect(failed).to.have.length(1);
    expect(failed[0].detail).to.deep.equal({ reason: 'alreadyLogged', message: 'instance account already authorized' });
    expect(el.state).to.equal('failed');
    expect(el.failure).to.deep.equal({ reason: 'alreadyLogged', message: 'instance account already authorized' });
    expect(states).to.deep.equal(['connecting', 'failed']);
    expect(squash(part(el, 'status')?.textContent)).to.equal(en.failedAlreadyLogged);
    expect(squash(part(el, 'message')?.textContent)).to.equal(en.failedAlreadyLoggedHint);
    expect(part(el, 'qr')).to.equal(null);
    expect(linked).to.have.length(0);
    expect((await m.state(id)).qrCodesSent).to.equal(0);
  });

  it('error: scan-failed error, the mock message shown as text', async () => {
    const id = newId();
    const m = await begin();
    const { el, linked } = await mount(m, id);
    await waitForQr(el);

    const message = 'Instance is busy <b>now</b> & then';
    const event = oneEvent(el, 'scan-failed');
    const result = await m.error(id, message);
    expect(result.delivered).to.equal(1);
    const { detail } = (await event) as ScanFailedEvent;
    expect(detail).to.deep.equal({ reason: 'error', message });
    await el.updateComplete;

    expect(el.state).to.equal('failed');
    expect(squash(part(el, 'status')?.textContent)).to.equal(en.failedError);
    const shown = part(el, 'message')!;
    expect(shown.textContent).to.equal(message);
    expect(shown.querySelector('b')).to.equal(null);
    expect(part(el, 'qr')).to.equal(null);
    expect(linked).to.have.length(0);
  });

  it('error without a message: the mock default text', async () => {
    const id = newId();
    const m = await begin();
    const { el } = await mount(m, id);
    await waitForQr(el);

    const event = oneEvent(el, 'scan-failed');
    expect((await m.error(id)).delivered).to.equal(1);
    const { detail } = (await event) as ScanFailedEvent;
    expect(detail).to.deep.equal({ reason: 'error', message: 'Instance has auth. You need to make log out' });
    await el.updateComplete;
    expect(part(el, 'message')!.textContent).to.equal('Instance has auth. You need to make log out');
  });

  it("the mock's own timeout: scan-failed timeoutExpired", async () => {
    const id = newId();
    const m = await begin({ timeoutMs: 1200, qrIntervalMs: 60_000 });
    const started = Date.now();
    const { el, failed, linked, states } = await mount(m, id);
    await waitForQr(el);
    expect(failed).to.have.length(0);

    await waitUntil(() => failed.length > 0, 'no scan-failed', { timeout: 5000 });
    const elapsed = Date.now() - started;
    await el.updateComplete;

    expect(failed).to.have.length(1);
    expect(failed[0].detail).to.deep.equal({ reason: 'timeoutExpired', message: 'timeoutExpired' });
    // The element's own guard is 100 s away: this is the mock's timeoutExpired frame.
    expect(elapsed).to.be.within(1100, 4000);
    expect(el.state).to.equal('failed');
    expect(states).to.deep.equal(['connecting', 'qr', 'failed']);
    expect(squash(part(el, 'status')?.textContent)).to.equal(en.failedTimeoutExpired);
    expect(squash(part(el, 'message')?.textContent)).to.equal(en.failedTimeoutExpiredHint.replace('{n}', '100'));
    expect(part(el, 'retry-button')).to.not.equal(null);
    expect(linked).to.have.length(0);
  });

  it('drop: the element reconnects and shows a new QR code', async () => {
    const id = newId();
    // No rotation during the test: a new QR code can only come from a new socket.
    const m = await begin({ qrIntervalMs: 60_000 });
    const { el, failed, linked, states, statuses } = await mount(m, id);
    const src1 = await waitForQr(el);
    const qr1 = await decodeQr(src1);
    expect((await m.state(id)).qrCodesSent).to.equal(1);

    const result = await m.drop(id);
    expect(result.delivered).to.equal(1);
    const src2 = await waitForQr(el, src1);
    const qr2 = await decodeQr(src2);

    expect(qr2.text).to.match(REF);
    expect(qr2.text).to.not.equal(qr1.text);
    expect(el.state).to.equal('qr');
    expect(states).to.deep.equal(['connecting', 'qr', 'connecting', 'qr']);
    expect(statuses).to.deep.equal([en.connecting, en.qrReady, en.reconnecting, en.qrReady]);
    expect(failed).to.have.length(0);
    expect(linked).to.have.length(0);
    const state = await m.state(id);
    expect(state.liveSessions).to.equal(1);
    expect(state.qrCodesSent).to.equal(2);
  });

  it('stop: the mock is gone afterwards', async () => {
    const m = await begin();
    expect((await m.state(newId())).authorized).to.equal(false);
    await m.stop();
    let error: unknown;
    try {
      await m.state(newId());
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(TypeError);
    await m.stop(); // idempotent
  });
});
