/**
 * Schema-driven encoding in normal form.
 *
 * @module
 */
import { CborSchemaError } from './errors.js';
import type {
  AnyStructSchema,
  ArraySchema,
  BytesSchema,
  EnumSchema,
  ExtraEntry,
  FieldInfo,
  FloatSchema,
  IntSchema,
  LiteralSchema,
  LiteralValue,
  NullableSchema,
  RecordSchema,
  Schema,
  StructShape,
  TupleSchema,
  UintSchema,
  UnionSchema,
  VariantMap,
} from './schema.js';
import { EncodeFailure, Writer, writeAny } from './write.js';

/** Options of {@link encode}. */
export interface EncodeOptions {
  /**
   * RFC 8949 §4.2.1 core deterministic encoding: map keys sorted by their encoded bytes (also inside opaque
   * values and stores), floats in their shortest exact form, bigints in opaque values in their shortest form.
   * Default false: fields in declared order, then the store in its order.
   */
  deterministic?: boolean;
}

type WriteFn = (w: Writer, value: unknown) => void;
const writers = new WeakMap<Schema<unknown>, WriteFn>();

function writerOf(schema: Schema<unknown>): WriteFn {
  let fn = writers.get(schema);
  if (fn === undefined) {
    fn = compile(schema);
    writers.set(schema, fn);
  }
  return fn;
}

function compile(schema: Schema<unknown>): WriteFn {
  switch (schema.kind) {
    case 'uint':
    case 'int':
      return integerWriter(schema as UintSchema | IntSchema);
    case 'float': {
      const { min, max, finite } = (schema as FloatSchema).options;
      return (w: Writer, v: unknown) => {
        if (typeof v !== 'number') w.invalid('number', v);
        if (finite && !Number.isFinite(v)) w.invalid('finite number', v);
        if ((min !== undefined && v < min) || (max !== undefined && v > max)) w.invalid(`number in range`, v);
        if (Number.isInteger(v) && Math.abs(v) < 2 ** 64) w.int(v === 0 ? 0 : v);
        else w.float(v);
      };
    }
    case 'text':
      return (w: Writer, v: unknown) => {
        if (typeof v !== 'string') w.invalid('string', v);
        w.text(v);
      };
    case 'bytes': {
      const size = (schema as BytesSchema).size;
      return (w: Writer, v: unknown) => {
        if (!(v instanceof Uint8Array)) w.invalid('Uint8Array', v);
        if (size !== undefined && v.length !== size) w.invalid(`Uint8Array of length ${size}`, v);
        w.bytes(v);
      };
    }
    case 'bool':
      return (w: Writer, v: unknown) => {
        if (typeof v !== 'boolean') w.invalid('boolean', v);
        w.u8(v ? 0xf5 : 0xf4);
      };
    case 'null':
      return (w: Writer, v: unknown) => {
        if (v !== null) w.invalid('null', v);
        w.u8(0xf6);
      };
    case 'literal':
    case 'enum': {
      const s = schema as LiteralSchema<LiteralValue> | EnumSchema<LiteralValue>;
      const values = s.kind === 'literal' ? [s.value] : s.values;
      return (w: Writer, v: unknown) => {
        if (!values.some((x) => x === v || (typeof x === 'bigint' && typeof v === 'number' && BigInt(v) === x))) {
          w.invalid(values.map((x) => String(x)).join(' / '), v);
        }
        writeScalar(w, v as LiteralValue);
      };
    }
    case 'array': {
      const s = schema as ArraySchema<Schema<unknown>>;
      const item = writerOf(s.item);
      return (w: Writer, v: unknown) => {
        if (!Array.isArray(v)) w.invalid('array', v);
        if (v.length < s.min || v.length > s.max) w.invalid(`array of ${s.min}..${s.max} items`, v);
        w.head(4, v.length);
        let i = 0;
        try {
          for (; i < v.length; i++) item(w, v[i]);
        } catch (error) {
          if (error instanceof EncodeFailure) error.segs.unshift(i);
          throw error;
        }
      };
    }
    case 'tuple': {
      const items = (schema as TupleSchema<Schema<unknown>[]>).items.map(writerOf);
      return (w: Writer, v: unknown) => {
        if (!Array.isArray(v) || v.length !== items.length) w.invalid(`array of ${items.length} items`, v);
        w.head(4, items.length);
        let i = 0;
        try {
          for (; i < items.length; i++) (items[i] as WriteFn)(w, v[i]);
        } catch (error) {
          if (error instanceof EncodeFailure) error.segs.unshift(i);
          throw error;
        }
      };
    }
    case 'record': {
      const s = schema as RecordSchema<Schema<unknown>, Schema<unknown>>;
      const key = writerOf(s.key);
      const value = writerOf(s.value);
      return (w: Writer, v: unknown) => {
        let entries: [unknown, unknown][];
        if (v instanceof Map) entries = [...v.entries()];
        else if (typeof v === 'object' && v !== null && !Array.isArray(v)) entries = Object.entries(v);
        else w.invalid('object or Map', v);
        w.head(5, entries.length);
        const pairs: number[] | undefined = w.deterministic ? [] : undefined;
        for (const [k, val] of entries) {
          pairs?.push(w.pos);
          key(w, k);
          pairs?.push(w.pos);
          try {
            value(w, val);
          } catch (error) {
            if (error instanceof EncodeFailure) error.segs.unshift(String(k));
            throw error;
          }
        }
        if (pairs !== undefined) w.sortPairs(pairs);
      };
    }
    case 'struct': {
      const s = schema as unknown as AnyStructSchema;
      return structWriter(s.fields, s.extraKey);
    }
    case 'any':
      return (w: Writer, v: unknown) => writeAny(w, v);
    case 'nullable': {
      const inner = writerOf((schema as NullableSchema<Schema<unknown>>).inner);
      return (w: Writer, v: unknown) => {
        if (v === null) w.u8(0xf6);
        else inner(w, v);
      };
    }
    case 'union':
      return unionWriter(schema as UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject'>);
  }
}

function writeScalar(w: Writer, v: LiteralValue): void {
  if (typeof v === 'number' && !Number.isInteger(v)) w.float(v);
  else if (typeof v === 'number' || typeof v === 'bigint') {
    if (typeof v === 'bigint') w.bigInt(v, false);
    else w.int(v);
  } else writeAny(w, v);
}

function integerWriter(schema: UintSchema | IntSchema): WriteFn {
  const { min, max } = schema;
  const minN = Number(min);
  const maxN = Number(max);
  const expected = schema.kind === 'uint' ? 'unsigned integer' : 'integer';
  return (w: Writer, v: unknown) => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) w.invalid(expected, v);
      // Number(min/max) can round (2^64 - 1 becomes 2^64), so values outside the safe range are compared
      // exactly as bigints.
      if (Number.isSafeInteger(v) ? v < minN || v > maxN : BigInt(v) < min || BigInt(v) > max) {
        w.invalid(`${expected} in [${min}, ${max}]`, v);
      }
      w.int(v === 0 ? 0 : v);
    } else if (typeof v === 'bigint') {
      // Safe values (most ids) are checked and written as numbers: Number(v) is within ±(2^53 − 1) only when
      // v is, and comparing a safe integer with Number(min/max) gives the exact bigint comparison.
      const n = Number(v);
      if (n <= MAX_SAFE && n >= -MAX_SAFE && n >= minN && n <= maxN) {
        w.int(n);
        return;
      }
      if (v < min || v > max) w.invalid(`${expected} in [${min}, ${max}]`, v);
      w.bigInt(v, false);
    } else {
      w.invalid(expected, v);
    }
  };
}

function isIntegerSchema(schema: Schema<unknown>): schema is UintSchema | IntSchema {
  return schema.kind === 'uint' || schema.kind === 'int';
}

const _textEncoder = new TextEncoder();
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function encodeKey(key: string | number | bigint): Uint8Array {
  const w = new Writer(16);
  if (typeof key === 'string') w.text(key);
  else if (typeof key === 'bigint') w.bigInt(key, false);
  else w.int(key);
  return w.result();
}

function structWriter(fields: readonly FieldInfo[], store: string): WriteFn {
  const n = fields.length;
  const names = fields.map((f) => f.name);
  const keyBytes = fields.map((f) => encodeKey(f.key));
  const optional = fields.map((f) => f.optional);
  const fieldWriters = fields.map((f) => writerOf(f.schema));
  // Integer fields are written inline for safe in-range values (the common case; see integerWriter).
  const isInt = fields.map((f) => f.schema.kind === 'uint' || f.schema.kind === 'int');
  const minN = fields.map((f) => (isIntegerSchema(f.schema) ? Number(f.schema.min) : 0));
  const maxN = fields.map((f) => (isIntegerSchema(f.schema) ? Number(f.schema.max) : 0));
  const wireKeys = fields.map((f) => f.key);
  const scratch: unknown[] = new Array(n);
  let busy = false;
  return (w: Writer, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) w.invalid('object', v);
    const obj = v as Record<string, unknown>;
    const vals = busy ? new Array(n) : scratch;
    const wasBusy = busy;
    busy = true;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const value = obj[names[i] as string];
      vals[i] = value;
      if (value === undefined) {
        if (!optional[i]) {
          busy = wasBusy;
          w.segs.push(names[i] as string, wireKeys[i] as string);
          w.invalid(
            'a value',
            value,
            `required field ${names[i]} (wire key ${JSON.stringify(wireKeys[i])}) is missing`,
          );
        }
      } else count++;
    }
    const extra = obj[store] as ExtraEntry[] | undefined;
    let keep: ExtraEntry[] | undefined;
    if (extra !== undefined) {
      if (!Array.isArray(extra)) w.invalid(`${store} (array of entries)`, extra);
      keep = [];
      for (const entry of extra) {
        if (typeof entry !== 'object' || entry === null) w.invalid('store entry {key, value}', entry);
        // A store entry whose key a field writes is dropped (the field wins); duplicates keep the last.
        const fi = wireKeys.indexOf(entry.key as string | number);
        if (fi >= 0 && vals[fi] !== undefined) continue;
        const dup = keep.findIndex((e) => e.key === entry.key);
        if (dup >= 0) keep.splice(dup, 1);
        keep.push(entry);
      }
      count += keep.length;
    }
    w.head(5, count);
    const pairs: number[] | undefined = w.deterministic ? [] : undefined;
    let i = 0;
    try {
      for (; i < n; i++) {
        const value = vals[i];
        if (value === undefined) continue;
        pairs?.push(w.pos);
        w.raw(keyBytes[i] as Uint8Array);
        pairs?.push(w.pos);
        if (isInt[i]) {
          const v = typeof value === 'bigint' ? Number(value) : value;
          if (
            typeof v === 'number' &&
            Number.isInteger(v) &&
            v <= MAX_SAFE &&
            v >= -MAX_SAFE &&
            v >= (minN[i] as number) &&
            v <= (maxN[i] as number)
          ) {
            w.int(v === 0 ? 0 : v);
            continue;
          }
        }
        (fieldWriters[i] as WriteFn)(w, value);
      }
    } catch (error) {
      busy = wasBusy;
      if (error instanceof EncodeFailure) error.segs.unshift(names[i] as string);
      throw error;
    }
    busy = wasBusy;
    if (keep !== undefined) {
      for (const entry of keep) {
        const key = entry.key;
        if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'bigint') {
          w.invalid('store key (string, number or bigint)', key);
        }
        pairs?.push(w.pos);
        if (typeof key === 'string') w.text(key);
        else if (typeof key === 'bigint') w.bigInt(key, false);
        else {
          if (!Number.isInteger(key)) w.invalid('integer store key', key);
          w.int(key);
        }
        pairs?.push(w.pos);
        if (entry.raw instanceof Uint8Array && !w.deterministic) w.raw(entry.raw);
        else {
          try {
            writeAny(w, entry.value);
          } catch (error) {
            if (error instanceof EncodeFailure) error.segs.unshift(store);
            throw error;
          }
        }
      }
    }
    if (pairs !== undefined) w.sortPairs(pairs);
  };
}

function unionWriter(schema: UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject'>): WriteFn {
  const byValue = new Map<string | number, WriteFn>();
  for (const [value, merged] of schema.merged) byValue.set(value, structWriter(merged.fields, merged.extraKey));
  const unknownWriter = structWriter(schema.unknownStruct.fields, 'fields');
  const name = schema.discriminator;
  return (w: Writer, v: unknown) => {
    if (typeof v !== 'object' || v === null) w.invalid('object', v);
    const obj = v as Record<string, unknown>;
    let disc = obj[name];
    if (typeof disc === 'bigint') disc = Number(disc);
    const fn = obj.unknown === true ? undefined : byValue.get(disc as string | number);
    if (fn !== undefined) fn(w, v);
    else if (schema.unknown === 'keep') unknownWriter(w, v);
    else w.invalid([...byValue.keys()].join(' / '), disc, `unknown ${name} ${String(disc)}`);
  };
}

const shared = new Writer(4096);
let sharedBusy = false;

/**
 * Encodes `value` with `schema` in normal form: integers as the shortest CBOR integer (never a float for an
 * integral value, never 9 bytes for a small one), byte strings as bare major type 2, definite lengths, no
 * `undefined` (written as null), no duplicate keys, struct fields in declared order then the store. Throws a
 * {@link CborSchemaError} `INVALID_VALUE` naming the path when the value does not fit; no bytes are returned then.
 *
 * @example
 * ```ts
 * encode(c.struct({ streamId: c.field('sid', c.uint()) }), { streamId: 7 }); // a1 63 73 69 64 07
 * ```
 */
export function encode<T>(schema: Schema<T>, value: T, options: EncodeOptions = {}): Uint8Array {
  const w = sharedBusy ? new Writer(256) : shared;
  const wasBusy = sharedBusy;
  sharedBusy = true;
  try {
    w.reset();
    w.deterministic = options.deterministic === true;
    writerOf(schema)(w, value);
    return w.result();
  } catch (error) {
    throw toError(error);
  } finally {
    sharedBusy = wasBusy;
    if (w.buf.length > 1 << 20 && w === shared) {
      w.buf = new Uint8Array(4096);
      w.view = new DataView(w.buf.buffer);
    }
  }
}

/**
 * Encodes several values as one RFC 8742 CBOR sequence (items back to back). Throws like {@link encode},
 * naming the index of the failing value.
 */
export function encodeSequence<T>(schema: Schema<T>, values: Iterable<T>, options: EncodeOptions = {}): Uint8Array {
  const w = new Writer(65536);
  w.deterministic = options.deterministic === true;
  const fn = writerOf(schema);
  let i = 0;
  for (const value of values) {
    try {
      fn(w, value);
    } catch (error) {
      if (error instanceof EncodeFailure) error.segs.unshift(i);
      throw toError(error);
    }
    i++;
  }
  return w.result();
}

/**
 * An encoder that appends items to one growing buffer, for writers producing many records.
 *
 * @example
 * ```ts
 * const out = createEncoder(eventSchema);
 * for (const e of events) out.write(e);
 * const bytes = out.finish();
 * ```
 */
export interface SequenceEncoder<T> {
  /** Appends one item; on `INVALID_VALUE` nothing of that item is kept. */
  write(value: T): void;
  /** Bytes written so far. */
  readonly length: number;
  /** Returns the bytes written (a copy) and starts over. */
  finish(): Uint8Array;
}

/** Creates a {@link SequenceEncoder}. */
export function createEncoder<T>(schema: Schema<T>, options: EncodeOptions = {}): SequenceEncoder<T> {
  const w = new Writer(65536);
  w.deterministic = options.deterministic === true;
  const fn = writerOf(schema);
  return {
    write(value: T): void {
      const start = w.pos;
      try {
        fn(w, value);
      } catch (error) {
        w.pos = start;
        throw toError(error);
      }
    },
    get length() {
      return w.pos;
    },
    finish(): Uint8Array {
      const out = w.result();
      w.pos = 0;
      return out;
    },
  };
}

/**
 * Encodes an opaque value in normal form (what {@link AnySchema} fields and stores use): integral numbers as
 * integers, `-0` as 0, bigints in the 8-byte form, `Uint8Array`/`Buffer` as bare bytes, `undefined` as null,
 * tags kept.
 */
export function encodeAny(value: unknown, options: EncodeOptions = {}): Uint8Array {
  const w = new Writer(256);
  w.deterministic = options.deterministic === true;
  try {
    writeAny(w, value);
  } catch (error) {
    throw toError(error);
  }
  return w.result();
}

function toError(error: unknown): unknown {
  return error instanceof EncodeFailure ? error.toError() : error;
}
