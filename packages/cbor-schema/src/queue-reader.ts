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
   * Largest item accepted, in bytes: an item longer than this — or declaring, in a head or length, that it will
   * be — is `too-large`, whether it is complete or not, so that no more than this is ever buffered for one item.
   * Default: no limit.
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
      const status = decoder.decode(view, 0, view.length, queue.offset);
      if (status === 'ok' || status === 'invalid' || status === 'undecodable') {
        this.length = decoder.length;
        if (decoder.length > this.maxItem) {
          this.needed = decoder.length;
          return 'too-large';
        }
        return status;
      }
      if (status !== 'truncated') {
        this.at = queue.offset + decoder.at;
        this.reason = decoder.reason;
        return status;
      }
      this.needed = decoder.needed;
      if (decoder.needed > this.maxItem) return 'too-large';
      if (final && view.length === queue.available) return 'truncated';
      this.scanning = true;
      this.scanner.reset();
    }
    return this.scan(queue, final, true);
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
      const available = queue.available;
      // Nothing to scan until the bytes the scan stopped at have arrived (a long string is waited for, not looked
      // at again on every chunk).
      if (scanner.resumeAt > available) {
        if (!final) return 'more';
        this.scanning = false;
        this.needed = scanner.needed;
        return 'truncated';
      }
      const pos = scanner.position;
      let r = SCAN_TRUNCATED;
      if (pos < available) r = scanner.scan(queue.peekAt(pos, 9), pos, available);
      else scanner.needed = Math.max(scanner.needed, pos + 1);
      if (r >= 0) {
        this.scanning = false;
        this.length = r;
        if (r > this.maxItem) {
          this.needed = r;
          return 'too-large';
        }
        if (!decode) return 'ok';
        const decoder = this.decoder;
        // A view when the item lies in one chunk, else a copy of just its bytes (chunks are not joined).
        const status = decoder.decode(queue.peekAt(0, r), 0, r, queue.offset);
        // The item was measured with the same options: the decoder cannot find it cut or malformed.
        return status === 'ok' || status === 'invalid' ? status : 'undecodable';
      }
      if (r === SCAN_TRUNCATED) {
        this.needed = scanner.needed;
        if (scanner.needed > this.maxItem) {
          this.scanning = false;
          return 'too-large';
        }
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
