/**
 * The state of the incremental trace parser ({@link ParserBase}): input queue, counters, end state and problem
 * reporting, and the recovery side of the state machine — a lost item boundary is resynchronised on the next
 * valid preamble (spec §8.6), a skipped segment is walked item by item. The reading side is `parser.ts`.
 *
 * @internal
 * @module
 */
import { ByteQueue } from '@x/binary';
import { type ItemDecoder, QueueItemReader } from '@x/cbor-schema';
import { MoqtraceError, type MoqtraceErrorCode } from '../errors.js';
import { hasMagicAt, isMagicPrefix, PREAMBLE_SIZE } from '../preamble.js';
import { type TraceEvent, traceEventSchema } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';
import { createHeaderDecoder, decodeHeaderRegion } from './header-region.js';
import type { TraceEnd, TraceProblem, TraceProblemCode, TraceSegmentInfo } from './types.js';

/** Where the parser sends what it reads. */
export interface ParserSink {
  segment(info: TraceSegmentInfo): void;
  event(event: TraceEvent, offset: number, segment: number): void;
  problem(problem: TraceProblem): void;
  /** True when the sink holds enough problems: `run` returns `paused` after the current item. */
  full?(): boolean;
}

/** Options of the parser. */
export interface ParserOptions {
  copyBytes?: boolean;
  maxItemBytes?: number;
  limit?: number;
}

/** States of the parser. */
export enum State {
  Preamble,
  Header,
  Events,
  Resync,
  Skip,
  Done,
}

/** Default {@link ParserOptions.maxItemBytes}: 256 MiB. */
export const DEFAULT_MAX_ITEM = 256 * 1024 * 1024;

/** A little-endian u32 at `at`. */
export function u32le(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x1000000
  );
}

/**
 * State, end and recovery of the incremental parser; {@link TraceParser} adds the reading states. Memory: the
 * unread bytes of the current item plus queued chunks (an item is never longer than `maxItemBytes`).
 */
export class ParserBase {
  protected readonly queue = new ByteQueue();
  protected readonly items: QueueItemReader<TraceEvent>;
  protected readonly headers: ItemDecoder<TraceHeader>;
  protected readonly maxItem: number;
  protected readonly limit: number;
  protected ended = false;
  protected state = State.Preamble;
  protected segmentIndex = -1;
  protected itemIndex = 0;
  protected eventCount = 0;
  protected version = 0;
  protected headerLength = 0;
  protected segmentOffset = 0;
  protected lastHeader: TraceHeader | undefined;
  protected segmented = false;
  protected errors = 0;
  protected warnings = 0;
  protected endState: TraceEnd | undefined;
  /** The problem of a skipped segment or a resync, reported when it ends. */
  protected pending:
    | {
        code: TraceProblemCode;
        offset: number;
        segment: number;
        index?: number;
        key?: string;
        message: string;
        skipped: number;
      }
    | undefined;

  constructor(options: ParserOptions = {}) {
    this.maxItem = options.maxItemBytes ?? DEFAULT_MAX_ITEM;
    if (!(this.maxItem > 0)) {
      throw new MoqtraceError('INVALID_ARGUMENT', `maxItemBytes: must be positive, got ${String(this.maxItem)}`, {
        key: 'maxItemBytes',
      });
    }
    this.limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.items = new QueueItemReader(traceEventSchema, {
      lenient: true,
      copyBytes: options.copyBytes === true,
      maxItemBytes: this.maxItem,
    });
    this.headers = createHeaderDecoder(options.copyBytes === true);
  }

  /** Appends a chunk of input (kept by reference until read; do not modify it). */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new MoqtraceError('INVALID_ARGUMENT', 'push() after end()');
    if (chunk.length === 0) return;
    this.queue.push(
      chunk.constructor === Uint8Array ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
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
    return this.queue.offset;
  }

  /** Bytes buffered and not read yet. */
  get buffered(): number {
    return this.queue.available;
  }

  /** Whether the first segment's header has been read. */
  get started(): boolean {
    return this.segmentIndex >= 0;
  }

  /** Stops reading now with `state` (a caller's limit, a follower's end). */
  stop(state: TraceEnd['state']): TraceEnd {
    if (this.endState === undefined) this.finish(state, this.queue.offset, this.queue.available);
    return this.endState as TraceEnd;
  }

  protected report(sink: ParserSink, problem: TraceProblem): void {
    if (problem.severity === 'error') this.errors++;
    else this.warnings++;
    sink.problem(problem);
  }

  protected finish(state: TraceEnd['state'], offset: number, trailingBytes: number): 'done' {
    this.state = State.Done;
    this.endState = {
      state,
      offset,
      trailingBytes,
      errors: this.errors,
      warnings: this.warnings,
      // Damage, a cut, a removed file or bytes left inside an item make a read incomplete; a limit does not.
      complete:
        this.errors === 0 && state !== 'truncated' && state !== 'removed' && (trailingBytes === 0 || state === 'limit'),
      segments: this.segmentIndex + 1,
      events: this.eventCount,
    };
    return 'done';
  }

  protected truncated(sink: ParserSink, what: string): 'done' {
    const offset = this.queue.offset;
    const after = this.queue.available;
    this.report(sink, {
      code: 'TRUNCATED',
      severity: 'error',
      offset,
      segment: Math.max(this.segmentIndex, 0),
      message: `truncated: the ${what} starting at byte ${offset} is incomplete (${after} bytes left)`,
    });
    return this.finish('truncated', offset, after);
  }

  /** At an item boundary: is a (possible) preamble next? `true` = preamble, `'more'`/`'cut'` = a short magic prefix. */
  protected preambleAhead(): boolean | 'more' | 'cut' {
    const q = this.queue;
    if (q.contiguous()[0] !== 0x4d) return false;
    if (q.available >= 8) return hasMagicAt(q.peekAt(0, 8), 0);
    if (!isMagicPrefix(q.peekAt(0, q.available), 0)) return false;
    return this.ended ? 'cut' : 'more';
  }

  /** The item boundary is lost: search the next valid preamble. */
  protected malformed(code: MoqtraceErrorCode, message: string): void {
    const q = this.queue;
    this.pending = {
      code,
      offset: q.offset,
      segment: Math.max(this.segmentIndex, 0),
      index: this.itemIndex,
      message,
      skipped: 0,
    };
    this.items.reset();
    q.consume(1);
    this.state = State.Resync;
  }

  protected reportPending(sink: ParserSink, extra: string, skippedEvents: boolean): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    const skipped = this.queue.offset - p.offset;
    this.report(sink, {
      code: p.code,
      severity: 'error',
      offset: p.offset,
      segment: p.segment,
      ...(p.index === undefined ? {} : { index: p.index }),
      ...(p.key === undefined ? {} : { key: p.key }),
      message: `${p.message}${extra}`,
      ...(skippedEvents ? { skippedEvents: p.skipped } : { skippedBytes: skipped }),
    });
  }

  /**
   * At the end of input, a unit that runs past the end may be a damaged length followed by a valid preamble:
   * look for one in the remaining bytes. True when a resync point was found (state set).
   */
  protected tryResyncFrom(sink: ParserSink, what: string): boolean {
    const q = this.queue;
    const c = q.window(q.available) as Uint8Array;
    for (let i = 1; i + PREAMBLE_SIZE <= c.length; i++) {
      if (c[i] === 0x4d && this.validCandidate(c, i, c.length, q.offset)) {
        const offset = q.offset;
        this.report(sink, {
          code: 'MALFORMED_CBOR',
          severity: 'error',
          offset,
          segment: this.segmentIndex,
          index: this.itemIndex,
          message: `the ${what} at byte ${offset} runs past a valid preamble at byte ${offset + i}: damaged length; resynchronised`,
          skippedBytes: i,
        });
        this.items.reset();
        q.consume(i);
        this.state = State.Preamble;
        return true;
      }
    }
    return false;
  }

  /** Resync candidate check (spec §8.6). */
  protected validCandidate(b: Uint8Array, at: number, end: number, base: number): boolean {
    if (!hasMagicAt(b, at)) return false;
    const version = b[at + 8];
    if ((version !== 1 && version !== 2) || b[at + 9] !== 0 || b[at + 10] !== 0 || b[at + 11] !== 0) return false;
    const length = u32le(b, at + 12);
    if (length > this.maxItem || at + PREAMBLE_SIZE + length > end) return false;
    const decoded = decodeHeaderRegion(this.headers, b, at + PREAMBLE_SIZE, length, base);
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

  /** After a lost boundary: scan for a validated preamble. */
  protected runResync(sink: ParserSink): 'need-more' | 'done' | undefined {
    const q = this.queue;
    for (;;) {
      if (q.available === 0) {
        if (!this.ended) return 'need-more';
        const skipped = q.offset - (this.pending?.offset ?? q.offset);
        this.reportPending(sink, `; no valid preamble follows: the remaining ${skipped} bytes are unreadable`, false);
        return this.finish('eof', q.offset, 0);
      }
      const view = q.contiguous();
      const i = view.indexOf(0x4d);
      if (i < 0) {
        q.consume(view.length);
        continue;
      }
      q.consume(i);
      if (q.available < PREAMBLE_SIZE) {
        if (!this.ended) return 'need-more';
        q.consume(1);
        continue;
      }
      const pre = q.peekAt(0, PREAMBLE_SIZE);
      const length = u32le(pre, 12);
      if (!hasMagicAt(pre, 0) || length > this.maxItem) {
        q.consume(1);
        continue;
      }
      if (q.available < PREAMBLE_SIZE + length) {
        if (!this.ended) return 'need-more';
        q.consume(1);
        continue;
      }
      if (this.validCandidate(q.window(PREAMBLE_SIZE + length) as Uint8Array, 0, PREAMBLE_SIZE + length, q.offset)) {
        const skipped = q.offset - (this.pending?.offset ?? q.offset);
        this.reportPending(sink, `; resynchronised at byte ${q.offset} after ${skipped} bytes`, false);
        this.state = State.Preamble;
        return undefined;
      }
      q.consume(1);
    }
  }

  /** Walks the items of a skipped segment (known boundaries) until the next preamble. */
  protected runSkip(sink: ParserSink): 'need-more' | 'done' | undefined {
    const q = this.queue;
    for (;;) {
      if (q.available === 0) {
        if (!this.ended) return 'need-more';
        this.reportPending(sink, '', true);
        return this.finish('eof', q.offset, 0);
      }
      const ahead = this.preambleAhead();
      if (ahead === true) {
        this.reportPending(sink, '', true);
        this.state = State.Preamble;
        return undefined;
      }
      if (ahead === 'more') return 'need-more';
      const status = this.items.measure(q, this.ended);
      if (status === 'more') return 'need-more';
      if (status === 'ok') {
        if (this.pending) this.pending.skipped++;
        q.consume(this.items.length);
        continue;
      }
      this.reportPending(sink, '', true);
      if (status === 'truncated') return this.truncated(sink, 'item');
      if (status === 'too-large') {
        this.malformed('ITEM_TOO_LARGE', `item at byte ${q.offset} is or declares more than ${this.maxItem} bytes`);
      } else if (status === 'too-deep') {
        this.malformed('NESTING_TOO_DEEP', `item at byte ${q.offset} nests deeper than 512 levels`);
      } else {
        this.malformed('MALFORMED_CBOR', `invalid CBOR structure at byte ${this.items.at}: ${this.items.reason}`);
      }
      return undefined;
    }
  }
}
