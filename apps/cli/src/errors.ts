/**
 * The CLI's error class and the mapping of any thrown value to a one-line report and an exit code.
 *
 * @module
 */

const MARKER = Symbol.for('@x/cli.XtraceError');

/** Exit code: success. */
export const EXIT_OK = 0;
/** Exit code: the input was read but holds problems (bad checksums, truncation, malformed items). */
export const EXIT_DATA = 1;
/** Exit code: misuse (bad arguments) or an I/O error (missing file, directory, unwritable output). */
export const EXIT_USAGE = 2;

/** Options of {@link XtraceError}. */
export interface XtraceErrorOptions {
  /** Byte offset in the input, when known. */
  offset?: number | undefined;
  /** File the error is about (`-` for stdin). */
  file?: string | undefined;
  /** Exit code the error leads to; default {@link EXIT_USAGE}. */
  exitCode?: number;
  /** Underlying error. */
  cause?: unknown;
}

/**
 * The single error class of `@x/cli`: a stable UPPER_SNAKE {@link XtraceError.code}, the byte offset when
 * known, the file it concerns and the exit code it leads to.
 *
 * @example
 * ```ts
 * throw new XtraceError('USAGE', '--seq and --time are mutually exclusive');
 * ```
 */
export class XtraceError extends Error {
  /** Stable code (`USAGE`, `IO_ERROR`, `NOT_AVAILABLE`, or a data code such as `BAD_MAGIC`, `TRUNCATED`). */
  readonly code: string;
  /** Byte offset in the input, when known. */
  readonly offset: number | undefined;
  /** File the error is about, when known. */
  readonly file: string | undefined;
  /** Exit code this error leads to. */
  readonly exitCode: number;

  constructor(code: string, message: string, options: XtraceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'XtraceError';
    this.code = code;
    this.offset = options.offset;
    this.file = options.file;
    this.exitCode = options.exitCode ?? EXIT_USAGE;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /** True when `value` is an `XtraceError`, also from another copy of this package. */
  static is(value: unknown): value is XtraceError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** Thrown internally when stdout was closed by the reader (EPIPE): the run ends quietly with exit 0. */
export class OutputClosed extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosed';
  }
}

/** The parts of a reported error. */
export interface ErrorReport {
  /** Stable code. */
  code: string;
  /** One-line message (no trailing newline). */
  message: string;
  /** Byte offset, when known. */
  offset?: number | undefined;
  /** 1-based line number of a line-oriented input (NDJSON), when known. */
  line?: number | undefined;
  /** Exit code. */
  exitCode: number;
}

const NODE_IO_CODES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
  ENOSPC: 'no space left on device',
  EMFILE: 'too many open files',
};

function numberOrUndefined(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Turns any thrown value into an {@link ErrorReport}: XtraceErrors keep their code and exit code, library
 * errors (any `Error` with an UPPER_SNAKE `code` and optional numeric `offset`) become data problems (exit 1)
 * unless they are I/O errors, Node system errors become `IO_ERROR` (exit 2), anything else `INTERNAL` (exit 2).
 */
export function toErrorReport(error: unknown): ErrorReport {
  if (XtraceError.is(error)) {
    return { code: error.code, message: oneLine(error.message), offset: error.offset, exitCode: error.exitCode };
  }
  if (error instanceof Error) {
    const record = error as Error & { code?: unknown; offset?: unknown; syscall?: unknown };
    const code = typeof record.code === 'string' ? record.code : undefined;
    if (code && /^E[A-Z]+$/.test(code) && (record.syscall !== undefined || NODE_IO_CODES[code])) {
      const text = NODE_IO_CODES[code] ?? oneLine(error.message);
      return { code: 'IO_ERROR', message: `${text} (${code})`, exitCode: EXIT_USAGE };
    }
    const line = (record as { line?: unknown }).line;
    if (code === 'INVALID_NDJSON' && typeof line === 'number') {
      // `line N (byte B): reason` of the libraries: the line goes where the offset goes, the byte after the reason
      const offset = numberOrUndefined(record.offset);
      const reason = oneLine(error.message).replace(/^line \d+ \(byte \d+\): /, '');
      return {
        code,
        message: offset === undefined ? reason : `${reason} (byte ${offset})`,
        line,
        exitCode: EXIT_DATA,
      };
    }
    if (code && /^[A-Z][A-Z0-9_]*$/.test(code)) {
      const ioLike = code === 'IO_ERROR' || code === 'SOURCE_CLOSED' || code === 'WATCH_ERROR';
      const usageLike =
        code.startsWith('INVALID_') &&
        code !== 'INVALID_UTF8' &&
        code !== 'INVALID_BEACON_INTERVAL' &&
        code !== 'INVALID_NDJSON';
      return {
        code,
        message: oneLine(error.message),
        offset: numberOrUndefined(record.offset),
        exitCode: ioLike || usageLike ? EXIT_USAGE : EXIT_DATA,
      };
    }
    return { code: 'INTERNAL', message: oneLine(error.message || String(error)), exitCode: EXIT_USAGE };
  }
  return { code: 'INTERNAL', message: oneLine(String(error)), exitCode: EXIT_USAGE };
}

/**
 * Formats the one-line error `xtrace: FILE: CODE at offset N: message` (FILE and offset only when known), or
 * `... CODE at line N: message` for a line of a line-oriented input.
 *
 * @example
 * ```ts
 * formatErrorLine({ code: 'BAD_MAGIC', message: 'not a .ss file', offset: 0, exitCode: 1 }, 'a.ss');
 * // 'xtrace: a.ss: BAD_MAGIC at offset 0: not a .ss file'
 * formatErrorLine({ code: 'INVALID_NDJSON', message: 'not JSON (byte 52)', line: 3 }, 'in.ndjson');
 * // 'xtrace: in.ndjson: INVALID_NDJSON at line 3: not JSON (byte 52)'
 * ```
 */
export function formatErrorLine(
  report: Pick<ErrorReport, 'code' | 'message' | 'offset' | 'line'>,
  file?: string,
): string {
  const where =
    report.line !== undefined
      ? ` at line ${report.line}`
      : report.offset === undefined
        ? ''
        : ` at offset ${report.offset}`;
  const prefix = file === undefined ? 'xtrace: ' : `xtrace: ${file}: `;
  return `${prefix}${report.code}${where}: ${report.message}`;
}
