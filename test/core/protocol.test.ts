import { expect } from '@open-wc/testing';
import {
  MAX_FRAME_LENGTH,
  MAX_IMAGE_LENGTH,
  MAX_TEXT_LENGTH,
  MESSAGE_TYPES,
  cleanText,
  parseFrame,
  qrImageFromPayload,
  type ParseResult,
} from '../../src/core/protocol.js';
import { PNG_1X1, jpegBase64, pngBase64 } from '../helpers/ws-server.js';

const frame = (value: unknown) => parseFrame(JSON.stringify(value));
const ignoredAs = (reason: string, detail: string): ParseResult => ({ ok: false, reason, detail }) as ParseResult;

/** No lone surrogate anywhere. */
const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

const ACCOUNT = {
  wid: '79001234567@c.us',
  pushname: 'Ivan Petrov',
  proxy: '203.0.113.7',
  webhookUrl: 'https://hooks.example/green',
};

describe('protocol: message types', () => {
  it('lists exactly the six server message types', () => {
    expect([...MESSAGE_TYPES]).to.deep.equal(['qrCode', 'error', 'alreadyLogged', 'timeoutExpired', 'timeout', 'accountData']);
  });

  it('error keeps its text', () => {
    expect(frame({ type: 'error', message: 'Instance is not authorized' })).to.deep.equal({
      ok: true,
      message: { type: 'error', message: 'Instance is not authorized' },
    });
  });

  it('error without a message or with a non-string message has empty text', () => {
    expect(frame({ type: 'error' })).to.deep.equal({ ok: true, message: { type: 'error', message: '' } });
    expect(frame({ type: 'error', message: { nested: 'x' } })).to.deep.equal({ ok: true, message: { type: 'error', message: '' } });
    expect(frame({ type: 'error', message: 42 })).to.deep.equal({ ok: true, message: { type: 'error', message: '' } });
  });

  it('alreadyLogged keeps its text', () => {
    expect(frame({ type: 'alreadyLogged', message: 'Instance is already authorized' })).to.deep.equal({
      ok: true,
      message: { type: 'alreadyLogged', message: 'Instance is already authorized' },
    });
  });

  it('timeoutExpired and its newer name timeout both become timeoutExpired', () => {
    expect(frame({ type: 'timeoutExpired', message: 'QR code expired' })).to.deep.equal({
      ok: true,
      message: { type: 'timeoutExpired', message: 'QR code expired' },
    });
    expect(frame({ type: 'timeout', message: 'QR code expired' })).to.deep.equal({
      ok: true,
      message: { type: 'timeoutExpired', message: 'QR code expired' },
    });
    expect(frame({ type: 'timeout' })).to.deep.equal({ ok: true, message: { type: 'timeoutExpired', message: '' } });
  });

  it('type names are case-sensitive', () => {
    expect(frame({ type: 'QRCODE', message: PNG_1X1 })).to.deep.equal(ignoredAs('unknownType', 'unknown message type (QRCODE)'));
    expect(frame({ type: 'Error', message: 'x' })).to.deep.equal(ignoredAs('unknownType', 'unknown message type (Error)'));
  });
});

describe('protocol: qrCode', () => {
  it('accepts raw base64 PNG and returns a PNG data URL', () => {
    const png = pngBase64(3);
    expect(frame({ type: 'qrCode', message: png })).to.deep.equal({
      ok: true,
      message: { type: 'qrCode', image: `data:image/png;base64,${png}` },
    });
  });

  it('accepts a data:image/png;base64, prefix without doubling it', () => {
    const png = pngBase64(4);
    expect(frame({ type: 'qrCode', message: `data:image/png;base64,${png}` })).to.deep.equal({
      ok: true,
      message: { type: 'qrCode', image: `data:image/png;base64,${png}` },
    });
    expect(qrImageFromPayload(`DATA:IMAGE/PNG;BASE64,${PNG_1X1}`)).to.equal(`data:image/png;base64,${PNG_1X1}`);
  });

  it('accepts JPEG, raw or prefixed, as a JPEG data URL', () => {
    const jpeg = jpegBase64(1);
    expect(frame({ type: 'qrCode', message: jpeg })).to.deep.equal({
      ok: true,
      message: { type: 'qrCode', image: `data:image/jpeg;base64,${jpeg}` },
    });
    expect(qrImageFromPayload(`data:image/jpeg;base64,${jpeg}`)).to.equal(`data:image/jpeg;base64,${jpeg}`);
  });

  it('labels the image by its magic bytes, not by the claimed prefix', () => {
    const jpeg = jpegBase64(2);
    expect(qrImageFromPayload(`data:image/png;base64,${jpeg}`)).to.equal(`data:image/jpeg;base64,${jpeg}`);
    expect(qrImageFromPayload(`data:image/jpeg;base64,${PNG_1X1}`)).to.equal(`data:image/png;base64,${PNG_1X1}`);
  });

  it('strips surrounding and embedded whitespace (MIME line breaks)', () => {
    const wrapped = `  ${PNG_1X1.slice(0, 20)}\r\n${PNG_1X1.slice(20, 40)}\n ${PNG_1X1.slice(40)}\n`;
    expect(qrImageFromPayload(wrapped)).to.equal(`data:image/png;base64,${PNG_1X1}`);
  });

  it('the returned data URL decodes as an image', async () => {
    const result = frame({ type: 'qrCode', message: pngBase64(5, 16) });
    if (!result.ok || result.message.type !== 'qrCode') throw new Error('expected a qrCode message');
    const img = new Image();
    img.src = result.message.image;
    await img.decode();
    expect(img.naturalWidth).to.equal(16);
  });

  const invalid = 'qrCode message is not a base64 PNG or JPEG';
  const rejected: Array<[string, unknown]> = [
    ['GIF', 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'],
    ['GIF with a gif data URL prefix', 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'],
    ['SVG data URL', 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4='],
    ['PNG bytes behind a text/html prefix', `data:text/html;base64,${PNG_1X1}`],
    ['plain text', 'Scan this code with WhatsApp'],
    ['non-base64 characters after the PNG magic', 'iVBORw0KGgoAAAA!!!!<script>'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['base64 padding in the middle', 'iVBORw0KGgo=AAAAAA'],
    ['impossible base64 length (4n+1)', 'iVBORw0KGgoAA'],
    ['too short to hold the magic', 'iVBORw0KGgo'],
    ['empty string', ''],
    ['a number', 12345],
    ['an object', { data: PNG_1X1 }],
    ['null', null],
  ];
  for (const [name, message] of rejected) {
    it(`rejects ${name} as invalidField`, () => {
      expect(frame({ type: 'qrCode', message })).to.deep.equal(ignoredAs('invalidField', invalid));
    });
  }

  it('rejects a qrCode frame without message', () => {
    expect(frame({ type: 'qrCode' })).to.deep.equal(ignoredAs('invalidField', invalid));
  });

  it('accepts an image of exactly MAX_IMAGE_LENGTH characters and rejects one more', () => {
    const body = (n: number) => `iVBORw0KGgo${'A'.repeat(n - 'iVBORw0KGgo'.length)}`;
    expect(MAX_IMAGE_LENGTH).to.equal(2_000_000);
    const atLimit = body(MAX_IMAGE_LENGTH);
    expect(qrImageFromPayload(atLimit)).to.equal(`data:image/png;base64,${atLimit}`);
    expect(qrImageFromPayload(body(MAX_IMAGE_LENGTH + 4))).to.equal(undefined);
    expect(frame({ type: 'qrCode', message: body(MAX_IMAGE_LENGTH + 4) })).to.deep.equal(ignoredAs('invalidField', invalid));
  });
});

describe('protocol: qrCode payload bounds', () => {
  const img = `iVBORw0KGgo${'A'.repeat(MAX_IMAGE_LENGTH - 40 - 'iVBORw0KGgo'.length)}`;
  const padded = (n: number) => `${img}${' '.repeat(n - img.length)}`;

  it('caps the raw payload at MAX_IMAGE_LENGTH + 32 characters before trimming any whitespace', () => {
    expect(qrImageFromPayload(padded(MAX_IMAGE_LENGTH + 32))).to.equal(`data:image/png;base64,${img}`);
    expect(qrImageFromPayload(padded(MAX_IMAGE_LENGTH + 33))).to.equal(undefined);
  });

  it('takes 12 base64 characters, the shortest it accepts', () => {
    expect(qrImageFromPayload('iVBORw0KGgoA')).to.equal('data:image/png;base64,iVBORw0KGgoA');
    expect(qrImageFromPayload('iVBORw0KGgo')).to.equal(undefined);
  });

  it('padding only on whole groups of four; no padding needed otherwise', () => {
    // 'iVBORw0KGgo' is 11 characters: the lengths below are 14 to 19.
    for (const tail of ['AAA=', 'AA==', 'AAAAA==', 'AAAAAAA=', 'AAAAAA==']) {
      expect(qrImageFromPayload(`iVBORw0KGgo${tail}`), tail).to.equal(undefined);
    }
    for (const tail of ['AAA', 'AAAA', 'AAAA=', 'AAA==', 'AAAAAAAA']) {
      expect(qrImageFromPayload(`iVBORw0KGgo${tail}`), tail).to.equal(`data:image/png;base64,iVBORw0KGgo${tail}`);
    }
  });
});

describe('protocol: accountData', () => {
  const expected = { ok: true, message: { type: 'accountData', account: ACCOUNT } };

  it('reads the fields at the top level', () => {
    expect(frame({ type: 'accountData', ...ACCOUNT })).to.deep.equal(expected);
  });

  it('reads the fields from a message object', () => {
    expect(frame({ type: 'accountData', message: ACCOUNT })).to.deep.equal(expected);
  });

  it('reads the fields from a message JSON string', () => {
    expect(frame({ type: 'accountData', message: JSON.stringify(ACCOUNT) })).to.deep.equal(expected);
  });

  it('prefers top-level fields over message', () => {
    expect(frame({ type: 'accountData', ...ACCOUNT, message: { wid: 'other@c.us' } })).to.deep.equal(expected);
  });

  it('defaults missing optional fields to empty strings and ignores non-string ones', () => {
    expect(frame({ type: 'accountData', wid: '1@c.us' })).to.deep.equal({
      ok: true,
      message: { type: 'accountData', account: { wid: '1@c.us', pushname: '', proxy: '', webhookUrl: '' } },
    });
    expect(frame({ type: 'accountData', message: { wid: '1@c.us', pushname: 7, proxy: null, webhookUrl: ['x'] } })).to.deep.equal({
      ok: true,
      message: { type: 'accountData', account: { wid: '1@c.us', pushname: '', proxy: '', webhookUrl: '' } },
    });
  });

  it('cleans the fields: control characters stripped, whitespace trimmed', () => {
    expect(frame({ type: 'accountData', wid: ' 7900\u0000@c.us\u0007 ', pushname: 'Iv\u001Ban' })).to.deep.equal({
      ok: true,
      message: { type: 'accountData', account: { wid: '7900@c.us', pushname: 'Ivan', proxy: '', webhookUrl: '' } },
    });
  });

  const noWid = ignoredAs('invalidField', 'accountData has no wid');
  const withoutWid: Array<[string, Record<string, unknown>]> = [
    ['no fields at all', { type: 'accountData' }],
    ['top-level fields without wid', { type: 'accountData', pushname: 'Ivan', proxy: '1.2.3.4' }],
    ['message object without wid', { type: 'accountData', message: { pushname: 'Ivan' } }],
    ['message JSON string without wid', { type: 'accountData', message: '{"pushname":"Ivan"}' }],
    ['empty wid', { type: 'accountData', wid: '' }],
    ['whitespace-only wid', { type: 'accountData', wid: '  \n ' }],
    ['control-character-only wid', { type: 'accountData', wid: '\u0000\u0001' }],
    ['numeric wid', { type: 'accountData', wid: 79001234567 }],
    ['malformed JSON string message', { type: 'accountData', message: '{"wid": "1@c.us"' }],
    ['JSON string holding an array', { type: 'accountData', message: '["1@c.us"]' }],
    ['JSON string holding a string', { type: 'accountData', message: '"1@c.us"' }],
    ['array message', { type: 'accountData', message: [{ wid: '1@c.us' }] }],
    ['plain text message', { type: 'accountData', message: '1@c.us' }],
  ];
  for (const [name, value] of withoutWid) {
    it(`ignores ${name} as invalidField`, () => {
      expect(frame(value)).to.deep.equal(noWid);
    });
  }
});

describe('protocol: malformed and unknown frames', () => {
  it('non-text frames are malformed', () => {
    for (const data of [new ArrayBuffer(4), new Blob(['{}']), undefined, null, 42, { type: 'error' }]) {
      expect(parseFrame(data)).to.deep.equal(ignoredAs('malformed', 'frame is not text'));
    }
  });

  it('invalid JSON is malformed', () => {
    for (const data of ['', 'not json', '{"type":"error"', "{'type':'error'}", '{"type":"error",}']) {
      expect(parseFrame(data)).to.deep.equal(ignoredAs('malformed', 'frame is not JSON'));
    }
  });

  it('JSON that is not an object is malformed', () => {
    for (const data of ['[]', '[{"type":"error"}]', '42', '"qrCode"', 'null', 'true']) {
      expect(parseFrame(data)).to.deep.equal(ignoredAs('malformed', 'frame is not a JSON object'));
    }
  });

  it('an object without a string type is malformed', () => {
    for (const value of [{}, { message: 'x' }, { type: 5 }, { type: null }, { type: ['error'] }, { Type: 'error' }]) {
      expect(frame(value)).to.deep.equal(ignoredAs('malformed', 'frame has no type'));
    }
  });

  it('unknown types are ignored with the type name', () => {
    expect(frame({ type: 'ping' })).to.deep.equal(ignoredAs('unknownType', 'unknown message type (ping)'));
    expect(frame({ type: '' })).to.deep.equal(ignoredAs('unknownType', 'unknown message type ()'));
    expect(frame({ type: 'toString' })).to.deep.equal(ignoredAs('unknownType', 'unknown message type (toString)'));
    expect(frame({ type: 'constructor' })).to.deep.equal(ignoredAs('unknownType', 'unknown message type (constructor)'));
  });

  it('the unknown-type detail is cleaned and cut to 40 characters', () => {
    expect(frame({ type: `a\u0000b\u001B${'c'.repeat(100)}` })).to.deep.equal(
      ignoredAs('unknownType', `unknown message type (ab${'c'.repeat(38)})`),
    );
  });

  // Found by the fuzz tests: `slice(0, 40)` cut the pair in two and logged a lone "\uD83D".
  it('cutting the unknown-type detail never splits a surrogate pair', () => {
    const result = frame({ type: `${'t'.repeat(39)}😀` });
    expect(result).to.deep.equal(ignoredAs('unknownType', `unknown message type (${'t'.repeat(39)})`));
    expect(wellFormed((result as { detail: string }).detail)).to.equal(true);
    expect(frame({ type: `${'t'.repeat(38)}😀x` })).to.deep.equal(ignoredAs('unknownType', `unknown message type (${'t'.repeat(38)}😀)`));
  });

  it('the ignored detail never echoes the frame content', () => {
    const secret = 'SECRET-CONTENT-123';
    const results = [
      frame({ type: 'qrCode', message: secret }),
      frame({ type: 'accountData', message: secret }),
      frame({ type: 'accountData', message: `{"pushname":"${secret}"}` }),
      parseFrame(`{"type":"error","message":"${secret}"`),
      parseFrame(`["${secret}"]`),
      frame({ message: secret }),
    ];
    for (const result of results) {
      expect(result.ok).to.equal(false);
      expect(JSON.stringify(result)).to.not.contain(secret);
    }
  });
});

describe('protocol: huge frames', () => {
  it('parses a frame of exactly MAX_FRAME_LENGTH characters', () => {
    expect(MAX_FRAME_LENGTH).to.equal(4_000_000);
    const head = '{"type":"error","message":"x","pad":"';
    const data = `${head}${'p'.repeat(MAX_FRAME_LENGTH - head.length - 2)}"}`;
    expect(data.length).to.equal(MAX_FRAME_LENGTH);
    expect(parseFrame(data)).to.deep.equal({ ok: true, message: { type: 'error', message: 'x' } });
  });

  it('refuses a frame one character longer without parsing it', () => {
    const head = '{"type":"error","message":"x","pad":"';
    const data = `${head}${'p'.repeat(MAX_FRAME_LENGTH - head.length - 1)}"}`;
    expect(data.length).to.equal(MAX_FRAME_LENGTH + 1);
    expect(parseFrame(data)).to.deep.equal(ignoredAs('malformed', 'frame is too large'));
  });

  it('a huge error message is cut to MAX_TEXT_LENGTH', () => {
    const result = frame({ type: 'error', message: 'e'.repeat(1_000_000) });
    expect(result).to.deep.equal({ ok: true, message: { type: 'error', message: `${'e'.repeat(MAX_TEXT_LENGTH - 1)}…` } });
  });
});

describe('protocol: prototype pollution', () => {
  afterEach(() => {
    for (const key of ['polluted', 'wid', 'type']) delete (Object.prototype as Record<string, unknown>)[key];
  });

  it('__proto__ keys in frames do not pollute Object.prototype', () => {
    parseFrame('{"__proto__":{"polluted":true},"type":"error","message":"x"}');
    parseFrame('{"type":"accountData","__proto__":{"polluted":true},"message":{"__proto__":{"polluted":true},"wid":"1@c.us"}}');
    parseFrame('{"type":"accountData","message":"{\\"__proto__\\":{\\"polluted\\":true},\\"wid\\":\\"1@c.us\\"}"}');
    parseFrame('{"constructor":{"prototype":{"polluted":true}},"type":"timeout"}');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).to.equal(false);
  });

  it('an inherited type or wid (via __proto__) is not read', () => {
    expect(parseFrame('{"__proto__":{"type":"error"}}')).to.deep.equal(ignoredAs('malformed', 'frame has no type'));
    expect(parseFrame('{"type":"accountData","__proto__":{"wid":"evil@c.us"}}')).to.deep.equal(
      ignoredAs('invalidField', 'accountData has no wid'),
    );
    expect(parseFrame('{"type":"accountData","message":{"__proto__":{"wid":"evil@c.us"}}}')).to.deep.equal(
      ignoredAs('invalidField', 'accountData has no wid'),
    );
  });

  it('fields inherited from a polluted Object.prototype are not read', () => {
    const proto = Object.prototype as Record<string, unknown>;
    let results: ParseResult[];
    try {
      proto.type = 'error';
      proto.wid = 'evil@c.us';
      results = [parseFrame('{}'), parseFrame('{"type":"accountData"}')];
    } finally {
      delete proto.type;
      delete proto.wid;
    }
    expect(results).to.deep.equal([
      ignoredAs('malformed', 'frame has no type'),
      ignoredAs('invalidField', 'accountData has no wid'),
    ]);
  });
});

describe('protocol: cleanText', () => {
  it('returns an empty string for non-strings', () => {
    for (const value of [undefined, null, 1, true, {}, ['a']]) expect(cleanText(value)).to.equal('');
  });

  it('strips C0/C1 control characters and DEL but keeps newlines', () => {
    expect(cleanText('a\u0000b\u0007c\u001Bd\u007Fe\u0085f\u009Fg')).to.equal('abcdefg');
    expect(cleanText('line 1\r\nline 2')).to.equal('line 1\nline 2');
  });

  it('trims surrounding whitespace', () => {
    expect(cleanText('  \n hello \n ')).to.equal('hello');
  });

  it('drops lone surrogates and keeps surrogate pairs', () => {
    expect(cleanText('a\uD800b\uDC00c')).to.equal('abc');
    expect(cleanText('ok 😀')).to.equal('ok 😀');
  });

  // Found by the fuzz tests: dropping control characters first joined the two lone halves around
  // U+0000 into "𐀀", and the frame linked with a wid the server never sent.
  it('never joins lone surrogates around a control character into a new pair', () => {
    expect(cleanText('\uD800\u0000\uDC00')).to.equal('');
    expect(cleanText('a\uD800\u0007\u0085\uDC00b')).to.equal('ab');
    expect(cleanText('\uD800\uD800\uDC00\uDC00')).to.equal('\uD800\uDC00');
    expect(cleanText('\uD83D\u0000😀')).to.equal('😀');
    for (const text of ['{"type":"accountData","wid":"\\ud800\\u0000\\udc00"}', '{"type":"accountData","wid":"\uD800\\u0000\uDC00"}']) {
      expect(parseFrame(text), text).to.deep.equal(ignoredAs('invalidField', 'accountData has no wid'));
    }
    expect(parseFrame('{"type":"accountData","wid":"\\ud800\\u0000\\udc0079001234567@c.us"}')).to.deep.equal({
      ok: true,
      message: { type: 'accountData', account: { wid: '79001234567@c.us', pushname: '', proxy: '', webhookUrl: '' } },
    });
  });

  it('keeps text of exactly MAX_TEXT_LENGTH and cuts longer text with an ellipsis', () => {
    expect(MAX_TEXT_LENGTH).to.equal(500);
    expect(cleanText('x'.repeat(500))).to.equal('x'.repeat(500));
    const cut = cleanText('x'.repeat(501));
    expect(cut).to.equal(`${'x'.repeat(499)}…`);
    expect(cut.length).to.equal(500);
  });

  it('measures the length after stripping', () => {
    expect(cleanText(`${'x'.repeat(500)}\u0000\u0000`)).to.equal('x'.repeat(500));
  });

  it('cutting never splits a surrogate pair', () => {
    const text = cleanText(`${'x'.repeat(498)}${'😀'.repeat(10)}`);
    expect(text.length).to.be.at.most(MAX_TEXT_LENGTH);
    expect(text.endsWith('…')).to.equal(true);
    expect(wellFormed(text), 'cut text ends in a lone surrogate').to.equal(true);
  });
});
