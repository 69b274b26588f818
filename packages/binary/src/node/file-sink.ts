/**
 * A {@link ByteSink} on a file path: positional writes, back-patching, optional `fsync`, appending at a
 * position (truncating what follows), and atomic output (a temporary file renamed into place on `close()`,
 * removed on `abort()`), so that a conversion that fails part-way never leaves a half-written file behind.
 *
 * @module
 */
import { closeSync, constants, fsyncSync, ftruncateSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ByteSink } from '../byte-sink.js';
import { BinaryError, closedError } from '../errors.js';

/** Options of {@link openFileSink}. */
export interface FileSinkOptions {
  /**
   * Write into the existing file from this position on (the file is opened for update, created if missing,
   * and cut at `start` on the first write or at `close()`). Default: the file is created or emptied.
   */
  start?: number;
  /**
   * Write to a temporary file beside `path` and rename it into place on `close()`; `abort()` removes it. An
   * existing file at `path` stays untouched until then. Not combinable with `start`.
   */
  atomic?: boolean;
  /** `fsync` on every `flush()` and on `close()` (default false: bytes are visible, not necessarily durable). */
  fsync?: boolean;
}

/** A file {@link ByteSink} made by {@link openFileSink}. */
export interface FileSink extends ByteSink {
  /** The path the output ends up at. */
  readonly path: string;
  /** Absolute position of the next write. */
  readonly position: number;
  patch(position: number, bytes: Uint8Array): void;
  flush(): void;
  close(): void;
  abort(): void;
}

function ioError(action: string, path: string, cause: unknown): BinaryError {
  const code = (cause as { code?: string } | null)?.code;
  const detail = (cause as Error | null)?.message ?? String(cause);
  return new BinaryError('IO_ERROR', `${action} ${path} failed${code ? ` (${code})` : ''}: ${detail}`, { cause });
}

/**
 * Opens a sink on `path`. The file is opened on the first write (or at `close()`), so a writer that rejects
 * its options before writing leaves no file. Writes are synchronous positional writes.
 *
 * @example
 * ```ts
 * import { openFileSink } from '@x/binary/node';
 * const sink = openFileSink('out.ss', { atomic: true });
 * try {
 *   sink.write(bytes);
 *   sink.close(); // out.ss appears only now
 * } catch (error) {
 *   sink.abort(); // nothing is left behind
 *   throw error;
 * }
 * ```
 */
export function openFileSink(path: string, options: FileSinkOptions = {}): FileSink {
  const { start, atomic = false, fsync = false } = options;
  if (start !== undefined && !(Number.isSafeInteger(start) && start >= 0)) {
    throw new BinaryError('INVALID_ARGUMENT', `start must be a non-negative integer, got ${String(start)}`);
  }
  if (atomic && start !== undefined) {
    throw new BinaryError('INVALID_ARGUMENT', 'an atomic file sink cannot start inside an existing file');
  }
  const target = atomic
    ? join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`)
    : path;
  let fd: number | undefined;
  let position = start ?? 0;
  let cutAt = start;
  let state: 'open' | 'closed' | 'aborted' = 'open';

  const handle = (): number => {
    if (state !== 'open') throw closedError(`the file sink for ${path}`);
    if (fd === undefined) {
      try {
        fd = openSync(target, start === undefined ? 'w' : constants.O_RDWR | constants.O_CREAT);
      } catch (cause) {
        throw ioError('opening', target, cause);
      }
    }
    if (cutAt !== undefined) {
      try {
        ftruncateSync(fd, cutAt);
      } catch (cause) {
        throw ioError('truncating', target, cause);
      }
      cutAt = undefined;
    }
    return fd;
  };

  const writeAt = (bytes: Uint8Array, at: number): void => {
    const f = handle();
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(f, bytes, done, bytes.length - done, at + done);
    } catch (cause) {
      throw ioError('writing', target, cause);
    }
  };

  const release = (): void => {
    if (fd === undefined) return;
    const f = fd;
    fd = undefined;
    try {
      closeSync(f);
    } catch (cause) {
      throw ioError('closing', target, cause);
    }
  };

  return {
    path,
    get position() {
      return position;
    },
    write(chunk) {
      if (chunk.length === 0) {
        handle();
        return;
      }
      writeAt(chunk, position);
      position += chunk.length;
    },
    patch(at, bytes) {
      if (!(Number.isSafeInteger(at) && at >= 0 && at + bytes.length <= position)) {
        throw new BinaryError('OUT_OF_RANGE', `cannot patch ${bytes.length} bytes at ${at}: ${position} written`, {
          offset: at,
        });
      }
      writeAt(bytes, at);
    },
    flush() {
      if (fsync && fd !== undefined) fsyncSync(fd);
    },
    close() {
      if (state !== 'open') return;
      const f = handle();
      if (fsync) fsyncSync(f);
      state = 'closed';
      release();
      if (atomic) {
        try {
          renameSync(target, path);
        } catch (cause) {
          throw ioError('renaming the temporary file to', path, cause);
        }
      }
    },
    abort() {
      if (state !== 'open') return;
      state = 'aborted';
      release();
      if (atomic) {
        try {
          unlinkSync(target);
        } catch {
          // never created, or already gone
        }
      }
    },
  };
}
