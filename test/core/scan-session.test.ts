// ScanSession's policies on a virtual clock (backoff, window guard, auto fallback, stale callbacks),
// against real scripted servers on 127.0.0.1. Runs in milliseconds of virtual time.
import { expect } from '@open-wc/testing';
import { ScanSession, type ScanSessionOptions } from '../../src/core/scan-session.js';
import type { AccountData, AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import type { WebSocketConstructor } from '../../src/core/transports/websocket.js';
import { VirtualClock, flush } from '../helpers/clock.js';
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

  /** What a view and a page would see of a session: state changes, `change` events, linked accounts. */
  function watch(s: ScanSession) {
    const seen = { states: [] as string[], changes: 0, linked: [] as AccountData[] };
    s.addEventListener('scan-state-change', (e) => void seen.states.push((e as ScanStateChangeEvent).detail.state));
    s.addEventListener('change', () => void seen.changes++);
    s.addEventListener('account-linked', (e) => void seen.linked.push((e as AccountLinkedEvent).detail));
    return seen;
  }
  /** Moves virtual time on in small steps, letting real I/O in between, until `predicate` holds. */
  async function drive(predicate: () => unknown | Promise<unknown>, maxSteps = 600) {
    for (let i = 0; !(await predicate()); i++) {
      if (i >= maxSteps) throw new Error('drive: the condition never held');
      await clock.tick(100);
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await flush();
    }
  }
  /** A `decodeImage` whose answers the test gives, one code at a time. */
  function decoder() {
    const pending: ((answer: boolean | string) => void)[] = [];
    return {
      pending,
      decodeImage: (_image: string) => new Promise<boolean | string>((resolve) => void pending.push(resolve)),
    };
  }
  const dataUrl = (base64: string) => `data:image/png;base64,${base64}`;

  describe('before and without a connection', () => {
    it('a wrong configuration fails with invalidConfig at start(), with no socket and nothing left to fire', async () => {
      const s = new ScanSession({ instanceId: 'not-a-number', token: TOKEN, apiUrl: ws.url }, { transport: 'websocket', debug: () => {} });
      s.addEventListener('scan-failed', (e) => failures.push((e as ScanFailedEvent).detail));
      expect(s.configProblem).to.not.equal(undefined);
      s.start();
      expect(s.state).to.equal('failed');
      expect(s.active).to.equal(false);
      expect(failures).to.deep.equal([{ reason: 'invalidConfig', message: s.configProblem!.message }]);
      await clock.tick(300_000);
      expect(failures).to.have.length(1);
      expect(await connections()).to.equal(0);
    });

    it('before start(): idle, inactive, preparing, and the transport it will use', async () => {
      const s = session();
      expect([s.state, s.active, s.phase, s.reconnecting, s.qrImage, s.notice]).to.deep.equal(['idle', false, 'preparing', false, undefined, undefined]);
      expect(s.transport).to.equal('websocket');
      expect(session({ transport: 'auto' }).transport).to.equal('websocket');
      expect(session({ transport: 'http' }).transport).to.equal('http');
      await s.closed;
    });

    it('start(after) opens the socket once `after` settles, not before', async () => {
      const s = session();
      let release!: () => void;
      s.start(new Promise<void>((resolve) => (release = resolve)));
      expect(s.state).to.equal('connecting');
      expect(s.active).to.equal(true);
      await clock.tick(900);
      expect(await connections()).to.equal(0);
      release();
      await ws.waitForConnection(1);
      s.close();
    });

    it('start(after) waits at most 1 s for an `after` that never settles', async () => {
      const s = session();
      s.start(new Promise(() => {}));
      let settled = false;
      void s.closed.then(() => (settled = true));
      await clock.tick(999);
      expect(await connections()).to.equal(0);
      expect(settled, 'closed is the wait while there is no socket').to.equal(false);
      await clock.tick(1);
      await ws.waitForConnection(1);
      s.close();
    });

    it('an `after` that settles only once the session was closed opens no socket', async () => {
      const s = session();
      let release!: () => void;
      s.start(new Promise<void>((resolve) => (release = resolve)));
      s.close();
      release();
      await clock.tick(5_000);
      expect(await connections()).to.equal(0);
      expect(s.state).to.equal('idle');
    });

    it('close() or start() again while waiting: the old run never opens its socket', async () => {
      const s = session();
      s.start(new Promise(() => {}));
      s.close();
      expect(s.state).to.equal('idle');
      await clock.tick(5_000);
      expect(await connections()).to.equal(0);
      s.start(new Promise(() => {}));
      s.start();
      await ws.waitForConnection(1);
      await clock.tick(5_000);
      expect(await connections()).to.equal(1);
      s.close();
    });
  });

  describe('codes', () => {
    it('a code shows as a data URL and starts the window; a newer one replaces it with a `change`, not a new state', async () => {
      const s = session({ scanWindowMs: 60_000 });
      const seen = watch(s);
      s.start();
      await ws.waitForConnection(1);
      await clock.tick(3_000);
      await codeOn(s, 1);
      expect(s.qrImage).to.equal(dataUrl(png));
      expect(s.expiresAt).to.equal(clock.now + 60_000);
      expect(s.active).to.equal(true);
      const changes = seen.changes;
      const expiresAt = s.expiresAt;
      await clock.tick(20_000);
      const png2 = pngBase64(2);
      await ws.send({ type: 'qrCode', message: png2 });
      await clock.until(() => s.qrImage === dataUrl(png2));
      expect(seen.changes).to.be.above(changes);
      expect(s.expiresAt, 'the window runs from the first code').to.equal(expiresAt);
      expect(seen.states).to.deep.equal(['connecting', 'qr']);
      s.close();
      expect(s.active).to.equal(false);
    });

    it('says GREEN-API is still preparing the code after slowHintAfterMs without one', async () => {
      const s = session({ slowHintAfterMs: 8_000 });
      const seen = watch(s);
      s.start();
      await ws.waitForConnection(1);
      await clock.tick(7_999);
      expect(s.phase).to.equal('preparing');
      const changes = seen.changes;
      await clock.tick(1);
      expect(s.phase).to.equal('slow');
      expect(s.state).to.equal('connecting');
      expect(seen.changes).to.equal(changes + 1);
      await codeOn(s, 1);
      expect(s.phase).to.equal('preparing');
      s.close();
    });

    it('a code before slowHintAfterMs: the hint never comes (no change, the phase stays preparing)', async () => {
      const s = session({ slowHintAfterMs: 8_000 });
      const seen = watch(s);
      s.start();
      await ws.waitForConnection(1);
      await clock.tick(1_000);
      await codeOn(s, 1);
      const changes = seen.changes;
      await clock.tick(10_000);
      expect([s.state, s.phase]).to.deep.equal(['qr', 'preparing']);
      expect(seen.changes, 'no change event at 8 s').to.equal(changes);
      s.close();
    });

    it('a code that does not decode (or whose decoder throws) is ignored and said so; the next one shows', async () => {
      const logged: string[] = [];
      const answers: (() => Promise<boolean | string>)[] = [async () => false, () => Promise.reject(new Error('broken')), async () => true];
      const s = session({ decodeImage: () => answers.shift()!(), debug: (text) => void logged.push(text) });
      s.start();
      await ws.waitForConnection(1);
      await ws.send({ type: 'qrCode', message: png });
      await ws.send({ type: 'qrCode', message: pngBase64(2) });
      await clock.until(() => logged.length >= 2);
      expect(logged).to.deep.equal(['ignored a qrCode whose image does not decode', 'ignored a qrCode whose image does not decode']);
      expect(s.state).to.equal('connecting');
      expect(s.qrImage).to.equal(undefined);
      expect(s.expiresAt).to.equal(undefined);
      await ws.send({ type: 'qrCode', message: pngBase64(3) });
      await clock.until(() => s.state === 'qr');
      // `true` means "it decodes": the image shown is the code's own.
      expect(s.qrImage).to.equal(dataUrl(pngBase64(3)));
      s.close();
    });

    it('the decoder may hand back its own copy of the image, which is the one shown', async () => {
      const s = session({ decodeImage: async (image) => `${image}` });
      s.start();
      await codeOn(s, 1);
      expect(s.qrImage).to.equal(dataUrl(png));
      s.close();
    });

    it('codes that finish decoding out of order: an older one never replaces a newer one', async () => {
      const d = decoder();
      const s = session({ decodeImage: d.decodeImage });
      s.start();
      await ws.waitForConnection(1);
      await ws.send({ type: 'qrCode', message: pngBase64(1) });
      await ws.send({ type: 'qrCode', message: pngBase64(2) });
      await clock.until(() => d.pending.length === 2);
      d.pending[1](true);
      await clock.until(() => s.state === 'qr');
      expect(s.qrImage).to.equal(dataUrl(pngBase64(2)));
      d.pending[0](true);
      await clock.tick(10);
      expect(s.qrImage).to.equal(dataUrl(pngBase64(2)));
      s.close();
    });

    it('a code still decoding when its socket dropped is not shown after the drop', async () => {
      const d = decoder();
      const s = session({ decodeImage: d.decodeImage, backoffMs: [60_000] });
      s.start();
      await ws.waitForConnection(1);
      await ws.send({ type: 'qrCode', message: pngBase64(1) });
      await clock.until(() => d.pending.length === 1);
      d.pending[0](true);
      await clock.until(() => s.state === 'qr');
      await ws.send({ type: 'qrCode', message: pngBase64(2) });
      await clock.until(() => d.pending.length === 2);
      await drop(s);
      expect(s.qrImage).to.equal(undefined);
      expect(s.phase).to.equal('reconnecting');
      d.pending[1](true);
      await clock.tick(10);
      expect(s.state).to.equal('connecting');
      expect(s.qrImage).to.equal(undefined);
      s.close();
    });

    it('the window guard tells the configured window (0.4 s), not the default', async () => {
      const s = session({ scanWindowMs: 400, graceMs: 100 });
      s.start();
      await codeOn(s, 1);
      await clock.tick(499);
      expect(s.state).to.equal('qr');
      await clock.tick(1);
      expect(failures).to.deep.equal([{ reason: 'timeoutExpired', message: 'The QR code was not scanned within 0.4 seconds.' }]);
      expect(s.qrImage, 'no code once failed').to.equal(undefined);
    });
  });

  describe('terminal frames', () => {
    const cases: [string, object, boolean, { reason: string; message: string }][] = [
      ['timeoutExpired with its text', { type: 'timeoutExpired', message: 'time is up' }, true, { reason: 'timeoutExpired', message: 'time is up' }],
      ['timeoutExpired without text', { type: 'timeoutExpired' }, true, { reason: 'timeoutExpired', message: 'The QR code was not scanned within 100 seconds.' }],
      ['error with its text', { type: 'error', message: 'Instance is not authorized' }, false, { reason: 'error', message: 'Instance is not authorized' }],
      ['error without text', { type: 'error' }, false, { reason: 'error', message: 'GREEN-API reported an error.' }],
      ['alreadyLogged before any code, with its text', { type: 'alreadyLogged', message: 'linked already' }, false, { reason: 'alreadyLogged', message: 'linked already' }],
      ['alreadyLogged before any code, without text', { type: 'alreadyLogged' }, false, { reason: 'alreadyLogged', message: 'instance account already authorized' }],
    ];
    for (const [name, frame, afterCode, failure] of cases) {
      it(`${name}: fails with ${failure.reason} and that message`, async () => {
        const s = session();
        s.start();
        if (afterCode) await codeOn(s, 1);
        else await ws.waitForConnection(1);
        await ws.send(frame);
        await clock.until(() => s.state === 'failed');
        expect(failures).to.deep.equal([failure]);
        expect(s.failure).to.deep.equal(failure);
        expect(s.qrImage).to.equal(undefined);
      });
    }
  });

  describe('linking (the socket on the scripted socket server, HTTP methods on the scripted HTTP server)', () => {
    let http: HttpServer;
    const path = (method: string) => `/waInstance${INSTANCE_ID}/${method}/${TOKEN}`;
    const ACCOUNT = { wid: '79001234567@c.us', pushname: 'Ivan', proxy: '', webhookUrl: '' };
    const SETTINGS = { phone: '79001234567', avatar: 'https://pps.example.com/a.jpg', stateInstance: 'authorized' };
    beforeEach(async () => {
      http = await startHttpServer();
    });
    afterEach(async () => {
      await http.stop();
    });

    /** The browser's own WebSocket, sent to the scripted socket server whatever host it is given (the path is kept). */
    const socketsTo = (server: WsServer): WebSocketConstructor =>
      class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          const { pathname, search } = new URL(url);
          super(`${server.url}${pathname}${search}`, protocols);
        }
      };
    const linking = (options: ScanSessionOptions = {}) => session({ WebSocket: socketsTo(ws), ...options }, http.url);
    const requests = async (method: string) => (await http.requests({ path: path(method) })).length;
    /** The session gave up its request of `method` (the server saw the client go away). */
    async function abandoned(method: string) {
      for (let i = 0; !(await http.requests({ path: path(method) })).some((r) => r.aborted); i++) {
        if (i > 500) throw new Error(`${method} was never abandoned`);
        await flush();
      }
      await flush();
    }

    it('accountData: the client closes the socket, reads GetWaSettings once, and links with the number and avatar', async () => {
      await http.script('GET', path('getWaSettings'), [{ body: SETTINGS }]);
      const s = linking();
      const seen = watch(s);
      s.start();
      await codeOn(s, 1);
      expect((await ws.connections())[0].path).to.equal(`/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`);
      await ws.send({ type: 'accountData', ...ACCOUNT });
      await drive(() => s.state === 'linked');
      const expected = { ...ACCOUNT, phone: '79001234567', avatar: SETTINGS.avatar };
      expect(seen.linked).to.deep.equal([expected]);
      expect(s.account).to.deep.equal(expected);
      expect((await ws.waitForClose(0)).closedBy).to.equal('client');
      expect(await requests('getWaSettings')).to.equal(1);
      expect(failures).to.deep.equal([]);
    });

    it('accountData twice: one account-linked', async () => {
      await http.script('GET', path('getWaSettings'), [{ body: SETTINGS, delayMs: 100 }]);
      const s = linking();
      const seen = watch(s);
      s.start();
      await codeOn(s, 1);
      await ws.send({ type: 'accountData', ...ACCOUNT });
      await ws.send({ type: 'accountData', ...ACCOUNT }).catch(() => {});
      await drive(() => s.state === 'linked');
      await clock.tick(5_000);
      expect(seen.linked).to.have.length(1);
      expect(await requests('getWaSettings')).to.equal(1);
    });

    it('a code still decoding when accountData came is not shown', async () => {
      await http.script('GET', path('getWaSettings'), [{ body: SETTINGS, delayMs: 300 }]);
      const d = decoder();
      const s = linking({ decodeImage: d.decodeImage });
      const seen = watch(s);
      s.start();
      await ws.waitForConnection(1);
      await ws.send({ type: 'qrCode', message: png });
      await clock.until(() => d.pending.length === 1);
      await ws.send({ type: 'accountData', ...ACCOUNT });
      await http.waitForRequests(1, { path: path('getWaSettings') });
      d.pending[0](true);
      await drive(() => s.state === 'linked');
      expect(seen.states).to.deep.equal(['connecting', 'linked']);
    });

    it('while GetWaSettings is slow after accountData, neither the window nor the first-code wait ends the run', async () => {
      await http.script('GET', path('getWaSettings'), [{ body: SETTINGS, delayMs: 400 }]);
      // The window: a code was shown.
      const s = linking({ scanWindowMs: 5_000, graceMs: 0, accountDetailsTimeoutMs: 60_000 });
      s.start();
      await codeOn(s, 1);
      await ws.send({ type: 'accountData', ...ACCOUNT });
      await http.waitForRequests(1, { path: path('getWaSettings') });
      await clock.tick(20_000);
      await drive(() => s.state !== 'connecting' && s.state !== 'qr');
      expect(s.state).to.equal('linked');
      // The first-code wait: accountData came before any code.
      const t = linking({ firstCodeTimeoutMs: 5_000, accountDetailsTimeoutMs: 60_000 });
      t.start();
      await ws.waitForConnection(2);
      await ws.send({ type: 'accountData', ...ACCOUNT });
      // (GetWaSettings waits its rate-gate slot: one a second.)
      await drive(async () => (await requests('getWaSettings')) >= 2);
      await clock.tick(20_000);
      await drive(() => t.state !== 'connecting');
      expect(t.state).to.equal('linked');
      expect(failures).to.deep.equal([]);
      expect(await requests('getStateInstance')).to.equal(0);
    });

    it('alreadyLogged after a code: no more codes, no window; GetStateInstance confirms, paced, and the number comes from GetWaSettings', async () => {
      await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }, { body: { stateInstance: 'notAuthorized' } }, { body: { stateInstance: 'authorized' } }]);
      await http.script('GET', path('getWaSettings'), [{ body: SETTINGS }]);
      const s = linking({ statePollIntervalMs: 3_000, scanWindowMs: 5_000, graceMs: 0 });
      const seen = watch(s);
      s.start();
      await codeOn(s, 1);
      await ws.send({ type: 'alreadyLogged', message: 'instance account already authorized' });
      await clock.until(() => s.state === 'connecting');
      expect([s.phase, s.qrImage, s.reconnecting, s.active]).to.deep.equal(['confirming', undefined, false, true]);
      expect((await ws.waitForClose(0)).closedBy).to.equal('client');
      // Nothing else shows while the first GetStateInstance waits its interval.
      const changes = seen.changes;
      await clock.tick(2_999);
      expect(await requests('getStateInstance')).to.equal(0);
      expect(seen.changes).to.equal(changes);
      await drive(() => s.state === 'linked');
      expect(await requests('getStateInstance')).to.equal(3);
      expect(seen.linked).to.deep.equal([{ wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '', phone: '79001234567', avatar: SETTINGS.avatar }]);
      expect(failures).to.deep.equal([]);
      expect(await connections()).to.equal(1);
    });

    it('alreadyLogged twice: confirmation is not started over', async () => {
      await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      const s = linking({ statePollIntervalMs: 3_000 });
      const seen = watch(s);
      s.start();
      await codeOn(s, 1);
      // Both frames are sent before the client's close reaches the server.
      await ws.send({ type: 'alreadyLogged' });
      await ws.send({ type: 'alreadyLogged' }).catch(() => {});
      await clock.until(() => s.state === 'connecting');
      await clock.tick(10);
      const changes = seen.changes;
      await clock.tick(3_000);
      await http.waitForRequests(1, { path: path('getStateInstance') });
      expect(seen.changes).to.equal(changes);
      s.close();
    });

    it('alreadyLogged after a code, but GetStateInstance says notAuthorized three times: fails with alreadyLogged', async () => {
      await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      const s = linking({ statePollIntervalMs: 1_000 });
      s.start();
      await codeOn(s, 1);
      await ws.send({ type: 'alreadyLogged' });
      await drive(() => s.state === 'failed');
      expect(failures).to.deep.equal([{ reason: 'alreadyLogged', message: 'alreadyLogged, but getStateInstance keeps saying notAuthorized' }]);
      expect(await requests('getStateInstance')).to.equal(3);
    });

    it('no code within firstCodeTimeoutMs: GetStateInstance tells why (an instance that answers but makes no code)', async () => {
      await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      const s = linking({ firstCodeTimeoutMs: 1_500 });
      s.start();
      await ws.waitForConnection(1);
      await clock.tick(1_499);
      expect(s.state).to.equal('connecting');
      await clock.tick(1);
      await clock.until(() => s.state === 'failed');
      expect(failures).to.deep.equal([{ reason: 'instanceStarting', message: 'No QR code within 1.5 s (getStateInstance: notAuthorized)' }]);
      expect((await ws.waitForClose(0)).closedBy).to.equal('client');
    });

    it('no code within the default 180 s, and GREEN-API cannot be reached: connection', async () => {
      await http.stop();
      const s = linking({ slowHintAfterMs: 1_000 });
      s.start();
      await ws.waitForConnection(1);
      await clock.tick(179_999);
      expect([s.state, s.phase]).to.deep.equal(['connecting', 'slow']);
      await clock.tick(1);
      await clock.until(() => s.state === 'failed');
      expect(failures).to.have.length(1);
      expect(failures[0].reason).to.equal('connection');
      expect(failures[0].message).to.match(/^No QR code within 180 s; /);
      expect(failures[0].message).to.not.contain(TOKEN);
    });

    it('a code before firstCodeTimeoutMs: the wait ends, GetStateInstance is not asked', async () => {
      const s = linking({ firstCodeTimeoutMs: 1_500 });
      s.start();
      await codeOn(s, 1);
      await clock.tick(10_000);
      expect(s.state).to.equal('qr');
      expect(await requests('getStateInstance')).to.equal(0);
      s.close();
    });

    it('start(after) without afterLogout does not ask about a Logout', async () => {
      await http.script('GET', path('getWaSettings'), [{ body: { stateInstance: 'notAuthorized' } }]);
      const s = linking();
      s.start(Promise.resolve());
      await codeOn(s, 1);
      expect(s.phase).to.equal('preparing');
      expect(await requests('getWaSettings')).to.equal(0);
      s.close();
    });

    it('a code still decoding when alreadyLogged came is not shown', async () => {
      await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      const d = decoder();
      const s = linking({ decodeImage: d.decodeImage });
      s.start();
      await ws.waitForConnection(1);
      await ws.send({ type: 'qrCode', message: pngBase64(1) });
      await clock.until(() => d.pending.length === 1);
      d.pending[0](true);
      await clock.until(() => s.state === 'qr');
      await ws.send({ type: 'qrCode', message: pngBase64(2) });
      await clock.until(() => d.pending.length === 2);
      await ws.send({ type: 'alreadyLogged' });
      await clock.until(() => s.state === 'connecting');
      d.pending[1](true);
      await clock.tick(10);
      expect([s.state, s.phase, s.qrImage]).to.deep.equal(['connecting', 'confirming', undefined]);
      s.close();
    });

    it('afterLogout: waits for GREEN-API\'s cleanup (loggingOut), then opens the socket', async () => {
      await http.script('GET', path('getWaSettings'), [
        { body: { stateInstance: 'notAuthorized', logoutProcess: true } },
        { body: { stateInstance: 'notAuthorized' } },
      ]);
      const s = linking();
      s.start(undefined, { afterLogout: true });
      expect([s.state, s.phase]).to.deep.equal(['connecting', 'loggingOut']);
      await http.waitForRequests(1, { path: path('getWaSettings') });
      await clock.tick(500);
      expect(await connections()).to.equal(0);
      expect(s.phase).to.equal('loggingOut');
      // GREEN-API's cleanup is asked about again a second later, then the socket opens.
      await drive(async () => (await connections()) >= 1);
      expect(await requests('getWaSettings')).to.equal(2);
      expect(s.phase).to.equal('preparing');
      await codeOn(s, 1);
      s.close();
    });

    describe('over HTTP', () => {
      const httpSession = (options: ScanSessionOptions = {}) => session({ transport: 'http', pollIntervalMs: 1_000, statePollIntervalMs: 1_100, ...options }, http.url);

      it('a code starts the GetStateInstance watch (notAuthorized is waited out); authorized links with the number and avatar', async () => {
        await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: png } }]);
        await http.script('GET', path('getStateInstance'), [...Array(5).fill({ body: { stateInstance: 'notAuthorized' } }), { body: { stateInstance: 'authorized' } }]);
        await http.script('GET', path('getWaSettings'), [{ body: SETTINGS }]);
        const s = httpSession({ scanWindowMs: 60_000 });
        const seen = watch(s);
        s.start();
        await drive(() => s.state === 'qr');
        expect(s.transport).to.equal('http');
        expect(s.qrImage).to.equal(dataUrl(png));
        await drive(() => s.state === 'linked');
        expect(await requests('getStateInstance')).to.equal(6);
        expect(seen.linked).to.deep.equal([{ wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '', phone: '79001234567', avatar: SETTINGS.avatar }]);
      });

      it('GetStateInstance says starting: no more codes (phase starting), once; then authorized links', async () => {
        await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: png } }]);
        await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'starting' } }, { body: { stateInstance: 'starting' } }, { body: { stateInstance: 'authorized' } }]);
        await http.script('GET', path('getWaSettings'), [{ body: {} }]);
        const s = httpSession({ scanWindowMs: 60_000 });
        const seen = watch(s);
        s.start();
        await drive(() => s.state === 'qr');
        await drive(() => s.state === 'connecting');
        expect([s.phase, s.qrImage]).to.deep.equal(['starting', undefined]);
        const polls = await requests('qr');
        const changes = seen.changes;
        await drive(async () => (await requests('getStateInstance')) >= 2);
        expect(seen.changes, 'a second `starting` changes nothing').to.equal(changes);
        await drive(() => s.state === 'linked');
        expect(await requests('qr')).to.equal(polls);
        expect(seen.states).to.deep.equal(['connecting', 'qr', 'connecting', 'linked']);
        expect(seen.linked).to.deep.equal([{ wid: '', pushname: '', proxy: '', webhookUrl: '' }]);
      });

      it('authorized while GetWaSettings is slow: the window no longer ends the run', async () => {
        await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: png } }]);
        await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'authorized' } }]);
        await http.script('GET', path('getWaSettings'), [{ body: SETTINGS, delayMs: 400 }]);
        const s = httpSession({ scanWindowMs: 4_000, graceMs: 0, accountDetailsTimeoutMs: 60_000 });
        s.start();
        await drive(() => s.state === 'qr');
        await drive(async () => (await requests('getWaSettings')) >= 1);
        await clock.tick(10_000);
        await drive(() => s.state !== 'qr');
        expect(s.state).to.equal('linked');
        expect(failures).to.deep.equal([]);
      });

      it('an `error` answer is shown as a notice while polling goes on; the next code clears it', async () => {
        await http.script('GET', path('qr'), [{ body: { type: 'error', message: 'QR is not ready yet' } }, { body: { type: 'qrCode', message: png } }]);
        const s = httpSession();
        const seen = watch(s);
        s.start();
        await drive(() => s.notice);
        expect(s.notice).to.equal('QR is not ready yet');
        expect(s.state).to.equal('connecting');
        expect(seen.changes).to.be.above(1);
        await drive(() => s.state === 'qr');
        expect(s.notice).to.equal(undefined);
        s.close();
      });
    });

    it('auto: while handshakes fail and it switches to HTTP, it never says reconnecting, and the slow hint stays', async () => {
      await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      await http.script('GET', path('qr'), [{ body: { type: 'error', message: 'QR is not ready yet' } }]);
      const s = session({ transport: 'auto', backoffMs: [700], slowHintAfterMs: 300 }, http.url);
      const phases: string[] = [];
      s.addEventListener('change', () => void phases.push(s.phase));
      s.start();
      await drive(() => s.transport === 'http');
      await drive(async () => (await requests('qr')) >= 1);
      expect(s.phase).to.equal('slow');
      expect(phases).to.not.include('reconnecting');
      s.close();
    });

    it('auto: the switch to HTTP is told at once (a `change` with the new transport)', async () => {
      await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      // The QR method answers late: nothing else changes around the switch.
      await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: png }, delayMs: 3_000 }]);
      const s = session({ transport: 'auto', backoffMs: [700] }, http.url);
      const told: string[] = [];
      s.addEventListener('change', () => void told.push(s.transport));
      s.start();
      await drive(() => s.transport === 'http');
      expect(told).to.include('http');
      s.close();
    });

    it('closed while GetStateInstance explains a missing code: no failure', async () => {
      await http.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' }, delayMs: 200 }]);
      const s = linking({ firstCodeTimeoutMs: 1_000 });
      s.start();
      await ws.waitForConnection(1);
      await clock.tick(1_000);
      await http.waitForRequests(1, { path: path('getStateInstance') });
      s.close();
      await abandoned('getStateInstance');
      await clock.tick(1_000);
      expect(s.state).to.equal('idle');
      expect(failures).to.deep.equal([]);
    });

    it('closed while GetWaSettings is read after accountData: not linked', async () => {
      await http.script('GET', path('getWaSettings'), [{ body: SETTINGS, delayMs: 200 }]);
      const s = linking();
      const seen = watch(s);
      s.start();
      await codeOn(s, 1);
      await ws.send({ type: 'accountData', ...ACCOUNT });
      await http.waitForRequests(1, { path: path('getWaSettings') });
      s.close();
      await abandoned('getWaSettings');
      await clock.tick(5_000);
      expect(s.state).to.equal('idle');
      expect(seen.linked).to.deep.equal([]);
      expect(s.account).to.equal(undefined);
    });
  });

  it('start() again to wait for something: `closed` is that wait, not the replaced socket, and the transport is the option\'s again', async () => {
    const s = session({ transport: 'auto' });
    s.start();
    await ws.waitForConnection(1);
    s.start(new Promise(() => {}));
    expect(s.transport).to.equal('websocket');
    let settled = false;
    void s.closed.then(() => (settled = true));
    expect((await ws.waitForClose(0)).closedBy).to.equal('client');
    await clock.tick(900);
    await flush();
    expect(settled).to.equal(false);
    await clock.tick(100);
    await s.closed;
    s.close();
  });
});
