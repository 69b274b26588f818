/**
 * A {@link ByteSource} over a file path with positional reads (Node only).
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { BinaryError, type ByteSource, type ChunkOptions, DEFAULT_CHUNK_SIZE } from '../index.js';

/** Options of {@link openFileSource}. */
export interface FileSourceOptions extends ChunkOptions {
  /**
   * Read with synchronous positional reads on the calling thread instead of the thread pool (default false).
   * Each chunk then comes without a round trip through the thread pool, which makes reading a whole file faster
   * for a program that has nothing else to do meanwhile (a command-line tool); the event loop waits during each
   * read, so leave it off in a server.
   */
  sync?: boolean;
}

/**
 * Synchronous reads go back to the event loop once per this many bytes: V8 finishes its garbage collection work
 * (incremental marking, sweeping) in tasks that run only there, so a reader that never leaves the microtask queue
 * let the heap grow by tens of megabytes on a large file.
 */
const YIELD_BYTES = 4 * 1024 * 1024;

/** The file operations a source needs, asynchronous (thread pool) or synchronous. */
interface FileOps {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> | number;
  stat(): Promise<{ size: number; isDirectory(): boolean }> | { size: number; isDirectory(): boolean };
  close(): Promise<void> | void;
}

async function openOps(path: string, sync: boolean): Promise<FileOps> {
  if (sync) {
    const fd = openSync(path, 'r');
    let sinceYield = 0;
    return {
      read: (buffer, offset, length, position) => {
        const n = readSync(fd, buffer, offset, length, position);
        sinceYield += n;
        if (sinceYield < YIELD_BYTES) return n;
        sinceYield = 0;
        return new Promise<number>((resolve) => setImmediate(resolve, n));
      },
      stat: () => fstatSync(fd),
      close: () => closeSync(fd),
    };
  }
  const handle = await open(path, 'r');
  return {
    read: async (buffer, offset, length, position) => (await handle.read(buffer, offset, length, position)).bytesRead,
    stat: () => handle.stat(),
    close: () => handle.close(),
  };
}

/** A {@link ByteSource} over an open file; it also knows its path and can re-read the file size. */
export interface FileSource extends ByteSource {
  /** The path given to {@link openFileSource}. */
  readonly path: string;
  /** Size when opened, updated by `refreshSize()`. */
  readonly size: number;
  readAt(position: number, length: number): Promise<Uint8Array>;
  seek(position: number): void;
  refreshSize(): Promise<number>;
}

function ioError(path: string, action: string, cause: unknown, offset?: number): BinaryError {
  const code = (cause as { code?: string } | null)?.code;
  return new BinaryError(
    'IO_ERROR',
    `${action} ${path} failed${code ? ` (${code})` : ''}: ${String((cause as Error)?.message ?? cause)}`,
    {
      ...(offset === undefined ? {} : { offset }),
      cause,
    },
  );
}

/**
 * Opens `path` for reading as a byte source. Reads are positional (`pread`), so the source can also serve
 * random access and follow a file that grows: `read()` returns `null` at the current end and new bytes
 * on a later call. Each chunk is a fresh buffer that consumers may keep.
 *
 * @example
 * ```ts
 * import { openFileSource } from '@x/binary/node';
 * const source = await openFileSource('recording.ss');
 * try {
 *   for (let chunk = await source.read(); chunk; chunk = await source.read()) consume(chunk);
 * } finally {
 *   await source.close();
 * }
 * ```
 */
export async function openFileSource(path: string, options: FileSourceOptions = {}): Promise<FileSource> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) {
    throw new BinaryError('INVALID_ARGUMENT', `chunkSize must be a positive integer, got ${chunkSize}`);
  }
  let handle: FileOps;
  let size: number;
  try {
    handle = await openOps(path, options.sync === true);
  } catch (cause) {
    throw ioError(path, 'opening', cause);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = stat.size;
  } catch (cause) {
    await handle.close();
    throw ioError(path, 'opening', cause);
  }
  let position = 0;
  let closed = false;
  const readInto = async (at: number, length: number): Promise<Uint8Array> => {
    if (closed) throw new BinaryError('CLOSED', `the file source for ${path} was closed`);
    const buffer = new Uint8Array(length);
    let filled = 0;
    try {
      while (filled < length) {
        const bytesRead = await handle.read(buffer, filled, length - filled, at + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
    } catch (cause) {
      throw ioError(path, 'reading', cause, at + filled);
    }
    if (at + filled > size) size = at + filled;
    return filled === length ? buffer : buffer.subarray(0, filled);
  };
  return {
    path,
    get size() {
      return size;
    },
    get position() {
      return position;
    },
    async read() {
      const chunk = await readInto(position, chunkSize);
      if (chunk.length === 0) return null;
      position += chunk.length;
      return chunk;
    },
    async readAt(at: number, length: number) {
      if (!(Number.isSafeInteger(at) && at >= 0 && Number.isSafeInteger(length) && length >= 0)) {
        throw new BinaryError('INVALID_ARGUMENT', `invalid range: position ${at}, length ${length}`, { offset: at });
      }
      return readInto(at, length);
    },
    seek(at: number) {
      if (!(Number.isSafeInteger(at) && at >= 0)) {
        throw new BinaryError('INVALID_ARGUMENT', `invalid position ${at}`, { offset: at });
      }
      position = at;
    },
    async refreshSize() {
      if (closed) throw new BinaryError('CLOSED', `the file source for ${path} was closed`);
      try {
        size = (await handle.stat()).size;
      } catch (cause) {
        throw ioError(path, 'reading the size of', cause);
      }
      return size;
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}
