/**
 * Node-only helpers of `@x/binary`: byte sources over file paths.
 *
 * @example
 * ```ts
 * import { openFileSource } from '@x/binary/node';
 * const source = await openFileSource('trace.moqtrace');
 * ```
 *
 * @module @x/binary/node
 */
export { type FileSource, openFileSource } from './file-source.js';
