// A bundler user gets the same split as the drop-in file (issue 14): a small Vite app that imports
// `green-qr-scan` (the built package), built with production settings by
// test/helpers/vite-app-plugin.mjs. Its output keeps the phone path, GREEN-API's HTTP side and
// Russian out of the app's entry chunk, in chunks of their own, and the page loads them only when
// they are needed: a QR code over the websocket loads none of them; the phone form and `lang="ru"`
// load theirs.
import { expect, waitUntil } from '@open-wc/testing';
import { en } from '../src/element/locales/en.js';
import { ru } from '../src/element/locales/ru.js';
import { command } from './helpers/command.js';
import { part, statusText } from './helpers/element.js';
import { startMock, type Mock } from './helpers/mock.js';

interface Chunk {
  file: string;
  isEntry: boolean;
  isDynamicEntry: boolean;
  modules: string[];
  imports: string[];
  dynamicImports: string[];
}
type Element = HTMLElement & { state: string };

const ON_DEMAND = {
  phone: 'dist/core/phone-link-session.js',
  http: 'dist/core/transports/http-poll.js',
  api: 'dist/core/green-api.js',
  ru: 'dist/element/locales/ru.js',
};

describe('a Vite app that imports green-qr-scan', () => {
  let app: { entry: string; chunks: Chunk[] };
  let mock: Mock;
  let frame: HTMLIFrameElement | undefined;

  before(async function () {
    this.timeout(60_000);
    app = await command('vite-app-build', {}, { required: true });
  });
  beforeEach(async () => {
    mock = await startMock();
  });
  afterEach(async () => {
    frame?.remove();
    frame = undefined;
    await mock.stop();
  });

  const chunkOf = (module: string) => app.chunks.find((c) => c.modules.includes(module));
  const requests = async () => (await command<{ requests: string[] }>('vite-app-requests', {}, { required: true })).requests;

  it('keeps the phone path, the HTTP side and Russian out of the entry chunk, each loaded with import()', () => {
    const entry = app.chunks.find((c) => c.file === app.entry)!;
    expect(entry.modules).to.include('dist/element/green-qr-scan.js');
    expect(entry.modules).to.include('dist/core/scan-session.js');
    for (const module of Object.values(ON_DEMAND)) {
      const chunk = chunkOf(module);
      expect(chunk, module).to.exist;
      expect(chunk!.file, module).to.not.equal(app.entry);
      // Not a static import of the entry: only import() reaches it.
      expect(entry.imports, module).to.not.include(chunk!.file);
    }
    expect(chunkOf(ON_DEMAND.phone)!.isDynamicEntry).to.equal(true);
    expect(chunkOf(ON_DEMAND.ru)!.isDynamicEntry).to.equal(true);
    expect(chunkOf(ON_DEMAND.ru)!.file).to.not.equal(chunkOf(ON_DEMAND.phone)!.file);
    expect(chunkOf(ON_DEMAND.http)!.file).to.not.equal(chunkOf(ON_DEMAND.phone)!.file);
  });

  it('loads them on demand in the browser: none for a QR code, then the phone path, then Russian', async () => {
    frame = document.createElement('iframe');
    frame.style.cssText = 'width: 420px; height: 720px; border: 0';
    frame.srcdoc = `<!doctype html><body><script type="module" src="/__vite-app/${app.entry}"></script></body>`;
    document.body.append(frame);
    await waitUntil(() => frame!.contentWindow?.customElements?.get('green-qr-scan'), 'the app did not register the element', { timeout: 10_000 });
    const doc = frame.contentDocument!;
    const el = doc.createElement('green-qr-scan') as Element;
    el.setAttribute('instance-id', '7900000001');
    el.setAttribute('api-url', mock.url);
    // A page that knows its messenger: with "auto", GetSettings would load GREEN-API's HTTP side first.
    el.setAttribute('messenger', 'whatsapp');
    (el as unknown as { token: string }).token = 'vite-app-token-0123456789abcdef';
    doc.body.append(el);
    await waitUntil(() => part(el, 'qr')?.getAttribute('src')?.startsWith('data:image/png'), 'no QR code', { timeout: 5000 });
    expect(statusText(el)).to.equal(en.qrReady);
    const onDemand = (module: string) => chunkOf(module)!.file;
    const before = await requests();
    expect(before).to.include(app.entry);
    for (const module of Object.values(ON_DEMAND)) expect(before, module).to.not.include(onDemand(module));

    part(el, 'mode-switch')!.click();
    await waitUntil(() => part(el, 'phone-form'), 'no phone form', { timeout: 5000 });
    expect(await requests()).to.include(onDemand(ON_DEMAND.phone));
    expect(await requests()).to.not.include(onDemand(ON_DEMAND.ru));

    el.setAttribute('lang', 'ru');
    await waitUntil(() => statusText(el) === ru.phoneTitle, `status is "${statusText(el)}"`, { timeout: 5000 });
    expect(await requests()).to.include(onDemand(ON_DEMAND.ru));
  });
});
