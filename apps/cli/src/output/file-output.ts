/**
 * Outputs of `convert` (and any command writing a file): stdout for `-`, else an atomic file (`openFileSink`
 * of `@x/binary/node`: a temporary file beside the target, renamed into place only when the output is
 * complete). A failed output leaves nothing behind, or with `--keep-partial` keeps what was written, ended by a
 * marker that makes every reader of the format report the file as incomplete.
 *
 * @module
 */
import type { ByteSink } from '@x/binary';
import { type FileSink, openFileSink } from '@x/binary/node';
import type { Context } from '../context.js';
import { EXIT_USAGE, XtraceError } from '../errors.js';

// Text is encoded into one reused buffer as it comes (the file is written synchronously): a growing string of
// many lines outlived V8's young-generation collections (about 900 KB copied per collection converting to NDJSON)
// and made its young generation grow.
const BUFFER_SIZE = 256 * 1024;

/** An output being written. */
export interface Output {
  /** The path (`-` for stdout). */
  readonly path: string;
  /** Appends text; returns a promise when the caller should wait (backpressure). */
  write(text: string): Promise<void> | undefined;
  /** The output as a `ByteSink` for the libraries' writers (never closed by them: see commit/fail). */
  readonly sink: ByteSink;
  /** Bytes handed on so far. */
  readonly bytesWritten: number;
  /** Finishes the output: the file appears at its path. */
  commit(): Promise<void>;
  /**
   * Abandons the output after a failure: the temporary file is removed, or, with `keepPartial`, `marker` is
   * appended and the file is renamed into place (returns true then).
   */
  fail(keepPartial: boolean, marker: Uint8Array | undefined): Promise<boolean>;
}

function writeError(path: string, error: unknown): XtraceError {
  const cause = (error as { cause?: { code?: string } }).cause;
  const text =
    cause?.code === 'ENOENT'
      ? 'no such directory'
      : cause?.code === 'EACCES' || cause?.code === 'EPERM'
        ? 'permission denied'
        : cause?.code === 'EISDIR'
          ? 'is a directory'
          : (error as Error).message;
  return new XtraceError('IO_ERROR', `cannot write: ${text}`, { file: path, exitCode: EXIT_USAGE, cause: error });
}

/** Opens an output on `path` (or stdout for `-`). */
export function openOutput(ctx: Context, path: string): Output {
  if (path === '-') {
    let bytes = 0;
    return {
      path,
      write: (text) => {
        bytes += Buffer.byteLength(text);
        return ctx.out.write(text);
      },
      sink: {
        write: (chunk) => {
          bytes += chunk.length;
          return ctx.out.writeBytes(chunk.slice());
        },
        flush: () => ctx.out.flush(),
        close: () => ctx.out.flush(),
      },
      get bytesWritten() {
        return bytes;
      },
      commit: () => ctx.out.flush(),
      fail: async () => {
        await ctx.out.flush();
        return false;
      },
    };
  }
  let file: FileSink;
  try {
    file = openFileSink(path, { atomic: true });
  } catch (error) {
    throw writeError(path, error);
  }
  const buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  let used = 0;
  let done = false;
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if ((error as { code?: string }).code === 'IO_ERROR') throw writeError(path, error);
      throw error;
    }
  };
  const flushText = (): void => {
    if (used === 0) return;
    const chunk = buffer.subarray(0, used);
    used = 0;
    guard(() => file.write(chunk));
  };
  return {
    path,
    write(t) {
      // at most 3 bytes per UTF-16 unit
      if (t.length * 3 > BUFFER_SIZE - used) {
        flushText();
        if (t.length * 3 > BUFFER_SIZE) {
          guard(() => file.write(Buffer.from(t)));
          return undefined;
        }
      }
      used += buffer.write(t, used);
      return undefined;
    },
    sink: {
      write(chunk) {
        flushText();
        guard(() => file.write(chunk));
      },
      patch(position, bytes) {
        flushText();
        guard(() => file.patch(position, bytes));
      },
      flush() {
        flushText();
      },
      close() {
        flushText();
      },
    },
    get bytesWritten() {
      return file.position + used;
    },
    async commit() {
      if (done) return;
      flushText();
      done = true;
      guard(() => file.close());
    },
    async fail(keepPartial, marker) {
      if (done) return false;
      done = true;
      if (!keepPartial) {
        file.abort();
        return false;
      }
      try {
        flushText();
        if (marker !== undefined) file.write(marker);
        file.close();
        return true;
      } catch {
        file.abort();
        return false;
      }
    },
  };
}
