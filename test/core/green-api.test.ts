import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import {
  GreenApiError,
  formatAuthCode,
  getAuthorizationCode,
  getQr,
  getStateInstance,
  getWaSettings,
  logout,
  normalizePhoneNumber,
} from '../../src/core/green-api.js';
import { greenApiFailure } from '../helpers/green-api-error.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { INSTANCE_ID, PNG_1X1, TOKEN } from '../helpers/ws-server.js';

/** A token that must be percent-encoded (and must never show up in a message). */
const ODD_TOKEN = 'tok/en?#%+é';
const ODD_SEGMENT = 'tok%2Fen%3F%23%25%2B%C3%A9';

function endpointsFor(server: HttpServer, token = TOKEN): Endpoints {
  const resolved = resolveConfig({ instanceId: INSTANCE_ID, token, apiUrl: server.url });
  if (!resolved.ok) throw new Error(resolved.message);
  return resolved.endpoints;
}

/** Runs `run`, expects a GreenApiError, and checks that its message leaks neither the token nor the URL. */
async function failure(run: () => Promise<unknown>, token = TOKEN): Promise<GreenApiError> {
  const error = await greenApiFailure(run, token);
  expect(error.name).to.equal('GreenApiError');
  expect(error.message).to.not.contain(encodeURIComponent(token));
  expect(error.message).to.not.contain('waInstance');
  return error;
}

describe('GREEN-API HTTP methods', () => {
  let server: HttpServer;
  let endpoints: Endpoints;
  const path = (method: string, segment = TOKEN) => `/waInstance${INSTANCE_ID}/${method}/${segment}`;

  beforeEach(async () => {
    server = await startHttpServer();
    endpoints = endpointsFor(server);
  });
  afterEach(async () => {
    await server.stop();
  });

  describe('getQr', () => {
    it('GETs /qr/{token} with the token percent-encoded, without a preflight, and returns the QR code', async () => {
      const odd = endpointsFor(server, ODD_TOKEN);
      await server.script('GET', path('qr', ODD_SEGMENT), [{ body: { type: 'qrCode', message: PNG_1X1 } }]);
      const result = await getQr(odd);
      expect(result).to.deep.equal({ type: 'qrCode', image: `data:image/png;base64,${PNG_1X1}` });
      const requests = await server.requests();
      expect(requests.map((r) => [r.method, r.path, r.body])).to.deep.equal([['GET', path('qr', ODD_SEGMENT), '']]);
    });

    it('returns alreadyLogged and error with the server text', async () => {
      await server.script('GET', path('qr'), [
        { body: { type: 'alreadyLogged', message: 'instance account already authorized' } },
        { body: { type: 'error', message: 'Instance has auth. You need to make log out' } },
      ]);
      expect(await getQr(endpoints)).to.deep.equal({ type: 'alreadyLogged', message: 'instance account already authorized' });
      expect(await getQr(endpoints)).to.deep.equal({ type: 'error', message: 'Instance has auth. You need to make log out' });
    });

    for (const [name, body] of [
      ['not JSON', '{oops'],
      ['a qrCode that is not an image', { type: 'qrCode', message: 'aGVsbG8gd29ybGQhISE=' }],
      ['a type the QR method does not send', { type: 'timeoutExpired', message: 'timeoutExpired' }],
      ['a JSON array', [1, 2]],
    ] as const) {
      it(`fails with invalidResponse on ${name}`, async () => {
        await server.script('GET', path('qr'), [{ body }]);
        const error = await failure(() => getQr(endpoints));
        expect(error.kind).to.equal('invalidResponse');
        expect(error.status).to.equal(undefined);
        expect(error.message).to.equal(`qr: unexpected response from ${server.url}`);
      });
    }
  });

  describe('logout', () => {
    it('GETs /logout/{token} and returns isLogout', async () => {
      await server.script('GET', path('logout'), [{ body: { isLogout: true } }, { body: { isLogout: false } }]);
      expect(await logout(endpoints)).to.deep.equal({ isLogout: true });
      expect(await logout(endpoints)).to.deep.equal({ isLogout: false });
      expect((await server.requests()).map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        `GET ${path('logout')}`,
        `GET ${path('logout')}`,
      ]);
    });

    it('fails with http 401 without the token or the URL in the message', async () => {
      const odd = endpointsFor(server, ODD_TOKEN);
      await server.script('GET', path('logout', ODD_SEGMENT), [{ status: 401, body: 'Unauthorized' }]);
      const error = await failure(() => logout(odd), ODD_TOKEN);
      expect(error.kind).to.equal('http');
      expect(error.status).to.equal(401);
      expect(error.message).to.equal('logout failed: HTTP 401 (Unauthorized)');
      expect(error.description).to.equal('Unauthorized');
    });

    it('keeps what an error body says, with the token scrubbed where the body echoes the address', async () => {
      const odd = endpointsFor(server, ODD_TOKEN);
      await server.script('GET', path('logout', ODD_SEGMENT), [{ status: 400, body: `bad token ${ODD_TOKEN} in ${ODD_SEGMENT}` }]);
      const error = await failure(() => logout(odd), ODD_TOKEN);
      expect(error.status).to.equal(400);
      expect(error.description).to.equal('bad token … in …');
    });

    it('a 466 carries the quota description of its body', async () => {
      const body = { invokeStatus: { method: 'logout', used: 100, total: 100, status: 'QUOTE_EXCEEDED', description: 'Monthly quota has been exceeded.' } };
      await server.script('GET', path('logout'), [{ status: 466, body }]);
      const error = await failure(() => logout(endpoints));
      expect([error.status, error.description]).to.deep.equal([466, 'Monthly quota has been exceeded.']);
      expect(error.message).to.equal('logout failed: HTTP 466 (Monthly quota has been exceeded.)');
    });

    it('a 429 is waited out (Retry-After honoured) and sent again, never a failure', async () => {
      await server.script('GET', path('logout'), [{ status: 429, body: 'Too Many Requests' }, { body: { isLogout: true } }]);
      const started = Date.now();
      expect(await logout(endpoints)).to.deep.equal({ isLogout: true });
      const at = (await server.requests({ path: path('logout') })).map((r) => r.at);
      expect(at.length).to.equal(2);
      expect(at[1] - at[0]).to.be.at.least(990);
      expect(Date.now() - started).to.be.below(5000);
    });

    it('fails with invalidResponse when isLogout is not a boolean', async () => {
      await server.script('GET', path('logout'), [{ body: { isLogout: 'true' } }]);
      const error = await failure(() => logout(endpoints));
      expect(error.kind).to.equal('invalidResponse');
    });
  });

  describe('getStateInstance', () => {
    it('GETs /getStateInstance/{token} and returns each documented state, and null', async () => {
      const states = ['notAuthorized', 'authorized', 'blocked', 'sleepMode', 'starting', 'yellowCard', null];
      await server.script('GET', path('getStateInstance'), states.map((stateInstance) => ({ body: { stateInstance } })));
      const got = [];
      for (let i = 0; i < states.length; i++) got.push(await getStateInstance(endpoints));
      expect(got).to.deep.equal(states);
      expect((await server.requests({ method: 'GET', path: path('getStateInstance') })).length).to.equal(states.length);
    });

    it('fails with http 500 and keeps the status', async () => {
      await server.script('GET', path('getStateInstance'), [{ status: 500, body: { error: 'boom' } }]);
      const error = await failure(() => getStateInstance(endpoints));
      expect(error.kind).to.equal('http');
      expect(error.status).to.equal(500);
      expect(error.message).to.equal('getStateInstance failed: HTTP 500 (boom)');
    });

    for (const [name, body] of [
      ['an unknown state', { stateInstance: 'dancing' }],
      ['no stateInstance', { state: 'authorized' }],
      ['garbage JSON', 'authorized'],
    ] as const) {
      it(`fails with invalidResponse on ${name}`, async () => {
        await server.script('GET', path('getStateInstance'), [{ body }]);
        const error = await failure(() => getStateInstance(endpoints));
        expect(error.kind).to.equal('invalidResponse');
        expect(error.message).to.equal(`getStateInstance: unexpected response from ${server.url}`);
      });
    }

    it('fails with network when the server is gone', async () => {
      await server.stop();
      const error = await failure(() => getStateInstance(endpoints));
      expect(error.kind).to.equal('network');
      expect(error.status).to.equal(undefined);
      expect(error.message).to.equal(`getStateInstance: could not reach ${server.url}`);
    });

    it('fails with network when the server does not answer in time', async () => {
      await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'authorized' }, delayMs: 2000 }]);
      const started = Date.now();
      const error = await failure(() => getStateInstance(endpoints, undefined, 150));
      expect(Date.now() - started).to.be.below(1500);
      expect(error.kind).to.equal('network');
      expect(error.message).to.equal(`getStateInstance: no answer from ${server.url} within 150 ms`);
    });

    it('fails with aborted when the signal aborts, and the request is really cancelled', async () => {
      await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'authorized' }, delayMs: 3000 }]);
      const controller = new AbortController();
      const pending = failure(() => getStateInstance(endpoints, controller.signal));
      await server.waitForRequests(1);
      controller.abort();
      const error = await pending;
      expect(error.kind).to.equal('aborted');
      expect(error.message).to.equal('getStateInstance: aborted');
      await server.waitForRequests(1, { path: path('getStateInstance') });
      const deadline = Date.now() + 2000;
      while (!(await server.requests())[0].aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect((await server.requests())[0].aborted).to.equal(true);
    });

    it('fails with aborted at once, without a request, for an aborted signal', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await failure(() => getStateInstance(endpoints, controller.signal));
      expect(error.kind).to.equal('aborted');
      await new Promise((r) => setTimeout(r, 100));
      expect(await server.requests()).to.deep.equal([]);
    });
  });

  describe('getAuthorizationCode', () => {
    it('POSTs {"phoneNumber": <number>} as JSON and returns the code', async () => {
      await server.script('POST', path('getAuthorizationCode'), [{ body: { status: true, code: 'ABCD1234' } }]);
      expect(await getAuthorizationCode(endpoints, '79001234567')).to.deep.equal({ status: true, code: 'ABCD1234' });
      const posts = await server.requests({ method: 'POST' });
      expect(posts.map((r) => [r.path, r.body])).to.deep.equal([[path('getAuthorizationCode'), '{"phoneNumber":79001234567}']]);
      // JSON is not a "simple" content type: the browser asked first.
      expect((await server.requests({ method: 'OPTIONS' })).map((r) => r.path)).to.deep.equal([path('getAuthorizationCode')]);
    });

    it('returns status false without a code ("ask again")', async () => {
      await server.script('POST', path('getAuthorizationCode'), [{ body: { status: false, code: '' } }]);
      expect(await getAuthorizationCode(endpoints, '447946095800')).to.deep.equal({ status: false });
      expect((await server.requests({ method: 'POST' }))[0].body).to.equal('{"phoneNumber":447946095800}');
    });

    it('fails with invalidResponse when status is true but there is no code, or status is missing', async () => {
      await server.script('POST', path('getAuthorizationCode'), [{ body: { status: true } }, { body: { code: 'ABCD1234' } }]);
      expect((await failure(() => getAuthorizationCode(endpoints, '79001234567'))).kind).to.equal('invalidResponse');
      expect((await failure(() => getAuthorizationCode(endpoints, '79001234567'))).kind).to.equal('invalidResponse');
    });

    it('refuses a phone number that is not 10 to 15 digits with invalidArgument, without a request', async () => {
      for (const phone of ['+79001234567', '7900', '7900123456789012', '0790012345', '7900 123 4567']) {
        const error = await failure(() => getAuthorizationCode(endpoints, phone));
        expect(error.kind, phone).to.equal('invalidArgument');
      }
      expect(await server.requests()).to.deep.equal([]);
    });
  });

  describe('getWaSettings', () => {
    it('GETs /getWaSettings/{token} and returns the phone and the state', async () => {
      await server.script('GET', path('getWaSettings'), [
        { body: { avatar: '', phone: '79001234567', stateInstance: 'authorized', deviceId: '' } },
        { body: { avatar: '', phone: '', stateInstance: 'notAuthorized', deviceId: '' } },
      ]);
      expect(await getWaSettings(endpoints)).to.deep.equal({ phone: '79001234567', stateInstance: 'authorized' });
      expect(await getWaSettings(endpoints)).to.deep.equal({ stateInstance: 'notAuthorized' });
      expect((await server.requests()).map((r) => `${r.method} ${r.path}`)).to.deep.equal([
        `GET ${path('getWaSettings')}`,
        `GET ${path('getWaSettings')}`,
      ]);
    });

    it('keeps a whole http(s) avatar address and leaves anything else out (the answer stays good)', async () => {
      const avatar = 'https://pps.whatsapp.net/v/t61/photo.jpg?ccb=11-4&oh=01_Q5AaI&oe=6700';
      const bodies: [unknown, string | undefined][] = [
        [avatar, avatar],
        [`  ${avatar}\n`, avatar],
        ['http://127.0.0.1:7070/mock/avatar.png', 'http://127.0.0.1:7070/mock/avatar.png'],
        ['', undefined],
        ['javascript:alert(1)', undefined],
        ['data:image/png;base64,iVBORw0KGgo=', undefined],
        ['https://a.example/<img src=x onerror=alert(1)> x', undefined],
        ['https://a.example/\u0000x', undefined],
        [`https://a.example/${'x'.repeat(2_100)}`, undefined],
        [42, undefined],
        [null, undefined],
      ];
      // One instance per answer: GetWaSettings is limited to one request a second per instance.
      await Promise.all(
        bodies.map(async ([value, kept], i) => {
          const id = String(1_100_000_000 + i);
          const resolved = resolveConfig({ instanceId: id, token: TOKEN, apiUrl: server.url });
          if (!resolved.ok) throw new Error(resolved.message);
          await server.script('GET', `/waInstance${id}/getWaSettings/${TOKEN}`, [{ body: { avatar: value, phone: '79001234567', stateInstance: 'authorized' } }]);
          const settings = await getWaSettings(resolved.endpoints);
          expect(settings.avatar, JSON.stringify(value)).to.equal(kept);
          expect(settings.phone).to.equal('79001234567');
        }),
      );
    });

    it('fails with invalidResponse on a phone that is not digits', async () => {
      await server.script('GET', path('getWaSettings'), [{ body: { phone: '<img src=x>', stateInstance: 'authorized' } }]);
      expect((await failure(() => getWaSettings(endpoints))).kind).to.equal('invalidResponse');
    });

    it('reads the phone as digits or a positive whole number (trimmed; empty: none), the state, logoutProcess; refuses anything else', async () => {
      const cases: [Record<string, unknown>, unknown][] = [
        [{ phone: 79001234567, stateInstance: 'authorized' }, { phone: '79001234567', stateInstance: 'authorized' }],
        [{ phone: ' 79001234567 ' }, { phone: '79001234567' }],
        [{ phone: '', stateInstance: null }, {}],
        [{ phone: null, logoutProcess: true }, { logoutProcess: true }],
        [{ logoutProcess: 'true' }, {}],
        [{ phone: '1234567890123456' }, 'invalid'],
        [{ phone: -79001234567 }, 'invalid'],
        [{ phone: 0 }, 'invalid'],
        [{ phone: 7.5 }, 'invalid'],
        [{ phone: ['79001234567'] }, 'invalid'],
        [{ stateInstance: 'bogus' }, 'invalid'],
        [{ stateInstance: 7 }, 'invalid'],
        [{ avatar: `https://a.example/${'x'.repeat(2_048 - 'https://a.example/'.length)}` }, { avatar: `https://a.example/${'x'.repeat(2_048 - 'https://a.example/'.length)}` }],
        [{ avatar: `https://a.example/${'x'.repeat(2_049 - 'https://a.example/'.length)}` }, {}],
        [{ avatar: 'xhttps://a.example/a.png' }, {}],
      ];
      // One instance per answer: GetWaSettings is limited to one request a second per instance.
      await Promise.all(
        cases.map(async ([body, expected], i) => {
          const id = String(1_200_000_000 + i);
          const resolved = resolveConfig({ instanceId: id, token: TOKEN, apiUrl: server.url });
          if (!resolved.ok) throw new Error(resolved.message);
          await server.script('GET', `/waInstance${id}/getWaSettings/${TOKEN}`, [{ body }]);
          if (expected === 'invalid') {
            const error = await failure(() => getWaSettings(resolved.endpoints));
            expect(error.message, JSON.stringify(body)).to.equal(`getWaSettings: unexpected response from ${server.url}`);
          } else {
            expect(await getWaSettings(resolved.endpoints), JSON.stringify(body)).to.deep.equal(expected);
          }
        }),
      );
    });
  });
});

describe('normalizePhoneNumber', () => {
  const ok = [
    ['+7 (900) 123-45-67', '79001234567'],
    ['0079001234567', '79001234567'],
    ['00 7 900 123 45 67', '79001234567'],
    ['79001234567', '79001234567'],
    ['+44 20 7946 0958', '442079460958'],
    ['+7\u00A0900\u00A0123\u20114567', '79001234567'],
    ['123456789012345', '123456789012345'],
  ];
  for (const [input, digits] of ok) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      expect(normalizePhoneNumber(input)).to.deep.equal({ ok: true, digits });
    });
  }
  const refused = [
    ['', 'phone number is missing'],
    [' - ( ) ', 'phone number is missing'],
    ['+7 900 abc 45 67', 'phone number may contain only digits, spaces, dashes, parentheses and a leading +'],
    ['7.900.123.45.67', 'phone number may contain only digits, spaces, dashes, parentheses and a leading +'],
    ['++79001234567', 'phone number may contain only digits, spaces, dashes, parentheses and a leading +'],
    ['7900+1234567', 'phone number may contain only digits, spaces, dashes, parentheses and a leading +'],
    ['+7 900 123', 'phone number must have 10 to 15 digits, country code included'],
    ['1234567890123456', 'phone number must have 10 to 15 digits, country code included'],
    ['+0 900 123 45 67', 'phone number must start with the country code'],
    ['٧٩٠٠١٢٣٤٥٦٧', 'phone number may contain only digits, spaces, dashes, parentheses and a leading +'],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      expect(normalizePhoneNumber(input)).to.deep.equal({ ok: false, message });
    });
  }
});

describe('formatAuthCode', () => {
  it('groups the code by 4', () => {
    expect(formatAuthCode('ABCD1234')).to.equal('ABCD-1234');
    expect(formatAuthCode('ABCDEFGHIJ')).to.equal('ABCD-EFGH-IJ');
    expect(formatAuthCode('ABC')).to.equal('ABC');
    expect(formatAuthCode('ABCD-1234')).to.equal('ABCD-1234');
    expect(formatAuthCode('')).to.equal('');
  });
});

describe('GREEN-API HTTP methods with a link ticket, and error texts', () => {
  let server: HttpServer;
  const TICKET = 'tkt_0123456789abcdef.XYZ';
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.stop();
  });
  const ticketEndpoints = () => {
    const resolved = resolveConfig({ instanceId: INSTANCE_ID, ticket: TICKET, apiUrl: server.url });
    if (!resolved.ok) throw new Error(resolved.message);
    return resolved.endpoints;
  };

  it('with a ticket the path carries no secret, and an error body echoing the ticket is scrubbed', async () => {
    const path = `/waInstance${INSTANCE_ID}/getStateInstance`;
    await server.script('GET', path, [{ status: 500, body: `no session for ticket ${TICKET} (ticket=${TICKET})` }]);
    const error = await failure(() => getStateInstance(ticketEndpoints()), TICKET);
    expect(error.kind).to.equal('http');
    expect(error.status).to.equal(500);
    expect(error.message).to.not.contain(TICKET);
    expect(error.description).to.equal('no session for ticket … (ticket=…)');
    // The ticket goes in an Authorization header (hence the CORS preflight), never in the path.
    const requests = await server.requests();
    expect(requests.map((r) => [r.method, r.path])).to.deep.equal([
      ['OPTIONS', path],
      ['GET', path],
    ]);
  });

  it('an error text is cut at 300 characters', async () => {
    const path = `/waInstance${INSTANCE_ID}/getStateInstance/${TOKEN}`;
    await server.script('GET', path, [{ status: 500, body: { message: 'x'.repeat(400) } }]);
    const resolved = resolveConfig({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: server.url });
    if (!resolved.ok) throw new Error(resolved.message);
    const error = await failure(() => getStateInstance(resolved.endpoints));
    expect(error.description).to.equal('x'.repeat(300));
  });
});
