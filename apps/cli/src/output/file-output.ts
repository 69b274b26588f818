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

const FLUSH_AT = 256 * 1024;
const encoder = new TextEncoder();

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
        bytes += text.length;
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
  let text = '';
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
    if (text.length === 0) return;
    const chunk = encoder.encode(text);
    text = '';
    guard(() => file.write(chunk));
  };
  return {
    path,
    write(t) {
      text += t;
      if (text.length >= FLUSH_AT) flushText();
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
      return file.position + text.length;
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
