/**
 * The CLI's error class, the exit codes, and the mapping of any thrown value to a one-line report:
 * `xtrace: FILE: CODE at offset N: message` (or `at line N` for a line of an NDJSON input), escaped for the
 * terminal.
 *
 * @module
 */
import { CodedError, type CodedErrorOptions } from '@x/binary';
import { escapeText } from './output/escape.js';

/** Exit code: success (warnings do not count). */
export const EXIT_OK = 0;
/** Exit code: the input was read but holds problems (bad checksums, truncation, malformed items, unknown format). */
export const EXIT_DATA = 1;
/** Exit code: misuse (bad arguments) or an I/O error (missing file, directory, unwritable output). */
export const EXIT_USAGE = 2;

/** Options of {@link XtraceError}. */
export interface XtraceErrorOptions extends CodedErrorOptions {
  /** File the error is about (`-` for stdin). */
  file?: string | undefined;
  /** 1-based line of a line-oriented input (NDJSON), when the error is about one line. */
  line?: number | undefined;
  /** Exit code the error leads to; default {@link EXIT_USAGE}. */
  exitCode?: number;
}

/**
 * The error class of `@x/cli`: a stable UPPER_SNAKE code (`USAGE`, `IO_ERROR`, `UNKNOWN_FORMAT`, or a data code
 * of a library), the byte offset or line when known, the file it concerns and the exit code it leads to.
 *
 * @example
 * ```ts
 * throw new XtraceError('USAGE', 'give exactly one of --seq and --time');
 * ```
 */
export class XtraceError extends CodedError {
  static override readonly marker: symbol = Symbol.for('@x/cli.XtraceError');

  /** File the error is about, when known. */
  readonly file: string | undefined;
  /** Line of a line-oriented input, when known. */
  readonly line: number | undefined;
  /** Exit code this error leads to. */
  readonly exitCode: number;

  constructor(code: string, message: string, options: XtraceErrorOptions = {}) {
    super(code, message, options);
    this.name = 'XtraceError';
    this.file = options.file;
    this.line = options.line;
    this.exitCode = options.exitCode ?? EXIT_USAGE;
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
  EROFS: 'read-only file system',
};

/** Codes that mean misuse or an I/O failure (exit 2) rather than a problem in the data (exit 1). */
const USAGE_CODES = new Set(['USAGE', 'IO_ERROR', 'CLOSED', 'INVALID_ARGUMENT', 'NOT_SEEKABLE', 'TIMED_OUT']);

function numberOrUndefined(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The Node system error code (`ENOENT`, ...) of an error or of its causes. */
function systemCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The line number a library error gives for one line of an NDJSON input. */
function lineOf(error: Error): number | undefined {
  const direct = (error as { line?: unknown }).line;
  if (typeof direct === 'number') return direct;
  const details = (error as { details?: unknown }).details as { line?: unknown } | undefined;
  if (details !== null && typeof details === 'object' && typeof details.line === 'number') return details.line;
  return undefined;
}

/**
 * Turns any thrown value into an {@link ErrorReport}. XtraceErrors keep their code and exit code; toolkit errors
 * (`CodedError`) keep their code and offset, exit 2 for misuse and I/O codes, 1 for data codes; Node system
 * errors become `IO_ERROR` (exit 2) with a short text; anything else is `INTERNAL` (exit 2). An error about one
 * line of an NDJSON input (`INVALID_NDJSON` of either format) reports that line, and the line's byte offset in
 * the message.
 *
 * @example
 * ```ts
 * toErrorReport(new XtraceError('USAGE', 'bad')); // { code: 'USAGE', message: 'bad', exitCode: 2, ... }
 * ```
 */
export function toErrorReport(error: unknown): ErrorReport {
  if (XtraceError.is(error)) {
    return {
      code: error.code,
      message: oneLine(error.message),
      offset: error.offset,
      line: error.line,
      exitCode: error.exitCode,
    };
  }
  if (!(error instanceof Error)) return { code: 'INTERNAL', message: oneLine(String(error)), exitCode: EXIT_USAGE };
  const code = (error as { code?: unknown }).code;
  if (CodedError.is(error) || (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code))) {
    const c = code as string;
    const offset = numberOrUndefined((error as { offset?: unknown }).offset);
    if (c === 'IO_ERROR') {
      const sys = systemCode((error as { cause?: unknown }).cause);
      const text = sys !== undefined && NODE_IO_CODES[sys] ? NODE_IO_CODES[sys] : oneLine(error.message);
      return { code: c, message: text, exitCode: EXIT_USAGE };
    }
    const line = c === 'INVALID_NDJSON' ? lineOf(error) : undefined;
    if (line !== undefined) {
      // libraries say `line N (byte B): reason`: the line goes where the offset goes, the byte after the reason
      const reason = oneLine(error.message).replace(/^line \d+ \(byte \d+\): /, '');
      return {
        code: c,
        message: offset === undefined ? reason : `${reason} (byte ${offset})`,
        line,
        exitCode: EXIT_DATA,
      };
    }
    return {
      code: c,
      message: oneLine(error.message),
      offset,
      exitCode: USAGE_CODES.has(c) ? EXIT_USAGE : EXIT_DATA,
    };
  }
  const sys = systemCode(error);
  if (sys !== undefined) {
    return { code: 'IO_ERROR', message: NODE_IO_CODES[sys] ?? oneLine(error.message), exitCode: EXIT_USAGE };
  }
  return { code: 'INTERNAL', message: oneLine(error.message || String(error)), exitCode: EXIT_USAGE };
}

/**
 * Formats the one-line error `xtrace: FILE: CODE at offset N: message` (FILE and offset only when known), or
 * `... CODE at line N: message` for a line of a line-oriented input. The file name and the message are escaped
 * for the terminal.
 *
 * @example
 * ```ts
 * formatErrorLine({ code: 'UNKNOWN_FORMAT', message: 'not a trace', offset: 0 }, 'a.bin');
 * // 'xtrace: a.bin: UNKNOWN_FORMAT at offset 0: not a trace'
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
  const prefix = file === undefined ? 'xtrace: ' : `xtrace: ${escapeText(file)}: `;
  return `${prefix}${escapeText(report.code)}${where}: ${escapeText(report.message)}`;
}

/** An `XtraceError` for a usage error (exit 2). */
export function usage(message: string): XtraceError {
  return new XtraceError('USAGE', message);
}
