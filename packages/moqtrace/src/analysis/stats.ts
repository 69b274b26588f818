/**
 * Trace statistics shared by the CLI and the viewer: counts per event type and per control message, a row per
 * data stream (how it was opened and closed, objects, bytes, time span), time range.
 *
 * @module
 */

import { messageAsMap, type Numeric } from '../events.js';
import type { TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';
import { controlMessageName, detectDraft, draftFromProtocol, draftFromVersion } from './naming.js';

/**
 * What the events of one data stream say about it: how it was opened (event 1), its objects and bytes (events 3
 * and 4), how it was closed (event 2), and when it was used. Event indexes count every event added to the
 * builder (the flattened events of a multi-segment trace), like {@link TrackEntry.requestIndex}.
 */
export interface StreamStats {
  /** QUIC stream id. */
  streamId: bigint;
  /** `direction` of the stream-opened event (0 outgoing, 1 incoming; {@link directionName} names it). */
  direction?: Numeric;
  /** `streamType` of the stream-opened event (0 subgroup, 1 datagram, 2 fetch; {@link streamTypeName}). */
  streamType?: Numeric;
  /** Track alias of a subgroup stream (stream-opened `trackAlias`). */
  trackAlias?: bigint;
  /** Subgroup id of a subgroup stream (stream-opened `subgroupId`). */
  subgroupId?: bigint;
  /** Group id of a subgroup stream (stream-opened `groupId`). */
  groupId?: bigint;
  /** Request id of a fetch stream (stream-opened `fetchRequestId`). */
  fetchRequestId?: bigint;
  /** Index of the stream-opened event, when one was seen (the first one when the id was reused). */
  openIndex?: number;
  /** Index of the stream-closed event, when one was seen (the last one). */
  closeIndex?: number;
  /** Object headers (event 3). */
  objects: number;
  /** Payloads (event 4). */
  payloads: number;
  /** Sum of payload sizes (event 4 `size`). */
  bytes: number;
  /** Whether a stream-closed event was seen, and its error code. */
  closed?: { errorCode: Numeric };
  /** Smallest `timestamp` (µs) of the stream's events (events 1–4). */
  firstTimestamp: number;
  /** Largest `timestamp` (µs) of the stream's events (events 1–4). */
  lastTimestamp: number;
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
  const streams = new Map<bigint, StreamStats>();
  let count = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  // Events of one stream tend to come in runs (an object's header, then its payload): the last row is kept at hand.
  let lastEntry: StreamStats | undefined;
  const stream = (id: bigint, time: number): StreamStats => {
    let entry = lastEntry !== undefined && lastEntry.streamId === id ? lastEntry : streams.get(id);
    if (!entry) {
      entry = { streamId: id, objects: 0, payloads: 0, bytes: 0, firstTimestamp: time, lastTimestamp: time };
      streams.set(id, entry);
    } else {
      if (time < entry.firstTimestamp) entry.firstTimestamp = time;
      if (time > entry.lastTimestamp) entry.lastTimestamp = time;
    }
    lastEntry = entry;
    return entry;
  };
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
        case 'stream-opened': {
          const entry = stream(event.streamId, t);
          if (entry.openIndex === undefined) {
            entry.openIndex = index;
            entry.direction = event.direction;
            entry.streamType = event.streamType;
            if (event.trackAlias !== undefined) entry.trackAlias = event.trackAlias;
            if (event.subgroupId !== undefined) entry.subgroupId = event.subgroupId;
            if (event.groupId !== undefined) entry.groupId = event.groupId;
            if (event.fetchRequestId !== undefined) entry.fetchRequestId = event.fetchRequestId;
          }
          break;
        }
        case 'object-header':
          stream(event.streamId, t).objects++;
          break;
        case 'object-payload': {
          const entry = stream(event.streamId, t);
          entry.payloads++;
          entry.bytes += Number(event.size);
          break;
        }
        case 'stream-closed': {
          const entry = stream(event.streamId, t);
          entry.closed = { errorCode: event.errorCode };
          entry.closeIndex = index;
          break;
        }
        default:
          break;
      }
    },
    result() {
      const stats: TraceStats = {
        events: count,
        byType: Object.fromEntries(byType),
        byMessage: { ...byMessage },
        streams: [...streams.values()].map((s) => ({ ...s, ...(s.closed ? { closed: { ...s.closed } } : {}) })),
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
