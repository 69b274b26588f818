/**
 * Projection pushdown for SQL over recordings: which tables and columns a query uses, found with DuckDB's own
 * parser (`json_serialize_sql`, the JSON extension built into DuckDB) by walking the statement's syntax tree, and
 * the load inputs that gives per table. Anything the walk cannot prove (a `*`, a whole-row reference, a table
 * function, a statement that is not one plain `SELECT`, a parse error) means "everything", as without pruning.
 *
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { NeededInputs } from '../scan/sink.js';
import { TABLE_NAMES, TABLES } from '../tables/index.js';
import type { TableName, TableSpec } from '../tables/types.js';

/** What a query uses: `all`, or per referenced table the names of its columns the query may reference. */
export type QueryNeeds = 'all' | ReadonlyMap<TableName, ReadonlySet<string>>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const OUR_TABLES: ReadonlySet<string> = new Set(TABLE_NAMES);
/** Table references that read no table of ours and hide no column. */
const PLAIN_REFS = new Set(['BASE_TABLE', 'JOIN', 'SUBQUERY', 'EMPTY', 'EXPRESSION_LIST']);
/** Table references that are no plain table or join: a table function, `DESCRIBE`/`SUMMARIZE`, `PIVOT`, ... */
const OTHER_REFS = new Set(['TABLE_FUNCTION', 'SHOW_REF', 'PIVOT', 'COLUMN_DATA', 'DELIM_GET', 'INVALID']);

function isObject(value: Json): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function lower(value: Json): string {
  return typeof value === 'string' ? value.toLowerCase() : '';
}

/** What the walk of one statement found. */
interface Found {
  /** Something that makes pruning unsafe was seen. */
  all: boolean;
  /** Our tables read (lower case). */
  tables: Set<string>;
  /** Every part of every column reference and USING column (lower case). */
  names: Set<string>;
  /** Last parts of column references (lower case): a table name or alias among them is a whole-row reference. */
  lastParts: Set<string>;
  /** Names of relations: tables, aliases, CTEs (lower case). */
  relations: Set<string>;
  /** CTE names (lower case). */
  ctes: Set<string>;
}

function walk(node: Json, found: Found, valuesStar: boolean): void {
  if (found.all) return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, found, valuesStar);
    return;
  }
  if (!isObject(node)) return;
  const kind = node.class ?? node.type;
  if (kind === 'STAR') {
    // `SELECT * FROM (VALUES ...)`, which DuckDB writes for `(VALUES ...) t(a, b)`, shows only the values.
    if (!valuesStar) found.all = true;
    return;
  }
  if (kind === 'POSITIONAL_REFERENCE') {
    found.all = true;
    return;
  }
  if (kind === 'COLUMN_REF') {
    const parts = Array.isArray(node.column_names) ? node.column_names.map(lower) : [];
    if (parts.length === 0) found.all = true;
    for (const part of parts) found.names.add(part);
    found.lastParts.add(parts[parts.length - 1] ?? '');
    return;
  }
  const type = typeof node.type === 'string' ? node.type : '';
  if (OTHER_REFS.has(type)) {
    found.all = true;
    return;
  }
  if (type === 'BASE_TABLE') {
    const name = lower(node.table_name);
    const schema = lower(node.schema_name);
    const catalog = lower(node.catalog_name);
    // Only our views (any schema spelling of them) and CTEs: a system view (information_schema, duckdb_views)
    // would show the views' definitions.
    if ((schema !== '' && schema !== 'main') || (catalog !== '' && catalog !== 'memory')) found.all = true;
    else if (OUR_TABLES.has(name)) found.tables.add(name);
    else if (!found.ctes.has(name)) found.all = true;
    // `FROM events AS e(a, b)` renames columns by position.
    if (Array.isArray(node.column_name_alias) && node.column_name_alias.length > 0) found.all = true;
    found.relations.add(name);
    if (node.alias) found.relations.add(lower(node.alias));
    return;
  }
  if (type === 'JOIN') {
    if (node.ref_type === 'NATURAL') found.all = true;
    if (Array.isArray(node.using_columns)) for (const column of node.using_columns) found.names.add(lower(column));
  }
  if (PLAIN_REFS.has(type) && node.alias) found.relations.add(lower(node.alias));
  if (isObject(node.cte_map) && Array.isArray(node.cte_map.map)) {
    for (const entry of node.cte_map.map) {
      if (isObject(entry)) {
        found.ctes.add(lower(entry.key));
        found.relations.add(lower(entry.key));
      }
    }
  }
  const values = type === 'SELECT_NODE' && isObject(node.from_table) && node.from_table.type === 'EXPRESSION_LIST';
  for (const [key, value] of Object.entries(node)) {
    if (key === 'cte_map') continue;
    walk(value, found, values && key === 'select_list');
  }
  if (isObject(node.cte_map)) walk(node.cte_map, found, false);
}

/**
 * What a statement uses, from the output of `json_serialize_sql` (a JSON text): `all` unless it is one `SELECT`
 * whose every column reference is named (no `*`, `COLUMNS(...)`, `#1`, whole-row reference, `NATURAL JOIN`,
 * positional column aliases) and whose every table is one of ours or a CTE.
 */
export function needsOfSerialized(serialized: string): QueryNeeds {
  let tree: Json;
  try {
    tree = JSON.parse(serialized) as Json;
  } catch {
    return 'all';
  }
  if (!isObject(tree) || tree.error !== false || !Array.isArray(tree.statements) || tree.statements.length !== 1) {
    return 'all';
  }
  const found: Found = {
    all: false,
    tables: new Set(),
    names: new Set(),
    lastParts: new Set(),
    relations: new Set(),
    ctes: new Set(),
  };
  // CTE names first: a CTE may be used before the walk reaches its definition.
  collectCtes(tree.statements, found.ctes);
  walk(tree.statements, found, false);
  if (found.all) return 'all';
  for (const part of found.lastParts) if (found.relations.has(part) || OUR_TABLES.has(part)) return 'all';
  const needs = new Map<TableName, ReadonlySet<string>>();
  for (const table of TABLES) {
    if (!found.tables.has(table.name)) continue;
    needs.set(table.name, new Set(table.columns.map((c) => c.name).filter((name) => found.names.has(name))));
  }
  return needs;
}

function collectCtes(node: Json, ctes: Set<string>): void {
  if (Array.isArray(node)) for (const item of node) collectCtes(item, ctes);
  else if (isObject(node)) {
    if (isObject(node.cte_map) && Array.isArray(node.cte_map.map)) {
      for (const entry of node.cte_map.map) if (isObject(entry)) ctes.add(lower(entry.key));
    }
    for (const value of Object.values(node)) collectCtes(value, ctes);
  }
}

/** What `sql` uses, asking DuckDB's parser on `connection`; `all` when it cannot tell. */
export async function queryNeeds(connection: DuckDBConnection, sql: string): Promise<QueryNeeds> {
  try {
    const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    const value = reader.getRows()[0]?.[0];
    return typeof value === 'string' ? needsOfSerialized(value) : 'all';
  } catch {
    return 'all';
  }
}

/** Names in double quotes in a SQL expression of the schema. */
function quotedNames(expression: string): string[] {
  return [...expression.matchAll(/"([^"]+)"/g)].map((m) => m[1] as string);
}

/** The load inputs of a table that give `columns` (virtual columns through the stored columns they read). */
export function inputsOf(table: TableSpec, columns: ReadonlySet<string>): Set<string> {
  const inputNames = new Set(table.inputs.map((input) => input.name));
  const stored = new Set<string>();
  for (const column of table.columns) {
    if (!columns.has(column.name)) continue;
    if (column.virtual !== undefined) for (const name of quotedNames(column.virtual)) stored.add(name);
    else stored.add(column.name);
  }
  const inputs = new Set<string>();
  for (const column of table.columns) {
    if (!stored.has(column.name) || column.virtual !== undefined) continue;
    const from = column.expression === undefined ? [column.name] : quotedNames(column.expression);
    for (const name of from) if (inputNames.has(name)) inputs.add(name);
  }
  return inputs;
}

/** The load inputs `needs` asks for, per table; `undefined` for `all`. */
export function neededInputs(needs: QueryNeeds): NeededInputs | undefined {
  if (needs === 'all') return undefined;
  const map = new Map<TableName, ReadonlySet<string>>();
  for (const table of TABLES) {
    const columns = needs.get(table.name);
    if (columns !== undefined) map.set(table.name, inputsOf(table, columns));
  }
  return map;
}

/** Whether what was loaded (`loaded`) covers what a query needs (`needs`). */
export function covers(loaded: QueryNeeds, needs: QueryNeeds): boolean {
  if (loaded === 'all') return true;
  if (needs === 'all') return false;
  for (const [table, columns] of needs) {
    const have = loaded.get(table);
    if (have === undefined) return false;
    for (const column of columns) if (!have.has(column)) return false;
  }
  return true;
}

/** Both needs together. */
export function unionNeeds(a: QueryNeeds, b: QueryNeeds): QueryNeeds {
  if (a === 'all' || b === 'all') return 'all';
  const map = new Map<TableName, ReadonlySet<string>>();
  for (const table of TABLE_NAMES) {
    const x = a.get(table);
    const y = b.get(table);
    if (x !== undefined || y !== undefined) map.set(table, new Set([...(x ?? []), ...(y ?? [])]));
  }
  return map;
}
