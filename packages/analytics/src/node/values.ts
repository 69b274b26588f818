/**
 * DuckDB values as plain JS values for printing: integers as `bigint` (exact), timestamps and dates as DuckDB's
 * text, bytes as `Uint8Array`, lists and structs as arrays and objects.
 *
 * @module
 */

/** A value of a query result. */
export type QueryValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | QueryValue[]
  | { [key: string]: QueryValue };

/** A result column. */
export interface QueryColumn {
  /** Column name (deduplicated). */
  readonly name: string;
  /** SQL type as DuckDB prints it (`UBIGINT`, `TIMESTAMP_MS`, `STRUCT(...)[]`). */
  readonly type: string;
}

/** Converts one value of `@duckdb/node-api` (its value classes) to a {@link QueryValue}. */
export function toQueryValue(value: unknown): QueryValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'number':
    case 'bigint':
      return value;
    case 'undefined':
      return null;
    default:
      break;
  }
  if (value === null) return null;
  const object = value as Record<string, unknown>;
  if (object.bytes instanceof Uint8Array) return object.bytes; // BLOB (and BIT)
  if (Array.isArray(object.items)) return (object.items as unknown[]).map(toQueryValue); // LIST, ARRAY
  if (Array.isArray(object.entries)) {
    // MAP: entries of { key, value } → an object keyed by the key's text
    const out: { [key: string]: QueryValue } = {};
    for (const entry of object.entries as { key: unknown; value: unknown }[])
      out[String(entry.key)] = toQueryValue(entry.value);
    return out;
  }
  if (typeof object.entries === 'object' && object.entries !== null) {
    const out: { [key: string]: QueryValue } = {};
    for (const [key, v] of Object.entries(object.entries as Record<string, unknown>)) out[key] = toQueryValue(v);
    return out;
  }
  return String(value); // DATE, TIME, TIMESTAMP*, INTERVAL, DECIMAL, UUID, ...: DuckDB's own text
}
