import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeStats, createStatsBuilder, readSeaStreamer, writeSeaStreamer } from '../src/index.js';

const message = fc.record({
  streamKey: fc.constantFrom('a', 'b', 'c.d', 'e_f'),
  shardId: fc.bigInt({ min: 0n, max: 3n }),
  seqNo: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  timestamp: fc.bigInt({ min: 0n, max: 253402300799999n }),
  payload: fc.uint8Array({ maxLength: 300 }),
});

type Input = { streamKey: string; shardId: bigint; seqNo: bigint; timestamp: bigint; payload: Uint8Array };

/**
 * The statistics of each (key, shard), computed from the messages that were written (not from what was read, and
 * with no code of the library): in order of first appearance; a frame is `K + P + 32` bytes (spec §4).
 */
function expectedStreams(messages: readonly Input[]) {
  const order: string[] = [];
  const by = new Map<string, Input[]>();
  for (const m of messages) {
    const id = `${m.streamKey}/${m.shardId}`;
    if (!by.has(id)) {
      order.push(id);
      by.set(id, []);
    }
    by.get(id)!.push(m);
  }
  const sorted = (xs: bigint[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const min = (xs: bigint[]) => sorted(xs)[0];
  const max = (xs: bigint[]) => sorted(xs).at(-1);
  return order.map((id) => {
    const list = by.get(id)!;
    const payloadBytes = list.reduce((n, m) => n + m.payload.length, 0);
    return {
      streamKey: list[0]!.streamKey,
      shardId: list[0]!.shardId,
      messageCount: list.length,
      minSeqNo: min(list.map((m) => m.seqNo)),
      maxSeqNo: max(list.map((m) => m.seqNo)),
      minTimestamp: min(list.map((m) => m.timestamp)),
      maxTimestamp: max(list.map((m) => m.timestamp)),
      payloadBytes,
      frameBytes: payloadBytes + list.length * (new TextEncoder().encode(list[0]!.streamKey).length + 32),
    };
  });
}

describe('createStatsBuilder and computeStats', () => {
  it('give, per stream in order of first appearance (builder) or sorted (computeStats), what was written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 60 }), async (messages) => {
        const expected = expectedStreams(messages);
        const bytes = writeSeaStreamer(messages, { fileName: 'stats.ss', beaconInterval: 1024 });
        const builder = createStatsBuilder();
        const indexes = readSeaStreamer(bytes).messages.map((m) => builder.add(m));
        expect(indexes).toEqual(
          messages.map((m) => expected.findIndex((s) => s.streamKey === m.streamKey && s.shardId === m.shardId)),
        );
        expect(builder.streams()).toEqual(expected);
        const sorted = [...expected].sort((x, y) =>
          x.streamKey !== y.streamKey
            ? x.streamKey < y.streamKey
              ? -1
              : 1
            : x.shardId < y.shardId
              ? -1
              : x.shardId > y.shardId
                ? 1
                : 0,
        );
        const stats = await computeStats(bytes);
        expect(stats.streams).toEqual(sorted);
        expect(stats.messageCount).toBe(messages.length);
        expect(stats.fileSize).toBe(bytes.length);
      }),
      { numRuns: 60 },
    );
  });
});
