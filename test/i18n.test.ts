/**
 * Languages: every visible text comes from the locale table (English and Russian built in, hosts
 * register more or override some), chosen by `lang` / the closest `lang` ancestor / the document.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import { registerLocale, type Strings } from '../src/element/localize.js';
import { en } from '../src/element/locales/en.js';
import { ru } from '../src/element/locales/ru.js';
import { startMock, type Mock } from './helpers/mock.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';
import { part, settle, statusText, submitPhone } from './helpers/element.js';

const partText = (el: GreenQrScan, name: string) => part(el, name)!.textContent!.replace(/\s+/g, ' ').trim();
const fast = { backoffMs: [50], maxConnectAttempts: 2, connectTimeoutMs: 2000 };
const MOCK_TOKEN = 'i18n-token-0123456789abcdef';
const run = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
let nextId = 0;
const newId = () => `66${run}${String(nextId++).padStart(4, '0')}`;

interface MountOptions {
  lang?: string;
  mode?: 'qr' | 'phone';
  allowLogout?: boolean;
  transport?: string;
  instanceId?: string;
  apiUrl?: string;
  token?: string;
  sessionOptions?: object;
  strings?: Partial<Strings>;
}

function mount(o: MountOptions) {
  return fixture<GreenQrScan>(html`<green-qr-scan
    lang=${ifDefined(o.lang)}
    mode=${o.mode ?? 'qr'}
    transport=${o.transport ?? 'auto'}
    ?allow-logout=${!!o.allowLogout}
    instance-id=${o.instanceId ?? INSTANCE_ID}
    api-url=${ifDefined(o.apiUrl)}
    .token=${o.token ?? TOKEN}
    .strings=${o.strings}
    .sessionOptions=${o.sessionOptions ?? {}}
  ></green-qr-scan>`);
}

describe('i18n', () => {
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
  });

  it('ru defines every key of en, with the same placeholders', () => {
    expect(Object.keys(ru).sort()).to.deep.equal(Object.keys(en).sort());
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof Strings)[]) {
      expect(holes(ru[key]), key).to.deep.equal(holes(en[key]));
      expect(ru[key], key).to.not.equal('');
    }
  });

  it('lang="ru" on the element: Russian in connecting, qr, linked, failed and the phone form', async () => {
    const el = await mount({ lang: 'ru', apiUrl: server.url });
    await server.waitForConnection(1);
    await el.updateComplete;
    expect(el.state).to.equal('connecting');
    expect(statusText(el)).to.equal(ru.connecting);
    expect(partText(el, 'mode-switch')).to.equal(ru.usePhone);

    server.send({ type: 'qrCode', message: png });
    await settle(el, 'qr');
    expect(statusText(el)).to.equal(ru.qrReady);
    expect(part(el, 'qr')!.getAttribute('alt')).to.equal(ru.qrAlt);
    expect(partText(el, 'instructions')).to.equal([ru.stepOpen, ru.stepDevices, ru.stepLink, ru.stepScan].join(' '));
    expect(part(el, 'countdown')!.getAttribute('aria-label')).to.match(/^Осталось времени на сканирование: \d+ с$/);

    server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna', proxy: '', webhookUrl: '' });
    await settle(el, 'linked');
    expect(statusText(el)).to.equal(ru.linked);

    el.restart();
    await server.waitForConnection(2);
    server.send({ type: 'timeoutExpired', message: 'timeoutExpired' });
    await settle(el, 'failed');
    expect(statusText(el)).to.equal(ru.failedTimeoutExpired);
    expect(partText(el, 'message')).to.equal(ru.failedTimeoutExpiredHint.replace('{n}', '100'));
    expect(partText(el, 'retry-button')).to.equal(ru.retry);

    el.mode = 'phone';
    await settle(el, 'idle');
    expect(statusText(el)).to.equal(ru.phoneTitle);
    expect(el.shadowRoot!.querySelector('label')!.textContent!.trim()).to.equal(ru.phoneLabel);
    expect(partText(el, 'phone-submit')).to.equal(ru.phoneSubmit);
    expect(partText(el, 'mode-switch')).to.equal(ru.useQr);
    await submitPhone(el, '12');
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent!.trim()).to.equal(ru.phoneInvalid);
  });

  it('a <div lang="ru"> ancestor makes it Russian', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="ru">
      <green-qr-scan mode="phone"></green-qr-scan>
    </div>`);
    const el = wrapper.querySelector('green-qr-scan')!;
    await el.updateComplete;
    expect(statusText(el)).to.equal(ru.phoneTitle);
    expect(partText(el, 'phone-submit')).to.equal(ru.phoneSubmit);
  });

  it('the element lang beats an ancestor lang', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="ru"><green-qr-scan lang="en" mode="phone"></green-qr-scan></div>`);
    const el = wrapper.querySelector('green-qr-scan')!;
    await el.updateComplete;
    expect(statusText(el)).to.equal(en.phoneTitle);
  });

  it('re-renders in Russian when document.documentElement.lang changes at runtime', async () => {
    const root = document.documentElement;
    const original = root.getAttribute('lang');
    try {
      root.lang = 'en';
      const el = await mount({ mode: 'phone' });
      expect(statusText(el)).to.equal(en.phoneTitle);
      root.lang = 'ru';
      await waitUntil(() => statusText(el) === ru.phoneTitle, 'did not switch to Russian', { timeout: 2000 });
      expect(partText(el, 'phone-submit')).to.equal(ru.phoneSubmit);
      root.lang = 'en';
      await waitUntil(() => statusText(el) === en.phoneTitle, 'did not switch back to English', { timeout: 2000 });
    } finally {
      if (original === null) root.removeAttribute('lang');
      else root.setAttribute('lang', original);
    }
  });

  it('re-renders when its own lang attribute changes', async () => {
    const el = await mount({ mode: 'phone', lang: 'en' });
    expect(statusText(el)).to.equal(en.phoneTitle);
    el.setAttribute('lang', 'ru');
    await el.updateComplete;
    expect(statusText(el)).to.equal(ru.phoneTitle);
  });

  // Must run before the `registerLocale('de', …)` test below (mocha keeps declaration order).
  it('an unknown lang="de" falls back to English', async () => {
    const el = await mount({ mode: 'phone', lang: 'de' });
    expect(statusText(el)).to.equal(en.phoneTitle);
    expect(partText(el, 'phone-submit')).to.equal(en.phoneSubmit);
    expect(partText(el, 'mode-switch')).to.equal(en.useQr);
  });

  it('registerLocale("de", {...some keys}) gives German for those keys and English for the rest', async () => {
    registerLocale('de', { phoneTitle: 'Mit Telefonnummer verknüpfen', phoneSubmit: 'Code anfordern' });
    const el = await mount({ mode: 'phone', lang: 'de' });
    expect(statusText(el)).to.equal('Mit Telefonnummer verknüpfen');
    expect(partText(el, 'phone-submit')).to.equal('Code anfordern');
    expect(partText(el, 'mode-switch')).to.equal(en.useQr);
    expect(el.shadowRoot!.querySelector('label')!.textContent!.trim()).to.equal(en.phoneLabel);
    // A second registration adds keys without losing the first ones.
    registerLocale('de', { useQr: 'Stattdessen QR-Code scannen' });
    el.requestUpdate();
    await el.updateComplete;
    expect(partText(el, 'mode-switch')).to.equal('Stattdessen QR-Code scannen');
    expect(statusText(el)).to.equal('Mit Telefonnummer verknüpfen');
  });

  it('pt-BR falls back to a registered pt', async () => {
    registerLocale('pt', { phoneTitle: 'Vincular com número de telefone' });
    const el = await mount({ mode: 'phone', lang: 'pt-BR' });
    expect(statusText(el)).to.equal('Vincular com número de telefone');
    expect(partText(el, 'phone-submit')).to.equal(en.phoneSubmit);
  });

  it('a registered pt-BR beats pt for its keys', async () => {
    registerLocale('pt', { phoneTitle: 'Vincular com número de telefone', phoneSubmit: 'Obter código' });
    registerLocale('pt-BR', { phoneSubmit: 'Pegar código' });
    const el = await mount({ mode: 'phone', lang: 'pt-BR' });
    expect(partText(el, 'phone-submit')).to.equal('Pegar código');
    expect(statusText(el)).to.equal('Vincular com número de telefone');
  });

  it('the per-element strings property wins over the locale, and only for that element', async () => {
    const el = await mount({ mode: 'phone', lang: 'ru', strings: { phoneTitle: 'Custom title' } });
    const other = await mount({ mode: 'phone', lang: 'ru' });
    expect(statusText(el)).to.equal('Custom title');
    expect(partText(el, 'phone-submit')).to.equal(ru.phoneSubmit);
    expect(statusText(other)).to.equal(ru.phoneTitle);
    el.strings = { phoneSubmit: 'Go' };
    await el.updateComplete;
    expect(partText(el, 'phone-submit')).to.equal('Go');
    expect(statusText(el)).to.equal(ru.phoneTitle);
  });

  describe('no hard-coded text', () => {
    /** `zz`: every key maps to `⟦key⟧`, placeholders kept (`⟦countdownShort {n}⟧`). */
    before(() => {
      const zz = Object.fromEntries(
        Object.entries(en).map(([key, value]) => [key, `⟦${[key, ...(value.match(/\{\w+\}/g) ?? [])].join(' ')}⟧`]),
      ) as Strings;
      registerLocale('zz', zz);
    });

    /** Text content of the shadow root plus the text-bearing attributes. */
    function visibleText(el: GreenQrScan): string {
      const root = el.shadowRoot!;
      const out: string[] = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement?.closest('style, script')) continue;
        out.push(node.textContent ?? '');
      }
      for (const element of root.querySelectorAll('*')) {
        for (const name of ['alt', 'aria-label', 'placeholder', 'title', 'aria-valuetext', 'aria-description']) {
          const value = element.getAttribute(name);
          if (value) out.push(value);
        }
      }
      return out.join(' ');
    }

    /** What is left once tokens, the given server-provided texts, digits, `+`, whitespace and punctuation are removed. */
    function residue(el: GreenQrScan, serverTexts: string[] = []): string {
      let text = visibleText(el).replace(/⟦[^⟧]*⟧/g, ' ');
      for (const s of serverTexts) text = text.split(s).join(' ');
      return text.replace(/[\d+\s\p{P}]/gu, '');
    }

    function expectOnlyTokens(el: GreenQrScan, tokens: string[], serverTexts: string[] = []) {
      const text = visibleText(el);
      for (const token of tokens) expect(text, `the view shows ${token}`).to.contain(token);
      expect(residue(el, serverTexts), `hard-coded text in: ${text}`).to.equal('');
    }

    it('connecting', async () => {
      const el = await mount({ lang: 'zz', apiUrl: server.url });
      await server.waitForConnection(1);
      await settle(el, 'connecting');
      expectOnlyTokens(el, ['⟦connecting⟧', '⟦usePhone⟧']);
    });

    it('reconnecting', async () => {
      const el = await mount({ lang: 'zz', apiUrl: server.url, sessionOptions: fast });
      await server.waitForConnection(1);
      server.send({ type: 'qrCode', message: png });
      await settle(el, 'qr');
      await server.terminate(0);
      await server.waitForConnection(2);
      await settle(el, 'connecting');
      expectOnlyTokens(el, ['⟦reconnecting⟧']);
    });

    it('qr', async () => {
      const el = await mount({ lang: 'zz', apiUrl: server.url });
      await server.waitForConnection(1);
      server.send({ type: 'qrCode', message: png });
      await settle(el, 'qr');
      expectOnlyTokens(el, ['⟦qrReady⟧', '⟦qrAlt⟧', '⟦stepOpen⟧', '⟦stepDevices⟧', '⟦stepLink⟧', '⟦stepScan⟧', '⟦countdownLabel ', '⟦countdownShort ', '⟦usePhone⟧']);
    });

    it('linked', async () => {
      const el = await mount({ lang: 'zz', apiUrl: server.url });
      await server.waitForConnection(1);
      server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'Anna Pavlova', proxy: '', webhookUrl: '' });
      await settle(el, 'linked');
      expectOnlyTokens(el, ['⟦linked⟧'], ['Anna Pavlova']);
    });

    for (const [reason, frame, tokens, serverText] of [
      ['alreadyLogged', { type: 'alreadyLogged', message: 'instance account already authorized' }, ['⟦failedAlreadyLogged⟧', '⟦failedAlreadyLoggedHint⟧', '⟦retry⟧'], ''],
      ['timeoutExpired', { type: 'timeoutExpired', message: 'timeoutExpired' }, ['⟦failedTimeoutExpired⟧', '⟦failedTimeoutExpiredHint 100⟧', '⟦retry⟧'], ''],
      ['error', { type: 'error', message: 'Multi-device beta not joined' }, ['⟦failedError⟧', '⟦failedErrorHint⟧', '⟦retry⟧'], 'Multi-device beta not joined'],
    ] as const) {
      it(`failed: ${reason}`, async () => {
        const el = await mount({ lang: 'zz', apiUrl: server.url });
        await server.waitForConnection(1);
        server.send(frame);
        await settle(el, 'failed');
        expect(el.failure!.reason).to.equal(reason);
        expectOnlyTokens(el, [...tokens], serverText ? [serverText] : []);
      });
    }

    it('failed: connection', async () => {
      await server.stop();
      server = await startWsServer({ refuseUpgrade: true });
      const el = await mount({ lang: 'zz', apiUrl: server.url, transport: 'websocket', sessionOptions: fast });
      await settle(el, 'failed');
      expect(el.failure!.reason).to.equal('connection');
      expectOnlyTokens(el, ['⟦failedConnection⟧', '⟦failedConnectionHint⟧', '⟦retry⟧']);
    });

    it('failed: invalidConfig', async () => {
      const el = await mount({ lang: 'zz', apiUrl: server.url, instanceId: 'abc' });
      await settle(el, 'failed');
      expect(el.failure!.reason).to.equal('invalidConfig');
      expectOnlyTokens(el, ['⟦failedInvalidConfig⟧', '⟦invalidInstanceId⟧']);
    });

    it('failed: alreadyLogged with allow-logout shows the logout button', async () => {
      const el = await mount({ lang: 'zz', apiUrl: server.url, allowLogout: true });
      await server.waitForConnection(1);
      server.send({ type: 'alreadyLogged', message: 'instance account already authorized' });
      await settle(el, 'failed');
      expect(part(el, 'logout-button')).to.exist;
      expectOnlyTokens(el, ['⟦failedAlreadyLogged⟧', '⟦logout⟧']);
    });

    it('phone form, and the invalid-number error', async () => {
      const el = await mount({ lang: 'zz', mode: 'phone', apiUrl: server.url });
      await settle(el, 'idle');
      expectOnlyTokens(el, ['⟦phoneTitle⟧', '⟦phoneLabel⟧', '⟦phonePlaceholder⟧', '⟦phoneSubmit⟧', '⟦useQr⟧']);
      await submitPhone(el, '12');
      expect(el.shadowRoot!.querySelector('[role=alert]')).to.exist;
      expectOnlyTokens(el, ['⟦phoneInvalid⟧']);
    });

    describe('with the GREEN-API mock', () => {
      let mock: Mock;
      beforeEach(async () => {
        mock = await startMock({ authCodeLinkMs: 60_000 });
      });
      afterEach(async () => {
        await mock.stop();
      });

      it('phone: requesting, the code, and the expired code', async () => {
        const el = await mount({
          lang: 'zz',
          mode: 'phone',
          apiUrl: mock.url,
          instanceId: newId(),
          token: MOCK_TOKEN,
          sessionOptions: { codeValidityMs: 400, statePollIntervalMs: 100 },
        });
        await submitPhone(el, '+7 900 123-45-67');
        expect(el.state).to.equal('connecting');
        expectOnlyTokens(el, ['⟦phoneRequesting⟧']);
        await settle(el, 'code');
        const code = part(el, 'code')!.textContent!.trim();
        expect(code).to.match(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
        expectOnlyTokens(el, ['⟦codeTitle⟧', '⟦codeAlt ', '⟦copy⟧', '⟦codeStepOpen⟧', '⟦codeWaiting⟧', '⟦countdownShort '], [code]);
        await settle(el, 'failed');
        expectOnlyTokens(el, ['⟦codeExpired⟧', '⟦newCode⟧']);
      });
    });
  });
});
