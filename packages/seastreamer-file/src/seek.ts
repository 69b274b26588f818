/**
 * Random access (spec §8.3, §8.4): reading a beacon by index, the reference's rewind (to a beacon index, the
 * start or the end) with its alignment rule, and the seek by sequence number or timestamp: a deterministic
 * binary search over beacon markers, then a forward scan.
 *
 * The search keeps a virtual *Left* before the first beacon and a virtual *Right* after the last one. A
 * beacon's marker for the requested (key, shard) decides: *Left* when no message of the stream up to that
 * beacon can match (`marker.seq < N`, or `marker.ts <= T`), *Right* otherwise, *Undecided* without a
 * marker. Probing `mid, mid−1, mid+1, …` skips undecided holes; each beacon is read at most once and the
 * search never gives up. The forward scan then starts at the last *Left* beacon and matches key **and**
 * shard (the reference matches any stream).
 *
 * @module
 */
import { decodeBeacon, type SeaStreamerBeacon } from './beacon.js';
import { SeaStreamerFileError } from './errors.js';
import type { SeaStreamerMessage } from './frame.js';
import { HEADER_SIZE, type SeaStreamerHeader } from './header.js';

/** @internal Random read of `length` bytes at `position` (fewer at the end of the data). */
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

/** Result of a rewind. */
export interface RewindResult {
  /** Beacon index of the position reached: `floor(offset / interval)` (the reference's return value). */
  readonly beaconIndex: number;
  /** Offset where reading continues. */
  readonly offset: number;
}

/** Result of a seek. */
export interface SeekResult {
  /** The first matching message, which is also the next record read. */
  readonly message: SeaStreamerMessage;
  /** Beacon index where the forward scan started (0 = beginning of the file). */
  readonly startBeacon: number;
  /** Beacons read by the binary search. */
  readonly beaconsRead: number;
  /** Messages skipped by the forward scan before the match. */
  readonly messagesScanned: number;
}

/** Options of `seekByTimestamp`. */
export interface TimestampSeekOptions {
  /** Match `timestamp >= T` instead of the reference's strict `timestamp > T` (default false). */
  inclusive?: boolean;
}

const FIRST_READ = 4096;
const MAX_BEACON_BYTES = 7 + 255 * (255 + 27);

/**
 * @internal Reads beacon `index` (at offset `index × interval`) through `readAt`. Resolves `undefined` when
 * the data ends at or before that offset, a {@link TruncatedBeacon} when it ends inside the beacon.
 */
export async function readBeaconAt(
  readAt: ReadAt,
  interval: number,
  index: number,
): Promise<SeaStreamerBeacon | TruncatedBeacon | undefined> {
  if (!(Number.isSafeInteger(index) && index >= 0)) {
    throw new SeaStreamerFileError('INVALID_ARGUMENT', `beacon index must be a non-negative integer, got ${index}`);
  }
  const offset = index * interval;
  if (index < 1) return undefined;
  let length = FIRST_READ;
  for (;;) {
    const bytes = await readAt(offset, length);
    if (bytes.length === 0) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const beacon = decodeBeacon(bytes, view, offset, offset, interval);
    if (typeof beacon !== 'number') return beacon;
    if (bytes.length < length || length >= MAX_BEACON_BYTES) return { index, offset, truncated: true };
    length = MAX_BEACON_BYTES;
  }
}

/**
 * @internal The reference rewind alignment: while `pos` is a multiple of the interval, read the beacon there
 * and skip it plus the rest of the frame it cuts, clamped so as never to skip past the next boundary
 * (`pos += S + min(R, I − S)`). Throws `TRUNCATED` when a beacon is incomplete.
 */
export async function alignAfterBeacon(readAt: ReadAt, interval: number, pos: number): Promise<number> {
  let previous = -1;
  while (pos % interval === 0) {
    const beacon = await readBeaconAt(readAt, interval, pos / interval);
    if (beacon === undefined && previous >= 0) {
      // The previous beacon's count runs to a boundary the data does not reach: the frame it cuts is cut short.
      throw new SeaStreamerFileError(
        'TRUNCATED',
        `the beacon at offset ${previous} says the frame it cuts continues to offset ${pos}, past the end of the data`,
        { offset: previous },
      );
    }
    if (beacon === undefined || 'truncated' in beacon) {
      throw new SeaStreamerFileError(
        'TRUNCATED',
        `the beacon at offset ${pos} is incomplete (the file may have been truncated)`,
        { offset: pos },
      );
    }
    previous = pos;
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
 * @internal The deterministic search of spec §8.4 over beacons 1..floor(size / interval). Resolves the beacon
 * index where the forward scan starts (0 = beginning of the file) and how many beacons were read.
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

/** @internal What the rewind and the seek need of a reader. */
export interface SeekHost {
  readonly header: SeaStreamerHeader;
  readAt(position: number, length: number): Promise<Uint8Array>;
  size(): Promise<number>;
  moveTo(pos: number, baselineKnown: boolean): void;
  scanNext(): Promise<SeaStreamerMessage | null>;
  unread(): void;
  bounded<T>(fn: () => Promise<T>, quick?: boolean): Promise<T>;
  snapshot(): () => void;
  endOfScan(): number;
}

/** @internal Rewinds a reader to beacon `target`, the start or the end (spec §8.3). */
export async function rewind(host: SeekHost, target: 'start' | 'end' | number): Promise<RewindResult> {
  const I = host.header.beaconInterval;
  const size = await host.size();
  let pos: number;
  if (target === 'start' || target === 0) pos = HEADER_SIZE;
  else if (target === 'end' || target * I > size) pos = Math.max(HEADER_SIZE, Math.floor(size / I) * I);
  else pos = target * I;
  const baselineKnown = pos === HEADER_SIZE;
  pos = await alignAfterBeacon((p, n) => host.readAt(p, n), I, pos);
  host.moveTo(pos, baselineKnown);
  if (target === 'end') {
    // Step over every complete frame: the position becomes the end of the last complete message.
    pos = await host.bounded(async () => {
      while ((await host.scanNext()) !== null);
      return host.endOfScan();
    }, true);
    host.moveTo(pos, false);
  }
  return { beaconIndex: Math.floor(pos / I), offset: pos };
}

/** @internal Seeks a reader to the first message matching `target` (spec §8.4). */
export async function seek(host: SeekHost, target: SeekTarget): Promise<SeekResult> {
  const I = host.header.beaconInterval;
  const size = await host.size();
  const restore = host.snapshot();
  const matches = (m: SeaStreamerMessage): boolean =>
    m.streamKey === target.streamKey &&
    m.shardId === target.shardId &&
    (target.kind === 'seqNo'
      ? m.seqNo >= target.value
      : target.inclusive
        ? m.timestamp >= target.value
        : m.timestamp > target.value);
  let scanned = 0;
  const found = await host.bounded(async () => {
    try {
      const { start, beaconsRead } = await searchBeacons((p, n) => host.readAt(p, n), I, size, target);
      await rewind(host, start === 0 ? 'start' : start);
      for (;;) {
        let message: SeaStreamerMessage | null;
        try {
          message = await host.scanNext();
        } catch (error) {
          // A damaged frame (strict): if it is the match, it stays next (reading it throws again); if it is
          // skipped, its problem is already recorded.
          if (!SeaStreamerFileError.is(error) || error.decoded === undefined) throw error;
          const decoded = error.decoded as SeaStreamerMessage;
          if (matches(decoded)) {
            host.unread();
            return { message: decoded, startBeacon: start, beaconsRead, messagesScanned: scanned };
          }
          scanned++;
          continue;
        }
        if (message === null) return undefined;
        if (matches(message)) {
          host.unread();
          return { message, startBeacon: start, beaconsRead, messagesScanned: scanned };
        }
        scanned++;
      }
    } catch (error) {
      restore();
      throw error;
    }
  });
  if (found !== undefined) return found;
  restore();
  const condition = target.kind === 'seqNo' ? 'sequence number >=' : target.inclusive ? 'timestamp >=' : 'timestamp >';
  throw new SeaStreamerFileError(
    'OUT_OF_RANGE',
    `no message of ${target.streamKey}/${target.shardId} with ${condition} ${target.value}`,
  );
}
