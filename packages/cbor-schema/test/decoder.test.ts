// The compiled decoder on random maps built byte by byte (usual encodings, non-shortest heads, floats,
// indefinite lengths, wrong types, unknown and repeated keys, reordered keys): every entry point and every
// chunking gives the same values, problems, offsets and lengths; usable values re-encode to the same values; and
// the values agree with an independent reading (cbor-x's decoding mapped through decodeValue).
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  c,
  createSequenceDecoder,
  type DecodeOptions,
  type DecodeResult,
  decode,
  decodeItem,
  decodeValue,
  type ExtraEntry,
  encode,
  type Schema,
  type SequenceEvent,
} from '../src/index.js';
import { concat, plainEncoder } from './helpers.js';

type Gen = fc.GeneratorValue;

// ---------------------------------------------------------------------------------------------------------------
// Schemas

const id = () => c.uint({ bigint: 'always' });
const base = c.struct({
  seq: c.field('n', c.uint()),
  timestamp: c.field('t', c.int()),
  peer: c.field('p', c.text()).optional(),
  type: c.field('e', c.uint()),
});
const eventSchema = c.union(base, 'type', {
  0: c.struct({
    direction: c.field('d', c.uint()),
    messageType: c.field('mt', c.uint()),
    message: c.field('msg', c.any()).optional(),
    streamId: c.field('sid', id()).optional(),
    raw: c.field('raw', c.bytes()).optional(),
  }),
  1: c.struct({
    streamId: c.field('sid', id()),
    direction: c.field('d', c.uint()),
    trackAlias: c.field('ta', id()).optional(),
    groupId: c.field('g', id()).optional(),
  }),
  3: c.struct({
    streamId: c.field('sid', id()),
    groupId: c.field('g', id()),
    objectId: c.field('o', id()),
    publisherPriority: c.field('pp', c.uint()),
    objectStatus: c.field('os', c.uint()),
  }),
  4: c.struct({
    streamId: c.field('sid', id()),
    payload: c.field('pl', c.bytes()).optional(),
    refs: c.field('refs', c.array(c.tuple([c.text(), id()]))).optional(),
  }),
});
const rejecting = c.union(base, 'type', { 1: c.struct({ streamId: c.field('sid', id()) }) }, { unknown: 'reject' });

const sub = c.struct({ x: c.field('x', c.uint()), y: c.field('y', c.text()).optional() });
const kitchen = c.struct(
  {
    a: c.field('a', c.uint()),
    big: c.field('big', c.uint({ bigint: 'always' })).optional(),
    small: c.field('i', c.int({ min: -1000, max: 1000 })).optional(),
    never: c.field('nv', c.uint({ bigint: 'never' })).optional(),
    signed: c.field('si', c.int({ bigint: 'always' })).optional(),
    s: c.field('s', c.text()),
    bytes: c.field('by', c.bytes()).optional(),
    four: c.field('b4', c.bytes({ size: 4 })).optional(),
    message: c.field('msg', c.any()).optional(),
    maybe: c.field('nl', c.text().nullable()).optional(),
    flag: c.field('f', c.bool()).optional(),
    list: c.field('arr', c.array(c.uint())).optional(),
    pair: c.field('tup', c.tuple([c.text(), c.uint({ bigint: 'always' })])).optional(),
    sub: c.field('sub', sub).optional(),
    event: c.field('ev', eventSchema).optional(),
    seven: c.field(7, c.int()).optional(),
    minus: c.field(-3, c.text()).optional(),
    wide: c.field(300, c.uint()).optional(),
    long: c.field('a-rather-long-wire-key-name-over-23', c.uint()).optional(),
    float: c.field('fl', c.float()).optional(),
    lit: c.field('lit', c.literal('x')).optional(),
  },
  { extraKey: 'more' },
);
// A union whose variant overrides a base field before the discriminator (no fast union), with a text one.
const overriding = c.union(c.struct({ kind: c.field('k', c.text()), v: c.field('v', c.uint()).optional() }), 'kind', {
  a: c.struct({ v: c.field('v', c.text()) }),
  b: c.struct({ w: c.field('w', c.uint()) }),
});

// ---------------------------------------------------------------------------------------------------------------
// Byte-level generators

function head(major: number, arg: number | bigint, width = -1): number[] {
  const v = BigInt(arg);
  let w = width;
  if (w < 0) w = v < 24n ? 0 : v < 0x100n ? 1 : v < 0x10000n ? 2 : v < 0x100000000n ? 4 : 8;
  if (w === 0) return [(major << 5) | Number(v)];
  const ai = w === 1 ? 24 : w === 2 ? 25 : w === 4 ? 26 : 27;
  const out = [(major << 5) | ai];
  for (let i = w - 1; i >= 0; i--) out.push(Number((v >> BigInt(i * 8)) & 0xffn));
  return out;
}

// How unusual the current map is: 0 = the writers' usual encoding (what the fast path reads), 1–3 = more and
// more non-shortest heads, floats, indefinite lengths, wrong types, unknown or repeated keys.
let noise = 0;

/** True with a probability growing with `noise` (never when 0). */
function odd(g: Gen, rare = 1): boolean {
  return noise > 0 && g(fc.nat, { max: (12 - 3 * noise) * rare }) === 0;
}

/** A width that can hold `v` (shortest unless odd). */
function width(g: Gen, v: bigint): number {
  const min = v < 24n ? 0 : v < 0x100n ? 1 : v < 0x10000n ? 2 : v < 0x100000000n ? 4 : 8;
  if (!odd(g)) return min;
  return g(fc.constantFrom, ...[0, 1, 2, 4, 8].filter((w) => w >= min && (w > 0 || v < 24n)));
}

function uintBytes(g: Gen, v: bigint): number[] {
  return head(0, v, width(g, v));
}

function intBytes(g: Gen, v: bigint): number[] {
  return v >= 0n ? uintBytes(g, v) : head(1, -1n - v, width(g, -1n - v));
}

function floatBytes(v: number, size: 2 | 4 | 8): number[] {
  if (size === 2) {
    // Only exact half-precision integers (|v| <= 2048) are generated.
    const dv = new DataView(new ArrayBuffer(4));
    dv.setFloat32(0, v);
    const f = dv.getUint32(0);
    const sign = (f >>> 16) & 0x8000;
    const exp = ((f >>> 23) & 0xff) - 127 + 15;
    const mant = (f >>> 13) & 0x3ff;
    const h = v === 0 ? sign : sign | (exp << 10) | mant;
    return [0xf9, h >> 8, h & 0xff];
  }
  const dv = new DataView(new ArrayBuffer(size));
  if (size === 4) dv.setFloat32(0, v);
  else dv.setFloat64(0, v);
  return [size === 4 ? 0xfa : 0xfb, ...new Uint8Array(dv.buffer)];
}

function textBytes(g: Gen, s: string): number[] {
  const utf8 = [...new TextEncoder().encode(s)];
  if (odd(g)) {
    const cut = g(fc.nat, { max: utf8.length });
    const a = utf8.slice(0, cut);
    const b = utf8.slice(cut);
    return [0x7f, ...head(3, a.length), ...a, ...head(3, b.length), ...b, 0xff];
  }
  return [...head(3, utf8.length, width(g, BigInt(utf8.length))), ...utf8];
}

function bytesBytes(g: Gen, bytes: Uint8Array): number[] {
  const plainForm = [...head(2, bytes.length, width(g, BigInt(bytes.length))), ...bytes];
  if (odd(g)) return [0x5f, ...head(2, bytes.length), ...bytes, 0xff];
  // Tag 64, as the JS reference writers produce.
  if (g(fc.nat, { max: 5 }) === 0) return [0xd8, 0x40, ...plainForm];
  return plainForm;
}

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.string({ maxLength: 6 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** An opaque (`any`) value: a nested map most of the time. */
function anyBytes(g: Gen): number[] {
  const pick = g(fc.nat, { max: noise === 0 ? 12 : 9 });
  if (pick === 0) return [0xc1, 0x1a, 0x65, 0x00, 0x00, 0x00]; // tag 1 (Date)
  if (pick === 1) return [0xd9, 0x01, 0x2c, 0x01]; // tag 300 (kept as a tag)
  if (pick === 2) return [0xbf, 0x61, 0x61, 0x01, 0xff]; // indefinite map
  if (pick === 3) return [0xf7]; // undefined
  if (pick === 4) return [0xc2, 0x41, 0x05]; // bignum tag
  return [...plainEncoder.encode(g(() => json))];
}

/** A value that fits the schema (most of the time with the usual encoding) or a random other value. */
function valueFor(g: Gen, schema: Schema<unknown>, depth: number): number[] {
  if (odd(g, 2)) return randomValue(g, depth);
  switch (schema.kind) {
    case 'uint':
    case 'int': {
      const s = schema as unknown as { kind: 'uint' | 'int'; min: bigint; max: bigint };
      // Float-ints: what JS writers produce for numbers beyond 2^32 or from arithmetic (also in clean maps).
      if (odd(g) || g(fc.nat, { max: 29 }) === 0)
        return floatBytes(g(fc.integer, { min: -2048, max: 2048 }), g(fc.constantFrom, 2, 4, 8));
      if (odd(g) || g(fc.nat, { max: 29 }) === 0) {
        const f = g(fc.constantFrom, 0, -0, 0.5, 2 ** 53, 2 ** 64, -(2 ** 63), 1e300, Number.NaN, 2 ** 40 + 1);
        return floatBytes(g(fc.boolean) ? f : g(fc.integer, { min: -(2 ** 40), max: 2 ** 40 }), 8);
      }
      const pick = g(fc.nat, { max: 19 });
      // Beyond 2^53 (8-byte heads), for uint up to 2^64 - 1 and for int down to -2^64.
      if (pick === 0) {
        const big = g(fc.bigInt, { min: 2n ** 53n - 2n, max: 2n ** 64n - 1n });
        return s.kind === 'int' && g(fc.boolean) ? head(1, big, 8) : uintBytes(g, big);
      }
      // Out of range now and then: negative for uint, beyond min/max.
      if (pick === 1) return intBytes(g, g(fc.bigInt, { min: -(2n ** 32n), max: 70000n }));
      if (pick <= 4) return intBytes(g, g(fc.bigInt, { min: s.min < -2000n ? -2000n : s.min, max: 2000n }));
      return uintBytes(g, BigInt(g(fc.nat, { max: pick <= 9 ? 1 << 20 : 30 })));
    }
    case 'text':
      return textBytes(g, g(fc.string, { maxLength: 30, unit: g(fc.boolean) ? 'grapheme' : 'binary-ascii' }));
    case 'bytes':
      return bytesBytes(g, g(fc.uint8Array, { maxLength: g(fc.boolean) ? 4 : 30 }));
    case 'any':
      return anyBytes(g);
    case 'bool':
      return [g(fc.constantFrom, 0xf4, 0xf5)];
    case 'nullable':
      return g(fc.boolean) ? [0xf6] : valueFor(g, (schema as unknown as { inner: Schema<unknown> }).inner, depth);
    case 'float':
      return floatBytes(g(fc.double, { noNaN: true }), 8);
    case 'literal':
      return g(fc.boolean) ? textBytes(g, 'x') : textBytes(g, 'y');
    case 'array': {
      const n = g(fc.nat, { max: 3 });
      const item = (schema as unknown as { item: Schema<unknown> }).item;
      const items = Array.from({ length: n }, () => valueFor(g, item, depth + 1));
      return [...head(4, n), ...items.flat()];
    }
    case 'tuple': {
      const items = (schema as unknown as { items: Schema<unknown>[] }).items;
      const n = odd(g) ? g(fc.nat, { max: 3 }) : items.length;
      return [
        ...head(4, n),
        ...Array.from({ length: n }, (_, i) => valueFor(g, items[i] ?? c.uint(), depth + 1)).flat(),
      ];
    }
    case 'struct':
    case 'union':
      return depth > 2 ? randomValue(g, depth) : mapFor(g, schema, depth + 1);
    default:
      return randomValue(g, depth);
  }
}

function randomValue(g: Gen, depth: number): number[] {
  const kinds: Schema<unknown>[] = [c.uint(), c.int(), c.text(), c.bytes(), c.any(), c.bool()];
  if (depth < 2) kinds.push(kitchen);
  const pick = g(fc.nat, { max: kinds.length + 2 });
  if (pick === kinds.length) return [0xf6];
  if (pick === kinds.length + 1) return [0xf7];
  if (pick === kinds.length + 2) return floatBytes(g(fc.double), 8);
  return valueFor(g, kinds[pick] as Schema<unknown>, depth + 1);
}

type Fields = { key: string | number; schema: Schema<unknown>; optional: boolean }[];

function keyBytes(g: Gen, key: string | number): number[] {
  if (typeof key === 'number') return intBytes(g, BigInt(key));
  // Keys are mostly written shortest.
  const utf8 = [...new TextEncoder().encode(key)];
  return [...head(3, utf8.length, width(g, BigInt(utf8.length))), ...utf8];
}

/** A top-level map with a random amount of noise. */
function itemFor(g: Gen, schema: Schema<unknown>): Uint8Array {
  // Half of the maps are clean.
  noise = Math.max(0, g(fc.nat, { max: 6 }) - 3);
  return Uint8Array.from(mapFor(g, schema, 0));
}

/** A map for a struct or union: the declared keys in order, sometimes perturbed. */
function mapFor(g: Gen, schema: Schema<unknown>, depth: number): number[] {
  let fields: Fields;
  if (schema.kind === 'union') {
    const u = schema as unknown as {
      base: { fields: Fields };
      discriminator: string;
      merged: Map<string | number, { fields: Fields }>;
    };
    const values = [...u.merged.keys()];
    const disc = g(fc.nat, { max: 15 }) === 0 ? 99 : (g(fc.constantFrom, ...values) as string | number);
    fields = (u.merged.get(disc) ?? u.base).fields.map((f) =>
      (f as unknown as { name: string }).name === u.discriminator && !odd(g) ? { ...f, schema: c.literal(disc) } : f,
    );
  } else {
    fields = (schema as unknown as { fields: Fields }).fields;
  }
  const entries: number[][] = [];
  for (const f of fields) {
    const present = f.optional ? g(fc.boolean) : !odd(g);
    if (!present) continue;
    const literal = (f.schema as unknown as { value?: string | number }).value;
    const value =
      f.schema.kind !== 'literal'
        ? valueFor(g, f.schema, depth)
        : typeof literal === 'string'
          ? textBytes(g, literal)
          : uintBytes(g, BigInt(literal as number));
    entries.push([...keyBytes(g, f.key), ...value]);
  }
  // Keys a newer writer added (also in clean maps), sometimes repeated.
  if (g(fc.nat, { max: 3 }) === 0) {
    const added = g(fc.integer, { min: 1, max: 3 });
    for (let a = 0; a < added; a++) {
      const key = g(fc.constantFrom, 'zz', 'u', '8', 9, -2, '__proto__') as string | number;
      const value = g(fc.boolean) ? uintBytes(g, BigInt(g(fc.nat))) : anyBytes(g);
      entries.splice(g(fc.nat, { max: entries.length }), 0, [...keyBytes(g, key), ...value]);
    }
  }
  const mutations = noise > 0 ? g(fc.nat, { max: noise }) : 0;
  for (let m = 0; m < mutations; m++) {
    const pick = g(fc.nat, { max: 3 });
    const at = g(fc.nat, { max: entries.length });
    if (pick === 0) {
      const key = g(fc.boolean)
        ? g(fc.constantFrom, 'zz', 'u', '8', '__proto__', 'extra')
        : g(fc.integer, { min: -5, max: 9 });
      entries.splice(at, 0, [...keyBytes(g, key), ...randomValue(g, depth)]);
    } else if (pick === 1 && entries.length > 0) {
      entries.splice(at, 0, entries[g(fc.nat, { max: entries.length - 1 })] as number[]);
    } else if (pick === 2 && entries.length > 1) {
      const i = g(fc.nat, { max: entries.length - 2 });
      const tmp = entries[i] as number[];
      entries[i] = entries[i + 1] as number[];
      entries[i + 1] = tmp;
    } else if (entries.length > 0) {
      // Replace a value with a random one (wrong type, float, undefined, ...).
      const f = fields[g(fc.nat, { max: fields.length - 1 })] as Fields[number];
      entries[Math.min(at, entries.length - 1)] = [...keyBytes(g, f.key), ...randomValue(g, depth)];
    }
  }
  const pairs = entries.length;
  const body = entries.flat();
  if (odd(g)) return [0xbf, ...body, 0xff];
  return [...head(5, pairs, width(g, BigInt(pairs))), ...body];
}

// ---------------------------------------------------------------------------------------------------------------
// Properties

function capture<T>(fn: () => T): T | { thrown: unknown } {
  try {
    return fn();
  } catch (error) {
    const e = error as Record<string, unknown>;
    return { thrown: [e.name, e.code, e.message, e.path, e.wirePath, e.offset, e.key, e.expected, e.found] };
  }
}

/** Deep equality that also compares key order and types (what `toStrictEqual` misses on key order). */
function expectSame(a: unknown, b: unknown): void {
  expect(a).toStrictEqual(b);
  expect(inspect(a, { depth: null, sorted: false })).toBe(inspect(b, { depth: null, sorted: false }));
}

/**
 * `v` as the normal form writes it, at any depth: an integral number outside the 32-bit range as the equal bigint,
 * `undefined` (inside arrays, maps and objects: decoded structs never hold an absent field's key) as null.
 */
function asWritten(v: unknown, depth = 0): unknown {
  if (typeof v === 'number') return Number.isInteger(v) && (v > 0xffffffff || v < -0x100000000) ? BigInt(v) : v;
  if (v === undefined) return depth === 0 ? v : null;
  if (depth > 64 || typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map((x) => asWritten(x, depth + 1));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [asWritten(k, depth + 1), asWritten(x, depth + 1)]));
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asWritten(x, depth + 1)]));
}

/** The result with offsets moved by `-shift` (for comparing results of the same item at different offsets). */
function shifted<T>(result: T, shift: number): T {
  const r = result as { problems?: { offset?: number; message: string }[] };
  if (!r || typeof r !== 'object' || !Array.isArray(r.problems)) return result;
  return {
    ...result,
    problems: r.problems.map((p) =>
      p.offset === undefined
        ? p
        : {
            ...p,
            offset: p.offset - shift,
            message: p.message.replace(/offset (\d+)/g, (_m, o) => `offset ${Number(o) - shift}`),
          },
    ),
  };
}

/** Safe bigints as numbers, at any depth (for opaque values read back by cbor-x). */
function numbers(value: unknown): unknown {
  if (typeof value === 'bigint' && value >= -(2n ** 53n) && value <= 2n ** 53n) return Number(value);
  if (Array.isArray(value)) return value.map(numbers);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbers(v)]));
  }
  return value;
}

/**
 * Store entries without their raw bytes (a re-encoding changes them), -0 as 0 (the one value change of the normal
 * form); `asText`: store keys as cbor-x names them, in the order a JS object lists them (integer-like keys first),
 * and integers as numbers (a number beyond 2^32 is written in the 8-byte form, which cbor-x reads as a bigint).
 */
function withoutRaw(value: unknown, asText = false): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) {
    const isStore = value.some((v) => v && typeof v === 'object' && 'key' in v && 'value' in v);
    if (asText && isStore) {
      const object: Record<string, unknown> = {};
      for (const v of value as ExtraEntry[]) object[String(v.key)] = v.value;
      return Object.entries(object).map(([key, v]) => ({ key, value: numbers(withoutRaw(v, asText)) }));
    }
    return value.map((v) =>
      v && typeof v === 'object' && 'key' in v && 'value' in v
        ? {
            key: asText ? String((v as ExtraEntry).key) : (v as ExtraEntry).key,
            value: withoutRaw((v as ExtraEntry).value, asText),
          }
        : withoutRaw(v, asText),
    );
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = withoutRaw(v, asText);
    return out;
  }
  return value;
}

const schemas: [string, Schema<unknown>][] = [
  ['event union', eventSchema as Schema<unknown>],
  ['rejecting union', rejecting as Schema<unknown>],
  ['kitchen-sink struct', kitchen as Schema<unknown>],
  ['overriding text union', overriding as Schema<unknown>],
];

const modes: DecodeOptions[] = [{}, { mode: 'strict' }, { copyBytes: true, path: 'x[1]', baseOffset: 100 }];

describe('compiled decoder', () => {
  for (const [name, schema] of schemas) {
    it(`gives the same result in every entry point, and a truncation for a cut item (${name})`, () => {
      fc.assert(
        fc.property(fc.gen(), fc.nat({ max: 2 }), (g, mode) => {
          const item = itemFor(g, schema);
          const options = modes[mode] as DecodeOptions;
          const before = Uint8Array.from(g(fc.uint8Array, { maxLength: 3 }));
          const after = Uint8Array.from(g(fc.uint8Array, { maxLength: 3 }));
          const bytes = concat(before, item, after);
          const alone = capture(() => decode(schema, item, options));
          const base = options.baseOffset ?? 0;
          const atOffset = capture(() => decodeItem(schema, bytes, before.length, options));
          const atZero = capture(() => decodeItem(schema, item, 0, options));
          if ('thrown' in (atOffset as object)) expect('thrown' in (atZero as object)).toBe(true);
          else {
            const { offset: o1, ...a } = shifted(atOffset, before.length) as { offset: number };
            const { offset: o0, ...b } = atZero as { offset: number };
            expect(o1 - o0).toBe(before.length);
            expectSame(a, b);
          }
          if (!('thrown' in (alone as object)) && !('thrown' in (atZero as object))) {
            const {
              offset: _o,
              length,
              ...rest
            } = atZero as DecodeResult<unknown> & { offset: number; length: number };
            expect(length === -1 || length === item.length).toBe(true);
            expectSame(rest, alone);
          }
          // A window that cuts the item short: never a value, always the truncation at the item's offset.
          const cut = decodeItem(schema, bytes, before.length, {
            ...options,
            mode: 'tolerant',
            end: before.length + (item.length >> 1),
          });
          if (item.length > 1) {
            expect(cut.ok).toBe(false);
            expect(cut.length).toBe(-1);
            expect(cut.problems[0]?.code).toMatch(/^(TRUNCATED|MALFORMED_CBOR)$/);
            if (cut.problems[0]?.code === 'TRUNCATED') expect(cut.problems[0]?.offset).toBe(base + before.length);
          }
        }),
        { numRuns: 500 },
      );
    });

    it(`re-encodes usable values to the same values (${name})`, () => {
      fc.assert(
        fc.property(fc.gen(), (g) => {
          const item = itemFor(g, schema);
          const r = decode(schema, item);
          if (!r.ok) return;
          const bytes = encode(schema, r.value as never);
          const again = decode(schema, bytes);
          expect(again.ok).toBe(true);
          // The normal form writes an integral number beyond 32 bits as an 8-byte integer, which an opaque value
          // (cbor-x semantics) reads back as a bigint, and `undefined` as null: compare as written.
          expectSame(asWritten(withoutRaw(again.value)), asWritten(withoutRaw(r.value)));
          // The normal form is a fixed point.
          expect(encode(schema, again.value as never)).toEqual(bytes);
        }),
        { numRuns: 300 },
      );
    });
  }

  /** True when `v` holds, at any depth, a number that is integral but not a safe integer. */
  function hasUnsafeIntegralFloat(v: unknown, depth = 0): boolean {
    if (typeof v === 'number') return Number.isInteger(v) && !Number.isSafeInteger(v);
    if (depth > 64 || typeof v !== 'object' || v === null || v instanceof Uint8Array) return false;
    const values = v instanceof Map ? [...v.keys(), ...v.values()] : Object.values(v as object);
    return values.some((x) => hasUnsafeIntegralFloat(x, depth + 1));
  }

  it('agrees with cbor-x: values decoded from cbor-x objects equal values decoded from the bytes', () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const item = itemFor(g, eventSchema as Schema<unknown>);
        const fromBytes = decode(eventSchema as Schema<unknown>, item);
        // cbor-x's object for a map with repeated keys or __proto__ differs in ways the schema cannot see.
        if (fromBytes.problems.some((p) => p.code === 'DUPLICATE_KEY' || p.code === 'UNDECODABLE')) return;
        const decoded = capture(() => plainEncoder.decode(item));
        if (typeof decoded === 'object' && decoded !== null && 'thrown' in decoded) return;
        if (JSON.stringify(inspect(decoded, { depth: null })).includes('__proto')) return;
        // decodeValue writes its input in normal form, where an integral float beyond 2^53 becomes an integer
        // (spec rule: integral values are integers), which reads back as a bigint: not what the bytes held.
        if (hasUnsafeIntegralFloat(decoded)) return;
        // cbor-x reads a bignum (tags 2 and 3) as a bigint; on the wire the schema takes no tag but 64 for a value.
        if (fromBytes.problems.some((p) => p.found === 'tag 2' || p.found === 'tag 3')) return;
        const fromValue = decodeValue(eventSchema as Schema<unknown>, decoded);
        compared++;
        expect(fromValue.ok).toBe(fromBytes.ok);
        // cbor-x names integer map keys by their text.
        if (fromBytes.ok) expectSame(withoutRaw(fromValue.value, true), withoutRaw(fromBytes.value, true));
      }),
      { numRuns: 400 },
    );
    expect(compared).toBeGreaterThan(100);
  });

  it('gives the same events for random sequences in random chunks as item by item', () => {
    fc.assert(
      fc.property(fc.gen(), fc.nat({ max: 2 }), (g, mode) => {
        const count = g(fc.nat, { max: 8 });
        const items = Array.from({ length: count }, () => itemFor(g, eventSchema as Schema<unknown>));
        const bytes = concat(...items);
        const cuts = g(fc.uniqueArray, fc.nat({ max: bytes.length }), { maxLength: 6 }).sort((a, b) => a - b);
        const options = [{}, { mode: 'strict' as const, keepBytes: true }, { copyBytes: true, baseOffset: 7 }][mode];
        const run = (points: number[]) => {
          const dec = createSequenceDecoder(eventSchema as Schema<unknown>, options);
          const out: SequenceEvent<unknown>[] = [];
          let at = 0;
          for (const cut of [...points, bytes.length]) {
            dec.push(bytes.slice(at, cut), (e) => out.push(e));
            at = cut;
          }
          out.push(...dec.end());
          return out;
        };
        const whole = run([]);
        expectSame(run(cuts), whole);
        // Each item as decodeItem reads it at its offset.
        for (const event of whole) {
          if (event.kind !== 'item') continue;
          const base = options.baseOffset ?? 0;
          const one = decodeItem(eventSchema as Schema<unknown>, bytes, event.offset - base, {
            baseOffset: base,
            copyBytes: options.copyBytes === true,
          });
          expect(one.length).toBe(event.length);
          if (options.mode !== 'strict') {
            expect(one.ok).toBe(event.ok);
            expectSame(one.value, event.value);
            expectSame(one.problems, event.problems);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads what the encoder writes, including bigints above 2^53', () => {
    const events = [
      {
        type: 3,
        seq: 1,
        timestamp: -5,
        streamId: 4n,
        groupId: 2n ** 60n,
        objectId: 70000n,
        publisherPriority: 1,
        objectStatus: 0,
      },
      {
        type: 0,
        seq: 2,
        timestamp: 2 ** 40,
        peer: 'p',
        direction: 1,
        messageType: 3,
        message: { a: [1, 'b'] },
        streamId: 2n ** 64n - 1n,
        raw: new Uint8Array([1, 2]),
      },
      { type: 1, seq: 3, timestamp: 0, streamId: 65535n, direction: 0, groupId: 65536n },
      { type: 4, seq: 4, timestamp: 1, streamId: 1n, refs: [['a', 1n]] },
    ];
    for (const event of events)
      expectSame(
        decode(eventSchema as Schema<unknown>, encode(eventSchema as Schema<unknown>, event as never)).value,
        event,
      );
    // Tag 64 bytes and integral floats for integers only in tolerant mode.
    const withTag = Uint8Array.from([
      0xa3, 0x61, 0x61, 0x01, 0x61, 0x73, 0x60, 0x62, 0x62, 0x79, 0xd8, 0x40, 0x41, 0x09,
    ]);
    expect(decode(kitchen, withTag).value).toEqual({ a: 1, s: '', bytes: new Uint8Array([9]) });
    expect(decode(kitchen, withTag, { mode: 'tolerant' }).ok).toBe(true);
    expect(() => decode(kitchen, withTag, { mode: 'strict' })).toThrowError(
      expect.objectContaining({ code: 'SCHEMA_MISMATCH' }),
    );
    const float = Uint8Array.from([0xa2, 0x61, 0x61, 0xf9, 0x3c, 0x00, 0x61, 0x73, 0x60]);
    expect(decode(kitchen, float).value).toEqual({ a: 1, s: '' });
    expect(() => decode(kitchen, float, { mode: 'strict' })).toThrowError(
      expect.objectContaining({ code: 'SCHEMA_MISMATCH' }),
    );
  });
});

describe('encode integer fast paths', () => {
  const integerSchemas = [
    c.uint(),
    c.uint({ bigint: 'always' }),
    c.int(),
    c.int({ min: -1000, max: 1000 }),
    c.uint({ min: 5, max: 2n ** 60n + 1n }),
    c.int({ min: -(2n ** 53n) - 3n, max: 2n ** 53n + 3n }),
  ];
  const boundary = fc.constantFrom(
    0n,
    23n,
    24n,
    2n ** 32n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 53n + 1n,
    2n ** 60n + 1n,
    2n ** 60n + 2n,
    2n ** 64n - 1n,
    2n ** 64n,
  );
  const integer = fc.oneof(
    fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }),
    boundary,
    boundary.map((v) => -v),
    boundary.map((v) => -v - 1n),
  );

  it('writes struct integer fields exactly as the integer schema does, and fails the same way', () => {
    fc.assert(
      fc.property(fc.nat({ max: integerSchemas.length - 1 }), integer, fc.boolean(), (si, big, asNumber) => {
        const schema = integerSchemas[si] as Schema<unknown>;
        const value: number | bigint = asNumber ? Number(big) : big;
        const alone = capture(() => encode(schema, value));
        const inStruct = capture(() => encode(c.struct({ v: schema }) as Schema<unknown>, { v: value }));
        if (alone instanceof Uint8Array) {
          expect(inStruct).toEqual(concat(Uint8Array.from([0xa1, 0x61, 0x76]), alone));
          // The shortest integer form of the exact value, whatever the type it came in.
          const exact = typeof value === 'bigint' ? value : BigInt(value);
          const expected = exact >= 0n ? exact : -1n - exact;
          const back =
            decode(c.int() as Schema<unknown>, alone).value ?? decode(c.uint() as Schema<unknown>, alone).value;
          expect(BigInt(back as number | bigint)).toBe(exact);
          const width = alone.length - 1;
          expect(width).toBe(
            expected < 24n ? 0 : expected < 256n ? 1 : expected < 65536n ? 2 : expected < 2n ** 32n ? 4 : 8,
          );
        } else {
          const thrown = (alone as { thrown: unknown[] }).thrown;
          const inner = (inStruct as { thrown: unknown[] }).thrown;
          expect(inner[1]).toBe('INVALID_VALUE');
          expect(inner[7]).toBe(thrown[7]);
          expect(inner[8]).toBe(thrown[8]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('result objects', () => {
  it('keep their property order and plain prototype', () => {
    const bytes = encode(eventSchema as Schema<unknown>, { seq: 1, timestamp: 2, type: 2 } as never);
    const garbled = Uint8Array.from([0xa1, 0x61, 0x6e, 0x61, 0x78]);
    for (const input of [bytes, garbled]) {
      const item = decodeItem(eventSchema as Schema<unknown>, input, 0);
      expect(Object.keys(item)).toEqual(['ok', 'value', 'problems', 'offset', 'length']);
      expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
      expect(Object.keys(decode(eventSchema as Schema<unknown>, input))).toEqual(['ok', 'value', 'problems']);
      for (const keepBytes of [false, true]) {
        const [event] = createSequenceDecoder(eventSchema as Schema<unknown>, { keepBytes }).push(input);
        const keys = ['kind', 'index', 'offset', 'length', 'ok', 'value', 'problems'];
        expect(Object.keys(event as object)).toEqual(keepBytes ? [...keys, 'bytes'] : keys);
        expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
      }
    }
  });

  it('put the discriminator first, then the fields in declared order, whatever the wire order', () => {
    const wire = plainEncoder.encode({ sid: 4, zz: 1, e: 3, o: 2, t: 5, g: 1, n: 0, os: 0, pp: 9 }) as Uint8Array;
    const value = decode(eventSchema as Schema<unknown>, wire).value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual([
      'type',
      'seq',
      'timestamp',
      'streamId',
      'groupId',
      'objectId',
      'publisherPriority',
      'objectStatus',
      'extra',
    ]);
  });
});

describe('literals after a float', () => {
  it('match text literals in strict mode whatever was decoded before', () => {
    const schema = c.struct({ n: c.field('n', c.uint()).optional(), lit: c.field('lit', c.literal('x')) });
    const withFloat = Uint8Array.from([0xa1, 0x61, 0x6e, 0xf9, 0x3c, 0x00]); // { n: 1.0 }
    const lit = Uint8Array.from([0xa1, 0x63, 0x6c, 0x69, 0x74, 0x61, 0x78]); // { lit: 'x' }
    decode(schema, withFloat, { mode: 'tolerant' });
    expect(decode(schema, lit, { mode: 'strict' }).value).toEqual({ lit: 'x' });
  });
});

describe('a union over an indefinite-length map without its discriminator', () => {
  // { n: 0.0 } as an indefinite-length map: no `e` (the discriminator), so the variant is never known.
  const item = Uint8Array.from([0xbf, 0x61, 0x6e, 0xfb, 0, 0, 0, 0, 0, 0, 0, 0, 0xff]);
  const next = plainEncoder.encode({ n: 1, t: 2, e: 1, sid: 3 }) as Uint8Array;

  it('ends at its own break, whatever follows it (a fuzzed case read one byte past the break)', () => {
    const alone = decodeItem(rejecting as Schema<unknown>, item, 0);
    expect(alone.length).toBe(item.length);
    expect(alone.problems.map((p) => p.code)).toContain('SCHEMA_MISMATCH');
    for (const after of [[0xff], [0xff, 0xff], [0x00]]) {
      const followed = decodeItem(rejecting as Schema<unknown>, concat(item, Uint8Array.from(after)), 0);
      expectSame(followed, alone);
    }
  });

  it('leaves the next item of a sequence whole', () => {
    const events = createSequenceDecoder(rejecting as Schema<unknown>).push(concat(item, next));
    expect(events.map((e) => [e.kind, e.offset])).toEqual([
      ['item', 0],
      ['item', item.length],
    ]);
    const first = events[0] as SequenceEvent<unknown> & { kind: 'item' };
    expect(first.problems.map((p) => p.code)).toEqual(
      decodeItem(rejecting as Schema<unknown>, item, 0).problems.map((p) => p.code),
    );
    expect(first.problems.map((p) => p.code)).not.toContain('UNDECODABLE');
    const second = events[1] as SequenceEvent<unknown> & { kind: 'item' };
    expect(second.ok).toBe(true);
    expect(second.value).toEqual({ type: 1, seq: 1, timestamp: 2, streamId: 3n });
  });
});
