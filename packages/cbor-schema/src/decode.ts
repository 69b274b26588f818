/**
 * Schema-driven decoding from bytes (and from already-decoded values), strict or tolerant.
 *
 * @module
 */
import { CborSchemaError, type CborSchemaErrorCode, type Problem } from './errors.js';
import { decodeOpaque } from './opaque.js';
import { lastScanFailure, SCAN_TRUNCATED, scanItem } from './scanner.js';
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
  WireKey,
} from './schema.js';
import { valueToBytes } from './write.js';

/** Decoding mode. `strict` throws on the first problem; `tolerant` reports problems and keeps going. */
export type DecodeMode = 'strict' | 'tolerant';

/** Options of {@link decode}, {@link decodeItem} and {@link decodeValue}. */
export interface DecodeOptions {
  /**
   * `tolerant` (default): integral floats are accepted for integers, tag 64 is unwrapped for bytes, an unusable
   * optional field is reported and its raw value moved to the store, nothing throws. `strict`: the first
   * problem throws a {@link CborSchemaError}.
   */
  mode?: DecodeMode;
  /** Prefix of every problem path, e.g. `events[12]`. */
  path?: string;
  /** Absolute offset of `bytes[0]` in the whole input, added to every reported offset. Default 0. */
  baseOffset?: number;
  /** Copy byte strings out of the input instead of returning views into it. Default false. */
  copyBytes?: boolean;
}

/** Result of a decode. In strict mode `ok` is always true (problems throw). */
export type DecodeResult<T> =
  | {
      /** The value is usable. */
      ok: true;
      /** The decoded value. */
      value: T;
      /** Problems that did not make the value unusable (tolerant mode), e.g. optional fields moved to the store. */
      problems: readonly Problem[];
    }
  | {
      /** The value is unusable (a required field missing or unusable, a type mismatch at the root, bad CBOR). */
      ok: false;
      /** Always `undefined`: values are never invented. */
      value: undefined;
      /** What went wrong (at least one entry). */
      problems: readonly Problem[];
    };

/** Result of {@link decodeItem}: a {@link DecodeResult} plus where the item was. */
export type DecodeItemResult<T> = DecodeResult<T> & {
  /** Offset of the item in the given bytes (not adjusted by `baseOffset`). */
  offset: number;
  /** Item length in bytes; -1 when truncated or malformed (boundary unknown). */
  length: number;
};

/** Marker returned by readers for an unusable value. */
export const FAIL: unique symbol = Symbol('cbor-schema.fail');
type Reader = (st: State) => unknown;

interface InternalProblem {
  code: CborSchemaErrorCode;
  expected: string;
  found: string;
  offset: number;
  message: string;
  // Path segments, innermost first: [kind, name, wire] triples; kind 0 field, 1 index, 2 map key.
  trail: (string | number | bigint)[];
  key?: string | number | bigint;
}

/** Decoding state (internal). */
export interface State {
  b: Uint8Array;
  pos: number;
  end: number;
  strict: boolean;
  fromValue: boolean;
  copy: boolean;
  problems: InternalProblem[];
  np: number;
  num: number;
  big: bigint;
  isBig: boolean;
  wasFloat: boolean;
  dv: DataView | undefined;
}

const EMPTY: readonly Problem[] = Object.freeze([]);
const readers = new WeakMap<Schema<unknown>, Reader>();
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const SMALL_BIG: bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));
const BIG_CACHE_SIZE = 65536;
let bigCache: (bigint | undefined)[] | undefined;

/** `BigInt(v)` for a safe integer `v`, shared for 0 … 65535 (filled lazily: ids are mostly small). */
function bigOf(v: number): bigint {
  if (v >= 0 && v < BIG_CACHE_SIZE) {
    if (v < 1024) return SMALL_BIG[v] as bigint;
    if (bigCache === undefined) bigCache = new Array<bigint | undefined>(BIG_CACHE_SIZE);
    let x = bigCache[v];
    if (x === undefined) {
      x = BigInt(v);
      bigCache[v] = x;
    }
    return x;
  }
  return BigInt(v);
}
const TWO32 = 0x100000000;

function newState(): State {
  return {
    b: new Uint8Array(0),
    pos: 0,
    end: 0,
    strict: false,
    fromValue: false,
    copy: false,
    problems: [],
    np: 0,
    num: 0,
    big: 0n,
    isBig: false,
    wasFloat: false,
    dv: undefined,
  };
}
let shared: State | undefined = newState();

// ---------------------------------------------------------------------------------------------------------------
// Low-level helpers

/** Reads the argument for additional information `ai` (24–27) at `st.pos`; -1 = too big for a number (in `st.big`). */
function readArg(st: State, ai: number): number {
  const b = st.b;
  const p = st.pos;
  if (ai === 24) {
    st.pos = p + 1;
    return b[p] as number;
  }
  if (ai === 25) {
    st.pos = p + 2;
    return ((b[p] as number) << 8) | (b[p + 1] as number);
  }
  if (ai === 26) {
    st.pos = p + 4;
    return (
      (b[p] as number) * 0x1000000 + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number))
    );
  }
  st.pos = p + 8;
  const hi =
    (b[p] as number) * 0x1000000 + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
  const lo =
    (b[p + 4] as number) * 0x1000000 +
    (((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number));
  if (hi < 0x200000) return hi * TWO32 + lo;
  st.big = (BigInt(hi) << 32n) | BigInt(lo);
  return -1;
}

function dataView(st: State): DataView {
  if (st.dv === undefined) st.dv = new DataView(st.b.buffer, st.b.byteOffset, st.b.byteLength);
  return st.dv;
}

function half(b0: number, b1: number): number {
  const exp = (b0 >> 2) & 0x1f;
  const mant = ((b0 & 3) << 8) | b1;
  let v: number;
  if (exp === 0) v = mant * 2 ** -24;
  else if (exp === 31) v = mant === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  else v = (mant + 1024) * 2 ** (exp - 25);
  return b0 & 0x80 ? -v : v;
}

const K_UINT = 0;
const K_NINT = 1;
const K_FLOAT = 2;

/** Reads an integer or float at `st.pos`: returns K_UINT/K_NINT/K_FLOAT (value in st.num, or st.big if st.isBig) or -1. */
function readNum(st: State): number {
  const b = st.b;
  const pos = st.pos;
  const ib = b[pos] as number;
  const major = ib >> 5;
  if (major <= 1) {
    const ai = ib & 31;
    st.pos = pos + 1;
    const a = ai < 24 ? ai : readArg(st, ai);
    st.wasFloat = false;
    if (a === -1) {
      st.isBig = true;
      if (major === 1) st.big = -1n - st.big;
    } else if (major === 0) {
      st.isBig = false;
      st.num = a;
    } else if (a < MAX_SAFE) {
      st.isBig = false;
      st.num = -1 - a;
    } else {
      st.isBig = true;
      st.big = -1n - BigInt(a);
    }
    return major;
  }
  if (ib === 0xf9) {
    st.num = half(b[pos + 1] as number, b[pos + 2] as number);
    st.pos = pos + 3;
  } else if (ib === 0xfa) {
    st.num = dataView(st).getFloat32(pos + 1);
    st.pos = pos + 5;
  } else if (ib === 0xfb) {
    st.num = dataView(st).getFloat64(pos + 1);
    st.pos = pos + 9;
  } else {
    return -1;
  }
  st.isBig = false;
  st.wasFloat = true;
  return K_FLOAT;
}

/** Describes the CBOR item at `pos` as a type name (for `found`). */
export function describeItem(b: Uint8Array, pos: number): string {
  const ib = b[pos];
  if (ib === undefined) return 'end of input';
  switch (ib >> 5) {
    case 0:
      return 'uint';
    case 1:
      return 'negative int';
    case 2:
      return 'bytes';
    case 3:
      return 'text';
    case 4:
      return 'array';
    case 5:
      return 'map';
    case 6: {
      const ai = ib & 31;
      let tag = ai;
      if (ai === 24) tag = b[pos + 1] ?? 0;
      else if (ai === 25) tag = ((b[pos + 1] ?? 0) << 8) | (b[pos + 2] ?? 0);
      else if (ai >= 26) return 'tag';
      return `tag ${tag}`;
    }
    default:
      if (ib === 0xf4 || ib === 0xf5) return 'bool';
      if (ib === 0xf6) return 'null';
      if (ib === 0xf7) return 'undefined';
      if (ib >= 0xf9 && ib <= 0xfb) return 'float';
      return 'simple value';
  }
}

function pushProblem(
  st: State,
  pos: number,
  expected: string,
  found: string,
  message: string,
  code: CborSchemaErrorCode,
) {
  st.problems.push({ code, expected, found, offset: pos, message, trail: [] });
  st.np = st.problems.length;
}

/** Reports a mismatch at `start`, skips the item and returns FAIL. */
function fail(st: State, start: number, expected: string, found?: string, detail?: string): typeof FAIL {
  const f = found ?? describeItem(st.b, start);
  pushProblem(st, start, expected, f, detail ?? `expected ${expected}, found ${f}`, 'SCHEMA_MISMATCH');
  st.pos = start + scanItem(st.b, start, st.end);
  return FAIL;
}

function addSeg(st: State, from: number, kind: number, name: string | number | bigint, wire: string | number | bigint) {
  const list = st.problems;
  for (let i = from; i < list.length; i++) (list[i] as InternalProblem).trail.push(kind, name, wire);
}

function readTextAt(st: State): string {
  const b = st.b;
  const ib = b[st.pos] as number;
  st.pos++;
  if (ib === 0x7f) {
    const parts: Uint8Array[] = [];
    while (b[st.pos] !== 0xff) {
      const cb = b[st.pos] as number;
      st.pos++;
      const len = (cb & 31) < 24 ? cb & 31 : readArg(st, cb & 31);
      parts.push(b.subarray(st.pos, st.pos + len));
      st.pos += len;
    }
    st.pos++;
    return utf8.decode(concat(parts));
  }
  const ai = ib & 31;
  const len = ai < 24 ? ai : readArg(st, ai);
  const p = st.pos;
  st.pos = p + len;
  return decodeText(b, p, len);
}

function decodeText(b: Uint8Array, p: number, len: number): string {
  if (len < 24) {
    let s = '';
    for (let i = 0; i < len; i++) {
      const ch = b[p + i] as number;
      if (ch >= 0x80) return utf8.decode(b.subarray(p, p + len));
      s += String.fromCharCode(ch);
    }
    return s;
  }
  return utf8.decode(b.subarray(p, p + len));
}

function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Reads a byte string (definite or indefinite) at st.pos (major type 2 already checked). */
function readBytesAt(st: State): Uint8Array {
  const b = st.b;
  const ib = b[st.pos] as number;
  st.pos++;
  if (ib === 0x5f) {
    const parts: Uint8Array[] = [];
    while (b[st.pos] !== 0xff) {
      const cb = b[st.pos] as number;
      st.pos++;
      const len = (cb & 31) < 24 ? cb & 31 : readArg(st, cb & 31);
      parts.push(b.subarray(st.pos, st.pos + len));
      st.pos += len;
    }
    st.pos++;
    return concat(parts);
  }
  const ai = ib & 31;
  const len = ai < 24 ? ai : readArg(st, ai);
  const p = st.pos;
  st.pos = p + len;
  return st.copy ? b.slice(p, p + len) : b.subarray(p, p + len);
}

/** Decodes the item at [start, end) as an opaque value (cbor-x semantics). */
function opaqueAt(st: State, start: number, end: number): unknown {
  const slice = st.copy ? st.b.slice(start, end) : st.b.subarray(start, end);
  return decodeOpaque(slice);
}

// ---------------------------------------------------------------------------------------------------------------
// Readers

/** Returns the compiled reader of a schema (cached). */
export function readerOf(schema: Schema<unknown>): Reader {
  let reader = readers.get(schema);
  if (reader === undefined) {
    reader = compile(schema);
    readers.set(schema, reader);
  }
  return reader;
}

function compile(schema: Schema<unknown>): Reader {
  switch (schema.kind) {
    case 'uint':
    case 'int':
      return integerReader(schema as UintSchema | IntSchema);
    case 'float':
      return floatReader(schema as FloatSchema);
    case 'text':
      return (st) => {
        const ib = st.b[st.pos] as number;
        if (ib >> 5 !== 3) return fail(st, st.pos, 'text');
        return readTextAt(st);
      };
    case 'bytes':
      return bytesReader(schema as BytesSchema);
    case 'bool':
      return (st) => {
        const ib = st.b[st.pos];
        if (ib === 0xf4 || ib === 0xf5) {
          st.pos++;
          return ib === 0xf5;
        }
        return fail(st, st.pos, 'bool');
      };
    case 'null':
      return (st) => {
        if (st.b[st.pos] === 0xf6) {
          st.pos++;
          return null;
        }
        return fail(st, st.pos, 'null');
      };
    case 'literal':
    case 'enum':
      return choiceReader(schema as LiteralSchema<LiteralValue> | EnumSchema<LiteralValue>);
    case 'array':
      return arrayReader(schema as ArraySchema<Schema<unknown>>);
    case 'tuple':
      return tupleReader(schema as TupleSchema<Schema<unknown>[]>);
    case 'record':
      return recordReader(schema as RecordSchema<Schema<unknown>, Schema<unknown>>);
    case 'struct':
      return withFast(schema, structReader(schema as unknown as AnyStructSchema));
    case 'any':
      return (st) => {
        const start = st.pos;
        st.pos = start + scanItem(st.b, start, st.end);
        try {
          return opaqueAt(st, start, st.pos);
        } catch (error) {
          return fail(st, start, 'any', 'undecodable', `undecodable value: ${(error as Error).message}`);
        }
      };
    case 'nullable': {
      const inner = readerOf((schema as NullableSchema<Schema<unknown>>).inner);
      return (st) => {
        if (st.b[st.pos] === 0xf6) {
          st.pos++;
          return null;
        }
        return inner(st);
      };
    }
    case 'union':
      return withFast(schema, unionReader(schema as UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject'>));
  }
}

function integerReader(schema: UintSchema | IntSchema): Reader {
  const unsigned = schema.kind === 'uint';
  const mode = schema.bigint;
  const min = schema.min;
  const max = schema.max;
  const minN = Number(min);
  const maxN = Number(max);
  const expected = unsigned ? 'uint' : 'int';
  const small = min <= 0n && max >= 23n && mode !== 'always';
  const rangeText = `${expected} in [${min}, ${max}]`;
  return (st) => {
    const b = st.b;
    const start = st.pos;
    const ib = b[start] as number;
    if (ib < 24 && small) {
      st.pos = start + 1;
      return ib;
    }
    if (ib < 24 && mode === 'always' && min <= 0n && max >= 23n) {
      st.pos = start + 1;
      return SMALL_BIG[ib];
    }
    const k = readNum(st);
    if (k < 0) return fail(st, start, expected);
    if (k === K_NINT && unsigned) return fail(st, start, expected, 'negative int');
    if (k === K_FLOAT) {
      const f = st.num;
      if (!Number.isInteger(f))
        return fail(st, start, expected, 'float', `expected ${expected}, found non-integral float ${f}`);
      if (st.strict)
        return fail(st, start, expected, 'float', `expected ${expected}, found integral float ${f} (strict)`);
      if (Object.is(f, -0)) st.num = 0;
      if (!Number.isSafeInteger(f)) {
        st.isBig = true;
        st.big = BigInt(f);
      }
    }
    if (st.isBig) {
      const v = st.big;
      if (v < min || v > max) return fail(st, start, rangeText, String(v), `${v} is out of range [${min}, ${max}]`);
      if (mode === 'never') return fail(st, start, rangeText, String(v), `${v} does not fit a JavaScript number`);
      return v;
    }
    const v = st.num;
    if (v < minN || v > maxN) {
      // Number(min/max) may round: confirm with bigints.
      const bv = BigInt(v);
      if (bv < min || bv > max) return fail(st, start, rangeText, String(v), `${v} is out of range [${min}, ${max}]`);
    }
    return mode === 'always' ? bigOf(v) : v;
  };
}

function floatReader(schema: FloatSchema): Reader {
  const { min, max, exclusiveMin, finite } = schema.options;
  return (st) => {
    const start = st.pos;
    const k = readNum(st);
    if (k < 0) return fail(st, start, 'float');
    const v = st.isBig ? Number(st.big) : st.num;
    if (finite && !Number.isFinite(v)) return fail(st, start, 'finite float', String(v));
    if (min !== undefined && (v < min || (exclusiveMin && v === min))) {
      return fail(st, start, `float ${exclusiveMin ? '>' : '>='} ${min}`, String(v));
    }
    if (max !== undefined && v > max) return fail(st, start, `float <= ${max}`, String(v));
    if (Number.isNaN(v) && (min !== undefined || max !== undefined)) return fail(st, start, 'float in range', 'NaN');
    return v;
  };
}

function bytesReader(schema: BytesSchema): Reader {
  const size = schema.size;
  const expected = size === undefined ? 'bytes' : `bytes of length ${size}`;
  return (st) => {
    const b = st.b;
    const start = st.pos;
    let ib = b[start] as number;
    if (ib === 0xd8 && b[start + 1] === 0x40) {
      if (st.strict) return fail(st, start, 'bytes', 'tag 64', 'expected bytes, found tag 64 (strict)');
      ib = b[start + 2] as number;
      if (ib >> 5 !== 2) return fail(st, start, 'bytes', `tag 64 around ${describeItem(b, start + 2)}`);
      st.pos = start + 2;
    } else if (ib >> 5 !== 2) {
      return fail(st, start, expected);
    }
    const v = readBytesAt(st);
    if (size !== undefined && v.length !== size) {
      return fail(st, start, expected, `bytes of length ${v.length}`);
    }
    return v;
  };
}

function readScalar(st: State): unknown {
  const b = st.b;
  const ib = b[st.pos] as number;
  const major = ib >> 5;
  // Only readNum sets wasFloat: a stale value (from an earlier number, even of an earlier decode) made strict
  // mode reject a text, bool or null literal.
  st.wasFloat = false;
  if (major === 3) return readTextAt(st);
  const k = readNum(st);
  if (k >= 0) return st.isBig ? st.big : st.num;
  if (ib === 0xf4 || ib === 0xf5 || ib === 0xf6) {
    st.pos++;
    return ib === 0xf6 ? null : ib === 0xf5;
  }
  return FAIL;
}

function sameLiteral(a: unknown, b: LiteralValue): boolean {
  if (a === b) return true;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    if (typeof a === 'number' && !Number.isInteger(a)) return false;
    if (typeof b === 'number' && !Number.isInteger(b)) return false;
    return BigInt(a) === BigInt(b);
  }
  return false;
}

function choiceReader(schema: LiteralSchema<LiteralValue> | EnumSchema<LiteralValue>): Reader {
  const values = schema.kind === 'literal' ? [schema.value] : schema.values;
  const expected = values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(' / ');
  return (st) => {
    const start = st.pos;
    const v = readScalar(st);
    if (v === FAIL) return fail(st, start, expected);
    for (const candidate of values) {
      if (sameLiteral(v, candidate)) {
        if (st.wasFloat && typeof candidate !== 'number' && st.strict) break;
        if (st.wasFloat && st.strict && typeof candidate === 'number' && Number.isInteger(candidate)) break;
        return candidate;
      }
    }
    return fail(st, start, expected, typeof v === 'string' ? JSON.stringify(v) : String(v));
  };
}

/** Reads a container head (major type checked by caller): returns count, or -1 for indefinite length. */
function readCount(st: State): number {
  const ib = st.b[st.pos] as number;
  st.pos++;
  const ai = ib & 31;
  if (ai === 31) return -1;
  return ai < 24 ? ai : readArg(st, ai);
}

function arrayReader(schema: ArraySchema<Schema<unknown>>): Reader {
  const item = readerOf(schema.item);
  const { min, max } = schema;
  return (st) => {
    const b = st.b;
    const start = st.pos;
    if ((b[start] as number) >> 5 !== 4) return fail(st, start, 'array');
    const count = readCount(st);
    const out: unknown[] = [];
    let failed = false;
    for (let i = 0; count < 0 ? b[st.pos] !== 0xff : i < count; i++) {
      const np = st.np;
      const v = item(st);
      if (st.np !== np) addSeg(st, np, 1, i, i);
      if (v === FAIL) failed = true;
      else out.push(v);
    }
    if (count < 0) st.pos++;
    if (failed) return FAIL;
    if (out.length < min || out.length > max) {
      const end = st.pos;
      fail(st, start, `array of ${min}..${max} items`, `array of ${out.length} items`);
      st.pos = end;
      return FAIL;
    }
    return out;
  };
}

function tupleReader(schema: TupleSchema<Schema<unknown>[]>): Reader {
  const items = schema.items.map(readerOf);
  const n = items.length;
  return (st) => {
    const b = st.b;
    const start = st.pos;
    if ((b[start] as number) >> 5 !== 4) return fail(st, start, `array of ${n} items`);
    const save = st.pos;
    const count = readCount(st);
    if (count >= 0 && count !== n) {
      st.pos = save;
      return fail(st, start, `array of ${n} items`, `array of ${count} items`);
    }
    const out: unknown[] = [];
    let failed = false;
    let i = 0;
    for (; count < 0 ? b[st.pos] !== 0xff : i < count; i++) {
      const np = st.np;
      if (i >= n) {
        st.pos += scanItem(b, st.pos, st.end);
        continue;
      }
      const v = (items[i] as Reader)(st);
      if (st.np !== np) addSeg(st, np, 1, i, i);
      if (v === FAIL) failed = true;
      else out.push(v);
    }
    if (count < 0) {
      st.pos++;
      if (i !== n) {
        const end = st.pos;
        fail(st, start, `array of ${n} items`, `array of ${i} items`);
        st.pos = end;
        return FAIL;
      }
    }
    return failed ? FAIL : out;
  };
}

function recordReader(schema: RecordSchema<Schema<unknown>, Schema<unknown>>): Reader {
  const key = readerOf(schema.key);
  const value = readerOf(schema.value);
  const asObject = schema.key.kind === 'text';
  return (st) => {
    const b = st.b;
    const start = st.pos;
    if ((b[start] as number) >> 5 !== 5) return fail(st, start, 'map');
    const count = readCount(st);
    const obj: Record<string, unknown> = {};
    const map = new Map<unknown, unknown>();
    let failed = false;
    for (let i = 0; count < 0 ? b[st.pos] !== 0xff : i < count; i++) {
      let np = st.np;
      const k = key(st);
      if (st.np !== np) addSeg(st, np, 2, '(key)', '(key)');
      np = st.np;
      const v = value(st);
      if (k === FAIL) {
        failed = true;
        continue;
      }
      if (st.np !== np) addSeg(st, np, 2, k as string, k as string);
      if (v === FAIL) failed = true;
      else if (asObject) {
        if (k === '__proto__')
          Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[k as string] = v;
      } else map.set(k, v);
    }
    if (count < 0) st.pos++;
    if (failed) return FAIL;
    return asObject ? obj : map;
  };
}

interface StructPlan {
  table: Int32Array;
  mask: number;
  names: string[];
  keys: (string | number)[];
  fieldReaders: Reader[];
  optional: boolean[];
  textIndex: Map<number, number[]>;
  keyBytes: Uint8Array[];
  byText: Map<string, number>;
  intIndex: Map<number, number>;
  hasIntKeys: boolean;
  fields: readonly FieldInfo[];
}

function keyHash(b: Uint8Array, p: number, len: number): number {
  return (
    (Math.min(len, 63) << 24) |
    (len > 0 ? (b[p] as number) << 16 : 0) |
    (len > 1 ? (b[p + 1] as number) << 8 : 0) |
    (len > 2 ? (b[p + 2] as number) : 0)
  );
}

const encoder = new TextEncoder();

function planStruct(fields: readonly FieldInfo[]): StructPlan {
  let size = 8;
  while (size < fields.length * 4) size *= 2;
  const plan: StructPlan = {
    table: new Int32Array(size * 2).fill(-1),
    mask: size - 1,
    names: [],
    keys: [],
    fieldReaders: [],
    optional: [],
    textIndex: new Map(),
    keyBytes: [],
    byText: new Map(),
    intIndex: new Map(),
    hasIntKeys: false,
    fields,
  };
  fields.forEach((f, i) => {
    plan.names.push(f.name);
    plan.keys.push(f.key);
    plan.fieldReaders.push(readerOf(f.schema));
    plan.optional.push(f.optional);
    if (typeof f.key === 'string') {
      const kb = encoder.encode(f.key);
      plan.keyBytes[i] = kb;
      const h = keyHash(kb, 0, kb.length);
      const list = plan.textIndex.get(h) ?? [];
      list.push(i);
      plan.textIndex.set(h, list);
      if (list.length === 1) {
        let slot = slotOf(h, plan.mask);
        while ((plan.table[slot * 2 + 1] as number) !== -1) slot = (slot + 1) & plan.mask;
        plan.table[slot * 2] = h;
        plan.table[slot * 2 + 1] = i;
      } else {
        // Several keys share the hash (same length and first 3 bytes): resolved through textIndex.
        for (let slot = slotOf(h, plan.mask); ; slot = (slot + 1) & plan.mask) {
          if (plan.table[slot * 2] === h) {
            plan.table[slot * 2 + 1] = -2;
            break;
          }
        }
      }
      plan.byText.set(f.key, i);
    } else {
      plan.keyBytes[i] = new Uint8Array(0);
      plan.intIndex.set(f.key, i);
      plan.hasIntKeys = true;
    }
  });
  return plan;
}

function slotOf(h: number, mask: number): number {
  return (Math.imul(h, 0x9e3779b1) >>> 16) & mask;
}

function sameBytes(a: Uint8Array, b: Uint8Array, p: number, len: number): boolean {
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[p + i]) return false;
  return true;
}

function makeEntry(st: State, key: string | number | bigint, start: number, end: number): ExtraEntry {
  const raw = st.b.slice(start, end);
  let value: unknown;
  try {
    value = decodeOpaque(raw);
  } catch {
    value = raw;
  }
  return { key, value, raw };
}

function putExtra(extra: ExtraEntry[], entry: ExtraEntry): void {
  // Duplicate keys: the last occurrence wins, keeping the first position.
  for (let i = 0; i < extra.length; i++) {
    if ((extra[i] as ExtraEntry).key === entry.key) {
      extra[i] = entry;
      return;
    }
  }
  extra.push(entry);
}

const DECIMAL = /^(0|-?[1-9][0-9]{0,15})$/;

/** Builds the map-reading function of a struct plan; `store` names the store property. */
function structMapReader(plan: StructPlan, store: string, extraTag?: { name: string; value: unknown }): Reader {
  const { names, keys, fieldReaders, optional, textIndex, keyBytes, byText, intIndex, hasIntKeys, table, mask } = plan;
  const n = names.length;
  let busy = false;
  const scratch: unknown[] = new Array(n);
  return (st) => {
    const b = st.b;
    const start = st.pos;
    const ib = b[start] as number;
    if (ib >> 5 !== 5) return fail(st, start, 'map');
    const vals = busy ? new Array(n) : scratch;
    const wasBusy = busy;
    busy = true;
    for (let i = 0; i < n; i++) vals[i] = undefined;
    const count = readCount(st);
    let extra: ExtraEntry[] | undefined;
    let failed = false;
    for (let i = 0; count < 0 ? b[st.pos] !== 0xff : i < count; i++) {
      const kpos = st.pos;
      const kb = b[kpos] as number;
      const kmajor = kb >> 5;
      let fi = -1;
      let key: string | number | bigint;
      if (kmajor === 3 && kb !== 0x7f) {
        const ai = kb & 31;
        st.pos = kpos + 1;
        const len = ai < 24 ? ai : readArg(st, ai);
        const p = st.pos;
        const h = keyHash(b, p, len);
        for (let slot = slotOf(h, mask); ; slot = (slot + 1) & mask) {
          const at = table[slot * 2 + 1] as number;
          if (at === -1) break;
          if (table[slot * 2] !== h) continue;
          if (at >= 0) {
            if (len <= 3 || sameBytes(keyBytes[at] as Uint8Array, b, p, len)) fi = at;
          } else {
            const cands = textIndex.get(h) as number[];
            for (let c = 0; c < cands.length; c++) {
              const idx = cands[c] as number;
              if (sameBytes(keyBytes[idx] as Uint8Array, b, p, len)) {
                fi = idx;
                break;
              }
            }
          }
          break;
        }
        st.pos = p + len;
        if (fi >= 0) key = keys[fi] as string;
        else {
          key = decodeText(b, p, len);
          if (hasIntKeys && (!st.strict || st.fromValue) && DECIMAL.test(key)) fi = intIndex.get(Number(key)) ?? -1;
        }
      } else if (kmajor <= 1) {
        readNum(st);
        key = st.isBig ? st.big : st.num;
        if (!st.isBig) fi = intIndex.get(st.num) ?? -1;
      } else if (kb === 0x7f) {
        key = readTextAt(st);
        fi = byText.get(key) ?? -1;
      } else {
        // A key of another type: the map cannot be a struct.
        fail(st, kpos, 'text or integer key');
        st.pos += scanItem(b, st.pos, st.end);
        failed = true;
        continue;
      }
      const vpos = st.pos;
      if (fi >= 0) {
        if (b[vpos] === 0xf7) {
          // CBOR undefined counts as absent.
          st.pos = vpos + 1;
          vals[fi] = undefined;
          continue;
        }
        const np = st.np;
        const v = (fieldReaders[fi] as Reader)(st);
        if (st.np !== np) {
          addSeg(st, np, 0, names[fi] as string, key);
          for (let q = np; q < st.problems.length; q++) {
            const prob = st.problems[q] as InternalProblem;
            if ((prob as { key?: unknown }).key === undefined) (prob as { key?: unknown }).key = key;
          }
        }
        if (v === FAIL) {
          if (optional[fi] && !st.strict) {
            vals[fi] = undefined;
            if (extra === undefined) extra = [];
            putExtra(extra, makeEntry(st, key, vpos, st.pos));
          } else {
            vals[fi] = FAIL;
            failed = true;
          }
        } else {
          vals[fi] = v;
        }
      } else {
        st.pos = vpos + scanItem(b, vpos, st.end);
        if (extra === undefined) extra = [];
        putExtra(extra, makeEntry(st, key, vpos, st.pos));
      }
    }
    if (count < 0) st.pos++;
    const end = st.pos;
    for (let i = 0; i < n; i++) {
      if (vals[i] === undefined && !optional[i]) {
        const np = st.np;
        pushProblem(
          st,
          start,
          describeSchema(plan.fields[i] as FieldInfo),
          'absent',
          `missing required field`,
          'SCHEMA_MISMATCH',
        );
        addSeg(st, np, 0, names[i] as string, keys[i] as string | number);
        (st.problems[np] as { key?: unknown }).key = keys[i];
        failed = true;
      }
    }
    busy = wasBusy;
    st.pos = end;
    if (failed) return FAIL;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const v = vals[i];
      if (v !== undefined) out[names[i] as string] = v;
    }
    if (extraTag !== undefined) out[extraTag.name] = extraTag.value;
    if (extra !== undefined) out[store] = extra;
    else if (extraTag !== undefined) out[store] = [];
    return out;
  };
}

function describeSchema(field: FieldInfo): string {
  const s = field.schema;
  return s.kind === 'nullable' ? `${(s as NullableSchema<Schema<unknown>>).inner.kind} or null` : s.kind;
}

function structReader(schema: AnyStructSchema): Reader {
  return structMapReader(planStruct(schema.fields), schema.extraKey);
}

function unionReader(schema: UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject'>): Reader {
  const field = schema.base.field(schema.discriminator) as FieldInfo;
  const discKey = field.key;
  const discName = schema.discriminator;
  const discBytes = typeof discKey === 'string' ? encoder.encode(discKey) : undefined;
  const textual = field.schema.kind === 'text';
  const byValue = new Map<string | number, Reader>();
  for (const [value, merged] of schema.merged) byValue.set(value, structReader(merged));
  const unknownReader = structMapReader(planStruct(schema.unknownStruct.fields), 'fields', {
    name: 'unknown',
    value: true,
  });
  const keepUnknown = schema.unknown === 'keep';
  const dispatch = (st: State, start: number, disc: unknown): unknown => {
    const reader = typeof disc === 'number' || typeof disc === 'string' ? byValue.get(disc) : undefined;
    if (reader !== undefined) return reader(st);
    if (disc === undefined || keepUnknown) return unknownReader(st);
    const end = start + scanItem(st.b, start, st.end);
    const np = st.np;
    pushProblem(
      st,
      start,
      [...byValue.keys()].join(' / '),
      String(disc),
      `unknown ${discName} ${String(disc)}`,
      'SCHEMA_MISMATCH',
    );
    addSeg(st, np, 0, discName, discKey);
    (st.problems[np] as InternalProblem).key = discKey;
    st.pos = end;
    return FAIL;
  };
  return (st) => {
    const b = st.b;
    const start = st.pos;
    if ((b[start] as number) >> 5 !== 5) return fail(st, start, 'map');
    // Find the discriminator's value without decoding the rest (a usable value only; else undefined).
    const count = readCount(st);
    let disc: unknown;
    for (let i = 0; count < 0 ? b[st.pos] !== 0xff : i < count; i++) {
      const kpos = st.pos;
      const kb = b[kpos] as number;
      let match = false;
      if (kb >> 5 === 3 && kb !== 0x7f && discBytes !== undefined) {
        const ai = kb & 31;
        st.pos = kpos + 1;
        const len = ai < 24 ? ai : readArg(st, ai);
        match = sameBytes(discBytes, b, st.pos, len);
        st.pos += len;
      } else if (kb >> 5 <= 1 && discBytes === undefined) {
        readNum(st);
        match = !st.isBig && st.num === discKey;
      } else {
        st.pos += scanItem(b, kpos, st.end);
      }
      if (match) {
        const vb = b[st.pos] as number;
        if (textual) {
          if (vb >> 5 === 3) disc = readTextAt(st);
        } else if (vb < 24) {
          disc = vb;
        } else {
          const k = readNum(st);
          if (k === K_UINT || (k === K_NINT && field.schema.kind === 'int')) disc = st.isBig ? undefined : st.num;
          else if (k === K_FLOAT && !st.strict && Number.isInteger(st.num)) disc = st.num;
        }
        break;
      }
      st.pos += scanItem(b, st.pos, st.end);
    }
    st.pos = start;
    const value = dispatch(st, start, disc);
    if (value !== FAIL && value !== null && typeof value === 'object') {
      // Duplicate discriminator keys: the last occurrence wins, as for every other key.
      const last = (value as Record<string, unknown>)[discName];
      if (
        last !== disc &&
        (value as { unknown?: unknown }).unknown !== true &&
        (typeof last === 'number' || typeof last === 'string')
      ) {
        st.pos = start;
        return dispatch(st, start, last);
      }
    }
    return value;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Fast path
//
// Structs and unions first try a schema-specialised reader that handles the common wire form only: a definite
// map whose keys are the shortest encodings of the declared wire keys, in declared order, each at most once
// (plus short unknown keys, kept in the store as the generic reader keeps them), with values that decode without
// any problem (integers, integral floats and tag 64 bytes in tolerant mode, definite text and bytes, opaque
// values, ...). Anything else (repeated or reordered keys, indefinite lengths, a value with a problem, a missing
// required field, an unknown union variant, truncation) makes it give up with BAIL, and the generic reader above
// decodes the item from its start, so results, problems and stores are the same either way. Fast readers push no problems (nested generic readers are rolled back) and read nothing at or after
// `st.end`, so the sequence decoder may run them on a window before the item was measured.

/** Returned by fast readers that give up; `st.pos` is then unspecified (internal). */
export const BAIL: unique symbol = Symbol('cbor-schema.bail');
type FastReader = (st: State) => unknown;

const F_INT = 0;
const F_TEXT = 1;
const F_BYTES = 2;
const F_ANY = 3;
const F_OTHER = 4;
const M_AUTO = 0;
const M_ALWAYS = 1;
const M_NEVER = 2;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

interface IntSpec {
  signed: boolean;
  mode: number;
  /** `min` as a number, or -Infinity when every safe integer is >= min. */
  loN: number;
  /** `max` as a number, or Infinity when every safe integer is <= max. */
  hiN: number;
  min: bigint;
  max: bigint;
}

interface FastPlan {
  n: number;
  names: string[];
  /** Shortest encoding of each wire key (initial byte included). */
  enc: Uint8Array[];
  /** First byte of each `enc`. */
  k0: Int32Array;
  kinds: Int32Array;
  ints: (IntSpec | undefined)[];
  sizes: Int32Array;
  schemas: Schema<unknown>[];
  others: (FastReader | undefined)[];
  optional: boolean[];
  required: number;
  /** Store property name (unknown keys go there). */
  store: string;
  /** Some wire key is an integer (decimal text keys may then match it: left to the generic reader). */
  hasIntKeys: boolean;
}

const valueFastReaders = new WeakMap<Schema<unknown>, FastReader>();
const topFastReaders = new WeakMap<Schema<unknown>, FastReader | null>();
const slowReaders = new WeakMap<Schema<unknown>, Reader>();
let fastEnabled = true;

/**
 * Turns the fast path on or off (tests compare it with the generic readers). Sequence decoders keep the
 * setting they were created with.
 * @internal
 */
export function setFastPath(enabled: boolean): void {
  fastEnabled = enabled;
}

function intSpec(schema: UintSchema | IntSchema): IntSpec {
  const { min, max } = schema;
  return {
    signed: schema.kind === 'int',
    mode: schema.bigint === 'always' ? M_ALWAYS : schema.bigint === 'never' ? M_NEVER : M_AUTO,
    loN: min < -MAX_SAFE_BIG ? Number.NEGATIVE_INFINITY : Number(min),
    hiN: max > MAX_SAFE_BIG ? Number.POSITIVE_INFINITY : Number(max),
    min,
    max,
  };
}

/** Shortest CBOR encoding of a text or safe-integer wire key. */
function encodeKey(key: WireKey): Uint8Array {
  let major: number;
  let arg: number;
  let body: Uint8Array;
  if (typeof key === 'string') {
    body = encoder.encode(key);
    major = 3;
    arg = body.length;
  } else {
    body = new Uint8Array(0);
    major = key < 0 ? 1 : 0;
    arg = key < 0 ? -1 - key : key;
  }
  const head: number[] = [];
  if (arg < 24) head.push((major << 5) | arg);
  else if (arg < 0x100) head.push((major << 5) | 24, arg);
  else if (arg < 0x10000) head.push((major << 5) | 25, arg >> 8, arg & 0xff);
  else if (arg < TWO32) head.push((major << 5) | 26, arg >>> 24, (arg >> 16) & 0xff, (arg >> 8) & 0xff, arg & 0xff);
  else {
    const hi = Math.floor(arg / TWO32);
    const lo = arg >>> 0;
    head.push((major << 5) | 27, hi >>> 24, (hi >> 16) & 0xff, (hi >> 8) & 0xff, hi & 0xff);
    head.push(lo >>> 24, (lo >> 16) & 0xff, (lo >> 8) & 0xff, lo & 0xff);
  }
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

function fastPlan(fields: readonly FieldInfo[], store: string): FastPlan {
  const n = fields.length;
  const plan: FastPlan = {
    n,
    names: [],
    enc: [],
    k0: new Int32Array(n),
    kinds: new Int32Array(n),
    ints: [],
    sizes: new Int32Array(n).fill(-1),
    schemas: [],
    others: [],
    optional: [],
    required: 0,
    store,
    hasIntKeys: fields.some((f) => typeof f.key === 'number'),
  };
  fields.forEach((f, i) => {
    const enc = encodeKey(f.key);
    plan.names.push(f.name);
    plan.enc.push(enc);
    plan.k0[i] = enc[0] as number;
    plan.optional.push(f.optional);
    if (!f.optional) plan.required++;
    const s = f.schema;
    plan.ints.push(s.kind === 'uint' || s.kind === 'int' ? intSpec(s as UintSchema | IntSchema) : undefined);
    plan.schemas.push(s);
    plan.others.push(undefined);
    if (s.kind === 'uint' || s.kind === 'int') plan.kinds[i] = F_INT;
    else if (s.kind === 'text') plan.kinds[i] = F_TEXT;
    else if (s.kind === 'bytes') {
      plan.kinds[i] = F_BYTES;
      plan.sizes[i] = (s as BytesSchema).size ?? -1;
    } else if (s.kind === 'any') plan.kinds[i] = F_ANY;
    // Other kinds: resolved on first use (`others`), when every schema is built.
    else plan.kinds[i] = F_OTHER;
  });
  return plan;
}

/** Reads the argument of additional information `ai` (initial byte already consumed, bounded by st.end): -1 if unusual. */
function fastArg(st: State, ai: number): number {
  if (ai < 24) return ai;
  const b = st.b;
  const p = st.pos;
  const room = st.end - p;
  if (ai === 24) {
    if (room < 1) return -1;
    st.pos = p + 1;
    return b[p] as number;
  }
  if (ai === 25) {
    if (room < 2) return -1;
    st.pos = p + 2;
    return ((b[p] as number) << 8) | (b[p + 1] as number);
  }
  if (ai === 26) {
    if (room < 4) return -1;
    st.pos = p + 4;
    return (
      (b[p] as number) * 0x1000000 + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number))
    );
  }
  if (ai === 27) {
    if (room < 8) return -1;
    const hi =
      (b[p] as number) * 0x1000000 +
      (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
    if (hi >= 0x200000) return -1;
    const lo =
      (b[p + 4] as number) * 0x1000000 +
      (((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number));
    st.pos = p + 8;
    return hi * TWO32 + lo;
  }
  return -1;
}

function fastBigInt(v: bigint, spec: IntSpec): unknown {
  if (v < spec.min || v > spec.max || spec.mode === M_NEVER) return BAIL;
  return v;
}

/** Integer at st.pos (< st.end), as the generic integer reader returns it when it has no problem. */
function fastInt(st: State, spec: IntSpec): unknown {
  const b = st.b;
  const ib = b[st.pos] as number;
  const major = ib >> 5;
  if (major > 1) return ib >= 0xf9 && ib <= 0xfb ? fastFloatInt(st, spec, ib) : BAIL;
  if (major === 1 && !spec.signed) return BAIL;
  const ai = ib & 31;
  st.pos++;
  let a: number;
  if (ai < 24) a = ai;
  else if (ai === 27) {
    const p = st.pos;
    if (st.end - p < 8) return BAIL;
    const hi =
      (b[p] as number) * 0x1000000 +
      (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
    const lo =
      (b[p + 4] as number) * 0x1000000 +
      (((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number));
    st.pos = p + 8;
    if (hi >= 0x200000) {
      const big = (BigInt(hi) << 32n) | BigInt(lo);
      return fastBigInt(major === 0 ? big : -1n - big, spec);
    }
    a = hi * TWO32 + lo;
  } else {
    a = fastArg(st, ai);
    if (a < 0) return BAIL;
  }
  let v: number;
  if (major === 0) v = a;
  else if (a < MAX_SAFE) v = -1 - a;
  else return fastBigInt(-1n - BigInt(a), spec);
  if (v < spec.loN || v > spec.hiN) return BAIL;
  return spec.mode === M_ALWAYS ? bigOf(v) : v;
}

/** An integral float for an integer (tolerant mode only), as the generic integer reader takes it. */
function fastFloatInt(st: State, spec: IntSpec, ib: number): unknown {
  if (st.strict) return BAIL;
  const b = st.b;
  const p = st.pos;
  const room = st.end - p;
  let f: number;
  if (ib === 0xf9) {
    if (room < 3) return BAIL;
    f = half(b[p + 1] as number, b[p + 2] as number);
    st.pos = p + 3;
  } else if (ib === 0xfa) {
    if (room < 5) return BAIL;
    f = dataView(st).getFloat32(p + 1);
    st.pos = p + 5;
  } else {
    if (room < 9) return BAIL;
    f = dataView(st).getFloat64(p + 1);
    st.pos = p + 9;
  }
  if (!Number.isInteger(f)) return BAIL;
  if (!Number.isSafeInteger(f)) return fastBigInt(BigInt(f), spec);
  const v = f === 0 ? 0 : f; // -0 becomes 0
  if (v < spec.loN || v > spec.hiN) return BAIL;
  return spec.mode === M_ALWAYS ? bigOf(v) : v;
}

function fastText(st: State): unknown {
  const ib = st.b[st.pos] as number;
  if (ib >> 5 !== 3) return BAIL;
  st.pos++;
  const len = fastArg(st, ib & 31);
  const p = st.pos;
  if (len < 0 || len > st.end - p) return BAIL;
  st.pos = p + len;
  return decodeText(st.b, p, len);
}

function fastBytes(st: State, size: number): unknown {
  const b = st.b;
  let p = st.pos;
  let ib = b[p] as number;
  if (ib === 0xd8) {
    // Tag 64 around a byte string: unwrapped in tolerant mode only.
    if (st.strict || st.end - p < 3 || b[p + 1] !== 0x40) return BAIL;
    p += 2;
    ib = b[p] as number;
  }
  if (ib >> 5 !== 2) return BAIL;
  st.pos = p + 1;
  const len = fastArg(st, ib & 31);
  const q = st.pos;
  if (len < 0 || len > st.end - q || (size >= 0 && len !== size)) return BAIL;
  st.pos = q + len;
  return st.copy ? b.slice(q, q + len) : b.subarray(q, q + len);
}

function fastAny(st: State): unknown {
  const p = st.pos;
  const len = scanItem(st.b, p, st.end);
  if (len < 0) return BAIL;
  let v: unknown;
  try {
    v = opaqueAt(st, p, p + len);
  } catch {
    return BAIL;
  }
  st.pos = p + len;
  // `undefined` counts as absent in a struct: left to the generic reader.
  return v === undefined ? BAIL : v;
}

/** Runs a generic reader on the measured item at st.pos; any problem is rolled back and gives BAIL. */
function guarded(reader: Reader): FastReader {
  return (st) => {
    const p = st.pos;
    const len = scanItem(st.b, p, st.end);
    if (len < 0) return BAIL;
    const end = st.end;
    const np = st.np;
    st.end = p + len;
    const v = reader(st);
    st.end = end;
    if (v === FAIL || st.np !== np) {
      st.problems.length = np;
      st.np = np;
      return BAIL;
    }
    return v;
  };
}

/** Fast reader of any schema (used for struct values of kinds without an inline case). */
function fastOf(schema: Schema<unknown>): FastReader {
  const cached = valueFastReaders.get(schema);
  if (cached !== undefined) return cached;
  let fast: FastReader;
  switch (schema.kind) {
    case 'uint':
    case 'int': {
      const spec = intSpec(schema as UintSchema | IntSchema);
      fast = (st) => fastInt(st, spec);
      break;
    }
    case 'text':
      fast = fastText;
      break;
    case 'bytes': {
      const size = (schema as BytesSchema).size ?? -1;
      fast = (st) => fastBytes(st, size);
      break;
    }
    case 'any':
      fast = fastAny;
      break;
    case 'bool':
      fast = (st) => {
        const ib = st.b[st.pos];
        if (ib !== 0xf4 && ib !== 0xf5) return BAIL;
        st.pos++;
        return ib === 0xf5;
      };
      break;
    case 'nullable': {
      const inner = fastOf((schema as NullableSchema<Schema<unknown>>).inner);
      fast = (st) => {
        if (st.b[st.pos] === 0xf6) {
          st.pos++;
          return null;
        }
        return inner(st);
      };
      break;
    }
    case 'struct':
    case 'union':
      fast = topFastOf(schema) ?? guarded(readerOf(schema));
      break;
    default:
      fast = guarded(readerOf(schema));
  }
  valueFastReaders.set(schema, fast);
  return fast;
}

/** Fast reader of a struct or union, or undefined (other kinds, or a union the fast path does not cover). */
function topFastOf(schema: Schema<unknown>): FastReader | undefined {
  const cached = topFastReaders.get(schema);
  if (cached !== undefined) return cached ?? undefined;
  let fast: FastReader | undefined;
  if (schema.kind === 'struct') {
    const struct = schema as unknown as AnyStructSchema;
    fast = fastStruct(fastPlan(struct.fields, struct.extraKey));
  } else if (schema.kind === 'union')
    fast = fastUnion(schema as UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject'>);
  topFastReaders.set(schema, fast ?? null);
  return fast;
}

// Outputs of readFieldsFast besides its return value.
let fastNext = 0;
let fastReq = 0;

/** Whether the key at `p` is the shortest encoding of any wire key of `fp`. */
function anyFieldKey(fp: FastPlan, b: Uint8Array, p: number, end: number): boolean {
  for (let i = 0; i < fp.n; i++) {
    const k = fp.enc[i] as Uint8Array;
    if (k.length > end - p) continue;
    let j = 0;
    while (j < k.length && b[p + j] === k[j]) j++;
    if (j === k.length) return true;
  }
  return false;
}

/**
 * Reads the unknown key at st.pos (< st.end) and its value into `extra` as the generic struct reader does, or
 * returns false: only one-byte integer keys and short text keys that are no field's key in any form qualify.
 */
function fastExtraEntry(st: State, fp: FastPlan, extra: ExtraEntry[]): boolean {
  const b = st.b;
  const end = st.end;
  const p = st.pos;
  const kb = b[p] as number;
  let key: string | number;
  let vpos: number;
  if (kb < 24) {
    key = kb;
    vpos = p + 1;
  } else if (kb >= 0x20 && kb < 0x38) {
    key = -1 - (kb - 0x20);
    vpos = p + 1;
  } else if (kb >= 0x60 && kb < 0x78) {
    const len = kb - 0x60;
    if (len >= end - p) return false;
    key = decodeText(b, p + 1, len);
    if (fp.hasIntKeys && DECIMAL.test(key)) return false;
    vpos = p + 1 + len;
  } else {
    return false;
  }
  if (anyFieldKey(fp, b, p, end)) return false;
  const len = scanItem(b, vpos, end);
  if (len < 0) return false;
  st.pos = vpos + len;
  putExtra(extra, makeEntry(st, key, vpos, vpos + len));
  return true;
}

/**
 * Reads up to `remaining` key/value pairs at st.pos into `out`, matching keys against fields `next` … `limit - 1`
 * in order; stops early once field `limit - 1` was read. Unknown keys go to the store when `extraOk`, in which
 * case the store is set on `out` at the end. Returns the pairs left, or -1 to bail. Sets `fastNext` (next
 * field index) and `fastReq` (`req` plus the required fields read).
 */
function readFieldsFast(
  st: State,
  fp: FastPlan,
  out: Record<string, unknown>,
  next: number,
  limit: number,
  remaining: number,
  req: number,
  extraOk: boolean,
): number {
  const b = st.b;
  const end = st.end;
  const { enc, k0, kinds } = fp;
  let p = st.pos;
  let extra: ExtraEntry[] | undefined;
  while (remaining > 0 && next < limit) {
    if (p >= end) return -1;
    const kb = b[p] as number;
    let fi = next;
    let key: Uint8Array | undefined;
    for (; fi < limit; fi++) {
      if (k0[fi] !== kb) continue;
      const k = enc[fi] as Uint8Array;
      const kl = k.length;
      if (kl > end - p) continue;
      let j = 1;
      while (j < kl && b[p + j] === k[j]) j++;
      if (j === kl) {
        key = k;
        break;
      }
    }
    if (key === undefined) {
      if (!extraOk) return -1;
      if (extra === undefined) extra = [];
      st.pos = p;
      if (!fastExtraEntry(st, fp, extra)) return -1;
      p = st.pos;
      remaining--;
      continue;
    }
    p += key.length;
    next = fi + 1;
    remaining--;
    if (p >= end) return -1;
    if (b[p] === 0xf7) {
      // CBOR undefined counts as absent.
      p++;
      continue;
    }
    st.pos = p;
    let v: unknown;
    switch (kinds[fi]) {
      case F_INT:
        v = fastInt(st, fp.ints[fi] as IntSpec);
        break;
      case F_TEXT:
        v = fastText(st);
        break;
      case F_BYTES:
        v = fastBytes(st, fp.sizes[fi] as number);
        break;
      case F_ANY:
        v = fastAny(st);
        break;
      default: {
        let other = fp.others[fi];
        if (other === undefined) {
          other = fastOf(fp.schemas[fi] as Schema<unknown>);
          fp.others[fi] = other;
        }
        v = other(st);
      }
    }
    if (v === BAIL) return -1;
    p = st.pos;
    out[fp.names[fi] as string] = v;
    if (!fp.optional[fi]) req++;
  }
  // Unknown keys after the last field.
  while (extraOk && remaining > 0) {
    if (p >= end) return -1;
    if (extra === undefined) extra = [];
    st.pos = p;
    if (!fastExtraEntry(st, fp, extra)) return -1;
    p = st.pos;
    remaining--;
  }
  if (extra !== undefined) out[fp.store] = extra;
  st.pos = p;
  fastNext = next;
  fastReq = req;
  return remaining;
}

/** Reads a definite map head at st.pos (< st.end): the pair count, or -1. */
function fastMapHead(st: State): number {
  const ib = st.b[st.pos] as number;
  if (ib >> 5 !== 5) return -1;
  st.pos++;
  return fastArg(st, ib & 31);
}

function fastStruct(fp: FastPlan): FastReader {
  const n = fp.n;
  return (st) => {
    const count = fastMapHead(st);
    if (count < 0) return BAIL;
    const out: Record<string, unknown> = {};
    if (readFieldsFast(st, fp, out, 0, n, count, 0, true) !== 0 || fastReq !== fp.required) return BAIL;
    return out;
  };
}

function fastUnion(schema: UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject'>): FastReader | undefined {
  const baseFields = schema.base.fields;
  const discName = schema.discriminator;
  const d = baseFields.findIndex((f) => f.name === discName);
  // The fields up to the discriminator are read before the variant is known: every variant must share them.
  const byValue = new Map<string | number, FastPlan>();
  for (const [value, merged] of schema.merged) {
    for (let i = 0; i <= d; i++) {
      const a = baseFields[i] as FieldInfo;
      const m = merged.fields[i];
      if (m === undefined || m.name !== a.name || m.key !== a.key || m.schema !== a.schema || m.optional !== a.optional)
        return undefined;
    }
    byValue.set(value, fastPlan(merged.fields, merged.extraKey));
  }
  const basePlan = fastPlan(baseFields, schema.base.extraKey);
  return (st) => {
    const count = fastMapHead(st);
    if (count < 0) return BAIL;
    const out: Record<string, unknown> = {};
    const rest = readFieldsFast(st, basePlan, out, 0, d + 1, count, 0, false);
    if (rest < 0 || fastNext !== d + 1) return BAIL;
    let disc = out[discName];
    if (typeof disc === 'bigint') {
      if (disc > MAX_SAFE_BIG || disc < -MAX_SAFE_BIG) return BAIL;
      disc = Number(disc);
    } else if (typeof disc !== 'number' && typeof disc !== 'string') return BAIL;
    const vp = byValue.get(disc as number | string);
    if (vp === undefined) return BAIL;
    if (readFieldsFast(st, vp, out, d + 1, vp.n, rest, fastReq, true) !== 0 || fastReq !== vp.required) return BAIL;
    return out;
  };
}

/** End offset of the item read by the last successful {@link readFast} (internal). */
export let fastEnd = 0;

/** Returns the fast reader of a top-level struct or union schema, when the fast path applies (internal). */
export function fastReaderOf(schema: Schema<unknown>): FastReader | undefined {
  return fastEnabled ? topFastOf(schema) : undefined;
}

/** Wraps the generic reader of a struct or union: the fast reader first, the generic one if it gives up. */
function withFast(schema: Schema<unknown>, generic: Reader): Reader {
  slowReaders.set(schema, generic);
  const fast = topFastOf(schema);
  if (fast === undefined) return generic;
  return (st) => {
    if (fastEnabled) {
      const start = st.pos;
      const v = fast(st);
      if (v !== BAIL) return v;
      st.pos = start;
    }
    return generic(st);
  };
}

/** The reader without the fast attempt, for items the fast reader gave up on (internal). */
export function slowReaderOf(schema: Schema<unknown>): Reader {
  const reader = readerOf(schema);
  return slowReaders.get(schema) ?? reader;
}

/**
 * Runs a fast reader on the item at `pos` of `b`, reading nothing at or after `end` (the item need not have been
 * measured): returns the value (problems in `lastProblems`, always none; end offset in `fastEnd`) or BAIL.
 * @internal
 */
export function readFast(
  fast: FastReader,
  b: Uint8Array,
  pos: number,
  end: number,
  strict: boolean,
  copy: boolean,
): unknown {
  if (pos >= end) return BAIL;
  let st = shared;
  shared = undefined;
  if (st === undefined) st = newState();
  st.b = b;
  st.pos = pos;
  st.end = end;
  st.strict = strict;
  st.fromValue = false;
  st.copy = copy;
  st.np = 0;
  st.dv = undefined;
  try {
    const value = fast(st);
    if (value !== BAIL) {
      fastEnd = st.pos;
      lastProblems = EMPTY;
    }
    return value;
  } finally {
    st.b = EMPTY_BYTES;
    st.dv = undefined;
    if (st.problems.length !== 0) st.problems = [];
    shared = st;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points

function pathString(prefix: string, trail: (string | number | bigint)[], wire: boolean): string {
  let out = prefix;
  for (let i = trail.length - 3; i >= 0; i -= 3) {
    const kind = trail[i];
    const seg = trail[i + (wire ? 2 : 1)] as string | number | bigint;
    if (kind === 1) out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(typeof seg === 'bigint' ? seg.toString() : seg)}]`;
  }
  return out;
}

function finishProblems(st: State, prefix: string, base: number): Problem[] {
  return st.problems.map((p) => {
    const path = pathString(prefix, p.trail, false);
    const wirePath = pathString(prefix, p.trail, true);
    const key = (p as { key?: string | number }).key;
    const out: Problem = {
      code: p.code,
      path,
      wirePath,
      expected: p.expected,
      found: p.found,
      message: `${path === '' ? '' : `${path}: `}${p.message}`,
    };
    if (key !== undefined) out.key = key;
    if (!st.fromValue) {
      out.offset = p.offset + base;
      out.message += ` at offset ${p.offset + base}`;
    }
    return out;
  });
}

function structuralProblem(
  code: 'TRUNCATED' | 'MALFORMED_CBOR',
  offset: number,
  at: number,
  reason: string,
  prefix: string,
): Problem {
  const message =
    code === 'TRUNCATED'
      ? `${prefix === '' ? '' : `${prefix}: `}CBOR item at offset ${offset} runs past the end of the input`
      : `${prefix === '' ? '' : `${prefix}: `}malformed CBOR at offset ${at}: ${reason}`;
  return {
    code,
    path: prefix,
    wirePath: prefix,
    expected: 'CBOR item',
    found: code === 'TRUNCATED' ? 'end of input' : reason,
    offset: code === 'TRUNCATED' ? offset : at,
    message,
  };
}

/** Problems of the last {@link readRaw} call (internal). */
export let lastProblems: readonly Problem[] = EMPTY;

/**
 * Decodes the item at `offset` of `b` (internal workhorse): returns the value or FAIL, problems in
 * `lastProblems`. `length` must be the scanned item length. Strict mode throws.
 * @internal
 */
export function readRaw(
  reader: Reader,
  b: Uint8Array,
  offset: number,
  length: number,
  options: DecodeOptions,
  fromValue: boolean,
): unknown {
  let st = shared;
  shared = undefined;
  if (st === undefined) st = newState();
  st.b = b;
  st.pos = offset;
  st.end = offset + length;
  st.strict = options.mode === 'strict';
  st.fromValue = fromValue;
  st.copy = options.copyBytes === true;
  st.np = 0;
  st.dv = undefined;
  try {
    const value = reader(st);
    if (st.np === 0) {
      lastProblems = EMPTY;
      return value;
    }
    const problems = finishProblems(st, options.path ?? '', options.baseOffset ?? 0);
    st.problems = [];
    if (st.strict) throw CborSchemaError.fromProblem(problems[0] as Problem);
    lastProblems = problems;
    return value;
  } finally {
    st.b = EMPTY_BYTES;
    st.dv = undefined;
    if (st.problems.length !== 0) st.problems = [];
    shared = st;
  }
}

/** Like {@link readRaw}, as a {@link DecodeResult} (internal). */
export function runReader(
  reader: Reader,
  b: Uint8Array,
  offset: number,
  length: number,
  options: DecodeOptions,
  fromValue: boolean,
): DecodeResult<unknown> {
  const value = readRaw(reader, b, offset, length, options, fromValue);
  const problems = lastProblems;
  if (value === FAIL) return { ok: false, value: undefined, problems };
  return { ok: true, value, problems };
}

const EMPTY_BYTES = new Uint8Array(0);

/**
 * `{ ok: true, value, problems }`, built from an empty literal: V8 does not pretenure those, so results a caller
 * keeps do not make later short-lived results start in the old generation.
 */
function okResult<T>(value: T, problems: readonly Problem[]): { ok: true; value: T; problems: readonly Problem[] } {
  const result = {} as { ok: true; value: T; problems: readonly Problem[] };
  result.ok = true;
  result.value = value;
  result.problems = problems;
  return result;
}

function normalise(bytes: Uint8Array): Uint8Array {
  // Node Buffers (and other subclasses) become plain views so that no Buffer leaks into values.
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function structural(
  _b: Uint8Array,
  offset: number,
  length: number,
  options: DecodeOptions,
): DecodeResult<unknown> | undefined {
  if (length >= 0) return undefined;
  const base = options.baseOffset ?? 0;
  const prefix = options.path ?? '';
  const problem =
    length === SCAN_TRUNCATED
      ? structuralProblem('TRUNCATED', offset + base, offset + base, '', prefix)
      : structuralProblem(
          'MALFORMED_CBOR',
          offset + base,
          lastScanFailure().at + base,
          lastScanFailure().reason,
          prefix,
        );
  if (options.mode === 'strict') throw CborSchemaError.fromProblem(problem);
  return { ok: false, value: undefined, problems: [problem] };
}

/**
 * Decodes `bytes`, which must hold exactly one CBOR item, with `schema`.
 *
 * Tolerant mode (default) never throws on bad data: it returns `ok: false` with problems when the value is
 * unusable, and `ok: true` with problems when only optional parts were unusable (moved to the store).
 * Strict mode throws a {@link CborSchemaError} (`SCHEMA_MISMATCH`, `MALFORMED_CBOR`, `TRUNCATED`,
 * `TRAILING_BYTES`) for the first problem.
 *
 * @example
 * ```ts
 * const r = decode(c.struct({ streamId: c.field('sid', c.uint()) }), bytes);
 * if (r.ok) console.log(r.value.streamId);
 * else console.log(r.problems[0].message);
 * ```
 */
export function decode<T>(schema: Schema<T>, bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult<T> {
  const b = normalise(bytes);
  const fast = fastReaderOf(schema);
  if (fast !== undefined) {
    const value = readFast(fast, b, 0, b.length, options.mode === 'strict', options.copyBytes === true);
    if (value !== BAIL && fastEnd === b.length) return okResult(value as T, EMPTY) as DecodeResult<T>;
  }
  const length = scanItem(b, 0, b.length);
  const bad = structural(b, 0, length, options);
  if (bad !== undefined) return bad as DecodeResult<T>;
  const result = runReader(readerOf(schema), b, 0, length, options, false) as DecodeResult<T>;
  if (length !== b.length) {
    const base = options.baseOffset ?? 0;
    const problem: Problem = {
      code: 'TRAILING_BYTES',
      path: options.path ?? '',
      wirePath: options.path ?? '',
      expected: 'end of input',
      found: `${b.length - length} more bytes`,
      offset: length + base,
      message: `${b.length - length} bytes after the CBOR item at offset ${length + base}`,
    };
    if (options.mode === 'strict') throw CborSchemaError.fromProblem(problem);
    return { ...result, problems: [...result.problems, problem] } as DecodeResult<T>;
  }
  return result;
}

/**
 * Decodes the one CBOR item starting at `offset` of `bytes` (bytes after it are ignored) and says where it
 * ended. Offsets in problems are `baseOffset + offset-in-bytes`.
 *
 * @example
 * ```ts
 * const r = decodeItem(eventSchema, window, 0, { baseOffset: 1200, path: 'events[3]' });
 * if (r.length >= 0) next = r.offset + r.length;
 * ```
 */
export function decodeItem<T>(
  schema: Schema<T>,
  bytes: Uint8Array,
  offset = 0,
  options: DecodeOptions & { end?: number } = {},
): DecodeItemResult<T> {
  const b = normalise(bytes);
  const fast = fastReaderOf(schema);
  if (fast !== undefined) {
    const end = Math.min(options.end ?? b.length, b.length);
    const value = readFast(fast, b, offset, end, options.mode === 'strict', options.copyBytes === true);
    if (value !== BAIL) {
      const result = okResult(value as T, EMPTY) as DecodeItemResult<T>;
      result.offset = offset;
      result.length = fastEnd - offset;
      return result;
    }
  }
  const length = scanItem(b, offset, options.end ?? b.length);
  const bad = structural(b, offset, length, options);
  if (bad !== undefined) return { ...bad, offset, length: -1 } as DecodeItemResult<T>;
  const result = runReader(readerOf(schema), b, offset, length, options, false) as DecodeItemResult<T>;
  result.offset = offset;
  result.length = length;
  return result;
}

/**
 * Validates and maps an already-decoded value (e.g. what cbor-x returned, or a plain JS object using wire
 * keys) with `schema`, as if its CBOR encoding had been read. Problems carry no offsets. Text keys that are
 * decimal integers match integer wire keys (cbor-x turns integer map keys into text).
 *
 * @example
 * ```ts
 * decodeValue(c.struct({ streamId: c.field('sid', c.uint()) }), { sid: 7 }).value; // { streamId: 7 }
 * ```
 */
export function decodeValue<T>(schema: Schema<T>, value: unknown, options: DecodeOptions = {}): DecodeResult<T> {
  let bytes: Uint8Array;
  try {
    bytes = valueToBytes(value);
  } catch (error) {
    const problem: Problem = {
      code: 'SCHEMA_MISMATCH',
      path: options.path ?? '',
      wirePath: options.path ?? '',
      expected: 'CBOR-encodable value',
      found: typeof value,
      message: `value cannot be represented in CBOR: ${(error as Error).message}`,
    };
    if (options.mode === 'strict') throw CborSchemaError.fromProblem(problem);
    return { ok: false, value: undefined, problems: [problem] };
  }
  return runReader(readerOf(schema), bytes, 0, bytes.length, { ...options, copyBytes: true }, true) as DecodeResult<T>;
}
