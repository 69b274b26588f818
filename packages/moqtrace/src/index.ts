/**
 * `@x/moqtrace`: read, write and record `.moqtrace` (MoQT session trace) files, versions 1 and 2. The header and
 * the events are `@x/cbor-schema` schemas ({@link traceHeaderSchema}, {@link traceEventSchema}): the reader, the
 * writer, the types and the CDDL all come from them. Node file helpers are in `@x/moqtrace/node`, the JSON/NDJSON
 * rendering and import in `@x/moqtrace/ndjson`, naming/pairing/statistics in `@x/moqtrace/analysis`.
 *
 * @example
 * ```ts
 * import { createRecorder, readTrace, writeTrace } from '@x/moqtrace';
 * const trace = readTrace(bytes);
 * for (const event of trace.events) console.log(event.type, event.seq);
 * if (!trace.end.complete) console.warn(trace.problems);
 * ```
 *
 * @module @x/moqtrace
 */

export { MoqtraceError, type MoqtraceErrorCode, type MoqtraceErrorOptions } from './errors.js';
export {
  DETAIL_LEVELS,
  type DetailLevel,
  EVENT_FIELDS,
  EVENT_TYPE_IDS,
  type EventField,
  type EventTypeName,
  eventTypeId,
  eventTypeName,
  type FieldKind,
  type KnownEventTypeName,
  messageAsMap,
  type Numeric,
} from './events.js';
export {
  detectTrace,
  MAGIC,
  PREAMBLE_SIZE,
  type Preamble,
  readPreamble,
  SUPPORTED_VERSIONS,
  writePreamble,
} from './preamble.js';
export {
  type DecodeEventOptions,
  decodeEventAt,
  decodeTraceHeader,
  type EventDecodeResult,
} from './reader/decode-at.js';
export { readTrace, type TraceContents } from './reader/read.js';
export { openTraceReader, peekTraceHeader, TraceReader, type TraceReaderOptions } from './reader/trace-reader.js';
export type {
  TraceEnd,
  TraceEventRecord,
  TraceProblem,
  TraceProblemCode,
  TraceReadOptions,
  TraceRecord,
  TraceSegment,
  TraceSegmentInfo,
  TraceSegmentRecord,
  TraceWarningCode,
} from './reader/types.js';
export {
  createRecorder,
  type RecorderClock,
  type RecorderOptions,
  type RecordInput,
  type Recording,
  TraceRecorder,
} from './recorder.js';
export {
  type AnnotationEvent,
  type ControlEvent,
  type ErrorEvent,
  EVENT_TYPE_NAMES,
  eventBaseSchema,
  type KnownTraceEvent,
  type ObjectHeaderEvent,
  type ObjectPayloadEvent,
  type PeerConnectedEvent,
  type PeerDisconnectedEvent,
  type StateChangeEvent,
  type StreamClosedEvent,
  type StreamOpenedEvent,
  type SubscriptionDerivationEvent,
  type SubscriptionRef,
  subscriptionRefSchema,
  type TraceEvent,
  traceEventSchema,
  type UnknownEvent,
} from './schemas/events.js';
export {
  type SamplingInfo,
  type SegmentInfo,
  samplingInfoSchema,
  segmentInfoSchema,
  type TraceHeader,
  traceHeaderSchema,
} from './schemas/header.js';
export { checkSegmentHeaders, eventTimeMs, flattenSegments, isSegmented, type SegmentWarning } from './segments.js';
export { type WriteTraceOptions, writeTrace } from './writer/encode.js';
export {
  checkVersion1Profile,
  type ProfileViolation,
  type SegmentContent,
  type TraceContent,
  type VersionChoice,
} from './writer/profile.js';
export { createTraceWriter, type SegmentPolicy, TraceWriter, type TraceWriterOptions } from './writer/trace-writer.js';
