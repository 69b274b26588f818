/**
 * SQL over recordings: an {@link AnalyticsDatabase} is an in-memory DuckDB with the tables as views, over an
 * exported dataset ({@link openDataset}) or over recordings read into temporary load-format files
 * ({@link openRecordings}: rows stream through DuckDB, nothing is held in JS memory).
 *
 * @module
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AnalyticsError } from '../errors.js';
import { emptyTableQuery, quoteIdentifier, sqlString, withVirtualColumns } from '../load.js';
import { TABLES } from '../tables/index.js';
import type { TableName } from '../tables/types.js';
import { type Duck, type DuckDBSettings, messageOf, openDuck, runInternal } from './duckdb.js';
import { type ExportOptions, type ExportResult, spooledQuery, spoolRecordings } from './export.js';
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
  /** Tables that hold rows (the other views are empty). */
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
    readonly exportResult: ExportResult | undefined,
    private readonly cleanup: string | undefined,
  ) {}

  get export(): ExportResult | undefined {
    return this.exportResult;
  }

  async query(sql: string): Promise<QueryResult> {
    if (this.closed) throw new AnalyticsError('CLOSED', 'the database was closed');
    return runQuery(this.duck.connection, sql);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.duck.close();
    if (this.cleanup) await rm(this.cleanup, { recursive: true, force: true });
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
      undefined,
      undefined,
    );
  } catch (error) {
    duck.close();
    throw error;
  }
}

/**
 * Opens recordings for SQL: reads them into temporary load-format files (streaming, bounded memory) and creates the
 * views over those files, as the export does before writing Parquet (each query reads them again, in parallel;
 * nothing is held in JS memory). `database.export` tells which files had problems; the temporary files are removed
 * by `close()`.
 *
 * @example
 * ```ts
 * const db = await openRecordings(['a.moqtrace']);
 * const result = await db.query('select count(*) from events');
 * ```
 */
export async function openRecordings(
  files: readonly string[],
  options: ExportOptions = {},
): Promise<AnalyticsDatabase> {
  const tmp = await mkdtemp(join(options.tempDirectory ?? tmpdir(), 'x-analytics-query-'));
  try {
    const spooled = await spoolRecordings(files, tmp, options.onFile);
    const duck = await openDuck({ ...options, tempDirectory: join(tmp, 'spill') });
    const tables: { name: TableName; rows: number }[] = [];
    try {
      for (const table of TABLES) {
        const list = spooled.tables.get(table.name) ?? [];
        tables.push({ name: table.name, rows: list.reduce((n, f) => n + f.rows, 0) });
        await runInternal(
          duck.connection,
          `CREATE VIEW ${quoteIdentifier(table.name)} AS ${spooledQuery(table, list, true)}`,
        );
      }
    } catch (error) {
      duck.close();
      throw error;
    }
    const result: ExportResult = {
      files: spooled.files,
      tables: tables.map((t) => ({ ...t, path: tmp })),
      errors: spooled.files.reduce((n, s) => n + s.errors, 0),
      warnings: spooled.files.reduce((n, s) => n + s.warnings, 0),
    };
    return new Database(duck, tables, result, tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
