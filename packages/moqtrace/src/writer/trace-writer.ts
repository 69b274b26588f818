/**
 * The streaming writer over any `ByteSink` of `@x/binary` ({@link createTraceWriter}): version `auto` (1 while
 * the content fits the version-1 profile, switched to 2 by patching the preambles), segments by policy, `endTime`
 * patched in on close, and crash safety (whatever was flushed reads back).
 *
 * @module
 */
import type { ByteSink } from '@x/binary';
import type { CborWriter } from '@x/cbor-schema';
import { fieldEntry } from '@x/cbor-schema';
import { invalidArgument, MoqtraceError } from '../errors.js';
import { PREAMBLE_SIZE, writePreamble } from '../preamble.js';
import type { TraceEvent } from '../schemas/events.js';
import { type TraceHeader, traceHeaderSchema } from '../schemas/header.js';
import { argumentError, createCborWriter, writeEvent, writeHeader } from './encode.js';
import { checkEventProfile, checkHeaderProfile, resolveVersion, type VersionChoice } from './profile.js';

/** When the streaming writer starts a new segment. */
export interface SegmentPolicy {
  /** After this many events. */
  maxEvents?: number;
  /** After this many bytes of segment (preamble, header and events). */
  maxBytes?: number;
  /** After this many seconds of trace time (event timestamps). */
  maxSeconds?: number;
  /** `segment.streamId` of every segment. */
  streamId?: string;
  /** `segment.durationMs` to declare. */
  durationMs?: number;
}

/** Options of {@link createTraceWriter}. */
export interface TraceWriterOptions {
  /** Header of the trace (first segment). Its `startTime` is the origin of event timestamps. */
  header: TraceHeader;
  /** Format version (default `auto`: decided from the header, switched to 2 by patching if needed). */
  version?: VersionChoice;
  /** Start new segments automatically (makes the trace segmented, version 2). */
  segments?: SegmentPolicy;
  /** Bytes buffered before the writer hands them to the sink. Default 64 KiB. */
  flushBytes?: number;
  /** Clock for `endTime` (epoch ms). Default `Date.now`. */
  now?: () => number;
  /** Write `endTime` on close (needs a sink with `patch`). Default true. */
  endTime?: boolean;
}

function checkOptions(sink: ByteSink, options: TraceWriterOptions): void {
  if (typeof sink !== 'object' || sink === null || typeof sink.write !== 'function') {
    throw invalidArgument('sink', 'must be a ByteSink (with write())');
  }
  if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'must be an object');
  if (typeof options.header !== 'object' || options.header === null)
    throw invalidArgument('header', 'must be a header object');
  const positive = (key: string, value: unknown) => {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw invalidArgument(key, `must be a positive number, got ${String(value)}`);
    }
  };
  positive('flushBytes', options.flushBytes);
  if (options.now !== undefined && typeof options.now !== 'function')
    throw invalidArgument('now', 'must be a function');
  const policy = options.segments;
  if (policy !== undefined) {
    if (typeof policy !== 'object' || policy === null) throw invalidArgument('segments', 'must be an object');
    positive('segments.maxEvents', policy.maxEvents);
    positive('segments.maxBytes', policy.maxBytes);
    positive('segments.maxSeconds', policy.maxSeconds);
  }
}

/**
 * A streaming trace writer: events are encoded into a small buffer handed to the sink every `flushBytes`, so
 * memory stays constant. `write` checks its event first: a value that cannot be encoded throws
 * `INVALID_ARGUMENT` naming the field, and nothing is written. The writer never closes a sink it was given
 * (the `/node` file writer closes the file it opened).
 *
 * @example
 * ```ts
 * const writer = createTraceWriter(sink, { header });
 * for (const event of events) {
 *   const pending = writer.write(event);
 *   if (pending) await pending;
 * }
 * await writer.close();
 * ```
 */
export class TraceWriter {
  /** Notes about what could not be done (for example a version switch on an append-only sink). */
  readonly warnings: string[] = [];
  private readonly sink: ByteSink;
  private readonly ownsSink: boolean;
  private readonly out: CborWriter;
  private readonly flushBytes: number;
  private readonly policy: SegmentPolicy | undefined;
  private readonly now: () => number;
  private readonly wantEndTime: boolean;
  private readonly choice: VersionChoice;
  private readonly baseHeader: TraceHeader;
  private versionValue: 1 | 2;
  private dataNull: boolean;
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;
  private segmentCount = 0;
  private segmentEvents = 0;
  private segmentStartBytes = 0;
  private segmentOriginMicros = 0;
  private segmentSequence = 0;
  private readonly preambleOffsets: number[] = [];
  private endTimeAt = -1;
  private totalEvents = 0;

  /** @internal Use {@link createTraceWriter} (or `createTraceFileWriter` of `@x/moqtrace/node`). */
  constructor(sink: ByteSink, options: TraceWriterOptions, ownsSink = false) {
    checkOptions(sink, options);
    this.sink = sink;
    this.ownsSink = ownsSink;
    this.flushBytes = options.flushBytes ?? 64 * 1024;
    this.out = createCborWriter(Math.max(4096, Math.min(this.flushBytes * 2, 1 << 20)));
    this.policy = options.segments;
    this.now = options.now ?? Date.now;
    this.wantEndTime = (options.endTime ?? true) && typeof sink.patch === 'function';
    // The header's own endTime is replaced by the time of close() on a patchable sink: a bad value is still refused
    // (INVALID_ARGUMENT naming it), not dropped in silence.
    if (this.wantEndTime && options.header.endTime !== undefined)
      writeHeader(createCborWriter(256), options.header, false);
    this.choice = options.version ?? 'auto';
    this.baseHeader = options.header;
    const header = this.segmentHeader(0, 0);
    const resolved = resolveVersion(this.choice, checkHeaderProfile(header));
    this.versionValue = resolved.version;
    this.dataNull = resolved.dataNull;
    this.beginSegment(header);
  }

  /** Bytes handed to the sink or buffered. */
  get bytesWritten(): number {
    return this.out.written + this.out.length;
  }

  /** Events written (all segments). */
  get eventsWritten(): number {
    return this.totalEvents;
  }

  /** Segments started. */
  get segmentsWritten(): number {
    return this.segmentCount;
  }

  /** Version written in the preambles. */
  get version(): 1 | 2 {
    return this.versionValue;
  }

  private segmentHeader(sequence: number, originMicros: number): TraceHeader {
    const header: TraceHeader = { ...this.baseHeader };
    if (this.wantEndTime || sequence > 0) delete header.endTime;
    if (this.policy) {
      header.startTime = this.baseHeader.startTime + Math.floor(originMicros / 1000);
      header.segment = {
        ...(this.baseHeader.segment ?? {}),
        sequence,
        ...(this.policy.durationMs !== undefined ? { durationMs: this.policy.durationMs } : {}),
        ...(this.policy.streamId !== undefined ? { streamId: this.policy.streamId } : {}),
        ...(sequence > 0 ? { continues: true } : {}),
      };
    }
    return header;
  }

  private beginSegment(header: TraceHeader): void {
    const out = this.out;
    const preambleAt = out.reserve(PREAMBLE_SIZE);
    const startAbs = out.written + preambleAt;
    // Only the first header can be invalid, in the constructor: nothing has reached the sink then.
    const endTimeAt = writeHeader(out, header, this.wantEndTime);
    out.patch(
      preambleAt,
      writePreamble({ version: this.versionValue, headerLength: out.length - preambleAt - PREAMBLE_SIZE }),
    );
    this.preambleOffsets.push(startAbs);
    this.endTimeAt = endTimeAt;
    this.segmentCount++;
    this.segmentEvents = 0;
    this.segmentStartBytes = startAbs;
  }

  private check(): void {
    if (this.closed) throw new MoqtraceError('CLOSED', 'the trace writer is closed');
    if (this.failure) throw new MoqtraceError('IO_ERROR', 'the sink failed', { cause: this.failure });
  }

  /**
   * Writes one event. Returns a promise when the buffer was handed to the sink (await it for backpressure),
   * else `undefined`. With a segment policy the writer numbers events per segment (`n`) and rebases `t` to the
   * segment's `startTime`; event timestamps are µs since the first header's `startTime`.
   */
  write(event: TraceEvent): Promise<void> | undefined {
    this.check();
    if (typeof event !== 'object' || event === null) throw invalidArgument('event', 'must be an event object');
    let switchTo2 = false;
    if (this.versionValue === 1) {
      const violation = checkEventProfile(event);
      if (violation && !(violation.rule === 'annotation-without-data' && this.dataNull)) {
        if (this.choice === 1) throw invalidArgument('event', `version 1 forced: ${violation.message}`);
        switchTo2 = true;
      }
    }
    if (this.policy) this.writeSegmented(event);
    else {
      try {
        writeEvent(this.out, event, this.dataNull);
      } catch (error) {
        throw argumentError(error, 'event');
      }
    }
    if (switchTo2) this.switchToVersion2();
    this.segmentEvents++;
    this.totalEvents++;
    if (this.out.length >= this.flushBytes) return this.flush();
    return undefined;
  }

  private writeSegmented(event: TraceEvent): void {
    const policy = this.policy as SegmentPolicy;
    const micros = Number(event.timestamp);
    if (!Number.isFinite(micros)) throw invalidArgument('event.timestamp', 'must be an integer');
    const rotate =
      this.segmentEvents > 0 &&
      ((policy.maxEvents !== undefined && this.segmentEvents >= policy.maxEvents) ||
        (policy.maxBytes !== undefined && this.bytesWritten - this.segmentStartBytes >= policy.maxBytes) ||
        (policy.maxSeconds !== undefined && micros - this.segmentOriginMicros >= policy.maxSeconds * 1e6));
    const origin = rotate ? micros : this.segmentOriginMicros;
    const originMs = Math.floor(origin / 1000);
    const toWrite = {
      ...event,
      seq: rotate ? 0 : this.segmentEvents,
      timestamp: micros - originMs * 1000,
    } as TraceEvent;
    // Checked before the segment starts: a bad event leaves nothing behind.
    const scratch = createCborWriter(256);
    try {
      writeEvent(scratch, toWrite, this.dataNull);
    } catch (error) {
      throw argumentError(error, 'event');
    }
    if (rotate) this.rotate(micros);
    this.out.writeBytes(scratch.view());
  }

  /** Starts a new segment now (the next event opens it). Requires a segment policy (possibly empty). */
  startSegment(): void {
    this.check();
    if (!this.policy) throw invalidArgument('segments', 'startSegment needs the segments option');
    this.rotate(this.segmentOriginMicros);
  }

  private rotate(originMicros: number): void {
    this.patchEndTime();
    this.segmentSequence++;
    this.segmentOriginMicros = originMicros;
    this.beginSegment(this.segmentHeader(this.segmentSequence, originMicros));
  }

  private patchAt(at: number, bytes: Uint8Array, what: string): void {
    const out = this.out;
    if (at >= out.written) out.patch(at - out.written, bytes);
    else if (this.sink.patch) {
      const sink = this.sink;
      this.enqueue(() => sink.patch?.(at, bytes));
    } else this.warnings.push(`${what} at ${at} already written to an append-only sink`);
  }

  private switchToVersion2(): void {
    this.versionValue = 2;
    this.dataNull = false;
    const two = new Uint8Array([2, 0, 0, 0]);
    for (const offset of this.preambleOffsets) this.patchAt(offset + 8, two, 'version-1 preamble');
  }

  private patchEndTime(): void {
    if (this.endTimeAt < 0) return;
    const now = this.now();
    if (!(typeof now === 'number' && Number.isFinite(now) && now >= 0)) {
      throw invalidArgument('now', `must return epoch milliseconds, returned ${String(now)}`);
    }
    const at = this.endTimeAt;
    this.endTimeAt = -1;
    this.patchAt(at, fieldEntry(traceHeaderSchema, 'endTime', Math.floor(now)), 'endTime placeholder');
  }

  private enqueue(task: () => void | Promise<void>): Promise<void> {
    this.pending = this.pending.then(task).catch((error: unknown) => {
      this.failure ??= error;
    });
    return this.pending;
  }

  /** Hands buffered bytes to the sink (and asks it to flush). Resolves when the sink accepted them. */
  flush(): Promise<void> {
    if (this.out.length > 0) {
      const chunk = this.out.take();
      const sink = this.sink;
      this.enqueue(() => sink.write(chunk));
    }
    const sink = this.sink;
    if (sink.flush) this.enqueue(() => sink.flush?.());
    return this.pending.then(() => {
      if (this.failure) throw new MoqtraceError('IO_ERROR', 'the sink failed', { cause: this.failure });
    });
  }

  /**
   * Finishes the file: sets `endTime` (patchable sinks) and flushes. Closes the sink only when the writer opened
   * it (the `/node` file writer). Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.check();
    this.patchEndTime();
    await this.flush();
    this.closed = true;
    if (this.ownsSink) {
      try {
        await this.sink.close();
      } catch (cause) {
        throw new MoqtraceError('IO_ERROR', 'closing the sink failed', { cause });
      }
    }
  }

  /** Stops writing: an owned sink is aborted (an atomic file is removed); a given sink is left as it is. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pending;
    if (this.ownsSink) await this.sink.abort?.();
  }
}

/**
 * Creates a streaming writer on a `ByteSink` (`createMemorySink`, `toWritableStreamSink` of `@x/binary`, or a
 * file through `createTraceFileWriter` of `@x/moqtrace/node`). The header is checked and written at once: a bad
 * header throws `INVALID_ARGUMENT` naming the field (`header.startTime`), before anything reaches the sink.
 *
 * @example
 * ```ts
 * const sink = createMemorySink();
 * const writer = createTraceWriter(sink, { header, segments: { maxEvents: 50_000 } });
 * writer.write(event);
 * await writer.close();
 * const bytes = sink.toBytes();
 * ```
 */
export function createTraceWriter(sink: ByteSink, options: TraceWriterOptions): TraceWriter {
  return new TraceWriter(sink, options);
}
