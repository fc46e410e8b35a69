/**
 * Theming: documented custom properties, ::part()s, slots, the dark scheme (forced or from
 * prefers-color-scheme), reduced motion and the narrow-screen layout.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import { startMock, type Mock } from './helpers/mock.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';
import { part, settle } from './helpers/element.js';

const css = (node: Element) => getComputedStyle(node);

/** Every part named in the element's JSDoc (`@csspart`). */
const DOCUMENTED_PARTS = [
  'card', 'stage', 'qr', 'skeleton', 'countdown', 'status', 'instructions', 'account', 'message',
  'retry-button', 'logout-button', 'mode-switch', 'phone-form', 'phone-input', 'phone-submit', 'code', 'copy-button',
];

const LIGHT_BG = 'rgb(255, 255, 255)';
const DARK_BG = 'rgb(22, 32, 27)'; // #16201b

interface MountOptions {
  theme?: string;
  mode?: 'qr' | 'phone';
  allowLogout?: boolean;
  style?: string;
  apiUrl?: string;
  instanceId?: string;
  token?: string;
}

function template(o: MountOptions) {
  return html`<green-qr-scan messenger="whatsapp"
    theme=${ifDefined(o.theme)}
    mode=${o.mode ?? 'qr'}
    style=${ifDefined(o.style)}
    ?allow-logout=${!!o.allowLogout}
    instance-id=${ifDefined(o.apiUrl ? (o.instanceId ?? INSTANCE_ID) : undefined)}
    api-url=${ifDefined(o.apiUrl)}
    .token=${o.apiUrl ? (o.token ?? TOKEN) : ''}
  ></green-qr-scan>`;
}

describe('theming', () => {
  let server: WsServer;
  let png: string;

  before(() => {
    png = pngBase64(1);
  });
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.stop();
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  });

  /** Mounted with credentials for the test websocket server, connected. */
  async function connected(o: MountOptions = {}) {
    const count = (await server.connections()).length;
    const el = await fixture<GreenQrScan>(template({ ...o, apiUrl: server.url }));
    await server.waitForConnection(count + 1);
    await settle(el, 'connecting');
    return el;
  }
  async function withQr(o: MountOptions = {}) {
    const el = await connected(o);
    server.send({ type: 'qrCode', message: png });
    await settle(el, 'qr');
    return el;
  }
  async function failed(o: MountOptions = {}, frame: object = { type: 'error', message: 'boom' }) {
    const el = await connected(o);
    server.send(frame);
    await settle(el, 'failed');
    return el;
  }

  describe('custom properties', () => {
    const cases: [prop: string, value: string, check: (el: GreenQrScan) => unknown, expected: unknown][] = [
      ['--green-qr-scan-size', '200px', (el) => { const r = part(el, 'stage')!.getBoundingClientRect(); return [r.width, r.height]; }, [200, 200]],
      ['--green-qr-scan-accent', 'rgb(10, 20, 30)', (el) => css(part(el, 'retry-button')!).backgroundColor, 'rgb(10, 20, 30)'],
      ['--green-qr-scan-accent-contrast', 'rgb(11, 21, 31)', (el) => css(part(el, 'retry-button')!).color, 'rgb(11, 21, 31)'],
      ['--green-qr-scan-color', 'rgb(12, 22, 32)', (el) => css(part(el, 'status')!).color, 'rgb(12, 22, 32)'],
      ['--green-qr-scan-muted-color', 'rgb(13, 23, 33)', (el) => css(part(el, 'message')!).color, 'rgb(13, 23, 33)'],
      ['--green-qr-scan-background', 'rgb(14, 24, 34)', (el) => css(part(el, 'card')!).backgroundColor, 'rgb(14, 24, 34)'],
      ['--green-qr-scan-border-color', 'rgb(15, 25, 35)', (el) => css(part(el, 'card')!).borderTopColor, 'rgb(15, 25, 35)'],
      ['--green-qr-scan-danger-color', 'rgb(16, 26, 36)', (el) => css(el.shadowRoot!.querySelector('svg.icon')!).color, 'rgb(16, 26, 36)'],
      ['--green-qr-scan-radius', '3px', (el) => css(part(el, 'card')!).borderTopLeftRadius, '3px'],
      [
        '--green-qr-scan-font',
        'italic 700 21px/30px serif',
        (el) => { const s = css(part(el, 'status')!.parentElement!); return [s.fontStyle, s.fontWeight, s.fontSize, s.lineHeight, s.fontFamily]; },
        ['italic', '700', '21px', '30px', 'serif'],
      ],
    ];
    for (const [prop, value, check, expected] of cases) {
      it(`${prop}: ${value} changes the rendered element`, async () => {
        const plain = await failed();
        expect(check(plain), 'the default already equals the test value').to.not.deep.equal(expected);
        const el = await failed({ style: `${prop}: ${value}` });
        expect(check(el)).to.deep.equal(expected);
      });
    }

    it('the default size is 264px and the card fits it', async () => {
      const el = await fixture<GreenQrScan>(template({}));
      const stage = part(el, 'stage')!.getBoundingClientRect();
      expect([stage.width, stage.height]).to.deep.equal([264, 264]);
    });

    it('a custom property set on an ancestor applies', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="--green-qr-scan-accent: rgb(40, 50, 60); --green-qr-scan-size: 180px">
        ${template({ apiUrl: server.url })}
      </div>`);
      const el = wrapper.querySelector('green-qr-scan')!;
      await server.waitForConnection(1);
      server.send({ type: 'error', message: 'boom' });
      await settle(el, 'failed');
      expect(css(part(el, 'retry-button')!).backgroundColor).to.equal('rgb(40, 50, 60)');
      expect(part(el, 'stage')!.getBoundingClientRect().width).to.equal(180);
    });

    it('custom properties win over the dark scheme fallbacks', async () => {
      const el = await fixture<GreenQrScan>(template({ theme: 'dark', style: '--green-qr-scan-background: rgb(1, 1, 1)' }));
      expect(css(part(el, 'card')!).backgroundColor).to.equal('rgb(1, 1, 1)');
    });
  });

  describe('dark scheme', () => {
    it('theme="dark" → the dark card; the default is light', async () => {
      const light = await fixture<GreenQrScan>(template({}));
      expect(css(part(light, 'card')!).backgroundColor).to.equal(LIGHT_BG);
      const dark = await fixture<GreenQrScan>(template({ theme: 'dark' }));
      expect(css(part(dark, 'card')!).backgroundColor).to.equal(DARK_BG);
      expect(css(dark).colorScheme).to.equal('dark');
      expect(css(part(dark, 'status')!).color).to.equal('rgb(232, 238, 234)'); // #e8eeea
    });

    it('prefers-color-scheme: dark → dark with theme auto, light with theme="light"', async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const auto = await fixture<GreenQrScan>(template({}));
      expect(css(part(auto, 'card')!).backgroundColor).to.equal(DARK_BG);
      const explicitAuto = await fixture<GreenQrScan>(template({ theme: 'auto' }));
      expect(css(part(explicitAuto, 'card')!).backgroundColor).to.equal(DARK_BG);
      const light = await fixture<GreenQrScan>(template({ theme: 'light' }));
      expect(css(part(light, 'card')!).backgroundColor).to.equal(LIGHT_BG);
      await emulateMedia({ colorScheme: 'light' });
      expect(css(part(auto, 'card')!).backgroundColor).to.equal(LIGHT_BG);
    });

    it('the QR keeps a white background (quiet zone) in dark mode, forced or preferred', async () => {
      const forced = await withQr({ theme: 'dark' });
      expect(css(part(forced, 'card')!).backgroundColor).to.equal(DARK_BG);
      expect(css(part(forced, 'qr')!).backgroundColor).to.equal('rgb(255, 255, 255)');
      await emulateMedia({ colorScheme: 'dark' });
      server.send({ type: 'accountData', wid: '1@c.us', pushname: '', proxy: '', webhookUrl: '' });
      await settle(forced, 'linked');
      await server.stop();
      server = await startWsServer();
      const preferred = await withQr();
      expect(css(part(preferred, 'card')!).backgroundColor).to.equal(DARK_BG);
      expect(css(part(preferred, 'qr')!).backgroundColor).to.equal('rgb(255, 255, 255)');
    });
  });

  describe('parts', () => {
    let style: HTMLStyleElement;
    beforeEach(() => {
      style = document.createElement('style');
      style.textContent = DOCUMENTED_PARTS.map((name) => `green-qr-scan::part(${name}) { background-color: rgb(1, 2, 3); }`).join('\n');
      document.head.append(style);
    });
    afterEach(() => style.remove());

    const seen = new Set<string>();
    after(() => {
      // Runs after every state below: each documented part was rendered in one of them.
      expect([...seen].sort()).to.deep.equal([...DOCUMENTED_PARTS].sort());
    });

    function expectParts(el: GreenQrScan, names: string[]) {
      const rendered = [...el.shadowRoot!.querySelectorAll('[part]')].flatMap((n) => n.getAttribute('part')!.split(/\s+/));
      for (const name of rendered) {
        expect(DOCUMENTED_PARTS, `part "${name}" is not documented`).to.include(name);
        seen.add(name);
      }
      for (const name of names) {
        const node = part(el, name);
        expect(node, `part ${name}`).to.exist;
        expect(css(node!).backgroundColor, `::part(${name}) styled from outside`).to.equal('rgb(1, 2, 3)');
      }
    }

    it('idle: card, stage, skeleton, status, mode-switch', async () => {
      const el = await fixture<GreenQrScan>(template({}));
      expectParts(el, ['card', 'stage', 'skeleton', 'status', 'mode-switch']);
    });

    it('qr: qr, countdown, status, instructions', async () => {
      const el = await withQr();
      expectParts(el, ['qr', 'countdown', 'status', 'instructions', 'mode-switch']);
    });

    it('linked: account', async () => {
      const el = await connected();
      server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: '', webhookUrl: '' });
      await settle(el, 'linked');
      expectParts(el, ['account', 'status']);
    });

    it('failed: message, retry-button', async () => {
      const el = await failed();
      expectParts(el, ['message', 'retry-button']);
    });

    it('failed with allow-logout and alreadyLogged: logout-button', async () => {
      const el = await failed({ allowLogout: true }, { type: 'alreadyLogged', message: 'instance account already authorized' });
      expectParts(el, ['logout-button']);
    });

    it('phone mode: phone-form, phone-input, phone-submit, mode-switch', async () => {
      const el = await fixture<GreenQrScan>(template({ mode: 'phone' }));
      expectParts(el, ['phone-form', 'phone-input', 'phone-submit', 'mode-switch']);
    });

    describe('with the GREEN-API mock', () => {
      let mock: Mock;
      beforeEach(async () => {
        mock = await startMock({ authCodeLinkMs: 60_000 });
      });
      afterEach(async () => {
        await mock.stop();
      });

      it('code: code, copy-button', async () => {
        const el = await fixture<GreenQrScan>(template({
          mode: 'phone',
          apiUrl: mock.url,
          instanceId: `55${String(Date.now()).slice(-8)}`,
          token: 'theming-token-0123456789abcdef',
        }));
        const input = part(el, 'phone-input') as HTMLInputElement;
        input.value = '79001234567';
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        await el.updateComplete;
        (part(el, 'phone-form') as HTMLFormElement).requestSubmit();
        await settle(el, 'code');
        expectParts(el, ['code', 'copy-button']);
      });
    });
  });

  describe('slots', () => {
    it('header and footer content is slotted around the view; linked replaces the account view', async () => {
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id=${INSTANCE_ID} api-url=${server.url} .token=${TOKEN}>
        <h2 slot="header">Connect WhatsApp</h2>
        <a slot="footer" href="#help">Help</a>
        <div slot="linked" id="custom-linked">All set, welcome!</div>
      </green-qr-scan>`);
      await server.waitForConnection(1);
      await settle(el, 'connecting');
      const slot = (name: string) => el.shadowRoot!.querySelector<HTMLSlotElement>(`slot[name="${name}"]`);
      expect(slot('header')!.assignedElements()).to.deep.equal([el.querySelector('h2')]);
      expect(slot('footer')!.assignedElements()).to.deep.equal([el.querySelector('a')]);
      const header = el.querySelector('h2')!.getBoundingClientRect();
      const footer = el.querySelector('a')!.getBoundingClientRect();
      const stage = part(el, 'stage')!.getBoundingClientRect();
      expect(header.height).to.be.greaterThan(0);
      expect(header.bottom).to.be.at.most(stage.top);
      expect(footer.top).to.be.at.least(part(el, 'mode-switch')!.getBoundingClientRect().bottom);
      expect(slot('linked')).to.equal(null);

      server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: '', webhookUrl: '' });
      await settle(el, 'linked');
      const custom = el.querySelector('#custom-linked')!;
      expect(slot('linked')!.assignedElements()).to.deep.equal([custom]);
      expect(custom.getBoundingClientRect().height).to.be.greaterThan(0);
      // The default account view is only the slot's fallback: not rendered.
      const account = part(el, 'account');
      expect(account === null || account.getClientRects().length === 0, 'default account view still rendered').to.be.true;
      expect(account?.checkVisibility?.() ?? false).to.be.false;
    });

    it('without linked content the default account view is shown', async () => {
      const el = await connected();
      server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: '', webhookUrl: '' });
      await settle(el, 'linked');
      const account = part(el, 'account')!;
      expect(account.getClientRects().length).to.be.greaterThan(0);
      expect(account.textContent!.replace(/\s+/g, '')).to.equal('Anna+79001234567');
    });
  });

  describe('motion and layout', () => {
    it('countdown bar is scaled to the time left, and the skeleton shimmers without reduced motion', async () => {
      const el = await connected();
      expect(getComputedStyle(part(el, 'skeleton')!, '::after').animationName).to.equal('shimmer');
      server.send({ type: 'qrCode', message: png });
      await settle(el, 'qr');
      const left = part(el, 'countdown')!.querySelector<HTMLElement>('.left')!;
      expect(css(left).transitionDuration).to.equal('0s');
      expect(left.style.transform).to.match(/^scaleX\((0\.9\d*|1)\)$/);
    });

    it('prefers-reduced-motion: reduce → no skeleton animation, countdown still stepping', async () => {
      await emulateMedia({ reducedMotion: 'reduce' });
      const el = await connected();
      expect(getComputedStyle(part(el, 'skeleton')!, '::after').animationName).to.equal('none');
      server.send({ type: 'qrCode', message: png });
      await settle(el, 'qr');
      const left = part(el, 'countdown')!.querySelector<HTMLElement>('.left')!;
      expect(css(left).transitionDuration).to.equal('0s');
      expect(left.style.transform).to.match(/^scaleX\((0\.9\d*|1)\)$/);
    });

    it('a narrow viewport offers the phone option first (order -1), a wide one keeps it in place', async () => {
      const before = { width: window.innerWidth, height: window.innerHeight };
      try {
        const el = await fixture<GreenQrScan>(template({}));
        await setViewport({ width: 400, height: 800 });
        await waitUntil(() => window.innerWidth === 400);
        expect(css(part(el, 'mode-switch')!).order).to.equal('-1');
        expect(part(el, 'mode-switch')!.getBoundingClientRect().top).to.be.below(part(el, 'stage')!.getBoundingClientRect().top);
        await setViewport({ width: 1000, height: 800 });
        await waitUntil(() => window.innerWidth === 1000);
        expect(css(part(el, 'mode-switch')!).order).to.equal('0');
        expect(part(el, 'mode-switch')!.getBoundingClientRect().top).to.be.above(part(el, 'stage')!.getBoundingClientRect().top);
      } finally {
        await setViewport(before);
      }
    });
  });
});
