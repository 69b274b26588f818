/**
 * Writing `.ss` files on disk (Node) through the file sink of `@x/binary/node`: create (optionally atomic),
 * append (resume after the last complete message, overwrite a trailing EOS, truncate stale bytes, continue the
 * stream state), `fsync`, size limits.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { type FileSink, openFileSink, openFileSource } from '@x/binary/node';
import { planAppend } from '../append.js';
import { fromBinaryError, SeaStreamerFileError } from '../errors.js';
import { SeaStreamerWriter, type SeaStreamerWriterOptions } from '../writer.js';

/** Options of {@link createSeaStreamerFileWriter}. */
export interface SeaStreamerFileWriterOptions extends Omit<SeaStreamerWriterOptions, 'resume'> {
  /** Name stored in the header (default: the base name of the path). */
  fileName?: string;
  /**
   * Continue an existing file instead of replacing it (default false). The file's own header (name, creation
   * time) and beacon interval are kept; a `beaconInterval` different from the file's is ignored and recorded as
   * a `BEACON_INTERVAL_IGNORED` warning in `writer.warnings` (and passed to `onWarning`). A missing file is
   * created with the options given.
   */
  append?: boolean;
  /**
   * Write to a temporary file beside `path`, renamed into place by `writer.close()` and removed by
   * `writer.abort()`: a failed conversion leaves no half-written file, and an existing file stays untouched
   * until then (default false; not combinable with `append`).
   */
  atomic?: boolean;
  /** `fsync` on every `flush()` and on `close()` (default false: written bytes are visible, not necessarily durable). */
  fsync?: boolean;
}

/**
 * Opens a writer on a file path; the writer owns the file (`close()` finishes it, `abort()` abandons it). A
 * new file is created (replacing any existing one) unless `append` is set. With `append`, the existing file is
 * read first: writing resumes after its last complete message (or at the start of a trailing end-of-stream
 * message, which is overwritten), the stale bytes after that point are truncated on the first write, and the
 * per-stream state is rebuilt so that markers and running checksums continue. Options are validated before the
 * file is touched (a bad file name leaves no file). Writes are synchronous positional writes; call `flush()`
 * to make buffered messages visible to readers.
 *
 * @example
 * ```ts
 * import { createSeaStreamerFileWriter } from '@x/seastreamer-file/node';
 * const writer = await createSeaStreamerFileWriter('orders.ss', { beaconInterval: 1024 });
 * writer.write({ streamKey: 'orders', seqNo: 1n, timestamp: BigInt(Date.now()), payload: '{"id":1}' });
 * await writer.close({ eos: true });
 * ```
 */
export async function createSeaStreamerFileWriter(
  path: string,
  options: SeaStreamerFileWriterOptions = {},
): Promise<SeaStreamerWriter> {
  const { append = false, atomic = false, fsync = false } = options;
  if (append && atomic) {
    throw new SeaStreamerFileError('INVALID_ARGUMENT', 'an atomic output cannot append to an existing file');
  }
  let sink: FileSink;
  let writerOptions: SeaStreamerWriterOptions;
  try {
    if (append && existsSync(path)) {
      const source = await openFileSource(path, { chunkSize: 1 << 20 });
      let plan: Awaited<ReturnType<typeof planAppend>>;
      try {
        plan = await planAppend(source);
      } finally {
        await source.close();
      }
      // The stale tail is cut on the first write (or at close): nothing changes if validation fails.
      writerOptions = { ...options, resume: plan.resume };
      sink = openFileSink(path, { start: plan.resume.offset, fsync });
    } else {
      writerOptions = { ...options, fileName: options.fileName ?? basename(path) };
      sink = openFileSink(path, { atomic, fsync });
    }
  } catch (error) {
    throw fromBinaryError(error);
  }
  try {
    return new SeaStreamerWriter(sink, writerOptions, true);
  } catch (error) {
    sink.abort();
    throw fromBinaryError(error);
  }
}
