/**
 * `@x/seastreamer-file`: read, write, seek, follow and summarise SeaStreamer `.ss` files, byte for byte
 * compatible with the Rust writer. Browser-safe; Node-only helpers (file paths, append, following a growing
 * file) are in `@x/seastreamer-file/node`, the NDJSON record contract in `@x/seastreamer-file/ndjson` and the
 * reference decoder's output formats in `@x/seastreamer-file/ss-decode`.
 *
 * @example
 * ```ts
 * import { readSeaStreamer, writeSeaStreamer, formatRustTimestamp } from '@x/seastreamer-file';
 * const bytes = writeSeaStreamer(
 *   [{ streamKey: 'hello', shardId: 1n, seqNo: 0n, timestamp: 1700000000000n, payload: 'hi' }],
 *   { fileName: 'hello.ss', beaconInterval: 1024, eos: true },
 * );
 * const { messages, end } = readSeaStreamer(bytes);
 * console.log(messages[0].streamKey, formatRustTimestamp(messages[0].timestamp), end.state); // hello ... eos
 * ```
 *
 * @module @x/seastreamer-file
 */
export { type AppendPlan, planAppend } from './append.js';
export { markersPerBeacon, type SeaStreamerBeacon, type SeaStreamerMarker } from './beacon.js';
export type { SeaStreamerRecord } from './core.js';
export { SeaStreamerFileError, type SeaStreamerFileErrorCode, type SeaStreamerFileErrorOptions } from './errors.js';
export { encodeFrame, FRAME_OVERHEAD, frameSize, type MessageInput, type SeaStreamerMessage } from './frame.js';
export {
  DEFAULT_BEACON_INTERVAL,
  type DecodeHeaderOptions,
  decodeSeaStreamerHeader,
  detectSeaStreamer,
  encodeSeaStreamerHeader,
  FORMAT_VERSION,
  HEADER_SIZE,
  type HeaderInit,
  MAX_BEACON_INTERVAL,
  MAX_FILE_NAME_LENGTH,
  MIN_BEACON_INTERVAL,
  type SeaStreamerHeader,
} from './header.js';
export type { DecodedMessage } from './message-at.js';
export { openSeaStreamerReader, peekSeaStreamerHeader } from './open.js';
export type { SeaStreamerReadOptions } from './options.js';
export type {
  ChecksumMismatchProblem,
  DecorationProblem,
  FileNameProblem,
  MessageProblem,
  RemainingBytesMismatchProblem,
  RunningChecksumMismatchProblem,
  SeaStreamerEnd,
  SeaStreamerProblem,
  SeaStreamerProblemBase,
  WatchProblem,
} from './problems.js';
export { decodeMessageAt, readSeaStreamer, type SeaStreamerContents } from './read.js';
export type { SeaStreamerReader, SeaStreamerReaderOptions } from './reader.js';
export type { RewindResult, SeekResult, TimestampSeekOptions, TruncatedBeacon } from './seek.js';
export {
  computeStats,
  createStatsBuilder,
  type FileStats,
  type StatsBuilder,
  type StatsMessage,
  type StatsOptions,
  type StreamStats,
} from './stats.js';
export {
  EOS_PAYLOAD,
  isEndOfStream,
  isReservedStreamKey,
  isValidStreamKey,
  MAX_STREAM_KEY_LENGTH,
  SEA_STREAMER_INTERNAL,
  SEA_STREAMER_WILDCARD,
  type StreamKeyValidationOptions,
  validateStreamKey,
} from './stream-key.js';
export type { ResumeState, StreamState } from './stream-state.js';
export {
  dateToTimestamp,
  formatIsoTimestamp,
  formatRustTimestamp,
  isTimestampInRange,
  MAX_TIMESTAMP_MS,
  timestampToDate,
} from './timestamp.js';
export { type WriteSeaStreamerOptions, writeSeaStreamer } from './write.js';
export {
  type BeaconIntervalIgnoredWarning,
  createSeaStreamerWriter,
  type SeaStreamerWriter,
  type SeaStreamerWriterOptions,
  type WriterCloseOptions,
  type WriterWarning,
} from './writer.js';
