/**
 * Trace statistics shared by the CLI and the viewer: counts per event type and per control message, bytes
 * per data stream, time range.
 *
 * @module
 */
import type { TraceEvent } from '../events.js';
import type { TraceHeader } from '../header.js';
import { controlMessageName, detectDraft } from './naming.js';

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

/**
 * Counts and sizes of a list of events (one segment, or a flattened trace).
 *
 * @example
 * ```ts
 * const stats = computeStats(trace.events, { header: trace.segments[0].header });
 * console.log(stats.byType, stats.streams.length, stats.timeRange);
 * ```
 */
export function computeStats(events: readonly TraceEvent[], options: StatsOptions = {}): TraceStats {
  const draft = options.draft ?? detectDraft(options.header, events);
  const byType: Record<string, number> = {};
  const byMessage: Record<string, number> = {};
  const streams = new Map<bigint, StreamStats>();
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
  for (const event of events) {
    byType[event.type] = (byType[event.type] ?? 0) + 1;
    const t = Number(event.timestamp);
    if (t < first) first = t;
    if (t > last) last = t;
    switch (event.type) {
      case 'control': {
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
  }
  const stats: TraceStats = { events: events.length, byType, byMessage, streams: [...streams.values()] };
  if (events.length > 0) {
    stats.timeRange = { first, last };
    if (options.header) {
      stats.wallClock = { start: options.header.startTime + first / 1000, end: options.header.startTime + last / 1000 };
    }
  }
  return stats;
}
