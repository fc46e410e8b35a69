/**
 * The countdown's cost on a page of many widgets (issue 14): a tick writes the seconds, the timer's
 * label and the bar without rendering the element, a new code starts the countdown full again, and
 * an off-screen countdown is skipped by the browser without changing the card's size.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/define.js';
import { GreenQrScan } from '../src/element/green-qr-scan.js';
import { pngBase64, startWsServer, TOKEN, type WsServer } from './helpers/ws-server.js';
import { part, settle } from './helpers/element.js';

/** Counts the element's Lit updates (renders). */
class CountedQrScan extends GreenQrScan {
  updates = 0;
  protected override update(changed: Parameters<GreenQrScan['update']>[0]): void {
    this.updates++;
    super.update(changed);
  }
}
customElements.define('counted-qr-scan', CountedQrScan);

const seconds = (el: Element) => Number(/(\d+) s/.exec(part(el, 'countdown')!.textContent!)![1]);
const label = (el: Element) => part(el, 'countdown')!.getAttribute('aria-label');
const scale = (el: Element) => part(el, 'countdown')!.querySelector<HTMLElement>('.left')!.style.transform;

describe('countdown ticks', () => {
  let server: WsServer;
  beforeEach(async () => (server = await startWsServer()));
  afterEach(() => server.stop());

  it('a tick updates the seconds, the label and the bar without a render of the element', async () => {
    const el = await fixture<CountedQrScan>(
      html`<counted-qr-scan messenger="whatsapp" instance-id="1101000001" api-url=${server.url} .token=${TOKEN}></counted-qr-scan>`,
    );
    await server.waitForConnection(1);
    await server.send({ type: 'qrCode', message: pngBase64(1) });
    await settle(el, 'qr');
    const first = seconds(el);
    const updates = el.updates;
    await waitUntil(() => seconds(el) < first, 'the countdown did not tick', { timeout: 2500 });
    const now = seconds(el);
    expect(el.updates, 'renders during the tick').to.equal(updates);
    expect(label(el)).to.equal(`Time left to scan: ${now} seconds`);
    expect(scale(el)).to.equal(`scaleX(${now / 100})`);
  });

  it('a new code after restart() counts down from the whole window again', async () => {
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp" instance-id="1101000001" api-url=${server.url} .token=${TOKEN}></green-qr-scan>`);
    await server.waitForConnection(1);
    await server.send({ type: 'qrCode', message: pngBase64(1) });
    await settle(el, 'qr');
    await waitUntil(() => seconds(el) < 100, 'the countdown did not tick', { timeout: 2500 });
    el.restart();
    await server.waitForConnection(2);
    await settle(el, 'connecting');
    await server.send({ type: 'qrCode', message: pngBase64(2) });
    await settle(el, 'qr');
    expect(seconds(el)).to.equal(100);
    expect(label(el)).to.equal('Time left to scan: 100 seconds');
    expect(scale(el)).to.equal('scaleX(1)');
  });
});

describe('off-screen countdowns', () => {
  let server: WsServer;
  beforeEach(async () => (server = await startWsServer()));
  afterEach(() => server.stop());

  it('are not rendered while off screen, and take the same room as one on screen (any font)', async () => {
    const style = '--green-qr-scan-font: 19px/2.1 serif';
    const page = await fixture<HTMLElement>(html`<div>
      <green-qr-scan id="near" messenger="whatsapp" instance-id="1101000001" api-url=${server.url} .token=${TOKEN} style=${style}></green-qr-scan>
      <div style="height: 6000px"></div>
      <green-qr-scan id="far" messenger="whatsapp" instance-id="1101000002" api-url=${server.url} .token=${TOKEN} style=${style}></green-qr-scan>
    </div>`);
    const near = page.querySelector<GreenQrScan>('#near')!;
    const far = page.querySelector<GreenQrScan>('#far')!;
    await server.waitForConnection(2);
    await server.send({ type: 'qrCode', message: pngBase64(1) }, 0);
    await server.send({ type: 'qrCode', message: pngBase64(2) }, 1);
    await settle(near, 'qr');
    await settle(far, 'qr');
    const rendered = (el: GreenQrScan) => part(el, 'countdown')!.querySelector('.seconds')!.checkVisibility({ contentVisibilityAuto: true });
    await waitUntil(() => rendered(near) && !rendered(far), 'the far countdown is rendered (or the near one is not)', { timeout: 2000 });
    // The card is outside the skipped content: its height uses the countdown's stand-in size.
    expect(part(far, 'card')!.getBoundingClientRect().height).to.equal(part(near, 'card')!.getBoundingClientRect().height);
    // Skipped, not stale: the far one's seconds are written too.
    expect(part(far, 'countdown')!.getAttribute('aria-label')).to.match(/^Time left to scan: \d+ seconds$/);
    far.scrollIntoView();
    await waitUntil(() => rendered(far), 'the far countdown is not rendered on screen', { timeout: 2000 });
  });
});
