// @x/moqt-qlog import: readQlog over the whole buffer and openQlogReader over random chunkings (batches and
// `for await`), with the same events, problems, end and final header; a limit read both ways.
import { openQlogReader, QlogError, readQlog } from '@x/moqt-qlog';
import { canonical, ReadVerdict, sameReads, settle, settleSync } from '../check.mjs';
import { chunkPlan } from '../random.mjs';
import { plannedIterable, plannedSource } from '../sources.mjs';

const OPTIONS = { startTime: 1_700_000_000_000, fileName: 'fuzz.sqlog' };

const problemLine = (p) => `P ${canonical(p)}`;

/** The whole-buffer read: header, segment offsets, events, problems and end. */
function whole(bytes, options, where) {
  const read = new ReadVerdict(where, bytes.length);
  const r = settleSync(
    () => readQlog(bytes, { ...OPTIONS, ...options, onProblem: (p) => read.problem(p, problemLine(p)) }),
    QlogError,
    where,
    bytes.length,
  );
  if (r.value === undefined) return { read: ReadVerdict.threw(where, r), thrown: r };
  const q = r.value;
  read.record('header', `H ${canonical(q.header)}`);
  q.segments.forEach((s, i) => {
    read.record('segments', `S ${s.offset}`);
    s.events.forEach((e, k) => {
      read.record('events', `E ${s.eventOffsets[k]} ${i} ${canonical(e)}`);
    });
  });
  read.checkList(q.problems, problemLine);
  return { read: read.finish(q.end), contents: q };
}

/** A streaming read over a chunk plan; the header compared is the final one (it grows as events are read). */
async function streamed(bytes, rng, options, where, style) {
  const sizes = chunkPlan(rng, bytes.length);
  const input =
    style === 'iterable'
      ? plannedIterable(bytes, sizes)
      : plannedSource(bytes, sizes, { seekable: style === 'seekable' });
  const read = new ReadVerdict(where, bytes.length);
  const r = await settle(
    async () => {
      const reader = await openQlogReader(input, {
        ...OPTIONS,
        ...options,
        segments: true,
        onProblem: (p) => read.problem(p, problemLine(p)),
      });
      const take = (record) => {
        if (record.kind === 'segment') read.record('segments', `S ${record.offset}`);
        else read.record('events', `E ${record.offset} ${record.segment} ${canonical(record.event)}`);
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
    QlogError,
    where,
    bytes.length,
  );
  if (r.value === undefined) return { read: ReadVerdict.threw(where, r) };
  const reader = r.value;
  read.record('header', `H ${canonical(reader.header)}`);
  read.checkList(reader.problems, problemLine);
  return { read: read.finish(reader.end) };
}

/** The qlog importer. */
export const qlogTarget = {
  name: 'qlog',
  family: 'qlog',
  async run(bytes, rng, time) {
    const w = time('whole', () => whole(bytes, {}, 'readQlog'));
    const reads = [{ path: 'readQlog', read: w.read }];
    for (const style of ['seekable', rng.pick(['stream', 'iterable'])]) {
      const s = await time(`stream-${style}`, () => streamed(bytes, rng, {}, `openQlogReader(${style})`, style));
      reads.push({ path: `openQlogReader(${style})`, read: s.read });
    }
    sameReads('qlog', reads);
    if (w.thrown) return `thrown ${w.thrown.thrown}`;
    if (rng.chance(0.3)) {
      const limit = rng.int(w.contents.events.length + 2);
      const a = whole(bytes, { limit }, `readQlog limit ${limit}`);
      const b = await streamed(bytes, rng, { limit }, `openQlogReader limit ${limit}`, 'seekable');
      sameReads(`qlog limit ${limit}`, [
        { path: 'readQlog', read: a.read },
        { path: 'openQlogReader', read: b.read },
      ]);
    }
    return w.contents.end.complete ? 'clean' : `problems (${w.contents.end.state})`;
  },
};
