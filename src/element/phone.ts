/**
 * The phone-number path, loaded on demand (see chunk.ts): the session that asks GREEN-API for a
 * linking code, and its views (the number form and the code).
 *
 * @internal
 */
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { format } from './localize.js';
import { hint, steps, type View, type ViewActions, type ViewModel } from './views.js';

export { PhoneLinkSession } from '../core/phone-link-session.js';

export function codeView(v: ViewModel, a: ViewActions): View {
  const { t } = v;
  const code = v.code ?? '';
  return {
    stage: html`<div class="code-box">
      <p part="code" class="code" aria-label=${format(t.codeAlt, { code: code.split('').join(' ') })}>${code}</p>
      <button part="copy-button" type="button" @click=${a.copy}>${v.copied ? t.copied : t.copy}</button>
      <span class="code-left">${format(t.countdownShort, { n: v.left })}</span>
    </div>`,
    status: t.codeTitle,
    body: html`${steps(t.codeStepOpen, t.codeStepDevices, t.codeStepPhone, t.codeStepEnter)}${hint(t.codeWaiting)}`,
  };
}


export function phoneForm(v: ViewModel, a: ViewActions) {
  const { t, requestError: e } = v;
  const error = !e
    ? ''
    : e.kind === 'invalidNumber'
      ? t.phoneInvalid
      : e.kind === 'refused'
        ? t.codeRefused
        : e.reason === 'instanceStarting'
          ? t.codeStarting
          : t.codeFailed;
  return html`<form part="phone-form" class="phone-form" novalidate @submit=${a.submitPhone}>
    <label for="phone">${t.phoneLabel}</label>
    <input
      id="phone"
      part="phone-input"
      type="tel"
      inputmode="tel"
      autocomplete="tel"
      placeholder=${t.phonePlaceholder}
      aria-invalid=${e?.kind === 'invalidNumber' ? 'true' : 'false'}
      aria-describedby=${error ? 'phone-error' : nothing}
      .value=${live(v.phoneInput)}
      @input=${a.inputPhone}
    />
    ${error ? html`<p id="phone-error" class="error" role="alert">${error}</p>` : nothing}
    <button part="phone-submit" type="submit">${t.phoneSubmit}</button>
  </form>`;
}
