// Telegram/MAX core sessions (issue 13) on a virtual clock against a scripted GREEN-API HTTP server
// on 127.0.0.1: messenger resolution, QR polling every 5 s, the password step, Telegram by phone.
import { expect } from '@open-wc/testing';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import { messengerOf, MessengerProbe } from '../../src/core/messenger.js';
import { resolveMessenger } from '../../src/core/messenger-lookup.js';
import { PollQrSession } from '../../src/core/poll-qr-session.js';
import { TelegramPhoneSession } from '../../src/core/telegram-phone-session.js';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import type { LinkSession } from '../../src/core/link-session.js';
import { flush, VirtualClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { TOKEN } from '../helpers/ws-server.js';
import { captureConsole } from '../helpers/console.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAL0lEQVR4AaXBAQEAIAyAME4EY5nNzj4E25x3P4FEEkkkkUQSSSSRRBJJJJFEEkm0+eUCB6kToJoAAAAASUVORK5CYII=';
const SECRET = 'correct horse battery staple';
let nextId = 0;

describe('core/chat sessions: Telegram and MAX (virtual clock)', () => {
  let http: HttpServer;
  let clock: VirtualClock;
  let log: string[];
  let id: string;
  const path = (method: string) => `/waInstance${id}/${method}/${TOKEN}`;
  const config = () => ({ instanceId: id, token: TOKEN, apiUrl: http.url });
  const endpoints = () => (resolveConfig(config()) as { endpoints: Endpoints }).endpoints;
  const state = (stateInstance: string) => ({ body: { stateInstance } });
  const answer = (reason?: string) => ({ body: reason ? { status: false, data: { status: 'fail', reason } } : { status: true, data: { status: 'success' } } });

  beforeEach(async () => {
    // A fresh instance id per test: the rate gate's slots are per instance address.
    id = String(7_700_000_000 + nextId++ * 7 + Math.floor(Math.random() * 1000) * 1000);
    http = await startHttpServer();
    clock = new VirtualClock().install();
    log = [];
  });
  afterEach(async () => {
    clock.uninstall();
    await http.stop();
  });

  function watch<T extends LinkSession>(s: T): T {
    s.addEventListener('scan-state-change', (e) => log.push((e as ScanStateChangeEvent).detail.state));
    s.addEventListener('account-linked', (e) => log.push(`linked:${JSON.stringify((e as AccountLinkedEvent).detail)}`));
    s.addEventListener('scan-failed', (e) => log.push(`failed:${(e as ScanFailedEvent).detail.reason}`));
    return s;
  }
  const options = { statePollIntervalMs: 1_000, debug: () => {} };
  /**
   * Waits (real time, at most 2 s) until the server saw the client give up `count` requests of `method` (an
   * aborted fetch): the session has handled its end by then. Without an abort, the (delayed) answer
   * has arrived by the end of the wait, and the test's assertions judge it.
   */
  async function requestGone(method: string, count = 1) {
    const end = performance.now() + 2_000;
    while ((await http.requests({ path: path(method) })).filter((r) => r.aborted).length < count && performance.now() < end) await flush();
  }

  /** Moves the virtual clock a state poll at a time (real answers in between) until `s` is in `wanted`. */
  async function pollUntil(s: LinkSession, wanted: string) {
    for (let i = 0; i < 20 && s.state !== wanted; i++) {
      await clock.advance(1_100);
      await clock.until(() => s.state === wanted || clock.dueWithin(1_100), 3_000).catch(() => {});
    }
    expect(s.state).to.equal(wanted);
  }

  it('typeInstance → messenger: whatsapp, telegram, v3 (MAX); anything else is invalidConfig', async () => {
    expect([messengerOf('whatsapp'), messengerOf('telegram'), messengerOf('v3'), messengerOf('viber'), messengerOf(3)]).to.deep.equal(['whatsapp', 'telegram', 'max', undefined, undefined]);
    await http.script('GET', path('getSettings'), [{ body: { typeInstance: 'v3', wid: '' } }, { body: { typeInstance: 'viber' } }, { status: 401, body: 'Unauthorized' }]);
    // GetSettings: 1 request a second (the rate gate waits on the virtual clock).
    const next = async () => {
      const found = resolveMessenger(endpoints());
      await clock.tick(1_200);
      return found;
    };
    expect(await next()).to.deep.equal({ messenger: 'max' });
    const unknown = await next();
    expect(unknown).to.have.nested.property('fail.reason', 'invalidConfig');
    expect((unknown as { fail: { message: string } }).fail.message).to.contain('"viber"');
    expect(await next()).to.have.nested.property('fail.reason', 'unauthorized');
  });

  it('the probe shows connecting, then resolves; a failed GetSettings fails it like any HTTP failure', async () => {
    await http.script('GET', path('getSettings'), [{ body: { typeInstance: 'telegram' } }, { status: 403, body: 'Forbidden' }]);
    const probe = watch(new MessengerProbe(config()));
    probe.start();
    expect(probe.state).to.equal('connecting');
    expect(await probe.resolved).to.equal('telegram');
    await clock.tick(1_200); // GetSettings: 1 request a second
    probe.start();
    expect(await probe.resolved).to.equal(undefined);
    expect(probe.failure).to.deep.include({ reason: 'unauthorized', status: 403 });
    expect(log).to.deep.equal(['connecting', 'failed', 'failed:unauthorized']);
  });

  it('Telegram QR: a fresh code every 5 s, the state at most 1/s, then linked with GetAccountSettings', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized'), state('notAuthorized'), state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ body: { phone: '79001234567', avatar: 'https://pps.example/a.jpg', chatId: '1234567890', stateInstance: 'authorized' } }]);
    const s = watch(new PollQrSession(config(), 'telegram', options));
    s.start();
    await clock.until(() => s.state === 'qr');
    expect(s.qrImage).to.equal(`data:image/png;base64,${PNG}`);
    expect(s.expiresAt).to.equal(clock.now + 5_000);
    await clock.advance(1_100);
    await http.waitForRequests(1, { path: path('getStateInstance') });
    await clock.advance(1_100);
    await http.waitForRequests(2, { path: path('getStateInstance') });
    await clock.advance(1_100);
    await clock.until(() => s.state === 'linked');
    expect((await http.requests({ path: path('qr') })).length).to.equal(1);
    expect(s.account).to.deep.equal({ wid: '1234567890', pushname: '', proxy: '', webhookUrl: '', messenger: 'telegram', chatId: '1234567890', phone: '79001234567', avatar: 'https://pps.example/a.jpg' });
    expect(log.slice(0, 3)).to.deep.equal(['connecting', 'qr', 'linked']);
  });

  it('MAX QR: pendingPassword → the password step; a wrong password is retried in place, the right one links', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }]);
    await http.script('GET', path('getStateInstance'), [state('pendingPassword'), state('pendingPassword'), state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ body: { phone: '79001234567', avatar: '', chatId: '42' } }]);
    await http.script('POST', path('sendAuthorizationPassword'), [answer('invalid_password'), answer()]);
    const s = watch(new PollQrSession(config(), 'max', options));
    s.start();
    await clock.until(() => s.state === 'qr');
    await clock.advance(1_100);
    await clock.until(() => s.state === 'password');
    s.submitPassword('');
    expect(s.password.problem).to.equal('empty');
    s.submitPassword('wrong');
    expect(s.password.busy).to.equal(true);
    await clock.until(() => !s.password.busy);
    expect([s.state, s.password.problem]).to.deep.equal(['password', 'invalid']);
    await clock.tick(1_200); // SendAuthorizationPassword: 1 request a second
    s.submitPassword(SECRET);
    await clock.until(() => s.state === 'connecting');
    expect(s.phase).to.equal('confirming');
    const sent = await http.requests({ method: 'POST', path: path('sendAuthorizationPassword') });
    expect(sent.map((r) => JSON.parse(r.body).password)).to.deep.equal(['wrong', SECRET]);
    await pollUntil(s, 'linked');
    expect(s.account).to.deep.include({ messenger: 'max', phone: '79001234567', chatId: '42' });
    expect(s.account).not.to.have.property('avatar');
    // The password is nowhere in the session's events.
    expect(log.join(' ')).not.to.contain('wrong').and.not.to.contain(SECRET);
  });

  it('password reasons: rate_limit_exceeded waits, authorization_not_started starts over, timeout fails', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'pending_password', message: 'waiting for the password' } }]);
    await http.script('POST', path('sendAuthorizationPassword'), [answer('rate_limit_exceeded'), answer('authorization_not_started'), answer('timeout')]);
    const s = watch(new PollQrSession(config(), 'telegram', { ...options, passwordRetryMs: 30_000 }));
    s.start();
    await clock.until(() => s.state === 'password');
    s.submitPassword('x');
    await clock.until(() => s.password.problem === 'rateLimited');
    expect(s.password.retryAt).to.equal(clock.now + 30_000);
    s.submitPassword('y'); // locked: no request
    expect((await http.requests({ method: 'POST', path: path('sendAuthorizationPassword') })).length).to.equal(1);
    await clock.tick(30_000);
    s.submitPassword('y');
    await clock.until(() => s.restarted);
    // Started over: `connecting` for a new code (the stand-in may already have asked for the password again).
    await clock.until(() => s.state === 'password');
    expect(log.slice(log.indexOf('password'))).to.deep.equal(['password', 'connecting', 'password']);
    await clock.tick(1_200);
    s.submitPassword('z');
    await clock.until(() => s.state === 'failed');
    expect(s.failure?.reason).to.equal('timeoutExpired');
  });

  it('already_registered before any code is alreadyLogged; after a code it is confirmed with GetStateInstance', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'already_registered', message: 'registered' } }]);
    const first = watch(new PollQrSession(config(), 'telegram', options));
    first.start();
    await clock.until(() => first.state === 'failed');
    expect(first.failure).to.deep.equal({ reason: 'alreadyLogged', message: 'registered' });
    first.close();
    id = `${id.slice(0, -1)}${(Number(id.slice(-1)) + 1) % 10}`;
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }, { body: { type: 'already_registered', message: 'registered' } }]);
    // GetStateInstance every 10 s: the second code (5 s) comes before the shown code's watcher asks,
    // whatever the speed of real I/O, so the second answer is what gets confirmed.
    await http.script('GET', path('getStateInstance'), [state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ body: { phone: '', chatId: '' } }]);
    const s = watch(new PollQrSession(config(), 'telegram', { ...options, statePollIntervalMs: 10_000 }));
    await clock.tick(1_200);
    s.start();
    await clock.until(() => s.state === 'qr');
    await clock.advance(5_000);
    // The second answer (already_registered) is not a failure: it is confirmed with GetStateInstance.
    await clock.until(() => s.state !== 'qr');
    expect([s.state, s.phase]).to.deep.equal(['connecting', 'confirming']);
    expect(await http.requests({ path: path('getStateInstance') })).to.deep.equal([]);
    await clock.advance(10_000);
    await clock.until(() => s.state === 'linked');
    expect((await http.requests({ path: path('qr') })).length).to.equal(2);
    expect(s.account).to.deep.equal({ wid: '', pushname: '', proxy: '', webhookUrl: '', messenger: 'telegram' });
  });

  it('Telegram by phone: StartAuthorization, the code, the password with the code, linked', async () => {
    await http.script('POST', path('startAuthorization'), [answer()]);
    await http.script('POST', path('sendAuthorizationCode'), [answer('invalid_code'), answer(), answer('invalid_password'), answer()]);
    await http.script('GET', path('getStateInstance'), [state('pendingPassword'), state('pendingPassword'), state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ body: { phone: '79001234567', chatId: '7' } }]);
    const s = watch(new TelegramPhoneSession(config(), options));
    s.start();
    expect(s.state).to.equal('idle');
    s.submit('+7 900 123-45-67');
    await clock.until(() => s.state === 'code');
    expect(s.expiresAt).to.equal(clock.now + 300_000);
    expect(JSON.parse((await http.requests({ method: 'POST', path: path('startAuthorization') }))[0].body)).to.deep.equal({ phoneNumber: 79001234567 });
    s.submitCode('12');
    expect(s.codeProblem).to.equal('empty');
    s.submitCode('11111');
    await clock.until(() => s.codeProblem === 'invalid');
    await clock.tick(1_200);
    s.submitCode('12345');
    await clock.until(() => s.state === 'connecting');
    await pollUntil(s, 'password');
    s.submitPassword('nope');
    await clock.until(() => s.password.problem === 'invalid');
    await clock.tick(1_200);
    s.submitPassword(SECRET);
    await clock.until(() => s.state === 'connecting');
    const bodies = (await http.requests({ method: 'POST', path: path('sendAuthorizationCode') })).map((r) => JSON.parse(r.body));
    expect(bodies).to.deep.equal([{ code: '11111' }, { code: '12345' }, { code: '12345', password: 'nope' }, { code: '12345', password: SECRET }]);
    await pollUntil(s, 'linked');
    expect(s.account).to.deep.include({ messenger: 'telegram', phone: '79001234567', chatId: '7' });
  });

  it('Telegram by phone: no new code within 5 minutes (the first code is shown as still valid); expiry fails with timeoutExpired', async () => {
    await http.script('POST', path('startAuthorization'), [answer()]);
    const s = watch(new TelegramPhoneSession(config(), { ...options, codeLifetimeMs: 60_000 }));
    s.start();
    s.submit('79001234567');
    await clock.until(() => s.state === 'code');
    const firstExpiry = s.expiresAt;
    expect(s.codeReused).to.equal(false);
    await clock.tick(10_000);
    s.start();
    s.submit('79001234567');
    await clock.until(() => s.state === 'code');
    expect(s.codeReused).to.equal(true);
    expect(s.expiresAt).to.equal(firstExpiry);
    await clock.tick(50_000);
    expect(s.failure?.reason).to.equal('timeoutExpired');
  });

  it('an instance starting after the scan: connecting in phase starting, once; then linked', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }]);
    await http.script('GET', path('getStateInstance'), [state('starting'), state('starting'), state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ body: { chatId: '42' } }]);
    const s = watch(new PollQrSession(config(), 'telegram', options));
    expect(s.phase).to.equal('preparing');
    s.start();
    await clock.until(() => s.state === 'qr');
    await clock.advance(1_100);
    await clock.until(() => s.state === 'connecting');
    expect(s.phase).to.equal('starting');
    await pollUntil(s, 'linked');
    // The second `starting` changes nothing: one `connecting` between the code and linked.
    expect(log.filter((entry) => !entry.includes(':'))).to.deep.equal(['connecting', 'qr', 'connecting', 'linked']);
  });

  it('GetStateInstance is asked at most once a second, however short statePollIntervalMs is', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = watch(new PollQrSession(config(), 'telegram', { ...options, statePollIntervalMs: 100 }));
    s.start();
    await clock.until(() => s.state === 'qr');
    const polls = async () => (await http.requests({ path: path('getStateInstance') })).length;
    // The first poll comes one interval after the code: 1 s, not 100 ms.
    await clock.until(() => clock.dueWithin(1_000));
    for (let i = 0; i < 9; i++) await clock.tick(100);
    expect(await polls()).to.equal(0);
    await clock.tick(200);
    await http.waitForRequests(1, { path: path('getStateInstance') });
    s.close();
  });

  it('a failed GetAccountSettings still links (the account is just the messenger) and is reported to debug', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }]);
    await http.script('GET', path('getStateInstance'), [state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ status: 500, body: 'Internal Server Error' }]);
    const debug: string[] = [];
    const s = watch(new PollQrSession(config(), 'max', { ...options, debug: (m: string) => debug.push(m) }));
    s.start();
    await clock.until(() => s.state === 'qr');
    await pollUntil(s, 'linked');
    expect(s.account).to.deep.equal({ wid: '', pushname: '', proxy: '', webhookUrl: '', messenger: 'max' });
    expect(debug.filter((m) => m.startsWith('could not read the account: '))).to.have.length(1);
    expect(debug.join(' ')).not.to.contain(TOKEN);
  });

  it('close() while a password is being sent: the answer that comes later changes nothing', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'pending_password', message: 'waiting for the password' } }]);
    await http.script('POST', path('sendAuthorizationPassword'), [{ ...answer(), delayMs: 200 }]);
    const s = watch(new PollQrSession(config(), 'telegram', options));
    s.start();
    await clock.until(() => s.state === 'password');
    s.submitPassword(SECRET);
    await http.waitForRequests(1, { method: 'POST', path: path('sendAuthorizationPassword') });
    s.close();
    const closed = s.state;
    const before = log.length;
    // The answer would arrive (real time) after close(): the request is given up.
    await requestGone('sendAuthorizationPassword');
    await clock.tick(5_000);
    expect(s.state).to.equal(closed);
    expect(s.phase).not.to.equal('confirming');
    expect(log.slice(before)).to.deep.equal([]);
    expect((await http.requests({ path: path('getStateInstance') })).length).to.equal(0);
  });

  it('a password is sent only while the form is shown; sending shows busy at once', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }, { body: { type: 'pending_password', message: 'password' } }]);
    await http.script('POST', path('sendAuthorizationPassword'), [{ ...answer('invalid_password'), delayMs: 100 }]);
    const s = watch(new PollQrSession(config(), 'telegram', options));
    s.start();
    await clock.until(() => s.state === 'qr');
    s.submitPassword(SECRET);
    expect(s.password.busy).to.equal(false);
    await clock.advance(5_000);
    await clock.until(() => s.state === 'password');
    let changes = 0;
    s.addEventListener('change', () => changes++);
    s.submitPassword(SECRET);
    expect([s.password.busy, changes > 0]).to.deep.equal([true, true]);
    await clock.until(() => !s.password.busy);
    const sent = await http.requests({ method: 'POST', path: path('sendAuthorizationPassword') });
    expect(sent).to.have.length(1);
    s.close();
  });
  it('defaults: GetStateInstance every 2 s; without a debug option, failed polls go to console.debug, tagged, without the token', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }]);
    await http.script('GET', path('getStateInstance'), [{ status: 500, body: 'down' }, state('notAuthorized')]);
    const logged = captureConsole();
    const lines = logged.debugs;
    try {
      const s = watch(new PollQrSession(config(), 'telegram'));
      s.start();
      await clock.until(() => s.state === 'qr');
      // The watcher (loaded on demand) has set its first timer.
      await clock.until(() => clock.dueWithin(2_000));
      await clock.tick(1_999);
      expect(await http.requests({ path: path('getStateInstance') })).to.deep.equal([]);
      await clock.tick(1);
      await http.waitForRequests(1, { path: path('getStateInstance') });
      await clock.until(() => lines.length > 0);
      s.close();
    } finally {
      logged.restore();
    }
    expect(lines).to.deep.equal(['[green-qr-scan] state poll failed: getStateInstance failed: HTTP 500 (down)']);
  });

  it('the slow hint is a phase change a view hears of (a change event)', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG }, delayMs: 300 }]);
    const s = watch(new PollQrSession(config(), 'telegram', { ...options, slowHintAfterMs: 4_000 }));
    let changes = 0;
    s.addEventListener('change', () => changes++);
    s.start();
    await clock.tick(3_999);
    expect(s.phase).to.equal('preparing');
    const before = changes;
    await clock.tick(1);
    expect([s.phase, changes]).to.deep.equal(['slow', before + 1]);
    s.close();
  });

  it('the password form: no code deadline shown; start() again clears the form (problem, reason, retryAt, busy)', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }]);
    await http.script('GET', path('getStateInstance'), [state('pendingPassword')]);
    await http.script('POST', path('sendAuthorizationPassword'), [answer('rate_limit_exceeded'), { ...answer(), delayMs: 200 }]);
    const s = watch(new PollQrSession(config(), 'max', options));
    s.start();
    await clock.until(() => s.state === 'qr');
    expect(s.expiresAt).to.equal(clock.now + 5_000);
    await pollUntil(s, 'password');
    expect(s.expiresAt).to.equal(undefined);
    s.submitPassword('x');
    await clock.until(() => s.password.problem === 'rateLimited');
    expect(s.password.reason).to.equal('rate_limit_exceeded');
    s.start();
    expect([s.password.problem, s.password.reason, s.password.retryAt, s.password.busy, s.password.locked]).to.deep.equal([undefined, undefined, undefined, false, false]);
    expect(s.phase).to.equal('preparing');
    await pollUntil(s, 'password');
    s.submitPassword('y');
    expect(s.password.busy).to.equal(true);
    s.start();
    expect(s.password.busy).to.equal(false);
    s.close();
  });

  it('Telegram by phone: the instance starting after the code → phase starting (from confirming), then linked; the starting wait defaults to 300 s', async () => {
    await http.script('POST', path('startAuthorization'), [answer()]);
    await http.script('POST', path('sendAuthorizationCode'), [answer()]);
    await http.script('GET', path('getStateInstance'), [state('starting'), state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ body: { chatId: '9' } }]);
    const s = watch(new TelegramPhoneSession(config(), options));
    s.start();
    s.submit('79001234567');
    await clock.until(() => s.state === 'code');
    s.submitCode('12345');
    await clock.until(() => s.state === 'connecting');
    expect(s.phase).to.equal('confirming');
    await clock.advance(1_100);
    await clock.until(() => s.phase === 'starting');
    expect(s.state).to.equal('connecting');
    await pollUntil(s, 'linked');
    expect(log.filter((entry) => !entry.includes(':'))).to.deep.equal(['connecting', 'code', 'connecting', 'linked']);

    // Still starting 300 s after the first `starting`: instanceStarting.
    id = `${id.slice(0, -1)}${(Number(id.slice(-1)) + 1) % 10}`;
    await http.script('POST', path('startAuthorization'), [answer()]);
    await http.script('POST', path('sendAuthorizationCode'), [answer()]);
    await http.script('GET', path('getStateInstance'), [state('starting')]);
    const t = watch(new TelegramPhoneSession(config(), { ...options, statePollIntervalMs: 100_000, codeLifetimeMs: 10_000_000 }));
    // (A code life far off: only the watcher's timers fall due while the clock moves 100 s at a time.)
    t.start();
    t.submit('79001234567');
    await clock.until(() => t.state === 'code');
    t.submitCode('12345');
    await clock.until(() => t.state === 'connecting');
    for (let n = 1; n <= 3; n++) {
      await clock.advance(100_000);
      await http.waitForRequests(n, { path: path('getStateInstance') });
    }
    expect(t.phase).to.equal('starting');
    await clock.advance(100_000);
    await clock.until(() => t.state === 'failed');
    expect(t.failure).to.deep.equal({ reason: 'instanceStarting', message: 'getStateInstance: still starting after 300 s' });
  });

  it('close() while GetAccountSettings is on its way: no account, no debug line', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }]);
    await http.script('GET', path('getStateInstance'), [state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ body: { chatId: '42' }, delayMs: 200 }]);
    const debug: string[] = [];
    const s = watch(new PollQrSession(config(), 'telegram', { ...options, debug: (m: string) => debug.push(m) }));
    s.start();
    await clock.until(() => s.state === 'qr');
    await clock.advance(1_100);
    await http.waitForRequests(1, { path: path('getAccountSettings') });
    s.close();
    await requestGone('getAccountSettings');
    await clock.tick(1);
    expect([s.state, s.account]).to.deep.equal(['idle', undefined]);
    expect(log.filter((entry) => entry.startsWith('linked'))).to.deep.equal([]);
    expect(debug.filter((m) => m.startsWith('could not read the account'))).to.deep.equal([]);
  });
  it('a second `starting` or `pendingPassword` changes nothing a view shows (no change event)', async () => {
    await http.script('POST', path('startAuthorization'), [answer()]);
    await http.script('POST', path('sendAuthorizationCode'), [answer()]);
    await http.script('GET', path('getStateInstance'), [state('starting'), state('starting'), state('pendingPassword')]);
    const s = watch(new TelegramPhoneSession(config(), options));
    let changes = 0;
    s.addEventListener('change', () => changes++);
    s.start();
    s.submit('79001234567');
    await clock.until(() => s.state === 'code');
    s.submitCode('12345');
    await clock.until(() => s.state === 'connecting');
    /** One more poll, its answer handled (the next poll's timer set). */
    const poll = async (n: number) => {
      await clock.advance(1_100);
      await http.waitForRequests(n, { path: path('getStateInstance') });
      await clock.until(() => clock.dueWithin(1_100));
    };
    await poll(1);
    expect([s.state, s.phase]).to.deep.equal(['connecting', 'starting']);
    let seen = changes;
    await poll(2);
    expect(changes, 'the second starting').to.equal(seen);
    await poll(3);
    expect(s.state).to.equal('password');
    seen = changes;
    await poll(4);
    await poll(5);
    expect([s.state, changes]).to.deep.equal(['password', seen]);
    s.close();
  });

  it('a password submitted while the last one is on its way is dropped quietly (no uncaught error)', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'pending_password', message: 'waiting for the password' } }]);
    await http.script('POST', path('sendAuthorizationPassword'), [{ ...answer('invalid_password'), delayMs: 100 }]);
    const uncaught: unknown[] = [];
    const onRejection = (e: PromiseRejectionEvent) => {
      uncaught.push(e.reason);
      e.preventDefault();
    };
    window.addEventListener('unhandledrejection', onRejection);
    try {
      const s = watch(new PollQrSession(config(), 'telegram', options));
      s.start();
      await clock.until(() => s.state === 'password');
      s.submitPassword(SECRET);
      s.submitPassword('second');
      await clock.until(() => !s.password.busy);
      // Let any rejection be reported (it is, a task after the microtasks that caused it).
      for (let i = 0; i < 3; i++) await flush();
      expect(s.password.problem).to.equal('invalid');
      expect((await http.requests({ method: 'POST', path: path('sendAuthorizationPassword') })).map((r) => JSON.parse(r.body).password)).to.deep.equal([SECRET]);
      s.close();
    } finally {
      window.removeEventListener('unhandledrejection', onRejection);
    }
    expect(uncaught).to.deep.equal([]);
  });
  it('starting, then the password asked for, then starting again: connecting (phase starting) each time', async () => {
    await http.script('GET', path('qr'), [{ body: { type: 'qrCode', message: PNG } }]);
    await http.script('GET', path('getStateInstance'), [state('starting'), state('pendingPassword'), state('starting')]);
    const s = watch(new PollQrSession(config(), 'telegram', options));
    s.start();
    await clock.until(() => s.state === 'qr');
    await pollUntil(s, 'connecting');
    expect(s.phase).to.equal('starting');
    await pollUntil(s, 'password');
    await pollUntil(s, 'connecting');
    expect(s.phase).to.equal('starting');
    expect(log).to.deep.equal(['connecting', 'qr', 'connecting', 'password', 'connecting']);
    s.close();
  });
});
