// Regression tests of the defects the fuzzer's regression corpus found in this package (fuzz/regressions.mjs).
import { type ByteSource, createMemorySink, fromBytes } from '@x/binary';
import { describe, expect, it } from 'vitest';
import { createTraceWriter, openTraceReader, readTrace, type TraceEvent, writeTrace } from '../src/index.js';
import { HEADER, sampleEvents } from './helpers/generate.js';

describe('defects found by fuzzing', () => {
  it('readEventAt reads a large item in a few growing reads (was one read per few KB: 170 s for a 4 MB event)', async () => {
    const extra: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) extra[`x-unknown-${i}`] = i;
    const wide: TraceEvent = { type: 'annotation', seq: 0, timestamp: 0, label: 'wide', data: 1, extra };
    const bytes = writeTrace({ header: HEADER, events: [wide, ...sampleEvents(2)] });
    const offset = readTrace(bytes).segments[0]!.eventOffsets[0]!;
    // A source counting the bytes random access asks for: the work of decoding from the item's start each time.
    const inner = fromBytes(bytes);
    let asked = 0;
    const source: ByteSource = {
      get size() {
        return inner.size;
      },
      get position() {
        return inner.position;
      },
      read: () => inner.read(),
      readAt: (at, length) => {
        asked += Math.min(length, bytes.length - at);
        return inner.readAt!(at, length);
      },
      close: () => inner.close(),
    };
    const reader = await openTraceReader(source);
    const item = bytes.length - offset;
    const result = await reader.readEventAt(offset);
    expect(result.ok && Object.keys((result.event as { extra: object }).extra)).toHaveLength(100_000);
    expect(asked).toBeLessThan(4 * item); // doubling: at most about twice the item, once more for the last read
    await reader.close();
  }, 60_000);

  it('createTraceWriter refuses a bad endTime also on a patchable sink, which replaces it on close', () => {
    for (const endTime of [Number.NaN, -1, 1.5]) {
      const sink = createMemorySink();
      expect(() => createTraceWriter(sink, { header: { ...HEADER, endTime } })).toThrowError(
        expect.objectContaining({ name: 'MoqtraceError', code: 'INVALID_ARGUMENT', key: 'header.endTime' }),
      );
      expect(sink.toBytes()).toHaveLength(0);
    }
  });
});
