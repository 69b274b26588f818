// xtrace export and xtrace query: output formats, exact u64 values, exit codes (0 ok, 1 problems in the data, 2 SQL,
// usage or I/O errors) and one-line error reports.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { writeTrace } from '@x/moqtrace';
import { writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { noStackTrace, parseNdjson, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function xtrace(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  const errors: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  err.on('data', (c: Buffer) => errors.push(c));
  const code = await run(args, { stdout: out, stderr: err, stdin: Readable.from([]), env: { NO_COLOR: '1' } });
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr: Buffer.concat(errors).toString('utf8') };
}

const ss = join(tmp.dir, 'r.ss');
writeFileSync(
  ss,
  writeSeaStreamer(
    [
      { streamKey: 'a', shardId: 2n ** 64n - 1n, seqNo: 1n, timestamp: 1_700_000_000_000n, payload: 'x,"y"' },
      { streamKey: 'b', shardId: 0n, seqNo: 2n, timestamp: 1_700_000_000_500n, payload: new Uint8Array([0, 255]) },
    ],
    { fileName: 'r.ss', beaconInterval: 1024, eos: 1_700_000_001_000n, createdAt: 1_700_000_000_000n },
  ),
);
const trace = join(tmp.dir, 't.moqtrace');
const traceBytes = writeTrace({
  header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'control', startTime: 1_767_225_600_000 },
  events: [
    { type: 'annotation', seq: 0, timestamp: 0, label: 'one' },
    { type: 'annotation', seq: 1, timestamp: 5, label: 'two' },
  ],
});
writeFileSync(trace, traceBytes);
const cut = join(tmp.dir, 'cut.moqtrace');
writeFileSync(cut, traceBytes.subarray(0, traceBytes.length - 3));

describe('xtrace query', () => {
  it('prints an aligned table, NDJSON with exact u64, or CSV', async () => {
    const table = await xtrace(['query', 'select stream_key, shard_id from messages order by 1', ss]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^stream_key\s+shard_id$/);
    expect(table.stdout).toContain('18446744073709551615');
    const ndjson = await xtrace([
      'query',
      'select shard_id, payload, payload_text from messages',
      ss,
      '--format',
      'ndjson',
    ]);
    expect(parseNdjson(ndjson.stdout).slice(0, 3)).toEqual([
      { shard_id: '18446744073709551615', payload: '782c227922', payload_text: 'x,"y"' },
      { shard_id: 0, payload: '00ff', payload_text: null },
      { shard_id: 0, payload: '454f53', payload_text: 'EOS' },
    ]);
    const csv = await xtrace([
      'query',
      'select payload_text, label from messages, events limit 1',
      ss,
      trace,
      '--format',
      'csv',
    ]);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe('payload_text,label\n"x,""y""",one\n');
  });

  it('exits 1 when the data has problems, 2 for SQL errors and bad arguments, with one line each', async () => {
    const problems = await xtrace(['query', 'select count(*) as n from events', cut, '--format', 'csv']);
    expect(problems.code).toBe(1);
    expect(problems.stdout).toBe('n\n1\n');
    expect(problems.stderr).toMatch(/cut\.moqtrace: PROBLEMS: 1 error/);
    const sql = await xtrace(['query', 'select nope from events', trace]);
    expect(sql.code).toBe(2);
    expect(sql.stderr).toMatch(/^xtrace: SQL_ERROR: .*nope/);
    expect(sql.stderr.trim().split('\n')).toHaveLength(1);
    const none = await xtrace(['query', 'select 1']);
    expect(none.code).toBe(2);
    const dataset = await xtrace(['query', 'select 1', '--dataset', join(tmp.dir, 'nothing')]);
    expect(dataset.code).toBe(2);
    expect(dataset.stderr).toContain('NOT_A_DATASET');
    expect(noStackTrace(sql.stderr + dataset.stderr + none.stderr)).toBe(true);
  });

  it('reads only what the SQL uses, with the same output as a query that reads everything', async () => {
    // `select * from (Q)` reads every table and column (a *), Q alone only what it names.
    for (const sql of [
      'select count(*) as n from events',
      'select type, count(*) as n from events group by 1 order by 1',
      'select label, fields->>\'$.label\' as l, "offset" from events order by all',
      'select type as fields, "TIMESTAMP_US" from EVENTS order by all',
      "select 'fields' as f, count(*) from events e join files using (file) group by all",
      'select m.stream_key, m.payload_text, e.label from messages m, events e order by all',
      'select file, code from files left join problems using (file) order by all',
    ]) {
      for (const format of ['csv', 'ndjson']) {
        const pruned = await xtrace(['query', sql, ss, trace, cut, '--format', format]);
        const full = await xtrace(['query', `select * from (${sql})`, ss, trace, cut, '--format', format]);
        expect(pruned.code, sql).toBe(1);
        expect(pruned.stdout.length, sql).toBeGreaterThan(0);
        expect(pruned, sql).toEqual(full);
      }
    }
  }, 60_000);
});

describe('xtrace export', () => {
  it('writes the tables, partitioned with --partition, and refuses to overwrite', async () => {
    const out = join(tmp.dir, 'ds');
    const first = await xtrace(['export', ss, trace, '-o', out, '--partition']);
    expect(first.code).toBe(0);
    expect(readdirSync(join(out, 'messages'))).toEqual(['file_date=2023-11-14']);
    const queried = await xtrace(['query', 'select count(*) as n from events', '--dataset', out, '--format', 'csv']);
    expect(queried.stdout).toBe('n\n2\n');
    const again = await xtrace(['export', ss, '-o', out, '--partition']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('OUTPUT_EXISTS');
    const csv = await xtrace(['export', ss, '-o', join(tmp.dir, 'csv'), '--to', 'csv']);
    expect(csv.code).toBe(0);
    expect(existsSync(join(tmp.dir, 'csv', 'messages.csv'))).toBe(true);
  });

  it('exports damaged and unreadable files with exit 1 and reports usage errors with exit 2', async () => {
    const garbage = join(tmp.dir, 'garbage.ss');
    writeFileSync(garbage, 'not a recording');
    const damaged = await xtrace(['export', cut, garbage, '-o', join(tmp.dir, 'damaged')]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain('garbage.ss: UNREADABLE');
    const usage = await xtrace(['export', ss]);
    expect(usage.code).toBe(2);
    const stdin = await xtrace(['export', '-', '-o', join(tmp.dir, 'x')]);
    expect(stdin.code).toBe(2);
  });
});
