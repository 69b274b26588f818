/**
 * The error class of `@x/analytics` and its codes: the shared codes of `@x/binary` where the meaning is shared, and
 * the codes of this package's own meanings.
 *
 * @module
 */
import { CodedError, type CodedErrorOptions, type SharedErrorCode } from '@x/binary';

/**
 * Stable codes of {@link AnalyticsError}.
 *
 * - Shared: `INVALID_ARGUMENT` (an option outside its values), `IO_ERROR` (a file or folder that cannot be read or
 *   written), `CLOSED` (a database used after `close()`), ...
 * - `SQL_ERROR`: DuckDB refused or failed a statement (syntax, unknown table or column, type error); the message is
 *   DuckDB's.
 * - `NOT_AVAILABLE`: the optional peer dependency `@duckdb/node-api` is not installed.
 * - `UNKNOWN_FORMAT`: an input is neither a `.moqtrace` nor a `.ss` file (its first bytes match neither magic),
 *   the code the CLI and the viewer give; `TRUNCATED` (offset 0) for an empty input.
 * - `NOT_A_DATASET`: a `--dataset` folder holds none of the tables' Parquet files.
 * - `OUTPUT_EXISTS`: the output folder already holds files of an export and overwriting was not asked for.
 * - `RECORD_TOO_LARGE`: a record too large for the streaming `COPY` (internal: the export then reads the files
 *   again through temporary files, which have no such limit).
 */
export type AnalyticsErrorCode =
  | SharedErrorCode
  | 'SQL_ERROR'
  | 'NOT_AVAILABLE'
  | 'UNKNOWN_FORMAT'
  | 'NOT_A_DATASET'
  | 'OUTPUT_EXISTS'
  | 'RECORD_TOO_LARGE';

/**
 * The error class of `@x/analytics` (a `CodedError` of `@x/binary`): a stable {@link AnalyticsErrorCode}, and the
 * byte offset when one is known.
 *
 * @example
 * ```ts
 * try {
 *   await database.query('select nope from events');
 * } catch (error) {
 *   if (AnalyticsError.is(error) && error.code === 'SQL_ERROR') console.error(error.message);
 * }
 * ```
 */
export class AnalyticsError extends CodedError<AnalyticsErrorCode> {
  static override readonly marker: symbol = Symbol.for('@x/analytics.AnalyticsError');

  constructor(code: AnalyticsErrorCode, message: string, options: CodedErrorOptions = {}) {
    super(code, message, options);
    this.name = 'AnalyticsError';
  }
}
