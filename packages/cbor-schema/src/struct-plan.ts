/**
 * What the compiled struct readers share: the plan of a struct (its fields' wire keys, kinds and readers), the
 * per-depth scratch frame, key matching by bytes, and the store (entries or object) with duplicate tracking in a
 * hash, so that a map with many distinct keys reads in linear time.
 *
 * @internal
 * @module
 */
import {
  BAIL,
  type DecodeState,
  decodeText,
  fail,
  type InternalProblem,
  K_BAIL,
  type Reader,
  readNum,
  readOpaque,
  readTextAt,
} from './decode-core.js';
import type { ReaderOf } from './decode-values.js';
import type { IntSchema, UintSchema } from './schema.js';
import type { ExtraEntry, FieldInfo, WireKey } from './struct.js';
import { encodeKey } from './writer.js';

export const F_INT = 0;
export const F_TEXT = 1;
export const F_ANY = 2;
export const F_OTHER = 3;
export const DECIMAL = /^(0|-?[1-9][0-9]{0,15})$/;

/** A compiled struct: what the entry loop needs about its fields. */
export interface Plan {
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

export function makePlan(fields: readonly FieldInfo[], store: string, objectStore: boolean, readerOf: ReaderOf): Plan {
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

/** A maker of the objects a compiled struct or union reader builds. */
export type ObjectMaker = new () => Record<string, unknown>;

/**
 * A maker of plain objects: its objects have `Object.prototype` as prototype (like `{}`: same constructor, same
 * own properties), but V8 sizes the objects of a constructor by the properties they get, so they hold their
 * properties inline, where `{}` has room for 4 and moves further ones to a separate array that is reallocated as
 * it grows (two more allocations per event-sized object). One maker per reader: the size is learnt from its
 * first objects, so `widest` (the names of its widest object, in order) is built once up front.
 */
export function objectMaker(widest: readonly string[]): ObjectMaker {
  // A function, not a class: a class's prototype cannot be replaced.
  const PlainObject = function PlainObject() {} as unknown as ObjectMaker;
  PlainObject.prototype = Object.prototype;
  const first = new PlainObject();
  for (const name of widest) first[name] = undefined;
  // Kept alive with the maker: a collected object's shape may be forgotten before the size is settled.
  Object.defineProperty(PlainObject, 'widest', { value: first });
  return PlainObject;
}

/** Per-depth scratch of the struct being read (reused from item to item). */
export class Frame {
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

export function frameAt(st: DecodeState, depth: number): Frame {
  let frame = st.frames[depth] as Frame | undefined;
  if (frame === undefined) {
    frame = new Frame();
    st.frames[depth] = frame;
  }
  return frame;
}

// Flags kept per field: 1 seen, 2 has a value, 4 unusable required value (fields >= 32 use `wide`).
export function flag(frame: Frame, fi: number, bit: number): boolean {
  if (fi < 32) return ((bit === 1 ? frame.seen : bit === 2 ? frame.has : frame.bad) & (1 << fi)) !== 0;
  return (((frame.wide as Uint8Array)[fi] as number) & bit) !== 0;
}

export function setFlag(frame: Frame, fi: number, bit: number, on: boolean): void {
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
export function safeKey(key: unknown): string | undefined {
  if (typeof key === 'string') return key === '__proto__' ? '__proto_' : key;
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint') return key.toString();
  if (key === null || key === undefined) return `${key}`;
  return undefined;
}

export function putStore(
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

export function dropStore(frame: Frame, plan: Plan, key: string | number | bigint): void {
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
export function finalStore(frame: Frame, plan: Plan): Record<string, unknown> | ExtraEntry[] | undefined {
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
export function matchKey(st: DecodeState, plan: Plan, hint: number, frame: Frame): number {
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

export function badKey(st: DecodeState, p: number): number {
  return fail(st, p, 'text or integer key') === BAIL ? -2 : -3;
}
