/**
 * The data-stream rows of the statistics builder, stored compactly: one `Float64Array` page per 1024 rows (16
 * numbers a row, no object per stream), a `Map` from stream id to row (keyed by number when the id is a safe
 * integer), and a sparse side table for the values a double cannot hold exactly (ids above 2^53, `bigint`
 * direction / stream type / error code). {@link StreamStats} objects are made only when a row is read.
 *
 * @module
 */

import type { Numeric } from '../events.js';
import { hashKey, safeKey } from './id-index.js';

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
const WIDTH = 16;

// Slots of a row.
const ID = 0;
const DIRECTION = 1;
const STREAM_TYPE = 2;
const TRACK_ALIAS = 3;
const SUBGROUP_ID = 4;
const GROUP_ID = 5;
const FETCH_REQUEST_ID = 6;
const OPEN_INDEX = 7;
const CLOSE_INDEX = 8;
const OBJECTS = 9;
const PAYLOADS = 10;
const BYTES = 11;
const ERROR_CODE = 12;
const FIRST = 13;
const LAST = 14;
const FLAGS = 15;

// Bits of the FLAGS slot; slot `s` holds its value in the side table when bit `SIDE << s` is set.
const OPENED = 1;
const CLOSED = 2;
const CLOSED_FIRST = 4; // the stream-closed came before the stream-opened (key order of the row object)
const HAS_ALIAS = 8;
const HAS_SUBGROUP = 16;
const HAS_GROUP = 32;
const HAS_FETCH = 64;
const SIDE = 128;

/** The rows of `createStatsBuilder`, in order of first appearance. */
export class StreamRows {
  private readonly pages: Float64Array[] = [];
  // Open-addressing hash table from a safe-integer id (read from the row's ID slot) to row + 1 (0: free slot);
  // ids beyond 2^53 in `bigRows`.
  private table = new Int32Array(64);
  private readonly bigRows = new Map<bigint, number>();
  private readonly side = new Map<number, Numeric>();
  private size = 0;
  // Events of one stream tend to come in runs (an object's header, then its payload): the last row is kept at hand.
  private lastId: bigint | undefined;
  private lastPage: Float64Array = new Float64Array(0);
  private lastBase = 0;

  /** Number of rows. */
  get count(): number {
    return this.size;
  }

  /** Finds or starts the row of `id` and widens its time span to `time`; sets `page`/`base` for the caller. */
  private touch(id: bigint, time: number): void {
    if (this.lastId === id) {
      const p = this.lastPage;
      const b = this.lastBase;
      if (time < (p[b + FIRST] as number)) p[b + FIRST] = time;
      if (time > (p[b + LAST] as number)) p[b + LAST] = time;
      return;
    }
    const key = safeKey(id);
    let row = this.find(key);
    let page: Float64Array;
    let base: number;
    if (row === undefined) {
      row = this.size++;
      if (typeof key === 'number') this.insert(key, row);
      else this.bigRows.set(key, row);
      if ((row & PAGE_MASK) === 0) this.pages.push(new Float64Array(PAGE_ROWS * WIDTH));
      page = this.pages[row >>> PAGE_BITS] as Float64Array;
      base = (row & PAGE_MASK) * WIDTH;
      if (typeof key === 'number') page[base + ID] = key;
      else {
        this.side.set(row * WIDTH + ID, id);
        page[base + FLAGS] = SIDE << ID;
      }
      page[base + FIRST] = time;
      page[base + LAST] = time;
    } else {
      page = this.pages[row >>> PAGE_BITS] as Float64Array;
      base = (row & PAGE_MASK) * WIDTH;
      if (time < (page[base + FIRST] as number)) page[base + FIRST] = time;
      if (time > (page[base + LAST] as number)) page[base + LAST] = time;
    }
    this.lastId = id;
    this.lastPage = page;
    this.lastBase = base;
  }

  /** The row of a stream id, if any. */
  private find(key: number | bigint): number | undefined {
    if (typeof key === 'bigint') return this.bigRows.get(key);
    const table = this.table;
    const mask = table.length - 1;
    for (let i = hashKey(key) & mask; ; i = (i + 1) & mask) {
      const entry = table[i] as number;
      if (entry === 0) return undefined;
      const row = entry - 1;
      const page = this.pages[row >>> PAGE_BITS] as Float64Array;
      const base = (row & PAGE_MASK) * WIDTH;
      if (page[base + ID] === key) return row; // rows of ids beyond 2^53 are never in the table
    }
  }

  /** Adds a row whose id is not in the table yet (the table stays at most 3/4 full). */
  private insert(key: number, row: number): void {
    if ((this.size + 1) * 4 > this.table.length * 3) {
      const old = this.table;
      this.table = new Int32Array(old.length * 2);
      for (const entry of old) {
        if (entry === 0) continue;
        const r = entry - 1;
        const page = this.pages[r >>> PAGE_BITS] as Float64Array;
        this.place(page[(r & PAGE_MASK) * WIDTH + ID] as number, entry);
      }
    }
    this.place(key, row + 1);
  }

  private place(key: number, entry: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let i = hashKey(key) & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = entry;
  }

  private setId(slot: number, value: bigint): void {
    const key = safeKey(value);
    if (typeof key === 'number') this.lastPage[this.lastBase + slot] = key;
    else this.sideSet(slot, value);
  }

  private setNumeric(slot: number, value: Numeric): void {
    if (typeof value === 'number') this.lastPage[this.lastBase + slot] = value;
    else this.sideSet(slot, value);
  }

  private sideSet(slot: number, value: Numeric): void {
    const page = this.lastPage;
    const base = this.lastBase;
    const row = this.find(safeKey(this.lastId as bigint)) as number;
    this.side.set(row * WIDTH + slot, value);
    page[base + FLAGS] = (page[base + FLAGS] as number) | (SIDE << slot);
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
    const page = this.lastPage;
    const base = this.lastBase;
    let flags = page[base + FLAGS] as number;
    if (flags & OPENED) return;
    flags |= OPENED;
    page[base + OPEN_INDEX] = index;
    if (event.trackAlias !== undefined) flags |= HAS_ALIAS;
    if (event.subgroupId !== undefined) flags |= HAS_SUBGROUP;
    if (event.groupId !== undefined) flags |= HAS_GROUP;
    if (event.fetchRequestId !== undefined) flags |= HAS_FETCH;
    page[base + FLAGS] = flags;
    this.setNumeric(DIRECTION, event.direction);
    this.setNumeric(STREAM_TYPE, event.streamType);
    if (event.trackAlias !== undefined) this.setId(TRACK_ALIAS, event.trackAlias);
    if (event.subgroupId !== undefined) this.setId(SUBGROUP_ID, event.subgroupId);
    if (event.groupId !== undefined) this.setId(GROUP_ID, event.groupId);
    if (event.fetchRequestId !== undefined) this.setId(FETCH_REQUEST_ID, event.fetchRequestId);
  }

  /** Event 3: one more object header. */
  object(id: bigint, time: number): void {
    this.touch(id, time);
    const page = this.lastPage;
    const i = this.lastBase + OBJECTS;
    page[i] = (page[i] as number) + 1;
  }

  /** Event 4: one more payload of `size` bytes. */
  payload(id: bigint, time: number, size: number): void {
    this.touch(id, time);
    const page = this.lastPage;
    const base = this.lastBase;
    page[base + PAYLOADS] = (page[base + PAYLOADS] as number) + 1;
    page[base + BYTES] = (page[base + BYTES] as number) + size;
  }

  /** Event 2: the last stream-closed gives the error code and the close index. */
  closed(id: bigint, time: number, index: number, errorCode: Numeric): void {
    this.touch(id, time);
    const page = this.lastPage;
    const base = this.lastBase;
    let flags = page[base + FLAGS] as number;
    if (!(flags & CLOSED)) flags |= flags & OPENED ? CLOSED : CLOSED | CLOSED_FIRST;
    if (flags & (SIDE << ERROR_CODE) && typeof errorCode === 'number') {
      // a bigint code replaced by a number one
      this.side.delete((this.find(safeKey(id)) as number) * WIDTH + ERROR_CODE);
      flags &= ~(SIDE << ERROR_CODE);
    }
    page[base + FLAGS] = flags;
    page[base + CLOSE_INDEX] = index;
    this.setNumeric(ERROR_CODE, errorCode);
  }

  /** Row `row` as a fresh {@link StreamStats} (keys in the order the events set them). */
  get(row: number): StreamStats {
    const page = this.pages[row >>> PAGE_BITS] as Float64Array;
    const base = (row & PAGE_MASK) * WIDTH;
    const flags = page[base + FLAGS] as number;
    const big = (slot: number): bigint =>
      flags & (SIDE << slot) ? (this.side.get(row * WIDTH + slot) as bigint) : BigInt(page[base + slot] as number);
    const numeric = (slot: number): Numeric =>
      flags & (SIDE << slot) ? (this.side.get(row * WIDTH + slot) as Numeric) : (page[base + slot] as number);
    const s: StreamStats = {
      streamId: big(ID),
      objects: page[base + OBJECTS] as number,
      payloads: page[base + PAYLOADS] as number,
      bytes: page[base + BYTES] as number,
      firstTimestamp: page[base + FIRST] as number,
      lastTimestamp: page[base + LAST] as number,
    };
    const close = (): void => {
      s.closed = { errorCode: numeric(ERROR_CODE) };
      s.closeIndex = page[base + CLOSE_INDEX] as number;
    };
    if (flags & CLOSED_FIRST) close();
    if (flags & OPENED) {
      s.openIndex = page[base + OPEN_INDEX] as number;
      s.direction = numeric(DIRECTION);
      s.streamType = numeric(STREAM_TYPE);
      if (flags & HAS_ALIAS) s.trackAlias = big(TRACK_ALIAS);
      if (flags & HAS_SUBGROUP) s.subgroupId = big(SUBGROUP_ID);
      if (flags & HAS_GROUP) s.groupId = big(GROUP_ID);
      if (flags & HAS_FETCH) s.fetchRequestId = big(FETCH_REQUEST_ID);
    }
    if (flags & CLOSED && !(flags & CLOSED_FIRST)) close();
    return s;
  }
}
