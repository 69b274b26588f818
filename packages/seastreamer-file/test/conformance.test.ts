import { createHash } from 'node:crypto';
import { createMemorySink, fromBytes, isValidUtf8, toHex } from '@x/binary';
import { describe, expect, it } from 'vitest';
import {
  createSeaStreamerWriter,
  formatIsoTimestamp,
  openSeaStreamerReader,
  planAppend,
  readSeaStreamer,
  type SeaStreamerBeacon,
  type SeaStreamerEnd,
  SeaStreamerFileError,
  type SeaStreamerMessage,
  writeSeaStreamer,
} from '../src/index.js';
import {
  type Expected,
  type ExpectedBeacon,
  fixtureNames,
  messagesOf,
  nextMessage,
  readAll,
  readExpected,
  readFixture,
  seastreamerDir,
  skipCorpus,
} from './helpers.js';

const names = fixtureNames();
const openErrors: Record<string, string> = {
  'FormatErr::ByteMark': 'BAD_MAGIC',
  'FormatErr::Version': 'UNSUPPORTED_VERSION',
  NotEnoughBytes: 'TRUNCATED',
};

function messageView(m: SeaStreamerMessage) {
  const utf8 = isValidUtf8(m.payload);
  return {
    offset: m.offset,
    endOffset: m.endOffset,
    frameSize: m.frameSize,
    splicedBy: [...m.splicedBy],
    streamKey: m.streamKey,
    shardId: String(m.shardId),
    seqNo: String(m.seqNo),
    timestampMs: String(m.timestamp),
    timestamp: formatIsoTimestamp(m.timestamp),
    payloadEncoding: utf8 ? 'utf8' : 'hex',
    payload: utf8 ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(m.payload) : toHex(m.payload),
    payloadSize: m.payload.length,
    payloadSha256: createHash('sha256').update(m.payload).digest('hex'),
    checksum: m.checksum,
    checksumOk: m.checksumOk,
    terminator: m.terminator,
    isEos: m.isEos,
  };
}

function expectedMessageView(e: Expected['messages'] & object, i: number) {
  const m = e[i]!;
  const { payload, ...rest } = m;
  return {
    ...rest,
    shardId: String(m.shardId),
    seqNo: String(m.seqNo),
    timestampMs: String(m.timestampMs),
    ...(payload === undefined ? {} : { payload }),
  };
}

function beaconView(b: SeaStreamerBeacon) {
  return {
    offset: b.offset,
    index: b.index,
    remainingMessageBytes: b.remainingMessageBytes,
    size: b.size,
    leadByte: b.leadByte,
    tailByte: b.tailByte,
    markers: b.markers.map((m) => ({
      streamKey: m.streamKey,
      shardId: String(m.shardId),
      seqNo: String(m.seqNo),
      timestampMs: String(m.timestamp),
      timestamp: formatIsoTimestamp(m.timestamp),
      runningChecksum: m.runningChecksum,
    })),
  };
}

function expectedBeaconView(b: ExpectedBeacon) {
  if (b.truncated) return b;
  return {
    ...b,
    markers: b.markers.map((m) => ({
      ...m,
      shardId: String(m.shardId),
      seqNo: String(m.seqNo),
      timestampMs: String(m.timestampMs),
    })),
  };
}

/** The end state implied by the expected file: eos / eof (possibly a complete beacon after the last frame) / truncated. */
function expectedState(e: Expected): SeaStreamerEnd['state'] {
  const end = e.end!;
  if (e.isStreamEnded === true) return 'eos';
  if (end.trailingBytes === 0) return 'eof';
  const beacon = e.beacons?.find((b) => b.offset === end.offset);
  if (beacon && !beacon.truncated && beacon.size === end.trailingBytes) return 'eof';
  return 'truncated';
}

async function readAllItems(bytes: Uint8Array, chunkSize: number) {
  const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize }), { beacons: true });
  const items = await readAll(reader);
  return { reader, items };
}

describe.skipIf(skipCorpus)(`SeaStreamer conformance corpus (${seastreamerDir})`, () => {
  it('has the 25 fixtures of the spec', () => {
    expect(names.length).toBe(25);
  });

  describe.each(names)('%s', (name) => {
    const expected = readExpected(name);
    const bytes = readFixture(name);

    it('file size', () => {
      expect(bytes.length).toBe(expected.fileSize);
    });

    if (expected.error) {
      it(`fails to open with ${openErrors[expected.error]}`, async () => {
        const code = openErrors[expected.error!];
        expect(() => readSeaStreamer(bytes)).toThrow(SeaStreamerFileError);
        try {
          readSeaStreamer(bytes);
        } catch (error) {
          expect(SeaStreamerFileError.is(error) && error.code).toBe(code);
        }
        await expect(openSeaStreamerReader(fromBytes(bytes, { chunkSize: 7 }))).rejects.toMatchObject({ code });
        await expect(openSeaStreamerReader(bytes)).rejects.toMatchObject({ code });
      });
      return;
    }

    it('header, every message, every beacon and the end state (whole buffer)', () => {
      const result = readSeaStreamer(bytes, {});
      const h = expected.header!;
      expect(result.header).toEqual({
        fileName: h.fileName,
        createdAt: BigInt(h.createdAtMs),
        beaconInterval: h.beaconInterval,
        paddingOk: h.paddingOk,
      });
      expect(formatIsoTimestamp(result.header.createdAt)).toBe(h.createdAt);
      const exp = expected.messages!;
      expect(result.messages.length).toBe(exp.length);
      result.messages.forEach((m, i) => {
        const view = messageView(m);
        if (exp[i]!.payload === undefined) delete (view as { payload?: string }).payload;
        expect(view).toEqual(expectedMessageView(exp, i));
      });
      const complete = expected.beacons!.filter((b) => !b.truncated);
      expect(result.beacons.map(beaconView)).toEqual(complete.map(expectedBeaconView));
      const errors = exp.filter((m) => !m.checksumOk).length;
      const state = expectedState(expected);
      expect(result.end).toEqual({
        state,
        offset: expected.end!.offset,
        trailingBytes: expected.end!.trailingBytes,
        errors,
        warnings: result.problems.filter((p) => p.severity === 'warning').length,
        complete: errors === 0 && state !== 'truncated',
        messages: exp.length,
        beacons: complete.length,
      });
    });

    it('every beacon by random access, including truncated ones', async () => {
      const reader = await openSeaStreamerReader(fromBytes(bytes));
      const interval = expected.header!.beaconInterval;
      for (const b of expected.beacons!) {
        const got = await reader.readBeacon(b.index);
        if (b.truncated) expect(got).toEqual({ index: b.index, offset: b.offset, truncated: true });
        else expect(beaconView(got as SeaStreamerBeacon)).toEqual(expectedBeaconView(b));
      }
      expect(await reader.readBeacon(Math.floor(bytes.length / interval) + 1)).toBeUndefined();
    });

    it('the streaming reader gives the same items at any chunk size', async () => {
      const whole = readSeaStreamer(bytes, {});
      const wholeItems = [...whole.messages, ...whole.beacons].sort((a, b) => a.offset - b.offset);
      for (const chunkSize of [1, 97, 65536]) {
        if (chunkSize === 1 && bytes.length > 200_000) continue;
        const { reader, items } = await readAllItems(bytes, chunkSize);
        expect(items.length).toBe(wholeItems.length);
        expect(messagesOf(items).map(messageView)).toEqual(whole.messages.map(messageView));
        expect(items.filter((i) => i.kind === 'beacon')).toEqual(whole.beacons);
        expect(reader.end).toEqual(whole.end);
        expect(reader.problems.map((p) => [p.code, p.offset])).toEqual(whole.problems.map((p) => [p.code, p.offset]));
      }
    }, 300_000);

    it('rewind results match the reference', async () => {
      for (const r of expected.rewind!) {
        const reader = await openSeaStreamerReader(bytes, {});
        const run = () =>
          r.target === 'End'
            ? reader.rewindToEnd()
            : r.target === 'Beginning'
              ? reader.rewindToStart()
              : reader.rewindToBeacon(r.target);
        if ('error' in r) {
          await expect(run()).rejects.toMatchObject({ code: 'TRUNCATED' });
          continue;
        }
        const result = await run();
        expect({ target: r.target, ...result }).toEqual({
          target: r.target,
          beaconIndex: r.returned,
          offset: r.offsetAfter,
        });
        const next = await nextMessage(reader);
        if ('error' in r.next) expect(next).toBeNull();
        else
          expect({ key: next?.streamKey, seq: next?.seqNo }).toEqual({
            key: r.next.streamKey,
            seq: BigInt(r.next.seqNo),
          });
      }
    });
  });

  it('running checksums: exactly two warnings over the corpus (rs-appended at 2048, rs-file-producer at 6144)', () => {
    const warnings: string[] = [];
    for (const name of names) {
      if (readExpected(name).error) continue;
      const result = readSeaStreamer(readFixture(name), {});
      for (const p of result.problems) {
        if (p.code === 'RUNNING_CHECKSUM_MISMATCH')
          warnings.push(`${name}@${p.beaconOffset}:${p.streamKey}/${p.shardId}`);
      }
    }
    expect(warnings).toEqual(['rs-appended@2048:app/0', 'rs-file-producer@6144:hello/0']);
  });

  it('no other problem over the corpus: decoration bytes are clean, only the damaged checksum is reported', async () => {
    const problems: string[] = [];
    for (const name of names) {
      if (readExpected(name).error) continue;
      const bytes = readFixture(name);
      const result = readSeaStreamer(bytes, {});
      for (const p of result.problems) problems.push(`${name}@${p.offset}:${p.code}:${p.severity}`);
      const { reader } = await readAllItems(bytes, 65536);
      expect(reader.problems).toEqual(result.problems);
    }
    expect(problems).toEqual([
      'rs-appended@2048:RUNNING_CHECKSUM_MISMATCH:warning',
      'rs-file-producer@6144:RUNNING_CHECKSUM_MISMATCH:warning',
      'rs-interval-1024.bad-checksum@1793:CHECKSUM_MISMATCH:error',
    ]);
  });

  it('bad checksum: an error problem with offset, received and computed, the message delivered flagged', async () => {
    const bytes = readFixture('rs-interval-1024.bad-checksum');
    const reported = readSeaStreamer(bytes);
    expect(reported.problems).toMatchObject([
      { code: 'CHECKSUM_MISMATCH', severity: 'error', offset: 1793, received: 60375, computed: 38939 },
    ]);
    const damaged = reported.messages.find((m) => m.offset === 1793)!;
    expect([damaged.seqNo, damaged.checksumOk]).toEqual([3n, false]);
    expect((reported.problems[0] as { decoded: SeaStreamerMessage }).decoded).toBe(damaged);
    expect(reported.end).toMatchObject({ state: 'eof', errors: 1, warnings: 0, complete: false, messages: 300 });
  });

  it('bad checksum, strict: a typed error naming offset, received and computed; reading can go on past it', async () => {
    const bytes = readFixture('rs-interval-1024.bad-checksum');
    let caught: unknown;
    try {
      readSeaStreamer(bytes, { strict: true });
    } catch (error) {
      caught = error;
    }
    expect(SeaStreamerFileError.is(caught)).toBe(true);
    const error = caught as SeaStreamerFileError;
    expect([error.code, error.offset, error.received, error.computed]).toEqual([
      'CHECKSUM_MISMATCH',
      1793,
      60375,
      38939,
    ]);
    expect(error.message).toContain('1793');
    expect((error.decoded as SeaStreamerMessage).seqNo).toBe(3n);

    const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize: 512 }), { strict: true });
    const seen: SeaStreamerMessage[] = [];
    let errors = 0;
    for (;;) {
      try {
        const m = await nextMessage(reader);
        if (m === null) break;
        seen.push(m);
      } catch (e) {
        errors++;
        expect(e).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: 1793 });
      }
    }
    expect(errors).toBe(1);
    expect(seen.length).toBe(299);
    expect(reader.end?.state).toBe('eof');
    // the damaged message is the one problem: running checksums are unaffected
    expect(reader.problems.map((p) => [p.code, p.offset])).toEqual([['CHECKSUM_MISMATCH', 1793]]);
  });

  it('non-ASCII header file name is read correctly and messages follow (the TS reference reads none)', () => {
    const result = readSeaStreamer(readFixture('rs-unicode-filename'));
    expect(result.header.fileName).toBe('日本語-ü.ss');
    expect(result.messages.length).toBe(6);
  });

  describe('byte-exact re-write', () => {
    const multiSession = new Set(['rs-appended', 'rs-file-producer']);
    const singleRun = names.filter((n) => {
      const e = readExpected(n);
      return !e.error && !n.includes('.') && !multiSession.has(n) && n !== 'rs-size-limit';
    });

    it.each(singleRun)('%s is reproduced byte for byte', (name) => {
      const bytes = readFixture(name);
      const { header, messages } = readSeaStreamer(bytes);
      const last = messages[messages.length - 1];
      const out = writeSeaStreamer(last?.isEos ? messages.slice(0, -1) : messages, {
        fileName: header.fileName,
        createdAt: header.createdAt,
        beaconInterval: header.beaconInterval,
        eos: last?.isEos ? last.timestamp : false,
        allowEmptyStreamKey: true,
        allowReservedStreamKeys: true,
      });
      expect(out.length).toBe(bytes.length);
      expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
    });

    it('rs-size-limit: its 2850-byte prefix, and the 15th message is refused whole', () => {
      const bytes = readFixture('rs-size-limit');
      const { header, messages } = readSeaStreamer(bytes);
      const out = writeSeaStreamer(messages, {
        fileName: header.fileName,
        createdAt: header.createdAt,
        beaconInterval: header.beaconInterval,
        sizeLimit: 3000,
      });
      expect(Buffer.from(out).equals(Buffer.from(bytes.subarray(0, 2850)))).toBe(true);
      const fifteenth = { ...messages[13]!, seqNo: 15n, payload: new Uint8Array(200) };
      let caught: unknown;
      try {
        writeSeaStreamer([...messages, fifteenth], {
          fileName: header.fileName,
          createdAt: header.createdAt,
          beaconInterval: header.beaconInterval,
          sizeLimit: 3000,
        });
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'SIZE_LIMIT_EXCEEDED', offset: 2850 });
    });

    it('rs-appended: three writer runs with the reference restart rule (empty state on append)', async () => {
      const bytes = readFixture('rs-appended');
      const { header, messages } = readSeaStreamer(bytes);
      const sessions = ['first-session', 'second-session', 'third-session'].map((p) =>
        messages.filter((m) => new TextDecoder().decode(m.payload).startsWith(p)),
      );
      let file = writeSeaStreamer(sessions[0]!, {
        fileName: header.fileName,
        createdAt: header.createdAt,
        beaconInterval: header.beaconInterval,
      });
      for (const session of sessions.slice(1)) {
        const sink = createMemorySink();
        sink.write(file);
        const writer = createSeaStreamerWriter(sink, { resume: { ...header, offset: file.length, streams: [] } });
        for (const m of session) writer.write(m);
        await writer.flush();
        file = sink.toBytes();
      }
      expect(Buffer.from(file).equals(Buffer.from(bytes))).toBe(true);
    });

    it('rs-file-producer: reconnect seeded with the last message checksum reproduces the file', async () => {
      const bytes = readFixture('rs-file-producer');
      const { header, messages } = readSeaStreamer(bytes);
      const split = messages.findIndex((m) => m.seqNo === 125n);
      const first = messages.slice(0, split);
      const last = first[first.length - 1]!;
      const head = writeSeaStreamer(first, {
        fileName: header.fileName,
        createdAt: header.createdAt,
        beaconInterval: header.beaconInterval,
      });
      const sink = createMemorySink();
      sink.write(head);
      const writer = createSeaStreamerWriter(sink, {
        resume: {
          ...header,
          offset: head.length,
          streams: [
            {
              streamKey: 'hello',
              shardId: 0n,
              maxSeqNo: last.seqNo,
              maxTimestamp: last.timestamp,
              runningChecksum: last.checksum,
            },
          ],
        },
      });
      for (const m of messages.slice(split)) writer.write(m);
      await writer.flush();
      expect(Buffer.from(sink.toBytes()).equals(Buffer.from(bytes))).toBe(true);
    });
  });

  describe('seek', () => {
    it('seek by seq no matches key and shard (reference stops on gamma 59): alpha/0 seq 50 at 24964', async () => {
      const reader = await openSeaStreamerReader(readFixture('rs-interval-1024'));
      const result = await reader.seekBySeqNo('alpha', 0n, 50n);
      expect([result.message.streamKey, result.message.seqNo, result.message.offset]).toEqual(['alpha', 50n, 24964]);
      expect(result.startBeacon).toBe(22);
      expect(result.beaconsRead).toBeLessThanOrEqual(12);
      const next = await nextMessage(reader);
      expect(next?.offset).toBe(24964);
      const after = await nextMessage(reader);
      expect(after!.offset).toBeGreaterThan(24964);
    });

    it.each([
      'rs-interval-1024',
      'rs-many-streams',
      'rs-large-messages',
      'rs-edge-values',
      'rs-20mb',
      'consumer',
      'rs-interval-128',
    ])('%s: every seq/timestamp seek equals the first match of a linear scan', async (name) => {
      const bytes = readFixture(name);
      const { messages } = readSeaStreamer(bytes);
      const streams = new Map<string, SeaStreamerMessage[]>();
      for (const m of messages) {
        const k = `${m.streamKey}\u0000${m.shardId}`;
        const list = streams.get(k);
        if (list) list.push(m);
        else streams.set(k, [m]);
      }
      // The streams the corpus lists for the file: every one of them is sought.
      const listed = new Set(readExpected(name).messages!.map((m) => `${m.streamKey}\u0000${BigInt(m.shardId)}`));
      expect([...streams.keys()].sort()).toEqual([...listed].sort());
      const reader = await openSeaStreamerReader(bytes);
      let checks = 0;
      for (const list of streams.values()) {
        const { streamKey, shardId } = list[0]!;
        const step = Math.max(1, Math.floor(list.length / 6));
        for (let i = 0; i < list.length; i += step) {
          const seq = list[i]!.seqNo;
          const expectedBySeq = list.find((m) => m.seqNo >= seq)!;
          const bySeq = await reader.seekBySeqNo(streamKey, shardId, seq);
          expect(bySeq.message.offset).toBe(expectedBySeq.offset);
          expect((await nextMessage(reader))?.offset).toBe(expectedBySeq.offset);
          const ts = list[i]!.timestamp;
          const expectedByTs = list.find((m) => m.timestamp > ts);
          if (expectedByTs) {
            const byTs = await reader.seekByTimestamp(streamKey, shardId, ts);
            expect(byTs.message.offset).toBe(expectedByTs.offset);
          } else {
            await expect(reader.seekByTimestamp(streamKey, shardId, ts)).rejects.toMatchObject({
              code: 'OUT_OF_RANGE',
            });
          }
          checks++;
        }
      }
      expect(checks).toBeGreaterThanOrEqual(2 * streams.size); // a seq and a time seek per sampled message
    });

    it('damaged frames during a seek: a skipped one is reported, a matching one stays next (and throws, strict)', async () => {
      const bytes = readFixture('rs-interval-1024.bad-checksum');
      for (const strict of [false, true]) {
        const reader = await openSeaStreamerReader(bytes, { strict });
        // gamma 5 (at 2175) is found by scanning from the start, over beta 3 (damaged, at 1793).
        const past = await reader.seekBySeqNo('gamma', 0n, 5n);
        expect([past.startBeacon, past.message.offset]).toEqual([0, 2175]);
        expect(reader.problems).toMatchObject([{ code: 'CHECKSUM_MISMATCH', offset: 1793, received: 60375 }]);
        const onIt = await reader.seekBySeqNo('beta', 0n, 3n);
        expect([onIt.message.seqNo, onIt.message.offset, onIt.message.checksumOk]).toEqual([3n, 1793, false]);
        if (strict)
          await expect(nextMessage(reader)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: 1793 });
        else expect(await nextMessage(reader)).toMatchObject({ offset: 1793, checksumOk: false });
        expect((await nextMessage(reader))?.offset).toBe(1867);
      }
    });

    it('no match: OUT_OF_RANGE, and the previous position is kept', async () => {
      const reader = await openSeaStreamerReader(readFixture('consumer'));
      await nextMessage(reader);
      await nextMessage(reader);
      await expect(reader.seekBySeqNo('hello', 1n, 1000n)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
      await expect(reader.seekBySeqNo('nope', 0n, 0n)).rejects.toMatchObject({ code: 'OUT_OF_RANGE' });
      expect((await nextMessage(reader))?.seqNo).toBe(2n);
    });
  });

  it('append plan of rs-appended continues the stream state seamlessly (no new warning)', async () => {
    const bytes = readFixture('rs-appended');
    const plan = await planAppend(bytes);
    expect(plan.resume.offset).toBe(2508);
    expect(plan.staleBytes).toBe(0);
    const sink = createMemorySink();
    sink.write(bytes);
    const writer = createSeaStreamerWriter(sink, { resume: plan.resume });
    for (let i = 46; i < 120; i++)
      writer.write({ streamKey: 'app', seqNo: i, timestamp: 1700000000000 + i, payload: `fourth-${i}` });
    await writer.flush();
    const result = readSeaStreamer(sink.toBytes());
    expect(result.messages.length).toBe(45 + 74);
    expect(result.problems.map((p) => p.offset)).toEqual([2048]);
  });
});
