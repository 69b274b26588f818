/**
 * The error class of `@x/binary` and its stable codes.
 *
 * @module
 */

/**
 * Stable machine-readable codes carried by {@link BinaryError}.
 *
 * - `TRUNCATED`: a read needed more bytes than the input holds.
 * - `OUT_OF_RANGE`: a position, length or value is outside what the operation accepts.
 * - `INVALID_UTF8`: bytes are not well-formed UTF-8 (strict decoding).
 * - `OVERFLOW`: a 64-bit value does not fit a safe JavaScript number, or a value does not fit its field.
 * - `INVALID_HEX`: a hex string has an odd length or a character outside `0-9a-fA-F`.
 * - `SOURCE_CLOSED`: a byte source was used after `close()`.
 * - `IO_ERROR`: the underlying file, blob or stream failed.
 */
export type BinaryErrorCode =
  | 'TRUNCATED'
  | 'OUT_OF_RANGE'
  | 'INVALID_UTF8'
  | 'OVERFLOW'
  | 'INVALID_HEX'
  | 'SOURCE_CLOSED'
  | 'IO_ERROR';

const MARKER = Symbol.for('@x/binary.BinaryError');

/** Options accepted by the {@link BinaryError} constructor. */
export interface BinaryErrorOptions {
  /** Byte offset in the input where the problem was found. */
  offset?: number;
  /** Bytes that were needed (for `TRUNCATED`). */
  needed?: number;
  /** Bytes that were available (for `TRUNCATED`). */
  available?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The single error class thrown by `@x/binary`. Every instance has a stable {@link BinaryError.code}
 * and, when known, the byte {@link BinaryError.offset} where the problem was found.
 *
 * @example
 * ```ts
 * try {
 *   new ByteReader(new Uint8Array(2)).u32();
 * } catch (error) {
 *   if (BinaryError.is(error) && error.code === 'TRUNCATED') {
 *     console.log(error.offset, error.needed); // 0 4
 *   }
 * }
 * ```
 */
export class BinaryError extends Error {
  /** Stable code, see {@link BinaryErrorCode}. */
  readonly code: BinaryErrorCode;
  /** Byte offset where the problem was found, when known. */
  readonly offset: number | undefined;
  /** For `TRUNCATED`: bytes the read needed. */
  readonly needed: number | undefined;
  /** For `TRUNCATED`: bytes that were available. */
  readonly available: number | undefined;

  constructor(code: BinaryErrorCode, message: string, options: BinaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BinaryError';
    this.code = code;
    this.offset = options.offset;
    this.needed = options.needed;
    this.available = options.available;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /**
   * True when `value` is a `BinaryError`, also one created by another copy of this package
   * (a duplicated dependency), where `instanceof` would say false.
   */
  static is(value: unknown): value is BinaryError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** Creates the `TRUNCATED` error for a read of `needed` bytes at `offset` with `available` left. */
export function truncatedError(offset: number, needed: number, available: number): BinaryError {
  return new BinaryError(
    'TRUNCATED',
    `unexpected end of data at offset ${offset}: needed ${needed} byte${needed === 1 ? '' : 's'}, ${available} available`,
    { offset, needed, available },
  );
}
