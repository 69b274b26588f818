/**
 * The adapters by format, each loaded only when an input of its format is met (so that `xtrace --version`
 * and a `.ss` command never load the `.moqtrace` and qlog libraries, and the other way round).
 *
 * @module
 */
import type { TraceFormat } from '../input/detect.js';
import type { Adapter } from './types.js';

/** The adapter of `format`. */
export async function loadAdapter(format: TraceFormat): Promise<Adapter> {
  switch (format) {
    case 'ss':
      return (await import('./ss/adapter.js')).ssAdapter as unknown as Adapter;
    case 'moqtrace':
      return (await import('./moqtrace/adapter.js')).moqtraceAdapter as unknown as Adapter;
    case 'qlog':
      return (await import('./qlog/adapter.js')).qlogAdapter as unknown as Adapter;
  }
}
