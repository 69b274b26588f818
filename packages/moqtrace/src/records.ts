/**
 * The NDJSON record contract of `xtrace cat --format ndjson` and `xtrace convert` for `.moqtrace` files, and its
 * import. One JSON object per line, discriminated by `kind`:
 *
 * - `header` (one per segment): `{"kind":"header","offset":N,"segment":S,"format":"moqtrace","version":V,
 *   "headerLength":L,"eventsOffset":E, ...header fields}`: every header field under its friendly name
 *   ({@link renderHeader}), except the v2 `segment` map, printed as `segmentInfo` (the record's `segment` is the
 *   segment index).
 * - `event`: `{"kind":"event","offset":N,"segment":S, ...canonical rendering}` (spec §5); the `kind` field of
 *   `subscription-derivation` events (event 10) is printed as `derivationKind`, since the record's `kind` comes
 *   first and JSON objects cannot repeat a key.
 * - `error`: a reader problem: `{"kind":"error","code":C,"severity":…,"offset":N,"segment":S, "index"?, "key"?,
 *   "message":…, "value"?, counters?}`.
 * - `end` (last): `{"kind":"end","state":"eof"|"truncated"|"removed","offset":N,"segments":…,"events":…,
 *   "complete":…}`.
 *
 * u64 ids are decimal strings, other integers JSON numbers up to 2^53−1 and `{"$bigint"}` above; typed bytes are
 * hex. {@link importNdjson} and {@link importNdjsonRecords} map `derivationKind` and `segmentInfo` back (and also
 * read the 0.1 shape, whose header fields were nested under `header`).
 *
 * @module
 */
import { MoqtraceError } from './errors.js';
import type { TraceEvent } from './events.js';
import type { TraceHeader } from './header.js';
import {
  type JsonValue,
  parseEventJson,
  parseHeaderJson,
  type RenderOptions,
  renderEvent,
  renderHeader,
  toTaggedJson,
} from './json.js';
import { eventRecordText } from './json-text.js';
import type { TraceEnd, TraceProblem, TraceReadResult, TraceRecord } from './reader.js';
import type { SegmentInfoRecord } from './segments.js';

/** Anything {@link renderRecord} renders: the records of `readTraceRecords`. */
export type RenderableRecord = TraceRecord;

/** The `state` of an `end` record: `removed` comes from following a file that was deleted or shrank. */
export type RecordEndState = 'eof' | 'truncated' | 'removed';

/** What an `end` record needs: a reader's {@link TraceEnd}, or a follower's end with `reason: 'removed'`. */
export interface RecordEnd {
  /** How reading ended (printed as `state`). */
  reason: RecordEndState;
  /** End offset (see {@link TraceEnd.offset}). */
  offset: number;
  /** Segments found. */
  segments?: number;
  /** Events decoded. */
  events?: number;
  /** Whether the read was complete. */
  complete?: boolean;
}

/** Keys of a header record that are not header fields. */
const HEADER_RECORD_KEYS = new Set(['kind', 'offset', 'segment', 'format', 'version', 'headerLength', 'eventsOffset']);
/** Keys of an event record that are not part of the canonical rendering. */
const EVENT_RECORD_KEYS = new Set(['kind', 'offset', 'segment']);

/**
 * The `header` record of a segment as an object.
 *
 * @example
 * ```ts
 * renderHeaderRecord(trace.segments[0]); // { kind: 'header', offset: 0, segment: 0, format: 'moqtrace', ... }
 * ```
 */
export function renderHeaderRecord(segment: SegmentInfoRecord): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {
    kind: 'header',
    offset: segment.offset,
    segment: segment.index,
    format: 'moqtrace',
    version: segment.version,
    headerLength: segment.headerLength,
    eventsOffset: segment.eventsOffset,
  };
  const fields = renderHeader(segment.header);
  for (const key of Object.keys(fields)) out[key === 'segment' ? 'segmentInfo' : key] = fields[key] as JsonValue;
  return out;
}

/** The `error` record of a reader problem as an object. */
export function renderErrorRecord(problem: TraceProblem): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {
    kind: 'error',
    code: problem.code,
    severity: problem.severity,
    offset: problem.offset,
    segment: problem.segment,
  };
  if (problem.index !== undefined) out.index = problem.index;
  if (problem.key !== undefined) out.key = problem.key;
  out.message = problem.message;
  if (problem.value !== undefined) out.value = toTaggedJson(problem.value);
  for (const key of ['eventsDecoded', 'bytesAfterOffset', 'skippedBytes', 'skippedEvents'] as const) {
    if (problem[key] !== undefined) out[key] = problem[key] as number;
  }
  return out;
}

/** The final `end` record as an object: `state` is the end's `reason`. */
export function renderEndRecord(end: TraceEnd | RecordEnd): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = { kind: 'end', state: end.reason, offset: end.offset };
  if (end.segments !== undefined) out.segments = end.segments;
  if (end.events !== undefined) out.events = end.events;
  if (end.complete !== undefined) out.complete = end.complete;
  return out;
}

/** The `event` record as an object (see {@link renderEventRecordJson} for the fast text form). */
export function renderEventRecord(
  event: TraceEvent,
  offset: number,
  segment: number,
  options?: RenderOptions,
): { [key: string]: JsonValue } {
  const rendered = renderEvent(event, options);
  const out: { [key: string]: JsonValue } = { kind: 'event', offset, segment };
  for (const key of Object.keys(rendered)) out[key === 'kind' ? 'derivationKind' : key] = rendered[key] as JsonValue;
  return out;
}

/**
 * The `event` record as one JSON line (no newline), written directly: identical to
 * `JSON.stringify(renderEventRecord(event, offset, segment, options))`.
 *
 * @example
 * ```ts
 * renderEventRecordJson(event, 24, 0); // '{"kind":"event","offset":24,"segment":0,"type":"control",...}'
 * ```
 */
export function renderEventRecordJson(
  event: TraceEvent,
  offset: number,
  segment: number,
  options?: RenderOptions,
): string {
  return eventRecordText(event, offset, segment, options);
}

/**
 * One NDJSON record of the contract (see the module description) as an object.
 *
 * @example
 * ```ts
 * for await (const record of readTraceRecords(file)) console.log(JSON.stringify(renderRecord(record)));
 * ```
 */
export function renderRecord(record: TraceRecord, options?: RenderOptions): { [key: string]: JsonValue } {
  switch (record.kind) {
    case 'event':
      return renderEventRecord(record.event, record.offset, record.segment, options);
    case 'segment':
      return renderHeaderRecord(record.segment);
    case 'problem':
      return renderErrorRecord(record.problem);
    case 'end':
      return renderEndRecord(record.end);
  }
}

/**
 * One NDJSON record as a JSON line (no newline): `JSON.stringify(renderRecord(record, options))`, with event
 * records written directly (the fast path of `xtrace cat --format ndjson`).
 *
 * @example
 * ```ts
 * for await (const record of readTraceRecords(file)) process.stdout.write(`${renderRecordJson(record)}\n`);
 * ```
 */
export function renderRecordJson(record: TraceRecord, options?: RenderOptions): string {
  if (record.kind === 'event') return renderEventRecordJson(record.event, record.offset, record.segment, options);
  return JSON.stringify(renderRecord(record, options));
}

/**
 * Exports a read trace as NDJSON (header, event, error and end records), typed bytes printed in full so that
 * {@link importNdjson} gives the trace back.
 *
 * @example
 * ```ts
 * const text = exportNdjson(readTrace(bytes)); // one record per line, ends with the end record
 * ```
 */
export function exportNdjson(result: TraceReadResult, options: RenderOptions = { fullBytes: true }): string {
  const lines: string[] = [];
  const problems = result.problems;
  let next = 0;
  for (const segment of result.segments) {
    lines.push(JSON.stringify(renderHeaderRecord(segment)));
    for (let i = 0; i < segment.events.length; i++) {
      const offset = segment.eventOffsets[i] as number;
      while (next < problems.length && (problems[next] as TraceProblem).offset < offset) {
        lines.push(JSON.stringify(renderErrorRecord(problems[next++] as TraceProblem)));
      }
      lines.push(renderEventRecordJson(segment.events[i] as TraceEvent, offset, segment.index, options));
    }
  }
  while (next < problems.length) lines.push(JSON.stringify(renderErrorRecord(problems[next++] as TraceProblem)));
  lines.push(JSON.stringify(renderEndRecord(result.end)));
  return `${lines.join('\n')}\n`;
}

/** A trace rebuilt from NDJSON: segments with headers and events (feed it to `encodeTrace`). */
export interface ImportedTrace {
  /** Segments in order. */
  segments: { header: TraceHeader; events: TraceEvent[] }[];
}

/** Details of the {@link MoqtraceError} thrown by {@link importNdjsonRecords} for a bad record. */
export interface ImportErrorDetails {
  /** 0-based index of the record at fault (for {@link importNdjson}: of the non-empty line). */
  index: number;
  /** What is wrong with it. */
  reason: string;
}

function importFailure(index: number, label: string, reason: string, cause?: unknown): MoqtraceError {
  const details: ImportErrorDetails = { index, reason };
  return new MoqtraceError('INVALID_ARGUMENT', `${label}: ${reason}`, { details, ...(cause ? { cause } : {}) });
}

function headerFields(record: Record<string, unknown>): unknown {
  // 0.1 shape: fields nested under `header`
  if (typeof record.header === 'object' && record.header !== null && !('protocol' in record)) return record.header;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (HEADER_RECORD_KEYS.has(key)) continue;
    fields[key === 'segmentInfo' ? 'segment' : key] = record[key];
  }
  return fields;
}

function eventFields(record: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (EVENT_RECORD_KEYS.has(key)) continue;
    fields[key === 'derivationKind' ? 'kind' : key] = record[key];
  }
  return fields;
}

function importAll(records: Iterable<unknown>, label: (index: number) => string): ImportedTrace {
  const segments: ImportedTrace['segments'] = [];
  let index = -1;
  for (const item of records) {
    index++;
    if (typeof item !== 'object' || item === null) throw importFailure(index, label(index), 'record is not an object');
    const record = item as Record<string, unknown>;
    if (record.kind === 'header') {
      try {
        segments.push({ header: parseHeaderJson(headerFields(record)), events: [] });
      } catch (error) {
        throw importFailure(index, label(index), (error as Error).message, error);
      }
    } else if (record.kind === 'event') {
      const current = segments[segments.length - 1];
      if (!current) throw importFailure(index, label(index), 'event before any header record');
      try {
        current.events.push(parseEventJson(eventFields(record)));
      } catch (error) {
        throw importFailure(index, label(index), (error as Error).message, error);
      }
    }
  }
  return { segments };
}

/**
 * Rebuilds a trace from parsed NDJSON records (`header` and `event` records; others are ignored). Keys outside
 * the contract are ignored on event records but kept as header fields (strip them first). Throws
 * {@link MoqtraceError} `INVALID_ARGUMENT` with {@link ImportErrorDetails} for a bad record.
 *
 * @example
 * ```ts
 * const trace = importNdjsonRecords(lines.map((line) => JSON.parse(line)));
 * const bytes = encodeTrace(trace);
 * ```
 */
export function importNdjsonRecords(records: Iterable<unknown>): ImportedTrace {
  return importAll(records, (index) => `record ${index + 1}`);
}

/**
 * Rebuilds a trace from NDJSON text (`header` and `event` records; others are ignored). Ids come back as
 * `bigint`, bytes as `Uint8Array`, tagged values as their JS types.
 *
 * @example
 * ```ts
 * const bytes = encodeTrace(importNdjson(exportNdjson(readTrace(original))));
 * ```
 */
export function importNdjson(text: string): ImportedTrace {
  const lineNumbers: number[] = [];
  const records: unknown[] = [];
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (cause) {
      throw importFailure(records.length, `line ${lineNumber}`, 'not JSON', cause);
    }
    lineNumbers.push(lineNumber);
  }
  return importAll(records, (index) => `line ${lineNumbers[index]}`);
}
