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
  describeItem,
  FAIL,
  fail,
  type InternalProblem,
  K_BAIL,
  pushProblem,
  type Reader,
  readArg,
  readNum,
  readOpaque,
  readTextAt,
  skipAt,
} from './decode-core.js';
import { enterContainer, type ReaderOf } from './decode-values.js';
import type { IntSchema, NullableSchema, Schema, UintSchema } from './schema.js';
import { CborSchemaError } from './errors.js';
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
  /** Integer fields whose one-byte values (0 … 23) are returned as they are (`bigint` ones as bigints). */
  smallInt: Int8Array;
  readers: Reader[];
  optional: boolean[];
  defaults: ((() => unknown) | undefined)[];
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
    if (s.kind === 'uint' || s.kind === 'int') {
      plan.kinds[i] = F_INT;
      const int = s as UintSchema | IntSchema;
      if (int.min <= 0n && int.max >= 23n) plan.smallInt[i] = int.bigint === 'always' ? 2 : 1;
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
  dups: (string | number | bigint)[] | undefined;
  /** Key of the last unknown key matched. */
  key: string | number | bigint = '';
  failed = false;

  reset(n: number): void {
    const vals = this.vals;
    for (let i = 0; i < n; i++) vals[i] = undefined;
    this.seen = 0;
    this.has = 0;
    this.bad = 0;
    if (n > 32) this.wide = new Uint8Array(n);
    this.fatal = undefined;
    this.store = undefined;
    this.storeIndex = undefined;
    this.dups = undefined;
    this.failed = false;
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
    delete (frame.store as Record<string, unknown>)[key as string];
    return;
  }
  const index = frame.storeIndex?.get(key);
  if (index === undefined) return;
  (frame.store as ExtraEntry[]).splice(index, 1);
  frame.storeIndex = new Map((frame.store as ExtraEntry[]).map((e, i) => [e.key, i]));
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
    const small = plan.smallInt[fi];
    if (ib < 24 && small !== 0) {
      st.pos = p + 1;
      return small === 2 ? bigOf(ib) : ib;
    }
  } else if (kind === F_TEXT) {
    if (ib >> 5 === 3) return readTextAt(st);
  } else if (kind === F_ANY) {
    return readOpaque(st);
  }
  return (plan.readers[fi] as Reader)(st);
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
    const fi = matchKey(st, plan, hint, frame);
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
    const key = plan.keys[fi] as WireKey;
    if (flag(frame, fi, 1)) {
      (frame.dups ??= []).push(key);
      // The last occurrence wins: forget what the earlier one left.
      frame.vals[fi] = undefined;
      setFlag(frame, fi, 2, false);
      setFlag(frame, fi, 4, false);
      if (frame.fatal !== undefined) frame.fatal[fi] = undefined;
      dropStore(frame, plan, plan.objectStore ? String(key) : key);
    }
    setFlag(frame, fi, 1, true);
    if (b[vpos] === 0xf7) {
      // CBOR undefined counts as absent.
      st.pos = vpos + 1;
    } else {
      const np = st.problems.length;
      const v = readField(st, plan, fi);
      if (v === BAIL) return -1;
      if (v !== FAIL) {
        frame.vals[fi] = v;
        setFlag(frame, fi, 2, true);
      } else {
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
  const { n, names, keys, optional, defaults } = plan;
  const vals = frame.vals;
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
  if (frame.failed) return FAIL;
  const out: Record<string, unknown> = {};
  if (first !== undefined) out[first] = firstValue;
  for (let i = 0; i < n; i++) {
    if (i === skip) continue;
    let v = vals[i];
    if (v === undefined) {
      const make = defaults[i];
      if (make === undefined) continue;
      v = make();
    }
    out[names[i] as string] = v;
  }
  return out;
}

/** Reports duplicate keys (one problem per repeated key) at `start`. */
function reportDups(st: DecodeState, frame: Frame, start: number): void {
  const dups = frame.dups;
  if (dups === undefined) return;
  const seen = new Set<unknown>();
  for (const key of dups) {
    if (seen.has(key)) continue;
    seen.add(key);
    const problem = pushProblem(st, start, 'distinct keys', 'duplicate key', `duplicate key ${String(key)} (last used)`, 'DUPLICATE_KEY');
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
    frame.reset(plan.n);
    st.depth = depth + 1;
    const next = readEntries(st, plan, frame, 0, count, 0, -1);
    st.depth = depth;
    if (next === -1) return BAIL;
    reportDups(st, frame, start);
    const out = finish(st, plan, frame, start, undefined, undefined, -1);
    if (out === FAIL) return FAIL;
    if (frame.store !== undefined) (out as Record<string, unknown>)[plan.store] = frame.store;
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
  let width = baseFields.length;
  for (const [value, merged] of schema.merged) {
    const plan = makePlan(merged.fields, merged.extraKey, objectStore, readerOf);
    variants.set(value, { plan, tag: names === undefined ? value : names[value] });
    width = Math.max(width, plan.n);
  }
  const unknownPlan = makePlan(schema.unknownStruct.fields, 'fields', objectStore, readerOf);
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
    frame.reset(width);
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
      typeof lookup === 'number' || typeof lookup === 'string' ? variants.get(lookup as number | string) : undefined;
    const plan = variant === undefined ? unknownPlan : variant.plan;
    if (variant === undefined && disc !== undefined && !keepUnknown) {
      const np = st.problems.length;
      const problem = pushProblem(st, start, expectedValues, String(disc), `unknown ${discName} ${String(disc)}`);
      addSeg(st, np, 0, discName, discKey);
      problem.key = discKey;
      frame.failed = true;
    }
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
      const out = finish(st, plan, frame, start, discName, variant.tag, dIndex);
      if (out !== FAIL && frame.store !== undefined) (out as Record<string, unknown>)[plan.store] = frame.store;
      return out;
    }
    const named = names !== undefined;
    const out = finish(st, plan, frame, start, discName, named ? 'unknown' : disc, named ? dIndex : -1);
    if (out === FAIL) return FAIL;
    const record = out as Record<string, unknown>;
    if (named) record[unknownKey] = disc;
    else record.unknown = true;
    record.fields = frame.store ?? (objectStore ? {} : []);
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
