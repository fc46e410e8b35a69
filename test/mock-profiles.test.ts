/**
 * The GREEN-API stand-in itself (mock/server.mjs), driven as a client would drive GREEN-API: raw
 * `fetch` and `WebSocket` from the page (and, where a page cannot read it, a websocket handshake's
 * status from Node). One section per fault profile, per messenger, for the rate limits and the
 * command line. Delays are profile options set per test (hundreds of ms), so nothing waits long.
 */
import { expect, waitUntil } from '@open-wc/testing';
import {
  decodeQr,
  probeSocket,
  runMockCli,
  startMock,
  type Mock,
  type MockMessenger,
  type MockOptions,
  type MockProfileName,
} from './helpers/mock.js';
import { sleep } from './helpers/element.js';

const TOKEN = 'profiles-token-0123456789abcdef';
const run = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
let nextId = 0;
/** A fresh 10-digit instance id per test, so no state leaks between tests. */
const newId = () => `81${run}${String(nextId++).padStart(4, '0')}`;

/** GREEN-API's texts the stand-in must answer with, verbatim (common-errors and 466 pages). */
const STARTING_TEXT = 'instance in starting process try later';
const QUOTA_BODY = {
  invokeStatus: {
    method: 'checkwhatsapp',
    used: 100,
    total: 100,
    status: 'QUOTE_EXCEEDED',
    description:
      'Monthly quota has been exceeded. Please go to your personal account and change the tariff to business https://console.green-api.com',
  },
};
const ALREADY_LOGGED = { type: 'alreadyLogged', message: 'instance account already authorized' };
const PNG_MAGIC_B64 = 'iVBORw0KGgo';
const ALL_PROFILES: MockProfileName[] = [
  'happy', 'slow-first-qr', 'timeout-name', 'unauthorized', 'forbidden', 'quota', 'rate-limited',
  'starting-after-scan', 'starting', 'blocked', 'null-state', 'logout-process', 'already-logged-after-scan',
  'auth-code-refused', 'phone-string-refused', 'qr-error', 'silent-socket', 'broken-png', 'drop-mid-scan',
  'stuck-pending-password',
];

interface Reply {
  status: number;
  retryAfter: string | null;
  contentType: string;
  text: string;
  body: any;
}

/**
 * The shared stand-in: a 40-ms rate window (calls are paced just past it, see `pace`), short
 * socket timeout, and fast phone-code / password timings.
 */
const SHARED: MockOptions = { rateWindowMs: 40, timeoutMs: 800, authCodeLinkMs: 200, passwordLockMs: 300 };
const lastCall = new Map<string, number>();
/**
 * Waits until the previous call of `method` on `id` is outside the 40-ms window (GREEN-API's limits
 * are per window). Calls are stamped when they are done (`done`), i.e. after the server saw them.
 */
async function pace(key: string, windowMs = 40): Promise<() => void> {
  const last = lastCall.get(key);
  if (last !== undefined) {
    const left = last + windowMs + 10 - performance.now();
    if (left > 0) await sleep(left);
  }
  return () => lastCall.set(key, performance.now());
}

/** Calls a GREEN-API method on the stand-in: `GET`, or `POST` with a JSON body. */
async function api(m: Mock, id: string, method: string, options: { post?: unknown; paced?: boolean; prefix?: string } = {}): Promise<Reply> {
  const done = options.paced === false ? () => {} : await pace(`${m.url}|${id}|${method}`);
  const res = await fetch(`${m.url}${options.prefix ?? ''}/waInstance${id}/${method}/${TOKEN}`, {
    cache: 'no-store',
    ...(options.post === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(options.post) }),
  });
  const text = await res.text();
  done();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type') ?? '', text, body };
}

const wsUrl = (m: Mock, id: string) => `${m.url.replace(/^http/, 'ws')}/waInstance${id}/scanqrcode/${TOKEN}`;

/** A page WebSocket that records frames and how it ended. */
class Socket {
  readonly ws: WebSocket;
  readonly frames: { type: string; message?: unknown; [key: string]: unknown }[] = [];
  readonly times: number[] = [];
  readonly openedAt: Promise<number | undefined>;
  readonly closed: Promise<CloseEvent>;
  readonly started = performance.now();

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.onmessage = (e) => {
      this.frames.push(JSON.parse(String(e.data)));
      this.times.push(performance.now() - this.started);
    };
    this.openedAt = new Promise((resolve) => {
      this.ws.addEventListener('open', () => resolve(performance.now() - this.started));
      this.ws.addEventListener('close', () => resolve(undefined));
    });
    this.closed = new Promise((resolve) => this.ws.addEventListener('close', resolve));
  }

  static async open(m: Mock, id: string): Promise<Socket> {
    const done = await pace(`${m.url}|${id}|scanqrcode`);
    const socket = new Socket(wsUrl(m, id));
    void socket.openedAt.then(done);
    return socket;
  }

  async frame(n = 1, timeout = 3000) {
    await waitUntil(() => this.frames.length >= n, `fewer than ${n} frame(s): ${JSON.stringify(this.frames)}`, { timeout });
    return this.frames[n - 1];
  }

  close() {
    this.ws.close();
  }
}

/** Whether the page can decode an image: `load` or `error`, as an `<img>` would. */
function imageLoads(base64: string): Promise<'load' | 'error'> {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve('load');
    img.onerror = () => resolve('error');
    img.src = `data:image/png;base64,${base64}`;
  });
}

describe('GREEN-API stand-in', () => {
  let m: Mock;
  let extra: Mock | undefined;
  const sockets: Socket[] = [];
  const open = async (id: string, mock = m) => {
    const s = await Socket.open(mock, id);
    sockets.push(s);
    return s;
  };

  before(async () => (m = await startMock(SHARED)));
  after(() => m.stop());
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await extra?.stop();
    extra = undefined;
  });

  /** A stand-in of its own for one test (stopped after it). */
  async function own(options: MockOptions): Promise<Mock> {
    extra = await startMock({ ...SHARED, ...options });
    return extra;
  }

  /** A fresh instance on the shared stand-in with its own profile (and messenger). */
  async function instance(profile: MockProfileName = 'happy', options?: Record<string, unknown>, messenger?: MockMessenger) {
    const id = newId();
    if (messenger) await m.messenger(id, messenger);
    const { state } = await m.profile(id, profile, options);
    expect(state.profile).to.equal(profile);
    return id;
  }

  describe('profiles', () => {
    it('GET /mock/profiles lists every profile with its default options', async () => {
      const res = await fetch(`${m.url}/mock/profiles`);
      const { profiles, messengers } = await res.json();
      expect(Object.keys(profiles)).to.deep.equal(ALL_PROFILES);
      expect(messengers).to.deep.equal(['whatsapp', 'telegram', 'v3']);
      expect(profiles['slow-first-qr'].options).to.deep.equal({ delayMs: 30_000 });
      expect(profiles['drop-mid-scan'].options).to.deep.equal({ downMs: 30_000, afterMs: 0 });
      for (const name of ALL_PROFILES) expect(profiles[name].description, name).to.be.a('string').and.not.equal('');
    });

    it('an unknown profile or messenger is refused with 400 and a clear error', async () => {
      const post = (path: string, body: object) =>
        fetch(`${m.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const bad = await post(`/mock/${newId()}/profile`, { name: 'sunny' });
      expect(bad.status).to.equal(400);
      expect((await bad.json()).error).to.match(/^unknown profile "sunny"; known: happy, slow-first-qr/);
      const badMessenger = await post(`/mock/${newId()}/messenger`, { messenger: 'icq' });
      expect(badMessenger.status).to.equal(400);
      expect((await badMessenger.json()).error).to.equal('unknown messenger "icq"; known: whatsapp, telegram, v3');
    });

    it('happy (default): QR codes on the socket and by HTTP, states, settings', async () => {
      const id = newId();
      expect((await m.state(id)).profile).to.equal('happy');
      expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'notAuthorized' });
      expect((await api(m, id, 'getSettings')).body).to.include({ typeInstance: 'whatsapp', wid: '' });
      expect((await api(m, id, 'getWaSettings')).body).to.deep.equal({
        avatar: '', phone: '', stateInstance: 'notAuthorized', deviceId: '', chatId: '', logoutProcess: false,
      });
      const qr = await api(m, id, 'qr');
      expect(qr.body.type).to.equal('qrCode');
      expect((await decodeQr(`data:image/png;base64,${qr.body.message}`)).text).to.match(/^2@/);
      const s = await open(id);
      const first = await s.frame(1);
      expect(first.type).to.equal('qrCode');
      expect(s.times[0]).to.be.below(500);
      await m.scan(id);
      await s.closed;
      expect(s.frames.at(-1)).to.deep.equal({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Demo phone', proxy: '127.0.0.1', webhookUrl: '' });
      expect((await api(m, id, 'getWaSettings')).body).to.include({ phone: '79001234567', stateInstance: 'authorized', chatId: '79001234567@c.us', avatar: `${m.url}/mock/avatar.png` });
      expect((await api(m, id, 'getSettings')).body.wid).to.equal('79001234567@c.us');
      expect((await api(m, id, 'getAccountSettings')).status).to.equal(404);
      expect((await api(m, id, 'sendAuthorizationPassword', { post: { password: 'x' } })).status).to.equal(404);
    });

    it('the server\'s profile applies to instances without their own; `name: null` goes back to it', async () => {
      const mock = await own({});
      expect(await (await fetch(`${mock.url}/mock/profile`)).json()).to.deep.equal({ profile: 'happy', options: {}, messenger: 'whatsapp' });
      const mine = newId();
      await mock.profile(mine, 'happy');
      expect(await mock.serverProfile('forbidden')).to.deep.equal({ profile: 'forbidden', options: {}, messenger: 'whatsapp' });
      expect((await api(mock, newId(), 'getStateInstance')).status).to.equal(403);
      expect((await api(mock, mine, 'getStateInstance')).status).to.equal(200);
      expect((await mock.profile(mine, null)).state.profile).to.equal('forbidden');
      expect((await api(mock, mine, 'getStateInstance')).status).to.equal(403);
      const started = await own({ profile: 'null-state', profileOptions: { shape: 'field' } });
      expect((await api(started, newId(), 'getStateInstance')).text).to.equal('{"stateInstance":null}');
    });

    it('POST /mock/refuse-websocket: every upgrade is refused with 403 (a proxy that blocks websockets)', async () => {
      const mock = await own({});
      const refuse = (value: boolean) =>
        fetch(`${mock.url}/mock/refuse-websocket`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refuse: value }) });
      expect(await (await refuse(true)).json()).to.deep.equal({ refuseWebsocket: true });
      expect(await probeSocket(wsUrl(mock, newId()))).to.deep.include({ status: 403, opened: false });
      await refuse(false);
      expect(await probeSocket(wsUrl(mock, newId()), 200)).to.deep.include({ opened: true });
    });

    it('slow-first-qr: the first code comes after delayMs, on the socket and by HTTP (the request stays open)', async () => {
      // A stand-in of its own whose scan window outlasts the delay by far: on the shared one (an
      // 800-ms window) a loaded machine could end the window before the delayed code came.
      const mock = await own({ timeoutMs: 10_000 });
      const id = newId();
      await mock.profile(id, 'slow-first-qr', { delayMs: 600 });
      const s = await open(id, mock);
      expect(await s.openedAt).to.be.below(300);
      const t0 = performance.now();
      const qr = await api(mock, id, 'qr');
      const took = performance.now() - t0;
      expect(qr.body.type).to.equal('qrCode');
      expect(took).to.be.within(550, 2000);
      // Once prepared, the code comes at once.
      const t1 = performance.now();
      expect((await api(mock, id, 'qr')).body.type).to.equal('qrCode');
      expect(performance.now() - t1).to.be.below(300);
      const frame = await s.frame(1);
      expect(frame.type).to.equal('qrCode');
      expect(s.times[0]).to.be.within(550, 1500);
      expect((await mock.state(newId())).profileOptions).to.deep.equal({});
      expect((await mock.profile(newId(), 'slow-first-qr')).state.profileOptions).to.deep.equal({ delayMs: 30_000 });
    });

    it('timeout-name: the scan window ends with type `timeout` (control and the server\'s own timeout)', async () => {
      const id = await instance('timeout-name');
      const s = await open(id);
      await s.frame(1);
      await m.timeout(id);
      await s.closed;
      expect(s.frames.at(-1)).to.deep.equal({ type: 'timeout', message: 'timeout' });
      const own2 = await own({ timeoutMs: 300, profile: 'timeout-name' });
      const s2 = await open(newId(), own2);
      const ended = await s2.closed;
      expect(ended.code).to.equal(1000);
      expect(s2.frames.at(-1)).to.deep.equal({ type: 'timeout', message: 'timeout' });
      // The default profile keeps the 2020 name.
      const id3 = newId();
      const s3 = await open(id3);
      await s3.frame(1);
      await m.timeout(id3);
      await s3.closed;
      expect(s3.frames.at(-1)).to.deep.equal({ type: 'timeoutExpired', message: 'timeoutExpired' });
    });

    for (const [profile, status, text] of [
      ['unauthorized', 401, 'Unauthorized'],
      ['forbidden', 403, 'Forbidden'],
    ] as const) {
      it(`${profile}: ${status} "${text}" on every HTTP method, and the socket upgrade is refused with ${status}`, async () => {
        const id = await instance(profile);
        for (const method of ['qr', 'logout', 'getStateInstance', 'getSettings', 'getWaSettings']) {
          const reply = await api(m, id, method);
          expect([reply.status, reply.text, reply.contentType], method).to.deep.equal([status, text, 'text/plain; charset=utf-8']);
        }
        const code = await api(m, id, 'getAuthorizationCode', { post: { phoneNumber: 79001234567 } });
        expect([code.status, code.text]).to.deep.equal([status, text]);
        const done = await pace(`${m.url}|${id}|scanqrcode`);
        expect(await probeSocket(wsUrl(m, id))).to.deep.include({ status, opened: false });
        done();
      });
    }

    it('quota: 466 with the body of GREEN-API\'s "466 error example body" page; the socket upgrade is refused with 466', async () => {
      const id = await instance('quota');
      for (const method of ['qr', 'getStateInstance', 'logout', 'getWaSettings']) {
        const reply = await api(m, id, method);
        expect(reply.status, method).to.equal(466);
        expect(reply.body, method).to.deep.equal(QUOTA_BODY);
      }
      expect((await api(m, id, 'qr')).body.invokeStatus.description).to.match(/^Monthly quota has been exceeded/);
      const done = await pace(`${m.url}|${id}|scanqrcode`);
      expect(await probeSocket(wsUrl(m, id))).to.deep.include({ status: 466, opened: false });
      done();
    });

    it('rate-limited: the first `times` requests of each method get 429 with Retry-After, then answers', async () => {
      const id = await instance('rate-limited', { times: 2, retryAfterS: 3 });
      for (const method of ['qr', 'getStateInstance']) {
        const replies = [await api(m, id, method), await api(m, id, method), await api(m, id, method)];
        expect(replies.map((r) => [r.status, r.retryAfter]), method).to.deep.equal([[429, '3'], [429, '3'], [200, null]]);
        expect(replies[0].text).to.equal('Too Many Requests');
      }
      const probes = [];
      for (let i = 0; i < 3; i++) {
        const done = await pace(`${m.url}|${id}|scanqrcode`);
        probes.push(await probeSocket(wsUrl(m, id), 200));
        done();
      }
      expect(probes.map((p) => [p.status, p.retryAfter, p.opened])).to.deep.equal([[429, '3', false], [429, '3', false], [undefined, undefined, true]]);
      const stats = await m.stats(id);
      expect(stats.methods.qr).to.deep.include({ total: 3, limited: 2 });
      expect(stats.methods.scanqrcode).to.deep.include({ total: 3, limited: 2 });
      expect(stats.limited).to.equal(6);
    });

    it('starting-after-scan: `starting` for startingMs after a scan (qr answers 400), then `authorized`', async () => {
      const id = await instance('starting-after-scan', { startingMs: 500 });
      const s = await open(id);
      await s.frame(1);
      const scanned = performance.now();
      await m.scan(id);
      await s.closed;
      expect(s.frames.at(-1)!.type).to.equal('accountData');
      expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'starting' });
      const qr = await api(m, id, 'qr');
      expect([qr.status, qr.text]).to.deep.equal([400, STARTING_TEXT]);
      expect((await api(m, id, 'getWaSettings')).body).to.include({ phone: '', stateInstance: 'starting' });
      await waitUntil(async () => (await api(m, id, 'getStateInstance')).body.stateInstance === 'authorized', 'never authorized', { timeout: 3000, interval: 60 });
      expect(performance.now() - scanned).to.be.at.least(450);
      // The same after a phone code.
      const id2 = await instance('starting-after-scan', { startingMs: 400 });
      expect((await api(m, id2, 'getAuthorizationCode', { post: { phoneNumber: 79001234567 } })).body.status).to.equal(true);
      await waitUntil(async () => (await api(m, id2, 'getStateInstance')).body.stateInstance === 'starting', 'never starting', { timeout: 3000, interval: 60 });
      await waitUntil(async () => (await api(m, id2, 'getStateInstance')).body.stateInstance === 'authorized', 'never authorized', { timeout: 3000, interval: 60 });
    });

    it('starting: stuck in `starting`; qr and getAuthorizationCode answer 400 with GREEN-API\'s text; Logout clears it', async () => {
      const id = await instance('starting');
      expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'starting' });
      const qr = await api(m, id, 'qr');
      expect([qr.status, qr.text, qr.contentType]).to.deep.equal([400, STARTING_TEXT, 'text/plain; charset=utf-8']);
      const code = await api(m, id, 'getAuthorizationCode', { post: { phoneNumber: 79001234567 } });
      expect([code.status, code.text]).to.deep.equal([400, STARTING_TEXT]);
      const s = await open(id);
      const ended = await s.closed;
      expect(s.frames).to.deep.equal([{ type: 'error', message: STARTING_TEXT }]);
      expect(ended.code).to.equal(1000);
      expect((await api(m, id, 'logout')).body).to.deep.equal({ isLogout: true });
      expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'notAuthorized' });
      expect((await api(m, id, 'qr')).body.type).to.equal('qrCode');
    });

    it('blocked: the account a scan or a phone code links is `blocked` (or the state chosen)', async () => {
      const id = await instance('blocked');
      const s = await open(id);
      await s.frame(1);
      await m.scan(id);
      await s.closed;
      expect(s.frames.at(-1)!.type).to.equal('accountData');
      expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'blocked' });
      expect((await api(m, id, 'getWaSettings')).body).to.include({ phone: '', stateInstance: 'blocked' });
      const id2 = await instance('blocked', { state: 'suspended' });
      await api(m, id2, 'getAuthorizationCode', { post: { phoneNumber: 79001234567 } });
      await waitUntil(async () => (await api(m, id2, 'getStateInstance')).body.stateInstance === 'suspended', 'never suspended', { timeout: 3000, interval: 60 });
      // Any state can also be set directly.
      const id3 = newId();
      for (const state of ['sleepMode', 'yellowCard', 'pendingCode', null]) {
        await m.setState(id3, state);
        expect((await api(m, id3, 'getStateInstance')).body).to.deep.equal({ stateInstance: state });
      }
    });

    it('null-state: getStateInstance answers a literal `null` body, or `{"stateInstance": null}`', async () => {
      const id = await instance('null-state');
      const reply = await api(m, id, 'getStateInstance');
      expect([reply.status, reply.text]).to.deep.equal([200, 'null']);
      const id2 = await instance('null-state', { shape: 'field' });
      expect((await api(m, id2, 'getStateInstance')).text).to.equal('{"stateInstance":null}');
    });

    it('logout-process: after Logout, getWaSettings reports logoutProcess and no QR code is made until it ends', async () => {
      const id = await instance('logout-process', { logoutProcessMs: 500 });
      await m.alreadyLogged(id);
      const loggedOut = performance.now();
      expect((await api(m, id, 'logout')).body).to.deep.equal({ isLogout: true });
      expect((await api(m, id, 'getWaSettings')).body).to.include({ logoutProcess: true, stateInstance: 'notAuthorized' });
      const qr = await api(m, id, 'qr');
      expect(qr.body).to.deep.equal({ type: 'error', message: 'logout process is running, authorization to the instance is not possible' });
      const s = await open(id);
      await s.closed;
      expect(s.frames).to.deep.equal([qr.body]);
      await waitUntil(async () => (await api(m, id, 'getWaSettings')).body.logoutProcess === false, 'logoutProcess never ended', { timeout: 3000, interval: 60 });
      expect(performance.now() - loggedOut).to.be.at.least(450);
      expect((await api(m, id, 'qr')).body.type).to.equal('qrCode');
      // Without the profile, Logout is over at once.
      const id2 = newId();
      await m.alreadyLogged(id2);
      await api(m, id2, 'logout');
      expect((await api(m, id2, 'getWaSettings')).body.logoutProcess).to.equal(false);
      expect((await api(m, id2, 'qr')).body.type).to.equal('qrCode');
    });

    it('already-logged-after-scan: the scan ends the socket with alreadyLogged instead of accountData', async () => {
      const id = await instance('already-logged-after-scan');
      const s = await open(id);
      await s.frame(1);
      await m.scan(id);
      await s.closed;
      expect(s.frames.at(-1)).to.deep.equal(ALREADY_LOGGED);
      expect(s.frames.map((f) => f.type)).to.not.include('accountData');
      expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'authorized' });
      expect((await api(m, id, 'qr')).body).to.deep.equal(ALREADY_LOGGED);
    });

    it('auth-code-refused: GetAuthorizationCode answers `status: false` (all calls, or the first `times`)', async () => {
      const id = await instance('auth-code-refused');
      for (let i = 0; i < 2; i++) {
        expect((await api(m, id, 'getAuthorizationCode', { post: { phoneNumber: 79001234567 } })).body).to.deep.equal({ status: false, code: '' });
      }
      const id2 = await instance('auth-code-refused', { times: 1 });
      expect((await api(m, id2, 'getAuthorizationCode', { post: { phoneNumber: 79001234567 } })).body.status).to.equal(false);
      const second = (await api(m, id2, 'getAuthorizationCode', { post: { phoneNumber: 79001234567 } })).body;
      expect(second.status).to.equal(true);
      expect(second.code).to.match(/^[A-Z0-9]{8}$/);
    });

    it('phone-string-refused: `phoneNumber` as a string gets 400; as an integer a code', async () => {
      const id = await instance('phone-string-refused');
      const refused = await api(m, id, 'getAuthorizationCode', { post: { phoneNumber: '79001234567' } });
      expect([refused.status, refused.text]).to.deep.equal([400, 'Bad Request Validation failed']);
      expect((await api(m, id, 'getAuthorizationCode', { post: { phoneNumber: 79001234567 } })).body.status).to.equal(true);
      // The default profile takes both.
      expect((await api(m, newId(), 'getAuthorizationCode', { post: { phoneNumber: '79001234567' } })).body.status).to.equal(true);
    });

    it('qr-error: the HTTP qr method answers `error` `times` times, then codes', async () => {
      const id = await instance('qr-error', { times: 2, message: 'not now' });
      const bodies = [await api(m, id, 'qr'), await api(m, id, 'qr'), await api(m, id, 'qr')].map((r) => r.body.type === 'qrCode' ? 'qrCode' : r.body);
      expect(bodies).to.deep.equal([{ type: 'error', message: 'not now' }, { type: 'error', message: 'not now' }, 'qrCode']);
    });

    it('silent-socket: the socket opens and nothing ever comes (no code, no timeout); HTTP still works', async () => {
      const id = await instance('silent-socket');
      const s = await open(id);
      expect(await s.openedAt).to.be.a('number');
      expect((await m.state(id)).liveSessions).to.equal(1);
      // The shared stand-in sends the first code after 50 ms and times out after 800 ms.
      await sleep(1000);
      expect(s.frames).to.deep.equal([]);
      expect(s.ws.readyState).to.equal(WebSocket.OPEN);
      expect((await api(m, id, 'qr')).body.type).to.equal('qrCode');
    });

    it('broken-png: codes that start with the PNG signature but do not decode, after goodFirst good ones', async () => {
      const id = await instance('broken-png', { goodFirst: 1 });
      const s = await open(id);
      const good = (await s.frame(1)).message as string;
      const broken = (await s.frame(2)).message as string;
      expect((await decodeQr(`data:image/png;base64,${good}`)).text).to.match(/^2@/);
      expect(await imageLoads(good)).to.equal('load');
      expect(broken.startsWith(PNG_MAGIC_B64)).to.equal(true);
      expect(await imageLoads(broken)).to.equal('error');
      const id2 = await instance('broken-png');
      const qr = (await api(m, id2, 'qr')).body;
      expect(qr.type).to.equal('qrCode');
      expect(qr.message.startsWith(PNG_MAGIC_B64)).to.equal(true);
      expect(await imageLoads(qr.message)).to.equal('error');
    });

    it('drop-mid-scan: after the first code the server cuts the sockets and is unreachable for downMs, once', async () => {
      const id = await instance('drop-mid-scan', { downMs: 500 });
      const s = await open(id);
      const dropped = await s.closed;
      const downSince = performance.now();
      expect(s.frames.map((f) => f.type)).to.deep.equal(['qrCode']);
      expect(dropped.code).to.equal(1006); // no close frame: the server went away
      const again = await open(id);
      expect(await again.openedAt).to.equal(undefined);
      let error: unknown;
      try {
        await fetch(`${m.url}/waInstance${id}/getStateInstance/${TOKEN}`);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(TypeError);
      await waitUntil(async () => {
        const probe = await open(id);
        return (await probe.openedAt) !== undefined;
      }, 'the server never came back', { timeout: 3000, interval: 50 });
      expect(performance.now() - downSince).to.be.at.least(400);
      const back = sockets.at(-1)!;
      await back.frame(2); // the code rotates (300 ms): this time the socket stays
      expect(back.ws.readyState).to.equal(WebSocket.OPEN);
    });

    it('drop-mid-scan by HTTP: after the first code from the qr method the server is unreachable for downMs', async () => {
      const id = await instance('drop-mid-scan', { downMs: 400 });
      expect((await api(m, id, 'qr')).body.type).to.equal('qrCode');
      const downSince = performance.now();
      let error: unknown;
      try {
        await fetch(`${m.url}/waInstance${id}/qr/${TOKEN}`);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(TypeError);
      await waitUntil(
        async () => {
          try {
            return (await api(m, id, 'getStateInstance')).status === 200;
          } catch {
            return false;
          }
        },
        'the server never came back',
        { timeout: 3000, interval: 50 },
      );
      expect(performance.now() - downSince).to.be.at.least(300);
      expect((await api(m, id, 'qr')).body.type).to.equal('qrCode');
    });
  });

  describe('messengers', () => {
    for (const messenger of ['telegram', 'v3'] as const) {
      describe(messenger === 'v3' ? 'MAX (v3)' : 'Telegram', () => {
        it('GetSettings tells the messenger; no websocket and no WhatsApp-only methods (404)', async () => {
          const id = await instance('happy', undefined, messenger);
          expect((await api(m, id, 'getSettings')).body).to.include({ typeInstance: messenger });
          expect(await probeSocket(wsUrl(m, id))).to.deep.include({ status: 404, opened: false });
          for (const method of ['getWaSettings']) expect((await api(m, id, method)).status, method).to.equal(404);
          const code = await api(m, id, 'getAuthorizationCode', { post: { phoneNumber: 79001234567 } });
          expect([code.status, code.body]).to.deep.equal([404, { error: 'not found' }]);
          expect((await api(m, id, 'getStateInstance', { prefix: '/v3' })).body).to.deep.equal({ stateInstance: 'notAuthorized' });
        });

        it('qr: a fresh code every qrRefreshMs (300 ms here; GREEN-API: 5 s)', async () => {
          const id = await instance('happy', undefined, messenger);
          const first = (await api(m, id, 'qr')).body;
          expect(first.type).to.equal('qrCode');
          const firstAt = performance.now();
          const same = (await api(m, id, 'qr')).body;
          expect(same.message).to.equal(first.message);
          const text = (await decodeQr(`data:image/png;base64,${first.message}`)).text;
          expect(text).to.match(messenger === 'telegram' ? /^tg:\/\/login\?token=[\w-]+$/ : /^https:\/\/max\.ru\/login\?token=[\w-]+$/);
          await waitUntil(async () => (await api(m, id, 'qr')).body.message !== first.message, 'the code never changed', { timeout: 3000, interval: 50 });
          expect(performance.now() - firstAt).to.be.at.least(250);
        });

        it('a scan without a cloud password links: GetAccountSettings has avatar, phone, chatId', async () => {
          const id = await instance('happy', undefined, messenger);
          expect((await api(m, id, 'getAccountSettings')).body).to.include({ avatar: '', phone: '', stateInstance: 'notAuthorized', chatId: '' });
          expect((await m.scan(id)).delivered).to.equal(0);
          const settings = (await api(m, id, 'getAccountSettings')).body;
          expect(settings).to.include({ phone: '79001234567', stateInstance: 'authorized', chatId: '1234567890', avatar: `${m.url}/mock/avatar.png` });
          if (messenger === 'v3') expect(settings.suspendedUntil).to.equal(0);
          const avatar = await fetch(settings.avatar);
          expect(avatar.headers.get('content-type')).to.equal('image/png');
          expect(await imageLoads(btoa(String.fromCharCode(...new Uint8Array(await avatar.arrayBuffer()))))).to.equal('load');
          expect((await api(m, id, 'qr')).body).to.deep.equal(
            messenger === 'telegram' ? { type: 'already_registered', message: 'instance account already registered' } : ALREADY_LOGGED,
          );
          expect((await m.state(id)).account).to.deep.equal({ phone: '79001234567', chatId: '1234567890', avatar: `${m.url}/mock/avatar.png` });
        });

        it('a scan with a cloud password: pendingPassword, then SendAuthorizationPassword (wrong, right, again)', async () => {
          const id = await instance('happy', undefined, messenger);
          expect((await api(m, id, 'sendAuthorizationPassword', { post: { password: 'x' } })).body).to.deep.equal({
            status: false, data: { status: 'fail', reason: 'authorization_not_started' },
          });
          await m.password(id, 'secret-1');
          expect((await m.state(id)).hasPassword).to.equal(true);
          await m.scan(id);
          expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'pendingPassword' });
          expect((await api(m, id, 'getAccountSettings')).body.stateInstance).to.equal('pendingPassword');
          expect((await api(m, id, 'qr')).body).to.deep.equal(
            messenger === 'telegram'
              ? { type: 'pending_password', message: 'instance is waiting for the account password' }
              : { type: 'error', message: 'instance is waiting for the account password' },
          );
          expect((await api(m, id, 'sendAuthorizationPassword', { post: { password: 'wrong' } })).body).to.deep.equal({
            status: false, data: { status: 'fail', reason: 'invalid_password' },
          });
          expect((await api(m, id, 'sendAuthorizationPassword', { post: { password: 'secret-1' } })).body).to.deep.equal({
            status: true, data: { status: 'success' },
          });
          expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'authorized' });
          expect((await api(m, id, 'sendAuthorizationPassword', { post: { password: 'secret-1' } })).body).to.deep.equal({
            status: false, data: { status: 'fail', reason: 'already_registered' },
          });
        });

        it('wrong passwords in a row: rate_limit_exceeded for a while', async () => {
          const id = await instance('happy', undefined, messenger);
          await m.password(id, 'pw');
          await m.scan(id);
          const send = async (password: string) => (await api(m, id, 'sendAuthorizationPassword', { post: { password } })).body.data.reason;
          expect([await send('a'), await send('b'), await send('c'), await send('pw')]).to.deep.equal([
            'invalid_password', 'invalid_password', 'invalid_password', 'rate_limit_exceeded',
          ]);
          await waitUntil(async () => (await send('pw')) === undefined, 'still locked', { timeout: 3000, interval: 60 });
          expect((await api(m, id, 'getStateInstance')).body.stateInstance).to.equal('authorized');
        });

        it('a password step left too long ends: reason `timeout`, then authorization_not_started', async () => {
          const mock = await own({ passwordTimeoutMs: 300, messenger });
          const id = newId();
          await mock.password(id, 'pw');
          await mock.scan(id);
          await waitUntil(async () => (await api(mock, id, 'getStateInstance')).body.stateInstance === 'notAuthorized', 'still pending', { timeout: 3000, interval: 60 });
          const send = async () => (await api(mock, id, 'sendAuthorizationPassword', { post: { password: 'pw' } })).body.data.reason;
          expect([await send(), await send()]).to.deep.equal(['timeout', 'authorization_not_started']);
        });

        it('stuck-pending-password: pendingPassword after a scan without a password; every password refused until Logout', async () => {
          const id = await instance('stuck-pending-password', undefined, messenger);
          await m.scan(id);
          expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'pendingPassword' });
          expect((await api(m, id, 'sendAuthorizationPassword', { post: { password: '' } })).body.data.reason).to.equal('invalid_password');
          expect((await api(m, id, 'sendAuthorizationPassword', { post: { password: 'anything' } })).body.data.reason).to.equal('invalid_password');
          expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'pendingPassword' });
          await api(m, id, 'logout');
          expect((await api(m, id, 'getStateInstance')).body).to.deep.equal({ stateInstance: 'notAuthorized' });
        });
      });
    }

    it('MAX has no phone linking: StartAuthorization and SendAuthorizationCode answer 404', async () => {
      const id = await instance('happy', undefined, 'v3');
      for (const method of ['startAuthorization', 'sendAuthorizationCode']) {
        const reply = await api(m, id, method, { post: { phoneNumber: 79001234567, code: '12345' } });
        expect([reply.status, reply.body], method).to.deep.equal([404, { error: 'not found' }]);
      }
    });

    describe('Telegram by phone', () => {
      it('StartAuthorization sends a code to the system chat (the control API reads it); SendAuthorizationCode links', async () => {
        const id = await instance('happy', undefined, 'telegram');
        expect((await m.authCode(id)).code).to.equal(null);
        expect((await api(m, id, 'sendAuthorizationCode', { post: { code: '12345' } })).body.data.reason).to.equal('authorization_not_started');
        expect((await api(m, id, 'startAuthorization', { post: { phoneNumber: 79001234567 } })).body).to.deep.equal({ status: true, data: { status: 'success' } });
        const sent = await m.authCode(id);
        expect(sent.code).to.match(/^\d{5}$/);
        expect(sent).to.deep.include({ phoneNumber: 79001234567, codesSent: 1 });
        expect(sent.expiresAt! - sent.sentAt!).to.equal(300_000);
        expect((await api(m, id, 'getStateInstance')).body.stateInstance).to.equal('notAuthorized');
        // No new code within 5 minutes.
        expect((await api(m, id, 'startAuthorization', { post: { phoneNumber: 79001234567 } })).body.status).to.equal(true);
        expect(await m.authCode(id)).to.deep.equal(sent);
        const wrong = sent.code === '11111' ? '22222' : '11111';
        expect((await api(m, id, 'sendAuthorizationCode', { post: { code: wrong } })).body).to.deep.equal({
          status: false, data: { status: 'fail', reason: 'invalid_code' },
        });
        expect((await api(m, id, 'sendAuthorizationCode', { post: { code: sent.code } })).body).to.deep.equal({ status: true, data: { status: 'success' } });
        expect((await api(m, id, 'getAccountSettings')).body).to.include({ stateInstance: 'authorized', phone: '79001234567' });
        expect((await api(m, id, 'qr')).body.type).to.equal('already_registered');
      });

      it('with a cloud password: code alone → pendingPassword; code + wrong password → invalid_password; code + password → linked', async () => {
        const code = async (id: string) => {
          await api(m, id, 'startAuthorization', { post: { phoneNumber: 79001234567 } });
          return (await m.authCode(id)).code!;
        };
        const a = await instance('happy', undefined, 'telegram');
        await m.password(a, 'pw');
        expect((await api(m, a, 'sendAuthorizationCode', { post: { code: await code(a) } })).body.data.status).to.equal('success');
        expect((await api(m, a, 'getStateInstance')).body.stateInstance).to.equal('pendingPassword');
        expect((await api(m, a, 'sendAuthorizationPassword', { post: { password: 'pw' } })).body.data.status).to.equal('success');
        expect((await api(m, a, 'getStateInstance')).body.stateInstance).to.equal('authorized');

        const b = await instance('happy', undefined, 'telegram');
        await m.password(b, 'pw');
        const bCode = await code(b);
        expect((await api(m, b, 'sendAuthorizationCode', { post: { code: bCode, password: 'nope' } })).body.data.reason).to.equal('invalid_password');
        expect((await api(m, b, 'getStateInstance')).body.stateInstance).to.equal('pendingPassword');
        // GREEN-API's chat app sends the password through SendAuthorizationCode with an empty code.
        expect((await api(m, b, 'sendAuthorizationCode', { post: { code: '', password: 'pw' } })).body.data.status).to.equal('success');

        const c = await instance('happy', undefined, 'telegram');
        await m.password(c, 'pw');
        expect((await api(m, c, 'sendAuthorizationCode', { post: { code: await code(c), password: 'pw' } })).body).to.deep.equal({ status: true, data: { status: 'success' } });
        expect((await api(m, c, 'getStateInstance')).body.stateInstance).to.equal('authorized');
      });

      it('the code lives codeLifetimeMs: then `timeout`, and StartAuthorization sends a new one', async () => {
        const mock = await own({ codeLifetimeMs: 300, messenger: 'telegram' });
        const id = newId();
        await api(mock, id, 'startAuthorization', { post: { phoneNumber: 79001234567 } });
        const first = await mock.authCode(id);
        expect(first.expiresAt! - first.sentAt!).to.equal(300);
        await waitUntil(() => Date.now() > first.expiresAt!, 'never past the lifetime', { timeout: 3000, interval: 20 });
        expect((await api(mock, id, 'sendAuthorizationCode', { post: { code: first.code } })).body.data.reason).to.equal('timeout');
        await api(mock, id, 'startAuthorization', { post: { phoneNumber: 79001234567 } });
        const second = await mock.authCode(id);
        expect(second.codesSent).to.equal(2);
        expect(second.sentAt).to.be.above(first.sentAt!);
      });

      it('phone-string-refused: StartAuthorization refuses phoneNumber as a string', async () => {
        const id = await instance('phone-string-refused', undefined, 'telegram');
        const reply = await api(m, id, 'startAuthorization', { post: { phoneNumber: '79001234567' } });
        expect([reply.status, reply.text]).to.deep.equal([400, 'Bad Request Validation failed']);
      });
    });

    it('the server-wide messenger: --messenger / `messenger` option and POST /mock/messenger', async () => {
      const mock = await own({ messenger: 'telegram' });
      expect((await api(mock, newId(), 'getSettings')).body.typeInstance).to.equal('telegram');
      const res = await fetch(`${mock.url}/mock/messenger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messenger":"v3"}' });
      expect(await res.json()).to.deep.equal({ messenger: 'v3' });
      expect((await api(mock, newId(), 'getSettings')).body.typeInstance).to.equal('v3');
    });
  });

  describe('rate limits (always on, GREEN-API\'s numbers, 1-s window)', () => {
    let r: Mock;
    beforeEach(async () => (r = await own({ rateWindowMs: 1000 })));

    /** `n` requests at once; their statuses in order and the Retry-After of the refused ones. */
    async function burst(mock: Mock, id: string, method: string, n: number, post?: unknown) {
      const replies = await Promise.all(Array.from({ length: n }, () => api(mock, id, method, { paced: false, post })));
      return { ok: replies.filter((x) => x.status === 200).length, refused: replies.filter((x) => x.status === 429), replies };
    }

    it('WhatsApp: qr 3/s, getStateInstance, getWaSettings, logout, getSettings 1/s; 429 with a readable Retry-After', async () => {
      const id = newId();
      const qr = await burst(r, id, 'qr', 5);
      expect(qr.ok).to.equal(3);
      expect(qr.refused.map((x) => [x.text, x.retryAfter])).to.deep.equal([['Too Many Requests', '1'], ['Too Many Requests', '1']]);
      for (const method of ['getStateInstance', 'getWaSettings', 'logout', 'getSettings']) {
        expect((await burst(r, id, method, 3)).ok, method).to.equal(1);
      }
      const stats = await r.stats(id);
      expect(stats).to.deep.include({ messenger: 'whatsapp', windowMs: 1000, limited: 2 + 4 * 2 });
      expect(stats.methods.qr).to.deep.equal({ total: 5, limited: 2, maxPerSecond: 5, limit: 3 });
      expect(stats.methods.getStateInstance).to.deep.equal({ total: 3, limited: 2, maxPerSecond: 3, limit: 1 });
      // Methods the rate-limiter pages do not list: 50 per second.
      expect((await burst(r, id, 'getAuthorizationCode', 3, { phoneNumber: 79001234567 })).ok).to.equal(3);
      expect((await r.stats(id)).methods.getAuthorizationCode.limit).to.equal(50);
    });

    it('WhatsApp: one scanqrcode upgrade per second; the next is refused with 429', async () => {
      const id = newId();
      const [a, b] = await Promise.all([probeSocket(wsUrl(r, id), 300), probeSocket(wsUrl(r, id), 300)]);
      expect([a, b].filter((p) => p.opened)).to.have.length(1);
      expect([a, b].find((p) => !p.opened)).to.deep.include({ status: 429, retryAfter: '1' });
      expect((await r.stats(id)).methods.scanqrcode).to.deep.equal({ total: 2, limited: 1, maxPerSecond: 2, limit: 1 });
    });

    it('Telegram: qr 3/s and every account method 1/s', async () => {
      const id = newId();
      await r.messenger(id, 'telegram');
      expect((await burst(r, id, 'qr', 5)).ok).to.equal(3);
      for (const method of ['getStateInstance', 'getAccountSettings', 'getSettings', 'logout']) {
        expect((await burst(r, id, method, 3)).ok, method).to.equal(1);
      }
      for (const method of ['startAuthorization', 'sendAuthorizationCode', 'sendAuthorizationPassword']) {
        expect((await burst(r, id, method, 3, { phoneNumber: 79001234567, code: '1', password: 'x' })).ok, method).to.equal(1);
      }
    });

    it('MAX: qr 1/s and every account method 1/s', async () => {
      const id = newId();
      await r.messenger(id, 'v3');
      expect((await burst(r, id, 'qr', 3)).ok).to.equal(1);
      for (const method of ['getStateInstance', 'getAccountSettings', 'logout']) expect((await burst(r, id, method, 2)).ok, method).to.equal(1);
      expect((await r.stats(id)).methods.qr.limit).to.equal(1);
    });

    it('limits are per instance and per method; a client that waits gets through again', async () => {
      const fast = await startMock({ rateWindowMs: 300 });
      try {
        const [a, b] = [newId(), newId()];
        const burstAt = performance.now();
        expect((await burst(fast, a, 'getStateInstance', 2)).ok).to.equal(1);
        expect((await burst(fast, b, 'getStateInstance', 1)).ok).to.equal(1);
        expect((await burst(fast, a, 'getWaSettings', 1)).ok).to.equal(1);
        expect((await fast.stats(a)).methods.getStateInstance).to.deep.equal({ total: 2, limited: 1, maxPerSecond: 2, limit: 1 });
        await waitUntil(async () => (await api(fast, a, 'getStateInstance', { paced: false })).status === 200, 'never let through', { timeout: 3000, interval: 50 });
        expect(performance.now() - burstAt).to.be.at.least(290);
        // Every attempt counts in maxPerSecond, the refused ones too.
        expect((await fast.stats(a)).methods.getStateInstance.maxPerSecond).to.be.at.least(3);
      } finally {
        await fast.stop();
      }
    });

    it('GET /mock/profiles publishes the limits; GET /mock/{id}/stats counts nothing for an untouched instance', async () => {
      const { rateLimits } = await (await fetch(`${r.url}/mock/profiles`)).json();
      expect(rateLimits.whatsapp).to.deep.equal({ qr: 3, scanqrcode: 1, getStateInstance: 1, getWaSettings: 1, logout: 1, getSettings: 1 });
      expect(rateLimits.v3.qr).to.equal(1);
      expect(rateLimits.telegram.qr).to.equal(3);
      expect(await r.stats('1')).to.deep.equal({ idInstance: '1', messenger: 'whatsapp', windowMs: 1000, limited: 0, methods: {} });
    });
  });

  describe('README: Local GREEN-API stand-in', () => {
    /** The section's text, and the lines of its `sh` code blocks. */
    async function readme() {
      const md = await (await fetch('/README.md', { cache: 'no-store' })).text();
      const start = md.indexOf('## Local GREEN-API stand-in');
      const section = md.slice(start, md.indexOf('\n## ', start + 3));
      const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
        .flatMap((block) => block[1].split('\n'))
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'));
      return { section, lines };
    }

    /** Shell words: split on spaces, '…' and "…" quote (enough for the README's commands). */
    function words(line: string): string[] {
      const out: string[] = [];
      for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(match[1] ?? match[2] ?? match[3]);
      return out;
    }

    it('every command of the section runs as written (ports replaced by free ones)', async function () {
      this.timeout(60_000);
      const { lines } = await readme();
      expect(lines.length).to.be.at.least(7);
      for (const line of lines) {
        const w = words(line);
        const env: Record<string, string> = {};
        while (/^[A-Z_]+=/.test(w[0])) {
          const [key, value] = w.shift()!.split('=');
          env[key] = value;
        }
        if (w[0] === 'npm' && w[1] === 'run' && w[2] === 'mock') {
          const args = w.slice(4);
          const portAt = args.indexOf('--port');
          if (portAt >= 0) args[portAt + 1] = '0';
          else args.push('--port', '0');
          const out = await runMockCli(args, { npm: true, until: 'control', env });
          expect(out.matched, `${line}\n${out.stderr}`).to.equal(true);
          expect(out.stderr, line).to.equal('');
          const profile = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : 'happy';
          const options = args.includes('--profile-options') ? JSON.parse(args[args.indexOf('--profile-options') + 1]) : {};
          const messenger = args.includes('--messenger') ? args[args.indexOf('--messenger') + 1] : 'whatsapp';
          const { profiles } = await (await fetch(`${m.url}/mock/profiles`)).json();
          const merged = JSON.stringify({ ...profiles[profile].options, ...options });
          expect(out.stdout, line).to.contain(`profile    ${profile} ${merged}; instances are ${messenger} unless set`);
        } else if (w[0] === 'npm' && w[1] === 'run' && w[2] === 'demo') {
          const out = await runMockCli(w.slice(4), { npm: true, script: 'demo', env: { ...env, MOCK_PORT: '0' }, until: 'GREEN-API mock .*\\)', timeoutMs: 15_000 });
          expect(out.matched, `${line}\n${out.stdout}\n${out.stderr}`).to.equal(true);
          expect(out.stdout, line).to.match(/green-qr-scan demo {3}http:\/\/127\.0\.0\.1:\d+\//);
          expect(out.stdout, line).to.contain(`profile ${env.MOCK_PROFILE ?? 'happy'}, ${env.MOCK_MESSENGER ?? 'whatsapp'}`);
        } else if (w[0] === 'curl') {
          const mock = await own({});
          let method = 'GET';
          let body: string | undefined;
          const headers: Record<string, string> = {};
          let url = '';
          for (let i = 1; i < w.length; i++) {
            if (w[i] === '-X') method = w[++i];
            else if (w[i] === '-H') {
              const [key, ...value] = w[++i].split(':');
              headers[key.trim()] = value.join(':').trim();
            } else if (w[i] === '-d') body = w[++i];
            else url = w[i];
          }
          expect(url, line).to.match(/^http:\/\/127\.0\.0\.1:7070\/mock\//);
          const res = await fetch(url.replace('http://127.0.0.1:7070', mock.url), { method, headers, body });
          expect(res.status, line).to.equal(200);
          const reply = await res.json();
          if (body) {
            const sent = JSON.parse(body);
            if (sent.name) expect(reply.state, line).to.deep.include({ profile: sent.name, profileOptions: { ...sent.options } });
            if (sent.messenger) expect(reply.state.messenger, line).to.equal(sent.messenger);
          } else {
            expect(reply, line).to.include.keys('idInstance', 'messenger', 'windowMs', 'limited', 'methods');
          }
          await mock.stop();
          extra = undefined;
        } else {
          expect.fail(`a command in the README that no test runs: ${line}`);
        }
      }
    });

    it('the profile table lists every profile with its default options', async () => {
      const { section } = await readme();
      const rows = [...section.matchAll(/^\| `([a-z-]+)` \| .* \| `(\{.*\})` \|$/gm)];
      const { profiles } = await (await fetch(`${m.url}/mock/profiles`)).json();
      expect(rows.map((row) => row[1])).to.deep.equal(ALL_PROFILES);
      for (const [, name, options] of rows) expect(JSON.parse(options), name).to.deep.equal(profiles[name].options);
    });
  });

  describe('command line', () => {
    it('a busy port: one friendly line on stderr, exit code 1, no stack', async () => {
      const out = await runMockCli(['--port', '{busy}']);
      expect(out.code).to.equal(1);
      expect(out.stdout).to.equal('');
      expect(out.stderr).to.match(/^Port \d+ is already in use on 127\.0\.0\.1: stop the other server or pick another port \(npm run mock -- --port 7071, or PORT=7071\)\.\n$/);
      expect(out.stderr).to.not.contain('EADDRINUSE');
    });

    it('--profile / --profile-options / --messenger start the stand-in with them', async () => {
      const out = await runMockCli(['--port', '0', '--profile', 'slow-first-qr', '--profile-options', '{"delayMs": 20000}', '--messenger', 'telegram'], {
        until: 'control',
      });
      expect(out.matched).to.equal(true);
      expect(out.stderr).to.equal('');
      expect(out.stdout).to.match(/^GREEN-API mock listening on http:\/\/127\.0\.0\.1:\d+\n/);
      expect(out.stdout).to.contain('profile    slow-first-qr {"delayMs":20000}; instances are telegram unless set');
    });

    it('bad arguments: the reason and the usage, exit code 2', async () => {
      for (const args of [['--profile', 'sunny'], ['--port', 'x'], ['--profile-options', '{'], ['--messenger', 'icq'], ['--what']]) {
        const out = await runMockCli(args);
        expect(out.code, args.join(' ')).to.equal(2);
        expect(out.stderr, args.join(' ')).to.contain('usage: node mock/server.mjs [--port N] [--profile NAME]');
      }
    });
  });
});
