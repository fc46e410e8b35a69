// The element with a link ticket instead of the token, against green-qr-scan/server in front of the
// GREEN-API stand-in: the token stays in Node, the ticket travels only in a header and the websocket's
// subprotocol list, and the server (not the page) decides that the account is linked.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { GreenQrScan } from '../../src/element/green-qr-scan.js';
import type { AccountLinkedEvent, ScanFailedEvent } from '../../src/core/events.js';
import { en } from '../../src/element/locales/en.js';
import { part, settle, statusText } from '../helpers/element.js';
import { startRig, type Rig } from '../helpers/link-server.js';

const run = String(Date.now() % 10_000).padStart(4, '0');
let nextId = 0;
const newId = () => `78${run}${String(nextId++).padStart(4, '0')}`;

describe('element: link tickets (token-free)', function () {
  this.timeout(20_000);
  let rig: Rig | undefined;
  let consoleLines: string[];
  const saved = { log: console.log, warn: console.warn, debug: console.debug, error: console.error };

  beforeEach(() => {
    consoleLines = [];
    for (const level of ['log', 'warn', 'debug', 'error'] as const) {
      console[level] = (...args: unknown[]) => void consoleLines.push(args.map(String).join(' '));
    }
  });
  afterEach(async () => {
    Object.assign(console, saved);
    await rig?.stop();
    rig = undefined;
  });

  async function mount(ticket: string, extra: { transport?: string; id: string }) {
    const failures: ScanFailedEvent['detail'][] = [];
    const linked: AccountLinkedEvent['detail'][] = [];
    const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
      instance-id=${extra.id}
      api-url=${rig!.url}
      transport=${extra.transport ?? 'auto'}
      .ticket=${ticket}
      @scan-failed=${(e: ScanFailedEvent) => failures.push(e.detail)}
      @account-linked=${(e: AccountLinkedEvent) => linked.push(e.detail)}
    ></green-qr-scan>`);
    return { el, failures, linked };
  }

  /** The ticket appears in no URL the page requested, no console line, no attribute, no text. */
  async function expectTicketNowhere(el: GreenQrScan, ticket: string) {
    const urls = performance.getEntriesByType('resource').map((e) => e.name);
    expect(urls.filter((u) => u.includes(ticket))).to.deep.equal([]);
    expect(consoleLines.filter((l) => l.includes(ticket))).to.deep.equal([]);
    expect(el.outerHTML).to.not.contain(ticket);
    expect(el.shadowRoot!.innerHTML).to.not.contain(ticket);
    const report = await rig!.report();
    expect([report.ticketInBrowserUrls, report.ticketInLog, report.realTokenFromBrowser]).to.deep.equal([false, false, false]);
  }

  for (const transport of ['websocket', 'http'] as const) {
    it(`${transport}: a QR code, then account-linked once the server confirmed the link; the ticket in no URL, console line or attribute`, async () => {
      const id = newId();
      rig = await startRig({ instances: { [id]: 'mock' }, allowedOrigins: [location.origin] });
      const { ticket } = await rig.issue({ instanceId: id, origin: location.origin });
      const { el, linked, failures } = await mount(ticket, { transport, id });
      await settle(el, 'qr');
      expect(part(el, 'qr')!.getAttribute('src')).to.match(/^data:image\/png;base64,iVBORw0KGgo/);
      await rig.mock('scan', id);
      await settle(el, 'linked');
      expect(failures).to.deep.equal([]);
      expect(linked.length).to.equal(1);
      expect(linked[0].wid).to.equal('79001234567@c.us');
      await rig.wait('linked');
      expect((await rig.report()).linked).to.deep.equal([{ instanceId: id, wid: '79001234567@c.us' }]);
      await expectTicketNowhere(el, ticket);
    });
  }

  it('a revoked ticket: scan-failed unauthorized, and the card asks for a new ticket (not the token)', async () => {
    const id = newId();
    rig = await startRig({ instances: { [id]: 'mock' }, allowedOrigins: [location.origin] });
    const { ticket } = await rig.issue({ instanceId: id, origin: location.origin });
    await rig.revoke(ticket);
    const { el, failures } = await mount(ticket, { id });
    await settle(el, 'failed');
    expect(failures.map((f) => [f.reason, f.status])).to.deep.equal([['unauthorized', 401]]);
    expect(part(el, 'message')!.textContent!.trim()).to.equal(en.unauthorizedTicket);
    expect(el.shadowRoot!.textContent).to.not.contain(en.httpFallback);
    await expectTicketNowhere(el, ticket);
  });

  it('a fresh ticket set on the element starts over with it', async () => {
    const id = newId();
    rig = await startRig({ instances: { [id]: 'mock' }, allowedOrigins: [location.origin] });
    const first = await rig.issue({ instanceId: id, origin: location.origin });
    await rig.revoke(first.ticket);
    const { el } = await mount(first.ticket, { id });
    await settle(el, 'failed');
    const second = await rig.issue({ instanceId: id, origin: location.origin });
    el.ticket = second.ticket;
    await settle(el, 'qr');
  });

  it('no ticket yet: waiting, no request; a malformed ticket: invalidConfig about the ticket, no request', async () => {
    const id = newId();
    rig = await startRig({ instances: { [id]: 'mock' }, allowedOrigins: [location.origin] });
    const { el, failures } = await mount('', { id });
    await el.updateComplete;
    expect([el.state, statusText(el)]).to.deep.equal(['idle', en.idle]);
    el.ticket = 'not a ticket!';
    await settle(el, 'failed');
    expect(failures.map((f) => [f.reason, f.message])).to.deep.equal([['invalidConfig', 'ticket must be 16 to 512 letters, digits, dots, dashes or underscores']]);
    expect(part(el, 'message')!.textContent!.trim()).to.equal(en.invalidTicket);
    expect((await rig.report()).browser).to.deep.equal([]);
  });
});
