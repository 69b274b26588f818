/**
 * The streams and environment a run works with.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import type { WritableLike } from './output/sink.js';

/** Streams and environment of one run. Tests pass their own; the binary passes the process's. */
export interface XtraceIo {
  /** Where records go. */
  stdout: WritableLike;
  /** Where errors, warnings and the progress bar go. */
  stderr: WritableLike;
  /** Input for `-` and for `write`. */
  stdin: Readable;
  /** Environment (NO_COLOR, FORCE_COLOR, TERM, CI, XTRACE_PROGRESS_DELAY_MS). */
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C: `--follow` and `view` stop cleanly. */
  signal?: AbortSignal | undefined;
}

/**
 * The process's own streams. `stdin` is looked up when a command reads it: creating Node's stdin stream costs a
 * few milliseconds of start-up that commands on files do not need.
 */
export function processIo(signal?: AbortSignal): XtraceIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    signal,
  };
}
