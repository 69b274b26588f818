/**
 * The error class of `@x/moqtrace` and its stable codes.
 *
 * @module
 */

/**
 * Stable machine-readable codes carried by {@link MoqtraceError} and by reading problems.
 *
 * - `BAD_MAGIC`: the input does not start with `MOQTRACE` (not a .moqtrace file).
 * - `UNSUPPORTED_VERSION`: the preamble's format version is neither 1 nor 2.
 * - `TRUNCATED`: the input ends inside a preamble, a header or an event.
 * - `MALFORMED_HEADER`: the header region is not a CBOR map with the required keys (the message names the key).
 * - `MALFORMED_CBOR`: invalid CBOR structure; the item boundary is lost.
 * - `MALFORMED_EVENT`: a well-formed CBOR item that cannot become an event (not a map, unusable `e`/`n`/`t`,
 *   a known type missing a required key, or an item cbor-x refuses).
 * - `INVALID_ARGUMENT`: an API was called with a value it does not accept (unknown detail level, an event
 *   that cannot be encoded, version 1 forced on content that needs version 2, ...).
 * - `WRITER_CLOSED`: a writer or recorder was used after `close()`.
 * - `IO_ERROR`: the sink or source failed.
 */
export type MoqtraceErrorCode =
  | 'BAD_MAGIC'
  | 'UNSUPPORTED_VERSION'
  | 'TRUNCATED'
  | 'MALFORMED_HEADER'
  | 'MALFORMED_CBOR'
  | 'MALFORMED_EVENT'
  | 'INVALID_ARGUMENT'
  | 'WRITER_CLOSED'
  | 'IO_ERROR';

const MARKER = Symbol.for('@x/moqtrace.MoqtraceError');

/** Options accepted by the {@link MoqtraceError} constructor. */
export interface MoqtraceErrorOptions {
  /** Byte offset in the input where the problem was found. */
  offset?: number;
  /** The underlying error, if any. */
  cause?: unknown;
  /** Anything the thrower wants to hand over (for example the partial trace of a strict read). */
  details?: unknown;
}

/**
 * The single error class thrown by `@x/moqtrace`. Damaged data is reported as problems in results; this error
 * is for misuse and for inputs that cannot be opened at all.
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
export class MoqtraceError extends Error {
  /** Stable code, see {@link MoqtraceErrorCode}. */
  readonly code: MoqtraceErrorCode;
  /** Byte offset where the problem was found, when known. */
  readonly offset: number | undefined;
  /** Extra data attached by the thrower (a strict read attaches the partial trace). */
  readonly details: unknown;

  constructor(code: MoqtraceErrorCode, message: string, options: MoqtraceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MoqtraceError';
    this.code = code;
    this.offset = options.offset;
    this.details = options.details;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /**
   * True when `value` is a `MoqtraceError`, also one created by another copy of this package.
   */
  static is(value: unknown): value is MoqtraceError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
