import { expect } from '@open-wc/testing';
import { checkTicket, DEFAULT_API_URL, instanceIdProblem, isLoopbackHost, normalizeApiUrl, resolveConfig, tokenProblem, type ScanConfig } from '../../src/core/config.js';
import { INSTANCE_ID, TOKEN } from '../helpers/ws-server.js';

const ok = (config: Partial<ScanConfig>) => {
  const result = resolveConfig({ instanceId: INSTANCE_ID, token: TOKEN, ...config });
  if (!result.ok) throw new Error(`expected a valid config, got: ${result.message}`);
  return result.endpoints;
};
const fails = (config: Partial<ScanConfig>) => {
  const result = resolveConfig({ instanceId: INSTANCE_ID, token: TOKEN, ...config });
  if (result.ok) throw new Error(`expected an invalid config, got ${result.endpoints.origin}`);
  return result.message;
};

const INSTANCE_DIGITS = 'instance-id must be the numeric idInstance (1 to 12 digits)';
const TOKEN_CHARS = 'token must not contain spaces, control characters or broken Unicode';
const PLAIN_ONLY_LOOPBACK = (scheme: string) =>
  `api-url must use https:// or wss://: plain ${scheme}// is allowed only for loopback hosts (127.0.0.1, localhost)`;

describe('config: defaults', () => {
  it('uses api.green-api.com over TLS when api-url is not set', () => {
    expect(DEFAULT_API_URL).to.equal('https://api.green-api.com');
    expect(ok({})).to.deep.equal({
      socketUrl: `wss://api.green-api.com/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`,
      httpBase: `https://api.green-api.com/waInstance${INSTANCE_ID}`,
      tokenSegment: TOKEN,
      origin: 'https://api.green-api.com',
    });
  });

  it('empty or blank api-url means the default', () => {
    for (const apiUrl of ['', '   ', undefined]) {
      expect(ok({ apiUrl }).socketUrl).to.equal(`wss://api.green-api.com/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`);
    }
  });
});

describe('config: instance-id', () => {
  it('accepts 1 to 12 digits (WhatsApp ids have up to 10, Telegram ids up to 12)', () => {
    for (const id of ['1', '0', '42', '1101000001', '9999999999', '41001234567', '410012345678']) {
      expect(ok({ instanceId: id }).httpBase).to.equal(`https://api.green-api.com/waInstance${id}`);
    }
  });

  it('trims surrounding whitespace', () => {
    expect(ok({ instanceId: ` ${INSTANCE_ID}\n` }).socketUrl).to.equal(
      `wss://api.green-api.com/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`,
    );
  });

  it('missing or blank is reported as missing', () => {
    expect(fails({ instanceId: '' })).to.equal('instance-id is missing');
    expect(fails({ instanceId: '  \t' })).to.equal('instance-id is missing');
    expect(fails({ instanceId: undefined as unknown as string })).to.equal('instance-id is missing');
  });

  it('rejects anything but 1 to 12 ASCII digits', () => {
    for (const id of ['4100123456789', 'abc', '12a', '-1', '+1', '1.5', '1e3', '12 34', '0x1F', '١٢٣', '１２', '1/2', '../1']) {
      expect(fails({ instanceId: id }), id).to.equal(INSTANCE_DIGITS);
    }
  });
});

describe('config: token', () => {
  it('missing token', () => {
    expect(fails({ token: '' })).to.equal('token is missing');
    expect(fails({ token: undefined as unknown as string })).to.equal('token is missing');
  });

  it('whitespace and control characters are refused', () => {
    for (const token of [' ', '   ', `${TOKEN} `, ` ${TOKEN}`, 'ab cd', 'ab\tcd', 'ab\ncd', 'ab\u0000cd', 'ab\u007Fcd', 'ab\u0085cd', 'ab\u00A0cd', 'ab\u2028cd']) {
      expect(fails({ token }), JSON.stringify(token)).to.equal(TOKEN_CHARS);
    }
  });

  it('accepts up to 512 characters and refuses more', () => {
    expect(ok({ token: 'a'.repeat(512) }).tokenSegment).to.equal('a'.repeat(512));
    expect(fails({ token: 'a'.repeat(513) })).to.equal('token is longer than 512 characters');
  });

  it('"." and ".." (dot segments) are refused', () => {
    expect(fails({ token: '.' })).to.equal('token is not a valid API token');
    expect(fails({ token: '..' })).to.equal('token is not a valid API token');
  });

  it('other dotted tokens stay one literal segment', () => {
    expect(ok({ token: '...' }).tokenSegment).to.equal('...');
    expect(ok({ token: '.a' }).tokenSegment).to.equal('.a');
    // "%2e%2e" is encoded to "%252e%252e", which no URL parser treats as a dot segment.
    const e = ok({ token: '%2e%2e' });
    expect(e.tokenSegment).to.equal('%252e%252e');
    expect(new URL(e.socketUrl).pathname).to.equal(`/waInstance${INSTANCE_ID}/scanqrcode/%252e%252e`);
  });

  it('is percent-encoded into exactly one path segment', () => {
    const e = ok({ token: 'a/b?c#d' });
    expect(e.tokenSegment).to.equal('a%2Fb%3Fc%23d');
    expect(e.socketUrl).to.equal(`wss://api.green-api.com/waInstance${INSTANCE_ID}/scanqrcode/a%2Fb%3Fc%23d`);
    const url = new URL(e.socketUrl);
    expect(url.search).to.equal('');
    expect(url.hash).to.equal('');
    expect(url.pathname.split('/')).to.deep.equal(['', `waInstance${INSTANCE_ID}`, 'scanqrcode', 'a%2Fb%3Fc%23d']);
    expect(decodeURIComponent(url.pathname.split('/')[3])).to.equal('a/b?c#d');
  });

  it('encodes %, backslash, @ and non-ASCII', () => {
    expect(ok({ token: '100%' }).tokenSegment).to.equal('100%25');
    expect(ok({ token: 'a\\b' }).tokenSegment).to.equal('a%5Cb');
    expect(ok({ token: 'a@b:c' }).tokenSegment).to.equal('a%40b%3Ac');
    expect(ok({ token: 'тест' }).tokenSegment).to.equal('%D1%82%D0%B5%D1%81%D1%82');
  });

  it('the token is not trimmed or otherwise changed', () => {
    expect(ok({ token: TOKEN }).tokenSegment).to.equal(TOKEN);
    expect(ok({ token: 'AbC123' }).tokenSegment).to.equal('AbC123');
  });

  it('a token with a lone surrogate is refused with a message, not an exception', () => {
    let result: ReturnType<typeof resolveConfig> | undefined;
    let thrown: unknown;
    try {
      result = resolveConfig({ instanceId: INSTANCE_ID, token: 'ab\uD800cd' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown, 'resolveConfig threw').to.equal(undefined);
    expect(result?.ok).to.equal(false);
  });
});

describe('config: api-url', () => {
  const socket = (base: string) => `${base}/waInstance${INSTANCE_ID}/scanqrcode/${TOKEN}`;

  it('accepts https://host, host and wss://host alike', () => {
    for (const apiUrl of ['https://host.example', 'host.example', 'wss://host.example', 'https://host.example/', 'HTTPS://HOST.Example', '  https://host.example  ']) {
      expect(ok({ apiUrl }), apiUrl).to.deep.equal({
        socketUrl: socket('wss://host.example'),
        httpBase: `https://host.example/waInstance${INSTANCE_ID}`,
        tokenSegment: TOKEN,
        origin: 'https://host.example',
      });
    }
  });

  it('keeps a path prefix, without its trailing slashes', () => {
    for (const apiUrl of ['https://host.example/prefix/', 'https://host.example/prefix', 'host.example/prefix//', 'wss://host.example/prefix']) {
      expect(ok({ apiUrl }), apiUrl).to.deep.equal({
        socketUrl: socket('wss://host.example/prefix'),
        httpBase: `https://host.example/prefix/waInstance${INSTANCE_ID}`,
        tokenSegment: TOKEN,
        origin: 'https://host.example',
      });
    }
    expect(ok({ apiUrl: 'https://host.example/a/b/' }).httpBase).to.equal(`https://host.example/a/b/waInstance${INSTANCE_ID}`);
  });

  it('keeps a non-default port and drops the default one', () => {
    expect(ok({ apiUrl: 'https://host.example:8443' }).socketUrl).to.equal(socket('wss://host.example:8443'));
    expect(ok({ apiUrl: 'host.example:8443' }).origin).to.equal('https://host.example:8443');
    expect(ok({ apiUrl: 'https://host.example:443' }).socketUrl).to.equal(socket('wss://host.example'));
    expect(ok({ apiUrl: 'wss://host.example:443' }).origin).to.equal('https://host.example');
  });

  it('allows plain http:// and ws:// on loopback hosts only', () => {
    expect(ok({ apiUrl: 'http://127.0.0.1:8080' })).to.deep.equal({
      socketUrl: socket('ws://127.0.0.1:8080'),
      httpBase: `http://127.0.0.1:8080/waInstance${INSTANCE_ID}`,
      tokenSegment: TOKEN,
      origin: 'http://127.0.0.1:8080',
    });
    expect(ok({ apiUrl: 'ws://localhost:9000/mock/' })).to.deep.equal({
      socketUrl: socket('ws://localhost:9000/mock'),
      httpBase: `http://localhost:9000/mock/waInstance${INSTANCE_ID}`,
      tokenSegment: TOKEN,
      origin: 'http://localhost:9000',
    });
    expect(ok({ apiUrl: 'http://[::1]:7000' }).socketUrl).to.equal(socket('ws://[::1]:7000'));
    expect(ok({ apiUrl: 'http://127.1.2.3' }).socketUrl).to.equal(socket('ws://127.1.2.3'));
    expect(ok({ apiUrl: 'http://app.localhost:3000' }).origin).to.equal('http://app.localhost:3000');
  });

  it('refuses plain http:// and ws:// elsewhere', () => {
    for (const apiUrl of ['http://host.example', 'http://api.green-api.com', 'http://10.0.0.1', 'http://[::2]', 'http://127.0.0.1.nip.io', 'http://localhost.example', 'http://128.0.0.1']) {
      expect(fails({ apiUrl }), apiUrl).to.equal(PLAIN_ONLY_LOOPBACK('http:'));
    }
    expect(fails({ apiUrl: 'ws://host.example' })).to.equal(PLAIN_ONLY_LOOPBACK('ws:'));
  });

  it('refuses other schemes', () => {
    expect(fails({ apiUrl: 'ftp://host.example' })).to.equal('api-url must use https:// or wss:// (got ftp:)');
    expect(fails({ apiUrl: 'file:///etc/passwd' })).to.equal('api-url must use https:// or wss:// (got file:)');
    expect(fails({ apiUrl: 'javascript://host.example/%0Aalert(1)' })).to.equal('api-url must use https:// or wss:// (got javascript:)');
    // Without "//" these read as host:port and do not parse.
    expect(fails({ apiUrl: 'javascript:alert(1)' })).to.equal('api-url is not a valid URL');
    expect(fails({ apiUrl: 'data:text/html,<b>x</b>' })).to.equal('api-url is not a valid URL');
  });

  it('refuses credentials, queries and fragments', () => {
    expect(fails({ apiUrl: 'https://user:pass@host.example' })).to.equal('api-url must not contain credentials');
    expect(fails({ apiUrl: 'https://user@host.example' })).to.equal('api-url must not contain credentials');
    for (const apiUrl of ['https://host.example?x=1', 'https://host.example/p?x', 'https://host.example?', 'https://host.example#f', 'https://host.example/#', 'host.example?a=b']) {
      expect(fails({ apiUrl }), apiUrl).to.equal('api-url must not contain a query or a fragment');
    }
  });

  it('refuses what is not a URL', () => {
    for (const apiUrl of ['https://', 'https://host.example:99999', 'http://[::1']) {
      expect(fails({ apiUrl }), apiUrl).to.equal('api-url is not a valid URL');
    }
  });

  it('normalizeApiUrl returns the http(s) base', () => {
    const base = (u: string | undefined) => {
      const r = normalizeApiUrl(u);
      return r.ok ? r.base.href : r.message;
    };
    expect(base(undefined)).to.equal('https://api.green-api.com/');
    expect(base('wss://h.example/p/')).to.equal('https://h.example/p');
    expect(base('ws://127.0.0.1:1')).to.equal('http://127.0.0.1:1/');
    expect(base('h.example')).to.equal('https://h.example/');
  });
});

describe('config: isLoopbackHost', () => {
  it('accepts 127.0.0.0/8, localhost, *.localhost and [::1]', () => {
    for (const host of ['127.0.0.1', '127.255.255.254', 'localhost', 'LOCALHOST', 'a.localhost', '[::1]']) {
      expect(isLoopbackHost(host), host).to.equal(true);
    }
  });

  it('refuses everything else', () => {
    for (const host of ['128.0.0.1', '127.0.0', '127.0.0.1.example', 'localhost.example', 'notlocalhost', '::1', '[::2]', '0.0.0.0', '']) {
      expect(isLoopbackHost(host), host).to.equal(false);
    }
  });
});

describe('config: error messages never contain the token', () => {
  it('for every kind of error', () => {
    const secret = 'f00dbabe1234567890secret';
    const cases: Array<Partial<ScanConfig>> = [
      { instanceId: '', token: secret },
      { instanceId: 'abc', token: secret },
      { token: `${secret} ` },
      { token: `${secret}\u0000` },
      { token: secret.repeat(30) },
      { token: secret, apiUrl: 'http://host.example' },
      { token: secret, apiUrl: 'ftp://host.example' },
      { token: secret, apiUrl: `https://${secret}:${secret}@host.example` },
      { token: secret, apiUrl: `https://host.example?token=${secret}` },
      { token: secret, apiUrl: 'https://' },
    ];
    for (const config of cases) {
      const message = fails(config);
      expect(message, JSON.stringify(config)).to.not.contain(secret);
      expect(message).to.not.contain('f00dbabe');
    }
  });
});

describe('config: which setting a problem names, and whether it is only missing', () => {
  const problemOf = (config: Partial<ScanConfig>) => resolveConfig({ instanceId: INSTANCE_ID, token: TOKEN, ...config });

  it('instance-id: missing (wait) or wrong (fail)', () => {
    expect(problemOf({ instanceId: '' })).to.deep.equal({ ok: false, field: 'instance-id', message: 'instance-id is missing', missing: true });
    expect(problemOf({ instanceId: '12a' })).to.deep.equal({ ok: false, field: 'instance-id', message: INSTANCE_DIGITS, missing: false });
  });

  it('token: missing, too long, odd characters, a dot segment', () => {
    expect(problemOf({ token: '' })).to.deep.equal({ ok: false, field: 'token', message: 'token is missing', missing: true });
    expect(problemOf({ token: 'x'.repeat(513) })).to.deep.equal({ ok: false, field: 'token', message: 'token is longer than 512 characters', missing: false });
    expect(problemOf({ token: 'to ken' })).to.deep.equal({ ok: false, field: 'token', message: TOKEN_CHARS, missing: false });
    expect(problemOf({ token: '..' })).to.deep.equal({ ok: false, field: 'token', message: 'token is not a valid API token', missing: false });
    expect(problemOf({ token: '.' })).to.deep.include({ field: 'token', missing: false });
    // Paired surrogates are fine (percent-encoded in the path); 512 characters too.
    expect(ok({ token: 'tok😀en' }).tokenSegment).to.equal(encodeURIComponent('tok😀en'));
    expect(ok({ token: 'x'.repeat(512) }).tokenSegment).to.have.length(512);
  });

  it('ticket: 16 to 512 of its characters, all of them', () => {
    const good = 'a'.repeat(16);
    // A ticket replaces the token: not in the path, but in the websocket's subprotocols.
    expect(ok({ token: undefined, ticket: good })).to.deep.equal({
      socketUrl: `wss://api.green-api.com/waInstance${INSTANCE_ID}/scanqrcode`,
      httpBase: `https://api.green-api.com/waInstance${INSTANCE_ID}`,
      tokenSegment: '',
      origin: 'https://api.green-api.com',
      ticket: good,
      protocols: ['green-qr-scan.v1', `ticket.${good}`],
    });
    expect(problemOf({ token: undefined, ticket: undefined })).to.deep.equal({ ok: false, field: 'token', message: 'token is missing', missing: true });
    for (const ticket of [`!${good}`, `${good}!`, 'a'.repeat(15), 'a'.repeat(513)]) {
      expect(problemOf({ token: undefined, ticket }), ticket).to.deep.include({ ok: false, field: 'ticket', missing: false });
    }
  });

  it('ticket: checkTicket on its own says missing for none, and names the rule for a bad one', () => {
    expect(checkTicket(undefined)).to.deep.equal({ ok: false, field: 'ticket', message: 'ticket is missing', missing: true });
    expect(checkTicket('')).to.deep.equal({ ok: false, field: 'ticket', message: 'ticket is missing', missing: true });
    expect(checkTicket('short')).to.deep.equal({
      ok: false,
      field: 'ticket',
      message: 'ticket must be 16 to 512 letters, digits, dots, dashes or underscores',
      missing: false,
    });
    expect(checkTicket('a'.repeat(16))).to.equal(undefined);
  });

  it('a wrong value wins over a missing one, whichever setting comes first', () => {
    // The instance id is still missing, but the token is already wrong: fail at once on the token.
    expect(problemOf({ instanceId: '', token: 'to ken' })).to.deep.equal({ ok: false, field: 'token', message: TOKEN_CHARS, missing: false });
    expect(problemOf({ instanceId: undefined, token: undefined, ticket: 'short' })).to.deep.include({ field: 'ticket', missing: false });
    // And both merely missing: the first one, the instance id.
    expect(problemOf({ instanceId: '', token: '' })).to.deep.include({ field: 'instance-id', missing: true });
  });

  it('api-url: each refusal names api-url and is not `missing`', () => {
    for (const apiUrl of ['https://[', 'ftp://example.com', 'https://user:pass@example.com', 'https://example.com/?x=1', 'https://example.com/#top', 'http://example.com']) {
      const result = problemOf({ apiUrl });
      expect(result, apiUrl).to.deep.include({ ok: false, field: 'api-url', missing: false });
    }
  });

  it('api-url: a scheme only at the start; doubled slashes in the prefix collapse; the prefix keeps its segments', () => {
    expect(ok({ apiUrl: 'example.com/a://b' }).httpBase).to.equal(`https://example.com/a:/b/waInstance${INSTANCE_ID}`);
    expect(ok({ apiUrl: 'https://example.com//green//api//' }).httpBase).to.equal(`https://example.com/green/api/waInstance${INSTANCE_ID}`);
  });

  it('the rules as messages for the server module: instanceIdProblem, tokenProblem', () => {
    expect(instanceIdProblem('1101000001')).to.equal(undefined);
    expect(instanceIdProblem('12a')).to.equal(INSTANCE_DIGITS);
    expect(tokenProblem(TOKEN)).to.equal(undefined);
    expect(tokenProblem('to ken')).to.equal(TOKEN_CHARS);
  });

  it('loopback: 127.0.0.0/8 only as the whole host name', () => {
    expect(isLoopbackHost('127.1.2.3')).to.equal(true);
    expect(isLoopbackHost('a127.0.0.1')).to.equal(false);
    expect(isLoopbackHost('127.0.0.1.example.com')).to.equal(false);
  });
});
