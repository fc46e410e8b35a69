// ScanConnection: how one run of a QR session keeps getting codes (diagnosis of a socket that did not
// open, rate limits, the fallback to HTTP, the starting notice), on a virtual clock against real
// scripted servers on 127.0.0.1. The host is a plain recorder: what the session would be told.
import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import type { ScanFailure } from '../../src/core/events.js';
import type { ServerMessage } from '../../src/core/protocol.js';
import { ScanConnection, type ConnectionHost } from '../../src/core/scan-connection.js';
import { resolveScanOptions, type ScanSessionOptions } from '../../src/core/scan-options.js';
import { VirtualClock, flush } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from '../helpers/ws-server.js';

interface Recorder extends ConnectionHost {
  expiresAt: () => number | undefined;
  messages: ServerMessage[];
  notices: (string | undefined)[];
  failures: ScanFailure[];
  losses: boolean[];
  switches: number;
  progress: { qrShown: boolean };
}

function recorder(): Recorder {
  const r: Recorder = {
    messages: [],
    notices: [],
    failures: [],
    losses: [],
    switches: 0,
    progress: { qrShown: false },
    message: (m) => void r.messages.push(m),
    notice: (text) => void r.notices.push(text),
    lost: (reconnecting) => void r.losses.push(reconnecting),
    switched: () => void r.switches++,
    fail: (failure) => void r.failures.push(failure),
    expiresAt: () => undefined,
  };
  return r;
}

describe('core/scan-connection (virtual clock)', () => {
  let clock: VirtualClock;
  let run: AbortController;
  let n = 0;
  beforeEach(() => {
    clock = new VirtualClock().install();
    run = new AbortController();
  });
  afterEach(() => {
    run.abort();
    clock.uninstall();
  });

  /** A fresh instance id per test: the page-wide rate gate keeps no slot of an earlier test. */
  function endpointsFor(apiUrl: string): Endpoints {
    const resolved = resolveConfig({ instanceId: String(Number(INSTANCE_ID) + ++n), token: TOKEN, apiUrl });
    if (!resolved.ok) throw new Error(resolved.message);
    return resolved.endpoints;
  }
  const path = (e: Endpoints, method: string) => `${new URL(e.httpBase).pathname}/${method}/${TOKEN}`;

  function connect(endpoints: Endpoints, host: Recorder, options: ScanSessionOptions = {}) {
    const c = new ScanConnection(endpoints, resolveScanOptions({ debug: () => {}, backoffMs: [500], ...options }), run.signal, host);
    c.start();
    return c;
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

  describe('a socket that does not open (the scripted server refuses every upgrade)', () => {
    let http: HttpServer;
    beforeEach(async () => {
      http = await startHttpServer();
    });
    afterEach(() => http.stop());
    const upgrades = async () => (await http.requests({ method: 'UPGRADE' })).length;

    it('GetStateInstance 401: `unauthorized` at once, naming the token; no second handshake, no QR method', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'getStateInstance'), [{ status: 401, body: 'Unauthorized' }]);
      const host = recorder();
      connect(e, host, { transport: 'auto' });
      await drive(() => host.failures.length);
      expect(host.failures).to.have.length(1);
      expect(host.failures[0]).to.include({ reason: 'unauthorized', status: 401 });
      expect(host.failures[0].message).to.contain('check the token');
      await clock.tick(5000);
      expect(await upgrades()).to.equal(1);
      expect(await http.requests({ path: path(e, 'qr') })).to.deep.equal([]);
      expect(host.switches).to.equal(0);
    });

    it('GetStateInstance answered 429 too: a rate limit, not blocked websockets; handshakes go on, and only two failures with GREEN-API answering switch to HTTP', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'getStateInstance'), [{ status: 429 }, { status: 429 }, { body: { stateInstance: 'notAuthorized' } }]);
      await http.script('GET', path(e, 'qr'), [{ body: { type: 'qrCode', message: pngBase64(1) } }]);
      const host = recorder();
      const c = connect(e, host, { transport: 'auto' });
      await drive(async () => (await upgrades()) >= 3);
      // Two upgrades refused while GetStateInstance said 429: neither counted; no QR method asked.
      expect(host.switches).to.equal(0);
      expect(await http.requests({ path: path(e, 'qr') })).to.deep.equal([]);
      await drive(() => host.messages.length);
      expect(await upgrades()).to.equal(4);
      expect((await http.requests({ path: path(e, 'getStateInstance') })).length).to.equal(3);
      expect(host.switches).to.equal(1);
      expect(c.kind).to.equal('http');
      expect(host.messages[0].type).to.equal('qrCode');
      expect(host.failures).to.deep.equal([]);
    });

    it('GetStateInstance cannot be reached either: no fallback to HTTP; `connection` after maxConnectAttempts', async () => {
      const e = endpointsFor(http.url);
      await http.stop();
      const host = recorder();
      connect(e, host, { transport: 'auto', maxConnectAttempts: 3 });
      await drive(() => host.failures.length);
      expect(host.failures).to.deep.equal([{ reason: 'connection', message: `Could not connect to ${e.origin}.` }]);
      expect(host.switches).to.equal(0);
      expect(host.losses.every((reconnecting) => !reconnecting), 'never "reconnecting": it never opened').to.equal(true);
    });
  });

  describe('HTTP polling', () => {
    let http: HttpServer;
    beforeEach(async () => {
      http = await startHttpServer();
    });
    afterEach(() => http.stop());

    it('an `error` answer is a notice and polling goes on; "Instance has auth" is passed on to end the run', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'qr'), [
        { body: { type: 'error', message: 'QR is not ready yet' } },
        { body: { type: 'qrCode', message: pngBase64(2) } },
        { body: { type: 'error', message: 'Instance has auth. You need to make log out' } },
      ]);
      const host = recorder();
      connect(e, host, { transport: 'http', pollIntervalMs: 1000 });
      await drive(() => host.messages.length >= 2);
      expect(host.notices).to.deep.equal(['QR is not ready yet', undefined, undefined]);
      expect(host.messages.map((m) => m.type)).to.deep.equal(['qrCode', 'error']);
    });

    it('failed polls end the run as `connection` only before any code: after one, polling goes on', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'qr'), [{ status: 502 }]);
      const host = recorder();
      host.progress.qrShown = true;
      // Counted where the session handles them: a poll the server has seen may still be on its way
      // back when the code goes away, and it is one of the failures that count from then on.
      const failedPolls: string[] = [];
      const debug = (text: string) => void (text.startsWith('QR poll failed') && failedPolls.push(text));
      connect(e, host, { transport: 'http', pollIntervalMs: 500, maxConnectAttempts: 2, debug });
      await drive(() => failedPolls.length >= 4);
      expect(host.failures).to.deep.equal([]);
      host.progress.qrShown = false;
      const before = failedPolls.length;
      await drive(() => host.failures.length);
      expect(host.failures).to.deep.equal([{ reason: 'connection', message: `Could not connect to ${e.origin}.` }]);
      // maxConnectAttempts failures in a row, not fewer.
      expect(failedPolls.length - before).to.equal(2);
      expect((await http.requests({ path: path(e, 'qr') })).length).to.be.at.least(6);
    });

    it('a refused token while polling ends the run at once as `unauthorized`, code shown or not', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'qr'), [{ status: 401, body: 'Unauthorized' }]);
      const host = recorder();
      host.progress.qrShown = true;
      connect(e, host, { transport: 'http', pollIntervalMs: 500, maxConnectAttempts: 4 });
      await drive(() => host.failures.length);
      expect(host.failures).to.have.length(1);
      expect(host.failures[0]).to.include({ reason: 'unauthorized', status: 401 });
      expect(await http.requests({ path: path(e, 'qr') })).to.have.length(1);
    });

    it('"instance in starting process" (400) while polling is waited out, never counted as a failure', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'qr'), [{ status: 400, body: 'instance in starting process try later' }]);
      const host = recorder();
      connect(e, host, { transport: 'http', pollIntervalMs: 500, maxConnectAttempts: 2 });
      await drive(async () => (await http.requests({ path: path(e, 'qr') })).length >= 5);
      expect(host.failures).to.deep.equal([]);
    });
  });

  describe('the socket', () => {
    let ws: WsServer;
    beforeEach(async () => {
      ws = await startWsServer();
    });
    afterEach(() => ws.stop());

    it('"instance in starting process" before any code is a notice, not an end: the socket is opened again with no reconnect budget', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket', reconnectBudgetMs: 1000 });
      for (let i = 1; i <= 3; i++) {
        await drive(async () => (await ws.connections()).length >= i);
        await ws.send({ type: 'error', message: 'instance in starting process try later' });
        await ws.close(1000);
      }
      await drive(async () => (await ws.connections()).length >= 4);
      expect(host.messages).to.deep.equal([]);
      expect(host.failures).to.deep.equal([]);
      expect(host.notices).to.deep.equal(Array(3).fill('instance in starting process try later'));
    });

    it('only an `error` frame can be the starting notice: another frame with that text is passed on', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket' });
      await drive(async () => (await ws.connections()).length >= 1);
      await ws.send({ type: 'alreadyLogged', message: 'instance in starting process try later' });
      await drive(() => host.messages.length);
      expect(host.messages).to.deep.equal([{ type: 'alreadyLogged', message: 'instance in starting process try later' }]);
      expect(host.notices).to.deep.equal([]);
    });

    it('after a code the same text is GREEN-API\'s error: passed on', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      host.progress.qrShown = true;
      connect(e, host, { transport: 'websocket' });
      await drive(async () => (await ws.connections()).length >= 1);
      await ws.send({ type: 'error', message: 'instance in starting process try later' });
      await drive(() => host.messages.length);
      expect(host.messages).to.deep.equal([{ type: 'error', message: 'instance in starting process try later' }]);
      expect(host.notices).to.deep.equal([]);
    });
  });

  describe('reconnecting an open socket', () => {
    let ws: WsServer;
    beforeEach(async () => {
      ws = await startWsServer();
    });
    afterEach(() => ws.stop());
    const count = async () => (await ws.connections()).length;
    /** Connection `n` opens; the server closes it. */
    async function openThenDrop(n: number) {
      await drive(async () => (await ws.connections()).filter((c) => c.open).length >= 1 && (await count()) >= n);
      await ws.close(1011);
    }

    it('backoff: each delay in turn, the last one repeating; `lost` says reconnecting once a socket had opened', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      // The browser's own WebSocket, counted where it is made: a socket asked for too early is seen
      // at once, not only once its handshake has reached the server.
      let made = 0;
      class CountedWebSocket extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          made++;
        }
      }
      connect(e, host, { transport: 'websocket', backoffMs: [1_500, 3_000], reconnectBudgetMs: 600_000, WebSocket: CountedWebSocket });
      for (let n = 1; n <= 3; n++) {
        await ws.waitForConnection(n);
        await drive(async () => (await ws.connections())[n - 1].open);
        await ws.close(1011);
        await clock.until(() => host.losses.length >= n);
        // The next handshake comes after the delay, not before (its rate-gate slot, 1.1 s, is shorter).
        const delay = [1_500, 3_000, 3_000][n - 1];
        await clock.tick(delay - 1);
        await flush();
        expect(made, `no socket before ${delay} ms`).to.equal(n);
        expect(await count()).to.equal(n);
        await clock.tick(1);
        await flush();
        expect(made, `a socket at ${delay} ms`).to.equal(n + 1);
        await ws.waitForConnection(n + 1);
      }
      expect(host.losses).to.deep.equal([true, true, true]);
      expect(host.failures).to.deep.equal([]);
    });

    it('a code resets the backoff and the reconnect budget', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      const c = connect(e, host, { transport: 'websocket', backoffMs: [1_500, 10_000], reconnectBudgetMs: 3_000 });
      await openThenDrop(1);
      await drive(() => host.losses.length === 1);
      await clock.tick(2_900);
      c.codeArrived();
      await openThenDrop(2);
      await drive(() => host.losses.length === 2);
      // 1.5 s again (not 10 s), and the budget counts from this drop: no failure.
      await clock.tick(1_500);
      await ws.waitForConnection(3);
      expect(host.failures).to.deep.equal([]);
    });

    it('an open socket that keeps dropping fails with `connection` once the reconnect budget is spent, exactly then', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket', backoffMs: [2_000], reconnectBudgetMs: 4_000 });
      /** Connection `n` is open, without moving the clock; the server closes it at once. */
      async function dropWhenOpen(n: number) {
        for (let i = 0; !(await ws.connections())[n - 1]?.open; i++) {
          if (i > 500) throw new Error(`connection ${n} never opened`);
          await flush();
        }
        await ws.close(1011);
        await clock.until(() => host.losses.length >= n || host.failures.length);
      }
      // Drops at 0, 2 s and 4 s: the third is 4 s after the first.
      for (let n = 1; n <= 3; n++) {
        if (n > 1) await clock.tick(2_000);
        await dropWhenOpen(n);
      }
      expect(host.losses).to.deep.equal([true, true]);
      expect(host.failures).to.deep.equal([{ reason: 'connection', message: `The connection to ${e.origin} was lost.` }]);
    });

    it('a drop whose backoff ends exactly when the window does fails with `connection`', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket', backoffMs: [2_000] });
      await drive(async () => (await ws.connections())[0]?.open);
      host.progress.qrShown = true;
      const end = clock.now + 10_000;
      host.expiresAt = () => end;
      await clock.tick(8_000);
      await ws.close(1011);
      await clock.until(() => host.failures.length || host.losses.length);
      expect(host.failures).to.deep.equal([{ reason: 'connection', message: `The connection to ${e.origin} was lost.` }]);
      expect(host.losses).to.deep.equal([]);
    });

    it('a drop whose backoff ends just before the window does reconnects', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket', backoffMs: [2_000] });
      await drive(async () => (await ws.connections())[0]?.open);
      host.progress.qrShown = true;
      const end = clock.now + 10_001;
      host.expiresAt = () => end;
      await clock.tick(8_000);
      await ws.close(1011);
      await clock.until(() => host.failures.length || host.losses.length);
      expect(host.failures).to.deep.equal([]);
      expect(host.losses).to.deep.equal([true]);
    });

    it('a short backoff still leaves GREEN-API\'s one handshake a second (1.1 s after the drop)', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket', backoffMs: [200] });
      await drive(async () => (await ws.connections())[0]?.open);
      await ws.close(1011);
      await clock.until(() => host.losses.length);
      await clock.tick(1_099);
      await flush();
      expect(await count()).to.equal(1);
      await clock.tick(1);
      await ws.waitForConnection(2);
    });

    it('the run ends while the next handshake waits for its slot: no handshake', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket', backoffMs: [200] });
      await drive(async () => (await ws.connections())[0]?.open);
      await ws.close(1011);
      await clock.until(() => host.losses.length);
      await clock.tick(500);
      run.abort();
      await clock.tick(5_000);
      await flush();
      expect(await count()).to.equal(1);
    });

    it('the run ends during the backoff: no new handshake', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket', backoffMs: [2_000] });
      await openThenDrop(1);
      await drive(() => host.losses.length);
      run.abort();
      await clock.tick(10_000);
      await flush();
      expect(await count()).to.equal(1);
    });

    it('a run that ends during the backoff leaves the handshake slot to the next run', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket', backoffMs: [2_000] });
      await drive(async () => (await ws.connections())[0]?.open);
      await ws.close(1011);
      await clock.until(() => host.losses.length);
      // The slot is free again 1.1 s after the drop; the run ends half-way through its 2 s backoff.
      await clock.tick(1_500);
      run.abort();
      await flush();
      run = new AbortController();
      connect(e, recorder(), { transport: 'websocket' });
      // No virtual time passes: the new run's handshake needs no wait.
      await ws.waitForConnection(2);
    });

    it('close(): the socket is closed by the client (1000), and `closed` settles', async () => {
      const e = endpointsFor(ws.url);
      const host = recorder();
      const c = connect(e, host, { transport: 'websocket' });
      await drive(async () => (await ws.connections())[0]?.open);
      c.close();
      expect(await ws.waitForClose(0)).to.deep.equal({ closeCode: 1000, closedBy: 'client' });
      await c.closed;
      await clock.tick(10_000);
      expect(host.losses).to.deep.equal([]);
    });
    it('`closed` settles only once the socket is closed (here the server answers the close 300 ms late)', async () => {
      const slow = await startWsServer({ slowCloseMs: 300 });
      try {
        const e = endpointsFor(slow.url);
        const c = connect(e, recorder(), { transport: 'websocket' });
        await drive(async () => (await slow.connections())[0]?.open);
        let settled = false;
        void c.closed.then(() => (settled = true));
        c.close();
        await flush();
        expect(settled).to.equal(false);
        await slow.waitForClose(0);
        await c.closed;
      } finally {
        await slow.stop();
      }
    });
  });

  describe('a socket that never opens, websocket only', () => {
    let http: HttpServer;
    beforeEach(async () => {
      http = await startHttpServer();
    });
    afterEach(() => http.stop());

    it('GetStateInstance is asked once; `connection` after maxConnectAttempts handshakes; never HTTP polling', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      const host = recorder();
      connect(e, host, { transport: 'websocket', maxConnectAttempts: 3 });
      await drive(() => host.failures.length);
      expect(host.failures).to.deep.equal([{ reason: 'connection', message: `Could not connect to ${e.origin}.` }]);
      expect((await http.requests({ method: 'UPGRADE' })).length).to.equal(3);
      expect((await http.requests({ path: path(e, 'getStateInstance') })).length).to.equal(1);
      expect(await http.requests({ path: path(e, 'qr') })).to.deep.equal([]);
      expect(host.losses).to.deep.equal([false, false]);
    });

    it('the run ends while GetStateInstance is asked why: nothing more is told', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'getStateInstance'), [{ body: { stateInstance: 'notAuthorized' }, delayMs: 300 }]);
      const host = recorder();
      connect(e, host, { transport: 'websocket' });
      await drive(async () => (await http.requests({ path: path(e, 'getStateInstance') })).length);
      run.abort();
      for (let i = 0; !(await http.requests({ path: path(e, 'getStateInstance') }))[0].aborted; i++) {
        if (i > 500) throw new Error('GetStateInstance was never abandoned');
        await flush();
      }
      await clock.tick(5_000);
      await flush();
      expect([host.losses, host.failures, host.switches]).to.deep.equal([[], [], 0]);
      expect((await http.requests({ method: 'UPGRADE' })).length).to.equal(1);
    });

    it('auto with maxConnectAttempts 1: one failed handshake with GREEN-API answering is enough to switch to HTTP', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      await http.script('GET', path(e, 'qr'), [{ body: { type: 'qrCode', message: pngBase64(1) } }]);
      const host = recorder();
      const c = connect(e, host, { transport: 'auto', maxConnectAttempts: 1 });
      await drive(() => host.messages.length || host.failures.length);
      expect(host.failures).to.deep.equal([]);
      expect(c.kind).to.equal('http');
      expect(host.switches).to.equal(1);
      expect((await http.requests({ method: 'UPGRADE' })).length).to.equal(1);
    });
  });

  describe('a WebSocket class that refuses the address (the browser\'s own, handed the address with a fragment: SyntaxError)', () => {
    const Refusing = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(`${url}#`, protocols);
      }
    };
    let http: HttpServer;
    beforeEach(async () => {
      http = await startHttpServer();
    });
    afterEach(() => http.stop());

    it('websocket only: `connection` at once, naming the origin; nothing reaches the server', async () => {
      const e = endpointsFor(http.url);
      const host = recorder();
      connect(e, host, { transport: 'websocket', WebSocket: Refusing });
      await clock.until(() => host.failures.length);
      expect(host.failures).to.deep.equal([{ reason: 'connection', message: `Could not connect to ${e.origin}.` }]);
      await clock.tick(10_000);
      expect(await http.requests()).to.deep.equal([]);
      expect(host.losses).to.deep.equal([]);
    });

    it('auto: polls the HTTP QR method instead, at once', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'qr'), [{ body: { type: 'qrCode', message: pngBase64(1) } }]);
      const host = recorder();
      const c = connect(e, host, { transport: 'auto', WebSocket: Refusing });
      await clock.until(() => host.messages.length);
      expect(c.kind).to.equal('http');
      expect(host.switches).to.equal(1);
      expect(host.messages[0].type).to.equal('qrCode');
      expect(await http.requests({ method: 'UPGRADE' })).to.deep.equal([]);
      expect(host.failures).to.deep.equal([]);
    });
  });

  describe('HTTP polling: failures in a row', () => {
    let http: HttpServer;
    beforeEach(async () => {
      http = await startHttpServer();
    });
    afterEach(() => http.stop());

    it('an answer between failed polls starts the count afresh', async () => {
      const e = endpointsFor(http.url);
      const answer = { body: { type: 'error', message: 'QR is not ready yet' } };
      await http.script('GET', path(e, 'qr'), [{ status: 502 }, answer, { status: 502 }, answer, { status: 502 }, answer, { status: 502 }, { status: 502 }]);
      const host = recorder();
      connect(e, host, { transport: 'http', pollIntervalMs: 500, maxConnectAttempts: 2 });
      await drive(async () => host.failures.length || (await http.requests({ path: path(e, 'qr') })).length >= 8);
      await drive(() => host.failures.length);
      expect(host.failures).to.deep.equal([{ reason: 'connection', message: `Could not connect to ${e.origin}.` }]);
      expect((await http.requests({ path: path(e, 'qr') })).length).to.equal(8);
      expect(host.notices).to.deep.equal(Array(3).fill('QR is not ready yet'));
    });

    it('polls the QR method every pollIntervalMs', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'qr'), [{ body: { type: 'error', message: 'QR is not ready yet' } }]);
      const host = recorder();
      connect(e, host, { transport: 'http', pollIntervalMs: 2_000 });
      await clock.until(() => host.notices.length);
      await clock.tick(1_999);
      await flush();
      expect(await http.requests({ path: path(e, 'qr') })).to.have.length(1);
      await clock.tick(1);
      await http.waitForRequests(2, { path: path(e, 'qr') });
    });

    it('"log out" in an error answer ends the run like "has auth"; other texts are notices', async () => {
      const e = endpointsFor(http.url);
      await http.script('GET', path(e, 'qr'), [{ body: { type: 'error', message: 'Please logout first' } }]);
      const host = recorder();
      connect(e, host, { transport: 'http', pollIntervalMs: 500 });
      await drive(() => host.messages.length);
      expect(host.messages[0]).to.deep.equal({ type: 'error', message: 'Please logout first' });
      expect(host.notices[0]).to.equal(undefined);
    });
  });
});
