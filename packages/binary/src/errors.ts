/**
 * The one error base of the toolkit ({@link CodedError}), the shared code vocabulary, and `@x/binary`'s own
 * error class ({@link BinaryError}).
 *
 * Every package's error class extends {@link CodedError}: same fields (`code`, `offset`, `cause`), same
 * cross-copy `is()`, and the same code where the meaning is shared ({@link SharedErrorCode}). Packages add codes
 * only for meanings that belong to their format (`BAD_MAGIC`, `CHECKSUM_MISMATCH`, `MALFORMED_CBOR`, ...).
 *
 * @module
 */

/**
 * The codes whose meaning is the same in every package of the toolkit:
 *
 * - `TRUNCATED`: the input ends inside a unit (a read needed more bytes than there are).
 * - `OUT_OF_RANGE`: a position, offset, length or value lies outside what the data or the type holds (an
 *   offset past the end, a record offset where no record starts, a u64 that does not fit a safe number).
 * - `INVALID_ARGUMENT`: an API was called with a value it does not accept (wrong type, not an integer, an option
 *   outside its allowed values).
 * - `CLOSED`: a source, reader, writer or sink was used after `close()`.
 * - `IO_ERROR`: the file system, blob, stream or sink failed.
 * - `INVALID_UTF8`: bytes are not well-formed UTF-8 where text is required (strict decoding).
 * - `TIMED_OUT`: a configured idle timeout elapsed (followers).
 * - `FILE_REMOVED`: a followed file was deleted, replaced or shrank below the read position.
 * - `NOT_SEEKABLE`: random access was asked of a source that has none (a plain stream).
 */
export const SHARED_ERROR_CODES = Object.freeze([
  'TRUNCATED',
  'OUT_OF_RANGE',
  'INVALID_ARGUMENT',
  'CLOSED',
  'IO_ERROR',
  'INVALID_UTF8',
  'TIMED_OUT',
  'FILE_REMOVED',
  'NOT_SEEKABLE',
] as const);

/** One of the {@link SHARED_ERROR_CODES}. */
export type SharedErrorCode = (typeof SHARED_ERROR_CODES)[number];

const SHARED = new Set<string>(SHARED_ERROR_CODES);

/**
 * True when `code` is one of the shared codes: a package converting another package's error into its own class
 * keeps such a code, and maps the rest to its nearest meaning.
 *
 * @example
 * ```ts
 * const code = isSharedErrorCode(error.code) ? error.code : 'IO_ERROR';
 * ```
 */
export function isSharedErrorCode(code: string): code is SharedErrorCode {
  return SHARED.has(code);
}

/** Options of the {@link CodedError} constructor (subclasses add their own fields). */
export interface CodedErrorOptions {
  /** Byte offset in the input where the problem was found. */
  offset?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

const BASE_MARKER = Symbol.for('@x/binary.CodedError');

/** A class of the {@link CodedError} family, as seen by the static `is()`: it carries its own marker. */
export interface CodedErrorClass {
  /** The `Symbol.for` marker its instances carry. */
  readonly marker: symbol;
}

/**
 * The base of every error the toolkit throws: a stable UPPER_SNAKE {@link CodedError.code}, the byte
 * {@link CodedError.offset} when known, the standard `cause`, and a static `is()` that also recognises errors
 * made by another copy of a package (a duplicated dependency, where `instanceof` says false) through a
 * `Symbol.for` marker per class.
 *
 * Subclasses declare `static override readonly marker = Symbol.for('<package>.<Class>')` and set `name`.
 *
 * @example
 * ```ts
 * try {
 *   readSomething(bytes);
 * } catch (error) {
 *   if (CodedError.is(error)) console.error(`${error.code} at offset ${error.offset}: ${error.message}`);
 * }
 * ```
 */
export class CodedError<C extends string = string> extends Error {
  /** Marker of this class; each subclass has its own. */
  static readonly marker: symbol = BASE_MARKER;

  /** Stable machine-readable code. */
  readonly code: C;
  /** Byte offset where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(code: C, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    this.code = code;
    this.offset = options.offset;
    // Mark the instance with the marker of every class in its chain, so `X.is()` works for each of them.
    for (let k: unknown = new.target; typeof k === 'function' && k !== Error; k = Object.getPrototypeOf(k)) {
      if (Object.hasOwn(k, 'marker')) {
        Object.defineProperty(this, (k as unknown as CodedErrorClass).marker, { value: true });
      }
    }
  }

  /**
   * True when `value` is an instance of the class `is` is called on (`CodedError.is`: any toolkit error;
   * `MoqtraceError.is`: only those), also one created by another copy of its package.
   */
  static is<T>(this: (abstract new (...args: never[]) => T) & CodedErrorClass, value: unknown): value is T {
    // `this` is the class `is` was called on (polymorphic on purpose): each subclass checks its own marker.
    // biome-ignore lint/complexity/noThisInStatic: the receiver class decides which marker to check
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[this.marker] === true;
  }
}

/**
 * Codes carried by {@link BinaryError}: the shared ones it can raise, plus `INVALID_HEX` (a hex string with an
 * odd length or a character outside `0-9a-fA-F`).
 */
export type BinaryErrorCode = SharedErrorCode | 'INVALID_HEX';

/** Options accepted by the {@link BinaryError} constructor. */
export type BinaryErrorOptions = CodedErrorOptions;

/**
 * The error class of `@x/binary`. Every instance has a stable {@link BinaryError.code} and, when known, the byte
 * {@link BinaryError.offset} where the problem was found.
 *
 * @example
 * ```ts
 * try {
 *   fromHex('abc');
 * } catch (error) {
 *   if (BinaryError.is(error) && error.code === 'INVALID_HEX') console.log(error.offset); // 2
 * }
 * ```
 */
export class BinaryError extends CodedError<BinaryErrorCode> {
  static override readonly marker: symbol = Symbol.for('@x/binary.BinaryError');

  constructor(code: BinaryErrorCode, message: string, options: BinaryErrorOptions = {}) {
    super(code, message, options);
    this.name = 'BinaryError';
  }
}

/** The `CLOSED` error of an object used after `close()` (`what`: "the byte source", "the writer", ...). */
export function closedError(what: string): BinaryError {
  return new BinaryError('CLOSED', `${what} was closed`);
}

/** A short, safe description of a value for error messages (never the whole of a large value). */
export function describeArgument(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) {
    return String(value);
  }
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'function' ? 'a function' : 'an object';
}
