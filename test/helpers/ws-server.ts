/**
 * Browser side of the scripted websocket servers (node side: ./ws-server-plugin.mjs). Each server
 * is a real `ws` server on 127.0.0.1 with its own port; servers still running when a test file
 * ends are stopped by a root `after` hook (and all of them when the runner stops).
 */
import { command } from './command.js';

export interface WsStartOptions {
  /** Answer every upgrade request with HTTP 403 (the client sees a failed handshake). */
  refuseUpgrade?: boolean;
  /** Accept the TCP connection but never answer the upgrade request (the handshake hangs). */
  noHandshake?: boolean;
  /**
   * Answer a client's close frame only after this many ms: the client's close handshake (and its
   * `close` event) takes that long to finish.
   */
  slowCloseMs?: number;
}

/** One connection attempt the server saw, in arrival order. */
export interface WsConnection {
  index: number;
  /** Raw request path (with query), percent-encoding untouched, e.g. `/waInstance1/scanqrcode/a%2Fb`. */
  path: string;
  /** The request's `Origin` header. */
  origin: string | null;
  /** The request's `Sec-WebSocket-Protocol` header. */
  protocol: string | null;
  /** `refused` with `refuseUpgrade`, `pending` with `noHandshake`, else `accepted`. */
  handshake: 'accepted' | 'refused' | 'pending';
  /** The websocket is open (handshake accepted and not closed yet). */
  open: boolean;
  /** Close code the server saw (1006 when the TCP connection just dropped). */
  closeCode?: number;
  closeReason?: string;
  /** Who started the close; set once the connection is closed (also for refused/pending ones). */
  closedBy?: 'client' | 'server';
  /** Text frames received from the client. */
  received: string[];
  /** Binary frames received from the client, base64. */
  receivedBinary: string[];
  /**
   * When the upgrade request arrived, as a number in one sequence that orders every event this
   * server recorded (arrivals, close frames, finished closes) across all its connections.
   */
  arrived: number;
  /** When the client's close frame arrived (same sequence), for a close the client started. */
  closeRequested?: number;
  /**
   * When the server finished its side of the close (same sequence): sent its reply to the client's
   * close frame (after `slowCloseMs`), or else when the connection ended.
   */
  closeCompleted?: number;
}

export interface WsClosed {
  closeCode?: number;
  closedBy: 'client' | 'server';
}

export interface WsServer {
  readonly port: number;
  /** `ws://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  /** `http://127.0.0.1:PORT` (no trailing slash), e.g. for `api-url`. */
  readonly httpUrl: string;
  /** Every connection ever made to this server. */
  connections(): Promise<WsConnection[]>;
  /** Resolves once at least `count` connections were made; rejects after `timeout` ms (max 15000). */
  waitForConnection(count?: number, timeout?: number): Promise<WsConnection[]>;
  /** Resolves once connection `index` (default: the latest) has received `count` frames in all. */
  waitForMessage(count?: number, index?: number, timeout?: number): Promise<WsConnection>;
  /** Sends a text frame (objects are JSON.stringified) on connection `index` (default: latest open). */
  send(data: string | object, index?: number): Promise<void>;
  /** Sends a binary frame given as base64. */
  sendBinary(base64: string, index?: number): Promise<void>;
  /** Server-initiated close handshake with `code` (default 1000). */
  close(code?: number, reason?: string, index?: number): Promise<void>;
  /** Drops the TCP connection without a close frame: the client sees 1006. */
  terminate(index?: number): Promise<void>;
  /** Resolves when connection `index` (default: the latest) is closed; rejects after `timeout` ms. */
  waitForClose(index?: number, timeout?: number): Promise<WsClosed>;
  /** Stops the server and drops its connections. Idempotent. */
  stop(): Promise<void>;
}


// Root `after` hook, registered while the test file's module graph loads (before mocha runs).
if (typeof after === 'function') {
  after(() => command('ws-stop-all', {}));
}

/** Starts a websocket server on 127.0.0.1 (random port). */
export async function startWsServer(options: WsStartOptions = {}): Promise<WsServer> {
  const { port } = await command<{ port: number }>('ws-start', { options });
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    connections: () => command<WsConnection[]>('ws-connections', { port }),
    waitForConnection: (count = 1, timeout = 5000) =>
      command<WsConnection[]>('ws-wait-connection', { port, count, timeout }),
    waitForMessage: (count = 1, index?: number, timeout = 5000) =>
      command<WsConnection>('ws-wait-message', { port, count, index, timeout }),
    send: async (data, index) => {
      await command('ws-send', { port, index, data: typeof data === 'string' ? data : JSON.stringify(data) });
    },
    sendBinary: async (base64, index) => {
      await command('ws-send-binary', { port, index, data: base64 });
    },
    close: async (code = 1000, reason = '', index) => {
      await command('ws-close', { port, index, code, reason });
    },
    terminate: async (index) => {
      await command('ws-terminate', { port, index });
    },
    waitForClose: (index, timeout = 5000) => command<WsClosed>('ws-wait-closed', { port, index, timeout }),
    stop: async () => {
      await command('ws-stop', { port });
    },
  };
}

/** A fake 50-hex-character API token. */
export const TOKEN = '0123456789abcdef0123456789abcdef0123456789abcdef01';
/** A fake 10-digit idInstance. */
export const INSTANCE_ID = '1101000001';

function canvasBase64(type: 'image/png' | 'image/jpeg', variant: number, size: number): string {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  const v = Math.abs(Math.trunc(variant));
  ctx.fillStyle = `rgb(${(v * 97) % 256}, ${(v * 57 + 40) % 256}, ${(v * 31 + 200) % 256})`;
  ctx.fillRect(0, 0, size, size);
  // A variant-dependent mark, so two variants never encode to the same bytes.
  ctx.fillStyle = v % 2 ? '#fff' : '#000';
  ctx.fillRect(0, 0, 1 + (v % Math.max(1, size - 1)), 1);
  const url = canvas.toDataURL(type, 0.9);
  const prefix = `data:${type};base64,`;
  if (!url.startsWith(prefix)) throw new Error(`canvas cannot encode ${type}`);
  return url.slice(prefix.length);
}

/** A real PNG (base64, no `data:` prefix); different `variant`s give different images. */
export function pngBase64(variant = 0, size = 8): string {
  return canvasBase64('image/png', variant, size);
}

/** A real JPEG (base64, no `data:` prefix); different `variant`s give different images. */
export function jpegBase64(variant = 0, size = 8): string {
  return canvasBase64('image/jpeg', variant, size);
}

/** A valid 1×1 black RGB PNG as a constant (base64), for when no canvas is wanted. */
export const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC';
