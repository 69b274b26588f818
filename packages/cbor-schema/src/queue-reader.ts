/**
 * Reading CBOR items one by one from a `ByteQueue` of `@x/binary` (chunks as they arrive): the compiled decoder
 * tries the contiguous bytes first; an item cut by a chunk boundary is measured by a resumable scan (each byte
 * scanned once, however many chunks it takes) and decoded once complete. The verdict on an item depends only on
 * its bytes, never on how they were chunked.
 *
 * @module
 */
import type { ByteQueue } from '@x/binary';
import { type DecodeOptions, ItemDecoder, type ItemStatus } from './decode.js';
import { CborSchemaError } from './errors.js';
import { ItemScanner, SCAN_TOO_DEEP, SCAN_TRUNCATED } from './scanner.js';
import { AnySchema, type Schema } from './schema.js';

/** Options of {@link QueueItemReader}. */
export interface QueueItemReaderOptions extends DecodeOptions {
  /**
   * Largest item accepted, in bytes. At most the first `maxItemBytes` bytes of an item are ever looked at (or
   * buffered): an item that does not complete within them — longer, or a string whose declared length ends beyond
   * them — is `too-large`, as soon as its bytes reach that far or the string's head is read; an item cut by the end
   * of the input is `too-large` when what its heads declare (one byte per missing item at least) exceeds the limit,
   * else `truncated`. A malformed byte within the first `maxItemBytes` bytes makes it `malformed`. The verdict
   * depends on the item's bytes only, never on how they are chunked. Default: no limit.
   */
  maxItemBytes?: number;
}

/**
 * What {@link QueueItemReader.read} found: an {@link ItemStatus} for a complete item or a lost boundary,
 * `more` (wait for bytes; only before the end of input), or `too-large` (see
 * {@link QueueItemReaderOptions.maxItemBytes}).
 */
export type QueueReadStatus = ItemStatus | 'more' | 'too-large';

/**
 * Reads the item at the read position of a `ByteQueue`. After `ok`, `invalid` or `undecodable` the item is
 * {@link QueueItemReader.length} bytes long (the caller consumes them); the decoded value and problems are on
 * {@link QueueItemReader.decoder}. A cut item is scanned on from where the last call stopped, so call
 * {@link QueueItemReader.reset} if the queue's read position moves for another reason.
 *
 * @example
 * ```ts
 * const reader = new QueueItemReader(eventSchema);
 * queue.push(chunk);
 * for (let status = reader.read(queue, false); status === 'ok' || status === 'invalid'; status = reader.read(queue, false)) {
 *   if (status === 'ok') use(reader.decoder.value);
 *   queue.consume(reader.length);
 *   if (queue.available === 0) break;
 * }
 * ```
 */
export class QueueItemReader<T> {
  /** The decoder of complete items (value and problems of the last one). */
  readonly decoder: ItemDecoder<T>;
  /** Length of the last complete item. */
  length = 0;
  /** After `truncated`, `more` and `too-large`: lower bound of the item's length. */
  needed = 0;
  /** After `malformed` or `too-deep`: absolute offset of the offending byte. */
  at = 0;
  /** After `malformed` or `too-deep`: why. */
  reason = '';
  private readonly scanner: ItemScanner;
  private readonly maxItem: number;
  private scanning = false;

  constructor(schema: Schema<T> | undefined, options: QueueItemReaderOptions = {}) {
    this.decoder = new ItemDecoder((schema ?? new AnySchema()) as Schema<T>, options);
    this.scanner = new ItemScanner({
      lenient: options.lenient === true,
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    });
    const max = options.maxItemBytes ?? Number.POSITIVE_INFINITY;
    if (!(max > 0)) throw new CborSchemaError('INVALID_ARGUMENT', `maxItemBytes must be positive, got ${String(max)}`);
    this.maxItem = max;
  }

  /** True when no item is partly scanned (the next read starts at the queue's read position). */
  get idle(): boolean {
    return !this.scanning;
  }

  /** Forgets a partly scanned item. */
  reset(): void {
    this.scanning = false;
  }

  /**
   * Reads the item at the queue's read position (the queue must hold at least one byte). `final`: no more bytes
   * will come (a cut item is then `truncated`).
   */
  read(queue: ByteQueue, final: boolean): QueueReadStatus {
    if (!this.scanning) {
      const view = queue.contiguous();
      const decoder = this.decoder;
      // Only the item's first maxItemBytes bytes are looked at, whatever the chunk holds.
      const window = Math.min(view.length, this.maxItem);
      const status = decoder.decode(view, 0, window, queue.offset);
      if (status === 'ok' || status === 'invalid' || status === 'undecodable') {
        this.length = decoder.length;
        return status;
      }
      if (status !== 'truncated') {
        this.at = queue.offset + decoder.at;
        this.reason = decoder.reason;
        return status;
      }
      this.needed = decoder.needed;
      if (final && window === queue.available) return this.cut(decoder.needed);
      // The resumable scan decides what a cut item is (it knows whether the bytes it waits for lie beyond the
      // limit); it scans the bytes of this chunk once more, once.
      this.scanning = true;
      this.scanner.reset();
    }
    return this.scan(queue, final, true);
  }

  /** The verdict on an item the input ends inside of: what it declares decides. */
  private cut(needed: number): QueueReadStatus {
    this.scanning = false;
    this.needed = needed;
    return needed > this.maxItem ? 'too-large' : 'truncated';
  }

  /**
   * Like {@link QueueItemReader.read} without decoding: `ok` once the item is complete (its length in
   * {@link QueueItemReader.length}), or the same other verdicts.
   */
  measure(queue: ByteQueue, final: boolean): QueueReadStatus {
    if (!this.scanning) {
      this.scanning = true;
      this.scanner.reset();
    }
    return this.scan(queue, final, false);
  }

  private scan(queue: ByteQueue, final: boolean, decode: boolean): QueueReadStatus {
    const scanner = this.scanner;
    for (;;) {
      // The scan looks at the item's first maxItemBytes bytes at most.
      const available = Math.min(queue.available, this.maxItem);
      // Nothing to scan until the bytes the scan stopped at have arrived (a long string is waited for, not looked
      // at again on every chunk); bytes beyond the limit never count.
      if (scanner.resumeAt > available) {
        if (scanner.resumeAt > this.maxItem) return this.cut(Math.max(scanner.needed, scanner.resumeAt));
        if (!final) return 'more';
        return this.cut(scanner.needed);
      }
      const pos = scanner.position;
      let r = SCAN_TRUNCATED;
      if (pos < available) r = scanner.scan(queue.peekAt(pos, 9), pos, available);
      else scanner.needed = Math.max(scanner.needed, pos + 1);
      if (r >= 0) {
        this.scanning = false;
        this.length = r;
        if (!decode) return 'ok';
        const decoder = this.decoder;
        // A view when the item lies in one chunk, else a copy of just its bytes (chunks are not joined).
        const status = decoder.decode(queue.peekAt(0, r), 0, r, queue.offset);
        // The item was measured with the same options: the decoder cannot find it cut or malformed.
        return status === 'ok' || status === 'invalid' ? status : 'undecodable';
      }
      if (r === SCAN_TRUNCATED) {
        this.needed = scanner.needed;
        // Scan on from the new position when its bytes are there (the view ended before they do), else wait.
        continue;
      }
      this.scanning = false;
      this.at = queue.offset + scanner.failAt;
      this.reason = scanner.reason;
      return r === SCAN_TOO_DEEP ? 'too-deep' : 'malformed';
    }
  }
}
