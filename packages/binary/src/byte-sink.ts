/**
 * Byte sinks: where writers put the bytes they produce. One interface ({@link ByteSink}) under every writer of
 * the toolkit, with sinks for memory ({@link createMemorySink}) and WHATWG `WritableStream`s
 * ({@link toWritableStreamSink}); files are in `@x/binary/node` (`openFileSink`).
 *
 * Ownership: whoever opens a sink closes it. A writer given a sink never closes it; the `/node` helpers that
 * open a file for a writer close it when the writer closes.
 *
 * @module
 */
import { BinaryError, closedError } from './errors.js';

/**
 * A destination of bytes written in order, with optional back-patching (for writers that fill in a field
 * after the fact, such as a trace's `endTime`), flushing, and an `abort` that discards what an atomic sink
 * holds.
 */
export interface ByteSink {
  /** Appends bytes. The sink may keep a reference to `chunk`: writers never modify a chunk they handed over. */
  write(chunk: Uint8Array): void | Promise<void>;
  /** Overwrites bytes already written, at an absolute position (sinks that support it). */
  patch?(position: number, bytes: Uint8Array): void | Promise<void>;
  /** Makes written bytes visible to readers (and durable, for file sinks opened with `fsync`). */
  flush?(): void | Promise<void>;
  /** Finishes the sink (an atomic file sink renames its temporary file into place). Safe to call twice. */
  close(): void | Promise<void>;
  /** Discards the output where the sink can (an atomic file sink removes its temporary file), then closes. */
  abort?(): void | Promise<void>;
}

/**
 * A sink collecting bytes in memory; {@link MemorySink.toBytes} joins them (once) and
 * {@link MemorySink.toBlob} gives a `Blob` for downloads.
 *
 * @example
 * ```ts
 * const sink = createMemorySink();
 * sink.write(new Uint8Array([1, 2]));
 * sink.patch(0, new Uint8Array([9]));
 * sink.toBytes(); // Uint8Array [9, 2]
 * ```
 */
export class MemorySink implements ByteSink {
  private chunks: Uint8Array[] = [];
  private total = 0;
  private closed = false;

  /** Bytes received so far. */
  get size(): number {
    return this.total;
  }

  /** Stores the chunk (by reference). */
  write(chunk: Uint8Array): void {
    if (this.closed) throw closedError('the memory sink');
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Overwrites `bytes.length` bytes at `position` (within the bytes written so far). */
  patch(position: number, bytes: Uint8Array): void {
    if (!(Number.isSafeInteger(position) && position >= 0 && position + bytes.length <= this.total)) {
      throw new BinaryError(
        'OUT_OF_RANGE',
        `cannot patch ${bytes.length} bytes at ${position}: ${this.total} bytes written`,
        { offset: position },
      );
    }
    const all = this.toBytes();
    all.set(bytes, position);
  }

  /** Nothing to flush in memory. */
  flush(): void {}

  /** Marks the sink finished; the bytes stay readable. */
  close(): void {
    this.closed = true;
  }

  /** Drops the bytes received. */
  abort(): void {
    this.chunks = [];
    this.total = 0;
    this.closed = true;
  }

  /** The bytes received so far, as one array (joined once; later calls return the same array). */
  toBytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0] as Uint8Array;
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks = this.total === 0 ? [] : [out];
    return out;
  }

  /** The bytes received so far, as a `Blob` (browser downloads, `URL.createObjectURL`). */
  toBlob(type = 'application/octet-stream'): Blob {
    return new Blob(this.chunks as BlobPart[], { type });
  }
}

/** Creates an empty {@link MemorySink}. */
export function createMemorySink(): MemorySink {
  return new MemorySink();
}

/**
 * A sink writing to a WHATWG `WritableStream` (a browser file handle's `createWritable()`, a Node
 * `Writable.toWeb()`), respecting its backpressure. The sink locks the stream; `close()` closes it and
 * `abort()` aborts it.
 *
 * @example
 * ```ts
 * const sink = toWritableStreamSink(await fileHandle.createWritable());
 * const writer = createTraceWriter(sink, { header });
 * // ... writer.write(event) ...
 * await writer.close();
 * await sink.close();
 * ```
 */
export function toWritableStreamSink(stream: WritableStream<Uint8Array>): ByteSink {
  const writer = stream.getWriter();
  let done = false;
  return {
    async write(chunk) {
      if (done) throw closedError('the stream sink');
      await writer.ready;
      await writer.write(chunk);
    },
    async flush() {
      await writer.ready;
    },
    async close() {
      if (done) return;
      done = true;
      await writer.close();
    },
    async abort() {
      if (done) return;
      done = true;
      await writer.abort();
    },
  };
}
