/**
 * Incremental byte sources: one interface over a `Uint8Array`, any `AsyncIterable<Uint8Array>` (Node
 * streams), a WHATWG `ReadableStream` and a `Blob`/`File`. File paths live in `@x/binary/node`.
 *
 * @module
 */
import { BinaryError, closedError } from './errors.js';

/** Default chunk size of sources that choose their own chunking (arrays, blobs, files): 64 KiB. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/**
 * A source of bytes read in chunks, in order, with optional random access.
 *
 * Chunks handed out are never reused or overwritten by the source, so a consumer may keep views into them.
 * Memory held by a source is one chunk at most.
 */
export interface ByteSource {
  /** Total size in bytes when known (arrays, blobs, files when opened), else `undefined` (streams). */
  readonly size: number | undefined;
  /** Number of bytes returned by {@link ByteSource.read} so far, or the position set by `seek`. */
  readonly position: number;
  /**
   * Next chunk in order, or `null` at the end. For a file, `null` means "no more bytes now"; a later call
   * returns bytes appended since (used by followers). Streams end for good.
   */
  read(): Promise<Uint8Array | null>;
  /**
   * Random access, when the source supports it (arrays, blobs, files): up to `length` bytes starting at
   * `position`, fewer at the end of the data. Does not move {@link ByteSource.position}.
   */
  readAt?(position: number, length: number): Promise<Uint8Array>;
  /** Moves the sequential position, when the source supports random access. */
  seek?(position: number): void;
  /** Re-reads the total size (files that grow), when supported. */
  refreshSize?(): Promise<number>;
  /** Releases the underlying resource (file handle, stream lock). Safe to call twice. */
  close(): Promise<void>;
}

/** Options of sources that choose their own chunk size. */
export interface ChunkOptions {
  /** Bytes per chunk returned by `read()`. Default {@link DEFAULT_CHUNK_SIZE}. */
  chunkSize?: number;
}

function checkChunkSize(chunkSize: number): number {
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) {
    throw new BinaryError('INVALID_ARGUMENT', `chunkSize must be a positive integer, got ${chunkSize}`);
  }
  return chunkSize;
}

function checkRange(position: number, length: number): void {
  if (!(Number.isSafeInteger(position) && position >= 0 && Number.isSafeInteger(length) && length >= 0)) {
    throw new BinaryError('INVALID_ARGUMENT', `invalid range: position ${position}, length ${length}`, {
      offset: position,
    });
  }
}

function sourceClosed(): BinaryError {
  return closedError('the byte source');
}

/**
 * A source over bytes already in memory. Chunks are views (no copy).
 *
 * @example
 * ```ts
 * const source = fromBytes(bytes, { chunkSize: 1024 });
 * for (let chunk = await source.read(); chunk; chunk = await source.read()) handle(chunk);
 * ```
 */
export function fromBytes(bytes: Uint8Array, options: ChunkOptions = {}): ByteSource {
  const chunkSize = checkChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  let position = 0;
  let closed = false;
  return {
    size: bytes.length,
    get position() {
      return position;
    },
    async read() {
      if (closed) throw sourceClosed();
      if (position >= bytes.length) return null;
      const end = Math.min(bytes.length, position + chunkSize);
      const chunk = bytes.subarray(position, end);
      position = end;
      return chunk;
    },
    async readAt(at: number, length: number) {
      if (closed) throw sourceClosed();
      checkRange(at, length);
      return bytes.subarray(Math.min(at, bytes.length), Math.min(bytes.length, at + length));
    },
    seek(at: number) {
      checkRange(at, 0);
      position = at;
    },
    async refreshSize() {
      return bytes.length;
    },
    async close() {
      closed = true;
    },
  };
}

function toUint8Array(chunk: unknown, offset: number): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new BinaryError(
    'IO_ERROR',
    `a byte stream produced ${typeof chunk === 'string' ? 'a string' : typeof chunk} instead of bytes (open it without an encoding)`,
    { offset },
  );
}

/**
 * A source over any `AsyncIterable` of byte chunks: Node readable streams, async generators, and WHATWG
 * `ReadableStream`s where they are async-iterable. Empty chunks are skipped.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * const source = fromAsyncIterable(createReadStream('trace.moqtrace'));
 * ```
 */
export function fromAsyncIterable(iterable: AsyncIterable<Uint8Array | ArrayBuffer | ArrayBufferView>): ByteSource {
  let iterator: AsyncIterator<unknown> | undefined;
  let position = 0;
  let done = false;
  let closed = false;
  return {
    size: undefined,
    get position() {
      return position;
    },
    async read() {
      if (closed) throw sourceClosed();
      if (done) return null;
      iterator ??= iterable[Symbol.asyncIterator]();
      for (;;) {
        let result: IteratorResult<unknown>;
        try {
          result = await iterator.next();
        } catch (cause) {
          throw new BinaryError('IO_ERROR', `reading the stream failed at offset ${position}: ${String(cause)}`, {
            offset: position,
            cause,
          });
        }
        if (result.done) {
          done = true;
          return null;
        }
        const chunk = toUint8Array(result.value, position);
        if (chunk.length === 0) continue;
        position += chunk.length;
        return chunk;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (iterator && !done) await iterator.return?.();
    },
  };
}

/**
 * A source over a WHATWG `ReadableStream` of bytes (browser `fetch` bodies, `Blob.stream()`, Node web
 * streams). Uses a reader, so it also works where streams are not async-iterable. `close()` cancels the
 * stream if it was not read to the end.
 */
export function fromReadableStream(stream: ReadableStream<Uint8Array>): ByteSource {
  const reader = stream.getReader();
  let position = 0;
  let done = false;
  let closed = false;
  return {
    size: undefined,
    get position() {
      return position;
    },
    async read() {
      if (closed) throw sourceClosed();
      while (!done) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (cause) {
          throw new BinaryError('IO_ERROR', `reading the stream failed at offset ${position}: ${String(cause)}`, {
            offset: position,
            cause,
          });
        }
        if (result.done) {
          done = true;
          break;
        }
        const chunk = toUint8Array(result.value, position);
        if (chunk.length === 0) continue;
        position += chunk.length;
        return chunk;
      }
      return null;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (!done) await reader.cancel();
      } finally {
        reader.releaseLock();
      }
    },
  };
}

/**
 * A source over a `Blob` or `File` (browser or Node), reading slices of `chunkSize` bytes, so that memory
 * stays at one chunk however large the file is. Supports random access.
 */
export function fromBlob(blob: Blob, options: ChunkOptions = {}): ByteSource {
  const chunkSize = checkChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  let position = 0;
  let closed = false;
  const slice = async (start: number, end: number): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await blob.slice(start, end).arrayBuffer());
    } catch (cause) {
      throw new BinaryError('IO_ERROR', `reading the file failed at offset ${start}: ${String(cause)}`, {
        offset: start,
        cause,
      });
    }
  };
  return {
    size: blob.size,
    get position() {
      return position;
    },
    async read() {
      if (closed) throw sourceClosed();
      if (position >= blob.size) return null;
      const end = Math.min(blob.size, position + chunkSize);
      const chunk = await slice(position, end);
      position = end;
      return chunk;
    },
    async readAt(at: number, length: number) {
      if (closed) throw sourceClosed();
      checkRange(at, length);
      if (at >= blob.size || length === 0) return new Uint8Array(0);
      return slice(at, Math.min(blob.size, at + length));
    },
    seek(at: number) {
      checkRange(at, 0);
      position = at;
    },
    async refreshSize() {
      return blob.size;
    },
    async close() {
      closed = true;
    },
  };
}

/** Everything {@link toByteSource} accepts. */
export type ByteInput =
  | ByteSource
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | ArrayBuffer | ArrayBufferView>;

/** True when `value` already implements {@link ByteSource}. */
export function isByteSource(value: unknown): value is ByteSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ByteSource).read === 'function' &&
    typeof (value as ByteSource).close === 'function' &&
    'position' in value
  );
}

/**
 * Turns any supported input into a {@link ByteSource}: bytes, `ArrayBuffer`, `Blob`/`File`,
 * `ReadableStream`, async iterables (Node streams) or an existing source (returned as is).
 */
export function toByteSource(input: ByteInput, options: ChunkOptions = {}): ByteSource {
  if (input instanceof Uint8Array) return fromBytes(input, options);
  if (input instanceof ArrayBuffer) return fromBytes(new Uint8Array(input), options);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return fromBlob(input, options);
  if (isByteSource(input)) return input;
  if (typeof ReadableStream !== 'undefined' && input instanceof ReadableStream) return fromReadableStream(input);
  if (typeof input === 'object' && input !== null && Symbol.asyncIterator in input) return fromAsyncIterable(input);
  throw new BinaryError(
    'INVALID_ARGUMENT',
    'unsupported input: expected bytes, a Blob, a ReadableStream or an async iterable',
  );
}
