// The WhatsApp account's details read once after linking (GetWaSettings), best effort and bounded:
// a virtual clock against a scripted server.
import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import { holdBack } from '../../src/core/rate-gate.js';
import { readWaAccount } from '../../src/core/wa-account.js';
import { VirtualClock } from '../helpers/clock.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { TOKEN } from '../helpers/ws-server.js';

const AVATAR = 'https://pps.whatsapp.net/v/t61/avatar.jpg?oh=1&oe=2';

describe('core/wa-account: readWaAccount (virtual clock)', () => {
  let http: HttpServer;
  let clock: VirtualClock;
  let endpoints: Endpoints;
  let path: string;
  let debug: string[];
  let n = 0;

  beforeEach(async () => {
    http = await startHttpServer();
    clock = new VirtualClock().install();
    // A fresh instance per test: the page's rate gate remembers each instance's last request.
    const id = String(1_200_000_000 + n++);
    path = `/waInstance${id}/getWaSettings/${TOKEN}`;
    const resolved = resolveConfig({ instanceId: id, token: TOKEN, apiUrl: http.url });
    if (!resolved.ok) throw new Error(resolved.message);
    endpoints = resolved.endpoints;
    debug = [];
  });
  afterEach(async () => {
    clock.uninstall();
    await http.stop();
    for (const line of debug) expect(line).to.not.contain(TOKEN);
  });
  const read = (signal = new AbortController().signal, timeoutMs = 3000) => readWaAccount(endpoints, signal, timeoutMs, (t) => debug.push(t));

  it('one GetWaSettings: the number and the avatar', async () => {
    await http.script('GET', path, [{ body: { avatar: AVATAR, phone: '79001234567', stateInstance: 'authorized', deviceId: 'x', chatId: '79001234567@c.us' } }]);
    expect(await read()).to.deep.equal({ phone: '79001234567', avatar: AVATAR });
    expect((await http.requests()).map((r) => r.path)).to.deep.equal([path]);
    expect(debug).to.deep.equal([]);
    expect(clock.pending, 'the deadline is cleared with the answer').to.equal(0);
  });

  it('empty fields are left out', async () => {
    await http.script('GET', path, [{ body: { avatar: '', phone: '', stateInstance: 'authorized' } }]);
    expect(await read()).to.deep.equal({});
    expect(debug).to.deep.equal([]);
  });

  it('a failed request: nothing, and a debug line', async () => {
    await http.script('GET', path, [{ status: 500, body: 'boom' }]);
    expect(await read()).to.deep.equal({});
    expect(debug).to.deep.equal(['could not read the account details: getWaSettings failed: HTTP 500 (boom)']);
    expect(clock.pending, 'the deadline is cleared with the failure').to.equal(0);
  });

  it('no answer within timeoutMs: nothing once the time is up, and a debug line', async () => {
    await http.script('GET', path, [{ body: { avatar: AVATAR, phone: '79001234567' }, delayMs: 10_000 }]);
    let result: object | undefined;
    void read(undefined, 3000).then((r) => (result = r));
    await http.waitForRequests(1);
    await clock.tick(2999);
    expect(result).to.equal(undefined);
    await clock.tick(1);
    await clock.until(() => result);
    expect(result).to.deep.equal({});
    expect(debug).to.deep.equal(['could not read the account details: getWaSettings: no answer within 3000 ms']);
  });

  it('GetWaSettings\' rate slot taken (one request a second): it waits for the slot, within timeoutMs', async () => {
    await http.script('GET', path, [{ body: { avatar: AVATAR, phone: '79001234567' } }]);
    holdBack(endpoints.httpBase, 'getWaSettings', Date.now() + 500);
    let result: object | undefined;
    void read(undefined, 3000).then((r) => (result = r));
    await clock.tick(499);
    expect(await http.requests()).to.deep.equal([]);
    await clock.tick(1);
    await http.waitForRequests(1);
    await clock.until(() => result);
    expect(result).to.deep.equal({ phone: '79001234567', avatar: AVATAR });
  });

  it('the slot is not free within timeoutMs: nothing, and no request at all', async () => {
    await http.script('GET', path, [{ body: { avatar: AVATAR, phone: '79001234567' } }]);
    holdBack(endpoints.httpBase, 'getWaSettings', Date.now() + 60_000);
    let result: object | undefined;
    void read(undefined, 3000).then((r) => (result = r));
    await clock.tick(3000);
    await clock.until(() => result);
    expect(result).to.deep.equal({});
    expect(await http.requests()).to.deep.equal([]);
    expect(debug).to.deep.equal(['could not read the account details: getWaSettings: no answer within 3000 ms']);
  });

  it('the run ends first (or had ended): nothing, no debug line', async () => {
    await http.script('GET', path, [{ body: { phone: '79001234567' }, delayMs: 10_000 }]);
    const controller = new AbortController();
    const pending = read(controller.signal);
    await http.waitForRequests(1);
    controller.abort();
    expect(await pending).to.deep.equal({});
    expect(await read(controller.signal)).to.deep.equal({});
    expect((await http.requests()).length).to.equal(1);
    expect(debug).to.deep.equal([]);
    expect(clock.pending, 'no timer left behind').to.equal(0);
  });
});
