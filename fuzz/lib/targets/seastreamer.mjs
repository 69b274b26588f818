// @x/seastreamer-file: the whole-buffer read, the streaming reader over random chunkings (seekable source in
// batches, stream with `for await`), random access at every message offset (decodeMessageAt, reader.readMessageAt)
// and at arbitrary offsets, beacons by index, seek by sequence number and rewind, statistics, `limit` and `strict`.
import {
  computeStats,
  decodeMessageAt,
  decodeSeaStreamerHeader,
  openSeaStreamerReader,
  peekSeaStreamerHeader,
  readSeaStreamer,
  SeaStreamerFileError,
} from '@x/seastreamer-file';
import { canonical, Finding, ReadVerdict, sameReads, sameVerdicts, settle, settleSync } from '../check.mjs';
import { chunkPlan } from '../random.mjs';
import { plannedIterable, plannedSource } from '../sources.mjs';

const E = SeaStreamerFileError;

function problemLine(p) {
  const { decoded, ...rest } = p;
  return `P ${canonical(rest)}${decoded ? ` @${decoded.offset}` : ''}`;
}

const thrownText = (r) => `THROWN ${r.thrown} at ${r.offset}`;

/** The whole-buffer read: its verdict (header, messages, beacons, problems, end) and contents. */
function wholeRead(bytes, options, where) {
  const read = new ReadVerdict(where, bytes.length);
  const r = settleSync(
    () => readSeaStreamer(bytes, { ...options, onProblem: (p) => read.problem(p, problemLine(p)) }),
    E,
    where,
    bytes.length,
  );
  if (r.value === undefined) return { read: ReadVerdict.threw(where, r), thrown: r };
  const c = r.value;
  read.record('header', `H ${canonical(c.header)}`);
  for (const m of c.messages) read.record('messages', `M ${canonical(m)}`);
  for (const b of c.beacons) read.record('beacons', `B ${canonical(b)}`);
  read.checkList(c.problems, problemLine);
  return { read: read.finish(c.end), contents: c };
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
      const reader = await openSeaStreamerReader(input, {
        ...options,
        beacons: true,
        onProblem: (p) => read.problem(p, problemLine(p)),
      });
      read.record('header', `H ${canonical(reader.header)}`);
      const take = (record) =>
        record.kind === 'message'
          ? read.record('messages', `M ${canonical(record)}`)
          : read.record('beacons', `B ${canonical(record)}`);
      if (style === 'iterable') {
        for await (const record of reader) take(record);
      } else {
        for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
          for (const record of batch) take(record);
        }
      }
      return reader;
    },
    E,
    where,
    bytes.length,
  );
  if (r.value === undefined) return { read: ReadVerdict.threw(where, r) };
  const reader = r.value;
  read.checkList(reader.problems, problemLine);
  return { read: read.finish(reader.end) };
}

/**
 * The problems sequential reading reports for the frame of message `m`: its own, and those of the beacons inside
 * it (their remaining-bytes counts and decoration bytes); running checksums are not part of random access.
 */
function frameProblems(problems, m, interval, beaconAt) {
  const inside = new Set(m.splicedBy);
  // The beacon opening m's interval, when its count says m starts inside the frame it cuts: random access reports
  // that contradiction too (it is what it checks before decoding a frame there).
  const opening = beaconAt.get(m.offset - (m.offset % interval));
  const claimsInside = (p) =>
    opening !== undefined &&
    p.offset === opening.offset &&
    (p.messageOffset === undefined || p.messageOffset === null || p.messageOffset < m.offset) &&
    opening.offset + opening.size + p.found > m.offset;
  return problems.filter((p) =>
    p.code === 'REMAINING_BYTES_MISMATCH'
      ? p.messageOffset === m.offset || claimsInside(p)
      : p.code === 'BAD_BEACON_DELIMITER'
        ? inside.has(p.offset)
        : p.code !== 'RUNNING_CHECKSUM_MISMATCH' && p.offset === m.offset,
  );
}

async function randomAccess(bytes, rng, contents, complete, where) {
  const { messages, problems, beacons } = contents;
  // With more problems than the list keeps, frames after the last listed one are not compared.
  const listedUpTo = complete ? Number.POSITIVE_INFINITY : (problems.at(-1)?.offset ?? 0);
  const interval = contents.header.beaconInterval;
  const beaconAt = new Map(beacons.map((b) => [b.offset, b]));
  const step = Math.max(1, Math.ceil(messages.length / 1500));
  const reader = await openSeaStreamerReader(plannedSource(bytes, chunkPlan(rng, bytes.length)));
  try {
    for (let i = 0; i < messages.length; i += step) {
      const m = messages[i];
      const label = `${where} decodeMessageAt(${m.offset})`;
      const r = settleSync(() => decodeMessageAt(bytes, m.offset), E, label, bytes.length);
      if (r.value === undefined)
        throw new Finding('random-access', label, `${r.thrown} for a message read sequentially`);
      if (canonical(r.value.message) !== canonical(m)) {
        throw new Finding('random-access', label, `another message: ${canonical(r.value.message).slice(0, 300)}`);
      }
      const compared = m.endOffset <= listedUpTo;
      const expected = frameProblems(problems, m, interval, beaconAt).map(problemLine).join('\n');
      const got = r.value.problems.map(problemLine).join('\n');
      if (compared && got !== expected)
        throw new Finding('random-access', `${label} problems`, `${got || '(none)'} <> ${expected || '(none)'}`);
      if (i % (step * 7) === 0) {
        const a = await settle(
          () => reader.readMessageAt(m.offset),
          E,
          `${where} readMessageAt(${m.offset})`,
          bytes.length,
        );
        if (a.value === undefined || canonical(a.value.message) !== canonical(m)) {
          throw new Finding(
            'random-access',
            `${where} readMessageAt(${m.offset})`,
            a.value ? 'another message' : a.thrown,
          );
        }
        if (compared && a.value.problems.map(problemLine).join('\n') !== expected) {
          throw new Finding(
            'random-access',
            `${where} readMessageAt(${m.offset}) problems`,
            'differ from sequential reading',
          );
        }
      }
    }
    for (let k = 0; k < 8 && bytes.length > 0; k++) {
      const offset = rng.int(bytes.length + 4);
      settleSync(() => decodeMessageAt(bytes, offset), E, `${where} decodeMessageAt(${offset})`, bytes.length + 4);
      await settle(() => reader.readMessageAt(offset), E, `${where} readMessageAt(${offset})`, bytes.length + 4);
    }
    // Beacons by index give what sequential reading gave.
    for (const b of beacons.slice(0, 50)) {
      const got = await settle(() => reader.readBeacon(b.index), E, `${where} readBeacon(${b.index})`, bytes.length);
      if (got.value === undefined || canonical(got.value) !== canonical(b)) {
        throw new Finding(
          'random-access',
          `${where} readBeacon(${b.index})`,
          got.value ? canonical(got.value).slice(0, 300) : got.thrown,
        );
      }
    }
    // Seek: a message it finds matches the query; rewinds end in typed errors or records.
    if (messages.length > 0) {
      const m = rng.pick(messages);
      const seq = rng.chance(0.5) ? m.seqNo : m.seqNo + BigInt(rng.int(3));
      // No matching message is OUT_OF_RANGE about the query, not about a byte of the data.
      const s = await settle(
        () => reader.seekBySeqNo(m.streamKey, m.shardId, seq),
        E,
        `${where} seekBySeqNo`,
        bytes.length,
        ['OUT_OF_RANGE'],
      );
      if (s.value !== undefined) {
        const found = s.value.message;
        if (found.streamKey !== m.streamKey || found.shardId !== m.shardId || found.seqNo < seq) {
          throw new Finding(
            'seek',
            `${where} seekBySeqNo(${m.streamKey}, ${m.shardId}, ${seq})`,
            `found ${canonical(found).slice(0, 200)}`,
          );
        }
      }
    }
    const index = rng.int(beacons.length + 2);
    await settle(
      async () => {
        await reader.rewindToBeacon(index);
        for (
          let n = 0, batch = await reader.nextBatch();
          batch !== null && n < 50;
          batch = await reader.nextBatch(), n++
        );
      },
      E,
      `${where} rewindToBeacon(${index})`,
      bytes.length,
    );
  } finally {
    await reader.close();
  }
}

function checkStrict(bytes, contents, errors, where) {
  const first = contents.problems.find((p) => p.severity === 'error');
  const r = settleSync(() => readSeaStreamer(bytes, { strict: true }), E, where, bytes.length);
  if (first === undefined && errors > 0) return; // the first error is beyond the list kept
  if (first === undefined) {
    // strict also refuses keys and timestamps the reference refuses: those are error problems only then.
    if (r.value === undefined && r.thrown !== 'INVALID_STREAM_KEY' && r.thrown !== 'TIMESTAMP_OUT_OF_RANGE') {
      throw new Finding('strict', where, `threw ${r.thrown} without an error problem`);
    }
    return;
  }
  if (r.value !== undefined) throw new Finding('strict', where, `no exception for ${first.code} at ${first.offset}`);
  if (r.offset > first.offset) {
    throw new Finding(
      'strict',
      where,
      `threw ${r.thrown} at ${r.offset}, after the first error ${first.code} at ${first.offset}`,
    );
  }
}

/** The .ss readers. */
export const seastreamerTarget = {
  name: 'seastreamer',
  family: 'ss',
  async run(bytes, rng, time) {
    const whole = time('whole', () => wholeRead(bytes, {}, 'readSeaStreamer'));
    const reads = [{ path: 'readSeaStreamer', read: whole.read }];
    for (const style of ['seekable', rng.pick(['stream', 'iterable'])]) {
      const streamed = await time(`stream-${style}`, () =>
        streamedRead(bytes, rng, {}, `openSeaStreamerReader(${style})`, style),
      );
      reads.push({ path: `openSeaStreamerReader(${style})`, read: streamed.read });
    }
    sameReads('seastreamer', reads);
    const head = (r) => (r.value === undefined ? thrownText(r) : `H ${canonical(r.value)}`);
    // A file name that is not UTF-8: the header decoders throw it unless lenient, readers report it (INVALID_UTF8
    // at 4) and go on, or throw what the lenient decoder throws.
    const strict = settleSync(() => decodeSeaStreamerHeader(bytes), E, 'decodeSeaStreamerHeader', bytes.length);
    const badName = strict.thrown === 'INVALID_UTF8' && strict.offset === 4;
    if (badName && !whole.thrown && !whole.contents.problems.some((p) => p.code === 'INVALID_UTF8' && p.offset === 4)) {
      throw new Finding('mismatch', 'readSeaStreamer', 'no INVALID_UTF8 problem for a file name that is not UTF-8');
    }
    const lenient = { lenientUtf8: badName };
    const decoded = settleSync(
      () => decodeSeaStreamerHeader(bytes, lenient),
      E,
      'decodeSeaStreamerHeader',
      bytes.length,
    );
    const peeked = await settle(
      () =>
        peekSeaStreamerHeader(
          plannedSource(bytes, chunkPlan(rng, bytes.length), { seekable: rng.chance(0.5) }),
          lenient,
        ),
      E,
      'peekSeaStreamerHeader',
      bytes.length,
    );
    sameVerdicts('seastreamer header', [
      {
        path: 'readSeaStreamer',
        text: whole.thrown ? thrownText(whole.thrown) : `H ${canonical(whole.contents.header)}`,
      },
      { path: 'decodeSeaStreamerHeader', text: head(decoded) },
      { path: 'peekSeaStreamerHeader', text: head(peeked) },
    ]);
    if (whole.thrown) return `thrown ${whole.thrown.thrown}`;
    const { contents } = whole;
    const listed = contents.problems.length === whole.read.counts.errors + whole.read.counts.warnings;
    await time('random-access', () => randomAccess(bytes, rng, contents, listed, 'random access'));
    if (rng.chance(0.3)) {
      const limit = rng.int(contents.messages.length + 2);
      const a = wholeRead(bytes, { limit }, `readSeaStreamer limit ${limit}`);
      const b = await streamedRead(bytes, rng, { limit }, `openSeaStreamerReader limit ${limit}`, 'seekable');
      sameReads(`seastreamer limit ${limit}`, [
        { path: 'readSeaStreamer', read: a.read },
        { path: 'openSeaStreamerReader', read: b.read },
      ]);
    }
    if (rng.chance(0.3)) checkStrict(bytes, contents, whole.read.counts.errors, 'readSeaStreamer strict');
    if (rng.chance(0.3)) {
      const stats = await settle(() => computeStats(bytes), E, 'computeStats', bytes.length);
      const plain = readSeaStreamer(bytes, { verifyChecksums: false, lenientUtf8: true });
      if (stats.value === undefined || stats.value.messageCount !== plain.messages.length) {
        throw new Finding(
          'stats',
          'computeStats',
          `${stats.value?.messageCount ?? stats.thrown} messages, read ${plain.messages.length}`,
        );
      }
      await settle(() => computeStats(bytes, { estimate: true }), E, 'computeStats estimate', bytes.length);
    }
    return contents.end.complete ? 'clean' : `problems (${contents.end.state})`;
  },
};
