/**
 * Readers: {@link readSeaStreamerFile} over bytes in memory and {@link SeaStreamerReader} over any byte
 * source (Blob/File, ReadableStream, async iterable, file paths via `@x/seastreamer-file/node`), both
 * driving the same parsing core. The async reader pulls chunks and hands the core large contiguous
 * windows; a frame spanning two chunks is joined into a small temporary window, never the whole chunk.
 *
 * @module
 */
import { type ByteInput, type ByteSource, toByteSource } from '@x/binary';
import { decodeBeacon, type SeaStreamerBeacon } from './beacon.js';
import { SeaStreamerFileError } from './errors.js';
import type { SeaStreamerMessage } from './frame.js';
import { HEADER_SIZE, parseHeader, type SeaStreamerHeader } from './header.js';
import {
  checkMessageOffset,
  checkOpeningBeacon,
  decodeMessageAt,
  randomAccessOptions,
  truncatedAt,
} from './message-at.js';
import {
  type ChecksumMismatchPolicy,
  type CoreItem,
  type CoreOptions,
  computeEnd,
  type ErrorItem,
  fromBinaryError,
  headerPaddingProblem,
  ParserCore,
  type ReadEnd,
  type ReaderProblem,
  type SeaStreamerItem,
} from './parser.js';
import { alignAfterBeacon, readBeaconAt, type SeekTarget, searchBeacons, type TruncatedBeacon } from './seek.js';
import { toU64 } from './u64.js';

/** Options shared by all readers. */
export interface ReaderOptions {
  /** Verify each payload's CRC-16 (default true). */
  verifyChecksums?: boolean;
  /**
   * On a payload checksum mismatch: `'error'` (default) makes the read throw a `CHECKSUM_MISMATCH`
   * {@link SeaStreamerFileError} carrying the offset, the received and computed values and the decoded
   * message, with the position already after the frame so the next read goes on; `'report'` delivers the
   * message with `checksumOk: false` and records a problem.
   */
  onChecksumMismatch?: ChecksumMismatchPolicy;
  /** Verify beacon markers' running checksums per writer run, recording warnings (default true). */
  verifyRunningChecksums?: boolean;
  /**
   * Check the decoration bytes the reference readers ignore, recording warnings (default true): frame
   * terminators and beacon lead/tail bytes (`0x0D`: `BAD_TERMINATOR`, `BAD_BEACON_DELIMITER`) and the header
   * padding (zeros, then `0x0D` at offset 127: `BAD_HEADER_PADDING`). Reading is the same either way.
   */
  verifyDecoration?: boolean;
  /** Give every message its own payload copy instead of a view into the read buffers (default false). */
  copyPayloads?: boolean;
  /** Decode invalid UTF-8 in keys and the file name with U+FFFD instead of failing (default false). */
  lenientUtf8?: boolean;
  /** Also reject invalid stream keys (`INVALID_STREAM_KEY`) and timestamps after 9999 (default false). */
  strict?: boolean;
  /** Stop after the end-of-stream message (default false: read everything, as the reference dump does). */
  stopAtEos?: boolean;
  /** Problems kept in `problems` (default 10,000; `problemCount` counts all). */
  maxProblems?: number;
  /** Called for every problem as it is found. */
  onProblem?: (problem: ReaderProblem) => void;
}

function coreOptions(options: ReaderOptions): CoreOptions {
  return {
    verifyChecksums: options.verifyChecksums ?? true,
    onChecksumMismatch: options.onChecksumMismatch ?? 'error',
    verifyRunningChecksums: options.verifyRunningChecksums ?? true,
    verifyDecoration: options.verifyDecoration ?? true,
    copyPayloads: options.copyPayloads ?? false,
    lenientUtf8: options.lenientUtf8 ?? false,
    strict: options.strict ?? false,
    stopAtEos: options.stopAtEos ?? false,
    maxProblems: options.maxProblems ?? 10_000,
    onProblem: options.onProblem,
  };
}

function checkHeaderPadding(core: ParserCore, bytes: Uint8Array): void {
  if (!core.options.verifyDecoration) return;
  const problem = headerPaddingProblem(bytes);
  if (problem !== undefined) core.addProblem(problem);
}

/** Everything {@link readSeaStreamerFile} found. */
export interface SeaStreamerFileContents {
  /** The file header. */
  readonly header: SeaStreamerHeader;
  /** Messages in file order (all of them, also after an EOS, unless `stopAtEos`). */
  readonly messages: SeaStreamerMessage[];
  /** Beacons met while reading, in file order. */
  readonly beacons: SeaStreamerBeacon[];
  /** Warnings (running-checksum mismatches, reported checksum mismatches). */
  readonly problems: ReaderProblem[];
  /** How reading ended. */
  readonly end: ReadEnd;
}

/**
 * Reads a whole file held in memory. Throws for files that cannot be opened (`BAD_MAGIC`,
 * `UNSUPPORTED_VERSION`, `TRUNCATED` header, ...) and, by default, at the first payload checksum mismatch
 * (`onChecksumMismatch: 'report'` reads on). A partial tail is not an error: `end.state` is `truncated`.
 *
 * @example
 * ```ts
 * const { header, messages, end } = readSeaStreamerFile(bytes);
 * for (const m of messages) console.log(m.streamKey, m.seqNo, new TextDecoder().decode(m.payload));
 * console.log(end.state); // 'eos' | 'eof' | 'truncated'
 * ```
 */
export function readSeaStreamerFile(bytes: Uint8Array, options: ReaderOptions = {}): SeaStreamerFileContents {
  const header = parseHeader(bytes, { lenientUtf8: options.lenientUtf8 ?? false });
  const core = new ParserCore(header.beaconInterval, coreOptions(options));
  checkHeaderPadding(core, bytes);
  const out: CoreItem[] = [];
  core.parse(bytes, 0, HEADER_SIZE, out);
  const messages: SeaStreamerMessage[] = [];
  const beacons: SeaStreamerBeacon[] = [];
  for (const item of out) {
    if (item.kind === 'message') messages.push(item);
    else if (item.kind === 'beacon') beacons.push(item);
    else throw item.error;
  }
  const end = core.stoppedAtEos
    ? { state: 'eos' as const, offset: core.pos, trailingBytes: bytes.length - core.pos }
    : computeEnd(core, core.pos, bytes.length);
  return { header, messages, beacons, problems: core.problems, end };
}

/**
 * Decodes the one message whose frame starts at `offset` (a message's `offset`, e.g. from an index built
 * while reading sequentially) directly, stitching the frame across the beacons inside it: the same
 * message, with the same `splicedBy`, `endOffset` and `checksumOk`, as the sequential readers give.
 *
 * Throws `OUT_OF_RANGE` when no frame can start at `offset` (inside the header, on or inside a beacon,
 * inside the rest of a frame a beacon cuts, beyond the data, or beacons inside the frame that disagree
 * with its size), `TRUNCATED` when the data ends inside the frame, and, like the readers, a
 * `CHECKSUM_MISMATCH` error carrying the decoded message (or, with `onChecksumMismatch: 'report'`, returns
 * it with `checksumOk: false`). Options about running checksums, problems and `stopAtEos` do not apply.
 *
 * @param header - the file's header (only `beaconInterval` is used).
 * @example
 * ```ts
 * const { header, messages } = readSeaStreamerFile(bytes);
 * const again = readMessageAt(bytes, header, messages[42].offset); // equal to messages[42]
 * ```
 */
export function readMessageAt(
  bytes: Uint8Array,
  header: Pick<SeaStreamerHeader, 'beaconInterval'>,
  offset: number,
  options: ReaderOptions = {},
): SeaStreamerMessage {
  const I = header.beaconInterval;
  checkMessageOffset(offset, I);
  if (offset >= bytes.length) {
    throw new SeaStreamerFileError(
      'OUT_OF_RANGE',
      `no message starts at offset ${offset}: the data ends at ${bytes.length}`,
      {
        offset,
      },
    );
  }
  const beaconOffset = offset - (offset % I);
  if (beaconOffset >= I) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const beacon = decodeBeacon(bytes, view, 0, beaconOffset, I);
    checkOpeningBeacon(typeof beacon === 'number' ? undefined : beacon, beaconOffset, offset);
  }
  const core = new ParserCore(I, randomAccessOptions(coreOptions(options)));
  const message = decodeMessageAt(core, bytes, 0, offset);
  if (typeof message === 'number') throw truncatedAt(offset, bytes.length - offset);
  return message;
}

/** @internal Hooks that turn a reader into a follower (see `follow()` in `@x/seastreamer-file/node`). */
export interface LiveHooks {
  /** Waits until the source may have more bytes; resolves `'removed'` when it never will. */
  wait(): Promise<'more' | 'removed'>;
  /** Called whenever new bytes arrived (resets back-off). */
  dataArrived(): void;
  /** Called once by `close()`. */
  close?(): void;
}

/** Options of {@link SeaStreamerReader.open}. */
export interface StreamReaderOptions extends ReaderOptions {
  /** @internal Follow mode. */
  live?: LiveHooks;
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
  /** The first matching message, which is also the next message the reader returns. */
  readonly message: SeaStreamerMessage;
  /** Beacon index where the forward scan started (0 = beginning of the file). */
  readonly startBeacon: number;
  /** Beacons read by the binary search. */
  readonly beaconsRead: number;
  /** Messages skipped by the forward scan before the match. */
  readonly messagesScanned: number;
}

/** Options of {@link SeaStreamerReader.seekByTimestamp}. */
export interface TimestampSeekOptions {
  /** Match `timestamp >= T` instead of the reference's strict `timestamp > T` (default false). */
  inclusive?: boolean;
}

const JOIN_WINDOW = 4096;
/** Bytes parsed per batch when a chunk holds more. */
const BATCH_WINDOW = 64 * 1024;
/** First read of `readMessageAt`, grown as the frame needs. */
const RANDOM_READ = 16 * 1024;

/**
 * A streaming reader over any byte source: messages in file order with their offsets, beacons on
 * request ({@link SeaStreamerReader.nextItem}), warnings in {@link SeaStreamerReader.problems}, the end
 * state in {@link SeaStreamerReader.end}, and random access (rewind, seek) on sources that support it.
 * Memory stays at one source chunk plus the largest frame.
 *
 * @example
 * ```ts
 * const reader = await SeaStreamerReader.open(file); // a Blob/File, ReadableStream, bytes...
 * for await (const message of reader) console.log(message.offset, message.streamKey, message.seqNo);
 * console.log(reader.end, reader.problems);
 * ```
 */
export class SeaStreamerReader {
  /** The file header. */
  readonly header: SeaStreamerHeader;
  /** The byte source read. */
  readonly source: ByteSource;
  private readonly core: ParserCore;
  private readonly randomOptions: CoreOptions;
  private live: LiveHooks | undefined;
  private readonly liveHooks: LiveHooks | undefined;
  private chunks: Uint8Array[] = [];
  private chunkStarts: number[] = [];
  private dataEnd: number;
  private sourceDone = false;
  private out: CoreItem[] = [];
  private outIndex = 0;
  private ended: ReadEnd | undefined;
  private closed = false;

  private constructor(source: ByteSource, header: SeaStreamerHeader, core: ParserCore, live: LiveHooks | undefined) {
    this.source = source;
    this.header = header;
    this.core = core;
    this.randomOptions = randomAccessOptions(core.options);
    this.live = live;
    this.liveHooks = live;
    this.dataEnd = source.position;
  }

  /**
   * Opens a reader: reads and checks the header (throws `BAD_MAGIC`, `UNSUPPORTED_VERSION`, `TRUNCATED`,
   * ... for files that cannot be opened). The source is read from its current position, which must be 0.
   */
  static async open(input: ByteInput, options: StreamReaderOptions = {}): Promise<SeaStreamerReader> {
    const source = toByteSource(input);
    const chunks: Uint8Array[] = [];
    let have = 0;
    while (have < HEADER_SIZE) {
      let chunk: Uint8Array | null;
      try {
        chunk = await source.read();
      } catch (error) {
        throw fromBinaryError(error);
      }
      if (chunk === null) {
        const partial = join(chunks, have);
        if (options.live) {
          try {
            parseHeader(partial); // BAD_MAGIC / UNSUPPORTED_VERSION as soon as 3 bytes exist
          } catch (error) {
            if (!(SeaStreamerFileError.is(error) && error.code === 'TRUNCATED')) throw error;
          }
          if ((await options.live.wait()) === 'removed') {
            throw new SeaStreamerFileError('FILE_REMOVED', 'the file was removed before its header was written');
          }
          continue;
        }
        parseHeader(partial); // throws TRUNCATED
      } else {
        chunks.push(chunk);
        have += chunk.length;
      }
    }
    const first = join(chunks, have);
    const header = parseHeader(first, { lenientUtf8: options.lenientUtf8 ?? false });
    const core = new ParserCore(header.beaconInterval, coreOptions(options));
    checkHeaderPadding(core, first);
    const reader = new SeaStreamerReader(source, header, core, options.live);
    reader.dataEnd = 0;
    reader.pushChunk(first);
    core.pos = HEADER_SIZE;
    return reader;
  }

  /** Warnings found so far (capped by `maxProblems`). */
  get problems(): readonly ReaderProblem[] {
    return this.core.problems;
  }

  /** @internal Records a warning found outside the parser (e.g. `WATCH_ERROR` from a follower). */
  reportProblem(problem: ReaderProblem): void {
    this.core.addProblem(problem);
  }

  /** Number of warnings found so far (not capped). */
  get problemCount(): number {
    return this.core.problemCount;
  }

  /** How reading ended, once it has; `undefined` while more may come. */
  get end(): ReadEnd | undefined {
    return this.outIndex >= this.out.length ? this.ended : undefined;
  }

  /** Beacon interval of the file. */
  get beaconInterval(): number {
    return this.header.beaconInterval;
  }

  private pushChunk(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.chunkStarts.push(this.dataEnd);
    this.dataEnd += chunk.length;
  }

  /** The next message, or `null` at the end (see {@link SeaStreamerReader.end}). Beacons are skipped. */
  async next(): Promise<SeaStreamerMessage | null> {
    for (;;) {
      const item = await this.nextItem();
      if (item === null || item.kind === 'message') return item;
    }
  }

  /**
   * The next item in file order, a message or a beacon, or `null` at the end. A beacon that cuts a frame
   * comes right after that frame's message (all messages starting before it have then been returned).
   */
  async nextItem(): Promise<SeaStreamerItem | null> {
    for (;;) {
      if (this.outIndex < this.out.length) {
        const item = this.out[this.outIndex++] as CoreItem;
        if (item.kind === 'error') throw item.error;
        return item;
      }
      if (this.ended !== undefined) return null;
      await this.fill();
    }
  }

  /**
   * The next batch of items (all those decoded from the current window), or `null` at the end: the fastest
   * way to read. Throws like {@link SeaStreamerReader.nextItem} when it reaches an error; the items before
   * it are returned first.
   */
  async nextBatch(): Promise<SeaStreamerItem[] | null> {
    while (this.outIndex >= this.out.length) {
      if (this.ended !== undefined) return null;
      await this.fill();
    }
    const out = this.out;
    const start = this.outIndex;
    let end = start;
    while (end < out.length && (out[end] as CoreItem).kind !== 'error') end++;
    if (end === start) {
      this.outIndex++;
      throw (out[start] as ErrorItem).error;
    }
    this.outIndex = end;
    // The decoded window is handed over as it is (a later fill() starts a new array), else the error-free part.
    return (start === 0 && end === out.length ? out : out.slice(start, end)) as SeaStreamerItem[];
  }

  /** Iterates over messages (beacons skipped). */
  async *[Symbol.asyncIterator](): AsyncGenerator<SeaStreamerMessage, void, undefined> {
    for (;;) {
      const batch = await this.nextBatch();
      if (batch === null) return;
      for (const item of batch) if (item.kind === 'message') yield item;
    }
  }

  /** Iterates over messages and beacons in file order. */
  async *items(): AsyncGenerator<SeaStreamerItem, void, undefined> {
    for (;;) {
      const batch = await this.nextBatch();
      if (batch === null) return;
      yield* batch;
    }
  }

  private dropChunksBefore(pos: number): void {
    let drop = 0;
    while (
      drop < this.chunks.length &&
      (this.chunkStarts[drop] as number) + (this.chunks[drop] as Uint8Array).length <= pos
    ) {
      drop++;
    }
    if (drop > 0) {
      this.chunks.splice(0, drop);
      this.chunkStarts.splice(0, drop);
    }
  }

  /** Decodes the next window of items into `out`, or sets `ended`. */
  private async fill(): Promise<void> {
    if (this.closed) throw new SeaStreamerFileError('STREAM_ENDED', 'the reader was closed');
    this.out = [];
    this.outIndex = 0;
    const core = this.core;
    for (;;) {
      const pos = core.pos;
      const need = core.need;
      while (this.dataEnd - pos < need) {
        const size = this.source.size;
        if (!this.live && size !== undefined && this.sourceDone) {
          this.finish(Math.max(this.dataEnd, size));
          return;
        }
        if (!this.live && size !== undefined && pos + need > size && this.dataEnd >= size) {
          // Not enough bytes in the whole source: do not buffer the rest for a length that cannot be met.
          this.sourceDone = true;
          continue;
        }
        let chunk: Uint8Array | null;
        try {
          chunk = await this.source.read();
        } catch (error) {
          throw fromBinaryError(error);
        }
        if (chunk === null) {
          if (this.live) {
            if ((await this.live.wait()) === 'removed') {
              const end = computeEnd(core, pos, this.dataEnd);
              this.ended = { state: 'removed', offset: end.offset, trailingBytes: end.trailingBytes };
              return;
            }
            continue;
          }
          this.sourceDone = true;
          this.finish(this.dataEnd);
          return;
        }
        this.live?.dataArrived();
        this.pushChunk(chunk);
      }
      this.dropChunksBefore(pos);
      const first = this.chunks[0] as Uint8Array;
      const firstStart = this.chunkStarts[0] as number;
      let window: Uint8Array;
      let windowStart: number;
      if (pos + need <= firstStart + first.length) {
        // Parse at most about BATCH_WINDOW bytes per batch (at least the next frame): the messages of a batch
        // then die young once the caller is done with them, instead of a whole chunk's worth surviving
        // garbage collections while it is parsed.
        const from = pos - firstStart;
        const to = Math.min(first.length, from + Math.max(BATCH_WINDOW, core.hint));
        window = from === 0 && to === first.length ? first : first.subarray(from, to);
        windowStart = pos;
      } else {
        const want = Math.min(this.dataEnd - pos, Math.max(core.hint, JOIN_WINDOW));
        window = this.copyRange(pos, want);
        windowStart = pos;
      }
      core.parse(window, windowStart, pos, this.out);
      if (core.stoppedAtEos) {
        this.ended = { state: 'eos', offset: core.pos, trailingBytes: Math.max(0, this.dataEnd - core.pos) };
        return;
      }
      if (this.out.length > 0) return;
    }
  }

  private copyRange(from: number, length: number): Uint8Array {
    const target = new Uint8Array(length);
    let at = 0;
    for (let i = 0; i < this.chunks.length && at < length; i++) {
      const chunk = this.chunks[i] as Uint8Array;
      const start = this.chunkStarts[i] as number;
      const s = Math.max(from + at - start, 0);
      if (s >= chunk.length) continue;
      const c = Math.min(chunk.length - s, length - at);
      target.set(chunk.subarray(s, s + c), at);
      at += c;
    }
    return target;
  }

  private finish(dataEnd: number): void {
    this.ended = computeEnd(this.core, this.core.pos, dataEnd);
  }

  // ---------------------------------------------------------------- random access

  private requireRandomAccess(): Required<Pick<ByteSource, 'readAt' | 'seek'>> {
    const { readAt, seek } = this.source;
    if (!readAt || !seek) {
      throw new SeaStreamerFileError(
        'NOT_SEEKABLE',
        'this byte source has no random access (use bytes, a Blob/File or a file path)',
      );
    }
    return { readAt: readAt.bind(this.source), seek: seek.bind(this.source) };
  }

  private async currentSize(): Promise<number> {
    try {
      const size = this.source.refreshSize ? await this.source.refreshSize() : this.source.size;
      if (size === undefined) throw new SeaStreamerFileError('NOT_SEEKABLE', 'the size of this byte source is unknown');
      return size;
    } catch (error) {
      throw fromBinaryError(error);
    }
  }

  /** Moves the sequential reading position to `pos` (a frame start) and resets the parsing state. */
  private moveTo(pos: number, baselineKnown: boolean): void {
    const { seek } = this.requireRandomAccess();
    seek(pos);
    this.chunks = [];
    this.chunkStarts = [];
    this.dataEnd = pos;
    this.sourceDone = false;
    this.out = [];
    this.outIndex = 0;
    this.ended = undefined;
    this.core.jump(pos, baselineKnown);
  }

  private async rewind(target: 'start' | 'end' | number): Promise<RewindResult> {
    const { readAt } = this.requireRandomAccess();
    const I = this.header.beaconInterval;
    const size = await this.currentSize();
    let pos: number;
    if (target === 'start' || target === 0) pos = HEADER_SIZE;
    else if (target === 'end' || target * I > size) pos = Math.max(HEADER_SIZE, Math.floor(size / I) * I);
    else pos = target * I;
    const baselineKnown = pos === HEADER_SIZE;
    pos = await alignAfterBeacon(readAt, I, pos);
    this.moveTo(pos, baselineKnown);
    if (target === 'end') {
      // Step over every complete frame: the position becomes the end of the last complete message.
      const saved = { ...this.core.options };
      const options = this.core.options;
      options.verifyChecksums = false;
      options.verifyRunningChecksums = false;
      options.verifyDecoration = false;
      options.stopAtEos = false;
      const live = this.live;
      this.live = undefined;
      try {
        while (this.ended === undefined) await this.fill();
      } finally {
        Object.assign(options, saved);
        this.live = live;
      }
      pos = this.ended.offset;
      this.moveTo(pos, false);
    }
    return { beaconIndex: Math.floor(pos / I), offset: pos };
  }

  /**
   * Continues reading after beacon `index` (offset `index × interval`): like the reference's
   * `rewind(At(n))`, skipping the rest of the frame the beacon cuts (clamped to the interval, repeating when
   * that lands on the next beacon). An index beyond the data goes to the last beacon. Throws `TRUNCATED`
   * when the beacon there is incomplete, `NOT_SEEKABLE` for sources without random access.
   */
  async rewindToBeacon(index: number): Promise<RewindResult> {
    if (!(Number.isSafeInteger(index) && index >= 0)) {
      throw new SeaStreamerFileError('VALUE_OUT_OF_RANGE', `beacon index must be a non-negative integer, got ${index}`);
    }
    return this.rewind(index);
  }

  /** Continues reading at the first message (offset 128, or after the beacon there when the interval is 128). */
  async rewindToStart(): Promise<RewindResult> {
    return this.rewind('start');
  }

  /**
   * Moves to the end of the last complete message (for following only new messages). Reads at most one
   * interval of frames.
   */
  async rewindToEnd(): Promise<RewindResult> {
    return this.rewind('end');
  }

  /**
   * Positions the reader on the first message of `streamKey`/`shardId` with sequence number `>= seqNo`
   * (spec §8.4): a deterministic binary search over beacon markers, then a forward scan that matches key
   * **and** shard. That message is returned and is also the next one {@link SeaStreamerReader.next}
   * returns. Throws `SEEK_OUT_OF_BOUND` (keeping the previous position) when no message matches.
   */
  async seekBySeqNo(streamKey: string, shardId: bigint | number, seqNo: bigint | number): Promise<SeekResult> {
    return this.seek({
      kind: 'seqNo',
      streamKey,
      shardId: toU64(shardId, 'shardId'),
      value: toU64(seqNo, 'seqNo'),
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
    return this.seek({
      kind: 'timestamp',
      streamKey,
      shardId: toU64(shardId, 'shardId'),
      value: toU64(timestamp, 'timestamp'),
      inclusive: options.inclusive ?? false,
    });
  }

  private async seek(target: SeekTarget): Promise<SeekResult> {
    const { readAt } = this.requireRandomAccess();
    const I = this.header.beaconInterval;
    const size = await this.currentSize();
    const saved = this.snapshot();
    const { start, beaconsRead } = await searchBeacons(readAt, I, size, target);
    const live = this.live;
    this.live = undefined;
    const matches = (m: SeaStreamerMessage): boolean =>
      m.streamKey === target.streamKey &&
      m.shardId === target.shardId &&
      (target.kind === 'seqNo'
        ? m.seqNo >= target.value
        : target.inclusive
          ? m.timestamp >= target.value
          : m.timestamp > target.value);
    let scanned = 0;
    try {
      await this.rewind(start === 0 ? 'start' : start);
      for (;;) {
        let item: SeaStreamerItem | null;
        try {
          item = await this.nextItem();
        } catch (error) {
          // A damaged frame: if it is the match, it stays next (reading it throws again); if it is skipped,
          // a checksum mismatch is only a warning.
          if (!SeaStreamerFileError.is(error) || error.decoded === undefined) throw error;
          const decoded = error.decoded as SeaStreamerMessage;
          if (matches(decoded)) {
            this.outIndex--;
            return { message: decoded, startBeacon: start, beaconsRead, messagesScanned: scanned };
          }
          if (error.code === 'CHECKSUM_MISMATCH') {
            this.core.addProblem({
              code: 'CHECKSUM_MISMATCH',
              severity: 'error',
              offset: decoded.offset,
              received: error.received ?? decoded.checksum,
              computed: error.computed ?? decoded.checksum,
              message: decoded,
              description: error.message,
            });
          }
          scanned++;
          continue;
        }
        if (item === null) break;
        if (item.kind !== 'message') continue;
        if (matches(item)) {
          this.outIndex--; // the match is the next message returned
          return { message: item, startBeacon: start, beaconsRead, messagesScanned: scanned };
        }
        scanned++;
      }
    } catch (error) {
      this.restore(saved);
      throw error;
    } finally {
      this.live = live;
    }
    this.restore(saved);
    throw new SeaStreamerFileError(
      'SEEK_OUT_OF_BOUND',
      `no message of ${target.streamKey}/${target.shardId} with ${target.kind === 'seqNo' ? 'sequence number >=' : target.inclusive ? 'timestamp >=' : 'timestamp >'} ${target.value}`,
    );
  }

  private snapshot() {
    return {
      pos: this.core.pos,
      need: this.core.need,
      out: this.out,
      outIndex: this.outIndex,
      ended: this.ended,
      lastMessageIsEos: this.core.lastMessageIsEos,
      standalone: this.core.standaloneBeaconOffset,
    };
  }

  private restore(s: ReturnType<SeaStreamerReader['snapshot']>): void {
    this.moveTo(s.pos, false);
    this.out = s.out;
    this.outIndex = s.outIndex;
    this.ended = s.ended;
    this.core.lastMessageIsEos = s.lastMessageIsEos;
    this.core.standaloneBeaconOffset = s.standalone;
  }

  /**
   * Reads beacon `index` directly (random access), without moving the reading position. Resolves
   * `undefined` past the end of the data; an incomplete beacon resolves `{ index, offset, truncated: true }`.
   */
  async readBeacon(index: number): Promise<SeaStreamerBeacon | TruncatedBeacon | undefined> {
    const { readAt } = this.requireRandomAccess();
    return readBeaconAt(readAt, this.header.beaconInterval, index);
  }

  /**
   * Decodes the one message whose frame starts at `offset` (a message's `offset`, e.g. from an index built
   * while reading) by random access, without moving the reading position: the frame is read directly and
   * stitched across the beacons inside it, instead of rewinding to a beacon and reading forward. The result
   * equals the message the sequential reader gives (`splicedBy`, `endOffset`, `checksumOk`...).
   *
   * Rejects with `OUT_OF_RANGE` when no frame can start at `offset` (inside the header, on or inside a beacon,
   * inside the rest of a frame a beacon cuts, beyond the data, or beacons inside the frame that disagree
   * with its size), `TRUNCATED` when the data ends inside the frame, `NOT_SEEKABLE` for sources without
   * random access, and follows the reader's `onChecksumMismatch` policy: a `CHECKSUM_MISMATCH` error carrying
   * the decoded message, or (`'report'`) the message with `checksumOk: false`. Nothing is added to
   * {@link SeaStreamerReader.problems}.
   *
   * @example
   * ```ts
   * const reader = await SeaStreamerReader.open(file);
   * const message = await reader.readMessageAt(24964);
   * ```
   */
  async readMessageAt(offset: number): Promise<SeaStreamerMessage> {
    const { readAt } = this.requireRandomAccess();
    const I = this.header.beaconInterval;
    checkMessageOffset(offset, I);
    const beaconOffset = offset - (offset % I);
    let beaconChecked = beaconOffset < I;
    // One read covers the opening beacon and the frame when they are close; else the beacon is read alone.
    const start = !beaconChecked && offset - beaconOffset <= RANDOM_READ ? beaconOffset : offset;
    if (!beaconChecked && start === offset) {
      const beacon = await readBeaconAt(readAt, I, beaconOffset / I);
      checkOpeningBeacon(beacon === undefined || 'truncated' in beacon ? undefined : beacon, beaconOffset, offset);
      beaconChecked = true;
    }
    const core = new ParserCore(I, this.randomOptions);
    let length = offset - start + RANDOM_READ;
    for (;;) {
      let bytes: Uint8Array;
      try {
        bytes = await readAt(start, length);
      } catch (error) {
        throw fromBinaryError(error);
      }
      const atEnd = bytes.length < length;
      if (!beaconChecked) {
        const beacon = decodeBeacon(
          bytes,
          new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          start,
          start,
          I,
        );
        if (typeof beacon === 'number') {
          if (atEnd) checkOpeningBeacon(undefined, beaconOffset, offset);
          length = Math.max(length * 2, beacon - start);
          continue;
        }
        checkOpeningBeacon(beacon, beaconOffset, offset);
        beaconChecked = true;
      }
      if (start + bytes.length <= offset) {
        throw new SeaStreamerFileError(
          'OUT_OF_RANGE',
          `no message starts at offset ${offset}: the data ends at ${start + bytes.length}`,
          { offset },
        );
      }
      const message = decodeMessageAt(core, bytes, start, offset);
      if (typeof message !== 'number') return message;
      if (atEnd) throw truncatedAt(offset, start + bytes.length - offset);
      length = Math.max(length * 2, offset - start + message);
    }
  }

  /** Releases the source. Further reads throw `STREAM_ENDED`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.liveHooks?.close?.();
    await this.source.close();
  }
}

function join(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
