/**
 * Parquet tables written in pieces while the inputs are still being read: each finished spool piece of a table
 * with small rows is copied to a Parquet piece by DuckDB (on its own thread, while JavaScript reads on), and the
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

/** A piece waiting for its copy. */
interface PieceCopy {
  readonly table: TableSpec;
  readonly file: SpoolFile;
  readonly target: string;
}

/**
 * Copies finished spool pieces to Parquet pieces while the next ones are written: one copy at a time while the
 * inputs are read (one DuckDB thread: JavaScript uses the other core), then, once they are read
 * ({@link PieceCopier.widen}), as many at a time as DuckDB has threads, each on its own connection and thread
 * (measured: two one-thread copies of 122880-row pieces at once take about half the time of two copies one after
 * the other with two threads each, which barely run faster than with one).
 * `connect()` gives a connection (the first one once DuckDB is open); `statement(table, file, target)` is the
 * `COPY` of one piece; `piecewise(table, file)` says whether a table (by its first piece) is copied piecewise.
 */
export class PieceCopier {
  private readonly tables = new Map<TableName, TablePieces>();
  private readonly pending: PieceCopy[] = [];
  private readonly active = new Set<Promise<void>>();
  /** Connections not copying now. */
  private readonly idle: DuckDBConnection[] = [];
  private limit = 1;
  private failure: unknown;
  private count = 0;

  constructor(
    private readonly connect: () => Promise<DuckDBConnection>,
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
    this.pending.push({ table, file, target });
    this.pump();
  }

  /** Lets `copies` pieces be copied at a time from now on (once the inputs are read). */
  widen(copies: number): void {
    this.limit = Math.max(1, copies);
    this.pump();
  }

  /** Starts queued copies, in order, up to the limit. */
  private pump(): void {
    while (this.active.size < this.limit && this.pending.length > 0) {
      const piece = this.pending.shift() as PieceCopy;
      const copy = this.copy(piece).finally(() => {
        this.active.delete(copy);
        this.pump();
      });
      this.active.add(copy);
    }
  }

  private async copy(piece: PieceCopy): Promise<void> {
    if (this.failure !== undefined) return;
    let connection: DuckDBConnection | undefined;
    try {
      connection = this.idle.pop();
      connection ??= await this.connect();
      await runInternal(connection, this.statement(piece.table, piece.file, piece.target));
      // Copied: its load text is not needed any more (less disk, less to remove at the end).
      await rm(piece.file.path, { force: true });
    } catch (error) {
      this.failure ??= error;
    } finally {
      if (connection !== undefined) this.idle.push(connection);
    }
  }

  /** Waits for the queued copies; throws the first failure. */
  async settle(): Promise<void> {
    while (this.active.size > 0) await Promise.all(this.active);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Closes the extra connections made for copies at the same time (the first one belongs to the caller). */
  closeExtra(first: DuckDBConnection): void {
    for (const connection of this.idle.splice(0)) if (connection !== first) connection.closeSync();
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
