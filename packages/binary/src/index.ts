/**
 * `@x/binary`: CRC-16/CDMA2000, hex, UTF-8, SHA-256, u64 helpers, streaming byte sources, buffering and sinks, the
 * error base and the reading vocabulary (problems, end states) shared by every package of the toolkit.
 * Browser-safe; Node-only helpers (files, watching a growing file) are in `@x/binary/node`.
 *
 * @example
 * ```ts
 * import { crc16, fromBlob, SourceBuffer, toHex } from '@x/binary';
 * const input = new SourceBuffer(fromBlob(file));
 * if (await input.ensure(16)) console.log(toHex(input.window(16)!), crc16(input.window(16)!).toString(16));
 * ```
 *
 * @module @x/binary
 */
export { ByteQueue, SourceBuffer } from './byte-queue.js';
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
export { CRC16_INIT, crc16, crc16UpdateU16 } from './crc16.js';
export {
  BinaryError,
  type BinaryErrorCode,
  type BinaryErrorOptions,
  CodedError,
  type CodedErrorClass,
  type CodedErrorOptions,
  describeArgument,
  isSharedErrorCode,
  SHARED_ERROR_CODES,
  type SharedErrorCode,
} from './errors.js';
export { asciiChar, fromHex, type HexdumpLine, type HexdumpOptions, hexdump, hexdumpLines, toHex } from './hex.js';
export { jsonNestingDepth, type ReadLinesOptions, readLines, type TextLine } from './lines.js';
export type { EndState, ProblemSeverity, ReadEnd, ReadProblem } from './read-result.js';
export { sha256Hex } from './sha256.js';
export { toU64, U64_MAX } from './u64.js';
export { decodeUtf8, encodeUtf8, isPrintableText, isValidUtf8 } from './utf8.js';
