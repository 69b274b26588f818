/**
 * `xtrace cat` for `.moqtrace` files.
 *
 * @module
 */
import { XtraceError } from '../errors.js';
import type { Input } from '../input.js';
import type { Context } from '../io.js';
import type { CatFormat, CatOptions } from './cat.js';

/** Prints the records of a `.moqtrace` file. */
export async function catMoqtrace(
  _ctx: Context,
  input: Input,
  _options: CatOptions,
  _format: CatFormat,
): Promise<void> {
  throw new XtraceError('NOT_AVAILABLE', '.moqtrace support is not available yet', { file: input.name });
}
