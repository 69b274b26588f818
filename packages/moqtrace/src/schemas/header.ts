/**
 * The trace header (spec §3) as an `@x/cbor-schema` schema: one CBOR map right after the preamble, text keys equal
 * to the friendly names. The reader, the writer, the {@link TraceHeader} type and the CDDL page come from it.
 *
 * ```
 * { "protocol": text, "perspective": text, "detail": text, "startTime": uint (epoch ms),
 *   ? "endTime": uint, ? "transport": text, ? "source": text, ? "endpoint": text, ? "sessionId": text,
 *   ? "segment": { "sequence": uint, ? "durationMs": uint, ? "streamId": text, ? "continues": bool },
 *   ? "sampling": { ? "effectiveRate": (0,1], ? "maxEventsPerSec": uint, ? "dropPolicy": text, ... },
 *   ? "custom": { * text => any }, * other => any }
 * ```
 *
 * @module
 */
import { c, type Infer } from '@x/cbor-schema';

/** A header integer: a `number` (values above 2^53 − 1 are unusable). */
const count = () => c.uint({ bigint: 'never' });

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** The v2 `segment` map: present exactly when the trace is segmented (spec §3.1). */
export const segmentInfoSchema = c
  .struct(
    {
      sequence: count(),
      durationMs: c.field('durationMs', count()).optional(),
      streamId: c.field('streamId', c.text()).optional(),
      continues: c.field('continues', c.bool()).optional(),
    },
    { store: 'object' },
  )
  .named('segment');

/** The v2 `sampling` map: present exactly when events were dropped at the source (spec §3.2). */
export const samplingInfoSchema = c
  .struct(
    {
      effectiveRate: c.field('effectiveRate', c.float({ min: 0, exclusiveMin: true, max: 1 })).optional(),
      maxEventsPerSec: c.field('maxEventsPerSec', count()).optional(),
      dropPolicy: c.field('dropPolicy', c.text()).optional(),
      droppedTotal: c.field('droppedTotal', count()).optional(),
      droppedSegment: c.field('droppedSegment', count()).optional(),
      rule: c.field('rule', c.text()).optional(),
      ruleLang: c.field('ruleLang', c.text()).optional(),
      appliesTo: c.field('appliesTo', c.array(count())).optional(),
    },
    { store: 'object' },
  )
  .named('sampling');

/** The header map; its keys are written in this order, then the store (spec §7.1 rule 4). */
export const traceHeaderSchema = c
  .struct(
    {
      protocol: c.text(),
      perspective: c.text(),
      detail: c.text(),
      startTime: count(),
      endTime: c.field('endTime', count()).optional(),
      transport: c.field('transport', c.text()).optional(),
      source: c.field('source', c.text()).optional(),
      endpoint: c.field('endpoint', c.text()).optional(),
      sessionId: c.field('sessionId', c.text()).optional(),
      segment: c.field('segment', segmentInfoSchema).optional(),
      sampling: c.field('sampling', samplingInfoSchema).optional(),
      custom: c
        .field('custom', c.any().refine(isPlainMap, { expected: 'map with text keys', cddl: '{ * tstr => any }' }))
        .optional(),
    },
    { store: 'object' },
  )
  .named('header');

/**
 * The header of a trace (or of one segment). Integers are `number`s. `extra` holds unrecognised keys and defined
 * keys with unusable values, in wire order.
 */
export type TraceHeader = Infer<typeof traceHeaderSchema>;
/** The v2 `segment` map. */
export type SegmentInfo = Infer<typeof segmentInfoSchema>;
/** The v2 `sampling` map. */
export type SamplingInfo = Infer<typeof samplingInfoSchema>;
