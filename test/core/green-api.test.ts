import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import {
  GreenApiError,
  STATE_INSTANCES,
  formatAuthCode,
  getAuthorizationCode,
  getQr,
  getStateInstance,
  getWaSettings,
  isStateInstance,
  logout,
  normalizePhoneNumber,
} from '../../src/core/green-api.js';
import { flush, VirtualClock } from '../helpers/clock.js';
import { greenApiFailure } from '../helpers/green-api-error.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { startMock } from '../helpers/mock.js';
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

    it('fails with invalidResponse when isLogout is not a boolean', async () => {
      await server.script('GET', path('logout'), [{ body: { isLogout: 'true' } }]);
      const error = await failure(() => logout(endpoints));
      expect(error.kind).to.equal('invalidResponse');
      expect(error.message).to.equal(`logout: unexpected response from ${server.url}`);
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
      // JSON, said so; with the token in the path, no Authorization header.
      expect(posts[0].headers).to.deep.equal({ 'content-type': 'application/json' });
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
    ['1234567890', '1234567890'],
    ['+7\t900\u2010123\u2015 45\u2212 67', '79001234567'],
    ['+7\u3000900\u205F123\u202F45\u200B67\u2000', '79001234567'],
    ['(+7) 900 1234567', '79001234567'],
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
    ['0 900 123 45 67', 'phone number must start with the country code'],
    ['123456789', 'phone number must have 10 to 15 digits, country code included'],
    ['+', 'phone number must have 10 to 15 digits, country code included'],
    ['+79001234567x', 'phone number may contain only digits, spaces, dashes, parentheses and a leading +'],
    ['x79001234567', 'phone number may contain only digits, spaces, dashes, parentheses and a leading +'],
    ['7900_123_4567', 'phone number may contain only digits, spaces, dashes, parentheses and a leading +'],
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
    expect(formatAuthCode(' AB CD 12\t34 ')).to.equal('ABCD-1234');
    expect(formatAuthCode('ab-cd-12-34-5')).to.equal('abcd-1234-5');
    expect(formatAuthCode(' - ')).to.equal('');
    expect(formatAuthCode(12345678 as unknown as string)).to.equal('');
  });

  it('a number that is not text is refused as missing', () => {
    expect(normalizePhoneNumber(79001234567 as unknown as string)).to.deep.equal({ ok: false, message: 'phone number is missing' });
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
    // A GET carries the ticket as a bearer credential and no content type.
    expect(requests[1].headers).to.deep.equal({ authorization: `Bearer ${TICKET}` });
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

describe('GREEN-API HTTP methods: answers, bodies and error texts', () => {
  let server: HttpServer;
  let n = 0;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.stop();
  });
  /** A fresh instance (the rate gate's slots are per instance) whose `method` answers `responses`. */
  async function instance(method: string, responses: Parameters<HttpServer['script']>[2], httpMethod = 'GET'): Promise<Endpoints> {
    const id = String(1_300_000_000 + n++ * 7 + Math.floor(Math.random() * 1000) * 1000);
    await server.script(httpMethod, `/waInstance${id}/${method}/${TOKEN}`, responses);
    const resolved = resolveConfig({ instanceId: id, token: TOKEN, apiUrl: server.url });
    if (!resolved.ok) throw new Error(resolved.message);
    return resolved.endpoints;
  }

  it('every documented state and the ones GREEN-API’s clients know; isStateInstance tells them', async () => {
    expect(STATE_INSTANCES).to.deep.equal(['notAuthorized', 'authorized', 'blocked', 'sleepMode', 'starting', 'yellowCard', 'suspended', 'pendingCode', 'pendingPassword']);
    for (const state of ['suspended', 'pendingCode', 'pendingPassword']) {
      expect(await getStateInstance(await instance('getStateInstance', [{ body: { stateInstance: state } }]))).to.equal(state);
    }
    expect(STATE_INSTANCES.every(isStateInstance)).to.equal(true);
    expect([isStateInstance('Authorized'), isStateInstance(''), isStateInstance(7), isStateInstance(null)]).to.deep.equal([false, false, false, false]);
  });

  it('a literal null is "being created" for GetStateInstance only; elsewhere it is an unexpected response', async () => {
    expect(await getStateInstance(await instance('getStateInstance', [{ body: null }]))).to.equal(null);
    const error = await failure(async () => getWaSettings(await instance('getWaSettings', [{ body: null }])));
    expect(error.message).to.equal(`getWaSettings: unexpected response from ${server.url}`);
    expect((await failure(async () => logout(await instance('logout', [{ body: null }])))).kind).to.equal('invalidResponse');
  });

  it('a body up to 4,000,000 characters is read; a longer one is an unexpected response', async () => {
    const body = (length: number) => {
      const head = '{"stateInstance":"authorized","pad":"';
      return `${head}${'x'.repeat(length - head.length - 2)}"}`;
    };
    expect(await getStateInstance(await instance('getStateInstance', [{ body: body(4_000_000), contentType: 'application/json' }]))).to.equal('authorized');
    const error = await failure(async () => getStateInstance(await instance('getStateInstance', [{ body: body(4_000_001), contentType: 'application/json' }])));
    expect(error.kind).to.equal('invalidResponse');
  });

  it('error bodies: a 466’s correspondentsStatus or invokeStatus description, a JSON message or error, else the text; nothing for anything else', async () => {
    const cases: [unknown, string | undefined][] = [
      [{ correspondentsStatus: { description: 'Correspondents quota.' }, invokeStatus: { description: 'Invoke quota.' } }, 'Correspondents quota.'],
      [{ correspondentsStatus: { description: 7 }, invokeStatus: { description: 'Invoke quota.' } }, 'Invoke quota.'],
      [{ correspondentsStatus: 'x', invokeStatus: { description: 'Invoke quota.' }, message: 'm' }, 'Invoke quota.'],
      [{ invokeStatus: { status: 'QUOTE_EXCEEDED' }, message: 'the message' }, 'the message'],
      [{ invokeStatus: ['description'], message: 'the message' }, 'the message'],
      [{ message: 'the message', error: 'the error' }, 'the message'],
      [{ error: 'the error' }, 'the error'],
      [{ message: 42 }, undefined],
      [{ status: 'nope' }, undefined],
      ['[1,2]', '[1,2]'],
      ['', undefined],
      ['  line one\u0000\n', 'line one'],
    ];
    for (const [body, description] of cases) {
      const error = await failure(async () => logout(await instance('logout', [{ status: 466, body }])));
      expect(error.kind).to.equal('http');
      expect(error.description, JSON.stringify(body)).to.equal(description);
      expect(Object.prototype.hasOwnProperty.call(error, 'description'), JSON.stringify(body)).to.equal(description !== undefined);
      expect(error.message).to.equal(`logout failed: HTTP 466${description ? ` (${description})` : ''}`);
    }
  });

  it('only the first 4,000 characters of an error body are read (a longer JSON body is text, cut at 300)', async () => {
    const body = JSON.stringify({ message: 'short', pad: 'y'.repeat(5_000) });
    const error = await failure(async () => getStateInstance(await instance('getStateInstance', [{ status: 500, body, contentType: 'application/json' }])));
    expect(error.description).to.equal(body.slice(0, 300));
  });

  it('a network failure has no status and no description', async () => {
    const endpoints = await instance('getStateInstance', [{ body: { stateInstance: 'authorized' } }]);
    await server.stop();
    const error = await failure(() => getStateInstance(endpoints));
    expect(Object.keys(error).sort()).to.deep.equal(['kind', 'name']);
    expect(error).to.be.instanceOf(Error);
  });

  it('getAuthorizationCode: the code is cleaned and checked; status false keeps a code it got', async () => {
    const cases: [unknown, unknown][] = [
      [{ status: true, code: ' ABCD-1234\u0000 ' }, { status: true, code: 'ABCD-1234' }],
      [{ status: true, code: `A${'b'.repeat(63)}` }, { status: true, code: `A${'b'.repeat(63)}` }],
      [{ status: true, code: `A${'b'.repeat(64)}` }, 'invalid'],
      [{ status: true, code: '-ABCD' }, 'invalid'],
      [{ status: true, code: 'AB CD' }, 'invalid'],
      [{ status: true, code: 'ABCD!' }, 'invalid'],
      [{ status: true, code: '' }, 'invalid'],
      [{ status: true, code: 1234 }, 'invalid'],
      [{ status: false, code: null }, { status: false }],
      [{ status: false }, { status: false }],
      [{ status: false, code: 'XY12' }, { status: false, code: 'XY12' }],
      [{ status: false, code: {} }, 'invalid'],
      [{ status: 'true', code: 'ABCD1234' }, 'invalid'],
    ];
    for (const [body, expected] of cases) {
      const endpoints = await instance('getAuthorizationCode', [{ body }], 'POST');
      if (expected === 'invalid') {
        const error = await failure(() => getAuthorizationCode(endpoints, '79001234567'));
        expect(error.message, JSON.stringify(body)).to.equal(`getAuthorizationCode: unexpected response from ${server.url}`);
      } else {
        expect(await getAuthorizationCode(endpoints, '79001234567'), JSON.stringify(body)).to.deep.equal(expected);
      }
    }
  });

  it('getAuthorizationCode takes 10 to 15 digits not starting with 0, and nothing but a string', async () => {
    for (const phone of ['1234567890', '123456789012345']) {
      const endpoints = await instance('getAuthorizationCode', [{ body: { status: false } }], 'POST');
      expect(await getAuthorizationCode(endpoints, phone), phone).to.deep.equal({ status: false });
    }
    const endpoints = await instance('getAuthorizationCode', [{ body: { status: false } }], 'POST');
    for (const phone of ['123456789', 'a1234567890', '1234567890a', 79001234567 as unknown as string, undefined as unknown as string]) {
      const error = await failure(() => getAuthorizationCode(endpoints, phone));
      expect(error.kind, String(phone)).to.equal('invalidArgument');
      expect(error.message).to.equal('getAuthorizationCode: phoneNumber must be 10 to 15 digits with the country code');
    }
    expect((await server.requests({ method: 'POST' })).length).to.equal(2);
  });

  it('getWaSettings: a phone of spaces is no phone; the avatar check is case-blind on the scheme', async () => {
    const endpoints = await instance('getWaSettings', [{ body: { phone: '   ', avatar: 'HTTPS://A.EXAMPLE/A.JPG' } }]);
    expect(await getWaSettings(endpoints)).to.deep.equal({ avatar: 'HTTPS://A.EXAMPLE/A.JPG' });
  });
});

describe('GREEN-API HTTP methods with a link ticket: Logout', () => {
  let server: HttpServer;
  beforeEach(async () => {
    server = await startHttpServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  it('through green-qr-scan/server Logout is a POST of {} with the ticket in a header', async () => {
    const path = `/waInstance${INSTANCE_ID}/logout`;
    await server.script('POST', path, [{ body: { isLogout: true } }]);
    const resolved = resolveConfig({ instanceId: INSTANCE_ID, ticket: 'tkt_0123456789abcdef.XYZ', apiUrl: server.url });
    if (!resolved.ok) throw new Error(resolved.message);
    expect(await logout(resolved.endpoints)).to.deep.equal({ isLogout: true });
    expect((await server.requests()).map((r) => [r.method, r.path, r.body])).to.deep.equal([
      ['OPTIONS', path, ''],
      ['POST', path, '{}'],
    ]);
    const post = (await server.requests({ method: 'POST' }))[0];
    expect(post.headers).to.deep.equal({ authorization: 'Bearer tkt_0123456789abcdef.XYZ', 'content-type': 'application/json' });
  });
});

describe('GREEN-API HTTP methods: 429s and timeouts (virtual clock)', () => {
  let server: HttpServer;
  let clock: VirtualClock;
  let endpoints: Endpoints;
  const path = (method: string) => `/waInstance${INSTANCE_ID}/${method}/${TOKEN}`;
  beforeEach(async () => {
    server = await startHttpServer();
    clock = new VirtualClock().install();
    endpoints = endpointsFor(server);
  });
  afterEach(async () => {
    clock.uninstall();
    await server.stop();
  });

  /** Settles `pending`, moving the clock whenever it waits on a timer. */
  async function drive<T>(pending: Promise<T>): Promise<{ value?: T; error?: GreenApiError }> {
    let outcome: { value?: T; error?: GreenApiError } | undefined;
    pending.then(
      (value) => (outcome = { value }),
      (error: GreenApiError) => (outcome = { error }),
    );
    while (!outcome) {
      await clock.until(() => outcome || clock.pending > 0);
      if (!outcome) await clock.tick(100);
    }
    return outcome;
  }

  it('a 429 is waited out (Retry-After honoured, 1 s without one) and sent again, never a failure', async () => {
    await server.script('GET', path('logout'), [{ status: 429, body: 'Too Many Requests' }, { body: { isLogout: true } }]);
    const t0 = clock.now;
    let at = -1;
    const pending = logout(endpoints).then((result) => ((at = clock.now - t0), result));
    await server.waitForRequests(1);
    await clock.until(() => clock.pending > 0); // the 429 was handled: the retry waits for its slot
    expect([clock.dueWithin(1_099), clock.dueWithin(1_100)]).to.deep.equal([false, true]);
    await clock.tick(1_099);
    expect((await server.requests()).length).to.equal(1);
    await clock.tick(1);
    expect(await pending).to.deep.equal({ isLogout: true });
    expect(at).to.equal(1_100);
    expect((await server.requests()).length).to.equal(2);
  });

  it('a 429’s Retry-After holds the method back that long (the local GREEN-API stand-in sends one)', async () => {
    const mock = await startMock({ rateWindowMs: 1, profile: 'rate-limited', profileOptions: { times: 1, retryAfterS: 3 } });
    try {
      const resolved = resolveConfig({ instanceId: INSTANCE_ID, token: TOKEN, apiUrl: mock.url });
      if (!resolved.ok) throw new Error(resolved.message);
      const t0 = clock.now;
      let at = -1;
      const pending = getStateInstance(resolved.endpoints).then((state) => ((at = clock.now - t0), state));
      await clock.until(() => clock.pending > 0); // the 429 was handled: the retry waits
      await clock.tick(2_999);
      // Still waiting: nothing more reached the stand-in, and the retry's slot is due at 3 s.
      expect(clock.dueWithin(1) && !clock.dueWithin(0)).to.equal(true);
      expect((await mock.stats(INSTANCE_ID)).methods.getStateInstance).to.include({ total: 1, limited: 1 });
      expect(at).to.equal(-1);
      await clock.tick(1);
      expect(isStateInstance(await pending)).to.equal(true);
      expect(at).to.equal(3_000);
      expect((await mock.stats(INSTANCE_ID)).methods.getStateInstance).to.include({ total: 2, limited: 1 });
    } finally {
      await mock.stop();
    }
  });

  it('a 429 is sent again up to five times in all, then it is the failure', async () => {
    await server.script('GET', path('getStateInstance'), [...Array(5).fill({ status: 429, body: 'Too Many Requests' }), { body: { stateInstance: 'authorized' } }]);
    const { error } = await drive(getStateInstance(endpoints));
    expect(error).to.be.instanceOf(GreenApiError);
    expect([error!.kind, error!.status, error!.message]).to.deep.equal(['http', 429, 'getStateInstance failed: HTTP 429 (Too Many Requests)']);
    const at = (await server.requests()).map((r) => r.at);
    expect(at.length).to.equal(5);
  });

  it('four 429s then an answer: the answer', async () => {
    await server.script('GET', path('getStateInstance'), [...Array(4).fill({ status: 429, body: 'Too Many Requests' }), { body: { stateInstance: 'authorized' } }]);
    expect(await drive(getStateInstance(endpoints))).to.deep.equal({ value: 'authorized' });
    expect((await server.requests()).length).to.equal(5);
  });

  it('impatient: a 429 is thrown at once, and still holds the method back (Retry-After, 1 s by default)', async () => {
    await server.script('GET', path('getStateInstance'), [{ status: 429, body: 'Too Many Requests' }, { body: { stateInstance: 'authorized' } }]);
    const error = await failure(() => getStateInstance(endpoints, undefined, undefined, true));
    expect([error.kind, error.status]).to.deep.equal(['http', 429]);
    expect((await server.requests()).length).to.equal(1);
    const t0 = clock.now;
    let at = -1;
    void getStateInstance(endpoints).then(() => (at = clock.now - t0));
    expect([clock.dueWithin(1_099), clock.dueWithin(1_100)]).to.deep.equal([false, true]);
    await clock.tick(999);
    expect((await server.requests()).length).to.equal(1);
    await clock.tick(101); // 1 s held back, then the slot after the answer (1.1 s)
    await server.waitForRequests(2);
    await clock.until(() => at >= 0);
    expect(at).to.equal(1100);
  });

  it('the next request of a method leaves a slot after the last answer, not after its send', async () => {
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'notAuthorized' }, delayMs: 1_000 }, { body: { stateInstance: 'authorized' } }]);
    const first = getStateInstance(endpoints);
    await server.waitForRequests(1);
    await clock.tick(3_000); // the answer is 3 s on the way
    expect(await first).to.equal('notAuthorized');
    let second: string | null = null;
    void getStateInstance(endpoints).then((state) => (second = state));
    // It waits for its slot: due 1.1 s after the answer (not free at once, as 1.1 s after the send would be).
    expect([clock.dueWithin(1_099), clock.dueWithin(1_100)]).to.deep.equal([false, true]);
    await clock.tick(1_099);
    expect((await server.requests()).length).to.equal(1);
    await clock.tick(1);
    await server.waitForRequests(2);
    await clock.until(() => second !== null);
    expect(second).to.equal('authorized');
  });

  it('a request waiting for its slot that is aborted sends nothing and fails with aborted', async () => {
    await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'authorized' } }]);
    expect(await getStateInstance(endpoints)).to.equal('authorized');
    const controller = new AbortController();
    const pending = failure(() => getStateInstance(endpoints, controller.signal));
    await clock.tick(500);
    controller.abort();
    const error = await pending;
    expect([error.kind, error.message]).to.deep.equal(['aborted', 'getStateInstance: aborted']);
    await clock.tick(2_000);
    expect((await server.requests()).length).to.equal(1);
  });

  describe('where AbortSignal.any and AbortSignal.timeout are missing (older browsers)', () => {
    const saved = { any: (AbortSignal as { any?: unknown }).any, timeout: (AbortSignal as { timeout?: unknown }).timeout };
    beforeEach(() => {
      delete (AbortSignal as { any?: unknown }).any;
      delete (AbortSignal as { timeout?: unknown }).timeout;
    });
    afterEach(() => {
      Object.assign(AbortSignal, saved);
    });

    for (const [timeoutMs, said] of [
      [999, '999 ms'],
      [1_000, '1 s'],
      [1_499, '1 s'],
      [1_500, '2 s'],
    ] as const) {
      it(`a timeout of ${timeoutMs} ms ends the request ("within ${said}") and cancels it`, async () => {
        await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'authorized' }, delayMs: 5_000 }]);
        const pending = failure(() => getStateInstance(endpoints, undefined, timeoutMs));
        await server.waitForRequests(1);
        await clock.tick(timeoutMs - 1);
        let settled = false;
        void pending.then(() => (settled = true));
        await flush();
        expect(settled).to.equal(false);
        await clock.tick(1);
        const error = await pending;
        expect([error.kind, error.message]).to.deep.equal(['network', `getStateInstance: no answer from ${server.url} within ${said}`]);
        await untilCancelled(server);
      });
    }

    it('an answer in time is returned and its timer is gone', async () => {
      await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'authorized' } }]);
      const controller = new AbortController();
      expect(await getStateInstance(endpoints, controller.signal, 5_000)).to.equal('authorized');
      expect(clock.pending).to.equal(0);
    });

    it('the caller’s abort ends the request as aborted, not as a timeout, and cancels it', async () => {
      await server.script('GET', path('getStateInstance'), [{ body: { stateInstance: 'authorized' }, delayMs: 5_000 }]);
      const controller = new AbortController();
      const pending = failure(() => getStateInstance(endpoints, controller.signal, 5_000));
      await server.waitForRequests(1);
      controller.abort();
      const error = await pending;
      expect([error.kind, error.message]).to.deep.equal(['aborted', 'getStateInstance: aborted']);
      expect(clock.pending).to.equal(0);
      await untilCancelled(server);
    });

    it('without a signal of its own, an unreachable server is "could not reach"', async () => {
      await server.stop();
      const error = await failure(() => getStateInstance(endpoints, undefined, 5_000));
      expect([error.kind, error.message]).to.deep.equal(['network', `getStateInstance: could not reach ${server.url}`]);
    });
  });
});

/** Waits (real time) until the server saw its first request cancelled by the client. */
async function untilCancelled(server: HttpServer) {
  const wait = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));
  for (let i = 0; i < 100 && !(await server.requests())[0]?.aborted; i++) await wait(20);
  expect((await server.requests())[0].aborted).to.equal(true);
}
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
