/**
 * Node-only helpers of `@x/seastreamer-file`: readers and writers on file paths (with append and size
 * limits) and `follow()` for growing files.
 *
 * @example
 * ```ts
 * import { follow, openFileReader, openFileWriter } from '@x/seastreamer-file/node';
 * ```
 *
 * @module @x/seastreamer-file/node
 */
export { type FileReaderOptions, openFileReader } from './file-reader.js';
export { type FileWriterOptions, openFileWriter } from './file-writer.js';
export { type FollowOptions, follow } from './follow.js';
