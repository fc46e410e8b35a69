import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../src/core/events.js';
import { INSTANCE_ID, TOKEN, jpegBase64, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';
import { part, sleep } from './helpers/element.js';

const text = (el: GreenQrScan) => (el.shadowRoot!.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Fast timings so reconnection and the scan-window guard run in milliseconds, not minutes. */
const fast = { backoffMs: [50], maxConnectAttempts: 2, connectTimeoutMs: 2000 };

describe('<green-qr-scan>', () => {
  let server: WsServer;
  let png1: string;
  let png2: string;

  before(async () => {
    png1 = await pngBase64(1);
    png2 = await pngBase64(2);
  });
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  async function mount(options: { sessionOptions?: object; token?: string; instanceId?: string } = {}) {
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
      instance-id=${options.instanceId ?? INSTANCE_ID}
      api-url=${server.url}
      .sessionOptions=${options.sessionOptions ?? {}}
      .token=${options.token ?? TOKEN}
    ></green-qr-scan>`);
    await server.waitForConnection(1);
    return el;
  }

  async function showQr(el: GreenQrScan, image = png1, index?: number) {
    server.send({ type: 'qrCode', message: image }, index);
    await waitUntil(() => el.state === 'qr', 'no QR shown');
    await el.updateComplete;
  }

  it('opens one socket at /waInstance{id}/scanqrcode/{token} and shows a placeholder of the QR size', async () => {
    const el = await mount();
    const [connection] = await server.connections();
    expect(connection.path).to.equal(`/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`);
    expect(el.state).to.equal('connecting');
    expect(el.getAttribute('state')).to.equal('connecting');
    const skeleton = part(el, 'skeleton')!;
    const stage = part(el, 'stage')!.getBoundingClientRect();
    expect(skeleton).to.exist;
    expect(stage.width).to.equal(264);
    expect(stage.height).to.equal(264);
    expect(part(el, 'status')!.textContent).to.contain('Preparing your QR code');
  });

  it('percent-encodes the token as one path segment', async () => {
    await mount({ token: 'a/b?c#d_e%' });
    const [connection] = await server.connections();
    expect(connection.path).to.equal(`/waInstance${INSTANCE_ID}/scanqrcode/a%2Fb%3Fc%23d_e%25`);
  });

  it('shows the QR code with instructions, and the stage keeps its size', async () => {
    const el = await mount();
    await showQr(el);
    const img = part(el, 'qr') as HTMLImageElement;
    expect(img.src).to.equal(`data:image/png;base64,${png1}`);
    expect(img.alt).to.match(/QR code/);
    expect(el.getAttribute('state')).to.equal('qr');
    expect(part(el, 'instructions')!.textContent).to.match(/Open WhatsApp[\s\S]*Linked devices[\s\S]*Link a device[\s\S]*scan/);
    expect(part(el, 'stage')!.getBoundingClientRect().height).to.equal(264);
  });

  it('replaces a rotated QR code with an image that is already decoded, without an empty frame', async () => {
    const el = await mount();
    await showQr(el, png1);
    const first = part(el, 'qr') as HTMLImageElement;
    // Every [part=qr] the page ever holds, as it is at that moment: its code, and whether the image
    // is decoded (the element shows the very image it decoded the code in, not a second one).
    const seen: { src: string; decoded: boolean }[] = [];
    const look = () => {
      const img = part(el, 'qr') as HTMLImageElement | null;
      seen.push(img ? { src: img.getAttribute('src')!, decoded: img.complete && img.naturalWidth > 0 } : { src: 'none', decoded: false });
    };
    const observer = new MutationObserver(look);
    observer.observe(el.shadowRoot!, { subtree: true, childList: true, attributes: true });
    server.send({ type: 'qrCode', message: png2 });
    await waitUntil(() => part(el, 'qr')?.getAttribute('src')?.endsWith(png2), 'rotated QR not shown');
    observer.disconnect();
    const img = part(el, 'qr') as HTMLImageElement;
    expect(seen.map((s) => s.src)).to.not.include('none');
    expect(seen.filter((s) => s.src.endsWith(png2))).to.not.be.empty;
    expect(seen.every((s) => s.decoded), 'a QR image shown before it was decoded').to.equal(true);
    expect(img).to.not.equal(first);
    expect(img.naturalWidth).to.be.above(0);
    expect(img.alt).to.match(/QR code/);
    expect([img.getAttribute('width'), img.getAttribute('height')]).to.deep.equal(['256', '256']);
    expect(el.state).to.equal('qr');
  });

  it('accepts a data: URL and JPEG bytes, and ignores a payload that is not a PNG or JPEG', async () => {
    const el = await mount();
    server.send({ type: 'qrCode', message: btoa('GIF89a not a png at all') });
    server.send({ type: 'qrCode', message: '<svg onload=alert(1)>' });
    await sleep(100);
    expect(el.state).to.equal('connecting');
    await showQr(el, `data:image/png;base64,${png1}`);
    expect((part(el, 'qr') as HTMLImageElement).src).to.equal(`data:image/png;base64,${png1}`);
    const jpeg = await jpegBase64();
    server.send({ type: 'qrCode', message: jpeg });
    await waitUntil(() => (part(el, 'qr') as HTMLImageElement).src === `data:image/jpeg;base64,${jpeg}`);
  });

  for (const [shape, frame] of [
    ['at the top level', { type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: '10.0.0.1', webhookUrl: 'https://hooks.example/wa' }],
    ['inside message', { type: 'accountData', message: { wid: '79001234567@c.us', pushname: 'Anna', proxy: '10.0.0.1', webhookUrl: 'https://hooks.example/wa', messenger: 'whatsapp', phone: '79001234567' } }],
    ['as a JSON string in message', { type: 'accountData', message: JSON.stringify({ wid: '79001234567@c.us', pushname: 'Anna', proxy: '10.0.0.1', webhookUrl: 'https://hooks.example/wa', messenger: 'whatsapp', phone: '79001234567' }) }],
  ] as const) {
    it(`links on accountData ${shape}: event detail, linked view, socket closed`, async () => {
      const el = await mount();
      await showQr(el);
      const linked = oneEvent(el, 'account-linked') as Promise<AccountLinkedEvent>;
      server.send(frame);
      const event = await linked;
      expect(event.detail).to.deep.equal({ wid: '79001234567@c.us', pushname: 'Anna', proxy: '10.0.0.1', webhookUrl: 'https://hooks.example/wa', messenger: 'whatsapp', phone: '79001234567' });
      expect(event.bubbles).to.be.true;
      expect(event.composed).to.be.true;
      await el.updateComplete;
      expect(el.state).to.equal('linked');
      expect(el.getAttribute('state')).to.equal('linked');
      expect(part(el, 'account')!.textContent).to.contain('Anna').and.contain('+79001234567');
      expect(part(el, 'qr')).to.equal(null);
      const closed = await server.waitForClose(0);
      expect(closed.closedBy).to.equal('client');
      expect(closed.closeCode).to.equal(1000);
    });
  }

  const failures = [
    [{ type: 'error', message: 'Multi-device beta not joined' }, 'error', 'Multi-device beta not joined'],
    [{ type: 'alreadyLogged', message: 'instance account already authorized' }, 'alreadyLogged', 'instance account already authorized'],
    [{ type: 'timeoutExpired', message: 'timeoutExpired' }, 'timeoutExpired', 'timeoutExpired'],
    [{ type: 'timeout', message: 'timeout' }, 'timeoutExpired', 'timeout'],
  ] as const;
  for (const [frame, reason, message] of failures) {
    it(`fails with ${reason} on a ${frame.type} message and closes the socket`, async () => {
      const el = await mount();
      const failed = oneEvent(el, 'scan-failed') as Promise<ScanFailedEvent>;
      server.send(frame);
      const event = await failed;
      expect(event.detail).to.deep.equal({ reason, message });
      expect(event.bubbles && event.composed).to.be.true;
      await el.updateComplete;
      expect(el.state).to.equal('failed');
      expect(el.failure).to.deep.equal({ reason, message });
      expect(part(el, 'retry-button')!.textContent).to.contain('Get a new QR code');
      expect((await server.waitForClose(0)).closedBy).to.equal('client');
    });
  }

  it('shows the text of an error message and names the already-linked case', async () => {
    const el = await mount();
    server.send({ type: 'error', message: 'Instance has auth. You need to make log out' });
    await waitUntil(() => el.state === 'failed');
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.contain('GREEN-API could not start linking');
    expect(part(el, 'message')!.textContent).to.equal('Instance has auth. You need to make log out');

    el.restart();
    await server.waitForConnection(2);
    server.send({ type: 'alreadyLogged', message: 'instance account already authorized' });
    await waitUntil(() => el.state === 'failed');
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.contain('already linked');
  });

  it('renders markup in server text as text', async () => {
    const el = await mount();
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    server.send({ type: 'error', message: evil });
    await waitUntil(() => el.state === 'failed');
    await el.updateComplete;
    expect(part(el, 'message')!.textContent).to.equal(evil);
    expect(el.shadowRoot!.querySelector('b, img')).to.equal(null);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('renders markup in the account name as text', async () => {
    const el = await mount();
    server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: '<i>x</i><script>1</script>', proxy: '', webhookUrl: '' });
    await waitUntil(() => el.state === 'linked');
    await el.updateComplete;
    expect(part(el, 'account')!.textContent).to.contain('<i>x</i><script>1</script>');
    expect(part(el, 'account')!.querySelector('i, script')).to.equal(null);
  });

  it('ignores malformed frames and unknown types, then still shows a QR code', async () => {
    const debug: unknown[][] = [];
    const el = await mount({ sessionOptions: { debug: (...args: unknown[]) => debug.push(args) } });
    for (const frame of ['not json', '[]', '42', 'null', '{"message":"no type"}', '{"type":"stateInstanceChanged"}', '{"type":5}', '{"type":"accountData"}', '{"type":"qrCode"}']) {
      server.send(frame);
    }
    await showQr(el);
    expect(debug.length).to.equal(9);
    expect(JSON.stringify(debug)).to.not.contain(TOKEN);
    expect(el.failure).to.equal(undefined);
  });

  it('logs ignored frames with console.debug only, never with the token', async () => {
    const calls: string[] = [];
    const original = { debug: console.debug, log: console.log, warn: console.warn, error: console.error, info: console.info };
    for (const level of Object.keys(original) as (keyof typeof original)[]) {
      console[level] = (...args: unknown[]) => calls.push(`${level}: ${args.map(String).join(' ')}`);
    }
    try {
      const el = await mount();
      server.send('{oops');
      server.send({ type: 'mystery' });
      await showQr(el);
    } finally {
      Object.assign(console, original);
    }
    expect(calls.length).to.equal(2);
    expect(calls.every((c) => c.startsWith('debug: [green-qr-scan]'))).to.be.true;
    expect(calls.join('\n')).to.not.contain(TOKEN);
  });

  it('reconnects after a dropped connection while the window lasts, then shows the new QR', async () => {
    const el = await mount({ sessionOptions: fast });
    await showQr(el);
    const states: string[] = [];
    el.addEventListener('scan-state-change', (e) => states.push(e.detail.state));
    await server.terminate(0);
    await server.waitForConnection(2);
    await el.updateComplete;
    expect(el.state).to.equal('connecting');
    expect(part(el, 'status')!.textContent).to.contain('Reconnecting');
    const connections = await server.connections();
    expect(connections[1].path).to.equal(connections[0].path);
    await showQr(el, png2, 1);
    expect((part(el, 'qr') as HTMLImageElement).src).to.contain(png2);
    expect(states).to.deep.equal(['connecting', 'qr']);
  });

  it('reconnects after a server close with 1011 too', async () => {
    const el = await mount({ sessionOptions: fast });
    await showQr(el);
    await server.close(1011, 'internal error', 0);
    await server.waitForConnection(2);
    await showQr(el, png2, 1);
  });

  it('fails with connection once the window is over and the socket is gone', async () => {
    const el = await mount({ sessionOptions: { ...fast, scanWindowMs: 400, graceMs: 5000 } });
    await showQr(el);
    await sleep(450);
    const failed = oneEvent(el, 'scan-failed') as Promise<ScanFailedEvent>;
    await server.terminate(0);
    const event = await failed;
    expect(event.detail.reason).to.equal('connection');
    expect(event.detail.message).to.not.contain(TOKEN);
    expect((await server.connections()).length).to.equal(1);
  });

  it('fails with connection when the socket can never be opened', async () => {
    await server.stop();
    server = await startWsServer({ refuseUpgrade: true });
    const failed = new Promise<ScanFailedEvent>((resolve) => document.addEventListener('scan-failed', resolve as EventListener, { once: true }));
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${server.url} .sessionOptions=${fast} .token=${TOKEN}></green-qr-scan>`);
    const event = await failed;
    expect(event.detail.reason).to.equal('connection');
    expect(event.detail.message).to.equal('Could not connect to http://127.0.0.1:' + new URL(server.httpUrl).port + '.');
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.contain('Could not reach GREEN-API');
    expect((await server.connections()).length).to.equal(2);
  });

  it('ends a window the server never ends as timeoutExpired, and closes the socket', async () => {
    const el = await mount({ sessionOptions: { scanWindowMs: 300, graceMs: 100 } });
    await showQr(el);
    const failed = oneEvent(el, 'scan-failed') as Promise<ScanFailedEvent>;
    const event = await failed;
    expect(event.detail.reason).to.equal('timeoutExpired');
    await el.updateComplete;
    expect(part(el, 'status')!.textContent).to.contain('expired');
    expect((await server.waitForClose(0)).closedBy).to.equal('client');
  });

  it('closes its socket when removed, and starts a new session when put back', async () => {
    const el = await mount();
    await showQr(el);
    const parent = el.parentNode!;
    el.remove();
    const closed = await server.waitForClose(0);
    expect(closed.closedBy).to.equal('client');
    expect(el.state).to.equal('idle');
    parent.appendChild(el);
    await server.waitForConnection(2);
    await showQr(el, png2, 1);
    expect((await server.connections()).filter((c) => c.open).length).to.equal(1);
  });

  it('moves the session when instance-id changes, and opens one socket for several changes in one task', async () => {
    const el = await mount();
    await showQr(el);
    el.setAttribute('instance-id', '1101000002');
    el.token = 'b'.repeat(50);
    el.setAttribute('api-url', server.httpUrl);
    expect((await server.waitForClose(0)).closedBy).to.equal('client');
    await server.waitForConnection(2);
    await sleep(150);
    const connections = await server.connections();
    expect(connections.length).to.equal(2);
    expect(connections[1].path).to.equal(`/waInstance1101000002/scanqrcode/${'b'.repeat(50)}`);
  });

  it('restart() closes the current socket and opens a fresh one; many calls open one', async () => {
    const el = await mount();
    await showQr(el);
    el.restart();
    el.restart();
    el.restart();
    await server.waitForConnection(2);
    await sleep(150);
    const connections = await server.connections();
    expect(connections.length).to.equal(2);
    expect(connections[0].open).to.be.false;
    expect(el.state).to.equal('connecting');
  });

  it('the retry button starts a new session and clears the failure', async () => {
    const el = await mount();
    server.send({ type: 'timeoutExpired', message: 'timeoutExpired' });
    await waitUntil(() => el.state === 'failed');
    await el.updateComplete;
    part(el, 'retry-button')!.click();
    await server.waitForConnection(2);
    await el.updateComplete;
    expect(el.state).to.equal('connecting');
    expect(el.failure).to.equal(undefined);
    await showQr(el, png1, 1);
  });

  it('fires scan-state-change for every state, with the previous state', async () => {
    const changes: unknown[] = [];
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
      @scan-state-change=${(e: ScanStateChangeEvent) => changes.push(e.detail)}
      instance-id=${INSTANCE_ID} api-url=${server.url} .token=${TOKEN}></green-qr-scan>`);
    await server.waitForConnection(1);
    await showQr(el);
    server.send({ type: 'qrCode', message: png2 });
    server.send({ type: 'error', message: 'boom' });
    await waitUntil(() => el.state === 'failed');
    el.restart();
    await server.waitForConnection(2);
    await el.updateComplete;
    expect(changes).to.deep.equal([
      { state: 'connecting', previous: 'idle' },
      { state: 'qr', previous: 'connecting' },
      { state: 'failed', previous: 'qr', reason: 'error' },
      { state: 'connecting', previous: 'failed' },
    ]);
  });

  it('fires exactly one terminal event per session, even if frames follow', async () => {
    const el = await mount();
    let linked = 0;
    let failed = 0;
    el.addEventListener('account-linked', () => linked++);
    el.addEventListener('scan-failed', () => failed++);
    await showQr(el);
    server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'A', proxy: '', webhookUrl: '' });
    server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'B', proxy: '', webhookUrl: '' });
    server.send({ type: 'error', message: 'late' });
    await server.waitForClose(0);
    await sleep(100);
    expect([linked, failed]).to.deep.equal([1, 0]);
    expect(el.state).to.equal('linked');
  });

  describe('invalid configuration', () => {
    const cases: [string, Record<string, string>, RegExp, string][] = [
      ['a non-numeric instance-id', { instanceId: 'abc' }, /instance-id/, 'Check instance-id'],
      ['a token with spaces', { token: 'abc def' }, /token/, 'Check the token'],
      ['plain http to a public host', { apiUrl: 'http://api.green-api.com' }, /https/, 'Check api-url'],
      ['a javascript: api-url', { apiUrl: 'javascript:alert(1)' }, /api-url/, 'Check api-url'],
      ['an api-url with a query', { apiUrl: 'https://api.green-api.com/?x=1' }, /query/, 'Check api-url'],
    ];
    for (const [name, config, pattern, shown] of cases) {
      it(`refuses ${name} without any connection`, async () => {
        const failures: ScanFailedEvent[] = [];
        const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
          @scan-failed=${(e: ScanFailedEvent) => failures.push(e)}
          instance-id=${config.instanceId ?? INSTANCE_ID}
          api-url=${config.apiUrl ?? server.url}
          .token=${config.token ?? TOKEN}
        ></green-qr-scan>`);
        await sleep(200);
        expect(failures.length).to.equal(1);
        expect(failures[0].detail.reason).to.equal('invalidConfig');
        expect(failures[0].detail.message).to.match(pattern);
        expect(failures[0].detail.message).to.not.contain(TOKEN);
        expect(el.state).to.equal('failed');
        expect((await server.connections()).length).to.equal(0);
        await el.updateComplete;
        expect(part(el, 'message')!.textContent).to.contain(shown);
        expect(part(el, 'retry-button')).to.equal(null);
      });
    }

    it('stays idle without credentials and connects once they arrive', async () => {
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" api-url=${server.url}></green-qr-scan>`);
      await sleep(100);
      expect(el.state).to.equal('idle');
      expect((await server.connections()).length).to.equal(0);
      el.instanceId = INSTANCE_ID;
      el.token = TOKEN;
      await server.waitForConnection(1);
      await el.updateComplete;
      expect(el.state).to.equal('connecting');
    });
  });

  it('never shows, reflects or emits the token through a whole journey', async () => {
    const seen: string[] = [];
    const original = { debug: console.debug, log: console.log, warn: console.warn, error: console.error, info: console.info };
    for (const level of Object.keys(original) as (keyof typeof original)[]) {
      console[level] = (...args: unknown[]) => seen.push(args.map(String).join(' '));
    }
    try {
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
        @scan-state-change=${(e: Event) => seen.push(JSON.stringify((e as ScanStateChangeEvent).detail))}
        @account-linked=${(e: Event) => seen.push(JSON.stringify((e as AccountLinkedEvent).detail))}
        @scan-failed=${(e: Event) => seen.push(JSON.stringify((e as ScanFailedEvent).detail))}
        instance-id=${INSTANCE_ID} api-url=${server.url} .token=${TOKEN}></green-qr-scan>`);
      await server.waitForConnection(1);
      server.send('garbage');
      await showQr(el);
      seen.push(el.shadowRoot!.innerHTML, text(el), el.outerHTML);
      server.send({ type: 'error', message: 'boom' });
      await waitUntil(() => el.state === 'failed');
      await el.updateComplete;
      seen.push(el.shadowRoot!.innerHTML, el.outerHTML, JSON.stringify(el.failure));
      el.restart();
      await server.waitForConnection(2);
      server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'A', proxy: '', webhookUrl: '' }, 1);
      await waitUntil(() => el.state === 'linked');
      await el.updateComplete;
      seen.push(el.shadowRoot!.innerHTML, el.outerHTML, JSON.stringify(el.account));
      expect(el.hasAttribute('token')).to.be.false;
    } finally {
      Object.assign(console, original);
    }
    expect(seen.length).to.be.greaterThan(8);
    expect(seen.join('\n')).to.not.contain(TOKEN);
  });
});
