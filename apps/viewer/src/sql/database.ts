/**
 * The SQL tab's database: duckdb-wasm (its worker and `.wasm` are assets of this build, served from the page's
 * origin), loaded on first use, with one table per analytics table filled from the open recordings. Each recording
 * is scanned by a worker (`tables-worker.ts`) that posts its rows in batches; the batches are registered as files
 * and read with the tables' load query, the same one `xtrace export` runs in Node.
 */
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { emptyTableQuery, TABLES, type TableName, tableLoadQuery } from '@x/analytics';
import type { FromTablesWorker } from './protocol.js';

/** A loaded database: the tables of the recordings it was built from. */
export interface SqlDatabase {
  /** Rows per table. */
  readonly rows: ReadonlyMap<TableName, number>;
  /** Runs SQL; the result as column names and rows of display text. */
  query(sql: string): Promise<{ columns: string[]; rows: string[][] }>;
  /** Frees the database and its worker. */
  close(): Promise<void>;
}

/** A recording to load: its bytes and its `file` column value. */
export interface SqlSource {
  name: string;
  blob: Blob;
}

async function loadDuckDb(): Promise<{ db: AsyncDuckDB; connection: AsyncDuckDBConnection }> {
  const duckdb = await import('@duckdb/duckdb-wasm');
  const workerUrl = (await import('@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url')).default;
  const wasmUrl = (await import('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url')).default;
  const worker = new Worker(workerUrl);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(wasmUrl);
  return { db, connection: await db.connect() };
}

function scan(source: SqlSource, onBatch: (table: TableName, text: string, rows: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./tables-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<FromTablesWorker>) => {
      const message = event.data;
      if (message.kind === 'batch') onBatch(message.table, message.text, message.rows);
      else {
        worker.terminate();
        if (message.kind === 'done') resolve();
        else reject(new Error(message.message));
      }
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(event.message || 'the table worker stopped'));
    };
    worker.postMessage({ file: source.blob, name: source.name });
  });
}

/** Display text of a 128-bit integer or decimal (Arrow JS gives its words), exact. */
function decimalText(words: Uint32Array, scale: number): string {
  let n = 0n;
  for (let i = words.length - 1; i >= 0; i--) n = (n << 32n) | BigInt(words[i] as number);
  if (n >= 1n << 127n) n -= 1n << 128n; // two's complement
  if (scale === 0) return n.toString();
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Display text of a result value (Arrow JS values: bigint, number, string, boolean, Date, bytes, vectors). */
function text(value: unknown, type: string, scale = 0): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint32Array) return decimalText(value, scale);
  if (typeof value === 'number' && /^Timestamp/.test(type)) return new Date(value).toISOString();
  if (typeof value === 'number' && /^Date/.test(type)) return new Date(value).toISOString().slice(0, 10);
  if (value instanceof Uint8Array) return Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('');
  if (typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
    return JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return String(value);
}

/**
 * Loads duckdb-wasm and fills its tables from `sources` (every analytics table exists, empty when no recording
 * fills it).
 */
export async function openSqlDatabase(sources: readonly SqlSource[]): Promise<SqlDatabase> {
  const { db, connection } = await loadDuckDb();
  const files = new Map<TableName, string[]>();
  const rows = new Map<TableName, number>();
  let n = 0;
  for (const source of sources) {
    await scan(source, (table, body, count) => {
      const name = `${table}-${n++}.csv`;
      void db.registerFileText(name, body);
      files.set(table, [...(files.get(table) ?? []), name]);
      rows.set(table, (rows.get(table) ?? 0) + count);
    });
  }
  for (const table of TABLES) {
    const list = files.get(table.name) ?? [];
    const select = list.length === 0 ? emptyTableQuery(table) : tableLoadQuery(table, list);
    await connection.query(`CREATE TABLE "${table.name}" AS ${select}`);
    rows.set(table.name, rows.get(table.name) ?? 0);
  }
  return {
    rows,
    async query(sql) {
      const result = await connection.query(sql);
      const fields = result.schema.fields;
      const columns = fields.map((f) => f.name);
      const out: string[][] = [];
      for (let r = 0; r < result.numRows; r++) {
        out.push(
          fields.map((f, c) =>
            text(result.getChildAt(c)?.get(r), String(f.type), (f.type as { scale?: number }).scale ?? 0),
          ),
        );
      }
      return { columns, rows: out };
    },
    async close() {
      await connection.close();
      await db.terminate();
    },
  };
}
