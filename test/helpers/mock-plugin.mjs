// Node side of test/helpers/mock.ts: a web-test-runner plugin that runs the local GREEN-API stand-in
// (mock/server.mjs) for browser tests, and decodes QR code PNGs in Node (pngjs + jsQR), driven with
// `executeServerCommand`. `mock-cli` runs the stand-in's command line (`npm run mock`) in a child process.
//
// Commands answer JSON. Expected failures (no such server, no QR code in the image) are answered as
// `{ error: string }` rather than thrown; the browser helper throws them. Unknown commands return
// undefined (not ours).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import WebSocket from 'ws';
import { startMockServer } from '../../mock/server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Longest a `mock-cli` run may take (web-test-runner drops command answers after 20 s). */
const CLI_MAX_MS = 15_000;

/** The environment variables a run may set (the ones the README's commands use). */
const CLI_ENV = new Set(['PORT', 'MOCK_PORT', 'DEMO_PORT', 'MOCK_PROFILE', 'MOCK_MESSENGER']);

/**
 * Runs the stand-in's command line as a person would: `node mock/server.mjs ARGS` (or, with `npm`,
 * `npm run mock -- ARGS`; with `script: 'demo'`, demo/serve.mjs / `npm run demo`) in the repository,
 * with `env` (only the variables in CLI_ENV). `{busy}` in ARGS becomes a port this plugin holds open
 * on 127.0.0.1. Collects stdout/stderr until the process exits or stdout matches `until`; then
 * stops it (SIGTERM to its process group) and waits for it to end.
 * @param {{ args?: string[], npm?: boolean, script?: 'mock' | 'demo', env?: Record<string, string>, until?: string, timeoutMs?: number }} payload
 */
async function runCli(payload) {
  const args = Array.isArray(payload.args) ? payload.args.map(String) : [];
  /** @type {import('node:net').Server | undefined} */
  let blocker;
  if (args.some((a) => a.includes('{busy}'))) {
    blocker = createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', () => resolve(undefined)));
    const busy = String(/** @type {import('node:net').AddressInfo} */ (blocker.address()).port);
    for (let i = 0; i < args.length; i++) args[i] = args[i].replaceAll('{busy}', busy);
  }
  const script = payload.script === 'demo' ? 'demo' : 'mock';
  const file = script === 'demo' ? 'demo/serve.mjs' : 'mock/server.mjs';
  const [command, argv] = payload.npm ? ['npm', ['run', '--silent', script, '--', ...args]] : [process.execPath, [file, ...args]];
  const env = { ...process.env, PORT: '', MOCK_PORT: '', DEMO_PORT: '', MOCK_PROFILE: '', MOCK_MESSENGER: '' };
  for (const [key, value] of Object.entries(payload.env ?? {})) if (CLI_ENV.has(key)) env[key] = String(value);
  const child = spawn(command, argv, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  const out = { code: /** @type {number | null} */ (null), signal: /** @type {string | null} */ (null), stdout: '', stderr: '', matched: false, timedOut: false };
  const until = typeof payload.until === 'string' ? new RegExp(payload.until) : undefined;
  const stop = () => {
    try {
      process.kill(-(/** @type {number} */ (child.pid)), 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => { out.timedOut = true; stop(); }, Math.min(Number(payload.timeoutMs) || 10_000, CLI_MAX_MS));
  child.stdout.on('data', (chunk) => {
    out.stdout += chunk;
    if (until && !out.matched && until.test(out.stdout)) {
      out.matched = true;
      stop();
    }
  });
  child.stderr.on('data', (chunk) => (out.stderr += chunk));
  await new Promise((resolve) => {
    child.on('error', (err) => { out.stderr += String(err); resolve(undefined); });
    child.on('close', (code, signal) => { out.code = code; out.signal = signal; resolve(undefined); });
  });
  clearTimeout(timer);
  if (blocker) await new Promise((resolve) => blocker.close(() => resolve(undefined)));
  return out;
}

/** Fast timings for tests; a test's own options override them. */
const TEST_DEFAULTS = { port: 0, firstQrDelayMs: 50, qrIntervalMs: 300, qrRefreshMs: 300, timeoutMs: 3000 };
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

/**
 * Opens a websocket from Node (where, unlike in a page, a refused handshake's status can be read):
 * the status of a refused upgrade, or the frames received until the server closes it or `waitMs` ends.
 * @param {{ url?: string, waitMs?: number }} payload
 */
function probeSocket({ url, waitMs = 1000 }) {
  return new Promise((resolve) => {
    /** @type {{ status?: number, retryAfter?: string, opened: boolean, frames: string[], closeCode?: number, error?: string }} */
    const out = { opened: false, frames: [] };
    let ws;
    try {
      ws = new WebSocket(String(url));
    } catch (err) {
      resolve({ error: `bad url: ${err instanceof Error ? err.message : err}` });
      return;
    }
    const timer = setTimeout(() => ws.terminate(), Math.min(Number(waitMs) || 1000, CLI_MAX_MS));
    ws.on('unexpected-response', (req, res) => {
      out.status = res.statusCode;
      if (res.headers['retry-after'] !== undefined) out.retryAfter = String(res.headers['retry-after']);
      req.destroy();
      clearTimeout(timer);
      resolve(out);
    });
    ws.on('open', () => (out.opened = true));
    ws.on('message', (data) => out.frames.push(String(data)));
    ws.on('error', () => {});
    ws.on('close', (code) => {
      clearTimeout(timer);
      out.closeCode = code;
      resolve(out);
    });
  });
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
        case 'mock-cli':
          return runCli(payload);
        case 'mock-probe-socket':
          return probeSocket(payload);
        default:
          return undefined;
      }
    },

    async serverStop() {
      await Promise.all([...mocks.keys()].map(stop));
    },
  };
}
