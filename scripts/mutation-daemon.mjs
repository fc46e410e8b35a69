// `npm run mutation`'s test daemon (see stryker.config.mjs). Stryker instruments every mutant of
// src/core at once (mutant switching) and picks the active one at run time by its id, so between two
// mutants only that id changes, never the served code. This daemon starts web-test-runner ONCE, in
// its watch mode (browser and esbuild caches kept, nothing exits after a run), with the project's
// config and the core test files (test/core/*.test.ts), and answers runs on 127.0.0.1:
//
//   GET /run?mutant=<id>  runs the core tests that reach the mutant with it active (each test file
//                         runs on a fresh page whose inline script sets
//                         `globalThis.__stryker__.activeMutant`); answers JSON {passed, …} or
//                         {timeout: true}. Without a mutant: every core test.
//   GET /stop             stops the runner (and its Chromium) and exits.
//
// Which tests reach a mutant (Stryker's "perTest" coverage analysis, done here because Stryker's
// command runner cannot): the instrumented code counts every mutant it passes in
// `__stryker__.mutantCoverage` — under `perTest[currentTestId]` while a test runs, else `static`.
// The page script hooks a root beforeEach/afterEach into mocha that sets `currentTestId` to the
// test's full title, and the first (warm-up) run reads the counts from each page before it closes.
// A mutant run then runs only the tests that covered the mutant (mocha `grep` on their full
// titles), the whole file where it was covered outside a test (module code, before/after hooks),
// and nothing when no test reached it (it survives: no coverage). Mutant runs use mocha `bail` and a
// per-test timeout of max(3 s, 3 × the test's warm-up time + 1 s), so a mutant that makes a test
// wait fails fast rather than after mocha's 10 s.
//
// Started by scripts/mutation-client.mjs (Stryker's command) with cwd = Stryker's sandbox, so it
// serves the instrumented copy; its pid and port are in `.mutation-daemon-<slot>.json` there (one daemon per Stryker worker). It exits when
// told, after MUTATION_IDLE_MS (120 s) without a request, when its directory is gone, or after a run
// that took over MUTATION_RUN_TIMEOUT_MS (40 s; the first, mutant-free run of every test
// MUTATION_DRY_RUN_TIMEOUT_MS, 240 s: a hung mutant, maybe a page stuck in a loop; the
// client reports it killed and the next call starts a fresh daemon). scripts/mutation.mjs
// (`npm run mutation`) stops it too when Stryker ends.
import http from 'node:http';
import { createRequire } from 'node:module';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = process.cwd();
const require = createRequire(join(root, 'package.json'));
const wtrDist = dirname(require.resolve('@web/test-runner'));
const { TestRunner, SESSION_STATUS } = require('@web/test-runner');
const { readFileConfig } = require(join(wtrDist, 'config', 'readFileConfig.js'));
const { parseConfig } = require(join(wtrDist, 'config', 'parseConfig.js'));

const STATE_FILE = join(root, `.mutation-daemon-${process.env.MUTATION_SLOT ?? 'main'}.json`);
// scripts/mutation.mjs stops every daemon listed here when Stryker ends.
if (process.env.MUTATION_DAEMON_PIDS) appendFileSync(process.env.MUTATION_DAEMON_PIDS, `${process.pid}\n`);
const RUN_TIMEOUT_MS = Number(process.env.MUTATION_RUN_TIMEOUT_MS) || 40_000;
/** Stryker's first run (no mutant) runs every core test, not a few: it gets longer (Stryker's own limit is 5 minutes). */
const DRY_RUN_TIMEOUT_MS = Number(process.env.MUTATION_DRY_RUN_TIMEOUT_MS) || 240_000;
const IDLE_MS = Number(process.env.MUTATION_IDLE_MS) || 120_000;
const MIN_TEST_TIMEOUT_MS = Number(process.env.MUTATION_MIN_TEST_TIMEOUT_MS) || 2_000;
const log = (...args) => console.log(new Date().toISOString(), ...args);

const testFiles = readdirSync(join(root, 'test/core'))
  .filter((n) => n.endsWith('.test.ts'))
  .sort()
  .map((n) => `test/core/${n}`);

/** mutant id → source file, from the instrumented sources (for the client's message only). */
const idToFile = new Map();
for (const e of readdirSync(join(root, 'src/core'), { withFileTypes: true, recursive: true })) {
  if (!e.isFile() || !e.name.endsWith('.ts')) continue;
  const file = relative(root, join(e.parentPath ?? e.path, e.name)).split('\\').join('/');
  for (const m of readFileSync(join(root, file), 'utf8').matchAll(/stryMutAct_9fa48\("(\d+)"\)/g)) idToFile.set(m[1], file);
}
log(`${testFiles.length} core test files, ${idToFile.size} instrumented mutants`);

// ---- the test page ----------------------------------------------------------------------------

/** What the next test pages get: the active mutant and per-test timeouts (title → ms). */
let page = { mutant: undefined, timeouts: undefined };

/**
 * Inline script before the test framework: sets the active mutant, and hooks mocha's root
 * beforeEach/afterEach the moment mocha's bdd interface defines them on the window (pre-require,
 * before any test file is imported) to name the current test for Stryker's coverage counters.
 */
function pageScript() {
  return `(() => {
  const ns = (globalThis.__stryker__ = { activeMutant: ${JSON.stringify(page.mutant ?? null)} ?? undefined });
  const timeouts = ${JSON.stringify(page.timeouts ?? null)};
  const hook = (name, body) => Object.defineProperty(globalThis, name, {
    configurable: true,
    enumerable: true,
    get() { return undefined; },
    set(fn) {
      Object.defineProperty(globalThis, name, { value: fn, writable: true, configurable: true, enumerable: true });
      fn(body);
    },
  });
  hook('beforeEach', function () {
    const title = this.currentTest.fullTitle();
    ns.currentTestId = title;
    if (timeouts && timeouts[title]) this.currentTest.timeout(timeouts[title]);
  });
  hook('afterEach', function () { ns.currentTestId = undefined; });
})();`;
}

// ---- the runner -------------------------------------------------------------------------------

const rawConfig = await readFileConfig({ configPath: join(root, 'web-test-runner.config.mjs') });
const { config, groupConfigs } = await parseConfig(
  {
    ...rawConfig,
    files: testFiles,
    watch: true,
    reporters: [],
    testFramework: { ...(rawConfig.testFramework ?? {}), config: { ...(rawConfig.testFramework?.config ?? {}) } },
    middleware: [
      // The test page's HTML differs per mutant under the same URL: never let the browser reuse it.
      async (context, next) => {
        await next();
        if (context.path === '/') context.set('Cache-Control', 'no-store');
      },
      ...(rawConfig.middleware ?? []),
    ],
    testRunnerHtml: (testFramework) =>
      `<html><body><script>${pageScript()}</script><script type="module" src="${testFramework}"></script></body></html>`,
  },
  {},
);
const runner = new TestRunner(config, groupConfigs);
/** The mocha options each test page reads when it starts (grep and bail are set per run). */
const mochaConfig = config.testFramework.config;

// Read Stryker's coverage counters from each page before web-test-runner closes it (warm-up only).
let collectCoverage = true;
/** session id → { static: {id: n}, perTest: {title: {id: n}} } */
const coverageBySession = new Map();
for (const launcher of config.browsers) {
  const stopSession = launcher.stopSession.bind(launcher);
  launcher.stopSession = async (sessionId) => {
    if (collectCoverage) {
      try {
        const p = launcher.activePages?.get(sessionId)?.puppeteerPage;
        // null: the page ran no instrumented code (it reaches no mutant).
        if (p) coverageBySession.set(sessionId, await p.evaluate(() => globalThis.__stryker__?.mutantCoverage ?? null));
      } catch (e) {
        log(`coverage of session ${sessionId} not read: ${e.message}`);
      }
    }
    return stopSession(sessionId);
  };
}

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log('stopping');
  setTimeout(() => process.exit(code), 15_000).unref();
  try {
    await runner.stop();
  } catch (e) {
    log('stop failed', e);
  }
  try {
    const state = JSON.parse(readFileSync(STATE_FILE, 'utf8'));
    if (state.pid === process.pid) rmSync(STATE_FILE, { force: true });
  } catch {
    /* gone already */
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => shutdown(0));

/** Resolves when the current test run has finished. */
function runFinished() {
  return new Promise((res) => {
    const onFinish = ({ testRun }) => {
      runner.off('test-run-finished', onFinish);
      res(testRun);
    };
    runner.on('test-run-finished', onFinish);
  });
}

const sessionOf = (file) => [...runner.sessions.forTestFile(resolve(root, file))][0];

/** Every test of a session's results: [{title (mocha full title), passed, duration, error}]. */
function testsOf(session) {
  const out = [];
  const walk = (suite, path) => {
    for (const t of suite?.tests ?? []) out.push({ title: [...path, t.name].join(' '), ...t });
    for (const c of suite?.suites ?? []) walk(c, [...path, c.name]);
  };
  walk(session?.testResults, []);
  return out;
}

/**
 * What a finished session says: how many tests ran (tests left out by grep or after bail are in
 * the results too, neither passed nor failed) and its failures (failed tests, page errors).
 */
function verdict(session) {
  const failed = [];
  const name = relative(root, session.testFile);
  for (const e of session.errors ?? []) failed.push(`${name}: ${e.message}`);
  let ran = 0;
  for (const t of testsOf(session)) {
    if (t.passed || t.error) ran += 1;
    if (t.error) failed.push(`${name}: ${t.title}: ${t.error.message}`);
  }
  if (!session.passed && ran === 0 && failed.length === 0) failed.push(`${name}: no test ran`);
  return { ran, failed };
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

let queue = Promise.resolve();
/**
 * Runs `plan` (file → titles to run, or 'all') with `mutant` active; serialised.
 * @param {string | undefined} mutant
 * @param {Map<string, string[] | 'all'>} plan
 */
function run(mutant, plan) {
  const result = queue.then(async () => {
    const started = Date.now();
    const files = [...plan.keys()];
    const titles = [...plan.entries()].flatMap(([f, t]) => (t === 'all' ? testTitles.get(f) ?? [] : t));
    page = {
      mutant,
      timeouts: mutant === undefined ? undefined : Object.fromEntries(titles.map((t) => [t, timeoutOf.get(t) ?? 10_000])),
    };
    delete mochaConfig.grep;
    delete mochaConfig.bail;
    if (mutant !== undefined) {
      mochaConfig.bail = true;
      mochaConfig.grep = `/^(?:${titles.map(escapeRe).join('|')})$/`;
    }
    const sessionIds = new Set(files.map((f) => sessionOf(f).id));
    // A mutant is killed by the first failure: the run's sessions not started yet are ended unrun.
    let aborted = false;
    const abortedIds = new Set();
    const onUpdate = (session) => {
      if (mutant === undefined || aborted || !sessionIds.has(session.id)) return;
      if (session.status !== SESSION_STATUS.FINISHED || !verdict(session).failed.length) return;
      aborted = true;
      for (const other of runner.sessions.all())
        if (sessionIds.has(other.id) && other.status === SESSION_STATUS.SCHEDULED) {
          abortedIds.add(other.id);
          runner.sessions.updateStatus(other, SESSION_STATUS.FINISHED);
        }
    };
    runner.sessions.on('session-status-updated', onUpdate);
    const done = runFinished();
    runner.runTests(files.map(sessionOf));
    let timer;
    const limit = mutant === undefined ? DRY_RUN_TIMEOUT_MS : RUN_TIMEOUT_MS;
    const timedOut = new Promise((res) => (timer = setTimeout(() => res('timeout'), limit)));
    const outcome = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    runner.sessions.off('session-status-updated', onUpdate);
    if (outcome === 'timeout') return { timeout: true, files, ms: Date.now() - started };
    const failed = [];
    let ran = 0;
    for (const s of files.map(sessionOf)) {
      if (abortedIds.has(s.id)) continue;
      const v = verdict(s);
      if (process.env.MUTATION_DEBUG) log(`${s.testFile}: ${v.ran} ran of ${testsOf(s).length}, ${v.failed.length} failed, passed=${s.passed}`);
      ran += v.ran;
      failed.push(...v.failed);
    }
    return { passed: failed.length === 0, files, tests: ran, failed: failed.slice(0, 5), ms: Date.now() - started };
  });
  queue = result.catch(() => {});
  return result;
}

// ---- warm-up: every core test, no mutant, coverage read ----------------------------------------

/** test file → every test's full title; test title → its mutant-run timeout. */
const testTitles = new Map();
const timeoutOf = new Map();
/** mutant id → Map(test file → Set of titles | 'all'). */
const coverage = new Map();

// The warm-up's findings are kept in the sandbox: a daemon started again after a hung mutant reuses
// them and skips the warm-up run.
const WARMUP_FILE = join(root, '.mutation-warmup.json');
/** test file → { titles: [full title], durations: {title: ms}, coverage: counters | null | undefined } */
let warmup;
try {
  warmup = JSON.parse(readFileSync(WARMUP_FILE, 'utf8'));
} catch {
  warmup = undefined;
}
if (warmup) {
  const runTests = runner.runTests;
  runner.runTests = async () => {}; // start() would run every test file
  await runner.start();
  runner.runTests = runTests;
  collectCoverage = false;
  log('warm-up findings reused');
} else {
  for (let attempt = 1; ; attempt += 1) {
    const firstRun = runFinished();
    if (attempt === 1) await runner.start();
    else runner.runTests(runner.sessions.all());
    await firstRun;
    const failedFiles = testFiles.filter((f) => !sessionOf(f)?.passed);
    if (failedFiles.length === 0 || attempt === 3) {
      if (failedFiles.length) log(`warm-up: failing files (their coverage is partial): ${failedFiles.join(', ')}`);
      break;
    }
    log(`warm-up: failing files ${failedFiles.join(', ')}; again`);
  }
  collectCoverage = false;
  warmup = {};
  for (const file of testFiles) {
    const session = sessionOf(file);
    const tests = testsOf(session);
    warmup[file] = {
      titles: tests.map((t) => t.title),
      durations: Object.fromEntries(tests.map((t) => [t.title, t.duration ?? 0])),
      // undefined (not read: the file runs whole for every mutant) stays out of the JSON
      coverage: coverageBySession.get(session.id),
      passed: session.passed,
    };
  }
  writeFileSync(WARMUP_FILE, JSON.stringify(warmup));
}
for (const file of testFiles) {
  const { titles, durations, coverage: cov } = warmup[file];
  testTitles.set(file, titles);
  for (const t of titles) timeoutOf.set(t, Math.max(MIN_TEST_TIMEOUT_MS, 3 * (durations[t] ?? 0) + 1_000));
  if (cov === null) continue;
  if (!cov) {
    log(`no coverage from ${file}: mutants run it whole`);
    continue;
  }
  const at = (id) => {
    if (!coverage.has(id)) coverage.set(id, new Map());
    return coverage.get(id);
  };
  for (const id of Object.keys(cov.static ?? {})) at(id).set(file, 'all');
  for (const [title, ids] of Object.entries(cov.perTest ?? {})) {
    for (const id of Object.keys(ids)) {
      const m = at(id);
      const cur = m.get(file);
      if (cur === 'all') continue;
      if (!cur) m.set(file, new Set([title]));
      else cur.add(title);
    }
  }
}
const withoutCoverage = new Set(testFiles.filter((f) => warmup[f].coverage === undefined));
log(`warm-up: ${coverage.size} of ${idToFile.size} mutants covered`);

/** What to run for a mutant: covered tests; whole files without coverage data. */
function planFor(mutant) {
  const plan = new Map();
  if (mutant === undefined) {
    for (const f of testFiles) plan.set(f, 'all');
    return plan;
  }
  for (const f of withoutCoverage) plan.set(f, 'all');
  for (const [f, titles] of coverage.get(mutant) ?? []) if (!plan.has(f)) plan.set(f, titles === 'all' ? 'all' : [...titles]);
  return plan;
}

// ---- the HTTP side ----------------------------------------------------------------------------

let idleTimer;
const armIdle = () => {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    log('idle: exiting');
    shutdown(0);
  }, IDLE_MS);
};
armIdle();
setInterval(() => {
  if (!existsSync(join(root, 'package.json'))) shutdown(0);
}, 5_000).unref();

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  armIdle();
  if (url.pathname === '/stop') {
    res.end('{}');
    shutdown(0);
    return;
  }
  if (url.pathname !== '/run') {
    res.statusCode = 404;
    res.end();
    return;
  }
  const mutant = url.searchParams.get('mutant') || undefined;
  const plan = planFor(mutant);
  const head = { mutant: mutant ?? null, file: mutant ? idToFile.get(mutant) ?? null : null };
  res.setHeader('content-type', 'application/json');
  if (plan.size === 0) {
    res.end(JSON.stringify({ ...head, passed: true, noCoverage: true, files: [], tests: 0, failed: [], ms: 0 }));
    log(`mutant ${mutant}: no coverage`);
    return;
  }
  try {
    const result = await run(mutant, plan);
    res.end(JSON.stringify({ ...head, ...result }));
    log(
      `mutant ${mutant ?? '-'} ${result.timeout ? 'TIMEOUT' : result.passed ? 'passed' : 'FAILED'} ${result.ms} ms, ${result.files.length} files, ${result.tests ?? '?'} tests`,
    );
    if (result.timeout) shutdown(1);
  } catch (e) {
    res.statusCode = 500;
    res.end(JSON.stringify({ error: String(e?.stack ?? e) }));
  } finally {
    armIdle();
  }
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  writeFileSync(STATE_FILE, JSON.stringify({ pid: process.pid, port }));

  log(`listening on 127.0.0.1:${port}`);
});
