/**
 * `@x/moqtrace/analysis`: control message naming per draft, request pairing (the track table) and statistics,
 * shared by the `xtrace` CLI and the viewer.
 *
 * @example
 * ```ts
 * import { buildTrackTable, computeStats, controlMessageName } from '@x/moqtrace/analysis';
 * const { tracks } = buildTrackTable(trace.events, { header: trace.header });
 * ```
 *
 * @module @x/moqtrace/analysis
 */
export {
  controlMessageName,
  detectDraft,
  draftFromProtocol,
  draftFromVersion,
  KNOWN_DRAFTS,
  MESSAGE_TYPES,
  type MessageTypeRange,
  messageTypeId,
  messageTypeName,
  versionFromDraft,
} from './naming.js';
export {
  buildTrackTable,
  createTrackTableBuilder,
  requestIdOf,
  type TrackEntry,
  type TrackStatus,
  type TrackTable,
  type TrackTableBuilder,
  type TrackTableOptions,
  type TrackTableResultOptions,
} from './pairing.js';
export {
  computeStats,
  createStatsBuilder,
  type StatsBuilder,
  type StatsOptions,
  type StatsResultOptions,
  type StreamStats,
  type TraceStats,
} from './stats.js';
export {
  directionName,
  type EventSummary,
  eventSummaryLine,
  formatMoqtVersion,
  objectStatusName,
  type SummaryContext,
  streamTypeName,
  summarizeEvent,
  valueText,
} from './summary.js';
