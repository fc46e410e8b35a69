// Token hygiene: through a whole journey of every kind (linked, each failure, invalid config,
// reconnect, HTTP fallback, phone-number linking), everything a page or a script on it can see
// (console output, event details, failures, the rendered shadow DOM, the host's HTML and attributes,
// storage, the address) never holds the token, except the `token` attribute when the page put it
// there itself.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import type { ScanSessionOptions } from '../src/core/scan-session.js';
import type { PhoneLinkOptions } from '../src/core/phone-link-session.js';
import { startHttpServer, type HttpServer } from './helpers/http-server.js';
import { INSTANCE_ID, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';
import { part, sleep, submitPhone } from './helpers/element.js';
import { en } from '../src/element/locales/en.js';


/** A distinctive 50-hex-character token. */
const SECRET = 'deadbeefcafe0123456789abcdef0123456789abcdeff00d42';
/** A token with characters that must be percent-encoded to stay one path segment. */
const SPECIAL = 'a/b?c#d%e';
const SPECIAL_SEGMENT = 'a%2Fb%3Fc%23d%25e';

/** What must never show up, for a token: itself, its encoded form, and (for long ones) pieces of it. */
function needlesFor(token: string): string[] {
  const needles = new Set([token, encodeURIComponent(token)]);
  if (token.length >= 32) {
    for (let i = 0; i + 16 <= token.length; i += 4) needles.add(token.slice(i, i + 16));
  }
  return [...needles];
}

/** An attribute value as `outerHTML` serializes it. */
const attributeHtml = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/\u00a0/g, '&nbsp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const safeJson = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

/** Collects everything observable while a journey runs. */
class Collector {
  readonly seen: { where: string; text: string }[] = [];
  readonly console: string[] = [];
  readonly events: string[] = [];
  #undo: (() => void)[] = [];
  #elements: GreenQrScan[] = [];

  constructor(
    readonly token: string,
    readonly tokenAs: 'attribute' | 'property',
  ) {}

  start(): this {
    const target = console as unknown as Record<string, unknown>;
    for (const name of Object.keys(target)) {
      const original = target[name];
      if (typeof original !== 'function') continue;
      target[name] = (...args: unknown[]) => {
        // console.assert prints only when its condition is falsy (Lit's dev mode asserts a lot).
        if (name === 'assert' && args[0]) return;
        const line = `${name}: ${args.map((a) => (typeof a === 'string' ? a : `${String(a)} ${safeJson(a)} ${a instanceof Error ? a.stack : ''}`)).join(' ')}`;
        this.console.push(line);
        this.seen.push({ where: 'console', text: line });
      };
      this.#undo.push(() => (target[name] = original));
    }
    for (const type of ['scan-state-change', 'account-linked', 'scan-failed']) {
      const listener = (e: Event) => {
        const detail = safeJson((e as CustomEvent).detail);
        this.events.push(`${type} ${detail}`);
        this.seen.push({ where: `event ${type}`, text: detail });
      };
      document.addEventListener(type, listener, true);
      this.#undo.push(() => document.removeEventListener(type, listener, true));
    }
    return this;
  }

  /** Watches an element from before it connects: host attributes and every render of its shadow root. */
  watch(el: GreenQrScan): void {
    this.#elements.push(el);
    const observer = new MutationObserver(() => this.snapshot(el, 'mutation'));
    observer.observe(el, { attributes: true });
    this.#undo.push(() => observer.disconnect());
  }

  /** Call right after the element connected (its shadow root exists from then on). */
  watchShadow(el: GreenQrScan): void {
    const observer = new MutationObserver(() => this.snapshot(el, 'render'));
    observer.observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true, characterData: true });
    this.#undo.push(() => observer.disconnect());
  }

  snapshot(el: GreenQrScan, why: string): void {
    const add = (where: string, text: unknown) => this.seen.push({ where: `${why}: ${where}`, text: String(text) });
    let outer = el.outerHTML;
    if (this.tokenAs === 'attribute' && el.getAttribute('token') === this.token) {
      const own = ` token="${attributeHtml(this.token)}"`;
      expect(outer.split(own).length - 1, 'the token attribute in outerHTML').to.equal(1);
      outer = outer.replace(own, '');
    }
    add('host outerHTML', outer);
    for (const name of el.getAttributeNames()) {
      if (name === 'token' && this.tokenAs === 'attribute') continue;
      add(`host attribute ${name}`, el.getAttribute(name));
    }
    const root = el.shadowRoot;
    if (root) {
      add('shadow innerHTML', root.innerHTML);
      add('shadow textContent', root.textContent);
      for (const node of root.querySelectorAll('*')) {
        for (const name of node.getAttributeNames()) add(`shadow <${node.localName} ${name}>`, node.getAttribute(name));
        if (node instanceof HTMLInputElement) add('shadow input value', node.value);
        if (node instanceof HTMLImageElement) add('shadow img src', node.src);
      }
    }
    add('failure', safeJson(el.failure));
    add('account', safeJson(el.account));
    add('state', el.state);
    add('light DOM', el.innerHTML);
  }

  stop(): void {
    for (const el of this.#elements) this.snapshot(el, 'end');
    this.seen.push({ where: 'document.cookie', text: document.cookie });
    this.seen.push({ where: 'location', text: location.href });
    this.seen.push({ where: 'document.title', text: document.title });
    for (const [name, storage] of [['localStorage', localStorage], ['sessionStorage', sessionStorage]] as const) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i)!;
        this.seen.push({ where: name, text: `${key}=${storage.getItem(key)}` });
      }
    }
    for (const undo of this.#undo.reverse()) undo();
    this.#undo = [];
  }

  /** Where any of `needles` showed up (with a little context). */
  leaks(needles = needlesFor(this.token)): string[] {
    const found: string[] = [];
    for (const { where, text } of this.seen) {
      for (const needle of needles) {
        const at = text.indexOf(needle);
        if (at >= 0) found.push(`${where} contains ${JSON.stringify(needle)}: …${text.slice(Math.max(0, at - 60), at + needle.length + 20)}…`);
      }
    }
    return [...new Set(found)];
  }

  /** The token's own attribute is the only place the token may be; with a property, no attribute at all. */
  assertClean(el: GreenQrScan, needles?: string[]): void {
    expect(this.leaks(needles)).to.deep.equal([]);
    if (this.tokenAs === 'property') {
      expect(el.hasAttribute('token')).to.equal(false);
      for (const name of el.getAttributeNames()) expect(el.getAttribute(name), name).to.not.contain(this.token);
    } else {
      expect(el.getAttribute('token')).to.equal(this.token);
    }
  }
}

interface Setup {
  apiUrl: string;
  instanceId?: string;
  mode?: 'phone';
  transport?: 'websocket';
  allowLogout?: boolean;
  sessionOptions?: ScanSessionOptions & PhoneLinkOptions;
}

const FAST: ScanSessionOptions = { backoffMs: [20], maxConnectAttempts: 2, transport: 'websocket' };

for (const tokenAs of ['property', 'attribute'] as const) {
  describe(`token hygiene (token set as ${tokenAs === 'property' ? 'a property' : 'an attribute'})`, function () {
    this.timeout(15_000);
    let ws: WsServer;
    let http: HttpServer;
    let collector: Collector;
    let container: HTMLElement;
    let png1: string;
    let png2: string;

    before(() => {
      png1 = pngBase64(21);
      png2 = pngBase64(22);
    });
    beforeEach(async () => {
      ws = await startWsServer();
      http = await startHttpServer();
      container = await fixture<HTMLElement>(html`<div></div>`);
    });
    afterEach(async () => {
      collector?.stop();
      await ws.stop();
      await http.stop();
    });

    /** Creates the element the way a page would, watched from before it connects. */
    function create(setup: Setup, token = SECRET): GreenQrScan {
      collector = new Collector(token, tokenAs).start();
      const el = document.createElement('green-qr-scan') as GreenQrScan;
      el.setAttribute('messenger', 'whatsapp');
      el.setAttribute('instance-id', setup.instanceId ?? INSTANCE_ID);
      el.setAttribute('api-url', setup.apiUrl);
      if (setup.mode) el.setAttribute('mode', setup.mode);
      if (setup.transport) el.setAttribute('transport', setup.transport);
      if (setup.allowLogout) el.setAttribute('allow-logout', '');
      el.sessionOptions = setup.sessionOptions ?? FAST;
      collector.watch(el);
      if (tokenAs === 'attribute') el.setAttribute('token', token);
      else el.token = token;
      container.appendChild(el);
      collector.watchShadow(el);
      return el;
    }

    async function showQr(el: GreenQrScan, png: string, index?: number) {
      await ws.send({ type: 'qrCode', message: png }, index);
      await waitUntil(() => part(el, 'qr')?.getAttribute('src') === `data:image/png;base64,${png}`, 'QR not shown');
    }

    async function finish(el: GreenQrScan, needles?: string[]) {
      await el.updateComplete;
      collector.stop();
      collector.assertClean(el, needles);
    }

    it('the collector does see a leak (console, event detail, attribute, shadow text)', async () => {
      const el = create({ apiUrl: ws.url });
      await ws.waitForConnection(1);
      console.warn('oops', { token: SECRET });
      el.dispatchEvent(new CustomEvent('scan-failed', { detail: { message: `x${SECRET.slice(10, 30)}y` } }));
      el.setAttribute('data-x', SECRET.toUpperCase().toLowerCase());
      el.shadowRoot!.append(document.createTextNode(SECRET.slice(-20)));
      await sleep(0);
      collector.stop();
      const leaks = collector.leaks();
      expect(leaks.some((l) => l.startsWith('console contains'))).to.equal(true);
      expect(leaks.some((l) => l.startsWith('event scan-failed contains'))).to.equal(true);
      expect(leaks.some((l) => l.includes('host attribute data-x contains'))).to.equal(true);
      expect(leaks.some((l) => l.includes('shadow textContent contains'))).to.equal(true);
      expect(() => collector.assertClean(el)).to.throw();
    });

    it('QR → linked, with an ignored frame and a rotated code', async () => {
      const el = create({ apiUrl: ws.url });
      const [connection] = await ws.waitForConnection(1);
      expect(connection.path).to.equal(`/waInstance${INSTANCE_ID}/scanqrcode/${SECRET}`);
      await ws.send('not json');
      await showQr(el, png1);
      await showQr(el, png2);
      await ws.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: '10.0.0.1', webhookUrl: 'https://hooks.example/wa' });
      await waitUntil(() => el.state === 'linked');
      await finish(el);
      // After accountData, GetWaSettings is asked for the avatar: this stand-in has no HTTP methods,
      // so the account is what the socket told (and the failed read names the origin, never the token).
      expect(collector.console).to.deep.equal([
        'debug: [green-qr-scan] ignored a frame: frame is not JSON',
        `debug: [green-qr-scan] could not read the account details: getWaSettings: could not reach ${ws.url.replace(/^ws/, 'http')}`,
      ]);
      expect(collector.events).to.deep.equal([
        'scan-state-change {"state":"connecting","previous":"idle"}',
        'scan-state-change {"state":"qr","previous":"connecting"}',
        'scan-state-change {"state":"linked","previous":"qr"}',
        'account-linked {"wid":"79001234567@c.us","pushname":"Anna","proxy":"10.0.0.1","webhookUrl":"https://hooks.example/wa","messenger":"whatsapp","phone":"79001234567"}',
      ]);
    });

    const serverFailures = [
      [{ type: 'alreadyLogged', message: 'instance account already authorized' }, 'alreadyLogged'],
      [{ type: 'error', message: 'Instance has auth. You need to make log out' }, 'error'],
      [{ type: 'timeoutExpired', message: 'timeoutExpired' }, 'timeoutExpired'],
      [{ type: 'timeout', message: 'timeout' }, 'timeoutExpired'],
    ] as const;
    for (const [frame, reason] of serverFailures) {
      it(`${frame.type} → scan-failed (${reason}), then a failing Logout`, async () => {
        const el = create({ apiUrl: ws.url, allowLogout: true });
        await ws.waitForConnection(1);
        // `alreadyLogged` after a code is confirmed with GetStateInstance; before one it is final.
        const qrFirst = reason !== 'alreadyLogged';
        if (qrFirst) await showQr(el, png1);
        await ws.send(frame);
        await waitUntil(() => el.state === 'failed');
        await el.updateComplete;
        expect(el.failure).to.deep.equal({ reason, message: frame.message });
        const logout = part(el, 'logout-button');
        if (reason === 'alreadyLogged' || reason === 'error') {
          // The scripted websocket server answers HTTP with 404 and no CORS: the Logout request fails.
          logout!.click();
          await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'no logout error', { timeout: 5000 });
          expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal(en.logoutFailed);
        } else {
          expect(logout).to.equal(null);
        }
        await finish(el);
        expect(collector.events.slice(-2)).to.deep.equal([
          `scan-state-change {"state":"failed","previous":"${qrFirst ? 'qr' : 'connecting'}","reason":"${reason}"}`,
          `scan-failed ${JSON.stringify({ reason, message: frame.message })}`,
        ]);
      });
    }

    it('the window ends without the server → timeoutExpired', async () => {
      const el = create({ apiUrl: ws.url, sessionOptions: { ...FAST, scanWindowMs: 300, graceMs: 100 } });
      await ws.waitForConnection(1);
      await showQr(el, png1);
      await waitUntil(() => el.state === 'failed', 'no failure', { timeout: 3000 });
      await finish(el);
      expect(collector.events.slice(-1)).to.deep.equal(['scan-failed {"reason":"timeoutExpired","message":"The QR code was not scanned within 0.3 seconds."}']);
    });

    it('the socket is refused → connection', async () => {
      const refusing = await startWsServer({ refuseUpgrade: true });
      try {
        const el = create({ apiUrl: refusing.url, transport: 'websocket' });
        await waitUntil(() => el.state === 'failed', 'no failure', { timeout: 5000 });
        expect((await refusing.connections()).map((c) => c.path)).to.deep.equal([
          `/waInstance${INSTANCE_ID}/scanqrcode/${SECRET}`,
          `/waInstance${INSTANCE_ID}/scanqrcode/${SECRET}`,
        ]);
        await finish(el);
        expect(el.failure).to.deep.equal({ reason: 'connection', message: `Could not connect to ${refusing.httpUrl}.` });
      } finally {
        await refusing.stop();
      }
    });

    it('the connection drops after the window → connection (lost)', async () => {
      const el = create({ apiUrl: ws.url, sessionOptions: { ...FAST, scanWindowMs: 300, graceMs: 5000 } });
      await ws.waitForConnection(1);
      await showQr(el, png1);
      await sleep(350);
      await ws.terminate(0);
      await waitUntil(() => el.state === 'failed');
      await finish(el);
      expect(el.failure).to.deep.equal({ reason: 'connection', message: `The connection to ${ws.httpUrl} was lost.` });
    });

    it('reconnect: the socket drops, a new one opens, a new QR, then an error', async () => {
      const el = create({ apiUrl: ws.url });
      await ws.waitForConnection(1);
      await showQr(el, png1);
      await ws.terminate(0);
      await ws.waitForConnection(2);
      await el.updateComplete;
      expect(part(el, 'status')!.textContent).to.contain('Reconnecting');
      await showQr(el, png2, 1);
      await ws.send({ type: 'error', message: 'boom' }, 1);
      await waitUntil(() => el.state === 'failed');
      await finish(el);
      expect(collector.events.map((e) => e.split(' ')[0])).to.deep.equal([
        'scan-state-change',
        'scan-state-change',
        'scan-state-change',
        'scan-state-change',
        'scan-state-change',
        'scan-failed',
      ]);
      expect((await ws.connections()).map((c) => c.path)).to.deep.equal([
        `/waInstance${INSTANCE_ID}/scanqrcode/${SECRET}`,
        `/waInstance${INSTANCE_ID}/scanqrcode/${SECRET}`,
      ]);
    });

    const invalid = [
      ['a non-numeric instance-id', { instanceId: 'abc' }, SECRET],
      ['plain http to a public host', { apiUrl: 'http://api.green-api.com' }, SECRET],
      ['an api-url with a query', { apiUrl: 'https://api.green-api.com/?x=1' }, SECRET],
      ['a token with a space in it', {}, `${SECRET} x`],
      ['a token with a control character', {}, `${SECRET}\u0007`],
    ] as const;
    for (const [name, config, token] of invalid) {
      it(`invalid config: ${name} → invalidConfig, no connection, no token in the message`, async () => {
        const el = create({ apiUrl: ws.url, ...config }, token);
        await waitUntil(() => el.state === 'failed');
        await sleep(100);
        await finish(el, needlesFor(SECRET));
        expect(el.failure!.reason).to.equal('invalidConfig');
        expect(el.failure!.message.length).to.be.above(5);
        expect(part(el, 'message')!.textContent!.trim().length).to.be.above(5);
        expect((await ws.connections()).length).to.equal(0);
      });
    }

    it('HTTP fallback: refused sockets, a failing poll, QR codes by polling, linked', async () => {
      const base = `/waInstance${INSTANCE_ID}`;
      await http.script('GET', `${base}/qr/${SECRET}`, [{ status: 500, body: 'boom' }, { body: { type: 'qrCode', message: png1 } }, { body: { type: 'qrCode', message: png2 } }]);
      await http.script('GET', `${base}/getStateInstance/${SECRET}`, [{ body: { stateInstance: 'notAuthorized' } }, { body: { stateInstance: 'authorized' } }]);
      await http.script('GET', `${base}/getWaSettings/${SECRET}`, [{ body: { phone: '79001234567', stateInstance: 'authorized' } }]);
      const el = create({ apiUrl: http.url, sessionOptions: { backoffMs: [20], pollIntervalMs: 50, statePollIntervalMs: 100 } });
      await waitUntil(() => el.state === 'linked', 'not linked', { timeout: 8000 });
      await finish(el);
      expect(await http.requests({ method: 'UPGRADE' })).to.have.length(2);
      expect(collector.console).to.deep.equal([
        'debug: [green-qr-scan] the websocket could not be opened; polling the HTTP QR method instead',
        'debug: [green-qr-scan] QR poll failed: qr failed: HTTP 500 (boom)',
      ]);
      expect(collector.events.slice(-1)).to.deep.equal(['account-linked {"wid":"79001234567@c.us","pushname":"","proxy":"","webhookUrl":"","messenger":"whatsapp","phone":"79001234567"}']);
    });

    it('phone mode: GetAuthorizationCode, the code, then linked', async () => {
      const base = `/waInstance${INSTANCE_ID}`;
      await http.script('POST', `${base}/getAuthorizationCode/${SECRET}`, [{ body: { status: true, code: 'ABCD1234' } }]);
      await http.script('GET', `${base}/getStateInstance/${SECRET}`, [{ body: { stateInstance: 'notAuthorized' } }, { body: { stateInstance: 'authorized' } }]);
      const el = create({ apiUrl: http.url, mode: 'phone', sessionOptions: { statePollIntervalMs: 50 } });
      await el.updateComplete;
      await submitPhone(el, '+7 900 123-45-67');
      await waitUntil(() => part(el, 'code'), 'no code');
      expect(part(el, 'code')!.textContent).to.equal('ABCD-1234');
      await waitUntil(() => el.state === 'linked', 'not linked', { timeout: 5000 });
      await finish(el);
      const [request] = await http.requests({ method: 'POST' });
      expect(request.path).to.equal(`${base}/getAuthorizationCode/${SECRET}`);
      expect(collector.events).to.deep.equal([
        'scan-state-change {"state":"connecting","previous":"idle"}',
        'scan-state-change {"state":"code","previous":"connecting"}',
        'scan-state-change {"state":"linked","previous":"code"}',
        'account-linked {"wid":"79001234567@c.us","pushname":"","proxy":"","webhookUrl":"","messenger":"whatsapp","phone":"79001234567"}',
      ]);
    });

    it('phone mode: the code request fails (HTTP 500), then the code expires', async () => {
      const base = `/waInstance${INSTANCE_ID}`;
      await http.script('POST', `${base}/getAuthorizationCode/${SECRET}`, [{ status: 500, body: 'boom' }, { body: { status: true, code: 'WXYZ9876' } }]);
      await http.script('GET', `${base}/getStateInstance/${SECRET}`, [{ body: { stateInstance: 'notAuthorized' } }]);
      const el = create({ apiUrl: http.url, mode: 'phone', sessionOptions: { statePollIntervalMs: 50, codeValidityMs: 300 } });
      await el.updateComplete;
      await submitPhone(el, '79001234567');
      await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'no error shown');
      expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('Could not get a code. Check your connection and try again.');
      await submitPhone(el, '79001234567');
      await waitUntil(() => el.state === 'failed', 'the code did not expire', { timeout: 5000 });
      await finish(el);
      expect(collector.events.slice(-1)).to.deep.equal(['scan-failed {"reason":"timeoutExpired","message":"The linking code expired."}']);
    });

    describe(`a token that needs percent-encoding (${SPECIAL})`, () => {
      const needles = [SPECIAL, SPECIAL_SEGMENT];

      it('arrives as one path segment and shows up nowhere through a reconnect and a failure', async () => {
        const el = create({ apiUrl: ws.url }, SPECIAL);
        const [connection] = await ws.waitForConnection(1);
        expect(connection.path).to.equal(`/waInstance${INSTANCE_ID}/scanqrcode/${SPECIAL_SEGMENT}`);
        expect(connection.path.endsWith(`/scanqrcode/${SPECIAL_SEGMENT}`)).to.equal(true);
        await ws.send('{"type":"mystery"}');
        await showQr(el, png1);
        await ws.terminate(0);
        const connections = await ws.waitForConnection(2);
        expect(connections[1].path).to.equal(connection.path);
        await showQr(el, png2, 1);
        await ws.send({ type: 'error', message: 'boom' }, 1);
        await waitUntil(() => el.state === 'failed');
        await finish(el, needles);
        // The failure is told to the developer once, with GREEN-API's text (and never the token).
        expect(collector.console).to.deep.equal(['debug: [green-qr-scan] ignored a frame: unknown message type (mystery)', 'warn: [green-qr-scan] error: boom']);
      });

      it('HTTP fallback: every request path carries it as one segment, and it shows up nowhere', async () => {
        const base = `/waInstance${INSTANCE_ID}`;
        await http.script('GET', `${base}/qr/${SPECIAL_SEGMENT}`, [{ body: { type: 'qrCode', message: png1 } }]);
        await http.script('GET', `${base}/getStateInstance/${SPECIAL_SEGMENT}`, [{ body: { stateInstance: 'authorized' } }]);
        await http.script('GET', `${base}/getWaSettings/${SPECIAL_SEGMENT}`, [{ status: 404, body: 'nope' }]);
        const el = create({ apiUrl: http.url, sessionOptions: { backoffMs: [20], pollIntervalMs: 50, statePollIntervalMs: 100 } }, SPECIAL);
        await waitUntil(() => el.state === 'linked', 'not linked', { timeout: 8000 });
        await finish(el, needles);
        const paths = (await http.requests()).map((r) => r.path);
        expect(paths.length).to.be.above(4);
        for (const path of paths) expect(path.endsWith(`/${SPECIAL_SEGMENT}`), path).to.equal(true);
        expect(collector.console).to.deep.equal([
          'debug: [green-qr-scan] the websocket could not be opened; polling the HTTP QR method instead',
          'debug: [green-qr-scan] could not read the account details: getWaSettings failed: HTTP 404 (nope)',
        ]);
      });

      it('phone mode: the code request carries it as one segment', async () => {
        const base = `/waInstance${INSTANCE_ID}`;
        await http.script('POST', `${base}/getAuthorizationCode/${SPECIAL_SEGMENT}`, [{ body: { status: false } }]);
        const el = create({ apiUrl: http.url, mode: 'phone' }, SPECIAL);
        await el.updateComplete;
        await submitPhone(el, '79001234567');
        await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'no answer shown');
        await finish(el, needles);
        expect((await http.requests({ method: 'POST' })).map((r) => r.path)).to.deep.equal([`${base}/getAuthorizationCode/${SPECIAL_SEGMENT}`]);
      });
    });
  });
}
