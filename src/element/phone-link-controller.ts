/**
 * Linking with a phone number instead of a QR code: GetAuthorizationCode (through `@lit/task`),
 * then GetStateInstance every few seconds until the instance is authorized or the code expires.
 * Nothing runs while the host is disconnected.
 */
import { Task } from '@lit/task';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { resolveConfig, type ScanConfig } from '../core/config.js';
import type { AccountData, FailureReason, ScanFailure, ScanState } from '../core/events.js';
import { formatAuthCode, getAuthorizationCode, getStateInstance, normalizePhoneNumber } from '../core/green-api.js';

export interface PhoneLinkOptions {
  /** How often GetStateInstance is asked while a code is shown (ms). Default 3 000. */
  statePollIntervalMs?: number;
  /** How long a code is valid (ms). GREEN-API: about 2.5 minutes. Default 150 000. */
  codeValidityMs?: number;
}

export interface PhoneLinkHost {
  config(): ScanConfig;
  options(): PhoneLinkOptions;
  /** Something the view shows changed. */
  changed(): void;
  linked(account: AccountData): void;
  failed(failure: ScanFailure): void;
}

/** Thrown by the code request when GREEN-API answers `status: false`. */
export class CodeRefusedError extends Error {
  constructor() {
    super('GREEN-API did not issue a code');
    this.name = 'CodeRefusedError';
  }
}

type Phase = 'form' | 'code' | 'linked' | 'failed';

export class PhoneLinkController implements ReactiveController {
  /** The number the code was asked for (digits). */
  digits: string | undefined = undefined;
  /** The code to type in WhatsApp, grouped (`ABCD-1234`). */
  code: string | undefined = undefined;
  /** When the code stops being valid (epoch ms). */
  expiresAt: number | undefined = undefined;
  /** `true` when the last submitted number was refused before any request. */
  invalidNumber = false;
  failure: ScanFailure | undefined = undefined;
  account: AccountData | undefined = undefined;

  /** GetAuthorizationCode; its pending and error states are rendered by the element. */
  readonly request: Task<[string], string>;

  readonly #link: PhoneLinkHost;
  #phase: Phase = 'form';
  #requesting = false;
  #poll: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, link: PhoneLinkHost) {
    this.#link = link;
    host.addController(this);
    this.request = new Task(host, {
      autoRun: false,
      task: async ([digits], { signal }) => {
        const resolved = resolveConfig(link.config());
        if (!resolved.ok) throw new Error(resolved.message);
        const answer = await getAuthorizationCode(resolved.endpoints, digits, signal);
        if (!answer.status || !answer.code) throw new CodeRefusedError();
        return formatAuthCode(answer.code);
      },
      // Task calls these before its own status changes: `#requesting` is what `state` reads.
      onComplete: (code) => {
        this.#requesting = false;
        this.#showCode(code);
      },
      onError: () => {
        this.#requesting = false;
        link.changed();
      },
    });
  }

  /** The element state this step stands for. */
  get state(): ScanState {
    if (this.#requesting) return 'connecting';
    switch (this.#phase) {
      case 'code':
        return 'code';
      case 'linked':
        return 'linked';
      case 'failed':
        return 'failed';
      default:
        return 'idle';
    }
  }

  /** Validates the number and asks GREEN-API for a code; an invalid number makes no request. */
  submit(input: string): void {
    this.stop();
    const number = normalizePhoneNumber(input);
    this.invalidNumber = !number.ok;
    if (!number.ok) {
      this.#link.changed();
      return;
    }
    this.digits = number.digits;
    this.#requesting = true;
    void this.request.run([number.digits]);
    this.#link.changed();
  }

  /** Back to the number form. */
  reset(): void {
    this.stop();
    this.#phase = 'form';
    this.code = this.expiresAt = this.failure = this.account = undefined;
    this.invalidNumber = false;
    this.#link.changed();
  }

  /** Stops the request and the polling. */
  stop(): void {
    this.#requesting = false;
    this.request.abort();
    this.#poll?.abort();
    this.#poll = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  hostDisconnected(): void {
    this.stop();
    if (this.#phase === 'code') this.#phase = 'form';
  }

  #showCode(code: string): void {
    const { codeValidityMs = 150_000 } = this.#link.options();
    this.code = code;
    this.expiresAt = Date.now() + codeValidityMs;
    this.#phase = 'code';
    this.#poll = new AbortController();
    this.#schedule(this.#poll.signal);
    this.#link.changed();
  }

  #schedule(signal: AbortSignal): void {
    const { statePollIntervalMs = 3_000 } = this.#link.options();
    this.#timer = setTimeout(() => void this.#check(signal), statePollIntervalMs);
  }

  async #check(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    if (Date.now() >= (this.expiresAt ?? 0)) {
      this.#finish('failed', { reason: 'timeoutExpired', message: 'The linking code expired.' });
      return;
    }
    const resolved = resolveConfig(this.#link.config());
    let state: string | null = null;
    try {
      if (resolved.ok) state = await getStateInstance(resolved.endpoints, signal);
    } catch {
      // A failed poll is retried on the next tick.
    }
    if (signal.aborted) return;
    if (state === 'authorized' || state === 'yellowCard') {
      this.#finish('linked');
      return;
    }
    this.#schedule(signal);
  }

  #finish(phase: 'linked' | 'failed', failure?: { reason: FailureReason; message: string }): void {
    this.stop();
    this.#phase = phase;
    if (failure) {
      this.failure = failure;
      this.#link.changed();
      this.#link.failed(failure);
    } else {
      // GetStateInstance says only "authorized": the number is what we know of the account.
      this.account = { wid: `${this.digits}@c.us`, pushname: '', proxy: '', webhookUrl: '' };
      this.#link.changed();
      this.#link.linked(this.account);
    }
  }
}
