/**
 * Node-only helpers of `@x/seastreamer-file`: readers and writers on file paths (append, atomic output,
 * size limits) and following a growing file.
 *
 * @example
 * ```ts
 * import { createSeaStreamerFileWriter, followSeaStreamerFile, openSeaStreamerFile } from '@x/seastreamer-file/node';
 * ```
 *
 * @module @x/seastreamer-file/node
 */
export { openSeaStreamerFile, type SeaStreamerFileOptions } from './file-reader.js';
export { createSeaStreamerFileWriter, type SeaStreamerFileWriterOptions } from './file-writer.js';
export { type FollowOptions, followSeaStreamerFile } from './follow.js';
