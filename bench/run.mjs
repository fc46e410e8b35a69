// `npm run bench` (after `npm run build`): a benchmark, not a test. Drives headless Chromium against
// a local `ws` server (bench/server.mjs) and compares <green-qr-scan> (dist/green-qr-scan.bundled.js)
// with a minimal vanilla custom element that swaps an <img> on each frame (bench/page/vanilla-qr.js),
// measured in the same run. Prints the tables, writes bench/results.json and bench/README.md.
// Nothing here fails on a slow number: the goals are reported as met or missed.
//
//   node bench/run.mjs [--quick]      (--quick: few runs, for trying the script out)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { qrFrames } from './qr-frames.mjs';
import { startBenchServer } from './server.mjs';
import { chromiumLaunch } from '../scripts/chromium.mjs';

const startedAt = Date.now();
const loadAtStart = os.loadavg();
const quick = process.argv.includes('--quick');
const RUNS = {
  frames: quick ? 8 : 50, // elements per variant; each shows a first QR code and `rotations` rotated ones
  rotations: 4,
  startup: quick ? 10 : 50,
  moduleEval: quick ? 6 : 25,
  many: quick ? 1 : 3, // rounds of 200 widgets per variant
  manyRotations: quick ? 1 : 2, // bursts of rotated QR codes per round
  busyMs: 500, // window of each main-thread busy measurement
  lazy: quick ? 1 : 2,
  cycles: quick ? 100 : 1000,
  baselineCycles: quick ? 50 : 200, // the baseline's cycles: enough for its per-cycle timing
  warmup: quick ? 10 : 30,
};
const WIDGETS = 200;
const FRAME_MS = 1000 / 60;
const TAG = { element: 'green-qr-scan', baseline: 'vanilla-qr' };
const VARIANTS = ['element', 'baseline'];

const root = new URL('..', import.meta.url);
const read = (path) => readFileSync(new URL(path, root));
let dropIn;
try {
  dropIn = read('dist/green-qr-scan.bundled.js');
} catch {
  console.error('dist/green-qr-scan.bundled.js is missing: run `npm run build` first (or `npm run bench`).');
  process.exit(1);
}
const vanillaSource = read('bench/page/vanilla-qr.js');
const log = (message) => process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

// --- statistics -------------------------------------------------------------------------------

const sorted = (xs) => [...xs].sort((a, b) => a - b);
function median(xs) {
  const s = sorted(xs);
  if (!s.length) return NaN;
  return (s[Math.floor((s.length - 1) / 2)] + s[Math.ceil((s.length - 1) / 2)]) / 2;
}
/** Nearest-rank percentile. */
function percentile(xs, q) {
  const s = sorted(xs);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const summary = (xs) => ({ median: median(xs), p95: percentile(xs, 0.95), n: xs.length });
const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/** A timing row: both variants' median and p95, and element ÷ baseline. */
function timing(name, unit, element, baseline, note) {
  const e = summary(element);
  const b = baseline ? summary(baseline) : undefined;
  return {
    name,
    unit,
    element: { median: round(e.median, 3), p95: round(e.p95, 3), n: e.n },
    baseline: b ? { median: round(b.median, 3), p95: round(b.p95, 3), n: b.n } : null,
    ratio: b ? { median: round(e.median / b.median), p95: round(e.p95 / b.p95) } : null,
    ...(note ? { note } : {}),
  };
}

// --- 1. size ----------------------------------------------------------------------------------

const gzip = (buf) => gzipSync(buf, { level: 9 }).length;
const brotli = (buf) =>
  brotliCompressSync(buf, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
  }).length;

async function bundle(entry, { external = [], minify }) {
  const result = await build({
    entryPoints: [new URL(entry, root).pathname],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify,
    external,
    legalComments: 'none',
    tsconfig: new URL('tsconfig.json', root).pathname,
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0].contents);
}

async function sizes() {
  const litExternal = ['lit', 'lit/*', '@lit/*'];
  const row = (name, raw, min) => ({ name, raw: raw.length, min: min.length, gzip: gzip(min), brotli: brotli(min) });
  const rows = [
    row('drop-in: dist/green-qr-scan.bundled.js (Lit inlined)', await bundle('src/define.ts', { minify: false }), dropIn),
    row(
      'ESM entry, own code (src/define.ts, lit + @lit/* external)',
      await bundle('src/define.ts', { external: litExternal, minify: false }),
      await bundle('src/define.ts', { external: litExternal, minify: true }),
    ),
    row(
      'floor: minimal LitElement, Lit inlined (bench/lit-floor.js)',
      await bundle('bench/lit-floor.js', { minify: false }),
      await bundle('bench/lit-floor.js', { minify: true }),
    ),
    row(
      'baseline: vanilla element (bench/page/vanilla-qr.js)',
      vanillaSource,
      Buffer.from((await transform(vanillaSource.toString(), { minify: true, format: 'esm', target: 'es2022' })).code),
    ),
  ];
  const [drop, , floor] = rows;
  rows.push({
    name: 'drop-in minus floor (what the element adds to Lit)',
    raw: drop.raw - floor.raw,
    min: drop.min - floor.min,
    gzip: drop.gzip - floor.gzip,
    brotli: drop.brotli - floor.brotli,
  });
  return rows;
}

// --- pages --------------------------------------------------------------------------------------

const js = (body) => ({ type: 'text/javascript', body });
const html = (body) => ({ type: 'text/html; charset=utf-8', body });
const page = (modules) =>
  html(`<!doctype html><html lang="en"><meta charset="utf-8"><title>green-qr-scan bench</title>
<style>
  body { margin: 0; font: 14px system-ui, sans-serif; }
  /* 5 columns × 2 rows of cells fit a 1280×800 viewport: 10 widgets on screen. */
  #grid { display: grid; grid-template-columns: repeat(5, 236px); gap: 40px 20px; }
  .cell { height: 380px; overflow: hidden; }
</style>
<script src="/hooks.js"></script>
<script type="module">${modules.map((m) => `import '${m}';`).join(' ')} window.__bench.ready = true;</script>
<body><div id="grid"></div></body></html>`);
/** Module evaluation: the marks evaluate right before and right after the module, in import order. */
const evalPage = (module) =>
  html(`<!doctype html><html lang="en"><meta charset="utf-8"><title>eval</title>
<script src="/hooks.js"></script>
<script type="module">import '/mark-start.js'; import '${module}'; import '/mark-end.js';</script></html>`);
const mark = (name) =>
  js(`const B = window.__bench; B.marks.${name} = { t: performance.now(), timers: B.timersCreated, sockets: B.socketsCreated, requests: B.requests };`);

const files = new Map([
  ['/hooks.js', js(read('bench/page/hooks.js'))],
  ['/vanilla-qr.js', js(vanillaSource)],
  ['/green-qr-scan.bundled.js', js(dropIn)],
  ['/mark-start.js', mark('start')],
  ['/mark-end.js', mark('end')],
  ['/both.html', page(['/green-qr-scan.bundled.js', '/vanilla-qr.js'])],
  ['/element.html', page(['/green-qr-scan.bundled.js'])],
  ['/baseline.html', page(['/vanilla-qr.js'])],
  ['/eval-element.html', evalPage('/green-qr-scan.bundled.js')],
  ['/eval-baseline.html', evalPage('/vanilla-qr.js')],
]);

// --- the browser --------------------------------------------------------------------------------

let instanceCounter = 1_100_000_000;
const nextId = () => instanceCounter++;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** A random wait of up to one frame, so frames arrive at every phase of the display's refresh. */
const jitter = () => sleep(Math.random() * FRAME_MS);

async function openPage(browser, path) {
  const tab = await browser.newPage();
  await tab.setViewport({ width: 1280, height: 800, deviceScaleFactor: 1 });
  await tab.goto(`${server.url}${path}`);
  await tab.waitForFunction(() => window.__bench?.ready === true, { polling: 50 });
  const cdp = await tab.createCDPSession();
  await cdp.send('Performance.enable');
  return { tab, cdp };
}

/** JS heap in use after forced garbage collection (bytes). */
async function heapAfterGc(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

async function taskDuration(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration').value * 1000;
}

// 2. frame → pixels ---------------------------------------------------------------------------

async function framesBench(browser) {
  const { tab } = await openPage(browser, '/both.html');
  const out = Object.fromEntries(VARIANTS.map((v) => [v, { first: [], rotated: [] }]));
  let paints = 0;
  for (let i = 0; i < RUNS.frames; i++) {
    for (const variant of i % 2 ? [...VARIANTS].reverse() : VARIANTS) {
      const id = nextId();
      await tab.evaluate(
        (tag, id, api) => {
          const B = window.__bench;
          B.current = B.create(tag, id, 'manual', api);
          document.body.append(B.current);
          B.watch(B.current);
        },
        TAG[variant],
        id,
        server.url,
      );
      if (!(await server.waitConnection(id))) throw new Error(`${variant} never connected`);
      for (let k = 0; k <= RUNS.rotations; k++) {
        await jitter();
        server.sendQr(id);
        const n = paints++;
        const record = await tab.evaluate(
          (n) => window.__bench.until('paint', () => window.__bench.paints.length > n).then(() => window.__bench.paints[n]),
          n,
        );
        if (record.id !== String(id)) throw new Error(`paint of ${record.id}, expected ${id}`);
        out[variant][k === 0 ? 'first' : 'rotated'].push(record);
      }
      await tab.evaluate(() => window.__bench.current.remove());
    }
  }
  await tab.close();
  const pick = (records, f) => records.map(f);
  const rows = [];
  for (const kind of ['first', 'rotated']) {
    const label = kind === 'first' ? 'first QR code' : 'rotated QR code';
    const e = out.element[kind];
    const b = out.baseline[kind];
    rows.push(
      timing(`frame → pixels, ${label} (message → decoded → next animation frame)`, 'ms', pick(e, (r) => r.tPaint - r.tMsg), pick(b, (r) => r.tPaint - r.tMsg)),
      timing(`frame → decoded, ${label} (the work, without the wait for the frame)`, 'ms', pick(e, (r) => r.tDecoded - r.tMsg), pick(b, (r) => r.tDecoded - r.tMsg)),
      timing(`frame → <img src> set, ${label}`, 'ms', pick(e, (r) => r.tDom - r.tMsg), pick(b, (r) => r.tDom - r.tMsg)),
    );
  }
  const late = (records) => records.filter((r) => r.framesLate > 0).length;
  const framesLate = Object.fromEntries(
    VARIANTS.map((v) => {
      const all = [...out[v].first, ...out[v].rotated];
      return [v, { late: late(all), of: all.length, p95FramesLate: percentile(all.map((r) => r.framesLate), 0.95) }];
    }),
  );
  return { rows, framesLate };
}

// 3. startup --------------------------------------------------------------------------------------

async function startupBench(browser) {
  const { tab } = await openPage(browser, '/both.html');
  const out = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  for (let i = 0; i < RUNS.startup; i++) {
    for (const variant of i % 2 ? [...VARIANTS].reverse() : VARIANTS) {
      out[variant].push(await tab.evaluate((tag, id, api) => window.__bench.startup(tag, id, api), TAG[variant], nextId(), server.url));
    }
  }
  await tab.close();
  // Module evaluation: a fresh document per load (no-store: fetched, compiled and evaluated anew).
  const evals = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  const tab2 = await browser.newPage();
  for (let i = 0; i < RUNS.moduleEval; i++) {
    for (const variant of i % 2 ? [...VARIANTS].reverse() : VARIANTS) {
      await tab2.goto(`${server.url}/eval-${variant}.html`);
      await tab2.waitForFunction(() => window.__bench?.marks.end, { polling: 20 });
      evals[variant].push(
        await tab2.evaluate((tag) => {
          const { start, end } = window.__bench.marks;
          return {
            ms: end.t - start.t,
            timers: end.timers - start.timers,
            sockets: end.sockets - start.sockets,
            requests: end.requests - start.requests,
            defined: !!customElements.get(tag),
          };
        }, TAG[variant]),
      );
    }
  }
  await tab2.close();
  const rows = [
    timing('startup: connected → new WebSocket()', 'ms', out.element.map((r) => r.toSocket), out.baseline.map((r) => r.toSocket)),
    timing('startup: connected → socket open', 'ms', out.element.map((r) => r.toOpen), out.baseline.map((r) => r.toOpen)),
    timing('startup: module evaluation (drop-in vs vanilla module)', 'ms', evals.element.map((r) => r.ms), evals.baseline.map((r) => r.ms)),
  ];
  const sum = (records, key) => records.reduce((s, r) => s + r[key], 0);
  const counts = Object.fromEntries(
    VARIANTS.map((v) => [
      v,
      {
        requestsBeforeSocket: sum(out[v], 'requests'),
        importTimers: sum(evals[v], 'timers'),
        importSockets: sum(evals[v], 'sockets'),
        importRequests: sum(evals[v], 'requests'),
        defined: evals[v].every((r) => r.defined),
      },
    ]),
  );
  return { rows, counts };
}

// 4. many widgets ---------------------------------------------------------------------------------

async function manyBench(browser) {
  const { tab, cdp } = await openPage(browser, '/both.html');
  const out = Object.fromEntries(
    VARIANTS.map((v) => [
      v,
      { mount: [], firstFrame: [], allOpen: [], firstPainted: [], rotatedPainted: [], heapPerWidget: [], sockets: [], busyWaiting: [], busyWaitingReduced: [], busyQr: [], busyQrReduced: [], intervals: [] },
    ]),
  );
  let paints = 0;
  /** Sends one QR frame to each widget in a burst; the time from the first message to the last painted QR code. */
  const burst = async (ids) => {
    for (const id of ids) server.sendQr(id);
    const n = paints;
    paints += ids.length;
    return tab.evaluate(
      (n, count) => {
        const B = window.__bench;
        return B.until('paint', () => B.paints.length >= n + count, 60_000).then(() => {
          const batch = B.paints.slice(n, n + count);
          return Math.max(...batch.map((p) => p.tPaint)) - Math.min(...batch.map((p) => p.tMsg));
        });
      },
      n,
      ids.length,
    );
  };
  /** Main-thread task time per second (ms/s), over RUNS.busyMs. */
  const busy = async () => {
    const before = await taskDuration(cdp);
    const t0 = performance.now();
    await sleep(RUNS.busyMs);
    return (((await taskDuration(cdp)) - before) * 1000) / (performance.now() - t0);
  };
  /** Runs `measure` under emulated `prefers-reduced-motion: reduce` (after 300 ms to settle). */
  const reducedMotion = async (measure) => {
    await tab.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
    await sleep(300);
    const result = await measure();
    await tab.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: '' }]);
    return result;
  };
  for (let i = 0; i < RUNS.many; i++) {
    for (const variant of i % 2 ? [...VARIANTS].reverse() : VARIANTS) {
      const o = out[variant];
      if (!(await server.waitUntil(() => server.open === 0))) throw new Error('sockets of the last round still open');
      const heap0 = await heapAfterGc(cdp);
      const ids = Array.from({ length: WIDGETS }, nextId);
      const mount = await tab.evaluate((tag, ids, api) => window.__bench.mountMany(tag, ids, api), TAG[variant], ids, server.url);
      o.mount.push(mount.mounted);
      o.firstFrame.push(mount.toFrame);
      if (!(await server.waitUntil(() => server.open >= WIDGETS, 60_000))) throw new Error(`only ${server.open} sockets open`);
      o.allOpen.push(
        await tab.evaluate(
          (ids, t0) =>
            window.__bench
              .until('open', () => ids.every((id) => window.__bench.sockets.get(String(id))?.openAt))
              .then(() => Math.max(...ids.map((id) => window.__bench.sockets.get(String(id)).openAt)) - t0),
          ids,
          mount.t0,
        ),
      );
      o.busyWaiting.push(await busy());
      if (variant === 'element') o.busyWaitingReduced.push(await reducedMotion(busy));
      o.firstPainted.push(await burst(ids));
      for (let k = 0; k < RUNS.manyRotations; k++) o.rotatedPainted.push(await burst(ids));
      o.sockets.push(server.open);
      o.busyQr.push(await busy());
      if (variant === 'element') o.busyQrReduced.push(await reducedMotion(busy));
      o.intervals.push((await tab.evaluate(() => window.__bench.counts())).liveIntervals);
      o.heapPerWidget.push(((await heapAfterGc(cdp)) - heap0) / WIDGETS);
      await tab.evaluate(() => window.__bench.unmountMany());
    }
  }
  await server.waitUntil(() => server.open === 0);
  await tab.close();

  // Lazy: 200 lazy widgets, 10 of them on screen; then scrolled two screens down.
  const lazy = { onScreen: [], sockets: [], onScreenAfterScroll: [], afterScroll: [] };
  const onScreen = (tab) =>
    tab.evaluate(
      () =>
        window.__bench.els.filter((el) => {
          const r = el.getBoundingClientRect();
          return r.top < innerHeight && r.bottom > 0 && r.left < innerWidth && r.right > 0;
        }).length,
    );
  const { tab: lazyTab } = await openPage(browser, '/element.html');
  for (let i = 0; i < RUNS.lazy; i++) {
    const ids = Array.from({ length: WIDGETS }, nextId);
    await lazyTab.evaluate(
      (ids, api) => {
        window.scrollTo(0, 0);
        return window.__bench.mountMany('green-qr-scan', ids, api, { attrs: { lazy: '' }, props: { sessionOptions: { lazyGraceMs: 300 } } });
      },
      ids,
      server.url,
    );
    await sleep(1500);
    lazy.onScreen.push(await onScreen(lazyTab));
    lazy.sockets.push(server.open);
    // Four rows (of 420 px) down: two other rows on screen.
    await lazyTab.evaluate(() => window.scrollTo(0, 4 * 420));
    await sleep(2000);
    lazy.onScreenAfterScroll.push(await onScreen(lazyTab));
    lazy.afterScroll.push(server.open);
    await lazyTab.evaluate(() => window.__bench.unmountMany());
    await server.waitUntil(() => server.open === 0);
  }
  await lazyTab.close();

  const rows = [
    timing(`${WIDGETS} widgets: mount (append → updated, styled, laid out)`, 'ms', out.element.mount, out.baseline.mount),
    timing(`${WIDGETS} widgets: mount → next animation frame`, 'ms', out.element.firstFrame, out.baseline.firstFrame),
    timing(`${WIDGETS} widgets: mount → all ${WIDGETS} sockets open`, 'ms', out.element.allOpen, out.baseline.allOpen),
    timing(`${WIDGETS} widgets: first QR frames sent → all ${WIDGETS} painted (first message → last paint)`, 'ms', out.element.firstPainted, out.baseline.firstPainted),
    timing(`${WIDGETS} widgets: rotated QR frames sent → all ${WIDGETS} painted`, 'ms', out.element.rotatedPainted, out.baseline.rotatedPainted),
    timing(`${WIDGETS} widgets: JS heap per widget (after GC, QR shown)`, 'KB', out.element.heapPerWidget.map((b) => b / 1024), out.baseline.heapPerWidget.map((b) => b / 1024)),
    timing(`${WIDGETS} widgets waiting for their QR codes: main-thread busy time per second`, 'ms/s', out.element.busyWaiting, out.baseline.busyWaiting),
    timing(`… the same with prefers-reduced-motion: reduce (baseline: as above, it has no animation)`, 'ms/s', out.element.busyWaitingReduced, out.baseline.busyWaiting),
    timing(`${WIDGETS} widgets showing QR codes: main-thread busy time per second`, 'ms/s', out.element.busyQr, out.baseline.busyQr),
    timing(`… the same with prefers-reduced-motion: reduce (baseline: as above, it has no animation)`, 'ms/s', out.element.busyQrReduced, out.baseline.busyQr),
  ];
  const counts = {
    element: { sockets: median(out.element.sockets), intervals: median(out.element.intervals) },
    baseline: { sockets: median(out.baseline.sockets), intervals: median(out.baseline.intervals) },
    lazy: {
      onScreen: median(lazy.onScreen),
      sockets: median(lazy.sockets),
      onScreenAfterScroll: median(lazy.onScreenAfterScroll),
      afterScroll: median(lazy.afterScroll),
      runs: lazy.sockets,
    },
  };
  return { rows, counts };
}

// 5. leaks ------------------------------------------------------------------------------------

async function settle(tab, sockets) {
  await server.waitUntil(() => server.open === sockets, 5_000);
  await tab.evaluate((n) => window.__bench.until('close', () => window.__bench.live.size <= n, 5_000).catch(() => {}), sockets);
}

async function leakBench(browser, variant, cycles) {
  const { tab, cdp } = await openPage(browser, `/${variant}.html`);
  const tag = TAG[variant];
  const api = server.url;
  const result = {};
  await tab.evaluate((n) => {
    const B = window.__bench;
    B.record = false;
    B.sockets.clear();
    B.times = new Float64Array(n);
  }, cycles);

  // Mount/unmount: an element per two cycles (mounted fresh, then again), removed once its QR code shows.
  const firstId = instanceCounter;
  instanceCounter += RUNS.warmup + cycles;
  await tab.evaluate((tag, n, id, api) => window.__bench.mountCycles(tag, n, id, api), tag, RUNS.warmup, firstId, api);
  await settle(tab, 0);
  const heap0 = await heapAfterGc(cdp);
  const t0 = Date.now();
  await tab.evaluate(
    (tag, n, id, api) => window.__bench.mountCycles(tag, n, id, api, window.__bench.times),
    tag,
    cycles,
    firstId + RUNS.warmup,
    api,
  );
  const wall = Date.now() - t0;
  await settle(tab, 0);
  const counts = await tab.evaluate(() => window.__bench.counts());
  result.cycles = cycles;
  result.mount = {
    times: await tab.evaluate(() => [...window.__bench.times]),
    wallMs: wall,
    serverSockets: server.open,
    pageSockets: counts.liveSockets,
    timers: counts.liveTimers,
    timersByKind: counts.timers,
    heapGrowth: (await heapAfterGc(cdp)) - heap0,
  };

  // restart(): one element, restarted `cycles` times, each time until the new socket's QR code shows.
  // Warm-up on another element first, so that the heap is compared with no element mounted.
  const mountOne = (id) =>
    tab.evaluate(
      (tag, id, api) => {
        const B = window.__bench;
        B.el = B.create(tag, id, 'auto', api);
        document.body.append(B.el);
        return B.nextMessage();
      },
      tag,
      id,
      api,
    );
  await mountOne(nextId());
  await tab.evaluate((n) => window.__bench.restartCycles(window.__bench.el, n), RUNS.warmup);
  await tab.evaluate(() => window.__bench.el.remove());
  await settle(tab, 0);
  const heap1 = await heapAfterGc(cdp);
  await mountOne(nextId());
  const t1 = Date.now();
  await tab.evaluate((n) => window.__bench.restartCycles(window.__bench.el, n, window.__bench.times), cycles);
  const wall1 = Date.now() - t1;
  await server.waitUntil(() => server.open === 1, 5_000);
  const restartSocketsMounted = server.open;
  const mounted = await tab.evaluate(() => window.__bench.counts());
  // Removed straight after the last restart; counted as soon as its socket has closed.
  await tab.evaluate(() => window.__bench.el.remove());
  await settle(tab, 0);
  const after = await tab.evaluate(() => window.__bench.counts());
  const restartSockets = server.open;
  const restartHeap = (await heapAfterGc(cdp)) - heap1;
  // `cycles` restart() calls in one task: how many sockets? (The element only: the baseline opens one
  // socket per call, and a thousand at once only measures Chromium's limits.)
  let burst = null;
  if (variant === 'element') {
    await mountOne(nextId());
    burst = await tab.evaluate(async (n) => {
      const B = window.__bench;
      const before = B.socketsCreated;
      for (let i = 0; i < n; i++) B.el.restart();
      await B.nextMessage();
      await B.sleep(300);
      return B.socketsCreated - before;
    }, cycles);
    await tab.evaluate(() => window.__bench.el.remove());
    await settle(tab, 0);
  }
  result.restart = {
    times: await tab.evaluate(() => [...window.__bench.times]),
    wallMs: wall1,
    serverSocketsWhileMounted: restartSocketsMounted,
    timersWhileMounted: mounted.liveTimers,
    timersWhileMountedByKind: mounted.timers,
    serverSockets: restartSockets,
    pageSockets: after.liveSockets,
    timers: after.liveTimers,
    timersByKind: after.timers,
    heapGrowth: restartHeap,
    burstSockets: burst,
  };
  await tab.close();
  return result;
}

// --- output -----------------------------------------------------------------------------------

function table(header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c ?? '–')));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}
const fmt = (x, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? '–' : typeof x === 'number' ? x.toFixed(digits) : String(x));
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const bytes = (n) => (n === null ? '–' : n.toLocaleString('en-US'));

// --- main -------------------------------------------------------------------------------------

// Debian's Chromium, installed if missing (as before `npm test`; a no-op when it is there).
execFileSync(process.execPath, [new URL('scripts/ensure-chromium.mjs', root).pathname], { stdio: 'inherit' });
log('sizes');
const sizeRows = await sizes();
log('QR code frames');
const nextQr = await qrFrames();
const server = await startBenchServer({ files, nextQr });
const browser = await puppeteer.launch(chromiumLaunch(['--js-flags=--expose-gc', '--enable-precise-memory-info']));
const chromium = await browser.version();
let frames, startup, many, leaks;
try {
  log(`frame → pixels (${RUNS.frames} elements per variant)`);
  frames = await framesBench(browser);
  log(`startup (${RUNS.startup} mounts, ${RUNS.moduleEval} module loads per variant)`);
  startup = await startupBench(browser);
  log(`${WIDGETS} widgets (${RUNS.many} rounds per variant, ${RUNS.lazy} lazy)`);
  many = await manyBench(browser);
  leaks = {};
  for (const variant of VARIANTS) {
    const cycles = variant === 'element' ? RUNS.cycles : RUNS.baselineCycles;
    log(`leaks: ${variant} (${cycles} mount/unmount cycles, ${cycles} restarts)`);
    leaks[variant] = await leakBench(browser, variant, cycles);
  }
} finally {
  await browser.close();
  await server.close();
}
const durationS = (Date.now() - startedAt) / 1000;

const timingRows = [
  ...frames.rows,
  ...startup.rows,
  ...many.rows,
  timing(`mount/unmount cycles: one cycle (mount → QR code → remove)`, 'ms', leaks.element.mount.times, leaks.baseline.mount.times),
  timing(`restart() calls: one restart (→ new socket's QR code)`, 'ms', leaks.element.restart.times, leaks.baseline.restart.times),
];
/** ` (timeout 1000 ms × 47, …)` for a non-empty histogram of pending timers. */
const kinds = (byKind) => {
  const entries = Object.entries(byKind ?? {});
  return entries.length ? ` (${entries.map(([kind, n]) => `${kind} × ${n}`).join(', ')})` : '';
};
const findRow = (prefix) => timingRows.find((r) => r.name.startsWith(prefix));
const firstPx = findRow('frame → pixels, first');
const rotPx = findRow('frame → pixels, rotated');
const MB = 1024 * 1024;
const L = leaks.element;
const goals = [
  {
    goal: 'frame → pixels p95 within 1.1× the vanilla baseline',
    met: firstPx.ratio.p95 <= 1.1 && rotPx.ratio.p95 <= 1.1,
    detail: `first QR ${firstPx.ratio.p95}× (${firstPx.element.p95} vs ${firstPx.baseline.p95} ms), rotated ${rotPx.ratio.p95}× (${rotPx.element.p95} vs ${rotPx.baseline.p95} ms)`,
  },
  {
    goal: 'frame → pixels p95 within one frame (16.7 ms)',
    met: firstPx.element.p95 <= FRAME_MS && rotPx.element.p95 <= FRAME_MS,
    detail:
      `first QR ${firstPx.element.p95} ms, rotated ${rotPx.element.p95} ms (baseline ${firstPx.baseline.p95} / ${rotPx.baseline.p95} ms); ` +
      `painted in the first frame after the message: element ${frames.framesLate.element.of - frames.framesLate.element.late}/${frames.framesLate.element.of}, ` +
      `baseline ${frames.framesLate.baseline.of - frames.framesLate.baseline.late}/${frames.framesLate.baseline.of}`,
  },
  {
    goal: 'startup: no round trip before the socket, no work at import beyond defining the element',
    met:
      startup.counts.element.requestsBeforeSocket === 0 &&
      startup.counts.element.importTimers === 0 &&
      startup.counts.element.importSockets === 0 &&
      startup.counts.element.importRequests === 0 &&
      startup.counts.element.defined,
    detail:
      `${startup.counts.element.requestsBeforeSocket} requests before the socket in ${RUNS.startup} mounts; at import: ` +
      `${startup.counts.element.importTimers} timers, ${startup.counts.element.importSockets} sockets, ${startup.counts.element.importRequests} requests in ${RUNS.moduleEval} loads; ` +
      `connected → new WebSocket() p95 ${findRow('startup: connected → new').element.p95} ms (same task)`,
  },
  {
    goal: `${WIDGETS} widgets: one socket each; lazy: only those on screen`,
    met:
      many.counts.element.sockets === WIDGETS &&
      many.counts.lazy.sockets <= many.counts.lazy.onScreen &&
      many.counts.lazy.afterScroll <= many.counts.lazy.onScreenAfterScroll,
    detail: `${many.counts.element.sockets} sockets for ${WIDGETS} widgets; lazy: ${many.counts.lazy.sockets} sockets with ${many.counts.lazy.onScreen} on screen, ${many.counts.lazy.afterScroll} with ${many.counts.lazy.onScreenAfterScroll} on screen after scrolling`,
  },
  {
    goal: `leaks: 0 sockets and 0 timers left after ${RUNS.cycles} mount/unmount cycles and ${RUNS.cycles} restart() calls`,
    met: L.mount.serverSockets === 0 && L.mount.timers === 0 && L.restart.serverSockets === 0 && L.restart.timers === 0,
    detail:
      `mount/unmount: ${L.mount.serverSockets} sockets, ${L.mount.timers} timers${kinds(L.mount.timersByKind)}; ` +
      `restart: ${L.restart.serverSockets} sockets, ${L.restart.timers} timers${kinds(L.restart.timersByKind)} right after removal ` +
      `(${L.restart.serverSocketsWhileMounted} socket and ${L.restart.timersWhileMounted} timers${kinds(L.restart.timersWhileMountedByKind)} while still mounted)`,
  },
  {
    goal: 'leaks: heap growth after forced GC < 1 MB',
    met: L.mount.heapGrowth < MB && L.restart.heapGrowth < MB,
    detail: `mount/unmount ${kb(L.mount.heapGrowth)}, restart ${kb(L.restart.heapGrowth)} (baseline ${kb(leaks.baseline.mount.heapGrowth)}, ${kb(leaks.baseline.restart.heapGrowth)})`,
  },
  {
    goal: '`npm run bench` finishes in under 5 minutes',
    met: durationS < 300,
    detail: `${durationS.toFixed(0)} s for the measurements (plus \`npm run build\`)`,
  },
];

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model?.trim() ?? 'unknown',
  cores: cpus.length,
  memoryGB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  loadAverageAtStart: loadAtStart.map((x) => round(x)),
};
const results = {
  date: new Date().toISOString(),
  quick,
  machine,
  node: process.version,
  chromium,
  durationS: round(durationS, 1),
  runs: RUNS,
  size: sizeRows,
  timings: timingRows,
  framesLate: frames.framesLate,
  startup: startup.counts,
  widgets: many.counts,
  leaks: Object.fromEntries(
    VARIANTS.map((v) => [
      v,
      Object.fromEntries(
        Object.entries(leaks[v]).map(([k, r]) => [
          k,
          typeof r === 'object' ? Object.fromEntries(Object.entries(r).filter(([key]) => key !== 'times')) : r,
        ]),
      ),
    ]),
  ),
  goals,
};

const sizeTable = table(
  ['bundle', 'raw', 'minified', 'gzip -9', 'brotli'],
  sizeRows.map((r) => [r.name, bytes(r.raw), bytes(r.min), bytes(r.gzip), bytes(r.brotli)]),
);
const timingTable = table(
  ['measure', 'unit', 'element median', 'element p95', 'baseline median', 'baseline p95', '× median', '× p95', 'n'],
  timingRows.map((r) => [
    r.name,
    r.unit,
    fmt(r.element.median),
    fmt(r.element.p95),
    fmt(r.baseline?.median),
    fmt(r.baseline?.p95),
    fmt(r.ratio?.median),
    fmt(r.ratio?.p95),
    r.element.n,
  ]),
);
const B = leaks.baseline;
const countTable = table(
  ['count', 'element', `baseline (leaks: ${RUNS.baselineCycles} cycles)`, 'goal'],
  [
    ['requests before the socket (all startup mounts)', startup.counts.element.requestsBeforeSocket, startup.counts.baseline.requestsBeforeSocket, '0'],
    ['timers / sockets / requests created at import (all loads)', `${startup.counts.element.importTimers} / ${startup.counts.element.importSockets} / ${startup.counts.element.importRequests}`, `${startup.counts.baseline.importTimers} / ${startup.counts.baseline.importSockets} / ${startup.counts.baseline.importRequests}`, '0 / 0 / 0'],
    [`sockets open, ${WIDGETS} widgets`, many.counts.element.sockets, many.counts.baseline.sockets, String(WIDGETS)],
    [`intervals running, ${WIDGETS} widgets showing QR codes`, many.counts.element.intervals, many.counts.baseline.intervals, ''],
    [`sockets open, ${WIDGETS} lazy widgets, ${many.counts.lazy.onScreen} on screen`, many.counts.lazy.sockets, `${WIDGETS} (no lazy mode)`, `≤ ${many.counts.lazy.onScreen}`],
    [`… after scrolling 4 rows down (${many.counts.lazy.onScreenAfterScroll} on screen, lazyGraceMs 300)`, many.counts.lazy.afterScroll, '', `≤ ${many.counts.lazy.onScreenAfterScroll}`],
    [`sockets left open on the server, ${RUNS.cycles} mount/unmount`, L.mount.serverSockets, B.mount.serverSockets, '0'],
    [`timers left running, ${RUNS.cycles} mount/unmount`, L.mount.timers, B.mount.timers, '0'],
    [`heap growth after GC, ${RUNS.cycles} mount/unmount`, kb(L.mount.heapGrowth), kb(B.mount.heapGrowth), '< 1 MB'],
    [`sockets left open on the server, ${RUNS.cycles} restart() then remove`, L.restart.serverSockets, B.restart.serverSockets, '0'],
    [`timers left running, ${RUNS.cycles} restart() then remove`, L.restart.timers, B.restart.timers, '0'],
    [`… while still mounted: sockets / timers`, `${L.restart.serverSocketsWhileMounted} / ${L.restart.timersWhileMounted}`, `${B.restart.serverSocketsWhileMounted} / ${B.restart.timersWhileMounted}`, '1 / –'],
    [`heap growth after GC, ${RUNS.cycles} restart()`, kb(L.restart.heapGrowth), kb(B.restart.heapGrowth), '< 1 MB'],
    [`sockets opened by ${RUNS.cycles} restart() calls in one task`, L.restart.burstSockets, 'one per call', '1'],
  ],
);
const busyRow = (prefix) => timingRows.find((r) => r.name.startsWith(prefix));
const waitingBusy = busyRow(`${WIDGETS} widgets waiting`);
const qrBusy = busyRow(`${WIDGETS} widgets showing`);
const reducedRows = timingRows.filter((r) => r.name.startsWith('… the same with prefers-reduced-motion'));
const notes = [
  `- Main thread with ${WIDGETS} widgets waiting for their QR codes: ${fmt(waitingBusy.element.median, 0)} ms/s, ` +
    `${fmt(reducedRows[0].element.median, 0)} ms/s under \`prefers-reduced-motion: reduce\` (baseline ${fmt(waitingBusy.baseline.median, 0)} ms/s).`,
  `- Main thread with ${WIDGETS} widgets showing QR codes: ${fmt(qrBusy.element.median, 0)} ms/s, ` +
    `${fmt(reducedRows[1].element.median, 0)} ms/s under \`prefers-reduced-motion: reduce\` (baseline ${fmt(qrBusy.baseline.median, 0)} ms/s); ` +
    `${many.counts.element.intervals} intervals run (one countdown clock per widget).`,
  `- Frame → pixels includes waiting for the next display frame; the work alone (frame → decoded) p95 is ` +
    `${findRow('frame → decoded, first').element.p95} ms (first) and ${findRow('frame → decoded, rotated').element.p95} ms (rotated), ` +
    `baseline ${findRow('frame → decoded, first').baseline.p95} / ${findRow('frame → decoded, rotated').baseline.p95} ms.`,
  `- Timings are from a shared ${machine.cores}-core machine (load average ${machine.loadAverageAtStart[0]} at the start): tails (p95) are noisy from run to run.`,
].join('\n');
const goalList = goals.map((g) => `- **${g.met ? 'met' : 'missed'}**: ${g.goal}: ${g.detail}.`).join('\n');

console.log(`\ngreen-qr-scan bench: ${results.date}, ${machine.cpu} × ${machine.cores}, ${machine.memoryGB} GB, Node ${process.version}, ${chromium}${quick ? ' (--quick)' : ''}\n`);
console.log(`Size (bytes)\n${sizeTable}\n`);
console.log(`Timings (× = element ÷ baseline)\n${timingTable}\n`);
console.log(`Counts\n${countTable}\n`);
console.log(`Goals\n${goalList}\n`);
console.log(`Notes\n${notes}\n`);
console.log(`done in ${durationS.toFixed(0)} s`);

writeFileSync(new URL('bench/results.json', root), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(
  new URL('bench/README.md', root),
  `# Benchmark

\`npm run bench\` builds the package, then \`bench/run.mjs\` drives headless Chromium against a local
\`ws\` server (\`bench/server.mjs\`, 127.0.0.1) that sends real QR code PNGs, and compares
\`<green-qr-scan>\` (the drop-in \`dist/green-qr-scan.bundled.js\`) with a **baseline** measured in the
same run: a minimal vanilla custom element that opens the same socket and swaps one \`<img>\` on
each frame (\`bench/page/vanilla-qr.js\`). It is a benchmark, not a test: nothing fails on a number.
This file and \`bench/results.json\` are written by the script; the numbers below come from it.

- **Date:** ${results.date}${quick ? ' (`--quick`: few runs, not representative)' : ''}
- **Machine:** ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB RAM, ${machine.os} (load average ${machine.loadAverageAtStart.join(' / ')} at the start)
- **Node** ${process.version}, **Chromium** ${chromium} (headless, \`--disable-gpu\`)
- **Duration:** ${durationS.toFixed(0)} s (plus \`npm run build\`)

## Goals

${goalList}

## Notes

${notes}

## Size (bytes)

${sizeTable}

Bundled with esbuild (ES2022, ESM; "raw" is the same bundle without minification); gzip level 9
and brotli quality 11 of the minified file. The drop-in row's minified size is the shipped file
(built by \`npm run build\`). "Own code" keeps \`lit\`, \`lit/*\` and \`@lit/*\` external. The floor is the smallest useful LitElement bundled the same way: what any Lit element
ships at least.

## Timings

Median and p95 over n runs; × is element ÷ baseline (medians, p95s). Both run interleaved in the
same page.

${timingTable}

## Counts

${countTable}

## How it is measured

- **Hooks** (\`bench/page/hooks.js\`, a classic script that runs before any component code): a
  \`WebSocket\` subclass notes \`performance.now()\` when each socket is constructed, opens and
  receives a message (its listeners run before the component's); \`setTimeout\`/\`setInterval\`/
  \`clear*\` wrappers count pending timers; \`fetch\`/XHR wrappers count requests. The real socket,
  timers and network run underneath.
- **Frame → pixels:** each element connects, the server sends a QR code frame (${RUNS.frames} elements
  per variant, each shown a first QR code and ${RUNS.rotations} rotated ones, every PNG unique, after a
  random wait of up to one frame). A \`MutationObserver\` on the shadow root sees the new
  \`[part=qr]\` source, then \`img.decode()\`, then the next \`requestAnimationFrame\` callback: that
  time minus the \`message\` event's time. It includes the wait for the display's next frame
  (up to 16.7 ms at 60 Hz), so "frame → decoded" is also shown, and "painted in the first frame
  after the message" counts samples whose paint frame is the first frame that began after the
  message.
- **Startup:** \`connected → new WebSocket()\` is from \`append()\` (which runs
  \`connectedCallback\`) to the socket's construction; requests made in between are counted.
  Module evaluation: a page imports a mark module, the bundle, and a second mark module, which ES
  module order evaluates one after the other; the time between the marks is the bundle's
  top-level evaluation (a fresh, uncached load each time), and timers, sockets and requests
  created in between are counted.
- **${WIDGETS} widgets:** ${WIDGETS} elements appended at once in a 5-column grid (${RUNS.many} rounds per
  variant); "mount" runs to all \`updateComplete\`s plus a forced layout. Then one QR frame per
  socket, sent in one burst (the first QR codes, then ${RUNS.manyRotations} bursts of rotated ones per
  round): the time from the first \`message\` to the last painted QR code. JS heap per widget is the
  used heap after forced GC (DevTools protocol) with the QR codes shown, minus before mounting,
  ÷ ${WIDGETS}. Busy time is the main thread's task time per second (DevTools
  \`Performance.getMetrics\`, over ${RUNS.busyMs} ms) while the widgets wait for their QR codes, then
  while they show them, and (element) the same under emulated \`prefers-reduced-motion: reduce\`.
  Chromium's per-renderer websocket throttle delays each new connection by a random 1 to 5 s once
  16 or more are pending, which is why "all sockets open" takes about 5 s for both. Lazy: ${WIDGETS} \`lazy\`
  widgets in a 1280×800 viewport with ${many.counts.lazy.onScreen} on screen, sockets counted by the
  server after 1.5 s; then scrolled four rows down (\`lazyGraceMs\` 300) and counted again after 2 s.
- **Leaks:** ${RUNS.cycles} cycles (baseline: ${RUNS.baselineCycles}) of: mount an element, wait for
  its QR code, remove it (each element is mounted twice: fresh, then again); and one element's \`restart()\` ${RUNS.cycles} times (baseline:
  ${RUNS.baselineCycles}), each until the new socket's QR code, then removed. After
  ${RUNS.warmup} warm-up cycles, heap after forced GC is compared before and after. Sockets left open
  are counted by the server, timers by the hooks (\`results.json\` lists them by delay), as soon as the
  last socket has closed after the last removal.
`,
);
console.log('wrote bench/results.json and bench/README.md');
