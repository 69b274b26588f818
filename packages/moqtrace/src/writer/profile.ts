/**
 * The version-1 profile (spec §7.2): the content every reference reader, Rust 0.1 included, can open; and the
 * version choice of the writers.
 *
 * @module
 */
import { invalidArgument, MoqtraceError } from '../errors.js';
import { DETAIL_LEVELS } from '../events.js';
import type { TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';

/** Which format version to write: `auto` (default), or forced 1 or 2. */
export type VersionChoice = 'auto' | 1 | 2;

/** A segment to write: its header and its events. */
export interface SegmentContent {
  /** The segment header (with a `segment` map when the trace is segmented). */
  readonly header: TraceHeader;
  /** Its events. */
  readonly events: readonly TraceEvent[];
}

/** What {@link writeTrace} accepts: one header with events, or segments (read contents fit). */
export type TraceContent = SegmentContent | { readonly segments: readonly SegmentContent[] };

/** One reason why content is outside the version-1 profile (spec §7.2). */
export interface ProfileViolation {
  /** Short rule name. */
  rule: 'segmented' | 'perspective' | 'detail' | 'event-type' | 'direction' | 'stream-type' | 'annotation-without-data';
  /** Explanation. */
  message: string;
  /** Index of the event concerned (flattened), if any. */
  event?: number;
}

const V1_PERSPECTIVES = new Set(['client', 'server', 'observer']);
const LEVELS = new Set<string>(DETAIL_LEVELS);

/** Header conditions of the version-1 profile. */
export function checkHeaderProfile(header: TraceHeader, segmentCount = 1): ProfileViolation[] {
  const out: ProfileViolation[] = [];
  if (header.segment !== undefined || segmentCount > 1) {
    out.push({ rule: 'segmented', message: 'segmented content needs version 2' });
  }
  if (!V1_PERSPECTIVES.has(header.perspective)) {
    out.push({
      rule: 'perspective',
      message: `perspective ${JSON.stringify(header.perspective)} is not client/server/observer`,
    });
  }
  if (!LEVELS.has(header.detail)) {
    out.push({ rule: 'detail', message: `detail ${JSON.stringify(header.detail)} is not one of the five levels` });
  }
  return out;
}

/** Event conditions of the version-1 profile; `undefined` when the event fits. */
export function checkEventProfile(event: TraceEvent, index?: number): ProfileViolation | undefined {
  const at = index === undefined ? {} : { event: index };
  switch (event.type) {
    case 'control':
    case 'stream-opened':
      if (event.direction !== 0 && event.direction !== 1) {
        return { rule: 'direction', message: `direction ${String(event.direction)} is not 0 or 1`, ...at };
      }
      if (
        event.type === 'stream-opened' &&
        event.streamType !== 0 &&
        event.streamType !== 1 &&
        event.streamType !== 2
      ) {
        return { rule: 'stream-type', message: `streamType ${String(event.streamType)} is not 0, 1 or 2`, ...at };
      }
      return undefined;
    case 'stream-closed':
    case 'object-header':
    case 'object-payload':
    case 'state-change':
    case 'error':
      return undefined;
    case 'annotation':
      return event.data === undefined
        ? { rule: 'annotation-without-data', message: 'annotation without data', ...at }
        : undefined;
    default:
      return { rule: 'event-type', message: `event type ${String(event.type)} needs version 2`, ...at };
  }
}

/** The segments of writable content (checked). */
export function segmentsOf(content: TraceContent): readonly SegmentContent[] {
  if (typeof content !== 'object' || content === null) throw invalidArgument('content', 'must be an object');
  const segments = 'segments' in content ? content.segments : [content as SegmentContent];
  if (!Array.isArray(segments) || segments.length === 0) {
    throw invalidArgument('segments', 'a trace needs at least one segment');
  }
  segments.forEach((segment, i) => {
    if (
      typeof segment !== 'object' ||
      segment === null ||
      typeof segment.header !== 'object' ||
      segment.header === null
    ) {
      throw invalidArgument(`segments[${i}].header`, 'must be a header object');
    }
    if (!Array.isArray(segment.events)) throw invalidArgument(`segments[${i}].events`, 'must be an array of events');
  });
  return segments;
}

/**
 * Every reason why `content` is outside the version-1 profile (empty: it fits and `auto` writes version 1).
 *
 * @example
 * ```ts
 * if (checkVersion1Profile(trace).length === 0) console.log('Rust 0.1 can open this');
 * ```
 */
export function checkVersion1Profile(content: TraceContent): ProfileViolation[] {
  const segments = segmentsOf(content);
  const out: ProfileViolation[] = [];
  for (const segment of segments) out.push(...checkHeaderProfile(segment.header, segments.length));
  let index = 0;
  for (const segment of segments) {
    for (const event of segment.events) {
      const violation = checkEventProfile(event, index++);
      if (violation) out.push(violation);
    }
  }
  return out;
}

/** The version to write for `choice` given the profile violations; `dataNull`: write `data: null` (forced 1). */
export function resolveVersion(
  choice: VersionChoice,
  violations: ProfileViolation[],
): { version: 1 | 2; dataNull: boolean } {
  if (choice === 2) return { version: 2, dataNull: false };
  if (choice === 1) {
    const blocking = violations.filter((violation) => violation.rule !== 'annotation-without-data');
    if (blocking.length > 0) {
      throw new MoqtraceError(
        'INVALID_ARGUMENT',
        `version: 1 forced on content that needs version 2: ${(blocking[0] as ProfileViolation).message}`,
        { key: 'version' },
      );
    }
    return { version: 1, dataNull: true };
  }
  if (choice !== 'auto') throw invalidArgument('version', `must be 'auto', 1 or 2, got ${String(choice)}`);
  return { version: violations.length === 0 ? 1 : 2, dataNull: false };
}
