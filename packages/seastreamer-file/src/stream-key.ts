/**
 * Stream keys (spec §7.3): validation, reserved names and end-of-stream (EOS) detection (§7.4).
 *
 * A key is a ShortString of ASCII letters, digits, `.`, `_` and `-`, at most 249 bytes. Readers accept
 * anything (including the empty key the reference writer lets through); writers validate.
 *
 * @module
 */
import { SeaStreamerFileError } from './errors.js';

/** Longest valid stream key, in bytes. */
export const MAX_STREAM_KEY_LENGTH = 249;

/** The internal stream carrying the end-of-stream message. Reserved: never written by `write()`. */
export const SEA_STREAMER_INTERNAL = 'SEA_STREAMER_INTERNAL';

/** The wildcard subscription name of SeaStreamer. Reserved: never written. */
export const SEA_STREAMER_WILDCARD = 'SEA_STREAMER_WILDCARD';

/** The payload of the end-of-stream message: the three ASCII bytes `EOS`. */
export const EOS_PAYLOAD: Uint8Array = new Uint8Array([0x45, 0x4f, 0x53]);

function isKeyChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2e || // .
    c === 0x5f || // _
    c === 0x2d // -
  );
}

/**
 * True when `key` is a valid stream key: 1..249 characters from `[A-Za-z0-9._-]` (0..249 with
 * `allowEmpty`). Reserved names are valid keys; see {@link isReservedStreamKey}.
 *
 * @example
 * ```ts
 * isValidStreamKey('orders.eu-1'); // true
 * isValidStreamKey('bad key');     // false
 * ```
 */
export function isValidStreamKey(key: string, allowEmpty = false): boolean {
  if (key.length === 0) return allowEmpty;
  if (key.length > MAX_STREAM_KEY_LENGTH) return false;
  for (let i = 0; i < key.length; i++) if (!isKeyChar(key.charCodeAt(i))) return false;
  return true;
}

/** True for the names the format reserves: `SEA_STREAMER_INTERNAL` and `SEA_STREAMER_WILDCARD`. */
export function isReservedStreamKey(key: string): boolean {
  return key === SEA_STREAMER_INTERNAL || key === SEA_STREAMER_WILDCARD;
}

/** Options of {@link validateStreamKey}. */
export interface StreamKeyValidationOptions {
  /** Accept the empty key (the reference writer does; default false). */
  allowEmpty?: boolean;
  /** Accept `SEA_STREAMER_INTERNAL` and `SEA_STREAMER_WILDCARD` (default false). */
  allowReserved?: boolean;
}

/**
 * Throws `INVALID_STREAM_KEY` unless `key` may be written with these options.
 *
 * @example
 * ```ts
 * validateStreamKey('orders');              // ok
 * validateStreamKey('', { allowEmpty: true }); // ok
 * validateStreamKey('SEA_STREAMER_INTERNAL'); // throws INVALID_STREAM_KEY
 * ```
 */
export function validateStreamKey(key: string, options: StreamKeyValidationOptions = {}): void {
  if (typeof key !== 'string') {
    throw new SeaStreamerFileError('INVALID_STREAM_KEY', `stream key must be a string, got ${typeof key}`);
  }
  if (!isValidStreamKey(key, options.allowEmpty ?? false)) {
    const why =
      key.length === 0
        ? 'is empty (pass allowEmptyStreamKey to write it like the reference writer does)'
        : key.length > MAX_STREAM_KEY_LENGTH
          ? `is ${key.length} characters long (at most ${MAX_STREAM_KEY_LENGTH})`
          : 'has characters outside [A-Za-z0-9._-]';
    throw new SeaStreamerFileError('INVALID_STREAM_KEY', `invalid stream key ${JSON.stringify(key)}: it ${why}`);
  }
  if (!options.allowReserved && isReservedStreamKey(key)) {
    throw new SeaStreamerFileError(
      'INVALID_STREAM_KEY',
      `stream key ${key} is reserved by SeaStreamer (end-of-stream is written by end({ eos: true }))`,
    );
  }
}

/**
 * True when a message is the end-of-stream marker: key `SEA_STREAMER_INTERNAL` **and** payload exactly
 * `EOS` (shard, sequence number and timestamp are ignored, §7.4).
 */
export function isEndOfStream(message: { readonly streamKey: string; readonly payload: Uint8Array }): boolean {
  const p = message.payload;
  return (
    message.streamKey === SEA_STREAMER_INTERNAL && p.length === 3 && p[0] === 0x45 && p[1] === 0x4f && p[2] === 0x53
  );
}
