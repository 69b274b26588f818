/**
 * How a table is described: its columns (name, SQL type, unit, nullability, meaning) and how its rows travel from
 * the readers to DuckDB (the load inputs: the values a scanner emits per row, and the SQL expression that turns
 * them into each column).
 *
 * @module
 */

/** Names of the tables (see {@link TABLES}). */
export type TableName = 'messages' | 'beacons' | 'events' | 'headers' | 'tracks' | 'files' | 'problems';

/**
 * How a value is written in a load row (CSV text read by DuckDB's `read_csv` (see `loadReadCsv`)):
 * `text` (quoted), `integer` (decimal digits, exact), `boolean`, `date` (`YYYY-MM-DD`), `base64` (bytes).
 */
export type LoadKind = 'text' | 'integer' | 'boolean' | 'date' | 'base64';

/** One value a scanner emits per row, in a table's load order. */
export interface LoadInput {
  /** Name of the CSV column (hidden inputs start with `_`). */
  readonly name: string;
  /** How the value is written. */
  readonly kind: LoadKind;
  /** DuckDB type `read_csv` reads the text as (`VARCHAR` for base64 and text). */
  readonly csvType: string;
}

/** One column of a table, as documented. */
export interface ColumnSpec {
  /** Column name (snake_case). */
  readonly name: string;
  /** DuckDB type (Parquet: the matching physical and logical type). */
  readonly type: string;
  /** Whether the column can be NULL. */
  readonly nullable: boolean;
  /** Unit of the values, when they have one (`bytes`, `ms since the Unix epoch`, `µs`, ...). */
  readonly unit?: string;
  /** What the column holds. */
  readonly description: string;
  /** SQL expression over the load inputs giving the column (default: the input of the same name). */
  readonly expression?: string;
  /**
   * For a column computed from the stored ones (not in the dataset's files; the views add it): the SQL expression
   * over the stored columns.
   */
  readonly virtual?: string;
}

/** A table: its columns, what one row is, and its load inputs. */
export interface TableSpec {
  /** Table name. */
  readonly name: TableName;
  /** The format whose files fill it (`any`: rows for every input file). */
  readonly format: 'ss' | 'moqtrace' | 'any';
  /** One row is ... */
  readonly row: string;
  /** Columns, in order. */
  readonly columns: readonly ColumnSpec[];
  /** Values a scanner emits per row, in order (the columns that are not expressions, plus hidden inputs). */
  readonly inputs: readonly LoadInput[];
}

/** A value of a load row: `undefined` and `null` are SQL NULL. */
export type LoadValue = string | number | bigint | boolean | Uint8Array | null | undefined;

const CSV_TYPES: Record<string, string> = {
  VARCHAR: 'VARCHAR',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  UTINYINT: 'UTINYINT',
  USMALLINT: 'USMALLINT',
  UINTEGER: 'UINTEGER',
  UBIGINT: 'UBIGINT',
  BIGINT: 'BIGINT',
};

function kindOf(type: string): LoadKind {
  switch (type) {
    case 'VARCHAR':
      return 'text';
    case 'BOOLEAN':
      return 'boolean';
    case 'DATE':
      return 'date';
    case 'BLOB':
      return 'base64';
    default:
      return 'integer';
  }
}

/** Options of {@link defineTable}'s columns: `hidden` inputs feed expressions only. */
export interface TableDefinition {
  name: TableName;
  format: TableSpec['format'];
  row: string;
  columns: ColumnSpec[];
  /** Inputs that are no column (used by expressions), as `[name, DuckDB type]`. */
  hidden?: [string, string][];
}

/**
 * Builds a {@link TableSpec}: every column without an expression is an input of the same name (a `BLOB` column
 * travels as base64 text and is decoded by `from_base64`), then the hidden inputs.
 *
 * @internal
 */
export function defineTable(definition: TableDefinition): TableSpec {
  const inputs: LoadInput[] = [];
  const columns = definition.columns.map((column) => {
    if (column.expression !== undefined || column.virtual !== undefined) return column;
    const kind = kindOf(column.type);
    inputs.push({
      name: column.name,
      kind,
      csvType: kind === 'base64' ? 'VARCHAR' : (CSV_TYPES[column.type] ?? 'VARCHAR'),
    });
    return kind === 'base64' ? { ...column, expression: `from_base64("${column.name}")` } : column;
  });
  for (const [name, type] of definition.hidden ?? []) inputs.push({ name, kind: kindOf(type), csvType: type });
  return Object.freeze({
    name: definition.name,
    format: definition.format,
    row: definition.row,
    columns: Object.freeze(columns),
    inputs: Object.freeze(inputs),
  });
}

/** Columns every table starts with: the input file and its date. */
export function fileColumns(): ColumnSpec[] {
  return [
    {
      name: 'file',
      type: 'VARCHAR',
      nullable: false,
      description: 'The input file, as it was named to the exporter (a path, or a name in the viewer).',
    },
    {
      name: 'file_date',
      type: 'DATE',
      nullable: true,
      unit: 'UTC day',
      description:
        "UTC day the recording started (`.ss`: the header's created-at time; `.moqtrace`: the first segment's startTime); the key of `--partition`. NULL when the file has no readable header.",
    },
  ];
}

/** A TIMESTAMP_MS expression over a ms input, NULL outside years 1970–9999 (the `.ss` range, spec §2). */
export function msTimestamp(input: string): string {
  return `CASE WHEN "${input}" <= 253402300799999 THEN epoch_ms("${input}"::BIGINT)::TIMESTAMP_MS END`;
}

/** A TIMESTAMP (µs) expression over a hidden µs input (the scanner leaves it NULL outside years 1–9999). */
export function usTimestamp(input: string): string {
  return `make_timestamp("${input}")`;
}
