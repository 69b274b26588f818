/**
 * Bytes written at the end of a growable buffer (the load buffer), and the decimal digits of integers written
 * straight into it: the one digit writer of the load rows and of the events' `fields` JSON.
 *
 * @internal
 * @module
 */

/** Where the bytes go (the load buffer): `bytes[0, length)` written, `reserve(n)` makes room for `n` more. */
export interface ByteOut {
  /** The bytes (replaced when grown). */
  bytes: Uint8Array;
  /** Bytes written. */
  length: number;
  /** Makes room for `n` more bytes. */
  reserve(n: number): void;
}

/** The bytes of an ASCII text (constant parts of a line). */
export function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Copies `bytes` to the end of `out` (the caller keeps room for them). */
export function putBytes(out: ByteOut, bytes: Uint8Array): void {
  const to = out.bytes;
  let at = out.length;
  for (let i = 0; i < bytes.length; i++) to[at++] = bytes[i] as number;
  out.length = at;
}

/** Whether `value` is written by {@link putDigits}: a non-negative safe integer. */
export function isDigits(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && Number.isSafeInteger(value);
}

/** The number of a bigint from 0 to 2^53 − 1 (written by {@link putDigits}), else −1. */
export function digitsOf(value: bigint): number {
  // Number() of a bigint at or above 2^53 is at least 2^53: below that it is exact (cheaper than bigint compares).
  const n = Number(value);
  return n >= 0 && n <= Number.MAX_SAFE_INTEGER ? n : -1;
}

const ZERO = 0x30;
const SMALL = 2 ** 31;

/** Decimal digits of a non-negative safe integer (at most 16 bytes; the caller keeps room for them). */
export function putDigits(out: ByteOut, value: number): void {
  const bytes = out.bytes;
  if (value < 10) {
    bytes[out.length++] = ZERO + value;
    return;
  }
  let count = 2;
  for (let p = 100; p <= value; p *= 10) count++;
  let at = out.length + count;
  out.length = at;
  let n = value;
  if (n >= SMALL) {
    // The eight low digits in int32 arithmetic, then the rest (below 2^53 / 10^8, also int32). The quotient is
    // corrected when the division rounded up to the next integer.
    let high = Math.floor(n / 1e8);
    let low = n - high * 1e8;
    if (low < 0) {
      high--;
      low += 1e8;
    }
    for (let i = 0; i < 8; i++) {
      const q = (low / 10) | 0;
      bytes[--at] = ZERO + (low - q * 10);
      low = q;
    }
    n = high;
  }
  while (n >= 10) {
    const q = (n / 10) | 0;
    bytes[--at] = ZERO + (n - q * 10);
    n = q;
  }
  bytes[at - 1] = ZERO + n;
}
