/**
 * What a command receives: the run's streams, a buffered stdout, colours, and the one way to report errors,
 * warnings and data problems on stderr (escaped, one line each) while keeping the run's exit code.
 *
 * @module
 */
import { EXIT_DATA, formatErrorLine, toErrorReport } from './errors.js';
import { StdinReader } from './input/input.js';
import type { XtraceIo } from './io.js';
import { type Colors, colorEnabled, createColors } from './output/color.js';
import { OutputSink } from './output/sink.js';

/** A problem in the data, in the shape every format's reader reports (`ReadProblem` of `@x/binary`). */
export interface Problem {
  /** Stable code. */
  readonly code: string;
  /** `error` (the data is damaged: exit 1) or `warning` (noted, exit 0). */
  readonly severity: 'error' | 'warning';
  /** Byte offset, when known. */
  readonly offset?: number | undefined;
  /** One-line description. */
  readonly message: string;
  /** Line of a line-oriented input, when known. */
  readonly line?: number | undefined;
  /** The library's own problem object (for renderings that show all its fields). */
  readonly detail?: unknown;
}

/** The per-run context handed to commands. */
export class Context {
  /** Buffered stdout. */
  readonly out: OutputSink;
  /** Colours for stdout. */
  readonly colors: Colors;
  /** Colours for stderr. */
  readonly errColors: Colors;
  /** Highest exit code so far (0, 1 or 2). */
  exitCode = 0;
  /** The input being processed (names the file in unexpected errors). */
  currentFile: string | undefined;
  /** Stdin, read at most once in a run. */
  readonly stdin: StdinReader;

  constructor(readonly io: XtraceIo) {
    this.out = new OutputSink(io.stdout);
    this.colors = createColors(colorEnabled(io.env, io.stdout.isTTY));
    this.errColors = createColors(colorEnabled(io.env, io.stderr.isTTY));
    this.stdin = new StdinReader(io);
  }

  /** True when stdout is a terminal. */
  get stdoutIsTTY(): boolean {
    return this.io.stdout.isTTY === true;
  }

  /** True when the progress bar may be shown (stderr is a TTY, not CI). */
  get progressAllowed(): boolean {
    return this.io.stderr.isTTY === true && !this.io.env.CI;
  }

  /** Writes one line to stderr, unbuffered (the caller escapes what comes from data). */
  stderrLine(line: string): void {
    try {
      this.io.stderr.write(`${line}\n`);
    } catch {
      // stderr gone: nothing else to do
    }
  }

  /** Reports a thrown error on stderr (`xtrace: FILE: CODE at offset N: message`) and raises the exit code. */
  report(error: unknown, file?: string): void {
    const r = toErrorReport(error);
    this.reportLine({ code: r.code, message: r.message, offset: r.offset, line: r.line }, file, r.exitCode);
  }

  /** Reports one line given its parts; `exitCode` 0 makes it a warning (yellow), else an error (red). */
  reportLine(
    parts: { code: string; message: string; offset?: number | undefined; line?: number | undefined },
    file: string | undefined,
    exitCode: number,
  ): void {
    const text = formatErrorLine(parts, file);
    this.stderrLine(exitCode === 0 ? this.errColors.yellow(text) : this.errColors.red(text));
    this.fail(exitCode);
  }

  /** Reports a data problem: errors raise the exit code to 1, warnings are printed only. */
  problem(problem: Problem, file: string | undefined): void {
    this.reportLine(problem, file, problem.severity === 'error' ? EXIT_DATA : 0);
  }

  /** A warning that is not about the data (`xtrace: FILE: CODE: message`, exit code unchanged). */
  warn(code: string, message: string, file?: string): void {
    this.reportLine({ code, message }, file, 0);
  }

  /** Raises the exit code without printing. */
  fail(exitCode: number): void {
    this.exitCode = Math.max(this.exitCode, exitCode);
  }
}
