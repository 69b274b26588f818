/**
 * Trace events (spec §4): the in-memory model with friendly names, the wire keys, and the per-type field
 * tables that drive decoding, encoding, rendering and the CDDL.
 *
 * Wire layout of one event (an RFC 8949 map, short text keys):
 * ```
 * { "n": seq, "t": µs since startTime, ["p": peer,] "e": type, ...type keys..., ...store... }
 * ```
 *
 * @module
 */

/** A `number`, or a `bigint` when the wire value exceeds 2^53 − 1 (kept exactly). */
export type Numeric = number | bigint;

/** Friendly names of the defined event types 0–10, in `e` order. */
export const EVENT_TYPE_NAMES = [
  'control',
  'stream-opened',
  'stream-closed',
  'object-header',
  'object-payload',
  'state-change',
  'error',
  'annotation',
  'peer-connected',
  'peer-disconnected',
  'subscription-derivation',
] as const;

/** Name of a defined event type. */
export type KnownEventTypeName = (typeof EVENT_TYPE_NAMES)[number];
/** Name of any event type, `unknown` for types outside 0–10. */
export type EventTypeName = KnownEventTypeName | 'unknown';

/** Wire `e` of each defined event type. */
export const EVENT_TYPE_IDS: Readonly<Record<KnownEventTypeName, number>> = Object.freeze(
  Object.fromEntries(EVENT_TYPE_NAMES.map((name, index) => [name, index])) as Record<KnownEventTypeName, number>,
);

/** Keys shared by every event. */
export interface EventCommon {
  /** Wire `n`: sequence number, 0-based per segment. */
  seq: Numeric;
  /** Wire `t`: microseconds since the segment's `startTime` (may be negative). */
  timestamp: Numeric;
  /** Wire `p` (v2): peer id, local to the header's `source`. */
  peer?: string;
  /** Unrecognised keys (and defined keys with unusable values), in wire order; absent when empty. */
  extra?: Record<string, unknown>;
}

/** Event 0: a control message sent or received. */
export interface ControlEvent extends EventCommon {
  type: 'control';
  /** Wire `d`: 0 sent, 1 received. */
  direction: Numeric;
  /** Wire `mt`: the message type id on the wire (0 when the writer had no id table). */
  messageType: Numeric;
  /** Wire `msg`: decoded message (a snake_case map normally; any value is kept). `{}` when absent. */
  message: unknown;
  /** Wire `sid`: QUIC stream carrying the message. */
  streamId?: bigint;
  /** Wire `raw`: message bytes as on the wire (level `full`). */
  raw?: Uint8Array;
}

/** Event 1: a data stream was opened. */
export interface StreamOpenedEvent extends EventCommon {
  type: 'stream-opened';
  /** Wire `sid`. */
  streamId: bigint;
  /** Wire `d`: 0 outgoing, 1 incoming. */
  direction: Numeric;
  /** Wire `st`: 0 subgroup, 1 datagram, 2 fetch. */
  streamType: Numeric;
  /** Wire `ta` (v2). */
  trackAlias?: bigint;
  /** Wire `sg` (v2, subgroup streams). */
  subgroupId?: bigint;
  /** Wire `fri` (v2, fetch streams): the FETCH's request id. */
  fetchRequestId?: bigint;
  /** Wire `g` (v2, datagrams). */
  groupId?: bigint;
}

/** Event 2: a data stream was closed. */
export interface StreamClosedEvent extends EventCommon {
  type: 'stream-closed';
  /** Wire `sid`. */
  streamId: bigint;
  /** Wire `ec`: 0 = clean. */
  errorCode: Numeric;
}

/** Event 3: an object header. */
export interface ObjectHeaderEvent extends EventCommon {
  type: 'object-header';
  /** Wire `sid`. */
  streamId: bigint;
  /** Wire `g`. */
  groupId: bigint;
  /** Wire `o`. */
  objectId: bigint;
  /** Wire `pp` (0–255). */
  publisherPriority: Numeric;
  /** Wire `os`: 0 normal, 1 end of group, 2 end of track, 3 does not exist. */
  objectStatus: Numeric;
}

/** Event 4: an object payload (size, and bytes at `headers+data`). */
export interface ObjectPayloadEvent extends EventCommon {
  type: 'object-payload';
  /** Wire `sid`. */
  streamId: bigint;
  /** Wire `g`. */
  groupId: bigint;
  /** Wire `o`. */
  objectId: bigint;
  /** Wire `sz`: payload length. */
  size: Numeric;
  /** Wire `pl`: payload bytes (zeros when masked). */
  payload?: Uint8Array;
}

/** Event 5: a session state change. */
export interface StateChangeEvent extends EventCommon {
  type: 'state-change';
  /** Wire `from`. */
  from: string;
  /** Wire `to`. */
  to: string;
}

/** Event 6: an error. */
export interface ErrorEvent extends EventCommon {
  type: 'error';
  /** Wire `ec`. */
  errorCode: Numeric;
  /** Wire `reason`. */
  reason: string;
  /** Wire `sid` (v2); absent is not stream 0. */
  streamId?: bigint;
  /** Wire `ek` (v2): `protocol`, `transport`, `decode`, open set. */
  errorKind?: string;
  /** Wire `rawlen` (v2): full length of the offending input. */
  rawLength?: Numeric;
  /** Wire `raw` (v2): offending bytes. */
  raw?: Uint8Array;
}

/** Event 7: an annotation. */
export interface AnnotationEvent extends EventCommon {
  type: 'annotation';
  /** Wire `label`. */
  label: string;
  /** Wire `data`: any value; absent stays absent. */
  data?: unknown;
}

/** Event 8 (v2): a peer connected to a relay. */
export interface PeerConnectedEvent extends EventCommon {
  type: 'peer-connected';
  /** Wire `p` (required here). */
  peer: string;
  /** Wire `endpoint`. */
  endpoint?: string;
  /** Wire `transport`. */
  transport?: string;
  /** Wire `role`: `publisher`, `subscriber`, `both`. */
  role?: string;
  /** Wire `side`: `downstream` or `upstream`. */
  side?: string;
}

/** Event 9 (v2): a peer disconnected. */
export interface PeerDisconnectedEvent extends EventCommon {
  type: 'peer-disconnected';
  /** Wire `p` (required here). */
  peer: string;
  /** Wire `ec`: 0 = clean. */
  errorCode: Numeric;
  /** Wire `reason`. */
  reason?: string;
}

/** A subscription of one peer: wire `[peer, request id]`. */
export interface SubscriptionRef {
  /** Peer id. */
  peer: string;
  /** Request id on that peer's session. */
  requestId: bigint;
}

/** Event 10 (v2): a relay derived an upstream subscription from downstream ones. */
export interface SubscriptionDerivationEvent extends EventCommon {
  type: 'subscription-derivation';
  /** Wire `u`. */
  upstream: SubscriptionRef;
  /** Wire `d`: every downstream subscription served. */
  downstream: SubscriptionRef[];
  /** Wire `kind`: `created`, `shared`. */
  kind: string;
  /** Wire `traceId`: exactly 16 bytes. */
  traceId?: Uint8Array;
  /** Wire `ns`: namespace fields. */
  namespace?: Uint8Array[];
  /** Wire `tn`: track name. */
  trackName?: Uint8Array;
  /** Wire `tdr`: downstream SUBSCRIBE received (µs, time base of `t`). */
  tDownstreamReceived?: Numeric;
  /** Wire `tus`: upstream SUBSCRIBE sent. */
  tUpstreamSent?: Numeric;
  /** Wire `tuo`: upstream OK received. */
  tUpstreamOkReceived?: Numeric;
  /** Wire `tdo`: downstream OK sent. */
  tDownstreamOkSent?: Numeric;
}

/** An event of a type this version does not define (kept and written back). */
export interface UnknownEvent {
  type: 'unknown';
  /** Wire `n`. */
  seq: Numeric;
  /** Wire `t`. */
  timestamp: Numeric;
  /** Wire `p`. */
  peer?: string;
  /** Wire `e`. */
  eventType: Numeric;
  /** Every other key, in wire order, decoded as opaque values. */
  fields: Record<string, unknown>;
}

/** Any event of a trace. Discriminate on `type`. */
export type TraceEvent =
  | ControlEvent
  | StreamOpenedEvent
  | StreamClosedEvent
  | ObjectHeaderEvent
  | ObjectPayloadEvent
  | StateChangeEvent
  | ErrorEvent
  | AnnotationEvent
  | PeerConnectedEvent
  | PeerDisconnectedEvent
  | SubscriptionDerivationEvent
  | UnknownEvent;

/** Any event of a defined type (0–10). */
export type KnownTraceEvent = Exclude<TraceEvent, UnknownEvent>;

/**
 * How a field is typed on the wire and in memory:
 * `uint`/`int` → {@link Numeric}; `id` → `bigint` (decimal string in JSON); `text`; `bytes` → `Uint8Array`
 * (hex in JSON); `opaque` → any value; `ref`/`refs` → {@link SubscriptionRef}(s); `bytesList` → `Uint8Array[]`.
 */
export type FieldKind = 'uint' | 'int' | 'id' | 'text' | 'bytes' | 'opaque' | 'ref' | 'refs' | 'bytesList';

/** One defined key of an event type. */
export interface FieldSpec {
  /** Key on the wire. */
  readonly wire: string;
  /** Property name in memory and in JSON. */
  readonly name: string;
  /** Wire and memory type. */
  readonly kind: FieldKind;
  /** Readers reject the event without it (control `msg` is required for writers only). */
  readonly required: boolean;
  /** Exact byte length (event 10 `traceId`). */
  readonly byteLength?: number;
  /** Lowest detail level recording the key (spec §6.1). */
  readonly level: DetailLevel;
}

/** Detail levels (spec §6.1), each including the previous. */
export const DETAIL_LEVELS = ['control', 'headers', 'headers+sizes', 'headers+data', 'full'] as const;
/** A detail level. */
export type DetailLevel = (typeof DETAIL_LEVELS)[number];

function f(wire: string, name: string, kind: FieldKind, required: boolean, level: DetailLevel = 'control'): FieldSpec {
  return { wire, name, kind, required, level };
}

/**
 * Field tables of the defined types, in wire/JSON order (spec §4.2). Index = `e`. The common keys `n`, `t`,
 * `p`, `e` are not listed (event 8 and 9 require `p`).
 */
export const EVENT_FIELDS: readonly (readonly FieldSpec[])[] = [
  // 0 control
  [
    f('d', 'direction', 'uint', true),
    f('mt', 'messageType', 'uint', true),
    f('msg', 'message', 'opaque', false),
    f('sid', 'streamId', 'id', false),
    f('raw', 'raw', 'bytes', false, 'full'),
  ],
  // 1 stream-opened
  [
    f('sid', 'streamId', 'id', true, 'headers'),
    f('d', 'direction', 'uint', true, 'headers'),
    f('st', 'streamType', 'uint', true, 'headers'),
    f('ta', 'trackAlias', 'id', false, 'headers'),
    f('sg', 'subgroupId', 'id', false, 'headers'),
    f('fri', 'fetchRequestId', 'id', false, 'headers'),
    f('g', 'groupId', 'id', false, 'headers'),
  ],
  // 2 stream-closed
  [f('sid', 'streamId', 'id', true, 'headers'), f('ec', 'errorCode', 'uint', true, 'headers')],
  // 3 object-header
  [
    f('sid', 'streamId', 'id', true, 'headers'),
    f('g', 'groupId', 'id', true, 'headers'),
    f('o', 'objectId', 'id', true, 'headers'),
    f('pp', 'publisherPriority', 'uint', true, 'headers'),
    f('os', 'objectStatus', 'uint', true, 'headers'),
  ],
  // 4 object-payload
  [
    f('sid', 'streamId', 'id', true, 'headers+sizes'),
    f('g', 'groupId', 'id', true, 'headers+sizes'),
    f('o', 'objectId', 'id', true, 'headers+sizes'),
    f('sz', 'size', 'uint', true, 'headers+sizes'),
    f('pl', 'payload', 'bytes', false, 'headers+data'),
  ],
  // 5 state-change
  [f('from', 'from', 'text', true), f('to', 'to', 'text', true)],
  // 6 error
  [
    f('ec', 'errorCode', 'uint', true),
    f('reason', 'reason', 'text', true),
    f('sid', 'streamId', 'id', false),
    f('ek', 'errorKind', 'text', false),
    f('rawlen', 'rawLength', 'uint', false, 'headers+sizes'),
    f('raw', 'raw', 'bytes', false, 'full'),
  ],
  // 7 annotation
  [f('label', 'label', 'text', true), f('data', 'data', 'opaque', false)],
  // 8 peer-connected
  [
    f('endpoint', 'endpoint', 'text', false),
    f('transport', 'transport', 'text', false),
    f('role', 'role', 'text', false),
    f('side', 'side', 'text', false),
  ],
  // 9 peer-disconnected
  [f('ec', 'errorCode', 'uint', true), f('reason', 'reason', 'text', false)],
  // 10 subscription-derivation
  [
    f('u', 'upstream', 'ref', true),
    f('d', 'downstream', 'refs', true),
    f('kind', 'kind', 'text', true),
    { ...f('traceId', 'traceId', 'bytes', false), byteLength: 16 },
    f('ns', 'namespace', 'bytesList', false),
    f('tn', 'trackName', 'bytes', false),
    f('tdr', 'tDownstreamReceived', 'int', false),
    f('tus', 'tUpstreamSent', 'int', false),
    f('tuo', 'tUpstreamOkReceived', 'int', false),
    f('tdo', 'tDownstreamOkSent', 'int', false),
  ],
];

/** Keys common to every event, in wire order. */
export const COMMON_KEYS = ['n', 't', 'p', 'e'] as const;

/** The `e` value of an event (its defined id, or `eventType` for unknown events). */
export function eventTypeId(event: TraceEvent): Numeric {
  return event.type === 'unknown' ? event.eventType : EVENT_TYPE_IDS[event.type];
}

/** The friendly type name of a wire `e` value (`unknown` outside 0–10). */
export function eventTypeName(e: Numeric): EventTypeName {
  const index = Number(e);
  return index >= 0 && index <= 10 && Number.isInteger(index)
    ? (EVENT_TYPE_NAMES[index] as KnownEventTypeName)
    : 'unknown';
}

/**
 * The control message as a map when it is one (narrowing of the `unknown`-typed `message`).
 *
 * @example
 * ```ts
 * const requestId = messageAsMap(event.message)?.request_id;
 * ```
 */
export function messageAsMap(message: unknown): Record<string, unknown> | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return undefined;
  if (message instanceof Uint8Array || message instanceof Map || message instanceof Set || message instanceof Date)
    return undefined;
  return message as Record<string, unknown>;
}
