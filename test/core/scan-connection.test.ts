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
});
