/**
 * Issue 13, WhatsApp's side of "after linking": `account-linked` gains `avatar` (and `phone`) from
 * GetWaSettings, read once after the link on every WhatsApp path (the socket's `accountData`, an
 * `alreadyLogged` confirmed by GetStateInstance, the phone-number code), within GetWaSettings' rate
 * limit (counted by the stand-in), and for at most `accountDetailsTimeoutMs`: a read that fails,
 * is slow or waits for its rate slot never fails or holds up linking beyond that.
 */
import { expect, fixtureCleanup, waitUntil } from '@open-wc/testing';
import '../../src/define.js';
import { resolveConfig } from '../../src/core/config.js';
import { holdBack } from '../../src/core/rate-gate.js';
import type { GreenQrScan } from '../../src/element/green-qr-scan.js';
import type { LinkSessionOptions } from '../../src/element/link-controller.js';
import { part, submitPhone } from '../helpers/element.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { startMock, type Mock, type MockOptions } from '../helpers/mock.js';
import { pngBase64 } from '../helpers/ws-server.js';
import { captureConsole, mountWatched, visibleText, type MountOptions } from '../helpers/watch.js';

const TOKEN = 'whatsapp-account-token-0123456789abcdef';
const run = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
let nextId = 0;
const newId = () => `67${run}${String(nextId++).padStart(4, '0')}`;
/** The stand-in's WhatsApp account (`accountData`). */
const ACCOUNT = { wid: '79001234567@c.us', pushname: 'Demo phone', proxy: '127.0.0.1', webhookUrl: '' };
const FAST: LinkSessionOptions = { statePollIntervalMs: 1100, requestTimeoutMs: 5000 };

describe('WhatsApp account details after linking (GetWaSettings)', function () {
  this.timeout(20_000);
  let mock: Mock | undefined;
  let http: HttpServer | undefined;
  let logs: ReturnType<typeof captureConsole>;
  beforeEach(() => (logs = captureConsole()));
  afterEach(async () => {
    logs.restore();
    fixtureCleanup();
    await mock?.stop();
    await http?.stop();
    mock = http = undefined;
  });

  async function mount(url: string, o: Partial<MountOptions> = {}) {
    const id = o.instanceId ?? newId();
    const w = await mountWatched({ token: TOKEN, apiUrl: url, instanceId: id, messenger: 'whatsapp', ...o, sessionOptions: { ...FAST, ...o.sessionOptions } });
    return { id, w, el: w.el };
  }
  const stand = async (options: MockOptions = {}) => (mock = await startMock({ timeoutMs: 60_000, ...options }));
  const until = (el: GreenQrScan, state: string, timeout = 8000) =>
    waitUntil(() => el.state === state, `never reached ${state} (is ${el.state}: ${visibleText(el)})`, { timeout, interval: 20 });
  const qrShown = (el: GreenQrScan) => waitUntil(() => part(el, 'qr'), 'no QR code', { timeout: 5000 });
  /** GetWaSettings requests the stand-in saw, all within its 1-a-second limit. */
  async function waSettingsRead(m: Mock, id: string): Promise<number> {
    const stats = await m.stats(id);
    for (const [method, s] of Object.entries(stats.methods)) expect(s.maxPerSecond, `${method} per second`).to.be.at.most(s.limit);
    expect(stats.limited, '429 answers').to.equal(0);
    return stats.methods.getWaSettings?.total ?? 0;
  }

  it('accountData on the socket: one GetWaSettings adds the avatar; the account and the event agree', async () => {
    const m = await stand();
    const { id, w, el } = await mount(m.url, { messenger: 'auto' });
    await qrShown(el);
    await m.scan(id);
    await until(el, 'linked');
    const detail = { ...ACCOUNT, messenger: 'whatsapp', phone: '79001234567', avatar: `${m.url}/mock/avatar.png` };
    expect(w.linked).to.deep.equal([detail]);
    expect(el.account).to.deep.equal(detail);
    expect(w.states).to.deep.equal(['connecting', 'qr', 'linked']);
    expect(await waSettingsRead(m, id)).to.equal(1);
    // The avatar is a detail for the page, not shown by the card (its image policy allows data: only).
    expect(el.shadowRoot!.querySelector('img:not([part~="qr"])')).to.equal(null);
  });

  it('alreadyLogged after a code, confirmed by GetStateInstance: the one GetWaSettings that tells the number tells the avatar too', async () => {
    const m = await stand({ profile: 'already-logged-after-scan' });
    const { id, w, el } = await mount(m.url);
    await qrShown(el);
    await m.scan(id);
    await until(el, 'linked');
    expect(w.linked).to.deep.equal([
      { wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '', messenger: 'whatsapp', phone: '79001234567', avatar: `${m.url}/mock/avatar.png` },
    ]);
    expect(await waSettingsRead(m, id), 'asked once, not once to confirm and once for the avatar').to.equal(1);
  });

  it('by phone number: linked with the number typed and the avatar from one GetWaSettings', async () => {
    const m = await stand({ authCodeLinkMs: 200 });
    const { id, w, el } = await mount(m.url, { mode: 'phone' });
    await submitPhone(el, '+7 900 123-45-67');
    await until(el, 'linked');
    expect(w.linked).to.deep.equal([
      { wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '', messenger: 'whatsapp', phone: '79001234567', avatar: `${m.url}/mock/avatar.png` },
    ]);
    expect(await waSettingsRead(m, id)).to.equal(1);
  });

  it('GetWaSettings\' rate slot is not free: linked after accountDetailsTimeoutMs with what the socket told, no request sent', async () => {
    const m = await stand();
    const id = newId();
    const resolved = resolveConfig({ instanceId: id, token: TOKEN, apiUrl: m.url });
    if (!resolved.ok) throw new Error(resolved.message);
    const { w, el } = await mount(m.url, { instanceId: id, sessionOptions: { accountDetailsTimeoutMs: 500 } });
    await qrShown(el);
    // Another part of the page has just asked (the page keeps GREEN-API's limits for all its sessions).
    holdBack(resolved.endpoints.httpBase, 'getWaSettings', Date.now() + 30_000);
    const scanned = performance.now();
    await m.scan(id);
    await until(el, 'linked');
    const waited = performance.now() - scanned;
    expect(waited, 'waited for the details').to.be.at.least(450);
    expect(waited, 'but no longer than accountDetailsTimeoutMs').to.be.below(2500);
    expect(w.linked).to.deep.equal([{ ...ACCOUNT, messenger: 'whatsapp', phone: '79001234567' }]);
    expect(w.failed).to.deep.equal([]);
    expect(w.states).to.deep.equal(['connecting', 'qr', 'linked']);
    expect(await waSettingsRead(m, id)).to.equal(0);
    expect(logs.debugs).to.include('[green-qr-scan] could not read the account details: getWaSettings: no answer within 500 ms');
  });

  it('a GetWaSettings that answers too late: linked after accountDetailsTimeoutMs with what is known (HTTP transport)', async () => {
    http = await startHttpServer();
    const id = newId();
    const base = `/waInstance${id}`;
    await http.script('GET', `${base}/getSettings/${TOKEN}`, [{ body: { typeInstance: 'whatsapp' } }]);
    await http.script('GET', `${base}/qr/${TOKEN}`, [{ body: { type: 'qrCode', message: pngBase64(1) } }]);
    await http.script('GET', `${base}/getStateInstance/${TOKEN}`, [{ body: { stateInstance: 'authorized' } }]);
    await http.script('GET', `${base}/getWaSettings/${TOKEN}`, [{ body: { phone: '79001234567', avatar: 'https://a.example/1.jpg' }, delayMs: 10_000 }]);
    const { w, el } = await mount(http.url, { instanceId: id, transport: 'http', sessionOptions: { accountDetailsTimeoutMs: 400, pollIntervalMs: 1000 } });
    await until(el, 'linked');
    const asked = (await http.requests({ path: `${base}/getWaSettings/${TOKEN}` }))[0];
    expect(asked, 'GetWaSettings was asked').to.exist;
    expect(w.linked).to.deep.equal([{ wid: '', pushname: '', proxy: '', webhookUrl: '', messenger: 'whatsapp' }]);
    expect(w.failed).to.deep.equal([]);
    expect(logs.debugs).to.include('[green-qr-scan] could not read the account details: getWaSettings: no answer within 400 ms');
  });
});
