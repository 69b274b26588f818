/**
 * `ByteQueue` (push chunks, take contiguous windows) and `SourceBuffer` (the same, pulling from a
 * {@link ByteSource}): the buffering under every streaming parser of the project.
 *
 * @module
 */
import type { ByteSource } from './byte-source.js';
import { BinaryError } from './errors.js';

/** What takes the place of a consumed chunk until the chunk array is compacted. */
const CONSUMED = new Uint8Array(0);

/**
 * A FIFO of byte chunks with absolute offsets. Parsers look at contiguous windows of the unread bytes; a
 * window is a view into a chunk unless it spans chunks, in which case just those chunks are joined once.
 * Memory is the unread bytes only: consumed chunks are dropped.
 *
 * @example
 * ```ts
 * const queue = new ByteQueue();
 * queue.push(chunk1);
 * queue.push(chunk2);
 * const head = queue.window(4);   // undefined until 4 bytes are buffered
 * if (head) queue.consume(4);
 * ```
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // index of the first live chunk
  private headOffset = 0; // consumed bytes of chunks[head]
  private buffered = 0;
  private consumedTotal: number;

  /** @param startOffset - absolute offset of the first byte that will be pushed. */
  constructor(startOffset = 0) {
    this.consumedTotal = startOffset;
  }

  /** Absolute offset of the first unread byte. */
  get offset(): number {
    return this.consumedTotal;
  }

  /** Number of unread bytes buffered. */
  get available(): number {
    return this.buffered;
  }

  /** Appends a chunk (kept by reference; do not modify it afterwards). Empty chunks are ignored. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The unread bytes of the first chunk: the largest window available without copying. */
  contiguous(): Uint8Array {
    const first = this.chunks[this.head];
    return first === undefined ? new Uint8Array(0) : first.subarray(this.headOffset);
  }

  /**
   * A contiguous view of the next `count` unread bytes, or `undefined` if fewer are buffered. Joins chunks
   * only when the window spans them.
   */
  window(count: number): Uint8Array | undefined {
    if (count > this.buffered) return undefined;
    const first = this.chunks[this.head];
    if (first === undefined) return new Uint8Array(0);
    if (first.length - this.headOffset >= count) return first.subarray(this.headOffset, this.headOffset + count);
    // Join as many chunks as needed into one.
    let total = first.length - this.headOffset;
    let last = this.head;
    while (total < count) {
      last++;
      total += (this.chunks[last] as Uint8Array).length;
    }
    const joined = new Uint8Array(total);
    joined.set(first.subarray(this.headOffset), 0);
    let at = first.length - this.headOffset;
    for (let i = this.head + 1; i <= last; i++) {
      const chunk = this.chunks[i] as Uint8Array;
      joined.set(chunk, at);
      at += chunk.length;
    }
    this.chunks.splice(this.head, last - this.head + 1, joined);
    this.headOffset = 0;
    return joined.subarray(0, count);
  }

  /**
   * A fresh copy of the next `count` unread bytes, or `undefined` if fewer are buffered. Unlike
   * {@link ByteQueue.window} it leaves the chunks as they are: for a small window across a chunk boundary
   * (a record split between two large chunks), where joining the chunks would copy far more than the window.
   */
  copy(count: number): Uint8Array | undefined {
    if (count > this.buffered) return undefined;
    const out = new Uint8Array(count);
    let at = 0;
    let skip = this.headOffset;
    for (let i = this.head; at < count; i++) {
      const chunk = this.chunks[i] as Uint8Array;
      const n = Math.min(chunk.length - skip, count - at);
      out.set(chunk.subarray(skip, skip + n), at);
      at += n;
      skip = 0;
    }
    return out;
  }

  /**
   * A contiguous view of the unread bytes starting `skip` bytes after the read position, without joining or
   * consuming anything: the rest of the chunk holding that byte, or, when that chunk has fewer than `min` bytes
   * left, a copy of the next `min` bytes (fewer when fewer are buffered). Empty when `skip` is not below
   * {@link ByteQueue.available}. For scanners that resume inside a long item: each call costs the chunks after
   * `skip` (the last ones, found from the end), not the item so far.
   *
   * @example
   * ```ts
   * const view = queue.peekAt(scanned, 9); // at least one CBOR head, unless the buffered bytes end sooner
   * ```
   */
  peekAt(skip: number, min = 1): Uint8Array {
    if (!(skip >= 0 && skip < this.buffered)) return new Uint8Array(0);
    // Find the chunk holding byte `skip`, walking back from the last chunk (`chunkStart`: position of the
    // chunk's first byte, counted from the read position; negative for the partly read first chunk).
    let index = this.chunks.length - 1;
    let chunkStart = this.buffered - (this.chunks[index] as Uint8Array).length;
    while (chunkStart > skip) {
      index--;
      chunkStart -= (this.chunks[index] as Uint8Array).length;
    }
    const chunk = this.chunks[index] as Uint8Array;
    const at = skip - chunkStart;
    const left = chunk.length - at;
    const want = Math.min(min, this.buffered - skip);
    if (left >= want) return chunk.subarray(at);
    const out = new Uint8Array(want);
    out.set(chunk.subarray(at), 0);
    let filled = left;
    for (let i = index + 1; filled < want; i++) {
      const next = this.chunks[i] as Uint8Array;
      const take = Math.min(next.length, want - filled);
      out.set(next.subarray(0, take), filled);
      filled += take;
    }
    return out;
  }

  /** Marks `count` bytes as read. */
  consume(count: number): void {
    if (!(count >= 0 && count <= this.buffered)) {
      throw new BinaryError('OUT_OF_RANGE', `cannot consume ${count} bytes: ${this.buffered} buffered`, {
        offset: this.consumedTotal,
      });
    }
    this.buffered -= count;
    this.consumedTotal += count;
    let left = count;
    while (left > 0) {
      const chunk = this.chunks[this.head] as Uint8Array;
      const inChunk = chunk.length - this.headOffset;
      if (left < inChunk) {
        this.headOffset += left;
        left = 0;
      } else {
        left -= inChunk;
        // Release the chunk now: a reference kept until the array is compacted would let it (and whatever views
        // it) survive into the old generation, freed only by a full collection.
        this.chunks[this.head] = CONSUMED;
        this.head++;
        this.headOffset = 0;
      }
    }
    if (this.head > 32 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    } else if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    }
  }

  /** Drops every buffered byte and restarts at `offset` (after a seek). */
  reset(offset: number): void {
    this.chunks = [];
    this.head = 0;
    this.headOffset = 0;
    this.buffered = 0;
    this.consumedTotal = offset;
  }
}

/**
 * A {@link ByteQueue} fed from a {@link ByteSource} on demand.
 *
 * @example
 * ```ts
 * const input = new SourceBuffer(fromBlob(file));
 * while (await input.ensure(4)) {
 *   const length = new DataView(input.window(4)!.buffer).getUint32(0); // ...
 * }
 * ```
 */
export class SourceBuffer extends ByteQueue {
  /** The source being read. */
  readonly source: ByteSource;
  private ended = false;

  constructor(source: ByteSource) {
    super(source.position);
    this.source = source;
  }

  /** True once the source returned its end (for files: the current end). */
  get sourceEnded(): boolean {
    return this.ended;
  }

  /**
   * Pulls chunks until `count` unread bytes are buffered. Resolves `false` if the source ends first (the
   * bytes read so far stay buffered). For growing files, call again later: the end is re-checked.
   */
  async ensure(count: number): Promise<boolean> {
    while (this.available < count) {
      const chunk = await this.source.read();
      if (chunk === null) {
        this.ended = true;
        return false;
      }
      this.ended = false;
      this.push(chunk);
    }
    return true;
  }

  /** Pulls one more chunk; resolves `false` at the end of the source. */
  async pull(): Promise<boolean> {
    const chunk = await this.source.read();
    if (chunk === null) {
      this.ended = true;
      return false;
    }
    this.ended = false;
    this.push(chunk);
    return true;
  }

  /** Moves to `offset` (random-access sources only), dropping buffered bytes. */
  seek(offset: number): void {
    if (!this.source.seek) {
      throw new BinaryError('NOT_SEEKABLE', 'this byte source does not support seeking', { offset });
    }
    this.source.seek(offset);
    this.reset(offset);
    this.ended = false;
  }
}
