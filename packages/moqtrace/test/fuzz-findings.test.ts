// Regression tests of the defects the fuzzer's regression corpus found in this package (fuzz/regressions.mjs).
import { type ByteSource, createMemorySink, fromBytes } from '@x/binary';
import { describe, expect, it } from 'vitest';
import { createTraceWriter, openTraceReader, readTrace, type TraceEvent, writeTrace } from '../src/index.js';
import { HEADER, sampleEvents } from './helpers/generate.js';
import { parseChunked, readStreamed } from './helpers/stream.js';

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('defects found by fuzzing', () => {
  it('an array declaring 2^64 items then a malformed byte: MALFORMED_CBOR for every chunking (was ITEM_TOO_LARGE when a chunk ended after the head)', async () => {
    // Found by reliability.test.ts's mutated-corpus property: the verdict on an item whose declared size exceeds
    // maxItemBytes depended on where a chunk ended. Only the item's first maxItemBytes bytes are looked at now.
    const events = writeTrace({ header: HEADER, events: sampleEvents(3) });
    const huge = Uint8Array.of(0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    for (const [tail, code] of [
      [Uint8Array.of(0x00, 0x00, 0x1c, 0x00), 'MALFORMED_CBOR'], // reserved additional information 28
      [Uint8Array.of(0x00, 0x00), 'ITEM_TOO_LARGE'], // cut by the end: what it declares decides
    ] as const) {
      const bytes = concat(events, huge, tail);
      const whole = readTrace(bytes);
      expect(whole.problems.map((p) => [p.code, p.offset])).toEqual([[code, events.length]]);
      const expected = { events: whole.events, problems: whole.problems, end: whole.end };
      for (let size = 1; size <= bytes.length - events.length + 2; size++) {
        const cut = events.length + size; // a chunk boundary at every byte of the item
        const chunked = parseChunked(bytes, [cut]);
        expect({ events: chunked.events, problems: chunked.problems, end: chunked.end }, `cut at ${cut}`).toEqual(
          expected,
        );
        const streamed = await readStreamed(bytes, size);
        expect(
          { events: streamed.events, problems: streamed.problems, end: streamed.end },
          `${size}-byte chunks`,
        ).toEqual(expected);
      }
    }
  });

  it('millions of damaged items between two events: nextBatch hands out at most 4096 problems per call, empty batches between, all in order', async () => {
    const events = writeTrace({ header: HEADER, events: sampleEvents(2) });
    const damaged = 100_000;
    const bytes = new Uint8Array(events.length + damaged);
    bytes.set(events);
    bytes.fill(0x01, events.length); // an unsigned integer per byte: a MALFORMED_EVENT each
    const whole = readTrace(bytes, { maxProblems: 0 });
    let reported = 0;
    let sinceBatch = 0;
    let most = 0;
    const reader = await openTraceReader(bytes, {
      maxProblems: 0,
      onProblem: () => {
        reported++;
        most = Math.max(most, ++sinceBatch);
      },
    });
    let empty = 0;
    let records = 0;
    for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
      sinceBatch = 0;
      if (batch.length === 0) empty++;
      records += batch.length;
    }
    expect([reported, records, reader.end]).toEqual([damaged, 2, whole.end]);
    expect(most).toBeLessThanOrEqual(4096);
    expect(empty).toBeGreaterThanOrEqual(Math.floor(damaged / 4096) - 1);
  });

  it('an item longer than maxItemBytes is ITEM_TOO_LARGE even when a malformed byte follows the limit', async () => {
    const events = writeTrace({ header: HEADER, events: sampleEvents(2) });
    // An array of 600 items, the last a malformed byte: with maxItemBytes 300 it is never looked at.
    const item = concat(Uint8Array.of(0x99, 0x02, 0x58), new Uint8Array(599), Uint8Array.of(0x1c));
    const bytes = concat(events, item);
    const whole = readTrace(bytes, { maxItemBytes: 300 });
    expect(whole.problems.map((p) => p.code)).toEqual(['ITEM_TOO_LARGE']);
    for (const size of [1, 50, 299, 300, 301, 4096]) {
      const streamed = await readStreamed(bytes, size, { maxItemBytes: 300 });
      expect({ problems: streamed.problems, end: streamed.end }, `${size}-byte chunks`).toEqual({
        problems: whole.problems,
        end: whole.end,
      });
    }
    expect(readTrace(bytes).problems.map((p) => p.code)).toEqual(['MALFORMED_CBOR']); // the default limit reaches it
  });

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
  }, 300_000);

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
