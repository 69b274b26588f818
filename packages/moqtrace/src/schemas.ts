/**
 * The header and event types as `@x/cbor-schema` schemas (friendly names in the API, short keys on the wire),
 * generated from the same field tables as the reader and writer ({@link EVENT_FIELDS}), so the CDDL of the
 * docs and the code cannot drift apart.
 *
 * @module
 */
import { c, type Schema, toCDDL } from '@x/cbor-schema';
import { EVENT_FIELDS, EVENT_TYPE_NAMES, type FieldKind, type FieldSpec } from './events.js';

function kindSchema(spec: FieldSpec): Schema<unknown> {
  const kind: FieldKind = spec.kind;
  switch (kind) {
    case 'uint':
      return c.uint();
    case 'int':
      return c.int();
    case 'id':
      return c.uint({ bigint: 'always' });
    case 'text':
      return c.text();
    case 'bytes':
      return spec.byteLength === undefined ? c.bytes() : c.bytes({ size: spec.byteLength });
    case 'opaque':
      return c.any();
    case 'ref':
      return subscriptionRefSchema;
    case 'refs':
      return c.array(subscriptionRefSchema);
    case 'bytesList':
      return c.array(c.bytes());
  }
}

/** Event 10's `[peer, request id]` pair. */
export const subscriptionRefSchema = c.tuple([c.text(), c.uint({ bigint: 'always' })]).named('subscription-ref');

/** The keys every event has: `n` (seq), `t` (timestamp), optional `p` (peer), `e` (type). */
export const eventBaseSchema = c.struct({
  seq: c.field('n', c.uint()),
  timestamp: c.field('t', c.int()),
  peer: c.field('p', c.text()).optional(),
  type: c.field('e', c.uint()),
});

function variant(index: number) {
  const shape: Record<string, ReturnType<typeof c.field>> = {};
  for (const spec of EVENT_FIELDS[index] as readonly FieldSpec[]) {
    const field = c.field(spec.wire, kindSchema(spec));
    shape[spec.name] = (spec.required ? field : field.optional()) as ReturnType<typeof c.field>;
  }
  return c.struct(shape).named(`${EVENT_TYPE_NAMES[index]}-event`);
}

/**
 * Per event type 0–10, the struct of its own keys (wire key → friendly name). Readers require the non-optional
 * fields (control `msg` is optional for readers, required for writers; events 8 and 9 also require `p`).
 */
export const eventVariantSchemas = EVENT_FIELDS.map((_, index) => variant(index));

/** Any event: a union on `e` of the eleven defined types; unknown types are kept (`unknown: true`). */
export const traceEventSchema = c
  .union(eventBaseSchema, 'type', Object.fromEntries(eventVariantSchemas.map((schema, index) => [index, schema])), {
    unknown: 'keep',
  })
  .named('event');

/** v2 `segment` map. */
export const segmentSchema = c
  .struct({
    sequence: c.uint({ bigint: 'never' }),
    durationMs: c.field('durationMs', c.uint({ bigint: 'never' })).optional(),
    streamId: c.field('streamId', c.text()).optional(),
    continues: c.field('continues', c.bool()).optional(),
  })
  .named('segment');

/** v2 `sampling` map. */
export const samplingSchema = c
  .struct({
    effectiveRate: c.field('effectiveRate', c.float()).optional(),
    maxEventsPerSec: c.field('maxEventsPerSec', c.uint({ bigint: 'never' })).optional(),
    dropPolicy: c.field('dropPolicy', c.text()).optional(),
    droppedTotal: c.field('droppedTotal', c.uint({ bigint: 'never' })).optional(),
    droppedSegment: c.field('droppedSegment', c.uint({ bigint: 'never' })).optional(),
    rule: c.field('rule', c.text()).optional(),
    ruleLang: c.field('ruleLang', c.text()).optional(),
    appliesTo: c.field('appliesTo', c.array(c.uint({ bigint: 'never' }))).optional(),
  })
  .named('sampling');

/** The header map (wire keys equal the friendly names). */
export const traceHeaderSchema = c
  .struct({
    protocol: c.text(),
    perspective: c.text(),
    detail: c.text(),
    startTime: c.uint({ bigint: 'never' }),
    endTime: c.field('endTime', c.uint({ bigint: 'never' })).optional(),
    transport: c.field('transport', c.text()).optional(),
    source: c.field('source', c.text()).optional(),
    endpoint: c.field('endpoint', c.text()).optional(),
    sessionId: c.field('sessionId', c.text()).optional(),
    segment: c.field('segment', segmentSchema).optional(),
    sampling: c.field('sampling', samplingSchema).optional(),
    custom: c.field('custom', c.record(c.text(), c.any())).optional(),
  })
  .named('header');

/**
 * The CDDL (RFC 8610) of the header and of the events, for the format page of the docs.
 *
 * @example
 * ```ts
 * console.log(traceCddl());
 * ```
 */
export function traceCddl(): string {
  return `${toCDDL(traceHeaderSchema, { name: 'header' })}\n\n${toCDDL(traceEventSchema, { name: 'event' })}`;
}
