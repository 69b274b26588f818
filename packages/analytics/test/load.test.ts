// The load format: any value (text with the quote byte, commas, newlines and any Unicode; u64 extremes; any bytes;
// NULL vs empty) reaches DuckDB unchanged, through the same encoder and query the exporter and the viewer use.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRowEncoder,
  encodeBase64,
  LOAD_QUOTE,
  type LoadValue,
  TABLES,
  tableLoadQuery,
  tableSpec,
} from '../src/index.js';
import { createRowWriter, LoadBuffer } from '../src/load-buffer.js';
import { nodeUtf8 } from '../src/node/spool.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;
let instance: DuckDBInstance;
let n = 0;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  tmp.cleanup();
});

const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom(LOAD_QUOTE, ',', '\n', '\r', '"', "'", '\\', 'a', 'é', '😀', '\u0000'),
    maxLength: 12,
  }),
);

describe('load format', () => {
  it('encodes base64 like Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
        expect(encodeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
      { numRuns: 60 },
    );
  });

  it('gives DuckDB exactly the values of messages rows', async () => {
    const spec = tableSpec('messages');
    const encoder = createRowEncoder(spec);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            key: text,
            shard: u64,
            seq: u64,
            ts: u64,
            payload: fc.uint8Array({ maxLength: 300 }),
            ok: fc.boolean(),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (messages) => {
          const path = join(tmp.dir, `m${n++}.csv`);
          const lines = messages.map((m, i) =>
            encoder.encode([
              'f',
              '2026-01-02',
              i,
              m.key,
              m.shard,
              m.seq,
              m.ts,
              m.payload.length,
              7,
              m.ok,
              false,
              m.payload,
            ]),
          );
          writeFileSync(path, lines.join(''));
          const reader = await connection.runAndReadAll(
            `SELECT stream_key, shard_id, seq_no, timestamp_ms, "timestamp" IS NULL AS no_ts, checksum_ok, payload, payload_text FROM (${tableLoadQuery(spec, path)}) ORDER BY "offset"`,
          );
          const got = reader.getRows();
          expect(got.length).toBe(messages.length);
          got.forEach((row, i) => {
            const m = messages[i] as (typeof messages)[number];
            // a string with lone surrogates goes out as UTF-8 with U+FFFD (what TextEncoder writes)
            expect(row[0]).toBe(new TextDecoder().decode(new TextEncoder().encode(m.key)));
            expect(row[1]).toBe(m.shard);
            expect(row[2]).toBe(m.seq);
            expect(row[3]).toBe(m.ts);
            expect(row[4]).toBe(m.ts > 253402300799999n);
            expect(row[5]).toBe(m.ok);
            expect(Buffer.from((row[6] as { bytes: Uint8Array }).bytes).equals(Buffer.from(m.payload))).toBe(true);
            let utf8: string | null;
            try {
              utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(m.payload);
            } catch {
              utf8 = null;
            }
            expect(row[7]).toBe(utf8);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('writes the same bytes straight into a buffer as the text of encode, for any value of any input', () => {
    const longText = fc.string({
      unit: fc.constantFrom(LOAD_QUOTE, ',', '\n', 'a', 'é', '😀', '\ud800', '\udc00', '"'),
      minLength: 20,
      maxLength: 200,
    });
    const value: fc.Arbitrary<LoadValue> = fc.oneof(
      fc.constantFrom(
        null,
        undefined,
        '',
        0,
        -0,
        -1,
        9,
        10,
        2 ** 31,
        2 ** 53,
        2 ** 53 - 1,
        1.5,
        Number.NaN,
        true,
        false,
      ),
      fc.constantFrom(0n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 64n - 1n, -(2n ** 53n) - 1n),
      text,
      longText,
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.integer({ min: 0 }),
      fc.maxSafeNat(),
      fc.double(),
      u64,
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    );
    const bytes: fc.Arbitrary<LoadValue> = fc.oneof(
      fc.constantFrom(null, undefined),
      fc.uint8Array({ maxLength: 200 }),
    );
    const row = fc.record({ values: fc.array(value, { minLength: 40, maxLength: 40 }), blob: bytes });
    fc.assert(
      fc.property(
        fc.constantFrom(...TABLES.map((t) => t.name)),
        fc.array(row, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (name, rows, node) => {
          const table = tableSpec(name);
          const encoder = createRowEncoder(table);
          const write = createRowWriter(table, encodeBase64);
          // A tiny buffer, so that growing it is part of the test; both UTF-8 writers (portable and Node's).
          const buffer = new LoadBuffer(4, node ? nodeUtf8 : undefined);
          let expected = '';
          for (const { values, blob } of rows) {
            // Bytes inputs hold bytes (or NULL); any value goes into the others.
            const inputs = table.inputs.map((input, i) => (input.kind === 'base64' ? blob : values[i]));
            expected += encoder.encode(inputs);
            write(inputs, buffer);
          }
          expect(Buffer.from(buffer.bytes.subarray(0, buffer.length)).toString('hex')).toBe(
            Buffer.from(expected, 'utf8').toString('hex'),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps NULL apart from the empty string and reads NULL integers', async () => {
    const spec = tableSpec('problems');
    const path = join(tmp.dir, 'p.csv');
    const encoder = createRowEncoder(spec);
    writeFileSync(
      path,
      encoder.encode(['a', null, null, null, null, 'X', 'error', '']) +
        encoder.encode(['b', '2026-01-02', 'ss', 2n ** 64n - 1n, 0, 'Y', 'warning', `${LOAD_QUOTE}m${LOAD_QUOTE}`]),
    );
    const got = (await connection.runAndReadAll(`${tableLoadQuery(spec, path)} ORDER BY file`)).getRowsJson();
    expect(got).toEqual([
      ['a', null, null, null, null, 'X', 'error', ''],
      ['b', '2026-01-02', 'ss', '18446744073709551615', 0, 'Y', 'warning', `${LOAD_QUOTE}m${LOAD_QUOTE}`],
    ]);
  });
});
