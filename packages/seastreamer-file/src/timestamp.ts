/**
 * Timestamps: u64 milliseconds since the Unix epoch, kept as `bigint` (spec §2), with helpers for `Date`,
 * ISO-8601 text and the Rust `ss-decode` text style (§11.1).
 *
 * @module
 */

/** Largest timestamp the reference accepts: 9999-12-31T23:59:59.999Z, in ms. */
export const MAX_TIMESTAMP_MS = 253402300799999n;

const DATE_LIMIT = 8_640_000_000_000_000n;

/** True when `ms` is within 0..{@link MAX_TIMESTAMP_MS} (what the reference writer and reader accept). */
export function isTimestampInRange(ms: bigint): boolean {
  return ms >= 0n && ms <= MAX_TIMESTAMP_MS;
}

/**
 * The `Date` for a timestamp in ms, or `undefined` when it is outside what a JS `Date` can hold
 * (±8.64e15 ms).
 *
 * @example
 * ```ts
 * timestampToDate(1700000000000n)?.toISOString(); // "2023-11-14T22:13:20.000Z"
 * ```
 */
export function timestampToDate(ms: bigint): Date | undefined {
  if (ms > DATE_LIMIT || ms < -DATE_LIMIT) return undefined;
  return new Date(Number(ms));
}

/** The timestamp (ms, `bigint`) of a `Date`; sub-millisecond precision does not exist in `Date`. */
export function dateToTimestamp(date: Date): bigint {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid Date');
  return BigInt(t);
}

/**
 * ISO-8601 text as `Date.prototype.toISOString()` gives it (`2023-11-14T22:13:20.000Z`, the TS reference
 * style). Values a `Date` cannot hold are rendered as `<n> ms`.
 */
export function formatIsoTimestamp(ms: bigint): string {
  if (ms > DATE_LIMIT || ms < -DATE_LIMIT) return `${ms} ms`;
  const n = Number(ms);
  const second = Math.floor(n / 1000);
  // Messages come in time order, so most calls share the second of the previous one: its text
  // ("2023-11-14T22:13:20.") is kept and only the milliseconds are appended.
  if (second !== isoSecond) {
    isoPrefix = new Date(second * 1000).toISOString().slice(0, -4);
    isoSecond = second;
  }
  const milli = n - second * 1000;
  return `${isoPrefix}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

let isoSecond = Number.NaN;
let isoPrefix = '';

/**
 * The Rust `ss-decode` style (§11.1): UTC `YYYY-MM-DDTHH:MM:SS.f` without a zone letter, where `f` is the
 * milliseconds without trailing zeros and at least one digit (`.0`, `.1`, `.01`, `.87`, `.745`).
 * Values outside 0..9999-12-31 are rendered as `<n> ms`.
 *
 * @example
 * ```ts
 * formatRustTimestamp(1691686154745n); // "2023-08-10T16:49:14.745"
 * formatRustTimestamp(1700000000000n); // "2023-11-14T22:13:20.0"
 * ```
 */
export function formatRustTimestamp(ms: bigint): string {
  if (!isTimestampInRange(ms)) return `${ms} ms`;
  const iso = new Date(Number(ms)).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ for years 0..9999
  let fraction = iso.slice(20, 23).replace(/0+$/, '');
  if (fraction === '') fraction = '0';
  return `${iso.slice(0, 19)}.${fraction}`;
}
