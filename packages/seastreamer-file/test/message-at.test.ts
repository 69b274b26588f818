import { fromBytes } from '@x/binary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeMessageAt,
  openSeaStreamerReader,
  readSeaStreamer,
  SeaStreamerFileError,
  type SeaStreamerMessage,
  type SeaStreamerReader,
  writeSeaStreamer,
} from '../src/index.js';
import { fixtureNames, readAll, readExpected, readFixture, skipCorpus } from './helpers.js';

const messageArb = (maxPayload: number) =>
  fc.record({
    streamKey: fc.constantFrom('a', 'bb', 'stream.one', 'k'.repeat(249)),
    shardId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    seqNo: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    timestamp: fc.bigInt({ min: 0n, max: 253402300799999n }),
    payload: fc.uint8Array({ minLength: 0, maxLength: maxPayload }),
  });

const fileArb = fc.integer({ min: 128, max: 5000 }).chain((interval) =>
  fc.record({
    interval: fc.constant(interval),
    messages: fc.array(messageArb(3 * interval), { minLength: 1, maxLength: 25 }),
    eos: fc.boolean(),
  }),
);

/** Plain fields, so that payload views and copies compare equal. */
const plain = (m: SeaStreamerMessage) => ({
  ...m,
  payload: Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.length).toString('base64'),
  splicedBy: [...m.splicedBy],
});

/** `decodeMessageAt(...).message` (the sync random access). */
function messageAt(bytes: Uint8Array, offset: number, options: { strict?: boolean } = {}): SeaStreamerMessage {
  return decodeMessageAt(bytes, offset, options).message;
}

/** `reader.readMessageAt(...).message` (the async random access). */
async function readAt(reader: SeaStreamerReader, offset: number): Promise<SeaStreamerMessage> {
  return (await reader.readMessageAt(offset)).message;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('readMessageAt (fast-check)', () => {
  it('equals the sequentially read message for every message, sync and async', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async ({ interval, messages, eos }) => {
        const bytes = writeSeaStreamer(messages, { fileName: 'r.ss', beaconInterval: interval, eos: eos && 9n });
        const { messages: read } = readSeaStreamer(bytes);
        const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize: 1000 }));
        for (const m of read) {
          expect(plain(messageAt(bytes, m.offset))).toEqual(plain(m));
          expect(plain(await readAt(reader, m.offset))).toEqual(plain(m));
        }
        // Random access does not move the sequential position.
        const sequential = (await readAll(reader)) as SeaStreamerMessage[];
        expect(sequential.map(plain)).toEqual(read.map(plain));
      }),
      { numRuns: 150 },
    );
  });

  it('refuses offsets where no frame can start with OUT_OF_RANGE; any other offset gives a message or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.array(fc.nat(), { maxLength: 40 }), async ({ interval, messages }, picks) => {
        const bytes = writeSeaStreamer(messages, { fileName: 'r.ss', beaconInterval: interval });
        const { messages: read, beacons } = readSeaStreamer(bytes);
        const starts = new Set(read.map((m) => m.offset));
        const refused = new Set<number>([0, 1, 127, bytes.length, bytes.length + 5]);
        for (const b of beacons) {
          refused.add(b.offset);
          const end = Math.min(b.offset + b.size + b.remainingMessageBytes, b.offset + interval);
          for (let o = b.offset + 1; o < end; o++) refused.add(o);
        }
        const reader = await openSeaStreamerReader(bytes);
        for (const o of refused) {
          if (starts.has(o)) continue;
          expect(thrown(() => decodeMessageAt(bytes, o))).toMatchObject({ code: 'OUT_OF_RANGE', offset: o });
          expect(await rejection(reader.readMessageAt(o))).toMatchObject({ code: 'OUT_OF_RANGE', offset: o });
        }
        for (const pick of picks) {
          const o = pick % (bytes.length + 10);
          if (starts.has(o)) continue;
          const sync = thrown(() => decodeMessageAt(bytes, o));
          const async = await rejection(reader.readMessageAt(o));
          // Garbage may decode (a message with problems): then both agree; otherwise the same typed error.
          if (sync === undefined) {
            expect(async).toBeUndefined();
            const a = decodeMessageAt(bytes, o);
            const b = await reader.readMessageAt(o);
            expect([plain(b.message), b.problems.map((p) => p.code)]).toEqual([
              plain(a.message),
              a.problems.map((p) => p.code),
            ]);
          } else {
            expect(SeaStreamerFileError.is(sync)).toBe(true);
            expect((async as SeaStreamerFileError).code).toBe((sync as SeaStreamerFileError).code);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('readMessageAt', () => {
  const messages = Array.from({ length: 30 }, (_, i) => ({
    streamKey: 'k',
    shardId: 1n,
    seqNo: BigInt(i),
    timestamp: 1700000000000n + BigInt(i),
    payload: 'p'.repeat((i * 53) % 400),
  }));
  const bytes = writeSeaStreamer(messages, { fileName: 'm.ss', beaconInterval: 256, eos: 1n });
  const { messages: read } = readSeaStreamer(bytes);
  const spliced = read.find((m) => m.splicedBy.length > 1)!;

  it('stitches a frame across several beacons and gives the same splicedBy and endOffset', async () => {
    expect(spliced).toBeDefined();
    const reader = await openSeaStreamerReader(bytes);
    const { message: m, problems } = await reader.readMessageAt(spliced.offset);
    expect([m.splicedBy, m.endOffset, m.seqNo, m.checksumOk]).toEqual([
      spliced.splicedBy,
      spliced.endOffset,
      spliced.seqNo,
      true,
    ]);
    expect(problems).toEqual([]);
  });

  it('TRUNCATED when the data ends inside the frame', async () => {
    const cut = bytes.subarray(0, spliced.endOffset - 1);
    expect(thrown(() => decodeMessageAt(cut, spliced.offset))).toMatchObject({
      code: 'TRUNCATED',
      offset: spliced.offset,
    });
    const reader = await openSeaStreamerReader(cut);
    expect(await rejection(reader.readMessageAt(spliced.offset))).toMatchObject({
      code: 'TRUNCATED',
      offset: spliced.offset,
    });
  });

  it('checksum mismatch: a flagged message with its problem, or (strict) an error carrying the message', async () => {
    const damaged = bytes.slice();
    const target = read.find((m) => m.payload.length > 10 && m.splicedBy.length === 0)!;
    damaged[target.endOffset - 5]! ^= 0xff;
    const sync = decodeMessageAt(damaged, target.offset);
    expect(sync.message.checksumOk).toBe(false);
    expect(sync.problems).toMatchObject([{ code: 'CHECKSUM_MISMATCH', severity: 'error', offset: target.offset }]);
    const reader = await openSeaStreamerReader(damaged);
    const async = await reader.readMessageAt(target.offset);
    expect(async.message.checksumOk).toBe(false);
    expect(async.problems).toEqual(sync.problems.map((p) => ({ ...p, decoded: async.message })));
    expect(reader.problems).toEqual([]); // random access reports in its result, not in the reader's problems
    const error = thrown(() => decodeMessageAt(damaged, target.offset, { strict: true })) as SeaStreamerFileError;
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: target.offset });
    expect((error.decoded as SeaStreamerMessage).seqNo).toBe(target.seqNo);
    const strictReader = await openSeaStreamerReader(damaged, { strict: true });
    expect(await rejection(strictReader.readMessageAt(target.offset))).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
  });

  it('a beacon whose remaining-bytes count contradicts the frame it cuts: the same message and warning as sequential reading', async () => {
    // Regression: random access threw OUT_OF_RANGE where sequential reading returned the message silently.
    const target = spliced;
    // R one more or one less than the frame has after the beacon; for the last beacon inside the frame, one
    // more puts the next message inside what R claims (found by reading from an earlier frame start).
    for (const [delta, at] of [
      [1, target.splicedBy[0]!],
      [-1, target.splicedBy[0]!],
      [1, target.splicedBy.at(-1)!],
      [-1, target.splicedBy.at(-1)!],
      [200, target.splicedBy.at(-1)!],
    ] as const) {
      const damaged = bytes.slice();
      const view = new DataView(damaged.buffer);
      view.setUint32(at + 1, view.getUint32(at + 1) + delta);
      const sequential = readSeaStreamer(damaged);
      const warning = {
        code: 'REMAINING_BYTES_MISMATCH',
        severity: 'warning',
        offset: at,
        messageOffset: target.offset,
      };
      expect(sequential.problems).toMatchObject([warning]);
      const m = sequential.messages.find((x) => x.offset === target.offset)!;
      const sync = decodeMessageAt(damaged, target.offset);
      expect(plain(sync.message)).toEqual(plain(m));
      expect(sync.problems).toEqual(sequential.problems);
      const reader = await openSeaStreamerReader(fromBytes(damaged, { chunkSize: 100 }));
      const async = await reader.readMessageAt(target.offset);
      expect(plain(async.message)).toEqual(plain(m));
      expect(async.problems).toEqual(sequential.problems);
      // Every message read sequentially is found at its offset.
      for (const x of sequential.messages) {
        expect(plain(messageAt(damaged, x.offset))).toEqual(plain(x));
        expect(plain(await readAt(reader, x.offset))).toEqual(plain(x));
      }
    }
  });

  it('INVALID_ARGUMENT for offsets that are not integers; NOT_SEEKABLE on plain streams', async () => {
    expect(thrown(() => decodeMessageAt(bytes, 130.5))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(thrown(() => decodeMessageAt(bytes, -1))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    const reader = await openSeaStreamerReader(stream);
    expect(await rejection(reader.readMessageAt(read[0]!.offset))).toMatchObject({ code: 'NOT_SEEKABLE' });
  });

  it('a frame larger than the first read, far from its beacon (1 MiB interval)', async () => {
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    const file = writeSeaStreamer(
      [
        { streamKey: 'x', seqNo: 1n, timestamp: 1n, payload: big },
        { streamKey: 'x', seqNo: 2n, timestamp: 2n, payload: big },
        { streamKey: 'x', seqNo: 3n, timestamp: 3n, payload: big },
        { streamKey: 'x', seqNo: 4n, timestamp: 4n, payload: big },
      ],
      { fileName: 'big.ss' },
    );
    const whole = readSeaStreamer(file);
    const reader = await openSeaStreamerReader(fromBytes(file, { chunkSize: 4096 }));
    for (const m of whole.messages) expect(plain(await readAt(reader, m.offset))).toEqual(plain(m));
    expect(whole.messages[3]!.splicedBy).toEqual([1 << 20]);
  });
});

describe.skipIf(skipCorpus)('readMessageAt over the corpus', () => {
  const names = fixtureNames().filter((name) => !readExpected(name).error);
  it.each(names)('%s: every message equals the sequential one', async (name) => {
    const bytes = readFixture(name);
    const { header, messages, end } = readSeaStreamer(bytes);
    const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize: 65536 }));
    for (const m of messages) {
      expect(plain(messageAt(bytes, m.offset))).toEqual(plain(m));
      expect(plain(await readAt(reader, m.offset))).toEqual(plain(m));
    }
    if (end.state === 'truncated' && end.offset % header.beaconInterval !== 0) {
      expect(thrown(() => decodeMessageAt(bytes, end.offset))).toMatchObject({ code: 'TRUNCATED' });
    }
  });

  it('rs-interval-1024.bad-checksum: CHECKSUM_MISMATCH at 1793 (strict: thrown)', () => {
    const bytes = readFixture('rs-interval-1024.bad-checksum');
    const { problems } = decodeMessageAt(bytes, 1793);
    expect(problems).toMatchObject([{ code: 'CHECKSUM_MISMATCH', received: 60375, computed: 38939 }]);
    const error = thrown(() => decodeMessageAt(bytes, 1793, { strict: true })) as SeaStreamerFileError;
    expect([error.code, error.offset, error.received, error.computed]).toEqual([
      'CHECKSUM_MISMATCH',
      1793,
      60375,
      38939,
    ]);
  });

  it('rs-interval-1024: alpha/0 seq 50 at 24964 directly', async () => {
    const reader = await openSeaStreamerReader(readFixture('rs-interval-1024'));
    const m = await readAt(reader, 24964);
    expect([m.streamKey, m.shardId, m.seqNo]).toEqual(['alpha', 0n, 50n]);
  });
});
