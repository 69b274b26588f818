/**
 * The `cat` filter of the event formats: event type (name or number), direction, time range (µs relative to
 * the segment's `startTime`, or ISO-8601).
 *
 * @module
 */
import { EVENT_TYPE_IDS, eventTimeMs, eventTypeId, type TraceEvent } from '@x/moqtrace';
import { usage } from '../../errors.js';
import { parseTimeBound, type TimeBound } from '../../time.js';
import type { CatOptions, RecordFilter } from '../types.js';
import { type EventsRecord, SegmentTracker } from './records.js';

function typeMatcher(type: string | undefined): ((event: TraceEvent) => boolean) | undefined {
  if (type === undefined) return undefined;
  if (/^\d+$/.test(type)) {
    const id = Number(type);
    return (event) => Number(eventTypeId(event)) === id;
  }
  if (type in EVENT_TYPE_IDS || type === 'unknown') return (event) => event.type === type;
  throw usage(
    `--type: unknown event type "${type}" (one of ${Object.keys(EVENT_TYPE_IDS).join(', ')}, unknown, or a number)`,
  );
}

/** The event filter of `cat` (segment starts always pass). */
export function eventsFilter(options: CatOptions, label: string): RecordFilter<EventsRecord> {
  if (options.stream !== undefined) throw usage(`--stream applies to .ss files only, not ${label}`);
  if (options.shard !== undefined) throw usage(`--shard applies to .ss files only, not ${label}`);
  if (options.beacons) throw usage(`--beacons applies to .ss files only, not ${label}`);
  const type = typeMatcher(options.type);
  const direction = options.direction === undefined ? undefined : options.direction === 'tx' ? 0 : 1;
  const from: TimeBound | undefined = options.from === undefined ? undefined : parseTimeBound(options.from, '--from');
  const to: TimeBound | undefined = options.to === undefined ? undefined : parseTimeBound(options.to, '--to');
  if (type === undefined && direction === undefined && from === undefined && to === undefined) {
    return { matches: () => true, finish: () => undefined };
  }
  const segments = new SegmentTracker();
  const time = (bound: TimeBound, record: Extract<EventsRecord, { kind: 'event' }>): [number, number] => {
    if (bound.kind === 'number') return [Number(record.event.timestamp), bound.value];
    const header = segments.header(record.segment);
    return [header ? eventTimeMs(header, record.event) : Number(record.event.timestamp) / 1000, bound.ms];
  };
  return {
    matches(record) {
      segments.see(record);
      if (record.kind !== 'event') return true;
      const event = record.event;
      if (type !== undefined && !type(event)) return false;
      if (direction !== undefined) {
        const d = (event as { direction?: unknown }).direction;
        if (d === undefined || Number(d) !== direction) return false;
      }
      if (from !== undefined) {
        const [v, b] = time(from, record);
        if (v < b) return false;
      }
      if (to !== undefined) {
        const [v, b] = time(to, record);
        if (v > b) return false;
      }
      return true;
    },
    finish: () => undefined,
  };
}
