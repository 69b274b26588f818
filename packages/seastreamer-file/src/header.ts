/**
 * The 128-byte file header (spec §3), decoded and encoded side by side.
 *
 * ```
 * offset 0    2    3         4      4+N             12+N             16+N          127
 *        +----+----+---------+------+----------------+----------------+-------------+----+
 *        | Ss | 01 | N (u8)  | name | created_at u64 | interval I u32 | 00 00 … 00  | 0D |
 *        +----+----+---------+------+----------------+----------------+-------------+----+
 *          magic  version     N bytes of UTF-8        ms since epoch   111 − N zeros
 * ```
 * `N` is the file name's length in UTF-8 **bytes** (≤ 111, so at least one padding byte remains); all
 * integers are big-endian. The padding is sized from the byte length (the TS reference wrongly uses the JS
 * string length); a reader simply continues at offset 128.
 *
 * @module
 */
import { decodeUtf8, encodeUtf8 } from '@x/binary';
import { SeaStreamerFileError } from './errors.js';
import type { DecorationProblem, FileNameProblem } from './problems.js';
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

const CR = 0x0d;

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

/** Options of {@link decodeSeaStreamerHeader}. */
export interface DecodeHeaderOptions {
  /** Decode an invalid UTF-8 file name with U+FFFD replacements instead of failing (default false). */
  lenientUtf8?: boolean;
}

/**
 * True when `head` (the first bytes of an input, any number) can be the start of a `.ss` file: it starts with
 * `Ss`, or is a non-empty prefix of it. The version byte is not checked (the reader reports
 * `UNSUPPORTED_VERSION`), so a format dispatcher sends such files to the reader that explains what is wrong.
 *
 * @example
 * ```ts
 * detectSeaStreamer(new Uint8Array([0x53, 0x73, 0x01])); // true
 * detectSeaStreamer(new TextEncoder().encode('MOQTRACE')); // false
 * ```
 */
export function detectSeaStreamer(head: Uint8Array): boolean {
  if (head.length === 0 || head[0] !== 0x53) return false;
  return head.length === 1 || head[1] === 0x73;
}

/**
 * Decodes the header from the first bytes of a file. Throws `BAD_MAGIC` / `UNSUPPORTED_VERSION` (checked as
 * soon as 3 bytes exist), `TRUNCATED` (fewer than 128 bytes), `FILE_NAME_TOO_LONG`, `INVALID_UTF8` or
 * `INVALID_BEACON_INTERVAL`.
 *
 * @example
 * ```ts
 * const header = decodeSeaStreamerHeader(bytes);
 * console.log(header.fileName, header.beaconInterval);
 * ```
 */
export function decodeSeaStreamerHeader(bytes: Uint8Array, options: DecodeHeaderOptions = {}): SeaStreamerHeader {
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
    throw new SeaStreamerFileError('INVALID_UTF8', 'header file name at offset 4 is not valid UTF-8', {
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
  return { fileName, createdAt, beaconInterval, paddingOk: firstBadPaddingByte(bytes) < 0 };
}

function hex2(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}

function hexByte(b: number): string {
  return `0x${hex2(b)}`;
}

/** Offset of the first header padding byte that is not what the writer puts there, or -1. */
function firstBadPaddingByte(bytes: Uint8Array): number {
  const n = bytes[3] as number;
  for (let i = 16 + n; i < HEADER_SIZE - 1; i++) if (bytes[i] !== 0) return i;
  return bytes[HEADER_SIZE - 1] === CR ? -1 : HEADER_SIZE - 1;
}

/**
 * @internal The `BAD_HEADER_PADDING` problem of a header (`bytes` holds at least its 128 bytes), or
 * `undefined` when the padding is zeros followed by `0x0D`.
 */
export function headerPaddingProblem(bytes: Uint8Array): DecorationProblem | undefined {
  const at = firstBadPaddingByte(bytes);
  if (at < 0) return undefined;
  const found = bytes[at] as number;
  const expected = at === HEADER_SIZE - 1 ? CR : 0;
  return {
    code: 'BAD_HEADER_PADDING',
    severity: 'warning',
    offset: at,
    byteOffset: at,
    found,
    expected,
    message: `header byte ${at} is ${hexByte(found)}, expected ${hexByte(expected)} (padding: zeros, then 0x0d at offset 127)`,
  };
}

/**
 * @internal The header as readers open it: a file name that is not UTF-8 is decoded with U+FFFD and reported
 * (a {@link FileNameProblem}) unless `strict` (thrown) or `lenientUtf8` (silent).
 */
export function openHeader(
  bytes: Uint8Array,
  options: { readonly lenientUtf8: boolean; readonly strict: boolean },
): { header: SeaStreamerHeader; problem: FileNameProblem | undefined } {
  try {
    return { header: decodeSeaStreamerHeader(bytes, options), problem: undefined };
  } catch (error) {
    if (options.strict || !(SeaStreamerFileError.is(error) && error.code === 'INVALID_UTF8')) throw error;
    return {
      header: decodeSeaStreamerHeader(bytes, { lenientUtf8: true }),
      problem: {
        code: 'INVALID_UTF8',
        severity: 'error',
        offset: 4,
        message: 'header file name at offset 4 is not valid UTF-8 (shown with U+FFFD replacements)',
      },
    };
  }
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

/** @internal Checks a beacon interval: an integer in 128..2^32−1, else `INVALID_BEACON_INTERVAL`. */
export function validateBeaconInterval(interval: unknown): number {
  const ok =
    typeof interval === 'number' &&
    Number.isInteger(interval) &&
    interval >= MIN_BEACON_INTERVAL &&
    interval <= MAX_BEACON_INTERVAL;
  if (!ok) {
    throw new SeaStreamerFileError(
      'INVALID_BEACON_INTERVAL',
      `beacon interval must be an integer in ${MIN_BEACON_INTERVAL}..${MAX_BEACON_INTERVAL}, got ${String(interval)}`,
    );
  }
  return interval;
}

/**
 * Encodes a 128-byte header. Validates everything first: `FILE_NAME_TOO_LONG`, `INVALID_BEACON_INTERVAL`,
 * `TIMESTAMP_OUT_OF_RANGE`, `INVALID_ARGUMENT` (a file name that is not a string).
 *
 * @example
 * ```ts
 * const bytes = encodeSeaStreamerHeader({ fileName: 'orders.ss', createdAt: 1700000000000n, beaconInterval: 1024 });
 * ```
 */
export function encodeSeaStreamerHeader(init: HeaderInit): Uint8Array {
  if (typeof init.fileName !== 'string') {
    throw new SeaStreamerFileError('INVALID_ARGUMENT', `fileName must be a string, got ${typeof init.fileName}`);
  }
  const name = encodeUtf8(init.fileName);
  if (name.length > MAX_FILE_NAME_LENGTH) {
    throw new SeaStreamerFileError(
      'FILE_NAME_TOO_LONG',
      `file name ${JSON.stringify(init.fileName)} is ${name.length} UTF-8 bytes; at most ${MAX_FILE_NAME_LENGTH} fit in the header`,
    );
  }
  const interval = validateBeaconInterval(init.beaconInterval ?? DEFAULT_BEACON_INTERVAL);
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
  bytes[HEADER_SIZE - 1] = CR;
  return bytes;
}

/**
 * @internal Converts a number or bigint timestamp: `INVALID_ARGUMENT` for anything but an integer,
 * `TIMESTAMP_OUT_OF_RANGE` outside 0..253402300799999.
 */
export function toTimestamp(value: unknown, what = 'timestamp'): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else {
    throw new SeaStreamerFileError(
      'INVALID_ARGUMENT',
      `${what} must be an integer number of ms (a bigint or a safe integer), got ${String(value)}`,
    );
  }
  if (!isTimestampInRange(v)) {
    throw new SeaStreamerFileError(
      'TIMESTAMP_OUT_OF_RANGE',
      `${what} ${v} ms is outside 0..253402300799999 (1970-01-01 to 9999-12-31)`,
    );
  }
  return v;
}
