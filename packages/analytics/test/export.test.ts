// exportRecordings and the databases: output layouts and formats, errors with stable codes, and damaged inputs
// (random corruption, truncation, garbage) exported as far as they can be read, never a crash.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTrace } from '@x/moqtrace';
import { writeSeaStreamer } from '@x/seastreamer-file';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalyticsError, TABLES } from '../src/index.js';
import { exportRecordings, openDataset, openRecordings } from '../src/node/index.js';
import { rows, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const U64_MAX = 2n ** 64n - 1n;
const ss = join(tmp.dir, 'a.ss');
writeFileSync(
  ss,
  writeSeaStreamer(
    [
      { streamKey: 'k', shardId: U64_MAX, seqNo: U64_MAX, timestamp: 1_700_000_000_000n, payload: 'hello' },
      {
        streamKey: 'k',
        shardId: 0n,
        seqNo: 2n ** 53n + 1n,
        timestamp: 1_700_086_400_000n,
        payload: new Uint8Array([0xff, 0]),
      },
    ],
    { fileName: 'a.ss', beaconInterval: 128, eos: 1_700_000_100_000n, createdAt: 1_700_000_000_000n },
  ),
);
const trace = join(tmp.dir, 'b.moqtrace');
writeFileSync(
  trace,
  writeTrace({
    header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'control', startTime: 1_767_225_600_000 },
    events: [
      { type: 'annotation', seq: 0, timestamp: -5, label: 'start', data: { n: 2n ** 64n - 1n } },
      { type: 'stream-closed', seq: 1, timestamp: 10, streamId: U64_MAX, errorCode: 0 },
    ],
  }),
);

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    expect(AnalyticsError.is(error)).toBe(true);
    return (error as AnalyticsError).code;
  }
  return undefined;
}

describe('exportRecordings', () => {
  it('writes one file per table; refuses to overwrite unless asked', async () => {
    const out = join(tmp.dir, 'flat');
    const result = await exportRecordings([ss, trace], out);
    expect(readdirSync(out).sort()).toEqual(TABLES.map((t) => `${t.name}.parquet`).sort());
    expect(result.tables.find((t) => t.name === 'messages')?.rows).toBe(3);
    expect(result.errors).toBe(0);
    expect(await codeOf(exportRecordings([ss], out))).toBe('OUTPUT_EXISTS');
    const again = await exportRecordings([ss], out, { overwrite: true });
    expect(again.tables.find((t) => t.name === 'events')?.rows).toBe(0);
    const db = await openDataset(out);
    expect(await rows(db, 'SELECT count(*) AS n FROM events', true)).toEqual([{ n: 0 }]);
    expect(await rows(db, 'SELECT shard_id, seq_no FROM messages ORDER BY "offset" LIMIT 2')).toEqual([
      { shard_id: U64_MAX, seq_no: U64_MAX },
      { shard_id: 0n, seq_no: 2n ** 53n + 1n },
    ]);
    await db.close();
  });

  it('writes a Hive-partitioned dataset by file_date that reads back the same', async () => {
    const out = join(tmp.dir, 'parts');
    await exportRecordings([ss, trace], out, { partition: true, compression: 'snappy' });
    expect(readdirSync(join(out, 'messages'))).toEqual(['file_date=2023-11-14']);
    expect(readdirSync(join(out, 'events'))).toEqual(['file_date=2026-01-01']);
    const db = await openDataset(out);
    const got = await rows(db, 'SELECT file_date, count(*) AS n FROM messages GROUP BY ALL', true);
    expect(got.map((r) => [String(r.file_date), r.n])).toEqual([['2023-11-14', 3]]);
    expect(await rows(db, "SELECT stream_id FROM events WHERE type = 'stream-closed'")).toEqual([
      { stream_id: U64_MAX },
    ]);
    await db.close();
  });

  it('writes CSV and NDJSON with bytes as hex and exact u64', async () => {
    const csv = join(tmp.dir, 'csv');
    await exportRecordings([ss], csv, { format: 'csv' });
    const text = readFileSync(join(csv, 'messages.csv'), 'utf8');
    expect(text.split('\n')[0]).toContain('file,file_date,offset,stream_key,shard_id');
    expect(text).toContain('18446744073709551615');
    expect(text).toContain('68656c6c6f'); // "hello"
    const ndjson = join(tmp.dir, 'ndjson');
    await exportRecordings([ss], ndjson, { format: 'ndjson' });
    const lines = readFileSync(join(ndjson, 'messages.ndjson'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('"shard_id":18446744073709551615');
    expect(lines[1]).toContain('"payload":"ff00"');
  });

  it('rejects bad options and reports a file it cannot read as a row, not an exception', async () => {
    expect(await codeOf(exportRecordings([ss], join(tmp.dir, 'x'), { format: 'xml' as never }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(exportRecordings([ss], join(tmp.dir, 'x'), { rowGroupSize: 0 }))).toBe('INVALID_ARGUMENT');
    // DuckDB's own settings are checked by DuckDB (opened through its native bindings by the export)
    expect(await codeOf(exportRecordings([ss], join(tmp.dir, 'x'), { memoryLimit: 'lots' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(exportRecordings([ss], join(tmp.dir, 'x'), { threads: -1 }))).toBe('INVALID_ARGUMENT');
    const garbage = join(tmp.dir, 'garbage.bin');
    writeFileSync(garbage, 'hello world');
    const empty = join(tmp.dir, 'empty.ss');
    writeFileSync(empty, '');
    const result = await exportRecordings([garbage, empty, join(tmp.dir, 'missing.ss'), tmp.dir], join(tmp.dir, 'bad'));
    expect(result.files.map((f) => f.endState)).toEqual(['unreadable', 'unreadable', 'unreadable', 'unreadable']);
    const db = await openDataset(join(tmp.dir, 'bad'));
    const problems = await rows(db, 'SELECT file, code FROM problems ORDER BY file');
    expect(problems.map((p) => p.code)).toEqual(['IO_ERROR', 'TRUNCATED', 'UNKNOWN_FORMAT', 'IO_ERROR']);
    await db.close();
  });

  it('exports damaged files as far as they can be read (random corruption and truncation)', async () => {
    const originals = [readFileSync(ss), readFileSync(trace)];
    let k = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        async (which, flips, cut) => {
          const bytes = Buffer.from(originals[which] as Buffer);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const damaged = join(tmp.dir, `damaged-${k}${which === 0 ? '.ss' : '.moqtrace'}`);
          writeFileSync(damaged, bytes.subarray(0, bytes.length - (cut % 40)));
          const result = await exportRecordings([damaged], join(tmp.dir, `damaged-out-${k++}`));
          expect(result.files).toHaveLength(1);
          const summary = result.files[0] as (typeof result.files)[number];
          expect(
            summary.complete || summary.errors > 0 || summary.endState === 'eof' || summary.endState === 'eos',
          ).toBe(true);
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);
});

describe('SQL', () => {
  it('runs queries over recordings and reports SQL errors as SQL_ERROR', async () => {
    const db = await openRecordings([ss, trace]);
    expect(db.export?.files.map((f) => f.endState)).toEqual(['eos', 'eof']);
    expect(await rows(db, 'SELECT count(*) AS n FROM messages', true)).toEqual([{ n: 3 }]);
    const fields = await rows(db, "SELECT fields->>'$.data.n' AS n FROM events WHERE type = 'annotation'");
    expect(fields).toEqual([{ n: '{"$bigint":"18446744073709551615"}' }]);
    expect(await codeOf(db.query('SELEC 1'))).toBe('SQL_ERROR');
    expect(await codeOf(db.query('SELECT nope FROM events'))).toBe('SQL_ERROR');
    await db.close();
    expect(await codeOf(db.query('SELECT 1'))).toBe('CLOSED');
  });

  it('refuses a folder that holds no dataset', async () => {
    expect(await codeOf(openDataset(join(tmp.dir, 'nothing-here')))).toBe('NOT_A_DATASET');
    const emptyDir = join(tmp.dir, 'bad', '..', 'csv');
    expect(await codeOf(openDataset(emptyDir))).toBe('NOT_A_DATASET');
  });
});
