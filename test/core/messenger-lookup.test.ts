// GetSettings → the messenger (core/messenger-lookup.ts), against a scripted GREEN-API HTTP server
// on 127.0.0.1. Every call uses its own instance id, so GetSettings' rate limit (1/s per instance)
// never makes a call wait.
import { expect } from '@open-wc/testing';
import { resolveConfig, type Endpoints } from '../../src/core/config.js';
import { getTypeInstance, resolveMessenger } from '../../src/core/messenger-lookup.js';
import { startHttpServer, type HttpServer } from '../helpers/http-server.js';
import { TOKEN } from '../helpers/ws-server.js';

let nextId = 0;

describe('core/messenger-lookup: GetSettings → the messenger', () => {
  let http: HttpServer;
  beforeEach(async () => {
    http = await startHttpServer();
  });
  afterEach(async () => {
    await http.stop();
  });

  /** A fresh instance whose GetSettings answers `responses`; its endpoints. */
  async function instance(...responses: Parameters<HttpServer['script']>[2]): Promise<Endpoints> {
    const id = String(6_600_000_000 + nextId++ * 13 + Math.floor(Math.random() * 1000) * 1000);
    await http.script('GET', `/waInstance${id}/getSettings/${TOKEN}`, responses);
    const resolved = resolveConfig({ instanceId: id, token: TOKEN, apiUrl: http.url });
    if (!resolved.ok) throw new Error(resolved.message);
    return resolved.endpoints;
  }

  describe('getTypeInstance', () => {
    it('GETs /getSettings/{token} and returns typeInstance, cleaned and cut at 40 characters', async () => {
      const plain = await instance({ body: { typeInstance: 'telegram', wid: '' } });
      expect(await getTypeInstance(plain)).to.equal('telegram');
      expect((await http.requests()).map((r) => [r.method, r.path.replace(/\d+/, 'ID')])).to.deep.equal([['GET', `/waInstanceID/getSettings/${TOKEN}`]]);
      const messy = await instance({ body: { typeInstance: ' \u0000v3\u0007 ' } });
      expect(await getTypeInstance(messy)).to.equal('v3');
      const long = await instance({ body: { typeInstance: 'x'.repeat(100) } });
      expect(await getTypeInstance(long)).to.equal('x'.repeat(40));
    });

    it('an answer without typeInstance (or with one that is not text) is the empty string', async () => {
      expect(await getTypeInstance(await instance({ body: { wid: '79001234567@c.us' } }))).to.equal('');
      expect(await getTypeInstance(await instance({ body: { typeInstance: 3 } }))).to.equal('');
      // Only its own field counts: `__proto__` in JSON is data, not an inherited typeInstance.
      expect(await getTypeInstance(await instance({ body: '{"__proto__":{"typeInstance":"telegram"}}', contentType: 'application/json' }))).to.equal('');
    });

    it('passes the timeout on: a slow answer fails with network', async () => {
      const slow = await instance({ body: { typeInstance: 'whatsapp' }, delayMs: 2_000 });
      let caught: unknown;
      await getTypeInstance(slow, undefined, 120).catch((e: unknown) => (caught = e));
      expect(caught).to.have.property('kind', 'network');
      expect(caught).to.have.property('message', `getSettings: no answer from ${http.url} within 120 ms`);
    });
  });

  describe('resolveMessenger', () => {
    it('whatsapp, telegram and v3 (MAX), in any case and with spaces', async () => {
      const found = [];
      for (const typeInstance of ['whatsapp', 'Telegram', ' v3 ', 'MAX']) found.push(await resolveMessenger(await instance({ body: { typeInstance } })));
      expect(found).to.deep.equal([{ messenger: 'whatsapp' }, { messenger: 'telegram' }, { messenger: 'max' }, { messenger: 'max' }]);
    });

    it('an unknown or missing typeInstance is invalidConfig, naming what came (cut at 40 characters)', async () => {
      const expected = (type: string) => ({
        fail: { reason: 'invalidConfig', message: `getSettings: unknown typeInstance ${JSON.stringify(type)} (expected whatsapp, telegram or v3)` },
      });
      expect(await resolveMessenger(await instance({ body: { typeInstance: 'viber' } }))).to.deep.equal(expected('viber'));
      expect(await resolveMessenger(await instance({ body: {} }))).to.deep.equal(expected(''));
      expect(await resolveMessenger(await instance({ body: { typeInstance: `v${'9'.repeat(60)}` } }))).to.deep.equal(expected(`v${'9'.repeat(39)}`));
    });

    it('401 and 403 are unauthorized, 466 quotaExceeded, a deleted instance instanceBlocked, each with its status', async () => {
      const cases: [number, string, unknown][] = [
        [401, 'Unauthorized', { reason: 'unauthorized', message: 'getSettings failed: HTTP 401 (Unauthorized): check the token (apiTokenInstance)', status: 401 }],
        [403, 'Forbidden', { reason: 'unauthorized', message: 'getSettings failed: HTTP 403 (Forbidden): check the instance id (idInstance)', status: 403 }],
        [466, 'quota', { reason: 'quotaExceeded', message: 'getSettings failed: HTTP 466 (quota)', status: 466 }],
        [400, 'Instance is deleted', { reason: 'instanceBlocked', message: 'getSettings failed: HTTP 400 (Instance is deleted)', status: 400 }],
      ];
      for (const [status, body, fail] of cases) {
        expect(await resolveMessenger(await instance({ status, body })), String(status)).to.deep.equal({ fail });
      }
    });

    it('an instance still starting is instanceStarting; any other HTTP failure is connection; both keep the status', async () => {
      expect(await resolveMessenger(await instance({ status: 400, body: 'Instance in starting process' }))).to.deep.equal({
        fail: { reason: 'instanceStarting', message: 'getSettings failed: HTTP 400 (Instance in starting process)', status: 400 },
      });
      expect(await resolveMessenger(await instance({ status: 500, body: 'boom' }))).to.deep.equal({
        fail: { reason: 'connection', message: 'getSettings failed: HTTP 500 (boom)', status: 500 },
      });
      expect(await resolveMessenger(await instance({ status: 400, body: 'Bad request' }))).to.deep.equal({
        fail: { reason: 'connection', message: 'getSettings failed: HTTP 400 (Bad request)', status: 400 },
      });
    });

    it('an answer that is not JSON, or no answer at all, is connection without a status', async () => {
      expect(await resolveMessenger(await instance({ body: '{oops' }))).to.deep.equal({
        fail: { reason: 'connection', message: `getSettings: unexpected response from ${http.url}` },
      });
      const gone = await instance({ body: { typeInstance: 'whatsapp' } });
      await http.stop();
      expect(await resolveMessenger(gone)).to.deep.equal({ fail: { reason: 'connection', message: `getSettings: could not reach ${http.url}` } });
    });

    it('passes the signal and the timeout on', async () => {
      const slow = await instance({ body: { typeInstance: 'whatsapp' }, delayMs: 2_000 });
      expect(await resolveMessenger(slow, undefined, 120)).to.deep.equal({
        fail: { reason: 'connection', message: `getSettings: no answer from ${http.url} within 120 ms` },
      });
      const controller = new AbortController();
      controller.abort();
      expect(await resolveMessenger(await instance({ body: { typeInstance: 'whatsapp' } }), controller.signal)).to.deep.equal({
        fail: { reason: 'connection', message: 'getSettings: aborted' },
      });
    });
  });
});
