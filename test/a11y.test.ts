/**
 * Accessibility: axe-core in every state (light and dark), the polite live region, the QR alt
 * text, keyboard use with visible focus, and the countdown's timer role and announcements.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import { en } from '../src/element/locales/en.js';
import { startMock, type Mock } from './helpers/mock.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';
import { part, settle, submitPhone } from './helpers/element.js';

const fast = { backoffMs: [50], maxConnectAttempts: 2, connectTimeoutMs: 2000 };
const MOCK_TOKEN = 'a11y-token-0123456789abcdef';
const run = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
let nextId = 0;
const newId = () => `44${run}${String(nextId++).padStart(4, '0')}`;

interface MountOptions {
  theme?: string;
  mode?: 'qr' | 'phone';
  allowLogout?: boolean;
  transport?: string;
  instanceId?: string;
  apiUrl?: string;
  token?: string;
  sessionOptions?: object;
}

function mount(o: MountOptions) {
  return fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
    theme=${ifDefined(o.theme)}
    mode=${o.mode ?? 'qr'}
    transport=${o.transport ?? 'auto'}
    ?allow-logout=${!!o.allowLogout}
    instance-id=${o.instanceId ?? INSTANCE_ID}
    api-url=${ifDefined(o.apiUrl)}
    .token=${o.token ?? TOKEN}
    .sessionOptions=${o.sessionOptions ?? {}}
  ></green-qr-scan>`);
}

/** Puts the sequential focus navigation starting point at the top of the document. */
function focusBody() {
  (document.activeElement as HTMLElement | null)?.blur?.();
  document.body.tabIndex = -1;
  document.body.focus();
  document.body.removeAttribute('tabindex');
}

describe('accessibility', () => {
  let server: WsServer;
  let mock: Mock | undefined;
  let png: string;

  before(() => {
    png = pngBase64(1);
  });
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.stop();
    await mock?.stop();
    mock = undefined;
  });

  async function connected(o: MountOptions = {}) {
    const el = await mount({ apiUrl: server.url, ...o });
    await server.waitForConnection(1);
    await settle(el, 'connecting');
    return el;
  }
  async function failedWith(o: MountOptions, frame: object) {
    const el = await connected(o);
    server.send(frame);
    await settle(el, 'failed');
    return el;
  }

  const states: [name: string, drive: (theme: string) => Promise<GreenQrScan>][] = [
    ['idle (no credentials)', (theme) => fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" theme=${theme}></green-qr-scan>`)],
    ['connecting', (theme) => connected({ theme })],
    [
      'qr',
      async (theme) => {
        const el = await connected({ theme });
        server.send({ type: 'qrCode', message: png });
        await settle(el, 'qr');
        return el;
      },
    ],
    [
      'linked',
      async (theme) => {
        const el = await connected({ theme });
        server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: '', webhookUrl: '' });
        await settle(el, 'linked');
        return el;
      },
    ],
    ['failed: alreadyLogged', (theme) => failedWith({ theme }, { type: 'alreadyLogged', message: 'instance account already authorized' })],
    ['failed: timeoutExpired', (theme) => failedWith({ theme }, { type: 'timeoutExpired', message: 'timeoutExpired' })],
    ['failed: error', (theme) => failedWith({ theme }, { type: 'error', message: 'Multi-device beta not joined' })],
    [
      'failed: connection',
      async (theme) => {
        await server.stop();
        server = await startWsServer({ refuseUpgrade: true });
        const el = await mount({ theme, apiUrl: server.url, transport: 'websocket', sessionOptions: fast });
        await settle(el, 'failed');
        expect(el.failure!.reason).to.equal('connection');
        return el;
      },
    ],
    [
      'failed: invalidConfig',
      async (theme) => {
        const el = await mount({ theme, apiUrl: server.url, instanceId: 'abc' });
        await settle(el, 'failed');
        return el;
      },
    ],
    [
      'failed: alreadyLogged with allow-logout',
      async (theme) => {
        const el = await failedWith({ theme, allowLogout: true }, { type: 'alreadyLogged', message: 'instance account already authorized' });
        expect(part(el, 'logout-button')).to.exist;
        return el;
      },
    ],
    ['phone form', (theme) => mount({ theme, mode: 'phone' })],
    [
      'phone form with an invalid number',
      async (theme) => {
        const el = await mount({ theme, mode: 'phone' });
        await submitPhone(el, '12');
        expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal(en.phoneInvalid);
        return el;
      },
    ],
    [
      'phone code shown',
      async (theme) => {
        mock = await startMock({ authCodeLinkMs: 60_000 });
        const el = await mount({ theme, mode: 'phone', apiUrl: mock.url, instanceId: newId(), token: MOCK_TOKEN });
        await submitPhone(el, '79001234567');
        await settle(el, 'code');
        expect(part(el, 'code')!.textContent).to.match(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
        return el;
      },
    ],
  ];

  for (const theme of ['light', 'dark']) {
    describe(`axe-core, ${theme} theme`, () => {
      for (const [name, drive] of states) {
        it(`no violations: ${name}`, async () => {
          const el = await drive(theme);
          await expect(el).to.be.accessible();
        });
      }
    });
  }

  describe('live region', () => {
    it('[part=status] is a polite role=status region, the same node from connecting to qr to linked', async () => {
      const el = await connected();
      const status = part(el, 'status')!;
      expect(status.getAttribute('role')).to.equal('status');
      expect(status.getAttribute('aria-live')).to.equal('polite');
      expect(status.textContent).to.equal(en.connecting);

      server.send({ type: 'qrCode', message: png });
      await settle(el, 'qr');
      expect(part(el, 'status')).to.equal(status);
      expect(status.textContent).to.equal(en.qrReady);

      server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: '', webhookUrl: '' });
      await settle(el, 'linked');
      expect(part(el, 'status')).to.equal(status);
      expect(status.textContent).to.equal(en.linked);
      expect(status.isConnected).to.be.true;
    });

    it('the live region exists before any session starts', async () => {
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"></green-qr-scan>`);
      const status = part(el, 'status')!;
      expect(status.getAttribute('aria-live')).to.equal('polite');
      el.mode = 'phone';
      await el.updateComplete;
      expect(part(el, 'status')).to.equal(status);
      expect(status.textContent).to.equal(en.phoneTitle);
    });

    it('the QR image has a meaningful alt text', async () => {
      const el = await connected();
      server.send({ type: 'qrCode', message: png });
      await settle(el, 'qr');
      const img = part(el, 'qr') as HTMLImageElement;
      expect(img.tagName).to.equal('IMG');
      expect(img.alt).to.match(/QR/);
      expect(img.alt).to.equal(en.qrAlt);
    });
  });

  describe('keyboard', () => {
    it('failed: Tab reaches the retry button with a visible focus ring; Enter and Space restart', async () => {
      const el = await failedWith({}, { type: 'error', message: 'boom' });
      focusBody();
      await sendKeys({ press: 'Tab' });
      const retry = part(el, 'retry-button')!;
      expect(el.shadowRoot!.activeElement).to.equal(retry);
      expect(retry.matches(':focus-visible')).to.be.true;
      expect(getComputedStyle(retry).outlineStyle).to.not.equal('none');
      expect(parseFloat(getComputedStyle(retry).outlineWidth)).to.be.greaterThan(0);

      await sendKeys({ press: 'Enter' });
      await server.waitForConnection(2);
      await settle(el, 'connecting');

      server.send({ type: 'error', message: 'boom again' });
      await settle(el, 'failed');
      focusBody();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement).to.equal(part(el, 'retry-button'));
      await sendKeys({ press: 'Space' });
      await server.waitForConnection(3);
      await settle(el, 'connecting');
    });

    it('the mode switch is reachable by Tab with a visible focus ring and switches to the phone form', async () => {
      const el = await connected();
      focusBody();
      await sendKeys({ press: 'Tab' });
      const toggle = part(el, 'mode-switch')!;
      expect(el.shadowRoot!.activeElement).to.equal(toggle);
      expect(getComputedStyle(toggle).outlineStyle).to.not.equal('none');
      await sendKeys({ press: 'Enter' });
      await settle(el, 'idle');
      expect(el.mode).to.equal('phone');
      expect(part(el, 'phone-form')).to.exist;
    });

    it('phone form: Tab to the input, type the number, Enter → code requested and shown', async () => {
      mock = await startMock({ authCodeLinkMs: 60_000 });
      const el = await mount({ mode: 'phone', apiUrl: mock.url, instanceId: newId(), token: MOCK_TOKEN });
      focusBody();
      await sendKeys({ press: 'Tab' });
      const input = part(el, 'phone-input') as HTMLInputElement;
      expect(el.shadowRoot!.activeElement).to.equal(input);
      expect(getComputedStyle(input).outlineStyle).to.not.equal('none');
      await sendKeys({ type: '79001234567' });
      expect(input.value).to.equal('79001234567');
      await sendKeys({ press: 'Enter' });
      await settle(el, 'code');
      expect(part(el, 'code')!.textContent).to.match(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      expect(part(el, 'status')!.textContent).to.equal(en.codeTitle);
    });

    it('phone form: the submit button is reachable by Tab after the input', async () => {
      const el = await mount({ mode: 'phone' });
      focusBody();
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      const submit = part(el, 'phone-submit')!;
      expect(el.shadowRoot!.activeElement).to.equal(submit);
      expect(getComputedStyle(submit).outlineStyle).to.not.equal('none');
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal(en.phoneInvalid);
      expect(part(el, 'phone-input')!.getAttribute('aria-invalid')).to.equal('true');
      expect(part(el, 'phone-input')!.getAttribute('aria-describedby')).to.equal('phone-error');
    });
  });

  describe('countdown', () => {
    const announcer = (el: GreenQrScan) => el.shadowRoot!.querySelector<HTMLElement>('.sr-only[aria-live]')!;

    it('has role="timer" and an aria-label with the seconds; nothing is announced at 99 s', async () => {
      const el = await connected();
      server.send({ type: 'qrCode', message: png });
      await settle(el, 'qr');
      const countdown = part(el, 'countdown')!;
      expect(countdown.getAttribute('role')).to.equal('timer');
      expect(countdown.getAttribute('aria-label')).to.match(/^Time left to scan: (100|99) seconds$/);
      await waitUntil(() => part(el, 'countdown')!.getAttribute('aria-label') === 'Time left to scan: 99 seconds', 'no 99 s', { timeout: 2500 });
      expect(announcer(el).getAttribute('aria-live')).to.equal('polite');
      expect(announcer(el).textContent).to.equal('');
    });

    it('announces "The QR code expires in 10 seconds" once 10 s are left', async () => {
      const el = await connected({ sessionOptions: { scanWindowMs: 11_500, graceMs: 60_000 } });
      server.send({ type: 'qrCode', message: png });
      await settle(el, 'qr');
      expect(announcer(el).textContent).to.equal('');
      await waitUntil(() => announcer(el).textContent === 'The QR code expires in 10 seconds', 'no announcement at 10 s', { timeout: 4000 });
      expect(part(el, 'countdown')!.getAttribute('aria-label')).to.match(/^Time left to scan: (10|9) seconds$/);
    });
  });
});
