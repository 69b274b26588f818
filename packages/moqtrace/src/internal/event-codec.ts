/**
 * Event decoding (from a walked map) and normal-form encoding, driven by the field tables of `events.ts`.
 *
 * @internal
 * @module
 */
import { MoqtraceError } from '../errors.js';
import {
  EVENT_FIELDS,
  EVENT_TYPE_IDS,
  EVENT_TYPE_NAMES,
  type FieldSpec,
  type SubscriptionRef,
  type TraceEvent,
} from '../events.js';
import {
  ABSENT,
  decodeOpaque,
  type MapEntries,
  readBytes,
  readId,
  readInteger,
  readText,
  registerKeys,
  UNUSABLE,
} from './cbor.js';
import type { CborEncoder } from './encoder.js';

/** Why an item could not become an event. */
export class EventDecodeFailure {
  constructor(
    readonly message: string,
    readonly key: string | undefined,
  ) {}
}

/** Options of event decoding. */
export interface EventDecodeOptions {
  /** Copy typed byte fields out of the input instead of returning views. */
  copyBytes: boolean;
}

const specIndex: Map<string, number>[] = EVENT_FIELDS.map((specs) => new Map(specs.map((spec, i) => [spec.wire, i])));
const scratch: unknown[] = new Array(16);

/** Every wire key with a meaning: ids 0–3 are n, t, e, p. */
const KEYS: string[] = ['n', 't', 'e', 'p'];
for (const specs of EVENT_FIELDS) for (const spec of specs) if (!KEYS.includes(spec.wire)) KEYS.push(spec.wire);
registerKeys(KEYS);
/** Per event type: key id → slot in the type's field table, or -1. */
const slotByKeyId: Int8Array[] = EVENT_FIELDS.map((specs) => {
  const slots = new Int8Array(64).fill(-1);
  specs.forEach((spec, slot) => {
    slots[KEYS.indexOf(spec.wire)] = slot;
  });
  return slots;
});

function isUint(value: unknown): value is number | bigint {
  return (
    (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'bigint' && value >= 0n)
  );
}

function toRef(value: unknown): SubscriptionRef | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [peer, requestId] = value as [unknown, unknown];
  if (typeof peer !== 'string' || !isUint(requestId)) return undefined;
  return { peer, requestId: BigInt(requestId) };
}

function plainBytes(value: unknown, copy: boolean): Uint8Array | undefined {
  if (
    !(value instanceof Uint8Array) ||
    (value.constructor.name !== 'Uint8Array' && value.constructor.name !== 'Buffer')
  )
    return undefined;
  return copy ? value.slice() : new Uint8Array(value.buffer, value.byteOffset, value.length);
}

function readField(b: Uint8Array, s: number, e: number, spec: FieldSpec, copy: boolean): unknown {
  switch (spec.kind) {
    case 'uint':
      return readInteger(b, s, false);
    case 'int':
      return readInteger(b, s, true);
    case 'id':
      return readId(b, s);
    case 'text':
      return readText(b, s, e);
    case 'bytes': {
      const bytes = readBytes(b, s, copy);
      if (spec.byteLength !== undefined && bytes instanceof Uint8Array && bytes.length !== spec.byteLength)
        return UNUSABLE;
      return bytes;
    }
    case 'opaque': {
      if (b[s] === 0xf7) return ABSENT;
      return decodeOpaque(b, s, e);
    }
    case 'ref': {
      if (b[s] === 0xf7) return ABSENT;
      return toRef(decodeOpaque(b, s, e)) ?? UNUSABLE;
    }
    case 'refs': {
      if (b[s] === 0xf7) return ABSENT;
      const decoded = decodeOpaque(b, s, e);
      if (!Array.isArray(decoded)) return UNUSABLE;
      const refs: SubscriptionRef[] = [];
      for (const item of decoded) {
        const ref = toRef(item);
        if (!ref) return UNUSABLE;
        refs.push(ref);
      }
      return refs;
    }
    case 'bytesList': {
      if (b[s] === 0xf7) return ABSENT;
      const decoded = decodeOpaque(b, s, e);
      if (!Array.isArray(decoded)) return UNUSABLE;
      const list: Uint8Array[] = [];
      for (const item of decoded) {
        const bytes = plainBytes(item, copy);
        if (!bytes) return UNUSABLE;
        list.push(bytes);
      }
      return list;
    }
  }
}

/**
 * Builds an event from the walked top-level map of one item. Returns the event or an
 * {@link EventDecodeFailure}. Throws what cbor-x throws for an opaque value it refuses (the caller reports
 * the item as malformed).
 */
export function decodeEvent(
  b: Uint8Array,
  entries: MapEntries,
  options: EventDecodeOptions,
): TraceEvent | EventDecodeFailure {
  const count = entries.count;
  const keys = entries.keys;
  const starts = entries.starts;
  const ends = entries.ends;
  let iN = -1;
  let iT = -1;
  let iE = -1;
  let iP = -1;
  const ids = entries.ids;
  for (let i = 0; i < count; i++) {
    switch (ids[i]) {
      case 0:
        iN = i;
        break;
      case 1:
        iT = i;
        break;
      case 2:
        iE = i;
        break;
      case 3:
        iP = i;
        break;
    }
  }
  if (iE < 0) return new EventDecodeFailure('missing event type e', 'e');
  const e = readInteger(b, starts[iE] as number, false);
  if (typeof e !== 'number' && typeof e !== 'bigint') return new EventDecodeFailure('unusable event type e', 'e');
  if (iN < 0) return new EventDecodeFailure('missing sequence number n', 'n');
  const n = readInteger(b, starts[iN] as number, false);
  if (typeof n !== 'number' && typeof n !== 'bigint') return new EventDecodeFailure('unusable sequence number n', 'n');
  if (iT < 0) return new EventDecodeFailure('missing timestamp t', 't');
  const t = readInteger(b, starts[iT] as number, true);
  if (typeof t !== 'number' && typeof t !== 'bigint') return new EventDecodeFailure('unusable timestamp t', 't');
  let peer: string | undefined;
  let peerUnusable = false;
  if (iP >= 0) {
    const p = readText(b, starts[iP] as number, ends[iP] as number);
    if (typeof p === 'string') peer = p;
    else if (p === UNUSABLE) peerUnusable = true;
  }
  const copy = options.copyBytes;

  if (typeof e === 'bigint' || e > 10) {
    const fields: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      if (i === iN || i === iT || i === iE || (i === iP && !peerUnusable)) continue;
      fields[keys[i] as string] = decodeOpaque(b, starts[i] as number, ends[i] as number);
    }
    const event: Record<string, unknown> = { type: 'unknown', seq: n, timestamp: t };
    if (peer !== undefined) event.peer = peer;
    event.eventType = e;
    event.fields = fields;
    return event as unknown as TraceEvent;
  }

  const specs = EVENT_FIELDS[e] as readonly FieldSpec[];
  const slots = slotByKeyId[e] as Int8Array;
  const values = scratch;
  for (let i = 0; i < specs.length; i++) values[i] = undefined;
  let extra: Record<string, unknown> | undefined;
  if (peerUnusable) extra = { p: decodeOpaque(b, starts[iP] as number, ends[iP] as number) };
  for (let i = 0; i < count; i++) {
    if (i === iN || i === iT || i === iE || i === iP) continue;
    const key = keys[i] as string;
    const s = starts[i] as number;
    const end = ends[i] as number;
    const id = ids[i] as number;
    const slot = id >= 0 ? (slots[id] as number) : -1;
    if (slot < 0) {
      (extra ??= {})[key] = decodeOpaque(b, s, end);
      continue;
    }
    const value = readField(b, s, end, specs[slot] as FieldSpec, copy);
    if (value === ABSENT) continue;
    if (value === UNUSABLE) {
      (extra ??= {})[key] = decodeOpaque(b, s, end);
      continue;
    }
    values[slot] = value;
  }
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as FieldSpec;
    if (spec.required && values[i] === undefined) {
      return new EventDecodeFailure(`${EVENT_TYPE_NAMES[e]} event without usable ${spec.wire}`, spec.wire);
    }
  }
  if ((e === 8 || e === 9) && peer === undefined) {
    return new EventDecodeFailure(`${EVENT_TYPE_NAMES[e]} event without usable p`, 'p');
  }
  if (peer === undefined) {
    const fast = buildFast(e, n, t, values);
    if (fast !== undefined) {
      if (extra) fast.extra = extra;
      return fast as unknown as TraceEvent;
    }
  }
  const event: Record<string, unknown> = { type: EVENT_TYPE_NAMES[e], seq: n, timestamp: t };
  if (peer !== undefined) event.peer = peer;
  for (let i = 0; i < specs.length; i++) {
    const value = values[i];
    if (value !== undefined) event[(specs[i] as FieldSpec).name] = value;
    else if (e === 0 && i === 2) event.message = {};
  }
  if (extra) event.extra = extra;
  return event as unknown as TraceEvent;
}

/** Object literals for the data-plane types (monomorphic shapes, no keyed stores). */
function buildFast(e: number, n: unknown, t: unknown, v: unknown[]): Record<string, unknown> | undefined {
  switch (e) {
    case 2:
      return { type: 'stream-closed', seq: n, timestamp: t, streamId: v[0], errorCode: v[1] };
    case 3:
      return {
        type: 'object-header',
        seq: n,
        timestamp: t,
        streamId: v[0],
        groupId: v[1],
        objectId: v[2],
        publisherPriority: v[3],
        objectStatus: v[4],
      };
    case 4:
      return v[4] === undefined
        ? { type: 'object-payload', seq: n, timestamp: t, streamId: v[0], groupId: v[1], objectId: v[2], size: v[3] }
        : {
            type: 'object-payload',
            seq: n,
            timestamp: t,
            streamId: v[0],
            groupId: v[1],
            objectId: v[2],
            size: v[3],
            payload: v[4],
          };
    case 5:
      return { type: 'state-change', seq: n, timestamp: t, from: v[0], to: v[1] };
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Encoding

function invalid(message: string): MoqtraceError {
  return new MoqtraceError('INVALID_ARGUMENT', message);
}

function writeUint(out: CborEncoder, value: unknown, what: string): void {
  if (typeof value === 'number') {
    if (!(Number.isInteger(value) && value >= 0)) throw invalid(`${what} must be an unsigned integer, got ${value}`);
    out.number(value);
  } else if (typeof value === 'bigint') {
    if (value < 0n || value > 0xffffffffffffffffn) throw invalid(`${what} must be a u64, got ${value}`);
    out.headBig(0, value, false);
  } else throw invalid(`${what} must be an unsigned integer`);
}

function writeInt(out: CborEncoder, value: unknown, what: string): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw invalid(`${what} must be an integer, got ${value}`);
    out.number(value);
  } else if (typeof value === 'bigint') out.integer(value);
  else throw invalid(`${what} must be an integer`);
}

function writeBytes(out: CborEncoder, value: unknown, what: string): void {
  if (!(value instanceof Uint8Array)) throw invalid(`${what} must be a Uint8Array`);
  out.bytes(value);
}

function writeRef(out: CborEncoder, value: unknown, what: string): void {
  const ref = value as SubscriptionRef;
  if (typeof ref !== 'object' || ref === null || typeof ref.peer !== 'string')
    throw invalid(`${what} must be {peer, requestId}`);
  out.head(4, 2);
  out.text(ref.peer);
  writeUint(out, ref.requestId, `${what}.requestId`);
}

function writeField(out: CborEncoder, spec: FieldSpec, value: unknown): void {
  switch (spec.kind) {
    case 'uint':
    case 'id':
      writeUint(out, value, spec.name);
      return;
    case 'int':
      writeInt(out, value, spec.name);
      return;
    case 'text':
      if (typeof value !== 'string') throw invalid(`${spec.name} must be a string`);
      out.text(value);
      return;
    case 'bytes':
      writeBytes(out, value, spec.name);
      return;
    case 'opaque':
      out.value(value);
      return;
    case 'ref':
      writeRef(out, value, spec.name);
      return;
    case 'refs': {
      if (!Array.isArray(value)) throw invalid(`${spec.name} must be an array`);
      out.head(4, value.length);
      for (const ref of value) writeRef(out, ref, spec.name);
      return;
    }
    case 'bytesList': {
      if (!Array.isArray(value)) throw invalid(`${spec.name} must be an array of Uint8Array`);
      out.head(4, value.length);
      for (const item of value) writeBytes(out, item, spec.name);
      return;
    }
  }
}

const COMMON = new Set(['n', 't', 'p', 'e']);

/** Options of event encoding. */
export interface EventEncodeOptions {
  /** Write `data: null` for an annotation without data (forced version 1). */
  annotationDataNull: boolean;
}

/**
 * Encodes one event in normal form: `n, t, p, e`, the type's keys in table order, then the store (entries
 * whose key was written from a field or is a common key are dropped).
 */
export function encodeEvent(out: CborEncoder, event: TraceEvent, options: EventEncodeOptions): void {
  const record = event as unknown as Record<string, unknown>;
  if (event.type === 'unknown') {
    const fields = event.fields ?? {};
    const names = Object.keys(fields).filter((key) => !COMMON.has(key));
    out.head(5, 3 + (event.peer !== undefined ? 1 : 0) + names.length);
    out.byte(0x61);
    out.byte(0x6e);
    writeUint(out, event.seq, 'seq');
    out.byte(0x61);
    out.byte(0x74);
    writeInt(out, event.timestamp, 'timestamp');
    if (event.peer !== undefined) {
      out.byte(0x61);
      out.byte(0x70);
      out.text(event.peer);
    }
    out.byte(0x61);
    out.byte(0x65);
    writeUint(out, event.eventType, 'eventType');
    for (const key of names) {
      out.text(key);
      out.value(fields[key]);
    }
    return;
  }
  const e = EVENT_TYPE_IDS[event.type];
  if (e === undefined) throw invalid(`unknown event type name ${String(event.type)}`);
  const specs = EVENT_FIELDS[e] as readonly FieldSpec[];
  let count = 3;
  if (event.peer !== undefined) count++;
  else if (e === 8 || e === 9) throw invalid(`${event.type} event needs peer`);
  const isAnnotation = e === 7;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as FieldSpec;
    const value = record[spec.name];
    if (value !== undefined) count++;
    else if (spec.required) throw invalid(`${event.type} event needs ${spec.name}`);
    else if (e === 0 && i === 2)
      count++; // msg {} always written
    else if (isAnnotation && i === 1 && options.annotationDataNull) count++;
  }
  const extra = event.extra;
  let extraKeys: string[] | undefined;
  if (extra) {
    extraKeys = [];
    for (const key of Object.keys(extra)) {
      if (COMMON.has(key)) continue;
      const slot = (specIndex[e] as Map<string, number>).get(key);
      if (slot !== undefined && (record[(specs[slot] as FieldSpec).name] !== undefined || (e === 0 && slot === 2)))
        continue;
      extraKeys.push(key);
    }
    count += extraKeys.length;
  }
  out.head(5, count);
  out.byte(0x61);
  out.byte(0x6e);
  writeUint(out, event.seq, 'seq');
  out.byte(0x61);
  out.byte(0x74);
  writeInt(out, event.timestamp, 'timestamp');
  if (event.peer !== undefined) {
    out.byte(0x61);
    out.byte(0x70);
    out.text(event.peer);
  }
  out.byte(0x61);
  out.byte(0x65);
  out.byte(e);
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as FieldSpec;
    const value = record[spec.name];
    if (value === undefined) {
      if (e === 0 && i === 2) {
        out.text('msg');
        out.byte(0xa0);
      } else if (isAnnotation && i === 1 && options.annotationDataNull) {
        out.text('data');
        out.byte(0xf6);
      }
      continue;
    }
    out.text(spec.wire);
    writeField(out, spec, value);
  }
  if (extra && extraKeys) {
    for (const key of extraKeys) {
      out.text(key);
      out.value(extra[key]);
    }
  }
}
