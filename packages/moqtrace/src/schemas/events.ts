/**
 * Trace events (spec §4) as `@x/cbor-schema` schemas: the keys every event has (`n`, `t`, `p`, `e`), the keys of
 * each type 0–10 in wire order, and the union on `e` with friendly type names. The reader, the writer, the event
 * types ({@link TraceEvent}, {@link ControlEvent}, …) and the CDDL page all come from them.
 *
 * Wire layout of one event (an RFC 8949 map, short text keys):
 * ```
 * { "n": seq, "t": µs since startTime, ["p": peer,] "e": type, ...type keys..., ...store... }
 * ```
 *
 * @module
 */
import { c, type Infer } from '@x/cbor-schema';

/** An id: `bigint` in memory whatever its wire width (decimal string in JSON). */
const id = () => c.uint({ bigint: 'always' });

/** Event 10's `[peer, request id]` pair, `{ peer, requestId }` in memory. */
export const subscriptionRefSchema = c
  .tuple([c.text(), id()])
  .transform(
    ([peer, requestId]) => ({ peer, requestId }),
    (ref): [string, bigint] => [ref.peer, ref.requestId],
  )
  .named('subscription-ref');

/** The keys every event has: `n` (seq), `t` (timestamp, µs, may be negative), optional `p` (peer), `e` (type). */
export const eventBaseSchema = c.struct({
  seq: c.field('n', c.uint()),
  timestamp: c.field('t', c.int()),
  peer: c.field('p', c.text()).optional(),
  type: c.field('e', c.uint()),
});

const controlSchema = c
  .struct({
    direction: c.field('d', c.uint()),
    messageType: c.field('mt', c.uint()),
    message: c.field('msg', c.any()).default(() => ({})),
    streamId: c.field('sid', id()).optional(),
    raw: c.field('raw', c.bytes()).optional(),
  })
  .named('control-event');

const streamOpenedSchema = c
  .struct({
    streamId: c.field('sid', id()),
    direction: c.field('d', c.uint()),
    streamType: c.field('st', c.uint()),
    trackAlias: c.field('ta', id()).optional(),
    subgroupId: c.field('sg', id()).optional(),
    fetchRequestId: c.field('fri', id()).optional(),
    groupId: c.field('g', id()).optional(),
  })
  .named('stream-opened-event');

const streamClosedSchema = c
  .struct({ streamId: c.field('sid', id()), errorCode: c.field('ec', c.uint()) })
  .named('stream-closed-event');

const objectHeaderSchema = c
  .struct({
    streamId: c.field('sid', id()),
    groupId: c.field('g', id()),
    objectId: c.field('o', id()),
    publisherPriority: c.field('pp', c.uint()),
    objectStatus: c.field('os', c.uint()),
  })
  .named('object-header-event');

const objectPayloadSchema = c
  .struct({
    streamId: c.field('sid', id()),
    groupId: c.field('g', id()),
    objectId: c.field('o', id()),
    size: c.field('sz', c.uint()),
    payload: c.field('pl', c.bytes()).optional(),
  })
  .named('object-payload-event');

const stateChangeSchema = c
  .struct({ from: c.field('from', c.text()), to: c.field('to', c.text()) })
  .named('state-change-event');

const errorSchema = c
  .struct({
    errorCode: c.field('ec', c.uint()),
    reason: c.field('reason', c.text()),
    streamId: c.field('sid', id()).optional(),
    errorKind: c.field('ek', c.text()).optional(),
    rawLength: c.field('rawlen', c.uint()).optional(),
    raw: c.field('raw', c.bytes()).optional(),
  })
  .named('error-event');

const annotationSchema = c
  .struct({ label: c.field('label', c.text()), data: c.field('data', c.any()).optional() })
  .named('annotation-event');

const peerConnectedSchema = c
  .struct({
    peer: c.field('p', c.text()),
    endpoint: c.field('endpoint', c.text()).optional(),
    transport: c.field('transport', c.text()).optional(),
    role: c.field('role', c.text()).optional(),
    side: c.field('side', c.text()).optional(),
  })
  .named('peer-connected-event');

const peerDisconnectedSchema = c
  .struct({
    peer: c.field('p', c.text()),
    errorCode: c.field('ec', c.uint()),
    reason: c.field('reason', c.text()).optional(),
  })
  .named('peer-disconnected-event');

const subscriptionDerivationSchema = c
  .struct({
    upstream: c.field('u', subscriptionRefSchema),
    downstream: c.field('d', c.array(subscriptionRefSchema)),
    kind: c.field('kind', c.text()),
    traceId: c.field('traceId', c.bytes({ size: 16 })).optional(),
    namespace: c.field('ns', c.array(c.bytes())).optional(),
    trackName: c.field('tn', c.bytes()).optional(),
    tDownstreamReceived: c.field('tdr', c.int()).optional(),
    tUpstreamSent: c.field('tus', c.int()).optional(),
    tUpstreamOkReceived: c.field('tuo', c.int()).optional(),
    tDownstreamOkSent: c.field('tdo', c.int()).optional(),
  })
  .named('subscription-derivation-event');

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

/**
 * Any event: a union on `e` of the eleven defined types with their friendly names (`type`); an unsigned `e`
 * outside 0–10 gives `{ type: 'unknown', seq, timestamp, peer?, eventType, fields }`. Unknown keys of a defined
 * type (and defined keys with unusable values) are kept in `extra`.
 */
export const traceEventSchema = c
  .union(
    eventBaseSchema,
    'type',
    {
      0: controlSchema,
      1: streamOpenedSchema,
      2: streamClosedSchema,
      3: objectHeaderSchema,
      4: objectPayloadSchema,
      5: stateChangeSchema,
      6: errorSchema,
      7: annotationSchema,
      8: peerConnectedSchema,
      9: peerDisconnectedSchema,
      10: subscriptionDerivationSchema,
    },
    {
      names: {
        0: 'control',
        1: 'stream-opened',
        2: 'stream-closed',
        3: 'object-header',
        4: 'object-payload',
        5: 'state-change',
        6: 'error',
        7: 'annotation',
        8: 'peer-connected',
        9: 'peer-disconnected',
        10: 'subscription-derivation',
      },
      unknownKey: 'eventType',
      store: 'object',
    },
  )
  .named('event');

/** Any event of a trace. Discriminate on `type`. */
export type TraceEvent = Infer<typeof traceEventSchema>;
/** A subscription of one peer: wire `[peer, request id]`. */
export type SubscriptionRef = Infer<typeof subscriptionRefSchema>;
/** Event 0: a control message sent (`direction` 0) or received (1); `message` is `{}` when absent. */
export type ControlEvent = Extract<TraceEvent, { type: 'control' }>;
/** Event 1: a data stream was opened. */
export type StreamOpenedEvent = Extract<TraceEvent, { type: 'stream-opened' }>;
/** Event 2: a data stream was closed. */
export type StreamClosedEvent = Extract<TraceEvent, { type: 'stream-closed' }>;
/** Event 3: an object header. */
export type ObjectHeaderEvent = Extract<TraceEvent, { type: 'object-header' }>;
/** Event 4: an object payload (size, and bytes at `headers+data`). */
export type ObjectPayloadEvent = Extract<TraceEvent, { type: 'object-payload' }>;
/** Event 5: a session state change. */
export type StateChangeEvent = Extract<TraceEvent, { type: 'state-change' }>;
/** Event 6: an error. */
export type ErrorEvent = Extract<TraceEvent, { type: 'error' }>;
/** Event 7: an annotation (`data` absent stays absent). */
export type AnnotationEvent = Extract<TraceEvent, { type: 'annotation' }>;
/** Event 8 (v2): a peer connected to a relay (`peer` required). */
export type PeerConnectedEvent = Extract<TraceEvent, { type: 'peer-connected' }>;
/** Event 9 (v2): a peer disconnected (`peer` required). */
export type PeerDisconnectedEvent = Extract<TraceEvent, { type: 'peer-disconnected' }>;
/** Event 10 (v2): a relay derived an upstream subscription from downstream ones. */
export type SubscriptionDerivationEvent = Extract<TraceEvent, { type: 'subscription-derivation' }>;
/** An event of a type this version does not define (kept and written back). */
export type UnknownEvent = Extract<TraceEvent, { type: 'unknown' }>;
/** Any event of a defined type (0–10). */
export type KnownTraceEvent = Exclude<TraceEvent, UnknownEvent>;
