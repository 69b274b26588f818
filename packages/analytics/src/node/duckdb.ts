/**
 * Loading DuckDB (`@duckdb/node-api`, an optional peer dependency) and running statements with errors mapped to
 * {@link AnalyticsError} codes.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { AnalyticsError } from '../errors.js';

/** Settings of an embedded DuckDB. */
export interface DuckDBSettings {
  /** Worker threads (default 2). */
  threads?: number;
  /** DuckDB's memory limit, e.g. `'256MB'` (default `'512MB'`); beyond it DuckDB spills to `tempDirectory`. */
  memoryLimit?: string;
  /** Folder for DuckDB's spill files (default: DuckDB's own). */
  tempDirectory?: string;
}

/** Default DuckDB memory limit. */
export const DEFAULT_MEMORY_LIMIT = '512MB';

type NodeApi = typeof import('@duckdb/node-api');

/**
 * Loads `@duckdb/node-api`, or fails with `NOT_AVAILABLE` saying how to install it. It is a CommonJS package:
 * `require` loads it about 100 ms of CPU faster than `import()`, which first scans every module of it for its
 * export names (cjs-module-lexer), on the path of every export and query.
 */
export async function loadNodeApi(): Promise<NodeApi> {
  try {
    return createRequire(import.meta.url)('@duckdb/node-api') as NodeApi;
  } catch (error) {
    throw new AnalyticsError(
      'NOT_AVAILABLE',
      'SQL and Parquet need DuckDB: install the optional peer dependency @duckdb/node-api (npm i @duckdb/node-api@1.5.6-r.1)',
      { cause: error },
    );
  }
}

/** An open DuckDB instance and one connection on it. */
export interface Duck {
  /** The instance. */
  readonly instance: DuckDBInstance;
  /** A connection. */
  readonly connection: DuckDBConnection;
  /** Closes the connection and the instance. */
  close(): void;
}

/** Opens an in-memory DuckDB with `settings`. */
export async function openDuck(settings: DuckDBSettings = {}): Promise<Duck> {
  const api = await loadNodeApi();
  const options: Record<string, string> = {
    threads: String(settings.threads ?? 2),
    memory_limit: settings.memoryLimit ?? DEFAULT_MEMORY_LIMIT,
  };
  if (settings.tempDirectory !== undefined) options.temp_directory = settings.tempDirectory;
  let instance: DuckDBInstance;
  try {
    instance = await api.DuckDBInstance.create(':memory:', options);
  } catch (error) {
    throw new AnalyticsError('INVALID_ARGUMENT', `DuckDB refused its settings: ${messageOf(error)}`, { cause: error });
  }
  const connection = await instance.connect();
  return {
    instance,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The message of an error (DuckDB's message without a trailing newline). */
export function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}

/** Runs a statement the package built itself; a failure is `IO_ERROR` (a file DuckDB could not read or write). */
export async function runInternal(connection: DuckDBConnection, sql: string): Promise<void> {
  try {
    await connection.run(sql);
  } catch (error) {
    throw new AnalyticsError('IO_ERROR', messageOf(error), { cause: error });
  }
}
