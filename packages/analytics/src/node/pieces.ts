/**
 * Parquet tables written in pieces while the inputs are still being read: each finished spool piece of a table
 * with small rows is copied to a Parquet piece by DuckDB (on its own threads, while JavaScript reads on), and the
 * pieces are joined into one file at the end ({@link mergeParquet}). Tables whose rows carry payloads are not
 * piecewise: they are copied once at the end, with the memory settings that keep that bounded.
 *
 * @internal
 * @module
 */
import { rename, rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableName, TableSpec } from '../tables/types.js';
import { runInternal } from './duckdb.js';
import { mergeParquet } from './parquet-merge.js';
import type { SpoolFile } from './spool.js';

/**
 * Rows per spool piece: one of DuckDB's default row groups, so pieces end on row group boundaries. The last
 * complete piece is still being copied when the reading ends: smaller pieces shorten that wait (measured: 245760
 * rows left about 0.2 s of copying after the read of the 1M-event trace, 122880 about half).
 */
export const PIECE_ROWS = 122880;

/** A table's pieces: whether they are copied as they come, and what was copied. */
interface TablePieces {
  readonly piecewise: boolean;
  readonly parts: string[];
}

/**
 * Copies finished spool pieces to Parquet pieces one at a time, in order, while the next ones are written (on
 * `connection` once DuckDB is open).
 * `statement(table, file, target)` is the `COPY` of one piece; `piecewise(table, file)` says whether a table (by
 * its first piece) is copied piecewise.
 */
export class PieceCopier {
  private readonly tables = new Map<TableName, TablePieces>();
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;
  private count = 0;
  private setting: string | undefined;

  constructor(
    private readonly connection: Promise<DuckDBConnection>,
    private readonly dir: string,
    private readonly piecewise: (table: TableSpec, file: SpoolFile) => boolean,
    private readonly statement: (table: TableSpec, file: SpoolFile, target: string) => string,
  ) {}

  /** A finished spool piece of `table`: queued for copying when the table is piecewise. */
  onPiece(table: TableSpec, file: SpoolFile): void {
    let state = this.tables.get(table.name);
    if (state === undefined) {
      state = { piecewise: this.piecewise(table, file), parts: [] };
      this.tables.set(table.name, state);
    }
    if (!state.piecewise) return;
    const target = `${this.dir}/${table.name}.part-${String(this.count++).padStart(4, '0')}.parquet`;
    state.parts.push(target);
    this.queue = this.queue.then(async () => {
      if (this.failure === undefined) {
        try {
          const connection = await this.connection;
          const setting = this.setting;
          this.setting = undefined;
          if (setting !== undefined) await runInternal(connection, setting);
          await runInternal(connection, this.statement(table, file, target));
          // Copied: its load text is not needed any more (less disk, less to remove at the end).
          await rm(file.path, { force: true });
        } catch (error) {
          this.failure = error;
        }
      }
    });
  }

  /**
   * Runs `sql` (a `SET`) before the next queued copy (if none is left, the caller runs it): the copies that remain
   * when the reading ends may use every thread.
   */
  setBeforeNext(sql: string): void {
    this.setting = sql;
  }

  /** Waits for the queued copies; throws the first failure. */
  async settle(): Promise<void> {
    await this.queue;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Whether `table` was copied piecewise (then {@link PieceCopier.finish} writes it). */
  isPiecewise(table: TableName): boolean {
    return this.tables.get(table)?.piecewise === true;
  }

  /** Joins the Parquet pieces of a piecewise table into `target` (after {@link PieceCopier.settle}). */
  async finish(table: TableName, target: string): Promise<void> {
    const parts = this.tables.get(table)?.parts ?? [];
    if (parts.length === 1) await rename(parts[0] as string, target);
    else await mergeParquet(parts, target);
  }
}
