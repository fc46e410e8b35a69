// The one GetStateInstance poller, on a virtual clock against a scripted server.
import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import type { StateInstance } from '../../src/core/green-api.js';
import { isLinkedState, pollState, watchLink } from '../../src/core/state-poller.js';
import { VirtualClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
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
});
