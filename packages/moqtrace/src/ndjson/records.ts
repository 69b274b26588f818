/**
 * The NDJSON record contract of `xtrace cat --format ndjson` and `xtrace convert` for `.moqtrace` files. One JSON
 * object per line, discriminated by `kind`:
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
 * - `end` (last): `{"kind":"end","state":"eof"|"truncated"|"limit"|"removed"|…,"offset":N,"trailingBytes":…,
 *   "segments":…,"events":…,"errors":…,"warnings":…,"complete":…}`.
 *
 * u64 ids are decimal strings, other integers JSON numbers up to 2^53−1 and `{"$bigint"}` above; typed bytes are
 * hex. The import (`import.ts`) maps `derivationKind` and `segmentInfo` back (and also reads the 0.1 shape, whose
 * header fields were nested under `header`).
 *
 * @module
 */
import type { TraceContents } from '../reader/read.js';
import type { TraceEnd, TraceProblem, TraceRecord, TraceSegmentInfo } from '../reader/types.js';
import type { TraceEvent } from '../schemas/events.js';
import type { JsonValue, RenderOptions } from './common.js';
import { renderEvent, renderHeader, toTaggedJson } from './render.js';
import { eventRecordText } from './text.js';

/**
 * The `header` record of a segment as an object.
 *
 * @example
 * ```ts
 * renderHeaderRecord(trace.segments[0]); // { kind: 'header', offset: 0, segment: 0, format: 'moqtrace', ... }
 * ```
 */
export function renderHeaderRecord(segment: TraceSegmentInfo): { [key: string]: JsonValue } {
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
  if (problem.skippedBytes !== undefined) out.skippedBytes = problem.skippedBytes;
  if (problem.skippedEvents !== undefined) out.skippedEvents = problem.skippedEvents;
  return out;
}

/** The final `end` record as an object. */
export function renderEndRecord(end: TraceEnd): { [key: string]: JsonValue } {
  return {
    kind: 'end',
    state: end.state,
    offset: end.offset,
    trailingBytes: end.trailingBytes,
    segments: end.segments,
    events: end.events,
    errors: end.errors,
    warnings: end.warnings,
    complete: end.complete,
  };
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
 * The NDJSON record of a reader record (`event`, or `header` for a segment record) as an object.
 *
 * @example
 * ```ts
 * for await (const record of reader) console.log(JSON.stringify(renderRecord(record)));
 * ```
 */
export function renderRecord(record: TraceRecord, options?: RenderOptions): { [key: string]: JsonValue } {
  if (record.kind === 'event') return renderEventRecord(record.event, record.offset, record.segment, options);
  return renderHeaderRecord(record);
}

/**
 * The NDJSON record of a reader record as a JSON line (no newline): `JSON.stringify(renderRecord(record, options))`,
 * with event records written directly (the fast path of `xtrace cat --format ndjson`).
 *
 * @example
 * ```ts
 * for await (const record of reader) process.stdout.write(`${renderRecordJson(record)}\n`);
 * ```
 */
export function renderRecordJson(record: TraceRecord, options?: RenderOptions): string {
  if (record.kind === 'event') return renderEventRecordJson(record.event, record.offset, record.segment, options);
  return JSON.stringify(renderHeaderRecord(record));
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
export function exportNdjson(result: TraceContents, options: RenderOptions = { fullBytes: true }): string {
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
