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

type HeaderShape = Infer<typeof traceHeaderSchema>;
type SegmentShape = Infer<typeof segmentInfoSchema>;
type SamplingShape = Infer<typeof samplingInfoSchema>;

// The interfaces below only name the inferred types and document their fields: every field's type is the
// schema's (`Shape['field']`), and a field added to a schema is inherited (undocumented until listed here).

/** The v2 `segment` map (spec §3.1). `extra` holds unrecognised keys and defined keys with unusable values. */
export interface SegmentInfo extends SegmentShape {
  /** 0-based, +1 per segment of one source. */
  sequence: SegmentShape['sequence'];
  /** Nominal segment duration in ms. */
  durationMs?: SegmentShape['durationMs'];
  /** Identifies the stream of segments this one belongs to. */
  streamId?: SegmentShape['streamId'];
  /** Continues an earlier segment with the same `streamId`. */
  continues?: SegmentShape['continues'];
  /** Keys this reader does not know, and known keys with unusable values, in wire order. */
  extra?: SegmentShape['extra'];
}

/** The v2 `sampling` map (spec §3.2): present exactly when events were dropped at the source. */
export interface SamplingInfo extends SamplingShape {
  /** Fraction kept by rate-based dropping, in (0, 1]; 1 = none dropped. */
  effectiveRate?: SamplingShape['effectiveRate'];
  /** Per-segment cap (events per second) that caused drops. */
  maxEventsPerSec?: SamplingShape['maxEventsPerSec'];
  /** `head`, `tail`, `sampled`, or another policy name. */
  dropPolicy?: SamplingShape['dropPolicy'];
  /** Events dropped since the stream started. */
  droppedTotal?: SamplingShape['droppedTotal'];
  /** Events dropped within this segment. */
  droppedSegment?: SamplingShape['droppedSegment'];
  /** Source-side filter rule. */
  rule?: SamplingShape['rule'];
  /** Language of `rule` (`prefix`, `suffix`, `glob`, `cel`, ...). */
  ruleLang?: SamplingShape['ruleLang'];
  /** Event type ids the policy touched (types absent from it are complete). */
  appliesTo?: SamplingShape['appliesTo'];
  /** Keys this reader does not know, and known keys with unusable values, in wire order. */
  extra?: SamplingShape['extra'];
}

/**
 * The header of a trace (or of one segment), spec §3. Integers are `number`s. Unknown `perspective` and `detail`
 * values are kept as they are.
 */
export interface TraceHeader extends HeaderShape {
  /** `moq-transport-NN` (draft), `moq-transport-rfcNNNN` (RFC), or any other text. */
  protocol: HeaderShape['protocol'];
  /** `client`, `server`, `observer` (v1), `relay-tap` (v2: events carry their peer `p`). */
  perspective: HeaderShape['perspective'];
  /** Detail level: `control`, `headers`, `headers+sizes`, `headers+data` or `full` (spec §6). */
  detail: HeaderShape['detail'];
  /** Unix epoch milliseconds; for a segment, the segment's start. Event timestamps are µs since it. */
  startTime: HeaderShape['startTime'];
  /** Epoch ms at finalisation; absent after a crash. */
  endTime?: HeaderShape['endTime'];
  /** `webtransport`, `raw-quic`, or another transport name. */
  transport?: HeaderShape['transport'];
  /** Producing software and version; the namespace of event `peer` values. */
  source?: HeaderShape['source'];
  /** Remote peer address or URI. */
  endpoint?: HeaderShape['endpoint'];
  /** Capture-correlation id: one session seen from several vantage points. */
  sessionId?: HeaderShape['sessionId'];
  /** Segment metadata (v2): present exactly when the trace is segmented. */
  segment?: SegmentInfo;
  /** Sampling metadata (v2): present exactly when events were dropped at the source. */
  sampling?: SamplingInfo;
  /** Free metadata, kept whole; `payloadMasked: true` declares zeroed payloads (spec §6.3). */
  custom?: HeaderShape['custom'];
  /** Keys this reader does not know, and known keys with unusable values, in wire order. */
  extra?: HeaderShape['extra'];
}
