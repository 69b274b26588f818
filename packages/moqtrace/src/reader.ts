/**
 * Reading `.moqtrace` files, versions 1 and 2 (spec §2.4, §8): one incremental parser ({@link TraceParser})
 * under every API — whole buffer ({@link readTrace}), callbacks over any byte source ({@link streamTrace}),
 * async-iterable records ({@link readTraceRecords}) and header peeking ({@link peekHeader}).
 *
 * Damaged data gives results, not exceptions: truncation, malformed items and malformed later segments are
 * {@link TraceProblem}s; only an input without a usable first segment throws {@link MoqtraceError}.
 *
 * Ownership of byte sources: a function closes a source it created (from bytes, a Blob, a ReadableStream
 * (cancelled) or an async iterable (`return()` called)) on every exit — end, error, or a consumer leaving
 * `readTraceRecords` early; a `ByteSource` the caller passes in stays open for the caller to close (or read on).
 *
 * @module
 */
import { type ByteInput, type ByteSource, isByteSource, toByteSource } from '@x/binary';
import { MoqtraceError, type MoqtraceErrorCode } from './errors.js';
import type { TraceEvent } from './events.js';
import { decodeHeader, type TraceHeader } from './header.js';
import {
  decodeOpaque,
  MapEntries,
  SCAN_TRUNCATED,
  scanNeed,
  skipItem,
  WALK_BAD_KEY,
  WALK_NOT_MAP,
  walkEnd,
  walkMap,
} from './internal/cbor.js';
import { decodeEvent, EventDecodeFailure } from './internal/event-codec.js';
import { MAGIC, PREAMBLE_SIZE } from './preamble.js';
import { checkSegmentHeaders, flattenSegments, type SegmentInfoRecord, type TraceSegment } from './segments.js';

/**
 * A problem found while reading. Errors (`severity: 'error'`) make the result incomplete; warnings do not.
 *
 * Codes: `TRUNCATED`, `MALFORMED_CBOR` (boundary lost; `skippedBytes` until the resync point),
 * `MALFORMED_EVENT` (one item skipped), `MALFORMED_HEADER` / `UNSUPPORTED_VERSION` (a later segment skipped;
 * `skippedEvents`), and warnings `DUPLICATE_KEY`, `HEADER_TRAILING_BYTES`, `SEGMENT_MISMATCH`, `UNUSABLE_SEGMENT`.
 */
export interface TraceProblem {
  /** Stable code. */
  code: MoqtraceErrorCode | TraceWarningCode;
  /** `error` (the read is incomplete) or `warning`. */
  severity: 'error' | 'warning';
  /** Byte offset of the item, preamble or header concerned. */
  offset: number;
  /** Index of the segment concerned. */
  segment: number;
  /** Index of the item within its segment (events and malformed items both count). */
  index?: number;
  /** The key at fault, when one is (dotted for nested header keys). */
  key?: string;
  /** Human-readable description. */
  message: string;
  /** The decoded item, when it could be decoded (malformed events). */
  value?: unknown;
  /** For `TRUNCATED`: events decoded before the cut (all segments). */
  eventsDecoded?: number;
  /** For `TRUNCATED`: bytes from `offset` to the end of the input. */
  bytesAfterOffset?: number;
  /** For `MALFORMED_CBOR` and skipped segments: bytes skipped. */
  skippedBytes?: number;
  /** For skipped segments: events skipped. */
  skippedEvents?: number;
}

/** Codes of warnings (problems that do not make a read incomplete). */
export type TraceWarningCode = 'DUPLICATE_KEY' | 'HEADER_TRAILING_BYTES' | 'SEGMENT_MISMATCH' | 'UNUSABLE_SEGMENT';

/** How a read ended. */
export interface TraceEnd {
  /** `eof`: the input ended at an item boundary (possibly after damage); `truncated`: it ended inside a unit. */
  reason: 'eof' | 'truncated';
  /** End offset of the input (`eof`) or start of the incomplete unit (`truncated`). */
  offset: number;
  /** Segments found. */
  segments: number;
  /** Events decoded. */
  events: number;
  /** False after any `TRUNCATED` or `MALFORMED_*` problem or an unusable `segment` map. */
  complete: boolean;
}

/** Callbacks of the streaming reader. */
export interface TraceVisitor {
  /** A segment starts (its preamble and header were read). */
  segment?(segment: SegmentInfoRecord): void;
  /** One event with its byte offset and segment index. */
  event?(event: TraceEvent, offset: number, segment: number): void;
  /** A problem (error or warning). */
  problem?(problem: TraceProblem): void;
}

/** Options of every reading API. */
export interface ReadOptions {
  /** Copy typed byte fields (`payload`, `raw`, ...) out of the input instead of viewing it. Default false. */
  copyBytes?: boolean;
  /**
   * Largest item (event or header) the streaming reader buffers before declaring it malformed, in bytes.
   * Default 256 MiB. Only applies while more input may come.
   */
  maxItemBytes?: number;
}

enum State {
  Preamble = 0,
  Header = 1,
  Events = 2,
  Resync = 3,
  SkipSegment = 4,
  Done = 5,
}

/** Result of {@link TraceParser.run}. */
export type ParseStatus = 'need-more' | 'done';

const DEFAULT_MAX_ITEM = 256 * 1024 * 1024;

function plain(chunk: Uint8Array): Uint8Array {
  return chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * The incremental reader: push chunks, call {@link TraceParser.run} with a visitor, then {@link TraceParser.end}
 * and `run` once more. Yields the same items for every chunking; holds back a final item shorter than 8 bytes
 * that could still be a magic until more data or the end arrives. Memory: the unread bytes of the current item
 * plus queued chunks.
 *
 * @example
 * ```ts
 * const parser = new TraceParser();
 * for (const chunk of chunks) { parser.push(chunk); parser.run(visitor); }
 * parser.end();
 * parser.run(visitor);
 * console.log(parser.result);
 * ```
 */
export class TraceParser {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private bufBase = 0;
  private queue: Uint8Array[] = [];
  private queueHead = 0;
  private queueSkip = 0; // bytes of queue[queueHead] already consumed
  private queued = 0; // unread bytes in the queue
  private bridged = false;
  private bridgeSplit = 0; // buf bytes before this index came from the old buffer
  private ended = false;
  private state: State = State.Preamble;
  private readonly entries = new MapEntries();
  private readonly copyBytes: boolean;
  private readonly maxItem: number;

  private segmentIndex = -1;
  private itemIndex = 0;
  private eventCount = 0;
  private version = 0;
  private headerLength = 0;
  private segmentOffset = 0;
  private lastHeader: TraceHeader | undefined;
  private segmented = false;
  private complete = true;
  private endState: TraceEnd | undefined;
  private skipProblem: TraceProblem | undefined;
  private resyncStart = 0;

  constructor(options: ReadOptions = {}) {
    this.copyBytes = options.copyBytes ?? false;
    this.maxItem = options.maxItemBytes ?? DEFAULT_MAX_ITEM;
  }

  /** Appends a chunk of input (kept by reference until read; do not modify it). */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new MoqtraceError('INVALID_ARGUMENT', 'push() after end()');
    if (chunk.length === 0) return;
    this.queue.push(plain(chunk));
    this.queued += chunk.length;
  }

  /** Declares the end of input. */
  end(): void {
    this.ended = true;
  }

  /** The end state once {@link TraceParser.run} returned `done`. */
  get result(): TraceEnd | undefined {
    return this.endState;
  }

  /** Absolute offset of the next unread byte. */
  get offset(): number {
    return this.bufBase + this.pos;
  }

  // ---------------------------------------------------------------------------------------------------
  // buffer management

  private abs(): number {
    return this.bufBase + this.pos;
  }

  /** Bytes available from pos (buffer + queue). */
  private available(): number {
    if (this.bridged) return this.bridgeSplit - this.pos + this.queued;
    return this.buf.length - this.pos + this.queued;
  }

  private unbridge(): void {
    // pos has passed the old-buffer part of the bridge: continue zero-copy in the queue
    let consumed = this.pos - this.bridgeSplit;
    const base = this.bufBase + this.bridgeSplit;
    this.bridged = false;
    this.buf = new Uint8Array(0);
    this.pos = 0;
    this.bufBase = base;
    this.dropQueue(consumed);
    consumed = 0;
  }

  private dropQueue(count: number): void {
    while (count > 0) {
      const chunk = this.queue[this.queueHead] as Uint8Array;
      const left = chunk.length - this.queueSkip;
      if (count < left) {
        this.queueSkip += count;
        this.queued -= count;
        this.bufBase += count;
        return;
      }
      count -= left;
      this.queued -= left;
      this.bufBase += left;
      this.queueHead++;
      this.queueSkip = 0;
    }
    this.compactQueue();
  }

  private compactQueue(): void {
    if (this.queueHead > 64 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    } else if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    }
  }

  /** Moves to the next queued chunk when the buffer is exhausted (not bridged). */
  private nextChunk(): boolean {
    if (this.queueHead >= this.queue.length) return false;
    const chunk = this.queue[this.queueHead] as Uint8Array;
    this.bufBase += this.buf.length;
    this.buf = this.queueSkip ? chunk.subarray(this.queueSkip) : chunk;
    this.pos = 0;
    this.queued -= this.buf.length;
    this.queueHead++;
    this.queueSkip = 0;
    this.compactQueue();
    return true;
  }

  /** Makes `count` contiguous bytes available at `pos`. False when the input (so far) has fewer. */
  private ensure(count: number): boolean {
    if (this.bridged && this.pos >= this.bridgeSplit) this.unbridge();
    if (this.buf.length - this.pos >= count) return true;
    if (this.available() < count) return false;
    if (!this.bridged) {
      // skip empty buffers
      while (this.pos >= this.buf.length) {
        if (!this.nextChunk()) return false;
        if (this.buf.length >= count) return true;
      }
    }
    // build a bridge: the old bytes [pos, split) followed by a copy of the queue's first bytes
    const oldEnd = this.bridged ? this.bridgeSplit : this.buf.length;
    const old = this.buf.subarray(this.pos, oldEnd);
    const window = this.buf.length - this.pos;
    const target = Math.min(Math.max(count, window * 2), old.length + this.queued);
    const joined = new Uint8Array(target);
    joined.set(old, 0);
    let at = old.length;
    let qi = this.queueHead;
    let skip = this.queueSkip;
    while (at < target) {
      const chunk = this.queue[qi] as Uint8Array;
      const take = Math.min(chunk.length - skip, target - at);
      joined.set(chunk.subarray(skip, skip + take), at);
      at += take;
      qi++;
      skip = 0;
    }
    this.bufBase += this.pos;
    this.buf = joined;
    this.pos = 0;
    this.bridged = true;
    this.bridgeSplit = old.length;
    return true;
  }

  /** True when no byte is left at pos (moving to the next chunk if needed). */
  private atEnd(): boolean {
    if (this.bridged && this.pos >= this.bridgeSplit) this.unbridge();
    while (this.pos >= this.buf.length) {
      if (this.bridged) return false;
      if (!this.nextChunk()) return true;
    }
    return false;
  }

  /** Consumes `count` bytes (they may lie beyond the buffer, in the queue). */
  private skipBytes(count: number): void {
    const inBuf = this.buf.length - this.pos;
    if (count <= inBuf) {
      this.pos += count;
      return;
    }
    if (this.bridged) {
      this.pos += count; // unbridge handles positions beyond the split
      this.unbridge();
      return;
    }
    this.bufBase += this.buf.length;
    this.buf = new Uint8Array(0);
    this.pos = 0;
    this.dropQueue(count - inBuf);
  }

  // ---------------------------------------------------------------------------------------------------
  // parsing

  private problem(visitor: TraceVisitor, problem: TraceProblem): void {
    if (problem.severity === 'error') this.complete = false;
    visitor.problem?.(problem);
  }

  private finish(reason: 'eof' | 'truncated', offset: number): ParseStatus {
    this.state = State.Done;
    this.endState = {
      reason,
      offset,
      segments: this.segmentIndex + 1,
      events: this.eventCount,
      complete: this.complete && reason === 'eof',
    };
    return 'done';
  }

  private truncated(visitor: TraceVisitor, what: string): ParseStatus {
    const offset = this.abs();
    const after = this.available();
    this.problem(visitor, {
      code: 'TRUNCATED',
      severity: 'error',
      offset,
      segment: Math.max(this.segmentIndex, 0),
      message: `truncated: the ${what} starting at byte ${offset} is incomplete (${after} bytes left)`,
      eventsDecoded: this.eventCount,
      bytesAfterOffset: after,
    });
    return this.finish('truncated', offset);
  }

  /**
   * Processes as much buffered input as possible, calling the visitor. Returns `need-more` when it waits for
   * input (push more, or call `end()`), `done` at the end. Throws {@link MoqtraceError} only when there is no
   * usable first segment.
   */
  run(visitor: TraceVisitor): ParseStatus {
    for (;;) {
      switch (this.state) {
        case State.Events: {
          const status = this.runEvents(visitor);
          if (status !== undefined) return status;
          break;
        }
        case State.Preamble: {
          const status = this.runPreamble(visitor);
          if (status !== undefined) return status;
          break;
        }
        case State.Header: {
          const status = this.runHeader(visitor);
          if (status !== undefined) return status;
          break;
        }
        case State.Resync: {
          const status = this.runResync(visitor);
          if (status !== undefined) return status;
          break;
        }
        case State.SkipSegment: {
          const status = this.runSkip(visitor);
          if (status !== undefined) return status;
          break;
        }
        default:
          return 'done';
      }
    }
  }

  private runPreamble(visitor: TraceVisitor): ParseStatus | undefined {
    const first = this.segmentIndex < 0;
    if (!this.ensure(PREAMBLE_SIZE)) {
      if (!this.ended) return 'need-more';
      const count = this.available();
      if (count > 0) this.ensure(count);
      const rest = this.buf.subarray(this.pos, this.pos + count);
      if (first) {
        for (let i = 0; i < rest.length && i < 8; i++) {
          if (rest[i] !== MAGIC[i])
            throw new MoqtraceError('BAD_MAGIC', 'not a .moqtrace file (bad magic)', { offset: 0 });
        }
        throw new MoqtraceError('TRUNCATED', `truncated preamble: ${this.available()} of 16 bytes`, { offset: 0 });
      }
      return this.truncated(visitor, 'preamble');
    }
    const b = this.buf;
    const p = this.pos;
    for (let i = 0; i < 8; i++) {
      if (b[p + i] !== MAGIC[i]) {
        if (first) throw new MoqtraceError('BAD_MAGIC', 'not a .moqtrace file (bad magic)', { offset: this.abs() });
        // cannot happen: later preambles are entered only on a full magic
        this.state = State.Resync;
        return undefined;
      }
    }
    const version =
      ((b[p + 8] as number) | ((b[p + 9] as number) << 8) | ((b[p + 10] as number) << 16)) +
      (b[p + 11] as number) * 0x1000000;
    const headerLength =
      ((b[p + 12] as number) | ((b[p + 13] as number) << 8) | ((b[p + 14] as number) << 16)) +
      (b[p + 15] as number) * 0x1000000;
    this.segmentOffset = this.abs();
    this.version = version;
    this.headerLength = headerLength;
    if (version !== 1 && version !== 2) {
      if (first) {
        throw new MoqtraceError('UNSUPPORTED_VERSION', `unsupported version ${version}`, { offset: this.abs() + 8 });
      }
      this.skipProblem = {
        code: 'UNSUPPORTED_VERSION',
        severity: 'error',
        offset: this.segmentOffset,
        segment: this.segmentIndex + 1,
        message: `segment at byte ${this.segmentOffset}: unsupported version ${version}; segment skipped`,
        skippedEvents: 0,
      };
      this.segmentIndex++;
      this.itemIndex = 0;
      if (!this.ensure(PREAMBLE_SIZE + headerLength)) {
        if (!this.ended && headerLength <= this.maxItem) return 'need-more';
        this.skipBytes(PREAMBLE_SIZE);
        this.state = State.SkipSegment;
        return undefined;
      }
      this.skipBytes(PREAMBLE_SIZE + headerLength);
      this.state = State.SkipSegment;
      return undefined;
    }
    this.state = State.Header;
    return undefined;
  }

  private runHeader(visitor: TraceVisitor): ParseStatus | undefined {
    const first = this.segmentIndex < 0;
    const total = PREAMBLE_SIZE + this.headerLength;
    if (!this.ensure(total)) {
      if (!this.ended && (first || this.headerLength <= this.maxItem)) return 'need-more';
      if (!this.ended) {
        this.segmentIndex++;
        this.malformedCbor(visitor, `segment header at byte ${this.abs()} declares ${this.headerLength} bytes`);
        return undefined;
      }
      if (first) {
        throw new MoqtraceError(
          'TRUNCATED',
          `truncated header: ${this.headerLength} bytes declared, ${Math.max(this.available() - PREAMBLE_SIZE, 0)} present`,
          { offset: this.abs() + PREAMBLE_SIZE },
        );
      }
      if (this.ended && this.tryResyncFrom(visitor, 'header')) return undefined;
      return this.truncated(visitor, 'segment header');
    }
    const decoded = decodeHeader(this.buf, this.pos + PREAMBLE_SIZE, this.headerLength);
    const headerOffset = this.abs() + PREAMBLE_SIZE;
    if (!decoded.ok) {
      const message = `malformed header at byte ${headerOffset}: ${decoded.message}`;
      if (first) {
        throw new MoqtraceError('MALFORMED_HEADER', message, {
          offset: headerOffset,
          ...(decoded.key ? { details: { key: decoded.key } } : {}),
        });
      }
      this.segmentIndex++;
      this.itemIndex = 0;
      this.skipProblem = {
        code: 'MALFORMED_HEADER',
        severity: 'error',
        offset: headerOffset,
        segment: this.segmentIndex,
        ...(decoded.key ? { key: decoded.key } : {}),
        message: `${message}; segment skipped`,
        skippedEvents: 0,
      };
      this.skipBytes(total);
      this.state = State.SkipSegment;
      return undefined;
    }
    const header = decoded.header;
    this.segmentIndex++;
    this.itemIndex = 0;
    const index = this.segmentIndex;
    const record: SegmentInfoRecord = {
      index,
      offset: this.segmentOffset,
      version: this.version,
      headerLength: this.headerLength,
      eventsOffset: this.segmentOffset + total,
      header,
    };
    this.skipBytes(total);
    visitor.segment?.(record);
    if (decoded.trailingBytes > 0) {
      this.problem(visitor, {
        code: 'HEADER_TRAILING_BYTES',
        severity: 'warning',
        offset: headerOffset,
        segment: index,
        message: `${decoded.trailingBytes} bytes after the header map in the header region`,
      });
    }
    if (decoded.duplicateKeys) {
      this.problem(visitor, {
        code: 'DUPLICATE_KEY',
        severity: 'warning',
        offset: headerOffset,
        segment: index,
        message: `duplicate header keys: ${decoded.duplicateKeys.join(', ')} (last used)`,
      });
    }
    if (decoded.unusableSegment) {
      this.complete = false;
      this.problem(visitor, {
        code: 'UNUSABLE_SEGMENT',
        severity: 'warning',
        offset: headerOffset,
        segment: index,
        key: 'segment',
        message: 'segment is not a map: kept in the header store, trace read as non-segmented',
      });
    }
    if (this.lastHeader) {
      for (const warning of checkSegmentHeaders(this.lastHeader, header)) {
        this.problem(visitor, {
          code: 'SEGMENT_MISMATCH',
          severity: 'warning',
          offset: this.segmentOffset,
          segment: index,
          message: warning.message,
        });
      }
    }
    this.segmented ||= header.segment !== undefined;
    this.lastHeader = header;
    this.state = State.Events;
    return undefined;
  }

  private runEvents(visitor: TraceVisitor): ParseStatus | undefined {
    const entries = this.entries;
    const options = { copyBytes: this.copyBytes };
    const segment = this.segmentIndex;
    for (;;) {
      if (this.bridged && this.pos >= this.bridgeSplit) this.unbridge();
      if (this.pos >= this.buf.length) {
        if (this.atEnd()) {
          if (this.ended) return this.finish('eof', this.abs());
          return 'need-more';
        }
      }
      const b = this.buf;
      const start = this.pos;
      if (b[start] === 0x4d) {
        // a new preamble where an event would start?
        if (this.ensure(8)) {
          const c = this.buf;
          const q = this.pos;
          let magic = true;
          for (let i = 1; i < 8; i++) {
            if (c[q + i] !== MAGIC[i]) {
              magic = false;
              break;
            }
          }
          if (magic) {
            this.state = State.Preamble;
            return undefined;
          }
        } else {
          // fewer than 8 bytes left: a magic prefix waits for more input
          let prefix = true;
          const c = this.buf;
          for (let i = this.pos, k = 0; i < c.length; i++, k++) {
            if (c[i] !== MAGIC[k]) {
              prefix = false;
              break;
            }
          }
          if (prefix && this.queued === 0) {
            if (!this.ended) return 'need-more';
            return this.truncated(visitor, 'preamble');
          }
        }
        if (this.buf !== b || this.pos !== start) continue; // the bridge moved the bytes
      }
      const result = walkMap(b, start, b.length, entries);
      if (result >= 0) {
        const offset = this.bufBase + start;
        let event: TraceEvent | EventDecodeFailure;
        try {
          event = decodeEvent(b, entries, options);
        } catch (error) {
          event = new EventDecodeFailure(`item cannot be decoded: ${(error as Error).message}`, undefined);
        }
        this.pos = result;
        if (event instanceof EventDecodeFailure) {
          this.malformedEvent(visitor, b, start, result, event.message, event.key);
        } else {
          this.itemIndex++;
          this.eventCount++;
          visitor.event?.(event, offset, segment);
        }
        if (entries.duplicates) {
          this.problem(visitor, {
            code: 'DUPLICATE_KEY',
            severity: 'warning',
            offset,
            segment,
            index: this.itemIndex - 1,
            message: `duplicate keys ${entries.duplicates.join(', ')} (last used)`,
          });
        }
        continue;
      }
      if (result === WALK_NOT_MAP || result === WALK_BAD_KEY) {
        this.pos = walkEnd;
        this.malformedEvent(
          visitor,
          b,
          start,
          walkEnd,
          result === WALK_NOT_MAP ? 'item is not a map' : 'item has a key that is not text or a number',
          undefined,
        );
        continue;
      }
      if (result === SCAN_TRUNCATED) {
        const need = scanNeed - start;
        if (this.ensure(need)) continue;
        if (!this.ended) {
          if (need > this.maxItem) {
            this.malformedCbor(visitor, `item at byte ${this.abs()} declares more than ${this.maxItem} bytes`);
            return undefined;
          }
          return 'need-more';
        }
        if (this.tryResyncFrom(visitor, 'item')) return undefined;
        return this.truncated(visitor, 'item');
      }
      // SCAN_MALFORMED
      this.malformedCbor(visitor, `invalid CBOR structure at byte ${this.abs()}`);
      return undefined;
    }
  }

  private malformedEvent(
    visitor: TraceVisitor,
    b: Uint8Array,
    start: number,
    end: number,
    message: string,
    key: string | undefined,
  ): void {
    let value: unknown;
    try {
      value = decodeOpaque(b, start, end);
    } catch {
      value = undefined;
    }
    const offset = this.bufBase + start;
    this.problem(visitor, {
      code: 'MALFORMED_EVENT',
      severity: 'error',
      offset,
      segment: this.segmentIndex,
      index: this.itemIndex,
      ...(key !== undefined ? { key } : {}),
      message: `item at byte ${offset}: ${message}`,
      value,
    });
    this.itemIndex++;
  }

  private malformedCbor(visitor: TraceVisitor, message: string): void {
    this.resyncStart = this.abs();
    this.skipProblem = {
      code: 'MALFORMED_CBOR',
      severity: 'error',
      offset: this.resyncStart,
      segment: this.segmentIndex,
      index: this.itemIndex,
      message,
      skippedBytes: 0,
    };
    this.skipBytes(1);
    this.state = State.Resync;
    void visitor;
  }

  /**
   * At the end of input, a unit that runs past the end may be a damaged length followed by a valid preamble:
   * look for one in the remaining bytes. True when a resync point was found (state set).
   */
  private tryResyncFrom(visitor: TraceVisitor, what: string): boolean {
    if (this.queued > 0 && !this.ensure(this.available())) return false;
    const c = this.buf;
    const limit = c.length;
    for (let i = this.pos + 1; i + PREAMBLE_SIZE <= limit; i++) {
      if (c[i] === 0x4d && this.validCandidate(c, i, limit)) {
        const offset = this.abs();
        this.problem(visitor, {
          code: 'MALFORMED_CBOR',
          severity: 'error',
          offset,
          segment: this.segmentIndex,
          index: this.itemIndex,
          message: `the ${what} at byte ${offset} runs past a valid preamble at byte ${this.bufBase + i}: damaged length; resynchronised`,
          skippedBytes: i - this.pos,
        });
        this.skipBytes(i - this.pos);
        this.state = State.Preamble;
        return true;
      }
    }
    return false;
  }

  /** Resync candidate check (spec §8.6). */
  private validCandidate(b: Uint8Array, at: number, end: number): boolean {
    for (let i = 0; i < 8; i++) if (b[at + i] !== MAGIC[i]) return false;
    const version = b[at + 8] === 1 || b[at + 8] === 2 ? (b[at + 8] as number) : 0;
    if (!version || b[at + 9] !== 0 || b[at + 10] !== 0 || b[at + 11] !== 0) return false;
    const length =
      ((b[at + 12] as number) | ((b[at + 13] as number) << 8) | ((b[at + 14] as number) << 16)) +
      (b[at + 15] as number) * 0x1000000;
    if (at + PREAMBLE_SIZE + length > end) return false;
    const decoded = decodeHeader(b, at + PREAMBLE_SIZE, length);
    if (!decoded.ok) return false;
    const previous = this.lastHeader;
    if (this.segmented && previous) {
      const header = decoded.header;
      if (!header.segment || !previous.segment) return false;
      if (header.segment.sequence <= previous.segment.sequence) return false;
      if (
        header.protocol !== previous.protocol ||
        header.perspective !== previous.perspective ||
        header.detail !== previous.detail ||
        header.sessionId !== previous.sessionId ||
        header.segment.streamId !== previous.segment.streamId
      ) {
        return false;
      }
    }
    return true;
  }

  /** After broken CBOR: scan byte by byte for a validated preamble. */
  private runResync(visitor: TraceVisitor): ParseStatus | undefined {
    const problem = this.skipProblem as TraceProblem;
    for (;;) {
      if (this.atEnd()) {
        if (!this.ended) return 'need-more';
        problem.skippedBytes = this.abs() - problem.offset;
        problem.message += `; no valid preamble follows: the remaining ${problem.skippedBytes} bytes are unreadable`;
        this.problem(visitor, problem);
        return this.finish('eof', this.abs());
      }
      const b = this.buf;
      const limit = this.bridged ? this.bridgeSplit : b.length;
      let i = this.pos;
      while (i < limit && b[i] !== 0x4d) i++;
      if (i >= limit) {
        this.skipBytes(limit - this.pos);
        continue;
      }
      this.skipBytes(i - this.pos);
      // candidate at pos: need preamble + header
      if (!this.ensure(PREAMBLE_SIZE)) {
        if (!this.ended) return 'need-more';
        this.skipBytes(1);
        continue;
      }
      const c = this.buf;
      let magic = true;
      for (let k = 0; k < 8; k++) if (c[this.pos + k] !== MAGIC[k]) magic = false;
      if (!magic) {
        this.skipBytes(1);
        continue;
      }
      const length =
        ((c[this.pos + 12] as number) | ((c[this.pos + 13] as number) << 8) | ((c[this.pos + 14] as number) << 16)) +
        (c[this.pos + 15] as number) * 0x1000000;
      if (!this.ensure(PREAMBLE_SIZE + length)) {
        if (!this.ended && length <= this.maxItem) return 'need-more';
        this.skipBytes(1);
        continue;
      }
      if (this.validCandidate(this.buf, this.pos, this.buf.length)) {
        problem.skippedBytes = this.abs() - problem.offset;
        problem.message += `; resynchronised at byte ${this.abs()} after ${problem.skippedBytes} bytes`;
        this.problem(visitor, problem);
        this.skipProblem = undefined;
        this.state = State.Preamble;
        return undefined;
      }
      this.skipBytes(1);
    }
  }

  /** Walks the items of a skipped segment (known boundaries) until the next preamble. */
  private runSkip(visitor: TraceVisitor): ParseStatus | undefined {
    const problem = this.skipProblem as TraceProblem;
    for (;;) {
      if (this.atEnd()) {
        if (!this.ended) return 'need-more';
        this.problem(visitor, problem);
        return this.finish('eof', this.abs());
      }
      if (this.buf[this.pos] === 0x4d) {
        if (this.ensure(8)) {
          let magic = true;
          for (let k = 0; k < 8; k++) if (this.buf[this.pos + k] !== MAGIC[k]) magic = false;
          if (magic) {
            this.problem(visitor, problem);
            this.skipProblem = undefined;
            this.state = State.Preamble;
            return undefined;
          }
        } else if (!this.ended) return 'need-more';
      }
      const after = skipItem(this.buf, this.pos, this.buf.length);
      if (after >= 0) {
        problem.skippedEvents = (problem.skippedEvents ?? 0) + 1;
        this.pos = after;
        continue;
      }
      if (after === SCAN_TRUNCATED) {
        const need = scanNeed - this.pos;
        if (this.ensure(need)) continue;
        if (!this.ended && need <= this.maxItem) return 'need-more';
        this.problem(visitor, problem);
        return this.truncated(visitor, 'item');
      }
      // broken CBOR inside a skipped segment: resync
      this.problem(visitor, problem);
      this.malformedCbor(visitor, `invalid CBOR structure at byte ${this.abs()}`);
      return undefined;
    }
  }

  /** Runs only until the first segment's header has been read (header peeking). */
  runUntilSegment(visitor: TraceVisitor): ParseStatus {
    while (this.state === State.Preamble || this.state === State.Header) {
      const status = this.state === State.Preamble ? this.runPreamble(visitor) : this.runHeader(visitor);
      if (status !== undefined) return status;
    }
    return 'done';
  }
}

// -------------------------------------------------------------------------------------------------------
// Single events

/** Options of {@link decodeEventAt}. */
export interface DecodeEventOptions {
  /** Segment index reported in a problem (default 0). */
  segment?: number;
  /** Copy typed byte fields out of `bytes` instead of viewing it. Default false. */
  copyBytes?: boolean;
}

/** What {@link decodeEventAt} returns: the event and the offset after its item, or the problem it has. */
export type EventDecodeResult =
  | { ok: true; event: TraceEvent; end: number }
  | { ok: false; problem: TraceProblem; end?: number };

/**
 * Decodes the one event item starting at `offset` (an event offset reported by the readers), without its
 * segment's preamble and header: events do not depend on them. A damaged item gives a problem
 * (`MALFORMED_EVENT` with the item's `end`, `TRUNCATED`, `MALFORMED_CBOR`) instead of throwing.
 *
 * @example
 * ```ts
 * const item = new Uint8Array(await file.slice(offset, nextOffset).arrayBuffer());
 * const decoded = decodeEventAt(item, 0);
 * if (decoded.ok) console.log(decoded.event.type);
 * ```
 */
export function decodeEventAt(bytes: Uint8Array, offset: number, options: DecodeEventOptions = {}): EventDecodeResult {
  const segment = options.segment ?? 0;
  const b = plain(bytes);
  if (!Number.isInteger(offset) || offset < 0 || offset >= b.length) {
    throw new MoqtraceError('INVALID_ARGUMENT', `offset ${offset} is outside the ${b.length} bytes given`);
  }
  const entries = new MapEntries();
  const result = walkMap(b, offset, b.length, entries);
  if (result >= 0) {
    let event: TraceEvent | EventDecodeFailure;
    try {
      event = decodeEvent(b, entries, { copyBytes: options.copyBytes ?? false });
    } catch (error) {
      event = new EventDecodeFailure(`item cannot be decoded: ${(error as Error).message}`, undefined);
    }
    if (!(event instanceof EventDecodeFailure)) return { ok: true, event, end: result };
    return { ok: false, end: result, problem: malformedItem(b, offset, result, segment, event.message, event.key) };
  }
  if (result === WALK_NOT_MAP || result === WALK_BAD_KEY) {
    const message = result === WALK_NOT_MAP ? 'item is not a map' : 'item has a key that is not text or a number';
    return { ok: false, end: walkEnd, problem: malformedItem(b, offset, walkEnd, segment, message, undefined) };
  }
  if (result === SCAN_TRUNCATED) {
    return {
      ok: false,
      problem: {
        code: 'TRUNCATED',
        severity: 'error',
        offset,
        segment,
        message: `truncated: the item starting at byte ${offset} is incomplete (${b.length - offset} bytes left)`,
        bytesAfterOffset: b.length - offset,
      },
    };
  }
  return {
    ok: false,
    problem: {
      code: 'MALFORMED_CBOR',
      severity: 'error',
      offset,
      segment,
      message: `invalid CBOR structure in the item at byte ${offset}`,
    },
  };
}

function malformedItem(
  b: Uint8Array,
  start: number,
  end: number,
  segment: number,
  message: string,
  key: string | undefined,
): TraceProblem {
  let value: unknown;
  try {
    value = decodeOpaque(b, start, end);
  } catch {
    value = undefined;
  }
  return {
    code: 'MALFORMED_EVENT',
    severity: 'error',
    offset: start,
    segment,
    ...(key !== undefined ? { key } : {}),
    message: `item at byte ${start}: ${message}`,
    value,
  };
}

// -------------------------------------------------------------------------------------------------------
// Whole-buffer reading

/** The result of a whole-file read (spec §8.7). */
export interface TraceReadResult {
  /** Segments in file order, each with its events. */
  segments: TraceSegment[];
  /** Flattened view: events of all segments concatenated (so `seq` restarts per segment). */
  events: TraceEvent[];
  /** Problems in input order. */
  problems: TraceProblem[];
  /** False after any truncation, malformed item or unusable `segment`. */
  complete: boolean;
  /** How the read ended. */
  end: TraceEnd;
}

/** Options of {@link readTrace}. */
export interface ReadTraceOptions extends ReadOptions {
  /**
   * Throw a {@link MoqtraceError} when the result is not complete (code of the first error problem); the error's
   * `details` carries the partial {@link TraceReadResult}.
   */
  strict?: boolean;
}

class Collector implements TraceVisitor {
  segments: TraceSegment[] = [];
  problems: TraceProblem[] = [];
  private current: TraceSegment | undefined;
  segment(info: SegmentInfoRecord): void {
    this.current = { ...info, events: [], eventOffsets: [] };
    this.segments.push(this.current);
  }
  event(event: TraceEvent, offset: number): void {
    const current = this.current as TraceSegment;
    current.events.push(event);
    current.eventOffsets.push(offset);
  }
  problem(problem: TraceProblem): void {
    this.problems.push(problem);
  }
  result(end: TraceEnd, strict: boolean | undefined): TraceReadResult {
    const result: TraceReadResult = {
      segments: this.segments,
      events: flattenSegments(this.segments),
      problems: this.problems,
      complete: end.complete,
      end,
    };
    if (strict && !end.complete) {
      const first = this.problems.find((problem) => problem.severity === 'error');
      const code = (first?.code ?? 'MALFORMED_HEADER') as MoqtraceErrorCode;
      throw new MoqtraceError(code, first?.message ?? 'incomplete trace', {
        ...(first ? { offset: first.offset } : {}),
        details: result,
      });
    }
    return result;
  }
}

/**
 * Reads a whole trace held in memory. Typed byte fields are views into `bytes` unless `copyBytes` is set.
 *
 * @example
 * ```ts
 * const trace = readTrace(bytes);
 * for (const event of trace.events) console.log(event.type, event.seq);
 * if (!trace.complete) console.warn(trace.problems);
 * ```
 */
export function readTrace(bytes: Uint8Array, options: ReadTraceOptions = {}): TraceReadResult {
  const parser = new TraceParser(options);
  const collector = new Collector();
  parser.push(bytes);
  parser.end();
  parser.run(collector);
  return collector.result(parser.result as TraceEnd, options.strict);
}

// -------------------------------------------------------------------------------------------------------
// Streaming

/** Anything the streaming readers accept: bytes, Blob/File, ReadableStream, async iterable or a ByteSource. */
export type TraceInput = ByteInput;

/**
 * Streams a trace from any byte source, calling the visitor for each segment, event and problem. Memory is
 * bounded by the largest item. Resolves with the end state; rejects only when there is no usable first segment.
 * Closes the source when it created it (any input but a `ByteSource`), also on errors; a `ByteSource` passed
 * in stays open.
 *
 * @example
 * ```ts
 * const end = await streamTrace(file, { event(event, offset) { count++; } });
 * console.log(end.reason, end.events);
 * ```
 */
export async function streamTrace(
  input: TraceInput,
  visitor: TraceVisitor,
  options: ReadOptions = {},
): Promise<TraceEnd> {
  const owned = !isByteSource(input);
  const source: ByteSource = toByteSource(input);
  const parser = new TraceParser(options);
  try {
    while (parser.run(visitor) === 'need-more') {
      const chunk = await source.read();
      if (chunk === null) parser.end();
      else parser.push(chunk);
    }
  } finally {
    if (owned) await source.close();
  }
  return parser.result as TraceEnd;
}

/**
 * Reads a whole trace from any byte source (Blob/File, stream, ...). Like {@link streamTrace}, it closes a source
 * it created and leaves a `ByteSource` passed in open.
 */
export async function readTraceFrom(input: TraceInput, options: ReadTraceOptions = {}): Promise<TraceReadResult> {
  const collector = new Collector();
  const end = await streamTrace(input, collector, options);
  return collector.result(end, options.strict);
}

/** One record of {@link readTraceRecords}. */
export type TraceRecord =
  | { kind: 'segment'; segment: SegmentInfoRecord }
  | { kind: 'event'; offset: number; segment: number; event: TraceEvent }
  | { kind: 'problem'; problem: TraceProblem }
  | { kind: 'end'; end: TraceEnd };

/**
 * Streams a trace as async-iterable records (segment, event with offset, problem, then one end record). A
 * source it created is closed when iteration ends, fails or is left early (`break`); a `ByteSource` passed in
 * stays open.
 *
 * @example
 * ```ts
 * for await (const record of readTraceRecords(stream)) {
 *   if (record.kind === 'event') console.log(record.offset, record.event.type);
 * }
 * ```
 */
export async function* readTraceRecords(input: TraceInput, options: ReadOptions = {}): AsyncGenerator<TraceRecord> {
  const owned = !isByteSource(input);
  const source: ByteSource = toByteSource(input);
  const parser = new TraceParser(options);
  let batch: TraceRecord[] = [];
  const visitor: TraceVisitor = {
    segment: (segment) => batch.push({ kind: 'segment', segment }),
    event: (event, offset, segment) => batch.push({ kind: 'event', offset, segment, event }),
    problem: (problem) => batch.push({ kind: 'problem', problem }),
  };
  try {
    for (;;) {
      const status = parser.run(visitor);
      const out = batch;
      batch = [];
      for (const record of out) yield record;
      if (status === 'done') break;
      const chunk = await source.read();
      if (chunk === null) parser.end();
      else parser.push(chunk);
    }
  } finally {
    if (owned) await source.close();
  }
  yield { kind: 'end', end: parser.result as TraceEnd };
}

/** What {@link peekHeader} returns. */
export interface HeaderPeek {
  /** Format version of the first preamble. */
  version: number;
  /** Length of the header map. */
  headerLength: number;
  /** Offset of the first event. */
  eventsOffset: number;
  /** The first segment's header. */
  header: TraceHeader;
}

/**
 * Reads only the preamble and header of the first segment (the first `16 + N` bytes). Throws
 * {@link MoqtraceError} (`BAD_MAGIC`, `UNSUPPORTED_VERSION`, `TRUNCATED`, `MALFORMED_HEADER`).
 *
 * @example
 * ```ts
 * const { header } = await peekHeader(file);
 * console.log(header.protocol, header.perspective);
 * ```
 */
export async function peekHeader(input: TraceInput): Promise<HeaderPeek> {
  const owned = !isByteSource(input);
  const source: ByteSource = toByteSource(input);
  const parser = new TraceParser();
  let found: HeaderPeek | undefined;
  const visitor: TraceVisitor = {
    segment(segment) {
      found = {
        version: segment.version,
        headerLength: segment.headerLength,
        eventsOffset: segment.eventsOffset,
        header: segment.header,
      };
    },
  };
  try {
    while (!found && parser.runUntilSegment(visitor) === 'need-more') {
      const chunk = await source.read();
      if (chunk === null) parser.end();
      else parser.push(chunk);
    }
  } finally {
    if (owned) await source.close();
  }
  if (!found) throw new MoqtraceError('TRUNCATED', 'no header found');
  return found;
}

/** Synchronous {@link peekHeader} over bytes in memory (only the first `16 + N` bytes are looked at). */
export function peekHeaderSync(bytes: Uint8Array): HeaderPeek {
  const parser = new TraceParser();
  let found: HeaderPeek | undefined;
  parser.push(bytes);
  parser.end();
  parser.runUntilSegment({
    segment(segment) {
      found = {
        version: segment.version,
        headerLength: segment.headerLength,
        eventsOffset: segment.eventsOffset,
        header: segment.header,
      };
    },
  });
  if (!found) throw new MoqtraceError('TRUNCATED', 'no header found');
  return found;
}
