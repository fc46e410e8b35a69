// The bench's baseline: the least a custom element can do for the same job. It opens the
// `scanqrcode` socket when connected, swaps one <img> on each `qrCode` frame, and closes the socket
// when removed. No framework, no states, no countdown, no validation beyond the frame's type.
class VanillaQr extends HTMLElement {
  #socket;
  #img;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.#img = document.createElement('img');
    this.#img.setAttribute('part', 'qr');
    this.#img.width = this.#img.height = 256;
    this.#img.alt = 'QR code';
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

  #open() {
    const api = (this.getAttribute('api-url') ?? '').replace(/^http/, 'ws');
    const id = this.getAttribute('instance-id');
    const token = encodeURIComponent(this.getAttribute('token') ?? '');
    const socket = new WebSocket(`${api}/waInstance${id}/scanqrcode/${token}`);
    socket.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame?.type !== 'qrCode' || typeof frame.message !== 'string') return;
      this.#img.src = frame.message.startsWith('data:') ? frame.message : `data:image/png;base64,${frame.message}`;
      if (!this.#img.isConnected) this.shadowRoot.append(this.#img);
    };
    this.#socket = socket;
  }

  #close() {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    socket.onmessage = null;
    socket.close(1000);
  }
}

if (!customElements.get('vanilla-qr')) customElements.define('vanilla-qr', VanillaQr);
