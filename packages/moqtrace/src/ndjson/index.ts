/**
 * `@x/moqtrace/ndjson`: the canonical JSON rendering of events and headers (spec §5), the NDJSON record contract
 * of `xtrace cat --format ndjson` (header, event, error and end records) and NDJSON import.
 *
 * @example
 * ```ts
 * import { exportNdjson, importNdjson, renderEventJson } from '@x/moqtrace/ndjson';
 * for (const event of trace.events) console.log(renderEventJson(event)); // ids as decimal strings, bytes as hex
 * const copy = await importNdjson(exportNdjson(trace));
 * ```
 *
 * @module @x/moqtrace/ndjson
 */
export type { JsonValue, RenderOptions } from './common.js';
export {
  type ImportedTrace,
  type ImportNdjsonOptions,
  importNdjson,
  importNdjsonRecords,
  type SkippedRecord,
} from './import.js';
export {
  exportNdjson,
  renderEndRecord,
  renderErrorRecord,
  renderEventRecord,
  renderEventRecordJson,
  renderHeaderRecord,
  renderRecord,
  renderRecordJson,
} from './records.js';
export {
  fromTaggedJson,
  parseEventJson,
  parseHeaderJson,
  RENDER_BYTES_LIMIT,
  renderEvent,
  renderHeader,
  toTaggedJson,
} from './render.js';
export { renderEventJson } from './text.js';
