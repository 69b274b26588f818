/**
 * The `events` row of a trace event, two ways: {@link fillEventRow} sets the values of a row array (every event, any
 * sink), and {@link EventRowWriter} writes the load-format line of the frequent events (object headers and
 * payloads, stream closes: 98% of a typical trace) straight from the event into the load bytes, with no row array,
 * no per-column dispatch and one room check per row. The writer gives the same bytes as the generic row writer
 * over {@link fillEventRow}'s row (a fast-check property test), or writes nothing and leaves the event to it.
 *
 * @internal
 * @module
 */
import { EVENT_TYPE_IDS, type KnownEventTypeName, messageAsMap, type TraceEvent } from '@x/moqtrace';
import { controlMessageName, directionName, requestIdOf } from '@x/moqtrace/analysis';
import { asciiBytes, type ByteOut, digitsOf, isDigits, putBytes, putDigits } from '../byte-out.js';
import { LOAD_QUOTE } from '../load.js';
import type { LoadValue } from '../tables/types.js';
import { int64, timeMicros, u64 } from './sink.js';

/** Index of `direction` in an event row; the per-type columns follow it up to `peer`. */
const DIRECTION = 8;
/** Index of `peer` in an event row (`fields`, `_time_us`, `_publisher_priority` and `_object_status` follow). */
const PEER = 20;
/** Inputs of an event row. */
export const EVENT_INPUTS = 25;

/** Sets the per-type columns of an event row (`direction` … `label`; they start NULL). */
function setTypeColumns(row: LoadValue[], event: TraceEvent, draft: number | undefined): void {
  const d = DIRECTION;
  switch (event.type) {
    case 'control':
      row[d] = directionName(event) ?? null;
      row[d + 1] = u64(event.messageType);
      row[d + 2] = controlMessageName(event, draft);
      row[d + 3] = u64(event.streamId);
      row[d + 7] = requestIdOf(event.message, draft) ?? null;
      row[d + 8] = u64(messageAsMap(event.message)?.track_alias);
      break;
    case 'stream-opened':
      row[d] = directionName(event) ?? null;
      row[d + 3] = event.streamId;
      row[d + 4] = event.groupId ?? null;
      row[d + 8] = event.trackAlias ?? null;
      break;
    case 'stream-closed':
      row[d + 3] = event.streamId;
      row[d + 9] = u64(event.errorCode);
      break;
    case 'object-header':
      row[d + 3] = event.streamId;
      row[d + 4] = event.groupId;
      row[d + 5] = event.objectId;
      break;
    case 'object-payload':
      row[d + 3] = event.streamId;
      row[d + 4] = event.groupId;
      row[d + 5] = event.objectId;
      row[d + 6] = u64(event.size);
      break;
    case 'error':
      row[d + 3] = event.streamId ?? null;
      row[d + 9] = u64(event.errorCode);
      row[d + 10] = event.reason;
      break;
    case 'annotation':
      row[d + 11] = event.label;
      break;
    case 'peer-disconnected':
      row[d + 9] = u64(event.errorCode);
      row[d + 10] = event.reason ?? null;
      break;
    case 'subscription-derivation':
      row[d + 7] = event.upstream.requestId;
      break;
    default:
      break;
  }
}

/** Where an event is: the `file`, `file_date`, `segment` and `offset` of its row, and its segment's startTime (ms). */
export interface EventPlace {
  /** The `file` value. */
  readonly file: string;
  /** The `file_date` value. */
  readonly date: string | null;
  /** Segment index. */
  readonly segment: number;
  /** File offset of the event item. */
  readonly offset: number;
  /** startTime of the segment's header (ms since the epoch). */
  readonly startTime: number;
}

/**
 * Sets every input of the `events` row of `event` in `row` (length {@link EVENT_INPUTS}): `fields` is the value
 * given (the JSON text, a deferred rendering, or NULL when not needed); `draft` names control messages.
 */
export function fillEventRow(
  row: LoadValue[],
  place: EventPlace,
  event: TraceEvent,
  draft: number | undefined,
  fields: LoadValue,
): void {
  const typeId = event.type === 'unknown' ? event.eventType : EVENT_TYPE_IDS[event.type as KnownEventTypeName];
  row[0] = place.file;
  row[1] = place.date;
  row[2] = place.segment;
  row[3] = place.offset;
  row[4] = u64(event.seq);
  row[5] = int64(event.timestamp);
  row[6] = event.type;
  row[7] = u64(typeId);
  for (let i = DIRECTION; i < PEER; i++) row[i] = null;
  row[PEER] = event.peer;
  row[PEER + 1] = fields;
  row[PEER + 2] = timeMicros(place.startTime, event.timestamp);
  // Inputs of the `fields` JSON built from the columns: NULL, `fields` is given.
  row[PEER + 3] = null;
  row[PEER + 4] = null;
  setTypeColumns(row, event, draft);
}

const COMMA = 0x2c;
const Q = LOAD_QUOTE;
const ids = EVENT_TYPE_IDS;
// The constant bytes between the values of a line, by event type: `type`, `type_id` and the NULL per-type columns
// up to `stream_id`; after the type's last column, NULLs up to `peer` and a NULL `fields` (the `fields` column
// builds the same JSON from the columns).
const HEADER_HEAD = asciiBytes(`${Q}object-header${Q},${ids['object-header']},,,,`);
const HEADER_TAIL = asciiBytes(',,,,,,,,,');
const PAYLOAD_HEAD = asciiBytes(`${Q}object-payload${Q},${ids['object-payload']},,,,`);
const PAYLOAD_TAIL = asciiBytes(',,,,,,,,');
const CLOSED_HEAD = asciiBytes(`${Q}stream-closed${Q},${ids['stream-closed']},,,,`);
const CLOSED_MIDDLE = asciiBytes(',,,,,,');
const CLOSED_TAIL = asciiBytes(',,,,,');
// No `_publisher_priority` and `_object_status`, and the newline.
const NO_OBJECT_FIELDS = asciiBytes(',,\n');

/** Room for a line besides its `file` and `file_date`: at most 12 numbers of at most 16 digits and ~100 bytes. */
const ROW_ROOM = 512;

/** Takes back a line begun at `start`. */
function undo(out: ByteOut, start: number): false {
  out.length = start;
  return false;
}

/** The number of an id written as digits (a bigint from 0 to 2^53 - 1), else -1. */
function idNumber(value: unknown): number {
  return typeof value === 'bigint' ? digitsOf(value) : -1;
}

/**
 * Writes `events` load lines of one file straight from the events. {@link EventRowWriter.write} takes the usual
 * forms of object headers, object payloads and stream closes (ids as bigints below 2^53, numbers as non-negative
 * safe integers, no peer, no extra members, no payload bytes): the ones whose canonical JSON the `fields` column
 * builds from the other columns (`fields` is left NULL, the object header's priority and status go to hidden
 * inputs). For anything else it writes nothing and returns false, and the caller writes the row of
 * {@link fillEventRow}.
 *
 * @example
 * ```ts
 * const writer = new EventRowWriter('a.moqtrace', '2026-12-07');
 * if (!writer.write(buffer, segment, offset, startTime, event)) spool.add(write, row);
 * ```
 */
export class EventRowWriter {
  /** `file` quoted and `file_date`, with their commas. */
  private readonly prefix: Uint8Array;

  constructor(file: string, date: string | null) {
    const quoted = `${Q}${file.replaceAll(Q, Q + Q)}${Q}`;
    this.prefix = new TextEncoder().encode(`${quoted},${date ?? ''},`);
  }

  /**
   * Writes the line of `event` (at `segment`/`offset`, its segment starting at `startTime` ms) at the end of `out`
   * and returns true, or returns false with `out` unchanged.
   */
  write(out: ByteOut, segment: number, offset: number, startTime: number, event: TraceEvent): boolean {
    const { seq, timestamp } = event;
    if (!isDigits(seq) || !isDigits(timestamp) || !isDigits(segment) || !isDigits(offset)) return false;
    if (event.peer !== undefined || (event as { extra?: unknown }).extra !== undefined) return false;
    // `_time_us` as timeMicros gives it.
    const time = startTime * 1000 + timestamp;
    if (!isDigits(time)) return false;
    const type = event.type;
    if (type !== 'object-header' && type !== 'object-payload' && type !== 'stream-closed') return false;
    const stream = idNumber(event.streamId);
    if (stream < 0) return false;
    const start = out.length;
    out.reserve(this.prefix.length + ROW_ROOM);
    const bytes = out.bytes;
    putBytes(out, this.prefix);
    putDigits(out, segment);
    bytes[out.length++] = COMMA;
    putDigits(out, offset);
    bytes[out.length++] = COMMA;
    putDigits(out, seq);
    bytes[out.length++] = COMMA;
    putDigits(out, timestamp);
    bytes[out.length++] = COMMA;
    if (type === 'stream-closed') {
      const code = event.errorCode;
      if (!isDigits(code)) return undo(out, start);
      putBytes(out, CLOSED_HEAD);
      putDigits(out, stream);
      putBytes(out, CLOSED_MIDDLE);
      putDigits(out, code);
      putBytes(out, CLOSED_TAIL);
      putDigits(out, time);
      putBytes(out, NO_OBJECT_FIELDS);
      return true;
    }
    const group = idNumber(event.groupId);
    const object = idNumber(event.objectId);
    if (group < 0 || object < 0) return undo(out, start);
    const header = type === 'object-header';
    putBytes(out, header ? HEADER_HEAD : PAYLOAD_HEAD);
    putDigits(out, stream);
    bytes[out.length++] = COMMA;
    putDigits(out, group);
    bytes[out.length++] = COMMA;
    putDigits(out, object);
    if (header) {
      const { publisherPriority, objectStatus } = event;
      if (!isDigits(publisherPriority) || !isDigits(objectStatus)) return undo(out, start);
      putBytes(out, HEADER_TAIL);
      putDigits(out, time);
      bytes[out.length++] = COMMA;
      putDigits(out, publisherPriority);
      bytes[out.length++] = COMMA;
      putDigits(out, objectStatus);
      bytes[out.length++] = 0x0a;
    } else {
      const size = event.size;
      if (!isDigits(size) || event.payload !== undefined) return undo(out, start);
      bytes[out.length++] = COMMA;
      putDigits(out, size);
      putBytes(out, PAYLOAD_TAIL);
      putDigits(out, time);
      putBytes(out, NO_OBJECT_FIELDS);
    }
    return true;
  }
}

/** A sink's own writer of `events` rows for one file (see {@link EVENT_ROWS}). */
export interface EventRows {
  /**
   * Adds the row of `event` (at `segment`/`offset`, its segment starting at `startTime` ms) and returns true, or
   * returns false having added nothing: the scanner then adds the row of {@link fillEventRow} through `add`.
   */
  add(segment: number, offset: number, startTime: number, event: TraceEvent): boolean;
}

/**
 * Marks a row sink that writes `events` rows straight from the events: `sink[EVENT_ROWS](file, date)` gives its
 * {@link EventRows} for one file, or `undefined` (every row through `add`). Used only when every input of `events`
 * is needed.
 */
export const EVENT_ROWS: unique symbol = Symbol('@x/analytics.eventRows');

/** A row sink with {@link EVENT_ROWS}. */
export interface EventRowsSink {
  /** The sink's {@link EventRows} for the rows of `file`. */
  [EVENT_ROWS](file: string, date: string | null): EventRows | undefined;
}
