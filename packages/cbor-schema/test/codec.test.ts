import { decode as cborgDecode, encode as cborgEncode, rfc8949EncodeOptions } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CborSchemaError,
  CborTag,
  c,
  decode,
  decodeItem,
  decodeValue,
  encode,
  encodeAny,
  type Infer,
} from '../src/index.js';
import { concat, fromHex, hex, plainEncoder, referenceEncoder } from './helpers.js';

const strictCborg = (bytes: Uint8Array) =>
  cborgDecode(bytes, { strict: true, useMaps: true, rejectDuplicateMapKeys: true });

function roundTrip<T>(schema: Parameters<typeof encode<T>>[0], value: T): { bytes: Uint8Array; back: T } {
  const bytes = encode(schema, value);
  const r = decode(schema, bytes, { mode: 'strict' });
  expect(r.ok).toBe(true);
  return { bytes, back: r.value as T };
}

describe('integers', () => {
  const boundaries = [0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
  it('round-trips uint boundaries in the shortest form, checked by cborg strict', () => {
    const s = c.uint();
    for (const v of boundaries) {
      const { bytes, back } = roundTrip(s, v);
      expect(back).toBe(v);
      expect(cborgDecode(bytes, { strict: true })).toBe(v);
      const expectedLength = v < 24 ? 1 : v < 256 ? 2 : v < 65536 ? 3 : v < 2 ** 32 ? 5 : 9;
      expect(bytes.length).toBe(expectedLength);
    }
    for (const v of [2n ** 53n + 1n, 2n ** 64n - 1n]) {
      const { bytes, back } = roundTrip(s, v);
      expect(back).toBe(v);
      expect(cborgDecode(bytes, { strict: true })).toBe(v);
    }
  });

  it('round-trips signed values incl. -2^63 and 2^63-1', () => {
    const s = c.int();
    for (const v of [-1, -24, -25, -256, -257, -(2 ** 32), -(2 ** 32) - 1, -(2 ** 53) + 1]) {
      const { bytes, back } = roundTrip(s, v);
      expect(back).toBe(v);
      expect(cborgDecode(bytes, { strict: true })).toBe(v);
    }
    for (const v of [-(2n ** 63n), 2n ** 63n - 1n, -(2n ** 53n)]) {
      const { back } = roundTrip(s, v);
      expect(back).toBe(v);
    }
    expect(() => encode(s, 2n ** 63n)).toThrow(/int/);
    expect(() => encode(c.uint(), -1)).toThrow(CborSchemaError);
  });

  it('writes small bigints shortest and numbers beyond 2^32 as integers, never float64', () => {
    expect(hex(encode(c.uint(), 5n))).toBe('05');
    expect(hex(encode(c.uint(), 2 ** 40))).toBe('1b0000010000000000');
    expect(hex(encode(c.int(), -(2 ** 40)))).toBe('3b000000ffffffffff');
    expect(hex(encode(c.float(), 1.0))).toBe('01');
    expect(hex(encode(c.float(), -0))).toBe('00');
    expect(hex(encode(c.float(), 1.5))).toBe('fb3ff8000000000000');
  });

  it('returns bigints according to the bigint option', () => {
    expect(decode(c.uint({ bigint: 'always' }), fromHex('05')).value).toBe(5n);
    expect(decode(c.uint(), fromHex('1b0000000000000005')).value).toBe(5);
    expect(decode(c.uint(), fromHex('1b0020000000000001')).value).toBe(2n ** 53n + 1n);
    const never = decode(c.uint({ bigint: 'never' }), fromHex('1b0020000000000001'));
    expect(never.ok).toBe(false);
    expect(never.problems[0]?.message).toMatch(/does not fit a JavaScript number/);
  });

  it('agrees with cborg on random 64-bit integers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const bytes = encode(c.int(), v);
        const other = cborgDecode(bytes, { strict: true });
        expect(BigInt(other as number | bigint)).toBe(v);
        const back = decode(c.int(), bytes, { mode: 'strict' }).value as number | bigint;
        expect(BigInt(back)).toBe(v);
        expect(typeof back).toBe(v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? 'number' : 'bigint');
      }),
      { numRuns: 500 },
    );
  });

  it('accepts integral floats only in tolerant mode, never fractions', () => {
    const f64 = fromHex('fb4024000000000000'); // 10.0
    const f16 = fromHex('f94900'); // 10.0
    const f32 = fromHex('fa41200000'); // 10.0
    for (const bytes of [f64, f16, f32]) {
      expect(decode(c.uint(), bytes).value).toBe(10);
      expect(() => decode(c.uint(), bytes, { mode: 'strict' })).toThrow(/integral float/);
    }
    const frac = decode(c.uint(), fromHex('fb4024800000000000'));
    expect(frac.ok).toBe(false);
    expect(frac.problems[0]).toMatchObject({ expected: 'uint', found: 'float', offset: 0 });
    expect(decode(c.uint(), fromHex('20')).problems[0]?.found).toBe('negative int');
    expect(decode(c.uint({ bigint: 'always' }), fromHex('fb43e0000000000000')).value).toBe(2n ** 63n);
    expect(decode(c.uint(), fromHex('fb43f0000000000000')).ok).toBe(false); // 2^64: out of range
  });

  it('checks ranges', () => {
    const pp = c.uint({ max: 255 });
    expect(decode(pp, fromHex('18ff')).value).toBe(255);
    expect(decode(pp, fromHex('190100')).ok).toBe(false);
    expect(() => encode(pp, 256)).toThrow(/in \[0, 255\]/);
  });
});

describe('scalars and containers', () => {
  it('round-trips text, bytes, bool, null, literal, enum, float', () => {
    expect(roundTrip(c.text(), 'héllo ✓ 𝄞').back).toBe('héllo ✓ 𝄞');
    expect(roundTrip(c.text(), 'x'.repeat(300)).back).toBe('x'.repeat(300));
    expect(roundTrip(c.bytes(), new Uint8Array([1, 2, 3])).back).toEqual(new Uint8Array([1, 2, 3]));
    expect(roundTrip(c.bool(), false).back).toBe(false);
    expect(roundTrip(c.null(), null).back).toBe(null);
    expect(roundTrip(c.literal('on'), 'on').back).toBe('on');
    expect(roundTrip(c.enum([1, 2, 'x']), 'x').back).toBe('x');
    expect(roundTrip(c.float(), 0.1).back).toBe(0.1);
    expect(roundTrip(c.float(), Number.NaN).back).toBeNaN();
    expect(decode(c.enum([1, 2]), fromHex('03')).problems[0]?.expected).toBe('1 / 2');
    expect(() => encode(c.literal(3), 4 as 3)).toThrow(CborSchemaError);
  });

  it('round-trips arrays, tuples and records', () => {
    expect(roundTrip(c.array(c.uint()), [1, 2, 2 ** 40]).back).toEqual([1, 2, 2 ** 40]);
    expect(roundTrip(c.tuple([c.text(), c.uint()]), ['p', 7]).back).toEqual(['p', 7]);
    const rec = roundTrip(c.record(c.text(), c.int()), { a: 1, __proto__x: 2 } as Record<string, number>).back;
    expect(rec).toEqual({ a: 1, __proto__x: 2 });
    const map = roundTrip(
      c.record(c.uint(), c.text()),
      new Map([
        [3, 'c'],
        [1, 'a'],
      ]),
    ).back;
    expect([...map.entries()]).toEqual([
      [3, 'c'],
      [1, 'a'],
    ]);
    // Indefinite-length input is accepted.
    expect(decode(c.array(c.uint()), fromHex('9f0102ff')).value).toEqual([1, 2]);
    expect(decode(c.text(), fromHex('7f616161626163ff')).value).toBe('abc');
    expect(decode(c.bytes(), fromHex('5f4101420203ff')).value).toEqual(new Uint8Array([1, 2, 3]));
    // One bad element makes the array unusable.
    const bad = decode(c.array(c.uint()), fromHex('83 01 61 78 03'));
    expect(bad.ok).toBe(false);
    expect(bad.problems[0]).toMatchObject({ path: '[1]', expected: 'uint', found: 'text', offset: 2 });
  });

  it('unwraps tag 64 around bytes only in tolerant mode and rejects other tags', () => {
    const tagged = fromHex('d840 43 010203');
    expect(decode(c.bytes(), tagged).value).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => decode(c.bytes(), tagged, { mode: 'strict' })).toThrow(/tag 64/);
    expect(decode(c.bytes(), fromHex('d818 43 010203')).problems[0]?.found).toBe('tag 24');
    expect(hex(encode(c.bytes(), decode(c.bytes(), tagged).value as Uint8Array))).toBe('43010203');
    expect(decode(c.bytes({ size: 16 }), fromHex(`4f${'00'.repeat(15)}`)).ok).toBe(false);
  });

  it('returns byte strings as views unless copyBytes, never as Buffers', () => {
    const input = fromHex('43010203');
    const view = decode(c.bytes(), input).value as Uint8Array;
    expect(view.buffer).toBe(input.buffer);
    const copy = decode(c.bytes(), input, { copyBytes: true }).value as Uint8Array;
    expect(copy.buffer).not.toBe(input.buffer);
    const fromBuffer = decode(c.bytes(), Buffer.from(input)).value as Uint8Array;
    expect(Object.getPrototypeOf(fromBuffer)).toBe(Uint8Array.prototype);
  });
});

const event = c.struct({
  seq: c.field('n', c.uint()),
  timestamp: c.field('t', c.int()),
  streamId: c.field('sid', c.uint({ bigint: 'always' })).optional(),
  reason: c.field('reason', c.text()).nullable().optional(),
  message: c.field('msg', c.any()).optional(),
});
type Event = Infer<typeof event>;

describe('structs', () => {
  it('maps wire keys to friendly names and back', () => {
    const value: Event = { seq: 1, timestamp: -3, streamId: 9n, message: { request_id: 4 } };
    const bytes = encode(event, value);
    expect(strictCborg(bytes)).toEqual(
      new Map<string, unknown>([
        ['n', 1],
        ['t', -3],
        ['sid', 9],
        ['msg', new Map([['request_id', 4]])],
      ]),
    );
    expect(decode(event, bytes).value).toEqual(value);
  });

  it('keeps absent distinct from null and treats CBOR undefined as absent', () => {
    const withNull = decode(event, encode(event, { seq: 1, timestamp: 2, reason: null })).value as Event;
    expect(withNull.reason).toBeNull();
    const absent = decode(event, encode(event, { seq: 1, timestamp: 2 })).value as Event;
    expect('reason' in absent).toBe(false);
    const undef = decode(event, referenceEncoder.encode({ n: 1, t: 2, reason: undefined, msg: undefined }))
      .value as Event;
    expect('reason' in undef || 'message' in undef).toBe(false);
    expect(() => encode(event, { seq: 1 } as Event)).toThrow(/required field timestamp \(wire key "t"\) is missing/);
  });

  it('preserves unknown keys and tags byte for byte through decode/encode', () => {
    const original = concat(
      fromHex('a6'),
      fromHex('616e 01'),
      fromHex('6178 d9 0103 a2 6161 9f 01 f97e00 ff 6162 c1 1a 5f000000'), // x: 259-ish tag, indefinite array, NaN f16
      fromHex('6174 02'),
      fromHex('63726177 d840 42 0102'), // raw: tag 64 bytes
      fromHex('01 fb4000000000000000'), // integer key 1: float64 2.0
      fromHex('6479 2d 6e6f 1b0000000000000007'), // "y-no": 0x1b 7
    );
    const r = decode(event, original);
    expect(r.ok).toBe(true);
    const v = r.value as Event;
    expect(v.extra?.map((e) => e.key)).toEqual(['x', 'raw', 1, 'y-no']);
    expect(v.extra?.[3]?.value).toBe(7n);
    // The store is written after the fields, each value byte for byte.
    const again = encode(event, v);
    expect(hex(again)).toBe(
      hex(
        concat(
          fromHex('a6 616e01 617402'),
          fromHex('6178 d9 0103 a2 6161 9f 01 f97e00 ff 6162 c1 1a 5f000000'),
          fromHex('63726177 d840 42 0102'),
          fromHex('01 fb4000000000000000'),
          fromHex('6479 2d 6e6f 1b0000000000000007'),
        ),
      ),
    );
    // Modified store values without raw are re-encoded in normal form.
    const edited = { ...v, extra: v.extra?.map(({ key, value }) => ({ key, value })) };
    expect(hex(encode(event, edited))).toContain('63726177 42 0102'.replace(/ /g, ''));
  });

  it('moves an unusable optional field to the store and reports it (tolerant)', () => {
    const bytes = plainEncoder.encode({ n: 1, t: 2, sid: 'seven', reason: 5 });
    const r = decode(event, bytes, { path: 'events[12]', baseOffset: 100 });
    expect(r.ok).toBe(true);
    const v = r.value as Event;
    expect(v.streamId).toBeUndefined();
    expect(v.extra?.map((e) => [e.key, e.value])).toEqual([
      ['sid', 'seven'],
      ['reason', 5],
    ]);
    expect(r.problems.map((p) => [p.path, p.wirePath, p.key, p.expected, p.found, p.offset])).toEqual([
      ['events[12].streamId', 'events[12].sid', 'sid', 'uint', 'text', 100 + 11],
      ['events[12].reason', 'events[12].reason', 'reason', 'text', 'uint', 100 + 24],
    ]);
    expect(hex(encode(event, v))).toBe(hex(new Uint8Array(bytes)));
    expect(() => decode(event, bytes, { mode: 'strict' })).toThrow(CborSchemaError);
  });

  it('makes the record unusable when a required field is missing or unusable', () => {
    const missing = decode(event, plainEncoder.encode({ t: 2 }));
    expect(missing).toMatchObject({ ok: false, value: undefined });
    expect(missing.problems[0]).toMatchObject({ path: 'seq', key: 'n', found: 'absent', code: 'SCHEMA_MISMATCH' });
    const bad = decode(event, plainEncoder.encode({ n: -1, t: 2 }));
    expect(bad.ok).toBe(false);
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatchObject({ path: 'seq', found: 'negative int' });
    try {
      decode(event, plainEncoder.encode({ n: 'x', t: 2 }), { mode: 'strict', path: 'events[3]' });
      expect.unreachable();
    } catch (error) {
      expect(CborSchemaError.is(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'SCHEMA_MISMATCH',
        path: 'events[3].seq',
        expected: 'uint',
        found: 'text',
        offset: 3,
      });
    }
  });

  it('reports nested paths', () => {
    const outer = c.struct({ events: c.array(c.struct({ msg: c.struct({ request_id: c.uint() }) })) });
    const bytes = plainEncoder.encode({ events: [{ msg: { request_id: 1 } }, { msg: { request_id: 'x' } }] });
    const r = decode(outer, bytes);
    expect(r.ok).toBe(false);
    expect(r.problems[0]?.path).toBe('events[1].msg.request_id');
  });

  it('supports integer wire keys, text keys that are decimal integers in tolerant mode', () => {
    const s = c.struct({ kind: c.field(1, c.uint()), label: c.field(2, c.text()).optional() });
    const bytes = encode(s, { kind: 3, label: 'a' });
    expect(hex(bytes)).toBe('a20103026161');
    expect(decode(s, plainEncoder.encode({ 1: 3, 2: 'a' })).value).toEqual({ kind: 3, label: 'a' });
    expect(() => decode(s, plainEncoder.encode({ 1: 3 }), { mode: 'strict' })).toThrow(/missing/);
    expect(decodeValue(s, { 1: 3 }, { mode: 'strict' }).value).toEqual({ kind: 3 });
  });

  it('reads what the JS reference writer produces (0xb9 maps, float64 ints, tag 64)', () => {
    const s = c.struct({ startTime: c.uint({ bigint: 'never' }), payload: c.field('pl', c.bytes()) });
    const bytes = referenceEncoder.encode({ startTime: 1700000000123, pl: new Uint8Array([9, 8]) });
    expect(hex(bytes)).toContain('fb'); // float64 startTime
    expect(decode(s, bytes).value).toEqual({ startTime: 1700000000123, payload: new Uint8Array([9, 8]) });
    expect(() => decode(s, bytes, { mode: 'strict' })).toThrow(CborSchemaError);
  });

  it('writes fields in declared order, then the store, dropping store entries a field wrote', () => {
    const bytes = encode(event, {
      timestamp: 2,
      seq: 1,
      extra: [
        { key: 'z', value: 1 },
        { key: 'n', value: 99 },
        { key: 'z', value: 2 },
      ],
    });
    expect(strictCborg(bytes)).toEqual(
      new Map<string, unknown>([
        ['n', 1],
        ['t', 2],
        ['z', 2],
      ]),
    );
  });

  it('sorts keys in deterministic mode like cborg rfc8949 encoding', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 8 }), (extraObj) => {
        const extra = Object.entries(extraObj)
          .filter(([k]) => !['n', 't', 'sid', 'reason', 'msg'].includes(k))
          .map(([key, value]) => ({ key, value }));
        const value = { seq: 5, timestamp: -1, message: { b: 1, a: [1.5, 2] }, extra };
        const ours = encode(event, value, { deterministic: true });
        const wire = {
          n: 5,
          t: -1,
          msg: { b: 1, a: [1.5, 2] },
          ...Object.fromEntries(extra.map((e) => [e.key, e.value])),
        };
        expect(hex(ours)).toBe(hex(cborgEncode(wire, rfc8949EncodeOptions)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('unions', () => {
  const base = c.struct({
    seq: c.field('n', c.uint()),
    timestamp: c.field('t', c.int()),
    peer: c.field('p', c.text()).optional(),
    type: c.field('e', c.uint()),
  });
  const ev = c.union(base, 'type', {
    0: c.struct({ direction: c.field('d', c.uint()), message: c.field('msg', c.any()).optional() }),
    2: c.struct({ streamId: c.field('sid', c.uint({ bigint: 'always' })), errorCode: c.field('ec', c.uint()) }),
  });

  it('selects the variant by the discriminator wherever it is in the map', () => {
    const bytes = plainEncoder.encode({ sid: 4, ec: 0, n: 1, t: 5, e: 2 });
    const v = decode(ev, bytes).value;
    expect(v).toEqual({ seq: 1, timestamp: 5, type: 2, streamId: 4n, errorCode: 0 });
    if (v !== undefined && !v.unknown && v.type === 2) expect(v.streamId).toBe(4n);
    expect(hex(encode(ev, v as NonNullable<typeof v>))).toBe(
      hex(plainEncoder.encode({ n: 1, t: 5, e: 2, sid: 4, ec: 0 })),
    );
  });

  it('keeps unknown variants with all fields and writes them back', () => {
    const bytes = plainEncoder.encode({ n: 1, t: 5, p: 'peer-1', e: 99, foo: [1], n2: { a: 1 } });
    const r = decode(ev, bytes);
    expect(r.ok).toBe(true);
    const v = r.value as Extract<NonNullable<typeof r.value>, { unknown: true }>;
    expect(v.unknown).toBe(true);
    expect(v.type).toBe(99);
    expect(v.peer).toBe('peer-1');
    expect(v.fields.map((f) => f.key)).toEqual(['foo', 'n2']);
    expect(hex(encode(ev, v))).toBe(hex(new Uint8Array(bytes)));
    const strictUnion = c.union(base, 'type', { 0: c.struct({}) }, { unknown: 'reject' });
    expect(decode(strictUnion, bytes).problems[0]?.message).toMatch(/unknown type 99/);
  });

  it('rejects a missing or unusable discriminator without coercion', () => {
    for (const e of ['3', true, 3.5, -1, undefined]) {
      const r = decode(ev, referenceEncoder.encode({ n: 1, t: 2, e }));
      expect(r.ok, String(e)).toBe(false);
      expect(r.problems[0]?.key).toBe('e');
    }
    expect(decode(ev, fromHex('a4 616e01 617402 6165 fb0000000000000000 6164 00')).value).toMatchObject({ type: 0 });
    expect(decode(ev, plainEncoder.encode([1, 2])).problems[0]).toMatchObject({ expected: 'map', found: 'array' });
  });
});

describe('any values and normal form', () => {
  it('decodes opaque values as cbor-x does and writes them in normal form', () => {
    const s = c.struct({ data: c.any() });
    const bytes = referenceEncoder.encode({
      data: { big: 2n, f: 2 ** 40, u: new Uint8Array([1]), neg: -0, nested: [undefined] },
    });
    const v = decode(s, bytes).value as { data: Record<string, unknown> };
    expect(v.data.big).toBe(2n);
    expect(v.data.u).toEqual(new Uint8Array([1]));
    const out = encode(s, v);
    const check = cborgDecode(out, { useMaps: true }) as Map<string, Map<string, unknown>>;
    const data = check.get('data') as Map<string, unknown>;
    expect(data.get('f')).toBe(2 ** 40);
    expect(data.get('u')).toEqual(new Uint8Array([1]));
    expect(data.get('nested')).toEqual([null]);
    // bigint keeps the 8-byte form; -0 becomes 0; no tag 64.
    expect(hex(out)).toContain('63626967 1b0000000000000002'.replace(/ /g, ''));
    expect(hex(out)).toContain('636e656700');
    expect(hex(out)).not.toContain('d840');
  });

  it('writes tags back with their numbers', () => {
    const tagged = encodeAny({ t: new CborTag('x', 24), d: new Date(1000), s: new Set([1]), m: new Map([[1, 'a']]) });
    expect(hex(tagged)).toBe(hex(fromHex('a4 6174 d818 6178 6164 c1 01 6173 d90102 81 01 616d a1 01 6161')));
  });

  it('decodes from an already-decoded value', () => {
    const v = plainEncoder.decode(plainEncoder.encode({ n: 1, t: 2, sid: 2 ** 40, extra: 1 }));
    const r = decodeValue(event, v);
    expect(r.value).toEqual({
      seq: 1,
      timestamp: 2,
      streamId: 2n ** 40n,
      extra: [{ key: 'extra', value: 1, raw: fromHex('01') }],
    });
    expect(r.problems).toEqual([]);
    expect(decodeValue(event, { n: 'x', t: 1 }).problems[0]).not.toHaveProperty('offset');
  });

  it('reports encode errors by path before returning bytes', () => {
    const s = c.struct({ list: c.array(c.struct({ id: c.field('i', c.uint()) })) });
    expect(() => encode(s, { list: [{ id: 1 }, { id: 1.5 }] })).toThrow(/list\[1\]\.id: expected unsigned integer/);
  });
});

describe('decodeItem and trailing bytes', () => {
  it('decodes one item at an offset and reports trailing bytes in decode', () => {
    const seq = concat(fromHex('ff ff'), encode(c.uint(), 300), fromHex('01'));
    expect(decodeItem(c.uint(), seq, 2)).toMatchObject({ ok: true, value: 300, offset: 2, length: 3 });
    const r = decode(c.uint(), fromHex('0101'));
    expect(r.problems[0]).toMatchObject({ code: 'TRAILING_BYTES', offset: 1 });
    expect(() => decode(c.uint(), fromHex('0101'), { mode: 'strict' })).toThrow(/after the CBOR item/);
    expect(decode(c.uint(), fromHex('19 01'), { baseOffset: 50 }).problems[0]).toMatchObject({
      code: 'TRUNCATED',
      offset: 50,
    });
    expect(decode(c.uint(), fromHex('82 01 1c'), { baseOffset: 50 }).problems[0]).toMatchObject({
      code: 'MALFORMED_CBOR',
      offset: 52,
    });
  });
});

describe('integer range at the 64-bit edge', () => {
  it('refuses the number 2^64 for a uint (Number(2^64 - 1) rounds up to it) and writes the largest exact numbers', () => {
    expect(() => encode(c.uint(), 2 ** 64)).toThrowError(expect.objectContaining({ code: 'INVALID_VALUE' }));
    expect(() => encode(c.int(), 2 ** 63)).toThrowError(expect.objectContaining({ code: 'INVALID_VALUE' }));
    expect(() => encode(c.struct({ v: c.field('v', c.uint()) }), { v: 2 ** 64 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
    // 2^64 - 2048 is the largest double below 2^64: exact, in range.
    const bytes = encode(c.uint(), 2 ** 64 - 2048);
    expect(decode(c.uint({ bigint: 'always' }), bytes).value).toBe(2n ** 64n - 2048n);
    expect(decode(c.int(), encode(c.int(), -(2 ** 63))).value).toBe(-(2n ** 63n));
  });
});
