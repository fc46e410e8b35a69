// Node side of test/helpers/link-server.ts: a web-test-runner plugin that runs green-qr-scan/server
// (dist/server, built by `npm test`) for browser tests, in front of GREEN-API stand-ins:
//
//   browser ──▶ link server (this process, or child processes) ──▶ recording tap ──▶ mock/server.mjs
//                                                               └─▶ scripted upstream (broken answers, Telegram/MAX)
//
// The instance's REAL token (`real-secret-…`, random per rig) exists only in Node. Tickets are issued
// here (the host backend's job) and handed to the page. Reports mask both (`<real-token>`,
// `<ticket>`) and say with booleans where they were found: the browser never learns the real token.
// The test page's console, as Chromium reports it (its own network lines included), is recorded
// through the runner's puppeteer page.
//
// A clock per rig: the link server's `now` is frozen at the rig's start and moves only with
// `link-advance` (ticket expiry, rate windows), so nothing depends on how fast the machine is.
//
// Commands answer JSON; expected failures are `{ error: string }`. Unknown commands return undefined.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startMockServer } from '../../mock/server.mjs';
import { createLinkServer } from '../../dist/server/index.js';
import { waitFor } from './plugin-wait.mjs';
import { containsSecret, mask, startScripted, startTap } from './link-upstream.mjs';
import { startRedis } from '../../scripts/redis-server.mjs';

// GREEN-API's rate limits are the element's concern (tested against the stand-in elsewhere); these tests
// send back-to-back requests through the server on purpose.
const MOCK_DEFAULTS = { port: 0, firstQrDelayMs: 50, qrIntervalMs: 300, timeoutMs: 5000, authCodeLinkMs: 400, rateLimits: false };
const MOCK_ACTIONS = new Set(['scan', 'error', 'alreadyLogged', 'timeout', 'drop', 'reset']);
const CHILD = fileURLToPath(new URL('./link-server-child.mjs', import.meta.url));

const notify = (rig) => {
  for (const w of [...rig.waiters]) w();
};

/** A link-server child process; `call(cmd, args)` talks to it over IPC. */
async function startChild(config) {
  const child = fork(CHILD, [], { execArgv: ['--expose-gc'], env: { ...process.env, GQS_CHILD: JSON.stringify(config) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const pending = new Map();
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('link-server child did not start')), 15_000);
    child.once('exit', (code) => reject(new Error(`link-server child exited (${code})`)));
    child.on('message', (m) => {
      if (m.ready) {
        clearTimeout(timer);
        resolve(m.url);
      } else if (pending.has(m.id)) {
        pending.get(m.id)(m.reply);
        pending.delete(m.id);
      }
    });
  });
  return {
    url,
    call(cmd, args) {
      return new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        child.send({ id, cmd, args });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.send({ id: -1, cmd: 'stop' });
      await exited;
      clearTimeout(timer);
    },
  };
}

export function linkServerPlugin() {
  /** @type {Map<string, any>} rig url → rig */
  const rigs = new Map();
  /** @type {Map<string, any>} cluster id → cluster */
  const clusters = new Map();
  let nextCluster = 0;

  async function startRig(payload, session) {
    const waiters = new Set();
    const rig = {
      sessionId: session.id,
      realToken: `real-secret-${randomBytes(12).toString('hex')}/+=`,
      tickets: new Set(),
      lines: [],
      linked: [],
      browser: [],
      console: [],
      waiters,
      clock: { base: Date.now(), offset: 0 },
      instances: { ...(payload.instances ?? {}) },
    };
    rig.mock = await startMockServer({ ...MOCK_DEFAULTS, ...(payload.mock ?? {}), host: '127.0.0.1', log: false });
    rig.tap = await startTap(rig.mock.url, waiters);
    rig.scripted = await startScripted(waiters);
    if (payload.answers) Object.assign(rig.scripted.state.answers, payload.answers);
    if (payload.frames) rig.scripted.state.frames = payload.frames;
    rig.server = http.createServer();
    rig.sockets = new Set();
    rig.server.on('connection', (s) => {
      rig.sockets.add(s);
      s.on('close', () => rig.sockets.delete(s));
    });
    await new Promise((resolve) => rig.server.listen(0, '127.0.0.1', () => resolve(undefined)));
    const { port } = rig.server.address();
    rig.url = `http://127.0.0.1:${port}${payload.basePath ?? ''}`;
    rig.link = createLinkServer({
      lookup: (id) => {
        const kind = rig.instances[id];
        if (kind === 'mock') return { apiUrl: rig.tap.url, token: rig.realToken };
        if (kind === 'scripted') return { apiUrl: rig.scripted.url, token: rig.realToken };
        if (kind === 'scripted-v3') return { apiUrl: `${rig.scripted.url}/v3`, token: rig.realToken };
        if (kind === 'throws') throw new Error(`lookup failed for ${rig.realToken}`);
        if (kind === 'plain-http') return { apiUrl: 'http://api.green-api.example', token: rig.realToken };
        return undefined;
      },
      allowedHosts: [`127.0.0.1:${port}`],
      allowedOrigins: payload.allowedOrigins ?? [],
      basePath: payload.basePath,
      accountFields: payload.accountFields,
      ticketTtlMs: payload.ticketTtlMs,
      linkedGraceMs: payload.linkedGraceMs,
      limits: { confirmAttempts: 3, ...(payload.limits ?? {}) },
      log: (line) => {
        rig.lines.push(line);
        notify(rig);
      },
      onLinked: (event) => {
        rig.linked.push(event);
        notify(rig);
        if (payload.onLinkedThrows) throw new Error(`host bug ${rig.realToken}`);
      },
      now: () => rig.clock.base + rig.clock.offset,
    });
    const record = (req, method) => {
      if (req.headers['x-test-probe'] !== undefined) return undefined;
      const entry = { method, url: req.url ?? '', headers: req.rawHeaders.join('\n'), status: 0, bytesRead: 0, done: false };
      rig.browser.push(entry);
      notify(rig);
      return entry;
    };
    rig.server.on('request', (req, res) => {
      const entry = record(req, req.method ?? '');
      res.on('close', () => {
        if (entry) Object.assign(entry, { status: res.statusCode, done: true });
        notify(rig);
      });
      // `preParse`: a framework's JSON body parser (express.json(), …) reads the body first.
      if (payload.preParse && req.method === 'POST' && /json/.test(req.headers['content-type'] ?? '')) {
        let text = '';
        req.on('data', (c) => (text += c));
        req.on('end', () => {
          try {
            req.body = JSON.parse(text);
          } catch {
            req.body = undefined;
          }
          if (!rig.link.handleRequest(req, res)) res.writeHead(404).end();
        });
        return;
      }
      if (!rig.link.handleRequest(req, res)) res.writeHead(404).end();
    });
    rig.server.on('upgrade', (req, socket, head) => {
      const entry = record(req, 'UPGRADE');
      socket.once('close', () => {
        if (entry) Object.assign(entry, { bytesRead: socket.bytesRead, done: true });
        notify(rig);
      });
      if (!rig.link.handleUpgrade(req, socket, head)) socket.destroy();
    });
    // The test page's console as Chromium reports it (console API and its own network lines).
    const page = session.browser?.type === 'puppeteer' ? session.browser.getPage(session.id) : undefined;
    if (page) {
      const onConsole = (msg) => rig.console.push(msg.text());
      page.on('console', onConsole);
      rig.detach = () => page.off('console', onConsole);
    }
    rigs.set(rig.url, rig);
    return { url: rig.url };
  }

  async function stopRig(url) {
    const rig = rigs.get(url);
    if (!rig) return;
    rigs.delete(url);
    rig.detach?.();
    await rig.link.close();
    for (const s of rig.sockets) s.destroy();
    await new Promise((resolve) => rig.server.close(() => resolve(undefined)));
    await rig.tap.close();
    await rig.scripted.close();
    await rig.mock.close();
  }

  const secretsOf = (rig) => [[rig.realToken, '<real-token>'], ...[...rig.tickets].map((t) => [t, '<ticket>'])];
  const anyTicketIn = (rig, text) => [...rig.tickets].some((t) => text.includes(t));

  function report(rig) {
    const secrets = secretsOf(rig);
    const browserText = (r) => `${r.method} ${r.url}`;
    return {
      lines: rig.lines.map((l) => mask(l, secrets)),
      linked: rig.linked,
      browser: rig.browser.map((r) => ({ method: r.method, url: mask(r.url, secrets), status: r.status, bytesRead: r.bytesRead, done: r.done })),
      upstream: rig.tap.seen.map((r) => ({
        kind: r.kind,
        method: r.method,
        path: mask(r.path, secrets),
        forwarded: ['origin', 'cookie', 'referer', 'authorization', 'sec-websocket-protocol'].filter((h) => r.headers[h] !== undefined),
      })),
      upstreamWsBytesFromProxy: rig.tap.counters.wsBytesFromProxy,
      scripted: rig.scripted.state.seen.map((r) => ({ method: r.method, path: mask(r.path, secrets), body: mask(r.body, secrets) })),
      scriptedFramesFromProxy: rig.scripted.state.wsFramesFromProxy,
      console: rig.console.map((l) => mask(l, secrets)),
      ticketInLog: rig.lines.some((l) => anyTicketIn(rig, l)),
      realTokenInLog: rig.lines.some((l) => containsSecret(l, rig.realToken)),
      ticketInBrowserUrls: rig.browser.some((r) => anyTicketIn(rig, browserText(r))),
      ticketInBrowserHeaders: rig.browser.some((r) => anyTicketIn(rig, r.headers)),
      realTokenFromBrowser: rig.browser.some((r) => containsSecret(`${browserText(r)}\n${r.headers}`, rig.realToken)),
      ticketInConsole: rig.console.some((l) => anyTicketIn(rig, l)),
      realTokenInConsole: rig.console.some((l) => containsSecret(l, rig.realToken)),
      ticketUpstream: rig.tap.seen.some((r) => anyTicketIn(rig, `${r.path}\n${JSON.stringify(r.headers)}\n${r.body ?? ''}`)) ||
        rig.scripted.state.seen.some((r) => anyTicketIn(rig, `${r.path}\n${r.body}`)),
    };
  }

  /** A raw request to the link server from Node (any Host, Origin, method, header). */
  function probe(rig, { method = 'GET', path = '/', headers = {}, body }) {
    return new Promise((resolve) => {
      const url = new URL(rig.url);
      const req = http.request({ host: url.hostname, port: url.port, method, path, headers: { ...headers, 'x-test-probe': '1' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, mask(String(v), secretsOf(rig))])),
            body: mask(text, secretsOf(rig)),
            realTokenInReply: containsSecret(`${JSON.stringify(res.headers)}\n${text}`, rig.realToken),
          }),
        );
      });
      req.on('error', (err) => resolve({ error: `probe failed: ${err.message}` }));
      req.end(body);
    });
  }

  /** A websocket to the link server from Node: how the handshake ended, frames, the close code. */
  function probeSocket(rig, { path, origin, protocols = [], headers = {}, closeAfterMs = 1500, version }) {
    return new Promise((resolve) => {
      const base = new URL(rig.url);
      const ws = new WebSocket(`ws://${base.host}${path}`, protocols, {
        headers: { ...headers, 'x-test-probe': '1' },
        ...(origin ? { origin } : {}),
        ...(version ? { protocolVersion: version } : {}),
      });
      const out = { opened: false, protocol: '', frames: [], closeCode: undefined, status: undefined, body: '' };
      const timer = setTimeout(() => ws.terminate(), closeAfterMs);
      ws.on('unexpected-response', (req, res) => {
        out.status = res.statusCode;
        res.setEncoding('utf8');
        res.on('data', (c) => (out.body += c));
        res.on('end', () => {
          clearTimeout(timer);
          req.destroy();
          resolve(out);
        });
      });
      ws.on('open', () => {
        out.opened = true;
        out.protocol = ws.protocol;
      });
      ws.on('message', (d) => out.frames.push(mask(String(d).slice(0, 300), secretsOf(rig))));
      ws.on('error', () => {});
      ws.on('close', (code) => {
        clearTimeout(timer);
        out.closeCode = code;
        resolve(out);
      });
    });
  }

  async function startCluster(payload, session) {
    const id = String(nextCluster++);
    const cluster = { id, sessionId: session.id, children: [], tickets: new Set(), realToken: `real-secret-${randomBytes(12).toString('hex')}/+=`, waiters: new Set() };
    clusters.set(id, cluster);
    try {
      cluster.mock = await startMockServer({ ...MOCK_DEFAULTS, ...(payload.mock ?? {}), host: '127.0.0.1', log: false });
      cluster.tap = await startTap(cluster.mock.url, cluster.waiters);
      if (payload.redis) cluster.redis = await startRedis();
      for (let i = 0; i < (payload.processes ?? 1); i++) {
        cluster.children.push(
          await startChild({
            upstreamUrl: cluster.tap.url,
            realToken: cluster.realToken,
            allowedOrigins: payload.allowedOrigins ?? [],
            limits: payload.limits ?? {},
            redisUrl: cluster.redis?.url,
            // The first process passes its ioredis client, the others a command function.
            redisForm: i === 0 ? 'client' : 'command',
            prefix: `test-${id}:`,
          }),
        );
      }
    } catch (err) {
      await stopCluster(id);
      return { error: err instanceof Error ? err.message : String(err) };
    }
    return { id, urls: cluster.children.map((c) => c.url), redis: Boolean(cluster.redis) };
  }

  async function stopCluster(id) {
    const cluster = clusters.get(id);
    if (!cluster) return;
    clusters.delete(id);
    await Promise.all(cluster.children.map((c) => c.stop()));
    await cluster.redis?.stop();
    await cluster.tap?.close();
    await cluster.mock?.close();
  }

  return {
    name: 'green-qr-scan-link-server-commands',

    async executeCommand({ command, payload: rawPayload, session }) {
      const payload = rawPayload ?? {};
      if (command === 'link-start') return startRig(payload, session);
      if (command === 'cluster-start') return startCluster(payload, session);
      if (command === 'link-stop-all') {
        const mine = [...rigs].filter(([, r]) => r.sessionId === session.id).map(([url]) => url);
        await Promise.all(mine.map(stopRig));
        const mineClusters = [...clusters].filter(([, c]) => c.sessionId === session.id).map(([id]) => id);
        await Promise.all(mineClusters.map(stopCluster));
        return { stopped: mine.length + mineClusters.length };
      }
      if (command.startsWith('cluster-')) {
        const cluster = clusters.get(String(payload.id));
        if (!cluster) return { error: `no cluster ${payload.id}` };
        const child = cluster.children[Number(payload.index ?? 0)];
        switch (command) {
          case 'cluster-stop':
            await stopCluster(cluster.id);
            return { ok: true };
          case 'cluster-issue': {
            const reply = await child.call('issue', payload.request);
            if (reply.ticket) cluster.tickets.add(reply.ticket);
            return reply;
          }
          case 'cluster-revoke':
            return child.call('revoke', { ticket: payload.ticket });
          case 'cluster-report': {
            const reply = await child.call('report', {});
            const secrets = [[cluster.realToken, '<real-token>'], ...[...cluster.tickets].map((t) => [t, '<ticket>'])];
            return {
              ...reply,
              lines: reply.lines.map((l) => mask(l, secrets)),
              secretInLog: reply.lines.some((l) => containsSecret(l, cluster.realToken) || [...cluster.tickets].some((t) => l.includes(t))),
              upstream: cluster.tap.seen.map((r) => ({ kind: r.kind, method: r.method, path: mask(r.path, secrets) })),
              upstreamWsBytesFromProxy: cluster.tap.counters.wsBytesFromProxy,
            };
          }
          case 'cluster-mock': {
            if (!MOCK_ACTIONS.has(String(payload.action))) return { error: `unknown mock action ${payload.action}` };
            return { delivered: cluster.mock[String(payload.action)](String(payload.instanceId)) };
          }
          case 'cluster-wait-line': {
            const text = String(payload.text);
            const deadline = Date.now() + Math.min(Number(payload.timeout) || 5000, 15_000);
            for (;;) {
              const reply = await child.call('report', {});
              if (reply.lines.some((l) => l.includes(text))) return { ok: true };
              if (Date.now() > deadline) return { error: `no log line with "${text}"` };
              await new Promise((r) => setTimeout(r, 50));
            }
          }
          default:
            return undefined;
        }
      }
      if (!command.startsWith('link-')) return undefined;
      const rig = rigs.get(String(payload.url));
      if (!rig) return { error: `no link server at ${payload.url}` };
      switch (command) {
        case 'link-stop':
          await stopRig(rig.url);
          return { ok: true };
        case 'link-issue': {
          try {
            const issued = await rig.link.issueTicket(payload.request);
            rig.tickets.add(issued.ticket);
            return { ...issued, expiresIn: issued.expiresAt - (rig.clock.base + rig.clock.offset) };
          } catch (err) {
            return { error: `${err.name}: ${err.message}` };
          }
        }
        case 'link-renew': {
          const renewed = await rig.link.renewTicket(String(payload.ticket), payload.ttlMs);
          return renewed ? { expiresIn: renewed.expiresAt - (rig.clock.base + rig.clock.offset) } : { gone: true };
        }
        case 'link-revoke':
          return { existed: await rig.link.revokeTicket(String(payload.ticket)) };
        case 'link-advance':
          rig.clock.offset += Number(payload.ms) || 0;
          return { ok: true };
        case 'link-instances':
          Object.assign(rig.instances, payload.instances ?? {});
          return { ok: true };
        case 'link-script':
          if (payload.answers) Object.assign(rig.scripted.state.answers, payload.answers);
          if (payload.frames) rig.scripted.state.frames = payload.frames;
          if (payload.send) return { delivered: rig.scripted.send(String(payload.send)) };
          return { ok: true };
        case 'link-report':
          return report(rig);
        case 'link-mock': {
          const action = String(payload.action);
          if (!MOCK_ACTIONS.has(action)) return { error: `unknown mock action ${action}` };
          const id = String(payload.instanceId);
          return { delivered: rig.mock[action](id), state: rig.mock.getState(id) };
        }
        case 'link-mock-state':
          return rig.mock.getState(String(payload.instanceId));
        case 'link-find-secret': {
          const texts = Array.isArray(payload.texts) ? payload.texts.map(String) : [];
          return {
            realToken: texts.flatMap((t, i) => (containsSecret(t, rig.realToken) ? [i] : [])),
            ticket: texts.flatMap((t, i) => (anyTicketIn(rig, t) ? [i] : [])),
          };
        }
        case 'link-request':
          return probe(rig, payload);
        case 'link-socket':
          return probeSocket(rig, payload);
        case 'link-wait': {
          const count = Number(payload.count ?? 1);
          const checks = {
            browser: () => (rig.browser.filter((r) => r.done).length >= count ? { ok: true } : undefined),
            linked: () => (rig.linked.length >= count ? { ok: true } : undefined),
            upstream: () => (rig.tap.seen.length + rig.scripted.state.seen.length >= count ? { ok: true } : undefined),
            line: () => (rig.lines.some((l) => l.includes(String(payload.text))) ? { ok: true } : undefined),
          };
          const check = checks[String(payload.what)];
          if (!check) return { error: `unknown wait ${payload.what}` };
          return waitFor(rig, check, payload.timeout, `${payload.what} ${payload.text ?? count}`);
        }
        default:
          return undefined;
      }
    },

    async serverStop() {
      await Promise.all([...rigs.keys()].map(stopRig));
      await Promise.all([...clusters.keys()].map(stopCluster));
    },
  };
}
