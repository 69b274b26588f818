/**
 * The `.moqtrace` adapter: MoQT session traces through `@x/moqtrace` (records, renderings and analysis from
 * its `/ndjson` and `/analysis` subpaths).
 *
 * @module
 */
import type { TraceSegmentInfo } from '@x/moqtrace';
import { renderHeaderRecord } from '@x/moqtrace/ndjson';
import { isoTime } from '../../output/text.js';
import { eventsFilter } from '../events/filter.js';
import type { EventsRecord, SegmentRecord } from '../events/records.js';
import { type EventsStyle, eventsRenderer } from '../events/render.js';
import { type EventsDescription, eventsInfo, eventsStats } from '../events/report.js';
import { convertEventsInput, noChecks } from '../events/style.js';
import type { Adapter } from '../types.js';
import { moqtraceRegions } from './hexdump.js';
import { importEventsNdjson } from './ndjson-import.js';
import { openTraceReading } from './read.js';

function headerRecord(segment: SegmentRecord): string {
  return JSON.stringify(renderHeaderRecord(segment as TraceSegmentInfo));
}

const description: EventsDescription = {
  format: 'moqtrace',
  formatText: (segments) => `.moqtrace, version ${[...new Set(segments.map((s) => s.version))].join('/') || '?'}`,
};

function style(name: string): EventsStyle {
  return {
    name,
    headerRecord,
    heading: (s) => {
      const h = s.header;
      return `.moqtrace v${s.version} segment ${s.index} at ${s.offset}: ${h.protocol}, ${h.perspective}, ${h.detail}, start ${isoTime(h.startTime)}`;
    },
  };
}

/** The `.moqtrace` adapter. */
export const moqtraceAdapter: Adapter<EventsRecord> = {
  format: 'moqtrace',
  label: '.moqtrace',
  catFormats: ['ndjson', 'json', 'table', 'log', 'events'],
  targets: ['ndjson', 'moqtrace', 'qlog'],
  open: openTraceReading,
  info: (input) => eventsInfo(input, description),
  stats: (input) => eventsStats(input, description),
  checker: noChecks,
  filter: (options) => eventsFilter(options, '.moqtrace'),
  renderer: (ctx, input, _reading, format, options) => eventsRenderer(ctx, style(input.name), format, options),
  importNdjson: (ctx, input, target) => importEventsNdjson(ctx, input, target, headerRecord),
  convert: (ctx, input, target) =>
    convertEventsInput(ctx, input, target, (onProblem) => openTraceReading(ctx, input, { onProblem }), headerRecord),
  regions: async (_input, bytes, from, to, onProblem) => moqtraceRegions(bytes, from, to, onProblem),
};
