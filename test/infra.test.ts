// Smoke test of the test infrastructure: scripted websocket servers and image fixtures.
import { expect } from '@open-wc/testing';
import { INSTANCE_ID, PNG_1X1, TOKEN, jpegBase64, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';

interface Client {
  ws: WebSocket;
  messages: string[];
  opened: Promise<void>;
  closed: Promise<CloseEvent>;
  nextMessage(): Promise<string>;
}

function connect(url: string): Client {
  const ws = new WebSocket(url);
  const messages: string[] = [];
  let wake: (() => void) | undefined;
  ws.addEventListener('message', (e) => {
    messages.push(String(e.data));
    wake?.();
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('close', () => reject(new Error('closed before open')), { once: true });
  });
  opened.catch(() => {});
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve, { once: true }));
  let seen = 0;
  const nextMessage = async () => {
    while (messages.length <= seen) await new Promise<void>((r) => (wake = r));
    return messages[seen++];
  };
  return { ws, messages, opened, closed, nextMessage };
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image did not load'));
    img.src = src;
  });
}

describe('test infrastructure: scripted websocket server', () => {
  let server: WsServer;
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('listens on 127.0.0.1 with matching ws:// and http:// URLs', () => {
    expect(server.port).to.be.a('number').greaterThan(0);
    expect(server.url).to.equal(`ws://127.0.0.1:${server.port}`);
    expect(server.httpUrl).to.equal(`http://127.0.0.1:${server.port}`);
  });

  it('records the raw path, delivers frames both ways', async () => {
    const client = connect(`${server.url}/waInstance${INSTANCE_ID}/scanqrcode/a%2Fb%3Fc%23d`);
    await client.opened;
    const [conn] = await server.waitForConnection(1);
    expect(conn.index).to.equal(0);
    expect(conn.path).to.equal(`/waInstance${INSTANCE_ID}/scanqrcode/a%2Fb%3Fc%23d`);
    expect(conn.handshake).to.equal('accepted');
    expect(conn.open).to.equal(true);
    expect(conn.origin).to.equal(location.origin);

    await server.send('plain text');
    expect(await client.nextMessage()).to.equal('plain text');
    await server.send({ type: 'qrCode', message: 'x' });
    expect(JSON.parse(await client.nextMessage())).to.deep.equal({ type: 'qrCode', message: 'x' });

    client.ws.send('hello from the browser');
    const withMessage = await server.waitForMessage(1);
    expect(withMessage.received).to.deep.equal(['hello from the browser']);
    const conns = await server.connections();
    expect(conns).to.have.length(1);
    expect(conns[0].received).to.deep.equal(['hello from the browser']);
    client.ws.close();
  });

  it('server close with 4001 reaches the client as 4001', async () => {
    const client = connect(server.url);
    await client.opened;
    await server.close(4001, 'bye');
    const event = await client.closed;
    expect(event.code).to.equal(4001);
    expect(event.reason).to.equal('bye');
    expect(await server.waitForClose()).to.deep.equal({ closeCode: 4001, closedBy: 'server' });
    const [conn] = await server.connections();
    expect(conn.open).to.equal(false);
    expect(conn.closeReason).to.equal('bye');
  });

  it('client close is seen as closedBy client with its code', async () => {
    const client = connect(server.url);
    await client.opened;
    client.ws.close(4000, 'done');
    expect(await server.waitForClose(0)).to.deep.equal({ closeCode: 4000, closedBy: 'client' });
  });

  it('terminate drops the connection: the client sees 1006', async () => {
    const client = connect(server.url);
    await client.opened;
    await server.terminate();
    const event = await client.closed;
    expect(event.code).to.equal(1006);
    expect((await server.waitForClose()).closedBy).to.equal('server');
  });

  it('sends to a chosen connection index and counts every connection', async () => {
    const a = connect(`${server.url}/a`);
    await a.opened;
    const b = connect(`${server.url}/b`);
    await b.opened;
    const conns = await server.waitForConnection(2);
    expect(conns.map((c) => c.path)).to.deep.equal(['/a', '/b']);
    await server.send('to a', 0);
    await server.send('to latest');
    expect(await a.nextMessage()).to.equal('to a');
    expect(await b.nextMessage()).to.equal('to latest');
    expect(a.messages).to.deep.equal(['to a']);
    a.ws.close();
    b.ws.close();
  });

  it('binary frames both ways', async () => {
    const client = connect(server.url);
    client.ws.binaryType = 'arraybuffer';
    const got = new Promise<ArrayBuffer>((resolve) =>
      client.ws.addEventListener('message', (e) => resolve(e.data as ArrayBuffer), { once: true }),
    );
    await client.opened;
    await server.sendBinary(btoa('\x01\x02\x03'));
    expect([...new Uint8Array(await got)]).to.deep.equal([1, 2, 3]);
    client.ws.send(new Uint8Array([9, 8]));
    expect((await server.waitForMessage(1)).receivedBinary).to.deep.equal([btoa('\x09\x08')]);
  });

  it('waitForConnection rejects after its timeout when nobody connects', async () => {
    let error: unknown;
    try {
      await server.waitForConnection(1, 200);
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.contain('timed out after 200 ms');
  });

  it('send without an open connection rejects', async () => {
    let error: unknown;
    try {
      await server.send('nobody');
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.contain('no open connection');
  });

  it('a stopped server refuses new connections', async () => {
    const { url } = server;
    await server.stop();
    const client = connect(url);
    const event = await client.closed;
    expect(event.code).to.equal(1006);
  });
});

describe('test infrastructure: failing handshakes', () => {
  it('refuseUpgrade answers 403: the socket never opens', async () => {
    const server = await startWsServer({ refuseUpgrade: true });
    const client = connect(`${server.url}/x`);
    const errored = new Promise((resolve) => client.ws.addEventListener('error', resolve, { once: true }));
    const event = await client.closed;
    await errored;
    expect(event.code).to.equal(1006);
    const [conn] = await server.waitForConnection(1);
    expect(conn).to.include({ path: '/x', handshake: 'refused', open: false, closedBy: 'server' });
    await server.stop();
  });

  it('noHandshake keeps the client connecting until it gives up', async () => {
    const server = await startWsServer({ noHandshake: true });
    const client = connect(server.url);
    const [conn] = await server.waitForConnection(1);
    expect(conn.handshake).to.equal('pending');
    expect(client.ws.readyState).to.equal(WebSocket.CONNECTING);
    client.ws.close();
    expect(await server.waitForClose(0)).to.deep.equal({ closedBy: 'client' });
    await server.stop();
  });

  it('terminate on a pending handshake fails the client with 1006', async () => {
    const server = await startWsServer({ noHandshake: true });
    const client = connect(server.url);
    await server.waitForConnection(1);
    await server.terminate();
    expect((await client.closed).code).to.equal(1006);
    expect(await server.waitForClose()).to.deep.equal({ closedBy: 'server' });
    await server.stop();
  });
});

describe('test infrastructure: fixtures', () => {
  it('TOKEN is 50 hex characters and INSTANCE_ID is 10 digits', () => {
    expect(TOKEN).to.match(/^[0-9a-f]{50}$/);
    expect(INSTANCE_ID).to.equal('1101000001');
  });

  it('pngBase64 variants are distinct, decodable PNGs', async () => {
    const a = pngBase64(1);
    const b = pngBase64(2);
    expect(a.startsWith('iVBORw0KGgo')).to.equal(true);
    expect(a).to.not.equal(b);
    expect(pngBase64(1)).to.equal(a);
    const img = await loadImage(`data:image/png;base64,${b}`);
    expect(img.naturalWidth).to.equal(8);
    expect((await loadImage(`data:image/png;base64,${pngBase64(0, 32)}`)).naturalWidth).to.equal(32);
  });

  it('jpegBase64 variants are distinct, decodable JPEGs', async () => {
    const a = jpegBase64(1);
    expect(a.startsWith('/9j/')).to.equal(true);
    expect(a).to.not.equal(jpegBase64(2));
    expect((await loadImage(`data:image/jpeg;base64,${a}`)).naturalWidth).to.equal(8);
  });

  it('PNG_1X1 is a decodable 1×1 PNG', async () => {
    const img = await loadImage(`data:image/png;base64,${PNG_1X1}`);
    expect([img.naturalWidth, img.naturalHeight]).to.deep.equal([1, 1]);
  });
});
