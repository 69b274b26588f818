/**
 * A recorder for applications (spec §6, §11 items 8–9): automatic `n`, microsecond `t` relative to
 * `startTime`, detail-level filtering of every event, optional payload masking, and either a bounded in-memory
 * ring (O(1) per event; only droppable types are evicted, declared in `sampling`) or direct streaming to a sink.
 *
 * @module
 */

import type { ByteSink } from '@x/binary';
import { draftFromProtocol, messageTypeId } from './analysis/naming.js';
import { invalidArgument, MoqtraceError } from './errors.js';
import { DETAIL_LEVELS, type DetailLevel, messageAsMap } from './events.js';
import type { AnnotationEvent, ControlEvent, ErrorEvent, TraceEvent } from './schemas/events.js';
import type { TraceHeader } from './schemas/header.js';
import { argumentError, createCborWriter, writeEvent, writeHeader, writeTrace } from './writer/encode.js';
import type { VersionChoice } from './writer/profile.js';
import { createTraceWriter, type SegmentPolicy, type TraceWriter } from './writer/trace-writer.js';

/** An event as given to {@link TraceRecorder.record}: `seq` and `timestamp` are assigned by the recorder. */
export type RecordInput = TraceEvent extends infer E
  ? E extends TraceEvent
    ? Omit<E, 'seq' | 'timestamp'> & { seq?: undefined; timestamp?: number }
    : never
  : never;

/** The recorder's clocks. */
export interface RecorderClock {
  /** Wall clock, epoch ms (default `Date.now`). */
  now(): number;
  /** Monotonic clock, ms (default `performance.now`). */
  monotonic(): number;
}

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /** Header fields (`startTime` is taken from the clock when absent; `detail` comes from `detail`). */
  header: Omit<TraceHeader, 'startTime' | 'detail'> & { startTime?: number };
  /** Detail level (default `control`). An unknown level is rejected. */
  detail?: DetailLevel;
  /** Zero payload bytes (same length) and declare `custom.payloadMasked = true`. */
  maskPayloads?: boolean;
  /**
   * In-memory mode: most droppable events (types 1, 2, 3, 4, 7) kept; older ones are evicted in O(1) and the
   * drops declared in `sampling`. Default 100 000. Types 0, 5, 6, 8, 9, 10 are never dropped.
   */
  maxEvents?: number;
  /** Stream every event to this sink instead of keeping them in memory (the recorder never closes it). */
  sink?: ByteSink;
  /** With a sink: start new segments by this policy. */
  segments?: SegmentPolicy;
  /** Version of the file (default `auto`). */
  version?: VersionChoice;
  /** Draft for `mt` lookup by message name (default: from `header.protocol`). */
  draft?: number;
  /** Clocks (tests). */
  clock?: RecorderClock;
  /** Cap of event-6 `raw` bytes (default 4096). */
  rawCap?: number;
}

const LEVEL_RANK: Record<DetailLevel, number> = {
  control: 0,
  headers: 1,
  'headers+sizes': 2,
  'headers+data': 3,
  full: 4,
};
const DROPPABLE = new Set(['stream-opened', 'stream-closed', 'object-header', 'object-payload', 'annotation']);
const TYPE_ID: Record<string, number> = {
  'stream-opened': 1,
  'stream-closed': 2,
  'object-header': 3,
  'object-payload': 4,
  annotation: 7,
};

/** What an in-memory recording holds. */
export interface Recording {
  /** The header (with `endTime` once finished, `sampling` when events were dropped). */
  header: TraceHeader;
  /** The kept events in `seq` order. */
  events: TraceEvent[];
}

/**
 * Records events of a MoQT session.
 *
 * @example
 * ```ts
 * const recorder = createRecorder({ header: { protocol: 'moq-transport-14', perspective: 'client' }, detail: 'headers' });
 * recorder.recordControl({ direction: 0, message: { type: 'subscribe', request_id: 1 } });
 * recorder.record({ type: 'stream-opened', streamId: 3n, direction: 1, streamType: 0 });
 * const bytes = recorder.toBytes();
 * ```
 */
export class TraceRecorder {
  private readonly level: number;
  private readonly detail: DetailLevel;
  private readonly mask: boolean;
  private readonly clock: RecorderClock;
  private readonly origin: number;
  private readonly draft: number | undefined;
  private readonly rawCap: number;
  private readonly header: TraceHeader;
  private readonly writer: TraceWriter | undefined;
  private readonly capacity: number;
  private readonly ring: (TraceEvent | undefined)[];
  private ringHead = 0;
  private ringCount = 0;
  private readonly kept: TraceEvent[] = [];
  private seq = 0;
  private dropped = 0;
  private readonly droppedTypes = new Set<number>();
  private readonly rawFlows = new Set<string>();
  private finished = false;
  private readonly scratch = createCborWriter(1024);

  constructor(options: RecorderOptions) {
    if (typeof options !== 'object' || options === null) throw invalidArgument('options', 'must be an object');
    if (typeof options.header !== 'object' || options.header === null) {
      throw invalidArgument('header', 'must be a header object');
    }
    const detail = options.detail ?? 'control';
    if (!(DETAIL_LEVELS as readonly string[]).includes(detail)) {
      throw invalidArgument('detail', `unknown detail level ${JSON.stringify(detail)}`);
    }
    this.detail = detail;
    this.level = LEVEL_RANK[detail];
    this.mask = options.maskPayloads ?? false;
    this.clock = options.clock ?? {
      now: Date.now,
      monotonic: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
    };
    const startTime = options.header.startTime ?? Math.floor(this.clock.now());
    this.origin = this.clock.monotonic();
    this.rawCap = options.rawCap ?? 4096;
    this.draft = options.draft ?? draftFromProtocol(options.header.protocol);
    const header: TraceHeader = { ...options.header, detail, startTime } as TraceHeader;
    if (this.mask) header.custom = { ...(header.custom ?? {}), payloadMasked: true };
    // Checked now: a bad header value is an INVALID_ARGUMENT naming the field, before anything is recorded.
    writeHeader(createCborWriter(256), header, false);
    this.header = header;
    this.capacity = options.maxEvents ?? 100_000;
    if (!(Number.isInteger(this.capacity) && this.capacity > 0)) {
      throw invalidArgument('maxEvents', 'must be a positive integer');
    }
    if (!(Number.isInteger(this.rawCap) && this.rawCap >= 0))
      throw invalidArgument('rawCap', 'must be a non-negative integer');
    this.ring = [];
    this.writer = options.sink
      ? createTraceWriter(options.sink, {
          header,
          now: () => this.clock.now(),
          ...(options.version !== undefined ? { version: options.version } : {}),
          ...(options.segments ? { segments: options.segments } : {}),
        })
      : undefined;
  }

  /** Microseconds since `startTime` by the monotonic clock. */
  elapsedMicros(): number {
    return Math.round((this.clock.monotonic() - this.origin) * 1000);
  }

  /** The detail level in use. */
  get detailLevel(): DetailLevel {
    return this.detail;
  }

  /** Events dropped by the in-memory bound so far. */
  get droppedEvents(): number {
    return this.dropped;
  }

  /**
   * Records an event after applying the detail level: types above it are dropped (returns `undefined`), keys
   * above it stripped. Assigns `seq` and `timestamp` (unless a timestamp is given). Returns the recorded event,
   * or with a sink the promise of backpressure when one is due.
   */
  record(input: RecordInput): TraceEvent | undefined {
    if (this.finished) throw new MoqtraceError('CLOSED', 'the recorder is finished');
    const filtered = this.filter(input as unknown as Record<string, unknown>);
    if (!filtered) return undefined;
    filtered.seq = this.seq++;
    filtered.timestamp = typeof input.timestamp === 'number' ? input.timestamp : this.elapsedMicros();
    const event = filtered as unknown as TraceEvent;
    if (this.writer) {
      // A sink failure surfaces in flush() and finish().
      this.writer.write(event)?.catch(() => {});
      return event;
    }
    // Checked like a writer checks it: a value that cannot be encoded is an INVALID_ARGUMENT now, not at toBytes().
    try {
      writeEvent(this.scratch, event, false);
    } catch (error) {
      throw argumentError(error, 'event');
    } finally {
      this.scratch.reset();
    }
    this.store(event);
    return event;
  }

  private filter(input: Record<string, unknown>): Record<string, unknown> | undefined {
    const type = input.type;
    if (typeof type !== 'string') throw invalidArgument('type', 'record() needs an event type');
    if ((type === 'stream-opened' || type === 'stream-closed' || type === 'object-header') && this.level < 1)
      return undefined;
    if (type === 'object-payload' && this.level < 2) return undefined;
    const event: Record<string, unknown> = { type, seq: 0, timestamp: 0 };
    for (const [key, value] of Object.entries(input)) {
      if (key === 'type' || key === 'seq' || key === 'timestamp' || value === undefined) continue;
      event[key] = value;
    }
    if (type === 'object-payload') {
      if (this.level < 3) delete event.payload;
      else if (this.mask && event.payload instanceof Uint8Array) event.payload = new Uint8Array(event.payload.length);
    }
    if ((type === 'control' || type === 'error') && this.level < 4) delete event.raw;
    if (type === 'error' && this.level < 2) delete event.rawLength;
    return event;
  }

  private store(event: TraceEvent): void {
    if (!DROPPABLE.has(event.type)) {
      this.kept.push(event);
      return;
    }
    if (this.ringCount < this.capacity) {
      // filling phase: the ring never wraps before it is full (amortised O(1) push)
      this.ring.push(event);
      this.ringCount++;
      return;
    }
    // full: evict the oldest droppable event in O(1)
    const evicted = this.ring[this.ringHead] as TraceEvent;
    this.dropped++;
    this.droppedTypes.add(TYPE_ID[evicted.type] as number);
    this.ring[this.ringHead] = event;
    this.ringHead = (this.ringHead + 1) % this.capacity;
  }

  /**
   * Records a control message. `messageType` defaults to the draft's id for `message.type` (0 when unknown);
   * `streamId` is recorded at every level, `raw` at `full`.
   */
  recordControl(input: {
    direction: number;
    message: unknown;
    messageType?: number;
    streamId?: bigint;
    raw?: Uint8Array;
    peer?: string;
  }): TraceEvent | undefined {
    let messageType = input.messageType;
    if (messageType === undefined) {
      const name = messageAsMap(input.message)?.type;
      messageType =
        (typeof name === 'string' && this.draft !== undefined ? messageTypeId(name, this.draft) : undefined) ?? 0;
    }
    const event: Omit<ControlEvent, 'seq' | 'timestamp'> = {
      type: 'control',
      direction: input.direction,
      messageType,
      message: input.message ?? {},
      ...(input.streamId !== undefined ? { streamId: input.streamId } : {}),
      ...(input.raw !== undefined ? { raw: input.raw } : {}),
      ...(input.peer !== undefined ? { peer: input.peer } : {}),
    };
    return this.record(event as RecordInput);
  }

  /**
   * Records an error (event 6) with the spec's rules for offending bytes: at most `rawCap` bytes (then
   * `rawLength` is the full length), and bytes at most once per flow (per stream, else per peer, else once).
   */
  recordError(input: {
    errorCode: number;
    reason: string;
    streamId?: bigint;
    errorKind?: string;
    raw?: Uint8Array;
    peer?: string;
  }): TraceEvent | undefined {
    const event: Record<string, unknown> = { type: 'error', errorCode: input.errorCode, reason: input.reason };
    if (input.peer !== undefined) event.peer = input.peer;
    if (input.streamId !== undefined) event.streamId = input.streamId;
    if (input.errorKind !== undefined) event.errorKind = input.errorKind;
    if (input.raw !== undefined) {
      const flow =
        input.streamId !== undefined ? `s${input.streamId}` : input.peer !== undefined ? `p${input.peer}` : '*';
      if (input.raw.length > this.rawCap) event.rawLength = input.raw.length;
      if (!this.rawFlows.has(flow)) {
        this.rawFlows.add(flow);
        if (this.level >= 4) {
          event.raw = input.raw.length > this.rawCap ? input.raw.slice(0, this.rawCap) : input.raw;
          if (event.rawLength === undefined) event.rawLength = input.raw.length;
        }
      }
    }
    return this.record(event as unknown as Omit<ErrorEvent, 'seq' | 'timestamp'> as RecordInput);
  }

  /** Records an annotation. */
  annotate(label: string, data?: unknown): TraceEvent | undefined {
    const event: Omit<AnnotationEvent, 'seq' | 'timestamp'> = {
      type: 'annotation',
      label,
      ...(data !== undefined ? { data } : {}),
    };
    return this.record(event as RecordInput);
  }

  /** The recording so far (in-memory mode): kept events merged by `seq`, header with `sampling` if needed. */
  snapshot(): Recording {
    if (this.writer) throw invalidArgument('sink', 'snapshot() is for in-memory recorders');
    const ring: TraceEvent[] = [];
    for (let i = 0; i < this.ringCount; i++) ring.push(this.ring[(this.ringHead + i) % this.capacity] as TraceEvent);
    // merge two seq-ordered lists
    const events: TraceEvent[] = [];
    let a = 0;
    let b = 0;
    while (a < ring.length || b < this.kept.length) {
      const x = ring[a];
      const y = this.kept[b];
      if (y === undefined || (x !== undefined && Number(x.seq) < Number(y.seq))) {
        events.push(x as TraceEvent);
        a++;
      } else {
        events.push(y);
        b++;
      }
    }
    const header: TraceHeader = { ...this.header };
    if (this.dropped > 0) {
      header.sampling = {
        dropPolicy: 'head',
        droppedTotal: this.dropped,
        droppedSegment: this.dropped,
        appliesTo: [...this.droppedTypes].sort((x, y) => x - y),
      };
    }
    return { header, events };
  }

  /**
   * Ends the recording: sets `endTime`. In-memory mode returns the recording; with a sink, finishes the writer
   * (which patches `endTime` when the sink allows; the sink stays open) and returns `undefined`.
   */
  async finish(): Promise<Recording | undefined> {
    if (this.writer) {
      if (!this.finished) {
        this.finished = true;
        await this.writer.close();
      }
      return undefined;
    }
    const recording = this.snapshot();
    recording.header.endTime = Math.floor(this.clock.now());
    this.finished = true;
    return recording;
  }

  /** Flushes a streaming recorder's buffered events to the sink. */
  async flush(): Promise<void> {
    if (this.writer) await this.writer.flush();
  }

  /** In-memory mode: the recording encoded as a file (with `endTime` = now). */
  toBytes(options: { version?: VersionChoice } = {}): Uint8Array {
    const recording = this.snapshot();
    recording.header.endTime = Math.floor(this.clock.now());
    return writeTrace(recording, options);
  }
}

/** Creates a {@link TraceRecorder}. */
export function createRecorder(options: RecorderOptions): TraceRecorder {
  return new TraceRecorder(options);
}
