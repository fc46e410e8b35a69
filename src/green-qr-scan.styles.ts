import { css } from 'lit';

// Public custom properties are read once into private ones (`--_x`), so a theme set on any
// ancestor applies and the fallbacks live in one place.
export const styles = css`
  :host {
    --_size: var(--green-qr-scan-size, 264px);
    --_accent: var(--green-qr-scan-accent, #128c4a);
    --_fg: var(--green-qr-scan-color, #1f2a24);
    --_muted: var(--green-qr-scan-muted-color, #5b6660);
    --_bg: var(--green-qr-scan-background, #ffffff);
    --_danger: var(--green-qr-scan-danger-color, #b3261e);
    --_radius: var(--green-qr-scan-radius, 12px);
    display: inline-block;
    box-sizing: border-box;
    max-width: 100%;
    color: var(--_fg);
    font: var(--green-qr-scan-font, 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .card {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 12px;
    width: calc(var(--_size) + 48px);
    max-width: 100%;
    padding: 24px;
    background: var(--_bg);
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
    /* The QR keeps a light quiet zone whatever the theme, so phones can read it. */
    background: #fff;
    overflow: hidden;
  }
  [part='qr'] {
    display: block;
    width: 100%;
    height: 100%;
    image-rendering: pixelated;
  }
  .skeleton {
    width: 86%;
    height: 86%;
    border-radius: 6px;
    background: linear-gradient(100deg, #eef1ef 40%, #f8faf9 50%, #eef1ef 60%) 0 0 / 300% 100%;
    animation: shimmer 1.4s linear infinite;
  }
  @keyframes shimmer {
    to {
      background-position: -150% 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
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
  [part='status'] {
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
  [part='message'] {
    margin: 0;
    color: var(--_muted);
    overflow-wrap: anywhere;
    max-width: var(--_size);
  }
  [part='account'] strong {
    color: var(--_fg);
  }
  [part='retry-button'] {
    font: inherit;
    font-weight: 600;
    color: #fff;
    background: var(--_accent);
    border: 0;
    border-radius: 999px;
    padding: 0.6em 1.4em;
    cursor: pointer;
  }
  [part='retry-button']:hover {
    filter: brightness(1.08);
  }
  [part='retry-button']:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 3px;
  }
`;
