/**
 * Reader options, one name per meaning across the toolkit (`copyBytes`, `maxProblems`, `onProblem`,
 * `limit`, `strict`), and their defaults.
 *
 * @module
 */
import { SeaStreamerFileError } from './errors.js';
import type { SeaStreamerProblem } from './problems.js';

/** Options of every `.ss` reader ({@link readSeaStreamer}, `openSeaStreamerReader`, the `/node` readers). */
export interface SeaStreamerReadOptions {
  /** Verify each payload's CRC-16 (default true); a mismatch is a `CHECKSUM_MISMATCH` error problem. */
  verifyChecksums?: boolean;
  /** Verify beacon markers' running checksums per writer run, recording warnings (default true). */
  verifyRunningChecksums?: boolean;
  /**
   * Check the decoration bytes the reference readers ignore, recording warnings (default true): frame
   * terminators and beacon lead/tail bytes (`0x0D`: `BAD_TERMINATOR`, `BAD_BEACON_DELIMITER`) and the header
   * padding (zeros, then `0x0D` at offset 127: `BAD_HEADER_PADDING`). Reading is the same either way.
   */
  verifyDecoration?: boolean;
  /** Give every message its own payload copy instead of a view into the read buffers (default false). */
  copyBytes?: boolean;
  /**
   * Decode invalid UTF-8 in stream keys and the file name with U+FFFD without reporting it (default false: an
   * invalid key is an `INVALID_UTF8` error problem, an invalid file name makes opening fail).
   */
  lenientUtf8?: boolean;
  /**
   * Throw the first error problem as a {@link SeaStreamerFileError} (with the offset, and for a frame its
   * decoded message), as the reference Rust reader does; also treat stream keys outside
   * `[A-Za-z0-9._-]{0,249}` (`INVALID_STREAM_KEY`) and timestamps after 9999 (`TIMESTAMP_OUT_OF_RANGE`) as
   * errors. After the exception the position is past the frame, so reading can go on. Default false: damaged
   * messages are delivered (`checksumOk: false`) and reported in `problems`.
   */
  strict?: boolean;
  /** Stop after the end-of-stream message (default false: read everything, as the reference dump does). */
  stopAtEos?: boolean;
  /** Stop after this many messages, with end state `limit` (default: no limit). */
  limit?: number;
  /** Problems kept in `problems` (default 10,000; the end's `errors`/`warnings` count all of them). */
  maxProblems?: number;
  /** Called for every problem as it is found. */
  onProblem?: (problem: SeaStreamerProblem) => void;
}

/** @internal Options of the parsing core, with defaults applied. */
export interface CoreOptions {
  verifyChecksums: boolean;
  verifyRunningChecksums: boolean;
  verifyDecoration: boolean;
  copyBytes: boolean;
  lenientUtf8: boolean;
  strict: boolean;
  stopAtEos: boolean;
  limit: number;
  maxProblems: number;
  onProblem: ((problem: SeaStreamerProblem) => void) | undefined;
}

function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === Number.POSITIVE_INFINITY || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
    return value;
  }
  throw new SeaStreamerFileError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${String(value)}`);
}

/** @internal Applies the defaults, checking the numeric options (`INVALID_ARGUMENT`). */
export function coreOptions(options: SeaStreamerReadOptions): CoreOptions {
  if (options.onProblem !== undefined && typeof options.onProblem !== 'function') {
    throw new SeaStreamerFileError('INVALID_ARGUMENT', 'onProblem must be a function');
  }
  return {
    verifyChecksums: options.verifyChecksums ?? true,
    verifyRunningChecksums: options.verifyRunningChecksums ?? true,
    verifyDecoration: options.verifyDecoration ?? true,
    copyBytes: options.copyBytes ?? false,
    lenientUtf8: options.lenientUtf8 ?? false,
    strict: options.strict ?? false,
    stopAtEos: options.stopAtEos ?? false,
    limit: count(options.limit, 'limit', Number.POSITIVE_INFINITY),
    maxProblems: count(options.maxProblems, 'maxProblems', 10_000),
    onProblem: options.onProblem,
  };
}

/** @internal Options for random access: no running checksums, no stop, no callback (problems are returned). */
export function randomAccessOptions(options: CoreOptions): CoreOptions {
  return {
    ...options,
    verifyRunningChecksums: false,
    stopAtEos: false,
    limit: Number.POSITIVE_INFINITY,
    maxProblems: Number.POSITIVE_INFINITY,
    onProblem: undefined,
  };
}
