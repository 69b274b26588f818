/**
 * Node-only helpers of `@x/binary`: byte sources and sinks on file paths, and waiting for a growing file.
 *
 * @example
 * ```ts
 * import { openFileSource } from '@x/binary/node';
 * const source = await openFileSource('trace.moqtrace');
 * ```
 *
 * @module @x/binary/node
 */
export { type FileGrowth, type FileGrowthOptions, type FileGrowthWatcher, watchFileGrowth } from './file-growth.js';
export { type FileSink, type FileSinkOptions, openFileSink } from './file-sink.js';
export { type FileSource, type FileSourceOptions, openFileSource } from './file-source.js';
