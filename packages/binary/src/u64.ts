/**
 * u64 helpers: checked conversion of API inputs to `bigint`.
 *
 * @module
 */
import { BinaryError, describeArgument } from './errors.js';

/** The largest u64, 2^64 − 1. */
export const U64_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * Converts an API input (a `bigint`, or a safe non-negative integer `number`) to a u64 `bigint`. Anything else
 * throws `INVALID_ARGUMENT` naming `what`.
 *
 * @example
 * ```ts
 * toU64(5, 'seqNo');        // 5n
 * toU64(-1, 'seqNo');       // throws BinaryError INVALID_ARGUMENT "seqNo must be ..."
 * ```
 */
export function toU64(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n && value <= U64_MAX) return value;
  } else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return BigInt(value);
  }
  throw new BinaryError(
    'INVALID_ARGUMENT',
    `${what} must be an integer in 0..2^64-1 (a bigint, or a safe integer number), got ${describeArgument(value)}`,
  );
}
