/**
 * `@x/moqt-qlog`: MoQT qlog export and qlog/mlog import for `.moqtrace` traces. Export writes the IETF MoQT qlog
 * events (draft-pardue-moq-qlog-moq-events -06/-07) as JSON-SEQ or contained JSON, with the events that have no
 * MoQT counterpart in the private `moqtrace:` namespace, so that importing an export gives back the same events.
 * Import reads what moxygen, imquic and moq-rs write (and legacy qlog) as `.moqtrace` events. Browser-safe;
 * file helpers are in `@x/moqt-qlog/node`.
 *
 * @example
 * ```ts
 * import { readTrace } from '@x/moqtrace';
 * import { readQlog, writeQlog } from '@x/moqt-qlog';
 * const trace = readTrace(moqtraceBytes);
 * const sqlog = writeQlog({ segments: trace.segments });      // JSON-SEQ bytes
 * const back = readQlog(sqlog);                                // the same events
 * console.log(back.header.protocol, back.events.length, back.end.state);
 * ```
 *
 * @module @x/moqt-qlog
 */
export {
  CONTAINED_FILE_SCHEMA,
  CONTAINED_MEDIA_TYPE,
  LOGLEVEL_SCHEMA,
  MOQTRACE_SCHEMA,
  type MoqtDraftShape,
  moqtSchemaUri,
  SEQUENTIAL_FILE_SCHEMA,
  SEQUENTIAL_MEDIA_TYPE,
} from './constants.js';
export { detectQlog } from './detect.js';
export {
  type QlogEnd,
  QlogError,
  type QlogErrorCode,
  type QlogErrorOptions,
  type QlogProblem,
  type QlogProblemCode,
} from './errors.js';
export type { Framing } from './framing.js';
export type { ImportOptions, StringTimeUnit } from './import-core.js';
export {
  openQlogReader,
  type QlogContents,
  QlogReader,
  type QlogReadOptions,
  type QlogRecord,
  type QlogSegment,
  readQlog,
} from './reader.js';
export {
  createQlogWriter,
  type QlogExportContent,
  type QlogFormat,
  QlogWriter,
  type QlogWriterOptions,
  type QlogWriterStats,
  writeQlog,
} from './writer.js';
