/**
 * Watching a mounted <green-qr-scan> the way a person and a host do: every view it rendered (the
 * headline, the whole visible text, the buttons, the code image), every event it fired, and what it
 * told the developer console. Used by test/real-service.test.ts.
 */
import { fixture, html } from '@open-wc/testing';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { GreenQrScan } from '../../src/element/green-qr-scan.js';
import type { LinkSessionOptions } from '../../src/element/link-controller.js';
import type { AccountData, AccountLinkedEvent, ScanFailedEvent, ScanFailure, ScanStateChangeEvent } from '../../src/core/events.js';

/** One rendered view. */
export interface Snapshot {
  state: string;
  /** The headline (`part="status"`). */
  status: string;
  /** Every visible text of the card (text nodes and text-bearing attributes), squashed. */
  text: string;
  /** The hints and messages under the headline (`.hint`, `.detail`, `part="message"`, `[role=alert]`), in order. */
  notes: string[];
  /** The `part` names of the buttons on screen. */
  buttons: string[];
  /** The shown code's `src`, if an `<img part="qr">` is on screen. */
  img?: string;
}

export interface Watched {
  el: GreenQrScan;
  /** `scan-state-change` states, in order. */
  states: string[];
  failed: ScanFailure[];
  linked: AccountData[];
  /** Distinct views, in the order they were rendered. */
  views: Snapshot[];
  /** Stops watching the DOM (events are still recorded). */
  stop(): void;
}

export interface MountOptions {
  instanceId: string;
  apiUrl: string;
  token: string;
  lang?: string;
  transport?: 'auto' | 'websocket' | 'http';
  mode?: 'qr' | 'phone';
  /** Default `auto`. */
  messenger?: 'auto' | 'whatsapp' | 'telegram' | 'max';
  allowLogout?: boolean;
  sessionOptions?: LinkSessionOptions;
}

const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/** Text content of the shadow root (not styles) plus the text-bearing attributes. */
export function visibleText(el: Element): string {
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
  return squash(out.join(' '));
}

/** What the element shows right now. */
export function snapshot(el: GreenQrScan): Snapshot {
  const root = el.shadowRoot!;
  const img = root.querySelector<HTMLImageElement>('img[part~="qr"]');
  const notes = [...root.querySelectorAll('.hint, .detail, [part~="message"], [role="alert"]')]
    .map((n) => squash(n.textContent))
    .filter((t, i, all) => t && all.indexOf(t) === i);
  return {
    state: el.state,
    status: squash(root.querySelector('[part~="status"]')?.textContent),
    text: visibleText(el),
    notes,
    buttons: [...root.querySelectorAll('button')].map((b) => b.getAttribute('part') ?? '').filter(Boolean),
    ...(img ? { img: img.getAttribute('src') ?? '' } : {}),
  };
}

/** Mounts the element with its listeners bound before it connects, and records every view it renders. */
export async function mountWatched(o: MountOptions): Promise<Watched> {
  const states: string[] = [];
  const failed: ScanFailure[] = [];
  const linked: AccountData[] = [];
  const el = await fixture<GreenQrScan>(html`<green-qr-scan
    lang=${ifDefined(o.lang)}
    mode=${o.mode ?? 'qr'}
    messenger=${o.messenger ?? 'auto'}
    transport=${o.transport ?? 'auto'}
    ?allow-logout=${!!o.allowLogout}
    instance-id=${o.instanceId}
    api-url=${o.apiUrl}
    .token=${o.token}
    .sessionOptions=${o.sessionOptions ?? {}}
    @scan-state-change=${(e: ScanStateChangeEvent) => states.push(e.detail.state)}
    @scan-failed=${(e: ScanFailedEvent) => failed.push({ ...e.detail })}
    @account-linked=${(e: AccountLinkedEvent) => linked.push({ ...e.detail })}
  ></green-qr-scan>`);
  const views: Snapshot[] = [];
  const record = () => {
    const now = snapshot(el);
    const last = views[views.length - 1];
    if (!last || JSON.stringify(last) !== JSON.stringify(now)) views.push(now);
  };
  record();
  const observer = new MutationObserver(record);
  observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
  return { el, states, failed, linked, views, stop: () => observer.disconnect() };
}

export { captureConsole } from './console.js';
