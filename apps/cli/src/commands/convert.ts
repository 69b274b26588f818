/**
 * `xtrace convert`.
 *
 * @module
 */
import { XtraceError } from '../errors.js';
import { openInput } from '../input.js';
import type { Context } from '../io.js';

/** Runs `xtrace convert`. */
export async function convert(ctx: Context, file: string): Promise<void> {
  const input = await openInput(ctx.io, file);
  throw new XtraceError('NOT_AVAILABLE', `convert is not implemented yet for ${input.format}`, { file });
}
