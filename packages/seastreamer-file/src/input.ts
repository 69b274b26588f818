/**
 * @internal The input side of the streaming reader: pulls chunks through `SourceBuffer` of `@x/binary` and hands
 * the parsing core large contiguous windows (views into the chunks; a frame spanning two chunks is copied into
 * a small window of its own, never the whole chunks), waits for more bytes when following a file, decides how
 * reading ends, and reads the complete beacons inside a truncated tail.
 *
 * @module
 */
import type { ByteSource, SourceBuffer } from '@x/binary';
import type { CoreRecord, ParserCore } from './core.js';
import { fromBinaryError } from './errors.js';
import type { SeaStreamerEnd } from './problems.js';

/** @internal What turns a reader into a follower (see `followSeaStreamerFile` in `/node`). */
export interface LiveHooks {
  /** Waits until the source may have more bytes, or says why it never will. */
  wait(): Promise<'more' | 'removed' | 'idle' | 'aborted'>;
  /** Called whenever new bytes arrived (resets back-off and the idle clock). */
  dataArrived(): void;
  /** Called once by `close()`. */
  close(): void;
}

/** @internal An end state before its counts are taken. */
export interface PendingEnd {
  readonly state: SeaStreamerEnd['state'];
  readonly offset: number;
  readonly dataEnd: number;
}

/** The state of a truncated end while the beacons inside the tail are read. */
interface Tail {
  /** Next multiple of the interval to read a beacon at. */
  at: number;
  /** Where the incomplete frame (or beacon) starts: the end's `offset`. */
  offset: number;
}

/** Bytes parsed per batch when a chunk holds more (messages of a batch then die young). */
const BATCH_WINDOW = 64 * 1024;
/** Smallest window copied for a frame spanning chunks. */
const JOIN_WINDOW = 4096;
/** Tail beacons handed over per batch. */
const TAIL_BATCH = 256;

/** @internal The reader's input. */
export class ReaderInput {
  /** Follower hooks; `undefined` for a bounded read (also while a seek reads bounded). */
  live: LiveHooks | undefined;
  /** Set by `close()`: a follower's pending wait ends without an end state of its own. */
  closed = false;
  private sourceDone = false;
  private tail: Tail | undefined;
  /** Where the last parse stopped without progress (-1: it made progress), and the window it had. */
  private retryAt = -1;
  private retryWindow = 0;

  constructor(
    readonly source: ByteSource,
    readonly buffer: SourceBuffer,
    readonly core: ParserCore,
    live: LiveHooks | undefined,
  ) {
    this.live = live;
  }

  /** Forgets the position-dependent state (after the buffer moved to `core.pos`). */
  reset(): void {
    this.sourceDone = false;
    this.tail = undefined;
    this.retryAt = -1;
  }

  /** A copy of the tail state (a seek restores it when it fails). */
  saveTail(): () => void {
    const tail = this.tail === undefined ? undefined : { ...this.tail };
    return () => {
      this.tail = tail;
    };
  }

  /** An end at `offset`, with the data end known so far. */
  end(state: SeaStreamerEnd['state'], offset: number): PendingEnd {
    const buffered = this.buffer.offset + this.buffer.available;
    return { state, offset, dataEnd: Math.max(buffered, this.live ? 0 : (this.source.size ?? 0)) };
  }

  private endOffset(): number {
    const core = this.core;
    return core.standaloneBeaconOffset >= 0 ? core.standaloneBeaconOffset : core.pos;
  }

  /** Decodes the next window of records into `out`; returns the end once it is known. */
  async fill(out: CoreRecord[]): Promise<PendingEnd | undefined> {
    if (this.tail !== undefined) return this.fillTail(this.tail, out);
    const core = this.core;
    const buffer = this.buffer;
    for (;;) {
      const pos = core.pos;
      if (pos > buffer.offset) buffer.consume(pos - buffer.offset);
      const need = core.need;
      // Parsing again from the same position (a frame across beacons, each needing a few more bytes than the
      // last guess): at least double the window, so a long frame costs a constant factor of its bytes, not a
      // pass per marker or per chunk.
      const want = pos === this.retryAt ? Math.max(need, 2 * this.retryWindow) : need;
      while (buffer.available < want) {
        // Enough to parse again: the bytes the core needs, and more than it already had.
        const enough = buffer.available >= need && (pos !== this.retryAt || buffer.available > this.retryWindow);
        const size = this.source.size;
        if (!this.live && (this.sourceDone || (size !== undefined && pos + need > size))) {
          // No more bytes, or not enough in the whole source: do not buffer the rest for a length that
          // cannot be met.
          if (enough) break;
          return this.finish(out);
        }
        // A follower parses what it has rather than wait for bytes its next frame may not need.
        if (enough && (this.live !== undefined || (size !== undefined && buffer.offset + buffer.available >= size)))
          break;
        if (!(await this.pull())) {
          if (this.live) {
            if (enough) break;
            const state = await this.live.wait();
            if (this.closed) return undefined;
            if (state !== 'more') return this.end(state, this.endOffset());
            continue;
          }
          this.sourceDone = true;
          if (enough) break;
          return this.finish(out);
        }
        this.live?.dataArrived();
      }
      const first = buffer.contiguous();
      const size = Math.max(core.hint, want);
      let window: Uint8Array;
      if (first.length >= want) {
        // At most about BATCH_WINDOW bytes per batch (at least the next frame).
        const to = Math.min(first.length, Math.max(BATCH_WINDOW, size));
        window = to === first.length ? first : first.subarray(0, to);
      } else {
        window = buffer.copy(Math.min(buffer.available, Math.max(size, JOIN_WINDOW))) as Uint8Array;
      }
      core.parse(window, pos, pos, out);
      if (core.stopped === 'eos') return this.end('eos', core.pos);
      if (out.length > 0) {
        this.retryAt = -1;
        return undefined;
      }
      if (core.pos === pos) {
        this.retryAt = pos;
        this.retryWindow = window.length;
      } else {
        this.retryAt = -1;
      }
    }
  }

  /** No more bytes: a clean end, or a truncated tail whose beacons are read next. */
  private finish(out: CoreRecord[]): Promise<PendingEnd | undefined> | PendingEnd {
    const core = this.core;
    const buffered = this.buffer.offset + this.buffer.available;
    if (Math.max(buffered, this.source.size ?? 0) > core.pos) {
      const I = core.interval;
      this.tail = { at: Math.floor(core.pos / I) * I + I, offset: this.endOffset() };
      return this.fillTail(this.tail, out);
    }
    return this.end(core.lastMessageIsEos ? 'eos' : 'eof', this.endOffset());
  }

  /** The complete beacons inside a truncated tail, then the `truncated` end. */
  private async fillTail(tail: Tail, out: CoreRecord[]): Promise<PendingEnd | undefined> {
    const buffer = this.buffer;
    const core = this.core;
    while (out.length < TAIL_BATCH) {
      // Skip to the next beacon, reading on (the tail may not be buffered yet).
      while (buffer.offset + buffer.available <= tail.at) {
        buffer.consume(buffer.available);
        if (!(await this.pull())) return this.endTail(tail);
      }
      if (tail.at > buffer.offset) buffer.consume(tail.at - buffer.offset);
      // Decode the beacon there, reading more while it is incomplete.
      let window = buffer.contiguous();
      for (;;) {
        const needed = core.tailBeacon(window, tail.at, tail.at, out);
        if (needed === 0) break;
        // Not a beacon (or one longer than the interval, which covers the next boundary): no more beacons here.
        if (needed < 0 || needed - tail.at > core.interval) return this.endTail(tail);
        // At least double the window each time, so a beacon of many markers is not decoded once per marker.
        const want = Math.min(Math.max(needed - tail.at, 2 * window.length), core.interval + 1);
        while (buffer.available < needed - tail.at) if (!(await this.pull())) return this.endTail(tail);
        while (buffer.available < want) if (!(await this.pull())) break;
        window = buffer.copy(Math.min(want, buffer.available)) as Uint8Array;
      }
      tail.at += core.interval;
    }
    return undefined;
  }

  private async pull(): Promise<boolean> {
    try {
      return await this.buffer.pull();
    } catch (error) {
      throw fromBinaryError(error);
    }
  }

  private endTail(tail: Tail): PendingEnd {
    this.tail = undefined;
    return this.end('truncated', tail.offset);
  }
}
