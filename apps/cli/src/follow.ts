/**
 * `--follow` for `.ss`: a following reader from `@x/seastreamer-file/node` that stops at EOS, on removal, or
 * when the run's abort signal fires (Ctrl-C), and never on its own timeout.
 *
 * @module
 */
import type { ReaderOptions, SeaStreamerReader } from '@x/seastreamer-file';
import { follow } from '@x/seastreamer-file/node';
import type { Input } from './input.js';
import type { Context } from './io.js';

/** Opens a following reader on a file path; closing on abort ends iteration. */
export async function followSs(ctx: Context, input: Input, options: ReaderOptions): Promise<SeaStreamerReader> {
  const reader = await follow(input.path!, { ...options, stopAtEos: true });
  const signal = ctx.io.signal;
  if (signal) {
    const onAbort = (): void => {
      reader.close().catch(() => undefined);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  return reader;
}
