/**
 * The `.ss` adapter: SeaStreamer recordings through `@x/seastreamer-file`. What only one command needs (the
 * reference decoder's formats, conversions, hexdump regions) is loaded when that command runs, so that
 * `validate` or `cat` do not parse it at start-up.
 *
 * @module
 */
import type { Adapter } from '../types.js';
import { ssChecker } from './check.js';
import { openSsReading, type SsReading, type SsRecord } from './read.js';
import { ssFilter, ssRenderer } from './render.js';
import { ssInfo, ssStats } from './report.js';

/** The `.ss` adapter. */
export const ssAdapter: Adapter<SsRecord, SsReading> = {
  format: 'ss',
  label: '.ss',
  catFormats: ['ndjson', 'json', 'table', 'log', 'ss-decode-log', 'ss-decode-ndjson'],
  targets: ['ndjson', 'ss'],
  open: openSsReading,
  info: (input, reading) => ssInfo(input, reading.header),
  stats: (input) => ssStats(input),
  checker: ssChecker,
  filter: ssFilter,
  renderer: (ctx, input, reading, format, options) => ssRenderer(ctx, input.name, reading.header, format, options),
  async catItself(ctx, input, format, options) {
    if (format !== 'ss-decode-log' && format !== 'ss-decode-ndjson') return false;
    const { catSsDecode } = await import('./ss-decode.js');
    await catSsDecode(ctx, input, format === 'ss-decode-log' ? 'log' : 'ndjson', options, ssFilter(options));
    return true;
  },
  importNdjson: async (ctx, input, target) => (await import('./ndjson-import.js')).importSsNdjson(ctx, input, target),
  convert: async (ctx, input, target) => (await import('./convert.js')).convertSs(ctx, input, target),
  regions: async (_input, bytes, from, to, onProblem) =>
    (await import('./hexdump.js')).ssRegions(bytes, from, to, onProblem),
};
