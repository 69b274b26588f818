// The NDJSON importers of both formats (@x/moqtrace/ndjson importNdjson, @x/seastreamer-file/ndjson
// importSeaStreamerNdjson) over text, bytes and random chunkings. Beyond the typed-error and same-verdict
// invariants: strict and skipping imports agree (the first failing line is the first skipped one), no record is
// dropped silently (every non-blank line is imported, skipped with a report, or a record without content), and
// what was imported writes and reads back.
import { createMemorySink } from '@x/binary';
import { MoqtraceError, readTrace, writeTrace } from '@x/moqtrace';
import { exportNdjson, importNdjson } from '@x/moqtrace/ndjson';
import { readSeaStreamer, SeaStreamerFileError } from '@x/seastreamer-file';
import { importSeaStreamerNdjson } from '@x/seastreamer-file/ndjson';
import { canonical, Finding, sameVerdicts, settle, settleSync, typedError } from '../check.mjs';
import { chunkPlan } from '../random.mjs';
import { plannedSource } from '../sources.mjs';

function depth(value) {
  if (value === null || typeof value !== 'object') return 0;
  let max = 0;
  for (const v of Object.values(value)) max = Math.max(max, depth(v));
  return max + 1;
}

/**
 * Counts the non-blank lines and those that are valid records without content (of `contentless` kinds), the way
 * the contract reads them: a BOM before the first line is ignored, a CR before LF is part of the line break.
 */
function countLines(bytes, contentless, maxDepth) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined; // invalid UTF-8 fails the whole import
  }
  if (text.startsWith('\ufeff')) text = text.slice(1);
  let lines = 0;
  let empty = 0;
  for (let line of text.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    lines++;
    try {
      const value = JSON.parse(line);
      if (
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        contentless.has(value.kind) &&
        depth(value) <= maxDepth
      ) {
        empty++;
      }
    } catch {
      // not JSON: must be skipped
    }
  }
  return { lines, empty };
}

function validText(bytes) {
  try {
    // The text as a caller holding a string has it: a BOM stays a character at its start.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const lineOf = (r) => (r.value === undefined ? `THROWN ${r.thrown} at ${r.offset}` : r.value);

/** Strict and skipping imports agree: strict fails exactly when lines are skipped, at the first of them. */
function strictAgreesWithSkipping(strict, skipping, where, lineOfError) {
  if (skipping.value === undefined) {
    // A failure no skipping gets past (invalid UTF-8, an over-long line): strict fails there or before.
    if (strict.value !== undefined || !(strict.offset <= skipping.offset)) {
      throw new Finding(
        'mismatch',
        where,
        `skipping import threw ${skipping.thrown} at ${skipping.offset}, strict ${strict.value ? 'succeeded' : `threw at ${strict.offset}`}`,
      );
    }
    return;
  }
  const first = skipping.value.skipped[0];
  if (first === undefined) {
    if (strict.value === undefined)
      throw new Finding('mismatch', where, `strict import threw ${strict.thrown}, nothing was skipped`);
    return;
  }
  if (strict.value !== undefined)
    throw new Finding('silent-skip', where, `strict import succeeded, line ${first.line} was skipped`);
  if (strict.offset !== first.offset || lineOfError(strict.error) !== first.line) {
    throw new Finding(
      'mismatch',
      where,
      `strict failed at byte ${strict.offset}, the first skipped line is at byte ${first.offset}`,
    );
  }
}

async function settleWithError(fn, errorClass, where, size) {
  try {
    return { value: await fn() };
  } catch (error) {
    return { ...typedError(error, errorClass, where, size), error };
  }
}

/** @x/moqtrace/ndjson importNdjson. */
export const traceNdjsonTarget = {
  name: 'moqtrace-ndjson',
  family: 'traceNdjson',
  async run(bytes, rng, time) {
    const E = MoqtraceError;
    const size = bytes.length;
    const render = (r) => canonical({ segments: r.segments, skipped: r.skipped });
    const paths = [];
    const asBytes = await time('import', () =>
      settleWithError(() => importNdjson(bytes), E, 'importNdjson(bytes)', size),
    );
    paths.push({
      path: 'bytes',
      text: lineOf(asBytes.value === undefined ? asBytes : { value: render(asBytes.value) }),
    });
    const text = validText(bytes);
    if (text !== undefined) {
      const r = await settle(() => importNdjson(text), E, 'importNdjson(text)', size);
      paths.push({ path: 'text', text: lineOf(r.value === undefined ? r : { value: render(r.value) }) });
    }
    const chunked = await time('import-chunked', () =>
      settle(() => importNdjson(plannedSource(bytes, chunkPlan(rng, size))), E, 'importNdjson(chunks)', size),
    );
    paths.push({
      path: 'chunks',
      text: lineOf(chunked.value === undefined ? chunked : { value: render(chunked.value) }),
    });
    sameVerdicts('importNdjson', paths);

    const skipping = await settleWithError(
      () => importNdjson(bytes, { skipInvalid: true }),
      E,
      'importNdjson skipInvalid',
      size,
    );
    strictAgreesWithSkipping(asBytes, skipping, 'importNdjson strict vs skipInvalid', (e) => e?.details?.line);
    if (skipping.value === undefined) return `thrown ${skipping.thrown}`;
    const imported = skipping.value;
    for (const s of imported.skipped) {
      if (
        !(Number.isSafeInteger(s.line) && s.line > 0 && Number.isSafeInteger(s.offset) && s.offset <= size && s.reason)
      ) {
        throw new Finding('bad-skip', 'importNdjson skipInvalid', `skipped record ${canonical(s)}`);
      }
    }
    const counted = countLines(bytes, new Set(['error', 'end']), 500);
    const events = imported.segments.reduce((n, s) => n + s.events.length, 0);
    if (
      counted !== undefined &&
      counted.lines !== imported.segments.length + events + imported.skipped.length + counted.empty
    ) {
      throw new Finding(
        'silent-skip',
        'importNdjson skipInvalid',
        `${counted.lines} lines: ${imported.segments.length} headers, ${events} events, ${imported.skipped.length} skipped, ${counted.empty} without content`,
      );
    }
    if (imported.segments.length === 0) return imported.skipped.length ? 'skipped' : 'empty';
    // What was imported writes; the written trace exports and imports back to the same file.
    const written = settleSync(() => writeTrace({ segments: imported.segments }), E, 'writeTrace(imported)', undefined);
    if (written.value === undefined)
      throw new Finding('import-accepts-unwritable', 'importNdjson', `writeTrace threw ${written.thrown}`);
    const again = await importNdjson(exportNdjson(readTrace(written.value)));
    const rewritten = writeTrace({ segments: again.segments });
    if (canonical(rewritten) !== canonical(written.value)) {
      throw new Finding('round-trip', 'importNdjson', 'export + import of the written trace writes different bytes');
    }
    return imported.skipped.length ? 'skipped' : 'clean';
  },
};

/** @x/seastreamer-file/ndjson importSeaStreamerNdjson. */
export const ssNdjsonTarget = {
  name: 'ss-ndjson',
  family: 'ssNdjson',
  async run(bytes, rng, time) {
    const E = SeaStreamerFileError;
    const size = bytes.length;
    const options = { fileName: 'fuzz.ss', createdAt: 1_700_000_000_000 };
    const run = async (input, extra, where) => {
      const sink = createMemorySink();
      const r = await settleWithError(
        () => importSeaStreamerNdjson(input, sink, { ...options, ...extra }),
        E,
        where,
        size,
      );
      return r.value === undefined ? r : { ...r, out: sink.toBytes() };
    };
    const whole = await time('import', () => run(bytes, {}, 'importSeaStreamerNdjson(bytes)'));
    const chunked = await time('import-chunked', () =>
      run(
        plannedSource(bytes, chunkPlan(rng, size), { seekable: rng.chance(0.5) }),
        {},
        'importSeaStreamerNdjson(chunks)',
      ),
    );
    const render = (r) => (r.value === undefined ? lineOf(r) : `${canonical(r.value)} ${canonical(r.out)}`);
    sameVerdicts('importSeaStreamerNdjson', [
      { path: 'bytes', text: render(whole) },
      { path: 'chunks', text: render(chunked) },
    ]);
    const skipping = await run(bytes, { skipInvalidLines: true }, 'importSeaStreamerNdjson skipInvalidLines');
    const asSkipped = skipping.value === undefined ? skipping : { value: { skipped: skipping.value.skipped } };
    strictAgreesWithSkipping(whole, asSkipped, 'importSeaStreamerNdjson strict vs skipInvalidLines', (e) => e?.line);
    if (skipping.value === undefined) return `thrown ${skipping.thrown}`;
    const result = skipping.value;
    for (const s of result.skipped) {
      if (
        !(
          s.code === 'INVALID_NDJSON' &&
          Number.isSafeInteger(s.line) &&
          Number.isSafeInteger(s.offset) &&
          s.offset <= size
        )
      ) {
        throw new Finding('bad-skip', 'importSeaStreamerNdjson skipInvalidLines', `skipped line ${canonical(s)}`);
      }
    }
    const counted = countLines(bytes, new Set(['beacon', 'error', 'end']), 64);
    const read = readSeaStreamer(skipping.out);
    // Header records: at most one is imported; count them from what was not skipped.
    const headerLines =
      counted === undefined ? 0 : counted.lines - result.messages - result.skipped.length - counted.empty;
    if (counted !== undefined && (headerLines < 0 || headerLines > 1)) {
      throw new Finding(
        'silent-skip',
        'importSeaStreamerNdjson skipInvalidLines',
        `${counted.lines} lines: ${result.messages} messages, ${result.skipped.length} skipped, ${counted.empty} without content`,
      );
    }
    if (
      read.messages.length !== result.messages ||
      !read.end.complete ||
      read.problems.some((p) => p.severity === 'error')
    ) {
      throw new Finding(
        'round-trip',
        'importSeaStreamerNdjson',
        `${result.messages} messages imported, ${read.messages.length} read back (${read.end.state})`,
      );
    }
    return result.skipped.length ? 'skipped' : 'clean';
  },
};
