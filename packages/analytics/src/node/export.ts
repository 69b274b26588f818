/**
 * `exportRecordings`: `.ss` and `.moqtrace` files into one dataset of Parquet (or CSV, or NDJSON) files, one per
 * table, written by DuckDB's `COPY`. Rows stream: they are written as load-format bytes into temporary files (one
 * per table) while the files are read, and each table is copied once every input was read. Memory stays bounded by
 * DuckDB's memory limit plus two small buffers per table.
 *
 * @module
 */
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileSource } from '@x/binary/node';
import { AnalyticsError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES, emptyTableQuery, quoteIdentifier, sqlString, tableLoadQuery } from '../load.js';
import { scanTrace } from '../scan/moqtrace.js';
import type { NeededInputs, ScanOptions, ScanSummary } from '../scan/sink.js';
import { scanSeaStreamer, unreadable } from '../scan/ss.js';
import { TABLES } from '../tables/index.js';
import type { TableName, TableSpec } from '../tables/types.js';
import {
  DEFAULT_MEMORY_LIMIT,
  type DuckDBSettings,
  type LeanDuck,
  loadBindings,
  openLeanDuck,
  runInternal,
  type SqlConnection,
} from './duckdb.js';
import { ExportSink, nodeBase64 } from './export-sink.js';
import { type DetectedFile, detectFile } from './inputs.js';
import { FIRST_PIECE_ROWS, PIECE_ROWS, PieceCopier } from './pieces.js';
import { FileSpool, type SpoolFile } from './spool.js';

/** Output formats of {@link exportRecordings}. */
export type ExportFormat = 'parquet' | 'csv' | 'ndjson';

/** Parquet compression codecs. */
export type ParquetCompression = 'zstd' | 'snappy' | 'gzip' | 'uncompressed';

/** Options of {@link exportRecordings}. */
export interface ExportOptions extends DuckDBSettings {
  /** Output format (default `parquet`). */
  format?: ExportFormat;
  /**
   * Write a Hive-partitioned dataset: `DIR/<table>/file_date=YYYY-MM-DD/data_0.<ext>` (default false: one file per
   * table, `DIR/<table>.<ext>`).
   */
  partition?: boolean;
  /** Parquet compression (default `zstd`, level 1). */
  compression?: ParquetCompression;
  /** Rows per Parquet row group (default 122880, DuckDB's; fewer for large rows: see `copyStatement`). */
  rowGroupSize?: number;
  /** Replace the tables of an earlier export in the folder (default false: `OUTPUT_EXISTS`). */
  overwrite?: boolean;
  /** Called after each input file was read. */
  onFile?: (summary: ScanSummary) => void;
}

/** One written table. */
export interface ExportedTable {
  /** Table name. */
  name: TableName;
  /** File (or partitioned folder) written. */
  path: string;
  /** Rows written. */
  rows: number;
}

/** What {@link exportRecordings} did. */
export interface ExportResult {
  /** One summary per input file. */
  files: ScanSummary[];
  /** The tables written, in {@link TABLES} order. */
  tables: ExportedTable[];
  /** Problems of severity error over all files. */
  errors: number;
  /** Problems of severity warning over all files. */
  warnings: number;
}

const EXTENSIONS: Record<ExportFormat, string> = { parquet: 'parquet', csv: 'csv', ndjson: 'ndjson' };
/** DuckDB's line limit (and read buffer) for a spool file: its longest line, at least 2 MiB. */
function lineLimit(file: SpoolFile): number {
  return Math.max(DEFAULT_MAX_LINE_BYTES / 8, file.longest + 1024);
}
/**
 * DuckDB threads of a piecewise export: a piece is copied by one thread (its connection's), one piece at a time
 * while the inputs are read (JavaScript uses the other core), then up to `threads` pieces at once.
 */
const PIECE_THREADS = 1;
/** DuckDB's memory limit (MB) for the copy of a payload-heavy table (twice that for rows over 8 KiB). */
const PAYLOAD_MEMORY_MB = 64;
/** Fewest rows of a Parquet row group. */
const MIN_GROUP_ROWS = 1024;
/** Most entries of a Parquet column dictionary (see {@link copyStatement}). */
const DICTIONARY_ENTRIES = 1000;
/** zstd level of Parquet files. */
const ZSTD_LEVEL = 1;
/** Mean size of a load line above which a table counts as payload-heavy (see {@link copyStatement}). */
const LARGE_ROW_BYTES = 1024;
/** Target size of a Parquet row group in memory for payload-heavy tables (8 times that for the others). */
const ROW_GROUP_BYTES = 8 * 1024 * 1024;
/**
 * Bytes per read of a `.ss` file of at most `SMALL_SS_BYTES`. The reads go through the thread pool, which the
 * spool writes use too: 64 KiB reads (the default) made the export of the 20 MB `.ss` file 20 ms slower than
 * 256 KiB ones (11 interleaved runs, load 1.5; 128 KiB in between, 1 and 2 MiB no faster). Larger files keep the
 * default: each read is a fresh buffer that waits for a garbage collection, and with 256 KiB reads the export of
 * the 690 MB `.ss` peaked at 213-246 MB (205-223 MB with 64 KiB; target 256 MB), although 20% faster. `.moqtrace`
 * files keep it too: 256 KiB was no faster on the 1M-event trace, 1 MiB 0.2 s slower.
 */
const SMALL_SS_READ_CHUNK = 256 * 1024;
/** Largest `.ss` file read in `SMALL_SS_READ_CHUNK` reads (the buffers waiting for collection stay small). */
const SMALL_SS_BYTES = 64 * 1024 * 1024;

/** How an input is read (see `SMALL_SS_READ_CHUNK`). */
function readOptions(file: DetectedFile): { chunkSize?: number } {
  const small = file.format === 'ss' && file.size !== undefined && file.size <= SMALL_SS_BYTES;
  return small ? { chunkSize: SMALL_SS_READ_CHUNK } : {};
}

/** The path of a table in an export folder. */
export function tablePath(dir: string, table: TableName, format: ExportFormat, partition: boolean): string {
  return partition ? join(dir, table) : join(dir, `${table}.${EXTENSIONS[format]}`);
}

function checkOptions(options: ExportOptions): void {
  const format = options.format ?? 'parquet';
  if (!(format in EXTENSIONS)) {
    throw new AnalyticsError('INVALID_ARGUMENT', `format must be parquet, csv or ndjson, got ${String(format)}`);
  }
  const compression = options.compression ?? 'zstd';
  if (!['zstd', 'snappy', 'gzip', 'uncompressed'].includes(compression)) {
    throw new AnalyticsError(
      'INVALID_ARGUMENT',
      `compression must be zstd, snappy, gzip or uncompressed, got ${compression}`,
    );
  }
  const groups = options.rowGroupSize;
  if (groups !== undefined && !(Number.isSafeInteger(groups) && groups > 0)) {
    throw new AnalyticsError('INVALID_ARGUMENT', `rowGroupSize must be a positive integer, got ${String(groups)}`);
  }
}

/**
 * The `COPY ... TO` of a table's rows (`select`) into `target`. Parquet row groups hold `rowGroupSize` rows (default
 * 122880), fewer when the rows are large (`rowBytes`, their mean size): about 8 MiB per row group when rows carry
 * payloads (mean load line over 1 KiB), 64 MiB otherwise, so memory stays bounded.
 */
export function copyStatement(
  table: TableSpec,
  select: string,
  target: string,
  options: ExportOptions,
  rowBytes = 0,
): string {
  const format = options.format ?? 'parquet';
  const parts: string[] = [];
  let query = select;
  if (format === 'parquet') {
    const groupBytes = rowBytes > LARGE_ROW_BYTES ? ROW_GROUP_BYTES : 8 * ROW_GROUP_BYTES;
    const bySize = rowBytes > 0 ? Math.max(MIN_GROUP_ROWS, Math.floor(groupBytes / rowBytes)) : Number.MAX_SAFE_INTEGER;
    const groups = Math.min(options.rowGroupSize ?? 122880, bySize);
    const compression = options.compression ?? 'zstd';
    parts.push('FORMAT parquet', `COMPRESSION ${compression}`, `ROW_GROUP_SIZE ${groups}`);
    // zstd level 1 (DuckDB's default is 3): the COPY of the 1M-event events table took 649 ms instead of 697 ms
    // (median of 5, two threads) and its file is 3% smaller (9.9 MB instead of 10.2 MB).
    if (compression === 'zstd') parts.push(`COMPRESSION_LEVEL ${ZSTD_LEVEL}`);
    // Dictionaries of at most 1000 entries (DuckDB's default: a 20th of the row group): columns with more distinct
    // values are written plain at once. The 8 events pieces of the 1M-event trace: 5% less CPU (three alternated
    // pairs, one thread), 9.69 MB instead of 9.77 MB; rs-20mb.ss the same size.
    parts.push(`DICTIONARY_SIZE_LIMIT ${DICTIONARY_ENTRIES}`);
  } else {
    // Flat text formats: bytes as lowercase hex.
    const blobs = table.columns.filter((c) => c.type === 'BLOB').map((c) => quoteIdentifier(c.name));
    if (blobs.length > 0)
      query = `SELECT * REPLACE (${blobs.map((b) => `lower(hex(${b})) AS ${b}`).join(', ')}) FROM (${select})`;
    parts.push(format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT json');
  }
  if (options.partition) parts.push('PARTITION_BY (file_date)');
  return `COPY (${query}) TO ${sqlString(target)} (${parts.join(', ')})`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Spooling in pieces: a file is finished every `rows` rows and handed to `onPiece` (see {@link spoolRecordings}). */
export interface SpoolPieces {
  /** Rows per piece. */
  readonly rows: number;
  /** Rows of a table's first piece (default `rows`). */
  readonly firstRows?: number;
  /** Called with each finished file of a table, in order (the last one too). */
  onPiece(table: TableSpec, file: SpoolFile): void;
  /** Called once every input was read, before the last pieces are finished. */
  onRead?(): void;
}

/** The load-format files of every table after {@link spoolRecordings}, and what was read. */
export interface SpooledRecordings {
  /** One summary per input, in the order given. */
  readonly files: ScanSummary[];
  /** Per table, its spool files (none when no input filled it, or when no input of it was needed). */
  readonly tables: ReadonlyMap<TableName, readonly SpoolFile[]>;
  /** Per table, the rows the inputs gave (also those only counted). */
  readonly rows: ReadonlyMap<TableName, number>;
}

/**
 * Reads the inputs one at a time, in the order given, into load-format files in `dir` (one per table): the first
 * half of an export, also the tables `openRecordings` queries in place. Memory: two 320 KiB buffers per table.
 * With `needed`, only those inputs are written (the others are NULL in the files; a table without needed inputs
 * gets no file, its rows are only counted) and the scanners may skip computing them.
 *
 * @internal
 */
export async function spoolRecordings(
  inputs: readonly string[],
  dir: string,
  onFile?: (summary: ScanSummary) => void,
  needed?: NeededInputs,
  pieces?: SpoolPieces,
): Promise<SpooledRecordings> {
  const sink = new ExportSink(nodeBase64, needed);
  const tables = new Map<TableName, SpoolFile[]>();
  try {
    for (const table of TABLES) {
      const files: SpoolFile[] = [];
      const onPiece = pieces?.onPiece;
      const spool = new FileSpool(
        join(dir, table.name),
        (file) => {
          files.push(file);
          onPiece?.(table, file);
        },
        pieces?.rows,
        pieces?.firstRows,
      );
      sink.setSpool(table.name, spool);
      tables.set(table.name, files);
    }
    const summaries: ScanSummary[] = [];
    const scanners = { ss: scanSeaStreamer, moqtrace: scanTrace };
    for (const path of inputs) {
      const file = await detectFile(path);
      const scanOptions: ScanOptions = {
        file: path,
        sink,
        ...(file.size === undefined ? {} : { size: file.size }),
        ...(needed === undefined ? {} : { needed }),
      };
      let summary: ScanSummary;
      if (file.format === undefined) summary = unreadable(scanOptions, null, file.error);
      else {
        const source = await openFileSource(path, readOptions(file)).catch((error: unknown) => error as Error);
        if (source instanceof Error) summary = unreadable(scanOptions, file.format, source);
        else {
          try {
            summary = await scanners[file.format](source, scanOptions);
          } finally {
            await source.close();
          }
        }
      }
      summaries.push(summary);
      onFile?.(summary);
    }
    pieces?.onRead?.();
    for (const table of TABLES) await sink.spool(table.name).close();
    return { files: summaries, tables, rows: new Map(TABLES.map((table) => [table.name, sink.rows(table.name)])) };
  } finally {
    for (const spool of sink.spools()) await spool.abort();
  }
}

/** The `SELECT` of a table's stored (or, with `virtual`, all) columns from its spool files. */
export function spooledQuery(table: TableSpec, files: readonly SpoolFile[], virtual: boolean): string {
  if (files.length === 0) return emptyTableQuery(table, virtual);
  return tableLoadQuery(
    table,
    files.map((f) => f.path),
    Math.max(...files.map(lineLimit)),
    virtual,
  );
}

/**
 * Exports recordings into `outDir`: one file per table (`messages.parquet`, `beacons.parquet`, `events.parquet`,
 * `headers.parquet`, `tracks.parquet`, `files.parquet`, `problems.parquet`), every input in the same tables (the
 * `file` column tells them apart), or a Hive-partitioned dataset by `file_date` with `partition`. Damaged files are
 * exported as far as they can be read, their problems in `problems`; a file that cannot be opened gets a `files`
 * row (`unreadable`) and a problem. Throws `OUTPUT_EXISTS`, `INVALID_ARGUMENT`, `IO_ERROR`, `NOT_AVAILABLE`.
 *
 * @example
 * ```ts
 * const result = await exportRecordings(['a.ss', 'b.moqtrace'], 'dataset');
 * console.log(result.tables.map((t) => `${t.path}: ${t.rows} rows`), result.errors);
 * ```
 */
export async function exportRecordings(
  inputs: readonly string[],
  outDir: string,
  options: ExportOptions = {},
): Promise<ExportResult> {
  checkOptions(options);
  const format = options.format ?? 'parquet';
  const partition = options.partition === true;
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new AnalyticsError('IO_ERROR', `cannot create ${outDir}: ${(error as Error).message}`, { cause: error });
  }
  const targets = TABLES.map((table) => tablePath(outDir, table.name, format, partition));
  if (!options.overwrite) {
    for (const target of targets) {
      if (await exists(target)) {
        throw new AnalyticsError(
          'OUTPUT_EXISTS',
          `${target} exists (overwrite it with the overwrite option, --overwrite)`,
        );
      }
    }
  }
  // DuckDB starts while the inputs are read (NOT_AVAILABLE is known before: loading the bindings is synchronous).
  loadBindings();
  const tmp = await mkdtemp(join(options.tempDirectory ?? tmpdir(), 'x-analytics-'));
  let duck: LeanDuck | undefined;
  const duckSettings = { threads: options.threads ?? 2, memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT };
  // Unpartitioned Parquet: tables with small rows are copied in pieces while the inputs are read.
  const piecewise = format === 'parquet' && !partition;
  // DuckDB's threads as opened (and kept after a payload-heavy copy).
  const threads = piecewise ? Math.min(PIECE_THREADS, duckSettings.threads) : duckSettings.threads;
  const opening = openLeanDuck({ ...duckSettings, threads, tempDirectory: join(tmp, 'spill') });
  // Awaited below; until then a failure must not count as unhandled.
  opening.catch(() => undefined);
  let copier: PieceCopier | undefined;
  try {
    const partial = (table: TableName) => join(tmp, partition ? `${table}.out` : `${table}.out.${EXTENSIONS[format]}`);
    // The first copy uses the export's connection; copies at the same time get their own.
    let connections = 0;
    const connect = async () => {
      const d = await opening;
      return connections++ === 0 ? d.connection : d.connect();
    };
    const pieces = piecewise
      ? new PieceCopier(
          connect,
          tmp,
          (_table, file) => file.bytes / file.rows <= LARGE_ROW_BYTES,
          (table, file, target) =>
            copyStatement(table, spooledQuery(table, [file], false), target, options, file.bytes / file.rows),
          partial,
        )
      : undefined;
    copier = pieces;
    let spooled: SpooledRecordings;
    try {
      spooled = await spoolRecordings(
        inputs,
        tmp,
        options.onFile,
        undefined,
        pieces && {
          rows: PIECE_ROWS,
          firstRows: FIRST_PIECE_ROWS,
          onPiece: (t, f) => pieces.onPiece(t, f),
          // Every DuckDB thread for the copies left: one copy per thread.
          onRead: () => pieces.widen(duckSettings.threads),
        },
      );
    } finally {
      await copier?.settle().catch(() => undefined);
    }
    await copier?.settle();
    duck = await opening;
    // (Piecewise: the tables left are empty, or payload-heavy and copied with one thread: DuckDB keeps its one
    // thread.)
    const summaries = spooled.files;
    const rowsOf = new Map<TableName, number>();
    const copies: TableCopy[] = [];
    for (const table of TABLES) {
      const files = spooled.tables.get(table.name) ?? [];
      const rows = files.reduce((n, f) => n + f.rows, 0);
      rowsOf.set(table.name, rows);
      if (copier?.isPiecewise(table.name)) {
        await copier.finish(table.name);
        continue;
      }
      const rowBytes = rows === 0 ? 0 : files.reduce((n, f) => n + f.bytes, 0) / rows;
      const statement = copyStatement(table, spooledQuery(table, files, false), partial(table.name), options, rowBytes);
      copies.push({ statement, rows, rowBytes });
    }
    await runCopies(duck.connection, copies, threads, duckSettings.memoryLimit);
    const tables: ExportedTable[] = [];
    for (const [i, table] of TABLES.entries()) {
      const target = targets[i] as string;
      const from = partial(table.name);
      if (partition && !(await exists(from))) await mkdir(from, { recursive: true });
      await rm(target, { recursive: true, force: true });
      await moveInto(from, target);
      tables.push({ name: table.name, path: target, rows: rowsOf.get(table.name) ?? 0 });
    }
    return {
      files: summaries,
      tables,
      errors: summaries.reduce((n, s) => n + s.errors, 0),
      warnings: summaries.reduce((n, s) => n + s.warnings, 0),
    };
  } finally {
    duck ??= await opening.catch(() => undefined);
    await copier?.close();
    if (duck !== undefined) copier?.closeExtra(duck.connection);
    duck?.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The `COPY` of a table after the read, its rows and their mean size in the load format. */
interface TableCopy {
  readonly statement: string;
  readonly rows: number;
  readonly rowBytes: number;
}

/**
 * Runs the copies of the tables left after the read, one after the other, on `connection` of a DuckDB opened with
 * `threads` threads and memory limit `limit`.
 */
async function runCopies(connection: SqlConnection, copies: readonly TableCopy[], threads: number, limit: string) {
  // Whether a payload-heavy copy left DuckDB with one thread and a small memory limit: set back before the next
  // copy of other rows only (each SET costs milliseconds: `SET threads` 5-25 ms, `SET memory_limit` about 4 ms).
  let small = false;
  for (const copy of copies) {
    if (copy.rowBytes > LARGE_ROW_BYTES) {
      // Rows with payloads: one thread and a small memory limit keep DuckDB's buffers (CSV reader, row groups,
      // compression) small; measured as fast as two threads on payload-heavy tables. Row groups of about 8 MiB
      // (rows under 8 KiB): 64 MB (the 690 MB .ss export, bench/rss.bench.mjs, peaked at 264-286 MiB with
      // 128 MB, 204-210 MiB with 64 MB, in the same time); larger rows make larger row groups (1024 rows at
      // least): 128 MB (six 6 MiB payloads need more than 64 MB).
      const mb = copy.rowBytes * MIN_GROUP_ROWS > ROW_GROUP_BYTES ? 2 * PAYLOAD_MEMORY_MB : PAYLOAD_MEMORY_MB;
      await runInternal(connection, `${threads > 1 && !small ? 'SET threads = 1; ' : ''}SET memory_limit = '${mb}MB'`);
      small = true;
    } else if (small) {
      await runInternal(connection, `${threads > 1 ? `SET threads = ${threads}; ` : ''}SET memory_limit = '${limit}'`);
      small = false;
    }
    await runInternal(connection, copy.statement);
  }
}

async function moveInto(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EXDEV') {
      throw new AnalyticsError('IO_ERROR', `cannot write ${to}: ${(error as Error).message}`, { cause: error });
    }
    const { cp } = await import('node:fs/promises');
    await cp(from, to, { recursive: true });
  }
}
