/**
 * `@x/cli`: the `xtrace` command for `.moqtrace` and SeaStreamer `.ss` recordings, also usable in-process.
 *
 * @example
 * ```ts
 * import { run } from '@x/cli';
 * const exitCode = await run(['validate', 'recording.ss'], {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   stdin: process.stdin,
 *   env: process.env,
 * });
 * ```
 *
 * @module @x/cli
 */
export { detectFormat, type TraceFormat } from './detect.js';
export {
  type ErrorReport,
  EXIT_DATA,
  EXIT_OK,
  EXIT_USAGE,
  formatErrorLine,
  toErrorReport,
  XtraceError,
  type XtraceErrorOptions,
} from './errors.js';
export type { XtraceIo } from './io.js';
export { stringifyJson, u64Json, u64Text } from './output/json.js';
export { run } from './run.js';
