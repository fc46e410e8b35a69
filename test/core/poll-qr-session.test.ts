// PollQrSession (Telegram/MAX by QR code): its timings (code refresh, slow hint, first-code and
// scan-wait limits), what failed QR requests and each kind of QR answer do, and what a run that
// ended or moved on ignores. On a virtual clock against a scripted GREEN-API HTTP server on 127.0.0.1.
import { expect } from '@open-wc/testing';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import { PollQrSession } from '../../src/core/poll-qr-session.js';
import type { ChatSessionOptions } from '../../src/core/chat-session.js';
import { VirtualClock, flush } from '../helpers/clock.js';
import { startHttpServer, type HttpResponseScript, type HttpServer } from '../helpers/http-server.js';
import { TOKEN } from '../helpers/ws-server.js';

const PNG1 = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAL0lEQVR4AaXBAQEAIAyAME4EY5nNzj4E25x3P4FEEkkkkUQSSSSRRBJJJJFEEkm0+eUCB6kToJoAAAAASUVORK5CYII=';
const PNG2 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const image = (png: string) => `data:image/png;base64,${png}`;
const code = (png = PNG1): HttpResponseScript => ({ body: { type: 'qrCode', message: png } });
const qrAnswer = (type: string, message: string): HttpResponseScript => ({ body: { type, message } });
const state = (stateInstance: string): HttpResponseScript => ({ body: { stateInstance } });
/** A QR request that is not answered while the test runs (the server drops it when it stops). */
const HANGS: HttpResponseScript = { ...code(), delayMs: 30_000 };
const STARTING: HttpResponseScript = { status: 400, body: 'instance in starting process try later' };
let nextId = 0;

describe('core/poll-qr-session (virtual clock)', () => {
  let http: HttpServer;
  let clock: VirtualClock;
  let log: string[];
  let debug: string[];
  let id: string;
  const path = (method: string) => `/waInstance${id}/${method}/${TOKEN}`;
  const config = () => ({ instanceId: id, token: TOKEN, apiUrl: http.url });
  const qrRequests = async () => (await http.requests({ path: path('qr') })).length;

  beforeEach(async () => {
    // A fresh instance id per test: the rate gate's slots are per instance address.
    id = String(7_300_000_000 + nextId++ * 7 + Math.floor(Math.random() * 1000) * 1000);
    http = await startHttpServer();
    clock = new VirtualClock().install();
    log = [];
    debug = [];
  });
  afterEach(async () => {
    clock.uninstall();
    await http.stop();
    expect(debug.join('\n')).not.to.contain(TOKEN);
  });

  function session(options: ChatSessionOptions & { phoneFallback?: boolean } = {}, messenger: 'telegram' | 'max' = 'telegram') {
    const s = new PollQrSession(config(), messenger, { debug: (m) => debug.push(m), ...options });
    s.addEventListener('scan-state-change', (e) => log.push((e as ScanStateChangeEvent).detail.state));
    s.addEventListener('account-linked', (e) => log.push(`linked:${JSON.stringify((e as AccountLinkedEvent).detail)}`));
    s.addEventListener('scan-failed', (e) => {
      const { reason, message } = (e as ScanFailedEvent).detail;
      log.push(`failed:${reason}:${message}`);
    });
    return s;
  }

  /** Waits (real time) until the browser has the answer to the `n`-th request of `method`, and the session had its turn. */
  async function answered(method: string, n: number) {
    const url = `${http.url}${path(method)}`;
    await clock.until(() => performance.getEntriesByType('resource').filter((e) => e.name === url).length >= n);
    for (let i = 0; i < 3; i++) await flush();
  }

  /** Moves the clock to the next QR request (`codeRefreshMs` after the last one) and waits for its answer to be handled. */
  async function nextQr(n: number, refreshMs = 5_000) {
    await clock.advance(refreshMs);
    await http.waitForRequests(n, { path: path('qr') });
    await answered('qr', n);
  }

  /** Waits (real time) until the `n`-th request of `method` was aborted by the client. */
  async function aborted(method: string, n: number) {
    for (let i = 0; i < 400; i++) {
      if ((await http.requests({ path: path(method) }))[n - 1]?.aborted) return;
      await flush();
    }
    throw new Error(`request ${n} of ${method} was never aborted`);
  }

  before(() => performance.setResourceTimingBufferSize(10_000));
  beforeEach(() => performance.clearResourceTimings());

  it('a wrong configuration fails with invalidConfig at once: no request, no timer; phoneFallback is told', async () => {
    const s = new PollQrSession({ instanceId: id, token: '', apiUrl: http.url }, 'max', { phoneFallback: true });
    s.addEventListener('scan-failed', (e) => log.push(`failed:${(e as ScanFailedEvent).detail.reason}`));
    expect([s.state, s.restarted, s.notice, s.qrImage]).to.deep.equal(['idle', false, undefined, undefined]);
    s.start();
    expect(s.state).to.equal('failed');
    expect(s.failure).to.deep.equal({ reason: 'invalidConfig', message: s.configProblem!.message });
    expect(s.configProblem!.message).to.not.equal('');
    expect(log).to.deep.equal(['failed:invalidConfig']);
    expect(clock.pending).to.equal(0);
    s.submitPassword('secret');
    await clock.tick(400_000);
    expect(s.state).to.equal('failed');
    expect(await http.requests()).to.deep.equal([]);
    expect(s.phoneFallback).to.equal(true);
    expect(new PollQrSession(config(), 'max').phoneFallback).to.equal(false);
  });

  it('asks for a new code every 5 s (codeRefreshMs), counted from the start of the previous request; expiresAt is 5 s after the code', async () => {
    await http.script('GET', path('qr'), [{ ...code(PNG1), delayMs: 400 }, code(PNG2)]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session();
    const started = clock.now;
    s.start();
    expect(s.state).to.equal('connecting');
    expect(s.qrImage).to.equal(undefined);
    await http.waitForRequests(1, { path: path('qr') });
    // The answer takes 1.2 s (virtual): the next request still leaves 5 s after this one did.
    await clock.tick(1_200);
    await clock.until(() => s.state === 'qr');
    expect(s.qrImage).to.equal(image(PNG1));
    expect(s.expiresAt).to.equal(started + 1_200 + 5_000);
    await clock.tick(5_000 - 1_200 - 1);
    expect(await qrRequests()).to.equal(1);
    await clock.tick(1);
    await http.waitForRequests(2, { path: path('qr') });
    await clock.until(() => s.qrImage === image(PNG2));
    expect(s.expiresAt).to.equal(started + 5_000 + 5_000);
    // A new code changes what is shown without a new state.
    expect(log).to.deep.equal(['connecting', 'qr']);
    s.close();
  });

  it('a custom codeRefreshMs paces the requests and sets expiresAt', async () => {
    await http.script('GET', path('qr'), [code(PNG1)]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session({ codeRefreshMs: 2_000, statePollIntervalMs: 60_000 });
    s.start();
    await clock.until(() => s.state === 'qr');
    expect(s.expiresAt).to.equal(clock.now + 2_000);
    await clock.tick(1_999);
    expect(await qrRequests()).to.equal(1);
    await clock.tick(1);
    await http.waitForRequests(2, { path: path('qr') });
    s.close();
  });

  it('says GREEN-API is slow after 8 s without a code (slowHintAfterMs), not before', async () => {
    await http.script('GET', path('qr'), [HANGS]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session({ statePollIntervalMs: 60_000 });
    let changes = 0;
    s.addEventListener('change', () => changes++);
    s.start();
    await http.waitForRequests(1, { path: path('qr') });
    await clock.tick(7_999);
    expect([s.state, s.phase]).to.deep.equal(['connecting', 'preparing']);
    const before = changes;
    await clock.tick(1);
    expect([s.state, s.phase]).to.deep.equal(['connecting', 'slow']);
    expect(changes).to.equal(before + 1);
    s.close();
  });

  it('no slow hint once a code was shown, nor over an instance that is starting', async () => {
    await http.script('GET', path('qr'), [code()]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const shown = session({ slowHintAfterMs: 3_000, codeRefreshMs: 60_000, statePollIntervalMs: 60_000 });
    shown.start();
    await clock.until(() => shown.state === 'qr');
    await clock.tick(3_000);
    expect(shown.phase).to.equal('preparing');
    shown.close();

    id = `${id.slice(0, -1)}${(Number(id.slice(-1)) + 1) % 10}`;
    await http.script('GET', path('qr'), [STARTING]);
    await http.script('GET', path('getStateInstance'), [state('starting')]);
    const starting = session({ slowHintAfterMs: 3_000, statePollIntervalMs: 1_000 });
    starting.start();
    await http.waitForRequests(1, { path: path('qr') });
    await clock.advance(1_000);
    await http.waitForRequests(1, { path: path('getStateInstance') });
    await clock.until(() => starting.phase === 'starting');
    await clock.tick(2_000);
    expect([starting.state, starting.phase]).to.deep.equal(['connecting', 'starting']);
    starting.close();
  });

  it('no code within 180 s (firstCodeTimeoutMs): connection, saying how long it waited', async () => {
    await http.script('GET', path('qr'), [HANGS]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session();
    s.start();
    await http.waitForRequests(1, { path: path('qr') });
    await clock.tick(179_999);
    expect(s.state).to.equal('connecting');
    await clock.tick(1);
    expect(s.failure).to.deep.equal({ reason: 'connection', message: 'No QR code within 180 s.' });
    expect(log).to.deep.equal(['connecting', 'failed', 'failed:connection:No QR code within 180 s.']);
  });

  it('a custom firstCodeTimeoutMs is told in whole seconds; a code shown in time ends that wait', async () => {
    await http.script('GET', path('qr'), [HANGS]);
    const s = session({ firstCodeTimeoutMs: 2_600, statePollIntervalMs: 60_000 });
    s.start();
    await http.waitForRequests(1, { path: path('qr') });
    await clock.tick(2_600);
    expect(s.failure).to.deep.equal({ reason: 'connection', message: 'No QR code within 3 s.' });

    await http.script('GET', path('qr'), [code()]);
    const shown = session({ firstCodeTimeoutMs: 2_600, codeRefreshMs: 60_000, statePollIntervalMs: 60_000 });
    await clock.tick(1_000);
    shown.start();
    await clock.until(() => shown.state === 'qr');
    await clock.tick(10_000);
    expect(shown.state).to.equal('qr');
    shown.close();
  });

  it('no scan within 300 s (codeWaitMs) while codes keep coming: timeoutExpired, and no more requests', async () => {
    await http.script('GET', path('qr'), [code()]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session({ codeRefreshMs: 400_000, statePollIntervalMs: 400_000 });
    s.start();
    await clock.until(() => s.state === 'qr');
    await clock.tick(299_999);
    // The 180-s wait for a first code ended with the first code.
    expect(s.state).to.equal('qr');
    await clock.tick(1);
    expect(s.failure).to.deep.equal({ reason: 'timeoutExpired', message: 'No scan within 300 s: get a new code.' });
    expect(s.qrImage).to.equal(undefined);
    const count = (await http.requests()).length;
    await clock.tick(600_000);
    expect((await http.requests()).length).to.equal(count);
  });

  it('the scan wait does not end the password form (no codes are asked for then)', async () => {
    await http.script('GET', path('qr'), [qrAnswer('pending_password', 'waiting for the password')]);
    const s = session({ codeWaitMs: 10_000, statePollIntervalMs: 600_000 });
    s.start();
    await clock.until(() => s.state === 'password');
    expect([s.qrImage, s.expiresAt]).to.deep.equal([undefined, undefined]);
    await clock.tick(20_000);
    expect(s.state).to.equal('password');
    expect(await qrRequests()).to.equal(1);
    s.close();
  });

  it('three failed QR requests in a row before any code: connection, naming the host; each is told to debug', async () => {
    await http.script('GET', path('qr'), [{ status: 500, body: 'oops' }, { status: 502, body: '' }, { body: '{garbage' }]);
    const s = session({ statePollIntervalMs: 600_000 });
    s.start();
    await http.waitForRequests(1, { path: path('qr') });
    await answered('qr', 1);
    await nextQr(2);
    expect(s.state).to.equal('connecting');
    await nextQr(3);
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.equal({ reason: 'connection', message: `Could not connect to ${http.url}.` });
    await clock.tick(60_000);
    expect(await qrRequests()).to.equal(3);
    expect(debug).to.have.length(3);
    expect(debug[0]).to.contain('QR poll failed').and.contain('HTTP 500');
    expect(debug[1]).to.contain('HTTP 502');
  });

  it('only failures in a row count: any answer starts the count again, and so does start()', async () => {
    await http.script('GET', path('qr'), [
      { status: 500, body: '' },
      { status: 500, body: '' },
      qrAnswer('error', 'please wait'),
      { status: 500, body: '' },
      { status: 500, body: '' },
      code(),
    ]);
    const s = session({ statePollIntervalMs: 600_000 });
    s.start();
    await http.waitForRequests(1, { path: path('qr') });
    for (let n = 2; n <= 5; n++) await nextQr(n);
    expect(s.state).to.equal('connecting');
    expect(s.notice).to.equal('please wait');
    await nextQr(6);
    await clock.until(() => s.state === 'qr');
    s.close();

    await http.script('GET', path('qr'), [{ status: 503, body: '' }]);
    const again = session({ statePollIntervalMs: 600_000 });
    await clock.tick(1_000);
    again.start();
    await http.waitForRequests(7, { path: path('qr') });
    await answered('qr', 7);
    await nextQr(8);
    // Two failures, then a new run: its first failure is its first.
    await clock.tick(1_000);
    again.start();
    await http.waitForRequests(9, { path: path('qr') });
    await answered('qr', 9);
    expect(again.state).to.equal('connecting');
    await nextQr(10);
    expect(again.state).to.equal('connecting');
    await nextQr(11);
    await clock.until(() => again.state === 'failed');
    expect(again.failure?.reason).to.equal('connection');
  });

  it('once a code was shown, failed requests never end the run; "instance in starting process" never counts', async () => {
    await http.script('GET', path('qr'), [code(PNG1), { status: 500, body: '' }, { status: 500, body: '' }, { status: 500, body: '' }, code(PNG2)]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session({ statePollIntervalMs: 600_000 });
    s.start();
    await clock.until(() => s.state === 'qr');
    for (let n = 2; n <= 5; n++) await nextQr(n);
    expect([s.state, s.qrImage]).to.deep.equal(['qr', image(PNG2)]);
    s.close();

    await http.script('GET', path('qr'), [STARTING, STARTING, STARTING, STARTING, code(PNG1)]);
    const starting = session({ statePollIntervalMs: 600_000 });
    await clock.tick(1_000);
    starting.start();
    await http.waitForRequests(6, { path: path('qr') });
    await answered('qr', 6);
    for (let n = 7; n <= 10; n++) await nextQr(n);
    expect([starting.state, starting.qrImage]).to.deep.equal(['qr', image(PNG1)]);
    starting.close();
  });

  it('a refused token ends the run at once as unauthorized, code shown or not', async () => {
    await http.script('GET', path('qr'), [code(), { status: 401, body: 'Unauthorized' }]);
    const s = session({ statePollIntervalMs: 600_000 });
    s.start();
    await clock.until(() => s.state === 'qr');
    await nextQr(2);
    expect(s.failure).to.deep.include({ reason: 'unauthorized', status: 401 });
    expect(s.failure!.message).to.contain('check the token').and.not.contain(TOKEN);
    expect(s.qrImage).to.equal(undefined);
    await clock.tick(60_000);
    expect(await qrRequests()).to.equal(2);
  });

  it('an error answer is a notice and codes go on; the next code clears it', async () => {
    await http.script('GET', path('qr'), [code(PNG1), qrAnswer('error', 'Try again later'), code(PNG2)]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session({ statePollIntervalMs: 600_000 });
    const seen: (string | undefined)[] = [];
    s.addEventListener('change', () => seen.push(s.notice));
    s.start();
    await clock.until(() => s.state === 'qr');
    await nextQr(2);
    expect([s.state, s.notice, s.qrImage]).to.deep.equal(['qr', 'Try again later', image(PNG1)]);
    expect(seen.at(-1)).to.equal('Try again later');
    await nextQr(3);
    expect([s.state, s.notice, s.qrImage]).to.deep.equal(['qr', undefined, image(PNG2)]);
    expect(seen.at(-1)).to.equal(undefined);
    expect(log).to.deep.equal(['connecting', 'qr']);
    s.close();
  });

  it('an error that asks for a logout ends the run as error with the server text; other texts do not', async () => {
    const texts = ['Instance has auth. You need to make log out', 'LOGOUT first', 'Please Log Out', 'instance HAS AUTH'];
    for (const text of texts) {
      id = String(Number(id) + 1);
      await http.script('GET', path('qr'), [qrAnswer('error', text)]);
      const s = session({ statePollIntervalMs: 600_000 });
      s.start();
      await clock.until(() => s.state === 'failed');
      expect(s.failure, text).to.deep.equal({ reason: 'error', message: text });
    }
    id = String(Number(id) + 1);
    await http.script('GET', path('qr'), [qrAnswer('error', 'log in later, hasauth')]);
    const s = session({ statePollIntervalMs: 600_000 });
    s.start();
    await http.waitForRequests(1, { path: path('qr') });
    await answered('qr', 1);
    expect([s.state, s.notice]).to.deep.equal(['connecting', 'log in later, hasauth']);
    s.close();
  });

  it('alreadyLogged before any code fails the run (GREEN-API’s text, or a default one)', async () => {
    await http.script('GET', path('qr'), [qrAnswer('alreadyLogged', '')]);
    const s = session({ statePollIntervalMs: 600_000 });
    s.start();
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.equal({ reason: 'alreadyLogged', message: 'instance account already authorized' });
  });

  it('start() again forgets the codes shown before: alreadyLogged before the new run’s first code fails it', async () => {
    await http.script('GET', path('qr'), [code(), qrAnswer('alreadyLogged', 'already')]);
    const s = session({ statePollIntervalMs: 600_000 });
    s.start();
    await clock.until(() => s.state === 'qr');
    await clock.tick(1_000); // qr: 3 requests a second
    s.start();
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.equal({ reason: 'alreadyLogged', message: 'already' });
  });

  it('alreadyLogged after a code: no more codes, confirming; three notAuthorized answers then fail it as alreadyLogged', async () => {
    await http.script('GET', path('qr'), [code(), qrAnswer('alreadyLogged', 'instance account already authorized')]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session({ statePollIntervalMs: 1_000, codeRefreshMs: 1_500 });
    s.start();
    await clock.until(() => s.state === 'qr');
    // The watcher of the code asks once (notAuthorized: nothing to do yet).
    await clock.advance(1_000);
    await http.waitForRequests(1, { path: path('getStateInstance') });
    await answered('getStateInstance', 1);
    await nextQr(2, 500);
    expect([s.state, s.phase, s.qrImage, s.expiresAt]).to.deep.equal(['connecting', 'confirming', undefined, undefined]);
    for (let n = 2; n <= 3; n++) {
      await clock.advance(1_100);
      await http.waitForRequests(n, { path: path('getStateInstance') });
      await answered('getStateInstance', n);
      expect(s.state).to.equal('connecting');
    }
    await clock.advance(1_100);
    await http.waitForRequests(4, { path: path('getStateInstance') });
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.equal({ reason: 'alreadyLogged', message: 'alreadyLogged, but getStateInstance keeps saying notAuthorized' });
    expect(await qrRequests()).to.equal(2);
  });

  it('the watcher hears of a scan (starting, or the password asked for): no more codes, not even the one already timed', async () => {
    for (const [word, wanted, phase] of [['starting', 'connecting', 'starting'], ['pendingPassword', 'password', 'preparing']] as const) {
      id = String(Number(id) + 1);
      await http.script('GET', path('qr'), [code()]);
      await http.script('GET', path('getStateInstance'), [state(word)]);
      const s = session({ statePollIntervalMs: 1_000 });
      s.start();
      await clock.until(() => s.state === 'qr');
      await clock.advance(1_000);
      await clock.until(() => s.state === wanted);
      expect([s.phase, s.qrImage], word).to.deep.equal([phase, undefined]);
      // The next code was due 5 s after the first: it is not asked for.
      for (let i = 0; i < 6; i++) await clock.tick(1_000);
      expect(await qrRequests(), word).to.equal(1);
      s.close();
    }
  });

  it('a QR answer that comes after the password form showed is ignored, a code or a refusal', async () => {
    for (const late of [code(), { status: 401, body: 'Unauthorized' }]) {
      id = String(Number(id) + 1);
      performance.clearResourceTimings();
      await http.script('GET', path('qr'), [{ ...late, delayMs: 800 }]);
      await http.script('GET', path('getStateInstance'), [state('pendingPassword')]);
      const s = session({ statePollIntervalMs: 1_000 });
      s.start();
      await http.waitForRequests(1, { path: path('qr') });
      await clock.advance(1_000);
      await clock.until(() => s.state === 'password');
      await answered('qr', 1);
      expect([s.state, s.qrImage, s.failure]).to.deep.equal(['password', undefined, undefined]);
      await clock.tick(20_000);
      expect(await qrRequests()).to.equal(1);
      expect(debug).to.deep.equal([]);
      s.close();
    }
  });

  it('close() aborts the QR request in flight: nothing is reported, no request follows, and no code is shown', async () => {
    await http.script('GET', path('qr'), [code(), { ...code(PNG2), delayMs: 30_000 }]);
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session({ statePollIntervalMs: 600_000 });
    s.start();
    await clock.until(() => s.state === 'qr');
    await clock.advance(5_000);
    await http.waitForRequests(2, { path: path('qr') });
    s.close();
    expect([s.state, s.qrImage]).to.deep.equal(['idle', undefined]);
    await aborted('qr', 2);
    await clock.tick(60_000);
    expect(await qrRequests()).to.equal(2);
    expect(debug).to.deep.equal([]);
    expect(log).to.deep.equal(['connecting', 'qr', 'idle']);
  });

  it('start() again clears the notice and the restart note; authorization_not_started sets the note with a change', async () => {
    await http.script('GET', path('qr'), [qrAnswer('error', 'not yet'), qrAnswer('pending_password', 'password'), { ...code(), delayMs: 200 }]);
    await http.script('POST', path('sendAuthorizationPassword'), [{ body: { status: false, data: { status: 'fail', reason: 'authorization_not_started' } } }]);
    const s = session({ statePollIntervalMs: 600_000, codeRefreshMs: 1_000 });
    let restartedAtChange = false;
    s.addEventListener('change', () => (restartedAtChange = s.restarted));
    s.start();
    await http.waitForRequests(1, { path: path('qr') });
    await answered('qr', 1);
    expect(s.notice).to.equal('not yet');
    s.start();
    expect(s.notice).to.equal(undefined);
    await clock.tick(500); // qr: 3 requests a second
    await clock.until(() => s.state === 'password');
    s.submitPassword('secret');
    await clock.until(() => s.restarted);
    // The view hears of the note: the last change came with it.
    expect(restartedAtChange).to.equal(true);
    expect(s.state).to.equal('connecting');
    await clock.tick(500);
    await clock.until(() => s.state === 'qr');
    s.start();
    expect([s.restarted, restartedAtChange]).to.deep.equal([false, false]);
    s.close();
  });
});
