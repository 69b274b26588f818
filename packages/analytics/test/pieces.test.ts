// The export's piecewise path: the fields JSON written as bytes is exactly the canonical text (property test), the
// spool's pieces hold every row once and in order, Parquet pieces joined by their footers read back as the same
// rows (row groups, statistics and bloom filters still right), and a table larger than one piece exports the same
// rows as the one-COPY path.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type TraceEvent, writeTrace } from '@x/moqtrace';
import { renderEventJson } from '@x/moqtrace/ndjson';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventJson, writeEventJson } from '../src/event-json.js';
import { AnalyticsError, createRowEncoder, type LoadValue, tableLoadQuery, tableSpec } from '../src/index.js';
import { createRowWriter, LoadBuffer } from '../src/load-buffer.js';
import { exportRecordings, openDataset } from '../src/node/index.js';
import { mergeParquet } from '../src/node/parquet-merge.js';
import { PIECE_ROWS, PieceCopier } from '../src/node/pieces.js';
import { FileSpool, nodeUtf8, type SpoolFile } from '../src/node/spool.js';
import { eventArbitraries, plainEvent, rows, tempDir } from './helpers.js';

const tmp = tempDir();
let instance: DuckDBInstance;
let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  tmp.cleanup();
});

async function all(sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql)).getRows() as unknown[][];
}

const integer = fc.oneof(
  { arbitrary: fc.nat(), weight: 12 },
  fc.integer({ min: -1000, max: 1000 }),
  fc.maxSafeNat(),
  fc.double(),
  fc.constantFrom(2 ** 31 - 1, 2 ** 31, 1e21, -0, 0.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
);
const id = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), weight: 4 },
  { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 31n + 5n }), weight: 8 },
  fc.bigInt({ min: -5n, max: 5n }),
  fc.bigInt({ min: 0n, max: 10n ** 80n }),
  fc.nat(),
);
const events = fc.oneof(...eventArbitraries(integer, id, 6).forms);

describe('fields JSON as bytes', () => {
  it('writes exactly renderEventJson(event, { fullBytes: true }) or nothing', () => {
    const decoder = new TextDecoder();
    const encoder = createRowEncoder(tableSpec('events'));
    const writer = createRowWriter(tableSpec('events'), (b) => Buffer.from(b).toString('base64'));
    const fields = tableSpec('events').inputs.findIndex((i) => i.name === 'fields');
    let written = 0;
    fc.assert(
      fc.property(events, (generated) => {
        const event = plainEvent(generated);
        const text = renderEventJson(event, { fullBytes: true });
        // Small buffers: every write has to make its own room.
        const buffer = new LoadBuffer(8, nodeUtf8);
        if (writeEventJson(buffer, event)) {
          written++;
          expect(decoder.decode(buffer.bytes.subarray(0, buffer.length))).toBe(text);
        } else expect(buffer.length).toBe(0);
        // Through the row writer: the same line as the text encoder gives for the rendered text.
        const row: LoadValue[] = tableSpec('events').inputs.map(() => null);
        row[fields] = text;
        const expected = encoder.encode(row);
        row[fields] = new EventJson(event) as unknown as LoadValue;
        const line = new LoadBuffer(8, nodeUtf8);
        writer(row, line);
        expect(decoder.decode(line.bytes.subarray(0, line.length))).toBe(expected);
        expect(encoder.encode(row)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    // The byte path was taken often enough to mean something.
    expect(written).toBeGreaterThan(100);
  });
});

describe('spool pieces', () => {
  it('hands over a file every pieceRows rows, every row once and in order', async () => {
    const write = createRowWriter(tableSpec('problems'), (b) => Buffer.from(b).toString('base64'));
    const row = (i: number): LoadValue[] => [`f${i}`, null, 'ss', i, null, 'TRUNCATED', 'error', 'x'.repeat(i % 50)];
    for (const drainEvery of [1, 4, 1000]) {
      const files: SpoolFile[] = [];
      const spool = new FileSpool(join(tmp.dir, `p${drainEvery}`), (f) => files.push(f), 3);
      for (let i = 0; i < 20; i++) {
        spool.add(write, row(i));
        if (i % drainEvery === 0) await spool.drain(true);
      }
      await spool.close();
      const texts = files.map((f) => readFileSync(f.path, 'utf8'));
      const expected = Array.from({ length: 20 }, (_, i) => {
        const b = new LoadBuffer(64, nodeUtf8);
        write(row(i), b);
        return b.bytes.subarray(0, b.length);
      });
      expect(Buffer.from(texts.join(''))).toEqual(Buffer.concat(expected));
      for (const [i, f] of files.entries()) {
        const lines = (texts[i] as string).split('\n').slice(0, -1);
        expect(f.rows).toBe(lines.length);
        expect(f.bytes).toBe(Buffer.byteLength(texts[i] as string));
        expect(f.longest).toBe(Math.max(...lines.map((l) => Buffer.byteLength(l) + 1)));
      }
      expect(files.reduce((n, f) => n + f.rows, 0)).toBe(20);
      // Drained after every row: exact pieces.
      if (drainEvery === 1) expect(files.map((f) => f.rows)).toEqual([3, 3, 3, 3, 3, 3, 2]);
      else expect(files[0]?.rows).toBe(3);
    }
  });
});

describe('piece copies', () => {
  const problems = tableSpec('problems');
  const write = createRowWriter(problems, (b) => Buffer.from(b).toString('base64'));
  /** Spool files of `count` problems rows, `pieceRows` a file, the first one `firstRows`. */
  async function spoolFiles(name: string, count: number, pieceRows: number, firstRows: number) {
    const files: SpoolFile[] = [];
    const spool = new FileSpool(join(tmp.dir, name), (f) => files.push(f), pieceRows, firstRows);
    for (let i = 0; i < count; i++) {
      spool.add(write, [`f${i}`, null, 'ss', i, null, 'TRUNCATED', 'error', `m${i}`]);
      await spool.drain(true);
    }
    await spool.close();
    return files;
  }
  const copy = (file: SpoolFile, target: string) =>
    `COPY (${tableLoadQuery(problems, file.path, undefined, false)}) TO '${target}' (FORMAT parquet)`;

  it('cuts a smaller first piece', async () => {
    const files = await spoolFiles('first', 20, 3, 2);
    expect(files.map((f) => f.rows)).toEqual([2, 3, 3, 3, 3, 3, 3]);
  });

  it('joins the copies in order, several at a time, into the table file', async () => {
    const files = await spoolFiles('joined', 40, 4, 1);
    const target = join(tmp.dir, 'joined.parquet');
    const copier = new PieceCopier(
      () => instance.connect(),
      tmp.dir,
      () => true,
      (_t, file, part) => copy(file, part),
      () => target,
    );
    copier.onPiece(problems, files[0] as SpoolFile);
    copier.widen(3);
    for (const file of files.slice(1)) copier.onPiece(problems, file);
    await copier.settle();
    await copier.finish('problems');
    copier.closeExtra(connection);
    const got = await all(`SELECT "offset" FROM '${target}'`);
    expect(got.map((r) => Number(r[0]))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect((await all(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${target}')`))[0]?.[0]).toBe(
      BigInt(files.length),
    );
  });

  it('reports a failed copy and skips the rest, without waiting forever', async () => {
    const files = await spoolFiles('failed', 12, 2, 2);
    const copier = new PieceCopier(
      () => instance.connect(),
      tmp.dir,
      () => true,
      (_t, file, part) => (file === files[1] ? 'SELECT * FROM no_such_table' : copy(file, part)),
      () => join(tmp.dir, 'failed.parquet'),
    );
    copier.widen(2);
    for (const file of files) copier.onPiece(problems, file);
    const error = await copier.settle().catch((e: unknown) => e);
    await copier.close();
    copier.closeExtra(connection);
    expect(error).toBeInstanceOf(AnalyticsError);
    expect((error as AnalyticsError).code).toBe('IO_ERROR');
  });
});

describe('mergeParquet', () => {
  it('joins Parquet pieces into one file with the same rows, row groups, statistics and bloom filters', async () => {
    const parts: string[] = [];
    for (let p = 0; p < 3; p++) {
      const path = join(tmp.dir, `m${p}.parquet`);
      parts.push(path);
      // Different sizes, NULLs, dictionary and plain text, several row groups per piece.
      await connection.run(
        `COPY (SELECT i + ${p * 100_000} AS n, CASE WHEN i % 7 = 0 THEN NULL ELSE 'k' || (i % 13) END AS k, md5(i::VARCHAR) AS h, i % 3 = 0 AS b, i::DOUBLE / 3 AS d FROM range(${[5000, 1, 30000][p]}) t(i)) TO '${path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)`,
      );
    }
    const merged = join(tmp.dir, 'merged.parquet');
    await mergeParquet(parts, merged);
    const list = `[${parts.map((p) => `'${p}'`).join(', ')}]`;
    expect(await all(`SELECT * FROM '${merged}' EXCEPT ALL SELECT * FROM read_parquet(${list})`)).toEqual([]);
    expect(await all(`SELECT * FROM read_parquet(${list}) EXCEPT ALL SELECT * FROM '${merged}'`)).toEqual([]);
    expect(await all(`SELECT count(*), sum(n) FROM '${merged}'`)).toEqual(
      await all(`SELECT count(*), sum(n) FROM read_parquet(${list})`),
    );
    // Order kept: the first rows are the first piece's.
    expect(await all(`SELECT n FROM '${merged}' LIMIT 3`)).toEqual([[0n], [1n], [2n]]);
    // Offsets the pieces leave unset (DuckDB's deprecated ColumnChunk.file_offset) stay unset.
    expect(await all(`SELECT DISTINCT file_offset FROM parquet_metadata('${merged}')`)).toEqual(
      await all(`SELECT DISTINCT file_offset FROM parquet_metadata(${list})`),
    );
    const groups = await all(
      `SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${merged}') UNION ALL SELECT count(DISTINCT (file_name, row_group_id)) FROM parquet_metadata(${list})`,
    );
    expect(groups[0]).toEqual(groups[1]);
    // Statistics and bloom filters point at the right bytes: filtered reads give the same answers.
    for (const where of ["k = 'k5'", 'n BETWEEN 200100 AND 200200', "h = md5('77')", 'd > 9000']) {
      expect(await all(`SELECT count(*), sum(n) FROM '${merged}' WHERE ${where}`)).toEqual(
        await all(`SELECT count(*), sum(n) FROM read_parquet(${list}) WHERE ${where}`),
      );
    }
    const bloom = await all(
      `SELECT count(*) FROM parquet_bloom_probe('${merged}', 'k', 'k5') WHERE bloom_filter_excludes`,
    );
    expect(bloom).toEqual([[0n]]);
  });

  it('refuses pieces that are not Parquet or whose schemas differ (IO_ERROR)', async () => {
    const a = join(tmp.dir, 'sa.parquet');
    const b = join(tmp.dir, 'sb.parquet');
    const junk = join(tmp.dir, 'junk.parquet');
    await connection.run(`COPY (SELECT 1 AS x) TO '${a}' (FORMAT parquet)`);
    await connection.run(`COPY (SELECT 'y' AS x) TO '${b}' (FORMAT parquet)`);
    writeFileSync(junk, 'PAR1 not really a parquet file PAR1');
    for (const parts of [[a, b], [a, junk], [junk]]) {
      const error = await mergeParquet(parts, join(tmp.dir, 'bad.parquet')).catch((e: unknown) => e);
      expect(AnalyticsError.is(error)).toBe(true);
      expect((error as AnalyticsError).code).toBe('IO_ERROR');
    }
  });
});

describe('export in pieces', () => {
  it('writes a table larger than one piece with the same rows as the one-COPY path', async () => {
    const count = PIECE_ROWS * 2 + 1000;
    const list: TraceEvent[] = [];
    for (let i = 0; i < count; i++) {
      list.push(
        i % 3 === 0
          ? ({ type: 'annotation', seq: i, timestamp: i * 10, label: `l${i % 11}` } as TraceEvent)
          : ({
              type: 'object-header',
              seq: i,
              timestamp: i * 10,
              streamId: BigInt(i % 17),
              groupId: BigInt(i),
              objectId: 2n ** 64n - 1n - BigInt(i),
              publisherPriority: 128,
              objectStatus: 0,
            } as TraceEvent),
      );
    }
    const trace = join(tmp.dir, 'big.moqtrace');
    writeFileSync(
      trace,
      writeTrace({
        header: { protocol: 'moq-transport-14', perspective: 'observer', detail: 'headers', startTime: 1.7e12 },
        events: list,
      }),
    );
    const parquet = join(tmp.dir, 'big-parquet');
    const csv = join(tmp.dir, 'big-csv');
    await exportRecordings([trace], parquet);
    await exportRecordings([trace], csv, { format: 'csv' });
    const db = await openDataset(parquet);
    try {
      const [meta] = await rows(
        db,
        `SELECT count(DISTINCT row_group_id) AS groups FROM parquet_metadata('${join(parquet, 'events.parquet')}')`,
        true,
      );
      // At least one row group per piece: the file was joined from several.
      expect(meta?.groups).toBeGreaterThanOrEqual(Math.ceil(count / PIECE_ROWS));
      const fromCsv = `read_csv('${join(csv, 'events.csv')}', header = true, types = {'fields': 'VARCHAR', 'seq': 'UBIGINT', 'offset': 'UBIGINT', 'object_id': 'UBIGINT', 'label': 'VARCHAR', 'time': 'TIMESTAMP'})`;
      const check = `SELECT count(*) AS n, sum(hash(fields)) AS f, sum(hash(seq, "offset", object_id, label, time)) AS h FROM`;
      const [a] = await rows(db, `${check} events`);
      const [b] = await rows(db, `${check} ${fromCsv}`);
      expect(a?.n).toBe(BigInt(count));
      expect(a).toEqual(b);
      // In order: the file keeps the events' order.
      const first = await rows(db, 'SELECT seq FROM events LIMIT 2', true);
      expect(first).toEqual([{ seq: 0 }, { seq: 1 }]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
