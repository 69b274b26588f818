/**
 * Compiled readers of structs: one pass over the map's entries, building the final in-memory object.
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
  FAIL,
  fail,
  type InternalProblem,
  pushProblem,
  type Reader,
  readOpaque,
  readTextAt,
  skipAt,
} from './decode-core.js';
import { enterContainer, type ReaderOf } from './decode-values.js';
import type { NullableSchema, Schema } from './schema.js';
import type { AnyStructSchema, FieldInfo, WireKey } from './struct.js';
import {
  dropStore,
  F_ANY,
  F_INT,
  F_TEXT,
  type Frame,
  finalStore,
  flag,
  frameAt,
  makePlan,
  matchKey,
  objectMaker,
  type Plan,
  putStore,
  setFlag,
} from './struct-plan.js';
/** Reads the value of field `fi` at `st.pos` (< st.end): the value, FAIL or BAIL. */
export function readField(st: DecodeState, plan: Plan, fi: number): unknown {
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
export function repeated(frame: Frame, plan: Plan, fi: number): void {
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
 * Reads map entries until `count` entries (from entry `i`) or the break, into `frame` with `plan`. `stopAt` (a
 * field index, or -1): stop before the first key that is not a field of `plan` and right after field `stopAt`,
 * and leave the break of an indefinite-length map unread (the reading that continues the map consumes it).
 * Returns the index of the next entry, or -1 to BAIL; with `stopAt`, -2 - i when it stopped before entry i.
 */
export function readEntries(
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
        if (stopAt < 0) st.pos++;
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
      // The usual integer heads read in place (as readField does; a call per field costs as much as the read).
      let v: unknown = FAIL;
      const small = plan.smallInt[fi] as number;
      let fast = false;
      if (small !== 0 && plan.kinds[fi] === F_INT) {
        const ib = b[vpos] as number;
        const major = ib >> 5;
        const ai = ib & 31;
        if (major === 0 || (major === 1 && plan.signed[fi] === 1)) {
          let a = -1;
          let q = vpos + 1;
          if (ai < 24) a = ai;
          else if (ai === 24) {
            if (q + 1 <= st.end) {
              a = b[q] as number;
              q += 1;
            }
          } else if (ai === 25) {
            if (q + 2 <= st.end) {
              a = ((b[q] as number) << 8) | (b[q + 1] as number);
              q += 2;
            }
          } else if (ai === 26) {
            if (q + 4 <= st.end) {
              a =
                (b[q] as number) * 0x1000000 +
                (((b[q + 1] as number) << 16) | ((b[q + 2] as number) << 8) | (b[q + 3] as number));
              q += 4;
            }
          } else if (ai === 27 && q + 8 <= st.end && (b[q] as number) === 0 && (b[q + 1] as number) < 0x20) {
            a =
              ((b[q + 1] as number) * 0x10000 + (((b[q + 2] as number) << 8) | (b[q + 3] as number))) * 0x100000000 +
              ((b[q + 4] as number) * 0x1000000 +
                (((b[q + 5] as number) << 16) | ((b[q + 6] as number) << 8) | (b[q + 7] as number)));
            q += 8;
          }
          if (a >= 0) {
            const n = major === 0 ? a : -1 - a;
            if (n >= (plan.loN[fi] as number) && n <= (plan.hiN[fi] as number)) {
              st.pos = q;
              v = small === 2 ? bigOf(n) : n;
              fast = true;
            }
          }
        }
      }
      if (!fast) v = readField(st, plan, fi);
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
export function finish(
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
export function reportMissing(st: DecodeState, plan: Plan, frame: Frame, start: number): void {
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
export function reportDups(st: DecodeState, frame: Frame, start: number): void {
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
  const make = objectMaker([...plan.names, plan.store]);
  return (st) => {
    const start = st.pos;
    if ((st.b[start] as number) >> 5 !== 5) return fail(st, start, 'map');
    const count = enterContainer(st);
    if (count === -2) return BAIL;
    const depth = st.depth;
    const frame = frameAt(st, depth);
    frame.reset(plan.n, 0);
    frame.out = new make();
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
