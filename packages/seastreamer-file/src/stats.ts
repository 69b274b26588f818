/**
 * File statistics without decoding payloads: per (stream key, shard) message count, sequence-number
 * range, time range and bytes; exactly (one sequential pass, checksums off) or as a fast estimate from the
 * beacon markers plus the first and last intervals.
 *
 * @module
 */
import type { ByteInput } from '@x/binary';
import type { SeaStreamerMessage } from './frame.js';
import type { SeaStreamerHeader } from './header.js';
import { openSeaStreamerReader } from './open.js';
import type { SeaStreamerEnd, SeaStreamerProblem } from './problems.js';
import type { SeaStreamerReader } from './reader.js';

/** Statistics of one (stream key, shard). */
export interface StreamStats {
  /** Stream key. */
  readonly streamKey: string;
  /** Shard id. */
  readonly shardId: bigint;
  /** Messages (an estimate from the sequence-number range in estimate mode). */
  readonly messageCount: number;
  /** Smallest sequence number. */
  readonly minSeqNo: bigint;
  /** Largest sequence number. */
  readonly maxSeqNo: bigint;
  /** Earliest timestamp (ms). */
  readonly minTimestamp: bigint;
  /** Latest timestamp (ms). */
  readonly maxTimestamp: bigint;
  /** Payload bytes (`undefined` in estimate mode). */
  readonly payloadBytes: number | undefined;
  /** Frame bytes, beacons excluded (`undefined` in estimate mode). */
  readonly frameBytes: number | undefined;
}

/** Statistics of a file. */
export interface FileStats {
  /** The header. */
  readonly header: SeaStreamerHeader;
  /** Bytes of the file. */
  readonly fileSize: number;
  /** True when computed from beacons (counts estimated from sequence ranges). */
  readonly estimated: boolean;
  /** Messages in the file (sum of the per-stream counts). */
  readonly messageCount: number;
  /** Complete beacons in the file. */
  readonly beaconCount: number;
  /** Bytes taken by beacons (`undefined` in estimate mode unless every beacon was read). */
  readonly beaconBytes: number | undefined;
  /** Per (key, shard), sorted by key then shard. */
  readonly streams: StreamStats[];
  /** True when the file ends with an end-of-stream message. */
  readonly ended: boolean;
  /** How reading ended (exact mode), or how the tail scan ended (estimate mode). */
  readonly end: SeaStreamerEnd | undefined;
  /** Problems met (running-checksum mismatches, decoration bytes; payloads are not verified). */
  readonly problems: readonly SeaStreamerProblem[];
}

/** Options of {@link computeStats}. */
export interface StatsOptions {
  /**
   * Use the beacons instead of reading every frame: markers give maxima, the first interval gives minima,
   * the last interval is read exactly; counts are estimated as `maxSeqNo − minSeqNo + 1`. Needs a source
   * with random access (bytes, Blob, file).
   */
  estimate?: boolean;
}

interface Acc {
  index: number;
  streamKey: string;
  shardId: bigint;
  count: number;
  minSeqNo: bigint;
  maxSeqNo: bigint;
  minTimestamp: bigint;
  maxTimestamp: bigint;
  payloadBytes: number;
  frameBytes: number;
}

class Accumulator {
  readonly map = new Map<string, Map<bigint, Acc>>();
  /** The streams in order of first appearance. */
  readonly list: Acc[] = [];

  get(streamKey: string, shardId: bigint, seqNo: bigint, timestamp: bigint): Acc {
    let shards = this.map.get(streamKey);
    if (shards === undefined) this.map.set(streamKey, (shards = new Map()));
    let a = shards.get(shardId);
    if (a === undefined) {
      a = {
        index: this.list.length,
        streamKey,
        shardId,
        count: 0,
        minSeqNo: seqNo,
        maxSeqNo: seqNo,
        minTimestamp: timestamp,
        maxTimestamp: timestamp,
        payloadBytes: 0,
        frameBytes: 0,
      };
      shards.set(shardId, a);
      this.list.push(a);
    }
    return a;
  }

  add(m: StatsMessage): number {
    const a = this.get(m.streamKey, m.shardId, m.seqNo, m.timestamp);
    a.count++;
    if (m.seqNo < a.minSeqNo) a.minSeqNo = m.seqNo;
    if (m.seqNo > a.maxSeqNo) a.maxSeqNo = m.seqNo;
    if (m.timestamp < a.minTimestamp) a.minTimestamp = m.timestamp;
    if (m.timestamp > a.maxTimestamp) a.maxTimestamp = m.timestamp;
    a.payloadBytes += m.payload.length;
    a.frameBytes += m.frameSize;
    return a.index;
  }

  sorted(estimated: boolean): StreamStats[] {
    return this.list
      .map((a) => toStreamStats(a, estimated))
      .sort((x, y) =>
        x.streamKey < y.streamKey
          ? -1
          : x.streamKey > y.streamKey
            ? 1
            : x.shardId < y.shardId
              ? -1
              : x.shardId > y.shardId
                ? 1
                : 0,
      );
  }
}

function toStreamStats(a: Acc, estimated: boolean): StreamStats {
  return {
    streamKey: a.streamKey,
    shardId: a.shardId,
    messageCount: estimated ? Math.max(a.count, Number(a.maxSeqNo - a.minSeqNo) + 1) : a.count,
    minSeqNo: a.minSeqNo,
    maxSeqNo: a.maxSeqNo,
    minTimestamp: a.minTimestamp,
    maxTimestamp: a.maxTimestamp,
    payloadBytes: estimated ? undefined : a.payloadBytes,
    frameBytes: estimated ? undefined : a.frameBytes,
  };
}

/** The message fields a {@link StatsBuilder} counts. */
export type StatsMessage = Pick<
  SeaStreamerMessage,
  'streamKey' | 'shardId' | 'seqNo' | 'timestamp' | 'payload' | 'frameSize'
>;

/** Per-stream statistics built one message at a time (see {@link createStatsBuilder}). */
export interface StatsBuilder {
  /** Counts a message and returns its stream's index: 0, 1, 2 … in order of first appearance. */
  add(message: StatsMessage): number;
  /** The exact statistics so far, one entry per stream, in index order. */
  streams(): StreamStats[];
}

/**
 * Per-stream statistics (count, seq and time ranges, payload and frame bytes) built incrementally, for readers
 * that already iterate the messages (a viewer, a CLI) and should not read the file twice. `computeStats` uses
 * the same accumulator.
 *
 * @example
 * ```ts
 * const stats = createStatsBuilder();
 * for await (const m of reader) row.stream = stats.add(m);
 * console.log(stats.streams()[0]?.messageCount);
 * ```
 */
export function createStatsBuilder(): StatsBuilder {
  const acc = new Accumulator();
  return {
    add: (message) => acc.add(message),
    streams: () => acc.list.map((a) => toStreamStats(a, false)),
  };
}

/**
 * Computes per-stream statistics. Payload checksums are not verified (payloads are never looked at).
 *
 * @example
 * ```ts
 * const stats = await computeStats(bytes);
 * for (const s of stats.streams) console.log(s.streamKey, s.shardId, s.messageCount, s.minSeqNo, s.maxSeqNo);
 * const quick = await computeStats(file, { estimate: true }); // reads beacons + 2 intervals
 * ```
 */
export async function computeStats(input: ByteInput, options: StatsOptions = {}): Promise<FileStats> {
  const reader = await openSeaStreamerReader(input, { verifyChecksums: false, lenientUtf8: true, beacons: true });
  try {
    return options.estimate ? await estimate(reader) : await exact(reader);
  } finally {
    await reader.close();
  }
}

async function exact(reader: SeaStreamerReader): Promise<FileStats> {
  const acc = new Accumulator();
  let beaconCount = 0;
  let beaconBytes = 0;
  for (;;) {
    const batch = await reader.nextBatch();
    if (batch === null) break;
    for (const item of batch) {
      if (item.kind === 'message') acc.add(item);
      else {
        beaconCount++;
        beaconBytes += item.size;
      }
    }
  }
  const end = reader.end;
  const streams = acc.sorted(false);
  return {
    header: reader.header,
    fileSize: end ? end.offset + end.trailingBytes : 128,
    estimated: false,
    messageCount: streams.reduce((n, s) => n + s.messageCount, 0),
    beaconCount,
    beaconBytes,
    streams,
    ended: end?.state === 'eos',
    end,
    problems: reader.problems,
  };
}

async function estimate(reader: SeaStreamerReader): Promise<FileStats> {
  const interval = reader.header.beaconInterval;
  let size: number;
  try {
    size = await reader.size();
  } catch {
    return exact(reader); // no random access: read everything
  }
  const acc = new Accumulator();
  const lastIndex = Math.floor(size / interval);
  // First interval: minima (and maxima so far).
  first: for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
    for (const record of batch) {
      if (record.kind === 'beacon') break first;
      acc.add(record);
    }
  }
  let beaconCount = 0;
  let beaconBytes = 0;
  for (let i = 1; i <= lastIndex; i++) {
    const beacon = await reader.readBeacon(i);
    if (beacon === undefined || 'truncated' in beacon) continue;
    beaconCount++;
    beaconBytes += beacon.size;
    for (const m of beacon.markers) {
      const a = acc.get(m.streamKey, m.shardId, m.seqNo, m.timestamp);
      if (m.seqNo > a.maxSeqNo) a.maxSeqNo = m.seqNo;
      if (m.timestamp > a.maxTimestamp) a.maxTimestamp = m.timestamp;
    }
  }
  // Last interval: exact tail.
  let end = reader.end;
  if (lastIndex >= 1) {
    let last: SeaStreamerMessage | undefined;
    try {
      await reader.rewindToBeacon(lastIndex);
      for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
        for (const m of batch) {
          if (m.kind !== 'message') continue;
          last = m;
          const a = acc.get(m.streamKey, m.shardId, m.seqNo, m.timestamp);
          if (m.seqNo > a.maxSeqNo) a.maxSeqNo = m.seqNo;
          if (m.timestamp > a.maxTimestamp) a.maxTimestamp = m.timestamp;
          if (m.seqNo < a.minSeqNo) a.minSeqNo = m.seqNo;
          if (m.timestamp < a.minTimestamp) a.minTimestamp = m.timestamp;
        }
      }
      end = reader.end;
    } catch {
      // a truncated last beacon: keep what the markers said
    }
    if (last === undefined) end = undefined;
  } else {
    for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
      for (const m of batch) if (m.kind === 'message') acc.add(m);
    }
    end = reader.end;
  }
  const streams = acc.sorted(true);
  return {
    header: reader.header,
    fileSize: size,
    estimated: true,
    messageCount: streams.reduce((n, s) => n + s.messageCount, 0),
    beaconCount,
    beaconBytes,
    streams,
    ended: end?.state === 'eos',
    end,
    problems: reader.problems,
  };
}
