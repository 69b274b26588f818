/**
 * `cat --format ss-decode-log|ss-decode-ndjson`: the reference SeaStreamer decoder's output, byte for byte
 * (`createSsDecodeWriter` of `@x/seastreamer-file/ss-decode`), strict like the reference: a damaged message
 * stops the output with `CHECKSUM_MISMATCH`, a truncated tail is a warning (the reference exits 0).
 *
 * @module
 */
import { createSsDecodeWriter } from '@x/seastreamer-file/ss-decode';
import type { Context } from '../../context.js';
import { EXIT_DATA } from '../../errors.js';
import type { TraceInput } from '../../input/input.js';
import type { CatOptions, RecordFilter } from '../types.js';
import { openSsReader, type SsRecord } from './read.js';

/** Runs `cat` in a reference-decoder format. */
export async function catSsDecode(
  ctx: Context,
  input: TraceInput,
  format: 'log' | 'ndjson',
  options: CatOptions,
  filter: RecordFilter<SsRecord>,
): Promise<void> {
  const out = createSsDecodeWriter(
    { write: (chunk) => ctx.out.writeBytes(chunk), close: () => undefined },
    { format, headerOnly: options.payload === 'none' },
  );
  const { reader, source } = await openSsReader(
    ctx,
    input,
    { strict: true, beacons: true },
    options.follow ? { waitForFile: options.wait === true } : undefined,
  );
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  try {
    let w = out.header(reader.header);
    if (w) await w;
    let done = limit === 0;
    try {
      while (!done) {
        const batch = await reader.nextBatch();
        if (batch === null) break;
        for (const item of batch) {
          w = out.record(item, item.kind === 'beacon' || filter.matches(item));
          if (w) await w;
          if (out.ended || out.printed >= limit) {
            done = true;
            break;
          }
        }
      }
      // At the limit the record held back is not printed: only what is written goes out.
      if (done && !out.ended) await out.flush();
      else await out.finish();
    } catch (error) {
      const e = error as { code?: string; received?: number; computed?: number; offset?: number };
      if (e.code !== 'CHECKSUM_MISMATCH') throw error;
      await out.finish();
      ctx.reportLine(
        {
          code: 'CHECKSUM_MISMATCH',
          message: `Checksum error: received ${e.received}, computed ${e.computed}`,
          offset: e.offset,
        },
        input.name,
        EXIT_DATA,
      );
      return;
    }
    const end = reader.end;
    if (!done && end?.state === 'truncated') {
      // the reference warns and exits 0 ("the file might have been truncated")
      ctx.reportLine(
        { code: 'TRUNCATED', message: 'the file might have been truncated', offset: end.offset },
        input.name,
        0,
      );
    }
  } finally {
    await reader.close();
    await source?.close();
  }
}
