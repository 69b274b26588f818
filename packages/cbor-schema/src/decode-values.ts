/**
 * Compiled readers of value schemas: integers, floats, strings, literals, arrays, tuples, records, opaque
 * values, nullables and transforms (structs and unions are in `decode-struct.ts`).
 *
 * @internal
 * @module
 */
import {
  addSeg,
  BAIL,
  bigOf,
  type DecodeState,
  describeItem,
  FAIL,
  fail,
  K_BAIL,
  K_FLOAT,
  K_NINT,
  K_NONE,
  pushProblem,
  type Reader,
  readArg,
  readBytesAt,
  readNum,
  readOpaque,
  readTextAt,
  skipAt,
} from './decode-core.js';
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

/** Looks up (and caches) the compiled reader of a schema. */
export type ReaderOf = (schema: Schema<unknown>) => Reader;

/** Compiles the reader of a value schema (not a struct or union). */
export function compileValue(schema: Schema<unknown>, readerOf: ReaderOf): Reader {
  switch (schema.kind) {
    case 'uint':
    case 'int':
      return integerReader(schema as UintSchema | IntSchema);
    case 'float':
      return floatReader(schema as FloatSchema);
    case 'text':
      return (st) => {
        if ((st.b[st.pos] as number) >> 5 !== 3) return fail(st, st.pos, 'text');
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
      return arrayReader(schema as ArraySchema<Schema<unknown>>, readerOf);
    case 'tuple':
      return tupleReader(schema as TupleSchema<Schema<unknown>[]>, readerOf);
    case 'record':
      return recordReader(schema as RecordSchema<Schema<unknown>, Schema<unknown>>, readerOf);
    case 'any':
      return readOpaque;
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
    case 'transform':
      return transformReader(schema as TransformSchema<unknown>, readerOf);
    default:
      throw new Error(`no value reader for ${schema.kind}`);
  }
}

function integerReader(schema: UintSchema | IntSchema): Reader {
  const unsigned = schema.kind === 'uint';
  const mode = schema.bigint;
  const { min, max } = schema;
  const minN = Number(min);
  const maxN = Number(max);
  const expected = unsigned ? 'uint' : 'int';
  const small = min <= 0n && max >= 23n;
  const rangeText = `${expected} in [${min}, ${max}]`;
  return (st) => {
    const start = st.pos;
    const ib = st.b[start] as number;
    if (ib < 24 && small) {
      st.pos = start + 1;
      return mode === 'always' ? bigOf(ib) : ib;
    }
    const k = readNum(st);
    if (k === K_BAIL) return BAIL;
    if (k === K_NONE) return fail(st, start, expected);
    if (k === K_NINT && unsigned) return fail(st, start, expected, 'negative int');
    if (k === K_FLOAT) {
      const f = st.num;
      if (!Number.isInteger(f)) {
        return fail(st, start, expected, 'float', `expected ${expected}, found non-integral float ${f}`);
      }
      if (st.strict)
        return fail(st, start, expected, 'float', `expected ${expected}, found integral float ${f} (strict)`);
      if (f < 0 && unsigned)
        return fail(st, start, expected, 'float', `expected ${expected}, found negative float ${f}`);
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
    if (k === K_BAIL) return BAIL;
    if (k === K_NONE) return fail(st, start, 'float');
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
    if (ib === 0xd8 && b[start + 1] === 0x40 && start + 2 < st.end) {
      if (st.depth + 1 > st.maxDepth) return BAIL;
      if (st.strict) return fail(st, start, 'bytes', 'tag 64', 'expected bytes, found tag 64 (strict)');
      ib = b[start + 2] as number;
      if (ib >> 5 !== 2) return fail(st, start, 'bytes', `tag 64 around ${describeItem(b, start + 2)}`);
      st.pos = start + 2;
    } else if (ib >> 5 !== 2) {
      return fail(st, start, expected);
    }
    const v = readBytesAt(st);
    if (v === BAIL) return BAIL;
    if (size !== undefined && v.length !== size) return fail(st, start, expected, `bytes of length ${v.length}`);
    return v;
  };
}

function readScalar(st: DecodeState): unknown {
  const ib = st.b[st.pos] as number;
  // Only readNum sets wasFloat: a stale value (from an earlier number) must not make strict mode reject a text,
  // bool or null literal.
  st.wasFloat = false;
  if (ib >> 5 === 3) return readTextAt(st);
  const k = readNum(st);
  if (k === K_BAIL) return BAIL;
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
    if (v === BAIL) return BAIL;
    if (v === FAIL) return fail(st, start, expected);
    for (const candidate of values) {
      if (sameLiteral(v, candidate)) {
        if (st.wasFloat && st.strict) break;
        return candidate;
      }
    }
    const end = st.pos;
    const r = fail(st, start, expected, typeof v === 'string' ? JSON.stringify(v) : String(v));
    st.pos = end;
    return r;
  };
}

/**
 * Reads a container head (major type checked by the caller) and enters its level: the item count, -1 for an
 * indefinite length, or -2 (BAIL) when it runs past the end or nests too deeply.
 */
export function enterContainer(st: DecodeState): number {
  const ib = st.b[st.pos] as number;
  st.pos++;
  const ai = ib & 31;
  const count = ai === 31 ? -1 : readArg(st, ai);
  if (count === -2 || (count === -1 && ai !== 31)) return -2;
  if (count !== 0 && st.depth + 1 > st.maxDepth) return -2;
  return count;
}

/** True when another item follows in a container being read (`count` items, or until a break when -1). */
function more(st: DecodeState, i: number, count: number): boolean | typeof BAIL {
  if (count >= 0) return i < count;
  if (st.pos >= st.end) return BAIL;
  if (st.b[st.pos] === 0xff) {
    st.pos++;
    return false;
  }
  return true;
}

function arrayReader(schema: ArraySchema<Schema<unknown>>, readerOf: ReaderOf): Reader {
  const item = readerOf(schema.item);
  const { min, max } = schema;
  return (st) => {
    const start = st.pos;
    if ((st.b[start] as number) >> 5 !== 4) return fail(st, start, 'array');
    const count = enterContainer(st);
    if (count === -2) return BAIL;
    const depth = st.depth;
    st.depth = depth + 1;
    const out: unknown[] = [];
    let failed = false;
    for (let i = 0; ; i++) {
      const go = more(st, i, count);
      if (go === BAIL) return BAIL;
      if (!go) break;
      if (st.pos >= st.end) return BAIL;
      const np = st.problems.length;
      const v = item(st);
      if (v === BAIL) return BAIL;
      if (st.problems.length !== np) addSeg(st, np, 1, i, i);
      if (v === FAIL) failed = true;
      else out.push(v);
    }
    st.depth = depth;
    if (failed) return FAIL;
    if (out.length < min || out.length > max) {
      const end = st.pos;
      pushProblem(st, start, `array of ${min}..${max} items`, `array of ${out.length} items`, 'wrong number of items');
      st.pos = end;
      return FAIL;
    }
    return out;
  };
}

function tupleReader(schema: TupleSchema<Schema<unknown>[]>, readerOf: ReaderOf): Reader {
  const items = schema.items.map(readerOf);
  const n = items.length;
  const expected = `array of ${n} items`;
  return (st) => {
    const start = st.pos;
    if ((st.b[start] as number) >> 5 !== 4) return fail(st, start, expected);
    const count = enterContainer(st);
    if (count === -2) return BAIL;
    if (count >= 0 && count !== n) return fail(st, start, expected, `array of ${count} items`);
    const depth = st.depth;
    st.depth = depth + 1;
    const out: unknown[] = [];
    let failed = false;
    let i = 0;
    for (; ; i++) {
      const go = more(st, i, count);
      if (go === BAIL) return BAIL;
      if (!go) break;
      if (st.pos >= st.end) return BAIL;
      if (i >= n) {
        if (!skipAt(st, st.pos)) return BAIL;
        continue;
      }
      const np = st.problems.length;
      const v = (items[i] as Reader)(st);
      if (v === BAIL) return BAIL;
      if (st.problems.length !== np) addSeg(st, np, 1, i, i);
      if (v === FAIL) failed = true;
      else out.push(v);
    }
    st.depth = depth;
    if (count < 0 && i !== n) {
      const end = st.pos;
      pushProblem(st, start, expected, `array of ${i} items`, `expected ${expected}, found array of ${i} items`);
      st.pos = end;
      return FAIL;
    }
    return failed ? FAIL : out;
  };
}

function recordReader(schema: RecordSchema<Schema<unknown>, Schema<unknown>>, readerOf: ReaderOf): Reader {
  const key = readerOf(schema.key);
  const value = readerOf(schema.value);
  const asObject = schema.key.kind === 'text';
  return (st) => {
    const start = st.pos;
    if ((st.b[start] as number) >> 5 !== 5) return fail(st, start, 'map');
    const count = enterContainer(st);
    if (count === -2) return BAIL;
    const depth = st.depth;
    st.depth = depth + 1;
    const obj: Record<string, unknown> = {};
    const map = new Map<unknown, unknown>();
    let failed = false;
    for (let i = 0; ; i++) {
      const go = more(st, i, count);
      if (go === BAIL) return BAIL;
      if (!go) break;
      if (st.pos >= st.end) return BAIL;
      let np = st.problems.length;
      const k = key(st);
      if (k === BAIL) return BAIL;
      if (st.problems.length !== np) addSeg(st, np, 2, '(key)', '(key)');
      if (st.pos >= st.end) return BAIL;
      np = st.problems.length;
      const v = value(st);
      if (v === BAIL) return BAIL;
      if (k === FAIL) {
        failed = true;
        continue;
      }
      if (st.problems.length !== np) addSeg(st, np, 2, k as string, k as string);
      if (v === FAIL) failed = true;
      else if (asObject) {
        if (k === '__proto__') {
          Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
        } else obj[k as string] = v;
      } else map.set(k, v);
    }
    st.depth = depth;
    if (failed) return FAIL;
    return asObject ? obj : map;
  };
}

function transformReader(schema: TransformSchema<unknown>, readerOf: ReaderOf): Reader {
  const inner = readerOf(schema.inner);
  const { decode, refinement } = schema;
  return (st) => {
    const start = st.pos;
    const v = inner(st);
    if (v === BAIL || v === FAIL) return v;
    if (refinement !== undefined) {
      if (refinement.check(v)) return v;
      const end = st.pos;
      pushProblem(st, start, refinement.expected, describeItem(st.b, start), `expected ${refinement.expected}`);
      st.pos = end;
      return FAIL;
    }
    try {
      return decode(v);
    } catch (error) {
      const end = st.pos;
      pushProblem(st, start, 'transformable value', describeItem(st.b, start), (error as Error).message);
      st.pos = end;
      return FAIL;
    }
  };
}
