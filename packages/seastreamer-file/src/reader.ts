/**
 * The streaming reader ({@link openSeaStreamerReader}) over any byte source: bytes, Blob/File,
 * ReadableStream, async iterables, file paths via `@x/seastreamer-file/node`. It pulls chunks through
 * `SourceBuffer` of `@x/binary` and hands the parsing core large contiguous windows (views into the chunks); a
 * frame spanning two chunks is copied into a small window of its own, never the whole chunks. Rewind, seek and
 * random access (`seek.ts`, `message-at.ts`) work on sources with random access.
 *
 * @module
 */
import { type ByteInput, type ByteSource, isByteSource, SourceBuffer, toByteSource, toU64 } from '@x/binary';
import type { SeaStreamerBeacon } from './beacon.js';
import { type CoreRecord, ParserCore, type SeaStreamerRecord } from './core.js';
import { fromBinaryError, SeaStreamerFileError } from './errors.js';
import type { SeaStreamerMessage } from './frame.js';
import {
  type DecodeHeaderOptions,
  decodeSeaStreamerHeader,
  HEADER_SIZE,
  headerPaddingProblem,
  type SeaStreamerHeader,
} from './header.js';
import { type DecodedMessage, readMessageAt } from './message-at.js';
import { type CoreOptions, coreOptions, randomAccessOptions, type SeaStreamerReadOptions } from './options.js';
import { makeEnd, type SeaStreamerEnd, type SeaStreamerProblem } from './problems.js';
import {
  type RewindResult,
  readBeaconAt,
  rewind,
  type SeekHost,
  type SeekResult,
  seek,
  type TimestampSeekOptions,
  type TruncatedBeacon,
} from './seek.js';

/** Options of {@link openSeaStreamerReader}. */
export interface SeaStreamerReaderOptions extends SeaStreamerReadOptions {
  /** Also return the beacons among the records, in file order (default false: messages only). */
  beacons?: boolean;
}

/** @internal What turns a reader into a follower (see `followSeaStreamerFile` in `/node`). */
export interface LiveHooks {
  /** Waits until the source may have more bytes, or says why it never will. */
  wait(): Promise<'more' | 'removed' | 'idle' | 'aborted'>;
  /** Called whenever new bytes arrived (resets back-off and the idle clock). */
  dataArrived(): void;
  /** Called once by `close()`. */
  close(): void;
}

/** Bytes parsed per batch when a chunk holds more (messages of a batch then die young). */
const BATCH_WINDOW = 64 * 1024;
/** Smallest window copied for a frame spanning chunks. */
const JOIN_WINDOW = 4096;
/** Tail beacons handed over per batch. */
const TAIL_BATCH = 256;

/** An end state before its counts are taken. */
interface PendingEnd {
  readonly state: SeaStreamerEnd['state'];
  readonly offset: number;
  readonly dataEnd: number;
}

/** The state of a truncated end while the beacons inside the tail are read. */
interface Tail {
  /** Next multiple of the interval to read a beacon at. */
  at: number;
  /** Where the incomplete frame (or beacon) starts: the end's `offset`. */
  offset: number;
}

/**
 * A streaming reader of one `.ss` file: an async iterable of records in file order (messages, and beacons
 * with `beacons: true`), with the header, the problems so far, the end state once reached, `nextBatch()` for
 * records without a promise per record, random access on sources that have it (rewind, seek, one message at an
 * offset, one beacon by index) and `close()`. Memory stays at one source chunk plus the largest frame. Create
 * it with {@link openSeaStreamerReader} (or `openSeaStreamerFile` / `followSeaStreamerFile` in `/node`).
 */
export class SeaStreamerReader implements SeekHost {
  /** The file header. */
  readonly header: SeaStreamerHeader;
  private readonly source: ByteSource;
  private readonly owned: boolean;
  private readonly buffer: SourceBuffer;
  private readonly core: ParserCore;
  private readonly options: CoreOptions;
  private readonly withBeacons: boolean;
  private readonly limit: number;
  private live: LiveHooks | undefined;
  private readonly liveHooks: LiveHooks | undefined;
  private randomCore: ParserCore | undefined;
  private out: CoreRecord[] = [];
  private outIndex = 0;
  /** How reading ends, once known (its counts are taken when the last record was handed over). */
  private ended: PendingEnd | undefined;
  private endRecord: SeaStreamerEnd | undefined;
  private tail: Tail | undefined;
  private sourceDone = false;
  private closed = false;
  private delivered = 0;
  private beaconsPassed = 0;
  private lastEnd = HEADER_SIZE;

  /** @internal Use {@link openSeaStreamerReader}. */
  constructor(
    source: ByteSource,
    owned: boolean,
    buffer: SourceBuffer,
    header: SeaStreamerHeader,
    options: SeaStreamerReaderOptions,
    live: LiveHooks | undefined,
  ) {
    this.source = source;
    this.owned = owned;
    this.buffer = buffer;
    this.header = header;
    this.options = coreOptions(options);
    const core = new ParserCore(header.beaconInterval, { ...this.options, limit: Number.POSITIVE_INFINITY });
    this.core = core;
    this.limit = this.options.limit;
    this.withBeacons = options.beacons ?? false;
    this.live = live;
    this.liveHooks = live;
    core.pos = HEADER_SIZE;
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
    this.tail = undefined;
    this.ended = this.makeEnd('limit', this.lastEnd);
  }

  private makeEnd(state: SeaStreamerEnd['state'], offset: number): PendingEnd {
    this.endRecord = undefined;
    const dataEnd = Math.max(this.buffer.offset + this.buffer.available, this.live ? 0 : (this.source.size ?? 0));
    return { state, offset, dataEnd };
  }

  /** Decodes the next window of records into `out`, or sets `ended`. */
  private async fill(): Promise<void> {
    this.out = [];
    this.outIndex = 0;
    if (this.tail !== undefined) return this.fillTail(this.tail);
    const core = this.core;
    const buffer = this.buffer;
    for (;;) {
      const pos = core.pos;
      if (pos > buffer.offset) buffer.consume(pos - buffer.offset);
      const need = core.need;
      while (buffer.available < need) {
        const size = this.source.size;
        if (!this.live && (this.sourceDone || (size !== undefined && pos + need > size))) {
          // No more bytes, or not enough in the whole source: do not buffer the rest for a length that
          // cannot be met.
          return this.finish();
        }
        let more: boolean;
        try {
          more = await buffer.pull();
        } catch (error) {
          throw fromBinaryError(error);
        }
        if (!more) {
          if (this.live) {
            const state = await this.live.wait();
            if (this.closed) return;
            if (state !== 'more') {
              this.ended = this.makeEnd(state, this.endOffset());
              return;
            }
            continue;
          }
          this.sourceDone = true;
          return this.finish();
        }
        this.live?.dataArrived();
      }
      const first = buffer.contiguous();
      let window: Uint8Array;
      if (first.length >= need) {
        // At most about BATCH_WINDOW bytes per batch (at least the next frame).
        const to = Math.min(first.length, Math.max(BATCH_WINDOW, core.hint));
        window = to === first.length ? first : first.subarray(0, to);
      } else {
        window = buffer.copy(Math.min(buffer.available, Math.max(core.hint, JOIN_WINDOW))) as Uint8Array;
      }
      core.parse(window, pos, pos, this.out);
      if (core.stopped === 'eos') {
        this.ended = this.makeEnd('eos', core.pos);
        return;
      }
      if (this.out.length > 0) return;
    }
  }

  private endOffset(): number {
    const core = this.core;
    return core.standaloneBeaconOffset >= 0 ? core.standaloneBeaconOffset : core.pos;
  }

  /** No more bytes: a clean end, or a truncated tail whose beacons are read next. */
  private finish(): Promise<void> | undefined {
    const core = this.core;
    const buffered = this.buffer.offset + this.buffer.available;
    if (Math.max(buffered, this.source.size ?? 0) > core.pos) {
      const I = core.interval;
      this.tail = { at: Math.floor(core.pos / I) * I + I, offset: this.endOffset() };
      return this.fillTail(this.tail);
    }
    this.ended = this.makeEnd(core.lastMessageIsEos ? 'eos' : 'eof', this.endOffset());
    return undefined;
  }

  /** The complete beacons inside a truncated tail, then the `truncated` end. */
  private async fillTail(tail: Tail): Promise<void> {
    const buffer = this.buffer;
    const core = this.core;
    while (this.out.length < TAIL_BATCH) {
      // Skip to the next beacon, reading on (the tail may not be buffered yet).
      while (buffer.offset + buffer.available <= tail.at) {
        buffer.consume(buffer.available);
        if (!(await this.pullTail())) return this.endTail(tail);
      }
      if (tail.at > buffer.offset) buffer.consume(tail.at - buffer.offset);
      // Decode the beacon there, reading more while it is incomplete.
      let window = buffer.contiguous();
      for (;;) {
        const needed = core.tailBeacon(window, tail.at, tail.at, this.out);
        if (needed === 0) break;
        while (buffer.available < needed - tail.at) if (!(await this.pullTail())) return this.endTail(tail);
        window = buffer.copy(needed - tail.at) as Uint8Array;
      }
      tail.at += core.interval;
    }
  }

  private async pullTail(): Promise<boolean> {
    try {
      return await this.buffer.pull();
    } catch (error) {
      throw fromBinaryError(error);
    }
  }

  private endTail(tail: Tail): void {
    this.tail = undefined;
    this.ended = this.makeEnd('truncated', tail.offset);
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
      this.buffer.seek(pos);
    } catch (error) {
      throw fromBinaryError(error);
    }
    this.out = [];
    this.outIndex = 0;
    this.ended = undefined;
    this.endRecord = undefined;
    this.tail = undefined;
    this.sourceDone = false;
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
        await this.fill();
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
    const live = this.live;
    this.live = undefined;
    try {
      return await fn();
    } finally {
      Object.assign(options, saved);
      this.live = live;
    }
  }

  /** @internal Where a bounded scan ended (the end of the last complete message). */
  endOfScan(): number {
    return this.ended?.offset ?? this.core.pos;
  }

  /** @internal Saves the reading position (restored when a seek fails). */
  snapshot(): () => void {
    const { out, outIndex, ended, endRecord, delivered, beaconsPassed, lastEnd } = this;
    const tail = this.tail === undefined ? undefined : { ...this.tail };
    const { pos, lastMessageIsEos, standaloneBeaconOffset } = this.core;
    return () => {
      this.moveTo(pos, false);
      Object.assign(this, { out, outIndex, ended, endRecord, delivered, beaconsPassed, lastEnd, tail });
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
      this.tail = undefined;
      this.ended = this.makeEnd('limit', this.lastEnd);
    }
    this.closed = true;
    this.liveHooks?.close();
    if (this.owned) {
      try {
        await this.source.close();
      } catch (error) {
        throw fromBinaryError(error);
      }
    }
  }
}

/** The error of a header the data ends inside of (`TRUNCATED`, or what its first bytes already show). */
function headerError(partial: Uint8Array): unknown {
  try {
    decodeSeaStreamerHeader(partial);
  } catch (error) {
    return error;
  }
  return new SeaStreamerFileError('TRUNCATED', 'incomplete header', { offset: 0 });
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

/**
 * @internal Opens a reader on `source` (read from its current position, which must be 0): reads and checks the
 * header. `owned`: the reader closes the source. `live`: a follower waits at the end of the data.
 */
export async function openReader(
  source: ByteSource,
  owned: boolean,
  options: SeaStreamerReaderOptions,
  live?: LiveHooks,
): Promise<SeaStreamerReader> {
  try {
    coreOptions(options); // INVALID_ARGUMENT before anything is read
    const buffer = new SourceBuffer(source);
    for (;;) {
      let complete: boolean;
      try {
        complete = await buffer.ensure(HEADER_SIZE);
      } catch (error) {
        throw fromBinaryError(error);
      }
      if (complete) break;
      const partial = buffer.copy(buffer.available) as Uint8Array;
      if (live === undefined) throw headerError(partial);
      try {
        decodeSeaStreamerHeader(partial); // BAD_MAGIC / UNSUPPORTED_VERSION as soon as 3 bytes exist
      } catch (error) {
        if (!(SeaStreamerFileError.is(error) && error.code === 'TRUNCATED')) throw error;
      }
      const state = await live.wait();
      if (state !== 'more') {
        throw state === 'removed'
          ? new SeaStreamerFileError('FILE_REMOVED', 'the file was removed before its header was written')
          : new SeaStreamerFileError(
              state === 'idle' ? 'TIMED_OUT' : 'CLOSED',
              state === 'idle' ? 'no header was written within the idle timeout' : 'the follower was aborted',
            );
      }
    }
    const first = buffer.window(HEADER_SIZE) as Uint8Array;
    const header = decodeSeaStreamerHeader(first, { lenientUtf8: options.lenientUtf8 ?? false });
    const padding = (options.verifyDecoration ?? true) ? headerPaddingProblem(first) : undefined;
    buffer.consume(HEADER_SIZE);
    const reader = new SeaStreamerReader(source, owned, buffer, header, options, live);
    if (padding !== undefined) reader.report(padding);
    return reader;
  } catch (error) {
    live?.close();
    if (owned) await source.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens a streaming reader over any input: bytes, an `ArrayBuffer`, a `Blob`/`File`, a `ReadableStream`, an
 * async iterable of chunks (Node streams) or a `ByteSource` of `@x/binary` (read from its current position,
 * which must be 0). Reads and checks the header: throws `BAD_MAGIC`, `UNSUPPORTED_VERSION`, `TRUNCATED`, ...
 * for files that cannot be opened. The reader closes the source it creates; a `ByteSource` passed in stays
 * open (its owner closes it).
 *
 * @example
 * ```ts
 * const reader = await openSeaStreamerReader(file, { beacons: true }); // a Blob/File, bytes, a stream...
 * for await (const record of reader) {
 *   if (record.kind === 'message') console.log(record.offset, record.streamKey, record.seqNo);
 * }
 * console.log(reader.end, reader.problems);
 * await reader.close();
 * ```
 */
export async function openSeaStreamerReader(
  input: ByteInput,
  options: SeaStreamerReaderOptions = {},
): Promise<SeaStreamerReader> {
  const owned = !isByteSource(input);
  let source: ByteSource;
  try {
    source = toByteSource(input, { chunkSize: 1 << 20 });
  } catch (error) {
    throw fromBinaryError(error);
  }
  return openReader(source, owned, options);
}

/**
 * Reads and decodes the header of any input (see {@link openSeaStreamerReader} for the inputs) without
 * reading further: random-access inputs are read at offset 0, streams from their start (a `ByteSource` passed
 * in is left positioned after what was read). Closes the source when it created it. Throws like
 * {@link decodeSeaStreamerHeader}.
 *
 * @example
 * ```ts
 * const header = await peekSeaStreamerHeader(file);
 * console.log(header.fileName, header.beaconInterval);
 * ```
 */
export async function peekSeaStreamerHeader(
  input: ByteInput,
  options: DecodeHeaderOptions = {},
): Promise<SeaStreamerHeader> {
  const owned = !isByteSource(input);
  let source: ByteSource | undefined;
  try {
    source = toByteSource(input, { chunkSize: HEADER_SIZE });
    let head: Uint8Array;
    if (source.readAt) head = await source.readAt(0, HEADER_SIZE);
    else {
      const buffer = new SourceBuffer(source);
      await buffer.ensure(HEADER_SIZE);
      head = buffer.copy(Math.min(buffer.available, HEADER_SIZE)) as Uint8Array;
    }
    return decodeSeaStreamerHeader(head, options);
  } catch (error) {
    throw fromBinaryError(error);
  } finally {
    if (owned) await source?.close().catch(() => undefined);
  }
}
