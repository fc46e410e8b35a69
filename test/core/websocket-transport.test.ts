// The `scanqrcode` websocket as a transport (src/core/transports/websocket.ts): the browser's own
// WebSocket against real scripted socket servers on 127.0.0.1, the connect timeout on a virtual
// clock. The sink is a plain recorder of what a connection would be told.
import { expect } from '@open-wc/testing';
import type { ServerMessage } from '../../src/core/protocol.js';
import type { Transport } from '../../src/core/transports/transport.js';
import { openWebSocket } from '../../src/core/transports/websocket.js';
import { VirtualClock } from '../helpers/clock.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from '../helpers/ws-server.js';

interface Sink {
  messages: ServerMessage[];
  debug: string[];
  opened: number;
  dropped: number;
}

describe('core/transports/websocket (virtual clock)', () => {
  let ws: WsServer;
  let clock: VirtualClock;
  let sink: Sink;
  let transport: Transport | undefined;
  const path = `/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`;

  beforeEach(async () => {
    ws = await startWsServer();
    clock = new VirtualClock().install();
    sink = { messages: [], debug: [], opened: 0, dropped: 0 };
    transport = undefined;
  });
  afterEach(async () => {
    transport?.close();
    clock.uninstall();
    await ws.stop();
  });

  function open(server = ws, connectTimeoutMs = 10_000, protocols?: string[]) {
    transport = openWebSocket(
      `${server.url}${path}`,
      { WebSocket, connectTimeoutMs, protocols },
      {
        message: (m) => void sink.messages.push(m),
        debug: (text) => void sink.debug.push(text),
        opened: () => void sink.opened++,
        dropped: () => void sink.dropped++,
      },
    );
    return transport;
  }

  it('opens, says so, and hands on parsed frames; frames it cannot use are told to debug', async () => {
    const t = open();
    expect(t.kind).to.equal('websocket');
    await ws.waitForConnection(1);
    await clock.until(() => sink.opened);
    const png = pngBase64(1);
    await ws.send({ type: 'qrCode', message: png });
    await ws.send('not json');
    await ws.sendBinary(btoa('{"type":"qrCode"}'));
    await ws.send({ type: 'timeoutExpired', message: 'time is up' });
    await clock.until(() => sink.messages.length === 2);
    expect(sink.messages).to.deep.equal([
      { type: 'qrCode', image: `data:image/png;base64,${png}` },
      { type: 'timeoutExpired', message: 'time is up' },
    ]);
    expect(sink.debug).to.deep.equal(['ignored a frame: frame is not JSON', 'ignored a frame: frame is not text']);
    expect(sink.opened).to.equal(1);
    expect(sink.dropped).to.equal(0);
    expect((await ws.connections())[0].path).to.equal(path);
  });

  it('asks for the given subprotocols', async () => {
    open(ws, 10_000, ['green-api']);
    const [connection] = await ws.waitForConnection(1);
    expect(connection.protocol).to.equal('green-api');
  });

  it('an open socket is not ended by the connect timeout', async () => {
    open(ws, 10_000);
    await clock.until(() => sink.opened);
    await clock.tick(60_000);
    expect(sink.dropped).to.equal(0);
    expect((await ws.connections())[0].open).to.equal(true);
    await ws.send({ type: 'error', message: 'still here' });
    await clock.until(() => sink.messages.length);
  });

  it('the server closes the socket: dropped once, `closed` settles, nothing more is handed on', async () => {
    const t = open();
    await clock.until(() => sink.opened);
    await ws.send({ type: 'error', message: 'last words' });
    await clock.until(() => sink.messages.length);
    await ws.close(1011);
    await t.closed;
    await clock.until(() => sink.dropped);
    await clock.tick(20_000);
    expect(sink.dropped).to.equal(1);
    expect(sink.messages).to.have.length(1);
  });

  it('close() on an open socket: a normal close (1000) started by the client, no dropped, no later frame', async () => {
    const t = open();
    await clock.until(() => sink.opened);
    t.close();
    t.close();
    // A frame the server sent before the close reached it is not handed on.
    await ws.send({ type: 'qrCode', message: pngBase64(2) }).catch(() => {});
    const closed = await ws.waitForClose(0);
    expect(closed).to.deep.equal({ closeCode: 1000, closedBy: 'client' });
    await t.closed;
    await clock.tick(20_000);
    expect(sink.messages).to.deep.equal([]);
    expect(sink.dropped).to.equal(0);
  });

  it('close() while the handshake is under way: the socket is closed (1000) the moment it opens, and nothing is told', async () => {
    const t = open();
    t.close();
    await ws.waitForConnection(1);
    const closed = await ws.waitForClose(0);
    expect(closed).to.deep.equal({ closeCode: 1000, closedBy: 'client' });
    await t.closed;
    await clock.tick(20_000);
    expect([sink.opened, sink.dropped, sink.messages.length]).to.deep.equal([0, 0, 0]);
  });

  it('a handshake that hangs past connectTimeoutMs is aborted and counts as dropped, once', async () => {
    const silent = await startWsServer({ noHandshake: true });
    try {
      const t = open(silent, 10_000);
      await silent.waitForConnection(1);
      await clock.tick(9_999);
      expect(sink.dropped).to.equal(0);
      await clock.tick(1);
      expect(sink.dropped).to.equal(1);
      expect((await silent.waitForClose(0)).closedBy).to.equal('client');
      await t.closed;
      await clock.tick(20_000);
      expect(sink.dropped).to.equal(1);
      expect(sink.opened).to.equal(0);
    } finally {
      await silent.stop();
    }
  });

  it('a refused upgrade counts as dropped, once, and never as opened', async () => {
    const refusing = await startWsServer({ refuseUpgrade: true });
    try {
      const t = open(refusing, 10_000);
      await refusing.waitForConnection(1);
      await t.closed;
      await clock.until(() => sink.dropped);
      await clock.tick(20_000);
      expect([sink.opened, sink.dropped]).to.deep.equal([0, 1]);
    } finally {
      await refusing.stop();
    }
  });

  it('an address the WebSocket class refuses throws at once', () => {
    expect(() => open({ url: 'ftp://127.0.0.1:1' } as WsServer)).to.throw();
  });
});
