// Projection pushdown of openRecordings: which tables and columns DuckDB's parser says a query uses, and that every
// query gives exactly the same result (or the same error) with pruning as without it; what is skipped is not
// produced at all (no `fields` JSON, no load file for a table whose columns a query does not use).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTrace } from '@x/moqtrace';
import { writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERIES, LOAD_QUOTE, type LoadValue, scanTrace, type TableName } from '../src/index.js';
import { openDuck } from '../src/node/duckdb.js';
import { type AnalyticsDatabase, openRecordings } from '../src/node/index.js';
import { type QueryNeeds, queryNeeds } from '../src/node/projection.js';
import { rows, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const START = Date.UTC(2026, 10, 1, 8, 0, 0);
const files: string[] = [];
for (let f = 0; f < 3; f++) {
  const file = join(tmp.dir, `t${f}.moqtrace`);
  const events: Record<string, unknown>[] = [];
  let seq = 0;
  for (let k = 0; k < 6; k++) {
    events.push({
      type: 'control',
      seq: seq++,
      timestamp: 1000 * k,
      direction: 0,
      messageType: 3,
      message: { type: 'subscribe', request_id: k, track_namespace: [`ns${k % 2}`], track_name: `track-${k % 3}` },
    });
    events.push({
      type: 'control',
      seq: seq++,
      timestamp: 1000 * k + 300 + 100 * f,
      direction: 1,
      messageType: k % 3 === 2 ? 5 : 4,
      message:
        k % 3 === 2
          ? { type: 'subscribe_error', request_id: k, error_code: 4, reason_phrase: 'no such track' }
          : { type: 'subscribe_ok', request_id: k, track_alias: k },
    });
    const streamId = BigInt(4 * k + 3);
    events.push({
      type: 'stream-opened',
      seq: seq++,
      timestamp: 1000 * k + 500,
      streamId,
      direction: 1,
      streamType: 0,
      trackAlias: BigInt(k),
    });
    events.push({
      type: 'object-payload',
      seq: seq++,
      timestamp: 1000 * k + 600,
      streamId,
      groupId: 0n,
      objectId: 0n,
      size: 100 + k,
    });
  }
  events.push({ type: 'error', seq: seq++, timestamp: 9000, errorCode: 3, reason: 'protocol violation' });
  events.push({ type: 'annotation', seq: seq++, timestamp: -5, label: `note ${f}`, data: { n: 2n ** 64n - 1n } });
  writeFileSync(
    file,
    writeTrace({
      header: {
        protocol: `moq-transport-${[11, 14, 16][f]}`,
        perspective: 'client',
        detail: 'headers+sizes',
        startTime: START + f * 3_600_000,
        endpoint: `https://relay-${f % 2}.example/moq`,
      },
      events: events as never,
    }),
  );
  files.push(file);
}
for (let f = 0; f < 2; f++) {
  const file = join(tmp.dir, `r${f}.ss`);
  const records = Array.from({ length: 40 }, (_, i) => ({
    streamKey: `key-${i % 3}`,
    shardId: BigInt(i % 2),
    seqNo: BigInt(i),
    timestamp: BigInt(START + f * 86_400_000 + i * 250),
    payload: i % 5 === 0 ? new Uint8Array([0xff, i]) : `payload ${i} ${'x'.repeat(i * 7)}`,
  }));
  writeFileSync(
    file,
    writeSeaStreamer(records, { fileName: `r${f}.ss`, beaconInterval: 256, createdAt: BigInt(START + f * 86_400_000) }),
  );
  files.push(file);
}
// A truncated trace: problems and a files row with an end state.
const cut = join(tmp.dir, 'cut.moqtrace');
const whole = readFileSync(files[0] as string);
writeFileSync(cut, whole.subarray(0, whole.length - 7));
files.push(cut);

const QUERIES = [
  ...EXAMPLE_QUERIES.map((q) => q.sql),
  'select count(*) from events',
  'select type, count(*) from events group by 1 order by 1',
  'select e.type, h.protocol, count(*) as n from events e join headers h on h.file = e.file and h.segment = e.segment group by all order by all',
  'select file, type, count(*) from events join headers using (file, segment) group by all order by all',
  "with c as (select file, message_name from events where type = 'control') select file, message_name, count(*) from c group by all order by all",
  "select label, timestamp_us from events where file in (select file from files where format = 'moqtrace') and label is not null order by all",
  "select f.file, (select count(*) from problems p where p.file = f.file) as n, exists (select 1 from events e where e.file = f.file and e.type = 'error') as has_error from files f order by 1",
  'select events.file, events."offset", events.seq from events order by 1, 2 limit 7',
  'select * from tracks order by all',
  'select t.* from tracks t order by all',
  'select * exclude (fields) from events order by file, "offset"',
  "select columns('.*_id') from events order by all",
  'select file, type, row_number() over (partition by file order by "offset") as rn from events qualify rn <= 3 order by all',
  'select type as fields, "offset" from events order by file, "offset"',
  "select 'fields' as x, 'type', count(*) from events group by all",
  'SELECT "TYPE", Count(*) AS "N" FROM EVENTS GROUP BY "Type" ORDER BY 1',
  "select fields->>'$.label' as l, fields from events where type = 'annotation' order by all",
  'select file, payload_text, payload_size from messages order by file, "offset"',
  'select payload, "timestamp" from messages order by file, "offset"',
  'select markers, "index" from beacons order by file, "offset"',
  'select min(time), max(time), min(timestamp_us) from events',
  'select protocol, draft, start_time, header from headers order by all',
  'select e from events e order by e.file, e."offset" limit 3',
  'select #2 from events order by all limit 3',
  'select file from events union select file from messages order by 1',
  'select file, code, severity from files left join problems using (file) order by all',
  'select list_transform([1, 2], x -> x + 1) as l, count(type) from events',
  "select v.x, count(e.type) from (values ('control'), ('error')) v(x) left join events e on e.type = v.x group by 1 order by 1",
  'select * from files natural join problems order by all',
  'select a, b from events as ev(a, b) order by all limit 4',
  "select count(*) from read_csv('/nonexistent.csv')",
  'summarize events',
  'select 1 as one',
  'select nope from events',
  'select typ from events',
  'select 1; select count(*) from events',
];

describe('which tables and columns a query uses', () => {
  const duck = openDuck();
  afterAll(async () => (await duck).close());
  const needs = async (sql: string): Promise<QueryNeeds> => queryNeeds((await duck).connection, sql);
  const asObject = (n: QueryNeeds) =>
    n === 'all' ? 'all' : Object.fromEntries([...n].map(([t, c]) => [t, [...c].sort()]));

  it('finds the columns of every table a SELECT reads, through aliases, joins, CTEs and subqueries', async () => {
    expect(asObject(await needs('select count(*) from events'))).toEqual({ events: [] });
    expect(asObject(await needs('select type, count(*) from events group by 1'))).toEqual({ events: ['type'] });
    expect(asObject(await needs('select "TYPE" from EVENTS e where E."Offset" > 3'))).toEqual({
      events: ['offset', 'type'],
    });
    // h.endpoint, t.draft, t.reason, h.file = t.file, h.segment = t.request_segment, t.request, t.outcome: a name
    // counts for every table read that has such a column (headers.draft too).
    expect(asObject(await needs(EXAMPLE_QUERIES[0]?.sql as string))).toEqual({
      tracks: ['draft', 'file', 'outcome', 'reason', 'request', 'request_segment'],
      headers: ['draft', 'endpoint', 'file', 'segment'],
    });
    expect(
      asObject(await needs('with c as (select label from events) select count(*) from c join files using (file)')),
    ).toEqual({
      events: ['file', 'label'],
      files: ['file'],
    });
    // A string literal, or an output alias that is a column name, is no reference.
    expect(asObject(await needs("select 'fields', type as fields from events"))).toEqual({ events: ['type'] });
    expect(asObject(await needs('select 1'))).toEqual({});
  });

  it('reads everything when it cannot prove what is used', async () => {
    for (const sql of [
      'select * from events',
      'select e.* from events e',
      'select * exclude (fields) from events',
      "select columns('t.*') from events",
      'select e from events e',
      'select to_json(events) from events',
      'select #1 from events',
      'select 1 from events natural join headers',
      'select a from events ev(a)',
      "select count(*) from read_csv('x.csv')",
      'select count(*) from duckdb_views',
      'select view_definition from information_schema.views',
      'select 1; select 2',
      'describe events',
      'summarize events',
      'pragma version',
      'create table x as select 1',
      'selec 1',
      'pivot events on type using count(*)',
    ]) {
      expect(await needs(sql), sql).toBe('all');
    }
  });
});

async function outcome(db: AnalyticsDatabase, sql: string): Promise<Record<string, unknown>[] | { error: string }> {
  try {
    return await rows(db, sql);
  } catch (error) {
    return { error: `${(error as { code?: string }).code}: ${(error as Error).message}` };
  }
}

describe('openRecordings with sql', () => {
  let full: AnalyticsDatabase;
  beforeAll(async () => {
    full = await openRecordings(files, { sql: QUERIES[0] as string, prune: false });
  }, 60_000);
  afterAll(() => full.close());

  it('gives the same results and errors with pruning as without', async () => {
    for (const sql of QUERIES) {
      const expected = await outcome(full, sql);
      const db = await openRecordings(files, { sql });
      try {
        expect(await outcome(db, sql), sql).toEqual(expected);
        expect(db.export?.files, sql).toEqual(full.export?.files);
      } finally {
        await db.close();
      }
    }
  }, 180_000);

  it('reads the recordings again when a later query uses more', async () => {
    const db = await openRecordings(files, { sql: 'select count(*) from events' });
    try {
      const counted = (name: TableName) => db.tables.find((t) => t.name === name)?.rows;
      expect(counted('events')).toBe(full.tables.find((t) => t.name === 'events')?.rows);
      expect(counted('tracks')).toBeUndefined();
      expect(db.export?.tables.map((t) => t.name)).toEqual(['events']);
      for (const sql of ['select fields from events order by file, "offset"', 'select * from tracks order by all']) {
        expect(await outcome(db, sql), sql).toEqual(await outcome(full, sql));
      }
      expect(db.tables).toEqual(full.tables);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('produces no fields JSON and no load file for what a query does not use', async () => {
    const where = tempDir();
    try {
      const loadFiles = () => {
        const [top] = readdirSync(where.dir);
        const dir = join(where.dir, top as string);
        const [load] = readdirSync(dir).filter((name) => name.startsWith('load-'));
        return { dir: join(dir, load as string), names: readdirSync(join(dir, load as string)).sort() };
      };
      const count = await openRecordings(files, { sql: 'select count(*) from events', tempDirectory: where.dir });
      // Only files and problems are written (their columns are not used either: they are counted, not written).
      expect(loadFiles().names).toEqual([]);
      expect(await rows(count, 'select count(*) as n from events', true)).toEqual([{ n: 3 * 26 + 26 - 1 }]);
      await count.close();

      const byType = await openRecordings(files, {
        sql: 'select type, count(*) from events group by 1',
        tempDirectory: where.dir,
      });
      const { dir, names } = loadFiles();
      expect(names).toEqual(['events-000.csv']);
      const text = readFileSync(join(dir, 'events-000.csv'), 'utf8');
      expect(text).toContain(`${LOAD_QUOTE}control${LOAD_QUOTE}`);
      // No JSON (fields), no file path, no number: every line is commas and the quoted type.
      expect(
        text
          .split('\n')
          .filter(Boolean)
          .every((line) => /^,+Q[a-z-]+Q,+$/.test(line.replaceAll(LOAD_QUOTE, 'Q'))),
      ).toBe(true);
      await byType.close();
    } finally {
      where.cleanup();
    }
  }, 60_000);

  it('scanTrace skips rendering fields and the track table when they are not needed', async () => {
    const run = async (needed?: ReadonlyMap<TableName, ReadonlySet<string>>) => {
      const out: { table: TableName; row: LoadValue[] }[] = [];
      const bytes = new Uint8Array(readFileSync(files[0] as string));
      await scanTrace(bytes, {
        file: 'x',
        sink: { add: (table, row) => out.push({ table, row }) },
        ...(needed ? { needed } : {}),
      });
      return out;
    };
    const all = await run();
    const some = await run(new Map([['events', new Set(['type'])]]));
    const fieldsOf = (list: typeof all) => list.filter((r) => r.table === 'events').map((r) => r.row[21]);
    expect(fieldsOf(all).every((f) => typeof f === 'string' && f.startsWith('{'))).toBe(true);
    expect(fieldsOf(some)).toEqual(fieldsOf(all).map(() => null));
    expect(all.some((r) => r.table === 'tracks')).toBe(true);
    expect(some.some((r) => r.table === 'tracks')).toBe(false);
  });
});
