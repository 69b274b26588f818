/**
 * NDJSON records of `.moqtrace` files (see records.ts for the contract):
 *
 * - `header`: `kind, format, version, segment, offset, headerLength, eventsOffset`, then the header fields
 *   under their friendly names; the header's own v2 `segment` map is renamed `segmentInfo` (the record's
 *   `segment` is the segment index).
 * - `event`: `kind, offset, segment`, then the canonical rendering; the `kind` field of
 *   `subscription-derivation` events is renamed `derivationKind` (the record's `kind` is `event`).
 * - `error`: the reader's problem with `code, severity, offset, segment, index?, key?, message`.
 * - `end`: `state` (`eof`/`truncated`/`removed`), `offset`, `segments`, `events`, `complete`.
 *
 * @module
 */
import {
  type JsonValue,
  renderEvent,
  renderHeader,
  renderRecord,
  type SegmentInfoRecord,
  type TraceEnd,
  type TraceEvent,
  type TraceProblem,
} from '@x/moqtrace';

/** The `header` record of one segment (without the trailing newline). */
export function moqHeaderRecord(segment: SegmentInfoRecord): string {
  const fields = renderHeader(segment.header);
  const record: { [key: string]: JsonValue } = {
    kind: 'header',
    format: 'moqtrace',
    version: segment.version,
    segment: segment.index,
    offset: segment.offset,
    headerLength: segment.headerLength,
    eventsOffset: segment.eventsOffset,
  };
  for (const [key, value] of Object.entries(fields)) record[key === 'segment' ? 'segmentInfo' : key] = value;
  return JSON.stringify(record);
}

/** The `event` record (without the trailing newline); `rendered` overrides the canonical rendering. */
export function moqEventRecord(
  event: TraceEvent,
  offset: number,
  segment: number,
  rendered: { [key: string]: JsonValue } = renderEvent(event),
): string {
  if (rendered.kind === undefined) {
    // fast path: splice the canonical rendering after the record keys
    return `{"kind":"event","offset":${offset},"segment":${segment},${JSON.stringify(rendered).slice(1)}`;
  }
  const record: { [key: string]: JsonValue } = { kind: 'event', offset, segment };
  for (const [key, value] of Object.entries(rendered)) record[key === 'kind' ? 'derivationKind' : key] = value;
  return JSON.stringify(record);
}

/** The `error` record of a reader problem (without the trailing newline). */
export function moqErrorRecord(problem: TraceProblem): string {
  return JSON.stringify(renderRecord({ kind: 'problem', problem }));
}

/** The final `end` record (without the trailing newline). */
export function moqEndRecord(state: 'eof' | 'truncated' | 'removed', end: TraceEnd | undefined): string {
  const record: { [key: string]: JsonValue } = { kind: 'end', state, offset: end?.offset ?? null };
  if (end) {
    record.segments = end.segments;
    record.events = end.events;
    record.complete = end.complete;
  }
  return JSON.stringify(record);
}
