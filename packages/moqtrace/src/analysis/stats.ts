/**
 * Trace statistics shared by the CLI and the viewer: counts per event type and per control message, a row per
 * data stream (how it was opened and closed, objects, bytes, time span), time range.
 *
 * @module
 */

import { messageAsMap } from '../events.js';
import type { TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';
import { controlMessageName, detectDraft, draftFromProtocol, draftFromVersion } from './naming.js';
import { StreamRows, type StreamStats } from './stream-rows.js';

export type { StreamStats } from './stream-rows.js';

/** The result of {@link computeStats}. */
export interface TraceStats {
  /** Number of events. */
  events: number;
  /** Events per type name (`unknown` for undefined types). */
  byType: Record<string, number>;
  /** Control messages per name (spec §9.1). */
  byMessage: Record<string, number>;
  /** Data streams in order of first appearance. */
  streams: StreamStats[];
  /** Smallest and largest `timestamp` (µs), when there are events. */
  timeRange?: { first: number; last: number };
  /** Absolute time range (epoch ms) when a header is given. */
  wallClock?: { start: number; end: number };
}

/** Options of {@link computeStats}. */
export interface StatsOptions {
  /** Header, for draft detection and the absolute time range. */
  header?: TraceHeader;
  /** Draft to name control messages with (default: detected). */
  draft?: number;
}

/** Options of {@link StatsBuilder.result}. */
export interface StatsResultOptions {
  /**
   * Include the data-stream rows (default `true`). With `false`, `streams` is an empty array: read the rows one
   * at a time with {@link StatsBuilder.streams} instead, so that a trace with many data streams never holds
   * them all as objects.
   */
  streams?: boolean;
}

/** Incremental {@link computeStats}: feed events in order, read the statistics at any time. */
export interface StatsBuilder {
  /** Adds the next event. */
  add(event: TraceEvent): void;
  /** The statistics so far (a fresh object each call); `{ streams: false }` leaves the stream rows out. */
  result(options?: StatsResultOptions): TraceStats;
  /** Number of data streams so far (the length of `result().streams`). */
  readonly streamCount: number;
  /**
   * The data-stream rows so far, in order of first appearance, made one at a time (each a fresh object, equal
   * to the matching element of `result().streams`). Memory stays flat however many streams there are.
   *
   * @example
   * ```ts
   * const summary = stats.result({ streams: false });
   * for (const row of stats.streams()) console.log(row.streamId, row.objects, row.bytes);
   * ```
   */
  streams(): IterableIterator<StreamStats>;
}

/**
 * Creates incremental statistics: O(1) work per event, memory proportional to data streams and message names
 * (about 95 bytes per data stream with its index entry: the rows are stored compactly and become
 * {@link StreamStats} objects only when read).
 * The streams are kept in order of first appearance; an event on a stream id the builder has not seen (an
 * object before its stream-opened, for example) starts its row.
 * Without `draft` the draft comes from the header's `protocol`, else from the first SETUP with a
 * `selected_version` (messages before it are named without a draft).
 *
 * @example
 * ```ts
 * const reader = await openTraceReader(file);
 * const stats = createStatsBuilder({ header: reader.header });
 * for await (const { event } of reader) stats.add(event);
 * console.log(stats.result().byType, stats.result().streams);
 * ```
 */
export function createStatsBuilder(options: StatsOptions = {}): StatsBuilder {
  let draft = options.draft ?? draftFromProtocol(options.header?.protocol);
  let draftKnown = draft !== undefined;
  const byType = new Map<string, number>();
  const byMessage: Record<string, number> = {};
  const streams = new StreamRows();
  let count = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  return {
    add(event) {
      const index = count++;
      byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
      const t = Number(event.timestamp);
      if (t < first) first = t;
      if (t > last) last = t;
      switch (event.type) {
        case 'control': {
          if (!draftKnown) {
            const found = draftFromVersion(messageAsMap(event.message)?.selected_version);
            if (found !== undefined) {
              draft = found;
              draftKnown = true;
            }
          }
          const name = controlMessageName(event, draft);
          byMessage[name] = (byMessage[name] ?? 0) + 1;
          break;
        }
        case 'stream-opened':
          streams.opened(event.streamId, t, index, event);
          break;
        case 'object-header':
          streams.object(event.streamId, t);
          break;
        case 'object-payload':
          streams.payload(event.streamId, t, Number(event.size));
          break;
        case 'stream-closed':
          streams.closed(event.streamId, t, index, event.errorCode);
          break;
        default:
          break;
      }
    },
    result(resultOptions = {}) {
      const rows: StreamStats[] = [];
      if (resultOptions.streams !== false) for (let i = 0; i < streams.count; i++) rows.push(streams.get(i));
      const stats: TraceStats = {
        events: count,
        byType: Object.fromEntries(byType),
        byMessage: { ...byMessage },
        streams: rows,
      };
      if (count > 0) {
        stats.timeRange = { first, last };
        if (options.header) {
          stats.wallClock = {
            start: options.header.startTime + first / 1000,
            end: options.header.startTime + last / 1000,
          };
        }
      }
      return stats;
    },
    get streamCount() {
      return streams.count;
    },
    *streams() {
      for (let i = 0; i < streams.count; i++) yield streams.get(i);
    },
  };
}

/**
 * Counts and sizes of a list of events (one segment, or a flattened trace). The draft is detected over the whole
 * array first; see {@link createStatsBuilder} for streaming.
 *
 * @example
 * ```ts
 * const stats = computeStats(trace.events, { header: trace.segments[0].header });
 * console.log(stats.byType, stats.streams.length, stats.timeRange);
 * ```
 */
export function computeStats(events: readonly TraceEvent[], options: StatsOptions = {}): TraceStats {
  const builder = createStatsBuilder({ ...options, draft: options.draft ?? detectDraft(options.header, events) });
  for (const event of events) builder.add(event);
  return builder.result();
}
