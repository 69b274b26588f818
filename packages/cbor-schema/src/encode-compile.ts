/**
 * Compiled writers of schemas: one closure per schema, building the normal form straight into the output
 * buffer (struct maps are written in one pass, their head fixed at the end).
 *
 * @internal
 * @module
 */
import type {
  ArraySchema,
  BytesSchema,
  EnumSchema,
  FloatSchema,
  IntSchema,
  LiteralSchema,
  LiteralValue,
  NullableSchema,
  RecordSchema,
  Schema,
  TransformSchema,
  TupleSchema,
  UintSchema,
} from './schema.js';
import type { AnyStructSchema, ExtraEntry, FieldInfo, StructShape, UnionSchema, VariantMap } from './struct.js';
import { EncodeFailure, encodeKey, type Out, writeAny } from './writer.js';

/** A compiled writer; `disc` overrides the value of a union's discriminator field. */
export type WriteFn = (w: Out, value: unknown, depth: number, disc?: unknown) => void;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const writers = new WeakMap<Schema<unknown>, WriteFn>();

/** Returns the compiled writer of a schema (compiled once, cached). */
export function writerOf(schema: Schema<unknown>): WriteFn {
  let fn = writers.get(schema);
  if (fn === undefined) {
    fn = compile(schema);
    writers.set(schema, fn);
  }
  return fn;
}

/** Adds a path segment to a failure passing through. */
function withSeg(error: unknown, seg: string | number): unknown {
  if (error instanceof EncodeFailure) error.segs.unshift(seg);
  return error;
}

function compile(schema: Schema<unknown>): WriteFn {
  switch (schema.kind) {
    case 'uint':
    case 'int':
      return integerWriter(schema as UintSchema | IntSchema);
    case 'float': {
      const { min, max, finite } = (schema as FloatSchema).options;
      return (w: Out, v: unknown) => {
        if (typeof v !== 'number') w.invalid('number', v);
        if (finite && !Number.isFinite(v)) w.invalid('finite number', v);
        if ((min !== undefined && v < min) || (max !== undefined && v > max)) w.invalid('number in range', v);
        if (Number.isInteger(v) && Math.abs(v) < 2 ** 64) w.int(v === 0 ? 0 : v);
        else w.float(v);
      };
    }
    case 'text':
      return (w: Out, v: unknown) => {
        if (typeof v !== 'string') w.invalid('string', v);
        w.text(v);
      };
    case 'bytes': {
      const size = (schema as BytesSchema).size;
      return (w: Out, v: unknown) => {
        if (!(v instanceof Uint8Array)) w.invalid('Uint8Array', v);
        if (size !== undefined && v.length !== size) w.invalid(`Uint8Array of length ${size}`, v);
        w.bytes(v);
      };
    }
    case 'bool':
      return (w: Out, v: unknown) => {
        if (typeof v !== 'boolean') w.invalid('boolean', v);
        w.u8(v ? 0xf5 : 0xf4);
      };
    case 'null':
      return (w: Out, v: unknown) => {
        if (v !== null) w.invalid('null', v);
        w.u8(0xf6);
      };
    case 'literal':
    case 'enum': {
      const s = schema as LiteralSchema<LiteralValue> | EnumSchema<LiteralValue>;
      const values = s.kind === 'literal' ? [s.value] : s.values;
      return (w: Out, v: unknown, depth: number) => {
        if (!values.some((x) => x === v || (typeof x === 'bigint' && typeof v === 'number' && BigInt(v) === x))) {
          w.invalid(values.map((x) => String(x)).join(' / '), v);
        }
        if (typeof v === 'number' && !Number.isInteger(v)) w.float(v);
        else if (typeof v === 'bigint') w.bigInt(v, false);
        else if (typeof v === 'number') w.int(v);
        else writeAny(w, v, depth);
      };
    }
    case 'array': {
      const s = schema as ArraySchema<Schema<unknown>>;
      const item = writerOf(s.item);
      return (w: Out, v: unknown, depth: number) => {
        if (!Array.isArray(v)) w.invalid('array', v);
        if (v.length < s.min || v.length > s.max) w.invalid(`array of ${s.min}..${s.max} items`, v);
        w.head(4, v.length);
        let i = 0;
        try {
          for (; i < v.length; i++) item(w, v[i], depth + 1);
        } catch (error) {
          throw withSeg(error, i);
        }
      };
    }
    case 'tuple': {
      const items = (schema as TupleSchema<Schema<unknown>[]>).items.map(writerOf);
      return (w: Out, v: unknown, depth: number) => {
        if (!Array.isArray(v) || v.length !== items.length) w.invalid(`array of ${items.length} items`, v);
        w.head(4, items.length);
        let i = 0;
        try {
          for (; i < items.length; i++) (items[i] as WriteFn)(w, v[i], depth + 1);
        } catch (error) {
          throw withSeg(error, i);
        }
      };
    }
    case 'record': {
      const s = schema as RecordSchema<Schema<unknown>, Schema<unknown>>;
      const key = writerOf(s.key);
      const value = writerOf(s.value);
      return (w: Out, v: unknown, depth: number) => {
        let entries: [unknown, unknown][];
        if (v instanceof Map) entries = [...v.entries()];
        else if (typeof v === 'object' && v !== null && !Array.isArray(v)) entries = Object.entries(v);
        else w.invalid('object or Map', v);
        w.head(5, entries.length);
        const pairs: number[] | undefined = w.deterministic ? [] : undefined;
        for (const [k, val] of entries) {
          pairs?.push(w.pos);
          key(w, k, depth + 1);
          pairs?.push(w.pos);
          try {
            value(w, val, depth + 1);
          } catch (error) {
            throw withSeg(error, String(k));
          }
        }
        if (pairs !== undefined) w.sortPairs(pairs);
      };
    }
    case 'struct': {
      const s = schema as unknown as AnyStructSchema;
      return structWriter(s.fields, s.extraKey, s.store === 'object', -1, undefined);
    }
    case 'any':
      return (w: Out, v: unknown, depth: number) => writeAny(w, v, depth);
    case 'nullable': {
      const inner = writerOf((schema as NullableSchema<Schema<unknown>>).inner);
      return (w: Out, v: unknown, depth: number) => {
        if (v === null) w.u8(0xf6);
        else inner(w, v, depth);
      };
    }
    case 'transform': {
      const t = schema as TransformSchema<unknown>;
      const inner = writerOf(t.inner);
      const { refinement } = t;
      return (w: Out, v: unknown, depth: number) => {
        if (refinement !== undefined && !refinement.check(v)) w.invalid(refinement.expected, v);
        let wire: unknown;
        try {
          wire = t.encode(v);
        } catch (error) {
          w.invalid('transformable value', v, (error as Error).message);
        }
        inner(w, wire, depth);
      };
    }
    case 'union':
      return unionWriter(
        schema as unknown as UnionSchema<
          StructShape,
          string,
          VariantMap,
          'keep' | 'reject',
          Record<string, string>,
          string
        >,
      );
  }
}

function integerWriter(schema: UintSchema | IntSchema): WriteFn {
  const { min, max } = schema;
  const minN = Number(min);
  const maxN = Number(max);
  const expected = schema.kind === 'uint' ? 'unsigned integer' : 'integer';
  return (w: Out, v: unknown) => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) w.invalid(expected, v);
      // Number(min/max) can round (2^64 - 1 becomes 2^64): values outside the safe range are compared as bigints.
      if (Number.isSafeInteger(v) ? v < minN || v > maxN : BigInt(v) < min || BigInt(v) > max) {
        w.invalid(`${expected} in [${min}, ${max}]`, v);
      }
      w.int(v === 0 ? 0 : v);
    } else if (typeof v === 'bigint') {
      // Safe values (most ids) are checked and written as numbers: a safe integer compared with Number(min/max)
      // gives the exact comparison.
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

/** Encoded map key of a field (shortest form), for reservations. */
export function fieldKeyBytes(field: FieldInfo): Uint8Array {
  return encodeKey(field.key);
}

const K_INT = 0;
const K_TEXT = 1;
const K_BYTES = 2;
const K_ANY = 3;
const K_OTHER = 4;

/**
 * Compiles a struct writer over `fields`. `discIndex`: the field a union writes from its `disc` argument when
 * given. `dropKeys`: store keys never written (an unknown union variant's base keys).
 */
export function structWriter(
  fields: readonly FieldInfo[],
  store: string,
  objectStore: boolean,
  discIndex: number,
  dropKeys: ReadonlySet<string | number> | undefined,
): WriteFn {
  const n = fields.length;
  const names = fields.map((f) => f.name);
  const keyBytes = fields.map((f) => encodeKey(f.key));
  const optional = fields.map((f) => f.optional);
  const defaults = fields.map((f) => f.defaultValue);
  const fieldWriters = fields.map((f) => writerOf(f.schema));
  const kinds = fields.map((f) => {
    const k = f.schema.kind;
    return k === 'uint' || k === 'int'
      ? K_INT
      : k === 'text'
        ? K_TEXT
        : k === 'bytes' && (f.schema as BytesSchema).size === undefined
          ? K_BYTES
          : k === 'any'
            ? K_ANY
            : K_OTHER;
  });
  // Integer fields: in-range safe values are written inline; anything else goes through the integer writer.
  const minN = fields.map((f) =>
    f.schema.kind === 'uint' || f.schema.kind === 'int' ? Number((f.schema as UintSchema).min) : 0,
  );
  const maxN = fields.map((f) =>
    f.schema.kind === 'uint' || f.schema.kind === 'int' ? Number((f.schema as UintSchema).max) : 0,
  );
  const byWireKey = new Map<string | number | bigint, number>();
  fields.forEach((f, i) => {
    byWireKey.set(f.key, i);
    if (objectStore) byWireKey.set(String(f.key), i);
  });
  return (w: Out, v: unknown, depth: number, disc?: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) w.invalid('object', v);
    const obj = v as Record<string, unknown>;
    const start = w.pos;
    const pairs: number[] | undefined = w.deterministic ? [] : undefined;
    w.u8(0xa0);
    let count = 0;
    let written = 0;
    let writtenWide: Set<number> | undefined;
    let i = 0;
    try {
      for (; i < n; i++) {
        let x = i === discIndex && disc !== undefined ? disc : obj[names[i] as string];
        if (x === undefined) {
          const make = defaults[i];
          if (make !== undefined) x = make();
          else if (depth === 0 && w.reserveField === names[i]) {
            pairs?.push(w.pos, w.pos);
            w.reservedAt = w.pos;
            w.raw(w.reservePlaceholder);
            count++;
            continue;
          } else if (optional[i]) continue;
          else {
            w.invalid(
              'a value',
              x,
              `required field ${names[i]} (wire key ${JSON.stringify(fields[i]?.key)}) is missing`,
            );
          }
        }
        pairs?.push(w.pos);
        w.raw(keyBytes[i] as Uint8Array);
        pairs?.push(w.pos);
        switch (kinds[i]) {
          case K_INT: {
            // Safe in-range values (a bigint id is compared through its Number, exact when safe).
            const num = typeof x === 'number' ? x : typeof x === 'bigint' ? Number(x) : Number.NaN;
            if (Number.isSafeInteger(num) && num >= (minN[i] as number) && num <= (maxN[i] as number)) {
              if (num >= 0) w.head(0, num);
              else w.head(1, -1 - num);
            } else (fieldWriters[i] as WriteFn)(w, x, depth + 1);
            break;
          }
          case K_TEXT:
            if (typeof x !== 'string') w.invalid('string', x);
            w.text(x);
            break;
          case K_BYTES:
            if (!(x instanceof Uint8Array)) w.invalid('Uint8Array', x);
            w.bytes(x);
            break;
          case K_ANY:
            writeAny(w, x, depth + 1);
            break;
          default:
            (fieldWriters[i] as WriteFn)(w, x, depth + 1);
        }
        count++;
        if (i < 32) written |= 1 << i;
        else (writtenWide ??= new Set()).add(i);
      }
    } catch (error) {
      throw withSeg(error, names[i] as string);
    }
    const extra = obj[store];
    if (extra !== undefined) {
      const isWritten = (key: string | number | bigint): boolean => {
        if (dropKeys?.has(key as string | number)) return true;
        if (depth === 0 && w.reserveField !== undefined && key === w.reserveKey) return true;
        const fi = byWireKey.get(key);
        if (fi === undefined) return false;
        return fi < 32 ? (written & (1 << fi)) !== 0 : (writtenWide?.has(fi) ?? false);
      };
      try {
        count += objectStore
          ? writeObjectStore(w, extra, store, isWritten, pairs, depth)
          : writeEntryStore(w, extra, store, isWritten, pairs, depth);
      } catch (error) {
        throw withSeg(error, store);
      }
    }
    const before = w.pos;
    w.fixMapHead(start, count);
    if (pairs !== undefined) {
      const shift = w.pos - before;
      if (shift !== 0) for (let k = 0; k < pairs.length; k++) pairs[k] = (pairs[k] as number) + shift;
      w.sortPairs(pairs);
    }
  };
}

function writeObjectStore(
  w: Out,
  extra: unknown,
  store: string,
  isWritten: (key: string) => boolean,
  pairs: number[] | undefined,
  depth: number,
): number {
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) w.invalid(`${store} (an object)`, extra);
  const record = extra as Record<string, unknown>;
  let count = 0;
  for (const key of Object.keys(record)) {
    if (isWritten(key)) continue;
    pairs?.push(w.pos);
    w.text(key);
    pairs?.push(w.pos);
    try {
      writeAny(w, record[key], depth + 1);
    } catch (error) {
      throw withSeg(error, key);
    }
    count++;
  }
  return count;
}

function writeEntryStore(
  w: Out,
  extra: unknown,
  store: string,
  isWritten: (key: string | number | bigint) => boolean,
  pairs: number[] | undefined,
  depth: number,
): number {
  if (!Array.isArray(extra)) w.invalid(`${store} (array of entries)`, extra);
  // The last of duplicate keys wins.
  const keep = new Map<string | number | bigint, ExtraEntry>();
  for (const entry of extra as unknown[]) {
    if (typeof entry !== 'object' || entry === null) w.invalid('store entry {key, value}', entry);
    const e = entry as ExtraEntry;
    if (isWritten(e.key)) continue;
    keep.delete(e.key);
    keep.set(e.key, e);
  }
  for (const entry of keep.values()) {
    const key = entry.key;
    pairs?.push(w.pos);
    if (typeof key === 'string') w.text(key);
    else if (typeof key === 'bigint') w.bigInt(key, false);
    else if (typeof key === 'number' && Number.isInteger(key)) w.int(key);
    else w.invalid('store key (string, integer or bigint)', key);
    pairs?.push(w.pos);
    if (entry.raw instanceof Uint8Array && !w.deterministic) w.raw(entry.raw);
    else writeAny(w, entry.value, depth + 1);
  }
  return keep.size;
}

function unionWriter(
  schema: UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject', Record<string, string>, string>,
): WriteFn {
  const objectStore = (schema.store as string) === 'object';
  const names = schema.names as Record<string, string> | undefined;
  const discName = schema.discriminator;
  const discIndex = schema.base.fields.findIndex((f) => f.name === discName);
  const byTag = new Map<unknown, { write: WriteFn; wire: unknown }>();
  for (const [value, merged] of schema.merged) {
    const write = structWriter(
      merged.fields,
      merged.extraKey,
      objectStore,
      names === undefined ? -1 : discIndex,
      undefined,
    );
    byTag.set(names === undefined ? value : names[value], { write, wire: value });
  }
  const unknownWriter = structWriter(schema.unknownStruct.fields, 'fields', objectStore, discIndex, undefined);
  const keepUnknown = schema.unknown === 'keep';
  const unknownKey = schema.unknownKey;
  return (w: Out, v: unknown, depth: number) => {
    if (typeof v !== 'object' || v === null) w.invalid('object', v);
    const obj = v as Record<string, unknown>;
    let tag = obj[discName];
    if (names === undefined && typeof tag === 'bigint' && tag <= BigInt(MAX_SAFE)) tag = Number(tag);
    const isUnknown = names === undefined ? obj.unknown === true : tag === 'unknown';
    const known = isUnknown ? undefined : byTag.get(tag);
    if (known !== undefined) {
      known.write(w, v, depth, known.wire);
      return;
    }
    if (keepUnknown && (isUnknown || names === undefined)) {
      unknownWriter(w, v, depth, names === undefined ? undefined : obj[unknownKey]);
      return;
    }
    w.invalid([...byTag.keys()].join(' / '), tag, `unknown ${discName} ${String(tag)}`);
  };
}
