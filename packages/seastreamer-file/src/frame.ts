/**
 * The message frame (spec §4) and the decoded message type.
 *
 * ```
 * K u8 | key (K bytes) | shard u64 | seq u64 | timestamp u64 | P u32 | payload (P bytes) | crc u16 | 0D
 * ```
 * Frame size `F = K + P + 32`; the checksum is the CRC-16/CDMA2000 of the payload only (`0xFFFF` when
 * empty). Frames are written back to back; beacons may interrupt them at any byte (see `beacon.ts`).
 *
 * @module
 */
import { crc16, decodeUtf8, encodeUtf8 } from '@x/binary';

/** Bytes of a frame besides the key and the payload: 1 + 8 + 8 + 8 + 4 + 2 + 1. */
export const FRAME_OVERHEAD = 32;

/** Size of the frame of a message with a `keyLength`-byte key and a `payloadLength`-byte payload. */
export function frameSize(keyLength: number, payloadLength: number): number {
  return keyLength + payloadLength + FRAME_OVERHEAD;
}

/**
 * A decoded message with its position in the file.
 *
 * `payload` is a zero-copy view into the bytes the reader was given (or a buffer it read) unless the
 * reader was created with `copyPayloads: true`; frames cut by beacons always get a fresh buffer.
 */
export interface SeaStreamerMessage {
  /** Discriminator in mixed item streams. */
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
 * Encodes one frame without beacons (useful for tests and tools; writers splice beacons in).
 * Performs no validation; see `createWriter` for a validating writer.
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
  const view = new DataView(frame.buffer);
  frame[0] = key.length;
  frame.set(key, 1);
  let q = 1 + key.length;
  view.setBigUint64(q, shardId);
  view.setBigUint64(q + 8, seqNo);
  view.setBigUint64(q + 16, timestamp);
  view.setUint32(q + 24, payload.length);
  frame.set(payload, q + 28);
  q += 28 + payload.length;
  view.setUint16(q, crc16(payload));
  frame[q + 2] = 0x0d;
  return frame;
}

/**
 * @internal Decodes stream keys with a small cache, so that the few distinct keys of a file are decoded
 * once instead of once per message.
 */
export class StreamKeyDecoder {
  private cache = new Map<number, { bytes: Uint8Array; key: string }>();

  /** Decodes `buf[start, start + length)`; throws `BinaryError` `INVALID_UTF8` unless `lenient`. */
  decode(buf: Uint8Array, start: number, length: number, lenient: boolean): string {
    if (length === 0) return '';
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
      if (same) return hit.key;
    }
    const key = decodeUtf8(buf, start, end, lenient);
    if (this.cache.size >= 4096) this.cache.clear();
    this.cache.set(h, { bytes: buf.slice(start, end), key });
    return key;
  }
}
