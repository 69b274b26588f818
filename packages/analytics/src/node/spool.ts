/**
 * Spools: where load-format text goes on its way to DuckDB: a temporary file per table, written with one write in
 * flight (memory: two 320 KiB buffers per table), that a `COPY` reads once every input was read. (Measured: feeding
 * DuckDB through a named pipe while reading, or inserting 32 MiB pieces while the next is written, was slower on
 * two cores than one parallel `read_csv` of the whole file at the end.)
 *
 * @module
 */
import { type FileHandle, open } from 'node:fs/promises';
import { AnalyticsError } from '../errors.js';
import { LoadBuffer, type RowWriter, type Utf8Writer } from '../load-buffer.js';
import type { LoadValue } from '../tables/types.js';

/** Bytes buffered before a write. */
const CHUNK = 256 * 1024;

const utf8Write = Buffer.prototype.utf8Write;
/** Node's UTF-8 writer (`Buffer#utf8Write`: a string straight into the bytes, without a copy). */
export const nodeUtf8: Utf8Writer = (text, bytes, at) => utf8Write.call(bytes, text, at);
/** Size of the two buffers of a spool: a chunk and room for the row that completes it. */
const BUFFER = CHUNK + CHUNK / 4;
/** Largest buffer kept for the next rows. */
const KEPT = 4 * BUFFER;

/** A destination of load-format rows. */
export interface Spool {
  /** Path of the (last) file. */
  readonly path: string;
  /** Lines added so far. */
  readonly rows: number;
  /** Adds one row, written by `write`. */
  add(write: RowWriter, row: readonly LoadValue[]): void;
  /** Where a row may also be written directly: at the end of `buffer`, then {@link Spool.added} is called. */
  readonly buffer: LoadBuffer;
  /** Counts the row written directly into `buffer` from byte `start` (its length before the row) to its end. */
  added(start: number): void;
  /** Writes the buffered bytes when they reached 256 KiB (or always with `all`); resolves when it may continue. */
  drain(all?: boolean): Promise<void>;
  /** Writes what is left and closes the file. */
  close(): Promise<void>;
  /** Closes without writing what is left (after a failure). */
  abort(): Promise<void>;
}

/** A finished spool file: its path, rows and its longest line in bytes. */
export interface SpoolFile {
  /** Path. */
  readonly path: string;
  /** Lines in it. */
  readonly rows: number;
  /** Its longest line, in bytes. */
  readonly longest: number;
  /** Bytes in it. */
  readonly bytes: number;
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'w');
  } catch (error) {
    throw new AnalyticsError('IO_ERROR', `cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A spool over the temporary file `base-000.csv`, passed to `onFile` by {@link Spool.close}. Rows are written into
 * one of two buffers while the other one is being written to the file.
 */
export class FileSpool implements Spool {
  rows = 0;
  private fileRows = 0;
  private longest = 0;
  private bytes = 0;
  readonly buffer = new LoadBuffer(BUFFER, nodeUtf8);
  /** The other buffer (free, or being written while `inflight`). */
  private spare: Uint8Array = new Uint8Array(BUFFER);
  private index = 0;
  private handle: FileHandle | undefined;
  private inflight: Promise<void> | undefined;
  private closed = false;
  path: string;

  /** Where the row that completed a piece ends in the buffer (`-1`: no piece completed since the last drain). */
  private cut = -1;
  /** Rows written after `cut`. */
  private afterCut = 0;
  /** Longest line after `cut`. */
  private afterLongest = 0;

  /**
   * @param base - path of the files without `-NNN.csv`
   * @param onFile - receives each finished file
   * @param pieceRows - rows per file: a file is finished (and handed to `onFile`) every this many rows, so that
   *   DuckDB can work on it while the next one is written (default: one file)
   * @param firstRows - rows of the first file (default `pieceRows`): a smaller first piece gets DuckDB going sooner
   */
  constructor(
    private readonly base: string,
    private readonly onFile: (file: SpoolFile) => void,
    private readonly pieceRows = Number.POSITIVE_INFINITY,
    private readonly firstRows = pieceRows,
  ) {
    this.path = this.nextPath();
  }

  private nextPath(): string {
    return `${this.base}-${String(this.index++).padStart(3, '0')}.csv`;
  }

  add(write: RowWriter, row: readonly LoadValue[]): void {
    const start = this.buffer.length;
    write(row, this.buffer);
    this.added(start);
  }

  added(start: number): void {
    const buffer = this.buffer;
    const size = buffer.length - start;
    this.rows++;
    if (this.cut >= 0) {
      // A later piece: its longest line is counted when it becomes the current file.
      this.afterCut++;
      if (size > this.afterLongest) this.afterLongest = size;
      return;
    }
    if (size > this.longest) this.longest = size;
    // The first file is number 0 (`index` is the next one's).
    if (++this.fileRows === (this.index === 1 ? this.firstRows : this.pieceRows)) this.cut = buffer.length;
  }

  async drain(all = false): Promise<void> {
    if (this.cut >= 0) await this.finishPiece();
    const length = this.buffer.length;
    if (length === 0 || (!all && length < CHUNK)) return;
    if (this.inflight) await this.inflight;
    this.handle ??= await openFile(this.path);
    const filled = this.buffer.swap(this.spare);
    // A buffer grown for a batch of rows is kept (a batch of 1M-event trace rows is about 450 KiB: growing and
    // dropping a buffer per batch cost 40 ms and garbage), one grown for a large row is not: the next one has the
    // usual size.
    this.spare = filled.length <= KEPT ? filled : new Uint8Array(BUFFER);
    this.inflight = this.writeAll(this.handle, filled.subarray(0, length));
    this.bytes += length;
    if (all) await this.inflight;
  }

  /** Writes the rows up to `cut`, hands the file over, and starts the next one with the rows after it. */
  private async finishPiece(): Promise<void> {
    const cut = this.cut;
    const buffer = this.buffer;
    const rest = buffer.bytes.slice(cut, buffer.length);
    buffer.length = cut;
    this.cut = -1;
    await this.drain(true);
    await this.rotate();
    buffer.reserve(rest.length);
    buffer.bytes.set(rest, 0);
    buffer.length = rest.length;
    this.fileRows = this.afterCut;
    this.longest = this.afterLongest;
    this.afterCut = 0;
    this.afterLongest = 0;
  }

  private async writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
    let at = 0;
    while (at < chunk.length) at += (await handle.write(chunk, at, chunk.length - at)).bytesWritten;
  }

  /** Finishes the current file and hands it over. */
  private async rotate(): Promise<void> {
    if (this.inflight) await this.inflight;
    this.inflight = undefined;
    await this.handle?.close();
    this.handle = undefined;
    if (this.fileRows > 0)
      this.onFile({ path: this.path, rows: this.fileRows, longest: this.longest, bytes: this.bytes });
    this.path = this.nextPath();
    this.fileRows = 0;
    this.longest = 0;
    this.bytes = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain(true);
    await this.rotate();
    this.closed = true;
  }

  async abort(): Promise<void> {
    this.closed = true;
    this.buffer.length = 0;
    await this.inflight?.catch(() => undefined);
    await this.handle?.close().catch(() => undefined);
  }
}
