// PhoneLinkSession on a virtual clock against a scripted GREEN-API HTTP server on 127.0.0.1.
import { expect } from '@open-wc/testing';
import { PhoneLinkSession, type PhoneLinkOptions } from '../../src/core/phone-link-session.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import { VirtualClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN } from '../helpers/ws-server.js';

describe('core/phone-link-session (virtual clock)', () => {
  let http: HttpServer;
  let clock: VirtualClock;
  let log: string[];
  const path = (method: string) => `/waInstance${INSTANCE_ID}/${method}/${TOKEN}`;
  const state = (stateInstance: string | null) => ({ body: { stateInstance } });

  beforeEach(async () => {
    http = await startHttpServer();
    clock = new VirtualClock().install();
    log = [];
  });
  afterEach(async () => {
    clock.uninstall();
    await http.stop();
  });

  function session(options: PhoneLinkOptions = {}) {
    const s = new PhoneLinkSession({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: http.url }, { statePollIntervalMs: 3_000, debug: () => {}, ...options });
    s.addEventListener('scan-state-change', (e) => log.push((e as ScanStateChangeEvent).detail.state));
    s.addEventListener('account-linked', (e) => log.push(`linked:${(e as AccountLinkedEvent).detail.wid}`));
    s.addEventListener('scan-failed', (e) => log.push(`failed:${(e as ScanFailedEvent).detail.reason}`));
    return s;
  }

  async function showCode(s: PhoneLinkSession) {
    await http.script('POST', path('getAuthorizationCode'), [{ body: { status: true, code: 'ABCD1234' } }]);
    s.start();
    s.submit('+7 900 123-45-67');
    await clock.until(() => s.state === 'code');
    expect(s.code).to.equal('ABCD-1234');
    expect(JSON.parse((await http.requests({ method: 'POST', path: path('getAuthorizationCode') }))[0].body)).to.deep.equal({ phoneNumber: 79001234567 });
  }

  it('an invalid number is refused in place, without a request', async () => {
    const s = session();
    s.start();
    s.submit('12ab');
    expect(s.state).to.equal('idle');
    expect(s.requestError?.kind).to.equal('invalidNumber');
    expect((await http.requests()).length).to.equal(0);
  });

  it('status: false leaves the form with a "refused" error; an HTTP failure with its status', async () => {
    await http.script('POST', path('getAuthorizationCode'), [{ body: { status: false } }, { status: 500, body: 'boom' }]);
    const s = session();
    s.start();
    s.submit('79001234567');
    expect(s.state).to.equal('connecting');
    await clock.until(() => s.requestError !== undefined);
    expect(s.state).to.equal('idle');
    expect(s.requestError?.kind).to.equal('refused');
    s.submit('79001234567');
    expect(s.requestError).to.equal(undefined);
    // GetAuthorizationCode is limited to one request a second (and a margin).
    await clock.advance(1100);
    await clock.until(() => s.requestError !== undefined);
    expect(s.requestError).to.deep.include({ kind: 'failed', status: 500 });
  });

  it('yellowCard counts as linked: the account is the number', async () => {
    await http.script('GET', path('getStateInstance'), [state('notAuthorized'), state('yellowCard')]);
    const s = session();
    await showCode(s);
    await clock.advance(3_000); // once the watcher (loaded on demand) has set its timer
    await http.waitForRequests(1, { path: path('getStateInstance') });
    await clock.advance(3_000);
    await clock.until(() => s.state === 'linked');
    expect(s.account).to.deep.equal({ wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '' });
    expect(log).to.deep.equal(['connecting', 'code', 'linked', 'linked:79001234567@c.us']);
  });

  it('one failed GetStateInstance poll does not end the polling', async () => {
    await http.script('GET', path('getStateInstance'), [{ status: 500, body: 'down' }, state('authorized')]);
    const s = session();
    await showCode(s);
    await clock.advance(3_000); // once the watcher (loaded on demand) has set its timer
    await http.waitForRequests(1, { path: path('getStateInstance') });
    await clock.advance(3_000);
    await http.waitForRequests(2, { path: path('getStateInstance') });
    await clock.until(() => s.state === 'linked');
  });

  it('the code expires after codeValidityMs: timeoutExpired, and polling stops', async () => {
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session({ codeValidityMs: 150_000, statePollIntervalMs: 50_000 });
    await showCode(s);
    expect(s.expiresAt).to.equal(clock.now + 150_000);
    await clock.advance(50_000);
    await http.waitForRequests(1, { path: path('getStateInstance') });
    await clock.advance(50_000);
    await http.waitForRequests(2, { path: path('getStateInstance') });
    await clock.tick(49_999);
    expect(s.state).to.equal('code');
    await clock.tick(1);
    expect(s.state).to.equal('failed');
    expect(s.failure).to.deep.equal({ reason: 'timeoutExpired', message: 'The linking code expired.' });
    const polls = (await http.requests({ path: path('getStateInstance') })).length;
    await clock.tick(200_000);
    expect((await http.requests({ path: path('getStateInstance') })).length).to.equal(polls);
  });

  it('start() again goes back to the form; a late code answer is ignored', async () => {
    await http.script('POST', path('getAuthorizationCode'), [{ body: { status: true, code: 'ABCD1234' }, delayMs: 100 }]);
    const s = session();
    s.start();
    s.submit('79001234567');
    await http.waitForRequests(1, { path: path('getAuthorizationCode') });
    s.start();
    expect(s.state).to.equal('idle');
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await clock.tick(200);
    expect(s.state).to.equal('idle');
    expect(s.code).to.equal(undefined);
  });

  it('invalid configuration fails with invalidConfig on start; missing credentials are reported as missing', () => {
    const bad = new PhoneLinkSession({ instanceId: 'abc', token: TOKEN, apiUrl: http.url });
    bad.start();
    expect(bad.failure?.reason).to.equal('invalidConfig');
    const waiting = new PhoneLinkSession({ instanceId: INSTANCE_ID, token: '', apiUrl: http.url });
    expect(waiting.configProblem).to.deep.include({ field: 'token', missing: true });
  });
});
