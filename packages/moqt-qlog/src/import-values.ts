/**
 * Helpers of the importer: object status names and numbers, unmapped keys, Latin-1 payload strings, the
 * envelope keys of foreign events.
 *
 * @module
 * @internal
 */
import type { Numeric } from '@x/moqtrace';
import { ENVELOPE_KEYS, isPrivateKey } from './names.js';
import { type JsonObject, numericIn, readRawInfo, utf8Bytes } from './values.js';

/** `.moqtrace` object status of a MoQT wire status (decision 1); other values pass through. */
export const WIRE_TO_STATUS: Record<number, number> = { 0: 0, 3: 1, 4: 2, 1: 3 };
/** moq-rs status names (lowercase, no separators) → MoQT wire status. */
export const STATUS_NAMES: Record<string, number> = {
  normalobject: 0,
  normal: 0,
  objectdoesnotexist: 1,
  doesnotexist: 1,
  endofgroup: 3,
  endoftrack: 4,
  endoftrackandgroup: 4,
};

/** Keys every object event maps to a field (in every producer's spelling). */
export const OBJECT_KEYS = new Set([
  'stream_id',
  'streamId',
  'group_id',
  'groupId',
  'object_id',
  'objectId',
  'object_id_delta',
  'publisher_priority',
  'publisherPriority',
  'object_status',
  'objectStatus',
  'object_payload',
  'objectPayload',
  'object_payload_length',
  'objectPayloadLength',
  'payload_length',
  'event_type',
]);

/** The value of the snake_case key, else of its camelCase alias (moxygen). */
export function pick(data: JsonObject, snake: string, camel: string): unknown {
  const value = data[snake];
  return value !== undefined ? value : data[camel];
}

/** The keys of `data` no field took (moq-rs `event_type` and the exporter's `moqtrace_*` keys excluded). */
export function leftover(
  data: JsonObject,
  used: ReadonlySet<string>,
  also?: ReadonlySet<string>,
): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const key of Object.keys(data)) {
    if (used.has(key) || also?.has(key) || isPrivateKey(key) || key === 'event_type') continue;
    out ??= {};
    out[key] = data[key];
  }
  return out;
}

/** Merges extra-key objects (the first one wins a key); `undefined` when there is none. */
export function mergeExtra(...parts: (JsonObject | undefined)[]): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const part of parts) {
    if (part === undefined) continue;
    for (const key of Object.keys(part)) {
      out ??= {};
      if (!(key in out)) out[key] = part[key];
    }
  }
  return out;
}

/** Bytes of a string read as Latin-1 (each UTF-16 unit masked to 8 bits). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Event-level keys of a foreign event that belong to no field (kept in `extra`). */
export function envelopeExtra(event: JsonObject): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const key of Object.keys(event)) {
    if (ENVELOPE_KEYS.has(key) || isPrivateKey(key)) continue;
    out ??= {};
    out[key] = event[key];
  }
  if (event.group_id !== undefined) {
    out ??= {};
    out.group_id = event.group_id;
  }
  return out;
}

/** A `.moqtrace` object status from a qlog object event (wire numbers, digit strings, moq-rs names). */
export function objectStatus(data: JsonObject, ours: boolean): Numeric {
  if (ours && data.moqtrace_object_status !== undefined) {
    const own = numericIn(data.moqtrace_object_status);
    if (own !== undefined) return own;
  }
  const value = pick(data, 'object_status', 'objectStatus');
  let wire: Numeric | undefined = numericIn(value);
  if (wire === undefined && typeof value === 'string') wire = STATUS_NAMES[value.replace(/[_\s-]/g, '').toLowerCase()];
  if (wire === undefined) return 0;
  return typeof wire === 'number' ? (WIRE_TO_STATUS[wire] ?? wire) : wire;
}

/**
 * An object's payload size and bytes: RawInfo bytes only when complete, moxygen's raw string as bytes (`latin1`:
 * the record was read as Latin-1); bytes that disagree with the size are dropped (only the size survives).
 */
export function objectPayload(
  data: JsonObject,
  kind: 'subgroup-object' | 'fetch-object' | 'datagram',
  ours: boolean,
  latin1: boolean,
): { size: Numeric | undefined; bytes: Uint8Array | undefined } {
  let size = numericIn(pick(data, 'object_payload_length', 'objectPayloadLength') ?? data.payload_length);
  let bytes: Uint8Array | undefined;
  const payload = pick(data, 'object_payload', 'objectPayload');
  if (typeof payload === 'string') {
    // moxygen: the payload bytes as a raw JSON string.
    bytes = latin1 ? latin1Bytes(payload) : utf8Bytes(payload);
  } else if (payload !== undefined) {
    const info = readRawInfo(payload);
    if (info !== undefined) {
      bytes = info.bytes;
      if (size === undefined && (kind === 'datagram' || info.length !== undefined)) size = info.length;
    }
  }
  if (!ours && bytes !== undefined && size !== undefined && BigInt(size) !== BigInt(bytes.length)) {
    bytes = undefined; // cut or mangled: only the size survives
  }
  return { size, bytes };
}
