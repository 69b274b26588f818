/**
 * The 16-byte preamble that starts every trace and every segment (spec §2.1):
 *
 * ```
 * offset 0   8 bytes  ASCII "MOQTRACE" (4d 4f 51 54 52 41 43 45)
 * offset 8   4 bytes  format version, u32 little-endian (1 or 2)
 * offset 12  4 bytes  header length N, u32 little-endian
 * offset 16  N bytes  the header: one CBOR map
 * ```
 *
 * @module
 */
import { invalidArgument, MoqtraceError } from './errors.js';

/** The 8 magic bytes `MOQTRACE`. */
export const MAGIC: Uint8Array = new Uint8Array([0x4d, 0x4f, 0x51, 0x54, 0x52, 0x41, 0x43, 0x45]);
/** Size of the preamble in bytes. */
export const PREAMBLE_SIZE = 16;
/** Format versions this package reads and writes. */
export const SUPPORTED_VERSIONS: readonly number[] = [1, 2];

/** A parsed preamble. */
export interface Preamble {
  /** Format version (1 or 2). */
  version: number;
  /** Length of the header map in bytes. */
  headerLength: number;
}

/** True when `bytes[offset..]` starts with the magic (all 8 bytes present). */
export function hasMagicAt(bytes: Uint8Array, offset: number): boolean {
  if (offset + 8 > bytes.length) return false;
  for (let i = 0; i < 8; i++) if (bytes[offset + i] !== MAGIC[i]) return false;
  return true;
}

/** True when the bytes from `offset` to the end (fewer than 8) agree with the start of the magic. */
export function isMagicPrefix(bytes: Uint8Array, offset: number, end = bytes.length): boolean {
  const count = Math.min(8, end - offset);
  for (let i = 0; i < count; i++) if (bytes[offset + i] !== MAGIC[i]) return false;
  return true;
}

function u32le(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16)) +
    (bytes[at + 3] as number) * 0x1000000
  );
}

/**
 * Reads the preamble at `offset`. Throws {@link MoqtraceError} `TRUNCATED` (fewer than 16 bytes that agree
 * with the magic), `BAD_MAGIC` or `UNSUPPORTED_VERSION`.
 *
 * @example
 * ```ts
 * const { version, headerLength } = readPreamble(bytes);
 * ```
 */
export function readPreamble(bytes: Uint8Array, offset = 0): Preamble {
  const available = bytes.length - offset;
  if (available < PREAMBLE_SIZE) {
    if (isMagicPrefix(bytes, offset)) {
      throw new MoqtraceError('TRUNCATED', `truncated preamble: ${Math.max(available, 0)} of 16 bytes`, { offset });
    }
    throw new MoqtraceError('BAD_MAGIC', 'not a .moqtrace file (bad magic)', { offset });
  }
  if (!hasMagicAt(bytes, offset)) throw new MoqtraceError('BAD_MAGIC', 'not a .moqtrace file (bad magic)', { offset });
  const version = u32le(bytes, offset + 8);
  if (version !== 1 && version !== 2) {
    throw new MoqtraceError('UNSUPPORTED_VERSION', `unsupported version ${version}`, { offset: offset + 8 });
  }
  return { version, headerLength: u32le(bytes, offset + 12) };
}

/**
 * True when `head` (the first bytes of an input) is the start of a `.moqtrace` file: it begins with `MOQTRACE`,
 * or, when shorter than 8 bytes, is a non-empty prefix of it (so that the reader reports the truncation).
 *
 * @example
 * ```ts
 * if (detectTrace(firstBytes)) reader = await openTraceReader(file);
 * ```
 */
export function detectTrace(head: Uint8Array): boolean {
  return head.length > 0 && isMagicPrefix(head, 0);
}

/** Writes a preamble into 16 bytes (a new array, or `target` at `offset`). */
export function writePreamble(
  preamble: Preamble,
  target: Uint8Array = new Uint8Array(PREAMBLE_SIZE),
  offset = 0,
): Uint8Array {
  if (!SUPPORTED_VERSIONS.includes(preamble.version)) {
    throw invalidArgument('version', `unsupported version ${String(preamble.version)}`);
  }
  if (!(Number.isInteger(preamble.headerLength) && preamble.headerLength >= 0 && preamble.headerLength <= 0xffffffff)) {
    throw invalidArgument('headerLength', `out of range: ${String(preamble.headerLength)}`);
  }
  if (!(Number.isInteger(offset) && offset >= 0 && offset + PREAMBLE_SIZE <= target.length)) {
    throw invalidArgument('offset', `no room for 16 bytes at ${String(offset)}`);
  }
  target.set(MAGIC, offset);
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setUint32(offset + 8, preamble.version, true);
  view.setUint32(offset + 12, preamble.headerLength, true);
  return target;
}
