/**
 * The qlog adapter: qlog/mlog files of any MoQT producer (and the exports of `xtrace convert`), read as
 * `.moqtrace` events through `@x/moqt-qlog`, then rendered, analysed and converted like a trace.
 *
 * @module
 */
import { readQlog } from '@x/moqt-qlog';
import type { TraceHeader } from '@x/moqtrace';
import { renderHeaderRecord } from '@x/moqtrace/ndjson';
import type { Context } from '../../context.js';
import type { TraceInput } from '../../input/input.js';
import { isoTime } from '../../output/text.js';
import { eventsFilter } from '../events/filter.js';
import type { EventsRecord, SegmentRecord } from '../events/records.js';
import { eventsRenderer } from '../events/render.js';
import { type EventsDescription, eventsInfo, eventsStats } from '../events/report.js';
import { convertEventsInput, noChecks } from '../events/style.js';
import type { Adapter, ConvertTarget, Problem, Region } from '../types.js';
import { openQlogReading, type QlogReading, qlogProblem } from './read.js';

/** The `header` record of a qlog segment: the trace header's fields, `format: "qlog"`. */
function headerRecord(segment: SegmentRecord): string {
  const record = renderHeaderRecord({
    index: segment.index,
    offset: segment.offset,
    version: 0,
    headerLength: 0,
    eventsOffset: segment.offset,
    header: segment.header,
  });
  record.format = 'qlog';
  delete record.version;
  delete record.headerLength;
  delete record.eventsOffset;
  return JSON.stringify(record);
}

function description(reading: QlogReading): EventsDescription {
  return {
    format: 'qlog',
    formatText: () => `qlog${reading.framing ? ` (${reading.framing})` : ''}, read as MoQT trace events`,
    infoJson: () => ({ framing: reading.framing ?? null }),
  };
}

/**
 * Converts a qlog input. The `.moqtrace` header of a foreign producer's file settles as its events are read
 * (`detail` grows), so a first pass finds the final headers and the second writes with them (stdin is held in
 * memory for the two passes).
 */
async function convertQlog(ctx: Context, input: TraceInput, target: ConvertTarget): Promise<void> {
  const bytes = input.path === undefined ? await input.bytes() : undefined;
  const headers = new Map<number, TraceHeader>();
  const first = await openQlogReading(ctx, input, { onProblem: () => undefined }, bytes ? { bytes } : {});
  try {
    for (let batch = await first.nextBatch(); batch !== null; batch = await first.nextBatch()) {
      for (const r of batch) if (r.kind === 'segment') headers.set(r.index, r.header);
    }
  } finally {
    await first.close();
  }
  await convertEventsInput(
    ctx,
    input,
    target,
    (onProblem) => openQlogReading(ctx, input, { onProblem }, { headers, ...(bytes ? { bytes } : {}) }),
    headerRecord,
  );
}

/** Regions of a qlog file for `hexdump`: its header and each event's record. */
function qlogRegions(bytes: Uint8Array, from: number, to: number, onProblem: (problem: Problem) => void): Region[] {
  const contents = readQlog(bytes, { maxProblems: Number.MAX_SAFE_INTEGER });
  for (const p of contents.problems) onProblem(qlogProblem(p));
  const regions: Region[] = [];
  const starts = contents.segments.flatMap((s) => s.eventOffsets);
  const firstRecord = starts[0] ?? bytes.length;
  if (firstRecord > 0) regions.push({ start: 0, end: firstRecord, label: 'qlog header', kind: 'header' });
  const sorted = [...new Set(starts)].sort((a, b) => a - b);
  const following = new Map<number, number>();
  for (const [i, o] of sorted.entries()) following.set(o, sorted[i + 1] ?? contents.end.offset);
  contents.segments.forEach((segment, s) => {
    segment.events.forEach((event, i) => {
      const start = segment.eventOffsets[i] as number;
      const next = following.get(start) ?? contents.end.offset;
      if (next > from && start < to) {
        regions.push({ start, end: next, label: `event ${s}:${event.seq} ${event.type}`, kind: 'event' });
      }
    });
  });
  return regions;
}

/** The qlog adapter. */
export const qlogAdapter: Adapter<EventsRecord, QlogReading> = {
  format: 'qlog',
  label: 'qlog',
  catFormats: ['ndjson', 'json', 'table', 'log', 'events'],
  targets: ['ndjson', 'moqtrace', 'qlog'],
  open: (ctx, input, options) => openQlogReading(ctx, input, options),
  info: (input, reading) => eventsInfo(input, description(reading)),
  stats: (input, reading) => eventsStats(input, description(reading)),
  checker: noChecks,
  filter: (options) => eventsFilter(options, 'qlog'),
  renderer: (ctx, input, _reading, format, options) =>
    eventsRenderer(
      ctx,
      {
        name: input.name,
        headerRecord,
        heading: (s) =>
          `qlog segment ${s.index} at ${s.offset}: ${s.header.protocol}, ${s.header.perspective}, ${s.header.detail}, start ${isoTime(s.header.startTime)}`,
      },
      format,
      options,
    ),
  importNdjson: async () => {
    throw new Error('qlog records are imported by the .moqtrace adapter');
  },
  convert: convertQlog,
  regions: async (_input, bytes, from, to, onProblem) => qlogRegions(bytes, from, to, onProblem),
};
