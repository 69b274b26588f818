/**
 * The load format: how rows travel from the readers to DuckDB. A row is one line of CSV text with a quote byte
 * that JSON text never holds unescaped (0x1F), read by `read_csv` with explicit column types
 * ({@link tableLoadQuery}); the `SELECT` around it turns the inputs into the documented columns (base64 into
 * `BLOB`, ms into `TIMESTAMP_MS`, ...). Node's DuckDB and duckdb-wasm in the viewer read the same text with the
 * same query, so both give the same tables.
 *
 * Encoding rules: NULL is an empty unquoted field; text is always quoted (an empty string is two quote bytes, a
 * quote byte inside is doubled); integers are decimal digits (exact u64); booleans `true`/`false`; dates
 * `YYYY-MM-DD`; bytes are base64 (standard alphabet, padded; the empty value quoted).
 *
 * @module
 */
import type { LoadInput, LoadValue, TableSpec } from './tables/types.js';

/** The quote byte of the load format (U+001F, which JSON text always escapes). */
export const LOAD_QUOTE = '\x1f';
const DOUBLED = LOAD_QUOTE + LOAD_QUOTE;

/** A base64 encoder (standard alphabet, padded). */
export type Base64Encoder = (bytes: Uint8Array) => string;

const CHUNK = 0x8000;

/**
 * Base64 of bytes with the platform's `btoa` (browsers and Node), in 32 KiB pieces.
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([1, 2, 3])); // 'AQID'
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  if (bytes.length <= CHUNK) return btoa(String.fromCharCode.apply(null, bytes as unknown as number[]));
  const parts: string[] = [];
  // 32 KiB is a multiple of 3 bytes short of 32768: use 32766 so each piece ends on a 3-byte boundary.
  const step = CHUNK - (CHUNK % 3);
  for (let i = 0; i < bytes.length; i += step) {
    parts.push(btoa(String.fromCharCode.apply(null, bytes.subarray(i, i + step) as unknown as number[])));
  }
  return parts.join('');
}

function text(value: LoadValue): string {
  if (value === undefined || value === null) return '';
  const s = typeof value === 'string' ? value : String(value);
  return s.indexOf(LOAD_QUOTE) === -1
    ? LOAD_QUOTE + s + LOAD_QUOTE
    : LOAD_QUOTE + s.replaceAll(LOAD_QUOTE, DOUBLED) + LOAD_QUOTE;
}

function integer(value: LoadValue): string {
  if (value === undefined || value === null) return '';
  // Small bigints (most ids) print faster through a number.
  if (typeof value === 'bigint' && value <= 0xffffffffn && value >= 0n) return String(Number(value));
  return String(value);
}

function boolean(value: LoadValue): string {
  return value === undefined || value === null ? '' : value ? 'true' : 'false';
}

/**
 * Encodes rows of one table as load-format lines.
 *
 * @example
 * ```ts
 * const encoder = createRowEncoder(tableSpec('problems'));
 * encoder.encode(['a.ss', '2026-11-21', 'ss', 1024, null, 'TRUNCATED', 'error', 'cut']); // one line, with '\n'
 * ```
 */
export interface RowEncoder {
  /** The table. */
  readonly table: TableSpec;
  /** One row (values in the table's `inputs` order) as one line of text, newline included. */
  encode(row: readonly LoadValue[]): string;
}

/** Creates the {@link RowEncoder} of a table; `base64` encodes `BLOB` inputs (default {@link encodeBase64}). */
export function createRowEncoder(table: TableSpec, base64: Base64Encoder = encodeBase64): RowEncoder {
  const blob = (value: LoadValue): string => {
    if (value === undefined || value === null) return '';
    const bytes = value as Uint8Array;
    return bytes.length === 0 ? DOUBLED : base64(bytes);
  };
  const encoders = table.inputs.map((input: LoadInput) => {
    switch (input.kind) {
      case 'text':
        return text;
      case 'date':
        return integer;
      case 'boolean':
        return boolean;
      case 'base64':
        return blob;
      default:
        return integer;
    }
  });
  const count = encoders.length;
  return {
    table,
    encode(row) {
      let line = (encoders[0] as (v: LoadValue) => string)(row[0]);
      for (let i = 1; i < count; i++) line += `,${(encoders[i] as (v: LoadValue) => string)(row[i])}`;
      return `${line}\n`;
    },
  };
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Default longest load line DuckDB accepts (and its read buffer size): 16 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * The `read_csv` call reading load-format text from `paths` (one path, or several read in order) with the
 * table's input types. `maxLineBytes` is the longest line accepted, also DuckDB's read buffer size (default
 * {@link DEFAULT_MAX_LINE_BYTES}): a record with a larger payload needs a larger value.
 */
export function loadReadCsv(
  table: TableSpec,
  paths: string | readonly string[],
  maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
): string {
  const list = typeof paths === 'string' ? sqlString(paths) : `[${paths.map(sqlString).join(', ')}]`;
  const columns = table.inputs.map((input) => `${sqlString(input.name)}: ${sqlString(input.csvType)}`).join(', ');
  return `read_csv(${list}, header = false, auto_detect = false, delim = ',', quote = chr(31), escape = chr(31), new_line = '\\n', allow_quoted_nulls = false, max_line_size = ${maxLineBytes}, buffer_size = ${maxLineBytes}, columns = {${columns}})`;
}

/**
 * The `SELECT` giving a table's documented columns from load-format text at `paths` (see {@link loadReadCsv} for
 * `maxLineBytes`); without `virtual`, only the stored columns (what an export writes).
 *
 * @example
 * ```ts
 * await connection.run(`CREATE TABLE messages AS ${tableLoadQuery(tableSpec('messages'), '/tmp/messages.csv')}`);
 * ```
 */
export function tableLoadQuery(
  table: TableSpec,
  paths: string | readonly string[],
  maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  virtual = true,
): string {
  const select = table.columns
    .filter((column) => column.virtual === undefined)
    .map((column) => `${column.expression ?? quoteIdentifier(column.name)} AS ${quoteIdentifier(column.name)}`)
    .join(', ');
  const stored = `SELECT ${select} FROM ${loadReadCsv(table, paths, maxLineBytes)}`;
  return virtual ? withVirtualColumns(table, stored) : stored;
}

/**
 * `SELECT *` over `stored` (a query or table expression giving the stored columns) plus the table's virtual
 * columns (`messages.payload_text`); `stored` itself when the table has none.
 */
export function withVirtualColumns(table: TableSpec, stored: string): string {
  const virtuals = table.columns.filter((column) => column.virtual !== undefined);
  if (virtuals.length === 0) return stored;
  const extra = virtuals.map((column) => `${column.virtual} AS ${quoteIdentifier(column.name)}`).join(', ');
  return `SELECT *, ${extra} FROM (${stored})`;
}

/**
 * A `SELECT` with the table's columns and types and no row (for a table no input filled, e.g. a dataset written
 * without `.ss` files); without `virtual`, only the stored columns.
 */
export function emptyTableQuery(table: TableSpec, virtual = true): string {
  const select = table.columns
    .filter((column) => virtual || column.virtual === undefined)
    .map((column) => `CAST(NULL AS ${column.type}) AS ${quoteIdentifier(column.name)}`)
    .join(', ');
  return `SELECT ${select} WHERE false`;
}

export { quoteIdentifier, sqlString };
