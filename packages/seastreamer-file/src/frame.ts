/**
 * The message frame (spec §4), decoded and encoded side by side.
 *
 * ```
 *  1      K        8          8        8            4        P         2      1
 * +---+--------+----------+--------+-----------+--------+---------+-------+----+
 * | K |  key   | shard id | seq no | timestamp |   P    | payload |  CRC  | 0D |
 * +---+--------+----------+--------+-----------+--------+---------+-------+----+
 *  u8   UTF-8     u64        u64     u64 (ms)     u32     P bytes    u16   terminator
 * ```
 * Frame size `F = K + P + 32`; all integers big-endian; the CRC is the CRC-16/CDMA2000 of the payload only
 * (`0xFFFF` when empty). Frames are written back to back; a beacon (see `beacon.ts`) sits at every multiple
 * of the interval and may cut a frame at any byte, so a reader stitches such a frame together
 * ({@link stitchFrame}) and decodes every other frame in place ({@link decodeFrame}).
 *
 * @module
 */
import { crc16, decodeUtf8, encodeUtf8 } from '@x/binary';
import { decodeBeacon, type SeaStreamerBeacon } from './beacon.js';
import { SEA_STREAMER_INTERNAL } from './stream-key.js';

/** Bytes of a frame besides the key and the payload: 1 + 8 + 8 + 8 + 4 + 2 + 1. */
export const FRAME_OVERHEAD = 32;

/** Size of the frame of a message with a `keyLength`-byte key and a `payloadLength`-byte payload. */
export function frameSize(keyLength: number, payloadLength: number): number {
  return keyLength + payloadLength + FRAME_OVERHEAD;
}

/**
 * A decoded message with its position in the file.
 *
 * `payload` is a zero-copy view into the bytes the reader was given (or a buffer it read) unless the reader
 * was created with `copyBytes: true`; frames cut by beacons always get a fresh buffer.
 */
export interface SeaStreamerMessage {
  /** Discriminator among the records of a reader. */
  readonly kind: 'message';
  /** Stream key. */
  readonly streamKey: string;
  /** Shard id (u64). */
  readonly shardId: bigint;
  /** Sequence number (u64). */
  readonly seqNo: bigint;
  /** Timestamp, ms since the epoch (u64, kept raw; see `timestampToDate`). */
  readonly timestamp: bigint;
  /** Payload bytes. */
  readonly payload: Uint8Array;
  /** Checksum stored in the frame. */
  readonly checksum: number;
  /** Whether the stored checksum equals the payload's CRC; `undefined` when checksums were not verified. */
  readonly checksumOk: boolean | undefined;
  /** Last frame byte (0x0D when well formed; any other value is a `BAD_TERMINATOR` warning, never an error). */
  readonly terminator: number;
  /** File offset of the first frame byte (after any beacon at that position). */
  readonly offset: number;
  /** File offset just after the last frame byte. */
  readonly endOffset: number;
  /** Frame size `K + P + 32`, beacons excluded. */
  readonly frameSize: number;
  /** Offsets of the beacons that interrupt this frame (empty for most frames). */
  readonly splicedBy: readonly number[];
  /** True for the end-of-stream message (key `SEA_STREAMER_INTERNAL` and payload `EOS`). */
  readonly isEos: boolean;
}

/** @internal Concrete message class (stable shape for fast property access). */
export class Message implements SeaStreamerMessage {
  readonly kind = 'message' as const;
  constructor(
    readonly streamKey: string,
    readonly shardId: bigint,
    readonly seqNo: bigint,
    readonly timestamp: bigint,
    readonly payload: Uint8Array,
    readonly checksum: number,
    readonly checksumOk: boolean | undefined,
    readonly terminator: number,
    readonly offset: number,
    readonly endOffset: number,
    readonly frameSize: number,
    readonly splicedBy: readonly number[],
    readonly isEos: boolean,
  ) {}
}

/** What a writer takes: the message fields, numbers as `bigint` or safe-integer `number`. */
export interface MessageInput {
  /** Stream key: `[A-Za-z0-9._-]{1,249}`. */
  streamKey: string;
  /** Shard id, 0..2^64−1 (default 0). */
  shardId?: bigint | number;
  /** Sequence number, 0..2^64−1. */
  seqNo: bigint | number;
  /** Timestamp in ms, 0..253402300799999. */
  timestamp: bigint | number;
  /** Payload bytes, or a string written as UTF-8. At most 2^32−1 bytes. */
  payload: Uint8Array | string;
}

/**
 * @internal Beacons cutting no frame: shared and frozen like every `splicedBy` array, and made the way they are
 * (a mapped array of numbers), so that all of them share one map and the hot decoding code is not deoptimized
 * by a frame that beacons cut (`Object.freeze([])` has another map).
 */
export const NO_BEACONS: readonly number[] = Object.freeze([0].map((x) => x).slice(1));

// ------------------------------------------------------------------------------------------------ encode

/**
 * @internal Writes the frame into `target` at `at` (which must have room for {@link frameSize} bytes) and
 * returns the offset after it. `key` is the UTF-8 key, `checksum` the payload's CRC-16.
 */
export function encodeFrameInto(
  target: Uint8Array,
  view: DataView,
  at: number,
  key: Uint8Array,
  shardId: bigint,
  seqNo: bigint,
  timestamp: bigint,
  payload: Uint8Array,
  checksum: number,
): number {
  target[at] = key.length;
  target.set(key, at + 1);
  let q = at + 1 + key.length;
  view.setBigUint64(q, shardId);
  view.setBigUint64(q + 8, seqNo);
  view.setBigUint64(q + 16, timestamp);
  view.setUint32(q + 24, payload.length);
  target.set(payload, q + 28);
  q += 28 + payload.length;
  view.setUint16(q, checksum);
  target[q + 2] = 0x0d;
  return q + 3;
}

/**
 * @internal Writes the part of a frame before the payload (`1 + K + 28` bytes) into `target` at 0: a writer
 * splices the frame across beacons from this head, the payload and the 3-byte tail.
 */
export function encodeFrameHead(
  target: Uint8Array,
  view: DataView,
  key: Uint8Array,
  shardId: bigint,
  seqNo: bigint,
  timestamp: bigint,
  payloadLength: number,
): number {
  const k = key.length;
  target[0] = k;
  target.set(key, 1);
  view.setBigUint64(1 + k, shardId);
  view.setBigUint64(9 + k, seqNo);
  view.setBigUint64(17 + k, timestamp);
  view.setUint32(25 + k, payloadLength);
  return 29 + k;
}

/**
 * Encodes one frame without beacons (useful for tests and tools; writers splice beacons in). Performs no
 * validation; see `createSeaStreamerWriter` for a validating writer.
 *
 * @example
 * ```ts
 * const frame = encodeFrame('hello', 1n, 0n, 1691686154745n, new TextEncoder().encode('hello-0')); // 44 bytes
 * ```
 */
export function encodeFrame(
  streamKey: string,
  shardId: bigint,
  seqNo: bigint,
  timestamp: bigint,
  payload: Uint8Array,
): Uint8Array {
  const key = encodeUtf8(streamKey);
  const frame = new Uint8Array(frameSize(key.length, payload.length));
  encodeFrameInto(frame, new DataView(frame.buffer), 0, key, shardId, seqNo, timestamp, payload, crc16(payload));
  return frame;
}

// ------------------------------------------------------------------------------------------------ decode

/**
 * @internal Decodes stream keys with a small cache, so that the few distinct keys of a file are decoded once
 * instead of once per message. Never throws: a key that is not UTF-8 is decoded with U+FFFD replacements and
 * {@link StreamKeyDecoder.invalid} tells the caller.
 */
export class StreamKeyDecoder {
  /** True when the last decoded key was not valid UTF-8. */
  invalid = false;
  private cache = new Map<number, { bytes: Uint8Array; key: string; invalid: boolean }>();

  decode(buf: Uint8Array, start: number, length: number): string {
    if (length === 0) {
      this.invalid = false;
      return '';
    }
    let h = length;
    const end = start + length;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + (buf[i] as number)) | 0;
    const hit = this.cache.get(h);
    if (hit !== undefined && hit.bytes.length === length) {
      const b = hit.bytes;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (b[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) {
        this.invalid = hit.invalid;
        return hit.key;
      }
    }
    let key: string;
    let invalid = false;
    try {
      key = decodeUtf8(buf, start, end, false);
    } catch {
      key = decodeUtf8(buf, start, end, true);
      invalid = true;
    }
    if (this.cache.size >= 4096) this.cache.clear();
    this.cache.set(h, { bytes: buf.slice(start, end), key, invalid });
    this.invalid = invalid;
    return key;
  }
}

/**
 * @internal The offset in `buf` just after the frame that starts at `rel`, when the whole frame lies before
 * `limit` (the next interval boundary or the end of the window), else -1.
 */
export function frameEndBefore(buf: Uint8Array, view: DataView, rel: number, limit: number): number {
  if (rel + 1 > limit) return -1;
  const h = rel + 1 + (buf[rel] as number);
  if (h + 28 > limit) return -1;
  const e = h + 31 + view.getUint32(h + 24);
  return e <= limit ? e : -1;
}

/**
 * @internal Decodes the complete, contiguous frame at `buf[rel]` (`view` over exactly `buf`). The key decoder's
 * `invalid` flag tells whether the key was valid UTF-8. `checksumOk` is `undefined` unless `verify`.
 */
export function decodeFrame(
  keys: StreamKeyDecoder,
  buf: Uint8Array,
  view: DataView,
  rel: number,
  offset: number,
  endOffset: number,
  splicedBy: readonly number[],
  copy: boolean,
  verify: boolean,
): Message {
  const k = buf[rel] as number;
  const key = keys.decode(buf, rel + 1, k);
  const h = rel + 1 + k;
  const p = view.getUint32(h + 24);
  const ps = h + 28;
  const pe = ps + p;
  const checksum = view.getUint16(pe);
  const payload = copy ? buf.slice(ps, pe) : new Uint8Array(buf.buffer, buf.byteOffset + ps, p);
  const isEos =
    p === 3 &&
    buf[ps] === 0x45 &&
    buf[ps + 1] === 0x4f &&
    buf[ps + 2] === 0x53 &&
    key === SEA_STREAMER_INTERNAL &&
    !keys.invalid;
  return new Message(
    key,
    view.getBigUint64(h),
    view.getBigUint64(h + 8),
    view.getBigUint64(h + 16),
    payload,
    checksum,
    verify ? crc16(buf, ps, pe) === checksum : undefined,
    buf[pe + 2] as number,
    offset,
    endOffset,
    k + p + FRAME_OVERHEAD,
    splicedBy,
    isEos,
  );
}

/** @internal A frame stitched together across the beacons that cut it. */
export interface StitchedFrame {
  /** The frame bytes without the beacons. */
  readonly bytes: Uint8Array;
  /** Absolute offset after the last frame byte. */
  readonly end: number;
  /** The beacons inside the frame, in order. */
  readonly beacons: SeaStreamerBeacon[];
}

/** @internal Bytes missing to stitch a frame: at least `need` more from its start, probably `hint`. */
export interface Shortfall {
  readonly need: number;
  readonly hint: number;
}

/**
 * @internal Stitches the frame starting at absolute offset `pos` (not a multiple of `interval`) out of `buf`
 * (the file bytes from `bufStart`), removing the beacons at the multiples of the interval it crosses (spec
 * §8.1). Returns the frame, or a {@link Shortfall} when `buf` ends first; never allocates for a payload length
 * the window cannot hold. `beaconGuess` (a recent beacon size) sizes the hint.
 */
export function stitchFrame(
  buf: Uint8Array,
  view: DataView,
  bufStart: number,
  pos: number,
  interval: number,
  beaconGuess: number,
): StitchedFrame | Shortfall {
  const bufEnd = bufStart + buf.length;
  const beacons: SeaStreamerBeacon[] = [];
  let p = pos;
  const estimate = (from: number, logical: number): number => {
    const boundaries = Math.floor((from + logical) / interval) - Math.floor(from / interval) + 1;
    return from + logical + boundaries * beaconGuess + 64;
  };
  let short: Shortfall = { need: 1, hint: 1 };
  // Copies `n` logical frame bytes into dest[at..]; false (with `short` set) when the window ends first.
  const gather = (n: number, dest: Uint8Array, at: number): boolean => {
    while (n > 0) {
      if (p % interval === 0) {
        const beacon = decodeBeacon(buf, view, bufStart, p, interval);
        if (typeof beacon === 'number') {
          short = { need: Math.max(beacon, p + n) - pos, hint: Math.max(beacon, estimate(p, n)) - pos };
          return false;
        }
        beacons.push(beacon);
        p += beacon.size;
        continue;
      }
      let c = Math.min(n, interval - (p % interval));
      if (p + c > bufEnd) c = bufEnd - p;
      if (c <= 0) {
        short = { need: p + n - pos, hint: estimate(p, n) - pos };
        return false;
      }
      dest.set(buf.subarray(p - bufStart, p - bufStart + c), at);
      p += c;
      at += c;
      n -= c;
    }
    return true;
  };
  const head = new Uint8Array(1 + 255 + 28);
  if (!gather(1, head, 0)) return short;
  const k = head[0] as number;
  if (!gather(k + 28, head, 1)) return short;
  const h = 1 + k;
  const rest = new DataView(head.buffer).getUint32(h + 24) + 3;
  // Never allocate for a length the window cannot hold (corrupt or truncated data).
  if (bufEnd - p < rest) return { need: p + rest - pos, hint: estimate(p, rest) - pos };
  const frame = new Uint8Array(h + 28 + rest);
  frame.set(head.subarray(0, h + 28), 0);
  if (!gather(rest, frame, h + 28)) return short;
  return { bytes: frame, end: p, beacons };
}
