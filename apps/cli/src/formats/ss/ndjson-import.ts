/**
 * NDJSON records of a `.ss` file back into a `.ss` file (`importSeaStreamerNdjson` of
 * `@x/seastreamer-file/ndjson`), streaming into an atomic output. Strict by default (`INVALID_NDJSON at line
 * N`, exit 1); `--skip-invalid-lines` reports each bad line and goes on.
 *
 * @module
 */
import { basename } from 'node:path';
import { importSeaStreamerNdjson } from '@x/seastreamer-file/ndjson';
import type { Context } from '../../context.js';
import { usage } from '../../errors.js';
import type { Input } from '../../input/input.js';
import { withOutput } from '../convert-common.js';
import type { ConvertTarget } from '../types.js';
import { SS_PARTIAL_MARKER } from './convert.js';

/** Converts NDJSON `.ss` records to a `.ss` file. */
export async function importSsNdjson(ctx: Context, input: Input, target: ConvertTarget): Promise<void> {
  if (target.format !== 'ss') throw usage(`.ss records convert to ss, not ${target.format}`);
  const source = await input.source();
  try {
    await withOutput(
      ctx,
      target,
      () => SS_PARTIAL_MARKER,
      async (out) => {
        await importSeaStreamerNdjson(source, out.sink, {
          fileName: target.path === '-' ? 'stdout.ss' : basename(target.path),
          ...(target.interval === undefined ? {} : { beaconInterval: target.interval }),
          skipInvalidLines: target.skipInvalidLines === true,
          // with --keep-partial every message reaches the file at once, so that a failure keeps all before it
          ...(target.keepPartial ? { bufferSize: 1 } : {}),
          onInvalidLine: (p) =>
            ctx.problem(
              {
                code: p.code,
                severity: 'error',
                line: p.line,
                message: `${p.message.replace(/^line \d+ \(byte \d+\): /, '')} (byte ${p.offset})`,
              },
              input.name,
            ),
        });
      },
    );
  } finally {
    await source.close();
  }
}
