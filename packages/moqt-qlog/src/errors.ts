/**
 * The error class of `@x/moqt-qlog`, its codes, and the problems its reader reports.
 *
 * @module
 */
import { CodedError, type CodedErrorOptions, type ReadEnd, type ReadProblem } from '@x/binary';

/**
 * Stable codes carried by {@link QlogError} and by reading problems ({@link QlogProblem}).
 *
 * Shared meanings (same code in every package of the toolkit): `TRUNCATED` (the input ends inside a record),
 * `INVALID_ARGUMENT`, `CLOSED`, `IO_ERROR`, `INVALID_UTF8` (a record that is not UTF-8 was read as Latin-1).
 * This package's own:
 *
 * - `NOT_QLOG`: the input is not a qlog/mlog file (no JSON value, or the first value is neither a qlog header
 *   nor an event).
 * - `NO_MOQT_EVENTS`: the file is qlog but has no MoQT event (QUIC-only qlog, another protocol's log).
 * - `MALFORMED`: a record that is not JSON (or is too large or too deeply nested to be one); reading goes on with
 *   the next record.
 * - `MALFORMED_EVENT`: a record that is JSON but not a usable event (not an object, no `name`, no usable
 *   `time`); reading goes on.
 * - `LATE_TRACE_FIELDS`: a contained trace has header fields after its `events` array (warning; they cannot
 *   apply to events already read).
 */
export type QlogErrorCode =
  | 'TRUNCATED'
  | 'INVALID_ARGUMENT'
  | 'CLOSED'
  | 'IO_ERROR'
  | 'INVALID_UTF8'
  | 'NOT_QLOG'
  | 'NO_MOQT_EVENTS'
  | 'MALFORMED'
  | 'MALFORMED_EVENT'
  | 'LATE_TRACE_FIELDS';

/** Options of the {@link QlogError} constructor. */
export interface QlogErrorOptions extends CodedErrorOptions {
  /** Anything the thrower hands over (a strict read attaches the partial contents). */
  details?: unknown;
}

/**
 * The error class of `@x/moqt-qlog`. Damaged records are reported as problems; this error is for misuse, for
 * inputs that cannot be read at all (`NOT_QLOG`, `NO_MOQT_EVENTS`) and for the first error of a `strict` read.
 *
 * @example
 * ```ts
 * try {
 *   readQlog(bytes);
 * } catch (error) {
 *   if (QlogError.is(error) && error.code === 'NO_MOQT_EVENTS') console.error('not a MoQT log');
 * }
 * ```
 */
export class QlogError extends CodedError<QlogErrorCode> {
  static override readonly marker: symbol = Symbol.for('@x/moqt-qlog.QlogError');

  /** Extra data attached by the thrower. */
  readonly details: unknown;

  constructor(code: QlogErrorCode, message: string, options: QlogErrorOptions = {}) {
    super(code, message, options);
    this.name = 'QlogError';
    this.details = options.details;
  }
}

/** Codes of {@link QlogProblem}s. */
export type QlogProblemCode = 'TRUNCATED' | 'MALFORMED' | 'MALFORMED_EVENT' | 'INVALID_UTF8' | 'LATE_TRACE_FIELDS';

/**
 * A problem the qlog reader found and went on after. `offset` is the byte offset of the record (for JSON-SEQ the
 * position of its RS byte, else the first byte of the JSON value).
 *
 * - `MALFORMED` (error): the record is not JSON; the next record is read.
 * - `MALFORMED_EVENT` (error): the record is JSON but not an event.
 * - `TRUNCATED` (warning): the input ends inside the last record, which is dropped; the end state is
 *   `truncated`.
 * - `INVALID_UTF8` (warning): a record is not UTF-8 and was read as Latin-1 (moxygen embeds raw payload bytes).
 * - `LATE_TRACE_FIELDS` (warning): trace fields after a contained trace's events.
 */
export interface QlogProblem extends ReadProblem<QlogProblemCode> {
  /** Byte offset of the record. */
  readonly offset: number;
  /** Index of the record in the file (0-based, header records included). */
  readonly record: number;
  /** Index of the segment (contained trace, or `.moqtrace` segment of an export) the record belongs to. */
  readonly segment: number;
}

/** How a qlog read ended: the shared {@link ReadEnd} plus counts. */
export interface QlogEnd extends ReadEnd {
  /** `.moqtrace` events produced. */
  readonly events: number;
  /** qlog records read (header records included, damaged ones too). */
  readonly records: number;
  /** Segments (contained traces, or segments of an exported `.moqtrace`). */
  readonly segments: number;
  /** Transport-layer events skipped (`quic:*`, `transport:*`, ... without `keepTransport`). */
  readonly skipped: number;
}
