/**
 * `--follow` for `.ss`: a following reader from `@x/seastreamer-file/node` that stops at EOS, on removal, or
 * when the run's abort signal fires (Ctrl-C, end state `aborted`), and never on its own timeout.
 *
 * @module
 */
import type { SeaStreamerReader, SeaStreamerReaderOptions } from '@x/seastreamer-file';
import { followSeaStreamerFile } from '@x/seastreamer-file/node';
import type { Input } from './input.js';
import type { Context } from './io.js';

/** Opens a following reader on a file path. */
export async function followSs(
  ctx: Context,
  input: Input,
  options: SeaStreamerReaderOptions,
): Promise<SeaStreamerReader> {
  const signal = ctx.io.signal;
  return followSeaStreamerFile(input.path!, { ...options, stopAtEos: true, ...(signal ? { signal } : {}) });
}
