// Measurement hooks of the bench pages: a classic script that runs before any component code.
// It does not fake anything: the real WebSocket, timers and fetch run underneath; the hooks only
// note when things happen (performance.now()) and count what is still alive.
//  - WebSocket: a subclass that notes when each socket is constructed, opens and receives a message
//    (its own listeners are added first, so they run before the component's handlers), and which
//    sockets are not closed yet.
//  - setTimeout/setInterval/clearTimeout/clearInterval: count the timers still pending.
//  - fetch/XMLHttpRequest: count requests (a round trip before the socket would show here).
// The harness below uses the native timers, so it never counts itself.
(() => {
  'use strict';
  const now = () => performance.now();
  const native = {
    setTimeout: window.setTimeout.bind(window),
    clearTimeout: window.clearTimeout.bind(window),
    setInterval: window.setInterval.bind(window),
    clearInterval: window.clearInterval.bind(window),
    raf: window.requestAnimationFrame.bind(window),
    WebSocket: window.WebSocket,
    fetch: window.fetch.bind(window),
  };
  const events = new EventTarget();
  const B = {
    native,
    /** Keep per-socket records (off during the leak cycles, so the hooks do not grow the heap). */
    record: true,
    socketsCreated: 0,
    messagesSeen: 0,
    /** Sockets not closed yet. */
    live: new Set(),
    /** Latest socket record of each instance id. */
    sockets: new Map(),
    timersCreated: 0,
    /** Interval callbacks run so far. */
    ticks: 0,
    /** Pending timers: id → {kind: 'timeout' | 'interval', ms}. */
    liveTimers: new Map(),
    requests: 0,
    /** Paints seen by `watch()`. */
    paints: [],
    marks: {},
  };
  window.__bench = B;

  const idOf = (url) => /\/waInstance(\d+)\//.exec(String(url))?.[1] ?? '';

  class BenchWebSocket extends native.WebSocket {
    constructor(url, protocols) {
      const createdAt = now();
      super(url, protocols);
      B.socketsCreated++;
      B.live.add(this);
      const info = { id: idOf(url), createdAt, openAt: undefined, lastMessageAt: undefined, nextFrameAt: undefined, messages: 0 };
      if (B.record) B.sockets.set(info.id, info);
      this.addEventListener('open', () => {
        info.openAt = now();
        events.dispatchEvent(new Event('open'));
      });
      this.addEventListener('message', () => {
        const t = now();
        info.lastMessageAt = t;
        info.nextFrameAt = undefined;
        info.messages++;
        B.messagesSeen++;
        // The frame-begin time of the first frame after this message (to count frames to paint).
        if (B.record) native.raf((ts) => (info.nextFrameAt ??= ts));
        events.dispatchEvent(new Event('message'));
      });
      this.addEventListener('close', () => {
        B.live.delete(this);
        events.dispatchEvent(new Event('close'));
      });
    }
  }
  window.WebSocket = BenchWebSocket;

  window.setTimeout = function setTimeout(handler, ms, ...args) {
    if (typeof handler !== 'function') return native.setTimeout(handler, ms, ...args);
    B.timersCreated++;
    const id = native.setTimeout(function (...a) {
      B.liveTimers.delete(id);
      return handler.apply(this, a);
    }, ms, ...args);
    B.liveTimers.set(id, { kind: 'timeout', ms });
    return id;
  };
  window.setInterval = function setInterval(handler, ms, ...args) {
    if (typeof handler !== 'function') return native.setInterval(handler, ms, ...args);
    B.timersCreated++;
    // Notes when an interval fires (the countdown clocks): busy-time windows start mid-period.
    const id = native.setInterval(function (...a) {
      B.lastTickAt = now();
      B.lastTickPeriod = ms;
      B.ticks++;
      return handler.apply(this, a);
    }, ms, ...args);
    B.liveTimers.set(id, { kind: 'interval', ms });
    return id;
  };
  // Browsers share one id space: either function clears either kind.
  window.clearTimeout = function clearTimeout(id) {
    B.liveTimers.delete(id);
    native.clearTimeout(id);
  };
  window.clearInterval = function clearInterval(id) {
    B.liveTimers.delete(id);
    native.clearInterval(id);
  };
  window.fetch = function fetch(...args) {
    B.requests++;
    return native.fetch(...args);
  };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    B.requests++;
    return send.apply(this, args);
  };

  // --- harness (called by bench/run.mjs through page.evaluate) -------------------------------

  /** Resolves when `predicate()` holds, checked after each hook event of `type` (and at once). */
  B.until = (type, predicate, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      if (predicate()) return resolve();
      const timer = native.setTimeout(() => {
        events.removeEventListener(type, check);
        reject(new Error(`timed out waiting for ${type}`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        native.clearTimeout(timer);
        events.removeEventListener(type, check);
        resolve();
      };
      events.addEventListener(type, check);
    });

  /** The next message on any socket. */
  B.nextMessage = () => {
    const seen = B.messagesSeen;
    return B.until('message', () => B.messagesSeen > seen);
  };

  /** One macrotask (a MessageChannel hop: no timer clamping, not counted as a timer). */
  const channel = new MessageChannel();
  const hops = [];
  channel.port1.onmessage = () => hops.shift()?.();
  B.macrotask = () =>
    new Promise((resolve) => {
      hops.push(resolve);
      channel.port2.postMessage(0);
    });
  /**
   * Resolves `offset` ms after an interval's tick (the next one if that moment has passed): a
   * window of whole periods that starts there holds the same number of ticks every time, and
   * each tick's rendering well inside. Resolves at once (false) when no interval runs.
   */
  B.tickPhase = (offset) =>
    new Promise((resolve) => {
      const running = [...B.liveTimers.values()].some((t) => t.kind === 'interval');
      if (!running || B.lastTickAt === undefined) return resolve(false);
      const period = B.lastTickPeriod;
      const since = (now() - B.lastTickAt) % period;
      native.setTimeout(() => resolve(true), since <= offset ? offset - since : period - since + offset);
    });
  B.frame = () => new Promise((resolve) => native.raf(resolve));
  B.sleep = (ms) => new Promise((resolve) => native.setTimeout(resolve, ms));

  /**
   * Watches `el`'s shadow root for a new `[part=qr]` source: then awaits `img.decode()` and the next
   * animation frame, and records {id, tMsg, tDom, tDecoded, tPaint, framesLate}.
   */
  B.watch = (el) => {
    const root = el.shadowRoot;
    const id = el.getAttribute('instance-id');
    let last = '';
    const check = () => {
      const img = root.querySelector('[part=qr]');
      const src = img?.getAttribute('src');
      if (!src || src === last) return;
      last = src;
      const info = B.sockets.get(id);
      const tMsg = info?.lastMessageAt;
      const tDom = now();
      img
        .decode()
        .catch(() => {})
        .then(() => {
          const tDecoded = now();
          native.raf((ts) => {
            const tPaint = now();
            const first = info?.nextFrameAt ?? ts;
            B.paints.push({ id, tMsg, tDom, tDecoded, tPaint, framesLate: Math.round((ts - first) / (1000 / 60)) });
            events.dispatchEvent(new Event('paint'));
          });
        });
    };
    const observer = new MutationObserver(check);
    observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] });
    check();
  };

  B.create = (tag, id, token, api, extra = {}) => {
    const el = document.createElement(tag);
    el.setAttribute('instance-id', String(id));
    el.setAttribute('token', token);
    el.setAttribute('api-url', api);
    // The page knows its instance is WhatsApp's, like the baseline: no GetSettings before the socket.
    if (tag === 'green-qr-scan') el.setAttribute('messenger', 'whatsapp');
    for (const [name, value] of Object.entries(extra.attrs ?? {})) el.setAttribute(name, value);
    if (extra.props) Object.assign(el, extra.props);
    return el;
  };

  /** Startup: connected → `new WebSocket` → socket open; requests made before the socket. */
  B.startup = async (tag, id, api) => {
    const el = B.create(tag, id, 'manual', api);
    const requests = B.requests;
    const t0 = now();
    document.body.append(el);
    await B.until('open', () => B.sockets.get(String(id))?.openAt !== undefined);
    const info = B.sockets.get(String(id));
    el.remove();
    return { toSocket: info.createdAt - t0, toOpen: info.openAt - t0, requests: B.requests - requests };
  };

  /** Mounts `n` elements at once; returns the time to mount them (updated, styled and laid out). */
  B.mountMany = async (tag, ids, api, extra) => {
    const grid = document.getElementById('grid');
    const cells = document.createDocumentFragment();
    const els = ids.map((id) => {
      const cell = document.createElement('div');
      cell.className = 'cell';
      const el = B.create(tag, id, 'manual', api, extra);
      cell.append(el);
      cells.append(cell);
      return el;
    });
    const t0 = now();
    grid.append(cells);
    await Promise.all(els.map((el) => el.updateComplete));
    grid.getBoundingClientRect(); // style and layout of every shadow root, synchronously
    const mounted = now() - t0;
    await B.frame();
    const toFrame = now() - t0;
    B.els = els;
    if (B.record) for (const el of els) B.watch(el);
    return { mounted, toFrame, t0 };
  };

  B.unmountMany = () => {
    document.getElementById('grid').replaceChildren();
    B.els = [];
  };

  /**
   * `n` cycles: mount an element, wait for its QR code, remove it. Each element is mounted twice
   * (a fresh one, then the same one again), so both first connection and reconnection are cycled.
   * Every mount is for another instance: GREEN-API allows one scanqrcode handshake per second per
   * instance, which the element keeps (a second mount for the same instance waits its turn).
   */
  B.mountCycles = async (tag, n, firstId, api, times) => {
    let el;
    for (let i = 0; i < n; i++) {
      const t0 = now();
      if (i % 2 === 0) el = B.create(tag, firstId + i, 'auto', api);
      else el.setAttribute('instance-id', String(firstId + i));
      document.body.append(el);
      await B.nextMessage();
      await B.macrotask();
      el.remove();
      if (times) times[i] = now() - t0;
    }
  };

  /**
   * `n` calls of `el.restart()`, each waiting for the new socket's QR code. Each for another
   * instance (set just before, in the same task), for the handshake limit above.
   */
  let restartId = 7_100_000_000;
  B.restartCycles = async (el, n, times) => {
    for (let i = 0; i < n; i++) {
      const t0 = now();
      el.setAttribute('instance-id', String(restartId++));
      el.restart();
      await B.nextMessage();
      await B.macrotask();
      if (times) times[i] = now() - t0;
    }
  };

  B.counts = () => ({
    liveSockets: B.live.size,
    liveTimers: B.liveTimers.size,
    liveIntervals: [...B.liveTimers.values()].filter((t) => t.kind === 'interval').length,
    /** Pending timers by kind and delay, e.g. {'timeout 1000 ms': 2}. */
    timers: [...B.liveTimers.values()].reduce((all, t) => {
      const key = `${t.kind} ${t.ms} ms`;
      all[key] = (all[key] ?? 0) + 1;
      return all;
    }, {}),
    socketsCreated: B.socketsCreated,
    timersCreated: B.timersCreated,
    requests: B.requests,
  });
})();
