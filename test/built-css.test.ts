// The CSS of Lit's `css` templates is minified at build time (scripts/minify-css.mjs) in both
// outputs: the drop-in file (dist/green-qr-scan.bundled.js) and the npm ESM build (dist/**/*.js).
// Here: the built styles really are minified, and the built element renders exactly as the source
// does: the same part tree and the same computed styles of every node (and ::before/::after) in
// several states, the source, the drop-in and the ESM build each in its own same-origin iframe.
import { expect, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';

type El = HTMLElement & { state: string; token: string; updateComplete: Promise<boolean> };
type Ctor = CustomElementConstructor & { elementStyles: { cssText: string }[] };
const BUILDS = { src: '/src/define.ts', dropIn: '/dist/green-qr-scan.bundled.js', esm: '/dist/define.js' } as const;
type Build = keyof typeof BUILDS;

const cssTextOf = (win: Window) => (win.customElements.get('green-qr-scan') as Ctor).elementStyles.map((s) => s.cssText).join('');

/** Every node of the shadow tree (host first) as [path, part, class, computed styles incl. pseudo-elements]. */
function snapshot(el: El) {
  const win = el.ownerDocument.defaultView!;
  // Animations at a fixed point, so an animated transform reads the same in both frames.
  for (const animation of el.shadowRoot!.getAnimations()) {
    animation.pause();
    animation.currentTime = 0;
  }
  const nodes = [el, ...el.shadowRoot!.querySelectorAll('*')];
  const styles = (node: Element, pseudo?: string) => {
    const cs = win.getComputedStyle(node, pseudo);
    const out: Record<string, string> = {};
    for (let i = 0; i < cs.length; i++) out[cs[i]] = cs.getPropertyValue(cs[i]);
    return out;
  };
  return nodes.map((node, i) => ({
    node: `${i} ${node.localName}`,
    part: node.getAttribute('part'),
    class: node === el ? null : node.getAttribute('class'),
    style: styles(node),
    before: styles(node, '::before'),
    after: styles(node, '::after'),
  }));
}

describe('CSS minified at build time, rendering unchanged', () => {
  const frames = {} as Record<Build, Window>;
  let server: WsServer;
  let png: string;

  before(async () => {
    png = pngBase64(4);
    for (const [build, src] of Object.entries(BUILDS) as [Build, string][]) {
      const iframe = document.createElement('iframe');
      iframe.width = '420';
      iframe.height = '700';
      iframe.srcdoc = `<!doctype html><html lang="en"><meta charset="utf-8"><script type="module" src="${src}"></script><body style="margin:0"></body></html>`;
      document.body.append(iframe);
      await new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
      frames[build] = iframe.contentWindow!;
      await waitUntil(() => frames[build].customElements.get('green-qr-scan'), `${build}: the element was not defined`);
    }
  });
  beforeEach(async () => (server = await startWsServer()));
  afterEach(async () => {
    for (const win of Object.values(frames)) win.document.body.replaceChildren();
    await server.stop();
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  });

  it('the drop-in and the ESM build carry minified CSS; the source does not', async () => {
    const source = cssTextOf(frames.src);
    expect(source, 'the source styles are indented (the check below can fail)').to.match(/\n\s+/);
    for (const build of ['dropIn', 'esm'] as const) {
      const built = cssTextOf(frames[build]);
      expect(built, `${build}: no newline`).to.not.include('\n');
      expect(built, `${build}: no run of spaces`).to.not.match(/ {2}/);
      expect(built, `${build}: no comment`).to.not.include('/*');
      // Custom property values are kept verbatim (whitespace included) by the minifier.
      const declarations = built.replace(/--[\w-]+:[^;}]*/g, '');
      expect(declarations, `${build}: no space around braces, semicolons and after a property name`).to.not.match(/\s[{};]|[{};]\s|[a-z]:\s/);
      expect(built.length, `${build}: shorter than the source`).to.be.below(source.length * 0.85);
    }
    // The drop-in file's text itself: the styles are in it as one line.
    const file = await (await fetch(BUILDS.dropIn)).text();
    expect(file).to.include('@keyframes shimmer{to{transform:translate(100%)}}');
  });

  /** Places the same element in every frame (each connected to `server` when `connect`), in build order. */
  async function placeAll(attributes: Record<string, string>, connect: boolean) {
    const els = {} as Record<Build, El>;
    let n = 0;
    for (const build of Object.keys(BUILDS) as Build[]) {
      const doc = frames[build].document;
      const el = doc.createElement('green-qr-scan') as El;
      el.setAttribute('messenger', 'whatsapp');
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      if (connect) {
        el.setAttribute('instance-id', INSTANCE_ID);
        el.setAttribute('api-url', server.httpUrl);
        el.setAttribute('transport', 'websocket');
        el.token = TOKEN;
      }
      doc.body.replaceChildren(el);
      if (connect) await server.waitForConnection(++n);
      els[build] = el;
    }
    return els;
  }
  const countdownText = (el: El) => el.shadowRoot!.querySelector('[part=countdown]')?.textContent ?? '';
  async function expectSameRendering(els: Record<Build, El>, state: string) {
    for (const el of Object.values(els)) {
      await waitUntil(() => el.state === state, `never reached ${state} (is ${el.state})`);
      await el.updateComplete;
      for (const img of el.shadowRoot!.querySelectorAll('img')) await img.decode().catch(() => {});
    }
    // Each frame ticks its own countdown: compare in a moment when they show the same second.
    await waitUntil(() => countdownText(els.src) === countdownText(els.dropIn) && countdownText(els.src) === countdownText(els.esm));
    const expected = snapshot(els.src);
    expect(expected.length).to.be.above(3);
    for (const build of ['dropIn', 'esm'] as const) {
      const actual = snapshot(els[build]);
      expect(actual.map((n) => [n.node, n.part, n.class]), `${build}: part tree`).to.deep.equal(expected.map((n) => [n.node, n.part, n.class]));
      actual.forEach((n, i) => expect(n, `${build}: computed styles of ${n.node} (${n.part ?? n.class ?? 'host'})`).to.deep.equal(expected[i]));
    }
  }

  it('idle, QR mode and phone mode', async () => {
    await expectSameRendering(await placeAll({}, false), 'idle');
    await expectSameRendering(await placeAll({ mode: 'phone' }, false), 'idle');
  });

  it('connecting (skeleton), then a QR code with its countdown', async () => {
    const els = await placeAll({}, true);
    await expectSameRendering(els, 'connecting');
    for (let i = 0; i < 3; i++) await server.send({ type: 'qrCode', message: png }, i);
    await expectSameRendering(els, 'qr');
  });

  it('failed, with the retry button', async () => {
    const els = await placeAll({}, true);
    for (let i = 0; i < 3; i++) await server.send({ type: 'error', message: 'boom' }, i);
    await expectSameRendering(els, 'failed');
  });

  it('dark: forced, and preferred by the page', async () => {
    const forced = await placeAll({ theme: 'dark' }, true);
    for (let i = 0; i < 3; i++) await server.send({ type: 'qrCode', message: png }, i);
    await expectSameRendering(forced, 'qr');
    await emulateMedia({ colorScheme: 'dark' });
    await expectSameRendering(await placeAll({}, false), 'idle');
  });

  it('reduced motion: the skeleton stands still in every build', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const els = await placeAll({}, false);
    await expectSameRendering(els, 'idle');
    const skeleton = els.dropIn.shadowRoot!.querySelector('[part=skeleton]')!;
    expect(frames.dropIn.getComputedStyle(skeleton, '::after').animationName).to.equal('none');
  });
});
