/**
 * Rows of a `.moqtrace` file: `events`, `headers` (per segment), `tracks` (request pairing, at the end of the file),
 * `problems` and its `files` row, streamed from `openTraceReader` with the options `xtrace cat` uses.
 *
 * @module
 */
import type { ByteInput } from '@x/binary';
import {
  type ControlEvent,
  messageAsMap,
  openTraceReader,
  type TraceHeader,
  type TraceProblem,
  type TraceReader,
  type TraceSegmentInfo,
} from '@x/moqtrace';
import {
  controlMessageName,
  createTrackTableBuilder,
  draftFromProtocol,
  draftFromVersion,
  valueText,
} from '@x/moqtrace/analysis';
import { renderEventJson, renderHeader } from '@x/moqtrace/ndjson';
import { DEFERRED_JSON, EventJson } from '../event-json.js';
import type { LoadValue } from '../tables/types.js';
import { EVENT_INPUTS, EVENT_ROWS, type EventRows, type EventRowsSink, fillEventRow } from './event-row.js';
import { fileDate, int64, type ScanOptions, type ScanSummary, timeMicros, u64 } from './sink.js';
import { problemRow, unreadable } from './ss.js';

const FULL_BYTES = { fullBytes: true } as const;

/** Control messages that can be requests or responses of the track table (kept to place them in time). */
const PAIRED = new Set([
  'subscribe',
  'fetch',
  'publish',
  'subscribe_ok',
  'fetch_ok',
  'publish_ok',
  'request_ok',
  'subscribe_error',
  'fetch_error',
  'publish_error',
  'request_error',
]);

interface EventPlace {
  segment: number;
  offset: number;
  timestamp: number | bigint;
  startTime: number;
}

function headerRow(file: string, date: string | null, segment: TraceSegmentInfo): LoadValue[] {
  const h: TraceHeader = segment.header;
  return [
    file,
    date,
    segment.index,
    segment.offset,
    segment.version,
    h.protocol,
    draftFromProtocol(h.protocol) ?? null,
    h.perspective,
    h.detail,
    u64(h.startTime),
    u64(h.endTime),
    h.transport,
    h.source,
    h.endpoint,
    h.sessionId,
    u64(h.segment?.sequence),
    h.segment?.streamId,
    h.sampling !== undefined,
    u64(h.sampling?.droppedTotal),
    JSON.stringify(renderHeader(h)),
  ];
}

/**
 * Scans a `.moqtrace` input into rows of `events`, `headers`, `tracks`, `problems` and `files`. A file that cannot
 * be opened gives a `files` row with end state `unreadable` and its problem; the reader's problems (truncation,
 * malformed items, ...) are `problems` rows.
 *
 * @example
 * ```ts
 * await scanTrace(bytes, { file: 'session.moqtrace', sink });
 * ```
 */
export async function scanTrace(input: ByteInput, options: ScanOptions): Promise<ScanSummary> {
  const { file, sink, needed } = options;
  // Inputs a consumer may not need: the JSON rendering of every event, and the track table.
  const wantFields = needed === undefined || needed.get('events')?.has('fields') === true;
  const wantTracks = needed === undefined || needed.has('tracks');
  // A sink that renders the `fields` JSON itself gets the event (see event-json.ts), any other sink the text.
  // Such a sink also writes each row before `add` returns: one row array and one EventJson serve every event.
  const deferred = (sink as { [DEFERRED_JSON]?: boolean })[DEFERRED_JSON] === true;
  const shared = deferred ? new Array<LoadValue>(EVENT_INPUTS).fill(null) : undefined;
  let json: EventJson | undefined;
  let errors = 0;
  let warnings = 0;
  const pending: TraceProblem[] = [];
  let reader: TraceReader;
  try {
    reader = await openTraceReader(input, { segments: true, maxProblems: 0, onProblem: (p) => pending.push(p) });
  } catch (error) {
    return unreadable(options, 'moqtrace', error);
  }
  const first = reader.header;
  const date = fileDate(first.startTime);
  // A sink that writes events rows itself (when it needs every input of them).
  const ownRows = (sink as Partial<EventRowsSink>)[EVENT_ROWS];
  const direct: EventRows | undefined = wantFields ? ownRows?.call(sink, file, date) : undefined;
  const problem = (p: TraceProblem) => {
    if (p.severity === 'error') errors++;
    else warnings++;
    sink.add('problems', problemRow(file, date, 'moqtrace', p));
  };
  // Draft of the trace: from the first header's protocol, else from the first SETUP (as the track table does).
  let draft = draftFromProtocol(first.protocol);
  let draftKnown = draft !== undefined;
  const tracks = createTrackTableBuilder(draftKnown ? { draft } : { header: first });
  const places = new Map<number, EventPlace>();
  let startTime = first.startTime;
  let index = -1;
  let events = 0;
  try {
    for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
      for (const p of pending.splice(0)) problem(p);
      for (const record of batch) {
        if (record.kind === 'segment') {
          startTime = record.header.startTime;
          sink.add('headers', headerRow(file, date, record));
          continue;
        }
        const event = record.event;
        index++;
        events++;
        if (event.type === 'control') {
          if (!draftKnown) {
            const found = draftFromVersion(messageAsMap((event as ControlEvent).message)?.selected_version);
            if (found !== undefined) {
              draft = found;
              draftKnown = true;
            }
          }
          if (wantTracks && PAIRED.has(controlMessageName(event, draft))) {
            places.set(index, {
              segment: record.segment,
              offset: record.offset,
              timestamp: event.timestamp,
              startTime,
            });
          }
        }
        if (wantTracks) tracks.add(event);
        // The sink's own writer takes the frequent events; the others (and any sink) get a row.
        if (direct?.add(record.segment, record.offset, startTime, event)) continue;
        const row = shared ?? new Array<LoadValue>(EVENT_INPUTS);
        let fields: LoadValue = null;
        if (wantFields && deferred) {
          if (json) json.event = event;
          else json = new EventJson(event);
          fields = json as unknown as LoadValue;
        } else if (wantFields) fields = renderEventJson(event, FULL_BYTES);
        const place = { file, date, segment: record.segment, offset: record.offset, startTime };
        fillEventRow(row, place, event, draft, fields);
        sink.add('events', row);
      }
      const w = sink.flush?.();
      if (w) await w;
    }
  } finally {
    await reader.close();
  }
  for (const p of pending.splice(0)) problem(p);
  // the data streams are only counted: not made into arrays (a track may have every data stream of the trace)
  const table = tracks.result({ dataStreams: false });
  for (const [i, t] of wantTracks ? table.tracks.entries() : []) {
    let dataStreams = 0;
    for (const _ of tracks.dataStreams(i)) dataStreams++;
    const request = places.get(t.requestIndex);
    const response = t.responseIndex === undefined ? undefined : places.get(t.responseIndex);
    sink.add('tracks', [
      file,
      date,
      t.request,
      t.pairing,
      table.draft ?? null,
      t.requestId ?? null,
      t.streamId ?? null,
      t.namespace === undefined ? null : valueText(t.namespace),
      t.name === undefined ? null : valueText(t.name),
      t.alias ?? null,
      t.status,
      t.reason ?? null,
      request?.segment ?? 0,
      request?.offset ?? 0,
      int64(request?.timestamp),
      response?.offset ?? null,
      int64(response?.timestamp),
      t.latencyMicros ?? null,
      t.objects,
      t.bytes,
      dataStreams,
      request ? timeMicros(request.startTime, request.timestamp) : null,
      response ? timeMicros(response.startTime, response.timestamp) : null,
    ]);
  }
  const end = reader.end;
  const state = end?.state ?? 'eof';
  const complete = errors === 0 && (end?.complete ?? false);
  sink.add('files', [
    file,
    date,
    'moqtrace',
    options.size,
    reader.segments[0]?.version ?? null,
    null,
    u64(first.startTime),
    null,
    null,
    end?.segments ?? reader.segments.length,
    events,
    null,
    state,
    end?.offset,
    end?.trailingBytes,
    errors,
    warnings,
    errors + warnings,
    complete,
  ]);
  const w = sink.flush?.();
  if (w) await w;
  return { file, format: 'moqtrace', records: events, errors, warnings, endState: state, complete };
}
