/**
 * `@x/analytics`: recordings as tables. The schema ({@link TABLES}: `messages`, `beacons`, `events`, `headers`,
 * `tracks`, `files`, `problems`), the scanners that turn a `.ss` or `.moqtrace` file into rows of those tables
 * ({@link scanRecording}), and the load format that feeds the rows to DuckDB ({@link tableLoadQuery}). Browser
 * safe: the viewer's SQL tab uses it with duckdb-wasm. Parquet, CSV and NDJSON export and SQL over files or
 * datasets with DuckDB are in `@x/analytics/node` (optional peer dependency `@duckdb/node-api`).
 *
 * @example
 * ```ts
 * import { createRowEncoder, scanRecording, tableSpec } from '@x/analytics';
 * const messages = createRowEncoder(tableSpec('messages'));
 * let text = '';
 * const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
 * await scanRecording(file, head, {
 *   file: file.name,
 *   sink: { add: (table, row) => { if (table === 'messages') text += messages.encode(row); } },
 * });
 * ```
 *
 * @module @x/analytics
 */
export { AnalyticsError, type AnalyticsErrorCode } from './errors.js';
export { EXAMPLE_QUERIES, type ExampleQuery } from './examples.js';
export {
  type Base64Encoder,
  createRowEncoder,
  DEFAULT_MAX_LINE_BYTES,
  emptyTableQuery,
  encodeBase64,
  LOAD_QUOTE,
  loadReadCsv,
  type RowEncoder,
  tableLoadQuery,
  withVirtualColumns,
} from './load.js';
export { detectRecordingFormat, scanRecording } from './scan/index.js';
export { scanTrace } from './scan/moqtrace.js';
export type { NeededInputs, RecordingFormat, ScanOptions, ScanSummary, TableRowSink } from './scan/sink.js';
export { scanSeaStreamer } from './scan/ss.js';
export { TABLE_NAMES, TABLES, tableSpec } from './tables/index.js';
export type { ColumnSpec, LoadInput, LoadKind, LoadValue, TableName, TableSpec } from './tables/types.js';
