/**
 * `@x/binary`: bytes, cursors, CRC-16/CDMA2000, hex, SHA-256, u64 helpers, streaming byte sources and sinks, the
 * error base and the reading vocabulary (problems, end states) shared by every package of the toolkit.
 * Browser-safe; Node-only helpers (files, watching a growing file) are in `@x/binary/node`.
 *
 * @example
 * ```ts
 * import { ByteReader, crc16, toHex } from '@x/binary';
 * const reader = new ByteReader(bytes);
 * const size = reader.u32();
 * console.log(toHex(reader.bytes(size)), crc16(bytes).toString(16));
 * ```
 *
 * @module @x/binary
 */
export { ByteQueue, SourceBuffer } from './byte-queue.js';
export { ByteReader, type ByteReaderOptions } from './byte-reader.js';
export { type ByteSink, createMemorySink, MemorySink, toWritableStreamSink } from './byte-sink.js';
export {
  type ByteInput,
  type ByteSource,
  type ChunkOptions,
  DEFAULT_CHUNK_SIZE,
  fromAsyncIterable,
  fromBlob,
  fromBytes,
  fromReadableStream,
  isByteSource,
  toByteSource,
} from './byte-source.js';
export { ByteWriter, type ByteWriterOptions } from './byte-writer.js';
export { CRC16_INIT, crc16, crc16Update, crc16UpdateU16 } from './crc16.js';
export {
  BinaryError,
  type BinaryErrorCode,
  type BinaryErrorOptions,
  CodedError,
  type CodedErrorOptions,
  describeArgument,
  type MarkedClass,
  SHARED_ERROR_CODES,
  type SharedErrorCode,
  truncatedError,
} from './errors.js';
export { asciiChar, fromHex, type HexdumpLine, type HexdumpOptions, hexdump, hexdumpLines, toHex } from './hex.js';
export { jsonNestingDepth, type ReadLinesOptions, readLines, type TextLine } from './lines.js';
export type { EndState, ProblemSeverity, ReadEnd, ReadProblem } from './read-result.js';
export { sha256Hex } from './sha256.js';
export { toSafeNumber, toU64, U64_MAX } from './u64.js';
export { decodeUtf8, encodeUtf8, encodeUtf8Into, isValidUtf8, utf8ByteLength } from './utf8.js';
