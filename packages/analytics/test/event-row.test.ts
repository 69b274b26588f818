// The events row written straight from the event (EventRowWriter) is byte for byte the line the generic row writer
// gives for fillEventRow's row, or nothing at all (property test over events of the usual forms and every way off
// them: other types and value types, ids past 2^53, negative numbers, peer, extra members, payload bytes).
import type { TraceEvent } from '@x/moqtrace';
import { renderEventJson } from '@x/moqtrace/ndjson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LoadValue, tableSpec } from '../src/index.js';
import { createRowWriter, LoadBuffer } from '../src/load-buffer.js';
import { nodeUtf8 } from '../src/node/spool.js';
import { EVENT_INPUTS, EventRowWriter, fillEventRow } from '../src/scan/event-row.js';

const integer = fc.oneof(
  { arbitrary: fc.nat(), weight: 12 },
  { arbitrary: fc.maxSafeNat(), weight: 2 },
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(2 ** 31 - 1, 2 ** 31, 1e8 - 1, 1e16 - 1, 2 ** 53, 1e21, -0, 0.5, Number.NaN),
  fc.bigInt({ min: -5n, max: 2n ** 70n }),
);
const id = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 31n + 5n }), weight: 8 },
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), weight: 4 },
  fc.constantFrom(2n ** 53n - 1n, 2n ** 53n, 10n ** 16n - 1n),
  fc.bigInt({ min: -5n, max: 5n }),
  fc.nat(),
);
/** Mostly absent (the direct path needs every optional member absent). */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary, weight: 1 });
const common = {
  seq: integer,
  timestamp: integer,
  peer: rarely(fc.string({ maxLength: 5 })),
  extra: rarely(fc.dictionary(fc.string({ maxLength: 3 }), fc.nat(), { maxKeys: 2 })),
};
const events = fc.oneof(
  fc.record({
    type: fc.constant('object-header'),
    ...common,
    streamId: id,
    groupId: id,
    objectId: id,
    publisherPriority: integer,
    objectStatus: integer,
  }),
  fc.record({
    type: fc.constant('object-payload'),
    ...common,
    streamId: id,
    groupId: id,
    objectId: id,
    size: integer,
    payload: rarely(fc.uint8Array({ maxLength: 6 })),
  }),
  fc.record({ type: fc.constant('stream-closed'), ...common, streamId: id, errorCode: integer }),
  fc.record({
    type: fc.constant('stream-opened'),
    ...common,
    streamId: id,
    direction: fc.nat(3),
    streamType: fc.nat(2),
    trackAlias: rarely(id),
  }),
  fc.record({ type: fc.constant('annotation'), ...common, label: fc.string({ maxLength: 8 }) }),
);
const plain = (event: Record<string, unknown>): TraceEvent =>
  Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)) as unknown as TraceEvent;
const place = fc.record({
  file: fc.oneof(
    fc.constant('/tmp/a.moqtrace'),
    fc.string({ unit: fc.constantFrom('\x1f', ',', 'a', 'é', '😀'), maxLength: 6 }),
  ),
  date: fc.oneof(fc.constant(null), fc.constant('2023-11-14')),
  segment: fc.oneof({ arbitrary: fc.nat(5), weight: 5 }, fc.maxSafeNat()),
  offset: fc.oneof({ arbitrary: fc.nat(), weight: 5 }, fc.maxSafeNat()),
  startTime: fc.oneof({ arbitrary: fc.constant(1.7e12), weight: 5 }, fc.nat(), fc.constant(2 ** 53 / 100)),
});

describe('events rows written from the events', () => {
  it('are the generic writer’s line of fillEventRow’s row, or nothing', () => {
    const decoder = new TextDecoder();
    const generic = createRowWriter(tableSpec('events'), (b) => Buffer.from(b).toString('base64'));
    let direct = 0;
    fc.assert(
      fc.property(events, place, fc.nat(20), (generated, at, before) => {
        const event = plain(generated);
        const row = new Array<LoadValue>(EVENT_INPUTS).fill(null);
        fillEventRow(row, at, event, 14, renderEventJson(event, { fullBytes: true }));
        const expected = new LoadBuffer(8, nodeUtf8);
        generic(row, expected);
        // A small buffer that already holds bytes: the writer makes its own room and takes back only its own.
        const buffer = new LoadBuffer(8, nodeUtf8);
        buffer.reserve(before);
        buffer.length = before;
        const writer = new EventRowWriter(at.file, at.date);
        if (writer.write(buffer, at.segment, at.offset, at.startTime, event)) {
          direct++;
          expect(decoder.decode(buffer.bytes.subarray(before, buffer.length))).toBe(
            decoder.decode(expected.bytes.subarray(0, expected.length)),
          );
        } else expect(buffer.length).toBe(before);
      }),
      { numRuns: 3000 },
    );
    // The direct path was taken often enough to mean something.
    expect(direct).toBeGreaterThan(100);
  });

  it('writes the digits of every size of number', () => {
    const writer = new EventRowWriter('f', '2023-11-14');
    const generic = createRowWriter(tableSpec('events'), (b) => Buffer.from(b).toString('base64'));
    const decoder = new TextDecoder();
    for (const n of [0, 9, 10, 2 ** 31 - 1, 2 ** 31, 1e8 - 1, 1e8, 99999999999999, 1e15, 2 ** 53 - 1]) {
      const event = plain({
        type: 'object-payload',
        seq: n,
        timestamp: n,
        streamId: BigInt(n),
        groupId: BigInt(n),
        objectId: BigInt(n),
        size: n,
      });
      const at = { file: 'f', date: '2023-11-14', segment: 0, offset: n, startTime: 0 };
      const row = new Array<LoadValue>(EVENT_INPUTS).fill(null);
      fillEventRow(row, at, event, undefined, renderEventJson(event, { fullBytes: true }));
      const expected = new LoadBuffer(8, nodeUtf8);
      generic(row, expected);
      const buffer = new LoadBuffer(8, nodeUtf8);
      expect(writer.write(buffer, 0, n, 0, event)).toBe(true);
      expect(decoder.decode(buffer.bytes.subarray(0, buffer.length))).toBe(
        decoder.decode(expected.bytes.subarray(0, expected.length)),
      );
    }
  });
});
