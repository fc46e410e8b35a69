// `npm run examples`: installs, type-checks and builds the example apps in examples/ (plain HTML,
// React, Vue, Angular) with their own tools, then opens each in headless Chromium, served by its
// backend (examples/backend.mjs: the ticket route and green-qr-scan/server from dist/server) in front of
// the local GREEN-API stand-in, in the token-free setup: the page must get a ticket from the backend
// and show a QR code through it; when the stand-in ends the scan window, the page must get a fresh
// ticket and show a new QR code; after a simulated scan it must show `linked: 79001234567@c.us` and
// the backend's onLinked must have seen the link. Every request of the page goes to its own origin
// (none to GREEN-API directly), and no ticket is in a URL. One line per check; exits non-zero if any
// failed.
//
//   node scripts/examples.mjs [html] [react] [vue] [angular]     (default: all)
//
// Needs the package built (`npm run build`; done here when dist/ is missing). Each example depends on
// "green-qr-scan": "file:../.." installed as a copy (install-links=true in its .npmrc), so after
// `npm ci` (only when its node_modules is missing or older than its package-lock.json) this script
// refreshes that copy from the current dist/. CHROME_PATH overrides /usr/bin/chromium; EXAMPLES_DEBUG=1
// prints timestamps of the phases.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, statSync, lstatSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startMockServer } from '../mock/server.mjs';
import { chromiumLaunch } from './chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const examplesDir = join(root, 'examples');
const WID = '79001234567@c.us';
const started = Date.now();

/**
 * @typedef {object} Example
 * @property {string} name
 * @property {boolean} npm            Has its own package.json (install + build).
 * @property {string[][]} [checks]    Type checks: [label, npm script].
 * @property {string} [buildLabel]
 * @property {string} serveDir        Directory served at `/` (relative to the example).
 * @property {string} pagePath        Page to open, relative to `serveDir`.
 * @property {{ label: string, query?: Record<string, string> }[]} pages
 */
/** @type {Example[]} */
const EXAMPLES = [
  { name: 'html', npm: false, serveDir: '../..', pagePath: 'examples/html/index.html', pages: [{ label: 'html' }] },
  {
    name: 'react', npm: true, checks: [['tsc --noEmit', 'typecheck']], buildLabel: 'vite build', serveDir: 'dist', pagePath: '',
    pages: [{ label: 'react (GreenQrScan wrapper)' }, { label: 'react (<green-qr-scan> in JSX)', query: { view: 'element' } }],
  },
  {
    name: 'vue', npm: true, checks: [['vue-tsc --noEmit', 'typecheck']], buildLabel: 'vite build', serveDir: 'dist', pagePath: '',
    pages: [{ label: 'vue' }],
  },
  {
    name: 'angular', npm: true, checks: [], buildLabel: 'ng build, strict templates', serveDir: 'dist/browser', pagePath: '',
    pages: [{ label: 'angular' }],
  },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !EXAMPLES.some((e) => e.name === name));
if (unknown.length) {
  console.error(`unknown example(s): ${unknown.join(', ')} (known: ${EXAMPLES.map((e) => e.name).join(', ')})`);
  process.exit(2);
}
const examples = EXAMPLES.filter((e) => !wanted.length || wanted.includes(e.name));

let failures = 0;
let passes = 0;
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;
const debug = process.env.EXAMPLES_DEBUG ? (line) => console.log(`[${secs(Date.now() - started)}] ${line}`) : () => {};
function ok(label, detail) {
  passes++;
  console.log(`ok ${label}${detail ? ` (${detail})` : ''}`);
}
function fail(label, error) {
  failures++;
  console.log(`FAIL ${label}: ${error instanceof Error ? error.message : error}`);
}

/** Runs a command; resolves with its output, rejects with the output's tail on failure or timeout. */
function run(cmd, args, { cwd, timeoutMs = 300_000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, NG_CLI_ANALYTICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a timeout can stop its children too
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(out);
      const tail = out.trim().split('\n').slice(-25).map((l) => `    ${l}`).join('\n');
      reject(new Error(`${cmd} ${args.join(' ')} ${signal ? `killed (${signal}, timeout ${secs(timeoutMs)})` : `exited ${code}`}\n${tail}`));
    });
  });
}

const npm = (args, cwd, timeoutMs) => run('npm', args, { cwd, timeoutMs });

/** Replaces the example's installed copy of the package with the current build. */
function refreshPackageCopy(dir) {
  const installed = join(dir, 'node_modules', 'green-qr-scan');
  if (lstatSync(installed).isSymbolicLink()) return 'symlinked';
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const copyPkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  if (JSON.stringify(rootPkg.dependencies) !== JSON.stringify(copyPkg.dependencies)) {
    console.log(`note: green-qr-scan's dependencies changed since examples/${dir.split(sep).pop()} was installed: run npm install there`);
  }
  rmSync(join(installed, 'dist'), { recursive: true, force: true });
  cpSync(join(root, 'dist'), join(installed, 'dist'), {
    recursive: true,
    filter: (src) => !src.endsWith('.map') && !src.endsWith('.tsbuildinfo'),
  });
  for (const file of ['package.json', 'custom-elements.json']) cpSync(join(root, file), join(installed, file));
  return 'refreshed';
}

/** Install (if needed), type checks and build of one example. Returns whether it can be served. */
async function prepare(example) {
  if (!example.npm) return true;
  const dir = join(examplesDir, example.name);
  const stamp = join(dir, 'node_modules', '.package-lock.json');
  try {
    const stale = !existsSync(stamp) || statSync(join(dir, 'package-lock.json')).mtimeMs > statSync(stamp).mtimeMs;
    if (stale) {
      const t = Date.now();
      await npm(['ci', '--no-audit', '--no-fund', '--loglevel=error'], dir, 600_000);
      ok(`${example.name} npm ci`, secs(Date.now() - t));
    }
    refreshPackageCopy(dir);
  } catch (error) {
    fail(`${example.name} install`, error);
    return false;
  }
  // Type checks and the build are independent: run them side by side.
  const jobs = example.checks.map(async ([label, script]) => {
    const t = Date.now();
    try {
      await npm(['run', '-s', script], dir, 300_000);
      ok(`${example.name} ${label}`, secs(Date.now() - t));
    } catch (error) {
      fail(`${example.name} ${label}`, error);
    }
  });
  const build = (async () => {
    const t = Date.now();
    try {
      rmSync(join(dir, 'dist'), { recursive: true, force: true });
      await npm(['run', '-s', 'build'], dir, 300_000);
      ok(`${example.name} build`, `${example.buildLabel}, ${secs(Date.now() - t)}`);
      return true;
    } catch (error) {
      fail(`${example.name} build`, error);
      return false;
    }
  })();
  await Promise.all(jobs);
  return build;
}

let nextId = 1101000500;
/** The instances the smoke tests link: the only ones the backend's "user" owns. */
const owned = new Set();

/** Waits for `predicate` (polled every 50 ms) or throws `message()` after `ms`. */
async function until(predicate, ms, message) {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(await message());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The page's element: state, whether its QR code is an image, its ticket. */
const elementState = (tab) =>
  tab.evaluate(() => {
    const el = document.querySelector('green-qr-scan');
    if (!el) return { missing: true };
    const src = el.shadowRoot?.querySelector('[part=qr]')?.getAttribute('src') ?? '';
    return { state: el.state, qr: src.startsWith('data:image/'), ticket: el.ticket ?? '', defined: !!customElements.get('green-qr-scan') };
  });

/**
 * Opens one page of an example behind its backend: a ticket, a QR code through it; the window ends,
 * a fresh ticket, a new QR code; a simulated scan, `linked: …` on the page and onLinked in the backend.
 */
async function smoke(browser, mock, backend, example, page) {
  const id = String(nextId++);
  owned.add(id);
  const tab = await browser.newPage();
  const problems = [];
  const urls = [];
  tab.on('request', (req) => urls.push(req.url()));
  // Websockets are no puppeteer requests: their addresses come from the DevTools protocol.
  const cdp = await tab.createCDPSession();
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketCreated', ({ url }) => urls.push(url));
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  tab.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`); });
  tab.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  const t = Date.now();
  const issued = () => backend.record.issued.get(id) ?? 0;
  const describe = async () => {
    const now = await elementState(tab).catch(() => ({}));
    return `${JSON.stringify({ ...now, ticket: now.ticket ? 'set' : 'none' })}, tickets issued: ${issued()}`; // never print a ticket
  };
  try {
    const query = new URLSearchParams({ id, ...page.query });
    await tab.goto(`${backend.url}/${example.pagePath}?${query}`, { waitUntil: 'load', timeout: 15_000 });
    await until(async () => (await elementState(tab)).qr, 15_000, async () => `no QR code within 15 s (${await describe()})`);
    const first = await elementState(tab);
    if (!issued() || !first.ticket) throw new Error(`a QR code without a ticket from the backend (${await describe()})`);
    const qrAt = Date.now();

    // The scan window ends: the ticket is used up, the page must get a fresh one for a new QR code.
    // (Not within a second of the first socket: the stand-in keeps GREEN-API's one scanqrcode
    // handshake a second; a real window lasts 100 s.)
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const before = issued();
    const ended = await (await fetch(`${mock.url}/mock/${id}/timeout`, { method: 'POST' })).json();
    if (!ended.delivered) throw new Error(`the stand-in had no live session for instance ${id} to end`);
    await until(
      async () => {
        const now = await elementState(tab);
        return issued() > before && now.ticket && now.ticket !== first.ticket && now.state === 'qr' && now.qr;
      },
      10_000,
      async () => `after the scan window ended, no new QR code with a fresh ticket within 10 s (${await describe()})`,
    );

    const res = await fetch(`${mock.url}/mock/${id}/scan`, { method: 'POST' });
    const { delivered } = await res.json();
    if (!delivered) throw new Error(`the stand-in had no live session for instance ${id} to link`);
    const want = `linked: ${WID}`;
    await tab.waitForFunction((text) => document.body.innerText.includes(text), { timeout: 10_000 }, want).catch(async () => {
      const text = await tab.evaluate(() => document.body.innerText).catch(() => '?');
      throw new Error(`page never showed "${want}"; it shows: ${JSON.stringify(text.slice(0, 200))}`);
    });
    await until(() => backend.record.linked.some((l) => l.instanceId === id && l.wid === WID), 10_000, () => `the backend's onLinked never saw instance ${id} linked`);

    const wsUrl = backend.url.replace(/^http/, 'ws');
    const elsewhere = urls.filter((u) => !u.startsWith(`${backend.url}/`) && !u.startsWith(`${wsUrl}/`) && !u.startsWith('data:'));
    if (elsewhere.length) throw new Error(`the page requested other origins (the stand-in directly?): ${elsewhere.slice(0, 3).join(', ')}`);
    const linkUrls = urls.filter((u) => u.startsWith(`${backend.url}/green-api/waInstance${id}/`) || u.startsWith(`${wsUrl}/green-api/waInstance${id}/`));
    if (linkUrls.length < 2) throw new Error(`positive control: ${linkUrls.length} requests or sockets to /green-api seen, not one per ticket`);
    const tickets = backend.record.tickets;
    if (tickets.some((ticket) => urls.some((u) => u.includes(ticket)))) throw new Error('a ticket was in a URL the page requested');
    if (backend.record.log.some((line) => tickets.some((ticket) => line.includes(ticket)))) throw new Error("a ticket was in the link server's log");
    ok(page.label, `ticket, QR after ${secs(qrAt - t)}; window ended → fresh ticket, new QR; "${want}" and onLinked after the scan`);
  } catch (error) {
    const detail = problems.length ? `\n    ${problems.slice(0, 8).join('\n    ')}` : '';
    fail(page.label, `${error.message}${detail}`);
  } finally {
    await tab.close().catch(() => {});
  }
}

// --- main ---------------------------------------------------------------------------------------
debug('ensure chromium');
await run(process.execPath, [join(root, 'scripts', 'ensure-chromium.mjs')], { cwd: root, timeoutMs: 600_000 }).catch((error) => {
  console.error(error.message);
  process.exit(1);
});
if (!existsSync(join(root, 'dist', 'green-qr-scan.bundled.js')) || !existsSync(join(root, 'dist', 'adapters', 'react.js')) || !existsSync(join(root, 'dist', 'server', 'index.js'))) {
  console.log('dist/ is missing: npm run build');
  await run(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
}

// The examples' backend imports green-qr-scan/server from dist/.
const { startBackend } = await import('../examples/backend.mjs');

debug('prepare');
// Prepare with at most two examples at a time (two cores); the browser part starts when all are built.
const ready = new Map();
const queue = [...examples];
await Promise.all([0, 1].map(async () => {
  for (let example; (example = queue.shift()); ) ready.set(example, await prepare(example));
}));

const servable = examples.filter((e) => ready.get(e));
if (servable.length) {
  debug('mock + browser');
  const mock = await startMockServer({ rateLimits: false, qrIntervalMs: 60_000 });
  const browser = await puppeteer.launch(chromiumLaunch());
  try {
    for (const example of servable) {
      const backend = await startBackend({
        staticDir: normalize(join(examplesDir, example.name, example.serveDir)),
        greenApiUrl: mock.url,
        owns: (instanceId) => owned.has(instanceId), // the user check: only the instances this run links
      });
      try {
        for (const page of example.pages) await smoke(browser, mock, backend, example, page);
      } finally {
        debug(`close ${example.name} backend`);
        await backend.close();
      }
    }
  } finally {
    debug('close browser');
    await browser.close().catch(() => {});
    debug('close mock');
    await mock.close();
  }
}

console.log(`examples: ${failures ? `${failures} of ${passes + failures} checks FAILED` : `all ${passes} checks ok`} in ${secs(Date.now() - started)}`);
process.exit(failures ? 1 : 0);
