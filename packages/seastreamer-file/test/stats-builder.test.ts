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

describe('createStatsBuilder', () => {
  it('gives indices in order of first appearance and the same statistics as computeStats', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 60 }), async (messages) => {
        const bytes = writeSeaStreamer(messages, { fileName: 'stats.ss', beaconInterval: 1024 });
        const read = readSeaStreamer(bytes).messages;
        const builder = createStatsBuilder();
        const seen: string[] = [];
        for (const m of read) {
          const id = `${m.streamKey}/${m.shardId}`;
          if (!seen.includes(id)) seen.push(id);
          expect(builder.add(m)).toBe(seen.indexOf(id));
        }
        const built = builder.streams();
        expect(built.map((s) => `${s.streamKey}/${s.shardId}`)).toEqual(seen);
        const byKey = (x: { streamKey: string; shardId: bigint }, y: { streamKey: string; shardId: bigint }) =>
          x.streamKey === y.streamKey
            ? x.shardId < y.shardId
              ? -1
              : x.shardId > y.shardId
                ? 1
                : 0
            : x.streamKey < y.streamKey
              ? -1
              : 1;
        expect([...built].sort(byKey)).toEqual((await computeStats(bytes)).streams);
      }),
      { numRuns: 60 },
    );
  });
});
