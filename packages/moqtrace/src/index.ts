/**
 * `@x/moqtrace`: read, write and record `.moqtrace` (MoQT session trace) files, versions 1 and 2.
 *
 * @module @x/moqtrace
 */

export * from './analysis/index.js';
export { MoqtraceError, type MoqtraceErrorCode, type MoqtraceErrorOptions } from './errors.js';
export * from './events.js';
export {
  decodeHeader,
  encodeHeaderBytes,
  HEADER_KEYS,
  type HeaderDecodeResult,
  PERSPECTIVES,
  type SamplingInfo,
  type SegmentInfo,
  type TraceHeader,
} from './header.js';
export * from './json.js';
export { jsonString, renderEventJson, taggedJsonText } from './json-text.js';
export * from './preamble.js';
export * from './reader.js';
export * from './recorder.js';
export * from './records.js';
export * from './schemas.js';
export * from './segments.js';
export * from './writer.js';
