/**
 * `@x/seastreamer-file/ss-decode`: the output formats of the reference SeaStreamer decoder (`ss-decode`, the
 * Rust CLI of `sea-streamer-file`), byte for byte: `log` and `ndjson`, with or without payloads, and the
 * serde_json re-serialisation of JSON payloads they rely on.
 *
 * @example
 * ```ts
 * import { toWritableStreamSink } from '@x/binary';
 * import { openSeaStreamerReader } from '@x/seastreamer-file';
 * import { createSsDecodeWriter } from '@x/seastreamer-file/ss-decode';
 * const reader = await openSeaStreamerReader(file, { beacons: true, strict: true });
 * const out = createSsDecodeWriter(toWritableStreamSink(writable), { format: 'log' });
 * await out.header(reader.header);
 * for await (const record of reader) {
 *   await out.record(record);
 *   if (out.ended) break;
 * }
 * await out.finish();
 * ```
 *
 * @module @x/seastreamer-file/ss-decode
 */
export { createSsDecodeWriter, ndjsonPayload, type SsDecodeOptions, type SsDecodeWriter } from './format.js';
export { compareUtf8, formatRyu, reserializeLikeSerde } from './serde-json.js';
