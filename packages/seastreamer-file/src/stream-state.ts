/**
 * The per-(stream key, shard) state of a writer run (spec §7.2): the maxima and the running checksum that
 * beacon markers carry, kept sorted the way markers rotate (key bytes, then shard).
 *
 * @module
 */
import { CRC16_INIT, crc16UpdateU16 } from '@x/binary';
import type { MarkerBytes } from './beacon.js';

/** Per (stream key, shard) state of a writer run: what beacon markers carry. */
export interface StreamState {
  /** Stream key. */
  readonly streamKey: string;
  /** Shard id. */
  readonly shardId: bigint;
  /** Largest sequence number written. */
  readonly maxSeqNo: bigint;
  /** Largest timestamp written (ms). */
  readonly maxTimestamp: bigint;
  /** Running checksum over the stored checksums of the messages written. */
  readonly runningChecksum: number;
}

/** Where and how an existing file is continued (see `planAppend`). */
export interface ResumeState {
  /** Header fields of the existing file (kept as they are). */
  readonly fileName: string;
  /** Creation time of the existing file. */
  readonly createdAt: bigint;
  /** Beacon interval of the existing file. */
  readonly beaconInterval: number;
  /** Offset where writing continues (the sink receives the bytes from there on). */
  readonly offset: number;
  /** Stream state to continue markers and running checksums from (empty restarts them like the reference). */
  readonly streams: readonly StreamState[];
}

/** @internal One (key, shard) entry; a marker's fields with the key already encoded. */
export interface Entry extends MarkerBytes {
  readonly streamKey: string;
  seqNo: bigint;
  timestamp: bigint;
  runningChecksum: number;
}

/** What {@link StreamStates.update} changed, to undo it (a message refused by the size limit). */
export interface Undo {
  readonly entry: Entry;
  readonly created: boolean;
  readonly seqNo: bigint;
  readonly timestamp: bigint;
  readonly runningChecksum: number;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** @internal The entries of a writer run. */
export class StreamStates {
  private readonly entries = new Map<string, Map<bigint, Entry>>();
  private sorted: Entry[] | undefined = [];

  /** Number of (key, shard) entries. */
  size = 0;

  /** The entry of (key, shard), created with the register at its initial value. */
  entry(streamKey: string, key: Uint8Array, shardId: bigint): Entry {
    let shards = this.entries.get(streamKey);
    if (shards === undefined) {
      shards = new Map();
      this.entries.set(streamKey, shards);
    }
    let e = shards.get(shardId);
    if (e === undefined) {
      e = { streamKey, key, shardId, seqNo: 0n, timestamp: 0n, runningChecksum: CRC16_INIT };
      shards.set(shardId, e);
      this.size++;
      this.sorted = undefined;
    }
    return e;
  }

  /** Records a message (before its frame is written: a beacon covers the frame it cuts). */
  update(streamKey: string, key: Uint8Array, shardId: bigint, seqNo: bigint, timestamp: bigint, crc: number): Undo {
    const known = this.entries.get(streamKey)?.get(shardId);
    const e = known ?? this.entry(streamKey, key, shardId);
    const undo = {
      entry: e,
      created: known === undefined,
      seqNo: e.seqNo,
      timestamp: e.timestamp,
      runningChecksum: e.runningChecksum,
    };
    if (undo.created || seqNo > e.seqNo) e.seqNo = seqNo;
    if (undo.created || timestamp > e.timestamp) e.timestamp = timestamp;
    e.runningChecksum = crc16UpdateU16(e.runningChecksum, crc);
    return undo;
  }

  /** Reverts an {@link StreamStates.update}. */
  revert(undo: Undo): void {
    const e = undo.entry;
    if (undo.created) {
      this.entries.get(e.streamKey)?.delete(e.shardId);
      this.size--;
      this.sorted = undefined;
      return;
    }
    e.seqNo = undo.seqNo;
    e.timestamp = undo.timestamp;
    e.runningChecksum = undo.runningChecksum;
  }

  /** The entries sorted by key bytes, then shard (the order markers rotate in). */
  sortedEntries(): readonly Entry[] {
    if (this.sorted === undefined) {
      const all: Entry[] = [];
      for (const shards of this.entries.values()) for (const e of shards.values()) all.push(e);
      all.sort((a, b) => compareBytes(a.key, b.key) || (a.shardId < b.shardId ? -1 : a.shardId > b.shardId ? 1 : 0));
      this.sorted = all;
    }
    return this.sorted;
  }

  /** The public view of the entries. */
  states(): StreamState[] {
    return this.sortedEntries().map((e) => ({
      streamKey: e.streamKey,
      shardId: e.shardId,
      maxSeqNo: e.seqNo,
      maxTimestamp: e.timestamp,
      runningChecksum: e.runningChecksum,
    }));
  }
}
