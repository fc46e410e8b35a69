// ScanSession's policies on a virtual clock (backoff, window guard, auto fallback, stale callbacks),
// against real scripted servers on 127.0.0.1. Runs in milliseconds of virtual time.
import { expect } from '@open-wc/testing';
import { ScanSession, type ScanSessionOptions } from '../../src/core/scan-session.js';
import type { ScanFailedEvent } from '../../src/core/events.js';
import { VirtualClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from '../helpers/ws-server.js';

describe('core/scan-session (virtual clock)', () => {
  let ws: WsServer;
  let clock: VirtualClock;
  let failures: ScanFailedEvent['detail'][];
  const png = pngBase64(1);

  beforeEach(async () => {
    ws = await startWsServer();
    clock = new VirtualClock().install();
    failures = [];
  });
  afterEach(async () => {
    clock.uninstall();
    await ws.stop();
  });

  function session(options: ScanSessionOptions = {}, apiUrl = ws.url) {
    const s = new ScanSession({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl }, { transport: 'websocket', debug: () => {}, ...options });
    s.addEventListener('scan-failed', (e) => failures.push((e as ScanFailedEvent).detail));
    return s;
  }
  const connections = async () => (await ws.connections()).length;
  /** Connection `n` gets a code, which shows. */
  async function codeOn(s: ScanSession, n: number, image = png) {
    await ws.waitForConnection(n);
    await ws.send({ type: 'qrCode', message: image });
    await clock.until(() => s.state === 'qr');
  }
  /** The server drops the socket; the session shows `connecting` again. */
  async function drop(s: ScanSession) {
    await ws.close(1011);
    await clock.until(() => s.state !== 'qr');
  }

  it('reconnects after the first backoff delay, not before', async () => {
    const s = session({ backoffMs: [2000, 5000] });
    s.start();
    await codeOn(s, 1);
    await drop(s);
    expect(s.state).to.equal('connecting');
    expect(s.reconnecting).to.equal(true);
    await clock.tick(1999);
    expect(await connections()).to.equal(1);
    await clock.tick(1);
    await ws.waitForConnection(2);
    s.close();
  });

  it('a new QR code resets the backoff: the next drop waits the first delay again', async () => {
    const s = session({ backoffMs: [2000, 10_000] });
    s.start();
    await codeOn(s, 1);
    await drop(s);
    await clock.tick(2000);
    await codeOn(s, 2, pngBase64(2));
    await drop(s);
    expect(s.state).to.equal('connecting');
    await clock.tick(2000);
    await ws.waitForConnection(3);
    s.close();
  });

  it('ends the window itself when the server never does: timeoutExpired after window + grace, socket closed by the client', async () => {
    const s = session({ scanWindowMs: 100_000, graceMs: 5_000 });
    s.start();
    await codeOn(s, 1);
    expect(s.expiresAt).to.equal(clock.now + 100_000);
    await clock.tick(104_999);
    expect(s.state).to.equal('qr');
    await clock.tick(1);
    expect(s.state).to.equal('failed');
    expect(failures).to.deep.equal([{ reason: 'timeoutExpired', message: 'The QR code was not scanned within 100 seconds.' }]);
    expect((await ws.waitForClose(0)).closedBy).to.equal('client');
  });

  it('a drop whose backoff would end after the window fails with connection', async () => {
    const s = session({ scanWindowMs: 10_000, backoffMs: [20_000] });
    s.start();
    await codeOn(s, 1);
    await drop(s);
    await clock.until(() => s.state === 'failed');
    expect(failures[0].reason).to.equal('connection');
  });

  it('a handshake that hangs counts as a failed attempt after connectTimeoutMs', async () => {
    const silent = await startWsServer({ noHandshake: true });
    try {
      const s = session({ connectTimeoutMs: 10_000, maxConnectAttempts: 2, backoffMs: [500], requestTimeoutMs: 200 }, silent.url);
      s.start();
      await silent.waitForConnection(1);
      await clock.tick(9_999);
      expect(s.state).to.equal('connecting');
      await clock.tick(1);
      // The GetStateInstance that tells a blocked network from a refused token hangs too (200 ms, real time).
      await clock.advance(500);
      // The next handshake also leaves a slot (1.1 s) after the one that hung ended.
      await clock.advance(600);
      await silent.waitForConnection(2);
      await clock.tick(10_000);
      await clock.until(() => s.state === 'failed');
      expect(failures.map((f) => f.reason)).to.deep.equal(['connection']);
    } finally {
      await silent.stop();
    }
  });

  it('frames of a socket it replaced are ignored (start() again)', async () => {
    const s = session();
    s.start();
    await ws.waitForConnection(1);
    s.start();
    // One scanqrcode handshake per second (and a margin).
    await clock.advance(1100);
    await ws.waitForConnection(2);
    await ws.send({ type: 'qrCode', message: png }, 0).catch(() => {});
    await ws.send({ type: 'accountData', wid: '1@c.us' }, 0).catch(() => {});
    await clock.tick(10);
    expect(s.state).to.equal('connecting');
    expect(s.qrImage).to.equal(undefined);
    await ws.send({ type: 'qrCode', message: png }, 1);
    await clock.until(() => s.state === 'qr');
    s.close();
  });

  it('without any WebSocket class it fails with a clear connection message instead of polling silently', async () => {
    const saved = globalThis.WebSocket;
    (globalThis as { WebSocket?: unknown }).WebSocket = undefined;
    try {
      const s = session({ transport: 'auto' });
      s.start();
      expect(s.state).to.equal('failed');
      expect(failures[0].reason).to.equal('connection');
      expect(failures[0].message).to.match(/WebSocket class .*ws package/);
    } finally {
      globalThis.WebSocket = saved;
    }
  });

  describe('auto fallback to HTTP', () => {
    let http: HttpServer;
    const path = (method: string) => `/waInstance${INSTANCE_ID}/${method}/${TOKEN}`;
    beforeEach(async () => {
      http = await startHttpServer();
    });
    afterEach(async () => {
      await http.stop();
    });

    it('two handshakes that never open switch to polling the QR method', async () => {
      await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: png } }]);
      await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      const s = session({ transport: 'auto', backoffMs: [700] }, http.url);
      s.start();
      await http.waitForRequests(1, { method: 'UPGRADE' });
      await clock.advance(700);
      await clock.advance(400);
      await http.waitForRequests(2, { method: 'UPGRADE' });
      await http.waitForRequests(1, { path: path('qr') });
      await clock.until(() => s.state === 'qr');
      expect(s.transport).to.equal('http');
      s.close();
    });

    it('a poll answer that arrives after close() is ignored', async () => {
      await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: png }, delayMs: 150 }]);
      const s = session({ transport: 'http' }, http.url);
      s.start();
      await http.waitForRequests(1, { path: path('qr') });
      s.close();
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const answered = await http.waitForRequests(1, { path: path('qr') });
      expect(answered.length).to.equal(1);
      await clock.tick(5_000);
      expect(s.state).to.equal('idle');
      expect(s.qrImage).to.equal(undefined);
      expect((await http.requests({ path: path('qr') })).length).to.equal(1);
    });
  });
});
