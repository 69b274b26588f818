/**
 * The error class of `@x/seastreamer-file` and its stable codes (spec §11.5).
 *
 * @module
 */

/**
 * Stable machine-readable codes carried by {@link SeaStreamerFileError} and by reader problems.
 *
 * - `TRUNCATED`: an incomplete header (at open), frame or beacon (random access).
 * - `BAD_MAGIC` / `UNSUPPORTED_VERSION`: bytes 0–1 are not `Ss` / byte 2 is not 1.
 * - `CHECKSUM_MISMATCH`: a payload's CRC-16 differs from the stored checksum.
 * - `RUNNING_CHECKSUM_MISMATCH`: a beacon marker's running checksum differs (a warning, never thrown).
 * - `BAD_TERMINATOR` / `BAD_BEACON_DELIMITER` / `BAD_HEADER_PADDING`: a `0x0D` decoration byte (frame
 *   terminator, beacon lead or tail byte, header byte 127) or a header padding byte (`0x00`) holds another
 *   value; the reference readers never check these (warnings, never thrown; `verifyDecoration: false` turns
 *   them off).
 * - `INVALID_STREAM_KEY`: a key with characters outside `[A-Za-z0-9._-]`, longer than 249 bytes, empty
 *   (writers, unless allowed) or reserved (writers).
 * - `TIMESTAMP_OUT_OF_RANGE`: a timestamp outside 0..253402300799999 ms.
 * - `FILE_NAME_TOO_LONG`: a header file name over 111 UTF-8 bytes.
 * - `SIZE_LIMIT_EXCEEDED`: a message would take the file over the writer's size limit.
 * - `INVALID_UTF8`: a stream key or file name that is not UTF-8 (strict decoding).
 * - `INVALID_BEACON_INTERVAL`: an interval below 128 or above 2^32−1.
 * - `PAYLOAD_TOO_LARGE`: a payload of 2^32 bytes or more.
 * - `VALUE_OUT_OF_RANGE`: a number that is not an integer in 0..2^64−1 (or not a valid option value).
 * - `TOO_MANY_MARKERS`: a beacon would need more than 255 markers (unreachable with the standard formula).
 * - `SEEK_OUT_OF_BOUND`: no message matches a seek; the previous position is kept.
 * - `SEEK_EXHAUSTED`: reserved for parity with the reference (the deterministic search never gives up).
 * - `NOT_SEEKABLE`: random access was asked of a source without `readAt`/`seek`/size (a plain stream).
 * - `OUT_OF_RANGE`: `readMessageAt` was given an offset where no message frame starts: inside the header,
 *   on or inside a beacon, inside the frame a beacon cuts, beyond the data, or where the beacons inside the
 *   frame do not agree with the frame's size.
 * - `TIMED_OUT`: a follower's configured idle timeout elapsed.
 * - `FILE_REMOVED`: the file was deleted or shrank below the read position.
 * - `IO_ERROR`: the operating system or the byte sink/source failed.
 * - `WATCH_ERROR`: file-change notifications failed (a warning; polling continues).
 * - `STREAM_ENDED`: a read after the reader was closed.
 * - `WRITER_CLOSED`: a write after `end()`.
 */
export type SeaStreamerFileErrorCode =
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'UNSUPPORTED_VERSION'
  | 'CHECKSUM_MISMATCH'
  | 'RUNNING_CHECKSUM_MISMATCH'
  | 'BAD_TERMINATOR'
  | 'BAD_BEACON_DELIMITER'
  | 'BAD_HEADER_PADDING'
  | 'INVALID_STREAM_KEY'
  | 'TIMESTAMP_OUT_OF_RANGE'
  | 'FILE_NAME_TOO_LONG'
  | 'SIZE_LIMIT_EXCEEDED'
  | 'INVALID_UTF8'
  | 'INVALID_BEACON_INTERVAL'
  | 'PAYLOAD_TOO_LARGE'
  | 'VALUE_OUT_OF_RANGE'
  | 'TOO_MANY_MARKERS'
  | 'SEEK_OUT_OF_BOUND'
  | 'SEEK_EXHAUSTED'
  | 'NOT_SEEKABLE'
  | 'OUT_OF_RANGE'
  | 'TIMED_OUT'
  | 'FILE_REMOVED'
  | 'IO_ERROR'
  | 'WATCH_ERROR'
  | 'STREAM_ENDED'
  | 'WRITER_CLOSED';

const MARKER = Symbol.for('@x/seastreamer-file.SeaStreamerFileError');

/** Options accepted by the {@link SeaStreamerFileError} constructor. */
export interface SeaStreamerFileErrorOptions {
  /** Byte offset in the file where the problem was found. */
  offset?: number;
  /** The underlying error, if any. */
  cause?: unknown;
  /** For `CHECKSUM_MISMATCH`: the checksum stored in the frame. */
  received?: number;
  /** For `CHECKSUM_MISMATCH`: the CRC-16 computed over the payload. */
  computed?: number;
  /** For `CHECKSUM_MISMATCH` (and stream-key errors on read): the decoded message, so callers can still use it. */
  decoded?: unknown;
}

/**
 * The single error class thrown by `@x/seastreamer-file`. Every instance has a stable
 * {@link SeaStreamerFileError.code} and, when known, the byte {@link SeaStreamerFileError.offset}.
 *
 * @example
 * ```ts
 * try {
 *   readSeaStreamerFile(bytes);
 * } catch (error) {
 *   if (SeaStreamerFileError.is(error) && error.code === 'CHECKSUM_MISMATCH') {
 *     console.log(error.offset, error.received, error.computed);
 *   }
 * }
 * ```
 */
export class SeaStreamerFileError extends Error {
  /** Stable code, see {@link SeaStreamerFileErrorCode}. */
  readonly code: SeaStreamerFileErrorCode;
  /** Byte offset where the problem was found, when known. */
  readonly offset: number | undefined;
  /** For `CHECKSUM_MISMATCH`: the stored checksum. */
  readonly received: number | undefined;
  /** For `CHECKSUM_MISMATCH`: the computed checksum. */
  readonly computed: number | undefined;
  /** For read errors on a complete frame: the decoded message (a `SeaStreamerMessage`). */
  readonly decoded: unknown;

  constructor(code: SeaStreamerFileErrorCode, message: string, options: SeaStreamerFileErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SeaStreamerFileError';
    this.code = code;
    this.offset = options.offset;
    this.received = options.received;
    this.computed = options.computed;
    this.decoded = options.decoded;
    Object.defineProperty(this, MARKER, { value: true });
  }

  /**
   * True when `value` is a `SeaStreamerFileError`, also one created by another copy of this package
   * (a duplicated dependency), where `instanceof` would say false.
   */
  static is(value: unknown): value is SeaStreamerFileError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
