/**
 * What GetWaSettings tells of a linked WhatsApp account (its number and avatar), read once right
 * after linking (part of GREEN-API's HTTP side, loaded on demand through http-api.ts). Best effort
 * and bounded: linking never waits longer than `timeoutMs` for it, and never fails because of it.
 * DOM-free.
 */
import type { Endpoints } from './config.js';
import { getWaSettings } from './green-api.js';

/** The account details GetWaSettings adds to `account-linked` (each only when GREEN-API sent it). */
export interface WaAccountDetails {
  /** Digits only, e.g. `79001234567`. */
  phone?: string;
  /** An `http(s)://` address. */
  avatar?: string;
}

/**
 * One GetWaSettings request (it waits its rate-gate slot like every request) → the number and the
 * avatar; `{}` when it fails, when `signal` aborts, or when no answer came within `timeoutMs`
 * (the slot's wait included). A failure is told to `debug`, never with the token.
 */
export async function readWaAccount(endpoints: Endpoints, signal: AbortSignal, timeoutMs: number, debug: (text: string) => void): Promise<WaAccountDetails> {
  if (signal.aborted) return {};
  const deadline = new AbortController();
  const stop = () => deadline.abort();
  const timer = setTimeout(stop, timeoutMs);
  signal.addEventListener('abort', stop, { once: true });
  try {
    const { phone, avatar } = await getWaSettings(endpoints, deadline.signal, timeoutMs);
    return { ...(phone ? { phone } : {}), ...(avatar ? { avatar } : {}) };
  } catch (error) {
    if (!signal.aborted) {
      const why = deadline.signal.aborted ? `getWaSettings: no answer within ${timeoutMs} ms` : (error as Error).message;
      debug(`could not read the account details: ${why}`);
    }
    return {};
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}
