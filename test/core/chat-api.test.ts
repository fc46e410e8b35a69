// GREEN-API's Telegram / MAX linking methods (src/core/chat-api.ts) one by one, against a real
// scripted HTTP server: what each answer becomes, which answers are refused as invalidResponse, and
// what is sent. (The sessions built on them: chat-sessions.test.ts.)
import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import {
  getAccountSettings,
  getChatQr,
  sendAuthorizationCode,
  sendAuthorizationPassword,
  startAuthorization,
} from '../../src/core/chat-api.js';
import { forgetSlots } from '../../src/core/rate-gate.js';
import { VirtualClock, flush } from '../helpers/clock.js';
import { greenApiFailure } from '../helpers/green-api-error.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, PNG_1X1, TOKEN } from '../helpers/ws-server.js';

const failure = (run: () => Promise<unknown>) => greenApiFailure(run, TOKEN);

describe('core/chat-api: Telegram and MAX linking methods', () => {
  let server: HttpServer;
  let endpoints: Endpoints;
  const path = (method: string) => `/waInstance${INSTANCE_ID}/${method}/${TOKEN}`;

  beforeEach(async () => {
    // Several calls of one method in a test: each one's slot is free at once.
    forgetSlots();
    server = await startHttpServer();
    const resolved = resolveConfig({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: server.url });
    if (!resolved.ok) throw new Error(resolved.message);
    endpoints = resolved.endpoints;
  });
  afterEach(async () => {
    await server.stop();
  });

  describe('getChatQr', () => {
    it('maps each answer type: the code as an image, already_registered as alreadyLogged, pending_password, error', async () => {
      await server.script('GET', path('qr'), [
        { body: { type: 'qrCode', message: PNG_1X1 } },
        { body: { type: 'alreadyLogged', message: ' logged ' } },
        { body: { type: 'already_registered', message: 'registered' } },
        { body: { type: 'pending_password', message: 'password please' } },
        { body: { type: 'pendingPassword', message: 'password' } },
        { body: { type: 'error', message: 'boom' } },
      ]);
      const results = [];
      for (let i = 0; i < 6; i += 1) {
        forgetSlots();
        results.push(await getChatQr(endpoints, 'telegram'));
      }
      expect(results).to.deep.equal([
        { type: 'qrCode', image: `data:image/png;base64,${PNG_1X1}` },
        { type: 'alreadyLogged', message: 'logged' },
        { type: 'alreadyLogged', message: 'registered' },
        { type: 'pendingPassword', message: 'password please' },
        { type: 'pendingPassword', message: 'password' },
        { type: 'error', message: 'boom' },
      ]);
    });

    for (const [name, body] of [
      ['not JSON', '{oops'],
      ['a JSON array', [{ type: 'error', message: 'x' }]],
      ['JSON null', 'null'],
      ['a qrCode that is not an image', { type: 'qrCode', message: 'aGVsbG8gd29ybGQhISE=' }],
      ['an unknown type', { type: 'qrcode', message: PNG_1X1 }],
      ['no type', { message: 'x' }],
    ] as const) {
      it(`fails with invalidResponse on ${name}`, async () => {
        const script = typeof body === 'string' ? { body, contentType: 'application/json' } : { body };
        await server.script('GET', path('qr'), [script]);
        const error = await failure(() => getChatQr(endpoints, 'max'));
        expect(error.kind).to.equal('invalidResponse');
        expect(error.message).to.equal(`qr: unexpected response from ${server.url}`);
      });
    }

    it('paces MAX’s qr at 1 a second and Telegram’s at 3 a second (virtual clock)', async () => {
      await server.script('GET', path('qr'), [{ body: { type: 'error', message: 'wait' } }]);
      const clock = new VirtualClock().install();
      try {
        const count = async () => (await server.requests({ path: path('qr') })).length;
        for (const [messenger, spacing] of [
          ['max', 1100],
          ['telegram', 433],
        ] as const) {
          forgetSlots();
          const before = await count();
          await getChatQr(endpoints, messenger);
          const second = getChatQr(endpoints, messenger);
          await flush();
          await clock.tick(spacing - 50);
          // Still waiting for its slot: the gate's timer is what falls due next (not a request's timeout).
          expect(clock.dueWithin(100), `${messenger}: the second request waits for its slot`).to.equal(true);
          expect(await count(), `${messenger}: no second request before its slot`).to.equal(before + 1);
          await clock.tick(60);
          await second;
          expect(await count(), `${messenger}: the second request once its slot is free`).to.equal(before + 2);
        }
      } finally {
        clock.uninstall();
      }
    });
  });

  describe('getAccountSettings', () => {
    it('keeps what is well formed: the phone (without +, or a number), an http(s) avatar, the chat id, a known state', async () => {
      await server.script('GET', path('getAccountSettings'), [
        {
          body: {
            phone: '+79001234567',
            avatar: 'https://pps.example/avatar.jpg',
            chatId: '79001234567@c.us',
            stateInstance: 'authorized',
          },
        },
        { body: { phone: 79001234567, avatar: 'HTTP://example/a.png', chatId: 'user:42', stateInstance: 'notAuthorized' } },
      ]);
      expect(await getAccountSettings(endpoints)).to.deep.equal({
        phone: '79001234567',
        avatar: 'https://pps.example/avatar.jpg',
        chatId: '79001234567@c.us',
        stateInstance: 'authorized',
      });
      forgetSlots();
      expect(await getAccountSettings(endpoints)).to.deep.equal({
        phone: '79001234567',
        avatar: 'HTTP://example/a.png',
        chatId: 'user:42',
        stateInstance: 'notAuthorized',
      });
      const requests = await server.requests({ path: path('getAccountSettings') });
      expect(requests.map((r) => r.method)).to.deep.equal(['GET', 'GET']);
    });

    it('leaves out what is not: short, long or lettered phones, non-http avatars, odd chat ids, unknown states', async () => {
      const bodies = [
        { phone: '1234', avatar: 'javascript:alert(1)', chatId: 'a b', stateInstance: 'linked' },
        { phone: '1234567890123456', avatar: 'https://a b', chatId: 'x'.repeat(65), stateInstance: 7 },
        { phone: '7900abc1234', avatar: 'ftp://example/a.png', chatId: '<b>', stateInstance: '' },
        { phone: 1.5, avatar: ' ', chatId: '', stateInstance: null },
        { phone: '', avatar: 'xhttps://example/a.png', chatId: '' },
        { phone: '7900+1234567', avatar: '', chatId: '' },
        { phone: 79001234567.5, avatar: 'https://example/a.png trailing', chatId: 'ok\nno' },
        // Only whole numbers become text: a fraction or an array is not a phone or a chat id.
        { phone: ['79001234567'], chatId: 1.5 },
        { phone: [79001234567], chatId: ['user'], avatar: ['https://example/a.png'] },
      ];
      await server.script('GET', path('getAccountSettings'), bodies.map((body) => ({ body })));
      for (const body of bodies) {
        forgetSlots();
        expect(await getAccountSettings(endpoints), JSON.stringify(body)).to.deep.equal({});
      }
    });

    it('keeps the bounds: 5 and 15 digits, a 64-character chat id', async () => {
      await server.script('GET', path('getAccountSettings'), [
        { body: { phone: '12345', chatId: 'x'.repeat(64) } },
        { body: { phone: '123456789012345', chatId: 'a' } },
      ]);
      expect(await getAccountSettings(endpoints)).to.deep.equal({ phone: '12345', chatId: 'x'.repeat(64) });
      forgetSlots();
      expect(await getAccountSettings(endpoints)).to.deep.equal({ phone: '123456789012345', chatId: 'a' });
    });
  });

  describe('getAccountSettings: cancelling', () => {
    it('fails with aborted when the signal aborts, without waiting for a slow answer', async () => {
      await server.script('GET', path('getAccountSettings'), [{ body: { phone: '79001234567' }, delayMs: 30_000 }]);
      const controller = new AbortController();
      const pending = failure(() => getAccountSettings(endpoints, controller.signal));
      await server.waitForRequests(1, { path: path('getAccountSettings') });
      controller.abort();
      const error = await pending;
      expect(error.kind).to.equal('aborted');
      expect(error.message).to.equal('getAccountSettings: aborted');
    });
  });

  describe('startAuthorization, sendAuthorizationCode, sendAuthorizationPassword', () => {
    it('startAuthorization POSTs the phone number as a number and reads success', async () => {
      await server.script('POST', path('startAuthorization'), [{ body: { status: true, data: { status: 'success' } } }]);
      expect(await startAuthorization(endpoints, '79001234567')).to.deep.equal({ ok: true });
      const [request] = await server.requests({ method: 'POST' });
      expect(JSON.parse(request.body)).to.deep.equal({ phoneNumber: 79001234567 });
    });

    for (const phone of ['0790012345', '790012345', '7900123456789012', '+79001234567', '7900123456a', ' 79001234567']) {
      it(`startAuthorization refuses ${JSON.stringify(phone)} with invalidArgument, without a request`, async () => {
        const error = await failure(() => startAuthorization(endpoints, phone));
        expect(error.kind).to.equal('invalidArgument');
        expect(error.message).to.equal('startAuthorization: phoneNumber must be 10 to 15 digits with the country code');
        expect(error.message).to.not.contain(phone.trim());
        expect(await server.requests()).to.deep.equal([]);
      });
    }

    it('startAuthorization takes 10 and 15 digits', async () => {
      await server.script('POST', path('startAuthorization'), [{ body: { status: true } }]);
      expect(await startAuthorization(endpoints, '7900123456')).to.deep.equal({ ok: true });
      forgetSlots();
      expect(await startAuthorization(endpoints, '790012345678901')).to.deep.equal({ ok: true });
      const bodies = (await server.requests({ method: 'POST' })).map((r) => JSON.parse(r.body));
      expect(bodies).to.deep.equal([{ phoneNumber: 7900123456 }, { phoneNumber: 790012345678901 }]);
    });

    it('sendAuthorizationCode sends the password only when there is one', async () => {
      await server.script('POST', path('sendAuthorizationCode'), [{ body: { status: true, data: { status: 'success' } } }]);
      expect(await sendAuthorizationCode(endpoints, '12345', undefined)).to.deep.equal({ ok: true });
      forgetSlots();
      expect(await sendAuthorizationCode(endpoints, '12345', '')).to.deep.equal({ ok: true });
      forgetSlots();
      expect(await sendAuthorizationCode(endpoints, '12345', 'secret')).to.deep.equal({ ok: true });
      const bodies = (await server.requests({ method: 'POST' })).map((r) => JSON.parse(r.body));
      expect(bodies).to.deep.equal([{ code: '12345' }, { code: '12345', password: '' }, { code: '12345', password: 'secret' }]);
    });

    it('sendAuthorizationPassword POSTs the password', async () => {
      await server.script('POST', path('sendAuthorizationPassword'), [{ body: { status: true, data: { status: 'success' } } }]);
      expect(await sendAuthorizationPassword(endpoints, 'p@ss')).to.deep.equal({ ok: true });
      const [request] = await server.requests({ method: 'POST' });
      expect(JSON.parse(request.body)).to.deep.equal({ password: 'p@ss' });
    });

    it('reads the answer: a reason word fails, data.status fail fails, status false fails, anything else is ok', async () => {
      const answers: [unknown, unknown][] = [
        [{ status: true, data: { status: 'fail', reason: 'invalid_password' } }, { ok: false, reason: 'invalid_password' }],
        [{ status: true, data: { status: 'success', reason: 'rate_limit_exceeded' } }, { ok: false, reason: 'rate_limit_exceeded' }],
        [{ status: true, data: { status: 'fail' } }, { ok: false }],
        [{ status: false, data: { status: 'success' } }, { ok: false }],
        [{ status: false }, { ok: false }],
        [{ status: true }, { ok: true }],
        [{ status: true, data: 'fail' }, { ok: true }],
        [{ status: true, data: ['fail'] }, { ok: true }],
        [{ status: true, data: { status: 'success', reason: 'not a word!' } }, { ok: true }],
        [{ status: true, data: { status: 'success', reason: 'x'.repeat(41) } }, { ok: true }],
        [{ status: true, data: { status: 'success', reason: 42 } }, { ok: true }],
        [{ status: true, data: { status: 'success', reason: ['invalid_password'] } }, { ok: true }],
        [{ status: true, data: { status: 'fail', reason: 'a'.repeat(40) } }, { ok: false, reason: 'a'.repeat(40) }],
      ];
      await server.script(
        'POST',
        path('sendAuthorizationPassword'),
        answers.map(([body]) => ({ body })),
      );
      for (const [body, expected] of answers) {
        forgetSlots();
        expect(await sendAuthorizationPassword(endpoints, 'p'), JSON.stringify(body)).to.deep.equal(expected);
      }
    });

    for (const [name, body] of [
      ['no status', { data: { status: 'success' } }],
      ['a status that is not a boolean', { status: 'true' }],
      ['an array', [true]],
    ] as const) {
      it(`fails with invalidResponse on ${name}, naming the method`, async () => {
        await server.script('POST', path('sendAuthorizationCode'), [{ body }]);
        const error = await failure(() => sendAuthorizationCode(endpoints, '12345', undefined));
        expect(error.kind).to.equal('invalidResponse');
        expect(error.message).to.equal(`sendAuthorizationCode: unexpected response from ${server.url}`);
        await server.script('POST', path('startAuthorization'), [{ body }]);
        forgetSlots();
        const other = await failure(() => startAuthorization(endpoints, '79001234567'));
        expect(other.message).to.equal(`startAuthorization: unexpected response from ${server.url}`);
        await server.script('POST', path('sendAuthorizationPassword'), [{ body }]);
        const third = await failure(() => sendAuthorizationPassword(endpoints, 'p'));
        expect(third.message).to.equal(`sendAuthorizationPassword: unexpected response from ${server.url}`);
      });
    }
  });
});
