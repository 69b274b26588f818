import { fromBytes } from '@x/binary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  readMessageAt,
  readSeaStreamerFile,
  SeaStreamerFileError,
  type SeaStreamerMessage,
  SeaStreamerReader,
  writeSeaStreamerFile,
} from '../src/index.js';
import { corpusPresent, fixtureNames, readExpected, readFixture } from './helpers.js';

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
        const bytes = writeSeaStreamerFile(messages, { fileName: 'r.ss', beaconInterval: interval, eos: eos && 9n });
        const { header, messages: read } = readSeaStreamerFile(bytes);
        const reader = await SeaStreamerReader.open(fromBytes(bytes, { chunkSize: 1000 }));
        for (const m of read) {
          expect(plain(readMessageAt(bytes, header, m.offset))).toEqual(plain(m));
          expect(plain(await reader.readMessageAt(m.offset))).toEqual(plain(m));
        }
        // Random access does not move the sequential position.
        const sequential: SeaStreamerMessage[] = [];
        for await (const m of reader) sequential.push(m);
        expect(sequential.map(plain)).toEqual(read.map(plain));
      }),
      { numRuns: 150 },
    );
  });

  it('refuses offsets where no frame can start with OUT_OF_RANGE; any other offset gives a message or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.array(fc.nat(), { maxLength: 40 }), async ({ interval, messages }, picks) => {
        const bytes = writeSeaStreamerFile(messages, { fileName: 'r.ss', beaconInterval: interval });
        const { header, messages: read, beacons } = readSeaStreamerFile(bytes);
        const starts = new Set(read.map((m) => m.offset));
        const refused = new Set<number>([0, 1, 127, bytes.length, bytes.length + 5]);
        for (const b of beacons) {
          refused.add(b.offset);
          const end = Math.min(b.offset + b.size + b.remainingMessageBytes, b.offset + interval);
          for (let o = b.offset + 1; o < end; o++) refused.add(o);
        }
        const reader = await SeaStreamerReader.open(bytes);
        for (const o of refused) {
          if (starts.has(o)) continue;
          expect(thrown(() => readMessageAt(bytes, header, o))).toMatchObject({ code: 'OUT_OF_RANGE', offset: o });
          expect(await rejection(reader.readMessageAt(o))).toMatchObject({ code: 'OUT_OF_RANGE', offset: o });
        }
        for (const pick of picks) {
          const o = pick % (bytes.length + 10);
          if (starts.has(o)) continue;
          const sync = thrown(() => readMessageAt(bytes, header, o));
          const async = await rejection(reader.readMessageAt(o));
          // Garbage may decode by chance (a checksum collision): then both agree; otherwise typed errors.
          if (sync === undefined) expect(async).toBeUndefined();
          else {
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
  const bytes = writeSeaStreamerFile(messages, { fileName: 'm.ss', beaconInterval: 256, eos: 1n });
  const { header, messages: read } = readSeaStreamerFile(bytes);
  const spliced = read.find((m) => m.splicedBy.length > 1)!;

  it('stitches a frame across several beacons and gives the same splicedBy and endOffset', async () => {
    expect(spliced).toBeDefined();
    const reader = await SeaStreamerReader.open(bytes);
    const m = await reader.readMessageAt(spliced.offset);
    expect([m.splicedBy, m.endOffset, m.seqNo, m.checksumOk]).toEqual([
      spliced.splicedBy,
      spliced.endOffset,
      spliced.seqNo,
      true,
    ]);
  });

  it('TRUNCATED when the data ends inside the frame', async () => {
    const cut = bytes.subarray(0, spliced.endOffset - 1);
    expect(thrown(() => readMessageAt(cut, header, spliced.offset))).toMatchObject({
      code: 'TRUNCATED',
      offset: spliced.offset,
    });
    const reader = await SeaStreamerReader.open(cut);
    expect(await rejection(reader.readMessageAt(spliced.offset))).toMatchObject({
      code: 'TRUNCATED',
      offset: spliced.offset,
    });
  });

  it('checksum mismatch: an error carrying the message, or a flagged message with report', async () => {
    const damaged = bytes.slice();
    const target = read.find((m) => m.payload.length > 10 && m.splicedBy.length === 0)!;
    damaged[target.endOffset - 5]! ^= 0xff;
    const error = thrown(() => readMessageAt(damaged, header, target.offset)) as SeaStreamerFileError;
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH', offset: target.offset });
    expect((error.decoded as SeaStreamerMessage).seqNo).toBe(target.seqNo);
    expect(readMessageAt(damaged, header, target.offset, { onChecksumMismatch: 'report' }).checksumOk).toBe(false);
    const reader = await SeaStreamerReader.open(damaged, { onChecksumMismatch: 'report' });
    expect((await reader.readMessageAt(target.offset)).checksumOk).toBe(false);
    expect(reader.problems).toEqual([]);
    const strictReader = await SeaStreamerReader.open(damaged);
    expect(await rejection(strictReader.readMessageAt(target.offset))).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
  });

  it('a beacon inside the frame that disagrees with its size: OUT_OF_RANGE', () => {
    const damaged = bytes.slice();
    const at = spliced.splicedBy[0]!;
    damaged[at + 4]! ^= 0x01; // R of the first beacon cutting the frame
    expect(thrown(() => readMessageAt(damaged, header, spliced.offset))).toMatchObject({ code: 'OUT_OF_RANGE' });
  });

  it('VALUE_OUT_OF_RANGE for offsets that are not integers; NOT_SEEKABLE on plain streams', async () => {
    expect(thrown(() => readMessageAt(bytes, header, 130.5))).toMatchObject({ code: 'VALUE_OUT_OF_RANGE' });
    expect(thrown(() => readMessageAt(bytes, header, -1))).toMatchObject({ code: 'VALUE_OUT_OF_RANGE' });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    const reader = await SeaStreamerReader.open(stream);
    expect(await rejection(reader.readMessageAt(read[0]!.offset))).toMatchObject({ code: 'NOT_SEEKABLE' });
  });

  it('a frame larger than the first read, far from its beacon (1 MiB interval)', async () => {
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    const file = writeSeaStreamerFile(
      [
        { streamKey: 'x', seqNo: 1n, timestamp: 1n, payload: big },
        { streamKey: 'x', seqNo: 2n, timestamp: 2n, payload: big },
        { streamKey: 'x', seqNo: 3n, timestamp: 3n, payload: big },
        { streamKey: 'x', seqNo: 4n, timestamp: 4n, payload: big },
      ],
      { fileName: 'big.ss' },
    );
    const whole = readSeaStreamerFile(file);
    const reader = await SeaStreamerReader.open(fromBytes(file, { chunkSize: 4096 }));
    for (const m of whole.messages) expect(plain(await reader.readMessageAt(m.offset))).toEqual(plain(m));
    expect(whole.messages[3]!.splicedBy).toEqual([1 << 20]);
  });
});

describe.skipIf(!corpusPresent)('readMessageAt over the corpus', () => {
  const names = fixtureNames().filter((name) => !readExpected(name).error);
  it.each(names)('%s: every message equals the sequential one', async (name) => {
    const bytes = readFixture(name);
    const options = { onChecksumMismatch: 'report' } as const;
    const { header, messages, end } = readSeaStreamerFile(bytes, options);
    const reader = await SeaStreamerReader.open(fromBytes(bytes, { chunkSize: 65536 }), options);
    for (const m of messages) {
      expect(plain(readMessageAt(bytes, header, m.offset, options))).toEqual(plain(m));
      expect(plain(await reader.readMessageAt(m.offset))).toEqual(plain(m));
    }
    if (end.state === 'truncated' && end.offset % header.beaconInterval !== 0) {
      expect(thrown(() => readMessageAt(bytes, header, end.offset))).toMatchObject({ code: 'TRUNCATED' });
    }
  });

  it('rs-interval-1024.bad-checksum: CHECKSUM_MISMATCH at 1793 with the default policy', () => {
    const bytes = readFixture('rs-interval-1024.bad-checksum');
    const error = thrown(() => readMessageAt(bytes, { beaconInterval: 1024 }, 1793)) as SeaStreamerFileError;
    expect([error.code, error.offset, error.received, error.computed]).toEqual([
      'CHECKSUM_MISMATCH',
      1793,
      60375,
      38939,
    ]);
  });

  it('rs-interval-1024: alpha/0 seq 50 at 24964 directly', async () => {
    const reader = await SeaStreamerReader.open(readFixture('rs-interval-1024'));
    const m = await reader.readMessageAt(24964);
    expect([m.streamKey, m.shardId, m.seqNo]).toEqual(['alpha', 0n, 50n]);
  });
});
