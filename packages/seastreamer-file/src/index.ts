/**
 * `@x/seastreamer-file`: read, write, seek, follow and summarise SeaStreamer `.ss` files, byte for byte
 * compatible with the Rust writer. Browser-safe; Node-only helpers (file paths, append, `follow()`) are in
 * `@x/seastreamer-file/node`.
 *
 * @example
 * ```ts
 * import { readSeaStreamerFile, writeSeaStreamerFile, formatRustTimestamp } from '@x/seastreamer-file';
 * const bytes = writeSeaStreamerFile(
 *   [{ streamKey: 'hello', shardId: 1n, seqNo: 0n, timestamp: 1700000000000n, payload: 'hi' }],
 *   { fileName: 'hello.ss', beaconInterval: 1024, eos: true },
 * );
 * const { messages, end } = readSeaStreamerFile(bytes);
 * console.log(messages[0].streamKey, formatRustTimestamp(messages[0].timestamp), end.state); // hello ... eos
 * ```
 *
 * @module @x/seastreamer-file
 */
export { type AppendPlan, planAppend } from './append.js';
export {
  beaconSize,
  decodeBeacon,
  EMPTY_BEACON_SIZE,
  encodeBeaconInto,
  type MarkerBytes,
  markersPerBeacon,
  type SeaStreamerBeacon,
  type SeaStreamerMarker,
} from './beacon.js';
export { SeaStreamerFileError, type SeaStreamerFileErrorCode, type SeaStreamerFileErrorOptions } from './errors.js';
export { encodeFrame, FRAME_OVERHEAD, frameSize, type MessageInput, type SeaStreamerMessage } from './frame.js';
export {
  DEFAULT_BEACON_INTERVAL,
  encodeHeader,
  FORMAT_VERSION,
  HEADER_SIZE,
  type HeaderInit,
  MAX_BEACON_INTERVAL,
  MAX_FILE_NAME_LENGTH,
  MIN_BEACON_INTERVAL,
  type ParseHeaderOptions,
  parseHeader,
  type SeaStreamerHeader,
  toTimestamp,
  validateBeaconInterval,
} from './header.js';
export type {
  ChecksumMismatchPolicy,
  ChecksumMismatchProblem,
  DecorationProblem,
  OtherReaderProblem,
  ReadEnd,
  ReaderProblem,
  ReaderProblemBase,
  RunningChecksumMismatchProblem,
  SeaStreamerItem,
} from './parser.js';
export {
  type LiveHooks,
  type ReaderOptions,
  type RewindResult,
  readMessageAt,
  readSeaStreamerFile,
  type SeaStreamerFileContents,
  SeaStreamerReader,
  type SeekResult,
  type StreamReaderOptions,
  type TimestampSeekOptions,
} from './reader.js';
export { alignAfterBeacon, type ReadAt, readBeaconAt, type TruncatedBeacon } from './seek.js';
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
export {
  dateToTimestamp,
  formatIsoTimestamp,
  formatRustTimestamp,
  isTimestampInRange,
  MAX_TIMESTAMP_MS,
  timestampToDate,
  toSafeNumber,
} from './timestamp.js';
export { toU64 } from './u64.js';
export {
  type BeaconIntervalIgnoredWarning,
  type ByteSink,
  createMemorySink,
  createWriter,
  MemorySink,
  type ResumeState,
  resumeWriter,
  SeaStreamerWriter,
  type StreamState,
  toWritableStreamSink,
  type WriteFileOptions,
  type WriterOptions,
  type WriterWarning,
  writeSeaStreamerFile,
} from './writer.js';
