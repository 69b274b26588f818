/**
 * The `fields` value of an `events` row rendered straight into load bytes: the canonical JSON of an event
 * (`renderEventJson(event, { fullBytes: true })` of `@x/moqtrace/ndjson`, what `xtrace cat --format ndjson`
 * prints) written byte by byte for the frequent events (object headers and payloads, stream closes) without an
 * intermediate string, and through that string for every other event. A scan builds an {@link EventJson} (the
 * event, not yet rendered) only for sinks that ask for it ({@link DEFERRED_JSON}); anything else gets the text.
 *
 * @internal
 * @module
 */
import type { TraceEvent } from '@x/moqtrace';
import { renderEventJson } from '@x/moqtrace/ndjson';
import { asciiBytes, type ByteOut, digitsOf, isDigits, putBytes, putDigits } from './byte-out.js';
import { JSON_PARTS } from './tables/moqtrace.js';

const FULL_BYTES = { fullBytes: true } as const;

/**
 * Marks a row sink that accepts {@link EventJson} values in place of the `fields` text of `events` rows (it writes
 * them with {@link writeEventJson}, or `String(value)`).
 */
export const DEFERRED_JSON: unique symbol = Symbol('@x/analytics.deferredJson');

/** The `fields` value of an event, rendered when written. `String(value)` is the text. */
export class EventJson {
  /** @param event - the event (a scan reuses one EventJson for every event of a file: see scanTrace) */
  constructor(public event: TraceEvent) {}

  /** The canonical JSON text. */
  toString(): string {
    return renderEventJson(this.event, FULL_BYTES);
  }
}

const HEADER = asciiBytes(JSON_PARTS.header);
const PAYLOAD = asciiBytes(JSON_PARTS.payload);
const CLOSED = asciiBytes(JSON_PARTS.closed);
const TIMESTAMP = asciiBytes(JSON_PARTS.timestamp);
const STREAM = asciiBytes(JSON_PARTS.streamId);
const GROUP = asciiBytes(JSON_PARTS.groupId);
const OBJECT = asciiBytes(JSON_PARTS.objectId);
const PRIORITY = asciiBytes(JSON_PARTS.priority);
const STATUS = asciiBytes(JSON_PARTS.status);
const SIZE = asciiBytes(JSON_PARTS.size);
const ERROR = asciiBytes(JSON_PARTS.errorCode);

/** Room for one template line: its constant parts and six numbers of at most 24 bytes. */
const ROOM = 320;

/** ASCII text (a number's), keeping room for the rest of the template after it. */
function putText(buffer: ByteOut, text: string): void {
  buffer.reserve(text.length + ROOM);
  const out = buffer.bytes;
  let at = buffer.length;
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  buffer.length = at;
}

/** A number as `${value}` prints it (digits written directly for non-negative safe integers). */
function putNumber(buffer: ByteOut, value: number): void {
  if (isDigits(value)) putDigits(buffer, value);
  else putText(buffer, `${value}`);
}

/** A bigint as `${value}` prints it. */
function putBigint(buffer: ByteOut, value: bigint): void {
  const n = digitsOf(value);
  if (n >= 0) putDigits(buffer, n);
  else putText(buffer, `${value}`);
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Writes the canonical JSON of `event` at the end of `buffer` when it is one of the frequent forms (the ones
 * `renderEventJson` also writes from one template: object header, object payload without payload bytes, stream
 * closed, every value of its usual JS type, no `peer`, no `extra`) and returns true; returns false without writing
 * anything otherwise. The bytes are the UTF-8 of `renderEventJson(event, { fullBytes: true })`.
 */
export function writeEventJson(buffer: ByteOut, event: TraceEvent): boolean {
  if (event.peer !== undefined || (event as { extra?: unknown }).extra !== undefined) return false;
  const { seq, timestamp } = event;
  if (!finite(seq) || !finite(timestamp)) return false;
  switch (event.type) {
    case 'object-header': {
      const { streamId, groupId, objectId, publisherPriority, objectStatus } = event;
      if (typeof streamId !== 'bigint' || typeof groupId !== 'bigint' || typeof objectId !== 'bigint') return false;
      if (!finite(publisherPriority) || !finite(objectStatus)) return false;
      putObjectStart(buffer, HEADER, seq, timestamp, streamId, groupId, objectId);
      putBytes(buffer, PRIORITY);
      putNumber(buffer, publisherPriority);
      putBytes(buffer, STATUS);
      putNumber(buffer, objectStatus);
      break;
    }
    case 'object-payload': {
      const { streamId, groupId, objectId, size } = event;
      if (event.payload !== undefined) return false;
      if (typeof streamId !== 'bigint' || typeof groupId !== 'bigint' || typeof objectId !== 'bigint') return false;
      if (!finite(size)) return false;
      putObjectStart(buffer, PAYLOAD, seq, timestamp, streamId, groupId, objectId);
      putBytes(buffer, SIZE);
      putNumber(buffer, size);
      break;
    }
    case 'stream-closed': {
      const { streamId, errorCode } = event;
      if (typeof streamId !== 'bigint' || !finite(errorCode)) return false;
      putStart(buffer, CLOSED, seq, timestamp, streamId);
      putBytes(buffer, ERROR);
      putNumber(buffer, errorCode);
      break;
    }
    default:
      return false;
  }
  buffer.bytes[buffer.length++] = 0x7d;
  return true;
}

/** The start every template shares: room for the line, `{"type":…,"seq":N,"timestamp":N,"streamId":"N`. */
function putStart(buffer: ByteOut, head: Uint8Array, seq: number, timestamp: number, streamId: bigint): void {
  buffer.reserve(ROOM);
  putBytes(buffer, head);
  putNumber(buffer, seq);
  putBytes(buffer, TIMESTAMP);
  putNumber(buffer, timestamp);
  putBytes(buffer, STREAM);
  putBigint(buffer, streamId);
}

/** {@link putStart}, then the object's `"groupId":"N","objectId":"N`. */
function putObjectStart(
  buffer: ByteOut,
  head: Uint8Array,
  seq: number,
  timestamp: number,
  streamId: bigint,
  groupId: bigint,
  objectId: bigint,
): void {
  putStart(buffer, head, seq, timestamp, streamId);
  putBytes(buffer, GROUP);
  putBigint(buffer, groupId);
  putBytes(buffer, OBJECT);
  putBigint(buffer, objectId);
}
