/**
 * Writing `.moqtrace` files (spec §7): normal-form CBOR, version `auto` (1 when the content fits the profile
 * every reference reader opens, 2 otherwise), whole traces ({@link encodeTrace}) and a streaming writer with
 * segments and crash safety ({@link createTraceWriter}).
 *
 * @module
 */
import { MoqtraceError } from './errors.js';
import { DETAIL_LEVELS, type TraceEvent } from './events.js';
import { encodeHeader, type TraceHeader } from './header.js';
import { CborEncoder } from './internal/encoder.js';
import { encodeEvent } from './internal/event-codec.js';
import { PREAMBLE_SIZE, writePreamble } from './preamble.js';

/** Which format version to write: `auto` (default), or forced 1 or 2. */
export type VersionChoice = 'auto' | 1 | 2;

/** A segment to write: its header and its events. */
export interface SegmentContent {
  /** The segment header (with a `segment` map when the trace is segmented). */
  header: TraceHeader;
  /** Its events. */
  events: readonly TraceEvent[];
}

/** What {@link encodeTrace} accepts: one header with events, or segments (a read result fits). */
export type TraceContent = SegmentContent | { segments: readonly SegmentContent[] };

/** Options of {@link encodeTrace}. */
export interface EncodeOptions {
  /** Format version; default `auto`. Forcing 1 on content that needs 2 throws `INVALID_ARGUMENT`. */
  version?: VersionChoice;
}

/** One reason why content is outside the version-1 profile (spec §7.2). */
export interface ProfileViolation {
  /** Short rule name. */
  rule: 'segmented' | 'perspective' | 'detail' | 'event-type' | 'direction' | 'stream-type' | 'annotation-without-data';
  /** Explanation. */
  message: string;
  /** Index of the event concerned (flattened), if any. */
  event?: number;
}

const V1_PERSPECTIVES = new Set(['client', 'server', 'observer']);
const LEVELS = new Set<string>(DETAIL_LEVELS);

/** Header conditions of the version-1 profile. */
export function checkHeaderProfile(header: TraceHeader, segmentCount = 1): ProfileViolation[] {
  const out: ProfileViolation[] = [];
  if (header.segment !== undefined || segmentCount > 1) {
    out.push({ rule: 'segmented', message: 'segmented content needs version 2' });
  }
  if (!V1_PERSPECTIVES.has(header.perspective)) {
    out.push({
      rule: 'perspective',
      message: `perspective ${JSON.stringify(header.perspective)} is not client/server/observer`,
    });
  }
  if (!LEVELS.has(header.detail)) {
    out.push({ rule: 'detail', message: `detail ${JSON.stringify(header.detail)} is not one of the five levels` });
  }
  return out;
}

/** Event conditions of the version-1 profile; `undefined` when the event fits. */
export function checkEventProfile(event: TraceEvent, index?: number): ProfileViolation | undefined {
  const at = index === undefined ? {} : { event: index };
  switch (event.type) {
    case 'control':
    case 'stream-opened':
      if (event.direction !== 0 && event.direction !== 1) {
        return { rule: 'direction', message: `direction ${String(event.direction)} is not 0 or 1`, ...at };
      }
      if (
        event.type === 'stream-opened' &&
        event.streamType !== 0 &&
        event.streamType !== 1 &&
        event.streamType !== 2
      ) {
        return { rule: 'stream-type', message: `streamType ${String(event.streamType)} is not 0, 1 or 2`, ...at };
      }
      return undefined;
    case 'stream-closed':
    case 'object-header':
    case 'object-payload':
    case 'state-change':
    case 'error':
      return undefined;
    case 'annotation':
      return event.data === undefined
        ? { rule: 'annotation-without-data', message: 'annotation without data', ...at }
        : undefined;
    default:
      return { rule: 'event-type', message: `event type ${event.type} needs version 2`, ...at };
  }
}

/**
 * Every reason why `content` is outside the version-1 profile (empty: it fits and `auto` writes version 1).
 *
 * @example
 * ```ts
 * if (checkVersion1Profile(trace).length === 0) console.log('Rust 0.1 can open this');
 * ```
 */
export function checkVersion1Profile(content: TraceContent): ProfileViolation[] {
  const segments = 'segments' in content ? content.segments : [content];
  const out: ProfileViolation[] = [];
  segments.forEach((segment) => {
    out.push(...checkHeaderProfile(segment.header, segments.length));
  });
  let index = 0;
  for (const segment of segments) {
    for (const event of segment.events) {
      const violation = checkEventProfile(event, index++);
      if (violation) out.push(violation);
    }
  }
  return out;
}

function resolveVersion(choice: VersionChoice, violations: ProfileViolation[]): { version: 1 | 2; dataNull: boolean } {
  if (choice === 2) return { version: 2, dataNull: false };
  if (choice === 1) {
    const blocking = violations.filter((violation) => violation.rule !== 'annotation-without-data');
    if (blocking.length > 0) {
      throw new MoqtraceError(
        'INVALID_ARGUMENT',
        `version 1 forced on content that needs version 2: ${(blocking[0] as ProfileViolation).message}`,
      );
    }
    return { version: 1, dataNull: true };
  }
  if (choice !== 'auto') throw new MoqtraceError('INVALID_ARGUMENT', `unknown version ${String(choice)}`);
  return { version: violations.length === 0 ? 1 : 2, dataNull: false };
}

function writeSegment(out: CborEncoder, segment: SegmentContent, version: 1 | 2, dataNull: boolean): void {
  const preambleAt = out.pos;
  out.ensure(PREAMBLE_SIZE);
  out.pos += PREAMBLE_SIZE;
  encodeHeader(out, segment.header);
  const headerLength = out.pos - preambleAt - PREAMBLE_SIZE;
  writePreamble({ version, headerLength }, out.buf, preambleAt);
  const options = { annotationDataNull: dataNull };
  for (const event of segment.events) encodeEvent(out, event, options);
}

/**
 * Encodes a whole trace (one header with events, or segments) in normal form.
 *
 * @example
 * ```ts
 * const bytes = encodeTrace({ header, events });            // version 1 when the content allows
 * const again = encodeTrace(readTrace(bytes), { version: 2 });
 * ```
 */
export function encodeTrace(content: TraceContent, options: EncodeOptions = {}): Uint8Array {
  const segments = 'segments' in content ? content.segments : [content];
  if (segments.length === 0) throw new MoqtraceError('INVALID_ARGUMENT', 'a trace needs at least one segment');
  const { version, dataNull } = resolveVersion(options.version ?? 'auto', checkVersion1Profile(content));
  const out = new CborEncoder(64 * 1024);
  for (const segment of segments) writeSegment(out, segment, version, dataNull);
  return out.toBytes();
}

/** Encodes one event alone (normal form), e.g. for hashing or tests. */
export function encodeEventBytes(event: TraceEvent): Uint8Array {
  const out = new CborEncoder(256);
  encodeEvent(out, event, { annotationDataNull: false });
  return out.toBytes();
}

// -------------------------------------------------------------------------------------------------------
// Streaming writer

/**
 * Where a streaming writer puts its bytes. `write` receives fresh chunks it may keep. `patch` (random access,
 * files) lets the writer set `endTime` and fix the version after the fact.
 */
export interface TraceSink {
  /** Appends bytes. May return a promise (backpressure). */
  write(chunk: Uint8Array): void | Promise<void>;
  /** Overwrites bytes already written at an absolute position (optional). */
  patch?(position: number, bytes: Uint8Array): void | Promise<void>;
  /** Makes written bytes durable (optional, e.g. fsync). */
  sync?(): void | Promise<void>;
  /** Releases the sink. */
  close?(): void | Promise<void>;
}

/** Wraps a WHATWG `WritableStream` as a {@link TraceSink} (append only: no `endTime` patching). */
export function writableStreamSink(stream: WritableStream<Uint8Array>): TraceSink {
  const writer = stream.getWriter();
  return {
    write: (chunk) => writer.write(chunk),
    close: () => writer.close(),
  };
}

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

/** The writer's running totals. */
export interface TraceWriterStats {
  /** Events written (all segments). */
  events: number;
  /** Bytes handed to the sink or buffered. */
  bytes: number;
  /** Segments started. */
  segments: number;
  /** Version written in the preambles. */
  version: 1 | 2;
}

// "x-pending": h'000000000000' is 17 bytes, exactly "endTime": 0x1b + u64.
const ENDTIME_ENTRY_LENGTH = 17;

/**
 * A streaming writer: events are encoded into a small buffer and handed to the sink every `flushBytes`, so
 * memory stays constant. Whatever was flushed reads back after a crash (the file ends at an item boundary).
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
  private readonly sink: TraceSink;
  private readonly out = new CborEncoder(128 * 1024);
  private readonly flushBytes: number;
  private readonly policy: SegmentPolicy | undefined;
  private readonly now: () => number;
  private readonly wantEndTime: boolean;
  private readonly choice: VersionChoice;
  private readonly baseHeader: TraceHeader;
  private versionValue: 1 | 2;
  private dataNull: boolean;
  private flushed = 0; // bytes handed to the sink
  private pending: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;
  private segmentCount = 0;
  private segmentEvents = 0;
  private segmentStartBytes = 0;
  private segmentOriginMicros = 0;
  private segmentSequence = 0;
  private preambleOffsets: number[] = [];
  private endTimeAt = -1; // absolute offset of the current segment's endTime placeholder
  private totalEvents = 0;
  private readonly encodeOptions = { annotationDataNull: false };
  /** Notes about what could not be done (for example a version switch on an append-only sink). */
  readonly warnings: string[] = [];

  constructor(sink: TraceSink, options: TraceWriterOptions) {
    this.sink = sink;
    this.flushBytes = options.flushBytes ?? 64 * 1024;
    this.policy = options.segments;
    this.now = options.now ?? Date.now;
    this.wantEndTime = (options.endTime ?? true) && typeof sink.patch === 'function';
    this.choice = options.version ?? 'auto';
    this.baseHeader = options.header;
    const header = this.segmentHeader(0, 0);
    const violations = checkHeaderProfile(header);
    const resolved = resolveVersion(this.choice, violations);
    this.versionValue = resolved.version;
    this.dataNull = resolved.dataNull;
    this.encodeOptions.annotationDataNull = this.dataNull;
    this.beginSegment(header);
  }

  /** Running totals. */
  get stats(): TraceWriterStats {
    return {
      events: this.totalEvents,
      bytes: this.flushed + this.out.pos,
      segments: this.segmentCount,
      version: this.versionValue,
    };
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
    const preambleAt = out.pos;
    this.preambleOffsets.push(this.flushed + preambleAt);
    out.ensure(PREAMBLE_SIZE);
    out.pos += PREAMBLE_SIZE;
    if (this.wantEndTime) {
      // header with an endTime placeholder right after startTime, patched on close
      const before = out.pos;
      encodeHeader(out, header, true);
      // locate the placeholder entry: search its key bytes
      const key = out.buf.subarray(before, out.pos);
      const at = indexOfPlaceholder(key);
      this.endTimeAt = at < 0 ? -1 : this.flushed + before + at;
    } else {
      encodeHeader(out, header);
      this.endTimeAt = -1;
    }
    const headerLength = out.pos - preambleAt - PREAMBLE_SIZE;
    writePreamble({ version: this.versionValue, headerLength }, out.buf, preambleAt);
    this.segmentCount++;
    this.segmentEvents = 0;
    this.segmentStartBytes = this.flushed + preambleAt;
  }

  private check(): void {
    if (this.closed) throw new MoqtraceError('WRITER_CLOSED', 'the trace writer is closed');
    if (this.failure) throw new MoqtraceError('IO_ERROR', 'the sink failed', { cause: this.failure });
  }

  /**
   * Writes one event. Returns a promise when the buffer was handed to the sink (await it for backpressure),
   * else `undefined`. With a segment policy the writer numbers events per segment (`n`) and rebases `t` to the
   * segment's `startTime`; event timestamps are µs since the first header's `startTime`.
   */
  write(event: TraceEvent): Promise<void> | undefined {
    this.check();
    if (this.versionValue === 1) {
      const violation = checkEventProfile(event);
      if (violation && !(violation.rule === 'annotation-without-data' && this.dataNull)) {
        if (this.choice === 1) {
          throw new MoqtraceError('INVALID_ARGUMENT', `version 1 forced: ${violation.message}`);
        }
        this.switchToVersion2();
      }
    }
    let toWrite = event;
    if (this.policy) {
      const micros = Number(event.timestamp);
      const policy = this.policy;
      const rotate =
        this.segmentEvents > 0 &&
        ((policy.maxEvents !== undefined && this.segmentEvents >= policy.maxEvents) ||
          (policy.maxBytes !== undefined && this.flushed + this.out.pos - this.segmentStartBytes >= policy.maxBytes) ||
          (policy.maxSeconds !== undefined && micros - this.segmentOriginMicros >= policy.maxSeconds * 1e6));
      if (rotate) this.rotate(micros);
      const originMs = Math.floor(this.segmentOriginMicros / 1000);
      toWrite = { ...event, seq: this.segmentEvents, timestamp: micros - originMs * 1000 } as TraceEvent;
    }
    encodeEvent(this.out, toWrite, this.encodeOptions);
    this.segmentEvents++;
    this.totalEvents++;
    if (this.out.pos >= this.flushBytes) return this.flush();
    return undefined;
  }

  /** Starts a new segment now (the next event opens it). Requires a segment policy (possibly empty). */
  startSegment(): void {
    this.check();
    if (!this.policy) throw new MoqtraceError('INVALID_ARGUMENT', 'startSegment needs the segments option');
    this.rotate(this.segmentOriginMicros);
  }

  private rotate(originMicros: number): void {
    this.patchEndTime();
    this.segmentSequence++;
    this.segmentOriginMicros = originMicros;
    this.beginSegment(this.segmentHeader(this.segmentSequence, originMicros));
  }

  private switchToVersion2(): void {
    this.versionValue = 2;
    this.dataNull = false;
    this.encodeOptions.annotationDataNull = false;
    const two = new Uint8Array([2, 0, 0, 0]);
    for (const offset of this.preambleOffsets) {
      const at = offset + 8;
      if (at >= this.flushed) this.out.buf.set(two, at - this.flushed);
      else if (this.sink.patch) this.enqueue(() => this.sink.patch?.(at, two));
      else this.warnings.push(`preamble at ${offset} already written as version 1 to an append-only sink`);
    }
  }

  private patchEndTime(): void {
    if (this.endTimeAt < 0) return;
    const entry = new Uint8Array(ENDTIME_ENTRY_LENGTH);
    entry[0] = 0x67; // text(7) "endTime"
    entry.set([0x65, 0x6e, 0x64, 0x54, 0x69, 0x6d, 0x65], 1);
    entry[8] = 0x1b;
    new DataView(entry.buffer).setBigUint64(9, BigInt(Math.max(0, Math.floor(this.now()))));
    const at = this.endTimeAt;
    this.endTimeAt = -1;
    if (at >= this.flushed) this.out.buf.set(entry, at - this.flushed);
    else this.enqueue(() => this.sink.patch?.(at, entry));
  }

  private enqueue(task: () => void | Promise<void>): Promise<void> {
    this.pending = this.pending.then(task).catch((error: unknown) => {
      this.failure ??= error;
    });
    return this.pending;
  }

  /** Hands buffered bytes to the sink. Resolves when the sink accepted them. */
  flush(): Promise<void> {
    if (this.out.pos > 0) {
      const chunk = this.out.toBytes();
      this.flushed += chunk.length;
      this.out.reset();
      this.enqueue(() => this.sink.write(chunk));
    }
    return this.pending.then(() => {
      if (this.failure) throw new MoqtraceError('IO_ERROR', 'the sink failed', { cause: this.failure });
    });
  }

  /** Flushes and asks the sink to make the bytes durable (`sync`). */
  async sync(): Promise<void> {
    await this.flush();
    if (this.sink.sync) await this.sink.sync();
  }

  /** Sets `endTime` (patchable sinks), flushes and closes the sink. */
  async close(): Promise<TraceWriterStats> {
    if (this.closed) return this.stats;
    this.check();
    if (this.endTimeAt >= this.flushed) this.patchEndTime();
    await this.flush();
    this.patchEndTime();
    await this.pending;
    this.closed = true;
    if (this.sink.close) await this.sink.close();
    if (this.failure) throw new MoqtraceError('IO_ERROR', 'the sink failed', { cause: this.failure });
    return this.stats;
  }
}

function indexOfPlaceholder(bytes: Uint8Array): number {
  // 0x69 "x-pending"
  const needle = [0x69, 0x78, 0x2d, 0x70, 0x65, 0x6e, 0x64, 0x69, 0x6e, 0x67, 0x46];
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let k = 0; k < needle.length; k++) if (bytes[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Creates a streaming writer on a sink ({@link TraceSink}, or a WHATWG `WritableStream`). For Node files use
 * `createTraceFileWriter` from `@x/moqtrace/node`.
 *
 * @example
 * ```ts
 * const writer = createTraceWriter(stream, { header, segments: { maxEvents: 50_000 } });
 * writer.write(event);
 * await writer.close();
 * ```
 */
export function createTraceWriter(
  sink: TraceSink | WritableStream<Uint8Array>,
  options: TraceWriterOptions,
): TraceWriter {
  const target =
    typeof WritableStream !== 'undefined' && sink instanceof WritableStream
      ? writableStreamSink(sink)
      : (sink as TraceSink);
  return new TraceWriter(target, options);
}
