/** The `scanqrcode` websocket as a transport: one socket, one connect timeout, parsed frames. */
import { parseFrame } from '../protocol.js';
import type { Transport, TransportSink } from './transport.js';

/** The part of a websocket the session uses: the browser's `WebSocket` and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  // `any` events: the browser's and ws's event types differ, and only `data` is read.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  /* eslint-enable @typescript-eslint/no-explicit-any */
  close(code?: number, reason?: string): void;
  addEventListener(type: 'close', listener: () => void, options?: { once?: boolean }): void;
}

/** A `WebSocket` class: the browser's, or `ws`'s in Node 20 (`import WebSocket from 'ws'`). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketTransportOptions {
  WebSocket: WebSocketConstructor;
  /** How long the handshake may take before the attempt counts as dropped (ms). */
  connectTimeoutMs: number;
  protocols?: string[];
}

/** Closes a socket nobody wants any more, and drops its handlers. */
function release(socket: WebSocketLike): void {
  socket.onmessage = socket.onclose = null;
  if (socket.readyState === 0) {
    // Closing a socket that is still connecting makes the browser log its URL, token included:
    // close it the moment it opens instead.
    socket.onopen = () => socket.close(1000);
  } else if (socket.readyState === 1) {
    socket.onopen = null;
    socket.close(1000);
  }
}

/** Opens the socket; throws when the constructor refuses the address. */
export function openWebSocket(url: string, options: WebSocketTransportOptions, sink: TransportSink): Transport {
  const socket = new options.WebSocket(url, options.protocols);
  const controller = new AbortController();
  const { signal } = controller;
  const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve(), { once: true }));
  const finish = (timedOut: boolean) => {
    if (signal.aborted) return;
    controller.abort();
    // A handshake that hung past the timeout is aborted (the browser logs its address then, but a
    // hung handshake must not linger).
    if (timedOut && socket.readyState === 0) socket.close();
    else release(socket);
    sink.dropped?.();
  };
  const timer = setTimeout(() => finish(true), options.connectTimeoutMs);
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  socket.onopen = () => {
    if (signal.aborted) return;
    clearTimeout(timer);
    sink.opened?.();
  };
  socket.onmessage = (event: { data: unknown }) => {
    if (signal.aborted) return;
    const result = parseFrame(event.data);
    if (result.ok) sink.message(result.message);
    else sink.debug(`ignored a frame: ${result.detail}`);
  };
  // `error` is always followed by `close`; handling `close` alone avoids a double retry.
  socket.onclose = () => finish(false);
  return {
    kind: 'websocket',
    closed,
    close: () => {
      if (signal.aborted) return;
      controller.abort();
      release(socket);
    },
  };
}
