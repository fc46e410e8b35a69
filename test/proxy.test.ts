/**
 * Token-free deployment, end to end: the real element → proxy/green-api-proxy.mjs → the local
 * GREEN-API stand-in (mock/server.mjs), through a tap that records what the upstream sees
 * (test/helpers/proxy-plugin.mjs). The page only ever gets session tokens; the instance's real
 * token (`real-secret-…`) exists only in Node. Everything the browser sent, received, logged,
 * rendered and dispatched is handed to Node, which answers whether it contains the real token.
 */
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../src/core/events.js';
import { startProxyChain, type ProxyChain } from './helpers/proxy.js';
import { part } from './helpers/element.js';

const MOCK_ACCOUNT = { wid: '79001234567@c.us', pushname: 'Demo phone', proxy: '127.0.0.1', webhookUrl: '' };
const run = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
let nextId = 0;
/** A fresh 10-digit instance id per test. */
const newId = () => `78${run}${String(nextId++).padStart(4, '0')}`;
/** A session token as a host backend would issue it (opaque, short-lived, bound to one instance). */
const newSession = () => `sess-${run}-${nextId}-${Math.random().toString(36).slice(2, 10)}`;

const qrSrc = (el: GreenQrScan) => part(el, 'qr')?.getAttribute('src') ?? undefined;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const FAST = { backoffMs: [50], connectTimeoutMs: 3000, pollIntervalMs: 150, statePollIntervalMs: 150 };

/** Everything the page saw: console output, requests, responses, frames, socket closes. */
const seen = {
  console: [] as string[],
  requests: [] as string[],
  responses: [] as string[],
  frames: [] as string[],
  closes: [] as { url: string; code: number }[],
  reset() {
    this.console = [];
    this.requests = [];
    this.responses = [];
    this.frames = [];
    this.closes = [];
  },
};

const originals = { fetch: window.fetch, WebSocket: window.WebSocket, console: { ...console } };
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

const stringify = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ''}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

before(() => {
  for (const name of CONSOLE_METHODS) {
    console[name] = (...args: unknown[]) => {
      seen.console.push(`${name}: ${args.map(stringify).join(' ')}`);
      (originals.console[name] as (...a: unknown[]) => void).apply(console, args);
    };
  }
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    seen.requests.push(`${init?.method ?? 'GET'} ${url} ${typeof init?.body === 'string' ? init.body : ''}`);
    const response = await originals.fetch.call(window, input, init);
    const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    const body = await response
      .clone()
      .text()
      .catch(() => '');
    seen.responses.push(`${response.status} ${url}\n${headers}\n\n${body}`);
    return response;
  };
  class RecordingWebSocket extends originals.WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      seen.requests.push(`WS ${String(url)}`);
      this.addEventListener('message', (e: MessageEvent) => seen.frames.push(typeof e.data === 'string' ? e.data : '[binary]'));
      this.addEventListener('close', (e: CloseEvent) => seen.closes.push({ url: String(url), code: e.code }));
    }
  }
  window.WebSocket = RecordingWebSocket;
});

after(() => {
  Object.assign(console, originals.console);
  window.fetch = originals.fetch;
  window.WebSocket = originals.WebSocket;
});

interface Mounted {
  el: GreenQrScan;
  linked: AccountLinkedEvent[];
  failed: ScanFailedEvent[];
  details: string[];
}

describe('token-free deployment: element → proxy → GREEN-API stand-in', () => {
  let chain: ProxyChain | undefined;

  beforeEach(() => seen.reset());
  afterEach(async () => {
    fixtureCleanup();
    await chain?.stop();
    chain = undefined;
  });

  async function begin(sessions: Record<string, string>, mock: object = {}) {
    chain = await startProxyChain({ sessions, allowedOrigins: [location.origin], mock });
    expect(chain.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    return chain;
  }

  /** Mounts the element; listeners are bound before it connects, so no event can be missed. */
  async function mount(
    template: (on: { linked: (e: AccountLinkedEvent) => void; failed: (e: ScanFailedEvent) => void; change: (e: ScanStateChangeEvent) => void }) => ReturnType<typeof html>,
  ): Promise<Mounted> {
    const out: Omit<Mounted, 'el'> = { linked: [], failed: [], details: [] };
    const el = await fixture<GreenQrScan>(
      template({
        linked: (e) => {
          out.linked.push(e);
          out.details.push(stringify(e.detail));
        },
        failed: (e) => {
          out.failed.push(e);
          out.details.push(stringify(e.detail));
        },
        change: (e) => out.details.push(stringify(e.detail)),
      }),
    );
    return { el, ...out };
  }

  /**
   * Hands everything the page holds or saw to Node and checks the real token is in none of it.
   * `session` must be found in the requests (a positive control: the check does see what it is given).
   */
  async function expectNoRealToken(c: ProxyChain, m: Mounted, session: string) {
    await m.el.updateComplete;
    const texts: Record<string, string> = {
      console: seen.console.join('\n'),
      requests: seen.requests.join('\n'),
      responses: seen.responses.join('\n'),
      frames: seen.frames.join('\n'),
      events: m.details.join('\n'),
      document: document.documentElement.outerHTML,
      shadow: m.el.shadowRoot!.innerHTML,
      failure: stringify(m.el.failure ?? null),
      account: stringify(m.el.account ?? null),
      attributes: [...m.el.attributes].map((a) => `${a.name}=${a.value}`).join('\n'),
      storage: stringify({ ...localStorage }) + stringify({ ...sessionStorage }) + document.cookie,
    };
    const names = Object.keys(texts);
    const found = await c.findSecret(Object.values(texts), [session]);
    expect(found.realToken.map((i) => names[i]), 'the real token reached the browser').to.deep.equal([]);
    expect(found.sessionToken.map((i) => names[i]), 'positive control: the session token is seen in the requests').to.include('requests');
    expect(seen.requests.length).to.be.greaterThan(0);
    const proxyHost = new URL(c.url).host;
    expect(
      seen.requests.every((r) => r.includes(` http://${proxyHost}/`) || r.includes(` ws://${proxyHost}/`)),
      'every browser request went to the proxy',
    ).to.equal(true);

    const log = await c.log();
    expect(log.realTokenInBrowserRequests).to.equal(false);
    expect(log.realTokenInLog, 'the proxy logged the real token').to.equal(false);
    expect(log.sessionTokenInLog, 'the proxy logged a session token').to.equal(false);
    expect(log.log.length).to.be.greaterThan(0);
    return log;
  }

  /** Every request the proxy received from the browser names `id` and carries `session`, nothing else. */
  function expectBrowserPaths(paths: { method: string; path: string }[], id: string, session: string, methods: string[]) {
    expect(paths.length).to.be.greaterThan(0);
    const shape = new RegExp(`^/waInstance${id}/(${methods.join('|')})/${escapeRe(encodeURIComponent(session))}$`);
    for (const p of paths) expect(p.path, `${p.method} ${p.path}`).to.match(shape);
  }

  it('websocket: QR code, scan → account-linked; upstream got the real token, the browser only the session token', async () => {
    const id = newId();
    const session = newSession();
    const c = await begin({ [session]: id });
    // The session token as an attribute: harmless (short-lived, one instance), and the positive
    // control that the DOM checks below do see what the page holds.
    const m = await mount(
      (on) => html`<green-qr-scan instance-id=${id} token=${session} api-url=${c.url} transport="websocket"
        @account-linked=${on.linked} @scan-failed=${on.failed} @scan-state-change=${on.change}></green-qr-scan>`,
    );
    await waitUntil(() => qrSrc(m.el) !== undefined, 'no QR code through the proxy', { timeout: 5000 });
    expect(m.el.state).to.equal('qr');
    expect(qrSrc(m.el)).to.match(/^data:image\/png;base64,iVBORw0KGgo/);

    const result = await c.mock('scan', id);
    expect(result.delivered).to.equal(1);
    await waitUntil(() => m.linked.length === 1, 'no account-linked', { timeout: 5000 });
    expect(m.linked[0].detail).to.deep.equal(MOCK_ACCOUNT);
    expect(m.failed).to.have.length(0);
    expect(m.el.state).to.equal('linked');
    await waitUntil(() => seen.closes.length === 1, 'the socket did not close', { timeout: 3000 });
    expect(seen.closes[0].code).to.equal(1000);
    expect(seen.frames.some((f) => f.includes('"accountData"'))).to.equal(true);

    const log = await expectNoRealToken(c, m, session);
    expect(log.upstream.map((r) => `${r.kind} ${r.method} ${r.path}`)).to.deep.equal([`upgrade GET /waInstance${id}/scanqrcode/<real-token>`]);
    expect(log.usedRealToken).to.equal(true);
    expect(log.upstream[0].forwarded, 'browser headers forwarded upstream').to.deep.equal([]);
    expectBrowserPaths(log.browser, id, session, ['scanqrcode']);
    expect(log.browser.map((r) => r.method)).to.deep.equal(['UPGRADE']);
    expect(log.authorized).to.deep.equal([{ instanceId: id, method: 'scanqrcode', known: true }]);

    const found = await c.findSecret([document.documentElement.outerHTML]);
    expect(found.sessionToken, 'positive control: the token attribute is in the DOM').to.deep.equal([0]);
  });

  it('HTTP transport: QR polling, scan → account-linked, all through the proxy', async () => {
    const id = newId();
    const session = newSession();
    const c = await begin({ [session]: id });
    const m = await mount(
      (on) => html`<green-qr-scan instance-id=${id} .token=${session} api-url=${c.url} transport="http" .sessionOptions=${FAST}
        @account-linked=${on.linked} @scan-failed=${on.failed} @scan-state-change=${on.change}></green-qr-scan>`,
    );
    await waitUntil(() => qrSrc(m.el) !== undefined, 'no QR code through the proxy', { timeout: 5000 });
    expect(seen.closes).to.have.length(0);
    // Scan once the element polls the state too, so every method of the HTTP path has been used.
    await waitUntil(async () => (await c.log()).upstream.some((r) => r.path.includes('/getStateInstance/')), 'no state poll', {
      timeout: 5000,
    });

    await c.mock('scan', id);
    await waitUntil(() => m.linked.length === 1, 'no account-linked', { timeout: 5000 });
    expect(m.linked[0].detail.wid).to.equal(MOCK_ACCOUNT.wid);
    expect(m.failed).to.have.length(0);

    const log = await expectNoRealToken(c, m, session);
    const methods = new Set(log.upstream.map((r) => `${r.method} ${r.path.split('/')[2]}`));
    expect([...methods].sort()).to.deep.equal(['GET getStateInstance', 'GET getWaSettings', 'GET qr']);
    expect(log.upstream.every((r) => r.kind === 'http' && r.path.endsWith('/<real-token>'))).to.equal(true);
    expect(log.usedRealToken).to.equal(true);
    expect(log.upstream.flatMap((r) => r.forwarded)).to.deep.equal([]);
    expectBrowserPaths(log.browser, id, session, ['qr', 'getStateInstance', 'getWaSettings']);
    expect(log.browser.some((r) => r.method === 'UPGRADE')).to.equal(false);
    // The cross-origin page was served with CORS for its own origin only.
    expect(seen.responses.every((r) => r.startsWith('200 '))).to.equal(true);
  });

  it('phone-number code: getAuthorizationCode, then linked, all through the proxy', async () => {
    const id = newId();
    const session = newSession();
    const c = await begin({ [session]: id }, { authCodeLinkMs: 400 });
    const m = await mount(
      (on) => html`<green-qr-scan instance-id=${id} .token=${session} api-url=${c.url} mode="phone" .sessionOptions=${FAST}
        @account-linked=${on.linked} @scan-failed=${on.failed} @scan-state-change=${on.change}></green-qr-scan>`,
    );
    const input = part(m.el, 'phone-input') as HTMLInputElement;
    input.value = '+7 900 123-45-67';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await m.el.updateComplete;
    (part(m.el, 'phone-form') as HTMLFormElement).requestSubmit();

    await waitUntil(() => m.el.state === 'code', 'no code through the proxy', { timeout: 5000 });
    await m.el.updateComplete;
    expect(part(m.el, 'code')!.textContent!.trim()).to.match(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await waitUntil(() => m.linked.length === 1, 'not linked', { timeout: 5000 });
    expect(m.linked[0].detail.wid).to.equal('79001234567@c.us');
    expect(m.failed).to.have.length(0);

    const log = await expectNoRealToken(c, m, session);
    expect(log.upstream[0]).to.deep.include({ kind: 'http', method: 'POST', path: `/waInstance${id}/getAuthorizationCode/<real-token>` });
    expect(log.upstream.slice(1).every((r) => r.method === 'GET' && r.path === `/waInstance${id}/getStateInstance/<real-token>`)).to.equal(true);
    expect(log.usedRealToken).to.equal(true);
    expectBrowserPaths(
      log.browser.filter((r) => r.method !== 'OPTIONS'),
      id,
      session,
      ['getAuthorizationCode', 'getStateInstance'],
    );
    expect(seen.requests[0]).to.contain('"phoneNumber":79001234567');
  });

  it('an unknown session token: scan-failed (connection), and the upstream saw nothing', async () => {
    const id = newId();
    const known = newSession();
    const unknown = newSession();
    const c = await begin({ [known]: id });
    const m = await mount(
      (on) => html`<green-qr-scan instance-id=${id} .token=${unknown} api-url=${c.url} .sessionOptions=${{ ...FAST, maxConnectAttempts: 2 }}
        @account-linked=${on.linked} @scan-failed=${on.failed} @scan-state-change=${on.change}></green-qr-scan>`,
    );
    await waitUntil(() => m.failed.length === 1, 'no scan-failed', { timeout: 8000 });
    expect(m.failed[0].detail.reason).to.equal('connection');
    expect(m.el.failure?.reason).to.equal('connection');
    expect(m.linked).to.have.length(0);

    const log = await expectNoRealToken(c, m, unknown);
    expect(log.upstream, 'the upstream was reached').to.deep.equal([]);
    expect(log.authorized.length).to.be.greaterThan(0);
    expect(log.authorized.every((a) => a.instanceId === id && !a.known)).to.equal(true);
    // It tried the socket, then fell back to polling: both refused.
    expect(log.browser.some((r) => r.method === 'UPGRADE')).to.equal(true);
    expect(log.browser.some((r) => r.method === 'GET')).to.equal(true);
    expectBrowserPaths(log.browser, id, unknown, ['scanqrcode', 'qr']);
    expect(seen.responses.length).to.be.greaterThan(0);
    expect(seen.responses.every((r) => r.startsWith('401 '))).to.equal(true);
    expect(log.log.some((l) => l.includes('not authorized (401)'))).to.equal(true);
  });

  it('a session token is bound to its instance: another instance id is refused', async () => {
    const id = newId();
    const other = newId();
    const session = newSession();
    const c = await begin({ [session]: id });
    const tokenSegment = encodeURIComponent(session);

    const reply = await c.request({ path: `/waInstance${other}/getStateInstance/${tokenSegment}` });
    expect(reply.status).to.equal(401);
    const socket = await c.socket({ path: `/waInstance${other}/scanqrcode/${tokenSegment}` });
    expect(socket).to.deep.include({ status: 401, opened: false });
    const ok = await c.request({ path: `/waInstance${id}/getStateInstance/${tokenSegment}` });
    expect(ok.status).to.equal(200);
    expect(JSON.parse(ok.body)).to.deep.equal({ stateInstance: 'notAuthorized' });

    const log = await c.log();
    expect(log.upstream.map((r) => r.path)).to.deep.equal([`/waInstance${id}/getStateInstance/<real-token>`]);
    expect(log.authorized).to.deep.equal([
      { instanceId: other, method: 'getStateInstance', known: false },
      { instanceId: other, method: 'scanqrcode', known: false },
      { instanceId: id, method: 'getStateInstance', known: true },
    ]);
  });

  it('a dropped upstream socket closes the browser socket with 1011, not the reserved 1006', async () => {
    const id = newId();
    const session = newSession();
    const c = await begin({ [session]: id });
    const m = await mount(
      (on) => html`<green-qr-scan instance-id=${id} .token=${session} api-url=${c.url} transport="websocket" .sessionOptions=${FAST}
        @account-linked=${on.linked} @scan-failed=${on.failed} @scan-state-change=${on.change}></green-qr-scan>`,
    );
    await waitUntil(() => qrSrc(m.el) !== undefined, 'no QR code', { timeout: 5000 });
    const dropped = await c.mock('drop', id);
    expect(dropped.delivered).to.equal(1);
    await waitUntil(() => seen.closes.length >= 1, 'the browser socket stayed open', { timeout: 3000 });
    expect(seen.closes[0].code).to.equal(1011);
    // The element reconnects through the proxy and gets a new QR code.
    await waitUntil(() => seen.requests.filter((r) => r.startsWith('WS ')).length >= 2, 'no reconnect', { timeout: 5000 });
    await waitUntil(async () => (await c.log()).upstream.length >= 2, 'the reconnect did not reach the upstream', { timeout: 5000 });
    const log = await c.log();
    expect(log.log.some((l) => l.includes('upstream closed (1006 → 1011)'))).to.equal(true);
    await expectNoRealToken(c, m, session);
  });

  describe('the proxy forwards only what the element uses', () => {
    let c: ProxyChain;
    let id: string;
    let session: string;
    let segment: string;

    beforeEach(async () => {
      id = newId();
      session = newSession();
      segment = encodeURIComponent(session);
      c = await begin({ [session]: id });
    });

    it('unknown paths, methods and malformed ids are 404 and never reach the upstream', async () => {
      const cases: [string, string][] = [
        ['GET', `/waInstance${id}/sendMessage/${segment}`],
        ['GET', `/waInstance${id}/getSettings/${segment}`],
        ['GET', `/waInstance${id}/qr/${segment}/extra`],
        ['GET', `/waInstance${id}/qr`],
        ['GET', `/waInstanceabc/qr/${segment}`],
        ['GET', `/waInstance12345678901/qr/${segment}`],
        ['GET', `/waInstance${id}/scanqrcode/${segment}`],
        ['POST', `/waInstance${id}/qr/${segment}`],
        ['GET', `/waInstance${id}/getAuthorizationCode/${segment}`],
        ['DELETE', `/waInstance${id}/logout/${segment}`],
        ['GET', `/`],
        ['GET', `/mock/${id}`],
      ];
      for (const [method, path] of cases) {
        const reply = await c.request({ method, path });
        expect(reply.status, `${method} ${path}`).to.equal(404);
        expect(reply.body).to.equal('{"error":"not found"}');
      }
      const ws = await c.socket({ path: `/waInstance${id}/qr/${segment}` });
      expect(ws).to.deep.include({ status: 404, opened: false });
      const log = await c.log();
      expect(log.upstream).to.deep.equal([]);
      expect(log.authorized).to.deep.equal([]);
    });

    it('CORS: only allowed origins get Access-Control-Allow-Origin; foreign origins are refused', async () => {
      const path = `/waInstance${id}/getStateInstance/${segment}`;
      const allowed = await c.request({ path, headers: { origin: location.origin } });
      expect(allowed.status).to.equal(200);
      expect(allowed.headers['access-control-allow-origin']).to.equal(location.origin);
      expect(allowed.headers.vary).to.contain('Origin');

      const sameOrigin = await c.request({ path, headers: { origin: c.url } });
      expect(sameOrigin.status).to.equal(200);
      expect(sameOrigin.headers['access-control-allow-origin']).to.equal(undefined);

      const foreign = await c.request({ path, headers: { origin: 'https://evil.example' } });
      expect(foreign.status).to.equal(403);
      expect(foreign.headers['access-control-allow-origin']).to.equal(undefined);

      const preflight = await c.request({
        method: 'OPTIONS',
        path: `/waInstance${id}/getAuthorizationCode/${segment}`,
        headers: { origin: location.origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers['access-control-allow-origin']).to.equal(location.origin);
      expect(preflight.headers['access-control-allow-methods']).to.contain('POST');
      expect(preflight.headers['access-control-allow-headers']).to.contain('content-type');

      const foreignPreflight = await c.request({
        method: 'OPTIONS',
        path: `/waInstance${id}/getAuthorizationCode/${segment}`,
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(foreignPreflight.status).to.equal(403);
      expect(foreignPreflight.headers['access-control-allow-origin']).to.equal(undefined);

      const foreignSocket = await c.socket({ path: `/waInstance${id}/scanqrcode/${segment}`, origin: 'https://evil.example' });
      expect(foreignSocket).to.deep.include({ status: 403, opened: false });

      const log = await c.log();
      expect(log.upstream.map((r) => r.path)).to.deep.equal([
        `/waInstance${id}/getStateInstance/<real-token>`,
        `/waInstance${id}/getStateInstance/<real-token>`,
      ]);
    });

    it('a page on an origin that is not allowed cannot use the proxy', async () => {
      const closed = await startProxyChain({ sessions: { [session]: id } });
      try {
        let error: unknown;
        try {
          await originals.fetch.call(window, `${closed.url}/waInstance${id}/getStateInstance/${segment}`, { cache: 'no-store' });
        } catch (err) {
          error = err;
        }
        expect(error).to.be.instanceOf(TypeError);
        const log = await closed.log();
        expect(log.browser).to.have.length(1);
        expect(log.upstream).to.deep.equal([]);
      } finally {
        await closed.stop();
      }
    });

    it('POST bodies: at most 8 KB of JSON; error answers never echo a token', async () => {
      const path = `/waInstance${id}/getAuthorizationCode/${segment}`;
      const json = { 'content-type': 'application/json' };
      const big = await c.request({ method: 'POST', path, headers: json, body: JSON.stringify({ phoneNumber: 79001234567, pad: 'x'.repeat(9000) }) });
      expect(big.status).to.equal(413);
      const broken = await c.request({ method: 'POST', path, headers: json, body: '{"phoneNumber":' });
      expect(broken.status).to.equal(400);
      const good = await c.request({ method: 'POST', path, headers: json, body: JSON.stringify({ phoneNumber: 79001234567 }) });
      expect(good.status).to.equal(200);
      expect(JSON.parse(good.body)).to.have.property('status', true);
      const refused = await c.request({ method: 'POST', path: `/waInstance${id}/getAuthorizationCode/nope-${segment}`, headers: json, body: '{}' });
      expect(refused.status).to.equal(401);

      const replies = [big, broken, good, refused];
      expect(replies.map((r) => r.realTokenInReply)).to.deep.equal([false, false, false, false]);
      const found = await c.findSecret(replies.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`), [`nope-${session}`]);
      expect(found).to.deep.equal({ realToken: [], sessionToken: [] });
      // Positive control for the check above.
      expect((await c.findSecret([`/x/${segment}`])).sessionToken).to.deep.equal([0]);

      const log = await c.log();
      expect(log.upstream.map((r) => `${r.method} ${r.path}`)).to.deep.equal([`POST /waInstance${id}/getAuthorizationCode/<real-token>`]);
      expect(log.realTokenInLog).to.equal(false);
      expect(log.sessionTokenInLog).to.equal(false);
    });
  });
});
