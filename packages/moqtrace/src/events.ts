/**
 * The event model around the schemas: type names and ids, detail levels, and the per-type field tables derived
 * from `traceEventSchema` (the renderers and the CLI's tables walk them).
 *
 * @module
 */
import type { FieldInfo, Schema, StructSchema, StructShape } from '@x/cbor-schema';
import { EVENT_TYPE_NAMES, subscriptionRefSchema, type TraceEvent, traceEventSchema } from './schemas/events.js';

/** A `number`, or a `bigint` when the wire value exceeds 2^53 − 1 (kept exactly). */
export type Numeric = number | bigint;

/** Name of a defined event type. */
export type KnownEventTypeName = (typeof EVENT_TYPE_NAMES)[number];
/** Name of any event type, `unknown` for types outside 0–10. */
export type EventTypeName = KnownEventTypeName | 'unknown';

/** Wire `e` of each defined event type. */
export const EVENT_TYPE_IDS: Readonly<Record<KnownEventTypeName, number>> = Object.freeze(
  Object.fromEntries(EVENT_TYPE_NAMES.map((name, index) => [name, index])) as Record<KnownEventTypeName, number>,
);

/** Detail levels (spec §6.1), each including the previous. */
export const DETAIL_LEVELS = ['control', 'headers', 'headers+sizes', 'headers+data', 'full'] as const;
/** A detail level. */
export type DetailLevel = (typeof DETAIL_LEVELS)[number];

/**
 * How a field is typed on the wire and in memory (for renderers):
 * `uint`/`int` → {@link Numeric}; `id` → `bigint` (decimal string in JSON); `text`; `bytes` → `Uint8Array`
 * (hex in JSON); `opaque` → any value; `ref`/`refs` → `SubscriptionRef`(s); `bytesList` → `Uint8Array[]`.
 */
export type FieldKind = 'uint' | 'int' | 'id' | 'text' | 'bytes' | 'opaque' | 'ref' | 'refs' | 'bytesList';

/** One defined key of an event type (derived from the schema). */
export interface EventField {
  /** Key on the wire. */
  readonly wire: string;
  /** Property name in memory and in JSON. */
  readonly name: string;
  /** Wire and memory type. */
  readonly kind: FieldKind;
  /** Readers reject an event of this type without it (control `msg` reads as `{}` when absent). */
  readonly required: boolean;
}

function kindOf(schema: Schema<unknown>): FieldKind {
  switch (schema.kind) {
    case 'uint':
      return (schema as unknown as { bigint: string }).bigint === 'always' ? 'id' : 'uint';
    case 'int':
      return 'int';
    case 'text':
      return 'text';
    case 'bytes':
      return 'bytes';
    case 'array':
      return (schema as unknown as { item: Schema<unknown> }).item === subscriptionRefSchema ? 'refs' : 'bytesList';
    case 'transform':
      return 'ref';
    default:
      return 'opaque';
  }
}

/**
 * The defined keys of each type 0–10 (index = `e`) in wire and rendering order, without the common keys `n`, `t`,
 * `p`, `e` (events 8 and 9 require `p`). Derived from `traceEventSchema`.
 */
export const EVENT_FIELDS: readonly (readonly EventField[])[] = EVENT_TYPE_NAMES.map((_, e) => {
  const variant = (traceEventSchema.variants as Record<number, StructSchema<StructShape>>)[
    e
  ] as StructSchema<StructShape>;
  return variant.fields
    .filter((f: FieldInfo) => f.key !== 'p')
    .map((f: FieldInfo) => ({
      wire: f.key as string,
      name: f.name,
      kind: kindOf(f.schema),
      required: !f.optional,
    }));
});

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
