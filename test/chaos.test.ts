// Chaos against the real scripted websocket server: every way a connection can end, in every state
// of a session; a handshake that never finishes; a server that never speaks; frames after the end;
// attribute and restart() storms; going offline and the back/forward cache.
import { en } from '../src/element/locales/en.js';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import type { AccountData, AccountLinkedEvent, ScanFailedEvent, ScanFailure, ScanStateChangeEvent } from '../src/core/events.js';
import { stringsFor } from '../src/element/localize.js';
import type { ScanSessionOptions } from '../src/core/scan-session.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsConnection, type WsServer } from './helpers/ws-server.js';
import { part, sleep } from './helpers/element.js';

const qrSrc = (el: GreenQrScan) => part(el, 'qr')?.getAttribute('src') ?? null;
const openCount = (connections: WsConnection[]) => connections.filter((c) => c.open).length;

/** Reconnection in milliseconds, two attempts, no HTTP fallback. */
const FAST: ScanSessionOptions = { backoffMs: [20], maxConnectAttempts: 2, transport: 'websocket' };

const ACCOUNT: AccountData = { wid: '79001234567@c.us', pushname: 'Anna', proxy: '10.0.0.1', webhookUrl: 'https://hooks.example/wa' };
/** What account-linked carries for ACCOUNT: the frame plus the messenger and the number from the wid. */
const LINKED: AccountData = { ...ACCOUNT, messenger: 'whatsapp', phone: '79001234567' };
const OTHER_ACCOUNT: AccountData = { wid: '447946095800@c.us', pushname: 'Bob', proxy: '', webhookUrl: '' };

interface Recorded {
  states: string[];
  linked: AccountData[];
  failed: ScanFailure[];
}

/** Ways the server ends a connection: a close handshake with a code, or a dropped TCP connection. */
const DROPS: { name: string; code: number; drop: (server: WsServer, index: number) => Promise<void> }[] = [
  { name: 'close 1000 (normal)', code: 1000, drop: (s, i) => s.close(1000, 'bye', i) },
  { name: 'close 1001 (going away)', code: 1001, drop: (s, i) => s.close(1001, 'going away', i) },
  { name: 'terminate (1006, no close frame)', code: 1006, drop: (s, i) => s.terminate(i) },
  { name: 'close 1011 (server error)', code: 1011, drop: (s, i) => s.close(1011, 'internal error', i) },
  { name: 'close 4000 (application)', code: 4000, drop: (s, i) => s.close(4000, 'app', i) },
  { name: 'close 4403 (application)', code: 4403, drop: (s, i) => s.close(4403, 'forbidden', i) },
];

/** Terminal messages and what the element makes of them. */
const TERMINALS = [
  { frame: { type: 'accountData', ...ACCOUNT }, state: 'linked', linked: [LINKED], failed: [] },
  { frame: { type: 'error', message: 'Multi-device beta not joined' }, state: 'failed', linked: [], failed: [{ reason: 'error', message: 'Multi-device beta not joined' }] },
  { frame: { type: 'alreadyLogged', message: 'instance account already authorized' }, state: 'failed', linked: [], failed: [{ reason: 'alreadyLogged', message: 'instance account already authorized' }] },
  { frame: { type: 'timeoutExpired', message: 'timeoutExpired' }, state: 'failed', linked: [], failed: [{ reason: 'timeoutExpired', message: 'timeoutExpired' }] },
  { frame: { type: 'timeout', message: 'timeout' }, state: 'failed', linked: [], failed: [{ reason: 'timeoutExpired', message: 'timeout' }] },
] as const;

describe('chaos', function () {
  this.timeout(15_000);
  let server: WsServer;
  let png1: string;
  let png2: string;

  before(() => {
    png1 = pngBase64(11);
    png2 = pngBase64(12);
  });
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  async function mount(target: WsServer = server, sessionOptions: ScanSessionOptions = FAST) {
    const recorded: Recorded = { states: [], linked: [], failed: [] };
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
      instance-id=${INSTANCE_ID}
      api-url=${target.url}
      .token=${TOKEN}
      .sessionOptions=${sessionOptions}
      @scan-state-change=${(e: ScanStateChangeEvent) => recorded.states.push(e.detail.state)}
      @account-linked=${(e: AccountLinkedEvent) => recorded.linked.push(e.detail)}
      @scan-failed=${(e: ScanFailedEvent) => recorded.failed.push(e.detail)}
    ></green-qr-scan>`);
    return { el, recorded };
  }

  async function showQr(el: GreenQrScan, png: string, index?: number) {
    await server.send({ type: 'qrCode', message: png }, index);
    await waitUntil(() => qrSrc(el) === `data:image/png;base64,${png}`, `QR ${png.slice(-12)} not shown`);
  }

  describe('server ends the connection', () => {
    for (const { name, code, drop } of DROPS) {
      it(`connecting (before any frame) + ${name} → reconnects and shows the next QR`, async () => {
        const { el, recorded } = await mount();
        await server.waitForConnection(1);
        expect(el.state).to.equal('connecting');
        await drop(server, 0);
        expect(await server.waitForClose(0)).to.deep.equal({ closeCode: code, closedBy: 'server' });
        const connections = await server.waitForConnection(2);
        expect(connections[1].path).to.equal(`/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`);
        await showQr(el, png1, 1);
        await sleep(100);
        const after = await server.connections();
        expect(after.length).to.equal(2);
        expect(after.map((c) => c.open)).to.deep.equal([false, true]);
        expect(el.state).to.equal('qr');
        expect(recorded).to.deep.equal({ states: ['connecting', 'qr'], linked: [], failed: [] });
      });

      it(`qr (after a QR) + ${name} → "Reconnecting…", a new connection, the new QR`, async () => {
        const { el, recorded } = await mount();
        await server.waitForConnection(1);
        await showQr(el, png1);
        await drop(server, 0);
        expect(await server.waitForClose(0)).to.deep.equal({ closeCode: code, closedBy: 'server' });
        await server.waitForConnection(2);
        await el.updateComplete;
        expect(el.state).to.equal('connecting');
        expect(part(el, 'status')!.textContent!.trim()).to.equal(stringsFor('en').reconnecting);
        expect(qrSrc(el)).to.equal(null);
        await showQr(el, png2, 1);
        await sleep(100);
        const after = await server.connections();
        expect(after.length).to.equal(2);
        expect(after.map((c) => c.open)).to.deep.equal([false, true]);
        expect(recorded).to.deep.equal({ states: ['connecting', 'qr', 'connecting', 'qr'], linked: [], failed: [] });
      });

      for (const terminal of TERMINALS.slice(0, 2)) {
        it(`after a terminal ${terminal.frame.type} + ${name} → nothing happens: no new connection, one terminal event`, async () => {
          const { el, recorded } = await mount();
          await server.waitForConnection(1);
          await showQr(el, png1);
          // The terminal frame and the close go out back to back, on one ordered connection.
          const results = await Promise.allSettled([server.send(terminal.frame, 0), drop(server, 0)]);
          expect(results[0].status).to.equal('fulfilled');
          await waitUntil(() => el.state === terminal.state, `not ${terminal.state}`);
          await server.waitForClose(0);
          await sleep(250);
          expect((await server.connections()).length).to.equal(1);
          expect(el.state).to.equal(terminal.state);
          expect(recorded).to.deep.equal({ states: ['connecting', 'qr', terminal.state], linked: terminal.linked, failed: terminal.failed });
        });
      }
    }
  });

  it('a handshake that never finishes: connect timeout, one retry, then a connection failure', async () => {
    const hanging = await startWsServer({ noHandshake: true });
    try {
      const started = performance.now();
      const { el, recorded } = await mount(hanging, { ...FAST, connectTimeoutMs: 300 });
      await waitUntil(() => recorded.failed.length > 0, 'no failure', { timeout: 5000 });
      const elapsed = performance.now() - started;
      expect(elapsed).to.be.within(600, 3000);
      expect(recorded).to.deep.equal({
        states: ['connecting', 'failed'],
        linked: [],
        failed: [{ reason: 'connection', message: `Could not connect to ${hanging.httpUrl}.` }],
      });
      expect(el.failure).to.deep.equal({ reason: 'connection', message: `Could not connect to ${hanging.httpUrl}.` });
      // Both attempts were given up by the client.
      expect((await hanging.waitForClose(0)).closedBy).to.equal('client');
      expect((await hanging.waitForClose(1)).closedBy).to.equal('client');
      await sleep(200);
      const connections = await hanging.connections();
      expect(connections.map((c) => [c.handshake, c.closedBy])).to.deep.equal([
        ['pending', 'client'],
        ['pending', 'client'],
      ]);
    } finally {
      await hanging.stop();
    }
  });

  it('a server that opens but never speaks: patience until the first-code wait ends, then a diagnosis (never "websockets are blocked")', async () => {
    const started = performance.now();
    const { el, recorded } = await mount(server, { ...FAST, firstCodeTimeoutMs: 400, requestTimeoutMs: 1000 });
    await server.waitForConnection(1);
    await waitUntil(() => recorded.failed.length > 0, 'no failure', { timeout: 3000 });
    expect(performance.now() - started).to.be.within(380, 2500);
    // The scripted server answers HTTP without CORS: GetStateInstance cannot be read either.
    expect(recorded.states).to.deep.equal(['connecting', 'failed']);
    expect(recorded.failed.map((f) => f.reason)).to.deep.equal(['connection']);
    expect(recorded.failed[0].message).to.match(/^No QR code within 0.4 s; getStateInstance: could not reach/);
    expect(el.shadowRoot!.textContent).to.not.contain(en.httpFallback);
    expect(el.state).to.equal('failed');
    expect(await server.waitForClose(0)).to.deep.equal({ closeCode: 1000, closedBy: 'client' });
    await sleep(100);
    expect((await server.connections()).length).to.equal(1);
  });

  describe('frames after the terminal message are ignored', () => {
    const followers = [
      { type: 'accountData', ...OTHER_ACCOUNT },
      { type: 'error', message: 'late error' },
      { type: 'qrCode', message: 'PNG' },
      { type: 'timeout', message: 'late timeout' },
      { type: 'alreadyLogged', message: 'late' },
    ];
    for (const terminal of TERMINALS) {
      it(`${terminal.frame.type}, then five more frames → exactly one ${terminal.state === 'linked' ? 'account-linked' : 'scan-failed'}`, async () => {
        const { el, recorded } = await mount();
        await server.waitForConnection(1);
        // `alreadyLogged` after a code would be confirmed with GetStateInstance; before one it is final.
        const qrFirst = terminal.frame.type !== 'alreadyLogged';
        if (qrFirst) await showQr(el, png1);
        const frames = [terminal.frame, ...followers.map((f) => (f.type === 'qrCode' ? { ...f, message: png2 } : f))];
        await Promise.allSettled(frames.map((f) => server.send(f, 0)));
        await waitUntil(() => el.state === terminal.state);
        expect((await server.waitForClose(0)).closedBy).to.equal('client');
        await sleep(150);
        await el.updateComplete;
        expect(recorded).to.deep.equal({ states: ['connecting', ...(qrFirst ? ['qr'] : []), terminal.state], linked: terminal.linked, failed: terminal.failed });
        expect(el.state).to.equal(terminal.state);
        expect(el.account).to.deep.equal(terminal.linked[0]);
        expect(el.failure).to.deep.equal(terminal.failed[0]);
        expect(qrSrc(el)).to.equal(null);
        expect((await server.connections()).length).to.equal(1);
      });
    }

    it('a second accountData changes nothing: the first account stays', async () => {
      const { el, recorded } = await mount();
      await server.waitForConnection(1);
      await showQr(el, png1);
      await Promise.allSettled([server.send({ type: 'accountData', message: ACCOUNT }, 0), server.send({ type: 'accountData', message: JSON.stringify(OTHER_ACCOUNT) }, 0)]);
      await waitUntil(() => el.state === 'linked');
      await server.waitForClose(0);
      await sleep(150);
      await el.updateComplete;
      expect(recorded.linked).to.deep.equal([LINKED]);
      expect(el.account).to.deep.equal(LINKED);
      expect(part(el, 'account')!.textContent).to.contain('+79001234567').and.not.contain('447946095800');
    });
  });

  it('100 changes of instance-id, token and api-url in one task → exactly one new connection, to the last values', async () => {
    const { el, recorded } = await mount();
    await server.waitForConnection(1);
    await showQr(el, png1);
    const tokens = Array.from({ length: 100 }, (_, i) => `${i.toString(16).padStart(2, '0')}${'e'.repeat(48)}`);
    for (let i = 0; i < 100; i++) {
      el.setAttribute('instance-id', String(1101000100 + i));
      el.setAttribute('token', tokens[i]);
      el.setAttribute('api-url', i % 2 ? server.url : server.httpUrl);
    }
    expect(await server.waitForClose(0)).to.deep.equal({ closeCode: 1000, closedBy: 'client' });
    await server.waitForConnection(2);
    await sleep(300);
    const connections = await server.connections();
    expect(connections.map((c) => c.path)).to.deep.equal([
      `/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`,
      `/waInstance1101000199/scanqrcode/${tokens[99]}`,
    ]);
    expect(connections.map((c) => c.open)).to.deep.equal([false, true]);
    await showQr(el, png2, 1);
    expect(recorded).to.deep.equal({ states: ['connecting', 'qr', 'connecting', 'qr'], linked: [], failed: [] });
  });

  describe('restart() spam', () => {
    /** A `WebSocket` that counts the sockets the element creates. */
    function countingSockets() {
      const made: WebSocket[] = [];
      class CountingWebSocket extends WebSocket {
        constructor(url: string) {
          super(url);
          made.push(this);
        }
      }
      return { made, WebSocket: CountingWebSocket };
    }

    /**
     * Waits until the server saw every socket the element made and all of them finished their
     * handshake. Chromium lets one handshake per host run at a time and delays sockets after many
     * short-lived ones (its WebSocket throttling), so this can take seconds.
     */
    async function allArrived(made: WebSocket[]) {
      await waitUntil(
        async () => {
          const connections = await server.connections();
          return connections.length === made.length && connections.every((c) => c.handshake === 'accepted');
        },
        'not every socket reached the server',
        { timeout: 10_000, interval: 100 },
      );
      await sleep(200);
      return server.connections();
    }

    const spam100 = (el: GreenQrScan) => async () => {
      for (let i = 0; i < 100; i++) el.restart();
    };
    const spread20 = (el: GreenQrScan) => async () => {
      for (let i = 0; i < 20; i++) {
        el.restart();
        await (i % 2 ? el.updateComplete : sleep(1));
      }
    };

    it('100 calls in one task: exactly one new socket, the old one closed by the client', async () => {
      const sockets = countingSockets();
      const { el, recorded } = await mount(server, { ...FAST, WebSocket: sockets.WebSocket });
      await server.waitForConnection(1);
      await showQr(el, png1);
      await spam100(el)();
      expect(await server.waitForClose(0)).to.deep.equal({ closeCode: 1000, closedBy: 'client' });
      // GREEN-API allows one scanqrcode handshake a second: the new socket comes up to a second later.
      await server.waitForConnection(2);
      const connections = await allArrived(sockets.made);
      expect(sockets.made.length).to.equal(2);
      expect(connections.map((c) => c.open)).to.deep.equal([false, true]);
      await showQr(el, png2, 1);
      expect(recorded).to.deep.equal({ states: ['connecting', 'qr', 'connecting', 'qr'], linked: [], failed: [] });
    });

    it('20 calls spread over a few ms: the element ends with one open connection, its own', async function () {
      this.timeout(20_000);
      const sockets = countingSockets();
      const { el, recorded } = await mount(server, { ...FAST, WebSocket: sockets.WebSocket });
      await server.waitForConnection(1);
      await showQr(el, png1);
      await spread20(el)();
      // GREEN-API allows one scanqrcode handshake a second: the last session's socket comes a little later.
      await server.waitForConnection(2);
      await waitUntil(() => sockets.made.some((s) => s.readyState === WebSocket.OPEN), 'no open socket', { timeout: 5000 });
      const connections = await allArrived(sockets.made);
      expect(openCount(connections)).to.equal(1);
      expect(sockets.made.filter((s) => s.readyState === WebSocket.OPEN).length).to.equal(1);
      await showQr(el, png2);
      expect(el.state).to.equal('qr');
      expect(recorded.linked.length + recorded.failed.length).to.equal(0);
      expect(recorded.states.slice(-2)).to.deep.equal(['connecting', 'qr']);
    });

    // One scanqrcode session per instance: a new socket opens only after the old one has closed.
    // The server answers a client's close frame SLOW_CLOSE_MS late, so the old socket's close takes
    // that long to finish; a socket opened without waiting for it reaches the server in the
    // meantime. The server's own sequence of events decides, not a snapshot's timing.
    const SLOW_CLOSE_MS = 400;

    /** Every connection arrived after all earlier ones had finished closing, on the server. */
    function expectOneAtATime(connections: WsConnection[]) {
      for (const [i, conn] of connections.entries()) {
        for (const earlier of connections.slice(0, i)) {
          expect(earlier.closeCompleted, `connection ${earlier.index} never finished closing, yet ${conn.index} opened`).to.be.a('number');
          expect(
            conn.arrived,
            `connection ${conn.index} arrived (event ${conn.arrived}) before connection ${earlier.index} finished closing (event ${earlier.closeCompleted}; close frame at event ${earlier.closeRequested})`,
          ).to.be.above(earlier.closeCompleted!);
        }
      }
    }

    it('100 calls in one task: the new socket reaches the server only after the old one finished closing', async () => {
      await server.stop();
      server = await startWsServer({ slowCloseMs: SLOW_CLOSE_MS });
      const { el, recorded } = await mount();
      await server.waitForConnection(1);
      await showQr(el, png1);
      await spam100(el)();
      const connections = await server.waitForConnection(2);
      expect(connections.length).to.equal(2);
      // The close was the client's, and the server did hold its reply back.
      expect(connections[0].closedBy).to.equal('client');
      expect(connections[0].closeRequested).to.be.below(connections[0].closeCompleted!);
      expectOneAtATime(connections);
      await showQr(el, png2, 1);
      expect(recorded).to.deep.equal({ states: ['connecting', 'qr', 'connecting', 'qr'], linked: [], failed: [] });
    });

    it('20 calls spread over a few ms: each new socket reaches the server only after the previous one finished closing', async () => {
      await server.stop();
      server = await startWsServer({ slowCloseMs: SLOW_CLOSE_MS });
      const { el } = await mount();
      await server.waitForConnection(1);
      await showQr(el, png1);
      await spread20(el)();
      // The element's own socket is the one whose QR code it shows: offer the new QR on the latest
      // connection that is open and not closing until the element shows it (a socket of a session
      // that was superseded meanwhile gets it too, and the element ignores it).
      const offered = new Set<number>();
      await waitUntil(
        async () => {
          const latest = (await server.connections()).filter((c) => c.open && c.closeRequested === undefined).at(-1);
          if (latest && latest.index > 0 && !offered.has(latest.index)) {
            offered.add(latest.index);
            await server.send({ type: 'qrCode', message: png2 }, latest.index);
          }
          return qrSrc(el) === `data:image/png;base64,${png2}`;
        },
        'the element never showed a QR code from a new connection',
        { timeout: 10_000, interval: 50 },
      );
      // Every other connection finishes closing; then exactly one stays open.
      await waitUntil(async () => (await server.connections()).filter((c) => c.closeCompleted === undefined).length === 1, 'a superseded socket never closed', {
        timeout: 10_000,
        interval: 50,
      });
      const connections = await server.connections();
      expect(connections.filter((c) => c.open).length).to.equal(1);
      expect(connections[0].closedBy).to.equal('client');
      expectOneAtATime(connections);
      expect(el.state).to.equal('qr');
    });
  });

  // Written as PENDING (before src handled these events); src/element/scan-controller.ts now suspends the
  // session on offline/pagehide and starts a fresh one on online/pageshow, and both pass.
  it('offline closes the socket and waits for the network; online starts a fresh session', async () => {
    const { el, recorded } = await mount();
    await server.waitForConnection(1);
    await showQr(el, png1);
    window.dispatchEvent(new Event('offline'));
    try {
      expect(await server.waitForClose(0)).to.deep.equal({ closeCode: 1000, closedBy: 'client' });
      await el.updateComplete;
      expect(el.state).to.equal('idle');
      expect(part(el, 'status')!.textContent!.trim()).to.equal(stringsFor('en').offline);
      expect(qrSrc(el)).to.equal(null);
      // Nothing connects while offline, not even restart().
      el.restart();
      await sleep(300);
      expect((await server.connections()).length).to.equal(1);
    } finally {
      window.dispatchEvent(new Event('online'));
    }
    await server.waitForConnection(2);
    await showQr(el, png2, 1);
    await sleep(100);
    const connections = await server.connections();
    expect(connections.map((c) => c.open)).to.deep.equal([false, true]);
    expect(recorded).to.deep.equal({ states: ['connecting', 'qr', 'idle', 'connecting', 'qr'], linked: [], failed: [] });
  });

  it('pagehide (persisted) closes the socket; pageshow (persisted) starts a fresh session', async () => {
    const { el, recorded } = await mount();
    await server.waitForConnection(1);
    await showQr(el, png1);
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    try {
      expect(await server.waitForClose(0)).to.deep.equal({ closeCode: 1000, closedBy: 'client' });
      await sleep(300);
      expect((await server.connections()).length).to.equal(1);
      expect(el.state).to.equal('idle');
    } finally {
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    }
    await server.waitForConnection(2);
    await showQr(el, png2, 1);
    await sleep(100);
    const connections = await server.connections();
    expect(connections.map((c) => c.open)).to.deep.equal([false, true]);
    expect(recorded).to.deep.equal({ states: ['connecting', 'qr', 'idle', 'connecting', 'qr'], linked: [], failed: [] });
  });

  it('a session that already ended stays ended through offline/online and pagehide/pageshow', async () => {
    const { el, recorded } = await mount();
    await server.waitForConnection(1);
    await server.send({ type: 'error', message: 'boom' });
    await waitUntil(() => el.state === 'failed');
    window.dispatchEvent(new Event('offline'));
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await sleep(300);
    expect((await server.connections()).length).to.equal(1);
    expect(recorded).to.deep.equal({ states: ['connecting', 'failed'], linked: [], failed: [{ reason: 'error', message: 'boom' }] });
  });
});
