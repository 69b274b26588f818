/**
 * Spools: where load-format text goes on its way to DuckDB: a temporary file per table, written with one write in
 * flight (memory: one 64 KiB chunk per table), that a `COPY` reads once every input was read. (Measured: feeding
 * DuckDB through a named pipe while reading, or inserting 32 MiB pieces while the next is written, was slower on
 * two cores than one parallel `read_csv` of the whole file at the end.)
 *
 * @module
 */
import { type FileHandle, open } from 'node:fs/promises';
import { AnalyticsError } from '../errors.js';

const CHUNK = 64 * 1024;

/** A destination of load-format text. */
export interface Spool {
  /** Path of the (last) file. */
  readonly path: string;
  /** Lines added so far. */
  readonly rows: number;
  /** Adds lines (text ending with a newline). */
  add(text: string): void;
  /** Writes the buffered text when it reached 64 KiB (or always with `all`); resolves when it may continue. */
  drain(all?: boolean): Promise<void>;
  /** Writes what is left and closes the file. */
  close(): Promise<void>;
  /** Closes without writing what is left (after a failure). */
  abort(): Promise<void>;
}

/** A finished spool file: its path, rows and an upper bound of its longest line in UTF-8 bytes. */
export interface SpoolFile {
  /** Path. */
  readonly path: string;
  /** Lines in it. */
  readonly rows: number;
  /** Upper bound of its longest line, in bytes. */
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

/** A spool over the temporary file `base-000.csv`, passed to `onFile` by {@link Spool.close}. */
export class FileSpool implements Spool {
  rows = 0;
  private fileRows = 0;
  private longest = 0;
  private bytes = 0;
  private text = '';
  private index = 0;
  private handle: FileHandle | undefined;
  private inflight: Promise<void> | undefined;
  private closed = false;
  path: string;

  constructor(
    private readonly base: string,
    private readonly onFile: (file: SpoolFile) => void,
  ) {
    this.path = this.nextPath();
  }

  private nextPath(): string {
    return `${this.base}-${String(this.index++).padStart(3, '0')}.csv`;
  }

  add(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (text.length * 3 > this.longest) this.longest = text.length * 3;
    this.text += text;
    this.rows++;
    this.fileRows++;
  }

  async drain(all = false): Promise<void> {
    if (this.text.length === 0 || (!all && this.text.length < CHUNK)) return;
    const chunk = Buffer.from(this.text, 'utf8');
    this.text = '';
    if (this.inflight) await this.inflight;
    this.handle ??= await openFile(this.path);
    this.inflight = this.writeAll(this.handle, chunk);
    this.bytes += chunk.length;
    if (all) await this.inflight;
  }

  private async writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
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
    this.text = '';
    await this.inflight?.catch(() => undefined);
    await this.handle?.close().catch(() => undefined);
  }
}
