/**
 * `@x/cli`: the `xtrace` command for MoQT traces (`.moqtrace`, qlog/mlog) and SeaStreamer `.ss` recordings,
 * also usable in-process.
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
export { type DetectedFormat, detectFormat, type TraceFormat } from './input/detect.js';
export type { XtraceIo } from './io.js';
export { escapeText } from './output/escape.js';
export { stringifyJson, u64Json, u64Text } from './output/json.js';
export { run } from './run.js';
