/**
 * Segments (spec §2.3): the per-segment record of a read, consistency checks between segment headers, and
 * the flattened and global-order views.
 *
 * @module
 */
import type { TraceSegment } from './reader/types.js';
import type { TraceEvent } from './schemas/events.js';
import type { TraceHeader } from './schemas/header.js';

/** A warning about how one segment header relates to the previous one. */
export interface SegmentWarning {
  /** Which rule: `missing-segment`, `sequence-gap`, `sequence-decrease`, `mismatch`. */
  rule: 'missing-segment' | 'sequence-gap' | 'sequence-decrease' | 'mismatch';
  /** Human-readable explanation. */
  message: string;
}

const SHARED_KEYS = ['protocol', 'perspective', 'detail', 'sessionId'] as const;

/**
 * Checks a later segment header against the previous one (spec §2.3): equal `protocol`, `perspective`,
 * `detail`, `sessionId` and `segment.streamId`; `segment.sequence` one above. Returns warnings (never fatal).
 *
 * @example
 * ```ts
 * for (const warning of checkSegmentHeaders(previous.header, next.header)) console.warn(warning.message);
 * ```
 */
export function checkSegmentHeaders(previous: TraceHeader, next: TraceHeader): SegmentWarning[] {
  const warnings: SegmentWarning[] = [];
  if (!next.segment) {
    warnings.push({ rule: 'missing-segment', message: 'a later preamble starts a segment without segment metadata' });
  }
  for (const key of SHARED_KEYS) {
    if (previous[key] !== next[key]) {
      warnings.push({
        rule: 'mismatch',
        message: `${key} differs between segments: ${JSON.stringify(previous[key])} then ${JSON.stringify(next[key])}`,
      });
    }
  }
  if (previous.segment && next.segment) {
    if (previous.segment.streamId !== next.segment.streamId) {
      warnings.push({ rule: 'mismatch', message: 'segment.streamId differs between segments' });
    }
    const expected = previous.segment.sequence + 1;
    if (next.segment.sequence < expected) {
      warnings.push({
        rule: 'sequence-decrease',
        message: `segment.sequence ${next.segment.sequence} after ${previous.segment.sequence}`,
      });
    } else if (next.segment.sequence > expected) {
      warnings.push({
        rule: 'sequence-gap',
        message: `segment.sequence ${next.segment.sequence} after ${previous.segment.sequence} (gap)`,
      });
    }
  }
  return warnings;
}

/** True when the trace is segmented: its headers carry a `segment` map. */
export function isSegmented(segments: readonly { header: TraceHeader }[]): boolean {
  return segments.some((segment) => segment.header.segment !== undefined);
}

/** Events of all segments concatenated in file order (so `seq` restarts per segment). */
export function flattenSegments(segments: readonly TraceSegment[]): TraceEvent[] {
  if (segments.length === 1) return (segments[0] as TraceSegment).events;
  const out: TraceEvent[] = [];
  for (const segment of segments) for (const event of segment.events) out.push(event);
  return out;
}

/**
 * Absolute time of an event in epoch milliseconds (segment `startTime` + `t` µs / 1000).
 *
 * @example
 * ```ts
 * new Date(eventTimeMs(segment.header, event));
 * ```
 */
export function eventTimeMs(header: TraceHeader, event: TraceEvent): number {
  return header.startTime + Number(event.timestamp) / 1000;
}
