/**
 * Beacons and markers (spec §5, §7.2), decoded and encoded side by side.
 *
 * ```
 * beacon:  +----+-------+-------+------------------------+----+
 *          | 0D | R u32 | M u8  | marker × M             | 0D |     size S = 7 + Σ (K_i + 27)
 *          +----+-------+-------+------------------------+----+
 * marker:  +---+-----+----------+-------------+-------------------+--------------------+
 *          | K | key | shard u64| max seq u64 | max timestamp u64 | running CRC u16    |
 *          +---+-----+----------+-------------+-------------------+--------------------+
 * ```
 * A beacon sits at every positive multiple of the interval `I` that the data reaches and interrupts the
 * frame being written; `R` counts the bytes of that frame that follow the beacon. Markers carry, per
 * (stream key, shard), the maximum sequence number and timestamp seen and the running checksum of the
 * writer run, for the messages whose frame starts before the beacon; a writer rotates through its streams,
 * `markersPerBeacon(I)` at a time.
 *
 * @module
 */
import { decodeUtf8 } from '@x/binary';

/** One marker of a beacon. */
export interface SeaStreamerMarker {
  /** Stream key. */
  readonly streamKey: string;
  /** Shard id. */
  readonly shardId: bigint;
  /** Largest sequence number written to this (key, shard) before the beacon (in the writer run). */
  readonly seqNo: bigint;
  /** Largest timestamp (ms) written to this (key, shard) before the beacon (in the writer run). */
  readonly timestamp: bigint;
  /** Running CRC-16 over the stored checksums of this (key, shard)'s messages in the writer run. */
  readonly runningChecksum: number;
}

/** A decoded beacon. */
export interface SeaStreamerBeacon {
  /** Discriminator among the records of a reader. */
  readonly kind: 'beacon';
  /** File offset (a positive multiple of the interval). */
  readonly offset: number;
  /** Beacon index: `offset / interval`. */
  readonly index: number;
  /** `R`: bytes of the interrupted frame that follow this beacon (0 if none). */
  readonly remainingMessageBytes: number;
  /** Size `S` in bytes. */
  readonly size: number;
  /** The markers. */
  readonly markers: readonly SeaStreamerMarker[];
  /** First byte (0x0D when well formed; readers warn `BAD_BEACON_DELIMITER` otherwise). */
  readonly leadByte: number;
  /** Last byte (0x0D when well formed; readers warn `BAD_BEACON_DELIMITER` otherwise). */
  readonly tailByte: number;
}

/** @internal Size of a beacon without markers. */
export const EMPTY_BEACON_SIZE = 7;

/**
 * Markers per beacon for an interval: `floor(min(255, floor((I − 7) / 282)) / 2)` (0 below 571, 1 for
 * 1024, 127 from 71,635 on, including 1 MiB).
 *
 * @example
 * ```ts
 * markersPerBeacon(1024);    // 1
 * markersPerBeacon(1 << 20); // 127
 * ```
 */
export function markersPerBeacon(interval: number): number {
  return Math.floor(Math.min(255, Math.floor((interval - 7) / 282)) / 2);
}

/**
 * @internal Decodes the beacon starting at `buf[at - bufStart]` (`at` absolute). Returns the beacon, or, when `buf`
 * ends before the beacon does, the absolute offset up to which bytes are needed.
 *
 * @param view - a `DataView` over exactly `buf`.
 */
export function decodeBeacon(
  buf: Uint8Array,
  view: DataView,
  bufStart: number,
  at: number,
  interval: number,
): SeaStreamerBeacon | number {
  const rel = at - bufStart;
  const end = buf.length;
  if (rel + 6 > end) return at + 6;
  const leadByte = buf[rel] as number;
  const remainingMessageBytes = view.getUint32(rel + 1);
  const count = buf[rel + 5] as number;
  let q = rel + 6;
  const markers: SeaStreamerMarker[] = [];
  for (let m = 0; m < count; m++) {
    if (q + 1 > end) return bufStart + q + 1 + 27;
    const k = buf[q] as number;
    const fields = q + 1 + k;
    if (fields + 26 > end) return bufStart + fields + 26;
    markers.push({
      streamKey: decodeUtf8(buf, q + 1, fields, true),
      shardId: view.getBigUint64(fields),
      seqNo: view.getBigUint64(fields + 8),
      timestamp: view.getBigUint64(fields + 16),
      runningChecksum: view.getUint16(fields + 24),
    });
    q = fields + 26;
  }
  if (q + 1 > end) return bufStart + q + 1;
  const tailByte = buf[q] as number;
  return {
    kind: 'beacon',
    offset: at,
    index: Math.floor(at / interval),
    remainingMessageBytes,
    size: q + 1 - rel,
    markers,
    leadByte,
    tailByte,
  };
}

/** @internal Marker fields as the writer holds them, with the key already encoded. */
export interface MarkerBytes {
  /** UTF-8 bytes of the stream key. */
  readonly key: Uint8Array;
  /** Shard id. */
  readonly shardId: bigint;
  /** Max sequence number. */
  readonly seqNo: bigint;
  /** Max timestamp (ms). */
  readonly timestamp: bigint;
  /** Running checksum. */
  readonly runningChecksum: number;
}

/** @internal Size in bytes of a beacon holding these markers. */
export function beaconSize(markers: readonly MarkerBytes[]): number {
  let size = EMPTY_BEACON_SIZE;
  for (const m of markers) size += m.key.length + 27;
  return size;
}

/**
 * @internal Writes a beacon into `target` at `at` (which must have room for {@link beaconSize} bytes) and returns
 * its size.
 */
export function encodeBeaconInto(
  target: Uint8Array,
  view: DataView,
  at: number,
  remainingMessageBytes: number,
  markers: readonly MarkerBytes[],
): number {
  target[at] = 0x0d;
  view.setUint32(at + 1, remainingMessageBytes);
  target[at + 5] = markers.length;
  let q = at + 6;
  for (const m of markers) {
    target[q] = m.key.length;
    target.set(m.key, q + 1);
    q += 1 + m.key.length;
    view.setBigUint64(q, m.shardId);
    view.setBigUint64(q + 8, m.seqNo);
    view.setBigUint64(q + 16, m.timestamp);
    view.setUint16(q + 24, m.runningChecksum);
    q += 26;
  }
  target[q] = 0x0d;
  return q + 1 - at;
}

/**
 * @internal The markers of the next beacon (spec §7.2): `sorted` holds the writer run's (key, shard) entries
 * sorted by key bytes then shard; starting at `beaconCount mod n`, `min(n, perBeacon)` consecutive entries,
 * wrapping around.
 */
export function rotateMarkers<T>(sorted: readonly T[], beaconCount: number, perBeacon: number): T[] {
  const n = sorted.length;
  if (n === 0 || perBeacon === 0) return [];
  const count = Math.min(n, perBeacon);
  const start = beaconCount % n;
  const out: T[] = [];
  for (let j = 0; j < count; j++) out.push(sorted[(start + j) % n] as T);
  return out;
}
