/**
 * Trace statistics shared by the CLI and the viewer: counts per event type and per control message, bytes
 * per data stream, time range.
 *
 * @module
 */

import { messageAsMap } from '../events.js';
import type { TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';
import { controlMessageName, detectDraft, draftFromProtocol, draftFromVersion } from './naming.js';

/** Bytes and objects seen on one data stream. */
export interface StreamStats {
  /** QUIC stream id. */
  streamId: bigint;
  /** Object headers (event 3). */
  objects: number;
  /** Payloads (event 4). */
  payloads: number;
  /** Sum of payload sizes (event 4 `size`). */
  bytes: number;
  /** Whether a stream-closed event was seen, and its error code. */
  closed?: { errorCode: number | bigint };
}

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

/** Incremental {@link computeStats}: feed events in order, read the statistics at any time. */
export interface StatsBuilder {
  /** Adds the next event. */
  add(event: TraceEvent): void;
  /** The statistics so far (a fresh object each call). */
  result(): TraceStats;
}

/**
 * Creates incremental statistics: O(1) work per event, memory proportional to data streams and message names.
 * Without `draft` the draft comes from the header's `protocol`, else from the first SETUP with a
 * `selected_version` (messages before it are named without a draft).
 *
 * @example
 * ```ts
 * const stats = createStatsBuilder({ header });
 * await streamTrace(file, { event: (event) => stats.add(event) });
 * console.log(stats.result().byType);
 * ```
 */
export function createStatsBuilder(options: StatsOptions = {}): StatsBuilder {
  let draft = options.draft ?? draftFromProtocol(options.header?.protocol);
  let draftKnown = draft !== undefined;
  const byType: Record<string, number> = {};
  const byMessage: Record<string, number> = {};
  const streams = new Map<bigint, StreamStats>();
  let count = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const stream = (id: bigint): StreamStats => {
    let entry = streams.get(id);
    if (!entry) {
      entry = { streamId: id, objects: 0, payloads: 0, bytes: 0 };
      streams.set(id, entry);
    }
    return entry;
  };
  return {
    add(event) {
      count++;
      byType[event.type] = (byType[event.type] ?? 0) + 1;
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
          stream(event.streamId);
          break;
        case 'object-header':
          stream(event.streamId).objects++;
          break;
        case 'object-payload': {
          const entry = stream(event.streamId);
          entry.payloads++;
          entry.bytes += Number(event.size);
          break;
        }
        case 'stream-closed':
          stream(event.streamId).closed = { errorCode: event.errorCode };
          break;
        default:
          break;
      }
    },
    result() {
      const stats: TraceStats = {
        events: count,
        byType: { ...byType },
        byMessage: { ...byMessage },
        streams: [...streams.values()].map((s) => ({ ...s })),
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
