// A QR session's options (src/core/scan-options.ts): the documented defaults, what an option left
// `undefined` means, and the state a new run starts from.
import { expect } from '@open-wc/testing';
import { SCAN_DEFAULTS, SCAN_WINDOW_MS, freshProgress, resolveScanOptions } from '../../src/core/scan-options.js';

/** The defaults as the options' documentation states them. */
const DOCUMENTED = {
  scanWindowMs: 100_000,
  graceMs: 5_000,
  connectTimeoutMs: 10_000,
  maxConnectAttempts: 4,
  backoffMs: [500, 1_000, 2_000, 4_000],
  transport: 'auto',
  pollIntervalMs: 1_000,
  statePollIntervalMs: 3_000,
  firstCodeTimeoutMs: 180_000,
  slowHintAfterMs: 8_000,
  reconnectBudgetMs: 30_000,
  startingTimeoutMs: 300_000,
  qrTimeoutMs: 60_000,
  requestTimeoutMs: 15_000,
  logoutWaitMs: 60_000,
  accountDetailsTimeoutMs: 3_000,
};

describe('core/scan-options', () => {
  it('GREEN-API\'s scan window is 100 s', () => {
    expect(SCAN_WINDOW_MS).to.equal(100_000);
  });

  it('no options: every documented default, no WebSocket class and no decoder of its own', () => {
    const { debug, ...resolved } = resolveScanOptions({});
    expect(resolved).to.deep.equal(DOCUMENTED);
    expect(SCAN_DEFAULTS).to.deep.equal(DOCUMENTED);
    expect(typeof debug).to.equal('function');
    expect('WebSocket' in resolved || 'decodeImage' in resolved).to.equal(false);
  });

  it('a given option wins; one given as undefined keeps its default', () => {
    const decodeImage = async () => true;
    const resolved = resolveScanOptions({ scanWindowMs: 400, transport: 'http', graceMs: undefined, maxConnectAttempts: undefined, decodeImage, WebSocket: undefined });
    expect(resolved.scanWindowMs).to.equal(400);
    expect(resolved.transport).to.equal('http');
    expect(resolved.graceMs).to.equal(5_000);
    expect(resolved.maxConnectAttempts).to.equal(4);
    expect(resolved.decodeImage).to.equal(decodeImage);
    expect(resolved.WebSocket).to.equal(undefined);
  });

  it('an empty backoff list means the default delays; a given one is kept', () => {
    expect(resolveScanOptions({ backoffMs: [] }).backoffMs).to.deep.equal([500, 1_000, 2_000, 4_000]);
    expect(resolveScanOptions({ backoffMs: [7] }).backoffMs).to.deep.equal([7]);
  });

  it('the default debug goes to console.debug, marked as the component\'s; a given one replaces it', () => {
    const saved = console.debug;
    const logged: unknown[][] = [];
    console.debug = (...args: unknown[]) => void logged.push(args);
    try {
      resolveScanOptions({}).debug('ignored a frame: frame is not JSON');
      const mine: string[] = [];
      resolveScanOptions({ debug: (text) => void mine.push(text) }).debug('x');
      expect(mine).to.deep.equal(['x']);
    } finally {
      console.debug = saved;
    }
    expect(logged).to.deep.equal([['[green-qr-scan] ignored a frame: frame is not JSON']]);
  });

  it('resolving copies: the defaults are never changed through a resolved object', () => {
    const resolved = resolveScanOptions({ backoffMs: [] });
    resolved.scanWindowMs = 1;
    expect(SCAN_DEFAULTS.scanWindowMs).to.equal(100_000);
    expect(resolveScanOptions({}).scanWindowMs).to.equal(100_000);
  });

  it('a new run starts preparing, with no code, notice or count, not confirming', () => {
    const progress = freshProgress();
    const { endWindow, endFirstCodeWait, ...rest } = progress;
    expect(rest).to.deep.equal({
      phase: 'preparing',
      qrImage: undefined,
      notice: undefined,
      qrShown: false,
      codesReceived: 0,
      codeShown: 0,
      codesDropped: 0,
      confirming: false,
    });
    expect(() => (endWindow(), endFirstCodeWait())).to.not.throw();
    expect(freshProgress(), 'each run has its own').to.not.equal(progress);
  });
});
