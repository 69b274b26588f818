/**
 * `@x/moqtrace/node`: Node-only helpers — reading, following and writing trace files by path.
 *
 * @example
 * ```ts
 * import { openTraceFile, createTraceFileWriter } from '@x/moqtrace/node';
 * const reader = await openTraceFile('session.moqtrace');
 * const writer = createTraceFileWriter('copy.moqtrace', { header: reader.header, atomic: true });
 * for await (const record of reader) if (record.kind === 'event') writer.write(record.event);
 * await writer.close();
 * ```
 *
 * @module @x/moqtrace/node
 */
export {
  createTraceFileWriter,
  openTraceFile,
  type TraceFileOptions,
  type TraceFileWriterOptions,
} from './file.js';
export { type FollowTraceOptions, followTraceFile } from './follow.js';
