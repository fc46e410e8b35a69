// The size floor: the smallest useful LitElement (one reactive property, one <img>), bundled and
// minified the same way as the drop-in file. What any Lit-based element ships at least.
import { LitElement, html } from 'lit';

class LitFloor extends LitElement {
  static properties = { src: {} };

  render() {
    return html`<img part="qr" src=${this.src} alt="QR code" width="256" height="256" />`;
  }
}

customElements.define('lit-floor', LitFloor);
