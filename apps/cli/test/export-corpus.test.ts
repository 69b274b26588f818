// Done-when check of `xtrace export`: every corpus file exports, and DuckDB reading the Parquet dataset gives
// exactly the records of `xtrace cat --format ndjson` (counts, offsets, u64 values, timestamps, payload bytes, the
// canonical event rendering, problems), for both formats. One export of the whole corpus, then one cat per file.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { type AnalyticsDatabase, openDataset, type QueryValue } from '@x/analytics/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { corpus, parseNdjson, tempDir } from './helpers.js';

const dirs = ['seastreamer', 'moqtrace', 'moqtrace-v2'].map((name) => ({ name, ...corpus(name) }));
const present = dirs.every((d) => d.present);
const files = present
  ? dirs.flatMap((d) =>
      readdirSync(d.dir)
        .filter((f) => f.endsWith('.ss') || f.endsWith('.moqtrace'))
        .map((f) => join(d.dir, f)),
    )
  : [];

async function xtraceInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks: Buffer[] = [];
  const errors: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  err.on('data', (c: Buffer) => errors.push(c));
  const code = await run(args, { stdout: out, stderr: err, stdin: Readable.from([]), env: { NO_COLOR: '1' } });
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr: Buffer.concat(errors).toString('utf8') };
}

async function rows(db: AnalyticsDatabase, sql: string): Promise<Record<string, QueryValue>[]> {
  const result = await db.query(sql);
  const out: Record<string, QueryValue>[] = [];
  for await (const batch of result.batches()) {
    for (const row of batch) out.push(Object.fromEntries(result.columns.map((c, i) => [c.name, row[i] as QueryValue])));
  }
  return out;
}

const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;
/** A u64 as cat prints it: a number up to 2^53−1, a decimal string above. */
const u64 = (v: QueryValue) => (typeof v === 'bigint' && v > 9007199254740991n ? v.toString() : Number(v));
const hex = (v: QueryValue) => Buffer.from(v as Uint8Array).toString('hex');

describe.skipIf(!present)('xtrace export: the Parquet tables hold exactly the records of xtrace cat', () => {
  const tmp = tempDir();
  let db: AnalyticsDatabase;
  let exported: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    exported = await xtraceInProcess(['export', ...files, '-o', tmp.dir]);
    db = await openDataset(tmp.dir);
  }, 300_000);

  afterAll(async () => {
    await db?.close();
    tmp.cleanup();
  });

  it('exports every corpus file (exit 1: the corpus has damaged files) with one files row each', async () => {
    expect(files.length).toBeGreaterThan(50);
    expect(exported.code).toBe(1);
    expect(exported.stdout).toContain('messages.parquet');
    const listed = await rows(db, 'SELECT file FROM files ORDER BY file');
    expect(listed.map((r) => r.file)).toEqual([...files].sort());
  });

  for (const file of files) {
    const name = file.split('/').slice(-2).join('/');
    it(`${name}`, async () => {
      const cat = await xtraceInProcess(['cat', '--format', 'ndjson', file]);
      const records = parseNdjson(cat.stdout);
      const info = (await rows(db, `SELECT * FROM files WHERE file = ${sqlText(file)}`))[0] as Record<
        string,
        QueryValue
      >;
      const problems = await rows(
        db,
        `SELECT code, "offset" FROM problems WHERE file = ${sqlText(file)} ORDER BY "offset" NULLS FIRST, code`,
      );
      if (records.length === 0) {
        // cat cannot open it: the export has an unreadable row and the same error code.
        const code = /: ([A-Z_]+)( at offset \d+)?: /.exec(cat.stderr)?.[1];
        expect(info.end_state).toBe('unreadable');
        expect(problems.map((p) => p.code)).toEqual([code]);
        return;
      }
      const errors = records.filter((r) => r.kind === 'error');
      expect(problems.map((p) => [p.code, p.offset === null ? null : Number(p.offset)])).toEqual(
        errors
          .map((e) => [e.code, e.offset ?? null])
          .sort(
            (a, b) => ((a[1] as number) ?? -1) - ((b[1] as number) ?? -1) || String(a[0]).localeCompare(String(b[0])),
          ),
      );
      const end = records.at(-1) as Record<string, unknown>;
      expect(end.kind).toBe('end');
      expect(info.end_state).toBe(end.state);
      if (file.endsWith('.ss')) {
        const messages = records.filter((r) => r.kind === 'message');
        const table = await rows(db, `SELECT * FROM messages WHERE file = ${sqlText(file)} ORDER BY "offset"`);
        expect(table.length).toBe(messages.length);
        expect(Number(info.records)).toBe(messages.length);
        table.forEach((row, i) => {
          const m = messages[i] as Record<string, unknown>;
          expect(Number(row.offset)).toBe(m.offset);
          expect(row.stream_key).toBe(m.streamKey);
          expect(u64(row.shard_id)).toEqual(m.shardId);
          expect(u64(row.seq_no)).toEqual(m.seqNo);
          expect(u64(row.timestamp_ms)).toEqual(m.timestampMs);
          // TIMESTAMP_MS as DuckDB prints it, against the ISO text of cat (NULL only after 9999)
          if (row.timestamp !== null) {
            expect(`${String(row.timestamp).replace(' ', 'T')}`).toBe(
              String(m.timestamp)
                .replace(/\.000Z$/, '')
                .replace(/0*Z$/, ''),
            );
          }
          expect(row.payload_size).toBe(m.payloadSize);
          expect(row.checksum).toBe(m.checksum);
          expect(row.eos).toBe(m.eos);
          const bytes =
            m.payloadEncoding === 'hex' ? String(m.payload) : Buffer.from(String(m.payload), 'utf8').toString('hex');
          expect(hex(row.payload)).toBe(bytes);
          // payload_text: the payload when it is valid UTF-8 (control characters included), else NULL
          let text: string | null;
          try {
            text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(Buffer.from(bytes, 'hex'));
          } catch {
            text = null;
          }
          expect(row.payload_text).toBe(text);
        });
      } else {
        const events = records.filter((r) => r.kind === 'event');
        const table = await rows(
          db,
          `SELECT segment, "offset", seq, timestamp_us, type, fields FROM events WHERE file = ${sqlText(file)} ORDER BY segment, "offset"`,
        );
        expect(table.length).toBe(events.length);
        expect(Number(info.records)).toBe(events.length);
        table.forEach((row, i) => {
          const { kind: _kind, offset, segment, derivationKind, ...rendering } = events[i] as Record<string, unknown>;
          expect(Number(row.offset)).toBe(offset);
          expect(row.segment).toBe(segment);
          expect(row.type).toBe(rendering.type);
          const fields = JSON.parse(String(row.fields)) as Record<string, unknown>;
          if (derivationKind !== undefined) rendering.kind = derivationKind;
          // cat shows a payload as text or base64 when --payload auto says so; fields holds the canonical hex
          const encoding = rendering.payloadEncoding;
          if (encoding === 'utf8' || encoding === 'base64') {
            rendering.payload = Buffer.from(String(rendering.payload), encoding).toString('hex');
            delete rendering.payloadEncoding;
          }
          // cat abbreviates byte fields over 4096 bytes as {length, sha256}; fields holds them in full
          for (const [key, value] of Object.entries(rendering)) {
            const abbreviated = value as { length?: number; sha256?: string };
            if (
              typeof abbreviated === 'object' &&
              abbreviated?.sha256 !== undefined &&
              typeof fields[key] === 'string'
            ) {
              const bytes = Buffer.from(fields[key] as string, 'hex');
              expect(bytes.length).toBe(abbreviated.length);
              expect(createHash('sha256').update(bytes).digest('hex')).toBe(abbreviated.sha256);
              fields[key] = value;
            }
          }
          expect(fields).toEqual(rendering);
          const seq = rendering.seq as number | { $bigint: string };
          expect(u64(row.seq)).toEqual(typeof seq === 'number' ? seq : seq.$bigint);
          const t = rendering.timestamp as number | { $bigint: string };
          expect(row.timestamp_us === null ? null : String(row.timestamp_us)).toBe(
            typeof t === 'number' ? String(t) : t.$bigint,
          );
        });
      }
    }, 120_000);
  }
});
