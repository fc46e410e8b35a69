/**
 * GetSettings' answer → the messenger (part of GREEN-API's HTTP side, loaded on demand through
 * http-api.ts). DOM-free.
 */
import type { Endpoints } from './config.js';
import type { ScanFailure } from './events.js';
import { classify } from './failures.js';
import { GreenApiError, requestJson } from './green-api.js';
import { messengerOf, type Messenger } from './messenger.js';
import { cleanText } from './protocol.js';

/** GET `{httpBase}/getSettings/{token}` → the instance's `typeInstance` (cleaned; `''` when absent). */
export async function getTypeInstance(endpoints: Endpoints, signal?: AbortSignal, timeoutMs?: number): Promise<string> {
  const body = await requestJson(endpoints, 'getSettings', { signal, timeoutMs });
  return cleanText(Object.prototype.hasOwnProperty.call(body, 'typeInstance') ? body.typeInstance : '').slice(0, 40);
}

/** One GetSettings call → the messenger, or the failure to report (classified like every HTTP failure). */
export async function resolveMessenger(endpoints: Endpoints, signal?: AbortSignal, timeoutMs?: number): Promise<{ messenger: Messenger } | { fail: ScanFailure }> {
  let type: string;
  try {
    type = await getTypeInstance(endpoints, signal, timeoutMs);
  } catch (caught) {
    const error = caught instanceof GreenApiError ? caught : new GreenApiError('network', 'getSettings: request failed');
    const verdict = classify(error);
    if ('fail' in verdict) return verdict;
    const status = error.status ? { status: error.status } : {};
    if ('starting' in verdict) return { fail: { reason: 'instanceStarting', message: error.message, ...status } };
    return { fail: { reason: 'connection', message: error.message, ...status } };
  }
  const messenger = messengerOf(type);
  if (messenger) return { messenger };
  return { fail: { reason: 'invalidConfig', message: `getSettings: unknown typeInstance ${JSON.stringify(type)} (expected whatsapp, telegram or v3)` } };
}

