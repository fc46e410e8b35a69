// Telegram by phone (TelegramPhoneSession) on a virtual clock against a scripted GREEN-API HTTP
// server on 127.0.0.1: the number form, StartAuthorization's answers and failures, the code form
// (what is sent, what each answer does), the code's 5-minute life (no new code within it), and the
// password that goes with the code.
import { expect } from '@open-wc/testing';
import type { ChatSessionOptions } from '../../src/core/chat-session.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import { TelegramPhoneSession } from '../../src/core/telegram-phone-session.js';
import { flush, VirtualClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { TOKEN } from '../helpers/ws-server.js';

const SECRET = 'correct horse battery staple';
/** Each method: 1 request a second (and the rate gate's margin). */
const SLOT_MS = 1_200;
let nextId = 0;

describe('core/telegram-phone-session (virtual clock)', () => {
  let http: HttpServer;
  let clock: VirtualClock;
  let log: string[];
  let changes: number;
  let id: string;
  const path = (method: string) => `/waInstance${id}/${method}/${TOKEN}`;
  const state = (stateInstance: string) => ({ body: { stateInstance } });
  const answer = (reason?: string) => ({ body: reason ? { status: false, data: { status: 'fail', reason } } : { status: true, data: { status: 'success' } } });
  const posted = async (method: string) => (await http.requests({ method: 'POST', path: path(method) })).map((r) => JSON.parse(r.body));

  beforeEach(async () => {
    // A fresh instance per test: the rate gate and the "code sent" memory are per instance address.
    id = String(7_100_000_000 + nextId++);
    http = await startHttpServer();
    clock = new VirtualClock().install();
    log = [];
    changes = 0;
  });
  afterEach(async () => {
    clock.uninstall();
    await http.stop();
  });

  function session(options: ChatSessionOptions = {}, instanceId = id) {
    const s = new TelegramPhoneSession({ instanceId, token: TOKEN, apiUrl: http.url }, { statePollIntervalMs: 1_000, debug: () => {}, ...options });
    s.addEventListener('scan-state-change', (e) => log.push((e as ScanStateChangeEvent).detail.state));
    s.addEventListener('account-linked', (e) => log.push(`linked:${(e as AccountLinkedEvent).detail.chatId}`));
    s.addEventListener('scan-failed', (e) => log.push(`failed:${(e as ScanFailedEvent).detail.reason}`));
    s.addEventListener('change', () => changes++);
    return s;
  }

  /** The number is accepted and a code was sent: the code form. */
  async function codeForm(s: TelegramPhoneSession, number = '79001234567') {
    await http.script('POST', path('startAuthorization'), [answer()]);
    s.start();
    s.submit(number);
    await clock.until(() => s.state === 'code');
  }

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
  async function pollUntil(s: TelegramPhoneSession, wanted: string) {
    for (let i = 0; i < 20 && s.state !== wanted; i++) {
      await clock.advance(1_100);
      await clock.until(() => s.state === wanted || clock.dueWithin(1_100), 3_000).catch(() => {});
    }
    expect(s.state).to.equal(wanted);
  }

  it('invalid configuration: start() fails with invalidConfig; submit() and submitCode() send nothing', async () => {
    const s = session({}, 'abc');
    s.start();
    expect([s.state, s.failure?.reason]).to.deep.equal(['failed', 'invalidConfig']);
    s.submit('79001234567');
    s.submitCode('12345');
    s.submitPassword(SECRET);
    expect([s.state, s.requestError, s.codeBusy]).to.deep.equal(['failed', undefined, false]);
    await clock.tick(SLOT_MS);
    expect(await http.requests()).to.deep.equal([]);
  });

  it('an invalid number is refused in place, without a request; the next submit or start() clears it', async () => {
    await http.script('POST', path('startAuthorization'), [{ ...answer(), delayMs: 50 }]);
    const s = session();
    s.start();
    expect([s.state, s.phase]).to.deep.equal(['idle', 'preparing']);
    s.submit('12ab');
    expect(s.state).to.equal('idle');
    expect(s.requestError).to.deep.equal({ kind: 'invalidNumber', message: 'phone number may contain only digits, spaces, dashes, parentheses and a leading +' });
    expect(s.phase, 'no request: still preparing').to.equal('preparing');
    expect(await http.requests()).to.deep.equal([]);
    s.start();
    expect(s.requestError).to.equal(undefined);
    s.submit('');
    expect(s.requestError?.kind).to.equal('invalidNumber');
    s.submit('+7 (900) 123-45-67');
    expect([s.state, s.phase, s.requestError]).to.deep.equal(['connecting', 'requesting', undefined]);
    await clock.until(() => s.state === 'code');
    expect(await posted('startAuthorization')).to.deep.equal([{ phoneNumber: 79001234567 }]);
    expect(log).to.deep.equal(['connecting', 'code']);
  });

  it('StartAuthorization refuses: already_registered fails with alreadyLogged; another reason (or none) leaves the form', async () => {
    await http.script('POST', path('startAuthorization'), [answer('phone_number_invalid'), { body: { status: false } }, answer('already_registered')]);
    const s = session();
    s.start();
    s.submit('79001234567');
    await clock.until(() => s.requestError !== undefined);
    expect([s.state, s.requestError]).to.deep.equal(['idle', { kind: 'refused', message: 'startAuthorization: phone_number_invalid' }]);
    await clock.tick(SLOT_MS);
    s.submit('79001234567');
    expect(s.requestError).to.equal(undefined);
    await clock.until(() => s.requestError !== undefined);
    expect(s.requestError).to.deep.equal({ kind: 'refused', message: 'startAuthorization: status false' });
    await clock.tick(SLOT_MS);
    s.submit('79001234567');
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.equal({ reason: 'alreadyLogged', message: 'startAuthorization: already_registered' });
    expect(log).to.deep.equal(['connecting', 'idle', 'connecting', 'idle', 'connecting', 'failed', 'failed:alreadyLogged']);
  });

  it('StartAuthorization fails: 5xx and "starting" stay on the form (with the status), a network failure too; 401 and 466 end the session', async () => {
    await http.script('POST', path('startAuthorization'), [
      { status: 500, body: 'boom' },
      { status: 400, body: 'Instance in starting process' },
      { status: 466, body: { correspondentsStatus: { description: 'Quota exceeded' } } },
    ]);
    const s = session();
    s.start();
    s.submit('79001234567');
    await clock.until(() => s.requestError !== undefined);
    expect(s.state).to.equal('idle');
    expect(s.requestError).to.deep.equal({ kind: 'failed', reason: 'connection', message: 'startAuthorization failed: HTTP 500 (boom)', status: 500 });
    await clock.tick(SLOT_MS);
    s.submit('79001234567');
    await clock.until(() => s.requestError !== undefined);
    expect(s.requestError).to.deep.include({ kind: 'failed', reason: 'instanceStarting', status: 400 });
    await clock.tick(SLOT_MS);
    s.submit('79001234567');
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.include({ reason: 'quotaExceeded', status: 466 });
    // Nothing answers (the server is gone): the form stays, without a status.
    const t = session();
    t.start();
    await http.stop();
    await clock.tick(SLOT_MS);
    t.submit('79001234567');
    await clock.until(() => t.requestError !== undefined);
    expect(t.state).to.equal('idle');
    expect(t.requestError).to.include({ kind: 'failed', reason: 'connection' });
    expect(t.requestError).not.to.have.property('status');
    expect(t.requestError!.message).to.not.contain(TOKEN);
  });

  it('a 401 from StartAuthorization fails with unauthorized at once', async () => {
    await http.script('POST', path('startAuthorization'), [{ status: 401, body: 'Unauthorized' }]);
    const s = session();
    s.start();
    s.submit('79001234567');
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.include({ reason: 'unauthorized', status: 401 });
    expect(s.requestError).to.equal(undefined);
  });

  it('start() while StartAuthorization is on its way: the late answer is ignored', async () => {
    await http.script('POST', path('startAuthorization'), [{ ...answer(), delayMs: 100 }, { status: 500, body: 'boom', delayMs: 100 }]);
    const s = session();
    s.start();
    s.submit('79001234567');
    await http.waitForRequests(1, { path: path('startAuthorization') });
    s.start();
    expect(s.state).to.equal('idle');
    await requestGone('startAuthorization');
    await clock.tick(1);
    expect([s.state, s.expiresAt]).to.deep.equal(['idle', undefined]);
    await clock.tick(SLOT_MS);
    s.submit('79001234567');
    await http.waitForRequests(2, { path: path('startAuthorization') });
    s.close();
    await requestGone('startAuthorization', 2);
    await clock.tick(1);
    expect([s.state, s.requestError]).to.deep.equal(['idle', undefined]);
  });

  it('the code lives codeLifetimeMs from when it was sent: timeoutExpired to the millisecond', async () => {
    const s = session({ codeLifetimeMs: 60_000 });
    await codeForm(s);
    expect(s.expiresAt).to.equal(clock.now + 60_000);
    expect(s.codeReused).to.equal(false);
    await clock.tick(59_999);
    expect(s.state).to.equal('code');
    await clock.tick(1);
    expect(s.failure).to.deep.equal({ reason: 'timeoutExpired', message: 'The Telegram code expired (5 minutes).' });
  });

  it('the default life is 5 minutes', async () => {
    const s = session();
    await codeForm(s);
    expect(s.expiresAt).to.equal(clock.now + 300_000);
    await clock.tick(299_999);
    expect(s.state).to.equal('code');
    await clock.tick(1);
    expect(s.state).to.equal('failed');
  });

  it('no new code within its life for the same number: the first one is shown (its expiry kept); another number, or after its life, a new one', async () => {
    await http.script('POST', path('startAuthorization'), [answer()]);
    const s = session({ codeLifetimeMs: 60_000 });
    s.start();
    s.submit('79001234567');
    await clock.until(() => s.state === 'code');
    const first = s.expiresAt!;
    await clock.tick(20_000);
    s.start();
    expect(s.codeReused).to.equal(false);
    s.submit('79001234567');
    await clock.until(() => s.state === 'code');
    expect([s.codeReused, s.expiresAt]).to.deep.equal([true, first]);
    // The reused code dies with the first one, 40 s from now.
    await clock.tick(39_999);
    expect(s.state).to.equal('code');
    await clock.tick(1);
    expect(s.failure?.reason).to.equal('timeoutExpired');
    // Another number: a new code (and that one is remembered).
    s.start();
    s.submit('79001234568');
    await clock.until(() => s.state === 'code');
    expect([s.codeReused, s.expiresAt]).to.deep.equal([false, clock.now + 60_000]);
    const second = clock.now;
    await clock.tick(SLOT_MS);
    s.start();
    s.submit('79001234568');
    await clock.until(() => s.state === 'code');
    expect([s.codeReused, s.expiresAt]).to.deep.equal([true, second + 60_000]);
    // Exactly its life after it was sent: a new code.
    await clock.tick(second + 60_000 - clock.now);
    s.start();
    s.submit('79001234568');
    await clock.until(() => s.state === 'code');
    expect([s.codeReused, s.expiresAt]).to.deep.equal([false, clock.now + 60_000]);
    expect(await posted('startAuthorization')).to.have.length(5);
  });

  it('another number within the first code\'s life: a new code; a new session shows nothing reused or busy', async () => {
    const s = session({ codeLifetimeMs: 60_000 });
    expect([s.codeBusy, s.codeReused, s.codeProblem]).to.deep.equal([false, false, undefined]);
    await codeForm(s);
    await clock.tick(SLOT_MS);
    s.start();
    s.submit('79001234568');
    await clock.until(() => s.state === 'code');
    expect([s.codeReused, s.expiresAt]).to.deep.equal([false, clock.now + 60_000]);
    expect((await posted('startAuthorization')).map((b) => b.phoneNumber)).to.deep.equal([79001234567, 79001234568]);
  });

  it('a code sent for another instance does not count', async () => {
    const s = session();
    await codeForm(s);
    expect(s.codeReused).to.equal(false);
    const firstId = id;
    id = String(Number(id) + 500);
    await http.script('POST', path('startAuthorization'), [answer()]);
    const other = session();
    other.start();
    other.submit('79001234567');
    await clock.until(() => other.state === 'code');
    expect(other.codeReused).to.equal(false);
    id = firstId;
  });

  it('submitCode: spaces and dashes dropped, 3 to 10 digits or "empty" without a request; busy while sent', async () => {
    const s = session();
    await codeForm(s);
    await http.script('POST', path('sendAuthorizationCode'), [{ ...answer('invalid_code'), delayMs: 50 }]);
    for (const bad of ['', '12', '12345678901', 'abc', '12a45', 'x123', '123x', '1234567890123']) {
      changes = 0;
      s.submitCode(bad);
      expect([bad, s.codeProblem, s.codeBusy, changes]).to.deep.equal([bad, 'empty', false, 1]);
    }
    expect(await http.requests({ path: path('sendAuthorizationCode') })).to.deep.equal([]);
    changes = 0;
    s.submitCode(' 12-3 45 ');
    expect([s.codeProblem, s.codeBusy, changes]).to.deep.equal([undefined, true, 1]);
    // While one is on its way, another is not sent.
    s.submitCode('99999');
    await clock.until(() => s.codeProblem === 'invalid');
    expect([s.codeBusy, s.state]).to.deep.equal([false, 'code']);
    expect(changes).to.equal(2);
    expect(await posted('sendAuthorizationCode')).to.deep.equal([{ code: '12345' }]);
    await clock.tick(SLOT_MS);
    s.submitCode('123');
    await clock.until(() => !s.codeBusy);
    await clock.tick(SLOT_MS);
    s.submitCode('1234567890');
    await clock.until(() => !s.codeBusy);
    expect((await posted('sendAuthorizationCode')).map((b) => b.code)).to.deep.equal(['12345', '123', '1234567890']);
  });

  it('submitCode outside the code form sends nothing', async () => {
    const s = session();
    s.start();
    s.submitCode('12345');
    expect([s.codeProblem, s.codeBusy]).to.deep.equal([undefined, false]);
    s.submitCode('1');
    expect(s.codeProblem).to.equal(undefined);
    await clock.tick(SLOT_MS);
    expect(await http.requests()).to.deep.equal([]);
  });

  it('a right code: confirming with GetStateInstance (the code\'s expiry no longer shown or enforced), then linked', async () => {
    const s = session({ codeLifetimeMs: 5_000, statePollIntervalMs: 3_000 });
    await codeForm(s);
    await http.script('POST', path('sendAuthorizationCode'), [answer()]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized'), state('notAuthorized'), state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ body: { phone: '79001234567', chatId: '7', avatar: 'https://pps.example/a.jpg' } }]);
    s.submitCode('12345');
    await clock.until(() => s.state === 'connecting');
    expect([s.phase, s.expiresAt, s.codeBusy, s.codeProblem]).to.deep.equal(['confirming', undefined, false, undefined]);
    // The code's 5 s pass while confirming (once the watcher, loaded on demand, has set its timer): no failure.
    await clock.until(() => clock.dueWithin(3_000));
    await clock.tick(5_000);
    expect(s.state).to.equal('connecting');
    await clock.advance(3_000);
    await http.waitForRequests(2, { path: path('getStateInstance') });
    await clock.advance(3_000);
    await clock.until(() => s.state === 'linked');
    expect(s.account).to.deep.equal({ wid: '7', chatId: '7', pushname: '', proxy: '', webhookUrl: '', messenger: 'telegram', phone: '79001234567', avatar: 'https://pps.example/a.jpg' });
    expect(log).to.deep.equal(['connecting', 'code', 'connecting', 'linked', 'linked:7']);
  });

  it('already_registered for the code counts as right: confirmed with GetStateInstance', async () => {
    const s = session();
    await codeForm(s);
    await http.script('POST', path('sendAuthorizationCode'), [answer('already_registered')]);
    await http.script('GET', path('getStateInstance'), [state('authorized')]);
    await http.script('GET', path('getAccountSettings'), [{ body: { chatId: '8' } }]);
    s.submitCode('12345');
    await clock.until(() => s.state === 'connecting');
    expect(s.phase).to.equal('confirming');
    await pollUntil(s, 'linked');
    expect(s.account).to.deep.include({ chatId: '8', messenger: 'telegram' });
  });

  it('the code\'s answers: timeout fails with timeoutExpired; authorization_not_started goes back to the number form', async () => {
    const s = session();
    await codeForm(s);
    await http.script('POST', path('sendAuthorizationCode'), [answer('timeout'), answer('authorization_not_started')]);
    s.submitCode('12345');
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.equal({ reason: 'timeoutExpired', message: 'The Telegram code expired (GREEN-API: timeout).' });
    await clock.tick(SLOT_MS);
    await codeForm(s);
    s.submitCode('12345');
    await clock.until(() => s.state === 'idle');
    expect(s.requestError).to.deep.equal({ kind: 'refused', message: 'sendAuthorizationCode: authorization_not_started' });
    expect(s.codeProblem).to.equal(undefined);
  });

  it('the code request fails: 5xx or no answer → "failed", try again; 401 fails the session', async () => {
    const s = session();
    await codeForm(s);
    await http.script('POST', path('sendAuthorizationCode'), [{ status: 500, body: 'boom' }, { status: 401, body: 'Unauthorized' }]);
    s.submitCode('12345');
    await clock.until(() => s.codeProblem !== undefined);
    expect([s.codeProblem, s.codeBusy, s.state]).to.deep.equal(['failed', false, 'code']);
    await clock.tick(SLOT_MS);
    changes = 0;
    s.submitCode('12345');
    expect(s.codeProblem).to.equal(undefined);
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.include({ reason: 'unauthorized', status: 401 });
    expect(s.codeBusy).to.equal(false);
  });

  it('no answer to the code at all: "failed", the form stays', async () => {
    const s = session();
    await codeForm(s);
    await http.stop();
    await clock.tick(SLOT_MS);
    changes = 0;
    s.submitCode('12345');
    await clock.until(() => s.codeProblem !== undefined);
    expect([s.codeProblem, s.codeBusy, s.state, changes]).to.deep.equal(['failed', false, 'code', 2]);
  });

  it('start() while the code is on its way: busy ends, and the late answer changes nothing', async () => {
    const s = session();
    await codeForm(s);
    await http.script('POST', path('sendAuthorizationCode'), [{ ...answer(), delayMs: 100 }]);
    s.submitCode('12345');
    await http.waitForRequests(1, { path: path('sendAuthorizationCode') });
    s.start();
    expect([s.state, s.codeBusy, s.codeReused]).to.deep.equal(['idle', false, false]);
    await requestGone('sendAuthorizationCode');
    await clock.tick(5_000);
    expect([s.state, s.codeProblem, s.codeBusy]).to.deep.equal(['idle', undefined, false]);
    expect(await http.requests({ path: path('getStateInstance') })).to.deep.equal([]);
  });

  it('the password goes with the code; authorization_not_started starts over at the number form; a new code, then linked', async () => {
    const s = session();
    await codeForm(s);
    await http.script('POST', path('sendAuthorizationCode'), [answer(), answer('authorization_not_started')]);
    await http.script('GET', path('getStateInstance'), [state('pendingPassword')]);
    s.submitPassword(SECRET); // not asked for yet: nothing sent
    s.submitCode('12345');
    await clock.until(() => s.state === 'connecting');
    await pollUntil(s, 'password');
    expect(s.expiresAt).to.equal(undefined);
    await clock.tick(SLOT_MS);
    s.submitPassword(SECRET);
    await clock.until(() => s.state === 'idle');
    expect(s.requestError).to.equal(undefined);
    expect(s.password.busy).to.equal(false);
    expect(await posted('sendAuthorizationCode')).to.deep.equal([{ code: '12345' }, { code: '12345', password: SECRET }]);
    expect(log.join(' ')).to.not.contain(SECRET);
  });
});
