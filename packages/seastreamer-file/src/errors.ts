/**
 * The error class of `@x/seastreamer-file` and its stable codes (spec §11.5): the shared codes of `@x/binary`
 * where the meaning is shared, and the codes of the `.ss` format's own meanings.
 *
 * @module
 */
import { CodedError, type CodedErrorOptions, isSharedErrorCode, type SharedErrorCode } from '@x/binary';

/**
 * Stable machine-readable codes carried by {@link SeaStreamerFileError} and by reader problems.
 *
 * Shared meanings (see `SHARED_ERROR_CODES` in `@x/binary`):
 * - `TRUNCATED`: an incomplete header (at open), frame or beacon (random access).
 * - `OUT_OF_RANGE`: an offset where no message frame starts (inside the header, on or inside a beacon, inside
 *   the frame a beacon cuts, beyond the data), or a seek that no message matches (the position is kept).
 * - `INVALID_ARGUMENT`: an API given a value it does not accept (a number outside 0..2^64−1, a payload that is
 *   neither bytes nor text, a negative offset, an option outside its values).
 * - `CLOSED`: a reader read after `close()`, or a writer written after `close()`.
 * - `IO_ERROR`, `INVALID_UTF8` (a stream key or file name that is not UTF-8), `TIMED_OUT` (a followed file that
 *   was not created within the idle timeout), `FILE_REMOVED`, `NOT_SEEKABLE` (random access on a plain stream).
 *
 * Format codes:
 * - `BAD_MAGIC` / `UNSUPPORTED_VERSION`: bytes 0–1 are not `Ss` / byte 2 is not 1.
 * - `CHECKSUM_MISMATCH`: a payload's CRC-16 differs from the stored checksum.
 * - `RUNNING_CHECKSUM_MISMATCH`: a beacon marker's running checksum differs (a warning).
 * - `REMAINING_BYTES_MISMATCH`: a beacon's remaining-bytes count contradicts the frame it cuts (a warning).
 * - `BAD_TERMINATOR` / `BAD_BEACON_DELIMITER` / `BAD_HEADER_PADDING`: a `0x0D` decoration byte (frame
 *   terminator, beacon lead or tail byte, header byte 127) or a header padding byte (`0x00`) holds another
 *   value; the reference readers never check these (warnings; `verifyDecoration: false` turns them off).
 * - `INVALID_STREAM_KEY`: a key with characters outside `[A-Za-z0-9._-]`, longer than 249 bytes, empty
 *   (writers, unless allowed) or reserved (writers).
 * - `TIMESTAMP_OUT_OF_RANGE`: a timestamp outside 0..253402300799999 ms.
 * - `FILE_NAME_TOO_LONG`: a header file name over 111 UTF-8 bytes.
 * - `SIZE_LIMIT_EXCEEDED`: a message would take the file over the writer's size limit.
 * - `INVALID_BEACON_INTERVAL`: an interval below 128 or above 2^32−1.
 * - `PAYLOAD_TOO_LARGE`: a payload of 2^32 bytes or more.
 * - `TOO_MANY_MARKERS`: a beacon would need more than 255 markers (unreachable with the standard formula).
 * - `WATCH_ERROR`: file-change notifications failed (a warning; polling continues).
 * - `INVALID_NDJSON`: a line of an NDJSON import that is not a valid record (`@x/seastreamer-file/ndjson`).
 */
export type SeaStreamerFileErrorCode =
  | SharedErrorCode
  | 'BAD_MAGIC'
  | 'UNSUPPORTED_VERSION'
  | 'CHECKSUM_MISMATCH'
  | 'RUNNING_CHECKSUM_MISMATCH'
  | 'REMAINING_BYTES_MISMATCH'
  | 'BAD_TERMINATOR'
  | 'BAD_BEACON_DELIMITER'
  | 'BAD_HEADER_PADDING'
  | 'INVALID_STREAM_KEY'
  | 'TIMESTAMP_OUT_OF_RANGE'
  | 'FILE_NAME_TOO_LONG'
  | 'SIZE_LIMIT_EXCEEDED'
  | 'INVALID_BEACON_INTERVAL'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_MARKERS'
  | 'WATCH_ERROR'
  | 'INVALID_NDJSON';

/** Options accepted by the {@link SeaStreamerFileError} constructor. */
export interface SeaStreamerFileErrorOptions extends CodedErrorOptions {
  /** For `CHECKSUM_MISMATCH`: the checksum stored in the frame. */
  received?: number;
  /** For `CHECKSUM_MISMATCH`: the CRC-16 computed over the payload. */
  computed?: number;
  /** For errors about one complete frame: the decoded message (a `SeaStreamerMessage`). */
  decoded?: unknown;
  /** For `INVALID_NDJSON`: the 1-based line number. */
  line?: number;
}

/**
 * The error class of `@x/seastreamer-file` (a `CodedError` of `@x/binary`). Every instance has a stable
 * {@link SeaStreamerFileError.code} and, when known, the byte {@link SeaStreamerFileError.offset}.
 *
 * @example
 * ```ts
 * try {
 *   readSeaStreamer(bytes, { strict: true });
 * } catch (error) {
 *   if (SeaStreamerFileError.is(error) && error.code === 'CHECKSUM_MISMATCH') {
 *     console.log(error.offset, error.received, error.computed);
 *   }
 * }
 * ```
 */
export class SeaStreamerFileError extends CodedError<SeaStreamerFileErrorCode> {
  static override readonly marker: symbol = Symbol.for('@x/seastreamer-file.SeaStreamerFileError');

  /** For `CHECKSUM_MISMATCH`: the stored checksum. */
  readonly received: number | undefined;
  /** For `CHECKSUM_MISMATCH`: the computed checksum. */
  readonly computed: number | undefined;
  /** For errors about one complete frame: the decoded message (a `SeaStreamerMessage`). */
  readonly decoded: unknown;
  /** For `INVALID_NDJSON`: the 1-based line number. */
  readonly line: number | undefined;

  constructor(code: SeaStreamerFileErrorCode, message: string, options: SeaStreamerFileErrorOptions = {}) {
    super(code, message, options);
    this.name = 'SeaStreamerFileError';
    this.received = options.received;
    this.computed = options.computed;
    this.decoded = options.decoded;
    this.line = options.line;
  }
}

/**
 * @internal A `CodedError` of `@x/binary` (a source or sink failure, a closed source, strict UTF-8) as this
 * package's error, keeping code, offset and cause; anything else unchanged.
 */
export function fromBinaryError(error: unknown): unknown {
  if (CodedError.is(error) && !SeaStreamerFileError.is(error)) {
    const code: SeaStreamerFileErrorCode = isSharedErrorCode(error.code) ? error.code : 'IO_ERROR';
    return new SeaStreamerFileError(code, error.message, {
      ...(error.offset === undefined ? {} : { offset: error.offset }),
      cause: error,
    });
  }
  return error;
}
