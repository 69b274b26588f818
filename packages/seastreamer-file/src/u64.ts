/**
 * u64 conversion for the API: numbers and bigints in, checked `bigint` out.
 *
 * @module
 */
import { SeaStreamerFileError } from './errors.js';

const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/** Converts a number or bigint to a u64, throwing `VALUE_OUT_OF_RANGE` otherwise. */
export function toU64(value: bigint | number, what: string): bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n && value <= MAX_U64) return value;
  } else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return BigInt(value);
  }
  throw new SeaStreamerFileError(
    'VALUE_OUT_OF_RANGE',
    `${what} must be an integer in 0..2^64-1 (a bigint, or a safe integer number), got ${String(value)}`,
  );
}
