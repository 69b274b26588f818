/**
 * `@x/seastreamer-file/ndjson`: the NDJSON record contract of `.ss` files (one JSON object per line: `header`,
 * `message`, `beacon`, `error`, `end`) in both directions: formatting records from what a reader read, and a
 * strict import back into messages and `.ss` files that never drops or alters a record silently.
 *
 * @example
 * ```ts
 * import { openSeaStreamerReader } from '@x/seastreamer-file';
 * import { formatEndRecord, formatHeaderRecord, formatMessageRecord } from '@x/seastreamer-file/ndjson';
 * const reader = await openSeaStreamerReader(file);
 * let text = `${formatHeaderRecord(reader.header)}\n`;
 * for await (const m of reader) if (m.kind === 'message') text += `${formatMessageRecord(m)}\n`;
 * text += `${formatEndRecord(reader.end!)}\n`;
 * ```
 *
 * @module @x/seastreamer-file/ndjson
 */
export {
  importSeaStreamerNdjson,
  MAX_RECORD_NESTING,
  type NdjsonHeader,
  type NdjsonImportOptions,
  type NdjsonImportResult,
  type NdjsonItem,
  type NdjsonLineProblem,
  type NdjsonReadOptions,
  type ParsedRecord,
  parseSeaStreamerRecord,
  type RecordDefaults,
  readSeaStreamerNdjson,
} from './import.js';
export {
  decodePayload,
  encodePayload,
  fromBase64,
  PAYLOAD_MODES,
  type PayloadEncoding,
  type PayloadMode,
  toBase64,
} from './payload.js';
export {
  createRecordWriter,
  formatBeaconRecord,
  formatEndRecord,
  formatHeaderRecord,
  formatMessageRecord,
  formatProblemRecord,
  type RecordWriter,
  u64Text,
} from './records.js';
