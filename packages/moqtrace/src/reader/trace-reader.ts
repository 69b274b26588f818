/**
 * The streaming reader over any byte source ({@link openTraceReader}) and header peeking
 * ({@link peekTraceHeader}).
 *
 * Ownership: a reader closes a source it created (from bytes, a Blob, a ReadableStream, an async iterable, or a
 * path in `/node`) on every exit — the end, an error, or `close()`; a `ByteSource` passed in stays open.
 *
 * @module
 */
import { type ByteInput, type ByteSource, isByteSource, toByteSource } from '@x/binary';
import { MoqtraceError } from '../errors.js';
import type { TraceHeader } from '../schemas/header.js';
import { decodeEventIn, type EventDecodeResult } from './decode-at.js';
import { DEFAULT_MAX_ITEM, type ParserSink, TraceParser } from './parser.js';
import { checkReadOptions, ProblemLog } from './read.js';
import { RecordSink } from './record-sink.js';
import type { TraceEnd, TraceProblem, TraceReadOptions, TraceRecord, TraceSegmentInfo } from './types.js';

/** Options of {@link openTraceReader}. */
export interface TraceReaderOptions extends TraceReadOptions {
  /** Also yield a `{ kind: 'segment', … }` record where each segment starts. Default false. */
  segments?: boolean;
}

/**
 * How a live source waits for more bytes (followers): `more` (read on), or why reading ends.
 *
 * @internal
 */
export interface LiveSource {
  wait(position: number): Promise<'more' | 'removed' | 'idle' | 'aborted'>;
  dataArrived(): void;
  close(): void;
}

/** Internal options of {@link TraceReader.open}. */
interface OpenOptions extends TraceReaderOptions {
  live?: LiveSource | undefined;
  /** Events before this offset are read but not yielded (a follower starting at the end). */
  skipBefore?: number;
  /** The source is the reader's to close. */
  owned?: boolean;
}

/** Problems reported by one `nextBatch` call at most (then it returns, with an empty batch if no record is ready). */
const PROBLEMS_PER_BATCH = 4096;

/**
 * A streaming reader of a trace: an async iterable of records (`{ kind: 'event', offset, segment, event }`, and
 * `{ kind: 'segment', … }` with `segments: true`) with memory bounded by the largest item. Also
 * {@link TraceReader.nextBatch} (records without a promise per record), the first `header`, the `segments` and
 * `problems` so far, the `end` once the last record was read, and random access ({@link TraceReader.readEventAt})
 * on sources that have it. Create with {@link openTraceReader} (or `openTraceFile` / `followTraceFile` from
 * `@x/moqtrace/node`).
 *
 * @example
 * ```ts
 * const reader = await openTraceReader(file);
 * for await (const record of reader) if (record.kind === 'event') console.log(record.offset, record.event.type);
 * console.log(reader.end); // { state: 'eof', events: 1234, complete: true, ... }
 * ```
 */
export class TraceReader implements AsyncIterable<TraceRecord> {
  /** The first segment's header. */
  readonly header: TraceHeader;
  private readonly source: ByteSource;
  private readonly owned: boolean;
  private readonly parser: TraceParser;
  private readonly log: ProblemLog;
  private readonly live: LiveSource | undefined;
  private readonly copyBytes: boolean;
  private readonly maxItem: number;
  // Records decoded and not yet handed out: records.batch[batchHead ..]. Counts are absolute: `records.pushed`
  // records were batched since the reader opened, `handed` of them handed out.
  private readonly records: RecordSink;
  private batchHead = 0;
  private handed = 0;
  // Problems found but not yet reported (held[heldHead ..]), each with the count of records batched before it: a
  // problem is reported (kept, passed to onProblem, thrown in strict mode) once those records were handed out.
  // Heads instead of shift() and slice(): a chunk can hold millions of problems between a few records.
  private held: { at: number; problem: TraceProblem }[] = [];
  private heldHead = 0;
  private failure: unknown;
  private done: TraceEnd | undefined;
  private closed = false;
  private closedByCaller = false;

  private constructor(
    source: ByteSource,
    parser: TraceParser,
    log: ProblemLog,
    first: TraceSegmentInfo,
    options: OpenOptions,
  ) {
    this.source = source;
    this.owned = options.owned === true;
    this.parser = parser;
    this.log = log;
    this.header = first.header;
    this.live = options.live;
    this.copyBytes = options.copyBytes === true;
    this.maxItem = options.maxItemBytes ?? DEFAULT_MAX_ITEM;
    this.records = new RecordSink(
      first,
      options.segments === true,
      options.skipBefore ?? 0,
      (problem, at) => this.hold(problem, at),
      () => this.held.length - this.heldHead >= PROBLEMS_PER_BATCH,
    );
  }

  /** Forgets the records and problems not handed out yet. */
  private drop(): void {
    this.records.batch = [];
    this.batchHead = 0;
    this.handed = this.records.pushed;
    this.held = [];
    this.heldHead = 0;
  }

  /**
   * Opens a reader: reads the first segment's preamble and header (use {@link openTraceReader}).
   *
   * @internal
   */
  static async open(source: ByteSource, options: OpenOptions): Promise<TraceReader> {
    checkReadOptions(options);
    const log = new ProblemLog(options);
    let parser: TraceParser;
    let first: TraceSegmentInfo | undefined;
    const early: { at: number; problem: TraceProblem }[] = [];
    try {
      parser = new TraceParser(options);
      const sink: ParserSink = {
        segment: (segment) => {
          first = segment;
        },
        event: () => {},
        // After the first segment's record when it was found first (and is yielded).
        problem: (problem) => early.push({ at: first !== undefined && options.segments === true ? 1 : 0, problem }),
      };
      while (parser.runUntilSegment(sink) === 'need-more') {
        const chunk = await source.read();
        if (chunk !== null) {
          options.live?.dataArrived();
          parser.push(chunk);
          continue;
        }
        if (options.live !== undefined) {
          const state = await options.live.wait(source.position);
          if (state === 'more') continue;
          if (state === 'removed') {
            throw new MoqtraceError('FILE_REMOVED', 'the file was removed before its header was complete');
          }
        }
        parser.end();
      }
    } catch (error) {
      options.live?.close();
      if (options.owned) await source.close();
      throw error;
    }
    const reader = new TraceReader(source, parser, log, first as TraceSegmentInfo, options);
    for (const { at, problem } of early) reader.hold(problem, at);
    return reader;
  }

  /** Segments found so far. */
  get segments(): readonly TraceSegmentInfo[] {
    return this.records.segments;
  }

  /** Problems found so far (at most `maxProblems`). */
  get problems(): readonly TraceProblem[] {
    return this.log.list;
  }

  /** How reading ended, once the last record was read; `undefined` before. */
  get end(): TraceEnd | undefined {
    return this.batchHead === this.records.batch.length && this.heldHead === this.held.length ? this.done : undefined;
  }

  /** Bytes read from the source so far (for progress). */
  get position(): number {
    return this.source.position;
  }

  /** Holds a problem found after `at` records were batched (in all); a strict failure stops reading now. */
  private hold(problem: TraceProblem, at: number): void {
    this.held.push({ at, problem });
    if (this.log.fails(problem) && this.done === undefined) this.done = this.parser.stop('aborted');
  }

  /** Reports the held problems that no record still to hand out precedes. */
  /** Reports the held problems whose records were handed out, at most `max`; returns how many it reported. */
  private report(max = Number.POSITIVE_INFINITY): number {
    const held = this.held;
    const from = this.heldHead;
    while (
      this.heldHead < held.length &&
      this.heldHead - from < max &&
      (held[this.heldHead] as { at: number }).at <= this.handed
    ) {
      const { problem } = held[this.heldHead++] as { problem: TraceProblem };
      const error = this.log.add(problem);
      if (error !== undefined && this.failure === undefined) {
        this.failure = error;
        this.drop();
        return this.heldHead - from;
      }
    }
    const reported = this.heldHead - from;
    if (this.heldHead === held.length) {
      this.held = [];
      this.heldHead = 0;
    } else if (this.heldHead > 1024 && this.heldHead * 2 > held.length) {
      this.held = held.slice(this.heldHead);
      this.heldHead = 0;
    }
    return reported;
  }

  /** Reads until records are available or reading ends. */
  private async fill(): Promise<void> {
    const sink = this.records;
    const parser = this.parser;
    try {
      for (;;) {
        const status = this.done === undefined ? parser.run(sink) : 'done';
        if (status === 'paused') return; // problems enough to hand out first
        if (status === 'done') {
          this.done ??= this.limitEnd(parser.result);
          await this.release();
          return;
        }
        if (this.batchHead < this.records.batch.length || this.heldHead < this.held.length) return;
        const chunk = await this.source.read();
        if (chunk !== null) {
          this.live?.dataArrived();
          parser.push(chunk);
          continue;
        }
        if (this.live !== undefined) {
          const state = await this.live.wait(this.source.position);
          if (state === 'more') continue;
          this.done = parser.stop(state);
          await this.release();
          return;
        }
        parser.end();
      }
    } catch (error) {
      this.failure ??= error;
      await this.release();
    }
  }

  /**
   * A `limit` end counts the bytes after it from the source's size when known (as a whole-buffer read does),
   * else the bytes already received.
   */
  private limitEnd(end: TraceEnd | undefined): TraceEnd | undefined {
    const size = this.source.size;
    if (end === undefined || end.state !== 'limit' || this.live !== undefined || size === undefined) return end;
    return { ...end, trailingBytes: Math.max(end.trailingBytes, size - end.offset) };
  }

  private async release(): Promise<void> {
    this.live?.close();
    if (this.owned && !this.closed) {
      this.closed = true;
      await this.source.close();
    }
  }

  /**
   * The next records in file order (those decoded from the bytes read so far), or `null` at the end. The fastest
   * way to read: no promise per record. A batch ends before a problem: `onProblem` is called (and `problems`
   * grows) when the next batch is asked for, so the callback sees problems in order with the records handed out
   * (after every record before the problem, before any after it). In strict mode that call throws the first error
   * problem. A call reports at most 4096 problems: after that many with no record ready, the batch is empty (data
   * with millions of damaged items between two events is read in bounded steps).
   */
  async nextBatch(): Promise<TraceRecord[] | null> {
    if (this.closedByCaller) throw new MoqtraceError('CLOSED', 'the trace reader is closed');
    for (let reported = 0; ; ) {
      reported += this.report(PROBLEMS_PER_BATCH - reported);
      const batch = this.records.batch;
      const head = this.batchHead;
      if (head < batch.length) {
        // Up to the next held problem: it is reported when the next batch is asked for.
        const next =
          this.heldHead < this.held.length ? (this.held[this.heldHead] as { at: number }).at : this.records.pushed;
        const end = head + Math.min(next - this.handed, batch.length - head);
        this.handed += end - head;
        if (head === 0 && end === batch.length) {
          this.records.batch = [];
          return batch;
        }
        const out = batch.slice(head, end);
        if (end === batch.length) {
          this.records.batch = [];
          this.batchHead = 0;
        } else if (end > 4096 && end * 2 > batch.length) {
          this.records.batch = batch.slice(end);
          this.batchHead = 0;
        } else this.batchHead = end;
        return out;
      }
      // Many problems and no record: an empty batch, so that a caller printing problems in order can go on.
      if (reported >= PROBLEMS_PER_BATCH) return [];
      if (this.heldHead < this.held.length) continue;
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        this.done ??= this.parser.stop('aborted');
        throw failure;
      }
      if (this.done !== undefined) return null;
      await this.fill();
    }
  }

  /** Iterates over the records. */
  async *[Symbol.asyncIterator](): AsyncGenerator<TraceRecord, void, undefined> {
    let finished = false;
    try {
      for (let batch = await this.nextBatch(); batch !== null; batch = await this.nextBatch()) yield* batch;
      finished = true;
    } finally {
      // Left early (break, throw): stop reading and release the source.
      if (!finished && !this.closedByCaller) await this.close();
    }
  }

  /**
   * Reads the event item at `offset` (an offset the reader reported) from a random-access source, without
   * moving the reader. Throws `NOT_SEEKABLE` on sources without random access.
   */
  async readEventAt(offset: number): Promise<EventDecodeResult> {
    const readAt = this.source.readAt?.bind(this.source);
    if (readAt === undefined) {
      throw new MoqtraceError('NOT_SEEKABLE', "this reader's source has no random access");
    }
    if (!(Number.isSafeInteger(offset) && offset >= 0)) {
      throw new MoqtraceError('INVALID_ARGUMENT', `offset: must be a non-negative integer, got ${String(offset)}`, {
        key: 'offset',
      });
    }
    let want = 64 * 1024;
    for (;;) {
      const bytes = await readAt(offset, want);
      if (bytes.length === 0) {
        throw new MoqtraceError('OUT_OF_RANGE', `offset ${offset} is at or after the end of the source`, {
          offset,
        });
      }
      const segment = this.segmentIndexAt(offset);
      const result = decodeEventIn(bytes, 0, offset, { copyBytes: true, segment });
      if (result.ok || result.needed === undefined || bytes.length < want || result.needed > this.maxItem) {
        return result.ok
          ? { ...result, end: offset + result.end }
          : result.end === undefined
            ? result
            : { ...result, end: offset + result.end };
      }
      // At least double: `needed` is a lower bound that can grow by little per read (a wide map counts one byte
      // per missing entry), and every read decodes from the item's start again.
      want = Math.max(result.needed, Math.min(want * 2, this.maxItem));
    }
  }

  private segmentIndexAt(offset: number): number {
    let index = 0;
    for (const segment of this.records.segments) if (segment.offset <= offset) index = segment.index;
    return index;
  }

  /** Stops reading and closes the source when the reader created it (a `ByteSource` passed in stays open). */
  async close(): Promise<void> {
    if (this.done === undefined) this.done = this.parser.stop('limit');
    this.records.batch = [];
    this.batchHead = 0;
    this.closedByCaller = true;
    await this.release();
  }
}

/**
 * Opens a streaming reader over any byte input (bytes, Blob/File, ReadableStream, async iterable, or a
 * `ByteSource`): reads the first segment's header, then yields records as they are read. Throws
 * {@link MoqtraceError} when there is no usable first segment (`BAD_MAGIC`, `UNSUPPORTED_VERSION`, `TRUNCATED`,
 * `MALFORMED_HEADER`). A source it created is closed at the end, on errors and by `close()`.
 *
 * @example
 * ```ts
 * const reader = await openTraceReader(stream, { segments: true });
 * for (let batch = await reader.nextBatch(); batch; batch = await reader.nextBatch()) render(batch);
 * ```
 */
export async function openTraceReader(input: ByteInput, options: TraceReaderOptions = {}): Promise<TraceReader> {
  const owned = !isByteSource(input);
  return TraceReader.open(toByteSource(input), { ...options, owned });
}

/**
 * Reads only the preamble and header of the first segment (the first `16 + N` bytes) of any byte input. Throws
 * {@link MoqtraceError} (`BAD_MAGIC`, `UNSUPPORTED_VERSION`, `TRUNCATED`, `MALFORMED_HEADER`). Closes a source
 * it created; a `ByteSource` passed in stays open.
 *
 * @example
 * ```ts
 * const { header, eventsOffset } = await peekTraceHeader(file);
 * console.log(header.protocol, header.perspective);
 * ```
 */
export async function peekTraceHeader(input: ByteInput): Promise<TraceSegmentInfo> {
  const owned = !isByteSource(input);
  const source = toByteSource(input);
  const parser = new TraceParser();
  let found: TraceSegmentInfo | undefined;
  const sink: ParserSink = {
    segment: (segment) => {
      found = segment;
    },
    event: () => {},
    problem: () => {},
  };
  try {
    while (found === undefined && parser.runUntilSegment(sink) === 'need-more') {
      const chunk = await source.read();
      if (chunk === null) parser.end();
      else parser.push(chunk);
    }
  } finally {
    if (owned) await source.close();
  }
  if (found === undefined) throw new MoqtraceError('TRUNCATED', 'no header found', { offset: 0 });
  return found;
}
