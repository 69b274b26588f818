/**
 * Every table, in the order exports write them.
 *
 * @module
 */
import { FILES, PROBLEMS } from './common.js';
import { EVENTS, HEADERS, TRACKS } from './moqtrace.js';
import { BEACONS, MESSAGES } from './ss.js';
import type { TableName, TableSpec } from './types.js';

/**
 * The tables of the analytics schema: `messages`, `beacons` (`.ss`), `events`, `headers`, `tracks`
 * (`.moqtrace`), `files` and `problems` (every input).
 *
 * @example
 * ```ts
 * for (const table of TABLES) console.log(table.name, table.columns.map((c) => `${c.name} ${c.type}`).join(', '));
 * ```
 */
export const TABLES: readonly TableSpec[] = Object.freeze([
  MESSAGES,
  BEACONS,
  EVENTS,
  HEADERS,
  TRACKS,
  FILES,
  PROBLEMS,
]);

/** Names of every table, in {@link TABLES} order. */
export const TABLE_NAMES: readonly TableName[] = Object.freeze(TABLES.map((table) => table.name));

/**
 * The table called `name`.
 *
 * @example
 * ```ts
 * tableSpec('messages').columns.find((c) => c.name === 'seq_no')?.type; // 'UBIGINT'
 * ```
 */
export function tableSpec(name: TableName): TableSpec {
  const table = TABLES.find((t) => t.name === name);
  if (!table) throw new TypeError(`unknown table ${String(name)}`);
  return table;
}

export { BEACONS, EVENTS, FILES, HEADERS, MESSAGES, PROBLEMS, TRACKS };
