import { css } from 'lit';

/** The dark scheme only swaps the fallbacks of the private properties. */
const dark = css`
  --_accent: var(--green-qr-scan-accent, #5fd68f);
  --_on-accent: var(--green-qr-scan-accent-contrast, #06210f);
  --_fg: var(--green-qr-scan-color, #e8eeea);
  --_muted: var(--green-qr-scan-muted-color, #a9b5ae);
  --_bg: var(--green-qr-scan-background, #16201b);
  --_border: var(--green-qr-scan-border-color, #2f3b35);
  --_danger: var(--green-qr-scan-danger-color, #ffb4ab);
  --_skeleton: #26312b;
  color-scheme: dark;
`;

// Public custom properties are read once into private ones (`--_x`), so a theme set on any
// ancestor applies and the fallbacks live in one place.
export const styles = css`
  :host {
    --_size: var(--green-qr-scan-size, 264px);
    --_accent: var(--green-qr-scan-accent, #0f7f43);
    --_on-accent: var(--green-qr-scan-accent-contrast, #ffffff);
    --_fg: var(--green-qr-scan-color, #1f2a24);
    --_muted: var(--green-qr-scan-muted-color, #4f5a54);
    --_bg: var(--green-qr-scan-background, #ffffff);
    --_border: var(--green-qr-scan-border-color, #dfe5e1);
    --_danger: var(--green-qr-scan-danger-color, #b3261e);
    --_radius: var(--green-qr-scan-radius, 12px);
    --_skeleton: #eef1ef;
    display: inline-block;
    box-sizing: border-box;
    max-width: 100%;
    color: var(--_fg);
    font: var(--green-qr-scan-font, 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color-scheme: light;
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  /* A stacking context: the card paints as a layer of its own, so a change inside one card (the
     countdown, once a second) repaints that card, not every card on the page. */
  .card {
    isolation: isolate;
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 12px;
    width: calc(var(--_size) + 50px);
    max-width: 100%;
    padding: 24px;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    text-align: center;
  }
  .stage {
    position: relative;
    display: grid;
    place-items: center;
    width: var(--_size);
    max-width: 100%;
    aspect-ratio: 1;
    border-radius: calc(var(--_radius) / 1.5);
    background: var(--_skeleton);
  }
  /* The QR keeps a white quiet zone in every scheme, so phones can read it. */
  [part='qr'] {
    display: block;
    width: 100%;
    height: 100%;
    background: #fff;
    border-radius: inherit;
    image-rendering: pixelated;
  }
  .stage.flat {
    aspect-ratio: auto;
    padding: 20px 0;
    border: 1px dashed var(--_border);
    background: transparent;
  }
  .stage.form {
    background: transparent;
    aspect-ratio: auto;
  }
  .card.form-view .status {
    order: -1;
  }
  ::slotted([slot='header']) {
    order: -2;
  }
  /* The shimmer moves a pseudo-element with a transform: composited, no repaint per frame. */
  .skeleton {
    position: relative;
    width: 86%;
    height: 86%;
    border-radius: 6px;
    overflow: hidden;
  }
  .skeleton::after {
    content: '';
    position: absolute;
    inset: 0;
    background: linear-gradient(100deg, transparent 30%, rgb(255 255 255 / 0.35) 50%, transparent 70%);
    transform: translateX(-100%);
    animation: shimmer 1.4s linear infinite;
  }
  @keyframes shimmer {
    to {
      transform: translateX(100%);
    }
  }
  .icon {
    width: 40%;
    height: 40%;
  }
  .icon.ok {
    color: var(--_accent);
  }
  .icon.bad {
    color: var(--_danger);
  }
  .countdown {
    display: flex;
    align-items: center;
    gap: 10px;
    width: var(--_size);
    max-width: 100%;
    font-size: 0.9em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    color: var(--_muted);
    /* Off screen, the browser skips the countdown's rendering: its ticks cost a page of many
       widgets nothing but the text writes. Its size does not depend on that: the width is set
       above, the height is one line (the bar is thinner). */
    content-visibility: auto;
    contain-intrinsic-size: auto none auto 1lh;
  }
  .countdown .bar {
    flex: 1;
    height: 6px;
    border-radius: 3px;
    background: var(--_border);
    overflow: hidden;
  }
  /* Scaled once a second through CSSOM (not a style attribute, so a strict CSP allows it). No
     transition: the bar moves 1% a second, and 200 animated bars would keep a page busy. */
  .countdown .left {
    display: block;
    height: 100%;
    background: var(--_accent);
    transform-origin: left;
  }
  .countdown.low .left {
    background: var(--_danger);
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton::after {
      animation: none;
    }
  }
  .status {
    margin: 0;
    font-weight: 600;
    font-size: 1.05em;
  }
  [part='instructions'] {
    margin: 0;
    padding-inline-start: 1.4em;
    text-align: start;
    color: var(--_muted);
    max-width: var(--_size);
  }
  [part='account'],
  [part='message'],
  .hint {
    margin: 0;
    color: var(--_muted);
    overflow-wrap: anywhere;
    max-width: var(--_size);
  }
  .messenger {
    margin: 0;
    font-size: 0.85em;
    font-weight: 600;
    color: var(--_muted);
  }
  [part='account'] strong {
    color: var(--_fg);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 8px;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  [part='retry-button'],
  [part='logout-button'],
  [part='phone-submit'] {
    font-weight: 600;
    color: var(--_on-accent);
    background: var(--_accent);
    border: 0;
    border-radius: 999px;
    padding: 0.6em 1.4em;
  }
  [part='logout-button'][disabled] {
    opacity: 0.7;
    cursor: progress;
  }
  [part='copy-button'] {
    color: var(--_fg);
    background: transparent;
    border: 1px solid var(--_border);
    border-radius: 999px;
    padding: 0.3em 1em;
  }
  .switch {
    color: var(--_accent);
    background: none;
    border: 0;
    padding: 0.25em;
    text-decoration: underline;
    text-underline-offset: 3px;
  }
  /* On a phone you cannot scan a QR code shown on that same phone: offer the number prominently. */
  @media (pointer: coarse), (max-width: 480px) {
    :host(:not([mode='phone'])) .switch {
      order: -1;
      width: 100%;
      padding: 0.7em 1em;
      color: var(--_on-accent);
      background: var(--_accent);
      border-radius: 999px;
      text-decoration: none;
      font-weight: 600;
    }
  }
  button:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  .phone-form {
    display: flex;
    flex-direction: column;
    align-items: stretch;
    gap: 8px;
    width: 100%;
    text-align: start;
  }
  .phone-form label {
    font-weight: 600;
  }
  [part='phone-input'] {
    font: inherit;
    font-size: 1.1em;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_muted);
    border-radius: 8px;
    padding: 0.55em 0.7em;
  }
  .error {
    margin: 0;
    color: var(--_danger);
  }
  .code-box {
    display: grid;
    justify-items: center;
    gap: 10px;
  }
  [part='code'] {
    margin: 0;
    padding: 0.35em 0.6em;
    font: 700 clamp(20px, calc(var(--_size) / 9), 40px) / 1.2 ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    white-space: nowrap;
    letter-spacing: 0.08em;
    color: var(--_fg);
    background: var(--_bg);
    border-radius: 8px;
    user-select: all;
  }
  .code-left {
    color: var(--_muted);
    font-size: 0.9em;
    font-variant-numeric: tabular-nums;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  ::slotted([slot='header']),
  ::slotted([slot='footer']) {
    max-width: 100%;
  }
`;
