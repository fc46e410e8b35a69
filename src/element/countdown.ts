/**
 * The QR code's countdown, kept up to date without a render: once a second the shared clock asks
 * the element to tick, and while a QR code shows, the tick writes only what changed (the seconds,
 * the timer's label, the bar's scale and the `low` class) into the countdown the view rendered.
 * A render of the whole element would cost a page of many widgets a Lit update, a view model and a
 * style and layout pass of each card every second. After each render, the element paints the
 * countdown again (the render creates it empty), so the two paths cannot disagree.
 *
 * @internal
 */
import { format, type Strings } from './localize.js';

/** The countdown's texts for `left` seconds. */
const countdownLabel = (t: Strings, left: number) => format(t.countdownLabel, { n: left });
const countdownShort = (t: Strings, left: number) => format(t.countdownShort, { n: left });

/** Seconds left at which the countdown is announced to assistive tech (not every second). */
const ANNOUNCE_AT = [60, 30, 10];

/** What to announce with `left` seconds left: a milestone's text, or `undefined`. */
export function milestoneText(t: Strings, left: number): string | undefined {
  const milestone = ANNOUNCE_AT.find((n) => left <= n && left > n - 1.5);
  return milestone === undefined ? undefined : format(t.countdownAnnounce, { n: milestone });
}

/** Seconds left of a window that ends at `expiresAt` (epoch ms), between 0 and `total`. */
export const secondsLeft = (expiresAt: number | undefined, total: number, now = Date.now()) =>
  Math.max(0, Math.min(total, Math.ceil(((expiresAt ?? 0) - now) / 1000)));

/** The countdown elements of one render: the timer, the text of its seconds, the bar. */
interface Nodes {
  timer: HTMLElement;
  text: Text;
  bar: HTMLElement;
}

export class CountdownPainter {
  #nodes: Nodes | undefined;
  #left = -1;
  #t: Strings | undefined;
  #total = -1;

  /** After a render: finds the countdown in `root` (if the view has one) and paints it whole. */
  attach(root: ParentNode, t: Strings, left: number, total: number): void {
    const timer = root.querySelector<HTMLElement>('[part=countdown]');
    const bar = timer?.querySelector<HTMLElement>('.left');
    const seconds = timer?.querySelector<HTMLElement>('.seconds');
    if (!timer || !bar || !seconds) {
      this.#nodes = undefined;
      return;
    }
    if (this.#nodes?.timer !== timer) {
      const text = document.createTextNode('');
      seconds.replaceChildren(text);
      this.#nodes = { timer, text, bar };
      this.#left = -1;
    }
    this.paint(t, left, total);
  }

  /**
   * Once a second: while the QR code `view` rendered still shows (`state`), paints only the
   * countdown and says `true`; `false` when the host must render (another state, a milestone to
   * announce that `announced` does not say yet, or no countdown).
   */
  tick(view: { state: string; t: Strings; total: number }, state: string, expiresAt: number | undefined, announced: string): boolean {
    if (state !== 'qr' || view.state !== 'qr') return false;
    const left = secondsLeft(expiresAt, view.total);
    const milestone = milestoneText(view.t, left);
    return (!milestone || milestone === announced) && this.paint(view.t, left, view.total);
  }

  /** Writes what changed since the last paint; `false` when there is no countdown to paint. */
  paint(t: Strings, left: number, total: number): boolean {
    const nodes = this.#nodes;
    if (!nodes?.timer.isConnected) return false;
    if (left === this.#left && t === this.#t && total === this.#total) return true;
    const low = left <= 10;
    if (this.#left < 0 || low !== this.#left <= 10) nodes.timer.classList.toggle('low', low);
    this.#left = left;
    this.#t = t;
    this.#total = total;
    nodes.text.data = countdownShort(t, left);
    nodes.timer.setAttribute('aria-label', countdownLabel(t, left));
    // CSSOM, not a style attribute: allowed under a strict CSP, and a transform animates without layout.
    nodes.bar.style.transform = `scaleX(${left / Math.max(1, total)})`;
    return true;
  }
}
