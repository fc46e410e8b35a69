// The element follows `lang` changes on any ancestor, across shadow roots, with one shared observer
// that is disconnected when no element is left.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { GreenQrScan } from '../../src/element/green-qr-scan.js';
import { langObserver } from '../../src/element/lang-observer.js';
import { en } from '../../src/element/locales/en.js';
import { ru } from '../../src/element/locales/ru.js';
import { statusText } from '../helpers/element.js';

/** Waits for the re-render a lang change causes (a MutationObserver callback, then a Lit update). */
async function rendered(el: GreenQrScan, text: string) {
  await el.updateComplete;
  for (let i = 0; i < 50 && statusText(el) !== text; i++) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await el.updateComplete;
  }
  expect(statusText(el)).to.equal(text);
}

describe('lang on ancestors', () => {
  it('a <section lang> two levels up changes at runtime: the element follows', async () => {
    const wrapper = await fixture<HTMLElement>(html`<section lang="en"><div><green-qr-scan messenger="whatsapp" mode="phone"></green-qr-scan></div></section>`);
    const el = wrapper.querySelector('green-qr-scan') as GreenQrScan;
    await rendered(el, en.phoneTitle);
    wrapper.setAttribute('lang', 'ru');
    await rendered(el, ru.phoneTitle);
    wrapper.removeAttribute('lang');
    await rendered(el, document.documentElement.lang === 'ru' ? ru.phoneTitle : en.phoneTitle);
  });

  it('an ancestor inside another component’s shadow root (and that component’s host) changes: the element follows', async () => {
    const host = await fixture<HTMLElement>(html`<div lang="en"></div>`);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = '<article lang="en"><green-qr-scan messenger="whatsapp" mode="phone"></green-qr-scan></article>';
    const el = root.querySelector('green-qr-scan') as GreenQrScan;
    await rendered(el, en.phoneTitle);
    root.querySelector('article')!.setAttribute('lang', 'ru');
    await rendered(el, ru.phoneTitle);
    root.querySelector('article')!.removeAttribute('lang');
    await rendered(el, en.phoneTitle);
    host.setAttribute('lang', 'ru');
    await rendered(el, ru.phoneTitle);
  });

  it('one observer while elements exist, none once the last one left', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div><green-qr-scan></green-qr-scan><green-qr-scan></green-qr-scan></div>`);
    expect(langObserver.active).to.equal(true);
    const [a, b] = wrapper.querySelectorAll('green-qr-scan');
    a.remove();
    expect(langObserver.active).to.equal(true);
    b.remove();
    expect(langObserver.active).to.equal(false);
  });
});
