/**
 * Canonical JSON rendering of events and headers (spec §5) as objects, and the inverse (for import).
 *
 * Rendering rules: key order `type`, `seq`, `timestamp`, `peer`, the type's fields in table order, `extra`;
 * ids as decimal strings; typed byte fields as lowercase hex (or `{"length","sha256"}` above 4096 bytes);
 * every other value as JSON where JSON can hold it, else a tagged object (`$bigint`, `$bytes`, `$undefined`,
 * `$float`, `$map`, `$set`, `$date`, `$typedArray`, `$tag`).
 *
 * @module
 */
import { fromHex, sha256Hex, toHex } from '@x/binary';
import { CborTag, isCborTag } from '@x/cbor-schema';
import { MoqtraceError } from '../errors.js';
import { EVENT_FIELDS, EVENT_TYPE_IDS, type EventField, type KnownEventTypeName } from '../events.js';
import type { SubscriptionRef, TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';
import { BYTES_LIMIT, type JsonValue, type RenderOptions, rendersAsBytes, TYPED_ARRAYS } from './common.js';

/** Byte fields longer than this are rendered as `{"length","sha256"}` unless `fullBytes` is set. */
export const RENDER_BYTES_LIMIT: number = BYTES_LIMIT;

/**
 * Renders any decoded value (opaque `message`, `data`, `fields`, stores, `custom`) as JSON, tagging what JSON
 * cannot hold.
 *
 * @example
 * ```ts
 * toTaggedJson({ id: 5n, blob: new Uint8Array([1]) }); // { id: { $bigint: '5' }, blob: { $bytes: '01' } }
 * ```
 */
export function toTaggedJson(value: unknown): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return Object.is(value, -0) ? { $float: '-0' } : value;
      return { $float: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
    case 'bigint':
      return { $bigint: value.toString() };
    case 'undefined':
      return { $undefined: true };
    case 'function':
    case 'symbol':
      return null;
    default:
      break;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out: JsonValue[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toTaggedJson(value[i]);
    return out;
  }
  if (value instanceof Uint8Array && rendersAsBytes(value)) {
    return { $bytes: toHex(value) };
  }
  if (ArrayBuffer.isView(value)) {
    return {
      $typedArray: value.constructor.name,
      hex: toHex(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)),
    };
  }
  if (value instanceof Map) {
    const entries: JsonValue[] = [];
    for (const [k, v] of value) entries.push([toTaggedJson(k), toTaggedJson(v)]);
    return { $map: entries };
  }
  if (value instanceof Set) {
    const items: JsonValue[] = [];
    for (const v of value) items.push(toTaggedJson(v));
    return { $set: items };
  }
  if (value instanceof Date) {
    return { $date: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString() };
  }
  if (isCborTag(value)) return { $tag: value.tag, value: toTaggedJson(value.value) };
  const object = value as Record<string, unknown>;
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(object)) out[key] = toTaggedJson(object[key]);
  return out;
}

/** The error for a tagged value whose content is not of its tag (`{ "$bigint": "x" }`). */
function badTag(tag: string, content: unknown, what: string): MoqtraceError {
  return new MoqtraceError('INVALID_ARGUMENT', `${tag}: ${JSON.stringify(content).slice(0, 60)} is not ${what}`, {
    key: tag,
  });
}

/** Hex digits to bytes, or the error of the tag they belong to. */
function tagHex(tag: string, hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw badTag(tag, hex, 'hex digits');
  return fromHex(hex);
}

/**
 * Inverse of {@link toTaggedJson}: rebuilds `bigint`, bytes, `undefined`, special floats, Map, Set, Date, tags.
 * Throws {@link MoqtraceError} `INVALID_ARGUMENT` for a tag whose content is not of the tag (`$bigint` that is not
 * an integer, `$bytes` that is not hex).
 */
export function fromTaggedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromTaggedJson);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const inner = object[key];
    switch (key) {
      case '$bigint':
        if (typeof inner === 'string') {
          if (!/^-?[0-9]+$/.test(inner)) throw badTag(key, inner, 'an integer');
          return BigInt(inner);
        }
        break;
      case '$bytes':
        if (typeof inner === 'string') return tagHex(key, inner);
        break;
      case '$undefined':
        if (inner === true) return undefined;
        break;
      case '$float':
        if (inner === 'NaN') return Number.NaN;
        if (inner === 'Infinity') return Number.POSITIVE_INFINITY;
        if (inner === '-Infinity') return Number.NEGATIVE_INFINITY;
        if (inner === '-0') return -0;
        break;
      case '$map':
        if (Array.isArray(inner))
          return new Map(
            inner.map((pair) => [fromTaggedJson((pair as unknown[])[0]), fromTaggedJson((pair as unknown[])[1])]),
          );
        break;
      case '$set':
        if (Array.isArray(inner)) return new Set(inner.map(fromTaggedJson));
        break;
      case '$date':
        if (typeof inner === 'string') return new Date(inner);
        break;
    }
  } else if (keys.length === 2) {
    if (typeof object.$typedArray === 'string' && typeof object.hex === 'string') {
      const Ctor = TYPED_ARRAYS[object.$typedArray];
      if (Ctor) {
        const bytes = tagHex('$typedArray', object.hex);
        return new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      }
    }
    if (typeof object.$tag === 'number' && 'value' in object)
      return new CborTag(fromTaggedJson(object.value), object.$tag);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = fromTaggedJson(object[key]);
  return out;
}

function renderBytes(value: Uint8Array, options: RenderOptions | undefined): JsonValue {
  if (value.length > RENDER_BYTES_LIMIT && !options?.fullBytes)
    return { length: value.length, sha256: sha256Hex(value) };
  return toHex(value);
}

function renderNumeric(value: unknown): JsonValue {
  if (typeof value === 'number') return value;
  return toTaggedJson(value);
}

function renderId(value: unknown): JsonValue {
  return typeof value === 'bigint' || typeof value === 'number' ? value.toString() : toTaggedJson(value);
}

function renderRef(value: unknown): JsonValue {
  const ref = value as SubscriptionRef;
  return { peer: ref.peer, requestId: renderId(ref.requestId) };
}

function renderField(spec: EventField, value: unknown, options: RenderOptions | undefined): JsonValue {
  switch (spec.kind) {
    case 'uint':
    case 'int':
      return renderNumeric(value);
    case 'id':
      return renderId(value);
    case 'text':
      return typeof value === 'string' ? value : toTaggedJson(value);
    case 'bytes':
      return value instanceof Uint8Array ? renderBytes(value, options) : toTaggedJson(value);
    case 'opaque':
      return toTaggedJson(value);
    case 'ref':
      return renderRef(value);
    case 'refs':
      return (value as unknown[]).map(renderRef);
    case 'bytesList':
      return (value as Uint8Array[]).map((bytes) => renderBytes(bytes, options));
  }
}

/**
 * The canonical JSON object of an event (spec §5). `JSON.stringify` of it is one line of
 * `xtrace cat --format events`.
 *
 * @example
 * ```ts
 * JSON.stringify(renderEvent(event)); // {"type":"object-header","seq":7,"timestamp":4600,"streamId":"3",...}
 * ```
 */
export function renderEvent(event: TraceEvent, options?: RenderOptions): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {
    type: event.type,
    seq: renderNumeric(event.seq),
    timestamp: renderNumeric(event.timestamp),
  };
  if (event.peer !== undefined) out.peer = event.peer;
  if (event.type === 'unknown') {
    out.eventType = renderNumeric(event.eventType);
    out.fields = toTaggedJson(event.fields);
    return out;
  }
  const specs = EVENT_FIELDS[EVENT_TYPE_IDS[event.type]] as readonly EventField[];
  const record = event as unknown as Record<string, unknown>;
  const omitPayload = options?.omitPayload === true;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as EventField;
    const value = record[spec.name];
    if (value !== undefined && !(omitPayload && spec.name === 'payload'))
      out[spec.name] = renderField(spec, value, options);
  }
  if (event.extra && Object.keys(event.extra).length > 0) out.extra = toTaggedJson(event.extra);
  return out;
}

/** Renders a header: integers as numbers, `custom` and stores as tagged JSON. */
export function renderHeader(header: TraceHeader): { [key: string]: JsonValue } {
  return toTaggedJson(header) as { [key: string]: JsonValue };
}

/** Rebuilds a header from {@link renderHeader} output. */
export function parseHeaderJson(json: unknown): TraceHeader {
  if (typeof json !== 'object' || json === null)
    throw new MoqtraceError('INVALID_ARGUMENT', 'header: JSON must be an object', { key: 'header' });
  return fromTaggedJson(json) as TraceHeader;
}

function parseId(value: unknown, what: string): bigint {
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw new MoqtraceError('INVALID_ARGUMENT', `${what} must be a decimal string`);
}

function parseField(spec: EventField, value: unknown): unknown {
  switch (spec.kind) {
    case 'uint':
    case 'int':
      return typeof value === 'number' ? value : fromTaggedJson(value);
    case 'id':
      return typeof value === 'string' || typeof value === 'number' ? parseId(value, spec.name) : fromTaggedJson(value);
    case 'text':
    case 'opaque':
      return fromTaggedJson(value);
    case 'bytes':
      if (typeof value === 'string') return fromHex(value);
      throw new MoqtraceError(
        'INVALID_ARGUMENT',
        `${spec.name} was rendered as a digest; export with fullBytes to import`,
      );
    case 'ref': {
      const ref = value as { peer: string; requestId: unknown };
      return { peer: ref.peer, requestId: parseId(ref.requestId, 'requestId') };
    }
    case 'refs':
      return (value as { peer: string; requestId: unknown }[]).map((ref) => ({
        peer: ref.peer,
        requestId: parseId(ref.requestId, 'requestId'),
      }));
    case 'bytesList':
      return (value as unknown[]).map((item) => {
        if (typeof item !== 'string') throw new MoqtraceError('INVALID_ARGUMENT', 'namespace element must be hex');
        return fromHex(item);
      });
  }
}

/** Rebuilds an event from its canonical JSON object (inverse of {@link renderEvent} with `fullBytes`). */
export function parseEventJson(json: unknown): TraceEvent {
  if (typeof json !== 'object' || json === null)
    throw new MoqtraceError('INVALID_ARGUMENT', 'event JSON must be an object');
  const object = json as Record<string, unknown>;
  const type = object.type;
  const event: Record<string, unknown> = {
    type,
    seq: fromTaggedJson(object.seq),
    timestamp: fromTaggedJson(object.timestamp),
  };
  if (typeof object.peer === 'string') event.peer = object.peer;
  if (type === 'unknown') {
    event.eventType = fromTaggedJson(object.eventType);
    event.fields = fromTaggedJson(object.fields ?? {});
    return event as unknown as TraceEvent;
  }
  const e = EVENT_TYPE_IDS[type as KnownEventTypeName];
  if (e === undefined) throw new MoqtraceError('INVALID_ARGUMENT', `unknown event type ${String(type)}`);
  for (const spec of EVENT_FIELDS[e] as readonly EventField[]) {
    if (object[spec.name] !== undefined) event[spec.name] = parseField(spec, object[spec.name]);
  }
  if (object.extra !== undefined) event.extra = fromTaggedJson(object.extra);
  return event as unknown as TraceEvent;
}
