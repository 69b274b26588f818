// @x/moqtrace: the whole-buffer read, the streaming reader over random chunkings (a seekable source read in
// batches, a stream read with `for await`), the header decoders, random access at every reported event offset
// (decodeEventAt on the whole file and on the item's own bytes, reader.readEventAt), and the same read with a
// `limit` and in `strict` mode.
import {
  decodeEventAt,
  decodeTraceHeader,
  MoqtraceError,
  openTraceReader,
  peekTraceHeader,
  readTrace,
} from '@x/moqtrace';
import {
  canonical,
  checkProblems,
  Finding,
  ReadVerdict,
  sameReads,
  sameVerdicts,
  settle,
  settleSync,
} from '../check.mjs';
import { chunkPlan } from '../random.mjs';
import { plannedIterable, plannedSource } from '../sources.mjs';

function problemLine(p) {
  const { value: _value, ...rest } = p;
  return `P ${canonical(rest)}`;
}

function segmentLine(s) {
  return `S ${s.index} ${s.offset} v${s.version} ${s.headerLength} ${s.eventsOffset} ${canonical(s.header)}`;
}

const eventLine = (offset, segment, event) => `E ${offset} ${segment} ${canonical(event)}`;

function thrownText(result) {
  return `THROWN ${result.thrown} at ${result.offset}`;
}

/** The whole-buffer read: its verdict, its contents, and its events with offsets and segments. */
function wholeRead(bytes, options, where) {
  const read = new ReadVerdict(where, bytes.length);
  const r = settleSync(
    () => readTrace(bytes, { ...options, onProblem: (p) => read.problem(p, problemLine(p)) }),
    MoqtraceError,
    where,
    bytes.length,
  );
  if (r.value === undefined) return { read: ReadVerdict.threw(where, r), thrown: r };
  const t = r.value;
  const events = [];
  t.segments.forEach((s) => {
    read.record('segments', segmentLine(s));
    s.events.forEach((e, k) => {
      events.push([s.eventOffsets[k], s.index, e]);
      read.record('events', eventLine(s.eventOffsets[k], s.index, e));
    });
  });
  if (events.length !== t.events.length) {
    throw new Finding('bad-result', where, `${t.events.length} events, ${events.length} in the segments`);
  }
  read.checkList(t.problems, problemLine);
  return { read: read.finish(t.end), contents: t, events };
}

/** A streaming read over a chunk plan: a seekable source or a stream read in batches, or an iterable. */
async function streamedRead(bytes, rng, options, where, style) {
  const sizes = chunkPlan(rng, bytes.length);
  const input =
    style === 'iterable'
      ? plannedIterable(bytes, sizes)
      : plannedSource(bytes, sizes, { seekable: style === 'seekable' });
  const read = new ReadVerdict(where, bytes.length);
  const r = await settle(
    async () => {
      const reader = await openTraceReader(input, {
        ...options,
        segments: true,
        onProblem: (p) => read.problem(p, problemLine(p)),
      });
      const take = (record) => {
        if (record.kind === 'segment') {
          const { kind: _kind, ...info } = record;
          read.record('segments', segmentLine(info));
        } else read.record('events', eventLine(record.offset, record.segment, record.event));
      };
      if (style === 'iterable') {
        for await (const record of reader) take(record);
      } else {
        for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
          for (const record of batch) take(record);
        }
      }
      return reader;
    },
    MoqtraceError,
    where,
    bytes.length,
  );
  if (r.value === undefined) return { read: ReadVerdict.threw(where, r) };
  const reader = r.value;
  read.checkList(reader.problems, problemLine);
  return { read: read.finish(reader.end), reader };
}

/** Random access: every event at its offset, the malformed items as problems, a few arbitrary offsets. */
async function randomAccess(bytes, rng, whole, where) {
  const { contents, events } = whole;
  const ends = new Map();
  const starts = events.map(([offset]) => offset);
  for (const p of contents.problems) starts.push(p.offset);
  starts.sort((a, b) => a - b);
  for (let i = 0; i < starts.length; i++) ends.set(starts[i], starts[i + 1] ?? bytes.length);
  const step = Math.max(1, Math.ceil(events.length / 2000));
  for (let i = 0; i < events.length; i += step) {
    const [offset, segment, event] = events[i];
    const expected = canonical(event);
    const at = decodeEventAt(bytes, offset, { segment });
    if (!at.ok || canonical(at.event) !== expected) {
      throw new Finding(
        'random-access',
        where,
        `decodeEventAt(${offset}): ${at.ok ? canonical(at.event) : at.problem.code}, read ${expected}`,
      );
    }
    const own = bytes.subarray(offset, offset + (at.end - offset));
    const alone = decodeEventAt(own, 0);
    if (!alone.ok || canonical(alone.event) !== expected || alone.end !== own.length) {
      throw new Finding('random-access', where, `decodeEventAt on the item's own ${own.length} bytes at ${offset}`);
    }
  }
  for (const p of contents.problems) {
    if (p.code !== 'MALFORMED_EVENT') continue;
    const at = decodeEventAt(bytes, p.offset, { segment: p.segment });
    if (at.ok || at.problem.code !== 'MALFORMED_EVENT') {
      throw new Finding(
        'random-access',
        where,
        `decodeEventAt(${p.offset}) of a MALFORMED_EVENT item: ${at.ok ? 'ok' : at.problem.code}`,
      );
    }
  }
  for (let k = 0; k < 8 && bytes.length > 0; k++) {
    const offset = rng.int(bytes.length);
    const r = settleSync(
      () => decodeEventAt(bytes, offset),
      MoqtraceError,
      `${where} decodeEventAt(${offset})`,
      bytes.length,
    );
    if (r.value !== undefined && !r.value.ok)
      checkProblems([r.value.problem], `${where} decodeEventAt(${offset})`, bytes.length);
  }
  // The reader's random access on a seekable source.
  const reader = await openTraceReader(plannedSource(bytes, chunkPlan(rng, bytes.length)));
  try {
    for (let k = 0; k < Math.min(20, events.length); k++) {
      const [offset, , event] = events[rng.int(events.length)];
      const at = await reader.readEventAt(offset);
      if (!at.ok || canonical(at.event) !== canonical(event)) {
        throw new Finding(
          'random-access',
          where,
          `reader.readEventAt(${offset}): ${at.ok ? 'another event' : at.problem.code}`,
        );
      }
    }
  } finally {
    await reader.close();
  }
}

/** Strict mode throws the first error problem (code and offset), or reads as without it. */
function checkStrict(bytes, whole, where) {
  const first = whole.contents.problems.find((p) => p.severity === 'error');
  const r = settleSync(() => readTrace(bytes, { strict: true }), MoqtraceError, where, bytes.length);
  if (first === undefined && whole.read.counts.errors > 0) return; // the first error is beyond the list kept
  if (first === undefined) {
    if (r.value === undefined) throw new Finding('strict', where, `threw ${r.thrown} without an error problem`);
    return;
  }
  if (r.value !== undefined || r.thrown !== first.code || r.offset !== first.offset) {
    throw new Finding(
      'strict',
      where,
      `expected ${first.code} at ${first.offset}, got ${r.value ? 'a result' : `${r.thrown} at ${r.offset}`}`,
    );
  }
}

/** The moqtrace readers. */
export const moqtraceTarget = {
  name: 'moqtrace',
  family: 'trace',
  async run(bytes, rng, time) {
    const whole = time('whole', () => wholeRead(bytes, {}, 'readTrace'));
    const reads = [{ path: 'readTrace', read: whole.read }];
    for (const style of ['seekable', rng.pick(['stream', 'iterable'])]) {
      const streamed = await time(`stream-${style}`, () =>
        streamedRead(bytes, rng, {}, `openTraceReader(${style})`, style),
      );
      reads.push({ path: `openTraceReader(${style})`, read: streamed.read });
    }
    sameReads('moqtrace', reads);
    // The first segment's header, three ways.
    const head = (r) => (r.value === undefined ? thrownText(r) : segmentLine(r.value));
    const expectedHead = whole.thrown ? thrownText(whole.thrown) : segmentLine(whole.contents.segments[0]);
    const decoded = settleSync(() => decodeTraceHeader(bytes), MoqtraceError, 'decodeTraceHeader', bytes.length);
    const peeked = await settle(
      () => peekTraceHeader(plannedSource(bytes, chunkPlan(rng, bytes.length))),
      MoqtraceError,
      'peekTraceHeader',
      bytes.length,
    );
    sameVerdicts('moqtrace header', [
      { path: 'readTrace', text: expectedHead },
      { path: 'decodeTraceHeader', text: head(decoded) },
      { path: 'peekTraceHeader', text: head(peeked) },
    ]);
    if (whole.thrown) return `thrown ${whole.thrown.thrown}`;
    await time('random-access', () => randomAccess(bytes, rng, whole, 'random access'));
    if (rng.chance(0.3)) {
      const limit = rng.int(whole.events.length + 2);
      const limited = wholeRead(bytes, { limit }, `readTrace limit ${limit}`);
      const streamed = await streamedRead(bytes, rng, { limit }, `openTraceReader limit ${limit}`, 'seekable');
      sameReads(`moqtrace limit ${limit}`, [
        { path: 'readTrace', read: limited.read },
        { path: 'openTraceReader', read: streamed.read },
      ]);
    }
    if (rng.chance(0.3)) checkStrict(bytes, whole, 'readTrace strict');
    const { end } = whole.contents;
    return end.complete ? 'clean' : `problems (${end.state})`;
  },
};
