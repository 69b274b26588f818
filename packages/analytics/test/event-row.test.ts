// The events row written straight from the event (EventRowWriter, `fields` left to the column's expression) reads
// back through the load query as exactly the row the generic row writer gives for fillEventRow's row (with the
// canonical JSON text), or is not written at all (property test over events of the usual forms and every way off
// them: other types and value types, ids past 2^53, negative numbers, peer, extra members, payload bytes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TraceEvent } from '@x/moqtrace';
import { renderEventJson } from '@x/moqtrace/ndjson';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadValue, tableLoadQuery, tableSpec } from '../src/index.js';
import { createRowWriter, LoadBuffer } from '../src/load-buffer.js';
import { nodeUtf8 } from '../src/node/spool.js';
import { EVENT_INPUTS, EventRowWriter, fillEventRow } from '../src/scan/event-row.js';
import { eventArbitraries, plainEvent, tempDir } from './helpers.js';

const tmp = tempDir();
let instance: DuckDBInstance;
let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  tmp.cleanup();
});

const integer = fc.oneof(
  { arbitrary: fc.nat(), weight: 12 },
  { arbitrary: fc.maxSafeNat(), weight: 2 },
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(2 ** 31 - 1, 2 ** 31, 1e8 - 1, 1e16 - 1, 2 ** 53, -0),
  // What readers give for values past 2^53 (the generic rows have no BIGINT for larger ones).
  fc.bigInt({ min: -5n, max: 2n ** 63n - 1n }),
);
const id = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 31n + 5n }), weight: 8 },
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), weight: 4 },
  fc.constantFrom(2n ** 53n - 1n, 2n ** 53n, 10n ** 16n - 1n),
  // A number where readers give a bigint (ids are unsigned: the generic rows write NULL-free UBIGINTs).
  fc.nat(),
);
const { rarely, common, forms } = eventArbitraries(integer, id, 8);
const events_ = fc.oneof(
  ...forms,
  fc.record({
    type: fc.constant('stream-opened'),
    ...common,
    streamId: id,
    direction: fc.nat(3),
    streamType: fc.nat(2),
    trackAlias: rarely(id),
  }),
);
/** The usual forms (what a recorder writes): every value a small non-negative integer, ids bigints. */
const small = fc.bigInt({ min: 0n, max: 2n ** 40n });
const usual = fc.oneof(
  fc.record({
    type: fc.constant('object-header'),
    seq: fc.nat(),
    timestamp: fc.nat(),
    streamId: small,
    groupId: small,
    objectId: small,
    publisherPriority: fc.nat(255),
    objectStatus: fc.nat(4),
  }),
  fc.record({
    type: fc.constant('object-payload'),
    seq: fc.nat(),
    timestamp: fc.nat(),
    streamId: small,
    groupId: small,
    objectId: small,
    size: fc.nat(),
  }),
  fc.record({
    type: fc.constant('stream-closed'),
    seq: fc.nat(),
    timestamp: fc.nat(),
    streamId: small,
    errorCode: fc.nat(),
  }),
);
const place = fc.record({
  file: fc.oneof(
    fc.constant('/tmp/a.moqtrace'),
    fc.string({ unit: fc.constantFrom('\x1f', ',', 'a', 'é', '😀'), maxLength: 6 }),
  ),
  date: fc.oneof(fc.constant(null), fc.constant('2023-11-14')),
  segment: fc.oneof({ arbitrary: fc.nat(5), weight: 5 }, fc.constant(2 ** 32 - 1)),
  offset: fc.oneof({ arbitrary: fc.nat(), weight: 5 }, fc.maxSafeNat()),
  startTime: fc.oneof({ arbitrary: fc.constant(1.7e12), weight: 5 }, fc.nat(), fc.constant(2 ** 53 / 100)),
});

const events = tableSpec('events');
const generic = createRowWriter(events, (b) => Buffer.from(b).toString('base64'));

/** The generic line of an event: fillEventRow's row with the canonical JSON, by the generic row writer. */
function genericLine(out: LoadBuffer, at: Place, event: TraceEvent): void {
  const row = new Array<LoadValue>(EVENT_INPUTS).fill(null);
  fillEventRow(row, at, event, 14, renderEventJson(event, { fullBytes: true }));
  generic(row, out);
}
type Place = { file: string; date: string | null; segment: number; offset: number; startTime: number };

/** The rows of a load file as DuckDB reads them (every column, as text). */
async function readBack(path: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`SELECT * FROM (${tableLoadQuery(events, path)})`);
  return reader.getRows().map((row) => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
}

let file = 0;
describe('events rows written from the events', () => {
  it('read back as the generic rows, or are not written', async () => {
    let direct = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.oneof(usual, events_), place), { minLength: 1, maxLength: 60 }),
        async (list) => {
          const expected = new LoadBuffer(8, nodeUtf8);
          const actual = new LoadBuffer(8, nodeUtf8);
          for (const [generated, at] of list) {
            const event = plainEvent(generated);
            genericLine(expected, at, event);
            const before = actual.length;
            if (new EventRowWriter(at.file, at.date).write(actual, at.segment, at.offset, at.startTime, event)) {
              direct++;
              expect(actual.length).toBeGreaterThan(before);
            } else {
              // Nothing written: the scanner writes the generic line.
              expect(actual.length).toBe(before);
              genericLine(actual, at, event);
            }
          }
          const a = join(tmp.dir, `e${file++}.csv`);
          const b = join(tmp.dir, `e${file++}.csv`);
          writeFileSync(a, expected.bytes.subarray(0, expected.length));
          writeFileSync(b, actual.bytes.subarray(0, actual.length));
          expect(await readBack(b)).toEqual(await readBack(a));
        },
      ),
      { numRuns: 60 },
    );
    // The direct path was taken often enough to mean something.
    expect(direct).toBeGreaterThan(100);
  });

  it('writes the digits of every size of number', async () => {
    const writer = new EventRowWriter('f', '2023-11-14');
    const expected = new LoadBuffer(8, nodeUtf8);
    const actual = new LoadBuffer(8, nodeUtf8);
    for (const n of [0, 9, 10, 2 ** 31 - 1, 2 ** 31, 1e8 - 1, 1e8, 99999999999999, 1e15, 2 ** 53 - 1]) {
      for (const type of ['object-header', 'object-payload', 'stream-closed']) {
        const event = plainEvent({
          type,
          seq: n,
          timestamp: n,
          streamId: BigInt(n),
          groupId: BigInt(n),
          objectId: BigInt(n),
          size: n,
          publisherPriority: n,
          objectStatus: n,
          errorCode: n,
        });
        genericLine(expected, { file: 'f', date: '2023-11-14', segment: 0, offset: n, startTime: 0 }, event);
        expect(writer.write(actual, 0, n, 0, event)).toBe(true);
      }
    }
    const a = join(tmp.dir, 'digits-a.csv');
    const b = join(tmp.dir, 'digits-b.csv');
    writeFileSync(a, expected.bytes.subarray(0, expected.length));
    writeFileSync(b, actual.bytes.subarray(0, actual.length));
    const rows = await readBack(b);
    expect(rows).toHaveLength(30);
    expect(rows).toEqual(await readBack(a));
  });
});
