/**
 * What readers report instead of throwing: problems (`ReadProblem` of `@x/binary` plus the fields of each
 * code) and how a read ended (`ReadEnd` plus the counts of messages and beacons).
 *
 * @module
 */
import type { ReadEnd, ReadProblem } from '@x/binary';
import { SeaStreamerFileError, type SeaStreamerFileErrorCode } from './errors.js';
import type { SeaStreamerMessage } from './frame.js';

/** Fields every problem of a `.ss` reader has (`ReadProblem` of `@x/binary` with this package's codes). */
export type SeaStreamerProblemBase = ReadProblem<SeaStreamerFileErrorCode>;

/** A payload whose CRC-16 differs from the checksum stored in its frame: the message is damaged. */
export interface ChecksumMismatchProblem extends SeaStreamerProblemBase {
  /** Code of this problem. */
  readonly code: 'CHECKSUM_MISMATCH';
  /** Always `'error'`. */
  readonly severity: 'error';
  /** Offset of the message. */
  readonly offset: number;
  /** Checksum stored in the frame. */
  readonly received: number;
  /** CRC-16 of the payload. */
  readonly computed: number;
  /** The decoded message (with `checksumOk: false`). */
  readonly decoded: SeaStreamerMessage;
}

/**
 * A message the reference Rust reader refuses: a stream key that is not UTF-8 (`INVALID_UTF8`, unless
 * `lenientUtf8`), and with `strict` a key outside `[A-Za-z0-9._-]{0,249}` (`INVALID_STREAM_KEY`) or a
 * timestamp after 9999-12-31 (`TIMESTAMP_OUT_OF_RANGE`).
 */
export interface MessageProblem extends SeaStreamerProblemBase {
  /** Code of this problem. */
  readonly code: 'INVALID_UTF8' | 'INVALID_STREAM_KEY' | 'TIMESTAMP_OUT_OF_RANGE';
  /** Always `'error'`. */
  readonly severity: 'error';
  /** Offset of the message. */
  readonly offset: number;
  /** The decoded message (an invalid key decoded with U+FFFD replacements). */
  readonly decoded: SeaStreamerMessage;
}

/**
 * A header file name that is not valid UTF-8 (the reference Rust reader refuses the file). Readers decode it
 * with U+FFFD replacements and go on; with `strict` opening throws `INVALID_UTF8`, with `lenientUtf8` nothing
 * is reported.
 */
export interface FileNameProblem extends SeaStreamerProblemBase {
  /** Code of this problem. */
  readonly code: 'INVALID_UTF8';
  /** Always `'error'`. */
  readonly severity: 'error';
  /** Offset of the file name in the header (4). */
  readonly offset: 4;
}

/**
 * A marker whose running checksum differs from the one computed over the messages read (spec §6.2).
 * Appends and reconnects restart registers legitimately, so this is a warning; the reader then takes the
 * marker's value as the new register.
 */
export interface RunningChecksumMismatchProblem extends SeaStreamerProblemBase {
  /** Code of this problem. */
  readonly code: 'RUNNING_CHECKSUM_MISMATCH';
  /** Always `'warning'`. */
  readonly severity: 'warning';
  /** Offset of the beacon. */
  readonly offset: number;
  /** Offset of the beacon (same as `offset`). */
  readonly beaconOffset: number;
  /** Stream key of the marker. */
  readonly streamKey: string;
  /** Shard id of the marker. */
  readonly shardId: bigint;
  /** Running checksum computed from the messages read. */
  readonly expected: number;
  /** Running checksum stored in the marker. */
  readonly found: number;
}

/**
 * A beacon whose remaining-bytes count `R` contradicts the frame it cuts (the frame has `expected` bytes after
 * the beacon, the beacon says `found`). Readers stitch frames by the interval, not by `R`, so the message still
 * decodes; sequential reading and random access both deliver it and report this warning.
 */
export interface RemainingBytesMismatchProblem extends SeaStreamerProblemBase {
  /** Code of this problem. */
  readonly code: 'REMAINING_BYTES_MISMATCH';
  /** Always `'warning'`. */
  readonly severity: 'warning';
  /** Offset of the beacon. */
  readonly offset: number;
  /** Offset of the message whose frame the beacon cuts; `undefined` for a beacon at a frame start (cuts none). */
  readonly messageOffset: number | undefined;
  /** Frame bytes that follow the beacon. */
  readonly expected: number;
  /** The beacon's count. */
  readonly found: number;
}

/**
 * A decoration byte with an unexpected value (spec §1, §3, §5): a frame terminator (`BAD_TERMINATOR`), a
 * beacon lead or tail byte (`BAD_BEACON_DELIMITER`), both `0x0D`, or the header padding (`BAD_HEADER_PADDING`:
 * zeros, then `0x0D` at offset 127). The reference readers never check them and the data still decodes, so
 * these are warnings; they usually mean damage or a foreign writer. Reported once per frame, beacon or header
 * (the first bad byte), unless `verifyDecoration: false`.
 */
export interface DecorationProblem extends SeaStreamerProblemBase {
  /** Code of this problem. */
  readonly code: 'BAD_TERMINATOR' | 'BAD_BEACON_DELIMITER' | 'BAD_HEADER_PADDING';
  /** Always `'warning'`. */
  readonly severity: 'warning';
  /** Offset of the message or beacon; for the header, of the bad byte. */
  readonly offset: number;
  /** Offset of the (first) bad byte. */
  readonly byteOffset: number;
  /** The byte found there. */
  readonly found: number;
  /** The byte expected there (`0x0D`, or `0x00` in the header padding). */
  readonly expected: number;
}

/** A follower's file-change notifications failed; it polls instead (a warning). */
export interface WatchProblem extends SeaStreamerProblemBase {
  /** Code of this problem. */
  readonly code: 'WATCH_ERROR';
  /** Always `'warning'`. */
  readonly severity: 'warning';
}

/** A problem a reader found and reported (see `severity`); reading went on. */
export type SeaStreamerProblem =
  | ChecksumMismatchProblem
  | MessageProblem
  | FileNameProblem
  | RunningChecksumMismatchProblem
  | RemainingBytesMismatchProblem
  | DecorationProblem
  | WatchProblem;

/**
 * How a read ended: `ReadEnd` of `@x/binary` (`state`, `offset`, `trailingBytes`, `errors`, `warnings`,
 * `complete`) plus the messages and beacons read.
 *
 * - `eof`: clean end of data (possibly followed by one complete beacon); `eos`: the same, the last message
 *   being the end-of-stream message (or reading stopped at it with `stopAtEos`);
 * - `truncated`: a partial frame or beacon follows the last complete message (a live writer, a crash, a size
 *   limit); `offset` is where it starts;
 * - `limit`: `limit` messages were read, or the reader was closed first; `offset` is the next unread frame;
 * - `aborted` / `idle` / `removed`: a follower's signal fired / no byte came for `idleTimeout` ms / the file
 *   was deleted, replaced or shrank below the read position.
 */
export interface SeaStreamerEnd extends ReadEnd {
  /** Messages read (delivered), beacons included in neither count. */
  readonly messages: number;
  /** Beacons read. */
  readonly beacons: number;
}

/** @internal Options of the problem log. */
export interface ProblemLogOptions {
  readonly maxProblems: number;
  readonly onProblem: ((problem: SeaStreamerProblem) => void) | undefined;
}

/** @internal Keeps the problems of one read: capped list, uncapped counts, the `onProblem` callback. */
export class ProblemLog {
  readonly list: SeaStreamerProblem[] = [];
  errors = 0;
  warnings = 0;

  constructor(private readonly options: ProblemLogOptions) {}

  add(problem: SeaStreamerProblem): void {
    if (problem.severity === 'error') this.errors++;
    else this.warnings++;
    if (this.list.length < this.options.maxProblems) this.list.push(problem);
    this.options.onProblem?.(problem);
  }
}

/** @internal The exception `strict` mode throws for an error problem. */
export function problemError(problem: SeaStreamerProblem): SeaStreamerFileError {
  const details =
    problem.code === 'CHECKSUM_MISMATCH'
      ? { received: problem.received, computed: problem.computed, decoded: problem.decoded }
      : 'decoded' in problem
        ? { decoded: problem.decoded }
        : {};
  return new SeaStreamerFileError(problem.code, problem.message, {
    ...(problem.offset === undefined ? {} : { offset: problem.offset }),
    ...details,
  });
}

/** @internal Builds the end record of a read. */
export function makeEnd(
  state: SeaStreamerEnd['state'],
  offset: number,
  dataEnd: number,
  log: ProblemLog,
  messages: number,
  beacons: number,
): SeaStreamerEnd {
  return {
    state,
    offset,
    trailingBytes: Math.max(0, dataEnd - offset),
    errors: log.errors,
    warnings: log.warnings,
    complete: log.errors === 0 && state !== 'truncated',
    messages,
    beacons,
  };
}
