/**
 * Planning an append (spec §7.5): where an existing file is continued and with which stream state.
 *
 * Like the reference, the header (name, creation time, interval) is kept and writing resumes after the
 * last complete message, or at its start when it is an end-of-stream message (which is overwritten).
 * Unlike the reference, the stale bytes after that point are reported so the caller truncates them, and
 * the per-(key, shard) state (max seq, max timestamp, running checksum) is rebuilt from the file, the
 * running checksums resynchronised at each marker exactly as a verifying reader does, so that the markers
 * of the new run continue seamlessly.
 *
 * @module
 */
import { type ByteInput, CRC16_INIT, crc16UpdateU16 } from '@x/binary';
import type { SeaStreamerMessage } from './frame.js';
import { openSeaStreamerReader } from './open.js';
import type { ResumeState, StreamState } from './stream-state.js';

/** The result of {@link planAppend}. */
export interface AppendPlan {
  /** What a writer needs to continue the file (`resume` of `createSeaStreamerWriter`). */
  readonly resume: ResumeState;
  /** Size of the existing data. */
  readonly fileSize: number;
  /** Bytes after the resume offset that must be truncated (a partial tail, an overwritten EOS, a beacon). */
  readonly staleBytes: number;
  /** The last complete message kept, if any. */
  readonly lastMessage: SeaStreamerMessage | undefined;
  /** True when an end-of-stream message at the end is overwritten. */
  readonly overwritesEos: boolean;
}

interface Rebuilt {
  streamKey: string;
  shardId: bigint;
  maxSeqNo: bigint;
  maxTimestamp: bigint;
  runningChecksum: number;
}

/**
 * Reads an existing file (any input of `openSeaStreamerReader`) and plans its continuation. Throws like
 * `openSeaStreamerReader` when the file cannot be opened (bad magic, incomplete header...).
 *
 * @example
 * ```ts
 * const plan = await planAppend(existingBytes);
 * const sink = createMemorySink();
 * sink.write(existingBytes.subarray(0, plan.resume.offset));
 * const writer = createSeaStreamerWriter(sink, { resume: plan.resume });
 * ```
 */
export async function planAppend(input: ByteInput): Promise<AppendPlan> {
  const reader = await openSeaStreamerReader(input, {
    verifyRunningChecksums: false,
    verifyDecoration: false,
    lenientUtf8: true,
    beacons: true,
  });
  const items: Array<
    | SeaStreamerMessage
    | {
        kind: 'beacon';
        offset: number;
        markers: readonly { streamKey: string; shardId: bigint; runningChecksum: number }[];
      }
  > = [];
  let last: SeaStreamerMessage | undefined;
  let beforeLast = -1;
  try {
    for (;;) {
      const batch = await reader.nextBatch();
      if (batch === null) break;
      for (const item of batch) {
        if (item.kind === 'message') {
          beforeLast = items.length;
          last = item;
        }
        items.push(item);
      }
    }
  } finally {
    await reader.close();
  }
  const end = reader.end;
  const fileSize = (end?.offset ?? 128) + (end?.trailingBytes ?? 0);
  const overwritesEos = last?.isEos === true;
  const resumeOffset = last === undefined ? 128 : overwritesEos ? last.offset : (end?.offset ?? last.endOffset);
  const state = new Map<string, Map<bigint, Rebuilt>>();
  const upTo = overwritesEos ? beforeLast : items.length;
  for (let i = 0; i < upTo; i++) {
    const item = items[i]!;
    if (item.offset >= resumeOffset) continue;
    if (item.kind === 'message') {
      let shards = state.get(item.streamKey);
      if (shards === undefined) state.set(item.streamKey, (shards = new Map()));
      const e = shards.get(item.shardId);
      if (e === undefined) {
        shards.set(item.shardId, {
          streamKey: item.streamKey,
          shardId: item.shardId,
          maxSeqNo: item.seqNo,
          maxTimestamp: item.timestamp,
          runningChecksum: crc16UpdateU16(CRC16_INIT, item.checksum),
        });
      } else {
        if (item.seqNo > e.maxSeqNo) e.maxSeqNo = item.seqNo;
        if (item.timestamp > e.maxTimestamp) e.maxTimestamp = item.timestamp;
        e.runningChecksum = crc16UpdateU16(e.runningChecksum, item.checksum);
      }
    } else {
      for (const marker of item.markers) {
        const e = state.get(marker.streamKey)?.get(marker.shardId);
        if (e !== undefined) e.runningChecksum = marker.runningChecksum;
      }
    }
  }
  const streams: StreamState[] = [];
  for (const shards of state.values()) for (const e of shards.values()) streams.push({ ...e });
  const header = reader.header;
  return {
    resume: {
      fileName: header.fileName,
      createdAt: header.createdAt,
      beaconInterval: header.beaconInterval,
      offset: resumeOffset,
      streams,
    },
    fileSize,
    staleBytes: fileSize - resumeOffset,
    lastMessage: overwritesEos ? (beforeLast > 0 ? findPreviousMessage(items, beforeLast) : undefined) : last,
    overwritesEos,
  };
}

function findPreviousMessage(items: ReadonlyArray<{ kind: string }>, before: number): SeaStreamerMessage | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const item = items[i] as SeaStreamerMessage;
    if (item.kind === 'message') return item;
  }
  return undefined;
}
