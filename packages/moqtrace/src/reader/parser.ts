/**
 * The incremental trace parser (spec §2.4, §8) under every reading API: a state machine over a `ByteQueue` of
 * `@x/binary` (push chunks, run, end). Events are read by `@x/cbor-schema`'s {@link QueueItemReader} with the
 * event schema; the verdict on every item depends only on its bytes, so every chunking gives the same events,
 * problems and end as one whole buffer.
 *
 * @internal
 * @module
 */
import { ByteQueue } from '@x/binary';
import { decodeOpaque, type ItemDecoder, type Problem, QueueItemReader } from '@x/cbor-schema';
import { MoqtraceError, type MoqtraceErrorCode } from '../errors.js';
import { hasMagicAt, isMagicPrefix, PREAMBLE_SIZE } from '../preamble.js';
import { EVENT_TYPE_NAMES, type TraceEvent, traceEventSchema } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';
import { checkSegmentHeaders } from '../segments.js';
import { createHeaderDecoder, decodeHeaderRegion } from './header-region.js';
import type { TraceEnd, TraceProblem, TraceProblemCode, TraceSegmentInfo } from './types.js';

/** Where the parser sends what it reads. */
export interface ParserSink {
  segment(info: TraceSegmentInfo): void;
  event(event: TraceEvent, offset: number, segment: number): void;
  problem(problem: TraceProblem): void;
}

/** Options of the parser. */
export interface ParserOptions {
  copyBytes?: boolean;
  maxItemBytes?: number;
  limit?: number;
}

enum State {
  Preamble,
  Header,
  Events,
  Resync,
  Skip,
  Done,
}

/** Default {@link ParserOptions.maxItemBytes}: 256 MiB. */
export const DEFAULT_MAX_ITEM = 256 * 1024 * 1024;

function u32le(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16)) +
    (b[at + 3] as number) * 0x1000000
  );
}

/** The message of an item that cannot become an event, and the key at fault. */
export function eventFailure(
  problems: readonly Problem[],
  value: unknown,
): { message: string; key: string | undefined } {
  const root = problems.find((p) => p.path === '' && p.code === 'SCHEMA_MISMATCH');
  if (root?.expected === 'map') return { message: 'item is not a map', key: undefined };
  if (root !== undefined) return { message: 'item has a key that is not text or a number', key: undefined };
  if (problems.some((p) => p.code === 'UNDECODABLE')) return { message: 'item cannot be decoded', key: undefined };
  const fatal = problems.filter((p) => p.code === 'SCHEMA_MISMATCH');
  const keyOf = (p: Problem): string => p.wirePath.split(/[.[]/)[0] as string;
  // The type first, then the sequence number and timestamp, then the type's keys, `p` last (spec order).
  const order = (key: string): number => (key === 'e' ? 0 : key === 'n' ? 1 : key === 't' ? 2 : key === 'p' ? 4 : 3);
  let best: Problem | undefined;
  for (const p of fatal) if (best === undefined || order(keyOf(p)) < order(keyOf(best))) best = p;
  if (best === undefined) return { message: 'item cannot become an event', key: undefined };
  const key = keyOf(best);
  const missing = best.found === 'absent';
  if (key === 'e') return { message: `${missing ? 'missing' : 'unusable'} event type e`, key };
  if (key === 'n') return { message: `${missing ? 'missing' : 'unusable'} sequence number n`, key };
  if (key === 't') return { message: `${missing ? 'missing' : 'unusable'} timestamp t`, key };
  const e = (value as { e?: unknown } | undefined)?.e;
  const name = typeof e === 'number' ? (EVENT_TYPE_NAMES[e] ?? 'unknown') : 'unknown';
  return { message: `${name} event without usable ${key}`, key };
}

/**
 * The incremental reader: `push` chunks, `run` with a sink, `end`, `run` once more. Memory: the unread bytes of
 * the current item plus queued chunks (an item is never longer than `maxItemBytes`).
 */
export class TraceParser {
  private readonly queue = new ByteQueue();
  private readonly items: QueueItemReader<TraceEvent>;
  private readonly headers: ItemDecoder<TraceHeader>;
  private readonly maxItem: number;
  private readonly limit: number;
  private ended = false;
  private state = State.Preamble;
  private segmentIndex = -1;
  private itemIndex = 0;
  private eventCount = 0;
  private version = 0;
  private headerLength = 0;
  private segmentOffset = 0;
  private lastHeader: TraceHeader | undefined;
  private segmented = false;
  private errors = 0;
  private warnings = 0;
  private endState: TraceEnd | undefined;
  /** The problem of a skipped segment or a resync, reported when it ends. */
  private pending:
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

  private report(sink: ParserSink, problem: TraceProblem): void {
    if (problem.severity === 'error') this.errors++;
    else this.warnings++;
    sink.problem(problem);
  }

  private finish(state: TraceEnd['state'], offset: number, trailingBytes: number): 'done' {
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

  private truncated(sink: ParserSink, what: string): 'done' {
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

  /**
   * Processes as much buffered input as possible. Returns `need-more` when it waits for input (push more, or
   * call `end()`), `done` at the end. Throws {@link MoqtraceError} only when there is no usable first segment.
   */
  run(sink: ParserSink): 'need-more' | 'done' {
    for (;;) {
      let status: 'need-more' | 'done' | undefined;
      switch (this.state) {
        case State.Events:
          status = this.runEvents(sink);
          break;
        case State.Preamble:
          status = this.runPreamble(sink);
          break;
        case State.Header:
          status = this.runHeader(sink);
          break;
        case State.Resync:
          status = this.runResync(sink);
          break;
        case State.Skip:
          status = this.runSkip(sink);
          break;
        default:
          return 'done';
      }
      if (status !== undefined) return status;
    }
  }

  /** Runs only until the first segment's header has been read (header peeking). */
  runUntilSegment(sink: ParserSink): 'need-more' | 'done' {
    while (this.state === State.Preamble || this.state === State.Header) {
      const status = this.state === State.Preamble ? this.runPreamble(sink) : this.runHeader(sink);
      if (status !== undefined) return status;
    }
    return 'done';
  }

  private runPreamble(sink: ParserSink): 'need-more' | 'done' | undefined {
    const q = this.queue;
    const first = this.segmentIndex < 0;
    if (q.available < PREAMBLE_SIZE) {
      if (!this.ended) return 'need-more';
      if (first) {
        if (!isMagicPrefix(q.peekAt(0, q.available), 0)) {
          throw new MoqtraceError('BAD_MAGIC', 'not a .moqtrace file (bad magic)', { offset: 0 });
        }
        throw new MoqtraceError('TRUNCATED', `truncated preamble: ${q.available} of 16 bytes`, { offset: 0 });
      }
      return this.truncated(sink, 'preamble');
    }
    const b = q.peekAt(0, PREAMBLE_SIZE);
    if (!hasMagicAt(b, 0)) {
      if (first) throw new MoqtraceError('BAD_MAGIC', 'not a .moqtrace file (bad magic)', { offset: q.offset });
      this.malformed('MALFORMED_CBOR', `no preamble at byte ${q.offset}`);
      return undefined;
    }
    const version = u32le(b, 8);
    this.headerLength = u32le(b, 12);
    this.segmentOffset = q.offset;
    this.version = version;
    if (version === 1 || version === 2) {
      this.state = State.Header;
      return undefined;
    }
    if (first) {
      throw new MoqtraceError('UNSUPPORTED_VERSION', `unsupported version ${version}`, { offset: q.offset + 8 });
    }
    this.segmentIndex++;
    this.itemIndex = 0;
    this.pending = {
      code: 'UNSUPPORTED_VERSION',
      offset: this.segmentOffset,
      segment: this.segmentIndex,
      message: `segment at byte ${this.segmentOffset}: unsupported version ${version}; segment skipped`,
      skipped: 0,
    };
    const total = PREAMBLE_SIZE + this.headerLength;
    if (this.headerLength <= this.maxItem && q.available < total && !this.ended) return 'need-more';
    q.consume(this.headerLength <= this.maxItem && q.available >= total ? total : PREAMBLE_SIZE);
    this.state = State.Skip;
    return undefined;
  }

  private runHeader(sink: ParserSink): 'need-more' | 'done' | undefined {
    const q = this.queue;
    const first = this.segmentIndex < 0;
    const total = PREAMBLE_SIZE + this.headerLength;
    if (this.headerLength > this.maxItem) {
      const message = `the header at byte ${q.offset} declares ${this.headerLength} bytes, more than maxItemBytes (${this.maxItem})`;
      if (first) throw new MoqtraceError('ITEM_TOO_LARGE', message, { offset: q.offset + 12 });
      this.segmentIndex++;
      this.malformed('ITEM_TOO_LARGE', message);
      return undefined;
    }
    if (q.available < total) {
      if (!this.ended) return 'need-more';
      if (first) {
        throw new MoqtraceError(
          'TRUNCATED',
          `truncated header: ${this.headerLength} bytes declared, ${Math.max(q.available - PREAMBLE_SIZE, 0)} present`,
          { offset: q.offset + PREAMBLE_SIZE },
        );
      }
      if (this.tryResyncFrom(sink, 'header')) return undefined;
      return this.truncated(sink, 'segment header');
    }
    const headerOffset = q.offset + PREAMBLE_SIZE;
    const decoded = decodeHeaderRegion(
      this.headers,
      q.window(total) as Uint8Array,
      PREAMBLE_SIZE,
      this.headerLength,
      q.offset,
    );
    if (!decoded.ok) {
      const message = `malformed header at byte ${headerOffset}: ${decoded.message}`;
      if (first) {
        throw new MoqtraceError('MALFORMED_HEADER', message, {
          offset: headerOffset,
          ...(decoded.key ? { key: decoded.key, details: { key: decoded.key } } : {}),
        });
      }
      this.segmentIndex++;
      this.itemIndex = 0;
      this.pending = {
        code: 'MALFORMED_HEADER',
        offset: headerOffset,
        segment: this.segmentIndex,
        ...(decoded.key ? { key: decoded.key } : {}),
        message: `${message}; segment skipped`,
        skipped: 0,
      };
      q.consume(total);
      this.state = State.Skip;
      return undefined;
    }
    const header = decoded.header;
    this.segmentIndex++;
    this.itemIndex = 0;
    const index = this.segmentIndex;
    q.consume(total);
    sink.segment({
      index,
      offset: this.segmentOffset,
      version: this.version,
      headerLength: this.headerLength,
      eventsOffset: this.segmentOffset + total,
      header,
    });
    const warn = (code: TraceProblemCode, message: string, offset = headerOffset, key?: string) =>
      this.report(sink, {
        code,
        severity: code === 'UNUSABLE_SEGMENT' ? 'error' : 'warning',
        offset,
        segment: index,
        ...(key === undefined ? {} : { key }),
        message,
      });
    if (decoded.trailingBytes > 0) {
      warn('HEADER_TRAILING_BYTES', `${decoded.trailingBytes} bytes after the header map in the header region`);
    }
    if (decoded.duplicateKeys.length > 0) {
      warn('DUPLICATE_KEY', `duplicate header keys: ${decoded.duplicateKeys.join(', ')} (last used)`);
    }
    if (decoded.unusableSegment) {
      warn(
        'UNUSABLE_SEGMENT',
        'segment is not a map: kept in the header store, trace read as non-segmented',
        headerOffset,
        'segment',
      );
    }
    if (this.lastHeader !== undefined) {
      for (const warning of checkSegmentHeaders(this.lastHeader, header)) {
        warn('SEGMENT_MISMATCH', warning.message, this.segmentOffset);
      }
    }
    this.segmented ||= header.segment !== undefined;
    this.lastHeader = header;
    this.state = State.Events;
    return undefined;
  }

  /** At an item boundary: is a (possible) preamble next? `true` = preamble, `'more'`/`'cut'` = a short magic prefix. */
  private preambleAhead(): boolean | 'more' | 'cut' {
    const q = this.queue;
    if (q.contiguous()[0] !== 0x4d) return false;
    if (q.available >= 8) return hasMagicAt(q.peekAt(0, 8), 0);
    if (!isMagicPrefix(q.peekAt(0, q.available), 0)) return false;
    return this.ended ? 'cut' : 'more';
  }

  private runEvents(sink: ParserSink): 'need-more' | 'done' | undefined {
    const q = this.queue;
    const items = this.items;
    const decoder = items.decoder;
    const segment = this.segmentIndex;
    for (;;) {
      if (q.available === 0) return this.ended ? this.finish('eof', q.offset, 0) : 'need-more';
      // Items complete in the first chunk decode in place; anything else (a cut item, a possible preamble, broken
      // CBOR) goes through the queue reader below, which gives the same verdicts.
      const view = q.contiguous();
      const base = q.offset;
      let pos = 0;
      while (pos < view.length && view[pos] !== 0x4d) {
        const status = decoder.decode(view, pos, view.length, base);
        if ((status !== 'ok' && status !== 'invalid' && status !== 'undecodable') || decoder.length > this.maxItem)
          break;
        const length = decoder.length;
        this.item(sink, status, view, pos, length, base + pos, segment);
        pos += length;
        if (status === 'ok' && this.eventCount >= this.limit) {
          q.consume(pos);
          return this.finish('limit', q.offset, q.available);
        }
      }
      q.consume(pos);
      // The whole chunk was read: on with the next one (or the end).
      if (pos === view.length) continue;
      const ahead = this.preambleAhead();
      if (ahead === true) {
        this.state = State.Preamble;
        return undefined;
      }
      if (ahead === 'more') return 'need-more';
      if (ahead === 'cut') return this.truncated(sink, 'preamble');
      const status = items.read(q, this.ended);
      if (status === 'more') return 'need-more';
      const offset = q.offset;
      if (status === 'ok' || status === 'invalid' || status === 'undecodable') {
        const length = items.length;
        this.item(sink, status, q.peekAt(0, length), 0, length, offset, segment);
        q.consume(length);
        if (status === 'ok' && this.eventCount >= this.limit) return this.finish('limit', q.offset, q.available);
        continue;
      }
      if (status === 'truncated') {
        if (this.tryResyncFrom(sink, 'item')) return undefined;
        return this.truncated(sink, 'item');
      }
      if (status === 'too-large') {
        this.malformed('ITEM_TOO_LARGE', `item at byte ${offset} is or declares more than ${this.maxItem} bytes`);
      } else if (status === 'too-deep') {
        this.malformed('NESTING_TOO_DEEP', `item at byte ${offset} nests deeper than 512 levels`);
      } else {
        this.malformed('MALFORMED_CBOR', `invalid CBOR structure at byte ${items.at}: ${items.reason}`);
      }
      return undefined;
    }
  }

  /** Reports one complete item just decoded (its bytes at `pos` of `bytes`): an event or a malformed event. */
  private item(
    sink: ParserSink,
    status: 'ok' | 'invalid' | 'undecodable',
    bytes: Uint8Array,
    pos: number,
    length: number,
    offset: number,
    segment: number,
  ): void {
    const decoder = this.items.decoder;
    const problems = decoder.problems;
    if (status === 'ok') {
      this.eventCount++;
      this.itemIndex++;
      sink.event(decoder.value as TraceEvent, offset, segment);
    } else {
      let value: unknown;
      try {
        value = decodeOpaque(bytes, pos, pos + length);
      } catch {
        value = undefined;
      }
      const failure = eventFailure(problems, value);
      this.report(sink, {
        code: 'MALFORMED_EVENT',
        severity: 'error',
        offset,
        segment,
        index: this.itemIndex,
        ...(failure.key === undefined ? {} : { key: failure.key }),
        message: `item at byte ${offset}: ${failure.message}`,
        value,
      });
      this.itemIndex++;
    }
    if (problems.length === 0) return;
    const dups = problems.filter((p) => p.code === 'DUPLICATE_KEY' && p.path === '');
    if (dups.length > 0) {
      this.report(sink, {
        code: 'DUPLICATE_KEY',
        severity: 'warning',
        offset,
        segment,
        index: this.itemIndex - 1,
        message: `duplicate keys ${dups.map((p) => String(p.key)).join(', ')} (last used)`,
      });
    }
  }

  /** The item boundary is lost: search the next valid preamble. */
  private malformed(code: MoqtraceErrorCode, message: string): void {
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

  private reportPending(sink: ParserSink, extra: string, skippedEvents: boolean): void {
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
  private tryResyncFrom(sink: ParserSink, what: string): boolean {
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
  private validCandidate(b: Uint8Array, at: number, end: number, base: number): boolean {
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
  private runResync(sink: ParserSink): 'need-more' | 'done' | undefined {
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
  private runSkip(sink: ParserSink): 'need-more' | 'done' | undefined {
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
