/**
 * The records of the event formats (`.moqtrace`, qlog): events with their offset and segment, and segment
 * starts with the segment's header. Both readings hand these out, so that filters, renderers, reports and
 * writers are shared.
 *
 * @module
 */
import { messageAsMap, type TraceEvent, type TraceHeader } from '@x/moqtrace';
import { draftFromProtocol, draftFromVersion } from '@x/moqtrace/analysis';

/** An event. */
export interface EventRecord {
  /** Discriminant. */
  readonly kind: 'event';
  /** Byte offset of its item (`.moqtrace`) or qlog record. */
  readonly offset: number;
  /** Index of its segment. */
  readonly segment: number;
  /** The event. */
  readonly event: TraceEvent;
}

/** A segment starts (a `.moqtrace` preamble and header, a qlog trace or exported segment). */
export interface SegmentRecord {
  /** Discriminant. */
  readonly kind: 'segment';
  /** Byte offset where it starts. */
  readonly offset: number;
  /** 0-based index. */
  readonly index: number;
  /** Its header. */
  readonly header: TraceHeader;
  /** `.moqtrace` only: format version of the preamble. */
  readonly version?: number;
  /** `.moqtrace` only: length of the header map. */
  readonly headerLength?: number;
  /** `.moqtrace` only: offset of the first event. */
  readonly eventsOffset?: number;
}

/** A record of an event format. */
export type EventsRecord = EventRecord | SegmentRecord;

/** The headers and drafts of the segments read so far (memory: one entry per segment). */
export class SegmentTracker {
  private readonly headers: TraceHeader[] = [];
  private readonly drafts: (number | undefined)[] = [];

  /** Notes a record: a segment's header, or a SETUP that tells the draft of a segment without one. */
  see(record: EventsRecord): void {
    if (record.kind === 'segment') {
      this.headers[record.index] = record.header;
      this.drafts[record.index] = draftFromProtocol(record.header.protocol);
      return;
    }
    const e = record.event;
    if (e.type === 'control' && this.drafts[record.segment] === undefined) {
      const draft = draftFromVersion(messageAsMap(e.message)?.selected_version);
      if (draft !== undefined) this.drafts[record.segment] = draft;
    }
  }

  /** The header of segment `index`. */
  header(index: number): TraceHeader | undefined {
    return this.headers[index];
  }

  /** The MoQT draft of segment `index`, when known. */
  draft(index: number): number | undefined {
    return this.drafts[index];
  }
}
