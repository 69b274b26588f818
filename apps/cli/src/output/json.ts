/**
 * JSON value rendering shared by the output formats: u64 values (numbers up to 2^53−1, decimal strings
 * above), byte strings (hex, base64 or UTF-8 text) and payloads with their `payloadEncoding`.
 *
 * @module
 */
import { isValidUtf8, toHex } from '@x/binary';

/** How payloads are rendered (`--payload`). */
export type PayloadMode = 'auto' | 'text' | 'hex' | 'base64' | 'none';

/** The payload encodings that appear in records. */
export type PayloadEncoding = 'utf8' | 'hex' | 'base64';

/** The payload modes accepted on the command line. */
export const PAYLOAD_MODES: readonly PayloadMode[] = ['auto', 'text', 'hex', 'base64', 'none'];

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

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Base64 of bytes (no line breaks). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Bytes from base64. */
export function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * Renders a payload: `auto` = UTF-8 text when valid UTF-8, else hex; `text` = UTF-8 (lossy); `hex`; `base64`;
 * `none` = no payload (undefined).
 */
export function renderPayload(
  bytes: Uint8Array,
  mode: PayloadMode,
): { payload: string; payloadEncoding: PayloadEncoding } | undefined {
  switch (mode) {
    case 'none':
      return undefined;
    case 'hex':
      return { payload: toHex(bytes), payloadEncoding: 'hex' };
    case 'base64':
      return { payload: toBase64(bytes), payloadEncoding: 'base64' };
    case 'text':
      return { payload: decoder.decode(bytes), payloadEncoding: 'utf8' };
    default:
      return isValidUtf8(bytes)
        ? { payload: decoder.decode(bytes), payloadEncoding: 'utf8' }
        : { payload: toHex(bytes), payloadEncoding: 'hex' };
  }
}

/** Decodes a payload given as in a record (`payloadEncoding` utf8, hex or base64). */
export function decodePayload(payload: string, encoding: string | undefined): Uint8Array {
  switch (encoding) {
    case 'hex': {
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(payload)) throw new Error('payload is not valid hex');
      const out = new Uint8Array(payload.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(payload.slice(i * 2, i * 2 + 2), 16);
      return out;
    }
    case 'base64':
      return fromBase64(payload);
    default:
      return new TextEncoder().encode(payload);
  }
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
