// `npm run readme-snippets`: the README's code cannot rot. Every fenced block is checked by its
// language:
//   ts, tsx, js, jsx, mjs   type-checked with tsc (strict) against the BUILT package, as an app
//                           that installed it sees it (`green-qr-scan`, `green-qr-scan/react`, … and
//                           react, ws, @types/node from this repository's node_modules);
//   html                    when it has a module script: each inline module script is type-checked
//                           too (as JavaScript, with the element's types), and the page is loaded in
//                           headless Chromium against the local GREEN-API stand-in (mock/): an
//                           `api-url` whose path ends in `/green-api` is "your backend" and points at
//                           green-qr-scan/server (the built dist/server) mounted at /green-api on the
//                           pages' own origin in front of the stand-in, next to the ticket route
//                           `POST /api/link-ticket {instanceId}` that getTicketFromYourBackend() calls;
//                           every other `api-url` points at the stand-in itself (an element without
//                           one gets it). Only markup is rewritten, never scripts. CDN addresses
//                           of the drop-in file are answered with dist/green-qr-scan.bundled.js (so
//                           their `integrity` must match this build, and their version package.json's),
//                           anything else off the machine is refused. The page must raise no error,
//                           log no console error, run every module script to its end, upgrade every
//                           <green-qr-scan>, and one with credentials (a token or a ticket) must
//                           show the stand-in's QR code; a ticket must be in no URL the page requested;
//   anything else (sh, vue, json, …) is listed as not checked.
//
// Snippets are fragments of an app, so they may call these stand-ins for the reader's own code
// (declared for tsc, defined on the loaded pages): HOST_FUNCTIONS below.
//
// A block can be annotated with an HTML comment on the line(s) right above its fence (invisible in
// the rendered README):
//   <!-- snippet: skip: <why> -->    not checked; the reason is required (keep skips rare: say what
//                                    checks it instead)
//   <!-- snippet: FILE#NAME -->      the block is region NAME of FILE, word for word (markers in
//                                    scripts/snippet-regions.mjs); not type-checked or loaded here:
//                                    FILE is an example app that runs elsewhere (npm run examples,
//                                    npm run examples:server)
//   <!-- snippet: retry -->          (HTML with a ticket) after the QR code the stand-in ends the scan
//                                    window (timeoutExpired): the page must set a fresh ticket from its
//                                    backend and show a new QR code
// Failures point at README lines: `README.md:120:11: error TS18047: 'scan' is possibly 'null'.`
//
//   node scripts/readme-snippets.mjs [file.md …]      (default README.md; run `npm run build` first)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startMockServer } from '../mock/server.mjs';
import { chromiumLaunch } from './chromium.mjs';
import { parseRegionRef, regionProblem } from './snippet-regions.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const FAKE_TOKEN = 'readme-snippet-token-0123456789abcdef';

/** Stand-ins for the reader's own code that snippets may call: [TypeScript declaration, browser definition]. */
const HOST_FUNCTIONS = {
  getTokenFromYourBackend: ['function getTokenFromYourBackend(): Promise<string>;', `async () => ${JSON.stringify(FAKE_TOKEN)}`],
  // Your backend's ticket route (here: the one loadPages serves, in front of green-qr-scan/server).
  getTicketFromYourBackend: [
    'function getTicketFromYourBackend(instanceId: string): Promise<string>;',
    `async (instanceId) => {
      const response = await fetch('/api/link-ticket', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instanceId }) });
      if (!response.ok) throw new Error('no ticket: HTTP ' + response.status);
      return (await response.json()).ticket;
    }`,
  ],
  showAlreadyLinked: ['function showAlreadyLinked(): void;', '() => {}'],
  save: ['function save(value: unknown): void;', '() => {}'],
  report: ['function report(value: unknown): void;', '() => {}'],
  render: ['function render(...values: unknown[]): void;', '() => {}'],
};

const TYPE_CHECKED = { ts: 'ts', typescript: 'ts', tsx: 'tsx', js: 'js', javascript: 'js', mjs: 'js', jsx: 'jsx' };
const LOADED = new Set(['html']);
const CDN_FILE = /^https:\/\/(?:cdn\.jsdelivr\.net\/npm|unpkg\.com)\/green-qr-scan@([^/]+)\/(dist\/[^?#]+)$/;

/**
 * @typedef {object} Snippet
 * @property {string} file      the markdown file (relative)
 * @property {number} line      line of the opening fence (1-based)
 * @property {string} lang
 * @property {string} code
 * @property {string} [skip]    why it is skipped
 * @property {{file: string, name: string}} [region]   the region of a file it must equal
 * @property {boolean} [retry]   the page must get a fresh ticket after the scan window ends
 */

/** The fenced blocks of a markdown file, with their annotations. Throws on a malformed annotation. */
function snippetsOf(file) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  /** @type {Snippet[]} */
  const found = [];
  const problems = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(lines[end])) end++;
    const code = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n');
    /** @type {Snippet} */
    const snippet = { file, line: i + 1, lang: info.toLowerCase(), code };
    // Annotations: the HTML comments right above the fence.
    for (let j = i - 1; j >= 0 && /^\s*<!--.*-->\s*$/.test(lines[j]); j--) {
      const note = /^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$/.exec(lines[j]);
      if (!note) continue;
      const skip = /^skip\b[:\s—-]*(.*)$/.exec(note[1]);
      const region = parseRegionRef(note[1]);
      if (skip && skip[1].trim()) snippet.skip = skip[1].trim();
      else if (skip) problems.push(`${file}:${j + 1}: "snippet: skip" needs a reason: <!-- snippet: skip: what checks it instead -->`);
      else if (region) snippet.region = region;
      else if (note[1] === 'retry') snippet.retry = true;
      else problems.push(`${file}:${j + 1}: unknown snippet annotation "${note[1]}" (known: skip: <why>, FILE#REGION, retry)`);
    }
    found.push(snippet);
    i = end;
  }
  return { found, problems };
}

/** Inline module scripts of an HTML snippet: [code, line offset of the code's first line within the snippet]. */
function moduleScripts(html) {
  const scripts = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (!/\btype=["']?module\b/.test(m[1])) continue;
    const before = html.slice(0, m.index + m[0].indexOf('>') + 1);
    scripts.push({ attrs: m[1], code: m[2], offset: before.split('\n').length - 1, inline: !/\bsrc=/.test(m[1]) });
  }
  return scripts;
}

// --- type checks -------------------------------------------------------------------------------

/** Type-checks the TS/JS snippets and the HTML snippets' inline module scripts; returns failure lines. */
function typeCheck(snippets) {
  const dir = mkdtempSync(join(tmpdir(), 'green-qr-scan-readme-'));
  try {
    // A project whose node_modules has this repository's packages and the built package itself.
    const modules = join(dir, 'node_modules');
    mkdirSync(modules);
    for (const name of readdirSync(join(root, 'node_modules'))) {
      if (name.startsWith('.') || name === pkg.name) continue;
      symlinkSync(join(root, 'node_modules', name), join(modules, name), 'dir');
    }
    symlinkSync(root, join(modules, pkg.name), 'dir');
    /** @type {Map<string, {snippet: Snippet, offset: number}>} file → README line = fence line + file line + offset */
    const files = new Map();
    const hidden = 1; // the first line of every file below is added here
    for (const snippet of snippets) {
      const base = `${snippet.file.replace(/\W+/g, '_')}_line${snippet.line}`;
      if (TYPE_CHECKED[snippet.lang]) {
        const name = `${base}.${TYPE_CHECKED[snippet.lang]}`;
        writeFileSync(join(dir, name), `export {}; // (added: every snippet is a module)\n${snippet.code}\n`);
        files.set(name, { snippet, offset: -hidden });
      } else if (LOADED.has(snippet.lang)) {
        moduleScripts(snippet.code)
          .filter((s) => s.inline)
          .forEach((script, k) => {
            const name = `${base}_script${k + 1}.js`;
            // A page's inline script sees the element's types when the page loads the package.
            writeFileSync(join(dir, name), `import 'green-qr-scan'; export {}; // (added)\n${script.code}\n`);
            files.set(name, { snippet, offset: script.offset - hidden });
          });
      }
    }
    if (!files.size) return { failures: [], count: 0 };
    const declarations = Object.values(HOST_FUNCTIONS).map(([d]) => `  ${d}`).join('\n');
    writeFileSync(join(dir, 'host.d.ts'), `// Stand-ins for the reader's own code (scripts/readme-snippets.mjs).\ndeclare global {\n${declarations}\n}\nexport {};\n`);
    const cdn = `${join(modules, pkg.name, 'dist', 'bundled.d.ts')}`;
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'ESNext',
            moduleResolution: 'bundler',
            lib: ['ES2022', 'DOM', 'DOM.Iterable'],
            types: ['node'],
            jsx: 'react-jsx',
            strict: true,
            noEmit: true,
            allowJs: true,
            checkJs: true,
            skipLibCheck: true,
            isolatedModules: true,
            esModuleInterop: true,
            // `import 'https://cdn…/green-qr-scan@x/dist/green-qr-scan.bundled.js'` is the package.
            paths: { 'https://cdn.jsdelivr.net/npm/green-qr-scan@*': [cdn], 'https://unpkg.com/green-qr-scan@*': [cdn] },
          },
          files: ['host.d.ts', ...files.keys()],
        },
        null,
        2,
      ),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    }
    const failures = [];
    for (const block of output.split(/\n(?=\S)/).filter((b) => b.trim())) {
      const m = /^(.+?)\((\d+),(\d+)\): (error [\s\S]*)$/.exec(block.trim());
      const where = m && files.get(m[1]);
      if (!m || !where) {
        failures.push(`tsc: ${block.trim()}`);
        continue;
      }
      const line = where.snippet.line + Number(m[2]) + where.offset;
      const source = readFileSync(join(root, where.snippet.file), 'utf8').split('\n')[line - 1] ?? '';
      failures.push(`${where.snippet.file}:${line}:${m[3]}: ${m[4].replace(/\n\s*/g, ' ')}\n      ${source.trim()}`);
    }
    return { failures, count: files.size };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- pages in Chromium ---------------------------------------------------------------------------

/**
 * Where an `api-url` of the snippet's markup points on this machine: one whose path ends in
 * `/green-api` is "your backend" (green-qr-scan/server on the pages' origin), any other the stand-in.
 */
function localApiUrl(value, mockUrl, backendUrl) {
  const raw = value.replace(/^["']|["']$/g, '');
  let path = '';
  try {
    path = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`).pathname.replace(/\/+$/, '');
  } catch {
    // Not a URL: the stand-in (the element reports it).
  }
  return path.endsWith('/green-api') ? backendUrl : mockUrl;
}

/** The snippet as a page: host stand-ins first, every element's api-url on this machine, a marker at the end of each inline module script. */
function pageFor(snippet, mockUrl, backendUrl) {
  const onStandIn = (markup) =>
    markup.replace(/<green-qr-scan\b[^>]*>/g, (tag) =>
      /\sapi-url=/.test(tag)
        ? tag.replace(/\sapi-url=("[^"]*"|'[^']*'|[^\s>]+)/, (_, value) => ` api-url="${localApiUrl(value, mockUrl, backendUrl)}"`)
        : tag.replace(/^<green-qr-scan\b/, `<green-qr-scan api-url="${mockUrl}"`),
    );
  // Markup outside the scripts gets the local addresses; inline module scripts get the marker.
  let body = '';
  let last = 0;
  for (const m of snippet.code.matchAll(/(<script\b[^>]*>)([\s\S]*?)(<\/script>)/g)) {
    body += onStandIn(snippet.code.slice(last, m.index));
    const [all, open, code, close] = m;
    body += /\btype=["']?module\b/.test(open) && !/\bsrc=/.test(open) ? `${open}${code}\n;window.__snippet.done++;${close}` : all;
    last = m.index + all.length;
  }
  body += onStandIn(snippet.code.slice(last));
  const host = Object.entries(HOST_FUNCTIONS).map(([name, [, definition]]) => `window.${name} = ${definition};`).join('\n');
  const inline = moduleScripts(snippet.code).filter((s) => s.inline).length;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${snippet.file}:${snippet.line}</title>
<link rel="icon" href="data:,">
<script>window.__snippet = { done: 0, expected: ${inline} };\n${host}</script></head><body>
${body}
</body></html>`;
}

/** The request's JSON body (small). */
async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 4096) throw new Error('body too large');
  }
  return JSON.parse(text || '{}');
}

/** More than GREEN-API's (and the stand-in's) one scanqrcode handshake a second per instance. */
const HANDSHAKE_SPACING_MS = 1200;
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** The elements' QR image is a stand-in code (on any element). */
const qrShown = () =>
  [...document.querySelectorAll('green-qr-scan')].some((el) => el.shadowRoot?.querySelector('[part~="qr"]')?.getAttribute('src')?.startsWith('data:image/'));

async function loadPages(snippets) {
  const failures = [];
  if (!snippets.length) return { failures, count: 0 };
  const dropIn = join(root, 'dist', 'green-qr-scan.bundled.js');
  const serverModule = join(root, 'dist', 'server', 'index.js');
  if (!existsSync(dropIn) || !existsSync(serverModule)) return { failures: ['dist/ is incomplete: run npm run build first'], count: 0 };
  execFileSync(process.execPath, [join(root, 'scripts', 'ensure-chromium.mjs')], { stdio: 'inherit' });
  const { createLinkServer } = await import(pathToFileURL(serverModule).href);
  const mock = await startMockServer({ qrIntervalMs: 60_000 });
  // "Your backend": green-qr-scan/server in front of the stand-in (the token stays here), and its ticket route.
  const link = createLinkServer({
    lookup: async () => ({ apiUrl: mock.url, token: FAKE_TOKEN }),
    allowedHosts: ['127.0.0.1'],
    basePath: '/green-api',
  });
  /** Every ticket the route issued. */
  const tickets = [];
  const pages = new Map();
  const server = createServer((req, res) => {
    if (link.handleRequest(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path === '/api/link-ticket') {
      readJson(req)
        .then(async ({ instanceId }) => {
          const { ticket, expiresAt } = await link.issueTicket({ instanceId: String(instanceId), origin: req.headers.origin });
          tickets.push(ticket);
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ ticket, expiresAt }));
        })
        .catch(() => res.writeHead(400).end());
      return;
    }
    const page = pages.get(path);
    if (!page) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
  });
  server.on('upgrade', (req, socket, head) => {
    if (!link.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await puppeteer.launch(chromiumLaunch());
  try {
    for (const snippet of snippets) {
      const at = `${snippet.file}:${snippet.line}`;
      const path = `/snippet-${pages.size + 1}.html`;
      pages.set(path, pageFor(snippet, mock.url, `${origin}/green-api`));
      const tab = await browser.newPage();
      const problems = [];
      const urls = [];
      tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      tab.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
      });
      await tab.setRequestInterception(true);
      tab.on('request', (request) => {
        const url = request.url();
        urls.push(url);
        if (url.startsWith(`${origin}/`) || url.startsWith(`${mock.url}/`) || url.startsWith('data:')) return void request.continue();
        const cdn = CDN_FILE.exec(url);
        if (cdn && cdn[1] !== pkg.version) problems.push(`${url} pins green-qr-scan@${cdn[1]}, but package.json is ${pkg.version}`);
        if (cdn && cdn[1] === pkg.version && existsSync(join(root, cdn[2]))) {
          return void request.respond({ status: 200, contentType: 'text/javascript', headers: { 'access-control-allow-origin': '*' }, body: readFileSync(join(root, cdn[2])) });
        }
        if (!cdn) problems.push(`request off the machine refused: ${url}`);
        request.abort('blockedbyclient');
      });
      try {
        await tab.goto(`${origin}${path}`, { waitUntil: 'load', timeout: 15_000 });
        await tab
          .waitForFunction(() => window.__snippet.done >= window.__snippet.expected, { timeout: 10_000 })
          .catch(async () => {
            const state = await tab.evaluate(() => `${window.__snippet.done} of ${window.__snippet.expected}`).catch(() => '?');
            throw new Error(`not every module script ran to its end (${state})`);
          });
        const elements = await tab.evaluate(() =>
          [...document.querySelectorAll('green-qr-scan')].map((el) => ({ upgraded: !!el.shadowRoot, ticket: !!el.ticket, credentials: !!(el.instanceId && (el.token || el.ticket)) })),
        );
        if (await tab.evaluate(() => !customElements.get('green-qr-scan'))) throw new Error('<green-qr-scan> was never defined');
        elements.forEach((el, i) => {
          if (!el.upgraded) throw new Error(`<green-qr-scan> #${i + 1} was not upgraded`);
        });
        const states = () => tab.evaluate(() => [...document.querySelectorAll('green-qr-scan')].map((el) => el.getAttribute('state')).join(', ')).catch(() => '?');
        if (elements.some((el) => el.credentials)) {
          await tab.waitForFunction(qrShown, { timeout: 10_000 }).catch(async () => {
            throw new Error(`no QR code from the stand-in within 10 s (state: ${await states()})`);
          });
        }
        const withTicket = elements.some((el) => el.ticket);
        if (snippet.retry) {
          if (!withTicket) throw new Error('"snippet: retry" on a page whose elements have no ticket');
          // The scan window ends on the stand-in: the page must get a fresh ticket and show a new QR code.
          const before = await tab.evaluate(() => [...document.querySelectorAll('green-qr-scan')].map((el) => [el.instanceId, el.ticket]));
          const issued = tickets.length;
          // The stand-in keeps GREEN-API's limit of one scanqrcode handshake a second (a real window lasts 100 s).
          await sleep(HANDSHAKE_SPACING_MS);
          for (const id of new Set(before.map(([id]) => id))) await fetch(`${mock.url}/mock/${id}/timeout`, { method: 'POST' });
          await tab
            .waitForFunction(
              (old) => [...document.querySelectorAll('green-qr-scan')].some((el, i) => el.ticket && el.ticket !== old[i][1] && el.state === 'qr' && el.shadowRoot?.querySelector('[part~="qr"]')?.getAttribute('src')?.startsWith('data:image/')),
              { timeout: 10_000 },
              before,
            )
            .catch(async () => {
              throw new Error(`after the scan window ended, no new QR code with a fresh ticket within 10 s (state: ${await states()}; tickets issued since: ${tickets.length - issued})`);
            });
          if (tickets.length <= issued) throw new Error('the fresh ticket did not come from the backend route');
        }
        if (withTicket && tickets.some((t) => urls.some((u) => u.includes(t)))) throw new Error('a ticket was in a URL the page requested');
        if (problems.length) throw new Error(problems.join('\n      '));
        const shown = elements.some((e) => e.credentials) ? `, QR code from the stand-in shown${withTicket ? ' through green-qr-scan/server with a ticket' : ''}` : '';
        console.log(`ok   ${at} html: loaded; ${elements.length} <green-qr-scan>${shown}${snippet.retry ? '; a fresh ticket and a new QR code after the window ended' : ''}`);
      } catch (error) {
        const extra = problems.length && !error.message.includes(problems[0]) ? `\n      ${problems.join('\n      ')}` : '';
        failures.push(`${at}: html snippet: ${error.message}${extra}`);
      } finally {
        await tab.close().catch(() => {});
        // The next page links the same instance: one scanqrcode handshake a second, as GREEN-API allows.
        await sleep(HANDSHAKE_SPACING_MS);
      }
    }
  } finally {
    await browser.close().catch(() => {});
    await link.close();
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    await mock.close();
  }
  return { failures, count: snippets.length };
}

// --- main ----------------------------------------------------------------------------------------

const files = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (!files.length) files.push('README.md');
if (!existsSync(join(root, 'dist', 'define.d.ts'))) {
  console.error('dist/ is missing: run npm run build first');
  process.exit(1);
}
const all = [];
const failures = [];
for (const file of files) {
  const { found, problems } = snippetsOf(relative(root, resolve(root, file)));
  all.push(...found);
  failures.push(...problems);
}
const skipped = all.filter((s) => s.skip);
// A region of an example app is compared with the file (which runs elsewhere), not checked as a fragment.
const regions = all.filter((s) => !s.skip && s.region);
for (const s of regions) {
  const problem = regionProblem(root, s.region.file, s.region.name, s.code);
  if (problem) failures.push(`${s.file}:${s.line}: ${problem}`);
  else console.log(`ok   ${s.file}:${s.line} ${s.lang}: region ${s.region.file}#${s.region.name}, word for word`);
}
const active = all.filter((s) => !s.skip && !s.region);
const typed = active.filter((s) => TYPE_CHECKED[s.lang] || (LOADED.has(s.lang) && moduleScripts(s.code).some((m) => m.inline)));
const loaded = active.filter((s) => LOADED.has(s.lang) && moduleScripts(s.code).length);
const unchecked = active.filter((s) => !TYPE_CHECKED[s.lang] && !(LOADED.has(s.lang) && moduleScripts(s.code).length));

const types = typeCheck(typed);
failures.push(...types.failures);
if (!types.failures.length) console.log(`ok   tsc: ${typed.map((s) => `${s.file}:${s.line} ${s.lang}`).join(', ')} type-check`);
const pages = await loadPages(loaded);
failures.push(...pages.failures);

for (const s of skipped) console.log(`skip ${s.file}:${s.line} ${s.lang}: ${s.skip}`);
const counts = new Map();
for (const s of unchecked) counts.set(s.lang || '(none)', (counts.get(s.lang || '(none)') ?? 0) + 1);
const byLang = [...counts].map(([lang, n]) => `${lang} ×${n}`);
if (unchecked.length) console.log(`not checked (language, or HTML without a module script): ${byLang.join(', ')}`);
if (failures.length) {
  console.error(`\n${failures.map((f) => `FAIL ${f}`).join('\n')}\n\nreadme-snippets: ${failures.length} problem(s) in ${files.join(', ')}`);
  process.exit(1);
}
console.log(`readme-snippets: ${typed.length} snippet(s) type-checked, ${loaded.length} page(s) loaded, ${regions.length} region(s) of example apps matched, ${skipped.length} skipped, in ${files.join(', ')}`);
