import { createMemorySink, fromBytes } from '@x/binary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSeaStreamerWriter,
  decodeMessageAt,
  type MessageInput,
  openSeaStreamerReader,
  planAppend,
  readSeaStreamer,
  SeaStreamerFileError,
  type SeaStreamerMessage,
  writeSeaStreamer,
} from '../src/index.js';
import { messagesOf, nextMessage, readAll } from './helpers.js';

const keys = ['a', 'bb', 'stream.one', 'Z_z-9', 'k'.repeat(249)];

const messageArb = (maxPayload: number) =>
  fc.record({
    streamKey: fc.constantFrom(...keys),
    shardId: fc.oneof(fc.constantFrom(0n, 1n, 2n ** 64n - 1n), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
    seqNo: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    timestamp: fc.bigInt({ min: 0n, max: 253402300799999n }),
    payload: fc.uint8Array({ minLength: 0, maxLength: maxPayload }),
  });

const fileArb = fc.integer({ min: 128, max: 65536 }).chain((interval) =>
  fc.record({
    interval: fc.constant(interval),
    messages: fc.array(messageArb(3 * interval), { minLength: 0, maxLength: interval > 8192 ? 8 : 25 }),
    eos: fc.boolean(),
    chunkSize: fc.integer({ min: 1, max: 5000 }),
  }),
);

function same(read: readonly SeaStreamerMessage[], written: readonly MessageInput[]) {
  expect(read.length).toBe(written.length);
  read.forEach((m, i) => {
    const w = written[i]!;
    expect([m.streamKey, m.shardId, m.seqNo, m.timestamp]).toEqual([w.streamKey, w.shardId, w.seqNo, w.timestamp]);
    expect(m.payload).toEqual(w.payload);
    expect(m.checksumOk).toBe(true);
  });
}

describe('round trips (fast-check)', () => {
  it('write then read gives the messages back, beacons at every multiple of the interval, no warnings', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async ({ interval, messages, eos, chunkSize }) => {
        const bytes = writeSeaStreamer(messages, {
          fileName: 'p.ss',
          beaconInterval: interval,
          eos: eos ? 7n : false,
        });
        const whole = readSeaStreamer(bytes);
        same(eos ? whole.messages.slice(0, -1) : whole.messages, messages);
        expect(whole.problems).toEqual([]);
        expect(whole.end.state).toBe(eos ? 'eos' : 'eof');
        // Offsets chain: each frame starts where the previous ended (plus a beacon on a boundary).
        let at = 128;
        for (const m of whole.messages) {
          if (at % interval === 0) at += whole.beacons.find((b) => b.offset === at)!.size;
          expect(m.offset).toBe(at);
          at = m.endOffset;
        }
        // A complete beacon at every multiple of the interval below the size.
        const random = await openSeaStreamerReader(fromBytes(bytes));
        for (let i = 1; i * interval < bytes.length; i++) {
          const beacon = await random.readBeacon(i);
          expect(beacon && !('truncated' in beacon) && beacon.offset).toBe(i * interval);
        }
        expect(whole.beacons.length).toBe(Math.floor((bytes.length - 1) / interval));
        // The streaming reader agrees at any chunk size.
        const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize }));
        expect(await readAll(reader)).toEqual(whole.messages);
        expect(reader.end).toEqual(whole.end);
      }),
      { numRuns: 120 },
    );
  });

  it('frames spanning many small intervals, any buffer size: the same bytes, the messages back', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 128, max: 2048 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 6 }),
        async (interval, bufferSize, spans) => {
          const messages: MessageInput[] = spans.map((n, i) => ({
            streamKey: keys[i % keys.length] as string,
            seqNo: BigInt(i),
            timestamp: BigInt(i),
            payload: new Uint8Array(n * interval + i).fill(i),
          }));
          const bytes = writeSeaStreamer(messages, { fileName: 'w.ss', beaconInterval: interval, createdAt: 1 });
          const sink = createMemorySink();
          const writer = createSeaStreamerWriter(sink, {
            fileName: 'w.ss',
            beaconInterval: interval,
            bufferSize,
            createdAt: 1,
          });
          for (const m of messages) writer.write(m);
          await writer.close();
          // Buffer comparisons: a deep equality of these sizes takes seconds
          expect(Buffer.from(sink.toBytes()).equals(bytes)).toBe(true);
          const read = readSeaStreamer(bytes);
          expect(read.problems).toEqual([]);
          expect(read.messages.length).toBe(messages.length);
          read.messages.forEach((m, i) => {
            expect(Buffer.from(m.payload).equals(messages[i]?.payload as Uint8Array)).toBe(true);
          });
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);

  it('a file re-encoded from what was read is byte-identical', () => {
    fc.assert(
      fc.property(fileArb, ({ interval, messages }) => {
        const bytes = writeSeaStreamer(messages, { fileName: 'p.ss', beaconInterval: interval, createdAt: 1 });
        const again = writeSeaStreamer(readSeaStreamer(bytes).messages, {
          fileName: 'p.ss',
          beaconInterval: interval,
          createdAt: 1,
        });
        expect(again).toEqual(bytes);
      }),
      { numRuns: 60 },
    );
  });

  it('corrupted bytes: typed errors only, never a hang; every read path agrees', async () => {
    await fc.assert(
      fc.asyncProperty(
        fileArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        async ({ interval, messages }, flips) => {
          const bytes = writeSeaStreamer(messages, { fileName: 'c.ss', beaconInterval: interval });
          for (const [at, value] of flips) bytes[128 + (at % Math.max(1, bytes.length - 128))] = value;
          try {
            const whole = readSeaStreamer(bytes);
            const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize: 333 }), { beacons: true });
            const records = await readAll(reader);
            // The streaming reader gives the same records, problems and end as the whole-buffer read.
            expect(records).toEqual([...whole.messages, ...whole.beacons].sort((a, b) => a.offset - b.offset));
            expect(reader.problems).toEqual(whole.problems);
            expect(reader.end).toEqual(whole.end);
            // Random access gives every message as sequential reading gives it.
            for (const m of whole.messages) expect(decodeMessageAt(bytes, m.offset).message).toEqual(m);
          } catch (error) {
            expect(SeaStreamerFileError.is(error)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('truncation at every byte offset', () => {
  it.each([128, 200, 1024])(
    'interval %i: every complete message before the cut, then a truncated end',
    async (interval) => {
      const messages: MessageInput[] = [];
      for (let i = 0; i < 14; i++) {
        messages.push({
          streamKey: i % 2 ? 'odd' : 'even',
          shardId: BigInt(i % 3),
          seqNo: BigInt(i),
          timestamp: BigInt(1000 + i),
          payload: 'x'.repeat((i * 37) % 150),
        });
      }
      const bytes = writeSeaStreamer(messages, { fileName: 't.ss', beaconInterval: interval, eos: 5n });
      const full = readSeaStreamer(bytes);
      for (let cut = 0; cut <= bytes.length; cut++) {
        const part = bytes.subarray(0, cut);
        if (cut < 128) {
          expect(() => readSeaStreamer(part)).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
          continue;
        }
        const result = readSeaStreamer(part);
        const complete = full.messages.filter((m) => m.endOffset <= cut);
        expect(result.messages).toEqual(complete);
        const lastEnd = complete.at(-1)?.endOffset ?? 128;
        expect(result.end.offset).toBe(lastEnd);
        expect(result.end.trailingBytes).toBe(cut - lastEnd);
        const beaconAtEnd = full.beacons.find((b) => b.offset === lastEnd);
        const clean = cut === lastEnd || (beaconAtEnd !== undefined && cut === lastEnd + beaconAtEnd.size);
        expect(result.end.state === 'truncated').toBe(!clean);
        if (clean) expect(result.end.state).toBe(complete.at(-1)?.isEos ? 'eos' : 'eof');
        // Every complete beacon below the cut is reported, also those inside a truncated tail (regression: the
        // beacons inside an incomplete long frame were dropped).
        expect(result.beacons).toEqual(full.beacons.filter((b) => b.offset + b.size <= cut));
        if (cut % 7 === 0) {
          const reader = await openSeaStreamerReader(fromBytes(part, { chunkSize: 13 }), { beacons: true });
          const streamed = await readAll(reader);
          expect(messagesOf(streamed)).toEqual(complete);
          expect(streamed.filter((r) => r.kind === 'beacon')).toEqual(result.beacons);
          expect(reader.end).toEqual(result.end);
        }
      }
    },
    300_000,
  );
});

describe('seek (fast-check): equals the first match of a linear scan, markers or not', () => {
  it('seekBySeqNo and seekByTimestamp', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(128, 600, 1024, 2048, 4096),
        fc.array(
          fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), shard: fc.constantFrom(0n, 1n), size: fc.nat(300) }),
          {
            minLength: 1,
            maxLength: 150,
          },
        ),
        fc.nat(),
        async (interval, plan, pick) => {
          const counters = new Map<string, bigint>();
          const messages = plan.map(({ key, shard, size }, i) => {
            const id = `${key}/${shard}`;
            const seq = (counters.get(id) ?? 0n) + 1n;
            counters.set(id, seq);
            return {
              streamKey: key,
              shardId: shard,
              seqNo: seq * 2n,
              timestamp: BigInt(1000 + i * 3),
              payload: new Uint8Array(size),
            };
          });
          const bytes = writeSeaStreamer(messages, { fileName: 's.ss', beaconInterval: interval });
          const read = readSeaStreamer(bytes).messages;
          const target = read[pick % read.length]!;
          const reader = await openSeaStreamerReader(bytes);
          for (const seq of [target.seqNo - 1n, target.seqNo, target.seqNo + 1n]) {
            const expected = read.find(
              (m) => m.streamKey === target.streamKey && m.shardId === target.shardId && m.seqNo >= seq,
            );
            if (expected === undefined) {
              await expect(reader.seekBySeqNo(target.streamKey, target.shardId, seq)).rejects.toMatchObject({
                code: 'OUT_OF_RANGE',
              });
            } else {
              const result = await reader.seekBySeqNo(target.streamKey, target.shardId, seq);
              expect(result.message.offset).toBe(expected.offset);
              expect(result.beaconsRead).toBeLessThanOrEqual(Math.floor(bytes.length / interval));
            }
          }
          for (const inclusive of [false, true]) {
            const t = target.timestamp;
            const expected = read.find(
              (m) =>
                m.streamKey === target.streamKey &&
                m.shardId === target.shardId &&
                (inclusive ? m.timestamp >= t : m.timestamp > t),
            );
            if (expected === undefined) {
              await expect(
                reader.seekByTimestamp(target.streamKey, target.shardId, t, { inclusive }),
              ).rejects.toMatchObject({
                code: 'OUT_OF_RANGE',
              });
            } else {
              const result = await reader.seekByTimestamp(target.streamKey, target.shardId, t, { inclusive });
              expect(result.message.offset).toBe(expected.offset);
              expect(await nextMessage(reader)).toEqual(result.message);
            }
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('append (fast-check): any split into writer runs reads back as one stream, without warnings', () => {
  it('planAppend + resumeWriter', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(128, 300, 1024, 4096),
        fc.array(messageArb(700), { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.nat(40)), { minLength: 1, maxLength: 4 }),
        async (interval, messages, splits) => {
          let bytes = writeSeaStreamer([], { fileName: 'a.ss', beaconInterval: interval, createdAt: 3 });
          const cuts = [...new Set(splits.map(([at]) => at % (messages.length + 1)))].sort((a, b) => a - b);
          const bounds = [0, ...cuts, messages.length];
          for (let s = 0; s + 1 < bounds.length; s++) {
            const [, eos, garbage] = splits[Math.min(s, splits.length - 1)]!;
            const plan = await planAppend(bytes);
            const sink = createMemorySink();
            sink.write(bytes.subarray(0, plan.resume.offset));
            const writer = createSeaStreamerWriter(sink, { resume: plan.resume });
            for (const m of messages.slice(bounds[s], bounds[s + 1])) writer.write(m);
            await writer.close({ eos, eosTimestamp: 1n });
            // A crashed writer may leave a partial frame behind: the next append truncates it.
            const tail = new Uint8Array(garbage).fill(0x41);
            bytes = new Uint8Array([...sink.toBytes(), ...tail]);
          }
          const result = readSeaStreamer(bytes);
          expect(result.problems).toEqual([]);
          same(
            result.messages.filter((m) => !m.isEos),
            messages,
          );
          // Every EOS but a final one was overwritten by the next run.
          expect(result.messages.slice(0, -1).some((m) => m.isEos)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** Files with beacons: small intervals, frames often longer than the interval. */
const splicedFileArb = fc.integer({ min: 128, max: 2048 }).chain((interval) =>
  fc.record({
    interval: fc.constant(interval),
    messages: fc.array(messageArb(3 * interval), { minLength: 2, maxLength: 25 }),
  }),
);

describe('beacon remaining-bytes counts that contradict the frames (fast-check)', () => {
  it('random access and sequential reading agree on every message, and both report the contradiction', async () => {
    await fc.assert(
      fc.asyncProperty(splicedFileArb, fc.nat(), fc.nat(), async ({ interval, messages }, pick, value) => {
        const bytes = writeSeaStreamer(messages, { fileName: 'r.ss', beaconInterval: interval });
        const clean = readSeaStreamer(bytes);
        if (clean.beacons.length === 0) return;
        const beacon = clean.beacons[pick % clean.beacons.length]!;
        const damaged = bytes.slice();
        const r = value % (2 * interval);
        new DataView(damaged.buffer).setUint32(beacon.offset + 1, r);
        const sequential = readSeaStreamer(damaged);
        expect(sequential.messages).toEqual(
          clean.messages.map((m) => ({
            ...m,
            payload: sequential.messages.find((x) => x.offset === m.offset)!.payload,
          })),
        );
        const warnings = sequential.problems.filter((p) => p.code === 'REMAINING_BYTES_MISMATCH');
        expect(warnings.length).toBe(r === beacon.remainingMessageBytes ? 0 : 1);
        const reader = await openSeaStreamerReader(fromBytes(damaged, { chunkSize: 97 }));
        for (const m of sequential.messages) {
          const sync = decodeMessageAt(damaged, m.offset);
          const async = await reader.readMessageAt(m.offset);
          expect(sync.message).toEqual(m);
          expect(async.message).toEqual({ ...m, payload: async.message.payload });
          expect(async.problems).toEqual(sync.problems);
          // The message whose frame the beacon cuts carries the warning, as in sequential reading.
          if (m.splicedBy.includes(beacon.offset)) {
            expect(sync.problems.filter((p) => p.code === 'REMAINING_BYTES_MISMATCH')).toEqual(warnings);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
