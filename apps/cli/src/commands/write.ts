/**
 * `xtrace write`.
 *
 * @module
 */
import { XtraceError } from '../errors.js';
import { openInput } from '../input.js';
import type { Context } from '../io.js';

/** Runs `xtrace write`. */
export async function write(ctx: Context, file: string): Promise<void> {
  const input = await openInput(ctx.io, file);
  throw new XtraceError('NOT_AVAILABLE', `write is not implemented yet for ${input.format}`, { file });
}
