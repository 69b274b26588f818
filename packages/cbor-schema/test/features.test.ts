import { CodedError } from '@x/binary';
import { describe, expect, it } from 'vitest';
import {
  CborSchemaError,
  CborWriter,
  c,
  decode,
  decodeOpaque,
  decodeSequence,
  encode,
  encodeAny,
  fieldEntry,
  type Infer,
  ItemDecoder,
  toCDDL,
} from '../src/index.js';
import { hex, plainEncoder } from './helpers.js';

const base = c.struct({
  seq: c.field('n', c.uint()),
  timestamp: c.field('t', c.int()),
  peer: c.field('p', c.text()).optional(),
  type: c.field('e', c.uint()),
});
const named = c.union(
  base,
  'type',
  {
    0: c.struct({ direction: c.field('d', c.uint()), message: c.field('msg', c.any()).default(() => ({})) }),
    3: c.struct({ streamId: c.field('sid', c.uint({ bigint: 'always' })) }),
    8: c.struct({ peer: c.field('p', c.text()) }),
  },
  { names: { 0: 'control', 3: 'object-header', 8: 'peer-connected' }, unknownKey: 'eventType', store: 'object' },
);
type Named = Infer<typeof named>;

describe('named unions', () => {
  it('decode to the variant name first, fields in declared order, an object store last', () => {
    const bytes = plainEncoder.encode({ x: 1, e: 3, n: 2, sid: 9, t: -1 }) as Uint8Array;
    const r = decode(named, bytes);
    expect(r.ok).toBe(true);
    expect(Object.entries(r.value as object)).toEqual([
      ['type', 'object-header'],
      ['seq', 2],
      ['timestamp', -1],
      ['streamId', 9n],
      ['extra', { x: 1 }],
    ]);
  });

  it('keep an unknown variant with its wire value and every other key', () => {
    const bytes = plainEncoder.encode({ n: 0, t: 0, p: 'a', e: 99, z: [1] }) as Uint8Array;
    const value = decode(named, bytes).value as Named;
    expect(value).toEqual({ type: 'unknown', seq: 0, timestamp: 0, peer: 'a', eventType: 99, fields: { z: [1] } });
    expect(hex(encode(named, value))).toBe(hex(bytes));
  });

  it('write the wire value of a name and read it back', () => {
    const value: Named = { type: 'control', seq: 1, timestamp: 2, direction: 0, message: { a: 1 } };
    expect(decode(named, encode(named, value)).value).toEqual(value);
    expect(() => encode(named, { ...value, type: 'nope' } as never)).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
  });

  it('fill defaults on read and write them when absent', () => {
    const bytes = plainEncoder.encode({ n: 1, t: 2, e: 0, d: 1 }) as Uint8Array;
    const value = decode(named, bytes).value as Named;
    expect(value).toEqual({ type: 'control', seq: 1, timestamp: 2, direction: 1, message: {} });
    expect(Object.keys(value)).toEqual(['type', 'seq', 'timestamp', 'direction', 'message']);
    const { message: _m, ...withoutMessage } = value as Named & { message: unknown };
    expect(plainEncoder.decode(encode(named, withoutMessage as never))).toEqual({ n: 1, t: 2, e: 0, d: 1, msg: {} });
  });

  it('let a variant require a base field, reported by its wire key', () => {
    const r = decode(named, plainEncoder.encode({ n: 1, t: 2, e: 8 }) as Uint8Array);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.code, p.wirePath, p.found])).toEqual([['SCHEMA_MISMATCH', 'p', 'absent']]);
    expect(decode(named, plainEncoder.encode({ n: 1, t: 2, e: 3, sid: 1 }) as Uint8Array).ok).toBe(true);
  });
});

describe('duplicate keys', () => {
  it('are reported once per key, the last occurrence used at the first position', () => {
    // {"n":1,"t":2,"e":3,"sid":4,"sid":5,"x":1,"x":2}
    const bytes = Uint8Array.from([
      0xa7, 0x61, 0x6e, 0x01, 0x61, 0x74, 0x02, 0x61, 0x65, 0x03, 0x63, 0x73, 0x69, 0x64, 0x04, 0x63, 0x73, 0x69, 0x64,
      0x05, 0x61, 0x78, 0x01, 0x61, 0x78, 0x02,
    ]);
    const r = decode(named, bytes);
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({ type: 'object-header', seq: 1, timestamp: 2, streamId: 5n, extra: { x: 2 } });
    expect(r.problems.map((p) => [p.code, p.key])).toEqual([
      ['DUPLICATE_KEY', 'sid'],
      ['DUPLICATE_KEY', 'x'],
    ]);
  });
});

describe('transforms and refinements', () => {
  const ref = c.tuple([c.text(), c.uint({ bigint: 'always' })]).transform(
    ([peer, id]) => ({ peer, id }),
    (r): [string, bigint] => [r.peer, r.id],
  );
  const map = c
    .any()
    .refine((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v), {
      expected: 'map',
      cddl: '{ * tstr => any }',
    });

  it('map wire values to memory values and back', () => {
    const bytes = encode(ref, { peer: 'a', id: 7n });
    expect(plainEncoder.decode(bytes)).toEqual(['a', 7]);
    expect(decode(ref, bytes).value).toEqual({ peer: 'a', id: 7n });
  });

  it('refuse values the check rejects, on read and on write', () => {
    expect(decode(map, encodeAny({ a: 1 })).value).toEqual({ a: 1 });
    const r = decode(map, encodeAny([1]));
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ code: 'SCHEMA_MISMATCH', expected: 'map' });
    expect(() => encode(map, [1] as never)).toThrowError(expect.objectContaining({ code: 'INVALID_VALUE' }));
    expect(toCDDL(c.struct({ m: map }), { name: 's' })).toContain('m: { * tstr => any },');
  });

  it('may decode inside a decode: a transform that decodes another buffer', () => {
    const inner = encode(c.uint(), 42);
    const outer = c.text().transform(
      (s) => ({ s, inner: decode(c.uint(), inner).value }),
      (v) => v.s,
    );
    const schema = c.struct({ a: outer, b: c.uint() });
    const r = decode(schema, encode(schema, { a: { s: 'x', inner: 0 }, b: 5 }));
    expect(r.value).toEqual({ a: { s: 'x', inner: 42 }, b: 5 });
  });

  it('may decode inside a sequence decoder callback', () => {
    const schema = c.struct({ v: c.uint() });
    const bytes = new Uint8Array([...encode(schema, { v: 1 }), ...encode(schema, { v: 2 })]);
    const seen: unknown[] = [];
    const events = decodeSequence(schema, bytes);
    for (const event of events) {
      if (event.kind !== 'item') continue;
      // A nested decode of the same schema while the outer results are held.
      seen.push(decode(schema, bytes.subarray(event.offset, event.offset + event.length)).value, event.value);
    }
    expect(seen).toEqual([{ v: 1 }, { v: 1 }, { v: 2 }, { v: 2 }]);
  });
});

describe('object stores', () => {
  const s = c.struct({ a: c.field('a', c.uint()).optional() }, { store: 'object' });
  it('name keys as cbor-x does and write them back in order', () => {
    const bytes = Uint8Array.from([
      0xa4,
      0x61,
      0x7a,
      0x01,
      0x05,
      0x02,
      0x69,
      ...new TextEncoder().encode('__proto__'),
      0x03,
      0xf5,
      0x04,
    ]);
    const value = decode(s, bytes).value as { extra: Record<string, unknown> };
    expect(value.extra).toEqual({ 5: 2, z: 1, __proto_: 3, true: 4 });
    expect(Object.getPrototypeOf(value.extra)).toBe(Object.prototype);
  });
  it('drop an entry whose key a field writes', () => {
    expect(plainEncoder.decode(encode(s, { a: 1, extra: { a: 9, b: 2 } }))).toEqual({ a: 1, b: 2 });
  });
});

describe('opaque encoding options', () => {
  it('write Map as tag 259, lone surrogates as WTF-8, functions as null, ArrayBuffer as bytes', () => {
    const value = { m: new Map([[1, 'a']]), f: () => 1, b: new Uint8Array([1, 2]).buffer };
    const back = decodeOpaque(encodeAny(value, { mapTag: true, functionsAsNull: true })) as Record<string, unknown>;
    expect(back.m).toEqual(new Map([[1, 'a']]));
    expect(back.f).toBe(null);
    expect(back.b).toEqual(new Uint8Array([1, 2]));
    expect(decodeOpaque(encodeAny({ m: new Map([['k', 1]]) }))).toEqual({ m: { k: 1 } });
    expect(() => encodeAny({ f: () => 1 })).toThrowError(expect.objectContaining({ code: 'INVALID_VALUE' }));
    // The lone surrogate as the JS reference writers (and cbor-x) write it; without the option, U+FFFD.
    expect(hex(encodeAny('x\ud800y', { wtf8: true }))).toBe('6578eda08079');
    expect(hex(encodeAny('x\ud800y'))).toBe('6578efbfbd79');
    expect(hex(encodeAny('\ud83d\ude00', { wtf8: true }))).toBe(hex(encodeAny('\ud83d\ude00')));
  });
});

describe('CborWriter', () => {
  const header = c.struct(
    { startTime: c.uint(), endTime: c.field('endTime', c.uint()).optional(), x: c.field('x', c.text()).optional() },
    { store: 'object' },
  );

  it('reserves a field entry and patches it in place', () => {
    const w = new CborWriter();
    w.writeBytes(new Uint8Array([0xee]));
    const at = w.writeReserving(header, { startTime: 1, x: 'y' }, { field: 'endTime', placeholderKey: 'x-pending' });
    const first = w.take();
    w.write(c.uint(), 7);
    const bytes = new Uint8Array([...first, ...w.take()]);
    expect(at).toBe(1 + 1 + 10 + 1); // after 0xee, the map head and "startTime": 1
    expect(decode(header, bytes.subarray(1, first.length)).value).toEqual({
      startTime: 1,
      x: 'y',
      extra: { 'x-pending': new Uint8Array(6) },
    });
    bytes.set(fieldEntry(header, 'endTime', 1234), at);
    expect(decode(header, bytes.subarray(1, first.length)).value).toEqual({ startTime: 1, endTime: 1234, x: 'y' });
    expect(w.written).toBe(bytes.length);
  });

  it('keeps nothing of a value that does not fit', () => {
    const w = new CborWriter();
    w.write(c.uint(), 1);
    expect(() => w.write(header, { startTime: -1 } as never)).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', path: 'startTime' }),
    );
    expect(hex(w.take())).toBe('01');
  });
});

describe('errors', () => {
  it('are CodedErrors with stable codes', () => {
    try {
      decode(c.uint(), new Uint8Array([0x61, 0x61]), { mode: 'strict' });
      expect.unreachable();
    } catch (error) {
      expect(CodedError.is(error)).toBe(true);
      expect(CborSchemaError.is(error)).toBe(true);
      expect((error as CborSchemaError).code).toBe('SCHEMA_MISMATCH');
    }
    expect(() => new ItemDecoder(c.uint(), { maxDepth: -1 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
