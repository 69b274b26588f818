/**
 * Writing `.ss` files on disk (Node): create, append (resume after the last complete message, overwrite a
 * trailing EOS, truncate stale bytes, continue the stream state) and size limits.
 *
 * @module
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { openFileSource } from '@x/binary/node';
import { planAppend } from '../append.js';
import { SeaStreamerFileError } from '../errors.js';
import { type ByteSink, resumeWriter, SeaStreamerWriter, type WriterOptions } from '../writer.js';

/** Options of {@link openFileWriter}. */
export interface FileWriterOptions extends Omit<WriterOptions, 'fileName'> {
  /** Name stored in the header (default: the base name of the path). */
  fileName?: string;
  /**
   * Continue an existing file instead of replacing it (default false). The file's own header (name,
   * creation time) and beacon interval are kept; a `beaconInterval` different from the file's is ignored and
   * recorded as a `BEACON_INTERVAL_IGNORED` warning in `writer.warnings` (and passed to `onWarning`). A
   * missing file is created with the options given.
   */
  append?: boolean;
  /** `fsync` on every `flush()` (default false: written bytes are visible to readers, not necessarily durable). */
  fsync?: boolean;
}

function ioError(path: string, action: string, cause: unknown): SeaStreamerFileError {
  const code = (cause as { code?: string } | null)?.code;
  return new SeaStreamerFileError(
    'IO_ERROR',
    `${action} ${path} failed${code ? ` (${code})` : ''}: ${String((cause as Error)?.message ?? cause)}`,
    { cause },
  );
}

/** A sink writing at increasing positions of a file, opened on first use (so validation errors leave no file). */
class FileSink implements ByteSink {
  private fd: number | undefined;
  constructor(
    private readonly path: string,
    private position: number,
    private readonly flags: string,
    private readonly sync: boolean,
    private truncateTo?: number,
  ) {}

  private open(): number {
    if (this.fd === undefined) {
      try {
        this.fd = openSync(this.path, this.flags);
      } catch (cause) {
        throw ioError(this.path, 'opening', cause);
      }
    }
    if (this.truncateTo !== undefined) {
      try {
        ftruncateSync(this.fd, this.truncateTo);
      } catch (cause) {
        throw ioError(this.path, 'truncating', cause);
      }
      this.truncateTo = undefined;
    }
    return this.fd;
  }

  write(chunk: Uint8Array): void {
    const fd = this.open();
    let done = 0;
    try {
      while (done < chunk.length) {
        done += writeSync(fd, chunk, done, chunk.length - done, this.position + done);
      }
    } catch (cause) {
      throw ioError(this.path, 'writing', cause);
    }
    this.position += chunk.length;
  }

  flush(): void {
    if (this.sync && this.fd !== undefined) fsyncSync(this.fd);
  }

  close(): void {
    if (this.truncateTo !== undefined) this.open();
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/**
 * Opens a writer on a file path. A new file is created (replacing any existing one) unless `append` is
 * set. With `append`, the existing file is read first: writing resumes after its last complete message
 * (or at the start of a trailing end-of-stream message, which is overwritten), the stale bytes after that
 * point are truncated, and the per-stream state is rebuilt so that markers and running checksums continue.
 * The file's beacon interval always wins: a different `beaconInterval` gives a `BEACON_INTERVAL_IGNORED`
 * warning in `writer.warnings`.
 * Writes are synchronous positional writes; call `flush()` to make buffered messages visible to readers.
 *
 * @example
 * ```ts
 * import { openFileWriter } from '@x/seastreamer-file/node';
 * const writer = await openFileWriter('orders.ss', { beaconInterval: 1024 });
 * writer.write({ streamKey: 'orders', seqNo: 1n, timestamp: BigInt(Date.now()), payload: '{"id":1}' });
 * await writer.end({ eos: true });
 * ```
 */
export async function openFileWriter(path: string, options: FileWriterOptions = {}): Promise<SeaStreamerWriter> {
  const fsync = options.fsync ?? false;
  if (options.append && existsSync(path)) {
    let plan: Awaited<ReturnType<typeof planAppend>>;
    const source = await openFileSource(path, { chunkSize: 1 << 20 });
    try {
      plan = await planAppend(source);
    } finally {
      await source.close();
    }
    // The stale tail is truncated on the first write (or at the end): nothing changes if validation fails.
    return resumeWriter(new FileSink(path, plan.resume.offset, 'r+', fsync, plan.resume.offset), plan.resume, options);
  }
  const fileName = options.fileName ?? basename(path);
  return new SeaStreamerWriter(new FileSink(path, 0, 'w', fsync), { ...options, fileName });
}
