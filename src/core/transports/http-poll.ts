/**
 * Polling GREEN-API's HTTP QR method as a transport, for networks that block websockets. The QR
 * method answers the same code for ~20 s: only a new code is passed on.
 */
import type { Endpoints } from '../config.js';
import { GreenApiError, getQr } from '../green-api.js';
import { sleep } from '../sleep.js';
import type { Transport, TransportSink } from './transport.js';

export interface HttpPollOptions {
  /** How often the QR method is asked (ms), counted from the start of the previous request. */
  intervalMs: number;
  /** How long one request may take (ms). */
  timeoutMs: number;
}

export function pollQrCodes(endpoints: Endpoints, options: HttpPollOptions, sink: TransportSink): Transport {
  const controller = new AbortController();
  const { signal } = controller;
  let lastImage: string | undefined;
  void (async () => {
    while (!signal.aborted) {
      const startedAt = Date.now();
      try {
        const answer = await getQr(endpoints, signal, options.timeoutMs);
        if (signal.aborted) return;
        if (answer.type !== 'qrCode' || answer.image !== lastImage) {
          lastImage = answer.type === 'qrCode' ? answer.image : undefined;
          sink.message(answer);
        }
      } catch (error) {
        if (signal.aborted) return;
        sink.failed?.(error instanceof GreenApiError ? error : new GreenApiError('network', 'qr: request failed'));
      }
      await sleep(Math.max(0, options.intervalMs - (Date.now() - startedAt)), signal);
    }
  })();
  return { kind: 'http', closed: Promise.resolve(), close: () => controller.abort() };
}
