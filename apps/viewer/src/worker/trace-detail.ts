/**
 * The detail pane of one trace event: each field once, in words and with units where the library has them
 * (`directionName`, `streamTypeName`, `objectStatusName`, `messageType` as `0x21 (draft 14)`, timestamps in µs
 * with the wall-clock time), message and data values as JSON trees, byte fields as hex views.
 */
import type { TraceEvent } from '@x/moqtrace';
import { directionName, objectStatusName, streamTypeName, summarizeEvent, valueText } from '@x/moqtrace/analysis';
import { renderEvent } from '@x/moqtrace/ndjson';
import type { Detail, DetailField, Json } from './protocol.js';

/** Where the event came from and what else the pane should show. */
export interface DetailContext {
  /** Position of the event in file order. */
  index: number;
  /** Draft of the trace (names control messages by their type id). */
  draft: number | undefined;
  /** `startTime` of the event's segment (ms since the epoch). */
  segmentStartMs: number;
  /** Fields describing where the event is in the file (first in the list). */
  location: DetailField[];
  /** The record as the file has it (for qlog: as the producer wrote it). */
  source?: Detail['source'];
}

/** Keys shown as JSON trees. */
const TREES = new Set(['message', 'data', 'fields', 'downstream', 'upstream', 'extra']);
/** Keys shown as hex views. */
const BYTES = ['raw', 'payload', 'traceId', 'trackName'] as const;
/** Keys rendered elsewhere (title, timestamp line). */
const SKIP = new Set(['type', 'timestamp', 'seq']);

const MAX_BYTES = 1 << 20;

function isoOrEmpty(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** The detail of one event. */
export function describeEvent(event: TraceEvent, context: DetailContext): Detail {
  const rendered = renderEvent(event);
  const { name } = summarizeEvent(event, { draft: context.draft });
  const title = event.type === 'control' ? name : name ? `${event.type} · ${name}` : event.type;
  const t = Number(event.timestamp);
  const wall = isoOrEmpty(context.segmentStartMs + t / 1000);
  const fields: DetailField[] = [
    { label: 'event', value: `#${context.index} in file order · seq ${String(event.seq)}` },
    ...context.location,
    {
      label: 'timestamp',
      value: `${t.toLocaleString('en-US')} µs after the segment start${wall ? ` (${wall})` : ''}`,
    },
  ];
  const trees: Detail['trees'] = [];
  const record = event as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(rendered)) {
    if (SKIP.has(key)) continue;
    if (TREES.has(key)) {
      if (key !== 'extra') trees.push({ label: key === 'message' ? 'message (msg)' : key, value: value as Json });
      continue;
    }
    if ((BYTES as readonly string[]).includes(key) && record[key] instanceof Uint8Array) continue;
    fields.push({ label: key, value: fieldText(event, key, value as Json, context.draft) });
  }
  if (
    event.type === 'error' &&
    event.rawLength !== undefined &&
    event.raw &&
    Number(event.rawLength) > event.raw.length
  ) {
    fields.push({ label: 'raw truncated', value: `${event.raw.length} of ${event.rawLength} bytes recorded` });
  }
  const bytes: Detail['bytes'] = [];
  for (const key of BYTES) {
    const v = record[key];
    if (v instanceof Uint8Array) bytes.push({ label: key, offset: 0, data: v.slice(0, MAX_BYTES), total: v.length });
  }
  return {
    index: context.index,
    title,
    fields,
    trees,
    bytes,
    extra: (rendered.extra as Json | undefined) ?? null,
    text: null,
    source: context.source ?? null,
  };
}

/** One field as text: enumerations as words, sizes with units, ids and numbers as decimal. */
function fieldText(event: TraceEvent, key: string, value: Json, draft: number | undefined): string {
  switch (key) {
    case 'direction':
      return directionName(event) ?? String(value);
    case 'messageType':
      return event.type === 'control'
        ? `0x${BigInt(event.messageType).toString(16)}${draft !== undefined ? ` (draft ${draft})` : ''}`
        : String(value);
    case 'streamType':
      return event.type === 'stream-opened' ? streamTypeName(event.streamType) : String(value);
    case 'objectStatus':
      return event.type === 'object-header' ? `${objectStatusName(event.objectStatus)} (${value})` : String(value);
    case 'size':
    case 'rawLength':
      return `${Number(value).toLocaleString('en-US')} bytes`;
    case 'namespace':
      return event.type === 'subscription-derivation' && event.namespace ? valueText(event.namespace) : String(value);
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}
