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

const FULL_BYTES = { fullBytes: true } as const;

/** Where the bytes go (the load buffer): `bytes[0, length)` written, `reserve(n)` makes room for `n` more. */
export interface ByteOut {
  /** The bytes (replaced when grown). */
  bytes: Uint8Array;
  /** Bytes written. */
  length: number;
  /** Makes room for `n` more bytes. */
  reserve(n: number): void;
}

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

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const HEADER = ascii('{"type":"object-header","seq":');
const PAYLOAD = ascii('{"type":"object-payload","seq":');
const CLOSED = ascii('{"type":"stream-closed","seq":');
const TIMESTAMP = ascii(',"timestamp":');
const STREAM = ascii(',"streamId":"');
const GROUP = ascii('","groupId":"');
const OBJECT = ascii('","objectId":"');
const PRIORITY = ascii('","publisherPriority":');
const STATUS = ascii(',"objectStatus":');
const SIZE = ascii('","size":');
const ERROR = ascii('","errorCode":');

const ZERO = 0x30;
const SMALL = 2 ** 31;
/** Room for one template line: its constant parts and six numbers of at most 24 bytes. */
const ROOM = 320;

function put(buffer: ByteOut, bytes: Uint8Array): void {
  const out = buffer.bytes;
  let at = buffer.length;
  for (let i = 0; i < bytes.length; i++) out[at++] = bytes[i] as number;
  buffer.length = at;
}

/** ASCII text (a number's), keeping room for the rest of the template after it. */
function putText(buffer: ByteOut, text: string): void {
  buffer.reserve(text.length + ROOM);
  const out = buffer.bytes;
  let at = buffer.length;
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  buffer.length = at;
}

/** A number as `${value}` prints it (digits written directly for non-negative integers below 2^31). */
function putNumber(buffer: ByteOut, value: number): void {
  if (!(value >= 0 && value < SMALL && (value | 0) === value)) {
    putText(buffer, `${value}`);
    return;
  }
  const out = buffer.bytes;
  if (value < 10) {
    out[buffer.length++] = ZERO + value;
    return;
  }
  let count = 2;
  for (let p = 100; p <= value; p *= 10) count++;
  let at = buffer.length + count;
  buffer.length = at;
  let n = value;
  while (n >= 10) {
    const q = (n / 10) | 0;
    out[--at] = ZERO + (n - q * 10);
    n = q;
  }
  out[at - 1] = ZERO + n;
}

/** A bigint as `${value}` prints it. */
function putBigint(buffer: ByteOut, value: bigint): void {
  // Number() of a bigint at or above 2^31 is at least 2^31, of a negative one negative: no bigint compares.
  const n = Number(value);
  if (n >= 0 && n < SMALL) putNumber(buffer, n);
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
      buffer.reserve(ROOM);
      put(buffer, HEADER);
      putNumber(buffer, seq);
      put(buffer, TIMESTAMP);
      putNumber(buffer, timestamp);
      put(buffer, STREAM);
      putBigint(buffer, streamId);
      put(buffer, GROUP);
      putBigint(buffer, groupId);
      put(buffer, OBJECT);
      putBigint(buffer, objectId);
      put(buffer, PRIORITY);
      putNumber(buffer, publisherPriority);
      put(buffer, STATUS);
      putNumber(buffer, objectStatus);
      buffer.bytes[buffer.length++] = 0x7d;
      return true;
    }
    case 'object-payload': {
      const { streamId, groupId, objectId, size } = event;
      if (event.payload !== undefined) return false;
      if (typeof streamId !== 'bigint' || typeof groupId !== 'bigint' || typeof objectId !== 'bigint') return false;
      if (!finite(size)) return false;
      buffer.reserve(ROOM);
      put(buffer, PAYLOAD);
      putNumber(buffer, seq);
      put(buffer, TIMESTAMP);
      putNumber(buffer, timestamp);
      put(buffer, STREAM);
      putBigint(buffer, streamId);
      put(buffer, GROUP);
      putBigint(buffer, groupId);
      put(buffer, OBJECT);
      putBigint(buffer, objectId);
      put(buffer, SIZE);
      putNumber(buffer, size);
      buffer.bytes[buffer.length++] = 0x7d;
      return true;
    }
    case 'stream-closed': {
      const { streamId, errorCode } = event;
      if (typeof streamId !== 'bigint' || !finite(errorCode)) return false;
      buffer.reserve(ROOM);
      put(buffer, CLOSED);
      putNumber(buffer, seq);
      put(buffer, TIMESTAMP);
      putNumber(buffer, timestamp);
      put(buffer, STREAM);
      putBigint(buffer, streamId);
      put(buffer, ERROR);
      putNumber(buffer, errorCode);
      buffer.bytes[buffer.length++] = 0x7d;
      return true;
    }
    default:
      return false;
  }
}
