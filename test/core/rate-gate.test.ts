// GREEN-API's per-instance rate limits, kept by every request of the page (virtual clock).
import { expect } from '@open-wc/testing';
import { RATE_LIMITS, answered, forgetSlots, holdBack, retryAfterMs, takeSlot } from '../../src/core/rate-gate.js';
import { VirtualClock } from '../helpers/clock.js';

describe('core/rate-gate (virtual clock)', () => {
  let clock: VirtualClock;
  let base: string;
  let n = 0;
  beforeEach(() => {
    clock = new VirtualClock().install();
    base = `https://instance-${n++}.example/waInstance1`;
  });
  afterEach(() => clock.uninstall());

  it('GREEN-API’s limits: qr 3/s, scanqrcode, getStateInstance, getWaSettings and logout 1/s', () => {
    expect(RATE_LIMITS).to.include({ qr: 3, scanqrcode: 1, getStateInstance: 1, getWaSettings: 1, logout: 1 });
  });

  it('a free slot is taken at once; the next one of the same method waits 1 s (plus a 100-ms margin), another method does not', async () => {
    expect(takeSlot(base, 'getStateInstance')).to.equal(undefined);
    expect(takeSlot(base, 'getWaSettings')).to.equal(undefined);
    expect(takeSlot(`${base}2`, 'getStateInstance')).to.equal(undefined);
    let done = false;
    void takeSlot(base, 'getStateInstance')!.then(() => (done = true));
    await clock.tick(1099);
    expect(done).to.equal(false);
    await clock.tick(1);
    expect(done).to.equal(true);
  });

  it('qr: three a second', async () => {
    const starts: number[] = [];
    const t0 = clock.now;
    for (let i = 0; i < 6; i++) void (takeSlot(base, 'qr') ?? Promise.resolve()).then(() => starts.push(clock.now - t0));
    await clock.tick(2500);
    expect(starts.length).to.equal(6);
    expect(starts[0]).to.equal(0);
    // Never more than three in any one second.
    for (let i = 3; i < starts.length; i++) expect(starts[i] - starts[i - 3]).to.be.at.least(999);
  });

  it('a waiter that gives up takes nothing: the others are not pushed back', async () => {
    takeSlot(base, 'logout');
    const controller = new AbortController();
    const gaveUp = takeSlot(base, 'logout', controller.signal)!;
    controller.abort();
    await gaveUp;
    let at = -1;
    const t0 = clock.now;
    void takeSlot(base, 'logout')!.then(() => (at = clock.now - t0));
    await clock.tick(1500);
    expect(at).to.equal(1100);
  });

  it('answered: the next request of the method leaves a slot after the answer, not after the send (another method is free)', async () => {
    expect(takeSlot(base, 'getStateInstance')).to.equal(undefined);
    // The answer took 3 s: a poller asking again at once waits a whole slot from the answer.
    await clock.tick(3000);
    answered(base, 'getStateInstance');
    let at = -1;
    const t0 = clock.now;
    void takeSlot(base, 'getStateInstance')!.then(() => (at = clock.now - t0));
    expect(takeSlot(base, 'getWaSettings')).to.equal(undefined);
    await clock.tick(1099);
    expect(at).to.equal(-1);
    await clock.tick(1);
    expect(at).to.equal(1100);
    // qr: a third of a second (plus the margin) after its answer.
    answered(base, 'qr');
    let qrAt = -1;
    const t1 = clock.now;
    void takeSlot(base, 'qr')!.then(() => (qrAt = clock.now - t1));
    await clock.tick(500);
    expect(qrAt).to.be.closeTo(433.3, 1);
  });

  it('answered never shortens a longer hold (a 429)', async () => {
    holdBack(base, 'logout', clock.now + 5000);
    answered(base, 'logout');
    let at = -1;
    const t0 = clock.now;
    void takeSlot(base, 'logout')!.then(() => (at = clock.now - t0));
    await clock.tick(6000);
    expect(at).to.equal(5000);
  });

  it('holdBack (a 429) holds the method back; Retry-After in seconds or as a date, 1 to 60 s', async () => {
    holdBack(base, 'qr', clock.now + 5000);
    let done = false;
    void takeSlot(base, 'qr')!.then(() => (done = true));
    await clock.tick(4999);
    expect(done).to.equal(false);
    await clock.tick(1);
    expect(done).to.equal(true);
    expect(retryAfterMs('3')).to.equal(3000);
    expect(retryAfterMs(null)).to.equal(1000);
    expect(retryAfterMs('0')).to.equal(1000);
    expect(retryAfterMs('999')).to.equal(60_000);
    expect(retryAfterMs(new Date(clock.now + 7000).toUTCString(), clock.now)).to.be.within(6000, 7000);
    expect(retryAfterMs('soon')).to.equal(1000);
  });

  it('a method without a limit of its own gets one a second', async () => {
    expect(takeSlot(base, 'someNewMethod')).to.equal(undefined);
    let at = -1;
    const t0 = clock.now;
    void takeSlot(base, 'someNewMethod')!.then(() => (at = clock.now - t0));
    await clock.tick(2_000);
    expect(at).to.equal(1100);
  });

  it('a slot free exactly now is taken (and the next one waits a whole slot)', async () => {
    holdBack(base, 'logout', clock.now);
    expect(takeSlot(base, 'logout')).to.equal(undefined);
    const next = takeSlot(base, 'logout');
    expect(next).to.be.instanceOf(Promise);
    let done = false;
    void next!.then(() => (done = true));
    await clock.tick(1099);
    expect(done).to.equal(false);
    await clock.tick(1);
    expect(done).to.equal(true);
  });

  it('two waiters for one slot: the second one waits a slot more', async () => {
    takeSlot(base, 'getSettings');
    const at: number[] = [];
    const t0 = clock.now;
    void takeSlot(base, 'getSettings')!.then(() => at.push(clock.now - t0));
    void takeSlot(base, 'getSettings')!.then(() => at.push(clock.now - t0));
    await clock.tick(3_000);
    expect(at).to.deep.equal([1100, 2200]);
  });

  it('forgetSlots frees every slot', () => {
    takeSlot(base, 'logout');
    forgetSlots();
    expect(takeSlot(base, 'logout')).to.equal(undefined);
  });

  it('a big table forgets only the slots that are free again: a held one still waits', async () => {
    expect(takeSlot(base, 'logout')).to.equal(undefined);
    // Over 256 slots, each taken now; half of them free again after a while.
    for (let i = 0; i < 150; i++) takeSlot(`${base}/old${i}`, 'logout');
    await clock.tick(2_000);
    expect(takeSlot(base, 'logout')).to.equal(undefined);
    for (let i = 0; i < 150; i++) takeSlot(`${base}/new${i}`, 'logout');
    // The table is pruned on the next take: the slots taken just now are still held.
    expect(takeSlot(`${base}/other`, 'logout')).to.equal(undefined);
    expect(takeSlot(base, 'logout')).to.be.instanceOf(Promise);
    expect(takeSlot(`${base}/new0`, 'logout')).to.be.instanceOf(Promise);
    expect(takeSlot(`${base}/new149`, 'logout')).to.be.instanceOf(Promise);
    // And the old, free ones are free.
    expect(takeSlot(`${base}/old0`, 'logout')).to.equal(undefined);
  });

  it('Retry-After: seconds (fractions, spaces), an HTTP date (exact to the second), bounded to 1–60 s', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2.5', now)).to.equal(2500);
    expect(retryAfterMs(' 5 ', now)).to.equal(5000);
    expect(retryAfterMs('60', now)).to.equal(60_000);
    expect(retryAfterMs('61', now)).to.equal(60_000);
    expect(retryAfterMs('1', now)).to.equal(1000);
    expect(retryAfterMs('0.5', now)).to.equal(1000);
    expect(retryAfterMs('-5', now)).to.equal(1000);
    expect(retryAfterMs('', now)).to.equal(1000);
    expect(retryAfterMs('Infinity', now)).to.equal(1000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:07 GMT', now)).to.equal(7000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).to.equal(30_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:05:00 GMT', now)).to.equal(60_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).to.equal(1000);
    // Without `now`: the current time.
    expect(retryAfterMs(new Date(Math.ceil(clock.now / 1000) * 1000 + 9000).toUTCString())).to.equal(Math.ceil(clock.now / 1000) * 1000 + 9000 - clock.now);
  });
});
