// `npm run screenshots`: pictures of the real element for the README (docs/screenshots/*.png).
// Serves dist/green-qr-scan.bundled.js on a static page, points the element at the local GREEN-API
// stand-in, drives it into each state in headless Chromium and takes the element's picture.
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { startMockServer } from '../mock/server.mjs';
import { chromiumLaunch } from './chromium.mjs';

const root = new URL('..', import.meta.url);
const out = new URL('docs/screenshots/', root);
mkdirSync(out, { recursive: true });
const bundle = readFileSync(new URL('dist/green-qr-scan.bundled.js', root));

const mock = await startMockServer({ rateLimits: false, qrIntervalMs: 60_000, authCodeLinkMs: 600_000 });
const page = (query) => `<!doctype html><html lang="en"><meta charset="utf-8">
<style>body{margin:0;padding:24px;background:${query.get('bg') ?? '#f3f5f4'};display:inline-block}</style>
<script type="module" src="/green-qr-scan.js"></script>
<green-qr-scan instance-id="${query.get('id')}" api-url="${mock.url}" theme="${query.get('theme') ?? 'light'}"
  lang="${query.get('lang') ?? 'en'}" mode="${query.get('mode') ?? 'qr'}" ${query.has('logout') ? 'allow-logout' : ''}></green-qr-scan>
<script type="module">document.querySelector('green-qr-scan').token = 'screenshot-token-0123456789';</script>`;
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/green-qr-scan.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
  } else {
    res.writeHead(200, { 'content-type': 'text/html' }).end(page(url.searchParams));
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await puppeteer.launch(chromiumLaunch());
const control = (id, action) => fetch(`${mock.url}/mock/${id}/${action}`, { method: 'POST' });

async function shot(name, params, prepare) {
  const tab = await browser.newPage();
  await tab.setViewport({ width: 800, height: 900, deviceScaleFactor: 1 });
  await tab.goto(`${base}?${new URLSearchParams(params)}`);
  const state = () => tab.$eval('green-qr-scan', (el) => el.state);
  await prepare?.(tab, params.id);
  await tab.waitForFunction((want) => want.includes(document.querySelector('green-qr-scan').state), { timeout: 10_000 }, params.want);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const body = await tab.$('body');
  await body.screenshot({ path: new URL(`${name}.png`, out).pathname });
  console.log(`docs/screenshots/${name}.png (${await state()})`);
  await tab.close();
}

let id = 1101000100;
const next = () => String(id++);
await shot('qr-light', { id: next(), want: 'qr' });
await shot('qr-dark', { id: next(), theme: 'dark', bg: '#0b110e', want: 'qr' });
await shot('qr-ru', { id: next(), lang: 'ru', want: 'qr' });
const linkedId = next();
await shot('linked', { id: linkedId, want: 'linked' }, async (tab) => {
  await tab.waitForFunction(() => document.querySelector('green-qr-scan').state === 'qr');
  await control(linkedId, 'scan');
});
const loggedId = next();
await control(loggedId, 'already-logged');
await shot('already-linked-logout', { id: loggedId, logout: '', want: 'failed' });
const codeId = next();
await shot('phone-code-dark', { id: codeId, mode: 'phone', theme: 'dark', bg: '#0b110e', want: 'code' }, async (tab) => {
  await tab.evaluate(() => {
    const root = document.querySelector('green-qr-scan').shadowRoot;
    const input = root.querySelector('[part=phone-input]');
    input.value = '+7 900 123-45-67';
    input.dispatchEvent(new Event('input'));
    return new Promise((resolve) => setTimeout(() => resolve(root.querySelector('form').requestSubmit()), 50));
  });
});

await browser.close();
server.close();
await mock.close();
