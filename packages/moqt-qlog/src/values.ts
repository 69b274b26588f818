/**
 * JSON shapes of typed values, both ways: ids and counters as JSON numbers or decimal strings, bytes as
 * lowercase hex, `MOQTByteString`s, RawInfo, and the µs ↔ ms conversion of times.
 *
 * @module
 * @internal
 */
import { fromHex, toHex } from '@x/binary';
import type { Numeric } from '@x/moqtrace';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
const DIGITS = /^-?\d+$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** True for a plain (non-array) object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An id (`bigint` in the model): a JSON number when it is a safe integer, else a decimal string. */
export function idOut(value: bigint): number | string {
  return value <= 9007199254740991n && value >= -9007199254740991n ? Number(value) : value.toString();
}

/** A counter/code field ({@link Numeric}): numbers stay numbers, `bigint`s (above 2^53 − 1) become strings. */
export function numericOut(value: Numeric): number | string {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Reads an id: a non-negative integer JSON number or a string of decimal digits; `undefined` otherwise (a
 * fraction, a negative number, text, ...).
 */
export function idIn(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  if (typeof value === 'bigint') return value >= 0n ? value : undefined;
  if (typeof value === 'string' && value.length > 0 && value.length < 40 && DIGITS.test(value) && value[0] !== '-')
    return BigInt(value);
  return undefined;
}

/**
 * Reads a counter/code: an integer JSON number, or a decimal string (a `number` when it is a safe integer, else a
 * `bigint`); `undefined` otherwise. Signed values are accepted (`allowNegative`).
 */
export function numericIn(value: unknown, allowNegative = false): Numeric | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return undefined;
    return value < 0 && !allowNegative ? undefined : value;
  }
  if (typeof value === 'string' && value.length > 0 && value.length < 40 && DIGITS.test(value)) {
    if (value[0] === '-' && !allowNegative) return undefined;
    const big = BigInt(value);
    return big <= 9007199254740991n && big >= -9007199254740991n ? Number(big) : big;
  }
  return undefined;
}

/** Lowercase hex of bytes. */
export function hexOut(bytes: Uint8Array): string {
  return toHex(bytes);
}

/** Bytes of a hex string (either case), `undefined` when it is not hex. */
export function hexIn(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || !HEX.test(value)) return undefined;
  return fromHex(value);
}

/** The text of bytes that are well-formed UTF-8, else `undefined`. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** UTF-8 bytes of a string. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** A typed byte field as a `MOQTByteString`: `{value}` when the bytes are UTF-8, else `{value_bytes}`. */
export function byteStringOfBytes(bytes: Uint8Array): JsonObject {
  const text = utf8Text(bytes);
  return text !== undefined ? { value: text } : { value_bytes: toHex(bytes) };
}

/** Bytes of a `MOQTByteString` (`{value}` as UTF-8, `{value_bytes}` as hex) or of a plain string. */
export function bytesOfByteString(value: unknown): Uint8Array | undefined {
  if (typeof value === 'string') return utf8Bytes(value);
  if (!isObject(value)) return undefined;
  if (typeof value.value === 'string') return utf8Bytes(value.value);
  return hexIn(value.value_bytes);
}

/** A RawInfo for bytes: `{length, data}` (`length` always set). */
export function rawInfo(bytes: Uint8Array): JsonObject {
  return { length: bytes.length, data: toHex(bytes) };
}

/** What a RawInfo holds: its full `length` and, when `data` is complete (not truncated), the bytes. */
export interface RawInfoContent {
  /** `length` (or the byte length of `data` when `length` is absent). */
  length: Numeric | undefined;
  /** The bytes, only when `data` is hex and describes the whole entity. */
  bytes: Uint8Array | undefined;
  /** `data` was present but cut (or not hex): the bytes were dropped. */
  truncated: boolean;
}

/** Reads a RawInfo (`{length?, payload_length?, data?}`). */
export function readRawInfo(value: unknown): RawInfoContent | undefined {
  if (!isObject(value)) return undefined;
  const length = numericIn(value.length);
  const data = value.data === undefined ? undefined : hexIn(value.data);
  if (data === undefined) return { length, bytes: undefined, truncated: value.data !== undefined };
  if (length !== undefined && BigInt(length) !== BigInt(data.length))
    return { length, bytes: undefined, truncated: true };
  return { length: length ?? data.length, bytes: data, truncated: false };
}

/** ISO-8601 text of an epoch-ms time, or `undefined` when it is outside the `Date` range. */
export function isoTime(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Epoch ms of an RFC 3339 / ISO-8601 text, or `undefined`. */
export function parseIsoTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A qlog `time` (ms) of an event timestamp (µs since its segment's start): `segmentOffsetMs + µs / 1000`. */
export function qlogTime(segmentOffsetMs: number, micros: number): number {
  return segmentOffsetMs + micros / 1000;
}

/**
 * An event timestamp (µs since its segment's start) of a qlog time: `round((epochMs − segmentStartMs + time) ×
 * 1000)`, the difference of the two epochs taken first so that large epochs lose no precision.
 */
export function microsOf(epochMinusSegmentStartMs: number, time: number): number {
  return Math.round((epochMinusSegmentStartMs + time) * 1000);
}
