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
    return notAvailable(error);
  }
}

/**
 * What the export needs of a DuckDB connection: running statements (no result read) and closing. Both the
 * connections of `@duckdb/node-api` and those of {@link openLeanDuck} are such.
 */
export interface SqlConnection {
  /** Runs `sql` (one or more statements). */
  run(sql: string): Promise<unknown>;
  /** Closes the connection. */
  closeSync(): void;
}

/** The functions of DuckDB's native bindings that {@link openLeanDuck} uses (`@duckdb/node-bindings`). */
interface Bindings {
  create_config(): unknown;
  set_config(config: unknown, name: string, value: string): void;
  open(path: string, config: unknown): Promise<unknown>;
  connect(database: unknown): Promise<unknown>;
  query(connection: unknown, sql: string): Promise<unknown>;
  disconnect_sync(connection: unknown): void;
  close_sync(database: unknown): void;
}

/**
 * Loads DuckDB's native bindings, the package under `@duckdb/node-api` (which depends on its exact version), or
 * fails with `NOT_AVAILABLE` like {@link loadNodeApi}. `@duckdb/node-api` itself is not loaded: its 187 modules
 * cost about 45 ms of CPU on the JavaScript thread before anything is read, a seventh of the export of a 20 MB
 * `.ss` file; an export only runs statements.
 */
export function loadBindings(): Bindings {
  const require = createRequire(import.meta.url);
  let api: string;
  try {
    api = require.resolve('@duckdb/node-api');
  } catch (error) {
    return notAvailable(error);
  }
  try {
    return createRequire(api)('@duckdb/node-bindings') as Bindings;
  } catch (error) {
    return notAvailable(error);
  }
}

function notAvailable(cause: unknown): never {
  throw new AnalyticsError(
    'NOT_AVAILABLE',
    'SQL and Parquet need DuckDB: install the optional peer dependency @duckdb/node-api (npm i @duckdb/node-api@1.5.6-r.1)',
    { cause },
  );
}

/** A DuckDB instance opened with {@link openLeanDuck}: statements only, no results read. */
export interface LeanDuck {
  /** A connection. */
  readonly connection: SqlConnection;
  /** Another connection (for statements at the same time). */
  connect(): Promise<SqlConnection>;
  /** Closes the first connection and the instance (close the others before). */
  close(): void;
}

/**
 * Opens an in-memory DuckDB with `settings` through the native bindings (see {@link loadBindings}): the same
 * configuration as {@link openDuck} (`@duckdb/node-api` also sets `duckdb_api`), for statements whose results are
 * not read.
 */
export async function openLeanDuck(settings: DuckDBSettings = {}): Promise<LeanDuck> {
  const bindings = loadBindings();
  const config = bindings.create_config();
  let database: unknown;
  try {
    bindings.set_config(config, 'duckdb_api', 'node-neo-api');
    bindings.set_config(config, 'threads', String(settings.threads ?? 2));
    bindings.set_config(config, 'memory_limit', settings.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
    if (settings.tempDirectory !== undefined) bindings.set_config(config, 'temp_directory', settings.tempDirectory);
    database = await bindings.open(':memory:', config);
  } catch (error) {
    throw new AnalyticsError('INVALID_ARGUMENT', `DuckDB refused its settings: ${messageOf(error)}`, { cause: error });
  }
  const connect = async (): Promise<SqlConnection> => {
    const handle = await bindings.connect(database);
    return {
      run: (sql) => bindings.query(handle, sql),
      closeSync: () => bindings.disconnect_sync(handle),
    };
  };
  const connection = await connect();
  return {
    connection,
    connect,
    close() {
      connection.closeSync();
      bindings.close_sync(database);
    },
  };
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
export async function runInternal(connection: SqlConnection, sql: string): Promise<void> {
  try {
    await connection.run(sql);
  } catch (error) {
    throw new AnalyticsError('IO_ERROR', messageOf(error), { cause: error });
  }
}
