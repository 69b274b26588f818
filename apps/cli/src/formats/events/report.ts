/**
 * `info` and `stats` of the event formats, built one record at a time (`info`: counts per type and segment,
 * time range; `stats`: `createStatsBuilder` and `createTrackTableBuilder` of `@x/moqtrace/analysis`). Memory
 * grows with segments, types, data streams and requests, never with events.
 *
 * @module
 */
import { messageAsMap, type TraceHeader } from '@x/moqtrace';
import {
  createStatsBuilder,
  createTrackTableBuilder,
  draftFromProtocol,
  formatMoqtVersion,
  type StatsBuilder,
  type TrackTableBuilder,
} from '@x/moqtrace/analysis';
import type { TraceInput } from '../../input/input.js';
import { JsonRows, stringifyJson } from '../../output/json.js';
import type { Cell, TableSpec } from '../../output/table.js';
import { count, counts, isoTime, problemCounts } from '../../output/text.js';
import type { ReadOutcome, Report, ReportBuilder } from '../types.js';
import type { EventsRecord, SegmentRecord } from './records.js';

/** What differs between the event formats in their reports. */
export interface EventsDescription {
  /** `moqtrace` or `qlog` (the `format` of the JSON reports). */
  readonly format: 'moqtrace' | 'qlog';
  /** The `format` line of `info` (`.moqtrace, version 1`, `qlog, JSON-SEQ`), known once the read ended. */
  formatText(segments: readonly SegmentRecord[]): string;
  /** Extra members of the `info --json` object. */
  infoJson?(segments: readonly SegmentRecord[]): Record<string, unknown>;
}

function draftText(draft: number | undefined): string {
  return draft === undefined ? 'unknown' : `draft-${String(draft).padStart(2, '0')}`;
}

function protocolText(protocol: string): string {
  const draft = draftFromProtocol(protocol);
  return draft === undefined ? protocol : `${protocol} (${draftText(draft)})`;
}

function headerFields(h: TraceHeader): [string, string][] {
  const rows: [string, string][] = [
    ['protocol', protocolText(h.protocol)],
    ['perspective', h.perspective],
    ['detail', h.detail],
    ['start time', `${isoTime(h.startTime)} (${h.startTime})`],
  ];
  if (h.endTime !== undefined) rows.push(['end time', `${isoTime(h.endTime)} (${h.endTime})`]);
  for (const key of ['transport', 'source', 'endpoint', 'sessionId'] as const) {
    if (h[key] !== undefined) rows.push([key, String(h[key])]);
  }
  if (h.sampling) rows.push(['sampling', `${stringifyJson(h.sampling)} (partial view)`]);
  if (h.custom) rows.push(['custom', stringifyJson(h.custom)]);
  return rows;
}

function endFields(outcome: ReadOutcome): [string, string][] {
  const tail = outcome.trailingBytes > 0 ? `, ${count(outcome.trailingBytes, 'trailing bytes')}` : '';
  return [
    ['end', `${outcome.state} at offset ${outcome.offset}${tail}${outcome.complete ? '' : ' (incomplete)'}`],
    ['problems', problemCounts(outcome.errors, outcome.warnings)],
  ];
}

/** The `info` report of an event-format read. */
export function eventsInfo(input: TraceInput, description: EventsDescription): ReportBuilder<EventsRecord> {
  const segments: SegmentRecord[] = [];
  const perSegment: number[] = [];
  const byType: Record<string, number> = {};
  let events = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let minTs = Number.POSITIVE_INFINITY;
  let maxTs = Number.NEGATIVE_INFINITY;
  let version: unknown;
  return {
    add(r) {
      if (r.kind === 'segment') {
        segments[r.index] = r;
        perSegment[r.index] = 0;
        return;
      }
      events++;
      perSegment[r.segment] = (perSegment[r.segment] ?? 0) + 1;
      const e = r.event;
      byType[e.type] = (byType[e.type] ?? 0) + 1;
      const ts = Number(e.timestamp);
      if (ts < minTs) minTs = ts;
      if (ts > maxTs) maxTs = ts;
      const start = segments[r.segment]?.header.startTime;
      if (start !== undefined) {
        const t = start + ts / 1000;
        if (t < first) first = t;
        if (t > last) last = t;
      }
      if (version === undefined && e.type === 'control') {
        // the version the server selected (`version` in the SERVER_SETUP of some producers)
        const m = messageAsMap(e.message);
        version = m?.selected_version ?? (m?.type === 'server_setup' ? m.version : undefined);
      }
    },
    report(outcome) {
      const list = segments.filter((s) => s !== undefined);
      const range = first <= last ? { firstMs: first, lastMs: last } : undefined;
      const h = list[0]?.header;
      const json: Record<string, unknown> = {
        file: input.name,
        format: description.format,
        version: list[0]?.version,
        fileSize: input.size ?? outcome.offset + outcome.trailingBytes,
        segmentCount: list.length,
        segments: list.map((s) => ({
          index: s.index,
          offset: s.offset,
          version: s.version,
          headerLength: s.headerLength,
          eventsOffset: s.eventsOffset,
          events: perSegment[s.index] ?? 0,
          header: s.header,
        })),
        eventCount: events,
        counts: byType,
        ...(description.infoJson?.(list) ?? {}),
        timeRange: range
          ? { first: isoTime(range.firstMs), last: isoTime(range.lastMs), firstMs: range.firstMs, lastMs: range.lastMs }
          : null,
        timestampRangeMicros: minTs <= maxTs ? { first: minTs, last: maxTs } : null,
        moqtVersion: typeof version === 'number' || typeof version === 'bigint' ? formatMoqtVersion(version) : null,
        end: { state: outcome.state, offset: outcome.offset, complete: outcome.complete },
        problems: { errors: outcome.errors, warnings: outcome.warnings },
      };
      const fields: [string, string][] = [
        ['file', input.name],
        ['format', description.formatText(list)],
        ['file size', count(json.fileSize as number, 'bytes')],
        ...(h ? headerFields(h) : []),
      ];
      if (json.moqtVersion !== null) fields.push(['MoQT version', json.moqtVersion as string]);
      fields.push(
        ['segments', String(list.length)],
        ['events', String(events)],
        ['time range', range ? `${isoTime(range.firstMs)} .. ${isoTime(range.lastMs)}` : '-'],
        ...endFields(outcome),
      );
      const tables: TableSpec[] = [];
      if (list.length > 1) {
        tables.push({
          columns: [
            { title: 'SEGMENT', right: true },
            { title: 'OFFSET', right: true },
            { title: 'VERSION', right: true },
            { title: 'SEQUENCE', right: true },
            { title: 'START' },
            { title: 'EVENTS', right: true },
          ],
          rows: list.map((s) => [
            String(s.index),
            String(s.offset),
            s.version === undefined ? '-' : String(s.version),
            s.header.segment ? String(s.header.segment.sequence) : '-',
            isoTime(s.header.startTime),
            String(perSegment[s.index] ?? 0),
          ]),
        });
      }
      const types = Object.entries(byType);
      if (types.length > 0) {
        tables.push({
          columns: [{ title: 'TYPE' }, { title: 'EVENTS', right: true }],
          rows: types.map(([k, v]) => [{ text: k, style: 'cyan' }, String(v)]),
        });
      }
      return { json, fields, tables } satisfies Report;
    },
  };
}

function show(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(show).join('/');
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return stringifyJson(value);
}

/** Rows made from a source on each iteration (a table reads its rows twice: widths, then lines). */
function mapRows<T>(source: () => Iterable<T>, cells: (item: T) => Cell[]): Iterable<Cell[]> {
  return {
    *[Symbol.iterator]() {
      for (const item of source()) yield cells(item);
    },
  };
}

/** The `stats` report of an event-format read. */
export function eventsStats(input: TraceInput, description: EventsDescription): ReportBuilder<EventsRecord> {
  let stats: StatsBuilder | undefined;
  let tracks: TrackTableBuilder | undefined;
  let segments = 0;
  return {
    add(r) {
      if (r.kind === 'segment') {
        segments++;
        stats ??= createStatsBuilder({ header: r.header });
        tracks ??= createTrackTableBuilder({ header: r.header });
        return;
      }
      stats ??= createStatsBuilder();
      tracks ??= createTrackTableBuilder();
      stats.add(r.event);
      tracks.add(r.event);
    },
    report(outcome) {
      const builder = stats ?? createStatsBuilder();
      // the stream rows stay in the builder's compact store: printed one at a time (JSON array, table lines)
      const s = builder.result({ streams: false });
      const trackBuilder = tracks ?? createTrackTableBuilder();
      // the data streams of a track stay in the builder too (one track may have every data stream of the trace)
      const t = trackBuilder.result({ dataStreams: false });
      const json = {
        file: input.name,
        format: description.format,
        events: s.events,
        segments,
        byType: s.byType,
        byMessage: s.byMessage,
        streams: new JsonRows(() => builder.streams()),
        timeRange: s.timeRange ?? null,
        draft: t.draft ?? null,
        tracks: new JsonRows(() =>
          t.tracks.map((track, i) => ({ ...track, dataStreams: new JsonRows(() => trackBuilder.dataStreams(i)) })),
        ),
        unmatchedResponses: t.unmatchedResponses,
        end: { state: outcome.state, offset: outcome.offset, complete: outcome.complete },
        problems: { errors: outcome.errors, warnings: outcome.warnings },
      };
      const heading = `${input.name}: ${counts({ events: s.events, segments })}, ${draftText(t.draft)}; ${problemCounts(outcome.errors, outcome.warnings)}`;
      const tables: TableSpec[] = [
        {
          columns: [{ title: 'TYPE' }, { title: 'EVENTS', right: true }],
          rows: Object.entries(s.byType).map(([k, v]) => [{ text: k, style: 'cyan' }, String(v)]),
        },
      ];
      const messages = Object.entries(s.byMessage);
      if (messages.length > 0) {
        tables.push({
          columns: [{ title: 'CONTROL MESSAGE' }, { title: 'COUNT', right: true }],
          rows: messages.map(([k, v]) => [k, String(v)]),
        });
      }
      if (builder.streamCount > 0) {
        tables.push({
          columns: [
            { title: 'STREAM', right: true },
            { title: 'OBJECTS', right: true },
            { title: 'PAYLOADS', right: true },
            { title: 'BYTES', right: true },
            { title: 'CLOSED' },
          ],
          rows: mapRows(builder.streams.bind(builder), (x) => [
            String(x.streamId),
            String(x.objects),
            String(x.payloads),
            String(x.bytes),
            x.closed ? `error code ${x.closed.errorCode}` : '-',
          ]),
        });
      }
      const notes: string[] = [];
      if (t.tracks.length === 0) notes.push('no tracks (no subscribe, fetch or publish requests)');
      else {
        tables.push({
          columns: [
            { title: 'REQUEST' },
            { title: 'PAIRING' },
            { title: 'ID', right: true },
            { title: 'NAMESPACE' },
            { title: 'NAME' },
            { title: 'ALIAS', right: true },
            { title: 'STATUS' },
            { title: 'LATENCY µs', right: true },
            { title: 'OBJECTS', right: true },
            { title: 'BYTES', right: true },
            { title: 'REASON' },
          ],
          rows: t.tracks.map((x) => [
            x.request,
            x.pairing,
            x.requestId !== undefined ? String(x.requestId) : x.streamId !== undefined ? `sid ${x.streamId}` : '-',
            show(x.namespace),
            show(x.name),
            x.alias !== undefined ? String(x.alias) : '-',
            x.status,
            x.latencyMicros !== undefined ? String(x.latencyMicros) : '-',
            String(x.objects),
            String(x.bytes),
            x.reason ?? '',
          ]),
        });
      }
      if (t.unmatchedResponses.length > 0) notes.push(count(t.unmatchedResponses.length, 'unmatched responses'));
      return { json, heading, tables, notes } satisfies Report;
    },
  };
}
