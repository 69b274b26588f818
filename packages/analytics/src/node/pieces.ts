/**
 * Parquet tables written in pieces while the inputs are still being read: each finished spool piece of a table
 * with small rows is copied to a Parquet piece by DuckDB (on its own thread, while JavaScript reads on), and the
 * pieces are joined into one file as they come ({@link ParquetJoiner}). Tables whose rows carry payloads are not
 * piecewise: they are copied once at the end, with the memory settings that keep that bounded.
 *
 * @internal
 * @module
 */
import { rename, rm } from 'node:fs/promises';
import type { TableName, TableSpec } from '../tables/types.js';
import { runInternal, type SqlConnection } from './duckdb.js';
import { ParquetJoiner } from './parquet-merge.js';
import type { SpoolFile } from './spool.js';

/**
 * Rows per spool piece: one of DuckDB's default row groups, so pieces end on row group boundaries. The last
 * complete piece is still being copied when the reading ends: smaller pieces shorten that wait (measured: 245760
 * rows left about 0.2 s of copying after the read of the 1M-event trace, 122880 about half).
 */
export const PIECE_ROWS = 122880;

/**
 * Rows of a table's first piece: DuckDB starts copying sooner (its core idles until the first piece is written;
 * measured on the 1M-event trace, in process: the first copy began at 0.24–0.27 s with a whole piece, 0.18–0.24 s
 * with a quarter).
 */
export const FIRST_PIECE_ROWS = PIECE_ROWS / 4;

/**
 * A table's pieces: whether they are copied as they come, what was copied, and the joining of the copies (in
 * order, each as soon as it and the ones before are copied; from the second one on: a table of one piece is
 * renamed).
 */
interface TablePieces {
  readonly piecewise: boolean;
  readonly parts: string[];
  joined: Promise<void>;
  joiner: ParquetJoiner | undefined;
}

/** A piece waiting for its copy. */
interface PieceCopy {
  readonly table: TableSpec;
  readonly file: SpoolFile;
  readonly target: string;
  /** Called when the copy ended (or was skipped after a failure). */
  readonly ended: () => void;
}

/**
 * Copies finished spool pieces to Parquet pieces while the next ones are written: one copy at a time while the
 * inputs are read (one DuckDB thread: JavaScript uses the other core), then, once they are read
 * ({@link PieceCopier.widen}), as many at a time as DuckDB has threads, each on its own connection and thread
 * (measured on the 1M-event trace: two one-thread copies at once end in about the time of one; two threads on one
 * copy were slower than one: the eight `events` pieces one after the other took 1.6–1.9 s with two, 1.2–1.3 s with
 * one, load 2.7).
 * The copies of a table are joined into its file (`target(table)`) while the next ones are copied, so that only
 * the footer is left at the end ({@link PieceCopier.finish}).
 * `connect()` gives a connection (the first one once DuckDB is open); `statement(table, file, target)` is the
 * `COPY` of one piece; `piecewise(table, file)` says whether a table (by its first piece) is copied piecewise.
 */
export class PieceCopier {
  private readonly tables = new Map<TableName, TablePieces>();
  private readonly pending: PieceCopy[] = [];
  private readonly active = new Set<Promise<void>>();
  /** Connections not copying now. */
  private readonly idle: SqlConnection[] = [];
  private limit = 1;
  private failure: unknown;
  private count = 0;

  constructor(
    private readonly connect: () => Promise<SqlConnection>,
    private readonly dir: string,
    private readonly piecewise: (table: TableSpec, file: SpoolFile) => boolean,
    private readonly statement: (table: TableSpec, file: SpoolFile, target: string) => string,
    private readonly target: (table: TableName) => string,
  ) {}

  /** A finished spool piece of `table`: queued for copying when the table is piecewise. */
  onPiece(table: TableSpec, file: SpoolFile): void {
    let state = this.tables.get(table.name);
    if (state === undefined) {
      state = { piecewise: this.piecewise(table, file), parts: [], joined: Promise.resolve(), joiner: undefined };
      this.tables.set(table.name, state);
    }
    if (!state.piecewise) return;
    const target = `${this.dir}/${table.name}.part-${String(this.count++).padStart(4, '0')}.parquet`;
    const index = state.parts.push(target) - 1;
    const copied = new Promise<void>((ended) => this.pending.push({ table, file, target, ended }));
    const pieces = state;
    state.joined = state.joined.then(async () => {
      await copied;
      if (index > 0 && this.failure === undefined) await this.join(table.name, pieces, index);
    });
    this.pump();
  }

  /** Appends copied piece `index` (not the first) of a table to its file; the first one too with the second. */
  private async join(table: TableName, state: TablePieces, index: number): Promise<void> {
    try {
      if (state.joiner === undefined) {
        state.joiner = await ParquetJoiner.create(this.target(table));
        await this.append(state.joiner, state.parts[0] as string);
      }
      await this.append(state.joiner, state.parts[index] as string);
    } catch (error) {
      this.failure ??= error;
    }
  }

  private async append(joiner: ParquetJoiner, part: string): Promise<void> {
    await joiner.add(part);
    await rm(part, { force: true });
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
    if (this.failure !== undefined) {
      piece.ended();
      return;
    }
    let connection: SqlConnection | undefined;
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
      piece.ended();
    }
  }

  /** Waits for the queued copies; throws the first failure. */
  async settle(): Promise<void> {
    while (this.active.size > 0) await Promise.all(this.active);
    await Promise.all([...this.tables.values()].map((state) => state.joined));
    if (this.failure !== undefined) throw this.failure;
  }

  /** Closes the extra connections made for copies at the same time (the first one belongs to the caller). */
  closeExtra(first: SqlConnection): void {
    for (const connection of this.idle.splice(0)) if (connection !== first) connection.closeSync();
  }

  /** Whether `table` was copied piecewise (then {@link PieceCopier.finish} writes it). */
  isPiecewise(table: TableName): boolean {
    return this.tables.get(table)?.piecewise === true;
  }

  /** Finishes the file of a piecewise table at `target(table)` (after {@link PieceCopier.settle}). */
  async finish(table: TableName): Promise<void> {
    const state = this.tables.get(table);
    if (state?.joiner !== undefined) await state.joiner.finish();
    else if (state?.parts.length === 1) await rename(state.parts[0] as string, this.target(table));
  }

  /** Closes the files being joined (after a failure). */
  async close(): Promise<void> {
    for (const state of this.tables.values()) await state.joiner?.close();
  }
}
