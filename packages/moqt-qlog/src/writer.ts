/**
 * Export: `.moqtrace` events → qlog (spec §8), streaming over a `ByteSink`, as JSON-SEQ (`.sqlog`, RS + compact
 * JSON + LF per record, the header first) or contained JSON (`.qlog`, one event per line inside
 * `traces[0].events`).
 *
 * Memory: the writer holds its output buffer (`flushBytes`, 64 KiB by default), at most one object-header event
 * waiting for its payload, and one small state per open data stream (see {@link EventEncoder}).
 *
 * @module
 */
import { type ByteSink, createMemorySink, describeArgument } from '@x/binary';
import type { TraceEvent, TraceHeader } from '@x/moqtrace';
import {
  CONTAINED_FILE_SCHEMA,
  CONTAINED_MEDIA_TYPE,
  LOGLEVEL_SCHEMA,
  MOQTRACE_SCHEMA,
  type MoqtDraftShape,
  moqtSchemaUri,
  SEQUENTIAL_FILE_SCHEMA,
  SEQUENTIAL_MEDIA_TYPE,
} from './constants.js';
import { QlogError } from './errors.js';
import { EventEncoder, type QlogEventObject } from './export-events.js';
import { draftFromProtocol, toTaggedJson } from './moqtrace-api.js';
import { checkEvent, checkHeader } from './validate.js';
import { isoTime, type JsonObject } from './values.js';

/** The two qlog serializations. */
export type QlogFormat = 'json-seq' | 'contained';

/** Options of {@link createQlogWriter} and {@link writeQlog}. */
export interface QlogWriterOptions {
  /** `json-seq` (default; `.sqlog`) or `contained` (`.qlog`). */
  format?: QlogFormat;
  /**
   * Revision of draft-pardue-moq-qlog-moq-events whose shapes are written: 6 or 7. Default: from the trace's
   * protocol (MoQT draft ≤ 16 → 6, otherwise 7).
   */
  draft?: MoqtDraftShape;
  /**
   * Write the events of the private `moqtrace:` namespace as `loglevel:info` messages instead, for viewers that
   * know only IETF namespaces. Lossy: an import gives those events back as annotations.
   */
  generic?: boolean;
  /** Add `qlog_version: "0.3"` and `qlog_format` to the header, which qvis requires (spec §7). */
  qvis?: boolean;
  /** File title (default `"xtrace export: " + header.source`). */
  title?: string;
  /**
   * Declare the private schema `urn:x-moqtrace:qlog-events:1` in `event_schemas` (default true unless `generic`;
   * the header is written before the events, so a streaming writer cannot know whether it will be used).
   * {@link writeQlog} sets it exactly.
   */
  declarePrivateSchema?: boolean;
  /**
   * Put `group_id: sessionId` into `common_fields` (default: when the header's perspective is not `relay-tap`,
   * whose events carry their peer as `group_id`). {@link writeQlog} sets it exactly: when no event has a peer.
   */
  commonGroupId?: boolean;
  /** Bytes buffered before they are handed to the sink (default 64 KiB). */
  flushBytes?: number;
}

/** The writer's totals, returned by {@link QlogWriter.close}. */
export interface QlogWriterStats {
  /** `.moqtrace` events written. */
  events: number;
  /** qlog event records written. */
  records: number;
  /** Bytes handed to the sink. */
  bytes: number;
  /** Segments (the first included). */
  segments: number;
}

const encoder = new TextEncoder();

function draftOf(header: TraceHeader, option: MoqtDraftShape | undefined): MoqtDraftShape {
  if (option !== undefined) return option;
  const draft = draftFromProtocol(header.protocol);
  return draft !== undefined && draft <= 16 ? 6 : 7;
}

function vantageType(perspective: string): string {
  switch (perspective) {
    case 'client':
    case 'server':
      return perspective;
    case 'observer':
      return 'network';
    case 'relay-tap':
      return 'server';
    default:
      return 'unknown';
  }
}

/** The file-level header object (without `trace`/`traces`) and the trace object (without `events`). */
function headerObjects(
  header: TraceHeader,
  options: QlogWriterOptions,
  draft: MoqtDraftShape,
  format: QlogFormat,
): { file: JsonObject; trace: JsonObject } {
  const file: JsonObject = {
    file_schema: format === 'json-seq' ? SEQUENTIAL_FILE_SCHEMA : CONTAINED_FILE_SCHEMA,
    serialization_format: format === 'json-seq' ? SEQUENTIAL_MEDIA_TYPE : CONTAINED_MEDIA_TYPE,
  };
  if (options.qvis) {
    file.qlog_version = '0.3';
    file.qlog_format = format === 'json-seq' ? 'JSON-SEQ' : 'JSON';
  }
  file.title = options.title ?? (header.source !== undefined ? `xtrace export: ${header.source}` : 'xtrace export');
  const vantage: JsonObject = { type: vantageType(header.perspective) };
  if (header.source !== undefined) vantage.name = header.source;
  const schemas = [moqtSchemaUri(draft), LOGLEVEL_SCHEMA];
  if (options.declarePrivateSchema ?? !options.generic) schemas.push(MOQTRACE_SCHEMA);
  const common: JsonObject = { time_format: 'relative_to_epoch' };
  common.reference_time = { clock_type: 'system', epoch: isoTime(header.startTime) ?? 'unknown' };
  const groupId = options.commonGroupId ?? header.perspective !== 'relay-tap';
  if (groupId && header.sessionId !== undefined) common.group_id = header.sessionId;
  const trace: JsonObject = {
    vantage_point: vantage,
    event_schemas: schemas,
    common_fields: common,
    moqtrace: { schema: MOQTRACE_SCHEMA, header: toTaggedJson(header) },
  };
  return { file, trace };
}

function objectText(value: unknown): string {
  return JSON.stringify(value);
}

/** Internal options of the writer ({@link writeQlog} declares the private schema exactly). */
interface WriterInit extends QlogWriterOptions {
  header: TraceHeader;
  /** Decide `declarePrivateSchema` at the first flush from what was written (the whole file in memory). */
  privateSchemaAtFirstFlush?: boolean;
}

/**
 * A streaming qlog writer. `write(event)` takes events one at a time (of the current segment); call
 * `startSegment(header)` before the events of each further segment; `close()` finishes the file. The writer never
 * closes the sink it was given.
 *
 * @example
 * ```ts
 * const sink = createMemorySink();
 * const writer = createQlogWriter(sink, { header });
 * for (const event of events) await writer.write(event);
 * await writer.close();
 * const text = new TextDecoder().decode(sink.toBytes());
 * ```
 */
export class QlogWriter {
  private readonly sink: ByteSink;
  private readonly init: WriterInit;
  private readonly format: QlogFormat;
  private readonly draft: MoqtDraftShape;
  private readonly flushBytes: number;
  private readonly events: EventEncoder;
  private headerWritten = false;
  private text = '';
  private flushed = 0;
  private eventCount = 0;
  private recordCount = 1;
  private segmentCount = 1;
  private firstEvent = true;
  private closed = false;
  private inFlight: Promise<void> | undefined;
  private failure: unknown;
  /** Notes about what the export could not represent (empty so far: the export is lossless). */
  readonly warnings: string[] = [];

  constructor(sink: ByteSink, options: QlogWriterOptions & { header: TraceHeader }) {
    if (typeof sink !== 'object' || sink === null || typeof sink.write !== 'function') {
      throw new QlogError('INVALID_ARGUMENT', `sink must be a ByteSink, got ${describeArgument(sink)}`);
    }
    checkOptions(options);
    checkHeader(options.header);
    this.sink = sink;
    this.init = options;
    this.format = options.format ?? 'json-seq';
    this.flushBytes = options.flushBytes ?? 64 * 1024;
    this.draft = draftOf(options.header, options.draft);
    this.events = new EventEncoder({ draft: this.draft, generic: options.generic ?? false });
    this.push(this.events.startSegment(options.header));
  }

  /** Bytes handed to the sink so far plus the events buffered (the header counts once it is flushed). */
  get bytesWritten(): number {
    return this.flushed + this.text.length;
  }

  /**
   * Writes one event. Checks it first (a value that is not a `.moqtrace` event throws `INVALID_ARGUMENT` and
   * nothing is written). Returns a promise when buffered bytes were handed to a sink that applies backpressure.
   */
  write(event: TraceEvent): void | Promise<void> {
    this.check();
    checkEvent(event);
    this.eventCount++;
    this.push(this.events.encode(event));
    if (this.text.length >= this.flushBytes) return this.flush();
  }

  /** Starts a new segment (`.moqtrace` segments after the first): its header becomes a `moqtrace:segment` event. */
  startSegment(header: TraceHeader): void | Promise<void> {
    this.check();
    checkHeader(header);
    this.segmentCount++;
    this.push(this.events.startSegment(header));
    if (this.text.length >= this.flushBytes) return this.flush();
  }

  private push(records: QlogEventObject[]): void {
    for (const record of records) {
      this.recordCount++;
      if (this.format === 'json-seq') this.text += `\u001e${objectText(record)}\n`;
      else {
        this.text += this.firstEvent ? objectText(record) : `,\n${objectText(record)}`;
        this.firstEvent = false;
      }
    }
  }

  private headerText(): string {
    const options = this.init;
    const declare = options.privateSchemaAtFirstFlush
      ? this.events.usedPrivateNamespace
      : (options.declarePrivateSchema ?? !options.generic);
    const { file, trace } = headerObjects(
      options.header,
      { ...options, declarePrivateSchema: declare },
      this.draft,
      this.format,
    );
    if (this.format === 'json-seq') return `\u001e${objectText({ ...file, trace })}\n`;
    // `{"file_schema":…,"traces":[{…,"events":[` + newline; the events follow, one per line.
    return `${objectText({ ...file, traces: [{ ...trace, events: [] }] }).slice(0, -4)}\n`;
  }

  private check(): void {
    if (this.closed) throw new QlogError('CLOSED', 'the qlog writer was closed');
    if (this.failure !== undefined) throw new QlogError('IO_ERROR', 'the sink failed', { cause: this.failure });
  }

  private send(chunk: Uint8Array): void {
    const start = (): void | Promise<void> => (this.failure === undefined ? this.sink.write(chunk) : undefined);
    let result: void | Promise<void>;
    if (this.inFlight === undefined) {
      try {
        result = start();
      } catch (error) {
        this.failure = error;
        return;
      }
      if (result === undefined || typeof (result as Promise<void>).then !== 'function') return;
    } else result = this.inFlight.then(start);
    const next: Promise<void> = Promise.resolve(result).then(
      () => {
        if (this.inFlight === next) this.inFlight = undefined;
      },
      (error: unknown) => {
        this.failure = error;
        if (this.inFlight === next) this.inFlight = undefined;
      },
    );
    this.inFlight = next;
  }

  /** Hands the buffered bytes to the sink; resolves when the sink took them. */
  async flush(): Promise<void> {
    if (!this.headerWritten) {
      this.headerWritten = true;
      this.text = this.headerText() + this.text;
    }
    if (this.text.length > 0) {
      const chunk = encoder.encode(this.text);
      this.flushed += chunk.length;
      this.text = '';
      this.send(chunk);
    }
    while (this.inFlight !== undefined) await this.inFlight;
    if (this.failure !== undefined) throw new QlogError('IO_ERROR', 'the sink failed', { cause: this.failure });
  }

  /** Writes what is held back, finishes the file and flushes (the sink stays open: its owner closes it). */
  async close(): Promise<QlogWriterStats> {
    if (!this.closed) {
      this.check();
      this.push(this.events.finish());
      if (this.format === 'contained') this.text += `${this.firstEvent ? '' : '\n'}]}]}\n`;
      this.closed = true;
      await this.flush();
      if (this.sink.flush) await this.sink.flush();
    }
    return { events: this.eventCount, records: this.recordCount, bytes: this.flushed, segments: this.segmentCount };
  }
}

function checkOptions(options: QlogWriterOptions & { header: TraceHeader }): void {
  if (typeof options !== 'object' || options === null) {
    throw new QlogError('INVALID_ARGUMENT', 'options with a header are required');
  }
  if (options.format !== undefined && options.format !== 'json-seq' && options.format !== 'contained') {
    throw new QlogError(
      'INVALID_ARGUMENT',
      `format must be "json-seq" or "contained", got ${describeArgument(options.format)}`,
    );
  }
  if (options.draft !== undefined && options.draft !== 6 && options.draft !== 7) {
    throw new QlogError('INVALID_ARGUMENT', `draft must be 6 or 7, got ${describeArgument(options.draft)}`);
  }
  if (options.flushBytes !== undefined && !(Number.isSafeInteger(options.flushBytes) && options.flushBytes > 0)) {
    throw new QlogError(
      'INVALID_ARGUMENT',
      `flushBytes must be a positive integer, got ${describeArgument(options.flushBytes)}`,
    );
  }
}

/**
 * Creates a streaming qlog writer over a sink (`createMemorySink()`, `toWritableStreamSink(stream)`, or a file
 * sink from `@x/binary/node`; `createQlogFileWriter` in `@x/moqt-qlog/node` opens a file for you).
 *
 * @example
 * ```ts
 * const writer = createQlogWriter(sink, { header, format: 'contained' });
 * for (const event of events) await writer.write(event);
 * await writer.close();
 * ```
 */
export function createQlogWriter(sink: ByteSink, options: QlogWriterOptions & { header: TraceHeader }): QlogWriter {
  return new QlogWriter(sink, options);
}

/** What {@link writeQlog} exports: one segment's header and events, or segments. */
export type QlogExportContent =
  | { header: TraceHeader; events: Iterable<TraceEvent> }
  | { segments: readonly { header: TraceHeader; events: Iterable<TraceEvent> }[] };

/**
 * Exports a whole trace held in memory as qlog bytes (UTF-8). The private schema and the common `group_id` are
 * declared exactly when used.
 *
 * @example
 * ```ts
 * const trace = readTrace(moqtraceBytes);
 * const sqlog = writeQlog({ segments: trace.segments });
 * const qlog = writeQlog({ header: trace.segments[0].header, events: trace.events }, { format: 'contained' });
 * ```
 */
export function writeQlog(content: QlogExportContent, options: QlogWriterOptions = {}): Uint8Array {
  const segments = 'segments' in content ? content.segments : [content];
  const first = segments[0];
  if (first === undefined) throw new QlogError('INVALID_ARGUMENT', 'content has no segment');
  const lists = segments.map((segment) => ({ header: segment.header, events: [...segment.events] }));
  const hasPeer = lists.some((segment) => segment.events.some((event) => event.peer !== undefined));
  const sink = createMemorySink();
  const init: WriterInit = {
    ...options,
    header: first.header,
    commonGroupId: options.commonGroupId ?? !hasPeer,
    privateSchemaAtFirstFlush: options.declarePrivateSchema === undefined && !options.generic,
    flushBytes: Number.MAX_SAFE_INTEGER,
  };
  const writer = new QlogWriter(sink, init);
  lists.forEach((segment, index) => {
    if (index > 0) void writer.startSegment(segment.header);
    for (const event of segment.events) void writer.write(event);
  });
  // The memory sink takes bytes synchronously: everything is in it once close() has started.
  void writer.close();
  return sink.toBytes();
}
