// The bench's baseline: the least a custom element can do for the same job. It opens the
// `scanqrcode` socket when connected, swaps one <img> on each `qrCode` frame, counts down the scan
// window as text (one 1-s interval for all widgets updates each one's <span>, as the element's
// countdown clock does), and closes the socket when removed. No framework, no states, no
// validation beyond the frame's type.
const SCAN_WINDOW_MS = 100_000;

/** Widgets showing a QR code; one interval ticks them all, and stops with the last one. */
const ticking = new Set();
let interval;
function watch(widget, on) {
  if (on) ticking.add(widget);
  else ticking.delete(widget);
  if (ticking.size && interval === undefined) {
    interval = setInterval(() => {
      const now = Date.now();
      for (const w of ticking) w.tick(now);
    }, 1000);
  } else if (!ticking.size && interval !== undefined) {
    clearInterval(interval);
    interval = undefined;
  }
}

class VanillaQr extends HTMLElement {
  #socket;
  #img;
  #left;
  #expiresAt = 0;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.#img = document.createElement('img');
    this.#img.setAttribute('part', 'qr');
    this.#img.width = this.#img.height = 256;
    this.#img.alt = 'QR code';
    this.#left = document.createElement('span');
    this.#left.setAttribute('part', 'countdown');
  }

  connectedCallback() {
    this.#open();
  }

  disconnectedCallback() {
    this.#close();
  }

  restart() {
    this.#close();
    this.#open();
  }

  /** Seconds left, as text. */
  tick(now) {
    this.#left.textContent = `${Math.max(0, Math.ceil((this.#expiresAt - now) / 1000))} s`;
  }

  #open() {
    const api = (this.getAttribute('api-url') ?? '').replace(/^http/, 'ws');
    const id = this.getAttribute('instance-id');
    const token = encodeURIComponent(this.getAttribute('token') ?? '');
    const socket = new WebSocket(`${api}/waInstance${id}/scanqrcode/${token}`);
    let first = true;
    socket.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame?.type !== 'qrCode' || typeof frame.message !== 'string') return;
      this.#img.src = frame.message.startsWith('data:') ? frame.message : `data:image/png;base64,${frame.message}`;
      if (first) {
        // The scan window starts with the socket's first QR code.
        first = false;
        this.#expiresAt = Date.now() + SCAN_WINDOW_MS;
        this.tick(Date.now());
        if (!this.#img.isConnected) this.shadowRoot.append(this.#img, this.#left);
        watch(this, true);
      }
    };
    this.#socket = socket;
  }

  #close() {
    watch(this, false);
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    socket.onmessage = null;
    socket.close(1000);
  }
}

if (!customElements.get('vanilla-qr')) customElements.define('vanilla-qr', VanillaQr);
