import { expect, waitUntil } from '@open-wc/testing';
import { ScanSession } from '../src/core/scan-session.js';
import type { AccountLinkedEvent, ScanFailedEvent, ScanStateChangeEvent } from '../src/core/events.js';
import { INSTANCE_ID, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';

describe('ScanSession (without the element)', () => {
  let server: WsServer;
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  function record(session: ScanSession) {
    const log: string[] = [];
    session.addEventListener('scan-state-change', (e) => {
      const { state, previous } = (e as ScanStateChangeEvent).detail;
      log.push(`${previous}->${state}`);
    });
    session.addEventListener('account-linked', (e) => log.push(`linked:${(e as AccountLinkedEvent).detail.wid}`));
    session.addEventListener('scan-failed', (e) => log.push(`failed:${(e as ScanFailedEvent).detail.reason}`));
    return log;
  }

  it('goes idle → connecting → qr → linked and closes its socket', async () => {
    const session = new ScanSession({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: server.url });
    const log = record(session);
    session.start();
    await server.waitForConnection(1);
    const png = await pngBase64(1);
    server.send({ type: 'qrCode', message: png });
    await waitUntil(() => session.state === 'qr');
    expect(session.qrImage).to.equal(`data:image/png;base64,${png}`);
    server.send({ type: 'accountData', wid: '79001234567@c.us', pushname: 'P', proxy: '', webhookUrl: '' });
    await waitUntil(() => session.state === 'linked');
    expect(session.account).to.deep.equal({ wid: '79001234567@c.us', pushname: 'P', proxy: '', webhookUrl: '' });
    expect(log).to.deep.equal(['idle->connecting', 'connecting->qr', 'qr->linked', 'linked:79001234567@c.us']);
    expect((await server.waitForClose(0)).closedBy).to.equal('client');
  });

  it('uses a 100-second scan window by default, counted from the first code on screen', async () => {
    const session = new ScanSession({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: server.url });
    session.start();
    expect(session.expiresAt).to.equal(undefined);
    await server.waitForConnection(1);
    const before = Date.now();
    server.send({ type: 'qrCode', message: await pngBase64(1) });
    await waitUntil(() => session.state === 'qr');
    expect(session.expiresAt! - before).to.be.within(100_000, 101_000);
    session.close();
    expect(session.state).to.equal('idle');
    expect((await server.waitForClose(0)).closedBy).to.equal('client');
  });

  it('close() while still connecting closes the socket as soon as it opens, and fires no terminal event', async () => {
    const session = new ScanSession({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: server.url });
    const log = record(session);
    session.start();
    session.close();
    await server.waitForConnection(1);
    expect((await server.waitForClose(0)).closedBy).to.equal('client');
    expect(log).to.deep.equal(['idle->connecting', 'connecting->idle']);
  });

  it('fails with invalidConfig synchronously, without a socket', async () => {
    const session = new ScanSession({ instanceId: '12a', token: TOKEN, apiUrl: server.url });
    const log = record(session);
    session.start();
    expect(log).to.deep.equal(['idle->failed', 'failed:invalidConfig']);
    expect(session.failure).to.deep.equal({ reason: 'invalidConfig', message: 'instance-id must be the numeric idInstance (1 to 12 digits)' });
    await new Promise((r) => setTimeout(r, 100));
    expect((await server.connections()).length).to.equal(0);
  });

  it('drops frames of a socket it already replaced', async () => {
    const session = new ScanSession({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: server.url }, { backoffMs: [20] });
    session.start();
    await server.waitForConnection(1);
    session.start();
    await server.waitForConnection(2);
    // The first socket is closed by the client; even if the server still wrote to it, nothing arrives.
    await server.waitForClose(0);
    server.send({ type: 'error', message: 'from the new socket' }, 1);
    await waitUntil(() => session.state === 'failed');
    expect(session.failure!.message).to.equal('from the new socket');
  });
});
