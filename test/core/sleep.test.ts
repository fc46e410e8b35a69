// The abortable timer every poller and the rate gate wait with, on a virtual clock.
import { expect } from '@open-wc/testing';
import { sleep } from '../../src/core/sleep.js';
import { VirtualClock, flush } from '../helpers/clock.js';

/** An abort signal that counts the `abort` listeners currently added to it. */
function countedSignal() {
  const controller = new AbortController();
  const { signal } = controller;
  const listeners = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
    if (type === 'abort') listeners.add(listener);
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener, options?: EventListenerOptions) => {
    if (type === 'abort') listeners.delete(listener);
    remove(type, listener, options);
  }) as typeof signal.removeEventListener;
  return { controller, signal, listeners };
}

describe('core/sleep (virtual clock)', () => {
  let clock: VirtualClock;
  beforeEach(() => {
    clock = new VirtualClock().install();
  });
  afterEach(() => clock.uninstall());

  /** Starts `sleep` and records when (virtual time) it resolved. */
  function timed(ms: number, signal: AbortSignal) {
    const started = clock.now;
    const result = { done: false, after: -1 };
    void sleep(ms, signal).then(() => {
      result.done = true;
      result.after = clock.now - started;
    });
    return result;
  }

  it('resolves after ms, not before, and leaves no timer or abort listener behind', async () => {
    const { signal, listeners } = countedSignal();
    const slept = timed(1500, signal);
    expect(clock.pending).to.equal(1);
    expect(listeners.size).to.equal(1);
    await clock.tick(1499);
    expect(slept.done).to.equal(false);
    await clock.tick(1);
    expect(slept).to.deep.equal({ done: true, after: 1500 });
    expect(clock.pending).to.equal(0);
    // A signal that lives on (a whole polling run) must not collect one listener per sleep.
    expect(listeners.size).to.equal(0);
  });

  it('resolves at once (not rejecting) when the signal aborts, and cancels its timer', async () => {
    const { controller, signal, listeners } = countedSignal();
    const slept = timed(60_000, signal);
    await clock.tick(10);
    controller.abort();
    await flush();
    expect(slept).to.deep.equal({ done: true, after: 10 });
    expect(clock.pending).to.equal(0);
    expect(listeners.size).to.equal(0);
  });

  it('an already aborted signal resolves at once, without a timer', async () => {
    const controller = new AbortController();
    controller.abort();
    const slept = timed(60_000, controller.signal);
    expect(clock.pending).to.equal(0);
    await flush();
    expect(slept).to.deep.equal({ done: true, after: 0 });
  });
});
