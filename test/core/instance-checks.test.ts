// The one-off questions that decide a session's next step (src/core/instance-checks.ts): why a socket
// did not open, why no code came, whether a Logout has finished. Against a real scripted HTTP server
// on 127.0.0.1; the Logout wait on a virtual clock.
import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import { diagnose, explainNoCode, waitForLogout } from '../../src/core/instance-checks.js';
import { VirtualClock, flush } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN } from '../helpers/ws-server.js';

describe('core/instance-checks', () => {
  let http: HttpServer;
  let n = 0;
  beforeEach(async () => (http = await startHttpServer()));
  afterEach(() => http.stop());

  /** A fresh instance per test: the page-wide rate gate keeps no slot of an earlier one. */
  function endpoints(apiUrl = http.url): Endpoints {
    const resolved = resolveConfig({ instanceId: String(Number(INSTANCE_ID) + 500 + ++n), token: TOKEN, apiUrl });
    if (!resolved.ok) throw new Error(resolved.message);
    return resolved.endpoints;
  }
  const path = (e: Endpoints, method: string) => `${new URL(e.httpBase).pathname}/${method}/${TOKEN}`;
  const signal = () => new AbortController().signal;

  describe('diagnose (one GetStateInstance)', () => {
    const cases: [string, { status?: number; body?: unknown }, unknown][] = [
      ['a state: that state', { body: { stateInstance: 'notAuthorized' } }, { state: 'notAuthorized' }],
      ['a new instance (null): null', { body: null }, { state: null }],
      ['blocked: instanceBlocked', { body: { stateInstance: 'blocked' } }, { fail: { reason: 'instanceBlocked', message: 'getStateInstance: blocked' } }],
      ['suspended: instanceBlocked', { body: { stateInstance: 'suspended' } }, { fail: { reason: 'instanceBlocked', message: 'getStateInstance: suspended' } }],
      ['400 "starting process": starting', { status: 400, body: 'instance in starting process try later' }, { state: 'starting' }],
      ['404 (GREEN-API answers, says nothing useful): null', { status: 404, body: 'not found' }, { state: null }],
      ['502: null', { status: 502, body: 'bad gateway' }, { state: null }],
    ];
    for (const [name, answer, expected] of cases) {
      it(name, async () => {
        const e = endpoints();
        await http.script('GET', path(e, 'getStateInstance'), [answer]);
        expect(await diagnose(e, signal())).to.deep.equal(expected);
      });
    }

    it('401 and 403: unauthorized, naming the token or the instance id, with the status', async () => {
      for (const [status, names] of [
        [401, 'check the token'],
        [403, 'check the instance id'],
      ] as const) {
        const e = endpoints();
        await http.script('GET', path(e, 'getStateInstance'), [{ status, body: 'no' }]);
        const found = await diagnose(e, signal());
        expect(found).to.have.property('fail').that.includes({ reason: 'unauthorized', status });
        expect((found as { fail: { message: string } }).fail.message).to.contain(names);
      }
    });

    it('GREEN-API cannot be reached: unreachable (a network error, no status)', async () => {
      const e = endpoints();
      await http.stop();
      const found = await diagnose(e, signal(), 2000);
      expect(found).to.have.property('unreachable');
      expect((found as { unreachable: { kind: string } }).unreachable.kind).to.equal('network');
    });

    it('impatient: a 429 is reported at once (rateLimited), not waited out', async () => {
      const e = endpoints();
      await http.script('GET', path(e, 'getStateInstance'), [{ status: 429 }, { body: { stateInstance: 'authorized' } }]);
      expect(await diagnose(e, signal(), 2000, true)).to.deep.equal({ rateLimited: true });
      expect(await http.requests({ path: path(e, 'getStateInstance') })).to.have.length(1);
    });
  });

  describe('explainNoCode (the first-code wait ended)', () => {
    it('an instance that answers but gives no code: instanceStarting, naming its state', async () => {
      const e = endpoints();
      await http.script('GET', path(e, 'getStateInstance'), [{ body: { stateInstance: 'notAuthorized' } }]);
      expect(await explainNoCode(e, signal(), 2000, 'No QR code within 180 s')).to.deep.equal({
        reason: 'instanceStarting',
        message: 'No QR code within 180 s (getStateInstance: notAuthorized)',
      });
    });

    it('a refusal says so; an unreachable GREEN-API is connection', async () => {
      const refused = endpoints();
      await http.script('GET', path(refused, 'getStateInstance'), [{ status: 466, body: { invokeStatus: { description: 'Quota exceeded' } } }]);
      expect(await explainNoCode(refused, signal(), 2000, 'waited')).to.include({ reason: 'quotaExceeded', status: 466 });
      const gone = endpoints();
      await http.stop();
      const failure = await explainNoCode(gone, signal(), 2000, 'No QR code within 3 s');
      expect(failure.reason).to.equal('connection');
      expect(failure.message).to.match(/^No QR code within 3 s; getStateInstance: could not reach /);
    });
  });

  describe('explainNoCode and a 429 (virtual clock)', () => {
    let clock: VirtualClock;
    beforeEach(() => (clock = new VirtualClock().install()));
    afterEach(() => clock.uninstall());

    it('waits out GREEN-API\'s 429 (about a second) and explains with the state it then reads', async () => {
      const e = endpoints();
      await http.script('GET', path(e, 'getStateInstance'), [{ status: 429 }, { body: { stateInstance: 'starting' } }]);
      let found: unknown;
      const t0 = clock.now;
      const explained = explainNoCode(e, signal(), 60_000, 'waited').then((f) => (found = f));
      for (let i = 0; i < 100 && !found; i++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        await flush();
        if (!found) await clock.tick(100);
      }
      await explained;
      expect(found).to.deep.equal({ reason: 'instanceStarting', message: 'waited (getStateInstance: starting)' });
      expect(await http.requests({ path: path(e, 'getStateInstance') })).to.have.length(2);
      expect(clock.now - t0).to.be.within(1000, 2000);
    });
  });

  describe('waitForLogout (virtual clock)', () => {
    let clock: VirtualClock;
    beforeEach(() => (clock = new VirtualClock().install()));
    afterEach(() => clock.uninstall());

    /** Runs the wait, moving virtual time on a second at a time while real requests go on. */
    async function run(e: Endpoints, maxWaitMs: number, debug: string[] = [], controller = new AbortController()) {
      let done = false;
      const waited = waitForLogout(e, controller.signal, maxWaitMs, (line) => debug.push(line)).then(() => (done = true));
      const t0 = clock.now;
      for (let i = 0; i < 200 && !done; i++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        await flush();
        if (!done) await clock.tick(100);
      }
      await waited;
      return clock.now - t0;
    }

    it('asks GetWaSettings about once a second until logoutProcess is over and the state is notAuthorized', async () => {
      const e = endpoints();
      await http.script('GET', path(e, 'getWaSettings'), [
        { body: { logoutProcess: true, stateInstance: 'authorized' } },
        { body: { logoutProcess: true } },
        { body: { logoutProcess: false, stateInstance: 'authorized' } },
        { body: { logoutProcess: false, stateInstance: 'notAuthorized' } },
      ]);
      const took = await run(e, 60_000);
      expect(await http.requests({ path: path(e, 'getWaSettings') })).to.have.length(4);
      expect(took).to.be.within(3000, 6000);
    });

    it('no state in the answer and no logoutProcess: done at once', async () => {
      const e = endpoints();
      await http.script('GET', path(e, 'getWaSettings'), [{ body: {} }]);
      expect(await run(e, 60_000)).to.be.below(1000);
      expect(await http.requests({ path: path(e, 'getWaSettings') })).to.have.length(1);
    });

    it('gives up after maxWaitMs while the cleanup goes on', async () => {
      const e = endpoints();
      await http.script('GET', path(e, 'getWaSettings'), [{ body: { logoutProcess: true } }]);
      const took = await run(e, 3000);
      expect(took).to.be.within(3000, 4500);
      expect((await http.requests({ path: path(e, 'getWaSettings') })).length).to.be.within(2, 4);
    });

    it('a failing request ends the wait, told to the debug log', async () => {
      const e = endpoints();
      await http.script('GET', path(e, 'getWaSettings'), [{ status: 500, body: 'boom' }]);
      const debug: string[] = [];
      expect(await run(e, 60_000, debug)).to.be.below(1000);
      expect(debug).to.have.length(1);
      expect(debug[0]).to.match(/^could not read the logout state: getWaSettings failed: HTTP 500/);
    });

    it('an aborted wait ends without a debug line', async () => {
      const e = endpoints();
      await http.script('GET', path(e, 'getWaSettings'), [{ body: { logoutProcess: true } }]);
      const controller = new AbortController();
      const debug: string[] = [];
      const running = run(e, 60_000, debug, controller);
      await http.waitForRequests(1, { path: path(e, 'getWaSettings') });
      controller.abort();
      await running;
      expect(debug).to.deep.equal([]);
      expect(await http.requests({ path: path(e, 'getWaSettings') })).to.have.length(1);
    });
  });
});
