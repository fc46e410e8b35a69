// The drop-in build's on-demand chunks (issue 14), as a CDN user gets them: the built
// dist/green-qr-scan.bundled.js and its chunks served from a folder of their own
// (test/helpers/chunk-gate-plugin.mjs), loaded by a plain page in a fresh frame per test (its own
// module map and custom element registry, so every test starts with no chunk loaded), against the
// local GREEN-API stand-in. The test refuses, drops or holds a chunk's requests to show that the
// default path loads nothing else before the first QR code, that loading a chunk never blocks
// linking (the usual progress shows meanwhile), and that a chunk that does not load is a
// `scan-failed` `connection` failure whose retry loads it again.
import { expect, waitUntil } from '@open-wc/testing';
import { LOAD_FAILED } from '../src/core/link-session.js';
import { en } from '../src/element/locales/en.js';
import { ru } from '../src/element/locales/ru.js';
import { chunkFiles, chunkGate, type ChunkGate } from './helpers/chunk-gate.js';
import { part, statusText } from './helpers/element.js';
import { startMock, type Mock } from './helpers/mock.js';

type Element = HTMLElement & { state: string; failure?: { reason: string; message: string }; sessionOptions: object; updateComplete: Promise<boolean> };
type Failed = { reason: string; message: string };

const ENTRY = 'green-qr-scan.bundled.js';
const PHONE = 'green-qr-scan.phone.js';
const HTTP_API = 'green-qr-scan.http-api.js';
/** GREEN-API's requests and GetSettings' lookup: the one chunk `messenger="auto"` loads before the first QR (DEFAULT_PATH_CHUNKS in scripts/chunks.mjs). */
const GREEN_API = 'green-qr-scan.green-api.js';
const RU = 'green-qr-scan.ru.js';
const POLL_QR = 'green-qr-scan.chat-qr.js';
const CHAT = 'green-qr-scan.chat-views.js';
const TG_PHONE = 'green-qr-scan.chat-phone.js';
const TOKEN = 'chunks-test-token-0123456789abcdef';

const run = String(Date.now()).slice(-4);
let nextId = 0;
const newId = () => `78${run}${String(nextId++).padStart(4, '0')}`;

describe('on-demand chunks of the drop-in file', () => {
  let mock: Mock;
  let gate: ChunkGate;
  let frame: HTMLIFrameElement | undefined;
  let unhandled: unknown[];

  before(async () => {
    // The chunks these tests gate exist (their names come from the build).
    const names = (await chunkFiles()).map((c) => c.name);
    expect(names).to.include.members([ENTRY, PHONE, HTTP_API, GREEN_API, RU, POLL_QR, CHAT, TG_PHONE]);
  });
  beforeEach(async () => {
    mock = await startMock();
    gate = chunkGate(`t${run}-${nextId}-${Math.random().toString(36).slice(2, 8)}`);
    unhandled = [];
  });
  afterEach(async () => {
    frame?.remove();
    frame = undefined;
    await mock.stop();
    expect(unhandled, 'unhandled rejections in the page').to.deep.equal([]);
  });

  /** A plain page that loads the drop-in file from the gated folder, in a fresh frame. */
  async function page(): Promise<Document> {
    frame = document.createElement('iframe');
    frame.style.cssText = 'width: 420px; height: 720px; border: 0';
    frame.srcdoc = `<!doctype html><body><script type="module" src="${gate.entry}"></script></body>`;
    document.body.append(frame);
    await waitUntil(() => frame!.contentWindow?.customElements?.get('green-qr-scan'), 'the drop-in file did not register the element', { timeout: 10_000 });
    frame.contentWindow!.addEventListener('unhandledrejection', (event) => unhandled.push(event.reason));
    return frame.contentDocument!;
  }

  /** `<green-qr-scan>` with the stand-in's address, the token (as a property) and `attributes`; `scan-failed` details are collected. */
  async function place(attributes: Record<string, string> = {}, sessionOptions?: object, id = newId()) {
    const doc = await page();
    const el = doc.createElement('green-qr-scan') as Element;
    const failed: Failed[] = [];
    el.addEventListener('scan-failed', (e) => failed.push((e as CustomEvent<Failed>).detail));
    el.setAttribute('instance-id', id);
    el.setAttribute('api-url', mock.url);
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    (el as unknown as { token: string }).token = TOKEN;
    if (sessionOptions) el.sessionOptions = sessionOptions;
    doc.body.append(el);
    return { el, id, failed };
  }

  const qrShown = (el: Element) => part(el, 'qr')?.getAttribute('src')?.startsWith('data:image/png') ?? false;
  const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
  const requested = async (name: string) => waitUntil(async () => (await gate.requests()).includes(name), `${name} was never requested`, { timeout: 5000 });

  it('the default path (WhatsApp set, websocket, QR code, English) loads only the drop-in file up to the scan, then the HTTP side for the account details', async () => {
    const { el, id, failed } = await place({ messenger: 'whatsapp' });
    const linked: object[] = [];
    el.addEventListener('account-linked', (e) => linked.push((e as CustomEvent<object>).detail));
    await waitUntil(() => qrShown(el), 'no QR code shown', { timeout: 5000 });
    expect(statusText(el)).to.equal(en.qrReady);
    expect(await gate.requests()).to.deep.equal([ENTRY]);
    await mock.scan(id);
    await waitUntil(() => el.state === 'linked', 'not linked', { timeout: 5000 });
    // GetWaSettings (the avatar) is read once after the link, by GREEN-API's HTTP side.
    expect(await gate.requests()).to.have.members([ENTRY, HTTP_API, GREEN_API]);
    expect(linked).to.have.length(1);
    expect(linked[0]).to.include({ messenger: 'whatsapp', phone: '79001234567', avatar: `${mock.url}/mock/avatar.png` });
    expect(failed).to.deep.equal([]);
  });

  it('the HTTP side does not load after the scan: linked all the same, with what the socket told', async () => {
    await gate.set(HTTP_API, 'drop');
    const { el, id, failed } = await place({ messenger: 'whatsapp' });
    const linked: object[] = [];
    el.addEventListener('account-linked', (e) => linked.push((e as CustomEvent<object>).detail));
    await waitUntil(() => qrShown(el), 'no QR code shown', { timeout: 5000 });
    await mock.scan(id);
    await waitUntil(() => el.state === 'linked', 'not linked', { timeout: 5000 });
    expect(await gate.requests()).to.include(HTTP_API);
    expect(linked).to.deep.equal([{ wid: '79001234567@c.us', pushname: 'Demo phone', proxy: '127.0.0.1', webhookUrl: '', messenger: 'whatsapp', phone: '79001234567' }]);
    expect(failed).to.deep.equal([]);
    expect((await mock.stats(id)).methods.getWaSettings?.total ?? 0).to.equal(0);
  });

  it('messenger="auto" (the default) adds GREEN-API\'s requests only, for the one GetSettings before the socket', async () => {
    const { el, failed } = await place();
    await waitUntil(() => qrShown(el), 'no QR code shown', { timeout: 5000 });
    expect(await gate.requests()).to.deep.equal([ENTRY, GREEN_API]);
    expect(failed).to.deep.equal([]);
  });

  it('switching to the phone number: the placeholder while the phone path loads, then the form, and a code', async () => {
    await gate.set(PHONE, 'hold');
    const { el, failed } = await place();
    await waitUntil(() => qrShown(el), 'no QR code shown', { timeout: 5000 });
    part(el, 'mode-switch')!.click();
    await requested(PHONE);
    // While it loads: the phone title over the usual placeholder, no form yet, no failure.
    await waitUntil(() => statusText(el) === en.phoneTitle, `status is "${statusText(el)}"`);
    expect(part(el, 'skeleton'), 'placeholder').to.exist;
    expect(part(el, 'phone-form')).to.equal(null);
    expect(el.state).to.equal('idle');
    await gate.set(PHONE, 'pass');
    await waitUntil(() => part(el, 'phone-form'), 'no phone form once the chunk loaded', { timeout: 5000 });
    const input = part(el, 'phone-input') as HTMLInputElement;
    input.value = '+7 900 123-45-67';
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    (part(el, 'phone-form') as HTMLFormElement).requestSubmit();
    await waitUntil(() => el.state === 'code', `no code shown (state ${el.state})`, { timeout: 5000 });
    expect(part(el, 'code')!.textContent).to.match(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(await gate.requests()).to.include.members([PHONE, HTTP_API]);
    expect(failed).to.deep.equal([]);
  });

  // A retry imports the chunk again; the browser fetches it again when the first fetch failed (the
  // HTML standard since whatwg/html#10327). Chromium does so after a network error; this build of
  // it still remembers an HTTP error answer for the page's life, so a refused (404) chunk shows the
  // failure and the retry button, and the retry is proven with dropped connections.
  for (const [chunk, action, retries] of [
    [PHONE, 'refuse', false],
    [PHONE, 'drop', true],
    [GREEN_API, 'drop', true],
  ] as const) {
    it(`a phone path whose ${chunk} does not load (${action}) is a connection failure with the retry button${retries ? ', which loads it again' : ''}`, async () => {
      await gate.set(chunk, action);
      const { el, failed } = await place({ mode: 'phone' });
      await waitUntil(() => failed.length === 1, 'no scan-failed', { timeout: 5000 });
      expect(failed[0]).to.deep.equal({ reason: 'connection', message: LOAD_FAILED });
      await el.updateComplete;
      expect(el.state).to.equal('failed');
      expect(el.failure).to.deep.equal({ reason: 'connection', message: LOAD_FAILED });
      expect(statusText(el)).to.equal(en.failedConnection);
      const retry = part(el, 'retry-button')!;
      expect(retry.textContent!.trim()).to.equal(en.newCode);
      if (!retries) return;
      await gate.set(chunk, 'pass');
      retry.click();
      await waitUntil(() => part(el, 'phone-form'), 'no phone form after the retry', { timeout: 5000 });
      expect(el.state).to.equal('idle');
      expect(failed).to.have.length(1);
    });
  }

  // Telegram's and MAX's sessions load on demand once the messenger is known (set, or found by
  // GetSettings with `auto`); the Telegram/MAX chunks share chat-views (the sessions' common code and their views). One that does not load is
  // the same `connection` failure, and the retry (which goes through the messenger probe again,
  // without a second GetSettings) loads it again.
  for (const [chunk, messenger, attributes] of [
    [POLL_QR, 'telegram', {}],
    [CHAT, 'v3', { messenger: 'max' }],
    [TG_PHONE, 'telegram', { mode: 'phone' }],
    [CHAT, 'telegram', { mode: 'phone', messenger: 'telegram' }],
  ] as const) {
    const how = Object.entries(attributes).map(([name, value]) => `${name}="${value}"`).join(' ') || 'messenger="auto"';
    it(`a ${messenger === 'v3' ? 'MAX' : 'Telegram'} instance (${how}) whose ${chunk} does not load: a connection failure, and the retry loads it again`, async () => {
      await gate.set(chunk, 'drop');
      const id = newId();
      await mock.messenger(id, messenger);
      const { el, failed } = await place(attributes, undefined, id);
      await waitUntil(() => failed.length === 1, 'no scan-failed', { timeout: 5000 });
      expect(failed[0]).to.deep.equal({ reason: 'connection', message: LOAD_FAILED });
      await el.updateComplete;
      expect(el.state).to.equal('failed');
      expect(statusText(el)).to.equal(en.failedConnection);
      const retry = part(el, 'retry-button')!;
      expect(retry).to.exist;
      const before = (await gate.requests()).filter((name) => name === chunk).length;
      expect(before, `${chunk} requested`).to.be.at.least(1);
      await gate.set(chunk, 'pass');
      retry.click();
      if ('mode' in attributes) {
        await waitUntil(() => part(el, 'phone-form'), 'no phone form after the retry', { timeout: 5000 });
        expect(el.state).to.equal('idle');
      } else {
        await waitUntil(() => qrShown(el), 'no QR code after the retry', { timeout: 5000 });
        expect(statusText(el)).to.equal(messenger === 'v3' ? en.qrReadyMax : en.qrReadyTelegram);
      }
      expect((await gate.requests()).filter((name) => name === chunk).length, `${chunk} requested again`).to.be.above(before);
      expect(failed).to.have.length(1);
      expect((await mock.stats(id)).methods.getSettings?.total ?? 0, 'GetSettings').to.equal('messenger' in attributes ? 0 : 1);
    });
  }

  it('transport="http": the usual progress while the HTTP side loads, then a QR code', async () => {
    await gate.set(HTTP_API, 'hold');
    const { el, failed } = await place({ transport: 'http' });
    await requested(HTTP_API);
    await waitUntil(() => statusText(el) === en.connecting, `status is "${statusText(el)}"`);
    expect(el.state).to.equal('connecting');
    expect(part(el, 'skeleton')).to.exist;
    await gate.set(HTTP_API, 'pass');
    await waitUntil(() => qrShown(el), 'no QR code over HTTP', { timeout: 5000 });
    expect(failed).to.deep.equal([]);
  });

  it('transport="http" whose HTTP side does not load: a connection failure, and the retry loads it again', async () => {
    await gate.set(HTTP_API, 'drop');
    const { el, failed } = await place({ transport: 'http' });
    await waitUntil(() => failed.length === 1, 'no scan-failed', { timeout: 5000 });
    expect(failed[0]).to.deep.equal({ reason: 'connection', message: LOAD_FAILED });
    await el.updateComplete;
    expect(statusText(el)).to.equal(en.failedConnection);
    await gate.set(HTTP_API, 'pass');
    part(el, 'retry-button')!.click();
    await waitUntil(() => qrShown(el), 'no QR code after the retry', { timeout: 5000 });
    expect(failed).to.have.length(1);
  });

  it('offline: no socket and no way to load the checks is a connection failure, not a stuck element', async () => {
    await gate.set(HTTP_API, 'refuse');
    const dead = mock.url;
    await mock.stop();
    const { el, failed } = await place({}, { backoffMs: [50], maxConnectAttempts: 2 });
    el.setAttribute('api-url', dead);
    await waitUntil(() => failed.length === 1, 'no scan-failed', { timeout: 8000 });
    expect(failed[0].reason).to.equal('connection');
    await el.updateComplete;
    expect(statusText(el)).to.equal(en.failedConnection);
    expect(part(el, 'retry-button')).to.exist;
    mock = await startMock();
  });

  it('lang="ru": no English while Russian loads, then Russian', async () => {
    await gate.set(RU, 'hold');
    const { el, failed } = await place({ lang: 'ru' });
    await requested(RU);
    // Linking goes on meanwhile (the QR code may already be there), with no text in any language.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statusText(el)).to.equal('');
    for (const words of [en.connecting, en.qrReady, en.usePhone, en.stepOpen]) expect(text(el)).to.not.include(words);
    await gate.set(RU, 'pass');
    await waitUntil(() => statusText(el) === ru.qrReady || statusText(el) === ru.connecting, `status is "${statusText(el)}"`, { timeout: 5000 });
    await waitUntil(() => qrShown(el) && statusText(el) === ru.qrReady, 'no QR code in Russian', { timeout: 5000 });
    expect(part(el, 'mode-switch')!.textContent!.trim()).to.equal(ru.usePhone);
    expect(failed).to.deep.equal([]);
  });

  it('lang="ru" whose texts do not load: English, and linking works', async () => {
    await gate.set(RU, 'refuse');
    const { el, id, failed } = await place({ lang: 'ru' });
    await waitUntil(() => qrShown(el) && statusText(el) === en.qrReady, `no English QR view (status "${statusText(el)}")`, { timeout: 5000 });
    await mock.scan(id);
    await waitUntil(() => el.state === 'linked' && statusText(el) === en.linked, 'not linked', { timeout: 5000 });
    expect(failed).to.deep.equal([]);
  });

  it('Logout whose code does not load: "Could not log out", and the button tries again', async () => {
    await gate.set(GREEN_API, 'drop');
    const id = newId();
    await mock.alreadyLogged(id);
    const { el, failed } = await place({ 'allow-logout': '', messenger: 'whatsapp' }, undefined, id);
    await waitUntil(() => failed.length === 1, 'no scan-failed', { timeout: 5000 });
    expect(failed[0].reason).to.equal('alreadyLogged');
    await el.updateComplete;
    part(el, 'logout-button')!.click();
    await waitUntil(() => text(el).includes(en.logoutFailed), 'no "Could not log out"', { timeout: 5000 });
    expect(part(el, 'logout-button')).to.exist;
    await gate.set(GREEN_API, 'pass');
    part(el, 'logout-button')!.click();
    await waitUntil(() => qrShown(el), 'no QR code after the Logout', { timeout: 8000 });
    expect((await mock.state(id)).authorized).to.equal(false);
  });
});
