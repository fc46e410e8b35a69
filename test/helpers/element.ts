/** What tests read and do on a rendered <green-qr-scan>, in one place. */
import { waitUntil } from '@open-wc/testing';
import type { GreenQrScan } from '../../src/element/green-qr-scan.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The element in the shadow root carrying `part="name"`. */
export const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

/** The headline's text. */
export const statusText = (el: Element) => part(el, 'status')!.textContent!.trim();

/** Waits until the element is in `state` and has rendered it. */
export async function settle(el: GreenQrScan, state: string): Promise<void> {
  await waitUntil(() => el.state === state, `never reached ${state} (is ${el.state})`, { timeout: 5000 });
  await el.updateComplete;
}

/** Types a phone number into the phone form, as a person would, and submits it. */
export async function submitPhone(el: GreenQrScan, value: string): Promise<void> {
  // With messenger="auto" the form shows once GetSettings has answered.
  await waitUntil(() => part(el, 'phone-input'), 'no phone form', { timeout: 5000 });
  const input = part(el, 'phone-input') as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await el.updateComplete;
  (part(el, 'phone-form') as HTMLFormElement).requestSubmit();
  await el.updateComplete;
}
