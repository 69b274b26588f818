/**
 * Reading `.ss` files from paths (Node).
 *
 * @module
 */
import { openFileSource } from '@x/binary/node';
import { fromBinaryError } from '../errors.js';
import { openReader, READ_CHUNK_SIZE } from '../open.js';
import type { SeaStreamerReader, SeaStreamerReaderOptions } from '../reader.js';

/** Options of {@link openSeaStreamerFile}. */
export interface SeaStreamerFileOptions extends SeaStreamerReaderOptions {
  /** Bytes per read (default 512 KiB). */
  chunkSize?: number;
}

/**
 * Opens a streaming reader over a file path (positional reads: random access for rewind, seek and
 * `readMessageAt`). The reader owns the file: `close()` closes it. Throws `IO_ERROR` when the file cannot be
 * opened, and the header errors of `openSeaStreamerReader`.
 *
 * @example
 * ```ts
 * import { openSeaStreamerFile } from '@x/seastreamer-file/node';
 * const reader = await openSeaStreamerFile('orders.ss');
 * await reader.seekByTimestamp('orders', 0n, 1700000000000n);
 * for await (const m of reader) console.log(m.kind === 'message' && m.seqNo);
 * await reader.close();
 * ```
 */
export async function openSeaStreamerFile(
  path: string,
  options: SeaStreamerFileOptions = {},
): Promise<SeaStreamerReader> {
  let source: Awaited<ReturnType<typeof openFileSource>>;
  try {
    source = await openFileSource(path, { chunkSize: options.chunkSize ?? READ_CHUNK_SIZE });
  } catch (error) {
    throw fromBinaryError(error);
  }
  return openReader(source, true, options);
}
