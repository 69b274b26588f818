/**
 * The `.ss` adapter: SeaStreamer recordings through `@x/seastreamer-file`.
 *
 * @module
 */
import type { Adapter } from '../types.js';
import { ssChecker } from './check.js';
import { convertSs } from './convert.js';
import { ssRegions } from './hexdump.js';
import { importSsNdjson } from './ndjson-import.js';
import { openSsReading, type SsReading, type SsRecord } from './read.js';
import { ssFilter, ssRenderer } from './render.js';
import { ssInfo, ssStats } from './report.js';
import { catSsDecode } from './ss-decode.js';

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
    await catSsDecode(ctx, input, format === 'ss-decode-log' ? 'log' : 'ndjson', options, ssFilter(options));
    return true;
  },
  importNdjson: importSsNdjson,
  convert: convertSs,
  regions: (_input, bytes, from, to, onProblem) => ssRegions(bytes, from, to, onProblem),
};
