// The core's typed events (src/core/events.ts): what a host listening on an ancestor of the element
// (or on the document, through its shadow root) receives.
import { expect } from '@open-wc/testing';
import { AccountLinkedEvent, ModeChangeEvent, ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';

describe('core/events', () => {
  it('each event has its name, bubbles out of a shadow root to the document, and carries its detail', () => {
    const host = document.createElement('div');
    const root = host.attachShadow({ mode: 'open' });
    const inner = document.createElement('span');
    root.append(inner);
    document.body.append(host);
    const seen: [string, unknown][] = [];
    const names = ['account-linked', 'scan-failed', 'scan-state-change', 'mode-change'];
    const listener = (e: Event) => seen.push([e.type, (e as CustomEvent).detail]);
    for (const name of names) document.addEventListener(name, listener);
    try {
      const events = [
        new AccountLinkedEvent({ wid: '1@c.us', pushname: '', proxy: '', webhookUrl: '' }),
        new ScanFailedEvent({ reason: 'timeoutExpired', message: 'x' }),
        new ScanStateChangeEvent({ state: 'qr', previous: 'connecting' }),
        new ModeChangeEvent({ mode: 'phone', previous: 'qr' }),
      ];
      expect(events.map((e) => [e.type, e.bubbles, e.composed])).to.deep.equal(names.map((n) => [n, true, true]));
      expect([AccountLinkedEvent.type, ScanFailedEvent.type, ScanStateChangeEvent.type, ModeChangeEvent.type]).to.deep.equal(names);
      for (const e of events) inner.dispatchEvent(e);
      expect(seen).to.deep.equal([
        ['account-linked', { wid: '1@c.us', pushname: '', proxy: '', webhookUrl: '' }],
        ['scan-failed', { reason: 'timeoutExpired', message: 'x' }],
        ['scan-state-change', { state: 'qr', previous: 'connecting' }],
        ['mode-change', { mode: 'phone', previous: 'qr' }],
      ]);
    } finally {
      for (const name of names) document.removeEventListener(name, listener);
      host.remove();
    }
  });
});
