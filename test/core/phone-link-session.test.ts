// PhoneLinkSession on a virtual clock against a scripted GREEN-API HTTP server on 127.0.0.1.
import { expect } from '@open-wc/testing';
import { PhoneLinkSession, type PhoneLinkOptions } from '../../src/core/phone-link-session.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import { flush, VirtualClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, TOKEN } from '../helpers/ws-server.js';
import { captureConsole } from '../helpers/console.js';

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
    // The request is given up (the server sees the client go away); a late answer would be ignored.
    const end = performance.now() + 2_000;
    while (!(await http.requests({ path: path('getAuthorizationCode') })).some((r) => r.aborted) && performance.now() < end) await flush();
    await clock.tick(200);
    expect(s.state).to.equal('idle');
    expect(s.code).to.equal(undefined);
    expect(s.requestError, 'the aborted request is no failure').to.equal(undefined);
  });

  it('status: false with a code is still refused; 401 ends the session; "starting" and no answer stay on the form', async () => {
    await http.script('POST', path('getAuthorizationCode'), [
      { body: { status: false, code: 'ABCD1234' } },
      { status: 400, body: 'Instance in starting process' },
      { status: 401, body: 'Unauthorized' },
    ]);
    const s = session();
    s.start();
    s.submit('79001234567');
    await clock.until(() => s.requestError !== undefined);
    expect([s.state, s.code, s.requestError]).to.deep.equal(['idle', undefined, { kind: 'refused', message: 'GREEN-API did not issue a code' }]);
    await clock.tick(1_200);
    s.submit('79001234567');
    await clock.until(() => s.requestError !== undefined);
    expect(s.requestError).to.deep.equal({ kind: 'failed', reason: 'instanceStarting', message: 'getAuthorizationCode failed: HTTP 400 (Instance in starting process)', status: 400 });
    await clock.tick(1_200);
    s.submit('79001234567');
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.include({ reason: 'unauthorized', status: 401 });
    expect(log).to.deep.equal(['connecting', 'idle', 'connecting', 'idle', 'connecting', 'failed', 'failed:unauthorized']);
    // Nothing answers (the server is gone): the form stays, without a status.
    const t = session();
    t.start();
    await http.stop();
    await clock.tick(1_200);
    t.submit('79001234567');
    await clock.until(() => t.requestError !== undefined);
    expect([t.state, t.requestError?.kind, (t.requestError as { reason?: string }).reason]).to.deep.equal(['idle', 'failed', 'connection']);
    expect(t.requestError).not.to.have.property('status');
  });

  it('a new submit or start() clears the code on screen (and an invalid number the request error) at once', async () => {
    const s = session();
    await showCode(s);
    s.submit('1');
    expect([s.state, s.code, s.requestError?.kind, s.phase]).to.deep.equal(['idle', undefined, 'invalidNumber', undefined]);
    s.start();
    expect([s.state, s.code, s.requestError, s.expiresAt]).to.deep.equal(['idle', undefined, undefined, undefined]);
  });

  it('defaults: the first GetStateInstance 3 s after the code, the code valid 150 s', async () => {
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session({ statePollIntervalMs: undefined });
    await showCode(s);
    expect(s.expiresAt).to.equal(clock.now + 150_000);
    await clock.until(() => clock.dueWithin(3_000));
    await clock.tick(2_999);
    expect(await http.requests({ path: path('getStateInstance') })).to.deep.equal([]);
    await clock.tick(1);
    await http.waitForRequests(1, { path: path('getStateInstance') });
    await clock.tick(146_999);
    expect(s.state).to.equal('code');
    await clock.tick(1);
    expect(s.failure?.reason).to.equal('timeoutExpired');
  });

  it('the code was entered and the instance is starting: connecting in phase "starting" (once), the code no longer expires; linked with GetWaSettings\' number and avatar', async () => {
    const avatar = 'https://pps.whatsapp.net/v/t61/avatar.jpg';
    await http.script('GET', path('getStateInstance'), [state('notAuthorized'), state('starting'), state('starting'), state('authorized')]);
    await http.script('GET', path('getWaSettings'), [{ body: { phone: '79001234568', avatar } }]);
    const s = session({ codeValidityMs: 7_000 });
    expect(s.phase, 'a new session').to.equal(undefined);
    let changes = 0;
    s.addEventListener('change', () => changes++);
    await showCode(s);
    expect(s.phase).to.equal(undefined);
    await clock.advance(3_000);
    await http.waitForRequests(1, { path: path('getStateInstance') });
    await clock.advance(3_000);
    await clock.until(() => s.state === 'connecting');
    expect(s.phase).to.equal('starting');
    const seen = changes;
    // Past the code's 7 s, a second `starting`: nothing changes.
    await clock.advance(3_000);
    await http.waitForRequests(3, { path: path('getStateInstance') });
    // Its answer handled: the next poll's timer is set.
    await clock.until(() => clock.dueWithin(3_000));
    expect([s.state, s.phase, changes]).to.deep.equal(['connecting', 'starting', seen]);
    await clock.advance(3_000);
    await clock.until(() => s.state === 'linked');
    expect(s.account).to.deep.equal({ wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '', phone: '79001234568', avatar });
    expect(log).to.deep.equal(['connecting', 'code', 'connecting', 'linked', 'linked:79001234567@c.us']);
    // A new number: the phase is gone.
    s.start();
    expect(s.phase).to.equal(undefined);
  });

  it('starting too long: instanceStarting after startingTimeoutMs (default 300 s) of `starting`', async () => {
    await http.script('GET', path('getStateInstance'), [state('starting')]);
    const s = session({ statePollIntervalMs: 100_000 });
    await showCode(s);
    await clock.advance(100_000);
    // (The code's expiry is due within 100 s too: wait for the answer that cancels it.)
    await clock.until(() => s.phase === 'starting');
    expect(s.state).to.equal('connecting');
    for (let n = 2; n <= 3; n++) {
      await clock.advance(100_000);
      await http.waitForRequests(n, { path: path('getStateInstance') });
    }
    await clock.advance(100_000);
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.equal({ reason: 'instanceStarting', message: 'getStateInstance: still starting after 300 s' });
  });

  it('the account details wait at most accountDetailsTimeoutMs (default 3 s): then linked with the number alone', async () => {
    await http.script('GET', path('getStateInstance'), [state('authorized')]);
    await http.script('GET', path('getWaSettings'), [{ body: { phone: '79001234567' }, delayMs: 10_000 }]);
    const s = session();
    await showCode(s);
    await clock.advance(3_000);
    await http.waitForRequests(1, { path: path('getWaSettings') });
    await clock.tick(2_999);
    expect(s.state).to.equal('code');
    await clock.tick(1);
    await clock.until(() => s.state === 'linked');
    expect(s.account).to.deep.equal({ wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '' });
  });

  it('without a debug option, failed polls go to console.debug, tagged, without the token', async () => {
    await http.script('GET', path('getStateInstance'), [{ status: 500, body: 'down' }, state('notAuthorized')]);
    const logged = captureConsole();
    const lines = logged.debugs;
    try {
      const s = session({ debug: undefined });
      await showCode(s);
      await clock.advance(3_000);
      await http.waitForRequests(1, { path: path('getStateInstance') });
      await clock.until(() => lines.length > 0);
      s.close();
    } finally {
      logged.restore();
    }
    expect(lines).to.deep.equal(['[green-qr-scan] state poll failed: getStateInstance failed: HTTP 500 (down)']);
  });

  it('invalid configuration fails with invalidConfig on start (submit() sends nothing); missing credentials are reported as missing', async () => {
    const bad = new PhoneLinkSession({ instanceId: 'abc', token: TOKEN, apiUrl: http.url });
    bad.start();
    expect(bad.failure?.reason).to.equal('invalidConfig');
    // Nothing to send a number to: submit() does nothing.
    bad.submit('79001234567');
    expect([bad.state, bad.failure?.reason, bad.requestError]).to.deep.equal(['failed', 'invalidConfig', undefined]);
    const waiting = new PhoneLinkSession({ instanceId: INSTANCE_ID, token: '', apiUrl: http.url });
    expect(waiting.configProblem).to.deep.include({ field: 'token', missing: true });
    await clock.tick(1_200);
    expect(await http.requests()).to.deep.equal([]);
  });
});
