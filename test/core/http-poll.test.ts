// QR codes by polling GREEN-API's HTTP QR method: pollQrCodes (the transport) and ScanSession over
// it, on a virtual clock against a scripted server on 127.0.0.1. Virtual time moves only while no
// request is in flight (see `settle`), so pacing and windows are exact and nothing waits in real time.
import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import type { GreenApiError } from '../../src/core/green-api.js';
import type { ServerMessage } from '../../src/core/protocol.js';
import { ScanSession, type ScanSessionOptions } from '../../src/core/scan-session.js';
import { pollQrCodes } from '../../src/core/transports/http-poll.js';
import type { TransportSink } from '../../src/core/transports/transport.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import { VirtualClock, flush } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN, pngBase64 } from '../helpers/ws-server.js';

let server: HttpServer;
let clock: VirtualClock;

before(() => performance.setResourceTimingBufferSize(10_000));
beforeEach(async () => {
  performance.clearResourceTimings();
  server = await startHttpServer();
  clock = new VirtualClock().install();
});
afterEach(async () => {
  clock.uninstall();
  await server.stop();
});

/** Waits (real time) until every HTTP request the server saw (and the client did not abort) has its answer in the page, and the code had its turn. */
async function settle() {
  let quiet = 0;
  for (let i = 0; i < 2000; i++) {
    const sent = (await server.requests()).filter((r) => r.method !== 'UPGRADE' && r.method !== 'OPTIONS' && !r.aborted).length;
    const answered = performance.getEntriesByType('resource').filter((e) => e.name.startsWith(`${server.url}/`)).length;
    // Twice in a row: a request just sent may not have reached the server at the first look.
    if (answered >= sent && ++quiet >= 2) {
      for (let j = 0; j < 3; j++) await flush();
      return;
    }
    if (answered < sent) quiet = 0;
    await flush();
  }
  throw new Error('settle: a request was never answered');
}

/** Moves virtual time on 100 ms at a time, each step once no request is in flight, until `predicate` holds. */
async function drive(predicate: () => unknown | Promise<unknown>, maxSteps = 600) {
  for (let i = 0; ; i++) {
    await settle();
    if (await predicate()) return;
    if (i >= maxSteps) throw new Error('drive: the condition never held');
    await clock.tick(100);
  }
}

/** Waits (real time) until request `n` matching `filter` was aborted by the client. */
async function abortedRequest(n: number, path: string) {
  for (let i = 0; i < 400; i++) {
    if ((await server.requests({ path }))[n - 1]?.aborted) return;
    await flush();
  }
  throw new Error(`request ${n} of ${path} was never aborted`);
}

describe('pollQrCodes (virtual clock)', () => {
  let n = 0;
  let endpoints: Endpoints;
  let qrPath: string;
  const png1 = pngBase64(1);
  const png2 = pngBase64(2);
  const qr = (png: string) => ({ body: { type: 'qrCode', message: png } });

  beforeEach(() => {
    const resolved = resolveConfig({ instanceId: String(Number(INSTANCE_ID) + 100 + ++n), token: TOKEN, apiUrl: server.url });
    if (!resolved.ok) throw new Error(resolved.message);
    endpoints = resolved.endpoints;
    qrPath = `${new URL(endpoints.httpBase).pathname}/qr/${TOKEN}`;
  });

  /** A sink that records what the transport tells, in order. */
  function recorder(withFailed = true) {
    const told: string[] = [];
    const failures: GreenApiError[] = [];
    const describe = (m: ServerMessage) => `${m.type}:${'image' in m ? m.image.slice(-12) : 'message' in m ? m.message : ''}`;
    const sink: TransportSink = { message: (m) => void told.push(describe(m)), debug: (text) => void told.push(`debug:${text}`) };
    if (withFailed) sink.failed = (e) => void (told.push(`failed:${e.status}`), failures.push(e));
    return { sink, told, failures, tail: (png: string) => `data:image/png;base64,${png}`.slice(-12) };
  }

  it('passes on each new code once and every other answer each time, asking intervalMs after the previous request started', async () => {
    const error = { body: { type: 'error', message: 'wait' } };
    await server.script('GET', qrPath, [{ ...qr(png1), delayMs: 300 }, qr(png1), qr(png2), error, error, qr(png2), { body: { type: 'alreadyLogged', message: 'done' } }]);
    const r = recorder();
    const started = clock.now;
    const transport = pollQrCodes(endpoints, { intervalMs: 2000, timeoutMs: 10_000 }, r.sink);
    expect(transport.kind).to.equal('http');
    await server.waitForRequests(1, { path: qrPath });
    // The first answer takes 500 ms (virtual): the next request still leaves 2 s after this one did.
    await clock.tick(500);
    await settle();
    expect(r.told).to.deep.equal([`qrCode:${r.tail(png1)}`]);
    await clock.tick(1499);
    await settle();
    expect((await server.requests({ path: qrPath })).length).to.equal(1);
    await clock.tick(1);
    await server.waitForRequests(2, { path: qrPath });
    expect(clock.now - started).to.equal(2000);
    for (let i = 3; i <= 7; i++) {
      await settle();
      await clock.tick(2000);
      await server.waitForRequests(i, { path: qrPath });
    }
    await settle();
    transport.close();
    expect(r.told).to.deep.equal([`qrCode:${r.tail(png1)}`, `qrCode:${r.tail(png2)}`, 'error:wait', 'error:wait', `qrCode:${r.tail(png2)}`, 'alreadyLogged:done']);
  });

  it('a failed request is told to failed() as a GreenApiError, and polling goes on; without failed() too', async () => {
    await server.script('GET', qrPath, [{ status: 500, body: 'oops' }, qr(png1)]);
    const r = recorder();
    const transport = pollQrCodes(endpoints, { intervalMs: 1000, timeoutMs: 10_000 }, r.sink);
    await server.waitForRequests(1, { path: qrPath });
    await drive(() => r.told.length === 2);
    transport.close();
    expect(r.told).to.deep.equal(['failed:500', `qrCode:${r.tail(png1)}`]);
    expect(r.failures[0].message).to.contain('HTTP 500').and.not.contain(TOKEN);

    await server.script('GET', qrPath, [{ status: 503, body: '' }, qr(png2)]);
    const quiet = recorder(false);
    const second = pollQrCodes(endpoints, { intervalMs: 1000, timeoutMs: 10_000 }, quiet.sink);
    await drive(() => quiet.told.length === 1);
    second.close();
    expect(quiet.told).to.deep.equal([`qrCode:${quiet.tail(png2)}`]);
  });

  it('a sink whose message() throws hears of it as a failed request, and polling goes on', async () => {
    await server.script('GET', qrPath, [qr(png1), qr(png2)]);
    const r = recorder();
    const message = r.sink.message;
    r.sink.message = (m) => {
      message(m);
      if (r.told.length === 1) throw new TypeError(`broken view ${TOKEN}`);
    };
    const transport = pollQrCodes(endpoints, { intervalMs: 1000, timeoutMs: 10_000 }, r.sink);
    await drive(() => r.told.length === 3);
    transport.close();
    expect(r.told).to.deep.equal([`qrCode:${r.tail(png1)}`, 'failed:undefined', `qrCode:${r.tail(png2)}`]);
    expect([r.failures[0].kind, r.failures[0].message]).to.deep.equal(['network', 'qr: request failed']);
  });

  it('close() aborts the request in flight; nothing is told after it and nothing more is asked; closed is settled', async () => {
    await server.script('GET', qrPath, [{ ...qr(png1), delayMs: 30_000 }]);
    const r = recorder();
    const transport = pollQrCodes(endpoints, { intervalMs: 1000, timeoutMs: 60_000 }, r.sink);
    await transport.closed;
    await server.waitForRequests(1, { path: qrPath });
    transport.close();
    await abortedRequest(1, qrPath);
    await clock.tick(60_000);
    expect((await server.requests()).length).to.equal(1);
    expect(r.told).to.deep.equal([]);
  });
});

describe('ScanSession over HTTP (QR method polling, virtual clock)', () => {
  let debug: string[];
  let png1: string;
  let png2: string;
  const path = (method: string) => `/waInstance${INSTANCE_ID}/${method}/${TOKEN}`;
  const qr = (png: string) => ({ body: { type: 'qrCode', message: png } });

  before(() => {
    png1 = pngBase64(1);
    png2 = pngBase64(2);
  });
  beforeEach(() => {
    debug = [];
  });
  afterEach(() => {
    expect(debug.join('\n')).to.not.contain(TOKEN);
  });

  function session(options: ScanSessionOptions = {}) {
    return new ScanSession(
      { instanceId: INSTANCE_ID, token: TOKEN, apiUrl: server.url },
      { transport: 'http', pollIntervalMs: 50, statePollIntervalMs: 50, accountDetailsTimeoutMs: 60_000, slowHintAfterMs: 600_000, debug: (m) => debug.push(m), ...options },
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
    await drive(() => s.qrImage === `data:image/png;base64,${png2}`);
    await drive(async () => (await server.requests({ path: path('qr') })).length >= 6);
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
    // When (virtual time, to the 100-ms step) each request left.
    const left: Record<'qr' | 'getStateInstance', number[]> = { qr: [], getStateInstance: [] };
    s.start();
    await drive(async () => {
      for (const method of ['qr', 'getStateInstance'] as const) {
        const count = (await server.requests({ path: path(method) })).length;
        while (left[method].length < count) left[method].push(clock.now);
      }
      return left.qr.length >= 3 && left.getStateInstance.length >= 2;
    });
    s.close();
    // Each request starts only after the previous one of its kind was answered (200 ms, real time)…
    for (const method of ['qr', 'getStateInstance']) {
      const at = (await server.requests({ path: path(method) })).map((r) => r.at);
      for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1], method).to.be.at.least(200);
    }
    // …and within GREEN-API's limits (virtual time): qr at most 3/s, GetStateInstance at most 1/s.
    for (const [method, spacing] of [['qr', 300], ['getStateInstance', 1000]] as const) {
      for (let i = 1; i < left[method].length; i++) expect(left[method][i] - left[method][i - 1], method).to.be.at.least(spacing);
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
    await drive(() => s.state === 'linked');
    const account = { wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '', phone: '79001234567', avatar: 'https://pps.whatsapp.net/v/avatar.jpg' };
    expect(s.account).to.deep.equal(account);
    // `starting` after the code: no more codes, "linking… the instance is starting", then linked.
    expect(log).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->connecting', 'connecting->linked', `linked:${JSON.stringify(account)}`]);
    expect((await server.requests({ path: path('getStateInstance') })).length).to.equal(3);
    expect((await server.requests({ path: path('getWaSettings') })).length).to.equal(1);
    // Polling stopped.
    const count = (await server.requests()).length;
    await clock.tick(60_000);
    expect((await server.requests()).length).to.equal(count);
  });

  it('links on yellowCard too', async () => {
    await server.script('GET', path('qr'), [qr(png1)]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'yellowCard' } }]);
    await server.script('GET', path('getWaSettings'), [{ body: { phone: '447946095800' } }]);
    const s = session();
    s.start();
    await drive(() => s.state === 'linked');
    expect(s.account!.wid).to.equal('447946095800@c.us');
  });

  it('confirms an alreadyLogged after a code with GetStateInstance, then links (GetWaSettings failing: empty wid)', async () => {
    await server.script('GET', path('qr'), [qr(png1), { body: { type: 'alreadyLogged', message: 'instance account already authorized' } }]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'authorized' } }]);
    await server.script('GET', path('getWaSettings'), [{ status: 500, body: { error: 'boom' } }]);
    const s = session({ statePollIntervalMs: 1500 });
    const { log } = record(s);
    s.start();
    await drive(() => s.state === 'linked');
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
    await drive(() => s.state === 'failed');
    expect(log).to.deep.equal(['idle->connecting', 'connecting->failed', 'failed:alreadyLogged:instance account already authorized']);
    await clock.tick(60_000);
    expect((await server.requests()).map((r) => r.path)).to.deep.equal([path('qr')]);
    expect(s.account).to.equal(undefined);
  });

  it('fails with error on an error answer, with the server text', async () => {
    await server.script('GET', path('qr'), [qr(png1), { body: { type: 'error', message: 'Instance has auth. You need to make log out' } }]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
    const s = session();
    const { log } = record(s);
    s.start();
    await drive(() => s.state === 'failed');
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
    await drive(() => s.state === 'failed');
    expect(log).to.deep.equal(['idle->connecting', 'connecting->failed', `failed:connection:Could not connect to ${server.url}.`]);
    await clock.tick(60_000);
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
    await drive(() => s.qrImage === `data:image/png;base64,${png2}`);
    expect(s.state).to.equal('qr');
    s.close();
  });

  it('close() stops polling and aborts the request in flight, without a terminal event', async () => {
    await server.script('GET', path('qr'), [qr(png1), { ...qr(png1), delayMs: 30_000 }]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
    const s = session({ statePollIntervalMs: 60_000 });
    const { log } = record(s);
    s.start();
    await drive(() => s.state === 'qr');
    // qr: 3 requests a second.
    await clock.tick(500);
    await server.waitForRequests(2, { path: path('qr') });
    s.close();
    expect(s.state).to.equal('idle');
    await abortedRequest(2, path('qr'));
    const count = (await server.requests()).length;
    await clock.tick(60_000);
    expect((await server.requests()).length).to.equal(count);
    expect(log).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->idle']);
  });

  it('start() again and again stays within GREEN-API’s qr limit (3 per second)', async () => {
    await server.script('GET', path('qr'), [qr(png1)]);
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
    const s = session({ pollIntervalMs: 100 });
    s.start();
    await drive(() => s.state === 'qr');
    s.start();
    s.start();
    await drive(() => s.state === 'qr');
    const before = (await server.requests({ path: path('qr') })).length;
    const end = clock.now + 1000;
    await drive(() => clock.now >= end);
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
    let shownAt = 0;
    let failedAt = 0;
    s.addEventListener('scan-state-change', (e) => {
      if (e.detail.state === 'qr') shownAt = clock.now;
      if (e.detail.state === 'failed') failedAt = clock.now;
    });
    s.start();
    await drive(() => s.state === 'failed');
    // The window (300 ms) and its grace (100 ms) from the first code.
    expect(failedAt - shownAt).to.equal(400);
    expect(log).to.deep.equal([
      'idle->connecting',
      'connecting->qr',
      'qr->failed',
      'failed:timeoutExpired:The QR code was not scanned within 0.3 seconds.',
    ]);
    const count = (await server.requests()).length;
    await clock.tick(60_000);
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
      await drive(() => s.state === 'qr');
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
      await drive(() => s.state === 'qr');
      s.start();
      expect(s.transport).to.equal('websocket');
      await drive(async () => (await server.requests({ method: 'UPGRADE' })).length >= 3);
      s.close();
    });

    it('websocket: the same server ends in a connection failure; one GetStateInstance (not refused) and no QR polling', async () => {
      await server.script('GET', path('qr'), [qr(png1)]);
      const s = session({ transport: 'websocket', backoffMs: [20], maxConnectAttempts: 2 });
      const { log } = record(s);
      s.start();
      await drive(() => s.state === 'failed');
      expect(s.transport).to.equal('websocket');
      expect(log).to.deep.equal(['idle->connecting', 'connecting->failed', `failed:connection:Could not connect to ${server.url}.`]);
      await clock.tick(60_000);
      const requests = await server.requests();
      expect(requests.map((r) => r.method)).to.deep.equal(['UPGRADE', 'GET', 'UPGRADE']);
      expect(requests[1].path).to.equal(path('getStateInstance'));
      expect(requests.filter((r) => r.path === path('qr')).length).to.equal(0);
    });
  });
});
