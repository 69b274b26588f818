/**
 * The writer (spec §7): header, frames, beacons spliced at every multiple of the interval with round-robin
 * markers and running checksums, byte for byte like the reference `MessageSink`, into any `ByteSink` of
 * `@x/binary` (memory, `WritableStream`s, and files through `@x/seastreamer-file/node`).
 *
 * @module
 */
import { type ByteSink, crc16, encodeUtf8, toU64 } from '@x/binary';
import { beaconSize, EMPTY_BEACON_SIZE, encodeBeaconInto, markersPerBeacon, rotateMarkers } from './beacon.js';
import { fromBinaryError, SeaStreamerFileError } from './errors.js';
import { encodeFrameHead, encodeFrameInto, FRAME_OVERHEAD, type MessageInput } from './frame.js';
import {
  DEFAULT_BEACON_INTERVAL,
  encodeSeaStreamerHeader,
  HEADER_SIZE,
  toTimestamp,
  validateBeaconInterval,
} from './header.js';
import { EOS_PAYLOAD, SEA_STREAMER_INTERNAL, validateStreamKey } from './stream-key.js';
import { type ResumeState, type StreamState, StreamStates } from './stream-state.js';

/** Options of {@link createSeaStreamerWriter}. */
export interface SeaStreamerWriterOptions {
  /** Name stored in the header (≤ 111 UTF-8 bytes); required unless `resume` is given. */
  fileName?: string;
  /** Beacon interval, any integer ≥ 128 (default 1 MiB, like the Rust crate). */
  beaconInterval?: number;
  /** Creation time stored in the header, ms (default: now). */
  createdAt?: bigint | number;
  /**
   * Continue an existing file (see `planAppend`): the sink receives the bytes that follow the first
   * `resume.offset` bytes of the file; header fields come from `resume` (the file's name, creation time and
   * beacon interval are kept: a different `beaconInterval` is ignored and recorded as a
   * `BEACON_INTERVAL_IGNORED` warning).
   */
  resume?: ResumeState;
  /** Refuse (with `SIZE_LIMIT_EXCEEDED`) any message that would make the file larger than this many bytes. */
  sizeLimit?: number;
  /** Accept the empty stream key, as the reference writer does (default false). */
  allowEmptyStreamKey?: boolean;
  /**
   * Accept the reserved keys `SEA_STREAMER_INTERNAL`/`SEA_STREAMER_WILDCARD` in `write()` (default false;
   * for re-creating existing files byte for byte).
   */
  allowReservedStreamKeys?: boolean;
  /** Bytes buffered before they are handed to the sink (default 64 KiB). `flush()` hands them over at once. */
  bufferSize?: number;
  /** Called for every warning as it is recorded (see {@link SeaStreamerWriter.warnings}). */
  onWarning?: (warning: WriterWarning) => void;
}

/**
 * An append asked for a beacon interval different from the file's: the file's interval is kept (it cannot
 * change within a file, and readers take it from the header), the requested one is ignored.
 */
export interface BeaconIntervalIgnoredWarning {
  /** Stable code. */
  readonly code: 'BEACON_INTERVAL_IGNORED';
  /** Human-readable, one line. */
  readonly message: string;
  /** The file's beacon interval, which the writer uses. */
  readonly fileInterval: number;
  /** The beacon interval that was asked for and ignored. */
  readonly requestedInterval: number;
}

/** Something a writer was asked to do and did differently; writing went on. */
export type WriterWarning = BeaconIntervalIgnoredWarning;

/** Options of {@link SeaStreamerWriter.close}. */
export interface WriterCloseOptions {
  /** End with the end-of-stream message (key `SEA_STREAMER_INTERNAL`, shard 0, seq 0, payload `EOS`). */
  eos?: boolean;
  /** Timestamp of the end-of-stream message, ms (default: now). */
  eosTimestamp?: bigint | number;
}

const MAX_PAYLOAD = 0xffff_ffff;
const EOS_KEY = encodeUtf8(SEA_STREAMER_INTERNAL);

function argument(message: string): SeaStreamerFileError {
  return new SeaStreamerFileError('INVALID_ARGUMENT', message);
}

function u64(value: unknown, what: string): bigint {
  try {
    return toU64(value, what);
  } catch (error) {
    throw fromBinaryError(error);
  }
}

function ioError(cause: unknown): SeaStreamerFileError {
  if (SeaStreamerFileError.is(cause)) return cause;
  const converted = fromBinaryError(cause);
  if (SeaStreamerFileError.is(converted)) return converted;
  const text = String((cause as Error | null)?.message ?? cause);
  return new SeaStreamerFileError('IO_ERROR', `the byte sink failed: ${text}`, { cause });
}

/**
 * Writes one `.ss` file into a `ByteSink`. Create it with {@link createSeaStreamerWriter} (or
 * `createSeaStreamerFileWriter` in `/node`). `write()` validates and encodes synchronously into an internal
 * buffer; chunks go to the sink when the buffer fills, on `flush()` and on `close()`. A writer never closes a
 * sink it was given; the `/node` file writer closes the file it opened.
 */
export class SeaStreamerWriter {
  /** File name stored in the header. */
  readonly fileName: string;
  /** Creation time stored in the header (ms). */
  readonly createdAt: bigint;
  /** Beacon interval. */
  readonly beaconInterval: number;
  /** Size limit, if any. */
  readonly sizeLimit: number | undefined;
  private readonly sink: ByteSink;
  private readonly ownsSink: boolean;
  private readonly perBeacon: number;
  private readonly maxBeaconSize: number;
  private readonly bufferSize: number;
  private readonly allowEmpty: boolean;
  private readonly allowReserved: boolean;
  private readonly states = new StreamStates();
  private readonly keys = new Map<string, Uint8Array>();
  private readonly head = new Uint8Array(1 + 255 + 28);
  private readonly headView = new DataView(this.head.buffer);
  private readonly tail = new Uint8Array(3);
  private readonly warningList: WriterWarning[] = [];
  private readonly onWarning: ((warning: WriterWarning) => void) | undefined;
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;
  private written: number;
  private beaconCount = 0;
  private pending: Promise<void> | undefined;
  private sinkError: unknown;
  private closed = false;

  /** @internal Use {@link createSeaStreamerWriter}. `ownsSink`: `close()`/`abort()` finish the sink too. */
  constructor(sink: ByteSink, options: SeaStreamerWriterOptions, ownsSink = false) {
    if (typeof options !== 'object' || options === null) throw argument('writer options must be an object');
    const resume = options.resume;
    const interval = validateBeaconInterval(
      resume?.beaconInterval ?? options.beaconInterval ?? DEFAULT_BEACON_INTERVAL,
    );
    const bufferSize = options.bufferSize ?? 64 * 1024;
    if (!(Number.isSafeInteger(bufferSize) && bufferSize > 0)) {
      throw argument(`bufferSize must be a positive integer, got ${String(bufferSize)}`);
    }
    const limit = options.sizeLimit;
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw argument(`sizeLimit must be a non-negative integer, got ${String(limit)}`);
    }
    if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
      throw argument('onWarning must be a function');
    }
    const fileName = resume?.fileName ?? options.fileName;
    if (fileName === undefined) throw argument('fileName is required (or resume, to continue a file)');
    if (resume && !(Number.isSafeInteger(resume.offset) && resume.offset >= HEADER_SIZE)) {
      throw argument(`resume.offset must be an integer >= ${HEADER_SIZE}, got ${String(resume.offset)}`);
    }
    const createdAt = toTimestamp(resume?.createdAt ?? options.createdAt ?? Date.now(), 'createdAt');
    const header = resume ? undefined : encodeSeaStreamerHeader({ fileName, beaconInterval: interval, createdAt });
    const start = resume ? resume.offset : HEADER_SIZE;
    const startBytes = (start % interval === 0 ? EMPTY_BEACON_SIZE : 0) + (header ? HEADER_SIZE : 0);
    if (limit !== undefined && (resume ? resume.offset : 0) + startBytes > limit) {
      throw new SeaStreamerFileError(
        'SIZE_LIMIT_EXCEEDED',
        `size limit ${limit} is smaller than the ${startBytes + (resume ? resume.offset : 0)} bytes the file starts with`,
      );
    }
    this.sink = sink;
    this.ownsSink = ownsSink;
    this.fileName = fileName;
    this.createdAt = createdAt;
    this.beaconInterval = interval;
    this.sizeLimit = limit;
    this.perBeacon = markersPerBeacon(interval);
    this.maxBeaconSize = EMPTY_BEACON_SIZE + this.perBeacon * (255 + 27);
    this.bufferSize = bufferSize;
    this.allowEmpty = options.allowEmptyStreamKey ?? false;
    this.allowReserved = options.allowReservedStreamKeys ?? false;
    this.onWarning = options.onWarning;
    this.buf = new Uint8Array(bufferSize + this.maxBeaconSize + 1024);
    this.view = new DataView(this.buf.buffer);
    this.written = resume ? resume.offset : 0;
    for (const s of resume?.streams ?? []) {
      const e = this.states.entry(s.streamKey, encodeUtf8(s.streamKey), s.shardId);
      e.seqNo = s.maxSeqNo;
      e.timestamp = s.maxTimestamp;
      e.runningChecksum = s.runningChecksum;
    }
    if (header) {
      this.buf.set(header, 0);
      this.len = HEADER_SIZE;
      this.written = HEADER_SIZE;
    }
    // A frame never starts on a boundary: a beacon (R = 0, no marker) goes there first (I = 128, or an
    // append resuming exactly at a boundary).
    if (this.written % interval === 0) this.writeBeacon(0, true);
    const requested = options.beaconInterval;
    if (resume && requested !== undefined && requested !== interval) {
      this.warn({
        code: 'BEACON_INTERVAL_IGNORED',
        message:
          `beacon interval ${requested} ignored: appending keeps the file's interval ${interval} ` +
          '(an interval cannot change within a file)',
        fileInterval: interval,
        requestedInterval: requested,
      });
    }
    this.handOff();
  }

  /**
   * Warnings recorded so far, e.g. `BEACON_INTERVAL_IGNORED` when an append asked for an interval different
   * from the file's (which is kept).
   */
  get warnings(): readonly WriterWarning[] {
    return this.warningList;
  }

  private warn(warning: WriterWarning): void {
    this.warningList.push(warning);
    this.onWarning?.(warning);
  }

  /** Bytes of the file so far (including bytes still buffered, and for an append the bytes before `resume`). */
  get bytesWritten(): number {
    return this.written;
  }

  /** Current per-(key, shard) state of this writer run, sorted by key then shard. */
  get streams(): StreamState[] {
    return this.states.states();
  }

  private keyBytes(streamKey: unknown): Uint8Array {
    let key = typeof streamKey === 'string' ? this.keys.get(streamKey) : undefined;
    if (key === undefined) {
      validateStreamKey(streamKey as string, { allowEmpty: this.allowEmpty, allowReserved: this.allowReserved });
      key = encodeUtf8(streamKey as string);
      this.keys.set(streamKey as string, key);
    }
    return key;
  }

  private checkOpen(): void {
    if (this.closed) throw new SeaStreamerFileError('CLOSED', 'the writer was closed');
    if (this.sinkError !== undefined) throw ioError(this.sinkError);
  }

  /**
   * Appends a message and returns the offset of its frame. Everything is validated before any byte is
   * produced: `INVALID_ARGUMENT` (not a message object, numbers outside 0..2^64−1, a payload that is neither
   * bytes nor text), `INVALID_STREAM_KEY`, `TIMESTAMP_OUT_OF_RANGE`, `PAYLOAD_TOO_LARGE`,
   * `SIZE_LIMIT_EXCEEDED` (the message is refused whole, so the file still ends at a message boundary),
   * `CLOSED`.
   *
   * @example
   * ```ts
   * writer.write({ streamKey: 'orders', shardId: 0n, seqNo: 1n, timestamp: 1700000000000n, payload: '{"id":1}' });
   * ```
   */
  write(message: MessageInput): number {
    this.checkOpen();
    if (typeof message !== 'object' || message === null) throw argument('a message must be an object');
    const key = this.keyBytes(message.streamKey);
    const shardId = u64(message.shardId ?? 0n, 'shardId');
    const seqNo = u64(message.seqNo, 'seqNo');
    const timestamp = toTimestamp(message.timestamp, 'timestamp');
    const raw = message.payload;
    const payload = typeof raw === 'string' ? encodeUtf8(raw) : raw;
    if (!(payload instanceof Uint8Array)) throw argument('payload must be a Uint8Array or a string');
    if (payload.length > MAX_PAYLOAD) {
      throw new SeaStreamerFileError(
        'PAYLOAD_TOO_LARGE',
        `payload of ${payload.length} bytes is larger than the format's maximum of ${MAX_PAYLOAD}`,
      );
    }
    return this.writeFrame(message.streamKey, key, shardId, seqNo, timestamp, payload);
  }

  private writeFrame(
    streamKey: string,
    key: Uint8Array,
    shardId: bigint,
    seqNo: bigint,
    timestamp: bigint,
    payload: Uint8Array,
  ): number {
    const I = this.beaconInterval;
    const size = key.length + payload.length + FRAME_OVERHEAD;
    const checksum = crc16(payload);
    const offset = this.written;
    // Capacity for the frame and every beacon it can trigger, so that it is never split across hand-offs: each
    // interval it spans carries at least `I - maxBeaconSize` of its bytes (at I = 128 a beacon takes 7 of 128).
    const beacons = Math.ceil(((offset % I) + size) / (I - this.maxBeaconSize)) + 1;
    this.reserve(size + beacons * this.maxBeaconSize);
    // Stream state is updated before the frame is written (a beacon covers the frame it cuts).
    const undo = this.states.update(streamKey, key, shardId, seqNo, timestamp, checksum);
    const lenBefore = this.len;
    const beaconCountBefore = this.beaconCount;
    if (size < I - (offset % I)) {
      this.len = encodeFrameInto(this.buf, this.view, this.len, key, shardId, seqNo, timestamp, payload, checksum);
      this.written += size;
    } else {
      const headLength = encodeFrameHead(this.head, this.headView, key, shardId, seqNo, timestamp, payload.length);
      this.tail[0] = checksum >> 8;
      this.tail[1] = checksum & 0xff;
      this.tail[2] = 0x0d;
      let remaining = size;
      remaining = this.splice(this.head, headLength, remaining);
      remaining = this.splice(payload, payload.length, remaining);
      this.splice(this.tail, 3, remaining);
    }
    if (this.sizeLimit !== undefined && this.written > this.sizeLimit) {
      // Roll back: nothing of this message was handed to the sink yet.
      const needed = this.written - offset;
      this.len = lenBefore;
      this.written = offset;
      this.beaconCount = beaconCountBefore;
      this.states.revert(undo);
      throw new SeaStreamerFileError(
        'SIZE_LIMIT_EXCEEDED',
        `writing this message (${needed} bytes with beacons) would make the file ${offset + needed} bytes, over the limit of ${this.sizeLimit}`,
        { offset },
      );
    }
    if (this.len >= this.bufferSize) this.handOff();
    return offset;
  }

  /** Copies `count` frame bytes from `bytes`, writing a beacon at every boundary reached. */
  private splice(bytes: Uint8Array, count: number, remaining: number): number {
    const I = this.beaconInterval;
    let s = 0;
    while (s < count) {
      const c = Math.min(I - (this.written % I), count - s);
      this.buf.set(bytes.subarray(s, s + c), this.len);
      this.len += c;
      this.written += c;
      s += c;
      remaining -= c;
      if (this.written % I === 0) this.writeBeacon(remaining, false);
    }
    return remaining;
  }

  private writeBeacon(remaining: number, empty: boolean): void {
    const markers = empty ? [] : rotateMarkers(this.states.sortedEntries(), this.beaconCount, this.perBeacon);
    this.beaconCount += markers.length;
    this.reserve(beaconSize(markers));
    const size = encodeBeaconInto(this.buf, this.view, this.len, remaining, markers);
    this.len += size;
    this.written += size;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.len + extra, this.buf.length * 2));
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  private handOff(): void {
    if (this.len === 0) return;
    const chunk = this.buf.subarray(0, this.len);
    this.buf = new Uint8Array(
      Math.max(this.bufferSize + this.maxBeaconSize + 1024, this.len < this.buf.length ? this.buf.length : 0),
    );
    this.view = new DataView(this.buf.buffer);
    this.len = 0;
    this.deliver(chunk);
  }

  private deliver(chunk: Uint8Array): void {
    const fail = (error: unknown) => {
      this.sinkError ??= error;
    };
    if (this.pending === undefined) {
      let result: void | Promise<void>;
      try {
        result = this.sink.write(chunk);
      } catch (error) {
        fail(error);
        throw ioError(error);
      }
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        this.pending = (result as Promise<void>).then(undefined, fail);
      }
    } else {
      this.pending = this.pending
        .then(() => (this.sinkError === undefined ? this.sink.write(chunk) : undefined))
        .then(undefined, fail);
    }
  }

  /** @internal Finishes an in-memory file synchronously: the EOS message (if a timestamp), then the hand-off. */
  finishSync(eosTimestamp: bigint | undefined): void {
    this.checkOpen();
    if (eosTimestamp !== undefined) this.writeFrame(SEA_STREAMER_INTERNAL, EOS_KEY, 0n, 0n, eosTimestamp, EOS_PAYLOAD);
    this.handOff();
    this.closed = true;
  }

  private async settle(): Promise<void> {
    while (this.pending !== undefined) {
      const pending = this.pending;
      await pending;
      if (this.pending === pending) this.pending = undefined;
    }
  }

  /** Hands every buffered byte to the sink, waits for it, and calls the sink's `flush()`. */
  async flush(): Promise<void> {
    if (this.sinkError !== undefined) throw ioError(this.sinkError);
    this.handOff();
    await this.settle();
    if (this.sinkError !== undefined) throw ioError(this.sinkError);
    try {
      await this.sink.flush?.();
    } catch (error) {
      throw ioError(error);
    }
  }

  /**
   * Finishes the file: with `eos: true` writes the end-of-stream message first, then hands every byte to the
   * sink and flushes it. Closes the sink only when the writer opened it (the `/node` file writer: an atomic
   * output is renamed into place now). Calling it again does nothing.
   */
  async close(options: WriterCloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.checkOpen();
    if (options.eos) {
      const timestamp = toTimestamp(options.eosTimestamp ?? Date.now(), 'eosTimestamp');
      this.writeFrame(SEA_STREAMER_INTERNAL, EOS_KEY, 0n, 0n, timestamp, EOS_PAYLOAD);
    }
    this.closed = true;
    await this.flush();
    if (this.ownsSink) {
      try {
        await this.sink.close();
      } catch (error) {
        throw ioError(error);
      }
    }
  }

  /**
   * Abandons the file: buffered bytes are dropped and nothing more is written. A writer that opened its sink
   * aborts it (the `/node` file writer removes an atomic output, or closes the file as it is); a sink given to
   * the writer is left to its owner. Calling it again, or after `close()`, does nothing.
   */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.len = 0;
    await this.settle();
    if (this.ownsSink) {
      try {
        await (this.sink.abort ?? this.sink.close).call(this.sink);
      } catch (error) {
        throw ioError(error);
      }
    }
  }
}

/**
 * Starts a file in `sink` (or continues one, with `resume`): validates the options (`FILE_NAME_TOO_LONG`,
 * `INVALID_BEACON_INTERVAL`, `TIMESTAMP_OUT_OF_RANGE`, `INVALID_ARGUMENT`, ...) before producing any byte,
 * then writes the header (and, for an interval of 128, the beacon that follows it). The writer never closes
 * the sink: its owner does, after `writer.close()`.
 *
 * @example
 * ```ts
 * import { createMemorySink } from '@x/binary';
 * const sink = createMemorySink();
 * const writer = createSeaStreamerWriter(sink, { fileName: 'orders.ss', beaconInterval: 1024 });
 * writer.write({ streamKey: 'orders', shardId: 0n, seqNo: 1n, timestamp: 1700000000000n, payload: 'hello' });
 * await writer.close({ eos: true });
 * const bytes = sink.toBytes();
 * ```
 */
export function createSeaStreamerWriter(sink: ByteSink, options: SeaStreamerWriterOptions): SeaStreamerWriter {
  if (typeof sink !== 'object' || sink === null || typeof sink.write !== 'function') {
    throw argument('sink must be a ByteSink (an object with write() and close())');
  }
  return new SeaStreamerWriter(sink, options);
}
