/**
 * The streams and environment a run works with, and the per-run context handed to commands.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { formatErrorLine, toErrorReport } from './errors.js';
import { type Colors, colorEnabled, createColors } from './output/color.js';
import { OutputSink, type WritableLike } from './output/sink.js';

/** Streams and environment of one run. Tests pass their own; the binary passes the process's. */
export interface XtraceIo {
  /** Where records go. */
  stdout: WritableLike;
  /** Where errors, warnings and the progress bar go. */
  stderr: WritableLike;
  /** Input for `-` and for `write`. */
  stdin: Readable;
  /** Environment (NO_COLOR, FORCE_COLOR, TERM, CI). */
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C: `--follow` stops cleanly. */
  signal?: AbortSignal | undefined;
}

/** The process's own streams. */
export function processIo(signal?: AbortSignal): XtraceIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal };
}

/** What a command receives: the io, a buffered stdout, colours and error reporting helpers. */
export class Context {
  /** Buffered stdout. */
  readonly out: OutputSink;
  /** Colours for stdout. */
  readonly colors: Colors;
  /** Colours for stderr. */
  readonly errColors: Colors;
  /** Highest exit code reported so far (0, 1 or 2). */
  exitCode = 0;
  /** The input being processed (used to name the file in unexpected errors). */
  currentFile: string | undefined;

  constructor(readonly io: XtraceIo) {
    this.out = new OutputSink(io.stdout);
    this.colors = createColors(colorEnabled(io.env, io.stdout.isTTY));
    this.errColors = createColors(colorEnabled(io.env, io.stderr.isTTY));
  }

  /** True when stdout is a terminal. */
  get stdoutIsTTY(): boolean {
    return this.io.stdout.isTTY === true;
  }

  /** True when the progress bar may be shown (stderr is a TTY, not CI). */
  get progressAllowed(): boolean {
    return this.io.stderr.isTTY === true && !this.io.env.CI;
  }

  /** Writes one line to stderr, unbuffered. */
  stderrLine(line: string): void {
    try {
      this.io.stderr.write(`${line}\n`);
    } catch {
      // stderr gone: nothing else to do
    }
  }

  /** Reports a problem or error on stderr (`xtrace: FILE: CODE at offset N: message`) and raises the exit code. */
  report(error: unknown, file?: string): void {
    const report = toErrorReport(error);
    this.reportLine(report.code, report.message, report.offset, file, report.exitCode, report.line);
  }

  /**
   * Reports a problem given its parts; `exitCode` 0 makes it a warning. A `lineNumber` (NDJSON inputs) is shown
   * instead of the offset, and a library message `line N (byte B): reason` is shown as `reason (byte B)`.
   */
  reportLine(
    code: string,
    message: string,
    offset: number | undefined,
    file: string | undefined,
    exitCode: number,
    lineNumber?: number,
  ): void {
    const reported =
      lineNumber === undefined
        ? { code, message, offset }
        : {
            code,
            line: lineNumber,
            message:
              offset === undefined ? message : `${message.replace(/^line \d+ \(byte \d+\): /, '')} (byte ${offset})`,
          };
    const line = formatErrorLine(reported, file);
    const colored = exitCode === 0 ? this.errColors.yellow(line) : this.errColors.red(line);
    this.stderrLine(colored);
    this.exitCode = Math.max(this.exitCode, exitCode);
  }

  /** Raises the exit code without printing. */
  fail(exitCode: number): void {
    this.exitCode = Math.max(this.exitCode, exitCode);
  }
}
