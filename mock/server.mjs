/**
 * A local stand-in for GREEN-API, for the demo and tests: the `scanqrcode` websocket (real QR code
 * PNGs, rotation, timeout, alreadyLogged) and the QR / Logout / GetStateInstance /
 * GetAuthorizationCode / GetWaSettings HTTP methods, plus a control API (`/mock/{id}/…`) that
 * decides how a live session ends. Listens on loopback only; accepts any non-empty token and never stores or prints it.
 *
 *   node mock/server.mjs [--port 7070]     (or PORT=7070 node mock/server.mjs)
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import QRCode from 'qrcode';
import { WebSocketServer } from 'ws';

/**
 * @typedef {'notAuthorized' | 'authorized' | 'starting'} StateInstance
 * @typedef {{ wid: string, pushname: string, proxy: string, webhookUrl: string }} Account
 * @typedef {object} InstanceState
 * @property {string} idInstance
 * @property {boolean} authorized
 * @property {StateInstance} stateInstance
 * @property {Account} account  The account a simulated scan links.
 * @property {number} qrCodesSent  QR codes sent on sockets since start.
 * @property {Set<import('ws').WebSocket>} sessions  Live scanqrcode sockets.
 * @property {Set<NodeJS.Timeout>} timers  Pending auth-code / starting timers.
 * @property {{ png: string, at: number } | undefined} httpQr  The QR code the HTTP method serves.
 * @typedef {object} MockOptions
 * @property {number} [port=0]
 * @property {string} [host='127.0.0.1']  Loopback only: 127.x.x.x, ::1 or localhost.
 * @property {number} [qrIntervalMs=20000]  A new QR code this often.
 * @property {number} [timeoutMs=100000]  timeoutExpired this long after the socket opened.
 * @property {number} [firstQrDelayMs=300]  The first QR code this long after the socket opened.
 * @property {number} [authCodeLinkMs=5000]  getAuthorizationCode: "the person types the code" after this.
 * @property {number} [startingMs=0]  After a scan, stateInstance is `starting` this long, then `authorized`.
 * @property {Partial<Account>} [account]  Overrides the linked account's fields.
 * @property {boolean} [log=false]  Log connections and control calls (tokens masked).
 */

const DEFAULT_ACCOUNT = { wid: '79001234567@c.us', pushname: 'Demo phone', proxy: '127.0.0.1', webhookUrl: '' };
const ALREADY_LOGGED = { type: 'alreadyLogged', message: 'instance account already authorized' };
const TIMEOUT = { type: 'timeoutExpired', message: 'timeoutExpired' };
const DEFAULT_ERROR = 'Instance has auth. You need to make log out';
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '600',
};
const SOCKET_PATH = /^\/waInstance(\d{1,10})\/scanqrcode\/([^/]+)$/;
const METHOD_PATH = /^\/waInstance(\d{1,10})\/(qr|logout|getStateInstance|getAuthorizationCode|getWaSettings)\/([^/]+)$/;
const CONTROL_PATH = /^\/mock\/(\d{1,10})(?:\/(scan|error|already-logged|timeout|drop|reset))?$/;

/** @param {string} host */
const isLoopback = (host) => host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

/** A token for logs: its first 3 characters at most (none if it is short), then `…`. */
const mask = (token) => (token.length >= 12 ? `${token.slice(0, 3)}…` : '…');

/** A WhatsApp-like pairing ref: `2@<ref>,<noise key>,<identity key>,<adv secret>`. */
const randomRef = () =>
  `2@${randomBytes(48).toString('base64')},${randomBytes(32).toString('base64')},` +
  `${randomBytes(32).toString('base64')},${randomBytes(32).toString('base64')}`;

/** A real QR code PNG (256×256, margin 2) for a fresh ref, as base64 without a `data:` prefix. */
export async function qrPngBase64() {
  const png = await QRCode.toBuffer(randomRef(), { type: 'png', width: 256, margin: 2, errorCorrectionLevel: 'L' });
  return png.toString('base64');
}

/** The percent-decoded token segment, or `undefined` if it is empty or malformed. */
function decodeToken(segment) {
  try {
    const token = decodeURIComponent(segment);
    return token ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the mock server.
 * @param {MockOptions} [options]
 */
export async function startMockServer(options = {}) {
  const {
    port = 0,
    host = '127.0.0.1',
    qrIntervalMs = 20000,
    timeoutMs = 100000,
    firstQrDelayMs = 300,
    authCodeLinkMs = 5000,
    startingMs = 0,
    log = false,
  } = options;
  if (!isLoopback(host)) throw new Error(`mock server: refusing to listen on non-loopback host ${host}`);
  const account = { ...DEFAULT_ACCOUNT, ...options.account };
  const say = log ? (/** @type {string} */ line) => console.log(`[mock] ${line}`) : () => {};

  /** @type {Map<string, InstanceState>} */
  const instances = new Map();
  let refuseWebsocket = false;

  /** @param {string} id @returns {InstanceState} */
  function instance(id) {
    let inst = instances.get(id);
    if (!inst) {
      inst = { idInstance: id, authorized: false, stateInstance: 'notAuthorized', account: { ...account },
        qrCodesSent: 0, sessions: new Set(), timers: new Set(), httpQr: undefined };
      instances.set(id, inst);
    }
    return inst;
  }

  /** State JSON (no token, no sockets). @param {string} id */
  function getState(id) {
    const inst = instance(id);
    return { idInstance: id, authorized: inst.authorized, stateInstance: inst.stateInstance,
      account: inst.authorized ? inst.account : null, liveSessions: inst.sessions.size, qrCodesSent: inst.qrCodesSent,
      refuseWebsocket };
  }

  /** @param {InstanceState} inst @param {() => void} fn @param {number} ms */
  function later(inst, fn, ms) {
    const timer = setTimeout(() => { inst.timers.delete(timer); fn(); }, ms);
    inst.timers.add(timer);
  }

  /** @param {InstanceState} inst */
  function clearTimers(inst) {
    for (const timer of inst.timers) clearTimeout(timer);
    inst.timers.clear();
  }

  /** @param {InstanceState} inst @param {boolean} [viaScan] */
  function authorize(inst, viaScan = false) {
    clearTimers(inst);
    inst.authorized = true;
    inst.httpQr = undefined;
    if (viaScan && startingMs > 0) {
      inst.stateInstance = 'starting';
      later(inst, () => { inst.stateInstance = 'authorized'; }, startingMs);
    } else {
      inst.stateInstance = 'authorized';
    }
  }

  /** @param {InstanceState} inst */
  function deauthorize(inst) {
    clearTimers(inst);
    inst.authorized = false;
    inst.stateInstance = 'notAuthorized';
    inst.httpQr = undefined;
  }

  /** Sends `frame` on every live socket of `id` and closes them (1000). Returns how many. */
  function endSessions(id, frame) {
    const inst = instance(id);
    const sockets = [...inst.sessions].filter((ws) => ws.readyState === ws.OPEN);
    for (const ws of sockets) {
      ws.send(JSON.stringify(frame));
      ws.close(1000);
    }
    return sockets.length;
  }

  // Outcomes: each returns how many live sessions it reached.
  const simulate = {
    /** The phone scanned the code: accountData, authorized, close. */
    scan(id) {
      const inst = instance(id);
      authorize(inst, true);
      return endSessions(id, { type: 'accountData', ...inst.account });
    },
    /** An `error` frame, then close. */
    error(id, message = DEFAULT_ERROR) {
      return endSessions(id, { type: 'error', message: String(message) });
    },
    /** The instance is (now) authorized: live sessions get alreadyLogged, later connects too. */
    alreadyLogged(id) {
      authorize(instance(id));
      return endSessions(id, ALREADY_LOGGED);
    },
    /** timeoutExpired now, then close. */
    timeout(id) {
      return endSessions(id, TIMEOUT);
    },
    /** Kills the sockets without a close frame. */
    drop(id) {
      const inst = instance(id);
      const sockets = [...inst.sessions];
      for (const ws of sockets) ws.terminate();
      return sockets.length;
    },
    /** notAuthorized again (live sessions continue). */
    reset(id) {
      deauthorize(instance(id));
      return instance(id).sessions.size;
    },
  };

  /** @param {import('ws').WebSocket} ws @param {string} id */
  function startSession(ws, id) {
    const inst = instance(id);
    ws.on('error', () => {}); // a client vanishing mid-frame must not crash the server
    if (inst.authorized) {
      ws.send(JSON.stringify(ALREADY_LOGGED));
      ws.close(1000);
      return;
    }
    inst.sessions.add(ws);
    /** @type {NodeJS.Timeout[]} */
    const timers = [];
    const sendQr = async () => {
      const message = await qrPngBase64();
      if (ws.readyState !== ws.OPEN) return;
      inst.qrCodesSent++;
      ws.send(JSON.stringify({ type: 'qrCode', message }));
    };
    timers.push(setTimeout(() => {
      void sendQr();
      timers.push(setInterval(() => void sendQr(), qrIntervalMs));
    }, firstQrDelayMs));
    timers.push(setTimeout(() => {
      say(`instance ${id}: timeoutExpired`);
      ws.send(JSON.stringify(TIMEOUT));
      ws.close(1000);
    }, timeoutMs));
    const cleanup = () => {
      for (const timer of timers) clearTimeout(timer);
      inst.sessions.delete(ws);
    };
    ws.on('close', (code) => { cleanup(); say(`instance ${id}: socket closed (${code})`); });
  }

  /** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
  function json(res, status, body) {
    res.writeHead(status, { ...CORS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  /** The request's JSON body ({} when empty). Rejects bodies over 16 KiB or invalid JSON. */
  function readJson(req) {
    return new Promise((resolve, reject) => {
      let size = 0;
      /** @type {Buffer[]} */
      const chunks = [];
      req.on('data', (chunk) => {
        size += chunk.length;
        if (size > 16384) { reject(new Error('body too large')); req.destroy(); } else chunks.push(chunk);
      });
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').trim();
        try { resolve(text ? JSON.parse(text) : {}); } catch { reject(new Error('invalid JSON')); }
      });
      req.on('error', reject);
    });
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const { pathname } = new URL(req.url ?? '/', 'http://mock');
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }

    if (pathname === '/mock/refuse-websocket' && method === 'POST') {
      const body = await readJson(req);
      refuseWebsocket = body.refuse !== false;
      say(`refuse-websocket: ${refuseWebsocket}`);
      return json(res, 200, { refuseWebsocket });
    }

    let m = CONTROL_PATH.exec(pathname);
    if (m) {
      const [, id, action] = m;
      if (!action) return method === 'GET' ? json(res, 200, getState(id)) : json(res, 405, { error: 'use GET' });
      if (method !== 'POST') return json(res, 405, { error: 'use POST' });
      const body = action === 'error' ? await readJson(req) : {};
      const key = action === 'already-logged' ? 'alreadyLogged' : action;
      const delivered = key === 'error' ? simulate.error(id, body.message ?? DEFAULT_ERROR) : simulate[key](id);
      say(`instance ${id}: ${action} (${delivered} live session(s))`);
      return json(res, 200, { ok: true, action, delivered, state: getState(id) });
    }

    m = METHOD_PATH.exec(pathname);
    if (m) {
      const [, id, name, segment] = m;
      if (!decodeToken(segment)) return json(res, 400, { error: 'bad token' });
      say(`${method} /waInstance${id}/${name}/${mask(decodeToken(segment))}`);
      const inst = instance(id);
      const expected = name === 'getAuthorizationCode' ? 'POST' : 'GET';
      if (method !== expected) return json(res, 405, { error: `use ${expected}` });
      switch (name) {
        case 'qr': {
          if (inst.authorized) return json(res, 200, ALREADY_LOGGED);
          if (!inst.httpQr || Date.now() - inst.httpQr.at >= qrIntervalMs) {
            inst.httpQr = { png: await qrPngBase64(), at: Date.now() };
          }
          return json(res, 200, { type: 'qrCode', message: inst.httpQr.png });
        }
        case 'logout':
          deauthorize(inst);
          return json(res, 200, { isLogout: true });
        case 'getStateInstance':
          return json(res, 200, { stateInstance: inst.stateInstance });
        case 'getWaSettings': {
          // The linked number (the account's wid without `@c.us`); empty while not linked.
          const phone = inst.authorized ? inst.account.wid.split('@')[0].replace(/\D/g, '') : '';
          return json(res, 200, { avatar: '', phone, stateInstance: inst.stateInstance, deviceId: '' });
        }
        case 'getAuthorizationCode': {
          const body = await readJson(req);
          const phone = String(body.phoneNumber ?? '');
          if (!/^\d{7,15}$/.test(phone)) return json(res, 400, { error: 'phoneNumber: digits with country code' });
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
          const code = Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('');
          clearTimers(inst);
          later(inst, () => { authorize(inst); say(`instance ${id}: linked by phone code`); }, authCodeLinkMs);
          return json(res, 200, { status: true, code });
        }
      }
    }
    return json(res, 404, { error: 'not found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) json(res, 400, { error: err instanceof Error ? err.message : 'bad request' });
    });
  });
  const wss = new WebSocketServer({ noServer: true });

  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://mock');
    const m = SOCKET_PATH.exec(pathname);
    const token = m ? decodeToken(m[2]) : undefined;
    const reject = (status, text) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!m || !token) return reject(404, 'Not Found');
    if (refuseWebsocket) {
      say(`instance ${m[1]}: websocket refused (403)`);
      return reject(403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      say(`instance ${m[1]}: scanqrcode connected (token ${mask(token)})`);
      startSession(ws, m[1]);
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(undefined); });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    port: address.port,
    url: `http://${urlHost}:${address.port}`,
    /** @type {Map<string, InstanceState>} Per-instance state, keyed by instance id. */
    instances,
    /** State JSON of one instance (what `GET /mock/{id}` returns). */
    getState,
    /** Outcome simulation: each returns how many live sessions it reached. */
    ...simulate,
    /** Makes websocket upgrades fail with HTTP 403 (or work again). @param {boolean} refuse */
    setRefuseWebsocket(refuse) { refuseWebsocket = refuse; },
    /** Stops everything: timers, sockets (terminated) and the HTTP server. @returns {Promise<void>} */
    async close() {
      for (const inst of instances.values()) {
        clearTimers(inst);
        for (const ws of inst.sessions) ws.terminate();
        inst.sessions.clear();
      }
      await new Promise((resolve) => wss.close(() => resolve(undefined)));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const flag = process.argv.indexOf('--port');
  const port = Number(flag >= 0 ? process.argv[flag + 1] : process.env.PORT ?? 7070);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: node mock/server.mjs [--port 7070]');
    process.exit(2);
  }
  const mock = await startMockServer({ port, log: true });
  console.log(`GREEN-API mock listening on ${mock.url}`);
  console.log(`  websocket  ${mock.url.replace('http', 'ws')}/waInstance{id}/scanqrcode/{token}`);
  console.log(`  control    POST ${mock.url}/mock/{id}/{scan|error|already-logged|timeout|drop|reset}, GET ${mock.url}/mock/{id}`);
  const stop = () => void mock.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
