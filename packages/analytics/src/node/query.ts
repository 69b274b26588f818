/**
 * SQL over recordings: an {@link AnalyticsDatabase} is an in-memory DuckDB with the tables as views, over an
 * exported dataset ({@link openDataset}) or over recordings read into temporary load-format files
 * ({@link openRecordings}: rows stream through DuckDB, nothing is held in JS memory).
 *
 * @module
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AnalyticsError } from '../errors.js';
import { emptyTableQuery, quoteIdentifier, sqlString, withVirtualColumns } from '../load.js';
import type { ScanSummary } from '../scan/sink.js';
import { TABLES } from '../tables/index.js';
import type { TableName, TableSpec } from '../tables/types.js';
import { type Duck, type DuckDBSettings, messageOf, openDuck, runInternal } from './duckdb.js';
import { type ExportOptions, type ExportResult, spooledQuery, spoolRecordings } from './export.js';
import { covers, neededInputs, type QueryNeeds, queryNeeds, unionNeeds } from './projection.js';
import { type QueryColumn, type QueryValue, toQueryValue } from './values.js';

/** A result streamed in batches of rows. */
export interface QueryResult {
  /** Columns (names as DuckDB gives them, SQL types). */
  readonly columns: readonly QueryColumn[];
  /** Batches of rows, each row one value per column. */
  batches(): AsyncIterable<QueryValue[][]>;
}

/** An in-memory DuckDB with the tables as views. */
export interface AnalyticsDatabase {
  /**
   * Tables that hold rows (the other views are empty), with their row counts; for {@link openRecordings} with
   * `sql`, `rows` is `undefined` for the tables that were not read.
   */
  readonly tables: readonly { name: TableName; rows: number | undefined }[];
  /** For {@link openRecordings}: what the export found (problems per file). */
  readonly export: ExportResult | undefined;
  /** Runs SQL (several statements: the last one's result); DuckDB's errors are `SQL_ERROR`. */
  query(sql: string): Promise<QueryResult>;
  /** Closes DuckDB and removes temporary files. */
  close(): Promise<void>;
}

async function listParquet(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.some((entry) => String(entry).endsWith('.parquet'));
}

/** The source of a table's view in a dataset folder: `DIR/t.parquet`, or `DIR/t/**` (Hive partitions). */
async function datasetSource(dir: string, table: TableName): Promise<string | undefined> {
  const flat = join(dir, `${table}.parquet`);
  if (
    await stat(flat).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    return `read_parquet(${sqlString(flat)})`;
  const folder = join(dir, table);
  if (await listParquet(folder)) {
    return `read_parquet(${sqlString(join(folder, '**', '*.parquet'))}, hive_partitioning = true, union_by_name = true)`;
  }
  return undefined;
}

class Database implements AnalyticsDatabase {
  private closed = false;

  constructor(
    private readonly duck: Duck,
    readonly tables: { name: TableName; rows: number | undefined }[],
  ) {}

  get export(): ExportResult | undefined {
    return undefined;
  }

  async query(sql: string): Promise<QueryResult> {
    if (this.closed) throw new AnalyticsError('CLOSED', 'the database was closed');
    return runQuery(this.duck.connection, sql);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.duck.close();
  }
}

/** Runs user SQL on a connection, streaming the result. */
export async function runQuery(connection: DuckDBConnection, sql: string): Promise<QueryResult> {
  let result: Awaited<ReturnType<DuckDBConnection['stream']>>;
  try {
    result = await connection.stream(sql);
  } catch (error) {
    throw new AnalyticsError('SQL_ERROR', messageOf(error), { cause: error });
  }
  const names = result.deduplicatedColumnNames();
  const columns = names.map((name, i) => ({ name, type: result.columnType(i).toString() }));
  return {
    columns,
    async *batches() {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof result.fetchChunk>>;
        try {
          chunk = await result.fetchChunk();
        } catch (error) {
          throw new AnalyticsError('SQL_ERROR', messageOf(error), { cause: error });
        }
        if (chunk === null || chunk.rowCount === 0) return;
        yield chunk.getRows().map((row) => row.map(toQueryValue));
      }
    },
  };
}

async function createViews(
  connection: DuckDBConnection,
  source: (table: TableName) => Promise<string | undefined>,
): Promise<TableName[]> {
  const present: TableName[] = [];
  for (const table of TABLES) {
    const from = await source(table.name);
    if (from !== undefined) present.push(table.name);
    const select = from === undefined ? emptyTableQuery(table) : withVirtualColumns(table, `SELECT * FROM ${from}`);
    await runInternal(connection, `CREATE VIEW ${quoteIdentifier(table.name)} AS ${select}`);
  }
  return present;
}

/**
 * Opens an exported Parquet dataset (flat `DIR/<table>.parquet` files or Hive-partitioned `DIR/<table>/` folders)
 * with every table as a view; tables missing from the folder are empty views with the documented columns. Throws
 * `NOT_A_DATASET` when the folder holds none of the tables.
 *
 * @example
 * ```ts
 * const db = await openDataset('dataset');
 * const result = await db.query('select stream_key, count(*) from messages group by all');
 * for await (const rows of result.batches()) console.log(rows);
 * await db.close();
 * ```
 */
export async function openDataset(dir: string, settings: DuckDBSettings = {}): Promise<AnalyticsDatabase> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new AnalyticsError('NOT_A_DATASET', `${dir} is not a folder`);
  const duck = await openDuck(settings);
  try {
    const present = await createViews(duck.connection, (table) => datasetSource(dir, table));
    if (present.length === 0) {
      throw new AnalyticsError('NOT_A_DATASET', `${dir} holds no table of an export (messages.parquet, events/, ...)`);
    }
    return new Database(
      duck,
      present.map((name) => ({ name, rows: undefined })),
    );
  } catch (error) {
    duck.close();
    throw error;
  }
}

/** Options of {@link openRecordings}. */
export interface OpenRecordingsOptions extends ExportOptions {
  /**
   * The SQL that will be run (the first query): only the tables and columns it uses are read from the recordings
   * (found with DuckDB's parser; a `*`, a table function or anything it cannot tell reads everything). A later
   * query that uses more reads the recordings again. Default: everything is read.
   */
  sql?: string;
  /** Read only what `sql` uses (default true); `false` reads every table and column, as without `sql`. */
  prune?: boolean;
}

/** A table's columns, all NULL, on `rows` rows: the view of a table none of whose columns a query uses. */
function nullRowsQuery(table: TableSpec, rows: number): string {
  const select = table.columns
    .filter((column) => column.virtual === undefined)
    .map((column) => `CAST(NULL AS ${column.type}) AS ${quoteIdentifier(column.name)}`)
    .join(', ');
  return withVirtualColumns(table, `SELECT ${select} FROM range(${rows})`);
}

/** SQL over recordings read into temporary load files; reads them again when a query needs more than was read. */
class RecordingsDatabase implements AnalyticsDatabase {
  private closed = false;
  private loads = 0;
  private loaded: QueryNeeds = 'all';
  /** A reading of the recordings in progress (queries wait for it). */
  private loading: Promise<void> | undefined;
  tables: { name: TableName; rows: number | undefined }[] = [];
  export: ExportResult | undefined;

  constructor(
    private readonly duck: Duck,
    private readonly files: readonly string[],
    private readonly tmp: string,
    private readonly pruning: boolean,
  ) {}

  /** Reads the recordings for `needs` and (re)creates the views over what was read. */
  async load(needs: QueryNeeds, onFile?: (summary: ScanSummary) => void): Promise<void> {
    const dir = join(this.tmp, `load-${this.loads++}`);
    await mkdir(dir);
    const needed = neededInputs(needs);
    const spooled = await spoolRecordings(this.files, dir, onFile, needed);
    const tables: { name: TableName; rows: number | undefined }[] = [];
    for (const table of TABLES) {
      const rows = spooled.rows.get(table.name) ?? 0;
      const inputs = needed?.get(table.name);
      const select =
        needed === undefined || (inputs !== undefined && inputs.size > 0)
          ? spooledQuery(table, spooled.tables.get(table.name) ?? [], true)
          : nullRowsQuery(table, rows);
      await runInternal(this.duck.connection, `CREATE OR REPLACE VIEW ${quoteIdentifier(table.name)} AS ${select}`);
      tables.push({ name: table.name, rows: needs === 'all' || needs.has(table.name) ? rows : undefined });
    }
    // The files of an earlier load stay until close(): a result still streaming may read them.
    this.loaded = needs;
    this.tables = tables;
    this.export = {
      files: spooled.files,
      tables: tables.flatMap((t) => (t.rows === undefined ? [] : [{ name: t.name, rows: t.rows, path: this.tmp }])),
      errors: spooled.files.reduce((n, s) => n + s.errors, 0),
      warnings: spooled.files.reduce((n, s) => n + s.warnings, 0),
    };
  }

  async query(sql: string): Promise<QueryResult> {
    if (this.closed) throw new AnalyticsError('CLOSED', 'the database was closed');
    while (this.loading) await this.loading;
    if (this.loaded !== 'all') {
      const needs = this.pruning ? await queryNeeds(this.duck.connection, sql) : 'all';
      while (this.loading) await this.loading;
      if (!covers(this.loaded, needs)) {
        this.loading = this.load(unionNeeds(this.loaded, needs)).finally(() => {
          this.loading = undefined;
        });
        await this.loading;
      }
    }
    return runQuery(this.duck.connection, sql);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.duck.close();
    await rm(this.tmp, { recursive: true, force: true });
  }
}

/**
 * Opens recordings for SQL: reads them into temporary load-format files (streaming, bounded memory) and creates the
 * views over those files, as the export does before writing Parquet (each query reads them again, in parallel;
 * nothing is held in JS memory). With `sql`, only the tables and columns that SQL uses are read (projection
 * pushdown; the views keep every documented column). `database.export` tells which files had problems; the
 * temporary files are removed by `close()`.
 *
 * @example
 * ```ts
 * const sql = 'select type, count(*) from events group by all';
 * const db = await openRecordings(['a.moqtrace'], { sql }); // reads no `fields`, no other table
 * const result = await db.query(sql);
 * ```
 */
export async function openRecordings(
  files: readonly string[],
  options: OpenRecordingsOptions = {},
): Promise<AnalyticsDatabase> {
  const tmp = await mkdtemp(join(options.tempDirectory ?? tmpdir(), 'x-analytics-query-'));
  let duck: Duck | undefined;
  try {
    duck = await openDuck({ ...options, tempDirectory: join(tmp, 'spill') });
    const pruning = options.sql !== undefined && options.prune !== false;
    const db = new RecordingsDatabase(duck, files, tmp, pruning);
    const needs = pruning ? await queryNeeds(duck.connection, options.sql as string) : 'all';
    await db.load(needs, options.onFile);
    return db;
  } catch (error) {
    duck?.close();
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
