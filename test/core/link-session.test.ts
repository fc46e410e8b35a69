// What every way of linking shares (core/link-session.ts): state and events, runs that end on
// close/start/link/fail, timers and loads bound to the run, the GetStateInstance watcher and the
// account details. A minimal session subclass drives the base class; the watcher and GetWaSettings
// talk to a scripted GREEN-API HTTP server on 127.0.0.1, on a virtual clock.
import { expect } from '@open-wc/testing';
import type { AccountData, AccountLinkedEvent, FailureReason, ScanFailedEvent, ScanFailure, ScanState, ScanStateChangeEvent } from '../../src/core/events.js';
import { accountFromNumber, LinkSession, LOAD_FAILED, withDetails } from '../../src/core/link-session.js';
import type { ScanConfig } from '../../src/core/config.js';
import { flush, VirtualClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { TOKEN } from '../helpers/ws-server.js';

/** The base class with its protected parts in reach; `start()` begins a run and shows `connecting`. */
class TestSession extends LinkSession {
  start(): void {
    this.newRun();
    this.setState('connecting');
  }
  get runSignal() {
    return this.signal;
  }
  get addresses() {
    return this.endpoints;
  }
  runLater(ms: number, fn: () => void) {
    return this.later(ms, fn);
  }
  expireAt(at: number | undefined) {
    this.setExpiresAt(at);
  }
  linkWith(account: AccountData) {
    this.link(account);
  }
  failWith(reason: FailureReason | ScanFailure, message?: string, status?: number) {
    if (message === undefined && status === undefined) this.fail(reason);
    else this.fail(reason, message, status);
  }
  show(state: ScanState, reason?: FailureReason) {
    this.setState(state, reason);
  }
  loadPart<T>(importer: () => Promise<T>, use: (module: T) => void) {
    this.load(importer, use);
  }
  watch(account: (signal: AbortSignal) => Promise<AccountData>, more: { notAuthorizedLimit?: number } = {}) {
    this.watchState({ intervalMs: 1_000, startingTimeoutMs: 60_000, debug: () => {}, account, ...more });
  }
  details(signal: AbortSignal, debug: (text: string) => void = () => {}) {
    return this.waDetails(signal, 5_000, debug);
  }
}

const ACCOUNT: AccountData = { wid: '79001234567@c.us', pushname: 'Ann', proxy: '', webhookUrl: '' };
let nextId = 0;

/** A promise and its settlers. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('core/link-session', () => {
  let log: string[];
  let id: string;
  const apiUrl = 'http://127.0.0.1:9';
  const config = (extra: Partial<ScanConfig> = {}): ScanConfig => ({ instanceId: id, token: TOKEN, apiUrl, ...extra });

  beforeEach(() => {
    id = String(6_800_000_000 + nextId++ * 19 + Math.floor(Math.random() * 1000) * 1000);
    log = [];
  });

  function watched(s: TestSession = new TestSession(config())): TestSession {
    s.addEventListener('change', () => log.push('change'));
    s.addEventListener('scan-state-change', (e) => log.push(`state:${JSON.stringify((e as ScanStateChangeEvent).detail)}`));
    s.addEventListener('account-linked', (e) => log.push(`linked:${JSON.stringify((e as AccountLinkedEvent).detail)}`));
    s.addEventListener('scan-failed', (e) => log.push(`failed:${JSON.stringify((e as ScanFailedEvent).detail)}`));
    return s;
  }

  describe('configuration and state', () => {
    it('a good configuration: the addresses, no problem; a new session is idle with nothing known', () => {
      const s = new TestSession(config());
      expect(s.configProblem).to.equal(undefined);
      expect(s.addresses?.httpBase).to.equal(`${apiUrl}/waInstance${id}`);
      expect([s.state, s.account, s.failure, s.expiresAt]).to.deep.equal(['idle', undefined, undefined, undefined]);
    });

    it('a wrong or missing value: the problem, no addresses', () => {
      const wrong = new TestSession(config({ instanceId: 'abc' }));
      expect(wrong.addresses).to.equal(undefined);
      expect(wrong.configProblem).to.include({ field: 'instance-id' });
      expect(wrong.configProblem!.missing).to.not.equal(true);
      const missing = new TestSession(config({ token: undefined }));
      expect(missing.addresses).to.equal(undefined);
      expect(missing.configProblem).to.include({ field: 'token', missing: true });
    });

    it('setState fires scan-state-change (previous, reason only when given) and change; the same state again only change', () => {
      const s = watched();
      s.show('connecting');
      s.show('connecting');
      s.show('failed', 'error');
      expect(s.state).to.equal('failed');
      expect(log).to.deep.equal([
        'state:{"state":"connecting","previous":"idle"}',
        'change',
        'change',
        'state:{"state":"failed","previous":"connecting","reason":"error"}',
        'change',
      ]);
    });
  });

  describe('close', () => {
    it('an unfinished session goes back to idle and its run ends', () => {
      const s = watched();
      s.start();
      const run = s.runSignal;
      log = [];
      s.close();
      expect(run.aborted).to.equal(true);
      expect(s.state).to.equal('idle');
      expect(log).to.deep.equal(['state:{"state":"idle","previous":"connecting"}', 'change']);
    });

    it('an idle session stays idle (change only)', () => {
      const s = watched();
      s.close();
      expect(s.state).to.equal('idle');
      expect(log).to.deep.equal(['change']);
    });

    it('a linked or failed session keeps its state, account or failure, without an event', () => {
      const linked = new TestSession(config());
      linked.start();
      linked.linkWith(ACCOUNT);
      const failed = new TestSession(config());
      failed.start();
      failed.failWith('error', 'boom');
      watched(linked);
      watched(failed);
      linked.close();
      failed.close();
      expect([linked.state, failed.state]).to.deep.equal(['linked', 'failed']);
      expect(linked.account).to.deep.equal(ACCOUNT);
      expect(failed.failure).to.deep.equal({ reason: 'error', message: 'boom' });
      expect(log).to.deep.equal([]);
    });
  });

  describe('link and fail', () => {
    it('link ends the run, keeps the account and fires linked then account-linked with a copy of it', () => {
      const s = watched();
      s.start();
      const run = s.runSignal;
      log = [];
      const details: AccountData[] = [];
      s.addEventListener('account-linked', (e) => details.push((e as AccountLinkedEvent).detail));
      s.linkWith(ACCOUNT);
      expect(run.aborted).to.equal(true);
      expect(s.state).to.equal('linked');
      expect(s.account).to.deep.equal(ACCOUNT);
      expect(details[0]).to.deep.equal(ACCOUNT);
      expect(details[0]).to.not.equal(ACCOUNT);
      expect(log).to.deep.equal(['state:{"state":"linked","previous":"connecting"}', 'change', `linked:${JSON.stringify(ACCOUNT)}`]);
    });

    it('fail(reason, message, status) ends the run, keeps the failure and fires failed (with the reason) then scan-failed', () => {
      const s = watched();
      s.start();
      const run = s.runSignal;
      log = [];
      const details: ScanFailure[] = [];
      s.addEventListener('scan-failed', (e) => details.push((e as ScanFailedEvent).detail));
      s.failWith('unauthorized', 'HTTP 401', 401);
      expect(run.aborted).to.equal(true);
      expect(s.state).to.equal('failed');
      const failure = { reason: 'unauthorized', message: 'HTTP 401', status: 401 };
      expect(s.failure).to.deep.equal(failure);
      expect(details[0]).to.deep.equal(failure);
      expect(details[0]).to.not.equal(s.failure);
      expect(log).to.deep.equal(['state:{"state":"failed","previous":"connecting","reason":"unauthorized"}', 'change', `failed:${JSON.stringify(failure)}`]);
    });

    it('fail: the message defaults to empty, a status 0 or none is left out, a failure object is taken whole', () => {
      const s = new TestSession(config());
      s.failWith('error');
      expect(s.failure).to.deep.equal({ reason: 'error', message: '' });
      s.failWith('connection', 'down', 0);
      expect(s.failure).to.deep.equal({ reason: 'connection', message: 'down' });
      s.failWith({ reason: 'quotaExceeded', message: 'quota', status: 466 });
      expect(s.failure).to.deep.equal({ reason: 'quotaExceeded', message: 'quota', status: 466 });
      s.failWith({ reason: 'instanceBlocked', message: 'blocked' });
      expect(s.failure).to.deep.equal({ reason: 'instanceBlocked', message: 'blocked' });
    });

    it('a new run ends the old one and forgets the account, the failure and the expiry', () => {
      const s = new TestSession(config());
      s.start();
      s.expireAt(12_345);
      expect(s.expiresAt).to.equal(12_345);
      const first = s.runSignal;
      s.start();
      expect(first.aborted).to.equal(true);
      expect(s.runSignal.aborted).to.equal(false);
      expect(s.expiresAt).to.equal(undefined);
      s.linkWith(ACCOUNT);
      s.start();
      expect(s.account).to.equal(undefined);
      s.failWith('error', 'x');
      s.start();
      expect(s.failure).to.equal(undefined);
      expect(s.state).to.equal('connecting');
    });
  });

  describe('later (virtual clock)', () => {
    let clock: VirtualClock;
    beforeEach(() => {
      clock = new VirtualClock().install();
    });
    afterEach(() => clock.uninstall());

    it('runs after its time, not before', async () => {
      const s = new TestSession(config());
      s.start();
      let ran = 0;
      s.runLater(500, () => ran++);
      await clock.tick(499);
      expect(ran).to.equal(0);
      await clock.tick(1);
      expect(ran).to.equal(1);
      expect(clock.pending).to.equal(0);
    });

    it('cancelled, or its run ended (close, a new start, link, fail): it never runs and its timer is gone', async () => {
      const ends: [string, (s: TestSession) => void][] = [
        ['cancel', () => {}],
        ['close', (s) => s.close()],
        ['start', (s) => s.start()],
        ['link', (s) => s.linkWith(ACCOUNT)],
        ['fail', (s) => s.failWith('error', 'x')],
      ];
      for (const [name, end] of ends) {
        const s = new TestSession(config());
        s.start();
        let ran = false;
        const cancel = s.runLater(100, () => (ran = true));
        if (name === 'cancel') cancel();
        else end(s);
        expect(clock.pending, name).to.equal(0);
        await clock.tick(200);
        expect(ran, name).to.equal(false);
      }
    });

    it('cancelling after it ran, or after its run ended, is harmless', async () => {
      const s = new TestSession(config());
      s.start();
      let ran = 0;
      const cancel = s.runLater(10, () => ran++);
      await clock.tick(10);
      cancel();
      s.close();
      expect(ran).to.equal(1);
    });
  });

  describe('load', () => {
    it('hands the loaded part to use while the run lasts', async () => {
      const s = new TestSession(config());
      s.start();
      const used: string[] = [];
      s.loadPart(() => Promise.resolve('part'), (m) => used.push(m));
      await settle();
      expect(used).to.deep.equal(['part']);
      expect(s.state).to.equal('connecting');
    });

    it('a part that cannot be loaded fails the run with connection', async () => {
      const s = watched();
      s.start();
      log = [];
      s.loadPart(() => Promise.reject(new Error('offline')), () => expect.fail('not loaded'));
      await settle();
      expect(s.failure).to.deep.equal({ reason: 'connection', message: LOAD_FAILED });
      expect(LOAD_FAILED).to.equal('Could not load a part of green-qr-scan: check the network connection.');
      expect(log).to.deep.equal(['state:{"state":"failed","previous":"connecting","reason":"connection"}', 'change', `failed:${JSON.stringify(s.failure)}`]);
    });

    it('once the run ended, neither the part nor its failure reaches the session', async () => {
      const s = watched();
      s.start();
      const loaded = deferred<string>();
      const failing = deferred<string>();
      const used: string[] = [];
      s.loadPart(() => loaded.promise, (m) => used.push(m));
      s.loadPart(() => failing.promise, (m) => used.push(m));
      s.close();
      log = [];
      loaded.resolve('late');
      failing.reject(new Error('offline'));
      await settle();
      expect(used).to.deep.equal([]);
      expect(s.state).to.equal('idle');
      expect(log).to.deep.equal([]);
    });

    it('a part that loads in a later run is not handed to the new run', async () => {
      const s = new TestSession(config());
      s.start();
      const loaded = deferred<string>();
      const used: string[] = [];
      s.loadPart(() => loaded.promise, (m) => used.push(m));
      s.start();
      loaded.resolve('old');
      await settle();
      expect(used).to.deep.equal([]);
    });
  });

  describe('account helpers', () => {
    it('withDetails adds the phone and the avatar when known, nothing when empty', () => {
      expect(withDetails(ACCOUNT, { phone: '79001234567', avatar: 'https://a.example/a.jpg' })).to.deep.equal({ ...ACCOUNT, phone: '79001234567', avatar: 'https://a.example/a.jpg' });
      expect(withDetails(ACCOUNT, { phone: '', avatar: '' })).to.deep.equal(ACCOUNT);
      expect(withDetails(ACCOUNT, {})).to.deep.equal(ACCOUNT);
      expect(withDetails(ACCOUNT, { avatar: 'https://a.example/a.jpg' })).to.deep.equal({ ...ACCOUNT, avatar: 'https://a.example/a.jpg' });
      expect(withDetails(ACCOUNT, { phone: '1' })).to.not.have.property('avatar');
    });

    it('accountFromNumber: the digits as a WhatsApp id, or an empty id', () => {
      expect(accountFromNumber('79001234567')).to.deep.equal({ wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '' });
      expect(accountFromNumber('')).to.deep.equal({ wid: '', pushname: '', proxy: '', webhookUrl: '' });
      expect(accountFromNumber(undefined)).to.deep.equal({ wid: '', pushname: '', proxy: '', webhookUrl: '' });
    });
  });
});

describe('core/link-session against GREEN-API (virtual clock)', () => {
  let http: HttpServer;
  let clock: VirtualClock;
  let id: string;
  let log: string[];
  const path = (method: string) => `/waInstance${id}/${method}/${TOKEN}`;
  const state = (stateInstance: string | null) => ({ body: { stateInstance } });

  beforeEach(async () => {
    id = String(6_900_000_000 + nextId++ * 23 + Math.floor(Math.random() * 1000) * 1000);
    http = await startHttpServer();
    clock = new VirtualClock().install();
    log = [];
  });
  afterEach(async () => {
    clock.uninstall();
    await http.stop();
  });

  function session(): TestSession {
    const s = new TestSession({ instanceId: id, token: TOKEN, apiUrl: http.url });
    s.addEventListener('scan-state-change', (e) => log.push((e as ScanStateChangeEvent).detail.state));
    s.addEventListener('account-linked', (e) => log.push(`linked:${(e as AccountLinkedEvent).detail.wid}`));
    s.addEventListener('scan-failed', (e) => log.push(`failed:${(e as ScanFailedEvent).detail.reason}`));
    return s;
  }
  /** One poll: moves the clock an interval (and a margin) once the watcher's timer is set, and waits for request `n`. */
  async function poll(n: number) {
    await clock.advance(1_100); // the interval, and the rate gate's margin after the last answer
    await http.waitForRequests(n, { path: path('getStateInstance') });
  }

  it('watchState: polls GetStateInstance an interval apart, then links with the account it reads', async () => {
    await http.script('GET', path('getStateInstance'), [state('notAuthorized'), state('authorized')]);
    const s = session();
    s.start();
    const signals: AbortSignal[] = [];
    s.watch(async (signal) => {
      signals.push(signal);
      return ACCOUNT;
    });
    await poll(1);
    expect(s.state).to.equal('connecting');
    await poll(2);
    await clock.until(() => s.state === 'linked');
    expect(s.account).to.deep.equal(ACCOUNT);
    expect(log).to.deep.equal(['connecting', 'linked', `linked:${ACCOUNT.wid}`]);
    // The account was read with the watch's signal, which ended with the run.
    expect(signals.length).to.equal(1);
    expect(signals[0].aborted).to.equal(true);
    await clock.tick(5_000);
    expect((await http.requests({ path: path('getStateInstance') })).length).to.equal(2);
  });

  it('watchState: a blocked instance fails the run', async () => {
    await http.script('GET', path('getStateInstance'), [state('blocked')]);
    const s = session();
    s.start();
    s.watch(async () => ACCOUNT);
    await poll(1);
    await clock.until(() => s.state === 'failed');
    expect(s.failure).to.deep.equal({ reason: 'instanceBlocked', message: 'getStateInstance: blocked' });
    expect(log).to.deep.equal(['connecting', 'failed', 'failed:instanceBlocked']);
  });

  it('watchState: a new watcher replaces the old one', async () => {
    await http.script('GET', path('getStateInstance'), [state('authorized')]);
    const s = session();
    s.start();
    s.watch(async () => ({ ...ACCOUNT, wid: 'old@c.us' }));
    s.watch(async () => ACCOUNT);
    await poll(1);
    await clock.until(() => s.state === 'linked');
    expect(s.account).to.deep.equal(ACCOUNT);
    await clock.tick(5_000);
    expect((await http.requests({ path: path('getStateInstance') })).length).to.equal(1);
  });

  it('watchState: close stops the watcher', async () => {
    await http.script('GET', path('getStateInstance'), [state('notAuthorized')]);
    const s = session();
    s.start();
    s.watch(async () => ACCOUNT);
    await poll(1);
    await clock.until(() => clock.dueWithin(1_100));
    s.close();
    expect(clock.pending).to.equal(0);
    await clock.tick(5_000);
    expect((await http.requests({ path: path('getStateInstance') })).length).to.equal(1);
    expect(log).to.deep.equal(['connecting', 'idle']);
  });

  it('watchState: an account read that ends after the run ended does not link', async () => {
    await http.script('GET', path('getStateInstance'), [state('authorized')]);
    const s = session();
    s.start();
    const reading = deferred<AccountData>();
    let asked = false;
    s.watch(() => {
      asked = true;
      return reading.promise;
    });
    await poll(1);
    await clock.until(() => asked);
    s.close();
    reading.resolve(ACCOUNT);
    await flush();
    expect(s.state).to.equal('idle');
    expect(log).to.deep.equal(['connecting', 'idle']);
  });

  it('watchState after the run ended sends nothing', async () => {
    await http.script('GET', path('getStateInstance'), [state('authorized')]);
    const s = session();
    s.start();
    s.watch(async () => ACCOUNT);
    s.close();
    await flush();
    await clock.tick(5_000);
    expect(await http.requests()).to.deep.equal([]);
  });

  it('waDetails: the number and the avatar from GetWaSettings; nothing, without a request, once the signal aborted', async () => {
    await http.script('GET', path('getWaSettings'), [{ body: { phone: '79001234567', avatar: 'https://a.example/a.jpg', stateInstance: 'authorized' } }]);
    const s = session();
    expect(await s.details(new AbortController().signal)).to.deep.equal({ phone: '79001234567', avatar: 'https://a.example/a.jpg' });
    const aborted = new AbortController();
    aborted.abort();
    expect(await s.details(aborted.signal)).to.deep.equal({});
    expect((await http.requests()).length).to.equal(1);
  });

  it('waDetails: a failure is told to debug and gives nothing', async () => {
    await http.script('GET', path('getWaSettings'), [{ status: 500, body: 'boom' }]);
    const s = session();
    const told: string[] = [];
    expect(await s.details(new AbortController().signal, (t) => told.push(t))).to.deep.equal({});
    expect(told).to.deep.equal(['could not read the account details: getWaSettings failed: HTTP 500 (boom)']);
  });
});
