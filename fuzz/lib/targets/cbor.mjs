// @x/cbor-schema: the structural scanner (measureItem and scanItem in one call, ItemScanner resumed over random
// views) and the sequence decoder (decodeSequence over the whole buffer, createSequenceDecoder over random
// chunks, decodeItem at every item offset), without a schema, with `c.any()` and with the .moqtrace event schema,
// in tolerant and strict mode, with random depth limits and a resync pattern.
import {
  CborSchemaError,
  c,
  createSequenceDecoder,
  decodeItem,
  decodeSequence,
  ItemScanner,
  measureItem,
  SCAN_MALFORMED,
  SCAN_TOO_DEEP,
  SCAN_TRUNCATED,
  scanItem,
} from '@x/cbor-schema';
import { traceEventSchema } from '@x/moqtrace';
import { canonical, Finding, sameVerdicts, settleSync, Verdict } from '../check.mjs';
import { chunkPlan } from '../random.mjs';

const E = CborSchemaError;

/** The one-call measurement of the item at 0, as text. */
function measured(bytes, options) {
  const m = measureItem(bytes, 0, bytes.length, options);
  return m.kind === 'item'
    ? `item ${m.length}`
    : m.kind === 'truncated'
      ? `truncated needs ${m.needed}`
      : `${m.kind} at ${m.at}`;
}

/** The resumable scanner fed the item's bytes in the views of a chunk plan, as text. */
function resumed(bytes, sizes, options) {
  const scanner = new ItemScanner(options);
  let end = 0;
  let result = SCAN_TRUNCATED;
  for (const n of [...sizes, 0]) {
    end = Math.min(bytes.length, end + n);
    while (result === SCAN_TRUNCATED) {
      const before = scanner.position;
      if (scanner.resumeAt > end && end < bytes.length) break; // waits for more bytes, as a reader would
      result = scanner.scan(bytes.subarray(before, end), before, end);
      if (scanner.position === before || scanner.position >= end) break;
    }
    if (result !== SCAN_TRUNCATED) break;
  }
  if (result >= 0) return `item ${result}`;
  if (result === SCAN_TRUNCATED) return `truncated needs ${scanner.needed}`;
  return `${result === SCAN_TOO_DEEP ? 'too-deep' : 'malformed'} at ${scanner.failAt}`;
}

function eventLine(e) {
  if (e.kind !== 'item') return canonical(e);
  const { bytes: _bytes, ...rest } = e;
  return canonical(rest);
}

function pushed(decoder, bytes, sizes) {
  const out = new Verdict();
  let at = 0;
  for (const n of sizes) {
    decoder.push(bytes.subarray(at, at + n), (e) => out.add(eventLine(e)));
    at += n;
  }
  for (const e of decoder.end()) out.add(eventLine(e));
  return out;
}

/** The cbor-schema scanner and sequence decoder. */
export const cborTarget = {
  name: 'cbor-schema',
  family: 'cbor',
  async run(bytes, rng, time) {
    const options = { lenient: rng.chance(0.5), maxDepth: rng.pick([0, 1, 3, 16, 512, 512, Number.POSITIVE_INFINITY]) };
    // Scanner: one call and resumed, at a few starting points.
    for (let k = 0; k < 4; k++) {
      const start = k === 0 ? 0 : rng.int(bytes.length + 1);
      const item = bytes.subarray(start);
      const one = time('scan', () => measured(item, options));
      const n = scanItem(item, 0, item.length, options);
      const numeric =
        n >= 0 ? `item ${n}` : n === SCAN_TRUNCATED ? 'truncated' : n === SCAN_MALFORMED ? 'malformed' : 'too-deep';
      if (!one.startsWith(numeric)) throw new Finding('mismatch', 'scanItem vs measureItem', `${numeric} <> ${one}`);
      const again = time('scan-resumed', () => resumed(item, chunkPlan(rng, item.length), options));
      sameVerdicts(`scanner at ${start} ${canonical(options)}`, [
        { path: 'measureItem', text: one },
        { path: 'ItemScanner', text: again },
      ]);
    }
    // Sequence decoder.
    const schema = rng.weighted([
      [undefined, 2],
      [c.any(), 1],
      [traceEventSchema, 3],
    ]);
    const seqOptions = {
      mode: rng.pick(['tolerant', 'strict']),
      keepBytes: rng.chance(0.3),
      maxDepth: rng.pick([undefined, 8, 64]),
      baseOffset: rng.pick([0, 0, 16, 12345]),
    };
    if (rng.chance(0.3)) seqOptions.resync = { pattern: Uint8Array.of(0xb9) };
    const where = `decodeSequence ${schema === undefined ? 'no schema' : schema === traceEventSchema ? 'event schema' : 'any'}`;
    const whole = time('sequence', () =>
      settleSync(() => decodeSequence(schema, bytes, seqOptions), E, where, bytes.length + seqOptions.baseOffset),
    );
    if (whole.value === undefined) throw new Finding('untyped-error', where, `threw ${whole.thrown}`);
    const wholeText = new Verdict();
    for (const e of whole.value) wholeText.add(eventLine(e));
    const chunked = time('sequence-pushed', () =>
      pushed(createSequenceDecoder(schema, seqOptions), bytes, chunkPlan(rng, bytes.length)),
    );
    sameVerdicts(where, [
      { path: 'decodeSequence', text: wholeText },
      { path: 'createSequenceDecoder', text: chunked },
    ]);
    // Every item decodes alone at its offset to the same value and problems.
    if (schema !== undefined) {
      let checked = 0;
      for (const e of whole.value) {
        if (e.kind !== 'item' || checked++ > 200) continue;
        const at = e.offset - seqOptions.baseOffset;
        const r = settleSync(
          () =>
            decodeItem(schema, bytes, at, {
              mode: seqOptions.mode,
              maxDepth: seqOptions.maxDepth,
              baseOffset: seqOptions.baseOffset,
            }),
          E,
          `decodeItem(${at})`,
          bytes.length + seqOptions.baseOffset,
        );
        if (r.value === undefined) {
          if (seqOptions.mode === 'strict' && !e.ok) continue; // strict entry points throw the item's first problem
          throw new Finding('mismatch', `decodeItem(${at})`, `threw ${r.thrown} for an item of the sequence`);
        }
        if (r.value.length !== e.length || canonical(r.value.value) !== canonical(e.value)) {
          throw new Finding(
            'mismatch',
            `decodeItem(${at}) vs the sequence`,
            `${canonical(r.value.value).slice(0, 200)} <> ${canonical(e.value).slice(0, 200)}`,
          );
        }
      }
    }
    const last = whole.value.at(-1);
    return last === undefined ? 'empty' : last.kind === 'item' ? 'items' : last.kind;
  },
};
