// `npm run bench` (after `npm run build`): a benchmark, not a test. Drives headless Chromium against
// a local `ws` server (bench/server.mjs) and compares <green-qr-scan> (the drop-in build: dist/
// green-qr-scan.bundled.js and any chunk it loads) with a minimal vanilla custom element that swaps
// an <img> on each frame and counts down as text (bench/page/vanilla-qr.js), measured in the same
// run. Prints the tables, writes bench/results.json and bench/README.md. Nothing here fails on a
// slow number: the goals are reported as met or missed.
//
// Every element/baseline ratio comes from ROUNDS interleaved rounds (element, baseline, element,
// baseline, …; within a round the samples of both alternate where they can): each round gives one
// ratio, and a row shows the median of those ratios with their spread (min–max; IQR in
// results.json). A goal is met only when that median is within it.
//
//   node bench/run.mjs [--quick]     --quick: one round and few samples, for trying the script out
//   BENCH_ROUNDS=n                   rounds (default 5, --quick 1)
//   BENCH_ONLY=many,frames,…         run only these sections (frames, startup, many, lazy, cycles,
//                                    leaks) and print; bench/README.md and results.json are left alone
//   BENCH_BUSY_MS=n                  length of a counting-down busy window (default 2000: two ticks)
//   node bench/run.mjs --report      no measuring: the goals and bench/README.md again from the
//                                    measurements in bench/results.json (after a change to this
//                                    file's goals, tables or text)
//   node bench/run.mjs --report --sizes   the same, with the sizes (deterministic bytes) measured
//                                    again from dist/ (run `npm run build` first): after a change
//                                    that moves bytes but not the timings
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { qrFrames } from './qr-frames.mjs';
import { startBenchServer } from './server.mjs';
import { chromiumLaunch } from '../scripts/chromium.mjs';
import { brotli, DEFAULT_PATH_CHUNKS, dropInChunks, gzip, ownCode, TARGETS } from '../scripts/chunks.mjs';

const startedAt = Date.now();
const loadAtStart = os.loadavg();
const quick = process.argv.includes('--quick');
const REPORT = process.argv.includes('--report');
/** With --report: measure the sizes again from dist/ (they are bytes, deterministic). */
const RESIZE = REPORT && process.argv.includes('--sizes');
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || (quick ? 1 : 5));
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const runs = (section) => !ONLY || ONLY.has(section);
const RUNS = {
  rounds: ROUNDS,
  frames: quick ? 4 : 20, // elements per variant per round; each shows a first QR code and `rotations` rotated ones
  rotations: 4,
  startup: quick ? 4 : 10, // mounts per variant per round
  moduleEval: quick ? 2 : 5, // fresh module loads per variant per round
  manyRotations: quick ? 1 : 2, // bursts of rotated QR codes per round
  busyMs: Math.max(1000, Number(process.env.BENCH_BUSY_MS) || 2000), // counting-down window: whole 1-s periods
  busyWaitingMs: 1000, // window while waiting for the QR codes (no countdown: the skeleton's animation)
  settleMs: 500, // after a forced GC or a media change, before a busy window
  // The element's one-off "GREEN-API is preparing the code" hint (the session's slowHintAfterMs,
  // 8 s by default): the 200 widgets get it after 1 s (sessionOptions), so that it has fired before
  // their sockets are all open (about 5 s) and the waiting windows measure the steady wait.
  slowHintMs: 1000,
  tickOffsetMs: 500, // a counting-down window starts this long after a tick
  cycles: quick ? 10 : 40, // per variant per round: mount/unmount cycles, then restart() calls (timed)
  lazy: quick ? 1 : 2,
  leakCycles: quick ? 100 : 1000,
  leakBaselineCycles: quick ? 50 : 200,
  warmup: quick ? 10 : 30,
};
const WIDGETS = 200;
const FRAME_MS = 1000 / 60;
const TAG = { element: 'green-qr-scan', baseline: 'vanilla-qr' };
const VARIANTS = ['element', 'baseline'];

const root = new URL('..', import.meta.url);
const read = (path) => readFileSync(new URL(path, root));
let chunks = { entry: 'green-qr-scan.bundled.js', chunks: [] };
if (!REPORT || RESIZE) {
  try {
    chunks = dropInChunks();
  } catch (error) {
    console.error(`${error.message}\nRun \`npm run build\` first (or \`npm run bench\`).`);
    process.exit(1);
  }
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
/** Linear-interpolation quantile (for the IQR of a few per-round ratios). */
function quantile(xs, q) {
  const s = sorted(xs);
  if (!s.length) return NaN;
  const at = (s.length - 1) * q;
  return s[Math.floor(at)] + (s[Math.ceil(at)] - s[Math.floor(at)]) * (at - Math.floor(at));
}
const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);
const STATS = { median, p95: (xs) => percentile(xs, 0.95), mean: (xs) => xs.reduce((a, b) => a + b, 0) / xs.length };
const spread = (xs, digits) => ({
  median: round(median(xs), digits),
  min: round(Math.min(...xs), digits),
  max: round(Math.max(...xs), digits),
  q1: round(quantile(xs, 0.25), digits),
  q3: round(quantile(xs, 0.75), digits),
  perRound: xs.map((x) => round(x, digits)),
});

/**
 * A row from interleaved rounds: `rounds[r] = { element: samples[], baseline: samples[] }`. Each
 * round reduces its samples to `stat` (median, p95 or mean; a once-per-round figure is one
 * sample) and gives one ratio; the row holds the median and spread of the per-round figures and
 * ratios. `goal`: `{ ratio: x }` (× median ≤ x) or `{ element: x }` (element median ≤ x).
 */
function row(name, unit, stat, rounds, goal) {
  const reduce = STATS[stat];
  const e = rounds.map((r) => reduce(r.element));
  const b = rounds.map((r) => reduce(r.baseline));
  const ratios = e.map((x, i) => x / b[i]);
  const out = {
    name,
    unit,
    stat,
    rounds: rounds.length,
    samplesPerRound: median(rounds.map((r) => r.element.length)),
    element: spread(e, 3),
    baseline: spread(b, 3),
    ratio: spread(ratios, 2),
  };
  if (goal) {
    out.goal = goal;
    out.met = goal.ratio !== undefined ? out.ratio.median <= goal.ratio : out.element.median <= goal.element;
  }
  return out;
}
/** Per-round samples of each variant, filled round by round. */
const perRound = () => Array.from({ length: RUNS.rounds }, () => ({ element: [], baseline: [] }));
/** The interleaved order of a round's `i`-th pair: element first, then baseline (or the reverse for odd `i`). */
const pairOrder = (i) => (i % 2 ? [...VARIANTS].reverse() : VARIANTS);

// --- 1. size ----------------------------------------------------------------------------------

async function sizes() {
  const litFloor = async (minify) =>
    Buffer.from(
      (
        await (await import('esbuild')).build({
          entryPoints: [new URL('bench/lit-floor.js', root).pathname],
          bundle: true,
          format: 'esm',
          target: 'es2022',
          minify,
          legalComments: 'none',
          write: false,
          logLevel: 'silent',
        })
      ).outputFiles[0].contents,
    );
  const sized = (name, loaded, min, raw) => ({ name, loaded, raw: raw?.length ?? null, min: min.length, gzip: gzip(min), brotli: brotli(min) });
  const own = await ownCode();
  const floorMin = await litFloor(true);
  const loaded = (c) => (c.firstQr ? 'before the first QR' : DEFAULT_PATH_CHUNKS.includes(c.name) ? 'before the first QR (messenger auto)' : 'on demand');
  const rows = chunks.chunks.map((c) => ({ name: `drop-in chunk: dist/${c.file}`, loaded: loaded(c), raw: null, min: c.bytes, gzip: c.gzip, brotli: c.brotli }));
  const total = (name, loaded, t) => ({ name, loaded, raw: null, min: t.bytes, gzip: t.gzip, brotli: t.brotli });
  rows.push(
    total('drop-in, first QR, messenger set: entry + static imports (Lit inlined)', `${chunks.firstQr.files.length} file(s)`, chunks.firstQr),
    total('drop-in, first QR, default (messenger auto): + the GetSettings chunk', `${chunks.firstQrAuto.files.length} file(s)`, chunks.firstQrAuto),
    total('drop-in, all chunks', `${chunks.all.files.length} file(s)`, chunks.all),
    sized('own code (src/define.ts, lit + @lit/* external)', '', own.min, own.raw),
    sized('floor: minimal LitElement, Lit inlined (bench/lit-floor.js)', '', floorMin, await litFloor(false)),
    sized(
      'baseline: vanilla element (bench/page/vanilla-qr.js)',
      '',
      Buffer.from((await transform(vanillaSource.toString(), { minify: true, format: 'esm', target: 'es2022' })).code),
      vanillaSource,
    ),
  );
  const first = rows.find((r) => r.name.startsWith('drop-in, first QR'));
  const floor = rows.find((r) => r.name.startsWith('floor'));
  rows.push({ name: 'first QR minus floor (what the element adds to Lit)', loaded: '', raw: null, min: first.min - floor.min, gzip: first.gzip - floor.gzip, brotli: first.brotli - floor.brotli });
  return { rows, chunks: chunks.chunks, firstQr: chunks.firstQr, firstQrAuto: chunks.firstQrAuto, all: chunks.all, targets: TARGETS, modules: await moduleProfile() };
}

/**
 * What the drop-in file is made of: the build again (in memory, the same config), each module of
 * the entry chunk minified and gzipped on its own (`{ module, min, gzip }`, biggest first). The
 * file compresses better as a whole, so the parts add up to more than the file.
 */
async function moduleProfile() {
  const { build } = await import('vite');
  const found = [];
  await build({
    root: fileURLToPath(root),
    logLevel: 'silent',
    build: { write: false, emptyOutDir: false },
    plugins: [
      {
        name: 'bench-module-profile',
        async generateBundle(_, bundle) {
          const entry = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry);
          for (const [id, m] of Object.entries(entry.modules)) {
            if (!m.code) continue;
            const { code } = await transform(m.code, { minify: true, format: 'esm', target: 'es2022', charset: 'utf8' });
            const module = id.includes('/node_modules/') ? id.slice(id.lastIndexOf('/node_modules/') + 14) : relative(fileURLToPath(root), id);
            found.push({ module, min: Buffer.byteLength(code), gzip: gzip(Buffer.from(code)) });
          }
        },
      },
    ],
  });
  return found.sort((a, b) => b.gzip - a.gzip || (a.module < b.module ? -1 : 1));
}

// --- pages --------------------------------------------------------------------------------------

const js = (body) => ({ type: 'text/javascript', body });
const html = (body) => ({ type: 'text/html; charset=utf-8', body });
const ENTRY_URL = `/${chunks.entry}`;
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
  // Every chunk of the drop-in build, at its path under dist/ (chunks load from the entry's folder).
  ...chunks.chunks.map((c) => [`/${c.file}`, js(read(`dist/${c.file}`))]),
  ['/mark-start.js', mark('start')],
  ['/mark-end.js', mark('end')],
  ['/both.html', page([ENTRY_URL, '/vanilla-qr.js'])],
  ['/element.html', page([ENTRY_URL])],
  ['/baseline.html', page(['/vanilla-qr.js'])],
  ['/eval-element.html', evalPage(ENTRY_URL)],
  ['/eval-baseline.html', evalPage('/vanilla-qr.js')],
]);

// --- the browser --------------------------------------------------------------------------------

/** The bench server (bench/server.mjs), started in main. */
let server;
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

/**
 * The renderer's cumulative main-thread times (ms): all tasks, and script, style and layout within
 * them; in wall-clock time, or in the thread's CPU time for a session enabled with `threadTicks`.
 */
async function mainThread(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name) => metrics.find((m) => m.name === name).value * 1000;
  return { task: get('TaskDuration'), script: get('ScriptDuration'), style: get('RecalcStyleDuration'), layout: get('LayoutDuration') };
}

/**
 * Main-thread busy time per second over `ms`: `Performance.getMetrics` task time (and its script,
 * style and layout parts) before and after, in the main thread's CPU time (`cpu`, a session in
 * `threadTicks`: what a busy neighbour on a shared machine does not inflate) and in wall-clock time
 * (`wall`: `busyWall`). With `aligned`, the window starts `tickOffsetMs`
 * after a countdown tick (bench/page/hooks.js) and `ms` is whole periods, so a window holds one
 * tick per second, each with its rendering, and the time is divided by the ticks that ran inside
 * (each is one second of countdown): on a loaded machine a late tick can fall into the next window,
 * and per tick the figure stays right. `perWall` is the plain rate over the wall-clock window.
 */
async function busyWindow(tab, { cpu, wall }, ms, { aligned = false } = {}) {
  if (aligned) await tab.evaluate((offset) => window.__bench.tickPhase(offset), RUNS.tickOffsetMs);
  const ticks0 = await tab.evaluate(() => window.__bench.ticks);
  const before = await mainThread(cpu);
  const beforeWall = await mainThread(wall);
  const t0 = performance.now();
  await sleep(ms);
  const after = await mainThread(cpu);
  const afterWall = await mainThread(wall);
  const seconds = (performance.now() - t0) / 1000;
  const ticks = (await tab.evaluate(() => window.__bench.ticks)) - ticks0;
  const per = aligned && ticks > 0 ? ticks : seconds;
  const rate = (key) => (after[key] - before[key]) / per;
  return {
    busy: rate('task'),
    script: rate('script'),
    style: rate('style'),
    layout: rate('layout'),
    busyWall: (afterWall.task - beforeWall.task) / per,
    ticks,
    seconds,
  };
}

/** Sets or clears emulated `prefers-reduced-motion: reduce`. */
const reducedMotion = (tab, on) => tab.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: on ? 'reduce' : '' }]);

const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'];

/**
 * One counting-down window (aligned like `busyWindow`) under Chromium's tracing: the page's main
 * thread events between two user-timing marks, by self time (an event's duration minus its
 * children's), per second. What the busy time is made of.
 */
async function profileWindow(tab, ms) {
  await tab.tracing.start({ categories: TRACE_CATEGORIES });
  await tab.evaluate((offset) => window.__bench.tickPhase(offset), RUNS.tickOffsetMs);
  const ticks0 = await tab.evaluate(() => (performance.mark('bench-profile-start'), window.__bench.ticks));
  await sleep(ms);
  const ticks = (await tab.evaluate(() => (performance.mark('bench-profile-end'), window.__bench.ticks))) - ticks0;
  const trace = JSON.parse(Buffer.from(await tab.tracing.stop()).toString('utf8'));
  const events = trace.traceEvents ?? trace;
  const marks = Object.fromEntries(events.filter((e) => e.name?.startsWith('bench-profile-')).map((e) => [e.name, e]));
  const start = marks['bench-profile-start'];
  const end = marks['bench-profile-end'];
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === start.pid).map((e) => e.tid));
  const slices = events
    .filter((e) => e.ph === 'X' && e.pid === start.pid && main.has(e.tid) && e.ts >= start.ts && e.ts + (e.dur ?? 0) <= end.ts && e.dur > 0)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  let taskTime = 0;
  // Nesting by wall-clock intervals; times in the thread's CPU time (tdur) where the trace has it.
  const cpuTime = (e) => e.tdur ?? e.dur;
  for (const e of slices) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) parent.children += cpuTime(e);
    else taskTime += cpuTime(e);
    const entry = { ts: e.ts, dur: e.dur, name: e.name, children: 0 };
    stack.push(entry);
    e.entry = entry;
  }
  /** Event names, with V8's and Blink's many GC phases as one. */
  const label = (name) => (/RunTask$/.test(name) ? '(task, not attributed)' : /^V8\.GC|GC$|^Major |^Minor |BlinkGC|^CppGC/.test(name) ? 'GC (all phases)' : name);
  for (const e of slices) {
    const name = label(e.name);
    self.set(name, (self.get(name) ?? 0) + Math.max(0, cpuTime(e) - e.entry.children));
  }
  const seconds = (end.ts - start.ts) / 1e6;
  const top = [...self.entries()]
    .map(([name, us]) => ({ name, msPerS: round(us / 1000 / seconds, 2) }))
    .sort((a, b) => b.msPerS - a.msPerS)
    .slice(0, 10);
  return { seconds: round(seconds, 2), ticks, busyMsPerS: round(taskTime / 1000 / seconds, 2), top };
}

/**
 * Runs `step()` under Chromium's tracing and returns the page's main-thread self CPU time per trace
 * event (ms, the 10 largest) and in all: what one mount or one burst is made of. Tracing slows
 * script down, so this splits the time rather than measuring it (the timed rounds run untraced).
 */
async function traceStep(tab, step) {
  await tab.tracing.start({ categories: TRACE_CATEGORIES });
  await tab.evaluate(() => performance.mark('bench-step-start'));
  await step();
  await tab.evaluate(() => performance.mark('bench-step-end'));
  const trace = JSON.parse(Buffer.from(await tab.tracing.stop()).toString('utf8'));
  const events = trace.traceEvents ?? trace;
  const start = events.find((e) => e.name === 'bench-step-start');
  const end = events.find((e) => e.name === 'bench-step-end');
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === start.pid).map((e) => e.tid));
  const slices = events
    .filter((e) => e.ph === 'X' && e.pid === start.pid && main.has(e.tid) && e.ts >= start.ts && e.ts + (e.dur ?? 0) <= end.ts && e.dur > 0)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const cpuTime = (e) => e.tdur ?? e.dur;
  const stack = [];
  let taskTime = 0;
  for (const e of slices) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) parent.children += cpuTime(e);
    else taskTime += cpuTime(e);
    e.entry = { ts: e.ts, dur: e.dur, children: 0 };
    stack.push(e.entry);
  }
  const label = (name) => (/RunTask$/.test(name) ? '(task, not attributed)' : /^V8\.GC|GC$|^Major |^Minor |BlinkGC|^CppGC/.test(name) ? 'GC (all phases)' : name);
  const self = new Map();
  for (const e of slices) self.set(label(e.name), (self.get(label(e.name)) ?? 0) + Math.max(0, cpuTime(e) - e.entry.children));
  const top = [...self.entries()]
    .map(([name, us]) => ({ name, ms: round(us / 1000, 1) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10);
  return { totalMs: round(taskTime / 1000, 1), top };
}

// 2. frame → pixels ---------------------------------------------------------------------------

async function framesBench(browser) {
  const { tab } = await openPage(browser, '/both.html');
  const rounds = Array.from({ length: RUNS.rounds }, () => Object.fromEntries(VARIANTS.map((v) => [v, { first: [], rotated: [] }])));
  let paints = 0;
  for (const r of rounds) {
    for (let i = 0; i < RUNS.frames; i++) {
      for (const variant of pairOrder(i)) {
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
          r[variant][k === 0 ? 'first' : 'rotated'].push(record);
        }
        await tab.evaluate(() => window.__bench.current.remove());
      }
    }
  }
  await tab.close();
  const pick = (kind, f) => rounds.map((r) => ({ element: r.element[kind].map(f), baseline: r.baseline[kind].map(f) }));
  const pixels = (p) => p.tPaint - p.tMsg;
  const decoded = (p) => p.tDecoded - p.tMsg;
  const dom = (p) => p.tDom - p.tMsg;
  const rows = [
    row('frame → pixels, first QR code (message → decoded → next animation frame)', 'ms', 'p95', pick('first', pixels), { ratio: 1.1, earlier: true }),
    row('frame → pixels, rotated QR code', 'ms', 'p95', pick('rotated', pixels), { ratio: 1.1, earlier: true }),
    row('frame → decoded, first QR code (the work, without the wait for the frame)', 'ms', 'p95', pick('first', decoded), { ratio: 1.2 }),
    row('frame → decoded, first QR code', 'ms', 'median', pick('first', decoded)),
    row('frame → decoded, rotated QR code', 'ms', 'p95', pick('rotated', decoded)),
    row('frame → <img src> set, first QR code', 'ms', 'median', pick('first', dom)),
    row('frame → <img src> set, rotated QR code', 'ms', 'median', pick('rotated', dom)),
  ];
  const framesLate = Object.fromEntries(
    VARIANTS.map((v) => {
      const all = rounds.flatMap((r) => [...r[v].first, ...r[v].rotated]);
      return [v, { late: all.filter((p) => p.framesLate > 0).length, of: all.length, p95FramesLate: percentile(all.map((p) => p.framesLate), 0.95) }];
    }),
  );
  const p95All = Object.fromEntries(
    VARIANTS.map((v) => [v, { first: percentile(rounds.flatMap((r) => r[v].first.map(pixels)), 0.95), rotated: percentile(rounds.flatMap((r) => r[v].rotated.map(pixels)), 0.95) }]),
  );
  return { rows, framesLate, p95All };
}

// 3. startup --------------------------------------------------------------------------------------

async function startupBench(browser) {
  const { tab } = await openPage(browser, '/both.html');
  const tab2 = await browser.newPage();
  const mounts = perRound();
  const evals = perRound();
  for (const r of mounts.keys()) {
    for (let i = 0; i < RUNS.startup; i++) {
      for (const variant of pairOrder(i)) {
        mounts[r][variant].push(await tab.evaluate((tag, id, api) => window.__bench.startup(tag, id, api), TAG[variant], nextId(), server.url));
      }
    }
    // Module evaluation: a fresh document per load (no-store: fetched, compiled and evaluated anew).
    for (let i = 0; i < RUNS.moduleEval; i++) {
      for (const variant of pairOrder(i)) {
        await tab2.goto(`${server.url}/eval-${variant}.html`);
        await tab2.waitForFunction(() => window.__bench?.marks.end, { polling: 20 });
        evals[r][variant].push(
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
  }
  await tab.close();
  await tab2.close();
  const pick = (rounds, key) => rounds.map((r) => ({ element: r.element.map((x) => x[key]), baseline: r.baseline.map((x) => x[key]) }));
  const rows = [
    row('startup: connected → new WebSocket()', 'ms', 'p95', pick(mounts, 'toSocket')),
    row('startup: connected → socket open', 'ms', 'median', pick(mounts, 'toOpen')),
    row('startup: module evaluation (drop-in entry and its static imports vs vanilla module)', 'ms', 'median', pick(evals, 'ms')),
  ];
  const sum = (records, key) => records.reduce((s, r) => s + r[key], 0);
  const all = (rounds, v) => rounds.flatMap((r) => r[v]);
  const counts = Object.fromEntries(
    VARIANTS.map((v) => [
      v,
      {
        mounts: all(mounts, v).length,
        loads: all(evals, v).length,
        requestsBeforeSocket: sum(all(mounts, v), 'requests'),
        importTimers: sum(all(evals, v), 'timers'),
        importSockets: sum(all(evals, v), 'sockets'),
        importRequests: sum(all(evals, v), 'requests'),
        defined: all(evals, v).every((r) => r.defined),
      },
    ]),
  );
  return { rows, counts };
}

// 4. many widgets ---------------------------------------------------------------------------------

const BUSY_KEYS = ['busyWaiting', 'busyWaitingReduced', 'busyQr', 'busyQrReduced'];
/** The 200 widgets' settings beyond the usual: the element's one-off hint early (see RUNS.slowHintMs). */
const MANY_EXTRA = { element: { props: { sessionOptions: { slowHintAfterMs: RUNS.slowHintMs } } }, baseline: {} };

async function manyBench(browser) {
  const { tab, cdp } = await openPage(browser, '/both.html');
  const cpu = await tab.createCDPSession();
  await cpu.send('Performance.enable', { timeDomain: 'threadTicks' });
  const sessions = { cpu, wall: cdp };
  const keys = ['mount', 'firstFrame', 'allOpen', 'firstPainted', 'rotatedPainted', 'heapPerWidget', 'sockets', 'intervals', ...BUSY_KEYS];
  const rounds = Array.from({ length: RUNS.rounds }, () => Object.fromEntries(VARIANTS.map((v) => [v, Object.fromEntries(keys.map((k) => [k, []]))])));
  const profiles = {};
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
  /** A busy window after a forced GC and a settling pause, with and then without reduced motion. */
  const busyPair = async (ms, aligned) => {
    await cdp.send('HeapProfiler.collectGarbage');
    await sleep(RUNS.settleMs);
    const plain = await busyWindow(tab, sessions, ms, { aligned });
    await reducedMotion(tab, true);
    await sleep(RUNS.settleMs);
    const reduced = await busyWindow(tab, sessions, ms, { aligned });
    await reducedMotion(tab, false);
    return [plain, reduced];
  };
  for (const [r, round_] of rounds.entries()) {
    // Element, then baseline: rounds interleave E, B, E, B, …; each starts after a forced GC.
    for (const variant of VARIANTS) {
      const o = round_[variant];
      if (!(await server.waitUntil(() => server.open === 0))) throw new Error('sockets of the last round still open');
      const heap0 = await heapAfterGc(cdp);
      const ids = Array.from({ length: WIDGETS }, nextId);
      const mountedAt = Date.now();
      const mount = await tab.evaluate((tag, ids, api, extra) => window.__bench.mountMany(tag, ids, api, extra), TAG[variant], ids, server.url, MANY_EXTRA[variant]);
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
      await sleep(mountedAt + RUNS.slowHintMs + RUNS.settleMs - Date.now());
      const [waiting, waitingReduced] = await busyPair(RUNS.busyWaitingMs, false);
      o.busyWaiting.push(waiting);
      o.busyWaitingReduced.push(waitingReduced);
      o.firstPainted.push(await burst(ids));
      const rotated = [];
      for (let k = 0; k < RUNS.manyRotations; k++) rotated.push(await burst(ids));
      o.rotatedPainted.push(median(rotated));
      o.sockets.push(server.open);
      o.heapPerWidget.push(((await heapAfterGc(cdp)) - heap0) / WIDGETS);
      o.intervals.push((await tab.evaluate(() => window.__bench.counts())).liveIntervals);
      const [qr, qrReduced] = await busyPair(RUNS.busyMs, true);
      o.busyQr.push(qr);
      o.busyQrReduced.push(qrReduced);
      if (r === rounds.length - 1) {
        await cdp.send('HeapProfiler.collectGarbage');
        await sleep(RUNS.settleMs);
        profiles[variant] = await profileWindow(tab, RUNS.busyMs);
      }
      await tab.evaluate(() => window.__bench.unmountMany());
    }
  }
  // One more pass per variant after the rounds, traced and not timed: what a mount of 200 and the
  // burst of their first QR codes are made of.
  const traces = { mount: {}, firstQr: {} };
  for (const variant of VARIANTS) {
    if (!(await server.waitUntil(() => server.open === 0))) throw new Error('sockets of the last round still open');
    await cdp.send('HeapProfiler.collectGarbage');
    const ids = Array.from({ length: WIDGETS }, nextId);
    traces.mount[variant] = await traceStep(tab, () =>
      tab.evaluate((tag, ids, api, extra) => window.__bench.mountMany(tag, ids, api, extra), TAG[variant], ids, server.url, MANY_EXTRA[variant]),
    );
    if (!(await server.waitUntil(() => server.open >= WIDGETS, 60_000))) throw new Error(`only ${server.open} sockets open`);
    await tab.evaluate((ids) => window.__bench.until('open', () => ids.every((id) => window.__bench.sockets.get(String(id))?.openAt)), ids);
    await sleep(RUNS.settleMs);
    traces.firstQr[variant] = await traceStep(tab, () => burst(ids));
    await tab.evaluate(() => window.__bench.unmountMany());
  }
  await server.waitUntil(() => server.open === 0);
  await tab.close();

  const pick = (key, f = (x) => x) => rounds.map((r) => ({ element: r.element[key].map(f), baseline: r.baseline[key].map(f) }));
  const busy = (key, part = 'busy') => pick(key, (w) => w[part]);
  const rows = [
    row(`${WIDGETS} widgets: mount (append → updated, styled, laid out)`, 'ms', 'median', pick('mount'), { ratio: 1.5 }),
    row(`${WIDGETS} widgets: mount → next animation frame`, 'ms', 'median', pick('firstFrame')),
    row(`${WIDGETS} widgets: mount → all ${WIDGETS} sockets open`, 'ms', 'median', pick('allOpen')),
    row(`${WIDGETS} widgets: first QR frames sent → all ${WIDGETS} painted (first message → last paint)`, 'ms', 'median', pick('firstPainted'), { ratio: 1.3 }),
    row(`${WIDGETS} widgets: rotated QR frames sent → all ${WIDGETS} painted`, 'ms', 'median', pick('rotatedPainted')),
    row(`${WIDGETS} widgets: JS heap per widget (after GC, QR shown)`, 'KB', 'median', pick('heapPerWidget', (b) => b / 1024), { element: 4 }),
    row(`${WIDGETS} widgets waiting for their QR codes: main-thread busy time (CPU)`, 'ms/s', 'median', busy('busyWaiting')),
    row(`… the same under prefers-reduced-motion: reduce`, 'ms/s', 'median', busy('busyWaitingReduced')),
    row(`${WIDGETS} widgets counting down (QR shown): main-thread busy time (CPU)`, 'ms/s', 'median', busy('busyQr'), { ratio: 1.5 }),
    row(`… the same under prefers-reduced-motion: reduce`, 'ms/s', 'median', busy('busyQrReduced'), { ratio: 1.5 }),
  ];
  /** Busy time's parts (getMetrics) per variant: medians over rounds, ms/s. */
  const parts = Object.fromEntries(
    BUSY_KEYS.map((key) => [
      key,
      Object.fromEntries(
        VARIANTS.map((v) => {
          const ws = rounds.flatMap((r) => r[v][key]);
          const m = (part) => round(median(ws.map((w) => w[part])), 2);
          return [v, { busy: m('busy'), script: m('script'), style: m('style'), layout: m('layout'), busyWall: m('busyWall'), ticksPerWindow: ws.map((w) => w.ticks) }];
        }),
      ),
    ]),
  );
  const counts = {
    element: { sockets: median(rounds.flatMap((r) => r.element.sockets)), intervals: median(rounds.flatMap((r) => r.element.intervals)) },
    baseline: { sockets: median(rounds.flatMap((r) => r.baseline.sockets)), intervals: median(rounds.flatMap((r) => r.baseline.intervals)) },
  };
  return { rows, parts, profiles, traces, counts };
}

/** 200 `lazy` widgets, 10 of them on screen; then scrolled four rows down (the element only). */
async function lazyBench(browser) {
  const lazy = { onScreen: [], sockets: [], onScreenAfterScroll: [], afterScroll: [] };
  const onScreen = (tab) =>
    tab.evaluate(
      () =>
        window.__bench.els.filter((el) => {
          const r = el.getBoundingClientRect();
          return r.top < innerHeight && r.bottom > 0 && r.left < innerWidth && r.right > 0;
        }).length,
    );
  const { tab } = await openPage(browser, '/element.html');
  for (let i = 0; i < RUNS.lazy; i++) {
    const ids = Array.from({ length: WIDGETS }, nextId);
    await tab.evaluate(
      (ids, api) => {
        window.scrollTo(0, 0);
        return window.__bench.mountMany('green-qr-scan', ids, api, { attrs: { lazy: '' }, props: { sessionOptions: { lazyGraceMs: 300 } } });
      },
      ids,
      server.url,
    );
    await sleep(1500);
    lazy.onScreen.push(await onScreen(tab));
    lazy.sockets.push(server.open);
    // Four rows (of 420 px) down: two other rows on screen.
    await tab.evaluate(() => window.scrollTo(0, 4 * 420));
    await sleep(2000);
    lazy.onScreenAfterScroll.push(await onScreen(tab));
    lazy.afterScroll.push(server.open);
    await tab.evaluate(() => window.__bench.unmountMany());
    await server.waitUntil(() => server.open === 0);
  }
  await tab.close();
  return {
    onScreen: median(lazy.onScreen),
    sockets: median(lazy.sockets),
    onScreenAfterScroll: median(lazy.onScreenAfterScroll),
    afterScroll: median(lazy.afterScroll),
    runs: lazy.sockets,
  };
}

// 5. cycles: mount/unmount and restart(), timed in interleaved rounds ------------------------------

async function cyclesBench(browser) {
  const { tab } = await openPage(browser, '/both.html');
  await tab.evaluate(() => (window.__bench.record = false));
  const mount = perRound();
  const restart = perRound();
  for (const r of mount.keys()) {
    for (const variant of VARIANTS) {
      const firstId = instanceCounter;
      instanceCounter += RUNS.cycles;
      mount[r][variant] = await tab.evaluate(
        async (tag, n, id, api) => {
          const times = [];
          await window.__bench.mountCycles(tag, n, id, api, times);
          return times;
        },
        TAG[variant],
        RUNS.cycles,
        firstId,
        server.url,
      );
      await server.waitUntil(() => server.open === 0, 5_000);
    }
    for (const variant of VARIANTS) {
      await tab.evaluate(
        (tag, id, api) => {
          const B = window.__bench;
          B.el = B.create(tag, id, 'auto', api);
          document.body.append(B.el);
          return B.nextMessage();
        },
        TAG[variant],
        nextId(),
        server.url,
      );
      restart[r][variant] = await tab.evaluate(async (n) => {
        const times = [];
        await window.__bench.restartCycles(window.__bench.el, n, times);
        window.__bench.el.remove();
        return times;
      }, RUNS.cycles);
      await server.waitUntil(() => server.open === 0, 5_000);
    }
  }
  await tab.close();
  return [
    row('mount/unmount: one cycle (mount → QR code → remove)', 'ms', 'median', mount),
    row("restart(): one call (→ the new socket's QR code)", 'ms', 'median', restart),
  ];
}

// 6. leaks (one page per variant, not interleaved: counts and heap growth, no ratio) ---------------

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
  }, cycles);

  // Mount/unmount: an element per two cycles (mounted fresh, then again), removed once its QR code shows.
  const firstId = instanceCounter;
  instanceCounter += RUNS.warmup + cycles;
  await tab.evaluate((tag, n, id, api) => window.__bench.mountCycles(tag, n, id, api), tag, RUNS.warmup, firstId, api);
  await settle(tab, 0);
  const heap0 = await heapAfterGc(cdp);
  const t0 = Date.now();
  await tab.evaluate(
    (tag, n, id, api) => window.__bench.mountCycles(tag, n, id, api),
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
  await tab.evaluate((n) => window.__bench.restartCycles(window.__bench.el, n), cycles);
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
const bytes = (n) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US'));
const range = (s, digits = 2) => `${fmt(s.min, digits)}–${fmt(s.max, digits)}`;

// --- goals and report (from the results alone, so that --report can redo them) -------------------

/** ` (timeout 1000 ms × 47, …)` for a non-empty histogram of pending timers. */
const kinds = (byKind) => {
  const entries = Object.entries(byKind ?? {});
  return entries.length ? ` (${entries.map(([kind, n]) => `${kind} × ${n}`).join(', ')})` : '';
};
const MB = 1024 * 1024;
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Issue 14's goals and the earlier issues' goals, each judged on the median of the rounds. */
function evaluateGoals(results) {
  const { size, timings, runs: R, leaks, startup: S, widgets: W, framesLate } = results;
  const floorGzip = size.rows.find((r) => r.name.startsWith('floor')).gzip;
  const findRow = (prefix) => timings.find((r) => r.name.startsWith(prefix));
  const sizeGoal = (goal, el, limit) => ({
    goal,
    element: `${bytes(el)} B`,
    baseline: `Lit floor ${bytes(floorGzip)} B`,
    ratio: fmt(el / floorGzip),
    spread: '– (bytes: deterministic)',
    target: `≤ ${bytes(limit)} B gzip`,
    met: el <= limit,
    spreadCrosses: false,
  });
  const timedGoal = (goal, r, digits = 2) => {
    const limit = r.goal.ratio ?? r.goal.element;
    const of = r.goal.ratio !== undefined ? r.ratio : r.element;
    return {
      goal,
      element: `${fmt(r.element.median, digits)} ${r.unit}`,
      baseline: `${fmt(r.baseline.median, digits)} ${r.unit}`,
      ratio: fmt(r.ratio.median),
      spread: `${range(r.ratio)} (element ${range(r.element, digits)})`,
      target: r.goal.ratio !== undefined ? `≤ ${r.goal.ratio}×` : `≤ ${r.goal.element} ${r.unit}`,
      met: of.median <= limit,
      // The verdict stands on the median; a spread on both sides of the goal is worth a second look.
      spreadCrosses: of.min <= limit !== of.max <= limit,
    };
  };
  const busyRows = timings.filter((r) => r.name.includes('counting down') || (r.name.startsWith('… the same under') && r.goal));
  const issue14 = [
    sizeGoal('What a page loads before its first QR (drop-in, default path: messenger auto, websocket, QR, English; gzip, Lit included)', size.firstQrAuto.gzip, size.targets.firstQrAuto),
    sizeGoal('… the same for a page that sets messenger (no GetSettings)', size.firstQr.gzip, size.targets.firstQr),
    sizeGoal("All chunks together, no bigger than the single file of the issue's day", size.all.gzip, size.targets.all),
    timedGoal('JS heap per widget (200 widgets, QR shown, after GC)', findRow(`${WIDGETS} widgets: JS heap`)),
    timedGoal('Mount of 200 widgets (append → updated, styled, laid out)', findRow(`${WIDGETS} widgets: mount (`), 1),
    timedGoal('All 200 first QR codes painted (first message → last paint)', findRow(`${WIDGETS} widgets: first QR`), 1),
    timedGoal('Main-thread busy time (CPU), 200 widgets counting down', busyRows[0]),
    timedGoal('… the same under prefers-reduced-motion: reduce', busyRows[1]),
    timedGoal('Frame → decoded p95, first QR code', findRow('frame → decoded, first QR code (the work')),
  ];
  const firstPx = findRow('frame → pixels, first');
  const rotPx = findRow('frame → pixels, rotated');
  const L = leaks.element;
  const B = leaks.baseline;
  const earlier = [
    {
      goal: 'frame → pixels p95 within 1.1× the vanilla baseline',
      met: firstPx.ratio.median <= 1.1 && rotPx.ratio.median <= 1.1,
      detail: `first QR ${firstPx.ratio.median}× (per round ${range(firstPx.ratio)}), rotated ${rotPx.ratio.median}× (${range(rotPx.ratio)})`,
    },
    {
      goal: 'frame → pixels p95 within one frame (16.7 ms)',
      met: firstPx.element.median <= FRAME_MS && rotPx.element.median <= FRAME_MS,
      detail:
        `first QR ${fmt(firstPx.element.median, 1)} ms, rotated ${fmt(rotPx.element.median, 1)} ms (baseline ${fmt(firstPx.baseline.median, 1)} / ${fmt(rotPx.baseline.median, 1)} ms; medians of per-round p95s); ` +
        `painted in the first frame after the message: element ${framesLate.element.of - framesLate.element.late}/${framesLate.element.of}, ` +
        `baseline ${framesLate.baseline.of - framesLate.baseline.late}/${framesLate.baseline.of}`,
    },
    {
      goal: 'startup: no round trip before the socket, no work at import beyond defining the element',
      met: S.element.requestsBeforeSocket === 0 && S.element.importTimers === 0 && S.element.importSockets === 0 && S.element.importRequests === 0 && S.element.defined,
      detail:
        `${S.element.requestsBeforeSocket} requests before the socket in ${S.element.mounts} mounts; at import: ` +
        `${S.element.importTimers} timers, ${S.element.importSockets} sockets, ${S.element.importRequests} requests in ${S.element.loads} loads; ` +
        `connected → new WebSocket() p95 ${fmt(findRow('startup: connected → new').element.median, 1)} ms (same task)`,
    },
    {
      goal: `${WIDGETS} widgets: one socket each; lazy: only those on screen`,
      met: W.element.sockets === WIDGETS && W.lazy.sockets <= W.lazy.onScreen && W.lazy.afterScroll <= W.lazy.onScreenAfterScroll,
      detail: `${W.element.sockets} sockets for ${WIDGETS} widgets; lazy: ${W.lazy.sockets} sockets with ${W.lazy.onScreen} on screen, ${W.lazy.afterScroll} with ${W.lazy.onScreenAfterScroll} on screen after scrolling`,
    },
    {
      goal: `leaks: 0 sockets and 0 timers left after ${R.leakCycles} mount/unmount cycles and ${R.leakCycles} restart() calls`,
      met: L.mount.serverSockets === 0 && L.mount.timers === 0 && L.restart.serverSockets === 0 && L.restart.timers === 0,
      detail:
        `mount/unmount: ${L.mount.serverSockets} sockets, ${L.mount.timers} timers${kinds(L.mount.timersByKind)}; ` +
        `restart: ${L.restart.serverSockets} sockets, ${L.restart.timers} timers${kinds(L.restart.timersByKind)} right after removal ` +
        `(${L.restart.serverSocketsWhileMounted} socket and ${L.restart.timersWhileMounted} timers${kinds(L.restart.timersWhileMountedByKind)} while still mounted)`,
    },
    {
      goal: 'leaks: heap growth after forced GC < 1 MB',
      met: L.mount.heapGrowth < MB && L.restart.heapGrowth < MB,
      detail: `mount/unmount ${kb(L.mount.heapGrowth)}, restart ${kb(L.restart.heapGrowth)} (baseline ${kb(B.mount.heapGrowth)}, ${kb(B.restart.heapGrowth)})`,
    },
    {
      goal: '`npm run bench` finishes in under 5 minutes',
      met: results.durationS < 300,
      detail: `${results.durationS.toFixed(0)} s for the measurements with ${plural(R.rounds, 'round')} (plus \`npm run build\`)`,
    },
  ];
  return { issue14Goals: issue14, earlierGoals: earlier };
}

/**
 * The per-widget goals of issue 14 as bench/README.md on main reported them before the runtime work
 * (the run of 2026-11-28T22:00:34Z, 5 rounds, same machine): element, baseline, × median.
 */
const BEFORE_RUNTIME_WORK = {
  date: '2026-11-28T22:00:34Z',
  rows: [
    ['JS heap per widget', '12.66 KB', '0.88 KB', '14.60'],
    ['Mount of 200 widgets', '569.2 ms', '192.2 ms', '2.50'],
    ['All 200 first QR codes painted', '1637.0 ms', '679.9 ms', '2.28'],
    ['Busy time (CPU), 200 counting down', '48.66 ms/s', '24.64 ms/s', '2.07'],
    ['… under prefers-reduced-motion: reduce', '53.92 ms/s', '21.24 ms/s', '2.42'],
    ['Frame → decoded p95, first QR code', '45.80 ms', '15.50 ms', '1.11'],
  ],
};

/** The console report and bench/README.md, from the results. */
function render(results) {
  const { runs: R, machine, size, timings, busyParts: P, profiles, leaks, startup: S, widgets: W } = results;
  const L = leaks.element;
  const B = leaks.baseline;
  const findRow = (prefix) => timings.find((r) => r.name.startsWith(prefix));
  const verdict = (g) => (g.met ? '**met**' : 'not met') + (g.spreadCrosses ? ' (spread crosses the goal)' : '');
  const goalTable = table(
    ['goal', 'element', 'baseline', '× median', 'spread: × min–max (element min–max)', 'goal', 'met?'],
    results.issue14Goals.map((g) => [g.goal, g.element, g.baseline, g.ratio, g.spread, g.target, verdict(g)]),
  );
  const sizeTable = table(
    ['bundle', 'loaded', 'raw', 'minified', 'gzip -9', 'brotli'],
    size.rows.map((r) => [r.name, r.loaded, bytes(r.raw), bytes(r.min), bytes(r.gzip), bytes(r.brotli)]),
  );
  // Issue 14, before: one drop-in file (issue 14's own table measured 21,511 B on the day it was
  // filed; 26,364 B when the split began, after issues 10–12).
  const gz = (name) => size.chunks.find((c) => c.name === name)?.gzip;
  const splitTable = table(
    ['file', 'loaded', 'before (one file)', 'after'],
    [
      ['green-qr-scan.bundled.js (Lit, the element, the websocket path, English)', 'before the first QR', '26,364', bytes(gz('green-qr-scan.bundled.js'))],
      ["green-qr-scan.green-api-….js (GREEN-API's requests and GetSettings' lookup)", 'before the first QR (messenger auto)', 'in the file', bytes(gz('green-qr-scan.green-api.js'))],
      ["green-qr-scan.http-api-….js (the rest of the HTTP side: checks, state watcher, HTTP transport, account details)", 'on demand', 'in the file', bytes(gz('green-qr-scan.http-api.js'))],
      ['green-qr-scan.phone-….js (the phone path: session and views)', 'on demand', 'in the file', bytes(gz('green-qr-scan.phone.js'))],
      ['green-qr-scan.ru-….js (Russian)', 'on demand', 'in the file', bytes(gz('green-qr-scan.ru.js'))],
      ['before the first QR, messenger set', '', '26,364', bytes(size.firstQr.gzip)],
      ['before the first QR, messenger auto (the default)', '', '26,364', bytes(size.firstQrAuto.gzip)],
      ['all files', '', '26,364', bytes(size.all.gzip)],
    ],
  );
  const modules = size.modules ?? [];
  const isLit = (m) => /^(lit-html|lit-element|lit|@lit)\//.test(m.module);
  const litPart = modules.filter(isLit).reduce((n, m) => n + m.gzip, 0);
  const ownPart = modules.filter((m) => !isLit(m)).reduce((n, m) => n + m.gzip, 0);
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  const moduleTable = modules.length
    ? table(
        ['module of green-qr-scan.bundled.js', 'minified', 'gzip -9 (alone)'],
        modules.map((m) => [`\`${m.module}\``, bytes(m.min), bytes(m.gzip)]),
      )
    : '(not measured in this run)';
  const timingTable = timingsTable(timings);
  const partsTable = table(
    ['window', 'variant', 'busy (CPU)', 'script', 'style', 'layout', 'other', 'busy (wall clock)', 'ticks in each window'],
    [
      ['waiting (skeleton)', 'busyWaiting'],
      ['waiting, reduced motion', 'busyWaitingReduced'],
      ['counting down', 'busyQr'],
      ['counting down, reduced motion', 'busyQrReduced'],
    ].flatMap(([label, key]) =>
      VARIANTS.map((v) => {
        const p = P[key][v];
        return [label, v, fmt(p.busy), fmt(p.script), fmt(p.style), fmt(p.layout), fmt(p.busy - p.script - p.style - p.layout), fmt(p.busyWall), p.ticksPerWindow.join(' ')];
      }),
    ),
  );
  const profileTable = (() => {
    const names = [...new Set(VARIANTS.flatMap((v) => profiles[v].top.map((t) => t.name)))];
    const get = (v, name) => profiles[v].top.find((t) => t.name === name)?.msPerS;
    names.sort((a, b) => (get('element', b) ?? 0) - (get('element', a) ?? 0));
    return table(
      ['trace event (self time)', 'element ms/s', 'baseline ms/s'],
      [...names.map((n) => [n, fmt(get('element', n)), fmt(get('baseline', n))]), ['all main-thread tasks', fmt(profiles.element.busyMsPerS), fmt(profiles.baseline.busyMsPerS)]],
    );
  })();
  const countTable = table(
    ['count', 'element', `baseline (leaks: ${R.leakBaselineCycles} cycles)`, 'goal'],
    [
      ['requests before the socket (all startup mounts)', S.element.requestsBeforeSocket, S.baseline.requestsBeforeSocket, '0'],
      ['timers / sockets / requests created at import (all loads)', `${S.element.importTimers} / ${S.element.importSockets} / ${S.element.importRequests}`, `${S.baseline.importTimers} / ${S.baseline.importSockets} / ${S.baseline.importRequests}`, '0 / 0 / 0'],
      [`sockets open, ${WIDGETS} widgets`, W.element.sockets, W.baseline.sockets, String(WIDGETS)],
      [`intervals running, ${WIDGETS} widgets counting down`, W.element.intervals, W.baseline.intervals, '1'],
      [`sockets open, ${WIDGETS} lazy widgets, ${W.lazy.onScreen} on screen`, W.lazy.sockets, `${WIDGETS} (no lazy mode)`, `≤ ${W.lazy.onScreen}`],
      [`… after scrolling 4 rows down (${W.lazy.onScreenAfterScroll} on screen, lazyGraceMs 300)`, W.lazy.afterScroll, '', `≤ ${W.lazy.onScreenAfterScroll}`],
      [`sockets left open on the server, ${R.leakCycles} mount/unmount`, L.mount.serverSockets, B.mount.serverSockets, '0'],
      [`timers left running, ${R.leakCycles} mount/unmount`, L.mount.timers, B.mount.timers, '0'],
      [`heap growth after GC, ${R.leakCycles} mount/unmount`, kb(L.mount.heapGrowth), kb(B.mount.heapGrowth), '< 1 MB'],
      [`sockets left open on the server, ${R.leakCycles} restart() then remove`, L.restart.serverSockets, B.restart.serverSockets, '0'],
      [`timers left running, ${R.leakCycles} restart() then remove`, L.restart.timers, B.restart.timers, '0'],
      [`… while still mounted: sockets / timers`, `${L.restart.serverSocketsWhileMounted} / ${L.restart.timersWhileMounted}`, `${B.restart.serverSocketsWhileMounted} / ${B.restart.timersWhileMounted}`, '1 / –'],
      [`heap growth after GC, ${R.leakCycles} restart()`, kb(L.restart.heapGrowth), kb(B.restart.heapGrowth), '< 1 MB'],
      [`sockets opened by ${R.leakCycles} restart() calls in one task`, L.restart.burstSockets, 'one per call', '1'],
    ],
  );
  const earlierList = results.earlierGoals.map((g) => `- **${g.met ? 'met' : 'missed'}**: ${g.goal}: ${g.detail}.`).join('\n');
  const busyQr = findRow(`${WIDGETS} widgets counting down`);
  const perWidget = (msPerS) => fmt(msPerS / WIDGETS, 3);
  const text = [
    `\ngreen-qr-scan bench: ${results.date}, ${machine.cpu} × ${machine.cores}, ${machine.memoryGB} GB, Node ${results.node}, ${results.chromium}, ${plural(R.rounds, 'round')}${results.quick ? ' (--quick)' : ''}\n`,
    `Issue 14 goals\n${goalTable}\n`,
    `Size (bytes)\n${sizeTable}\n`,
    `Timings (× = element ÷ baseline per round)\n${timingTable}\n`,
    `Busy time's parts (ms/s, medians)\n${partsTable}\n`,
    `Profile of one counting-down window\n${profileTable}\n`,
    `Counts\n${countTable}\n`,
    `Earlier goals\n${earlierList}\n`,
    `done in ${results.durationS.toFixed(0)} s`,
  ].join('\n');
  const readme = `# Benchmark

\`npm run bench\` builds the package, then \`bench/run.mjs\` drives headless Chromium against a local
\`ws\` server (\`bench/server.mjs\`, 127.0.0.1) that sends real QR code PNGs, and compares
\`<green-qr-scan>\` (the drop-in build: \`dist/green-qr-scan.bundled.js\` and any chunk it loads) with a
**baseline** measured in the same run: a minimal vanilla custom element that opens the same socket,
swaps one \`<img>\` on each frame and counts the scan window down as text, one 1-s interval updating
every widget's \`<span>\` (\`bench/page/vanilla-qr.js\`). It is a benchmark, not a test: nothing fails
on a number. This file and \`bench/results.json\` are written by the script; the numbers below come
from it.

**Rounds.** Every element/baseline ratio is the median of ${R.rounds} interleaved round${R.rounds === 1 ? '' : 's'} (element,
baseline, element, baseline, …; within a round, samples of the two alternate where they can): each
round gives one ratio, and the spread of those ratios (min–max, and the IQR in the timings table) is
shown next to it. A goal counts as met only when the median is within it. \`BENCH_ROUNDS=n\` changes
the number of rounds; \`BENCH_ONLY=many\` (or \`frames\`, \`startup\`, \`lazy\`, \`cycles\`, \`leaks\`)
runs one section and prints it without writing these files.

- **Date:** ${results.date}${results.quick ? ' (`--quick`: few runs, not representative)' : ''}
- **Machine:** ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB RAM, ${machine.os}; load average ${machine.loadAverageAtStart.join(' / ')} at the start, ${machine.loadAverageAtEnd.join(' / ')} at the end
- **Node** ${results.node}, **Chromium** ${results.chromium} (headless, \`--disable-gpu\`)
- **Duration:** ${results.durationS.toFixed(0)} s with ${plural(R.rounds, 'round')} (plus \`npm run build\`)

The committed figures come from one full run of \`npm run bench\` on this ${machine.cores}-core machine
while it was **shared** with other jobs (browser tests of other work; see the load average above):
they are noisier than they would be on a quiet machine, which is what the spread columns show.
Rerun \`npm run bench\` on a quiet machine before quoting a close call.

## Issue 14 goals

${goalTable}

Sizes are bytes (deterministic: no rounds); the ratio is to the Lit floor below. Heap per widget is
a goal on the element's own figure (≤ 4 KB); its ratio to the baseline is shown too. "Spread crosses
the goal": some rounds fall on each side of it; the median decides, but a rerun on a quiet machine
may decide otherwise.

${runtimeSection(results, verdict)}

## Busy time: why the old reduced-motion row said 124 ms/s

The element's main-thread cost while its countdowns run comes in **one burst per second**: the
shared 1-s interval re-renders every widget showing a QR code (about 40–70 ms of style, layout and
paint for 200 widgets on this machine), and almost nothing runs in between. The old bench measured
each busy figure over **one 500-ms window** (\`Performance.getMetrics\` task time before and after),
the plain one right after the QR code bursts and the reduced-motion one 300 ms after switching the
emulation. A 500-ms window holds either no tick (1–6 ms/s) or one (80–150 ms/s), depending on its
phase against the interval, and the steps before each window took about as long in every round, so
the phase repeated: in the run that reported it, the reduced-motion window held a tick in all three
rounds (123.7 ms/s median, 126.1 p95: one ≈ 62-ms tick in 500 ms) while the plain window held one in
one round of three (3.4 ms/s median, 59.7 p95). Neither figure was the element's busy time; the
direct measure (task time over 3 s) was right.

What was checked (one-off runs on this machine, 200 element widgets showing QR codes, compared with
a Chromium trace of the same windows):

- **What is counted:** \`TaskDuration\` agrees with the sum of the renderer main thread's tasks in
  the trace within 1–4 ms per window, and its script/style/layout parts with the trace's events. The
  metric is right; the windows were not.
- **The window:** consecutive 500-ms windows read 3.6, 79, 12 and 124 ms/s; a 3-s window 49 ms/s
  plain and 65 ms/s under reduced motion (3 ticks each), in line with the issue's 34–41 ms/s.
- **The emulation call:** a 500-ms window right after \`Emulation.setEmulatedMedia\` held 2 ms of
  work. Once the QR codes show, \`prefers-reduced-motion\` only stops the skeleton's shimmer, which is
  no longer rendered: it changes nothing, with or without emulation.
- **Warm-up and GC:** a window started right after the QR bursts counted their leftovers: one held a
  22-ms major GC of the frames' garbage (element), and the baseline read 80 ms/s with no tick inside.

**The fix** (in this bench): every counting-down window is **whole periods** of the countdown
(${R.busyMs / 1000} s) and starts **${R.tickOffsetMs} ms after a tick** (the page's hooks note when an interval
fires), so each window holds exactly the same number of ticks with their rendering inside (the
"ticks in each window" column below checks it), and its time is divided by those ticks (one per
second of countdown), so a tick that a loaded machine delays into the next window is not counted
twice; before each window, a **forced GC** and
${R.settleMs / 1000} s of settling leave the bursts' leftovers out; both variants are measured the same way,
**with and without** emulated reduced motion, and the baseline now counts down too (a text
countdown, one interval), as a fair floor for a widget that ticks once a second. Busy time is
counted in the main thread's **CPU time** (\`Performance.enable\` with \`timeDomain: 'threadTicks'\`),
which a busy neighbour on a shared machine does not inflate: at a load average of 12, the wall-clock
task time of the same 2-s windows read 69–173 ms/s for the element and 20–148 ms/s for the baseline,
their CPU time 25–40 and 11–13 ms/s. Wall-clock figures are in the table below and in
\`results.json\`.

### What the busy time is made of

Medians over the rounds (ms per second of countdown, from \`Performance.getMetrics\` in CPU time:
script, style recalculation and layout are parts of the task time; "other" is the rest: paint,
pre-paint, compositing commits, hit testing, GC, task overhead; the wall-clock column is the same
windows' task time by the clock). Per widget, the element's countdown costs
${perWidget(busyQr.element.median)} ms per second (baseline ${perWidget(busyQr.baseline.median)} ms).

${partsTable}

The waiting windows start after the element's one-off hint ("GREEN-API is preparing the code"):
the bench sets \`sessionOptions.slowHintAfterMs\` to ${R.slowHintMs / 1000} s (8 s by default), so that the hint has
fired before the sockets are all open. Until 2026-11-29 the windows did not: the reduced-motion window, the later of the two,
held that hint's one render of ${WIDGETS} cards and read 81 ms/s (element) against 0.5 ms/s, which looked
like a cost of waiting under reduced motion. Measured after the hint, waiting costs the element about
nothing under reduced motion (the shimmer stops) and a few ms/s without it (the shimmer is a
composited transform: no style, layout or paint per frame).

Profile of one counting-down window of the last round (Chromium trace of the page's main thread,
self CPU time per event, ms per second of window, ${profiles.element.ticks} and ${profiles.baseline.ticks} ticks inside; "task, not
attributed" is time inside tasks that no traced event covers; tracing itself slows script down, so
this splits the time rather than measuring it):

${profileTable}

## Size (bytes)

${sizeTable}

Issue 14 split the drop-in file into what a page loads before its first QR code and chunks loaded
on demand from the same folder (gzip -9, bytes):

${splitTable}

What the drop-in file is made of, this build (each module minified and gzipped on its own; the
file compresses better as a whole, so the parts add up to more than its ${bytes(size.firstQr.gzip)} B):

${moduleTable}

What stands in the way of 12,000 B before the first QR code: Lit (\`lit-html\`,
\`@lit/reactive-element\`, \`lit-element\`: ${kb(litPart)} of the parts above) is fixed by the product's stack,
which leaves about 6 KB for everything the element itself does before its first code. Its own
modules there are ${kb(ownPart)} of the parts, and nothing left among them serves only other paths but a few
hundred bytes (the phone form's CSS, the HTTP fallback's switch in \`scan-session.ts\`): the
phone path, the HTTP side, Logout, Telegram's and MAX's flows and their views, and Russian are
chunks already. The rest is what the default path needs before and around its first code: the
element and its controller (settings, restart, offline, back/forward cache, lazy, one socket per
instance), the websocket session (reconnects, the first-code wait, confirming a scan), frame and
settings validation, the views of every state (a failure must show offline, so the failure views
cannot wait for a chunk), the countdown, English and the CSS. Even with everything a first code
does not need loaded after it (the other states' views, their texts and CSS, the session's error
paths), the file would be about 19–20 KB gzip (an estimate from this table, scaled by how much
better the whole file compresses than its parts). 12 KB would need the element's own code before
the first code cut to about a third: a smaller design of the element, its session and its views,
not more chunks.

All files together were 27.4 KB at the split, 1 KB more than the single file they replace,
because each file compresses on its own and the chunks import the entry's names; \`ru\` shrank
(UTF-8 instead of \`\\u\` escapes). Since then (the table above is today's): Logout became a chunk
of its own with its \`@lit/task\`; issue 13 added Telegram's and MAX's sessions and views as chunks
(their views left the drop-in file on 2026-11-29) and the messenger probe to the drop-in file; the
countdown that ticks without a render and the account details after linking added a few hundred
bytes. With \`messenger="auto"\` (the default) the one GetSettings before the socket loads
GREEN-API's requests too (the \`green-api\` chunk: the goal's row counts it; until 2026-11-29 it
loaded the whole HTTP side, 1.1 KB more, and the row counted only the drop-in file): a page that
knows its messenger and sets it loads only the drop-in file before its first QR
(\`test/chunks.test.ts\` checks both).

The drop-in rows are the files of \`npm run build\` (CSS of the \`css\` templates minified at build
time, then the JS): each chunk reachable from the entry, "before the first QR" when the entry
imports it statically (transitively), "on demand" when only \`import()\` reaches it
(\`scripts/chunks.mjs\`, shared with \`npm run size\`, whose per-chunk ceilings CI enforces). gzip
level 9 and brotli quality 11. "Own code" keeps \`lit\`, \`lit/*\` and \`@lit/*\` external and is
minified the same way; "raw" is before minification. The floor is the smallest useful LitElement
bundled the same way: what any Lit element ships at least.

## Timings

One figure per round and variant ("per round": the median, p95 or the single value of that
round's samples); "element" and "baseline" are the medians of those figures over the rounds; × is
the median of the per-round ratios, with their min–max and interquartile range; n is the samples per
round and variant.

${timingTable}

## Counts

${countTable}

## Earlier goals

${earlierList}

## How it is measured

- **Hooks** (\`bench/page/hooks.js\`, a classic script that runs before any component code): a
  \`WebSocket\` subclass notes \`performance.now()\` when each socket is constructed, opens and
  receives a message (its listeners run before the component's); \`setTimeout\`/\`setInterval\`/
  \`clear*\` wrappers count pending timers and note when an interval fires; \`fetch\`/XHR wrappers
  count requests. The real socket, timers and network run underneath.
- **Frame → pixels:** each element connects, the server sends a QR code frame (${R.frames} elements
  per variant per round, alternating, each shown a first QR code and ${R.rotations} rotated ones, every PNG
  unique, after a random wait of up to one frame). A \`MutationObserver\` on the shadow root sees the
  new \`[part=qr]\` source, then \`img.decode()\`, then the next \`requestAnimationFrame\` callback: that
  time minus the \`message\` event's time. It includes the wait for the display's next frame (up to
  16.7 ms at 60 Hz), so "frame → decoded" is also shown, and "painted in the first frame after the
  message" counts samples whose paint frame is the first frame that began after the message.
- **Startup:** \`connected → new WebSocket()\` is from \`append()\` (which runs \`connectedCallback\`) to
  the socket's construction (${R.startup} mounts per variant per round); requests made in between are
  counted. Module evaluation (${R.moduleEval} loads per variant per round): a page imports a mark module,
  the drop-in entry, and a second mark module, which ES module order evaluates one after the other;
  the time between the marks is the evaluation of the entry and its static imports (a fresh,
  uncached load each time), and timers, sockets and requests created in between are counted.
- **${WIDGETS} widgets:** per round, ${WIDGETS} elements, then ${WIDGETS} baselines, each appended at once in a
  5-column grid after a forced GC; "mount" runs to all \`updateComplete\`s plus a forced layout. Busy
  time while they wait for their QR codes (${R.busyWaitingMs / 1000}-s windows, after the element's one-off "preparing the
  code" hint, which \`sessionOptions\` brings forward to ${R.slowHintMs / 1000} s), then one QR frame per socket in
  one burst (the first QR codes, then ${R.manyRotations} bursts of rotated ones; the round's figure is their
  median): the time from the first \`message\` to the last painted QR code. JS heap per widget is the
  used heap after forced GC with the QR codes shown, minus before mounting, ÷ ${WIDGETS}. Then busy time
  while they count down (see above), plain and under emulated \`prefers-reduced-motion: reduce\`.
  Chromium's per-renderer websocket throttle delays each new connection by a random 1 to 5 s once 16
  or more are pending, which is why "all sockets open" takes about 5 s for both. After the rounds,
  one more mount and first-QR burst per variant runs under Chromium's tracing, untimed (the traces
  above). Lazy (the element
  only, ${R.lazy} runs): ${WIDGETS} \`lazy\` widgets in a 1280×800 viewport, sockets counted by the server after
  1.5 s; then scrolled four rows down (\`lazyGraceMs\` 300) and counted again after 2 s.
- **Cycles:** per round and variant, ${R.cycles} cycles of: mount an element, wait for its QR code,
  remove it (each element mounted twice: fresh, then again); then one element's \`restart()\` ${R.cycles}
  times, each until the new socket's QR code.
- **Leaks** (one page per variant, not interleaved: counts, no ratio): ${R.leakCycles} mount/unmount cycles
  (baseline: ${R.leakBaselineCycles}) and ${R.leakCycles} \`restart()\` calls (baseline: ${R.leakBaselineCycles}), after ${R.warmup}
  warm-up cycles; heap after forced GC is compared before and after. Sockets left open are counted by
  the server, timers by the hooks (\`results.json\` lists them by delay), as soon as the last socket
  has closed after the last removal.
`;
  return { text, readme };
}

/** What stands in the way of each per-widget goal this run missed (text for bench/README.md). */
function missedSection(goals, traceTable, timings) {
  const [heap, mount, firstQr] = goals;
  const frame = goals[5];
  const items = [];
  if (!heap.met) {
    items.push(`- **Heap (${heap.element}, goal ≤ 4 KB).** A one-off heap snapshot (200 widgets, QR shown)
  splits the rest, per widget: about 3 KB is Lit's bookkeeping of the rendered card (20 child parts,
  4 attribute parts, 10 template instances and their arrays: one per binding and per list item of
  the view), about 1.5 KB closures (the view's actions, the Logout task, the window listeners of the
  link controller, the session's and connection's callbacks), about 1 KB the controllers, session,
  connection and their options objects, and about 2 KB compiled code that the first round creates.
  Under 4 KB would need a view with far fewer bindings (or no Lit template for the QR state) and
  sessions that share their options and callbacks per class.`);
  }
  if (!mount.met) {
    items.push(`- **Mount (${mount.ratio}×).** The baseline appends nothing to its shadow root until its first QR
  code, so its mount is 200 empty elements and their sockets; the element renders its card at once
  (placeholder, status line as a live region, mode switch) and validates its settings. In the trace
  below, "Receive mojo message" is the driver's call that runs the mount, that is, the script of
  the mount itself (Lit's first render and the controllers run in its microtasks). A one-off CPU
  profile of a warm mount of 200 (2026-11-29, 50-µs sampling) put the largest share in the forced
  layout at its end (\`getBoundingClientRect\`: about 100 ms for 200 cards, 13 ms for 200 empty
  baselines), then \`new WebSocket\` (about 70 ms against the baseline's 50 ms), then the element's
  own script spread over many small functions (none over 8 ms). Trace of one mount of 200 (after
  the timed rounds):

${traceTable('mount')}`);
  }
  if (!firstQr.met) {
    items.push(`- **First QR codes painted (${firstQr.ratio}×).** The first code turns each card from the
  placeholder into the QR view (image, countdown, four steps), so 200 cards are styled and laid out
  again, and each code is decoded once before it is shown (a code that does not decode is never
  shown); the baseline only swaps an \`<img>\`. Trace of one burst of 200 first codes:

${traceTable('firstQr')}`);
  }
  const srcSet = timings.find((r) => r.name.startsWith('frame → <img src> set, first'));
  const decoded = timings.find((r) => r.name.startsWith('frame → decoded, first QR code') && r.stat === 'median');
  if (frame && !frame.met && srcSet && decoded) {
    const ms = (r, v) => `${fmt(r[v].median, 2)} ms`;
    items.push(`- **Frame → decoded p95 (${frame.ratio}×).** Split at the moment the shown \`<img>\` gets its
  \`src\` (medians): message → \`src\` set takes the element ${ms(srcSet, 'element')} (baseline ${ms(srcSet, 'baseline')}),
  \`src\` set → decoded ${fmt(decoded.element.median - srcSet.element.median, 2)} ms (baseline ${fmt(decoded.baseline.median - srcSet.baseline.median, 2)} ms).
  For the element, "\`src\` set" is the moment its image enters the card, already decoded: it
  decodes each code in a detached \`<img>\` first (a code that does not decode is never shown:
  issue 11) and then inserts that very image (since 2026-11-29; before, a second \`<img>\` got the
  same data and decoded it again: 2.44× in the run before). What is left is the order of the
  work: the element parses and checks the frame, waits for the decode, then Lit renders in a
  microtask; the baseline sets the \`src\` in the message handler and the browser decodes while
  the page goes on. Both decode the same bytes; the element's p95 adds its message handling and
  the promise hops around the decode.`);
  }
  if (!items.length) return 'Every per-widget goal is met in this run.';
  const cards = !mount.met || !firstQr.met ? `\n\nSkipping off-screen cards as a whole (\`content-visibility: auto\` on the card) would remove most of
both for the 190 widgets off screen, but a card's height depends on its state, texts and fonts, so a
card that was never on screen would take a guessed height until it scrolls near: a layout change a
page did not ask for, so it is left to pages (\`green-qr-scan::part(card) { content-visibility: auto;
contain-intrinsic-size: auto 314px auto 600px }\`).` : '';
  return `What stands in the way of the goals still missed:\n\n${items.join('\n\n')}${cards}`;
}

/** bench/README.md's section on the per-widget goals: before and after, and what stands in the way. */
function runtimeSection(results, verdict) {
  // The per-widget goals: the rows after the three byte goals.
  const goals = results.issue14Goals.slice(3);
  const before = BEFORE_RUNTIME_WORK.rows;
  const beforeAfter = table(
    ['goal', 'before: element', 'before: baseline', 'before ×', 'now: element', 'now: baseline', 'now × (spread)', 'goal', 'met now?'],
    goals.map((g, i) => [before[i][0], before[i][1], before[i][2], before[i][3], g.element, g.baseline, `${g.ratio} (${g.spread.split(' ')[0]})`, g.target, verdict(g)]),
  );
  const T = results.traces;
  const traceTable = (kind) => {
    if (!T?.[kind]) return '(not traced in this run)';
    const names = [...new Set(VARIANTS.flatMap((v) => T[kind][v].top.map((t) => t.name)))];
    const get = (v, name) => T[kind][v].top.find((t) => t.name === name)?.ms;
    names.sort((a, b) => (get('element', b) ?? 0) - (get('element', a) ?? 0));
    return table(
      ['trace event (self time)', 'element ms', 'baseline ms'],
      [...names.map((n) => [n, fmt(get('element', n), 1), fmt(get('baseline', n), 1)]), ['all main-thread tasks', fmt(T[kind].element.totalMs, 1), fmt(T[kind].baseline.totalMs, 1)]],
    );
  };
  return `## Per-widget runtime: before and after

"Before" is bench/README.md on main before this work (the run of ${BEFORE_RUNTIME_WORK.date}, 5
rounds, the same shared machine); "now" is this run. The same methodology and baseline in both.

${beforeAfter}

What changed:

- **The countdown ticks without a render.** The shared 1-s interval used to call \`requestUpdate()\`
  on every widget: a view model, a Lit update and a style and layout pass of each card per second.
  Now a tick writes only what changes (the seconds' text node, the timer's \`aria-label\`, the bar's
  transform, the \`low\` class; \`src/element/countdown.ts\`); a milestone that is announced (60, 30,
  10 s) still renders. Script per tick fell from about 30 µs to about 5 µs per widget.
- **Off-screen countdowns are not rendered.** The countdown has \`content-visibility: auto\` with a
  one-line stand-in height, so the browser skips style, layout and paint of countdowns off screen
  (their text and label are still written; the card's size does not change, which
  \`test/countdown.test.ts\` checks with another font). Each card is its own paint layer
  (\`isolation: isolate\`), so a tick repaints the changed cards, not every card. **Read the busy-time
  ratio with this in mind:** in the bench's 1280×800 viewport, 10 of the 200 widgets are on screen;
  a countdown on screen still costs about 2–3× the baseline's \`<span>\` per tick (its text sits in a
  flex row inside a flex card, so the layout walks more boxes, and the bar's transform adds a style
  and pre-paint update), which a page with all its widgets on screen would see.
- **Each QR code is held once.** The element kept every shown code twice: the browser's copy (the
  \`<img>\`'s \`src\`) and a JS string (the session's \`qrImage\` and Lit's last value), about 5 KB
  each. The image decoder the element gives its session now resolves with the browser's copy of the
  same text, which the session and the \`<img>\` then share (\`test/core/decode-image.test.ts\`).

${missedSection(goals, traceTable, results.timings)}`;
}

/** The timings table (also printed alone with BENCH_ONLY). */
function timingsTable(timings) {
  return table(
    ['measure', 'unit', 'per round', 'element', 'baseline', '× median', '× min–max', '× IQR', 'rounds × n'],
    timings.map((r) => [
      r.name,
      r.unit,
      r.stat,
      fmt(r.element.median),
      fmt(r.baseline.median),
      fmt(r.ratio.median),
      range(r.ratio),
      `${fmt(r.ratio.q1)}–${fmt(r.ratio.q3)}`,
      `${r.rounds} × ${r.samplesPerRound}`,
    ]),
  );
}

// --- main -------------------------------------------------------------------------------------

const resultsUrl = new URL('bench/results.json', root);
let results;
if (REPORT) {
  results = JSON.parse(readFileSync(resultsUrl, 'utf8'));
  if (RESIZE) results.size = await sizes();
} else {
  // Debian's Chromium, installed if missing (as before `npm test`; a no-op when it is there).
  execFileSync(process.execPath, [new URL('scripts/ensure-chromium.mjs', root).pathname], { stdio: 'inherit' });
  log('sizes');
  const size = await sizes();
  log('QR code frames');
  const nextQr = await qrFrames();
  server = await startBenchServer({ files, nextQr });
  const browser = await puppeteer.launch(chromiumLaunch(['--js-flags=--expose-gc', '--enable-precise-memory-info']));
  const chromium = await browser.version();
  let frames, startup, many, lazy, cycles;
  const leaks = {};
  try {
    log(`${plural(RUNS.rounds, 'interleaved round')} per section${ONLY ? ` (only: ${[...ONLY].join(', ')})` : ''}`);
    if (runs('frames')) {
      log(`frame → pixels (${RUNS.frames} elements per variant per round)`);
      frames = await framesBench(browser);
    }
    if (runs('startup')) {
      log(`startup (${RUNS.startup} mounts, ${RUNS.moduleEval} module loads per variant per round)`);
      startup = await startupBench(browser);
    }
    if (runs('many')) {
      log(`${WIDGETS} widgets (${plural(RUNS.rounds, 'round')}: element, baseline, …)`);
      many = await manyBench(browser);
    }
    if (runs('lazy')) {
      log(`${WIDGETS} lazy widgets (${plural(RUNS.lazy, 'run')})`);
      lazy = await lazyBench(browser);
    }
    if (runs('cycles')) {
      log(`mount/unmount and restart() cycles (${RUNS.cycles} of each per variant per round)`);
      cycles = await cyclesBench(browser);
    }
    if (runs('leaks')) {
      for (const variant of VARIANTS) {
        const n = variant === 'element' ? RUNS.leakCycles : RUNS.leakBaselineCycles;
        log(`leaks: ${variant} (${n} mount/unmount cycles, ${n} restarts)`);
        leaks[variant] = await leakBench(browser, variant, n);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const durationS = (Date.now() - startedAt) / 1000;
  const timings = [...(frames?.rows ?? []), ...(startup?.rows ?? []), ...(many?.rows ?? []), ...(cycles ?? [])];
  if (ONLY) {
    console.log(`\nTimings (BENCH_ONLY=${[...ONLY].join(',')}; nothing written)\n${timingsTable(timings)}\n`);
    if (many) console.log('busy parts', JSON.stringify(many.parts, null, 1), '\nprofiles', JSON.stringify(many.profiles, null, 1), '\ntraces', JSON.stringify(many.traces, null, 1));
    if (lazy) console.log('lazy', lazy);
    if (startup) console.log('startup counts', startup.counts);
    if (leaks.element) console.log('leaks', JSON.stringify(leaks));
    console.log(`done in ${durationS.toFixed(0)} s`);
    process.exit(0);
  }
  const cpus = os.cpus();
  results = {
    date: new Date().toISOString(),
    quick,
    machine: {
      cpu: cpus[0]?.model?.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAverageAtStart: loadAtStart.map((x) => round(x)),
      loadAverageAtEnd: os.loadavg().map((x) => round(x)),
    },
    node: process.version,
    chromium,
    durationS: round(durationS, 1),
    runs: RUNS,
    size,
    timings,
    busyParts: many.parts,
    profiles: many.profiles,
    traces: many.traces,
    framesLate: frames.framesLate,
    startup: startup.counts,
    widgets: { ...many.counts, lazy },
    leaks,
  };
}
Object.assign(results, evaluateGoals(results));
const { text, readme } = render(results);
console.log(text);
writeFileSync(resultsUrl, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL('bench/README.md', root), readme);
console.log(`wrote bench/results.json and bench/README.md${REPORT ? ' (goals and text redone from the measurements in bench/results.json)' : ''}`);
