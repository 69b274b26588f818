/**
 * The streaming reader ({@link SeaStreamerReader}): records in file order over any byte source, in batches or
 * one by one, with the end state, the problems so far, and random access (rewind, seek, one message at an
 * offset, one beacon by index) on sources that have it. Its input side is `input.ts`, rewind and seek are
 * `seek.ts`, random access to one message `message-at.ts`; `open.ts` opens readers.
 *
 * @module
 */
import type { ByteSource } from '@x/binary';
import { toU64 } from '@x/binary';
import type { SeaStreamerBeacon } from './beacon.js';
import { type CoreRecord, ParserCore, type SeaStreamerRecord } from './core.js';
import { fromBinaryError, SeaStreamerFileError } from './errors.js';
import type { SeaStreamerMessage } from './frame.js';
import { HEADER_SIZE, type SeaStreamerHeader } from './header.js';
import type { PendingEnd, ReaderInput } from './input.js';
import { type DecodedMessage, readMessageAt } from './message-at.js';
import { type CoreOptions, randomAccessOptions, type SeaStreamerReadOptions } from './options.js';
import { makeEnd, type SeaStreamerEnd, type SeaStreamerProblem } from './problems.js';
import {
  type RewindResult,
  readBeaconAt,
  rewind,
  type SeekResult,
  seek,
  type TimestampSeekOptions,
  type TruncatedBeacon,
} from './seek.js';

/** Options of `openSeaStreamerReader`. */
export interface SeaStreamerReaderOptions extends SeaStreamerReadOptions {
  /** Also return the beacons among the records, in file order (default false: messages only). */
  beacons?: boolean;
}

/**
 * A streaming reader of one `.ss` file: an async iterable of records in file order (messages, and beacons
 * with `beacons: true`), with the header, the problems so far, the end state once reached, `nextBatch()` for
 * records without a promise per record, random access on sources that have it (rewind, seek, one message at an
 * offset, one beacon by index) and `close()`. Memory stays at one source chunk plus the largest frame. Create
 * it with {@link openSeaStreamerReader} (or `openSeaStreamerFile` / `followSeaStreamerFile` in `/node`).
 */
export class SeaStreamerReader {
  /** The file header. */
  readonly header: SeaStreamerHeader;
  private readonly input: ReaderInput;
  private readonly source: ByteSource;
  private readonly owned: boolean;
  private readonly core: ParserCore;
  private readonly options: CoreOptions;
  private readonly withBeacons: boolean;
  private readonly limit: number;
  private randomCore: ParserCore | undefined;
  private out: CoreRecord[] = [];
  private outIndex = 0;
  /** How reading ends, once known (its counts are taken when the last record was handed over). */
  private ended: PendingEnd | undefined;
  private endRecord: SeaStreamerEnd | undefined;
  private closed = false;
  private delivered = 0;
  private beaconsPassed = 0;
  private lastEnd = HEADER_SIZE;

  /**
   * @internal Use `openSeaStreamerReader` (or the `/node` openers). `options` are the read options with their
   * defaults; the core parses with no limit (the reader counts what it hands over).
   */
  constructor(
    input: ReaderInput,
    owned: boolean,
    header: SeaStreamerHeader,
    options: CoreOptions,
    withBeacons: boolean,
  ) {
    this.input = input;
    this.source = input.source;
    this.owned = owned;
    this.header = header;
    this.options = options;
    this.core = input.core;
    this.limit = options.limit;
    this.withBeacons = withBeacons;
    this.core.pos = HEADER_SIZE;
  }

  /** Problems found so far, capped by `maxProblems` (the end's `errors` and `warnings` count all). */
  get problems(): readonly SeaStreamerProblem[] {
    return this.core.log.list;
  }

  /** How reading ended, once the last record was read (or the reader closed); `undefined` before. */
  get end(): SeaStreamerEnd | undefined {
    const e = this.ended;
    if (e === undefined || this.outIndex < this.out.length) return undefined;
    this.endRecord ??= makeEnd(e.state, e.offset, e.dataEnd, this.core.log, this.delivered, this.beaconsPassed);
    return this.endRecord;
  }

  /** @internal Records a problem found outside the parser (`WATCH_ERROR` from a follower). */
  report(problem: SeaStreamerProblem): void {
    this.core.log.add(problem);
  }

  /**
   * The next records in file order (all those decoded from the current window), or `null` at the end: the
   * fastest way to read. With `strict`, throws the first error problem when it is reached (the records before
   * it come first); the next call goes on after it.
   */
  async nextBatch(): Promise<SeaStreamerRecord[] | null> {
    if (this.closed) throw closedError();
    for (;;) {
      if (this.outIndex < this.out.length) {
        const batch = this.takeBatch();
        if (batch !== undefined) return batch;
      } else if (this.delivered >= this.limit) this.stopAtLimit();
      if (this.ended !== undefined && this.outIndex >= this.out.length) return null;
      if (this.outIndex >= this.out.length) await this.fill();
    }
  }

  /** The records of `out` up to the limit or an error record (thrown when first); `undefined` at the limit. */
  private takeBatch(): SeaStreamerRecord[] | undefined {
    const out = this.out;
    const start = this.outIndex;
    let end = start;
    let filter = false;
    let messages = 0;
    let beacons = 0;
    let lastEnd = -1;
    for (; end < out.length; end++) {
      const record = out[end] as CoreRecord;
      if (record.kind === 'message') {
        if (this.delivered + messages >= this.limit) break;
        messages++;
        lastEnd = record.endOffset;
      } else if (record.kind === 'beacon') {
        beacons++;
        if (!this.withBeacons) filter = true;
      } else break;
    }
    if (end === start) {
      const record = out[start] as CoreRecord;
      if (record.kind === 'error') {
        this.outIndex++;
        this.delivered++;
        throw record.error;
      }
      this.stopAtLimit();
      return undefined;
    }
    this.outIndex = end;
    this.delivered += messages;
    this.beaconsPassed += beacons;
    if (lastEnd >= 0) this.lastEnd = lastEnd;
    const batch = (start === 0 && end === out.length ? out : out.slice(start, end)) as SeaStreamerRecord[];
    return filter ? batch.filter((r) => r.kind === 'message') : batch;
  }

  /** Iterates over the records (messages; beacons too with `beacons: true`), one promise per record. */
  async *[Symbol.asyncIterator](): AsyncGenerator<SeaStreamerRecord, void, undefined> {
    if (this.closed) throw closedError();
    for (;;) {
      if (this.outIndex >= this.out.length) {
        if (this.delivered >= this.limit) this.stopAtLimit();
        if (this.ended !== undefined) return;
        await this.fill();
        continue;
      }
      const record = this.out[this.outIndex] as CoreRecord;
      if (record.kind === 'message') {
        if (this.delivered >= this.limit) {
          this.stopAtLimit();
          return;
        }
        this.outIndex++;
        this.delivered++;
        this.lastEnd = record.endOffset;
      } else if (record.kind === 'beacon') {
        this.outIndex++;
        this.beaconsPassed++;
        if (!this.withBeacons) continue;
      } else {
        this.outIndex++;
        this.delivered++;
        throw record.error;
      }
      yield record;
    }
  }

  private stopAtLimit(): void {
    this.out = [];
    this.outIndex = 0;
    this.input.reset();
    this.setEnd(this.input.end('limit', this.lastEnd));
  }

  private setEnd(end: PendingEnd): void {
    this.ended = end;
    this.endRecord = undefined;
  }

  /**
   * Decodes the next window of records into `out`, or sets `ended`. A read with a `limit` parses no message past
   * it (`limited`), so that no problem of a message it will not hand out is reported, as in a whole-buffer read;
   * a bounded scan (a seek) parses on.
   */
  private async fill(limited = true): Promise<void> {
    this.out = [];
    this.outIndex = 0;
    this.core.options.limit =
      limited && this.limit !== Number.POSITIVE_INFINITY
        ? this.core.messages + Math.max(0, this.limit - this.delivered)
        : Number.POSITIVE_INFINITY;
    const end = await this.input.fill(this.out);
    if (end !== undefined && !this.closed) this.setEnd(end);
  }

  // ------------------------------------------------------------------------------------------ random access

  /** @internal Random read (`NOT_SEEKABLE` for sources without random access). */
  readAt(position: number, length: number): Promise<Uint8Array> {
    const readAt = this.source.readAt;
    if (readAt === undefined || this.source.seek === undefined) {
      throw new SeaStreamerFileError(
        'NOT_SEEKABLE',
        'this byte source has no random access (use bytes, a Blob/File or a file path)',
      );
    }
    if (this.closed) throw closedError();
    return readAt.call(this.source, position, length).catch((error: unknown) => {
      throw fromBinaryError(error);
    });
  }

  /** @internal The current size of the source (`NOT_SEEKABLE` when unknown). */
  async size(): Promise<number> {
    let size: number | undefined;
    try {
      size = this.source.refreshSize ? await this.source.refreshSize() : this.source.size;
    } catch (error) {
      throw fromBinaryError(error);
    }
    if (size === undefined) throw new SeaStreamerFileError('NOT_SEEKABLE', 'the size of this byte source is unknown');
    return size;
  }

  /** @internal Moves the sequential reading position to `pos` (a frame start) and resets the parsing state. */
  moveTo(pos: number, baselineKnown: boolean): void {
    try {
      this.input.buffer.seek(pos);
    } catch (error) {
      throw fromBinaryError(error);
    }
    this.out = [];
    this.outIndex = 0;
    this.ended = undefined;
    this.endRecord = undefined;
    this.input.reset();
    this.delivered = 0;
    this.beaconsPassed = 0;
    this.lastEnd = pos;
    this.core.jump(pos, baselineKnown);
  }

  /** @internal The next message of a bounded scan (no waiting for growth); error records are thrown. */
  async scanNext(): Promise<SeaStreamerMessage | null> {
    for (;;) {
      while (this.outIndex >= this.out.length) {
        if (this.ended !== undefined) return null;
        await this.fill(false);
      }
      const record = this.out[this.outIndex++] as CoreRecord;
      if (record.kind === 'error') throw record.error;
      if (record.kind === 'message') return record;
    }
  }

  /** @internal Makes the record just scanned the next one read. */
  unread(): void {
    this.outIndex--;
  }

  /** @internal Runs `fn` as a bounded read (a seek, the end of data) with the verifications `fn` allows. */
  async bounded<T>(fn: () => Promise<T>, quick = false): Promise<T> {
    const options = this.core.options;
    const saved = { ...options };
    if (quick) {
      options.verifyChecksums = false;
      options.verifyRunningChecksums = false;
      options.verifyDecoration = false;
      options.lenientUtf8 = true;
      options.strict = false;
    }
    options.stopAtEos = false;
    const live = this.input.live;
    this.input.live = undefined;
    try {
      return await fn();
    } finally {
      Object.assign(options, saved);
      this.input.live = live;
    }
  }

  /** @internal Where a bounded scan ended (the end of the last complete message). */
  endOfScan(): number {
    return this.ended?.offset ?? this.core.pos;
  }

  /** @internal Saves the reading position (restored when a seek fails). */
  snapshot(): () => void {
    const { out, outIndex, ended, endRecord, delivered, beaconsPassed, lastEnd } = this;
    const restoreTail = this.input.saveTail();
    const { pos, lastMessageIsEos, standaloneBeaconOffset } = this.core;
    return () => {
      this.moveTo(pos, false);
      restoreTail();
      Object.assign(this, { out, outIndex, ended, endRecord, delivered, beaconsPassed, lastEnd });
      this.core.lastMessageIsEos = lastMessageIsEos;
      this.core.standaloneBeaconOffset = standaloneBeaconOffset;
    };
  }

  /**
   * Continues reading after beacon `index` (offset `index × interval`), like the reference's
   * `rewind(At(n))`: skipping the rest of the frame the beacon cuts (clamped to the interval, repeating when
   * that lands on the next beacon). An index beyond the data goes to the last beacon. Throws `TRUNCATED` when
   * the beacon there is incomplete, `INVALID_ARGUMENT` for an index that is not a non-negative integer,
   * `NOT_SEEKABLE` for sources without random access.
   */
  async rewindToBeacon(index: number): Promise<RewindResult> {
    if (!(Number.isSafeInteger(index) && index >= 0)) {
      throw new SeaStreamerFileError('INVALID_ARGUMENT', `beacon index must be a non-negative integer, got ${index}`);
    }
    return rewind(this, index);
  }

  /** Continues reading at the first message (offset 128, or after the beacon there when the interval is 128). */
  async rewindToStart(): Promise<RewindResult> {
    return rewind(this, 'start');
  }

  /** Moves to the end of the last complete message (to read only messages written later, when following). */
  async rewindToEnd(): Promise<RewindResult> {
    return rewind(this, 'end');
  }

  /**
   * Positions the reader on the first message of `streamKey`/`shardId` with sequence number `>= seqNo`
   * (spec §8.4): a deterministic binary search over beacon markers, then a forward scan that matches key
   * **and** shard. That message is returned and is also the next record read. Throws `OUT_OF_RANGE` (keeping
   * the previous position) when no message matches.
   */
  async seekBySeqNo(streamKey: string, shardId: bigint | number, seqNo: bigint | number): Promise<SeekResult> {
    return seek(this, {
      kind: 'seqNo',
      streamKey,
      shardId: u64(shardId, 'shardId'),
      value: u64(seqNo, 'seqNo'),
      inclusive: true,
    });
  }

  /**
   * Positions the reader on the first message of `streamKey`/`shardId` with a timestamp strictly after
   * `timestamp` (the reference semantics; `inclusive: true` for `>=`). See {@link SeaStreamerReader.seekBySeqNo}.
   */
  async seekByTimestamp(
    streamKey: string,
    shardId: bigint | number,
    timestamp: bigint | number,
    options: TimestampSeekOptions = {},
  ): Promise<SeekResult> {
    return seek(this, {
      kind: 'timestamp',
      streamKey,
      shardId: u64(shardId, 'shardId'),
      value: u64(timestamp, 'timestamp'),
      inclusive: options.inclusive ?? false,
    });
  }

  /**
   * Reads beacon `index` directly (random access), without moving the reading position. Resolves
   * `undefined` past the end of the data; an incomplete beacon resolves `{ index, offset, truncated: true }`.
   */
  async readBeacon(index: number): Promise<SeaStreamerBeacon | TruncatedBeacon | undefined> {
    return readBeaconAt((p, n) => this.readAt(p, n), this.header.beaconInterval, index);
  }

  /**
   * Decodes the one message whose frame starts at `offset` (a message's `offset`, e.g. from an index built
   * while reading) by random access, without moving the reading position: the same message and the same
   * problems as sequential reading gives for that frame (also returned, not added to
   * {@link SeaStreamerReader.problems}).
   *
   * Rejects with `OUT_OF_RANGE` when no frame can start at `offset` (inside the header, on or inside a beacon,
   * inside the rest of a frame a beacon cuts, beyond the data), `TRUNCATED` when the data ends inside the
   * frame, `NOT_SEEKABLE` for sources without random access, and with `strict` the first error problem.
   *
   * @example
   * ```ts
   * const reader = await openSeaStreamerReader(file);
   * const { message, problems } = await reader.readMessageAt(24964);
   * ```
   */
  async readMessageAt(offset: number): Promise<DecodedMessage> {
    this.randomCore ??= new ParserCore(this.header.beaconInterval, randomAccessOptions(this.options));
    return readMessageAt(this.randomCore, (p, n) => this.readAt(p, n), offset);
  }

  /**
   * Ends reading (the end state becomes `limit` if the last record was not read yet) and releases the source
   * when the reader opened it (from bytes, a Blob, a stream, an iterable, a path); a `ByteSource` passed in
   * stays open. Later reads throw `CLOSED`. Calling it again does nothing.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.ended === undefined || this.outIndex < this.out.length) {
      this.out = [];
      this.outIndex = 0;
      this.input.reset();
      this.setEnd(this.input.end('limit', this.lastEnd));
    }
    this.closed = true;
    this.input.closed = true;
    this.input.live?.close();
    if (this.owned) {
      try {
        await this.source.close();
      } catch (error) {
        throw fromBinaryError(error);
      }
    }
  }
}

function closedError(): SeaStreamerFileError {
  return new SeaStreamerFileError('CLOSED', 'the reader was closed');
}

function u64(value: bigint | number, what: string): bigint {
  try {
    return toU64(value, what);
  } catch (error) {
    throw fromBinaryError(error);
  }
}
