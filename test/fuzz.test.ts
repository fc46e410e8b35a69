// Property-based tests (fast-check) of the frame parser, and a live element fed fuzzed frames over a
// real websocket. The parser must never throw, always answer a typed result, never pollute
// Object.prototype, and link (accountData) only on a well-formed accountData frame, which an
// independent oracle below decides.
//
// Reproducible: every property runs with the run's seed (fixed in CI; printed when the runner
// starts and in every fast-check failure). `FC_SEED=<n> npm test -- --files test/fuzz.test.ts`
// replays a run, `FC_SEED=random` explores.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import * as fc from 'fast-check';
import '../src/define.js';
import type { GreenQrScan } from '../src/element/green-qr-scan.js';
import { SCAN_STATES, type ScanStateChangeEvent } from '../src/core/events.js';
import { MAX_FRAME_LENGTH, MAX_IMAGE_LENGTH, MAX_TEXT_LENGTH, MESSAGE_TYPES, cleanText, parseFrame, type ParseResult } from '../src/core/protocol.js';
import { INSTANCE_ID, PNG_1X1, TOKEN, pngBase64, startWsServer, type WsServer } from './helpers/ws-server.js';
import { useFcSeed } from './helpers/fc-seed.js';

before(() => useFcSeed());

// --- an independent oracle ------------------------------------------------------------------------

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const TERMINAL_TYPES = ['error', 'alreadyLogged', 'timeoutExpired', 'timeout'];
const RESULT_TYPES = ['qrCode', 'error', 'alreadyLogged', 'timeoutExpired', 'accountData'];
const IGNORED_REASONS = ['malformed', 'unknownType', 'invalidField'];
const PNG_PREFIX = 'data:image/png;base64,iVBORw0KGgo';
const JPEG_PREFIX = 'data:image/jpeg;base64,/9j/';

/** An own data property, read without touching accessors or the prototype chain. */
function ownData(target: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

const isRecord = (value: unknown): value is object => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `true` when `s` holds a UTF-16 code unit of a surrogate pair without its other half. */
function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/** Replaces lone surrogates by U+FFFD, as UTF-8 encoding on the way over a socket does. */
function wellFormed(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
      } else out += '\uFFFD';
    } else if (unit >= 0xdc00 && unit <= 0xdfff) out += '\uFFFD';
    else out += s[i];
  }
  return out;
}

/** A code point a person could see: not a control character, not whitespace, not half a surrogate pair. */
function hasVisibleChar(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) continue;
    if (/^\s$/.test(ch)) continue;
    return true;
  }
  return false;
}

/** Text that the parser may keep: bounded, trimmed, no control characters but tab/newline, no lone surrogates. */
function isCleanText(s: unknown): s is string {
  if (typeof s !== 'string' || s.length > MAX_TEXT_LENGTH || s !== s.trim() || hasLoneSurrogate(s)) return false;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if ((cp <= 0x1f && cp !== 0x09 && cp !== 0x0a) || (cp >= 0x7f && cp <= 0x9f)) return false;
  }
  return true;
}

/** Text whose clean form is itself (nothing to drop, trim or cut). */
const isPlainText = (s: unknown): s is string => isCleanText(s);

type Frame = { root: object; type: unknown } | undefined;

/** The frame as a JSON object with its own `type`, or undefined (not text, too large, not JSON, not an object). */
function decode(text: unknown): Frame {
  if (typeof text !== 'string' || text.length > MAX_FRAME_LENGTH) return undefined;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(root) ? { root, type: ownData(root, 'type') } : undefined;
}

/**
 * The oracle: the raw `wid` of a well-formed accountData frame (a JSON object with `type`
 * "accountData" and a string `wid` at the top level, or else in `message` as an object or a JSON
 * string holding an object), or undefined. A top-level string `wid` wins over `message`.
 */
function accountWid(text: unknown): string | undefined {
  const frame = decode(text);
  if (!frame || frame.type !== 'accountData') return undefined;
  const top = ownData(frame.root, 'wid');
  if (typeof top === 'string') return top;
  let inner = ownData(frame.root, 'message');
  if (typeof inner === 'string') {
    try {
      inner = JSON.parse(inner);
    } catch {
      return undefined;
    }
  }
  if (!isRecord(inner)) return undefined;
  const wid = ownData(inner, 'wid');
  return typeof wid === 'string' ? wid : undefined;
}

/** The frame ends a session (a terminal message, well-formed or only nearly): never sent to the live element. */
function isTerminalish(text: string): boolean {
  const frame = decode(text);
  if (!frame) return false;
  if (typeof frame.type === 'string' && TERMINAL_TYPES.includes(frame.type)) return true;
  return accountWid(text) !== undefined;
}

/** Decodes base64 (WHATWG forgiving-base64, as `atob` and data: URLs do) to its first bytes, or undefined. */
function firstBytes(base64: string, count: number): number[] | undefined {
  try {
    return [...atob(base64).slice(0, count)].map((c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** `true` when a browser can decode `base64` at all (forgiving-base64: padding only to a multiple of 4). */
function decodesAsBase64(base64: string): boolean {
  try {
    atob(base64);
    return true;
  } catch {
    return false;
  }
}

/** `=` padding on base64 whose length is not a multiple of 4: browsers refuse it. */
const isBadPadding = (data: string) => data.endsWith('=') && data.length % 4 !== 0;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/** Snapshot of Object.prototype (and a few other shared prototypes): names and descriptors. */
function prototypeSnapshot() {
  const take = (proto: object) =>
    Object.getOwnPropertyNames(proto)
      .sort()
      .map((name) => {
        const d = Object.getOwnPropertyDescriptor(proto, name)!;
        return [name, d.value, d.get, d.set, d.writable, d.enumerable, d.configurable];
      });
  return {
    object: take(Object.prototype),
    array: take(Array.prototype),
    objectProto: Object.getPrototypeOf({}),
    arrayProto: Object.getPrototypeOf([]),
  };
}

// --- the checks -----------------------------------------------------------------------------------

let framesChecked = 0;

/** Generated frames per property: at least 10 000 in all. */
const RUNS = { text: 2000, json: 1500, objects: 4000, surrogates: 1000, qrCode: 1500, accountData: 1000, nesting: 100, huge: 30, notText: 300 };

/**
 * Runs `property` over `runs` generated values, each of which must check exactly one frame: the
 * count a test promises does not depend on any other test (nor on one that stopped early).
 */
function assertFrames(runs: number, property: fc.IProperty<[unknown, ...unknown[]]>) {
  const start = framesChecked;
  fc.assert(property, { numRuns: runs });
  expect(framesChecked - start, 'frames this property checked').to.equal(runs);
}

const preview = (frame: unknown) => {
  if (typeof frame !== 'string') return `(${typeof frame})`;
  return JSON.stringify(frame.length > 300 ? `${frame.slice(0, 300)}…(${frame.length} chars)` : frame);
};

function expectKeys(value: object, keys: string[], what: string) {
  expect(Object.getPrototypeOf(value), `${what}: prototype`).to.equal(Object.prototype);
  expect(Reflect.ownKeys(value), `${what}: keys`).to.deep.equal(keys);
}

/** Parses one frame and checks everything the parser promises about it. Returns the result. */
function check(frame: unknown): ParseResult {
  framesChecked++;
  let result: ParseResult;
  try {
    result = parseFrame(frame);
  } catch (error) {
    throw new Error(`parseFrame threw ${String(error)} on ${preview(frame)}`);
  }
  const at = `frame ${preview(frame)}`;
  expect(result, at).to.be.an('object');
  const decoded = decode(frame);
  if (result.ok === true) {
    expectKeys(result, ['ok', 'message'], at);
    const { message } = result;
    expect(RESULT_TYPES, at).to.include(message.type);
    expect(decoded, `${at}: an ok result from something that is not a JSON object`).to.not.equal(undefined);
    const sourceType = decoded!.type === 'timeout' ? 'timeoutExpired' : decoded!.type;
    expect(message.type, `${at}: type`).to.equal(sourceType);
    switch (message.type) {
      case 'qrCode': {
        expectKeys(message, ['type', 'image'], at);
        const png = message.image.startsWith(PNG_PREFIX);
        const jpeg = message.image.startsWith(JPEG_PREFIX);
        expect(png || jpeg, `${at}: image ${message.image.slice(0, 40)}`).to.equal(true);
        const data = message.image.slice(message.image.indexOf(',') + 1);
        expect(/^[A-Za-z0-9+/]+={0,2}$/.test(data), `${at}: image is base64`).to.equal(true);
        expect(data.length, at).to.be.at.most(MAX_IMAGE_LENGTH);
        const magic = png ? PNG_MAGIC : JPEG_MAGIC;
        // The magic alone (12 / 4 characters), so that an image with bad padding would still have
        // its magic checked here.
        expect(firstBytes(data.slice(0, png ? 12 : 4), magic.length), `${at}: magic bytes`).to.deep.equal(magic);
        expect(decodesAsBase64(data), `${at}: accepted an image no browser can decode`).to.equal(true);
        break;
      }
      case 'accountData': {
        expectKeys(message, ['type', 'account'], at);
        expectKeys(message.account, ['wid', 'pushname', 'proxy', 'webhookUrl'], at);
        const raw = accountWid(frame);
        expect(raw, `${at}: accountData from a frame that is not a well-formed accountData`).to.be.a('string');
        expect(hasVisibleChar(raw!), `${at}: accountData with an empty wid`).to.equal(true);
        for (const [key, value] of Object.entries(message.account)) {
          expect(isCleanText(value), `${at}: account.${key} ${JSON.stringify(value)}`).to.equal(true);
        }
        expect(message.account.wid.length, at).to.be.above(0);
        if (isPlainText(raw)) expect(message.account.wid, at).to.equal(raw);
        break;
      }
      default: {
        expectKeys(message, ['type', 'message'], at);
        expect(isCleanText(message.message), `${at}: message ${JSON.stringify(message.message)}`).to.equal(true);
        const raw = ownData(decoded!.root, 'message');
        if (typeof raw !== 'string') expect(message.message, at).to.equal('');
        else if (isPlainText(raw)) expect(message.message, at).to.equal(raw);
      }
    }
  } else {
    expect(result.ok, at).to.equal(false);
    expectKeys(result, ['ok', 'reason', 'detail'], at);
    expect(IGNORED_REASONS, at).to.include(result.reason);
    expect(result.detail, at).to.be.a('string');
    expect(result.detail.length, `${at}: detail ${result.detail}`).to.be.within(1, 100);
    expect(hasLoneSurrogate(result.detail), at).to.equal(false);
    // The reason the oracle expects.
    if (!decoded || typeof decoded.type !== 'string') expect(result.reason, at).to.equal('malformed');
    else if (!(MESSAGE_TYPES as readonly string[]).includes(decoded.type)) expect(result.reason, at).to.equal('unknownType');
    else {
      expect(['qrCode', 'accountData'], `${at}: ${decoded.type} ignored`).to.include(decoded.type);
      expect(result.reason, at).to.equal('invalidField');
    }
    // A well-formed accountData must link.
    const raw = accountWid(frame);
    if (raw !== undefined) {
      expect(hasVisibleChar(raw), `${at}: well-formed accountData (wid ${JSON.stringify(raw)}) was ignored`).to.equal(false);
    }
    // A canonical base64 PNG must show.
    if (decoded && decoded.type === 'qrCode') {
      const payload = ownData(decoded.root, 'message');
      const canonical =
        typeof payload === 'string' &&
        payload.length >= 12 &&
        /^iVBORw0KGgo[A-Za-z0-9+/]*={0,2}$/.test(payload) &&
        payload.length % 4 !== 1 &&
        !isBadPadding(payload) &&
        payload.length <= MAX_IMAGE_LENGTH;
      expect(canonical, `${at}: a canonical base64 PNG was ignored`).to.equal(false);
    }
  }
  return result;
}

// --- generators -----------------------------------------------------------------------------------

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const nastyChar = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  loneSurrogate,
  fc.constantFrom('\u0000', '\u0008', '\u001f', '\u007f', '\u0085', '\u009f', '\u2028', '\u2029', '\ufeff', '\ufffd', '\u00a0', '\n', '\t', '\r', ' ', '"', '\\', '<', '>', '&', '{', '}', '[', ']', ':', ','),
);
const knownWords = fc.constantFrom(
  ...MESSAGE_TYPES,
  ...POLLUTION_KEYS,
  '',
  ' ',
  ' qrCode',
  'qrCode ',
  'QRCODE',
  'accountdata',
  'AccountData',
  'timeoutexpired',
  'stateInstanceChanged',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'wid',
  'message',
  'type',
  '79001234567@c.us',
  'Instance has auth. You need to make log out',
);
const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: fc.string({ unit: nastyChar, maxLength: 30 }) },
  { weight: 3, arbitrary: knownWords },
  { weight: 1, arbitrary: fc.tuple(knownWords, fc.string({ unit: nastyChar, maxLength: 4 }), fc.boolean()).map(([w, n, before]) => (before ? n + w : w + n)) },
);

/** A JSON string literal; `raw` keeps lone surrogates (and other non-ASCII) unescaped in the text. */
function stringLiteral(s: string, raw: boolean): string {
  if (!raw) return JSON.stringify(s);
  return `"${s.replace(/["\\\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}
const objectText = (entries: [string, string][], raw = false) =>
  `{${entries.map(([key, value]) => `${stringLiteral(key, raw)}:${value}`).join(',')}}`;

const stringFragment = fc.tuple(nastyString, fc.boolean()).map(([s, raw]) => stringLiteral(s, raw));
const scalarFragment = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.constantFrom('true', 'false', 'null', '-0', '1e308', '1e999', '-1e999', '0.0000001', '[]', '{}', '[null]', '""'),
);
const jsonFragment = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v));

/** Base64 that mostly is not a PNG/JPEG, sometimes is, sometimes nearly is. */
const base64Payload = fc
  .tuple(
    fc.constantFrom('', '', 'iVBORw0KGgo', 'iVBORw0KGg', 'iVBORw0KGgp', 'ivborw0kggo', '/9j/', '/9j', '/9i/', 'R0lGODlh', 'PHN2Zy', 'UklGR', 'AAAA', '////'),
    fc.base64String({ maxLength: 64 }),
    fc.constantFrom('', '', 'data:image/png;base64,', 'data:image/jpeg;base64,', 'DATA:IMAGE/PNG;BASE64,', 'data:image/gif;base64,', 'data:image/svg+xml;base64,', 'data:text/html;base64,', 'javascript:', ' '),
    fc.constantFrom('', '', '=', '==', '===', '!', ' \n', '"><img>', '\u0000', '\ud800'),
    fc.boolean(),
  )
  .map(([magic, body, prefix, suffix, spaced]) => {
    let data = magic + body;
    if (spaced) data = data.replace(/(.{4})/g, '$1 ');
    return prefix + data + suffix;
  });
const base64Fragment = fc.tuple(base64Payload, fc.boolean()).map(([s, raw]) => stringLiteral(s, raw));

const pollutionEntry = fc.tuple(
  fc.constantFrom(...POLLUTION_KEYS),
  fc.oneof(
    fc.constant(objectText([['wid', '"79001234567@c.us"'], ['type', '"accountData"'], ['polluted', 'true']])),
    fc.constant(objectText([['prototype', objectText([['polluted', 'true'], ['wid', '"x@c.us"']])]])),
    fc.constant(objectText([['__proto__', objectText([['polluted', 'true']])]])),
    jsonFragment,
    stringFragment,
  ),
);

/** An accountData-like object: any subset of its fields with any values, plus pollution keys. */
const accountObject = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constant('wid'), fc.oneof({ weight: 3, arbitrary: stringFragment }, scalarFragment, jsonFragment)),
      fc.tuple(fc.constantFrom('pushname', 'proxy', 'webhookUrl'), fc.oneof(stringFragment, scalarFragment)),
      pollutionEntry,
      fc.tuple(nastyString, fc.oneof(stringFragment, scalarFragment)),
    ),
    { maxLength: 6 },
  )
  .map((entries) => objectText(entries));

const messageFragment = fc.oneof(
  { weight: 3, arbitrary: stringFragment },
  { weight: 1, arbitrary: scalarFragment },
  { weight: 1, arbitrary: jsonFragment },
  { weight: 3, arbitrary: accountObject },
  { weight: 2, arbitrary: accountObject.map((text) => JSON.stringify(text)) },
  { weight: 1, arbitrary: accountObject.map((text) => JSON.stringify(text.slice(0, Math.max(0, text.length - 2)))) },
  { weight: 3, arbitrary: base64Fragment },
);
const typeFragment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...MESSAGE_TYPES).map((t) => JSON.stringify(t)) },
  { weight: 2, arbitrary: stringFragment },
  { weight: 1, arbitrary: scalarFragment },
  { weight: 1, arbitrary: jsonFragment },
);

/** A frame object's text: `type`, `message`, `wid`… in any order, duplicated, with pollution keys. */
const structuredFrame = fc
  .tuple(
    fc.option(typeFragment, { freq: 8 }),
    fc.array(
      fc.oneof(
        fc.tuple(fc.constant('message'), messageFragment),
        fc.tuple(fc.constant('wid'), fc.oneof(stringFragment, scalarFragment)),
        fc.tuple(fc.constantFrom('pushname', 'proxy', 'webhookUrl'), stringFragment),
        fc.tuple(fc.constant('type'), typeFragment),
        pollutionEntry,
        fc.tuple(nastyString, fc.oneof(stringFragment, scalarFragment, jsonFragment)),
      ),
      { maxLength: 5 },
    ),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([type, rest, typeFirst, rawKeys]) => {
    const entries: [string, string][] = [...rest];
    if (type !== null) {
      if (typeFirst) entries.unshift(['type', type]);
      else entries.push(['type', type]);
    }
    return objectText(entries, rawKeys);
  });

/** Damages a frame now and then: cut it, insert a character, wrap it, pad it. */
const mutated = (text: fc.Arbitrary<string>) =>
  fc
    .tuple(text, fc.nat(), fc.constantFrom('none', 'none', 'none', 'none', 'cut', 'insert', 'array', 'pad', 'bom', 'double'), nastyChar)
    .map(([t, at, how, ch]) => {
      const i = t.length ? at % t.length : 0;
      switch (how) {
        case 'cut':
          return t.slice(0, i);
        case 'insert':
          return t.slice(0, i) + ch + t.slice(i);
        case 'array':
          return `[${t}]`;
        case 'pad':
          return ` \n\t${t}\r\n `;
        case 'bom':
          return `\ufeff${t}`;
        case 'double':
          return t + t;
        default:
          return t;
      }
    });

const garbageText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  fc.string({ unit: nastyChar, maxLength: 80 }),
  fc.constantFrom('', ' ', 'null', 'true', '0', '""', '[]', '{}', '{"type":null}', 'undefined', 'NaN', '{"type":"qrCode"', "{'type':'qrCode'}"),
);

/** A well-formed accountData frame: wid at the top level, in message, or in message as JSON text. */
const wellFormedAccountData = fc
  .tuple(
    fc.oneof(
      fc.stringMatching(/^[1-9]\d{9,14}@c\.us$/),
      fc.string({ minLength: 1, maxLength: 40 }).filter(hasVisibleChar),
      fc.string({ unit: nastyChar, minLength: 1, maxLength: 20 }).filter(hasVisibleChar),
    ),
    fc.constantFrom('top', 'object', 'string'),
    fc.array(fc.tuple(fc.constantFrom('pushname', 'proxy', 'webhookUrl', 'extra', ...POLLUTION_KEYS), stringFragment), { maxLength: 4 }),
    fc.boolean(),
  )
  .map(([wid, where, extra, raw]) => {
    const widEntry: [string, string] = ['wid', stringLiteral(wid, raw)];
    const fields = objectText([widEntry, ...extra]);
    switch (where) {
      case 'top':
        return objectText([['type', '"accountData"'], widEntry, ...extra]);
      case 'object':
        return objectText([['type', '"accountData"'], ['message', fields]]);
      default:
        return objectText([['type', '"accountData"'], ['message', JSON.stringify(fields)]]);
    }
  });

/** Frames that a live session must shrug off (no terminal message, even a nearly valid one). */
const fuzzFrame = fc.oneof(
  { weight: 2, arbitrary: mutated(garbageText) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 6, arbitrary: mutated(structuredFrame) },
  { weight: 2, arbitrary: base64Fragment.map((m) => objectText([['type', '"qrCode"'], ['message', m]])) },
);

// --- the properties -------------------------------------------------------------------------------

describe('fuzz: parseFrame (fast-check)', function () {
  this.timeout(30_000);
  let before: ReturnType<typeof prototypeSnapshot>;

  // `before` is a mocha global: keep the snapshot in a hook of our own.
  beforeEach(() => {
    before = prototypeSnapshot();
  });
  afterEach(() => {
    const after = prototypeSnapshot();
    expect(after.object, 'Object.prototype changed').to.deep.equal(before.object);
    expect(after.array, 'Array.prototype changed').to.deep.equal(before.array);
    expect(after.objectProto).to.equal(Object.prototype);
    expect(after.arrayProto).to.equal(Array.prototype);
    const probe = {} as Record<string, unknown>;
    for (const key of ['polluted', 'wid', 'type', 'message', 'pushname']) expect(probe[key], key).to.equal(undefined);
  });

  it(`arbitrary text (binary, control characters, lone surrogates, damaged JSON): ${RUNS.text} frames`, () => {
    assertFrames(RUNS.text, fc.property(mutated(garbageText), (frame) => void check(frame)));
  });

  it(`random JSON values of every type: ${RUNS.json} frames`, () => {
    assertFrames(
      RUNS.json,
      fc.property(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.jsonValue().map((v) => JSON.stringify({ type: v })),
          fc.jsonValue().map((v) => JSON.stringify({ type: 'accountData', message: v })),
          fc.jsonValue().map((v) => JSON.stringify({ type: 'qrCode', message: v })),
        ),
        (frame) => void check(frame),
      ),
    );
  });

  it(`frame objects with wrong types, duplicates and __proto__/constructor/prototype keys: ${RUNS.objects} frames`, () => {
    assertFrames(RUNS.objects, fc.property(mutated(structuredFrame), (frame) => void check(frame)));
  });

  it(`lone surrogates, raw and escaped, in every field: ${RUNS.surrogates} frames; kept text is well-formed`, () => {
    const withSurrogates = fc
      .tuple(
        fc.constantFrom('error', 'alreadyLogged', 'timeout', 'timeoutExpired', 'accountData', 'accountData', 'qrCode', 'x\ud800'),
        fc.constantFrom('message', 'wid', 'pushname', 'type'),
        fc.string({ unit: fc.oneof(loneSurrogate, nastyChar, fc.constantFrom('a', 'b', '7')), minLength: 1, maxLength: 40 }),
        fc.boolean(),
      )
      .map(([type, field, value, raw]) => {
        const entries: [string, string][] = [['type', stringLiteral(type, raw)], [field, stringLiteral(value, raw)]];
        if (type === 'accountData' && field !== 'wid') entries.push(['wid', stringLiteral(`${value}79001234567@c.us`, raw)]);
        return objectText(entries, raw);
      });
    assertFrames(
      RUNS.surrogates,
      fc.property(withSurrogates, (frame) => {
        const result = check(frame);
        if (result.ok) {
          const texts = result.message.type === 'accountData' ? Object.values(result.message.account) : Object.values(result.message);
          for (const t of texts) expect(hasLoneSurrogate(t as string), `kept ${JSON.stringify(t)}`).to.equal(false);
        }
      }),
    );
  });

  it(`qrCode payloads: base64 that is not a PNG/JPEG never shows; every shown image is one: ${RUNS.qrCode} frames`, () => {
    let shown = 0;
    assertFrames(
      RUNS.qrCode,
      fc.property(base64Payload, fc.boolean(), (payload, asObject) => {
        const frame = asObject ? JSON.stringify({ type: 'qrCode', message: payload }) : objectText([['type', '"qrCode"'], ['message', stringLiteral(payload, true)]]);
        const result = check(frame);
        if (result.ok) shown++;
        // Text that is not base64 of a PNG/JPEG (decoded as a browser decodes a data: URL, then the
        // magic bytes) is never shown.
        const data = payload.trim().replace(/^data:image\/(png|jpeg);base64,/i, '').replace(/\s+/g, '');
        const bytes = firstBytes(data, 8);
        const isImage = !!bytes && (PNG_MAGIC.every((b, i) => bytes[i] === b) || JPEG_MAGIC.every((b, i) => bytes[i] === b));
        if (!isImage) expect(result.ok, `shown: ${preview(payload)}`).to.equal(false);
      }),
    );
    // The generator is not all garbage: some images did show.
    expect(shown).to.be.above(0);
  });

  it(`well-formed accountData (wid at the top level, in message, in message as JSON text) always links: ${RUNS.accountData} frames`, () => {
    assertFrames(
      RUNS.accountData,
      fc.property(wellFormedAccountData, (frame) => {
        const result = check(frame);
        expect(result.ok && result.message.type, preview(frame)).to.equal('accountData');
      }),
    );
  });

  it(`deep nesting (up to 20 000 levels), also inside accountData message: ${RUNS.nesting} frames`, () => {
    assertFrames(
      RUNS.nesting,
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('array', 'object', 'message', 'message-string', 'wid', 'unclosed'), (depth, shape) => {
        const nest = (inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth);
        const nestObject = (inner: string) => '{"wid":'.repeat(depth) + inner + '}'.repeat(depth);
        let frame: string;
        switch (shape) {
          case 'array':
            frame = nest('"accountData"');
            break;
          case 'object':
            frame = `{"type":"accountData","message":${nestObject('"79001234567@c.us"')}}`;
            break;
          case 'message':
            frame = `{"type":"error","message":${nest('1')}}`;
            break;
          case 'message-string':
            frame = JSON.stringify({ type: 'accountData', message: nestObject('"79001234567@c.us"') });
            break;
          case 'wid':
            frame = `{"type":"accountData","wid":${nest('"79001234567@c.us"')}}`;
            break;
          default:
            frame = `{"type":"accountData","message":${'['.repeat(depth)}`;
        }
        const result = check(frame);
        const expected = shape === 'object' || shape === 'message-string' ? depth === 1 : shape === 'message';
        expect(result.ok, `${shape} at depth ${depth}`).to.equal(expected);
      }),
    );
  });

  it(`huge frames and fields around the size limits: ${RUNS.huge} frames`, () => {
    const body = (n: number) => 'A'.repeat(n);
    assertFrames(
      RUNS.huge,
      fc.property(fc.constantFrom('image', 'frame', 'error', 'wid', 'type'), fc.integer({ min: -8, max: 8 }), (kind, delta) => {
        let frame: string;
        let expected: boolean;
        switch (kind) {
          case 'image': {
            // 'iVBORw0KGgo' + n 'A's: a PNG signature; the data length is 11 + n.
            const length = MAX_IMAGE_LENGTH + delta;
            frame = JSON.stringify({ type: 'qrCode', message: `iVBORw0KGgo${body(length - 11)}` });
            expected = length <= MAX_IMAGE_LENGTH && length % 4 !== 1;
            break;
          }
          case 'frame': {
            const pad = MAX_FRAME_LENGTH + delta - '{"type":"error","message":""}'.length;
            frame = `{"type":"error","message":"${body(pad)}"}`;
            expected = frame.length <= MAX_FRAME_LENGTH;
            break;
          }
          case 'error':
            frame = JSON.stringify({ type: 'error', message: ` ${body(3_000_000 + delta)} ` });
            expected = true;
            break;
          case 'wid':
            frame = JSON.stringify({ type: 'accountData', message: JSON.stringify({ wid: body(1_000_000 + delta) }) });
            expected = true;
            break;
          default:
            frame = JSON.stringify({ type: `x${body(2_000_000 + delta)}` });
            expected = false;
        }
        const result = check(frame);
        expect(result.ok, `${kind} ${delta}`).to.equal(expected);
        if (result.ok && result.message.type === 'error') expect(result.message.message).to.equal(`${body(MAX_TEXT_LENGTH - 1)}…`);
        if (result.ok && result.message.type === 'accountData') expect(result.message.account.wid).to.equal(`${body(MAX_TEXT_LENGTH - 1)}…`);
        if (!result.ok && kind === 'frame') expect(result).to.deep.equal({ ok: false, reason: 'malformed', detail: 'frame is too large' });
      }),
    );
  });

  it(`frames that are not text (numbers, objects, buffers, Blobs, symbols…): ${RUNS.notText} frames`, () => {
    const notText = fc.oneof(
      fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withDate: true, withNullPrototype: true }),
      fc.constantFrom<unknown>(undefined, null, new ArrayBuffer(8), new Blob(['{"type":"accountData","wid":"x"}']), new Uint8Array([123, 125]), Symbol('frame'), () => '{}', { toString: () => '{"type":"accountData","wid":"x"}' }),
    ).filter((v) => typeof v !== 'string');
    assertFrames(
      RUNS.notText,
      fc.property(notText, (frame) => {
        expect(check(frame)).to.deep.equal({ ok: false, reason: 'malformed', detail: 'frame is not text' });
      }),
    );
  });

  // Each property above fails unless it checked all of its own frames, so this holds whatever
  // order the tests run in and whichever of them fail.
  it('the properties above check at least 10 000 generated frames in all', () => {
    expect(Object.values(RUNS).reduce((a, b) => a + b, 0)).to.be.at.least(10_000);
  });

  // fast-check found these (seeded runs of this file failed on them before cleanText was fixed).
  it('regressions: a pair made of lone surrogates around a control character does not link; a cut type keeps no half pair', () => {
    for (const frame of ['{"type":"accountData","wid":"\\ud800\\u0000\\udc00"}', '{"type":"accountData","wid":"\ud800\\u0000\udc00"}']) {
      expect(check(frame), frame).to.deep.equal({ ok: false, reason: 'invalidField', detail: 'accountData has no wid' });
    }
    const type = `${'t'.repeat(39)}\u{1F600}`;
    const result = check(JSON.stringify({ type }));
    expect(result).to.deep.equal({ ok: false, reason: 'unknownType', detail: `unknown message type (${'t'.repeat(39)})` });
  });

  it(`cleanText keeps a subsequence of its input's code points (never joins two halves into a new pair): ${RUNS.surrogates} strings`, () => {
    const mixed = fc.string({ unit: fc.oneof(loneSurrogate, nastyChar, fc.constantFrom('a', '\u{1F600}', '\u{10000}')), maxLength: 60 });
    fc.assert(
      fc.property(mixed, (text) => {
        const kept = [...cleanText(text)];
        const source = [...text];
        let i = 0;
        for (const unit of kept) {
          while (i < source.length && source[i] !== unit) i++;
          expect(i < source.length, `${JSON.stringify(text)} → ${JSON.stringify(kept.join(''))}: ${JSON.stringify(unit)} is not from the input`).to.equal(true);
          i++;
        }
      }),
      { numRuns: RUNS.surrogates },
    );
  });

  // Browsers decode data: URLs with forgiving-base64, which refuses `=` padding on data whose length
  // is not a multiple of 4: such a payload must never replace a good QR code with a broken <img>.
  it('refuses base64 with misplaced padding (not decodable by a browser)', () => {
    for (const data of ['iVBORw0KGgoAA==', 'iVBORw0KGgoAA=', '/9j/AAAAAAAAA=', `${PNG_1X1.slice(0, -2)}=`]) {
      expect(decodesAsBase64(data), data).to.equal(false);
      expect(parseFrame(JSON.stringify({ type: 'qrCode', message: data })), data).to.deep.equal({
        ok: false,
        reason: 'invalidField',
        detail: 'qrCode message is not a base64 PNG or JPEG',
      });
    }
    // Correctly padded data still shows.
    expect(parseFrame(JSON.stringify({ type: 'qrCode', message: 'iVBORw0KGgoAAA==' })).ok).to.equal(true);
  });
});

// --- the oracle's own tests: it must tell well-formed accountData from the rest -------------------

describe('fuzz: the accountData oracle', () => {
  it('accepts exactly the three documented shapes', () => {
    const wid = '79001234567@c.us';
    expect(accountWid(JSON.stringify({ type: 'accountData', wid }))).to.equal(wid);
    expect(accountWid(JSON.stringify({ type: 'accountData', message: { wid } }))).to.equal(wid);
    expect(accountWid(JSON.stringify({ type: 'accountData', message: JSON.stringify({ wid }) }))).to.equal(wid);
    expect(accountWid(JSON.stringify({ type: 'accountData', wid: 5, message: { wid } }))).to.equal(wid);
    expect(accountWid(JSON.stringify({ type: 'accountData', wid: 5 }))).to.equal(undefined);
    expect(accountWid(JSON.stringify({ type: 'accountdata', wid }))).to.equal(undefined);
    expect(accountWid(JSON.stringify([{ type: 'accountData', wid }]))).to.equal(undefined);
    expect(accountWid('{"type":"accountData","__proto__":{"wid":"x"}}')).to.equal(undefined);
    expect(accountWid('{"type":"accountData","message":{"__proto__":{"wid":"x"}}}')).to.equal(undefined);
    expect(accountWid(JSON.stringify({ type: 'accountData', message: '{"wid":' }))).to.equal(undefined);
    expect(hasVisibleChar(' \u0000\ud800\t\ufeff')).to.equal(false);
    expect(hasVisibleChar(' \u0000x')).to.equal(true);
    expect(isTerminalish('{"type":"timeout"}')).to.equal(true);
    expect(isTerminalish('{"type":"accountData","wid":""}')).to.equal(true);
    expect(isTerminalish('{"type":"accountData"}')).to.equal(false);
  });
});

// --- a live element fed fuzzed frames over a real socket ------------------------------------------

describe('fuzz: a live element over a real websocket', function () {
  this.timeout(60_000);
  let server: WsServer;
  beforeEach(async () => (server = await startWsServer()));
  afterEach(() => server.stop());

  it('shrugs off 1200 non-terminal fuzzed frames: no uncaught error, a known state throughout, and a valid QR still shows', async () => {
    const uncaught: string[] = [];
    const onError = (e: ErrorEvent) => uncaught.push(`error: ${e.message}`);
    const onRejection = (e: PromiseRejectionEvent) => uncaught.push(`unhandledrejection: ${String(e.reason)}`);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    const debug: string[] = [];
    const states: string[] = [];
    const terminal: string[] = [];
    try {
      const frames = fc
        .sample(fuzzFrame, { numRuns: 6000, seed: fc.readConfigureGlobal().seed })
        .map(wellFormed)
        .filter((f) => f.length <= 20_000 && !isTerminalish(f))
        .slice(0, 1200);
      expect(frames.length).to.equal(1200);
      const el = await fixture<GreenQrScan>(html`<green-qr-scan messenger="whatsapp"
        instance-id=${INSTANCE_ID}
        api-url=${server.url}
        .token=${TOKEN}
        .sessionOptions=${{ transport: 'websocket', debug: (m: string) => debug.push(m) }}
        @scan-state-change=${(e: ScanStateChangeEvent) => states.push(e.detail.state)}
        @account-linked=${() => terminal.push('account-linked')}
        @scan-failed=${() => terminal.push('scan-failed')}
      ></green-qr-scan>`);
      const attributeStates: string[] = [];
      const observer = new MutationObserver(() => attributeStates.push(el.getAttribute('state') ?? 'none'));
      observer.observe(el, { attributes: true, attributeFilter: ['state'] });
      await server.waitForConnection(1);
      const sampled: string[] = [];
      // Batches of 100 concurrent sends: about 1.6 s for 1200 frames on a 2-core machine.
      const batch = 100;
      for (let i = 0; i < frames.length; i += batch) {
        await Promise.all(frames.slice(i, i + batch).map((f) => server.send(f)));
        sampled.push(el.state);
      }
      const last = pngBase64(4242);
      await server.send({ type: 'qrCode', message: last });
      await waitUntil(() => el.shadowRoot!.querySelector<HTMLImageElement>('[part~="qr"]')?.getAttribute('src') === `data:image/png;base64,${last}`, 'the final QR code did not show', { timeout: 10_000 });
      observer.disconnect();
      // Every frame arrived (the final QR came after all of them on one ordered socket) and each
      // ignored one was reported exactly once.
      const ignored = frames.filter((f) => !parseFrame(f).ok).length;
      // Codes that pass the checks but do not decode in <img> are dropped by the view as well (how
      // many depends on which ones the browser got to decode before the next code replaced them).
      const undecodable: string[] = debug.filter((m) => m === 'ignored a qrCode whose image does not decode');
      expect(debug.length - undecodable.length).to.equal(ignored);
      expect(ignored).to.be.above(900);
      expect(debug.every((m) => (m.startsWith('ignored a frame: ') || undecodable.includes(m)) && !m.includes(TOKEN))).to.equal(true);
      expect(uncaught).to.deep.equal([]);
      expect(terminal).to.deep.equal([]);
      for (const s of [...sampled, ...states, ...attributeStates]) expect(SCAN_STATES).to.include(s);
      expect([...new Set([...sampled, ...states, ...attributeStates])].every((s) => s === 'connecting' || s === 'qr')).to.equal(true);
      expect(el.state).to.equal('qr');
      expect(el.failure).to.equal(undefined);
      const connections = await server.connections();
      expect(connections.length).to.equal(1);
      expect(connections[0].open).to.equal(true);
    } finally {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    }
  });

  it('a valid QR frame is not filtered out by the terminal filter', () => {
    expect(isTerminalish(JSON.stringify({ type: 'qrCode', message: PNG_1X1 }))).to.equal(false);
    expect(parseFrame(JSON.stringify({ type: 'qrCode', message: PNG_1X1 })).ok).to.equal(true);
  });
});
