/**
 * `@x/analytics/node`: Parquet, CSV and NDJSON export of recordings and SQL over recordings or exported datasets,
 * with embedded DuckDB (`@duckdb/node-api`, an optional peer dependency: install it to use this entry point).
 *
 * @example
 * ```ts
 * import { exportRecordings, openDataset } from '@x/analytics/node';
 * await exportRecordings(['a.ss', 'b.moqtrace'], 'dataset');
 * const db = await openDataset('dataset');
 * for await (const rows of (await db.query('select count(*) from events')).batches()) console.log(rows);
 * await db.close();
 * ```
 *
 * @module @x/analytics/node
 */
export type { DuckDBSettings } from './duckdb.js';
export {
  type ExportedTable,
  type ExportFormat,
  type ExportOptions,
  type ExportResult,
  exportRecordings,
  type ParquetCompression,
  tablePath,
} from './export.js';
export {
  type AnalyticsDatabase,
  type OpenRecordingsOptions,
  openDataset,
  openRecordings,
  type QueryResult,
} from './query.js';
export { type QueryColumn, type QueryValue, toQueryValue } from './values.js';
