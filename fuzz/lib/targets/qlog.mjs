// @x/moqt-qlog import: readQlog over the whole buffer and openQlogReader over random chunkings (batches and
// `for await`), with the same events, problems, end and final header; a limit read both ways.
import { openQlogReader, QlogError, readQlog } from '@x/moqt-qlog';
import { canonical, checkEnd, checkProblems, sameVerdicts, settle, settleSync } from '../check.mjs';
import { chunkPlan } from '../random.mjs';
import { plannedIterable, plannedSource } from '../sources.mjs';

const MANY = 1_000_000_000;
const OPTIONS = { startTime: 1_700_000_000_000, fileName: 'fuzz.sqlog' };

function verdictText({ header, segmentOffsets, events, problems, end }) {
  const lines = [`H ${canonical(header)}`, `S ${segmentOffsets.join(',')}`];
  for (const [offset, segment, event] of events) lines.push(`E ${offset} ${segment} ${canonical(event)}`);
  for (const p of problems) lines.push(`P ${canonical(p)}`);
  lines.push(`END ${canonical(end)}`);
  return lines.join('\n');
}

const thrownText = (r) => `THROWN ${r.thrown} at ${r.offset}`;

function whole(bytes, options, where) {
  const r = settleSync(
    () => readQlog(bytes, { ...OPTIONS, maxProblems: MANY, ...options }),
    QlogError,
    where,
    bytes.length,
  );
  if (r.value === undefined) return { text: thrownText(r), thrown: r };
  const q = r.value;
  checkProblems(q.problems, where, bytes.length);
  checkEnd(q.end, where, bytes.length, q.problems);
  const events = [];
  q.segments.forEach((s, i) => {
    s.events.forEach((e, k) => {
      events.push([s.eventOffsets[k], i, e]);
    });
  });
  return {
    text: verdictText({
      header: q.header,
      segmentOffsets: q.segments.map((s) => s.offset),
      events,
      problems: q.problems,
      end: q.end,
    }),
    contents: q,
  };
}

async function streamed(bytes, rng, options, where, style) {
  const sizes = chunkPlan(rng, bytes.length);
  const input =
    style === 'iterable'
      ? plannedIterable(bytes, sizes)
      : plannedSource(bytes, sizes, { seekable: style === 'seekable' });
  const r = await settle(
    async () => {
      const reader = await openQlogReader(input, { ...OPTIONS, ...options, maxProblems: MANY, segments: true });
      const segmentOffsets = [];
      const events = [];
      const take = (record) => {
        if (record.kind === 'segment') segmentOffsets.push(record.offset);
        else events.push([record.offset, record.segment, record.event]);
      };
      if (style === 'iterable') {
        for await (const record of reader) take(record);
      } else {
        for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
          for (const record of batch) take(record);
        }
      }
      return { reader, segmentOffsets, events };
    },
    QlogError,
    where,
    bytes.length,
  );
  if (r.value === undefined) return { text: thrownText(r) };
  const { reader, segmentOffsets, events } = r.value;
  checkProblems(reader.problems, where, bytes.length);
  checkEnd(reader.end, where, bytes.length, reader.problems);
  return {
    text: verdictText({ header: reader.header, segmentOffsets, events, problems: reader.problems, end: reader.end }),
  };
}

/** The qlog importer. */
export const qlogTarget = {
  name: 'qlog',
  family: 'qlog',
  async run(bytes, rng, time) {
    const w = time('whole', () => whole(bytes, {}, 'readQlog'));
    const verdicts = [{ path: 'readQlog', text: w.text }];
    for (const style of ['seekable', rng.pick(['stream', 'iterable'])]) {
      const s = await time(`stream-${style}`, () => streamed(bytes, rng, {}, `openQlogReader(${style})`, style));
      verdicts.push({ path: `openQlogReader(${style})`, text: s.text });
    }
    sameVerdicts('qlog', verdicts);
    if (w.thrown) return `thrown ${w.thrown.thrown}`;
    if (rng.chance(0.3)) {
      const limit = rng.int(w.contents.events.length + 2);
      const a = whole(bytes, { limit }, `readQlog limit ${limit}`);
      const b = await streamed(bytes, rng, { limit }, `openQlogReader limit ${limit}`, 'seekable');
      sameVerdicts(`qlog limit ${limit}`, [
        { path: 'readQlog', text: a.text },
        { path: 'openQlogReader', text: b.text },
      ]);
    }
    return w.contents.end.complete ? 'clean' : `problems (${w.contents.end.state})`;
  },
};
