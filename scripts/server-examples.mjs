// `npm run examples:server`: runs the green-qr-scan/server example apps (examples/server-node,
// server-express, server-fastify; Express once more with its store in a real redis-server) against
// the local GREEN-API stand-in, and checks a ticket round trip in headless Chromium (after checking
// that the app refuses a ticket for an instance its user does not own): the page gets a
// ticket from the app, a QR code over the ticket's socket, the state over HTTP; after a simulated
// scan the page shows `linked: 79001234567@c.us` and the app's onLinked prints it. The ticket must
// be in no URL the browser requested and, like the instance token, in no line the app printed.
// Then it checks that every README snippet marked `<!-- snippet: FILE#REGION -->` is that region of
// FILE, word for word. One line per check; exits non-zero if any failed.
//
//   node scripts/server-examples.mjs [node] [express] [express-redis] [fastify]     (default: all)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startMockServer } from '../mock/server.mjs';
import { chromiumLaunch } from './chromium.mjs';
import { startRedis } from './redis-server.mjs';
import { regionProblem } from './snippet-regions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const WID = '79001234567@c.us';
const EXAMPLES = [
  { name: 'node', file: 'examples/server-node/server.mjs' },
  { name: 'express', file: 'examples/server-express/server.mjs' },
  { name: 'express-redis', file: 'examples/server-express/server.mjs', redis: true },
  { name: 'fastify', file: 'examples/server-fastify/server.mjs' },
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
const ok = (label, detail) => {
  passes++;
  console.log(`ok ${label}${detail ? ` (${detail})` : ''}`);
};
const fail = (label, error) => {
  failures++;
  console.log(`FAIL ${label}: ${error instanceof Error ? error.message : error}`);
};

/** Starts an example app; resolves once it printed where it listens. */
function startApp(example, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, example.file)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const app = { child, output: '', url: '', waiters: new Set() };
    const onData = (chunk) => {
      app.output += chunk;
      for (const w of [...app.waiters]) w();
      const m = /listening on (http:\/\/[^\s]+)\//.exec(app.output);
      if (m && !app.url) {
        app.url = m[1];
        clearTimeout(timer);
        resolve(app);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before listening:\n${app.output.slice(-2000)}`)));
    const timer = setTimeout(() => reject(new Error(`did not listen within 20 s:\n${app.output.slice(-2000)}`)), 20_000);
  });
}

/** Resolves when the app printed `text`, rejects after `ms`. */
function printed(app, text, ms = 10_000) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!app.output.includes(text)) return;
      app.waiters.delete(check);
      clearTimeout(timer);
      resolve(undefined);
    };
    const timer = setTimeout(() => {
      app.waiters.delete(check);
      reject(new Error(`the app never printed "${text}"; it printed:\n${app.output.slice(-1500)}`));
    }, ms);
    app.waiters.add(check);
    check();
  });
}

function stopApp(app) {
  return new Promise((resolve) => {
    if (app.child.exitCode !== null) return resolve(undefined);
    const timer = setTimeout(() => app.child.kill('SIGKILL'), 5000);
    app.child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    app.child.kill('SIGTERM');
  });
}

let nextId = 1101000700;

async function roundTrip(browser, mock, example, redisUrl) {
  const id = String(nextId++);
  const token = `real-token-${randomBytes(16).toString('hex')}`;
  const env = { PORT: '0', HOST: '127.0.0.1', GREEN_API_URL: mock.url, INSTANCE_ID: id, API_TOKEN: token, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
  let app;
  const tab = await browser.newPage();
  const urls = [];
  const problems = [];
  let ticket = '';
  tab.on('request', (req) => urls.push(req.url()));
  tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  tab.on('response', async (res) => {
    if (res.url().endsWith('/api/link-ticket')) ticket = (await res.json().catch(() => ({}))).ticket ?? '';
  });
  const started = Date.now();
  try {
    app = await startApp(example, env);
    // The ticket route is behind the app's own check: no ticket for an instance the user does not own.
    const foreign = await fetch(`${app.url}/api/link-ticket`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.url },
      body: JSON.stringify({ instanceId: String(Number(id) + 5000) }),
    });
    if (foreign.status !== 403) throw new Error(`a ticket for someone else's instance: HTTP ${foreign.status}`);
    await tab.goto(`${app.url}/`, { waitUntil: 'load', timeout: 15_000 });
    await tab.waitForFunction(() => document.querySelector('#qr')?.getAttribute('src')?.startsWith('data:image/png;base64,iVBORw0KGgo'), { timeout: 15_000 });
    await tab.waitForFunction(() => document.body.dataset.state === 'notAuthorized', { timeout: 10_000 });
    if (!/^[A-Za-z0-9_.-]{40,}$/.test(ticket)) throw new Error('the page got no ticket from /api/link-ticket');
    const { delivered } = await (await fetch(`${mock.url}/mock/${id}/scan`, { method: 'POST' })).json();
    if (delivered !== 1) throw new Error(`the stand-in had ${delivered} live sockets for instance ${id}`);
    await tab.waitForFunction((text) => document.body.innerText.includes(text), { timeout: 10_000 }, `linked: ${WID}`);
    await printed(app, `onLinked: instance ${id} linked as ${WID}`);
    if (redisUrl) {
      // The store really is Redis: the used ticket is kept there (under its hash) for the grace period.
      const { default: Redis } = await import('ioredis');
      const redis = new Redis(redisUrl);
      const keys = await redis.keys('green-qr-scan:ticket:*');
      const value = keys.length === 1 ? await redis.get(keys[0]) : '';
      await redis.quit();
      if (keys.length !== 1) throw new Error(`expected one ticket in Redis, found ${keys.length}`);
      // Stored under its hash: what Redis holds is no usable ticket.
      if (keys[0].includes(ticket) || String(value).includes(ticket)) throw new Error('Redis holds the ticket itself');
    }
    if (urls.some((u) => u.includes(ticket))) throw new Error('the ticket was in a URL the browser requested');
    if (!urls.some((u) => u.includes(`/green-api/waInstance${id}/getStateInstance`))) throw new Error('positive control: no getStateInstance request seen');
    if (app.output.includes(ticket)) throw new Error('the app printed the ticket');
    if (app.output.includes(token) || app.output.includes(encodeURIComponent(token))) throw new Error('the app printed the instance token');
    if (!app.output.includes(`[green-qr-scan] scanqrcode instance ${id}: connected`)) throw new Error('no log line from the link server');
    if (problems.length) throw new Error(problems.join('; '));
    ok(`${example.name}: ticket → QR code → linked → onLinked`, `${((Date.now() - started) / 1000).toFixed(1)}s`);
  } catch (error) {
    fail(example.name, error);
  } finally {
    await tab.close().catch(() => {});
    if (app) await stopApp(app);
  }
}

/** Every `<!-- snippet: FILE#REGION -->` code block of the README whose FILE is one of these apps must be that region of FILE. */
function checkSnippets() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- snippet: ([^#\s]+)#([\w-]+) -->\s*```[a-z]*\n([\s\S]*?)```/g)].filter(([, file]) => file.startsWith('examples/server-'));
  if (blocks.length === 0) return fail('README snippets', 'no <!-- snippet: examples/server-… --> blocks found');
  for (const [, file, region, code] of blocks) {
    const problem = regionProblem(root, file, region, code);
    if (problem) fail(`README snippet ${file}#${region}`, problem);
    else ok(`README snippet ${file}#${region}`);
  }
}

// --- main ---------------------------------------------------------------------------------------
if (!existsSync(join(root, 'dist', 'server', 'index.js'))) {
  console.error('dist/server is missing: run `npm run build` first');
  process.exit(1);
}
checkSnippets();
const mock = await startMockServer({ rateLimits: false, qrIntervalMs: 60_000 });
const redis = examples.some((e) => e.redis) ? await startRedis().catch((error) => (fail('redis-server', error), undefined)) : undefined;
const browser = await puppeteer.launch(chromiumLaunch());
try {
  for (const example of examples) {
    if (example.redis && !redis) continue;
    await roundTrip(browser, mock, example, example.redis ? redis.url : undefined);
  }
} finally {
  await browser.close().catch(() => {});
  await mock.close();
  await redis?.stop();
}
console.log(`server examples: ${failures ? `${failures} of ${passes + failures} checks FAILED` : `all ${passes} checks ok`}`);
process.exit(failures ? 1 : 0);
