/**
 * green-qr-scan/server (dist/server, started by test/helpers/link-server-plugin.mjs) against GREEN-API
 * stand-ins, driven from the page with raw `fetch` and `WebSocket` as the element will use them:
 *
 *   WS   new WebSocket(`${api}/waInstance${id}/scanqrcode`, ['green-qr-scan.v1', `ticket.${ticket}`])
 *   HTTP fetch(`${api}/waInstance${id}/${method}`, { headers: { authorization: `Bearer ${ticket}` } })
 *
 * The instance's real token exists only in Node; the page gets tickets. The test page
 * (http://localhost:…) and the link server (http://127.0.0.1:…) are different sites, so the page's
 * requests carry `Sec-Fetch-Site: cross-site` and its Origin: rigs list that origin in
 * `allowedOrigins` unless a test is about a site that is not allowed. Requests a browser cannot make
 * (a foreign Host, no Origin) are sent from Node.
 *
 * Each finding of the review of the old proxy/ (issue 12) is a test here that the old proxy fails:
 * CSRF Logout, relayed floods and many sockets per token, handshakes that opened GREEN-API first,
 * unfiltered accountData and echoed tokens, a trusted Host header, a crashing status 099, Logout
 * allowed by default.
 */
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import { startRig, type Rig, type RigOptions } from './helpers/link-server.js';
import { command } from './helpers/command.js';
import { startMock } from './helpers/mock.js';
import { part } from './helpers/element.js';

const run = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
let nextId = 0;
/** A fresh 10-digit instance id per use. */
const newId = () => `77${run}${String(nextId++).padStart(4, '0')}`;
const PNG_BASE64 = /^iVBORw0KGgo[A-Za-z0-9+/]+={0,2}$/;

/** What a monitoring or session-replay script wrapping fetch and WebSocket would see: every URL. */
const wrapped = { urls: [] as string[], protocols: [] as string[] };
const originals = { fetch: window.fetch, WebSocket: window.WebSocket };

before(() => {
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    wrapped.urls.push(input instanceof Request ? input.url : String(input));
    return originals.fetch.call(window, input, init);
  };
  class WrappedWebSocket extends originals.WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      wrapped.urls.push(String(url));
      wrapped.protocols.push(([] as string[]).concat(protocols ?? []).join(', '));
    }
  }
  window.WebSocket = WrappedWebSocket;
});
after(() => {
  window.fetch = originals.fetch;
  window.WebSocket = originals.WebSocket;
});

/** A browser websocket with its frames and close recorded. */
class Sock {
  readonly ws: WebSocket;
  frames: string[] = [];
  opened = false;
  failed = false;
  close?: { code: number; reason: string };
  constructor(url: string, protocols: string[]) {
    this.ws = new WebSocket(url, protocols);
    this.ws.binaryType = 'arraybuffer';
    this.ws.addEventListener('open', () => (this.opened = true));
    this.ws.addEventListener('error', () => (this.failed = true));
    this.ws.addEventListener('message', (e: MessageEvent) => this.frames.push(typeof e.data === 'string' ? e.data : '[binary]'));
    this.ws.addEventListener('close', (e: CloseEvent) => (this.close = { code: e.code, reason: e.reason }));
  }
  json(i: number) {
    return JSON.parse(this.frames[i]) as Record<string, unknown>;
  }
}

const wsUrl = (rig: Rig, id: string) => `${rig.url.replace(/^http/, 'ws')}/waInstance${id}/scanqrcode`;
const protocolsFor = (ticket: string) => ['green-qr-scan.v1', `ticket.${ticket}`];
const openSocket = (rig: Rig, id: string, ticket: string) => new Sock(wsUrl(rig, id), protocolsFor(ticket));
const settled = (s: Sock, what = 'the socket neither opened nor failed') => waitUntil(() => s.opened || s.close !== undefined, what, { timeout: 5000 });

/** A call as the element makes it: the ticket in the Authorization header only. */
async function call(rig: Rig, id: string, method: string, ticket: string | undefined, init: { post?: unknown; verb?: string } = {}) {
  const headers: Record<string, string> = {};
  if (ticket !== undefined) headers.authorization = `Bearer ${ticket}`;
  const post = init.post !== undefined || init.verb === 'POST';
  if (init.post !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${rig.url}/waInstance${id}/${method}`, {
    method: init.verb ?? (post ? 'POST' : 'GET'),
    headers,
    body: init.post === undefined ? undefined : JSON.stringify(init.post),
    cache: 'no-store',
    credentials: 'omit',
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

describe('direct mode, for contrast: the token in the page reaches every URL observer', () => {
  it('the element polling GREEN-API with the token: the token is in resource timing and in what a fetch wrapper sees', async () => {
    const mock = await startMock();
    const token = `direct-${Math.random().toString(36).slice(2)}-token`;
    try {
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id=${newId()} .token=${token} api-url=${mock.url} transport="http"></green-qr-scan>`);
      await waitUntil(() => part(el, 'qr')?.getAttribute('src')?.startsWith('data:image/png'), 'no QR code', { timeout: 5000 });
      const timing = performance.getEntriesByType('resource').map((e) => e.name);
      expect(timing.some((name) => name.endsWith(`/qr/${token}`)), 'resource timing').to.equal(true);
      expect(wrapped.urls.some((url) => url.endsWith(`/qr/${token}`)), 'a fetch wrapper').to.equal(true);
    } finally {
      fixtureCleanup();
      await mock.stop();
    }
  });
});

describe('green-qr-scan/server: tickets instead of the token', () => {
  let rig: Rig | undefined;
  const begin = async (options: Partial<RigOptions> & Pick<RigOptions, 'instances'>) => {
    rig = await startRig({ allowedOrigins: [location.origin], ...options });
    return rig;
  };

  beforeEach(() => {
    wrapped.urls = [];
    wrapped.protocols = [];
  });
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('websocket: a QR code and linking with a ticket; onLinked only after the server confirmed it; the ticket is in no URL, console line or log', async function () {
    this.timeout(20_000);
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    const { ticket, expiresIn } = await r.issue({ instanceId: id, origin: location.origin });
    expect(expiresIn, 'default lifetime: 3 minutes').to.equal(180_000);
    expect(ticket).to.match(/^[A-Za-z0-9_.-]+$/);
    expect(ticket.length).to.be.greaterThanOrEqual(43);

    const s = openSocket(r, id, ticket);
    await waitUntil(() => s.frames.length >= 1, 'no QR code through the link server', { timeout: 5000 });
    expect(s.ws.protocol).to.equal('green-qr-scan.v1');
    const qr = s.json(0);
    expect(qr.type).to.equal('qrCode');
    expect(String(qr.message)).to.match(PNG_BASE64);
    const decoded = await command<{ text: string }>('qr-decode', { dataUrl: `data:image/png;base64,${qr.message}` });
    expect(decoded.text).to.match(/^2@/);

    // The page does not decide the link: the server sees accountData, asks getStateInstance itself, then calls onLinked.
    expect((await r.report()).linked).to.deep.equal([]);
    await r.mock('scan', id);
    await waitUntil(() => s.close !== undefined, 'the socket did not close', { timeout: 5000 });
    expect(s.close!.code).to.equal(1000);
    const account = JSON.parse(s.frames.find((f) => f.includes('accountData'))!);
    expect(account, 'accountData reduced to wid and pushname').to.deep.equal({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Demo phone' });
    await r.wait('linked');
    const report = await r.report();
    expect(report.linked).to.deep.equal([{ instanceId: id, wid: '79001234567@c.us' }]);
    expect(report.upstream.map((u) => `${u.kind} ${u.method} ${u.path}`)).to.deep.equal([
      `upgrade GET /waInstance${id}/scanqrcode/<real-token>`,
      `http GET /waInstance${id}/getStateInstance/<real-token>`,
    ]);
    expect(report.upstream.flatMap((u) => u.forwarded), 'browser headers forwarded upstream').to.deep.equal([]);
    expect(report.upstreamWsBytesFromProxy, 'bytes sent to GREEN-API on the socket (a close frame at most)').to.be.at.most(16);

    // Used up: no second socket, no new code; the account may still be read for a while.
    const again = openSocket(r, id, ticket);
    await settled(again);
    expect(again.opened).to.equal(false);
    expect((await call(r, id, 'qr', ticket)).json).to.deep.equal({ error: 'unauthorized', reason: 'ticket_used' });
    expect((await call(r, id, 'getStateInstance', ticket)).json).to.deep.equal({ stateInstance: 'authorized' });

    // Where a ticket could leak on the page: URLs in resource timing and in fetch/WebSocket wrappers, console lines.
    const timing = performance.getEntriesByType('resource').map((e) => e.name);
    expect(timing.some((name) => name.includes(`/waInstance${id}/`)), 'positive control: resource timing has the calls').to.equal(true);
    const found = await r.findSecret([timing.join('\n'), wrapped.urls.join('\n'), wrapped.protocols.join('\n')]);
    expect(found.ticket, 'the ticket in resource timing (0) or wrapped URLs (1)').to.deep.equal([2]);
    expect(found.realToken).to.deep.equal([]);
    await waitUntil(async () => (await r.report()).console.some((l) => l.includes('/scanqrcode')), "no console line from Chromium about the refused socket", { timeout: 5000 });
    const final = await r.report();
    expect(final.ticketInBrowserUrls, 'a URL the server received').to.equal(false);
    expect(final.ticketInBrowserHeaders, 'positive control: the ticket came in headers').to.equal(true);
    expect(final.ticketInConsole).to.equal(false);
    expect(final.realTokenInConsole).to.equal(false);
    expect(final.ticketInLog).to.equal(false);
    expect(final.realTokenInLog).to.equal(false);
    expect(final.ticketUpstream, 'the ticket reached GREEN-API').to.equal(false);
    expect(final.lines.length).to.be.greaterThan(2);
  });

  it('HTTP: QR codes, then alreadyLogged; the server confirms with getStateInstance before onLinked', async () => {
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    const { ticket } = await r.issue({ instanceId: id });
    const first = await call(r, id, 'qr', ticket);
    expect(first.status).to.equal(200);
    expect(first.json!.type).to.equal('qrCode');
    expect(String(first.json!.message)).to.match(PNG_BASE64);
    expect((await call(r, id, 'getStateInstance', ticket)).json).to.deep.equal({ stateInstance: 'notAuthorized' });
    expect((await r.report()).linked).to.deep.equal([]);

    await r.mock('scan', id);
    expect((await call(r, id, 'qr', ticket)).json).to.deep.equal({ type: 'alreadyLogged', message: 'instance account already authorized' });
    await r.wait('linked');
    const report = await r.report();
    // No accountData on the HTTP path: the wid comes from GetSettings.
    expect(report.linked).to.deep.equal([{ instanceId: id, wid: '79001234567@c.us' }]);
    const paths = report.upstream.map((u) => u.path.replace(`/waInstance${id}/`, ''));
    expect(paths.slice(0, 3)).to.deep.equal(['qr/<real-token>', 'getStateInstance/<real-token>', 'qr/<real-token>']);
    expect(paths.slice(3), 'its own check after alreadyLogged').to.deep.equal(['getStateInstance/<real-token>', 'getSettings/<real-token>']);
    expect(report.ticketInBrowserUrls).to.equal(false);
    expect(report.ticketInBrowserHeaders).to.equal(true);
    expect(wrapped.urls.every((u) => !u.includes(ticket))).to.equal(true);
  });

  it('Telegram and MAX: getSettings, getAccountSettings and the two-factor password go through, rebuilt; the password is never logged', async () => {
    const id = newId();
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    const r = await begin({
      instances: { [id]: 'scripted' },
      answers: {
        getSettings: { json: { wid: '1234567890', typeInstance: 'telegram', webhookUrl: 'https://hooks.example/x', webhookUrlToken: 'hook-secret', delaySendMessagesMilliseconds: 500 } },
        getAccountSettings: { json: { avatar: 'https://a.example/1.jpg', phone: '79001234567', stateInstance: 'pendingPassword', chatId: '1234567890', suspendedUntil: 0, proxy: 'user:pass@10.0.0.1' } },
        qr: { json: { type: 'pending_password', message: 'enter the password' } },
        sendAuthorizationPassword: { json: { status: true, data: { status: 'success', extra: 'dropped' } } },
        getStateInstance: { json: { stateInstance: 'authorized' } },
      },
    });
    const { ticket } = await r.issue({ instanceId: id });
    expect((await call(r, id, 'getSettings', ticket)).json).to.deep.equal({ wid: '1234567890', typeInstance: 'telegram' });
    expect((await call(r, id, 'getAccountSettings', ticket)).json).to.deep.equal({
      avatar: 'https://a.example/1.jpg',
      phone: '79001234567',
      chatId: '1234567890',
      stateInstance: 'pendingPassword',
      suspendedUntil: 0,
    });
    expect((await call(r, id, 'qr', ticket)).json).to.deep.equal({ type: 'pending_password', message: 'enter the password' });
    const sent = await call(r, id, 'sendAuthorizationPassword', ticket, { post: { password, smuggled: 'x' } });
    expect(sent.json).to.deep.equal({ status: true, data: { status: 'success' } });
    await r.wait('linked');
    const report = await r.report();
    expect(report.linked).to.deep.equal([{ instanceId: id, wid: '1234567890' }]);
    const posted = report.scripted.find((s) => s.path.includes('/sendAuthorizationPassword/'))!;
    expect(posted.method).to.equal('POST');
    expect(JSON.parse(posted.body), 'the body GREEN-API got: rebuilt').to.deep.equal({ password });
    expect(report.lines.join('\n')).not.to.contain(password);
    expect(report.lines.join('\n')).not.to.contain('79001234567');
    expect(report.scripted.every((s) => /^\/waInstance\d+\/\w+\/<real-token>$/.test(s.path))).to.equal(true);

    // MAX: the `/v3` prefix is part of the apiUrl the host's lookup returns; the browser's paths stay the same.
    const max = newId();
    await command('link-instances', { url: r.url, instances: { [max]: 'scripted-v3' } });
    const maxTicket = (await r.issue({ instanceId: max })).ticket;
    expect((await call(r, max, 'getAccountSettings', maxTicket)).status).to.equal(200);
    expect((await r.report()).scripted.at(-1)!.path).to.equal(`/v3/waInstance${max}/getAccountSettings/<real-token>`);
  });

  it('phone scope: code methods are refused without it; with it, bodies are rebuilt for GREEN-API', async () => {
    const id = newId();
    const r = await begin({
      instances: { [id]: 'scripted' },
      answers: {
        getAuthorizationCode: { json: { status: true, code: 'ABCD1234' } },
        startAuthorization: { json: { status: true } },
        sendAuthorizationCode: { json: { status: true, data: { status: 'fail', reason: 'invalid_password' } } },
      },
    });
    const qrOnly = (await r.issue({ instanceId: id })).ticket;
    for (const method of ['getAuthorizationCode', 'startAuthorization', 'sendAuthorizationCode']) {
      const refused = await call(r, id, method, qrOnly, { post: { phoneNumber: 79001234567, code: '12345' } });
      expect(refused.status, method).to.equal(403);
      expect(refused.json).to.deep.equal({ error: 'forbidden', reason: 'scope' });
    }
    expect((await r.report()).scripted).to.deep.equal([]);

    const phone = (await r.issue({ instanceId: id, scopes: ['qr', 'phone'] })).ticket;
    expect((await call(r, id, 'getAuthorizationCode', phone, { post: { phoneNumber: '79001234567', webhook: 'x' } })).json).to.deep.equal({ status: true, code: 'ABCD1234' });
    expect((await call(r, id, 'startAuthorization', phone, { post: { phoneNumber: 79001234567 } })).json).to.deep.equal({ status: true });
    expect((await call(r, id, 'sendAuthorizationCode', phone, { post: { code: '12345', password: 'secret' } })).json).to.deep.equal({
      status: true,
      data: { status: 'fail', reason: 'invalid_password' },
    });
    const bad = await call(r, id, 'getAuthorizationCode', phone, { post: { phoneNumber: '+7 (900) <script>' } });
    expect(bad.status).to.equal(400);
    const bodies = (await r.report()).scripted.map((s) => `${s.path.split('/')[2]} ${s.body}`);
    expect(bodies).to.deep.equal([
      'getAuthorizationCode {"phoneNumber":79001234567}',
      'startAuthorization {"phoneNumber":79001234567}',
      'sendAuthorizationCode {"code":"12345","password":"secret"}',
    ]);
    expect((await r.report()).lines.join('\n')).not.to.match(/79001234567|secret/);
  });

  it('refused tickets: expired, revoked, for another instance, for another page, missing or malformed; GREEN-API is never asked', async () => {
    const id = newId();
    const other = newId();
    const r = await begin({ instances: { [id]: 'mock', [other]: 'mock' } });
    const expect401 = async (ticket: string | undefined, reason: string) => {
      const reply = await call(r, id, 'getStateInstance', ticket);
      expect(reply.status, reason).to.equal(401);
      expect(reply.json).to.deep.equal({ error: 'unauthorized', reason });
      const s = openSocket(r, id, ticket ?? 'none');
      await settled(s);
      expect(s.opened, `socket with ${reason}`).to.equal(false);
    };

    const expiring = (await r.issue({ instanceId: id, ttlMs: 60_000 })).ticket;
    expect((await call(r, id, 'getStateInstance', expiring)).status).to.equal(200);
    await r.advance(60_000);
    await expect401(expiring, 'ticket_invalid');

    const revoked = (await r.issue({ instanceId: id })).ticket;
    expect(await r.revoke(revoked)).to.deep.equal({ existed: true });
    expect(await r.revoke(revoked)).to.deep.equal({ existed: false });
    await expect401(revoked, 'ticket_invalid');

    await expect401(undefined, 'ticket_missing');
    await expect401('gqs1.not-a-real-ticket-but-the-right-length-ok', 'ticket_invalid');
    await expect401('gqs1.short', 'ticket_invalid');

    const forOther = (await r.issue({ instanceId: other })).ticket;
    expect((await call(r, id, 'getStateInstance', forOther)).json).to.deep.equal({ error: 'forbidden', reason: 'wrong_instance' });
    const wrongInstance = openSocket(r, id, forOther);
    await settled(wrongInstance);
    expect(wrongInstance.opened).to.equal(false);

    const forOtherPage = (await r.issue({ instanceId: id, origin: 'https://other-app.example' })).ticket;
    expect((await call(r, id, 'getStateInstance', forOtherPage)).json).to.deep.equal({ error: 'forbidden', reason: 'wrong_origin' });
    const wrongOrigin = openSocket(r, id, forOtherPage);
    await settled(wrongOrigin);
    expect(wrongOrigin.opened).to.equal(false);

    const report = await r.report();
    expect(report.upstream.map((u) => u.path)).to.deep.equal([`/waInstance${id}/getStateInstance/<real-token>`]);
    expect(report.lines.filter((l) => l.includes('ticket refused')).length).to.be.greaterThanOrEqual(12);
    expect(report.ticketInLog).to.equal(false);
  });

  it('renewTicket gives a live ticket a new lifetime; issueTicket refuses bad input with a TypeError', async () => {
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    const { ticket } = await r.issue({ instanceId: id, ttlMs: 10_000 });
    await r.advance(8000);
    expect(await r.renew(ticket, 10_000)).to.deep.equal({ expiresIn: 10_000 });
    await r.advance(8000);
    expect((await call(r, id, 'getStateInstance', ticket)).status, 'alive past its first lifetime').to.equal(200);
    await r.advance(2000);
    expect((await call(r, id, 'getStateInstance', ticket)).status).to.equal(401);
    expect(await r.renew(ticket)).to.deep.equal({ gone: true });

    expect(await r.issueError({ instanceId: 'abc' })).to.contain('TypeError: issueTicket: instance-id must be the numeric idInstance');
    expect(await r.issueError({ instanceId: id, scopes: ['qr', 'sendMessage'] })).to.contain('TypeError: issueTicket: scopes');
    expect(await r.issueError({ instanceId: id, scopes: [] })).to.contain('TypeError');
    expect(await r.issueError({ instanceId: id, origin: 'https://app.example/path' })).to.contain('TypeError: issueTicket: origin');
    expect(await r.issueError({ instanceId: id, ttlMs: 10 })).to.contain('TypeError: issueTicket: ttlMs');
  });

  it('the ticket never travels in a URL: the old token-segment path and a query are refused', async () => {
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    const { ticket } = await r.issue({ instanceId: id });
    const inPath = await fetch(`${r.url}/waInstance${id}/getStateInstance/${ticket}`, { cache: 'no-store' });
    expect(inPath.status).to.equal(404);
    const inQuery = await fetch(`${r.url}/waInstance${id}/getStateInstance?ticket=${ticket}`, { headers: { authorization: `Bearer ${ticket}` }, cache: 'no-store' });
    expect(inQuery.status).to.equal(400);
    const oldSocket = new Sock(`${wsUrl(r, id)}/${ticket}`, ['green-qr-scan.v1']);
    await settled(oldSocket);
    expect(oldSocket.opened).to.equal(false);
    // Without the version subprotocol, or with two tickets, the handshake is refused too.
    for (const protocols of [[`ticket.${ticket}`], ['green-qr-scan.v1', `ticket.${ticket}`, `ticket.${ticket}x`]]) {
      const s = new Sock(wsUrl(r, id), protocols);
      await settled(s);
      expect(s.opened, protocols.join()).to.equal(false);
    }
    expect((await r.report()).upstream).to.deep.equal([]);
  });

  it('Logout is POST only and needs the logout scope', async () => {
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    await r.mock('alreadyLogged', id);
    const qrOnly = (await r.issue({ instanceId: id })).ticket;
    expect(await call(r, id, 'logout', qrOnly, { verb: 'POST' })).to.deep.include({ status: 403, json: { error: 'forbidden', reason: 'scope' } });
    const withLogout = (await r.issue({ instanceId: id, scopes: ['qr', 'logout'] })).ticket;
    const get = await call(r, id, 'logout', withLogout);
    expect(get.status, 'GET logout').to.equal(405);
    expect((await r.mockState(id)).authorized, 'still linked').to.equal(true);
    expect((await r.report()).upstream, 'nothing reached GREEN-API yet').to.deep.equal([]);

    const post = await call(r, id, 'logout', withLogout, { verb: 'POST' });
    expect(post).to.deep.include({ status: 200, json: { isLogout: true } });
    const report = await r.report();
    expect(report.upstream.map((u) => `${u.method} ${u.path}`)).to.deep.equal([`GET /waInstance${id}/logout/<real-token>`]);
    expect((await r.mockState(id)).authorized).to.equal(false);
  });

  it('Logout from another site: a form POST, a link, an image and a fetch all fail; GREEN-API never hears of them', async function () {
    this.timeout(20_000);
    const id = newId();
    // The page's origin is not allowed here: it plays the other site. The attacker even has a ticket with the logout scope.
    const r = await begin({ instances: { [id]: 'mock' }, allowedOrigins: [] });
    await r.mock('alreadyLogged', id);
    const { ticket } = await r.issue({ instanceId: id, scopes: ['qr', 'logout'] });
    const base = `${r.url}/waInstance${id}/logout`;

    /** Navigates a fresh iframe (as a form or a link on another site would) and waits until the server answered. */
    let seen = 0;
    const navigate = async (start: (target: string) => HTMLElement) => {
      const sink = document.createElement('iframe');
      sink.name = `sink-${id}-${seen}`;
      document.body.append(sink);
      const element = start(sink.name);
      await r.wait('browser', { count: ++seen });
      element.remove();
      sink.remove();
    };
    const form = (action: string) => (target: string) => {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = action;
      f.target = target;
      f.enctype = 'text/plain';
      const input = document.createElement('input');
      input.name = `{"ticket":"${ticket}","x":"`;
      input.value = '"}';
      f.append(input);
      document.body.append(f);
      f.submit();
      return f;
    };
    await navigate(form(base));
    await navigate(form(`${base}/${ticket}`));
    await navigate((target) => {
      const link = document.createElement('a');
      link.href = `${base}?ticket=${ticket}`;
      link.target = target;
      document.body.append(link);
      link.click();
      return link;
    });
    for (const src of [base, `${base}/${ticket}`]) {
      const img = new Image();
      const done = new Promise((resolve) => {
        img.onload = img.onerror = resolve;
      });
      img.src = src;
      await done;
    }
    let fetchError: unknown;
    try {
      await originals.fetch.call(window, base, { method: 'POST', headers: { authorization: `Bearer ${ticket}` } });
    } catch (err) {
      fetchError = err;
    }
    expect(fetchError, 'a cross-site fetch with the ticket').to.be.instanceOf(TypeError);
    const opaque = await originals.fetch.call(window, base, { method: 'POST', mode: 'no-cors', body: 'x' });
    expect(opaque.type).to.equal('opaque');
    await r.wait('browser', { count: 7 });
    const report = await r.report();
    expect(report.browser.map((b) => b.method)).to.deep.equal(['POST', 'POST', 'GET', 'GET', 'GET', 'OPTIONS', 'POST']);
    // Form POST (foreign Origin), the old URL form, a link with the ticket in the query, an image
    // (cross-site, no Origin), an image at the old URL form, the fetch's preflight, a no-cors POST.
    expect(report.browser.map((b) => b.status), report.browser.map((b) => `${b.method} ${b.url} ${b.status}`).join('\n')).to.deep.equal([403, 404, 400, 403, 404, 403, 403]);
    expect(report.upstream, 'GREEN-API was asked').to.deep.equal([]);
    expect((await r.mockState(id)).authorized, 'still linked').to.equal(true);
    expect(report.lines.filter((l) => /refused \((origin|cross_site)/.test(l))).to.have.length(3);
  });

  it('one live socket per ticket; a refused handshake opens nothing upstream; closing frees the ticket', async function () {
    this.timeout(15_000);
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    const { ticket } = await r.issue({ instanceId: id });
    const first = openSocket(r, id, ticket);
    await waitUntil(() => first.frames.length >= 1, 'no QR code', { timeout: 5000 });
    const second = openSocket(r, id, ticket);
    await settled(second);
    expect(second.opened).to.equal(false);
    await r.wait('line', { text: 'already has a live socket (409)' });
    // A handshake that ws would refuse (version 8): refused before GREEN-API is contacted.
    const old = await r.socket({ path: `/waInstance${id}/scanqrcode`, origin: location.origin, protocols: protocolsFor(ticket), version: 8 });
    expect(old).to.deep.include({ status: 426, opened: false });
    expect((await r.report()).upstream.filter((u) => u.kind === 'upgrade')).to.have.length(1);

    first.ws.close(1000);
    await waitUntil(() => first.close !== undefined, 'no close', { timeout: 3000 });
    await r.wait('browser', { count: 2 });
    const third = openSocket(r, id, ticket);
    await waitUntil(() => third.frames.length >= 1, 'the ticket stayed locked after its socket closed', { timeout: 5000 });
    third.ws.close();
    expect((await r.report()).upstream.filter((u) => u.kind === 'upgrade')).to.have.length(2);
  });

  it('nothing from the browser is relayed: frames are dropped, a big frame or a flood closes the socket', async function () {
    this.timeout(20_000);
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    // Many small frames.
    const small = openSocket(r, id, (await r.issue({ instanceId: id })).ticket);
    await waitUntil(() => small.frames.length >= 1, 'no QR code', { timeout: 5000 });
    for (let i = 0; i < 2000; i++) small.ws.send(JSON.stringify({ type: 'qrCode', i }));
    await waitUntil(() => small.close !== undefined, 'the flooded socket stayed open', { timeout: 5000 });
    expect(small.close!.code).to.equal(1008);
    // 64 MB in 1 MB frames (the old proxy relayed 966 MB in 8 s).
    const big = openSocket(r, id, (await r.issue({ instanceId: id })).ticket);
    await waitUntil(() => big.frames.length >= 1, 'no QR code', { timeout: 5000 });
    const chunk = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 64 && big.ws.readyState === WebSocket.OPEN; i++) big.ws.send(chunk);
    // The server ends the connection (Chromium may report it only once its send buffer is discarded).
    await r.wait('browser', { count: 2, timeout: 10_000 });
    big.ws.close();
    const report = await r.report();
    expect(report.upstreamWsBytesFromProxy, 'bytes relayed to GREEN-API').to.be.at.most(32);
    const read = report.browser.filter((b) => b.method === 'UPGRADE').map((b) => b.bytesRead);
    expect(read[1], 'bytes the server read of the 64 MB').to.be.below(4 * 1024 * 1024);
    expect(report.lines.some((l) => l.includes('frames (closed)'))).to.equal(true);
    expect(report.lines.some((l) => l.includes('over 1024 bytes (closed)'))).to.equal(true);
  });

  it('a Host that is not allowed (DNS rebinding) is refused, for calls and sockets', async () => {
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    const { ticket } = await r.issue({ instanceId: id });
    const host = new URL(r.url).host;
    const bad = await r.request({ path: `/waInstance${id}/getStateInstance`, headers: { host: `rebound.example:${host.split(':')[1]}`, authorization: `Bearer ${ticket}` } });
    expect(bad.status).to.equal(421);
    const sock = await r.socket({ path: `/waInstance${id}/scanqrcode`, origin: `http://rebound.example`, protocols: protocolsFor(ticket), headers: { host: 'rebound.example' } });
    expect(sock).to.deep.include({ status: 421, opened: false });
    const good = await r.request({ path: `/waInstance${id}/getStateInstance`, headers: { host, authorization: `Bearer ${ticket}` } });
    expect(good.status).to.equal(200);
    expect((await r.report()).upstream).to.have.length(1);
  });

  it('cross-site and origin-less requests: refused unless the page is allowed; state-changing requests must say where they come from', async () => {
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    const { ticket } = await r.issue({ instanceId: id, scopes: ['qr', 'logout'] });
    const own = `http://${new URL(r.url).host}`;
    const auth = { authorization: `Bearer ${ticket}` };
    const state = `/waInstance${id}/getStateInstance`;
    const logout = `/waInstance${id}/logout`;
    const cases: [string, { method?: string; path: string; headers: Record<string, string> }, number][] = [
      ['a foreign Origin', { path: state, headers: { ...auth, origin: 'https://evil.example' } }, 403],
      ['Origin null', { path: state, headers: { ...auth, origin: 'null' } }, 403],
      ['cross-site without Origin (an image)', { path: state, headers: { ...auth, 'sec-fetch-site': 'cross-site' } }, 403],
      ['POST with neither Origin nor Sec-Fetch-Site', { method: 'POST', path: logout, headers: auth }, 403],
      ['POST typed in the address bar', { method: 'POST', path: logout, headers: { ...auth, 'sec-fetch-site': 'none' } }, 403],
      ['a preflight from a foreign origin', { method: 'OPTIONS', path: logout, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } }, 403],
      ['GET from a script without a browser', { path: state, headers: auth }, 200],
      ['the own origin', { path: state, headers: { ...auth, origin: own, 'sec-fetch-site': 'same-origin' } }, 200],
      ['the own host over https', { path: state, headers: { ...auth, origin: own.replace('http:', 'https:'), 'sec-fetch-site': 'same-origin' } }, 200],
      ['an allowed cross-site page', { path: state, headers: { ...auth, origin: location.origin, 'sec-fetch-site': 'cross-site' } }, 200],
    ];
    for (const [what, init, status] of cases) {
      const reply = await r.request(init);
      expect(reply.status, what).to.equal(status);
      if (status === 200 && init.headers.origin === location.origin) expect(reply.headers['access-control-allow-origin']).to.equal(location.origin);
      if (status !== 200) expect(reply.headers['access-control-allow-origin'], what).to.equal(undefined);
    }
    const preflight = await r.request({ method: 'OPTIONS', path: logout, headers: { origin: location.origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers['access-control-allow-headers']).to.equal('authorization, content-type');
    expect(preflight.headers['access-control-allow-methods']).to.equal('POST, OPTIONS');
    for (const origin of [undefined, 'https://evil.example']) {
      const sock = await r.socket({ path: `/waInstance${id}/scanqrcode`, origin, protocols: protocolsFor(ticket) });
      expect(sock, `socket from ${origin}`).to.deep.include({ status: 403, opened: false });
    }
    expect((await r.report()).upstream.map((u) => u.path.split('/')[2])).to.deep.equal(['getStateInstance', 'getStateInstance', 'getStateInstance', 'getStateInstance']);
  });

  it('malformed GREEN-API answers become 502 (bad JSON, status 099, huge, reset, hung), never a crash; its 400/429/466 are passed on', async function () {
    this.timeout(20_000);
    const id = newId();
    const r = await begin({ instances: { [id]: 'scripted' }, limits: { upstreamTimeoutMs: 500, requestsPerSecond: 100 } });
    const { ticket } = await r.issue({ instanceId: id });
    const cases: [string, Record<string, unknown>, number][] = [
      ['bad JSON', { status: 200, body: '{"stateInstance": ' }, 502],
      ['a JSON array', { status: 200, body: '["authorized"]' }, 502],
      ['a wrong field type', { json: { stateInstance: { nested: true } } }, 502],
      ['status 099', { raw: 'HTTP/1.1 099 Odd\r\ncontent-length: 2\r\n\r\n{}' }, 502],
      ['status 600', { raw: 'HTTP/1.1 600 Odd\r\ncontent-length: 2\r\n\r\n{}' }, 502],
      ['not HTTP', { raw: 'garbage\r\n\r\n' }, 502],
      ['3 MB', { bytes: 3_000_000 }, 502],
      ['a reset', { reset: true }, 502],
      ['no answer', { hang: true }, 502],
      ['401 (the real token was refused)', { status: 401, body: '{"error":"unauthorized"}' }, 502],
      ['500', { status: 500, body: 'oops' }, 502],
      ['400', { status: 400, body: '{"error":"bad"}' }, 400],
      ['429', { status: 429, headers: { 'retry-after': '2' }, body: '' }, 429],
      ['466 (quota)', { status: 466, body: '' }, 466],
    ];
    for (const [what, answer, status] of cases) {
      await r.script({ answers: { getStateInstance: answer } });
      const reply = await call(r, id, 'getStateInstance', ticket);
      expect(reply.status, what).to.equal(status);
      expect(reply.json?.error, what).to.be.a('string');
      expect(reply.text, what).not.to.contain('oops');
    }
    await r.script({ answers: { getStateInstance: { json: { stateInstance: 'notAuthorized' } } } });
    expect((await call(r, id, 'getStateInstance', ticket)).json, 'still serving').to.deep.equal({ stateInstance: 'notAuthorized' });
    const report = await r.report();
    expect(report.lines.filter((l) => l.includes('502)')).length).to.equal(11);
    expect(report.realTokenInLog).to.equal(false);
  });

  it('socket frames from GREEN-API are rebuilt: malformed, binary and unknown ones are dropped; accountData is reduced', async function () {
    this.timeout(15_000);
    const id = newId();
    const r = await begin({ instances: { [id]: 'scripted' } });
    const { ticket } = await r.issue({ instanceId: id });
    const frames: unknown[] = [
      '{"type":"qrCode","message":"bm90IGEgcG5n"}',
      'not json',
      { binary: 16 },
      '{"type":"sendMessage","chatId":"1@c.us"}',
      { qr: true },
      JSON.stringify({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: 'user:secret@10.0.0.1', webhookUrl: 'https://hooks.example/?token=hook-secret' }),
    ];
    await r.script({ frames });
    const s = openSocket(r, id, ticket);
    await waitUntil(() => s.frames.length >= 2, 'no accountData', { timeout: 5000 });
    expect(s.frames.map((f) => JSON.parse(f).type)).to.deep.equal(['qrCode', 'accountData']);
    expect(String(s.json(0).message)).to.match(PNG_BASE64);
    expect(s.json(1)).to.deep.equal({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna' });
    const report = await r.report();
    expect(report.lines.filter((l) => l.includes('dropped a malformed frame')).length).to.equal(3);
  });

  it('the real token echoed by GREEN-API is scrubbed from answers and frames; accountData fields only on opt-in', async function () {
    this.timeout(15_000);
    const id = newId();
    const other = newId();
    const r = await begin({ instances: { [id]: 'scripted', [other]: 'scripted' }, accountFields: ['wid', 'pushname', 'webhookUrl'] });
    const { ticket } = await r.issue({ instanceId: id });
    // The scripted upstream repeats its request path (`__ECHO_PATH__`), which holds the real token.
    await r.script({ answers: { qr: { json: { type: 'error', message: '__ECHO_PATH__' } } } });
    const seen = await r.request({ path: `/waInstance${id}/qr`, headers: { authorization: `Bearer ${ticket}` } });
    expect(seen.status).to.equal(200);
    expect(seen.realTokenInReply).to.equal(false);
    expect(JSON.parse(seen.body).message).to.match(/^\/waInstance\d+\/qr\/\[redacted\]$/);
    await r.script({ frames: [JSON.stringify({ type: 'error', message: 'bad token __ECHO_PATH__' })] });
    const s = await r.socket({ path: `/waInstance${id}/scanqrcode`, origin: location.origin, protocols: protocolsFor(ticket) });
    expect(s.frames).to.have.length(1);
    expect(JSON.parse(s.frames[0]).message).to.match(/^bad token \/waInstance\d+\/scanqrcode\/\[redacted\]$/);

    await r.script({ frames: [JSON.stringify({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: '10.0.0.1', webhookUrl: 'https://hooks.example/wa' })] });
    const t2 = (await r.issue({ instanceId: other })).ticket;
    const s2 = await r.socket({ path: `/waInstance${other}/scanqrcode`, origin: location.origin, protocols: protocolsFor(t2) });
    expect(JSON.parse(s2.frames[0])).to.deep.equal({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', webhookUrl: 'https://hooks.example/wa' });
  });

  it('limits: body size, content type, JSON, header count; a failed socket revokes its ticket', async function () {
    this.timeout(15_000);
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' } });
    const { ticket } = await r.issue({ instanceId: id, scopes: ['qr', 'phone'] });
    const path = `/waInstance${id}/getAuthorizationCode`;
    const headers = { authorization: `Bearer ${ticket}`, origin: location.origin, 'content-type': 'application/json' };
    expect((await r.request({ method: 'POST', path, headers, body: JSON.stringify({ phoneNumber: 79001234567, pad: 'x'.repeat(5000) }) })).status).to.equal(413);
    expect((await r.request({ method: 'POST', path, headers: { ...headers, 'content-type': 'text/plain' }, body: '{"phoneNumber":79001234567}' })).status).to.equal(415);
    expect((await r.request({ method: 'POST', path, headers, body: '{"phoneNumber":' })).status).to.equal(400);
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`x-extra-${i}`, '1']));
    expect((await r.request({ path: `/waInstance${id}/getStateInstance`, headers: { ...many, authorization: `Bearer ${ticket}` } })).status).to.equal(431);
    expect((await r.report()).upstream).to.deep.equal([]);

    const s = openSocket(r, id, ticket);
    await waitUntil(() => s.frames.length >= 1, 'no QR code', { timeout: 5000 });
    await r.mock('timeout', id);
    await waitUntil(() => s.close !== undefined, 'no close', { timeout: 5000 });
    expect(JSON.parse(s.frames[s.frames.length - 1]).type).to.equal('timeoutExpired');
    await r.wait('line', { text: 'failed; ticket revoked' });
    expect((await call(r, id, 'qr', ticket)).status).to.equal(401);
  });

  it('rate limits per ticket: requests per second, code attempts per minute', async () => {
    const id = newId();
    const r = await begin({ instances: { [id]: 'scripted' }, limits: { requestsPerSecond: 3, attemptsPerMinute: 2 }, answers: { getStateInstance: { json: { stateInstance: 'notAuthorized' } }, sendAuthorizationPassword: { json: { status: true, data: { status: 'fail', reason: 'invalid_password' } } } } });
    const { ticket } = await r.issue({ instanceId: id });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(r, id, 'getStateInstance', ticket)).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429, 429]);
    await r.advance(1000);
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push((await call(r, id, 'sendAuthorizationPassword', ticket, { post: { password: `p${i}` } })).status);
    expect(attempts).to.deep.equal([200, 200, 429]);
    expect((await r.report()).scripted).to.have.length(5);
  });

  it('revokeTicket closes the live socket (1008), and so does the end of its ticket', async () => {
    const id = newId();
    // The lock is renewed (and the ticket checked) every 100 ms.
    const r = await begin({ instances: { [id]: 'mock' }, limits: { lockTtlMs: 300 } });
    const { ticket } = await r.issue({ instanceId: id });
    const s = openSocket(r, id, ticket);
    await waitUntil(() => s.frames.length >= 1, 'no QR code', { timeout: 5000 });
    await r.revoke(ticket);
    await waitUntil(() => s.close !== undefined, 'the socket outlived its ticket', { timeout: 3000 });
    expect(s.close!.code).to.equal(1008);

    const { ticket: expiring } = await r.issue({ instanceId: id, ttlMs: 60_000 });
    const e = openSocket(r, id, expiring);
    await waitUntil(() => e.frames.length >= 1, 'no QR code', { timeout: 5000 });
    await r.advance(60_000);
    await waitUntil(() => e.close !== undefined, 'the socket outlived the end of its ticket', { timeout: 3000 });
    expect(e.close!.code).to.equal(1008);
  });

  it("the host's lookup: an unknown instance is 404, a failing lookup or a plain-http upstream is 502, and neither leaks the token", async () => {
    const [unknown, throws, plain] = [newId(), newId(), newId()];
    const r = await begin({ instances: { [throws]: 'throws', [plain]: 'plain-http' } });
    for (const [id, status] of [[unknown, 404], [throws, 502], [plain, 502]] as const) {
      const { ticket } = await r.issue({ instanceId: id });
      const reply = await call(r, id, 'getStateInstance', ticket);
      expect(reply.status, id).to.equal(status);
      const s = openSocket(r, id, ticket);
      await settled(s);
      expect(s.opened).to.equal(false);
    }
    const report = await r.report();
    expect(report.realTokenInLog).to.equal(false);
    expect(report.lines.some((l) => l.includes('lookup failed'))).to.equal(true);
    expect(report.lines.some((l) => l.includes('no valid apiUrl'))).to.equal(true);
  });

  it('mounted under a basePath, it answers only there', async () => {
    const id = newId();
    const r = await begin({ instances: { [id]: 'mock' }, basePath: '/green-api' });
    expect(r.url).to.match(/\/green-api$/);
    const { ticket } = await r.issue({ instanceId: id });
    expect((await call(r, id, 'getStateInstance', ticket)).json).to.deep.equal({ stateInstance: 'notAuthorized' });
    const outside = await r.request({ path: `/waInstance${id}/getStateInstance`, headers: { authorization: `Bearer ${ticket}` } });
    expect(outside.status, 'left to the host (its 404)').to.equal(404);
    expect(outside.body).to.equal('');
    const s = openSocket(r, id, ticket);
    await waitUntil(() => s.frames.length >= 1, 'no QR code under the base path', { timeout: 5000 });
    s.ws.close();
    const outsideSocket = await r.socket({ path: `/waInstance${id}/scanqrcode`, origin: location.origin, protocols: protocolsFor(ticket) });
    expect(outsideSocket.opened, 'left to the host (it drops the socket)').to.equal(false);
    expect(outsideSocket.status, 'no answer from the link server').to.equal(undefined);
  });

  it('default limits per ticket: 10 requests a second, 10 sockets and 5 code, password or logout attempts a minute', async function () {
    this.timeout(20_000);
    const id = newId();
    const r = await begin({ instances: { [id]: 'scripted' }, answers: { getStateInstance: { json: { stateInstance: 'notAuthorized' } }, logout: { json: { isLogout: true } } }, frames: [] });
    const { ticket } = await r.issue({ instanceId: id, scopes: ['qr', 'logout'] });
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await call(r, id, 'getStateInstance', ticket)).status);
    expect(statuses).to.deep.equal([...Array(10).fill(200), 429]);
    await r.advance(1000);
    const logouts = [];
    for (let i = 0; i < 6; i++) logouts.push((await call(r, id, 'logout', ticket, { verb: 'POST' })).status);
    expect(logouts).to.deep.equal([200, 200, 200, 200, 200, 429]);
    const sockets = [];
    const before = (await r.report()).browser.filter((b) => b.done).length;
    for (let i = 0; i < 11; i++) {
      const s = openSocket(r, id, ticket);
      await settled(s);
      sockets.push(s.opened);
      s.ws.close();
      await waitUntil(() => s.close !== undefined, 'no close', { timeout: 3000 });
      // The server has seen this socket end (and released the ticket's lock) before the next one.
      await r.wait('browser', { count: before + i + 1 });
    }
    expect(sockets).to.deep.equal([...Array(10).fill(true), false]);
    await r.wait('line', { text: 'rate limited (429)' });
  });

  it("a body a framework's parser already read is used (and rebuilt); a throwing onLinked is logged and changes nothing", async () => {
    const id = newId();
    const r = await begin({
      instances: { [id]: 'scripted' },
      preParse: true,
      onLinkedThrows: true,
      answers: { sendAuthorizationPassword: { json: { status: true, data: { status: 'success' } } }, getStateInstance: { json: { stateInstance: 'authorized' } } },
    });
    const { ticket } = await r.issue({ instanceId: id });
    expect((await call(r, id, 'sendAuthorizationPassword', ticket, { post: { password: 'pre-parsed', extra: 1 } })).json).to.deep.equal({ status: true, data: { status: 'success' } });
    await r.wait('line', { text: 'onLinked failed' });
    const report = await r.report();
    expect(report.linked).to.deep.equal([{ instanceId: id }]);
    expect(report.scripted.find((x) => x.path.includes('sendAuthorizationPassword'))!.body).to.equal('{"password":"pre-parsed"}');
    expect(report.realTokenInLog).to.equal(false);
    expect((await call(r, id, 'getStateInstance', ticket)).json, 'still serving').to.deep.equal({ stateInstance: 'authorized' });
  });
});
