/**
 * green-qr-scan/server in separate processes (test/helpers/link-server-child.mjs, one Node process
 * each, on loopback): two of them sharing a real redis-server (Debian's, started and stopped by the
 * plugin on a free port) through `redisStore` and an ioredis client, as a host behind a load
 * balancer runs them; and one alone, whose memory is measured while the page floods it.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { startCluster, type Cluster } from './helpers/link-server.js';

const run = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
let nextId = 0;
const newId = () => `76${run}${String(nextId++).padStart(4, '0')}`;

class Sock {
  readonly ws: WebSocket;
  frames: string[] = [];
  opened = false;
  close?: number;
  constructor(base: string, id: string, ticket: string) {
    this.ws = new WebSocket(`${base.replace(/^http/, 'ws')}/waInstance${id}/scanqrcode`, ['green-qr-scan.v1', `ticket.${ticket}`]);
    this.ws.addEventListener('open', () => (this.opened = true));
    this.ws.addEventListener('message', (e: MessageEvent) => this.frames.push(String(e.data)));
    this.ws.addEventListener('close', (e: CloseEvent) => (this.close = e.code));
  }
  get ended() {
    return this.close !== undefined || this.ws.readyState === WebSocket.CLOSED;
  }
}

const call = (base: string, id: string, method: string, ticket: string, verb = 'GET') =>
  fetch(`${base}/waInstance${id}/${method}`, { method: verb, headers: { authorization: `Bearer ${ticket}` }, cache: 'no-store' });

describe('green-qr-scan/server in several processes', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('two processes sharing Redis: a ticket from one works on the other, its socket is one across both, revocation on one closes it on the other', async function () {
    this.timeout(30_000);
    const c = (cluster = await startCluster({ processes: 2, redis: true, allowedOrigins: [location.origin], limits: { lockTtlMs: 900, attemptsPerMinute: 2 } }));
    const [a, b] = c.urls;
    expect(a).not.to.equal(b);
    const id = newId();
    const { ticket } = await c.issue(0, { instanceId: id, scopes: ['qr', 'logout'] });

    const onB = await call(b, id, 'getStateInstance', ticket);
    expect(onB.status, 'a ticket issued by process A, used on B').to.equal(200);
    expect(await onB.json()).to.deep.equal({ stateInstance: 'notAuthorized' });

    const first = new Sock(a, id, ticket);
    await waitUntil(() => first.frames.length >= 1, 'no QR code from process A', { timeout: 8000 });
    expect(JSON.parse(first.frames[0]).type).to.equal('qrCode');
    const second = new Sock(b, id, ticket);
    await waitUntil(() => second.ended || second.opened, 'the second socket neither opened nor failed', { timeout: 8000 });
    expect(second.opened, 'a second socket on process B with the same ticket').to.equal(false);
    await c.waitLine(1, 'already has a live socket (409)');

    // Rate counters are shared too: two logout attempts per minute per ticket, across both processes.
    expect((await call(a, id, 'logout', ticket, 'POST')).status).to.equal(200);
    expect((await call(b, id, 'logout', ticket, 'POST')).status).to.equal(200);
    expect((await call(a, id, 'logout', ticket, 'POST')).status).to.equal(429);

    expect(await c.revoke(1, ticket)).to.deep.equal({ existed: true });
    await waitUntil(() => first.ended, 'the socket on process A outlived a revocation on process B', { timeout: 8000 });
    if (first.close !== undefined) expect(first.close).to.equal(1008);
    expect((await call(a, id, 'getStateInstance', ticket)).status, 'revoked on B, refused on A').to.equal(401);

    // The lock went with the socket: a fresh ticket opens a socket on B at once.
    const fresh = (await c.issue(1, { instanceId: id })).ticket;
    const third = new Sock(b, id, fresh);
    await waitUntil(() => third.frames.length >= 1, 'no QR code from process B', { timeout: 8000 });
    third.ws.close();

    const [ra, rb] = [await c.report(0), await c.report(1)];
    expect(ra.upstream.filter((u) => u.kind === 'upgrade').map((u) => u.path), 'sockets GREEN-API saw').to.deep.equal([
      `/waInstance${id}/scanqrcode/<real-token>`,
      `/waInstance${id}/scanqrcode/<real-token>`,
    ]);
    expect(ra.upstream.filter((u) => u.path.includes('/logout/'))).to.have.length(2);
    expect(ra.lines.some((l) => l.includes('ticket revoked or lock lost (closed)'))).to.equal(true);
    expect(ra.secretInLog || rb.secretInLog).to.equal(false);
  });

  it("a flood from the page does not grow the server's memory, and nothing of it reaches GREEN-API", async function () {
    this.timeout(60_000);
    const c = (cluster = await startCluster({ processes: 1, redis: false, allowedOrigins: [location.origin] }));
    const [base] = c.urls;
    // Warm up (code paths, buffers), then measure.
    const id0 = newId();
    const warm = new Sock(base, id0, (await c.issue(0, { instanceId: id0 })).ticket);
    await waitUntil(() => warm.frames.length >= 1, 'no QR code', { timeout: 8000 });
    warm.ws.close();
    await waitUntil(() => warm.ended, 'no close', { timeout: 5000 });
    const before = (await c.report(0)).memory;

    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    for (let round = 0; round < 3; round++) {
      const id = newId();
      const s = new Sock(base, id, (await c.issue(0, { instanceId: id })).ticket);
      await waitUntil(() => s.frames.length >= 1, 'no QR code', { timeout: 8000 });
      // 64 MB in 1 MB frames, then 2,000 small frames on another socket.
      for (let i = 0; i < 64 && s.ws.readyState === WebSocket.OPEN; i++) {
        s.ws.send(chunk);
        sent += chunk.length;
      }
      // The server ends the connection (Chromium may report it only once its send buffer is discarded).
      const ended = async (count: number) => (await c.report(0)).browserBytes.length >= count;
      await waitUntil(() => ended(2 + 2 * round), 'the server kept the flooded socket', { timeout: 15_000 });
      s.ws.close();
      const id2 = newId();
      const small = new Sock(base, id2, (await c.issue(0, { instanceId: id2 })).ticket);
      await waitUntil(() => small.frames.length >= 1, 'no QR code', { timeout: 8000 });
      for (let i = 0; i < 2000 && small.ws.readyState === WebSocket.OPEN; i++) small.ws.send('{"type":"qrCode"}');
      await waitUntil(() => ended(3 + 2 * round), 'the server kept the small-frame flood', { timeout: 8000 });
      small.ws.close();
    }
    await c.waitLine(0, 'frames (closed)');
    const after = await c.report(0);
    expect(sent).to.equal(3 * 64 * 1024 * 1024);
    const grew = (after.memory.rss - before.rss) / 1024 / 1024;
    expect(grew, `RSS grew by ${grew.toFixed(1)} MB while the page sent ${sent / 1024 / 1024} MB`).to.be.below(32);
    expect((after.memory.heapUsed - before.heapUsed) / 1024 / 1024, 'heap growth (MB)').to.be.below(8);
    expect(Math.max(...after.browserBytes), 'most bytes read from one flooding page').to.be.below(16 * 1024 * 1024);
    expect(after.upstreamWsBytesFromProxy, 'bytes relayed to GREEN-API (close frames only)').to.be.at.most(8 * 7);
    expect(after.lines.filter((l) => l.includes('over 1024 bytes (closed)'))).to.have.length(3);
    expect(after.lines.filter((l) => l.includes('frames (closed)'))).to.have.length(3);
  });
});
