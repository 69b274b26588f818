/**
 * The 128-byte file header (spec §3).
 *
 * ```
 * offset 0   2   3      4+N          12+N           16+N            127
 *        | Ss | 01 | N name… | created_at u64 | interval u32 | 00 … 00 | 0D |
 * ```
 * `N` is the file name's length in UTF-8 **bytes** (≤ 111, so at least one padding byte remains); all
 * integers are big-endian. The padding is sized from the byte length (the TS reference wrongly uses the JS
 * string length); a reader simply continues at offset 128.
 *
 * @module
 */
import { decodeUtf8, encodeUtf8 } from '@x/binary';
import { SeaStreamerFileError } from './errors.js';
import { isTimestampInRange } from './timestamp.js';

/** Size of the file header in bytes. */
export const HEADER_SIZE = 128;
/** Format version handled by this package. */
export const FORMAT_VERSION = 1;
/** Longest header file name in UTF-8 bytes. */
export const MAX_FILE_NAME_LENGTH = 111;
/** Smallest beacon interval. */
export const MIN_BEACON_INTERVAL = 128;
/** Largest beacon interval (u32). */
export const MAX_BEACON_INTERVAL = 0xffff_ffff;
/** Default beacon interval of writers: 1 MiB, like the Rust crate. */
export const DEFAULT_BEACON_INTERVAL = 1_048_576;

/** The decoded file header. */
export interface SeaStreamerHeader {
  /** Base name of the file when it was created (informational; files get renamed). */
  readonly fileName: string;
  /** Wall clock when the writer created the file, ms since the epoch. */
  readonly createdAt: bigint;
  /** Beacon interval `I` in bytes (≥ 128). */
  readonly beaconInterval: number;
  /**
   * True when the padding is all zeros followed by `0x0D` at offset 127 (not checked by the reference; the
   * readers record a `BAD_HEADER_PADDING` warning otherwise).
   */
  readonly paddingOk: boolean;
}

/** Options of {@link parseHeader}. */
export interface ParseHeaderOptions {
  /** Decode an invalid UTF-8 file name with U+FFFD replacements instead of failing (default false). */
  lenientUtf8?: boolean;
}

/**
 * Decodes the header from the first bytes of a file. Throws `BAD_MAGIC` / `UNSUPPORTED_VERSION` (checked as
 * soon as 3 bytes exist), `TRUNCATED` (fewer than 128 bytes), `FILE_NAME_TOO_LONG`, `INVALID_UTF8` or
 * `INVALID_BEACON_INTERVAL`.
 *
 * @example
 * ```ts
 * const header = parseHeader(bytes);
 * console.log(header.fileName, header.beaconInterval);
 * ```
 */
export function parseHeader(bytes: Uint8Array, options: ParseHeaderOptions = {}): SeaStreamerHeader {
  if (bytes.length >= 2 && (bytes[0] !== 0x53 || bytes[1] !== 0x73)) {
    throw new SeaStreamerFileError(
      'BAD_MAGIC',
      `not a SeaStreamer file: bytes 0-1 are ${hex2(bytes[0])} ${hex2(bytes[1])}, expected 53 73 ("Ss")`,
      { offset: 0 },
    );
  }
  if (bytes.length >= 3 && bytes[2] !== FORMAT_VERSION) {
    throw new SeaStreamerFileError(
      'UNSUPPORTED_VERSION',
      `unsupported SeaStreamer file version ${bytes[2]} (this reader handles version ${FORMAT_VERSION})`,
      { offset: 2 },
    );
  }
  if (bytes.length < HEADER_SIZE) {
    throw new SeaStreamerFileError(
      'TRUNCATED',
      `incomplete header: ${bytes.length} of ${HEADER_SIZE} bytes (the file may have been truncated)`,
      { offset: 0 },
    );
  }
  const n = bytes[3] as number;
  if (n > MAX_FILE_NAME_LENGTH) {
    throw new SeaStreamerFileError(
      'FILE_NAME_TOO_LONG',
      `header file name is ${n} bytes, more than the ${MAX_FILE_NAME_LENGTH} that fit in the header`,
      { offset: 3 },
    );
  }
  let fileName: string;
  try {
    fileName = decodeUtf8(bytes, 4, 4 + n, options.lenientUtf8 ?? false);
  } catch (cause) {
    throw new SeaStreamerFileError('INVALID_UTF8', `header file name at offset 4 is not valid UTF-8`, {
      offset: 4,
      cause,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  const createdAt = view.getBigUint64(4 + n);
  const beaconInterval = view.getUint32(12 + n);
  if (beaconInterval < MIN_BEACON_INTERVAL) {
    throw new SeaStreamerFileError(
      'INVALID_BEACON_INTERVAL',
      `beacon interval ${beaconInterval} is below the minimum of ${MIN_BEACON_INTERVAL}`,
      { offset: 12 + n },
    );
  }
  let paddingOk = bytes[HEADER_SIZE - 1] === 0x0d;
  for (let i = 16 + n; i < HEADER_SIZE - 1 && paddingOk; i++) if (bytes[i] !== 0) paddingOk = false;
  return { fileName, createdAt, beaconInterval, paddingOk };
}

function hex2(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}

/** What a writer needs to create a header. */
export interface HeaderInit {
  /** File name stored in the header (≤ 111 UTF-8 bytes). */
  fileName: string;
  /** Creation time in ms (default: now). */
  createdAt?: bigint | number;
  /** Beacon interval (default {@link DEFAULT_BEACON_INTERVAL}). */
  beaconInterval?: number;
}

/** Checks a beacon interval: an integer in 128..2^32−1, else `INVALID_BEACON_INTERVAL`. */
export function validateBeaconInterval(interval: number): void {
  if (!(Number.isInteger(interval) && interval >= MIN_BEACON_INTERVAL && interval <= MAX_BEACON_INTERVAL)) {
    throw new SeaStreamerFileError(
      'INVALID_BEACON_INTERVAL',
      `beacon interval must be an integer in ${MIN_BEACON_INTERVAL}..${MAX_BEACON_INTERVAL}, got ${interval}`,
    );
  }
}

/**
 * Encodes a 128-byte header. Validates everything first: `FILE_NAME_TOO_LONG`, `INVALID_BEACON_INTERVAL`,
 * `TIMESTAMP_OUT_OF_RANGE`.
 *
 * @example
 * ```ts
 * const bytes = encodeHeader({ fileName: 'orders.ss', createdAt: 1700000000000n, beaconInterval: 1024 });
 * ```
 */
export function encodeHeader(init: HeaderInit): Uint8Array {
  const name = encodeUtf8(init.fileName);
  if (name.length > MAX_FILE_NAME_LENGTH) {
    throw new SeaStreamerFileError(
      'FILE_NAME_TOO_LONG',
      `file name ${JSON.stringify(init.fileName)} is ${name.length} UTF-8 bytes; at most ${MAX_FILE_NAME_LENGTH} fit in the header`,
    );
  }
  const interval = init.beaconInterval ?? DEFAULT_BEACON_INTERVAL;
  validateBeaconInterval(interval);
  const createdAt = toTimestamp(init.createdAt ?? Date.now(), 'createdAt');
  const bytes = new Uint8Array(HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x53;
  bytes[1] = 0x73;
  bytes[2] = FORMAT_VERSION;
  bytes[3] = name.length;
  bytes.set(name, 4);
  view.setBigUint64(4 + name.length, createdAt);
  view.setUint32(12 + name.length, interval);
  bytes[HEADER_SIZE - 1] = 0x0d;
  return bytes;
}

/** Converts a number or bigint timestamp, throwing `TIMESTAMP_OUT_OF_RANGE` outside 0..253402300799999. */
export function toTimestamp(value: bigint | number, what = 'timestamp'): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isInteger(value)) v = BigInt(value);
  else
    throw new SeaStreamerFileError('TIMESTAMP_OUT_OF_RANGE', `${what} must be an integer number of ms, got ${value}`);
  if (!isTimestampInRange(v)) {
    throw new SeaStreamerFileError(
      'TIMESTAMP_OUT_OF_RANGE',
      `${what} ${v} ms is outside 0..253402300799999 (1970-01-01 to 9999-12-31)`,
    );
  }
  return v;
}
