import { expect, waitUntil } from '@open-wc/testing';
import { ScanSession, type ScanSessionOptions } from '../../src/core/scan-session.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN, pngBase64 } from '../helpers/ws-server.js';
import { sleep } from '../helpers/element.js';


describe('ScanSession over HTTP (QR method polling)', () => {
  let server: HttpServer;
  let debug: string[];
  let png1: string;
  let png2: string;
  const path = (method: string) => `/waInstance${INSTANCE_ID}/${method}/${TOKEN}`;
  const qr = (png: string) => ({ body: { type: 'qrCode', message: png } });

  before(() => {
    png1 = pngBase64(1);
    png2 = pngBase64(2);
  });
  beforeEach(async () => {
    server = await startHttpServer();
    debug = [];
  });
  afterEach(async () => {
    await server.stop();
    expect(debug.join('\n')).to.not.contain(TOKEN);
  });

  function session(options: ScanSessionOptions = {}) {
    return new ScanSession(
      { instanceId: INSTANCE_ID, token: TOKEN, apiUrl: server.url },
      { transport: 'http', pollIntervalMs: 50, statePollIntervalMs: 50, debug: (m) => debug.push(m), ...options },
    );
  }

  /** Records state changes, terminal events (with details) and the QR image at each `change`. */
  function record(s: ScanSession) {
    const log: string[] = [];
    const images: (string | undefined)[] = [];
    const transports: string[] = [];
    s.addEventListener('scan-state-change', (e) => {
      const { state, previous } = (e as ScanStateChangeEvent).detail;
      log.push(`${previous}->${state}`);
    });
    s.addEventListener('account-linked', (e) => log.push(`linked:${JSON.stringify((e as AccountLinkedEvent).detail)}`));
    s.addEventListener('scan-failed', (e) => {
      const { reason, message } = (e as ScanFailedEvent).detail;
      log.push(`failed:${reason}:${message}`);
    });
    s.addEventListener('change', () => {
      images.push(s.qrImage);
      transports.push(`${s.state}/${s.transport}`);
    });
    return { log, images, transports };
  }

  it('shows the QR code from polling, and each new one without an empty frame', async () => {
    await server.script('GET', path('qr'), [qr(png1), qr(png1), qr(png1), qr(png2)]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
    const s = session();
    const { log, images } = record(s);
    s.start();
    expect(s.transport).to.equal('http');
    await waitUntil(() => s.qrImage === `data:image/png;base64,${png2}`, 'second QR code', { timeout: 3000 });
    await server.waitForRequests(6, { path: path('qr') });
    s.close();
    // One change per new code: repeated answers of the same code change nothing.
    expect(images).to.deep.equal([undefined, `data:image/png;base64,${png1}`, `data:image/png;base64,${png2}`, `data:image/png;base64,${png2}`]);
    expect(log).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->idle']);
    expect((await server.requests({ method: 'UPGRADE' })).length).to.equal(0);
    expect((await server.requests({ method: 'GET', path: path('getStateInstance') })).length).to.be.above(0);
  });

  it('never has two requests of one kind in flight', async () => {
    await server.script('GET', path('qr'), [{ ...qr(png1), delayMs: 200 }]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' }, delayMs: 200 }]);
    const s = session();
    s.start();
    await server.waitForRequests(3, { path: path('qr') }, 8000);
    await server.waitForRequests(2, { path: path('getStateInstance') }, 8000);
    s.close();
    // Each request starts only after the previous one of its kind was answered (200 ms), and within
    // GREEN-API's limits: qr at most 3/s, GetStateInstance at most 1/s.
    for (const [method, spacing] of [['qr', 300], ['getStateInstance', 990]] as const) {
      const at = (await server.requests({ path: path(method) })).map((r) => r.at);
      for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1], method).to.be.at.least(spacing);
    }
  });

  it('links when GetStateInstance says authorized, with the number from GetWaSettings', async () => {
    await server.script('GET', path('qr'), [qr(png1)]);
    await server.script('GET', path('getStateInstance'), [
      { body: { stateInstance: 'notAuthorized' } },
      { body: { stateInstance: 'starting' } },
      { body: { stateInstance: 'authorized' } },
    ]);
    await server.script('GET', path('getWaSettings'), [
      { body: { avatar: 'https://pps.whatsapp.net/v/avatar.jpg', phone: '79001234567', stateInstance: 'authorized', deviceId: '' } },
    ]);
    const s = session();
    const { log } = record(s);
    s.start();
    await waitUntil(() => s.state === 'linked', 'linked', { timeout: 3000 });
    const account = { wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '', phone: '79001234567', avatar: 'https://pps.whatsapp.net/v/avatar.jpg' };
    expect(s.account).to.deep.equal(account);
    // `starting` after the code: no more codes, "linking… the instance is starting", then linked.
    expect(log).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->connecting', 'connecting->linked', `linked:${JSON.stringify(account)}`]);
    expect((await server.requests({ path: path('getStateInstance') })).length).to.equal(3);
    expect((await server.requests({ path: path('getWaSettings') })).length).to.equal(1);
    // Polling stopped.
    const count = (await server.requests()).length;
    await sleep(300);
    expect((await server.requests()).length).to.equal(count);
  });

  it('links on yellowCard too', async () => {
    await server.script('GET', path('qr'), [qr(png1)]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'yellowCard' } }]);
    await server.script('GET', path('getWaSettings'), [{ body: { phone: '447946095800' } }]);
    const s = session();
    s.start();
    await waitUntil(() => s.state === 'linked', 'linked', { timeout: 3000 });
    expect(s.account!.wid).to.equal('447946095800@c.us');
  });

  it('confirms an alreadyLogged after a code with GetStateInstance, then links (GetWaSettings failing: empty wid)', async () => {
    await server.script('GET', path('qr'), [qr(png1), { body: { type: 'alreadyLogged', message: 'instance account already authorized' } }]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'authorized' } }]);
    await server.script('GET', path('getWaSettings'), [{ status: 500, body: { error: 'boom' } }]);
    const s = session({ statePollIntervalMs: 1500 });
    const { log } = record(s);
    s.start();
    await waitUntil(() => s.state === 'linked', 'linked', { timeout: 5000 });
    const account = { wid: '', pushname: '', proxy: '', webhookUrl: '' };
    expect(log).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->connecting', 'connecting->linked', `linked:${JSON.stringify(account)}`]);
    expect((await server.requests({ path: path('qr') })).length).to.equal(2);
    expect((await server.requests({ path: path('getStateInstance') })).length).to.equal(1);
    expect(debug).to.deep.equal(['could not read the account details: getWaSettings failed: HTTP 500 (boom)']);
  });

  it('fails with alreadyLogged when the QR method says so before any code', async () => {
    await server.script('GET', path('qr'), [{ body: { type: 'alreadyLogged', message: 'instance account already authorized' } }]);
    const s = session();
    const { log } = record(s);
    s.start();
    await waitUntil(() => s.state === 'failed', 'failed', { timeout: 3000 });
    expect(log).to.deep.equal(['idle->connecting', 'connecting->failed', 'failed:alreadyLogged:instance account already authorized']);
    await sleep(200);
    expect((await server.requests()).map((r) => r.path)).to.deep.equal([path('qr')]);
    expect(s.account).to.equal(undefined);
  });

  it('fails with error on an error answer, with the server text', async () => {
    await server.script('GET', path('qr'), [qr(png1), { body: { type: 'error', message: 'Instance has auth. You need to make log out' } }]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
    const s = session();
    const { log } = record(s);
    s.start();
    await waitUntil(() => s.state === 'failed', 'failed', { timeout: 3000 });
    expect(log).to.deep.equal([
      'idle->connecting',
      'connecting->qr',
      'qr->failed',
      'failed:error:Instance has auth. You need to make log out',
    ]);
    expect(s.qrImage).to.equal(undefined);
  });

  it('retries failed polls, and fails with connection when every poll failed maxConnectAttempts times before any code', async () => {
    await server.script('GET', path('qr'), [{ status: 500, body: 'oops' }, { status: 502, body: '' }, { body: '{garbage' }]);
    const s = session({ maxConnectAttempts: 3 });
    const { log } = record(s);
    s.start();
    await waitUntil(() => s.state === 'failed', 'failed', { timeout: 3000 });
    expect(log).to.deep.equal(['idle->connecting', 'connecting->failed', `failed:connection:Could not connect to ${server.url}.`]);
    await sleep(200);
    expect((await server.requests({ path: path('qr') })).length).to.equal(3);
    expect(debug).to.deep.equal([
      'QR poll failed: qr failed: HTTP 500 (oops)',
      'QR poll failed: qr failed: HTTP 502',
      `QR poll failed: qr: unexpected response from ${server.url}`,
    ]);
  });

  it('keeps polling through errors once a code was shown', async () => {
    await server.script('GET', path('qr'), [qr(png1), { status: 500, body: '' }, { status: 500, body: '' }, { status: 500, body: '' }, qr(png2)]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
    const s = session({ maxConnectAttempts: 2 });
    s.start();
    await waitUntil(() => s.qrImage === `data:image/png;base64,${png2}`, 'second QR code', { timeout: 3000 });
    expect(s.state).to.equal('qr');
    s.close();
  });

  it('close() stops polling and aborts the request in flight, without a terminal event', async () => {
    await server.script('GET', path('qr'), [qr(png1), { ...qr(png1), delayMs: 3000 }]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
    const s = session();
    const { log } = record(s);
    s.start();
    await server.waitForRequests(2, { path: path('qr') });
    s.close();
    expect(s.state).to.equal('idle');
    await waitUntil(async () => (await server.requests({ path: path('qr') }))[1].aborted, 'request aborted', { timeout: 2000 });
    const count = (await server.requests()).length;
    await sleep(300);
    expect((await server.requests()).length).to.equal(count);
    expect(log).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->idle']);
  });

  it('start() again and again stays within GREEN-API’s qr limit (3 per second)', async () => {
    await server.script('GET', path('qr'), [qr(png1)]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
    const s = session({ pollIntervalMs: 100 });
    s.start();
    await waitUntil(() => s.state === 'qr');
    s.start();
    s.start();
    await waitUntil(() => s.state === 'qr');
    const before = (await server.requests({ path: path('qr') })).length;
    await sleep(1000);
    const after = (await server.requests({ path: path('qr') })).length;
    s.close();
    // Three loops at 100 ms would make about 30 requests in a second; GREEN-API allows 3.
    expect(after - before).to.be.within(1, 4);
  });

  it('ends the window as timeoutExpired and stops polling', async () => {
    await server.script('GET', path('qr'), [qr(png1)]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
    const s = session({ scanWindowMs: 300, graceMs: 100 });
    const { log } = record(s);
    const started = Date.now();
    s.start();
    await waitUntil(() => s.state === 'failed', 'failed', { timeout: 3000 });
    expect(Date.now() - started).to.be.within(380, 1500);
    expect(log).to.deep.equal([
      'idle->connecting',
      'connecting->qr',
      'qr->failed',
      'failed:timeoutExpired:The QR code was not scanned within 0.3 seconds.',
    ]);
    const count = (await server.requests()).length;
    await sleep(300);
    expect((await server.requests()).length).to.equal(count);
  });

  describe('transport auto and websocket', () => {
    it('auto: falls back to polling after two refused sockets, and shows the QR code', async () => {
      await server.script('GET', path('qr'), [qr(png1)]);
      await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      const s = session({ transport: 'auto', backoffMs: [20], maxConnectAttempts: 4 });
      const { log, transports } = record(s);
      s.start();
      expect(s.transport).to.equal('websocket');
      await waitUntil(() => s.state === 'qr', 'QR code', { timeout: 5000 });
      s.close();
      expect(s.transport).to.equal('http');
      expect(s.qrImage).to.equal(`data:image/png;base64,${png1}`);
      expect(log).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->idle']);
      // The switch itself was announced with a change, before the first code.
      const steps = transports.filter((t, i) => t !== transports[i - 1]);
      expect(steps).to.deep.equal(['connecting/websocket', 'connecting/http', 'qr/http', 'idle/http']);
      const requests = await server.requests();
      const upgrades = requests.filter((r) => r.method === 'UPGRADE');
      expect(upgrades.map((r) => r.path)).to.deep.equal([path('scanqrcode'), path('scanqrcode')]);
      // Polling started only after the second refusal.
      const firstQr = requests.findIndex((r) => r.path === path('qr'));
      expect(firstQr).to.be.above(requests.indexOf(upgrades[1]));
      expect(debug).to.deep.equal(['the websocket could not be opened; polling the HTTP QR method instead']);
    });

    it('auto: after the fallback, start() tries the websocket again', async () => {
      await server.script('GET', path('qr'), [qr(png1)]);
      await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      const s = session({ transport: 'auto', backoffMs: [20] });
      s.start();
      await waitUntil(() => s.state === 'qr', 'QR code', { timeout: 5000 });
      s.start();
      expect(s.transport).to.equal('websocket');
      await server.waitForRequests(3, { method: 'UPGRADE' });
      s.close();
    });

    it('websocket: the same server ends in a connection failure; one GetStateInstance (not refused) and no QR polling', async () => {
      await server.script('GET', path('qr'), [qr(png1)]);
      const s = session({ transport: 'websocket', backoffMs: [20], maxConnectAttempts: 2 });
      const { log } = record(s);
      s.start();
      await waitUntil(() => s.state === 'failed', 'failed', { timeout: 5000 });
      expect(s.transport).to.equal('websocket');
      expect(log).to.deep.equal(['idle->connecting', 'connecting->failed', `failed:connection:Could not connect to ${server.url}.`]);
      await sleep(200);
      const requests = await server.requests();
      expect(requests.map((r) => r.method)).to.deep.equal(['UPGRADE', 'GET', 'UPGRADE']);
      expect(requests[1].path).to.equal(path('getStateInstance'));
      expect(requests.filter((r) => r.path === path('qr')).length).to.equal(0);
    });
  });
});
