/**
 * The error class of `@x/moqtrace` and its stable codes.
 *
 * @module
 */
import { CodedError, type CodedErrorOptions } from '@x/binary';

/**
 * Stable machine-readable codes carried by {@link MoqtraceError} and by reading problems.
 *
 * Format codes:
 * - `BAD_MAGIC`: the input does not start with `MOQTRACE` (not a .moqtrace file).
 * - `UNSUPPORTED_VERSION`: the preamble's format version is neither 1 nor 2.
 * - `MALFORMED_HEADER`: the header region is not a CBOR map with the required keys (the message names the key).
 * - `MALFORMED_CBOR`: invalid CBOR structure; the item boundary is lost (reading resyncs on the next preamble).
 * - `NESTING_TOO_DEEP`: an item nests arrays, maps and tags deeper than 512 levels; handled like `MALFORMED_CBOR`.
 * - `ITEM_TOO_LARGE`: an item is, or declares that it is, longer than `maxItemBytes`; handled like `MALFORMED_CBOR`.
 * - `MALFORMED_EVENT`: a well-formed CBOR item that cannot become an event (not a map, unusable `e`/`n`/`t`, a
 *   known type missing a required key, or an item cbor-x refuses).
 * - `INVALID_NDJSON`: an NDJSON line or record that cannot be imported (the message names the line and offset).
 *
 * Shared codes (same meaning in every package): `TRUNCATED`, `INVALID_ARGUMENT` (an API was given a value it does
 * not accept; the message names the field), `OUT_OF_RANGE` (an offset outside the data), `CLOSED` (a writer, recorder or reader used after `close()`),
 * `IO_ERROR`, `NOT_SEEKABLE`, `FILE_REMOVED`, `TIMED_OUT` (a followed file did not appear in time).
 */
export type MoqtraceErrorCode =
  | 'BAD_MAGIC'
  | 'UNSUPPORTED_VERSION'
  | 'MALFORMED_HEADER'
  | 'MALFORMED_CBOR'
  | 'NESTING_TOO_DEEP'
  | 'ITEM_TOO_LARGE'
  | 'MALFORMED_EVENT'
  | 'INVALID_NDJSON'
  | 'TRUNCATED'
  | 'INVALID_ARGUMENT'
  | 'OUT_OF_RANGE'
  | 'CLOSED'
  | 'IO_ERROR'
  | 'NOT_SEEKABLE'
  | 'FILE_REMOVED'
  | 'TIMED_OUT';

/** Options accepted by the {@link MoqtraceError} constructor. */
export interface MoqtraceErrorOptions extends CodedErrorOptions {
  /** The field or key at fault (dotted for nested keys, e.g. `header.startTime`, `segment.sequence`). */
  key?: string;
  /** Anything the thrower wants to hand over (a strict read attaches the partial trace). */
  details?: unknown;
}

/**
 * The error class of `@x/moqtrace` (a `CodedError` of `@x/binary`). Damaged data is reported as problems in
 * results; this error is for misuse, for inputs that cannot be opened at all, and for strict reads.
 *
 * @example
 * ```ts
 * try {
 *   readTrace(bytes);
 * } catch (error) {
 *   if (MoqtraceError.is(error) && error.code === 'BAD_MAGIC') console.log('not a .moqtrace file');
 * }
 * ```
 */
export class MoqtraceError extends CodedError<MoqtraceErrorCode> {
  static override readonly marker: symbol = Symbol.for('@x/moqtrace.MoqtraceError');

  /** The field or key at fault, when one is. */
  readonly key: string | undefined;
  /** Extra data attached by the thrower (a strict read attaches the partial trace). */
  readonly details: unknown;

  constructor(code: MoqtraceErrorCode, message: string, options: MoqtraceErrorOptions = {}) {
    super(code, message, options);
    this.name = 'MoqtraceError';
    this.key = options.key;
    this.details = options.details;
  }
}

/** The `INVALID_ARGUMENT` error for `key`. */
export function invalidArgument(key: string, message: string, cause?: unknown): MoqtraceError {
  return new MoqtraceError('INVALID_ARGUMENT', `${key}: ${message}`, {
    key,
    ...(cause === undefined ? {} : { cause }),
  });
}
