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
import { canonical, checkEnd, checkProblems, Finding, sameVerdicts, settle, settleSync } from '../check.mjs';
import { chunkPlan } from '../random.mjs';
import { plannedIterable, plannedSource } from '../sources.mjs';

const MANY = 1_000_000_000;
const E = SeaStreamerFileError;

function problemLine(p) {
  const { decoded, ...rest } = p;
  return `P ${canonical(rest)}${decoded ? ` @${decoded.offset}` : ''}`;
}

function verdictText({ header, messages, beacons, problems, end }) {
  const lines = [`H ${canonical(header)}`];
  for (const m of messages) lines.push(`M ${canonical(m)}`);
  for (const b of beacons) lines.push(`B ${canonical(b)}`);
  for (const p of problems) lines.push(problemLine(p));
  lines.push(`END ${canonical(end)}`);
  return lines.join('\n');
}

const thrownText = (r) => `THROWN ${r.thrown} at ${r.offset}`;

function wholeRead(bytes, options, where) {
  const r = settleSync(() => readSeaStreamer(bytes, { maxProblems: MANY, ...options }), E, where, bytes.length);
  if (r.value === undefined) return { text: thrownText(r), thrown: r };
  const c = r.value;
  checkProblems(c.problems, where, bytes.length);
  checkEnd(c.end, where, bytes.length, c.problems);
  return { text: verdictText(c), contents: c };
}

async function streamedRead(bytes, rng, options, where, style) {
  const sizes = chunkPlan(rng, bytes.length);
  const input =
    style === 'iterable'
      ? plannedIterable(bytes, sizes)
      : plannedSource(bytes, sizes, { seekable: style === 'seekable' });
  const seen = [];
  const r = await settle(
    async () => {
      const reader = await openSeaStreamerReader(input, {
        ...options,
        beacons: true,
        maxProblems: MANY,
        onProblem: (p) => seen.push(p),
      });
      const messages = [];
      const beacons = [];
      const take = (record) => (record.kind === 'message' ? messages : beacons).push(record);
      if (style === 'iterable') {
        for await (const record of reader) take(record);
      } else {
        for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
          for (const record of batch) take(record);
        }
      }
      return { reader, messages, beacons };
    },
    E,
    where,
    bytes.length,
  );
  if (r.value === undefined) return { text: thrownText(r) };
  const { reader, messages, beacons } = r.value;
  if (canonical(reader.problems.map(problemLine)) !== canonical(seen.map(problemLine))) {
    throw new Finding('bad-result', where, 'reader.problems differs from the problems passed to onProblem');
  }
  checkProblems(seen, where, bytes.length);
  checkEnd(reader.end, where, bytes.length, seen);
  return { text: verdictText({ header: reader.header, messages, beacons, problems: seen, end: reader.end }) };
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
    p.messageOffset < m.offset &&
    opening.offset + opening.size + p.found > m.offset;
  return problems.filter((p) =>
    p.code === 'REMAINING_BYTES_MISMATCH'
      ? p.messageOffset === m.offset || claimsInside(p)
      : p.code === 'BAD_BEACON_DELIMITER'
        ? inside.has(p.offset)
        : p.code !== 'RUNNING_CHECKSUM_MISMATCH' && p.offset === m.offset,
  );
}

async function randomAccess(bytes, rng, contents, where) {
  const { messages, problems, beacons } = contents;
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
      const expected = frameProblems(problems, m, interval, beaconAt).map(problemLine).join('\n');
      const got = r.value.problems.map(problemLine).join('\n');
      if (got !== expected)
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
        if (a.value.problems.map(problemLine).join('\n') !== expected) {
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

function checkStrict(bytes, contents, where) {
  const first = contents.problems.find((p) => p.severity === 'error');
  const r = settleSync(() => readSeaStreamer(bytes, { strict: true }), E, where, bytes.length);
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
    const verdicts = [{ path: 'readSeaStreamer', text: whole.text }];
    for (const style of ['seekable', rng.pick(['stream', 'iterable'])]) {
      const streamed = await time(`stream-${style}`, () =>
        streamedRead(bytes, rng, {}, `openSeaStreamerReader(${style})`, style),
      );
      verdicts.push({ path: `openSeaStreamerReader(${style})`, text: streamed.text });
    }
    sameVerdicts('seastreamer', verdicts);
    const head = (r) => (r.value === undefined ? thrownText(r) : `H ${canonical(r.value)}`);
    const decoded = settleSync(() => decodeSeaStreamerHeader(bytes), E, 'decodeSeaStreamerHeader', bytes.length);
    const peeked = await settle(
      () => peekSeaStreamerHeader(plannedSource(bytes, chunkPlan(rng, bytes.length), { seekable: rng.chance(0.5) })),
      E,
      'peekSeaStreamerHeader',
      bytes.length,
    );
    sameVerdicts('seastreamer header', [
      { path: 'readSeaStreamer', text: whole.thrown ? whole.text : `H ${canonical(whole.contents.header)}` },
      { path: 'decodeSeaStreamerHeader', text: head(decoded) },
      { path: 'peekSeaStreamerHeader', text: head(peeked) },
    ]);
    if (whole.thrown) return `thrown ${whole.thrown.thrown}`;
    const { contents } = whole;
    await time('random-access', () => randomAccess(bytes, rng, contents, 'random access'));
    if (rng.chance(0.3)) {
      const limit = rng.int(contents.messages.length + 2);
      const a = wholeRead(bytes, { limit }, `readSeaStreamer limit ${limit}`);
      const b = await streamedRead(bytes, rng, { limit }, `openSeaStreamerReader limit ${limit}`, 'seekable');
      sameVerdicts(`seastreamer limit ${limit}`, [
        { path: 'readSeaStreamer', text: a.text },
        { path: 'openSeaStreamerReader', text: b.text },
      ]);
    }
    if (rng.chance(0.3)) checkStrict(bytes, contents, 'readSeaStreamer strict');
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
