/**
 * What the readers report: problems, the end of a read, segment and event records, and the options every reading
 * API shares.
 *
 * @module
 */
import type { EndState, ReadEnd, ReadProblem } from '@x/binary';
import type { MoqtraceErrorCode } from '../errors.js';
import type { TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';

/** Codes of warnings (problems that do not make a read incomplete). */
export type TraceWarningCode = 'DUPLICATE_KEY' | 'HEADER_TRAILING_BYTES' | 'SEGMENT_MISMATCH';

/** Every code a reading problem can have. */
export type TraceProblemCode = MoqtraceErrorCode | TraceWarningCode | 'UNUSABLE_SEGMENT';

/**
 * A problem found while reading. Errors (`severity: 'error'`) make the read incomplete; warnings do not.
 *
 * Errors: `TRUNCATED`, `MALFORMED_CBOR`, `NESTING_TOO_DEEP` and `ITEM_TOO_LARGE` (boundary lost; `skippedBytes`
 * until the resync point), `MALFORMED_EVENT` (one item skipped), `MALFORMED_HEADER` / `UNSUPPORTED_VERSION` (a
 * later segment skipped; `skippedEvents`), `UNUSABLE_SEGMENT` (a `segment` value that is not a map: kept in the
 * header store, the trace reads as non-segmented). Warnings: `DUPLICATE_KEY`, `HEADER_TRAILING_BYTES`,
 * `SEGMENT_MISMATCH`.
 */
export interface TraceProblem extends ReadProblem<TraceProblemCode> {
  /** Byte offset of the item, preamble or header concerned. */
  readonly offset: number;
  /** Index of the segment concerned. */
  readonly segment: number;
  /** Index of the item within its segment (events and malformed items both count). */
  readonly index?: number;
  /** The key at fault, when one is (dotted for nested header keys). */
  readonly key?: string;
  /** The decoded item, when it could be decoded (malformed events). */
  readonly value?: unknown;
  /** For `MALFORMED_CBOR`-like problems and skipped segments: bytes skipped. */
  readonly skippedBytes?: number;
  /** For skipped segments: items skipped. */
  readonly skippedEvents?: number;
}

/** How a read ended: `ReadEnd` plus the segments and events read. */
export interface TraceEnd extends ReadEnd {
  /** Segments found. */
  readonly segments: number;
  /** Events decoded. */
  readonly events: number;
}

/** Where a segment starts, its version and its header. */
export interface TraceSegmentInfo {
  /** 0-based index of the segment in file order. */
  readonly index: number;
  /** Byte offset of its preamble. */
  readonly offset: number;
  /** Format version of its preamble. */
  readonly version: number;
  /** Length of its header map region. */
  readonly headerLength: number;
  /** Byte offset of its first event. */
  readonly eventsOffset: number;
  /** Its header. */
  readonly header: TraceHeader;
}

/** A segment with its events (whole-buffer reads). */
export interface TraceSegment extends TraceSegmentInfo {
  /** Events of this segment, in file order. */
  readonly events: TraceEvent[];
  /** Byte offset of each event, parallel to `events`. */
  readonly eventOffsets: number[];
}

/** A record of a reader: an event with its offset and segment index. */
export interface TraceEventRecord {
  /** Discriminant. */
  readonly kind: 'event';
  /** Byte offset of the event's item. */
  readonly offset: number;
  /** Index of its segment. */
  readonly segment: number;
  /** The event. */
  readonly event: TraceEvent;
}

/** A record of a reader asked for segments (`segments: true`): a segment starts. */
export interface TraceSegmentRecord extends TraceSegmentInfo {
  /** Discriminant. */
  readonly kind: 'segment';
}

/** What a trace reader yields, in file order. */
export type TraceRecord = TraceEventRecord | TraceSegmentRecord;

/** Options of every reading API (one name per meaning across the toolkit's readers). */
export interface TraceReadOptions {
  /** Copy typed byte fields (`payload`, `raw`, ...) out of the input instead of viewing it. Default false. */
  copyBytes?: boolean;
  /** Keep at most this many problems in `problems` (all are counted in the end). Default 1000. */
  maxProblems?: number;
  /**
   * Called with every problem, in input order. A streaming reader calls it in order with the records it hands
   * out: after every record before the problem, before any record after it.
   */
  onProblem?: (problem: TraceProblem) => void;
  /** Stop after this many events (end state `limit`). */
  limit?: number;
  /** Throw the first error problem as a {@link MoqtraceError} (code and offset of the problem). */
  strict?: boolean;
  /**
   * Largest item (event or header) accepted, in bytes: a longer one, or one declaring it will be longer, is
   * `ITEM_TOO_LARGE` whatever the chunking, so a reader never buffers more for one item; reading resumes at the
   * next valid preamble, as after broken CBOR. Default 256 MiB.
   */
  maxItemBytes?: number;
}

/** End states a trace read can have. */
export type TraceEndState = EndState;
