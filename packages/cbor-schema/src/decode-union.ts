/**
 * Compiled readers of unions: the discriminator is found (in declared position, or looked ahead for), the entries
 * are read with the variant's plan into the final object, named variants get their name, and an undeclared
 * discriminator value gives an unknown variant holding every non-base key.
 *
 * @internal
 * @module
 */
import { addSeg, BAIL, type DecodeState, FAIL, fail, pushProblem, type Reader, skipAt } from './decode-core.js';
import { finish, readEntries, readField, reportDups } from './decode-struct.js';
import { enterContainer, type ReaderOf } from './decode-values.js';
import { CborSchemaError } from './errors.js';
import { type FieldInfo, type StructShape, sameSchema, type UnionSchema, type VariantMap } from './struct.js';
import { type Frame, finalStore, flag, frameAt, makePlan, matchKey, objectMaker, type Plan } from './struct-plan.js';

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
  let widest: Plan = unknownPlan;
  for (const { plan } of variants.values()) if (plan.n > widest.n) widest = plan;
  const make = objectMaker([discName, ...widest.names.filter((name) => name !== discName), widest.store]);

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
    const out = new make();
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
    if (frame.dups !== undefined) reportDups(st, frame, start);
    if (variant !== undefined) {
      const has = frame.has;
      // The usual item (every required field usable, in declared order, no default to fill) is the object built
      // so far, without a call of finish.
      const result =
        !frame.failed &&
        plan.n <= 31 &&
        (has & plan.reqMask) === plan.reqMask &&
        !frame.disordered &&
        (plan.defaultMask & ~has) === 0
          ? out
          : finish(st, plan, frame, start, discName, variant.tag, dIndex);
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
