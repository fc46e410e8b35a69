/**
 * The views that only Telegram and MAX have: the QR code's body (a new code every 5 s, where in the
 * app to scan it), Telegram's code form, the two-factor password form, the linked account, and the
 * label that says which messenger the card links. Pure functions of the {@link ViewModel}, like
 * `views.ts`. The password field is never bound to any state: the element reads it on submit and
 * clears it.
 */
import { html, nothing } from 'lit';
import type { AccountData } from '../core/events.js';
import { format, type Strings } from './localize.js';
import { hint, icon, notice, steps, type View, type ViewActions, type ViewModel } from './views.js';

/** Says which messenger the card links (Telegram and MAX; WhatsApp's texts name it already). */
export function messengerLabel(v: ViewModel) {
  if (v.messenger !== 'telegram' && v.messenger !== 'max') return nothing;
  if (v.state === 'linked') return nothing;
  return html`<p part="messenger" class="messenger">${v.messenger === 'max' ? v.t.linkingMax : v.t.linkingTelegram}</p>`;
}

/** Where in the app to scan, per messenger. */
const qrSteps = (t: Strings, max: boolean) =>
  max ? steps(t.maxStepOpen, t.maxStepDevices, t.maxStepScan) : steps(t.tgStepOpen, t.tgStepDevices, t.tgStepScan);

/** A countdown rendered with its texts (the per-code bar, re-rendered each tick). */
export function countdown(v: ViewModel) {
  const { t, left } = v;
  return html`<div part="countdown" class="countdown ${left <= 10 ? 'low' : ''}" role="timer" aria-label=${format(t.countdownLabel, { n: left })}>
    <span class="bar" aria-hidden="true"><span class="left"></span></span>
    <span aria-hidden="true">${format(t.countdownShort, { n: left })}</span>
  </div>`;
}

/** A Telegram/MAX code: the image, which app to scan it with, and the body below. */
export function chatQrView(v: ViewModel): View {
  const { t } = v;
  const max = v.messenger === 'max';
  return {
    stage: html`<img part="qr" src=${v.qrImage ?? ''} alt=${max ? t.qrAltMax : t.qrAltTelegram} width="256" height="256" />`,
    status: max ? t.qrReadyMax : t.qrReadyTelegram,
    body: chatQrBody(v),
  };
}

/** Under a Telegram/MAX code: the refresh indicator (no scan window: a new code every few seconds), notes, the steps. */
export function chatQrBody(v: ViewModel) {
  const { t } = v;
  const refresh = { ...v, t: { ...t, countdownLabel: t.nextCodeLabel, countdownShort: t.nextCodeShort } };
  return html`${countdown(refresh)}${v.phoneFallback ? hint(t.maxNoPhone) : nothing}${v.restarted ? hint(t.signInRestarted) : nothing}${notice(v)}${qrSteps(
    t,
    v.messenger === 'max',
  )}`;
}

const CODE_PROBLEMS = { empty: 'tgCodeEmpty', invalid: 'tgCodeInvalid', failed: 'tgCodeFailed' } as const;

/** `300` → `5:00`. */
const minutes = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/** Telegram by phone: the code from Telegram's system chat. */
export function chatCodeView(v: ViewModel, a: ViewActions): View {
  const { t } = v;
  const form = v.codeForm!;
  const error = form.problem ? t[CODE_PROBLEMS[form.problem]] : '';
  return {
    stage: html`<form part="code-form" class="phone-form" novalidate @submit=${a.submitCode}>
      <label for="tg-code">${t.tgCodeLabel}</label>
      <input
        id="tg-code"
        part="code-input"
        type="text"
        inputmode="numeric"
        autocomplete="one-time-code"
        maxlength="12"
        aria-invalid=${form.problem ? 'true' : 'false'}
        aria-describedby=${error ? 'code-error' : nothing}
      />
      ${error ? html`<p id="code-error" class="error" role="alert">${error}</p>` : nothing}
      <button part="code-submit" type="submit" ?disabled=${form.busy}>${form.busy ? t.sending : t.tgCodeSubmit}</button>
    </form>`,
    status: t.tgCodeTitle,
    body: html`<p part="countdown" class="hint" role="timer">${format(t.tgCodeValid, { time: minutes(v.left) })}</p>
      ${hint(form.reused ? t.tgCodeReused : t.tgCodeWhere)}${hint(t.tgCodeRule)}`,
  };
}

const PASSWORD_PROBLEMS = { empty: 'passwordEmpty', invalid: 'passwordInvalid', rateLimited: 'passwordRateLimited', failed: 'passwordFailed' } as const;

/** The two-factor password form (`part="password-form"`). */
export function passwordView(v: ViewModel, a: ViewActions): View {
  const { t } = v;
  const problem = v.passwordProblem === 'rateLimited' && !v.passwordWait ? undefined : v.passwordProblem;
  const error = problem ? format(t[PASSWORD_PROBLEMS[problem]], { n: v.passwordWait }) : '';
  const locked = v.passwordBusy || v.passwordWait > 0;
  return {
    stage: html`<form part="password-form" class="phone-form" novalidate @submit=${a.submitPassword}>
      <label for="password">${v.messenger === 'max' ? t.passwordLabelMax : t.passwordLabelTelegram}</label>
      <input
        id="password"
        part="password-input"
        type="password"
        name="password"
        autocomplete="current-password"
        aria-invalid=${problem ? 'true' : 'false'}
        aria-describedby=${error ? 'password-error' : nothing}
      />
      ${error ? html`<p id="password-error" class="error" role="alert">${error}</p>` : nothing}
      <button part="password-submit" type="submit" ?disabled=${locked}>${v.passwordBusy ? t.sending : t.passwordSubmit}</button>
    </form>`,
    status: t.passwordTitle,
    body: hint(v.messenger === 'max' ? t.passwordHintMax : t.passwordHintTelegram),
  };
}

/** The linked Telegram/MAX account: its number (or chat id). */
export function chatLinkedLine(account: AccountData | undefined) {
  if (account?.phone) return `+${account.phone}`;
  return account?.chatId ?? '';
}

/** A linked Telegram/MAX account. */
export function chatLinkedView(v: ViewModel): View {
  return {
    stage: icon('ok'),
    status: v.messenger === 'max' ? v.t.linkedMax : v.t.linkedTelegram,
    body: html`<slot name="linked"><p part="account">${chatLinkedLine(v.account)}</p></slot>`,
  };
}

