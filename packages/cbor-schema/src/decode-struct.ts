/**
 * Compiled readers of structs and unions: one pass over the map's entries, building the final in-memory object.
 *
 * Keys are matched by their bytes against the shortest encoding of the declared wire keys, the field expected
 * next (declared order) first; other encodings are decoded and looked up. Values are read into a per-depth scratch
 * array and the object is built at the end in declared order (the discriminator of a union first, the store
 * last), so the result does not depend on the writer's key order. Duplicate keys are reported once per key and
 * the last occurrence is used; stores are checked for duplicates through a hash, so a map with many distinct keys
 * reads in linear time.
 *
 * @internal
 * @module
 */
import {
  addSeg,
  BAIL,
  bigOf,
  type DecodeState,
  decodeText,
  FAIL,
  fail,
  type InternalProblem,
  K_BAIL,
  pushProblem,
  type Reader,
  readNum,
  readOpaque,
  readTextAt,
  skipAt,
} from './decode-core.js';
import { enterContainer, type ReaderOf } from './decode-values.js';
import { CborSchemaError } from './errors.js';
import type { IntSchema, NullableSchema, Schema, UintSchema } from './schema.js';
import {
  type AnyStructSchema,
  type ExtraEntry,
  type FieldInfo,
  type StructShape,
  sameSchema,
  type UnionSchema,
  type VariantMap,
  type WireKey,
} from './struct.js';
import { encodeKey } from './writer.js';

const F_INT = 0;
const F_TEXT = 1;
const F_ANY = 2;
const F_OTHER = 3;
const DECIMAL = /^(0|-?[1-9][0-9]{0,15})$/;

/** A compiled struct: what the entry loop needs about its fields. */
interface Plan {
  n: number;
  names: string[];
  keys: WireKey[];
  /** Shortest encoding of each wire key (head included) and its first byte. */
  enc: Uint8Array[];
  k0: Int32Array;
  kinds: Int32Array;
  /**
   * Integer fields read inline (0 none; 1 number; 2 bigint): unsigned heads up to 4 bytes (and negative ones for
   * signed fields) within [loN, hiN]; anything else goes through the field's reader.
   */
  smallInt: Int8Array;
  signed: Uint8Array;
  loN: Float64Array;
  hiN: Float64Array;
  /** Bits of the required fields (fields 0 … 30). */
  reqMask: number;
  readers: Reader[];
  optional: boolean[];
  defaults: ((() => unknown) | undefined)[];
  /** Bits of the fields with a default (fields 0 … 30). */
  defaultMask: number;
  byText: Map<string, number>;
  intIndex: Map<number, number>;
  hasIntKeys: boolean;
  store: string;
  objectStore: boolean;
  fields: readonly FieldInfo[];
  /** Union base plans: fields some variant redeclares differently (read only once the variant is known). */
  unstable: Uint8Array | undefined;
}

function makePlan(fields: readonly FieldInfo[], store: string, objectStore: boolean, readerOf: ReaderOf): Plan {
  const n = fields.length;
  const plan: Plan = {
    n,
    names: fields.map((f) => f.name),
    keys: fields.map((f) => f.key),
    enc: fields.map((f) => encodeKey(f.key)),
    k0: new Int32Array(n),
    kinds: new Int32Array(n),
    smallInt: new Int8Array(n),
    signed: new Uint8Array(n),
    loN: new Float64Array(n),
    hiN: new Float64Array(n),
    reqMask: 0,
    defaultMask: 0,
    readers: fields.map((f) => readerOf(f.schema)),
    optional: fields.map((f) => f.optional),
    defaults: fields.map((f) => f.defaultValue),
    byText: new Map(),
    intIndex: new Map(),
    hasIntKeys: false,
    store,
    objectStore,
    fields,
    unstable: undefined,
  };
  fields.forEach((f, i) => {
    plan.k0[i] = (plan.enc[i] as Uint8Array)[0] as number;
    const s = f.schema;
    if (!f.optional && i < 31) plan.reqMask |= 1 << i;
    if (f.defaultValue !== undefined && i < 31) plan.defaultMask |= 1 << i;
    if (s.kind === 'uint' || s.kind === 'int') {
      plan.kinds[i] = F_INT;
      const int = s as UintSchema | IntSchema;
      const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
      plan.signed[i] = s.kind === 'int' ? 1 : 0;
      plan.loN[i] = int.min < -maxSafe ? Number.NEGATIVE_INFINITY : Number(int.min);
      plan.hiN[i] = int.max > maxSafe ? Number.POSITIVE_INFINITY : Number(int.max);
      // Values below 2^32 compare exactly with these bounds (ends beyond the safe range only matter above 2^32).
      plan.smallInt[i] = int.bigint === 'always' ? 2 : 1;
    } else if (s.kind === 'text') plan.kinds[i] = F_TEXT;
    else if (s.kind === 'any') plan.kinds[i] = F_ANY;
    else plan.kinds[i] = F_OTHER;
    if (typeof f.key === 'string') plan.byText.set(f.key, i);
    else {
      plan.intIndex.set(f.key, i);
      plan.hasIntKeys = true;
    }
  });
  return plan;
}

/** Per-depth scratch of the struct being read (reused from item to item). */
class Frame {
  vals: unknown[] = [];
  /** Keys seen, values held, required values that were unusable (bit per field below 32). */
  seen = 0;
  has = 0;
  bad = 0;
  /** Bits of fields 32 and above. */
  wide: Uint8Array | undefined;
  fatal: (InternalProblem[] | undefined)[] | undefined;
  store: Record<string, unknown> | ExtraEntry[] | undefined;
  storeIndex: Map<string | number | bigint, number> | undefined;
  /** Entries dropped from the store (a field key seen again): holes in an entries store, compacted at the end. */
  dropped = 0;
  dups: (string | number | bigint)[] | undefined;
  /** Key of the last unknown key matched. */
  key: string | number | bigint = '';
  failed = false;
  /** The object being built, once its first properties are known (values go straight into it). */
  out: Record<string, unknown> | undefined;
  /** Highest field index stored in `out`, and whether a field came out of declared order. */
  last = -1;
  disordered = false;
  /** A union's discriminator field: its value stays in `vals` (the object holds the variant's name). */
  discIndex = -1;

  /** Starts a struct of `n` fields whose first `held` values are collected in `vals` before the object exists. */
  reset(n: number, held: number): void {
    const vals = this.vals;
    for (let i = 0; i < held; i++) vals[i] = undefined;
    this.seen = 0;
    this.has = 0;
    this.bad = 0;
    if (n > 32) this.wide = new Uint8Array(n);
    this.fatal = undefined;
    this.store = undefined;
    this.storeIndex = undefined;
    this.dropped = 0;
    this.dups = undefined;
    this.failed = false;
    this.out = undefined;
    this.last = -1;
    this.disordered = false;
    this.discIndex = -1;
  }
}

function frameAt(st: DecodeState, depth: number): Frame {
  let frame = st.frames[depth] as Frame | undefined;
  if (frame === undefined) {
    frame = new Frame();
    st.frames[depth] = frame;
  }
  return frame;
}

// Flags kept per field: 1 seen, 2 has a value, 4 unusable required value (fields >= 32 use `wide`).
function flag(frame: Frame, fi: number, bit: number): boolean {
  if (fi < 32) return ((bit === 1 ? frame.seen : bit === 2 ? frame.has : frame.bad) & (1 << fi)) !== 0;
  return (((frame.wide as Uint8Array)[fi] as number) & bit) !== 0;
}

function setFlag(frame: Frame, fi: number, bit: number, on: boolean): void {
  if (fi < 32) {
    const mask = 1 << fi;
    if (bit === 1) frame.seen = on ? frame.seen | mask : frame.seen & ~mask;
    else if (bit === 2) frame.has = on ? frame.has | mask : frame.has & ~mask;
    else frame.bad = on ? frame.bad | mask : frame.bad & ~mask;
    return;
  }
  const wide = frame.wide as Uint8Array;
  wide[fi] = on ? (wide[fi] as number) | bit : (wide[fi] as number) & ~bit;
}

/** cbor-x's property name for a decoded map key, or undefined when it has none. */
function safeKey(key: unknown): string | undefined {
  if (typeof key === 'string') return key === '__proto__' ? '__proto_' : key;
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint') return key.toString();
  if (key === null || key === undefined) return `${key}`;
  return undefined;
}

function putStore(
  frame: Frame,
  plan: Plan,
  key: string | number | bigint,
  value: unknown,
  b: Uint8Array,
  start: number,
  end: number,
): void {
  if (plan.objectStore) {
    const store = (frame.store ??= {}) as Record<string, unknown>;
    const name = key as string;
    if (Object.hasOwn(store, name)) (frame.dups ??= []).push(name);
    store[name] = value;
    return;
  }
  const store = (frame.store ??= []) as ExtraEntry[];
  const index = (frame.storeIndex ??= new Map()).get(key);
  const entry: ExtraEntry = { key, value, raw: b.slice(start, end) };
  if (index === undefined) {
    frame.storeIndex.set(key, store.length);
    store.push(entry);
  } else {
    // The last occurrence wins, at the first position.
    (frame.dups ??= []).push(key);
    store[index] = entry;
  }
}

function dropStore(frame: Frame, plan: Plan, key: string | number | bigint): void {
  if (frame.store === undefined) return;
  if (plan.objectStore) {
    const store = frame.store as Record<string, unknown>;
    if (!Object.hasOwn(store, key as string)) return;
    delete store[key as string];
    frame.dropped++;
    return;
  }
  const index = frame.storeIndex?.get(key);
  if (index === undefined) return;
  // A hole, in O(1): removing the entry would move every later one (quadratic over many repeated keys).
  (frame.store as (ExtraEntry | undefined)[])[index] = undefined;
  frame.storeIndex?.delete(key);
  frame.dropped++;
}

/** The finished store: holes removed, and none at all when every entry was dropped (as the writer leaves it). */
function finalStore(frame: Frame, plan: Plan): Record<string, unknown> | ExtraEntry[] | undefined {
  const store = frame.store;
  if (store === undefined || frame.dropped === 0) return store;
  if (plan.objectStore) return Object.keys(store).length === 0 ? undefined : store;
  const kept = (store as (ExtraEntry | undefined)[]).filter((e): e is ExtraEntry => e !== undefined);
  return kept.length === 0 ? undefined : kept;
}

/**
 * Matches the key at `st.pos` (< st.end): its field index, or -1 for a key the plan does not declare (then in
 * `frame.key`), with `st.pos` after the key; -2 to BAIL; -3 for a key that cannot be a struct key (reported).
 */
function matchKey(st: DecodeState, plan: Plan, hint: number, frame: Frame): number {
  const b = st.b;
  const p = st.pos;
  const kb = b[p] as number;
  const { enc, k0, n } = plan;
  const room = st.end - p;
  if (hint < n && k0[hint] === kb) {
    const k = enc[hint] as Uint8Array;
    const kl = k.length;
    if (kl <= room) {
      let j = 1;
      while (j < kl && b[p + j] === k[j]) j++;
      if (j === kl) {
        st.pos = p + kl;
        return hint;
      }
    }
  }
  for (let fi = 0; fi < n; fi++) {
    if (k0[fi] !== kb || fi === hint) continue;
    const k = enc[fi] as Uint8Array;
    const kl = k.length;
    if (kl > room) continue;
    let j = 1;
    while (j < kl && b[p + j] === k[j]) j++;
    if (j === kl) {
      st.pos = p + kl;
      return fi;
    }
  }
  // Not the shortest form of a field key: decode it.
  const major = kb >> 5;
  let key: string | number | bigint;
  let fi = -1;
  if (major === 3) {
    let text: string | typeof BAIL;
    if (kb < 0x78) {
      // Short definite text: decoded in place.
      const len = kb & 31;
      if (len + 1 > room) return -2;
      text = decodeText(b, p + 1, len);
      st.pos = p + 1 + len;
    } else text = readTextAt(st);
    if (text === BAIL) return -2;
    fi = plan.byText.get(text) ?? -1;
    if (fi < 0 && plan.hasIntKeys && (!st.strict || st.fromValue) && DECIMAL.test(text)) {
      fi = plan.intIndex.get(Number(text)) ?? -1;
    }
    key = plan.objectStore && text === '__proto__' ? '__proto_' : text;
  } else if (major <= 1) {
    if (readNum(st) === K_BAIL) return -2;
    key = st.isBig ? st.big : st.num;
    if (!st.isBig) fi = plan.intIndex.get(st.num) ?? -1;
    if (plan.objectStore) {
      key = key.toString();
      if (fi < 0) fi = plan.byText.get(key) ?? -1;
    }
  } else if (plan.objectStore && major >= 6) {
    const decoded = readOpaque(st);
    if (decoded === BAIL) return -2;
    const name = safeKey(decoded);
    if (name === undefined) {
      st.pos = p;
      return badKey(st, p);
    }
    key = name;
    fi = plan.byText.get(name) ?? -1;
  } else {
    return badKey(st, p);
  }
  frame.key = key;
  return fi;
}

function badKey(st: DecodeState, p: number): number {
  return fail(st, p, 'text or integer key') === BAIL ? -2 : -3;
}

/** Reads the value of field `fi` at `st.pos` (< st.end): the value, FAIL or BAIL. */
function readField(st: DecodeState, plan: Plan, fi: number): unknown {
  const b = st.b;
  const p = st.pos;
  const ib = b[p] as number;
  const kind = plan.kinds[fi];
  if (kind === F_INT) {
    const small = plan.smallInt[fi] as number;
    if (small !== 0) {
      // The usual heads inline: unsigned (or, for signed fields, negative) integers with up to 4-byte arguments.
      const major = ib >> 5;
      const ai = ib & 31;
      if ((major === 0 || (major === 1 && plan.signed[fi] === 1)) && ai < 28) {
        let a: number;
        let q = p + 1;
        if (ai < 24) a = ai;
        else if (ai === 27) {
          // 8-byte arguments (JS writers put every bigint in them): inline while the value is safe.
          if (q + 8 > st.end || (b[q] as number) !== 0 || (b[q + 1] as number) >= 0x20) {
            return (plan.readers[fi] as Reader)(st);
          }
          a =
            ((b[q + 1] as number) * 0x10000 + (((b[q + 2] as number) << 8) | (b[q + 3] as number))) * 0x100000000 +
            ((b[q + 4] as number) * 0x1000000 +
              (((b[q + 5] as number) << 16) | ((b[q + 6] as number) << 8) | (b[q + 7] as number)));
          q += 8;
        } else if (ai === 24) {
          if (q + 1 > st.end) return (plan.readers[fi] as Reader)(st);
          a = b[q] as number;
          q += 1;
        } else if (ai === 25) {
          if (q + 2 > st.end) return (plan.readers[fi] as Reader)(st);
          a = ((b[q] as number) << 8) | (b[q + 1] as number);
          q += 2;
        } else {
          if (q + 4 > st.end) return (plan.readers[fi] as Reader)(st);
          a =
            (b[q] as number) * 0x1000000 +
            (((b[q + 1] as number) << 16) | ((b[q + 2] as number) << 8) | (b[q + 3] as number));
          q += 4;
        }
        const v = major === 0 ? a : -1 - a;
        if (v >= (plan.loN[fi] as number) && v <= (plan.hiN[fi] as number)) {
          st.pos = q;
          return small === 2 ? bigOf(v) : v;
        }
      }
    }
  } else if (kind === F_TEXT) {
    if (ib >> 5 === 3) return readTextAt(st);
  } else if (kind === F_ANY) {
    return readOpaque(st);
  }
  return (plan.readers[fi] as Reader)(st);
}

/** A field key seen again: the last occurrence wins, so forget what the earlier one left. */
function repeated(frame: Frame, plan: Plan, fi: number): void {
  const key = plan.keys[fi] as WireKey;
  (frame.dups ??= []).push(key);
  frame.vals[fi] = undefined;
  if (frame.out !== undefined && flag(frame, fi, 2)) {
    delete frame.out[plan.names[fi] as string];
    frame.disordered = true;
  }
  setFlag(frame, fi, 2, false);
  setFlag(frame, fi, 4, false);
  if (frame.fatal !== undefined) frame.fatal[fi] = undefined;
  dropStore(frame, plan, plan.objectStore ? String(key) : key);
}

/**
 * Reads map entries until `count` entries (from entry `i`) or the break, into `frame` with `plan`. `stopAt`:
 * with `baseOnly`, stop before the first key that is not a field of `plan` and right after field `stopAt`.
 * Returns the index of the next entry, or -1 to BAIL; with `baseOnly`, -2 - i when it stopped before entry i.
 */
function readEntries(
  st: DecodeState,
  plan: Plan,
  frame: Frame,
  i: number,
  count: number,
  hintStart: number,
  stopAt: number,
): number {
  const b = st.b;
  let hint = hintStart;
  for (; ; i++) {
    if (count >= 0) {
      if (i >= count) return i;
    } else {
      if (st.pos >= st.end) return -1;
      if (b[st.pos] === 0xff) {
        st.pos++;
        return i;
      }
    }
    if (st.pos >= st.end) return -1;
    const kpos = st.pos;
    // The key expected next (declared order), compared in place; any other key through matchKey.
    // (The field after it too: the expected one may be an absent optional field.)
    let fi = -4;
    const kb = b[kpos] as number;
    for (let h = hint; h < hint + 2 && h < plan.n; h++) {
      if (plan.k0[h] !== kb) continue;
      const k = plan.enc[h] as Uint8Array;
      const kl = k.length;
      if (kl > st.end - kpos) continue;
      let j = 1;
      while (j < kl && b[kpos + j] === k[j]) j++;
      if (j === kl) {
        fi = h;
        st.pos = kpos + kl;
        break;
      }
    }
    if (fi === -4) fi = matchKey(st, plan, hint, frame);
    if (fi === -2) return -1;
    if (fi === -3) {
      if (!skipAt(st, st.pos)) return -1;
      frame.failed = true;
      continue;
    }
    if (stopAt >= 0 && (fi < 0 || (plan.unstable !== undefined && plan.unstable[fi] === 1))) {
      st.pos = kpos;
      return -2 - i;
    }
    if (st.pos >= st.end) return -1;
    const vpos = st.pos;
    if (fi < 0) {
      // A key the struct does not declare: to the store.
      const value = readOpaque(st);
      if (value === BAIL) return -1;
      const end = st.pos;
      putStore(frame, plan, frame.key, value, b, vpos, end);
      continue;
    }
    hint = fi + 1;
    if (fi < 32 ? (frame.seen & (1 << fi)) !== 0 : flag(frame, fi, 1)) repeated(frame, plan, fi);
    if (fi < 32) frame.seen |= 1 << fi;
    else setFlag(frame, fi, 1, true);
    if (b[vpos] === 0xf7) {
      // CBOR undefined counts as absent.
      st.pos = vpos + 1;
    } else {
      const np = st.problems.length;
      const v = readField(st, plan, fi);
      if (v === BAIL) return -1;
      if (v !== FAIL) {
        const out = frame.out;
        if (out !== undefined && fi !== frame.discIndex) {
          out[plan.names[fi] as string] = v;
          if (fi < frame.last) frame.disordered = true;
          else frame.last = fi;
        } else frame.vals[fi] = v;
        if (fi < 32) frame.has |= 1 << fi;
        else setFlag(frame, fi, 2, true);
      } else {
        const key = plan.keys[fi] as WireKey;
        addSeg(st, np, 0, plan.names[fi] as string, key);
        for (let q = np; q < st.problems.length; q++) {
          const problem = st.problems[q] as InternalProblem;
          if (problem.key === undefined) problem.key = key;
        }
        if (plan.optional[fi] && st.strict) {
          // Strict mode: an unusable value is never moved to the store.
          frame.failed = true;
        } else if (plan.optional[fi]) {
          // An unusable optional value goes to the store (reported).
          const end = st.pos;
          st.pos = vpos;
          const value = readOpaque(st);
          if (value === BAIL) return -1;
          st.pos = end;
          putStore(frame, plan, plan.objectStore ? String(key) : key, value, b, vpos, end);
        } else {
          // Reported in declared order at the end, with the missing fields.
          (frame.fatal ??= [])[fi] = st.problems.splice(np);
          setFlag(frame, fi, 4, true);
        }
      }
    }
    if (fi === stopAt) return i + 1;
  }
}

/**
 * After the entries: reports required fields that are missing or unusable (declared order), fills defaults and
 * builds the object (`first` as its first property when given). Returns the object or FAIL.
 */
function finish(
  st: DecodeState,
  plan: Plan,
  frame: Frame,
  start: number,
  first: string | undefined,
  firstValue: unknown,
  skip: number,
): unknown {
  const { n, names, defaults } = plan;
  const has = frame.has;
  if (frame.failed || n > 31 || (has & plan.reqMask) !== plan.reqMask) {
    reportMissing(st, plan, frame, start);
    if (frame.failed) return FAIL;
  }
  const built = frame.out;
  if (built !== undefined && !frame.disordered && (n > 31 || (plan.defaultMask & ~has) === 0)) return built;
  // Values out of declared order, absent fields with a default, or values not stored yet: build in order.
  const vals = frame.vals;
  const out: Record<string, unknown> = {};
  if (first !== undefined) out[first] = firstValue;
  for (let i = 0; i < n; i++) {
    if (i === skip) continue;
    const name = names[i] as string;
    const v = built !== undefined ? (Object.hasOwn(built, name) ? built[name] : undefined) : vals[i];
    if (v !== undefined) out[name] = v;
    else {
      const make = defaults[i];
      if (make !== undefined) out[name] = make();
    }
  }
  return out;
}

/** Reports required fields that are missing or unusable, in declared order (sets `frame.failed`). */
function reportMissing(st: DecodeState, plan: Plan, frame: Frame, start: number): void {
  const { n, names, keys, optional } = plan;
  for (let i = 0; i < n; i++) {
    if (optional[i] || flag(frame, i, 2)) continue;
    frame.failed = true;
    const saved = frame.fatal?.[i];
    if (saved !== undefined && flag(frame, i, 4)) {
      for (const problem of saved) st.problems.push(problem);
      continue;
    }
    const field = plan.fields[i] as FieldInfo;
    const s = field.schema;
    const expected = s.kind === 'nullable' ? `${(s as NullableSchema<Schema<unknown>>).inner.kind} or null` : s.kind;
    const np = st.problems.length;
    const problem = pushProblem(st, start, expected, 'absent', 'missing required field');
    addSeg(st, np, 0, names[i] as string, keys[i] as WireKey);
    problem.key = keys[i];
  }
}

/** Reports duplicate keys (one problem per repeated key) at `start`. */
function reportDups(st: DecodeState, frame: Frame, start: number): void {
  const dups = frame.dups;
  if (dups === undefined) return;
  const seen = new Set<unknown>();
  for (const key of dups) {
    if (seen.has(key)) continue;
    seen.add(key);
    const problem = pushProblem(
      st,
      start,
      'distinct keys',
      'duplicate key',
      `duplicate key ${String(key)} (last used)`,
      'DUPLICATE_KEY',
    );
    problem.key = key;
  }
}

/** Compiles a struct reader. */
export function compileStruct(schema: AnyStructSchema, readerOf: ReaderOf): Reader {
  const plan = makePlan(schema.fields, schema.extraKey, schema.store === 'object', readerOf);
  return (st) => {
    const start = st.pos;
    if ((st.b[start] as number) >> 5 !== 5) return fail(st, start, 'map');
    const count = enterContainer(st);
    if (count === -2) return BAIL;
    const depth = st.depth;
    const frame = frameAt(st, depth);
    frame.reset(plan.n, 0);
    frame.out = {};
    st.depth = depth + 1;
    const next = readEntries(st, plan, frame, 0, count, 0, -1);
    st.depth = depth;
    if (next === -1) return BAIL;
    reportDups(st, frame, start);
    const out = finish(st, plan, frame, start, undefined, undefined, -1);
    if (out === FAIL) return FAIL;
    const store = finalStore(frame, plan);
    if (store !== undefined) (out as Record<string, unknown>)[plan.store] = store;
    return out;
  };
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** Compiles a union reader. */
export function compileUnion(
  schema: UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject', Record<string, string> | undefined, string>,
  readerOf: ReaderOf,
): Reader {
  const objectStore = (schema.store as string) === 'object';
  const baseFields = schema.base.fields;
  const discName = schema.discriminator;
  const dIndex = baseFields.findIndex((f) => f.name === discName);
  const discKey = (baseFields[dIndex] as FieldInfo).key;
  const basePlan = makePlan(baseFields, 'extra', objectStore, readerOf);
  basePlan.unstable = new Uint8Array(baseFields.length);
  for (const merged of schema.merged.values()) {
    baseFields.forEach((f, i) => {
      const m = merged.fields[i] as FieldInfo;
      if (m.key !== f.key || !sameSchema(m.schema, f.schema)) (basePlan.unstable as Uint8Array)[i] = 1;
    });
  }
  if (basePlan.unstable[dIndex] === 1) {
    throw new CborSchemaError('INVALID_SCHEMA', `union: a variant redeclares the discriminator ${discName}`);
  }
  const names = schema.names as Record<string, string> | undefined;
  const variants = new Map<string | number, { plan: Plan; tag: unknown }>();
  // Small integer discriminators are looked up in an array.
  const small: ({ plan: Plan; tag: unknown } | undefined)[] = [];
  let width = baseFields.length;
  for (const [value, merged] of schema.merged) {
    const plan = makePlan(merged.fields, merged.extraKey, objectStore, readerOf);
    const variant = { plan, tag: names === undefined ? value : names[value] };
    variants.set(value, variant);
    if (typeof value === 'number' && value >= 0 && value < 256) small[value] = variant;
    width = Math.max(width, plan.n);
  }
  const unknownPlan = makePlan(schema.unknownStruct.fields, 'fields', objectStore, readerOf);
  const baseNames = baseFields.map((f) => f.name);
  const keepUnknown = schema.unknown === 'keep';
  const unknownKey = schema.unknownKey;
  const expectedValues = [...variants.keys()].join(' / ');

  const read = (st: DecodeState, forced: unknown): unknown => {
    const start = st.pos;
    if ((st.b[start] as number) >> 5 !== 5) return fail(st, start, 'map');
    const problemsBefore = st.problems.length;
    const count = enterContainer(st);
    if (count === -2) return BAIL;
    const depth = st.depth;
    const frame = frameAt(st, depth);
    frame.reset(width, baseNames.length);
    st.depth = depth + 1;
    // The base fields up to the discriminator (normally the first keys), then the variant's plan.
    let next = readEntries(st, basePlan, frame, 0, count, 0, dIndex);
    if (next === -1) return BAIL;
    let disc: unknown = flag(frame, dIndex, 2) ? frame.vals[dIndex] : undefined;
    if (next <= -2) {
      next = -2 - next;
      const found = findDiscriminator(st, basePlan, frame, next, count, dIndex);
      if (found === BAIL) return BAIL;
      disc = found;
    }
    if (forced !== undefined) disc = forced;
    let lookup = disc;
    if (typeof lookup === 'bigint' && lookup <= MAX_SAFE_BIG) lookup = Number(lookup);
    const variant =
      typeof lookup === 'number' && lookup >= 0 && lookup < 256
        ? small[lookup]
        : typeof lookup === 'number' || typeof lookup === 'string'
          ? variants.get(lookup as number | string)
          : undefined;
    const plan = variant === undefined ? unknownPlan : variant.plan;
    if (variant === undefined && disc !== undefined && !keepUnknown) {
      const np = st.problems.length;
      const problem = pushProblem(st, start, expectedValues, String(disc), `unknown ${discName} ${String(disc)}`);
      addSeg(st, np, 0, discName, discKey);
      problem.key = discKey;
      frame.failed = true;
    }
    const named = names !== undefined;
    // The object starts with the discriminator's in-memory value and the base fields read so far.
    const out: Record<string, unknown> = {};
    out[discName] = variant !== undefined ? variant.tag : named ? 'unknown' : disc;
    const vals = frame.vals;
    for (let i = 0; i < baseNames.length; i++) {
      if (i === dIndex) continue;
      const v = vals[i];
      if (v !== undefined) {
        out[baseNames[i] as string] = v;
        frame.last = i;
      }
    }
    frame.out = out;
    frame.discIndex = dIndex;
    const end = readEntries(st, plan, frame, next, count, dIndex + 1, -1);
    st.depth = depth;
    if (end === -1) return BAIL;
    const last = frame.vals[dIndex];
    if (forced === undefined && last !== undefined && last !== disc) {
      // A repeated discriminator: the last occurrence decides the variant.
      st.pos = start;
      st.problems.length = problemsBefore;
      return read(st, last);
    }
    reportDups(st, frame, start);
    if (variant !== undefined) {
      const result = finish(st, plan, frame, start, discName, variant.tag, dIndex);
      const store = finalStore(frame, plan);
      if (result !== FAIL && store !== undefined) (result as Record<string, unknown>)[plan.store] = store;
      return result;
    }
    const result = finish(st, plan, frame, start, discName, named ? 'unknown' : disc, dIndex);
    if (result === FAIL) return FAIL;
    const record = result as Record<string, unknown>;
    if (named) record[unknownKey] = disc;
    else record.unknown = true;
    record.fields = finalStore(frame, plan) ?? (objectStore ? {} : []);
    return record;
  };
  return (st) => read(st, undefined);
}

/**
 * Looks ahead from entry `i` for the discriminator (the last occurrence) and decodes its value without keeping
 * anything: the entries are read again with the variant's plan. Returns the value, undefined or BAIL.
 */
function findDiscriminator(
  st: DecodeState,
  plan: Plan,
  frame: Frame,
  i: number,
  count: number,
  dIndex: number,
): unknown {
  const b = st.b;
  const save = st.pos;
  const problems = st.problems.length;
  let at = -1;
  for (; ; i++) {
    if (count >= 0 ? i >= count : st.pos >= st.end || b[st.pos] === 0xff) break;
    if (st.pos >= st.end) return BAIL;
    const fi = matchKey(st, plan, dIndex, frame);
    if (fi === -2) return BAIL;
    if (st.pos >= st.end) return BAIL;
    if (fi === dIndex) at = st.pos;
    if (!skipAt(st, st.pos)) return BAIL;
  }
  let value: unknown;
  if (at >= 0 && b[at] !== 0xf7) {
    st.pos = at;
    value = readField(st, plan, dIndex);
    if (value === BAIL) return BAIL;
    if (value === FAIL) value = undefined;
  }
  st.problems.length = problems;
  st.pos = save;
  return value;
}
