/**
 * The data-stream rows of the statistics builder, stored compactly: the stream ids in an {@link IdIndex} (a row
 * is the id's entry, in order of first appearance), per 1024 rows a `Float64Array` page (counts, bytes, time
 * span) and a `Uint32Array` page (flags, opening fields, event indexes): 88 bytes a row with its id, no object per
 * stream, and a sparse side table for the values their slot cannot hold exactly (opening fields, error codes and
 * event indexes that are not integers below 2^32, or are `bigint` where a number is allowed). {@link StreamStats}
 * objects are made only when a row is read.
 *
 * @module
 */

import type { Numeric } from '../events.js';
import { IdIndex } from './id-index.js';

/**
 * What the events of one data stream say about it: how it was opened (event 1), its objects and bytes (events 3
 * and 4), how it was closed (event 2), and when it was used. Event indexes count every event added to the
 * builder (the flattened events of a multi-segment trace), like `TrackEntry.requestIndex`.
 */
export interface StreamStats {
  /** QUIC stream id. */
  streamId: bigint;
  /** `direction` of the stream-opened event (0 outgoing, 1 incoming; {@link directionName} names it). */
  direction?: Numeric;
  /** `streamType` of the stream-opened event (0 subgroup, 1 datagram, 2 fetch; {@link streamTypeName}). */
  streamType?: Numeric;
  /** Track alias of a subgroup stream (stream-opened `trackAlias`). */
  trackAlias?: bigint;
  /** Subgroup id of a subgroup stream (stream-opened `subgroupId`). */
  subgroupId?: bigint;
  /** Group id of a subgroup stream (stream-opened `groupId`). */
  groupId?: bigint;
  /** Request id of a fetch stream (stream-opened `fetchRequestId`). */
  fetchRequestId?: bigint;
  /** Index of the stream-opened event, when one was seen (the first one when the id was reused). */
  openIndex?: number;
  /** Index of the stream-closed event, when one was seen (the last one). */
  closeIndex?: number;
  /** Object headers (event 3). */
  objects: number;
  /** Payloads (event 4). */
  payloads: number;
  /** Sum of payload sizes (event 4 `size`). */
  bytes: number;
  /** Whether a stream-closed event was seen, and its error code. */
  closed?: { errorCode: Numeric };
  /** Smallest `timestamp` (µs) of the stream's events (events 1–4). */
  firstTimestamp: number;
  /** Largest `timestamp` (µs) of the stream's events (events 1–4). */
  lastTimestamp: number;
}

const PAGE_BITS = 10;
const PAGE_ROWS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_ROWS - 1;
const F_WIDTH = 5;
const U_WIDTH = 10;

// Float64 slots of a row.
const OBJECTS = 0;
const PAYLOADS = 1;
const BYTES = 2;
const FIRST = 3;
const LAST = 4;
// Uint32 slots of a row (slot 0 holds the flags).
const FLAGS = 0;
const DIRECTION = 1;
const STREAM_TYPE = 2;
const ERROR_CODE = 3;
const TRACK_ALIAS = 4;
const SUBGROUP_ID = 5;
const GROUP_ID = 6;
const FETCH_REQUEST_ID = 7;
const OPEN_INDEX = 8;
const CLOSE_INDEX = 9;

// Flag bits; a Uint32 slot `s` holds its value in the side table when bit `SIDE << s` is set.
const OPENED = 1;
const CLOSED = 2;
const CLOSED_FIRST = 4; // the stream-closed came before the stream-opened (key order of the row object)
const HAS_ALIAS = 8;
const HAS_SUBGROUP = 16;
const HAS_GROUP = 32;
const HAS_FETCH = 64;
const SIDE = 256;

/** The rows of `createStatsBuilder`, in order of first appearance. */
export class StreamRows {
  private readonly f64: Float64Array[] = [];
  private readonly u32: Uint32Array[] = [];
  private readonly ids = new IdIndex(); // stream id → row
  private readonly side = new Map<number, Numeric>(); // row * 16 + slot → value
  // Events of one stream tend to come in runs (an object's header, then its payload): the last row is kept at hand.
  private lastId: bigint | undefined;
  private row = 0;
  private f: Float64Array = new Float64Array(0);
  private fb = 0;
  private u: Uint32Array = new Uint32Array(0);
  private ub = 0;

  /** Number of rows. */
  get count(): number {
    return this.ids.count;
  }

  /** Finds or starts the row of `id`, makes it the current row and widens its time span to `time`. */
  private touch(id: bigint, time: number): void {
    if (this.lastId !== id) {
      let row = this.ids.entry(id);
      const fresh = row === undefined;
      if (row === undefined) {
        row = this.ids.add(id);
        if ((row & PAGE_MASK) === 0) {
          this.f64.push(new Float64Array(PAGE_ROWS * F_WIDTH));
          this.u32.push(new Uint32Array(PAGE_ROWS * U_WIDTH));
        }
      }
      this.at(row);
      this.lastId = id;
      if (fresh) {
        this.f[this.fb + FIRST] = time;
        this.f[this.fb + LAST] = time;
        return;
      }
    }
    const f = this.f;
    const b = this.fb;
    if (time < (f[b + FIRST] as number)) f[b + FIRST] = time;
    if (time > (f[b + LAST] as number)) f[b + LAST] = time;
  }

  /** Makes `row` the current row. */
  private at(row: number): void {
    this.row = row;
    this.f = this.f64[row >>> PAGE_BITS] as Float64Array;
    this.fb = (row & PAGE_MASK) * F_WIDTH;
    this.u = this.u32[row >>> PAGE_BITS] as Uint32Array;
    this.ub = (row & PAGE_MASK) * U_WIDTH;
  }

  /** Sets Uint32 slot `slot` of the current row: in place when `value` is an integer number below 2^32. */
  private setU32(slot: number, value: Numeric): void {
    const u = this.u;
    const flags = u[this.ub + FLAGS] as number;
    if (typeof value === 'number' && value >>> 0 === value) {
      u[this.ub + slot] = value;
      if (flags & (SIDE << slot)) {
        this.side.delete(this.row * 16 + slot);
        u[this.ub + FLAGS] = flags & ~(SIDE << slot);
      }
    } else {
      this.side.set(this.row * 16 + slot, value);
      u[this.ub + FLAGS] = flags | (SIDE << slot);
    }
  }

  /** Sets an id slot of the current row (a bigint, stored as a number when it fits). */
  private setId(slot: number, value: bigint): void {
    this.setU32(slot, value >= 0n && value <= 0xffffffffn ? Number(value) : value);
  }

  /** Event 1: the first stream-opened of the id fills the opening fields. */
  opened(
    id: bigint,
    time: number,
    index: number,
    event: {
      direction: Numeric;
      streamType: Numeric;
      trackAlias?: bigint;
      subgroupId?: bigint;
      groupId?: bigint;
      fetchRequestId?: bigint;
    },
  ): void {
    this.touch(id, time);
    let flags = this.u[this.ub + FLAGS] as number;
    if (flags & OPENED) return;
    flags |= OPENED;
    if (event.trackAlias !== undefined) flags |= HAS_ALIAS;
    if (event.subgroupId !== undefined) flags |= HAS_SUBGROUP;
    if (event.groupId !== undefined) flags |= HAS_GROUP;
    if (event.fetchRequestId !== undefined) flags |= HAS_FETCH;
    this.u[this.ub + FLAGS] = flags;
    this.setU32(OPEN_INDEX, index);
    this.setU32(DIRECTION, event.direction);
    this.setU32(STREAM_TYPE, event.streamType);
    if (event.trackAlias !== undefined) this.setId(TRACK_ALIAS, event.trackAlias);
    if (event.subgroupId !== undefined) this.setId(SUBGROUP_ID, event.subgroupId);
    if (event.groupId !== undefined) this.setId(GROUP_ID, event.groupId);
    if (event.fetchRequestId !== undefined) this.setId(FETCH_REQUEST_ID, event.fetchRequestId);
  }

  /** Event 3: one more object header. */
  object(id: bigint, time: number): void {
    this.touch(id, time);
    const i = this.fb + OBJECTS;
    this.f[i] = (this.f[i] as number) + 1;
  }

  /** Event 4: one more payload of `size` bytes. */
  payload(id: bigint, time: number, size: number): void {
    this.touch(id, time);
    const f = this.f;
    const b = this.fb;
    f[b + PAYLOADS] = (f[b + PAYLOADS] as number) + 1;
    f[b + BYTES] = (f[b + BYTES] as number) + size;
  }

  /** Event 2: the last stream-closed gives the error code and the close index. */
  closed(id: bigint, time: number, index: number, errorCode: Numeric): void {
    this.touch(id, time);
    const flags = this.u[this.ub + FLAGS] as number;
    if (!(flags & CLOSED)) this.u[this.ub + FLAGS] = flags | (flags & OPENED ? CLOSED : CLOSED | CLOSED_FIRST);
    this.setU32(CLOSE_INDEX, index);
    this.setU32(ERROR_CODE, errorCode);
  }

  /** Row `row` as a fresh {@link StreamStats} (keys in the order the events set them). */
  get(row: number): StreamStats {
    const f = this.f64[row >>> PAGE_BITS] as Float64Array;
    const fb = (row & PAGE_MASK) * F_WIDTH;
    const u = this.u32[row >>> PAGE_BITS] as Uint32Array;
    const ub = (row & PAGE_MASK) * U_WIDTH;
    const flags = u[ub + FLAGS] as number;
    const value = (slot: number): Numeric =>
      flags & (SIDE << slot) ? (this.side.get(row * 16 + slot) as Numeric) : (u[ub + slot] as number);
    const big = (slot: number): bigint => {
      const v = value(slot);
      return typeof v === 'bigint' ? v : BigInt(v);
    };
    const s: StreamStats = {
      streamId: this.ids.idAt(row),
      objects: f[fb + OBJECTS] as number,
      payloads: f[fb + PAYLOADS] as number,
      bytes: f[fb + BYTES] as number,
      firstTimestamp: f[fb + FIRST] as number,
      lastTimestamp: f[fb + LAST] as number,
    };
    const close = (): void => {
      s.closed = { errorCode: value(ERROR_CODE) };
      s.closeIndex = value(CLOSE_INDEX) as number;
    };
    if (flags & CLOSED_FIRST) close();
    if (flags & OPENED) {
      s.openIndex = value(OPEN_INDEX) as number;
      s.direction = value(DIRECTION);
      s.streamType = value(STREAM_TYPE);
      if (flags & HAS_ALIAS) s.trackAlias = big(TRACK_ALIAS);
      if (flags & HAS_SUBGROUP) s.subgroupId = big(SUBGROUP_ID);
      if (flags & HAS_GROUP) s.groupId = big(GROUP_ID);
      if (flags & HAS_FETCH) s.fetchRequestId = big(FETCH_REQUEST_ID);
    }
    if (flags & CLOSED && !(flags & CLOSED_FIRST)) close();
    return s;
  }
}
