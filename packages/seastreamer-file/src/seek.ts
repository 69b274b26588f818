/**
 * Random access (spec §8.3, §8.4): reading a beacon by index, the reference's rewind alignment, and the
 * deterministic binary search over beacon markers used by `seekBySeqNo` / `seekByTimestamp`.
 *
 * The search keeps a virtual *Left* before the first beacon and a virtual *Right* after the last one. A
 * beacon's marker for the requested (key, shard) decides: *Left* when no message of the stream up to that
 * beacon can match (`marker.seq < N`, or `marker.ts <= T`), *Right* otherwise, *Undecided* without a
 * marker. Probing `mid, mid−1, mid+1, …` skips undecided holes; each beacon is read at most once and the
 * search never gives up. The forward scan then starts at the last *Left* beacon.
 *
 * @module
 */
import { decodeBeacon, type SeaStreamerBeacon } from './beacon.js';
import { SeaStreamerFileError } from './errors.js';
import { fromBinaryError } from './parser.js';

/** Random read of `length` bytes at `position` (fewer at the end of the data). */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

/** A beacon that the data ends inside of. */
export interface TruncatedBeacon {
  /** Beacon index. */
  readonly index: number;
  /** Beacon offset. */
  readonly offset: number;
  /** Always true. */
  readonly truncated: true;
}

const FIRST_READ = 4096;
const MAX_BEACON_BYTES = 7 + 255 * (255 + 27);

/**
 * Reads beacon `index` (at offset `index × interval`) through `readAt`. Resolves `undefined` when the
 * data ends at or before that offset, a {@link TruncatedBeacon} when it ends inside the beacon.
 */
export async function readBeaconAt(
  readAt: ReadAt,
  interval: number,
  index: number,
): Promise<SeaStreamerBeacon | TruncatedBeacon | undefined> {
  const offset = index * interval;
  if (index < 1) return undefined;
  let length = FIRST_READ;
  for (;;) {
    let bytes: Uint8Array;
    try {
      bytes = await readAt(offset, length);
    } catch (error) {
      throw fromBinaryError(error);
    }
    if (bytes.length === 0) return undefined;
    const beacon = decodeBeacon(
      bytes,
      new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      offset,
      offset,
      interval,
    );
    if (typeof beacon !== 'number') return beacon;
    if (bytes.length < length || length >= MAX_BEACON_BYTES) return { index, offset, truncated: true };
    length = MAX_BEACON_BYTES;
  }
}

/**
 * The reference rewind alignment: while `pos` is a multiple of the interval, read the beacon there and
 * skip it plus the rest of the frame it cuts, clamped so as never to skip past the next boundary
 * (`pos += S + min(R, I − S)`). Throws `TRUNCATED` when a beacon is incomplete.
 */
export async function alignAfterBeacon(readAt: ReadAt, interval: number, pos: number): Promise<number> {
  while (pos % interval === 0) {
    const beacon = await readBeaconAt(readAt, interval, pos / interval);
    if (beacon === undefined || 'truncated' in beacon) {
      throw new SeaStreamerFileError(
        'TRUNCATED',
        `the beacon at offset ${pos} is incomplete (the file may have been truncated)`,
        {
          offset: pos,
        },
      );
    }
    pos += beacon.size + Math.max(0, Math.min(beacon.remainingMessageBytes, interval - beacon.size));
    if (pos % interval !== 0) break;
  }
  return pos;
}

/** @internal What a seek looks for. */
export interface SeekTarget {
  kind: 'seqNo' | 'timestamp';
  streamKey: string;
  shardId: bigint;
  value: bigint;
  inclusive: boolean;
}

type Decision = 'left' | 'right' | 'undecided';

/**
 * @internal The deterministic search of spec §8.4 over beacons 1..floor(size / interval). Resolves the
 * beacon index where the forward scan starts (0 = beginning of the file) and how many beacons were read.
 */
export async function searchBeacons(
  readAt: ReadAt,
  interval: number,
  size: number,
  target: SeekTarget,
): Promise<{ start: number; beaconsRead: number }> {
  const last = Math.floor(size / interval);
  const memo = new Map<number, Decision>();
  let beaconsRead = 0;
  const decide = async (index: number): Promise<Decision> => {
    const known = memo.get(index);
    if (known !== undefined) return known;
    beaconsRead++;
    const beacon = await readBeaconAt(readAt, interval, index);
    let decision: Decision = 'undecided';
    if (beacon !== undefined && !('truncated' in beacon)) {
      const marker = beacon.markers.find((m) => m.streamKey === target.streamKey && m.shardId === target.shardId);
      if (marker !== undefined) {
        const left =
          target.kind === 'seqNo'
            ? marker.seqNo < target.value
            : target.inclusive
              ? marker.timestamp < target.value
              : marker.timestamp <= target.value;
        decision = left ? 'left' : 'right';
      }
    }
    memo.set(index, decision);
    return decision;
  };
  let lo = 0;
  let hi = last + 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    let found = -1;
    let decision: Decision = 'undecided';
    for (let d = 0; found < 0; d++) {
      const below = mid - d;
      const above = mid + d;
      if (below <= lo && above >= hi) break;
      if (below > lo && below < hi) {
        decision = await decide(below);
        if (decision !== 'undecided') found = below;
      }
      if (found < 0 && d > 0 && above > lo && above < hi) {
        decision = await decide(above);
        if (decision !== 'undecided') found = above;
      }
    }
    if (found < 0) break;
    if (decision === 'left') lo = found;
    else hi = found;
  }
  return { start: lo, beaconsRead };
}
