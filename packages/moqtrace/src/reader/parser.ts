/**
 * The incremental trace parser (spec §2.4, §8) under every reading API: a state machine over a `ByteQueue` of
 * `@x/binary` (push chunks, run, end). Events are read by `@x/cbor-schema`'s `QueueItemReader` with the
 * event schema; the verdict on every item depends only on its bytes, so every chunking gives the same events,
 * problems and end as one whole buffer. The parser's state, end and recovery are in `parser-base.ts`.
 *
 * @internal
 * @module
 */
import { decodeOpaque, type Problem } from '@x/cbor-schema';
import { MoqtraceError } from '../errors.js';
import { hasMagicAt, isMagicPrefix, PREAMBLE_SIZE } from '../preamble.js';
import { EVENT_TYPE_NAMES, type TraceEvent } from '../schemas/events.js';
import { checkSegmentHeaders } from '../segments.js';
import { decodeHeaderRegion } from './header-region.js';
import { ParserBase, type ParserSink, State, u32le } from './parser-base.js';
import type { TraceProblemCode } from './types.js';

export { DEFAULT_MAX_ITEM, type ParserOptions, type ParserSink } from './parser-base.js';

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
export class TraceParser extends ParserBase {
  /**
   * Processes as much buffered input as possible. Returns `need-more` when it waits for input (push more, or
   * call `end()`), `done` at the end, `paused` when the sink said it is {@link ParserSink.full} (run again to go
   * on). Throws {@link MoqtraceError} only when there is no usable first segment.
   */
  run(sink: ParserSink): 'need-more' | 'done' | 'paused' {
    for (;;) {
      let status: 'need-more' | 'done' | 'paused' | undefined;
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
    // Skip the header when it fits the item limit: wait for it first (this runs again with more bytes, so
    // nothing is counted before).
    const total = PREAMBLE_SIZE + this.headerLength;
    if (this.headerLength <= this.maxItem && q.available < total && !this.ended) return 'need-more';
    this.segmentIndex++;
    this.itemIndex = 0;
    this.pending = {
      code: 'UNSUPPORTED_VERSION',
      offset: this.segmentOffset,
      segment: this.segmentIndex,
      message: `segment at byte ${this.segmentOffset}: unsupported version ${version}; segment skipped`,
      skipped: 0,
    };
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
  private runEvents(sink: ParserSink): 'need-more' | 'done' | 'paused' | undefined {
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
        if (status !== 'ok' && sink.full?.() === true) {
          q.consume(pos);
          return 'paused';
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
        if (status !== 'ok' && sink.full?.() === true) return 'paused';
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
}
