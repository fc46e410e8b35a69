// The one GetStateInstance poller, on a virtual clock against a scripted server.
import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import type { StateInstance } from '../../src/core/green-api.js';
import { isLinkedState, pollState, watchLink, type LinkWatch } from '../../src/core/state-poller.js';
import { VirtualClock, flush } from '../helpers/clock.js';
import { startHttpServer, type HttpResponseScript, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN } from '../helpers/ws-server.js';

describe('core/state-poller (virtual clock)', () => {
  let http: HttpServer;
  let clock: VirtualClock;
  let endpoints: Endpoints;
  const path = `/waInstance${INSTANCE_ID}/getStateInstance/${TOKEN}`;

  beforeEach(async () => {
    http = await startHttpServer();
    clock = new VirtualClock().install();
    const resolved = resolveConfig({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: http.url });
    if (!resolved.ok) throw new Error(resolved.message);
    endpoints = resolved.endpoints;
  });
  afterEach(async () => {
    clock.uninstall();
    await http.stop();
  });

  it('asks every intervalMs, hands each state over, reports errors and goes on, stops on abort', async () => {
    await http.script('GET', path, [{ body: { stateInstance: 'starting' } }, { status: 502, body: 'bad gateway' }, { body: 'null', contentType: 'application/json' }]);
    const controller = new AbortController();
    const states: (StateInstance | null)[] = [];
    const errors: string[] = [];
    void pollState(endpoints, { intervalMs: 1000, signal: controller.signal, onState: (s) => void states.push(s), onError: (e) => void errors.push(e.message) });
    await http.waitForRequests(1);
    await clock.until(() => states.length === 1);
    // The interval is 1 s; GREEN-API's limit (1/s, with a 100-ms margin) makes it 1.1 s.
    await clock.until(() => clock.dueWithin(1000));
    await clock.tick(999);
    expect((await http.requests()).length).to.equal(1);
    await clock.tick(1);
    await clock.advance(100);
    await http.waitForRequests(2);
    await clock.until(() => errors.length === 1);
    expect(errors[0]).to.contain('HTTP 502').and.not.contain(TOKEN);
    await clock.advance(1000);
    await clock.advance(100);
    await http.waitForRequests(3);
    await clock.until(() => states.length === 2);
    expect(states).to.deep.equal(['starting', null]);
    controller.abort();
    await clock.tick(10_000);
    expect((await http.requests()).length).to.equal(3);
  });

  it('watchLink: waits one interval, then links once on authorized (or yellowCard) and stops', async () => {
    expect([isLinkedState('authorized'), isLinkedState('yellowCard'), isLinkedState('starting'), isLinkedState(null)]).to.deep.equal([true, true, false, false]);
    await http.script('GET', path, [{ body: { stateInstance: 'notAuthorized' } }, { body: { stateInstance: 'authorized' } }]);
    const controller = new AbortController();
    let linked = 0;
    watchLink(endpoints, { intervalMs: 2000, startingTimeoutMs: 60_000, signal: controller.signal, debug: () => {}, onLinked: () => linked++, onFail: () => {} });
    await clock.tick(1999);
    expect((await http.requests()).length).to.equal(0);
    await clock.tick(1);
    await http.waitForRequests(1);
    await clock.advance(2000);
    await http.waitForRequests(2);
    await clock.until(() => linked === 1);
    await clock.tick(10_000);
    expect((await http.requests()).length).to.equal(2);
  });

  describe('pollState', () => {
    it('paces requests intervalMs from the start of the previous one, however long its answer took', async () => {
      await http.script('GET', path, [{ body: { stateInstance: 'notAuthorized' }, delayMs: 400 }, { body: { stateInstance: 'authorized' } }]);
      const controller = new AbortController();
      const states: (StateInstance | null)[] = [];
      const started = clock.now;
      void pollState(endpoints, { intervalMs: 3000, signal: controller.signal, onState: (s) => void states.push(s) });
      await http.waitForRequests(1);
      // The answer takes 1 s (virtual).
      await clock.tick(1000);
      await clock.until(() => states.length === 1);
      await clock.tick(1999);
      expect(clock.now - started).to.equal(2999);
      expect((await http.requests()).length).to.equal(1);
      await clock.tick(1);
      await http.waitForRequests(2);
      await clock.until(() => states.length === 2);
      controller.abort();
    });

    it('stops when onState or onError returns false (the promise resolves); without onError a failure is retried', async () => {
      await http.script('GET', path, [{ body: { stateInstance: 'notAuthorized' } }, { body: { stateInstance: 'authorized' } }]);
      const states: (StateInstance | null)[] = [];
      const stopped = pollState(endpoints, { intervalMs: 2000, signal: new AbortController().signal, onState: (s) => (states.push(s), s !== 'authorized') });
      await clock.until(() => states.length === 1);
      await clock.advance(2000);
      await stopped;
      expect(states).to.deep.equal(['notAuthorized', 'authorized']);
      await clock.tick(10_000);
      expect((await http.requests()).length).to.equal(2);

      await http.script('GET', path, [{ status: 500, body: 'boom' }]);
      const errors: string[] = [];
      await clock.tick(2000);
      const ended = pollState(endpoints, { intervalMs: 2000, signal: new AbortController().signal, onState: () => true, onError: (e) => errors.push(e.message) < 2 });
      await clock.until(() => errors.length === 1);
      await clock.advance(2000);
      await ended;
      expect(errors).to.have.length(2);
      await clock.tick(10_000);
      expect((await http.requests()).length).to.equal(4);

      await http.script('GET', path, [{ status: 500, body: 'boom' }, { body: { stateInstance: 'sleepMode' } }]);
      const controller = new AbortController();
      const later: (StateInstance | null)[] = [];
      await clock.tick(2000);
      void pollState(endpoints, { intervalMs: 2000, signal: controller.signal, onState: (s) => void later.push(s) });
      await http.waitForRequests(5);
      await clock.advance(2000);
      await http.waitForRequests(6);
      await clock.until(() => later.length === 1);
      expect(later).to.deep.equal(['sleepMode']);
      controller.abort();
    });

    it('a callback that throws is reported to onError as a failed request (no stack, no token), and polling goes on', async () => {
      await http.script('GET', path, [{ body: { stateInstance: 'notAuthorized' } }, { body: { stateInstance: 'authorized' } }]);
      const controller = new AbortController();
      const states: (StateInstance | null)[] = [];
      const errors: { kind: string; message: string }[] = [];
      void pollState(endpoints, {
        intervalMs: 2000,
        signal: controller.signal,
        onState: (s) => {
          states.push(s);
          if (s === 'notAuthorized') throw new TypeError(`broken view ${TOKEN}`);
        },
        onError: (e) => void errors.push({ kind: e.kind, message: e.message }),
      });
      await clock.until(() => errors.length === 1);
      expect(errors).to.deep.equal([{ kind: 'network', message: 'getStateInstance: request failed' }]);
      await clock.advance(2000);
      await clock.until(() => states.length === 2);
      expect(states).to.deep.equal(['notAuthorized', 'authorized']);
      controller.abort();
    });

    it('an aborted signal sends nothing; an abort during a request calls nothing back, and the promise resolves', async () => {
      await http.script('GET', path, [{ body: { stateInstance: 'authorized' }, delayMs: 30_000 }]);
      const controller = new AbortController();
      controller.abort();
      const calls: string[] = [];
      const onState = (s: StateInstance | null) => void calls.push(`state:${s}`);
      const onError = (e: Error) => void calls.push(`error:${e.message}`);
      await pollState(endpoints, { intervalMs: 2000, delayMs: 1000, signal: controller.signal, onState, onError });
      const live = new AbortController();
      const stopped = pollState(endpoints, { intervalMs: 2000, signal: live.signal, onState, onError });
      await http.waitForRequests(1);
      live.abort();
      await stopped;
      for (let i = 0; i < 400 && !(await http.requests())[0].aborted; i++) await flush();
      expect((await http.requests())[0].aborted).to.equal(true);
      await clock.tick(10_000);
      expect(calls).to.deep.equal([]);
      expect((await http.requests()).length).to.equal(1);
    });
  });

  describe('watchLink', () => {
    const state = (stateInstance: string): HttpResponseScript => ({ body: { stateInstance } });
    const STARTING: HttpResponseScript = { status: 400, body: 'instance in starting process try later' };

    /** Starts a watch that records what it tells, in order. */
    function watcher(overrides: Partial<LinkWatch> = {}) {
      const controller = new AbortController();
      const events: string[] = [];
      watchLink(endpoints, {
        intervalMs: 2000,
        startingTimeoutMs: 60_000,
        signal: controller.signal,
        debug: (text) => events.push(`debug:${text}`),
        onStarting: () => events.push('starting'),
        onState: (s) => events.push(`state:${s}`),
        onLinked: () => events.push('linked'),
        onFail: (f) => events.push(`fail:${f.reason}:${f.message}`),
        ...overrides,
      });
      return { controller, events };
    }

    /** The next poll, `ms` on: waits for request `n` and for what its answer made the watch tell. */
    async function poll(events: string[], n: number, ms = 2000) {
      const before = events.length;
      await clock.advance(ms);
      await http.waitForRequests(n);
      await clock.until(() => events.length > before);
    }

    /** No request after `count`, whatever time passes (one that was sent would reach the server well within 500 ms). */
    async function stoppedAt(count: number) {
      await clock.tick(60_000);
      const more = await http.waitForRequests(count + 1, {}, 500).catch(() => undefined);
      expect(more, 'a request after the watch ended').to.equal(undefined);
      expect((await http.requests()).length).to.equal(count);
    }

    it('waits out starting for startingTimeoutMs from the first such answer (a 400 "starting process" too), then fails with instanceStarting', async () => {
      await http.script('GET', path, [STARTING, state('starting'), STARTING]);
      const { events } = watcher({ intervalMs: 2500, startingTimeoutMs: 5000 });
      await poll(events, 1, 2500);
      await poll(events, 2, 2500);
      expect(events).to.deep.equal(['starting', 'state:starting', 'starting']);
      await poll(events, 3, 2500);
      expect(events.slice(3)).to.deep.equal(['starting', 'fail:instanceStarting:getStateInstance: still starting after 5 s']);
      await stoppedAt(3);
    });

    it('blocked and suspended fail with instanceBlocked and end the watch', async () => {
      for (const word of ['blocked', 'suspended']) {
        await http.script('GET', path, [state('notAuthorized'), state(word)]);
        const count = (await http.requests()).length;
        const { events } = watcher();
        await poll(events, count + 1);
        await poll(events, count + 2);
        expect(events).to.deep.equal(['state:notAuthorized', `state:${word}`, `fail:instanceBlocked:getStateInstance: ${word}`]);
        await stoppedAt(count + 2);
      }
    });

    it('notAuthorizedLimit: fails after that many notAuthorized in a row (any other answer starts over); without it never', async () => {
      await http.script('GET', path, [state('notAuthorized'), state('notAuthorized'), state('sleepMode'), state('notAuthorized'), state('notAuthorized'), state('notAuthorized')]);
      const { events } = watcher({ notAuthorizedLimit: 3 });
      for (let n = 1; n <= 5; n++) await poll(events, n);
      expect(events.filter((e) => e.startsWith('fail'))).to.deep.equal([]);
      await poll(events, 6);
      expect(events.at(-1)).to.equal('fail:alreadyLogged:alreadyLogged, but getStateInstance keeps saying notAuthorized');
      await stoppedAt(6);

      await http.script('GET', path, [state('notAuthorized')]);
      const unlimited = watcher();
      for (let n = 7; n <= 11; n++) await poll(unlimited.events, n);
      expect(unlimited.events).to.deep.equal(Array(5).fill('state:notAuthorized'));
      unlimited.controller.abort();
    });

    it('null (being created), sleepMode and pendingCode are waited out, each heard by onState; yellowCard links', async () => {
      await http.script('GET', path, [{ body: 'null', contentType: 'application/json' }, state('sleepMode'), state('pendingCode'), state('yellowCard')]);
      const { events } = watcher();
      for (let n = 1; n <= 4; n++) await poll(events, n);
      expect(events).to.deep.equal(['state:null', 'state:sleepMode', 'state:pendingCode', 'state:yellowCard', 'linked']);
      await stoppedAt(4);
    });

    it('failed requests are told to debug and retried; a refused token fails at once and ends the watch', async () => {
      await http.script('GET', path, [{ status: 500, body: 'boom' }, { status: 401, body: 'Unauthorized' }]);
      const { events } = watcher();
      await poll(events, 1);
      expect(events).to.deep.equal(['debug:state poll failed: getStateInstance failed: HTTP 500 (boom)']);
      await poll(events, 2);
      expect(events[1]).to.match(/^fail:unauthorized:getStateInstance failed: HTTP 401.*check the token/);
      expect(events.join('\n')).to.not.contain(TOKEN);
      await stoppedAt(2);
    });

    it('onStarting and onState are optional', async () => {
      await http.script('GET', path, [state('starting'), state('authorized')]);
      const { events } = watcher({ onStarting: undefined, onState: undefined });
      await clock.advance(2000);
      await http.waitForRequests(1);
      await poll(events, 2);
      expect(events).to.deep.equal(['linked']);
    });

    it('an onState that ends the watch keeps the answer from linking', async () => {
      await http.script('GET', path, [state('authorized')]);
      const controller = new AbortController();
      const { events } = watcher({ signal: controller.signal, onState: (s) => (events.push(`state:${s}`), controller.abort()) });
      await poll(events, 1);
      await clock.tick(60_000);
      expect(events).to.deep.equal(['state:authorized']);
      expect((await http.requests()).length).to.equal(1);
    });
  });
});
