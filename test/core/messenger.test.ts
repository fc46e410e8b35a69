// Which messenger an instance serves (core/messenger.ts): messengerOf, and the MessengerProbe
// session that shows `connecting` while GetSettings answers, against a scripted GREEN-API HTTP
// server on 127.0.0.1. Each test uses its own instance id (GetSettings is limited per instance).
import { expect } from '@open-wc/testing';
import type { ScanFailedEvent, ScanStateChangeEvent } from '../../src/core/events.js';
import { MESSENGERS, messengerOf, MessengerProbe, type Messenger } from '../../src/core/messenger.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { TOKEN } from '../helpers/ws-server.js';

let nextId = 0;

describe('core/messenger', () => {
  it('MESSENGERS: whatsapp, telegram, max', () => {
    expect(MESSENGERS).to.deep.equal(['whatsapp', 'telegram', 'max']);
  });

  it('messengerOf: typeInstance (trimmed, any case) → the messenger; v3 and max are MAX; anything else undefined', () => {
    const cases: [unknown, Messenger | undefined][] = [
      ['whatsapp', 'whatsapp'],
      ['  WhatsApp\n', 'whatsapp'],
      ['telegram', 'telegram'],
      ['TELEGRAM ', 'telegram'],
      ['v3', 'max'],
      [' V3', 'max'],
      ['max', 'max'],
      ['Max', 'max'],
      ['', undefined],
      ['viber', undefined],
      ['whats app', undefined],
      [3, undefined],
      [null, undefined],
      [undefined, undefined],
      [{ toString: () => 'whatsapp' }, undefined],
    ];
    for (const [input, expected] of cases) expect(messengerOf(input), String(input)).to.equal(expected);
  });
});

describe('core/messenger: MessengerProbe', () => {
  let http: HttpServer;
  let id: string;
  let log: string[];
  const path = () => `/waInstance${id}/getSettings/${TOKEN}`;
  const config = () => ({ instanceId: id, token: TOKEN, apiUrl: http.url });

  beforeEach(async () => {
    id = String(6_700_000_000 + nextId++ * 17 + Math.floor(Math.random() * 1000) * 1000);
    http = await startHttpServer();
    log = [];
  });
  afterEach(async () => {
    await http.stop();
  });

  function watch(probe: MessengerProbe): MessengerProbe {
    probe.addEventListener('scan-state-change', (e) => {
      const { state, previous, reason } = (e as ScanStateChangeEvent).detail;
      log.push(reason ? `${previous}→${state}:${reason}` : `${previous}→${state}`);
    });
    probe.addEventListener('scan-failed', (e) => log.push(`failed:${JSON.stringify((e as ScanFailedEvent).detail)}`));
    return probe;
  }

  it('before start: idle, resolved is undefined, nothing asked', async () => {
    const probe = watch(new MessengerProbe(config()));
    expect(probe.state).to.equal('idle');
    expect(await probe.resolved).to.equal(undefined);
    expect(await http.requests()).to.deep.equal([]);
  });

  it('asks GetSettings once and resolves with the messenger, staying connecting (no event of its own)', async () => {
    await http.script('GET', path(), [{ body: { typeInstance: 'telegram' } }]);
    const probe = watch(new MessengerProbe(config()));
    probe.start();
    expect(probe.state).to.equal('connecting');
    expect(await probe.resolved).to.equal('telegram');
    expect(probe.state).to.equal('connecting');
    expect(probe.failure).to.equal(undefined);
    expect(log).to.deep.equal(['idle→connecting']);
    expect((await http.requests()).map((r) => `${r.method} ${r.path}`)).to.deep.equal([`GET ${path()}`]);
  });

  it('a known messenger resolves at once, without a request', async () => {
    const probe = watch(new MessengerProbe(config(), 'max'));
    probe.start();
    expect(probe.state).to.equal('connecting');
    expect(await probe.resolved).to.equal('max');
    expect(log).to.deep.equal(['idle→connecting']);
    expect(await http.requests()).to.deep.equal([]);
  });

  it('a wrong configuration fails with invalidConfig at once, without a request (even with the messenger known)', async () => {
    for (const known of [undefined, 'whatsapp'] as const) {
      log = [];
      const probe = watch(new MessengerProbe({ instanceId: 'abc', token: TOKEN, apiUrl: http.url }, known));
      probe.start();
      expect(probe.state).to.equal('failed');
      expect(probe.failure).to.deep.equal({ reason: 'invalidConfig', message: probe.configProblem!.message });
      expect(probe.failure!.message).to.not.equal('');
      expect(await probe.resolved).to.equal(undefined);
      expect(log).to.deep.equal(['idle→failed:invalidConfig', `failed:${JSON.stringify(probe.failure)}`]);
    }
    expect(await http.requests()).to.deep.equal([]);
  });

  it('a failed GetSettings fails the probe with its reason and status; an unknown typeInstance with invalidConfig', async () => {
    await http.script('GET', path(), [{ status: 401, body: 'Unauthorized' }]);
    const probe = watch(new MessengerProbe(config()));
    probe.start();
    expect(await probe.resolved).to.equal(undefined);
    const failure = { reason: 'unauthorized', message: 'getSettings failed: HTTP 401 (Unauthorized): check the token (apiTokenInstance)', status: 401 };
    expect(probe.state).to.equal('failed');
    expect(probe.failure).to.deep.equal(failure);
    expect(log).to.deep.equal(['idle→connecting', 'connecting→failed:unauthorized', `failed:${JSON.stringify(failure)}`]);

    id = String(Number(id) + 1);
    await http.script('GET', path(), [{ body: { typeInstance: 'viber' } }]);
    const other = new MessengerProbe(config());
    other.start();
    expect(await other.resolved).to.equal(undefined);
    expect(other.failure).to.deep.equal({ reason: 'invalidConfig', message: 'getSettings: unknown typeInstance "viber" (expected whatsapp, telegram or v3)' });
  });

  it('requestTimeoutMs bounds GetSettings: a slow answer fails as connection', async () => {
    await http.script('GET', path(), [{ body: { typeInstance: 'whatsapp' }, delayMs: 1_500 }]);
    const probe = watch(new MessengerProbe(config(), undefined, { requestTimeoutMs: 120 }));
    probe.start();
    expect(await probe.resolved).to.equal(undefined);
    expect(probe.failure).to.deep.equal({ reason: 'connection', message: `getSettings: no answer from ${http.url} within 120 ms` });
  });

  /** Waits until the server saw its GetSettings request cancelled by the client (the probe's run ended). */
  async function untilCancelled() {
    for (let i = 0; i < 100 && !(await http.requests({ path: path() }))[0]?.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await http.requests({ path: path() }))[0].aborted).to.equal(true);
  }

  it('close() while GetSettings is on the way: the request is cancelled, resolved is undefined, back to idle, no failure', async () => {
    await http.script('GET', path(), [{ status: 401, body: 'Unauthorized', delayMs: 3_000 }]);
    const probe = watch(new MessengerProbe(config()));
    probe.start();
    const resolved = probe.resolved;
    await http.waitForRequests(1);
    probe.close();
    expect(await resolved).to.equal(undefined);
    expect(probe.state).to.equal('idle');
    // The cancelled request ends GetSettings with "aborted": the closed run must not fail on it.
    await untilCancelled();
    expect(probe.state).to.equal('idle');
    expect(probe.failure).to.equal(undefined);
    expect(log).to.deep.equal(['idle→connecting', 'connecting→idle']);
  });

  it('start() twice at once: the first run resolves undefined and sends nothing, the second resolves', async () => {
    await http.script('GET', path(), [{ body: { typeInstance: 'whatsapp' } }]);
    const probe = watch(new MessengerProbe(config()));
    probe.start();
    const first = probe.resolved;
    probe.start();
    expect(await first).to.equal(undefined);
    expect(await probe.resolved).to.equal('whatsapp');
    expect((await http.requests()).length).to.equal(1);
    expect(log).to.deep.equal(['idle→connecting']);
  });

  it('failWith fails a connecting probe, and only a connecting one', async () => {
    const failure = { reason: 'connection' as const, message: 'Could not load the Telegram part.' };
    const idle = watch(new MessengerProbe(config(), 'telegram'));
    idle.failWith(failure);
    expect(idle.state).to.equal('idle');
    expect(idle.failure).to.equal(undefined);

    const probe = watch(new MessengerProbe(config(), 'telegram'));
    probe.start();
    await probe.resolved;
    probe.failWith(failure);
    expect(probe.state).to.equal('failed');
    expect(probe.failure).to.deep.equal(failure);
    probe.failWith({ reason: 'error', message: 'second' });
    expect(probe.failure).to.deep.equal(failure);
    expect(log).to.deep.equal(['idle→connecting', 'connecting→failed:connection', `failed:${JSON.stringify(failure)}`]);
  });
});
