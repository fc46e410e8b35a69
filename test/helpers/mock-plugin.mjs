// Node side of test/helpers/mock.ts: a web-test-runner plugin that runs the local GREEN-API stand-in
// (mock/server.mjs) for browser tests, and decodes QR code PNGs in Node (pngjs + jsQR), driven with
// `executeServerCommand`.
//
// Commands answer JSON. Expected failures (no such server, no QR code in the image) are answered as
// `{ error: string }` rather than thrown; the browser helper throws them. Unknown commands return
// undefined (not ours).
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { startMockServer } from '../../mock/server.mjs';

/** Fast timings for tests; a test's own options override them. */
const TEST_DEFAULTS = { port: 0, firstQrDelayMs: 50, qrIntervalMs: 300, timeoutMs: 3000 };
const DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;

/** The text of the QR code in a `data:image/png;base64,…` URL, or `{error}`. */
function decodeQr(dataUrl) {
  const m = DATA_URL.exec(String(dataUrl ?? ''));
  if (!m) return { error: 'not a data:image/png;base64 URL' };
  let png;
  try {
    png = PNG.sync.read(Buffer.from(m[1], 'base64'));
  } catch (err) {
    return { error: `not a valid PNG: ${err instanceof Error ? err.message : err}` };
  }
  const pixels = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length);
  const code = jsQR(pixels, png.width, png.height, { inversionAttempts: 'dontInvert' });
  if (!code) return { error: `no QR code found in the ${png.width}×${png.height} PNG` };
  return { text: code.data, version: code.version, width: png.width, height: png.height };
}

export function mockPlugin() {
  /** @type {Map<string, {sessionId: string, mock: Awaited<ReturnType<typeof startMockServer>>}>} */
  const mocks = new Map();

  async function stop(url) {
    const entry = mocks.get(url);
    if (!entry) return;
    mocks.delete(url);
    await entry.mock.close();
  }

  return {
    name: 'green-api-mock-commands',

    async executeCommand({ command, payload: rawPayload, session }) {
      const payload = rawPayload ?? {};
      switch (command) {
        case 'mock-start': {
          const options = { ...TEST_DEFAULTS, ...(payload.options ?? {}), host: '127.0.0.1', log: false };
          const mock = await startMockServer(options);
          mocks.set(mock.url, { sessionId: session.id, mock });
          return { url: mock.url };
        }
        case 'mock-stop':
          await stop(String(payload.url));
          return { ok: true };
        case 'mock-stop-all': {
          const mine = [...mocks].filter(([, entry]) => entry.sessionId === session.id).map(([url]) => url);
          await Promise.all(mine.map(stop));
          return { stopped: mine.length };
        }
        case 'qr-decode':
          return decodeQr(payload.dataUrl);
        default:
          return undefined;
      }
    },

    async serverStop() {
      await Promise.all([...mocks.keys()].map(stop));
    },
  };
}
