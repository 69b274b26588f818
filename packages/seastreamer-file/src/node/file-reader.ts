/**
 * Reading `.ss` files from paths (Node).
 *
 * @module
 */
import { openFileSource } from '@x/binary/node';
import { fromBinaryError } from '../parser.js';
import { type ReaderOptions, SeaStreamerReader } from '../reader.js';

/** Options of {@link openFileReader}. */
export interface FileReaderOptions extends ReaderOptions {
  /** Bytes per read (default 1 MiB). */
  chunkSize?: number;
}

/**
 * Opens a streaming reader over a file path (positional reads; random access for rewind and seek).
 * Throws `IO_ERROR` when the file cannot be opened, and the header errors of `SeaStreamerReader.open`.
 *
 * @example
 * ```ts
 * import { openFileReader } from '@x/seastreamer-file/node';
 * const reader = await openFileReader('orders.ss');
 * await reader.seekByTimestamp('orders', 0n, 1700000000000n);
 * for await (const m of reader) console.log(m.seqNo);
 * await reader.close();
 * ```
 */
export async function openFileReader(path: string, options: FileReaderOptions = {}): Promise<SeaStreamerReader> {
  let source: Awaited<ReturnType<typeof openFileSource>>;
  try {
    source = await openFileSource(path, { chunkSize: options.chunkSize ?? 1 << 20 });
  } catch (error) {
    throw fromBinaryError(error);
  }
  try {
    return await SeaStreamerReader.open(source, options);
  } catch (error) {
    await source.close();
    throw error;
  }
}
