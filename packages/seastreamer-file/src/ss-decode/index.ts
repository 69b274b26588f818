/**
 * `@x/seastreamer-file/ss-decode`: the output formats of the reference SeaStreamer decoder (`ss-decode`, the
 * Rust CLI of `sea-streamer-file`), byte for byte: `log` and `ndjson`, with or without payloads, and the
 * serde_json re-serialisation of JSON payloads they rely on.
 *
 * @example
 * ```ts
 * import { openSeaStreamerReader } from '@x/seastreamer-file';
 * import { createSsDecodeRenderer } from '@x/seastreamer-file/ss-decode';
 * const reader = await openSeaStreamerReader(file, { beacons: true, strict: true });
 * const renderer = createSsDecodeRenderer({ format: 'log' });
 * process.stdout.write(renderer.header(reader.header));
 * for await (const record of reader) {
 *   process.stdout.write(renderer.record(record));
 *   if (renderer.ended) break;
 * }
 * process.stdout.write(renderer.finish());
 * ```
 *
 * @module @x/seastreamer-file/ss-decode
 */
export {
  createSsDecodeRenderer,
  ndjsonPayload,
  type SsDecodeOptions,
  type SsDecodeRenderer,
} from './format.js';
export { compareUtf8, formatRyu, reserializeLikeSerde } from './serde-json.js';
