/**
 * Where scanners put rows, and what a scan reports.
 *
 * @module
 */
import type { LoadValue, TableName } from '../tables/types.js';

/**
 * Receives the rows a scan produces. `add` is called synchronously for every row (values in the table's
 * `inputs` order); `flush` after every batch of records, so a sink that writes somewhere can apply backpressure
 * by returning a promise.
 */
export interface TableRowSink {
  /** One row of `table`. */
  add(table: TableName, row: LoadValue[]): void;
  /** Called after every batch of records and at the end of each file: wait for the returned promise. */
  flush?(): Promise<void> | undefined | void;
}

/** Format of a recording. */
export type RecordingFormat = 'ss' | 'moqtrace';

/** What a scan of one file found (also its `files` row). */
export interface ScanSummary {
  /** The `file` column value. */
  file: string;
  /** Format, `undefined` when the input is neither. */
  format: RecordingFormat | undefined;
  /** Messages or events read. */
  records: number;
  /** Problems of severity error. */
  errors: number;
  /** Problems of severity warning. */
  warnings: number;
  /** How reading ended (`unreadable` when the file could not be opened). */
  endState: string;
  /** True when read to the end without an error problem. */
  complete: boolean;
}

/**
 * The load inputs a consumer uses, per table (input names of `TableSpec.inputs`); a table that is absent is not
 * used at all. Scanners may skip computing an input that is not listed (the row then holds NULL there) and skip
 * the work of a table that is absent (e.g. `tracks`, whose rows are then not emitted).
 */
export type NeededInputs = ReadonlyMap<TableName, ReadonlySet<string>>;

/** Options of the scanners. */
export interface ScanOptions {
  /** The `file` column value of every row (a path, a name). */
  file: string;
  /** Size of the input in bytes, when known (the `files.size` column). */
  size?: number;
  /** Where rows go. */
  sink: TableRowSink;
  /** What the consumer uses (default: everything); see {@link NeededInputs}. */
  needed?: NeededInputs;
}

/** The `file_date` of a ms timestamp: `YYYY-MM-DD` (UTC), `null` outside years 1970–9999. */
export function fileDate(ms: number | bigint | undefined): string | null {
  if (ms === undefined) return null;
  const n = Number(ms);
  if (!(n >= 0 && n <= 253402300799999)) return null;
  return new Date(n).toISOString().slice(0, 10);
}

/** The µs of a TIMESTAMP input, `null` outside years 1–9999 (what DuckDB's `make_timestamp` accepts). */
export function timeMicros(startMs: number, micros: number | bigint): number | bigint | null {
  if (typeof micros === 'number' && Number.isSafeInteger(micros)) {
    const value = startMs * 1000 + micros;
    // A safe integer is within ±285 years of 1970, inside the range.
    if (Number.isSafeInteger(value)) return value;
  }
  if (!Number.isSafeInteger(startMs) || (typeof micros === 'number' && !Number.isInteger(micros))) return null;
  const value = BigInt(startMs) * 1000n + BigInt(micros);
  return value >= -62135596800000000n && value <= 253402300799999999n ? value : null;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A signed integer for a BIGINT column, `null` outside its range. */
export function int64(value: number | bigint | undefined): number | bigint | null {
  if (value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  return value >= INT64_MIN && value <= INT64_MAX ? value : null;
}

const U64_LIMIT = 2n ** 64n;

/** An unsigned integer for a UBIGINT column (`number` or `bigint`, non-negative), else `null`. */
export function u64(value: unknown): number | bigint | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value === 'bigint') return value >= 0n && value < U64_LIMIT ? value : null;
  return null;
}
