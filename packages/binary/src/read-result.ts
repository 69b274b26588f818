/**
 * The vocabulary every reader of the toolkit shares: problems (damaged or unusual data found while reading,
 * reported instead of thrown) and the end of a read. Format packages extend these types with their own fields
 * and codes; the field names and meanings below are the same everywhere.
 *
 * @module
 */

/**
 * `error`: the data is damaged (the read is not complete); `warning`: a legitimate or harmless deviation (the
 * read stays complete).
 */
export type ProblemSeverity = 'error' | 'warning';

/**
 * A problem a reader found and reported, then went on. Format packages extend it (`TraceProblem`,
 * `SeaStreamerProblem`) with the fields of their codes.
 */
export interface ReadProblem<C extends string = string> {
  /** Stable UPPER_SNAKE code (shared meanings use the shared codes: `TRUNCATED`, `CHECKSUM_MISMATCH`, ...). */
  readonly code: C;
  /** Whether the problem makes the read incomplete. */
  readonly severity: ProblemSeverity;
  /** Byte offset of the unit concerned (record, item, beacon, header), when known. */
  readonly offset: number | undefined;
  /** Human-readable, one line. */
  readonly message: string;
}

/**
 * Why a read ended:
 * - `eof`: the input ended at a record boundary;
 * - `eos`: the input ended with the format's end-of-stream record (`.ss`);
 * - `truncated`: the input ended inside a unit (a live writer, a crash, a cut copy);
 * - `limit`: the caller stopped before the end (a `limit` option, or `close()` before the last record);
 * - `aborted`: a follower's `signal` fired;
 * - `idle`: a follower saw no new bytes for its `idleTimeout`;
 * - `removed`: a followed file was deleted, replaced or shrank below the read position.
 */
export type EndState = 'eof' | 'eos' | 'truncated' | 'limit' | 'aborted' | 'idle' | 'removed';

/** How a read ended. Format packages extend it with their counts (`events`, `messages`, ...). */
export interface ReadEnd {
  /** Why reading ended. */
  readonly state: EndState;
  /**
   * Where reading stopped: the end of the input (`eof`, `eos`), the start of the incomplete unit (`truncated`,
   * and a follower stopped inside one), or the next unread record (`limit`).
   */
  readonly offset: number;
  /** Bytes of the input from `offset` on that were not read as records (0 after a clean end). */
  readonly trailingBytes: number;
  /** Problems of severity `error` reported (all of them, also beyond a `maxProblems` cap). */
  readonly errors: number;
  /** Problems of severity `warning` reported. */
  readonly warnings: number;
  /** True when nothing was damaged: no `error` problem and no `truncated` end. */
  readonly complete: boolean;
}
