/**
 * JSON value rendering shared by the output formats: u64 values (numbers up to 2^53−1, decimal strings
 * above) and byte strings (hex or base64). The `.ss` records and their payloads are `@x/seastreamer-file/ndjson`.
 *
 * @module
 */
import { toHex } from '@x/binary';

/**
 * A u64 as JSON: a number up to 2^53−1, a decimal string above.
 *
 * @example
 * ```ts
 * u64Json(5n); // 5
 * u64Json(18446744073709551615n); // '18446744073709551615'
 * ```
 */
export function u64Json(value: bigint | number): number | string {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : String(value);
  return value <= 9007199254740991n && value >= -9007199254740991n ? Number(value) : value.toString();
}

/** The JSON text of a u64 (see {@link u64Json}). */
export function u64Text(value: bigint | number): string {
  const json = u64Json(value);
  return typeof json === 'number' ? String(json) : `"${json}"`;
}

/** Base64 of bytes (no line breaks). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * `JSON.stringify` with u64-safe bigints (numbers up to 2^53−1, decimal strings above) and byte arrays as hex.
 *
 * @example
 * ```ts
 * stringifyJson({ a: 1n, b: new Uint8Array([1, 2]) }); // '{"a":1,"b":"0102"}'
 * ```
 */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return u64Json(v);
      if (v instanceof Uint8Array) return toHex(v);
      return v;
    },
    indent,
  );
}
