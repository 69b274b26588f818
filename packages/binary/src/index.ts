/**
 * `@x/binary`: bytes, cursors, CRC-16/CDMA2000, hex and streaming byte sources. Browser-safe; Node-only
 * helpers are in `@x/binary/node`.
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
export { BinaryError, type BinaryErrorCode, type BinaryErrorOptions, truncatedError } from './errors.js';
export { asciiChar, fromHex, type HexdumpLine, type HexdumpOptions, hexdump, hexdumpLines, toHex } from './hex.js';
export { decodeUtf8, encodeUtf8, encodeUtf8Into, isValidUtf8, utf8ByteLength } from './utf8.js';
