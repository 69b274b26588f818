/**
 * The import pipeline without I/O: framed records in, `.moqtrace` records out (spec §9.1–9.2). Both readers (the
 * synchronous whole-buffer one and the streaming one) run this core.
 *
 * Headers: a qlog header record (JSON-SEQ/NDJSON), the file and trace fields of a contained file (each trace is
 * a segment), or none (moxygen, header-less event sequences). The `.moqtrace` header needs what only the first
 * events show (the start time of an absolute clock, the MoQT version of the setup message, moxygen's vantage
 * point), so a segment's first events are held until its header is settled: up to the first control message,
 * at most {@link LOOKAHEAD_RECORDS} records. Exported files (`moqtrace.header` in the trace) are settled at once.
 *
 * @module
 * @internal
 */
import type { Numeric, TraceEvent, TraceHeader } from '@x/moqtrace';
import { MOQTRACE_SCHEMA } from './constants.js';
import { QlogError, type QlogProblem, type QlogProblemCode } from './errors.js';
import type { FramedItem, FramingProblem } from './framing.js';
import { DETAIL_RANK, type EventBase, EventMapper } from './import-events.js';
import {
  foreignHeader,
  type ImportOptions,
  isHeaderRecord,
  normalizeEvent,
  rawTime,
  schemasOf,
} from './import-header.js';
import { envelopeExtra } from './import-values.js';
import { draftFromProtocol, fromTaggedJson, MoqtraceError } from './moqtrace-api.js';
import { isMoqtName } from './names.js';
import { isObject, type JsonObject, microsOf, numericIn } from './values.js';

/** Records held back at most while a segment's header is settled. */
export const LOOKAHEAD_RECORDS = 256;

export type { ImportOptions, StringTimeUnit } from './import-header.js';

/**
 * One record of a qlog reader: an event with the byte offset of its qlog record (a header and payload merged into
 * one qlog event share it), or the start of a segment (with the reader option `segments`).
 */
export type QlogRecord =
  | { kind: 'event'; offset: number; segment: number; event: TraceEvent }
  | { kind: 'segment'; offset: number; segment: number; header: TraceHeader };

interface QueuedEvent {
  offset: number;
  record: number;
  value: unknown;
  latin1: boolean;
}

interface Segment {
  index: number;
  offset: number;
  file: JsonObject;
  trace: JsonObject;
  ours: TraceHeader | undefined;
  header: TraceHeader | undefined;
  mapper: EventMapper | undefined;
  queue: QueuedEvent[];
  common: JsonObject;
  eventFields: string[] | undefined;
  epochMs: number | undefined;
  relative: boolean;
  offsetMs: number;
  previousTime: number;
  seq: number;
}

/** The import core: feed it framed items, take records and problems. */
export class ImportCore {
  private readonly options: ImportOptions;
  private readonly maxProblems: number;
  private readonly onProblem: ((problem: QlogProblem) => void) | undefined;
  private file: JsonObject = {};
  private segment: Segment | undefined;
  private segmentCount = 0;
  private recordCount = 0;
  private sawRecord = false;
  private headerless = false;
  private firstSegmentSettled = false;
  private latin1 = false;
  /** Records produced and not yet taken. */
  out: QlogRecord[] = [];
  /** Problems (at most `maxProblems`). */
  readonly problems: QlogProblem[] = [];
  /** Errors reported (uncapped). */
  errors = 0;
  /** Warnings reported (uncapped). */
  warnings = 0;
  /** Events produced. */
  events = 0;
  /** Transport events skipped. */
  skipped = 0;
  /** Offset of a cut last record (the end state is then `truncated`). */
  truncatedAt: number | undefined;
  /** The first segment's header, once settled. */
  header: TraceHeader | undefined;
  /** A MoQT event was seen. */
  sawMoqt = false;

  constructor(options: ImportOptions & { maxProblems?: number; onProblem?: (problem: QlogProblem) => void } = {}) {
    this.options = options;
    this.maxProblems = options.maxProblems ?? 1000;
    this.onProblem = options.onProblem;
  }

  /** qlog records read so far. */
  get records(): number {
    return this.recordCount;
  }

  /** Segments started so far. */
  get segments(): number {
    return this.segmentCount;
  }

  /** True once the first segment's header is known. */
  get settled(): boolean {
    return this.firstSegmentSettled;
  }

  private report(code: QlogProblemCode, offset: number, message: string, severity: 'error' | 'warning'): void {
    const problem: QlogProblem = {
      code,
      severity,
      offset,
      message,
      record: this.recordCount,
      segment: Math.max(0, this.segmentCount - 1),
    };
    if (severity === 'error') this.errors++;
    else this.warnings++;
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
    this.onProblem?.(problem);
  }

  /** Takes one framed item. `latin1`: the framer decoded it as Latin-1. */
  handle(item: FramedItem, latin1: boolean): void {
    switch (item.kind) {
      case 'problem':
        this.framingProblem(item.problem);
        return;
      case 'file':
        this.sawRecord = true;
        this.file = item.value;
        return;
      case 'trace':
        this.sawRecord = true;
        this.startSegment(item.offset, this.file, item.value);
        return;
      case 'trace-end':
        this.endSegment();
        return;
      case 'event':
        this.recordCount++;
        this.sawRecord = true;
        this.event(item.offset, item.value, latin1);
        return;
      case 'record':
        this.recordCount++;
        this.record(item.offset, item.value, latin1);
        return;
    }
  }

  private framingProblem(problem: FramingProblem): void {
    const warning = problem.code !== 'MALFORMED';
    if (problem.code === 'MALFORMED' || problem.code === 'TRUNCATED') this.recordCount++;
    if (problem.code === 'TRUNCATED') this.truncatedAt = problem.offset;
    this.report(problem.code, problem.offset, problem.message, warning ? 'warning' : 'error');
  }

  private record(offset: number, value: unknown, latin1: boolean): void {
    if (!this.sawRecord) {
      this.sawRecord = true;
      if (isObject(value) && isHeaderRecord(value)) {
        const trace = isObject(value.trace) ? value.trace : {};
        const file: JsonObject = {};
        for (const key of Object.keys(value)) if (key !== 'trace') file[key] = value[key];
        this.startSegment(offset, file, trace);
        return;
      }
      if ((isObject(value) && typeof value.name === 'string') || Array.isArray(value)) {
        this.headerless = true;
        this.startSegment(offset, {}, {});
      } else {
        throw new QlogError('NOT_QLOG', 'the first record is neither a qlog header nor an event', { offset });
      }
    }
    this.event(offset, value, latin1);
  }

  private startSegment(offset: number, file: JsonObject, trace: JsonObject): void {
    this.endSegment();
    const common: JsonObject = {
      ...(isObject(file.common_fields) ? file.common_fields : {}),
      ...(isObject(trace.common_fields) ? trace.common_fields : {}),
    };
    const own =
      isObject(trace.moqtrace) && trace.moqtrace.schema === MOQTRACE_SCHEMA ? trace.moqtrace.header : undefined;
    let ours: TraceHeader | undefined;
    if (isObject(own)) {
      let header: TraceHeader | undefined;
      try {
        header = fromTaggedJson(own) as TraceHeader;
      } catch (error) {
        if (!MoqtraceError.is(error)) throw error;
        this.report(
          'MALFORMED',
          offset,
          `the moqtrace header of the trace at byte ${offset}: ${error.message}`,
          'error',
        );
      }
      if (typeof header?.startTime === 'number') ours = header;
    }
    const fields = trace.event_fields ?? file.event_fields;
    this.segment = {
      index: this.segmentCount++,
      offset,
      file,
      trace,
      ours,
      header: undefined,
      mapper: undefined,
      queue: [],
      common,
      eventFields: Array.isArray(fields) ? fields.map(String) : undefined,
      epochMs: undefined,
      relative: false,
      offsetMs: 0,
      previousTime: 0,
      seq: 0,
    };
    if (ours) this.settle();
  }

  /** Flushes a segment: settles its header if needed and emits streams still waiting for a direction. */
  private endSegment(): void {
    const segment = this.segment;
    if (segment === undefined) return;
    if (segment.header === undefined) this.settle();
    if (segment.mapper) {
      const events: TraceEvent[] = [];
      segment.mapper.finish(events);
      if (segment.ours === undefined) for (const event of events) event.seq = segment.seq++;
      this.emit(segment, segment.offset, events);
    }
  }

  /** Call at the end of the input. */
  finish(): void {
    if (!this.sawRecord) {
      if (this.truncatedAt !== undefined) {
        throw new QlogError('NOT_QLOG', 'the input ends inside its first record: no qlog record', {
          offset: this.truncatedAt,
        });
      }
      throw new QlogError('NOT_QLOG', 'no qlog record was found', { offset: 0 });
    }
    this.endSegment();
    this.segment = undefined;
  }

  private event(offset: number, value: unknown, latin1: boolean): void {
    const segment = this.segment;
    if (segment === undefined) {
      // An event before any trace (contained files without traces do not exist; a stray record).
      this.startSegment(offset, this.file, {});
      this.event(offset, value, latin1);
      return;
    }
    if (segment.header === undefined) {
      segment.queue.push({ offset, record: this.recordCount, value, latin1 });
      if (this.canSettle(segment)) this.settle();
      return;
    }
    this.mapOne(segment, offset, value, latin1);
  }

  /** The queue shows enough: a control message (its setup), or the look-ahead is full. */
  private canSettle(segment: Segment): boolean {
    if (segment.queue.length >= LOOKAHEAD_RECORDS) return true;
    const last = segment.queue[segment.queue.length - 1]?.value;
    return (
      isObject(last) && typeof last.name === 'string' && last.name.toLowerCase().startsWith('moqt:control_message')
    );
  }

  /** Builds the segment's `.moqtrace` header and maps the events held back. */
  private settle(): void {
    const segment = this.segment;
    if (segment === undefined || segment.header !== undefined) return;
    const queue = segment.queue;
    segment.queue = [];
    let header: TraceHeader;
    if (segment.ours !== undefined) header = this.oursHeader(segment);
    else {
      const built = foreignHeader(
        {
          file: segment.file,
          trace: segment.trace,
          common: segment.common,
          eventFields: segment.eventFields,
          queue: queue.map((queued) => queued.value),
          headerless: this.headerless,
        },
        this.options,
      );
      header = built.header;
      segment.epochMs = built.time.epochMs;
      segment.relative = built.time.relative;
      segment.offsetMs = built.time.offsetMs;
    }
    segment.header = header;
    const draft = draftFromProtocol(header.protocol);
    segment.mapper =
      this.segmentMapper(segment) ??
      new EventMapper({
        ours: segment.ours !== undefined,
        draft,
        keepTransport: this.options.keepTransport ?? false,
        latin1: () => this.latin1,
      });
    if (segment.index === 0) {
      this.oursFile = segment.ours !== undefined;
      this.header = header;
      this.firstSegmentSettled = true;
    }
    this.out.push({ kind: 'segment', offset: segment.offset, segment: segment.index, header });
    if (segment.index === 0 && segment.ours === undefined) this.checkMoqt(segment, queue);
    for (const queued of queue) this.mapOne(segment, queued.offset, queued.value, queued.latin1);
  }

  /** A later segment of an exported trace continues the mapper of the first (streams span segments). */
  private previousMapper: EventMapper | undefined;
  private segmentMapper(segment: Segment): EventMapper | undefined {
    if (segment.ours !== undefined && segment.index > 0 && this.previousMapper) return this.previousMapper;
    return undefined;
  }

  /** Rejects a first segment that is not a MoQT log (spec §9.1 step 4). */
  private checkMoqt(segment: Segment, queue: QueuedEvent[]): void {
    const moqtInQueue = queue.some((queued) => {
      const value = normalizeEvent(segment.eventFields, queued.value);
      return typeof value?.name === 'string' && isMoqtName(value.name.toLowerCase());
    });
    if (moqtInQueue) return;
    const schemas = schemasOf(segment);
    const nonMoqtSchemas =
      schemas !== undefined && schemas.length > 0 && !schemas.some((uri) => /moqt|moqtrace/i.test(uri));
    if (nonMoqtSchemas) {
      throw new QlogError(
        'NO_MOQT_EVENTS',
        `not a MoQT log: its event schemas are ${schemas.join(', ')} and its first events are not MoQT events`,
        { offset: segment.offset },
      );
    }
  }

  /** Throws `NO_MOQT_EVENTS` at the end of a foreign file with events but none of MoQT. */
  checkEndMoqt(): void {
    if (this.sawMoqt || this.header === undefined || this.oursFile) return;
    if (this.events > 0 || this.skipped > 0) {
      throw new QlogError('NO_MOQT_EVENTS', 'not a MoQT log: the file has no moqt:* event', { offset: 0 });
    }
  }

  private oursHeader(segment: Segment): TraceHeader {
    const header = segment.ours as TraceHeader;
    const first = this.firstOurs ?? header;
    if (segment.index === 0 || this.firstOurs === undefined) this.firstOurs = header;
    segment.epochMs = first.startTime;
    segment.offsetMs = first.startTime - header.startTime;
    return header;
  }

  private firstOurs: TraceHeader | undefined;
  private oursFile = false;

  private mapOne(segment: Segment, offset: number, raw: unknown, latin1: boolean): void {
    try {
      this.mapEvent(segment, offset, raw, latin1);
    } catch (error) {
      // A tagged value of an exported trace whose content is not of its tag (`{"$bigint":"x"}`).
      if (!MoqtraceError.is(error)) throw error;
      this.report('MALFORMED_EVENT', offset, `event at byte ${offset}: ${error.message}`, 'error');
    }
  }

  private mapEvent(segment: Segment, offset: number, raw: unknown, latin1: boolean): void {
    const value = normalizeEvent(segment.eventFields, raw);
    if (value === undefined || typeof value.name !== 'string') {
      this.report('MALFORMED_EVENT', offset, `record at byte ${offset} is not a qlog event (no name)`, 'error');
      return;
    }
    const name = value.name.toLowerCase();
    const ours = segment.ours !== undefined;
    if (ours && name === 'moqtrace:segment') {
      this.oursSegment(offset, value);
      return;
    }
    const timeFormat = value.time_format ?? segment.common.time_format;
    let time = rawTime(value.time, this.options.stringTimeUnit);
    if (time === undefined) {
      if (ours && value.moqtrace_timestamp !== undefined) time = 0;
      else {
        this.report('MALFORMED_EVENT', offset, `event at byte ${offset} has no usable time`, 'error');
        return;
      }
    }
    if (timeFormat === 'relative_to_previous_event' || timeFormat === 'delta') {
      time = segment.previousTime + time;
    }
    segment.previousTime = time;
    let timestamp: Numeric = microsOf(segment.offsetMs, time);
    if (ours && value.moqtrace_timestamp !== undefined) {
      timestamp = numericIn(value.moqtrace_timestamp, true) ?? timestamp;
    }
    let seq: Numeric;
    if (ours && value.moqtrace_seq !== undefined) seq = numericIn(value.moqtrace_seq) ?? segment.seq;
    else seq = segment.seq;
    const base: EventBase = { seq, timestamp };
    if (ours) {
      if (typeof value.group_id === 'string') base.peer = value.group_id;
      if (value.moqtrace_extra !== undefined) base.oursExtra = fromTaggedJson(value.moqtrace_extra) as JsonObject;
    } else {
      const extra = envelopeExtra(value);
      if (extra !== undefined) base.envelopeExtra = extra;
    }
    const data = isObject(value.data) ? value.data : {};
    const events: TraceEvent[] = [];
    this.latin1 = latin1;
    const mapper = segment.mapper as EventMapper;
    try {
      mapper.map(name, value, data, base, events);
    } catch (error) {
      this.report(
        'MALFORMED_EVENT',
        offset,
        `event at byte ${offset} cannot be mapped: ${(error as Error).message}`,
        'error',
      );
      return;
    }
    if (ours && typeof seq === 'number') segment.seq = seq + 1;
    // Events of other producers are numbered in the order they are produced.
    if (!ours) for (const event of events) event.seq = segment.seq++;
    this.sawMoqt ||= mapper.sawMoqt;
    this.skipped = mapper.skipped;
    if (!ours) {
      const rank = mapper.detail;
      const header = segment.header as TraceHeader;
      if (DETAIL_RANK.indexOf(header.detail as (typeof DETAIL_RANK)[number]) < rank)
        header.detail = DETAIL_RANK[rank] as string;
    }
    this.emit(segment, offset, events);
  }

  private oursSegment(offset: number, value: JsonObject): void {
    const data = isObject(value.data) ? value.data : {};
    let header: TraceHeader | undefined;
    try {
      header = isObject(data.header) ? (fromTaggedJson(data.header) as TraceHeader) : undefined;
    } catch (error) {
      if (!MoqtraceError.is(error)) throw error;
    }
    if (header === undefined || typeof header.startTime !== 'number') {
      this.report('MALFORMED_EVENT', offset, `segment event at byte ${offset} has no usable header`, 'error');
      return;
    }
    const previous = this.segment;
    this.previousMapper = previous?.mapper;
    this.segment = {
      index: this.segmentCount++,
      offset,
      file: previous?.file ?? {},
      trace: previous?.trace ?? {},
      ours: header,
      header: undefined,
      mapper: undefined,
      queue: [],
      common: previous?.common ?? {},
      eventFields: undefined,
      epochMs: undefined,
      relative: false,
      offsetMs: 0,
      previousTime: 0,
      seq: 0,
    };
    this.settle();
  }

  private emit(segment: Segment, offset: number, events: TraceEvent[]): void {
    for (const event of events) {
      this.events++;
      this.out.push({ kind: 'event', offset, segment: segment.index, event });
    }
  }
}
