/**
 * `cat` renderings of the event formats (`.moqtrace`, qlog), on `@x/moqtrace/ndjson` (records, the canonical
 * event rendering) and `@x/moqtrace/analysis` (one-line summaries, MoQT version names): NDJSON/JSON records,
 * `events`, a table and a log.
 *
 * @module
 */
import { EVENT_FIELDS, type EventField, eventTypeId, type TraceEvent, type TraceProblem } from '@x/moqtrace';
import { summarizeEvent } from '@x/moqtrace/analysis';
import {
  type JsonValue,
  renderEndRecord,
  renderErrorRecord,
  renderEventJson,
  renderEventRecord,
  renderEventRecordJson,
} from '@x/moqtrace/ndjson';
import type { Context, Problem } from '../../context.js';
import { toBase64 } from '../../output/json.js';
import { type Cell, StreamTable, styledLine } from '../../output/table.js';
import { footer } from '../framing.js';
import { payloadPreview, resolvePayloadMode } from '../payload.js';
import type { CatFormat, CatOptions, ReadOutcome, Renderer } from '../types.js';
import { type EventRecord, type EventsRecord, type SegmentRecord, SegmentTracker } from './records.js';

/** What differs between the event formats in their renderings. */
export interface EventsStyle {
  /** The input's name (headings). */
  readonly name: string;
  /** The JSON text of a segment's `header` record. */
  headerRecord(segment: SegmentRecord): string;
  /** The heading line of a segment in table and log output (without `# name: `). */
  heading(segment: SegmentRecord): string;
}

const textDecoder = new TextDecoder();

function fieldsOf(event: TraceEvent): readonly EventField[] {
  return event.type === 'unknown' ? [] : (EVENT_FIELDS[Number(eventTypeId(event))] ?? []);
}

function hexToBase64(value: JsonValue): JsonValue {
  return typeof value === 'string' && /^[0-9a-f]*$/.test(value) ? toBase64(Buffer.from(value, 'hex')) : value;
}

/**
 * The `event` record of `cat`: the canonical rendering, with `--payload` applied to an object payload (text and
 * base64 payloads carry `payloadEncoding`, hex ones are canonical) and `--bytes base64` to the other byte fields.
 */
export function eventRecordJson(record: EventRecord, options: Pick<CatOptions, 'payload' | 'bytes'>): string {
  const { event, offset, segment } = record;
  const payload = event.type === 'object-payload' ? event.payload : undefined;
  const mode = payload === undefined ? 'hex' : resolvePayloadMode(payload, options.payload);
  if (options.bytes === 'hex' && (mode === 'hex' || mode === 'none')) {
    return renderEventRecordJson(event, offset, segment, mode === 'none' ? { omitPayload: true } : undefined);
  }
  const rendered = renderEventRecord(event, offset, segment, mode === 'none' ? { omitPayload: true } : undefined);
  const out: { [key: string]: JsonValue } = {};
  for (const [key, value] of Object.entries(rendered)) {
    const spec = fieldsOf(event).find((f) => f.name === key);
    if (key === 'payload' && payload !== undefined && typeof value === 'string') {
      const as = mode === 'hex' && options.bytes === 'base64' ? 'base64' : mode;
      if (as === 'text') out.payload = textDecoder.decode(payload);
      else if (as === 'base64') out.payload = toBase64(payload);
      else out.payload = value;
      if (as !== 'hex') out.payloadEncoding = as === 'text' ? 'utf8' : as;
    } else if (options.bytes === 'base64' && spec?.kind === 'bytes') out[key] = hexToBase64(value);
    else if (options.bytes === 'base64' && spec?.kind === 'bytesList' && Array.isArray(value)) {
      out[key] = value.map(hexToBase64);
    } else out[key] = value;
  }
  return JSON.stringify(out);
}

/** The `error` record of a problem (all the library's fields when it has them). */
export function problemRecordJson(problem: Problem): string {
  if (problem.detail !== undefined) return JSON.stringify(renderErrorRecord(problem.detail as TraceProblem));
  return JSON.stringify({
    kind: 'error',
    code: problem.code,
    severity: problem.severity,
    ...(problem.offset === undefined ? {} : { offset: problem.offset }),
    message: problem.message,
  });
}

/** The `end` record of an outcome. */
export function endRecordJson(outcome: ReadOutcome): string {
  return JSON.stringify(
    renderEndRecord({
      state: outcome.state as 'eof',
      offset: outcome.offset,
      trailingBytes: outcome.trailingBytes,
      segments: outcome.counts.segments ?? 0,
      events: outcome.counts.events ?? 0,
      errors: outcome.errors,
      warnings: outcome.warnings,
      complete: outcome.complete,
    }),
  );
}

/** `tx`/`rx` for control messages, `in`/`out` for data streams, empty otherwise. */
function directionText(event: TraceEvent): string {
  if (event.type !== 'control' && event.type !== 'stream-opened') return '';
  const d = Number(event.direction);
  const words = event.type === 'control' ? ['tx', 'rx'] : ['out', 'in'];
  return words[d] ?? String(event.direction);
}

function typeText(event: TraceEvent): string {
  return event.type === 'unknown' ? `unknown(${event.eventType})` : event.type;
}

/** The `cat` renderer of an event format. */
export function eventsRenderer(
  ctx: Context,
  style: EventsStyle,
  format: CatFormat,
  options: CatOptions,
): Renderer<EventsRecord> {
  const c = ctx.colors;
  const end = (o: ReadOutcome) => styledLine([{ text: footer(o), style: 'dim' }], c);
  if (format === 'ndjson' || format === 'json') {
    return {
      mode: 'records',
      start: () => [],
      record: (r) => (r.kind === 'segment' ? style.headerRecord(r) : eventRecordJson(r, options)),
      problem: problemRecordJson,
      end: endRecordJson,
    };
  }
  if (format === 'events') {
    return {
      mode: 'text',
      start: () => [],
      record: (r) => (r.kind === 'event' ? `${renderEventJson(r.event)}\n` : undefined),
      problem: () => undefined,
      end: () => undefined,
    };
  }
  const segments = new SegmentTracker();
  const summary = (r: EventRecord): string => {
    const { name, text } = summarizeEvent(r.event, { draft: segments.draft(r.segment) });
    const payload =
      r.event.type === 'object-payload' && r.event.payload !== undefined
        ? payloadPreview(r.event.payload, options.payload, 60)
        : '';
    return [name, text, payload].filter((s) => s !== '').join(' ');
  };
  const heading = (r: SegmentRecord): string =>
    styledLine([{ text: `# ${style.name}: ${style.heading(r)}`, style: 'dim' }], c);
  if (format === 'table') {
    const table = new StreamTable(
      [
        { title: 'OFFSET', right: true, width: 9 },
        { title: 'SEG', right: true, width: 3 },
        { title: 'SEQ', right: true, width: 7 },
        { title: 'TIME µs', right: true, width: 12 },
        { title: 'TYPE', width: 23 },
        { title: 'DIR', width: 3 },
        { title: 'SUMMARY' },
      ],
      c,
    );
    let first = true;
    return {
      mode: 'text',
      start: () => [],
      record(r) {
        segments.see(r);
        if (r.kind === 'segment') {
          const text = heading(r) + (first ? table.header() : '');
          first = false;
          return text;
        }
        const cells: Cell[] = [
          { text: String(r.offset), style: 'dim' },
          String(r.segment),
          String(r.event.seq),
          String(r.event.timestamp),
          { text: typeText(r.event), style: 'cyan' },
          directionText(r.event),
          summary(r),
        ];
        return table.row(cells);
      },
      problem: () => undefined,
      end,
    };
  }
  return {
    mode: 'text',
    start: () => [],
    record(r) {
      segments.see(r);
      if (r.kind === 'segment') return heading(r);
      const t = (Number(r.event.timestamp) / 1000).toFixed(3);
      return styledLine(
        [
          { text: `+${t}ms`, style: 'dim' },
          { text: `[${r.segment}:${r.event.seq}]`, style: 'dim' },
          directionText(r.event),
          { text: r.event.type === 'control' ? '' : typeText(r.event), style: 'cyan' },
          summary(r),
        ],
        c,
      );
    },
    problem: () => undefined,
    end,
  };
}
