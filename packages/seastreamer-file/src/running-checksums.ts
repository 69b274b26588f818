/**
 * Verifying the running checksums of beacon markers (spec §6.2): a CRC-16/CDMA2000 register per (stream key,
 * shard) fed with the stored checksum of each message read; a marker must hold the register of its stream
 * after the messages whose frame starts before its beacon. A mismatch is a warning (appends and reconnects
 * restart registers legitimately) and the register takes the marker's value. After a rewind or a seek the
 * first marker of each stream is taken as its baseline.
 *
 * @module
 */
import { CRC16_INIT, crc16UpdateU16 } from '@x/binary';
import type { SeaStreamerBeacon } from './beacon.js';
import type { RunningChecksumMismatchProblem } from './problems.js';

interface Register {
  crc: number;
  known: boolean;
}

/** Registers of one stream key, with a fast path for the (common) single shard. */
class ShardRegisters {
  private firstShard = 0n;
  private first: Register | undefined;
  private others: Map<bigint, Register> | undefined;

  get(shardId: bigint, known: boolean): Register {
    if (this.first !== undefined && shardId === this.firstShard) return this.first;
    if (this.first === undefined) {
      this.firstShard = shardId;
      this.first = { crc: CRC16_INIT, known };
      return this.first;
    }
    this.others ??= new Map();
    let register = this.others.get(shardId);
    if (register === undefined) {
      register = { crc: CRC16_INIT, known };
      this.others.set(shardId, register);
    }
    return register;
  }
}

/** @internal The registers of one sequential read. */
export class RunningChecksums {
  private registers = new Map<string, ShardRegisters>();
  private lastKey = '\u0000';
  private lastShards: ShardRegisters | undefined;
  /** Whether registers created from now on start from a known state (reading began at the file start). */
  private baselineKnown = true;

  /** Forgets every register (after a rewind or a seek; `baselineKnown` when reading restarts at the file start). */
  reset(baselineKnown: boolean): void {
    this.registers.clear();
    this.lastKey = '\u0000';
    this.lastShards = undefined;
    this.baselineKnown = baselineKnown;
  }

  /** Feeds the stored checksum of a message read. */
  update(key: string, shardId: bigint, checksum: number): void {
    let shards = this.lastShards;
    if (key !== this.lastKey || shards === undefined) {
      shards = this.shards(key);
      this.lastKey = key;
      this.lastShards = shards;
    }
    const register = shards.get(shardId, this.baselineKnown);
    register.crc = crc16UpdateU16(register.crc, checksum);
  }

  /** Checks the markers of a beacon; returns the mismatches (and resynchronises on them). */
  check(beacon: SeaStreamerBeacon): RunningChecksumMismatchProblem[] | undefined {
    let problems: RunningChecksumMismatchProblem[] | undefined;
    for (const marker of beacon.markers) {
      const register = this.shards(marker.streamKey).get(marker.shardId, this.baselineKnown);
      if (!register.known) {
        register.crc = marker.runningChecksum;
        register.known = true;
      } else if (register.crc !== marker.runningChecksum) {
        (problems ??= []).push({
          code: 'RUNNING_CHECKSUM_MISMATCH',
          severity: 'warning',
          offset: beacon.offset,
          beaconOffset: beacon.offset,
          streamKey: marker.streamKey,
          shardId: marker.shardId,
          expected: register.crc,
          found: marker.runningChecksum,
          message:
            `running checksum of ${marker.streamKey}/${marker.shardId} in the beacon at ${beacon.offset} is ` +
            `${marker.runningChecksum}, computed ${register.crc} (a writer restart, e.g. an append, or damage)`,
        });
        register.crc = marker.runningChecksum;
      }
    }
    this.lastShards = undefined;
    return problems;
  }

  private shards(key: string): ShardRegisters {
    let shards = this.registers.get(key);
    if (shards === undefined) {
      shards = new ShardRegisters();
      this.registers.set(key, shards);
    }
    return shards;
  }
}
