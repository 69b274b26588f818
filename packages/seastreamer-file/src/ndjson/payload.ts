/**
 * Payloads in NDJSON records: rendered as UTF-8 text, hex or base64 (`payloadEncoding`), and decoded back
 * strictly (a payload that is not valid in its encoding is an error, never empty or altered bytes).
 *
 * @module
 */
import { fromHex, isValidUtf8, toHex } from '@x/binary';

/** How payloads are rendered: `auto` (text when valid UTF-8, else hex), `text` (lossy UTF-8), `hex`, `base64`, `none`. */
export type PayloadMode = 'auto' | 'text' | 'hex' | 'base64' | 'none';

/** The payload encodings that appear in records (`payloadEncoding`). */
export type PayloadEncoding = 'utf8' | 'hex' | 'base64';

/** The payload modes, in the order a command line lists them. */
export const PAYLOAD_MODES: readonly PayloadMode[] = Object.freeze(['auto', 'text', 'hex', 'base64', 'none']);

const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/**
 * Standard base64 (RFC 4648 §4, with `=` padding) of bytes.
 *
 * @example
 * ```ts
 * toBase64(new Uint8Array([1, 2, 3, 4])); // 'AQIDBA=='
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let out = '';
  const n = bytes.length - (bytes.length % 3);
  for (let i = 0; i < n; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
    if (out.length >= 8192) {
      parts.push(out);
      out = '';
    }
  }
  const rest = bytes.length - n;
  if (rest > 0) {
    const v = ((bytes[n] as number) << 16) | (rest === 2 ? (bytes[n + 1] as number) << 8 : 0);
    out += `${ALPHABET[v >> 18]}${ALPHABET[(v >> 12) & 63]}${rest === 2 ? ALPHABET[(v >> 6) & 63] : '='}=`;
  }
  parts.push(out);
  return parts.join('');
}

/**
 * Bytes of canonical standard base64 (padded, alphabet `A–Z a–z 0–9 + /`, unused bits zero), or `undefined`
 * for any other text: nothing is skipped or guessed.
 *
 * @example
 * ```ts
 * fromBase64('AQIDBA=='); // Uint8Array [1, 2, 3, 4]
 * fromBase64('AQIDBA');   // undefined (no padding)
 * ```
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      const d = c < 128 ? (VALUES[c] as number) : -1;
      if (d < 0) {
        if (!(last && c === 0x3d && k >= 4 - pad)) return undefined;
        v <<= 6;
      } else {
        if (last && k >= 4 - pad) return undefined; // a digit after padding
        v = (v << 6) | d;
      }
    }
    if (last && pad > 0 && (v & (pad === 2 ? 0xffff : 0xff)) !== 0) return undefined; // non-zero unused bits
    out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 0xff;
    if (o < out.length) out[o++] = v & 0xff;
  }
  return out;
}

/**
 * Renders a payload for a record: `auto` = UTF-8 text when valid UTF-8, else hex; `text` = UTF-8 (invalid
 * sequences become U+FFFD); `hex`; `base64`; `none` = no payload (`undefined`).
 *
 * @example
 * ```ts
 * encodePayload(new TextEncoder().encode('hi'), 'auto'); // { payload: 'hi', payloadEncoding: 'utf8' }
 * encodePayload(new Uint8Array([255]), 'auto');         // { payload: 'ff', payloadEncoding: 'hex' }
 * ```
 */
export function encodePayload(
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
      return { payload: lossy.decode(bytes), payloadEncoding: 'utf8' };
    default:
      return isValidUtf8(bytes)
        ? { payload: lossy.decode(bytes), payloadEncoding: 'utf8' }
        : { payload: toHex(bytes), payloadEncoding: 'hex' };
  }
}

/**
 * The bytes of a record's payload in its `payloadEncoding` (`utf8` when absent), or the reason it has none:
 * invalid hex or base64, or an unknown encoding.
 *
 * @example
 * ```ts
 * decodePayload('6869', 'hex');    // Uint8Array [0x68, 0x69]
 * decodePayload('6g', 'hex');      // 'payload is not valid hex: ...'
 * decodePayload('hi', 'utf-16');   // 'unknown payloadEncoding "utf-16" (utf8, hex or base64)'
 * ```
 */
export function decodePayload(payload: string, encoding: unknown): Uint8Array | string {
  switch (encoding) {
    case undefined:
    case 'utf8':
      if (LONE_SURROGATE.test(payload)) {
        return 'payload text holds a lone UTF-16 surrogate (\\ud800-\\udfff), which UTF-8 cannot encode: use hex or base64';
      }
      return encoder.encode(payload);
    case 'hex':
      try {
        return fromHex(payload);
      } catch (error) {
        return `payload is not valid hex: ${(error as Error).message}`;
      }
    case 'base64':
      return fromBase64(payload) ?? 'payload is not valid base64 (standard alphabet, padded with =)';
    default:
      return `unknown payloadEncoding ${JSON.stringify(encoding)} (utf8, hex or base64)`;
  }
}
