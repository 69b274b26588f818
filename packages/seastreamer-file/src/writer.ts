/**
 * The writer (spec §7): header, frames, beacons spliced at every multiple of the interval with
 * round-robin markers and running checksums, byte for byte like the reference `MessageSink`; plus byte
 * sinks for memory (`Uint8Array`/`Blob`) and WHATWG `WritableStream`s. File paths, append and size limits
 * on disk live in `@x/seastreamer-file/node`; the core is browser-safe.
 *
 * @module
 */
import { CRC16_INIT, crc16, crc16UpdateU16, encodeUtf8 } from '@x/binary';
import { beaconSize, encodeBeaconInto, type MarkerBytes, markersPerBeacon } from './beacon.js';
import { SeaStreamerFileError } from './errors.js';
import { FRAME_OVERHEAD, type MessageInput } from './frame.js';
import { encodeHeader, HEADER_SIZE, toTimestamp, validateBeaconInterval } from './header.js';
import { EOS_PAYLOAD, SEA_STREAMER_INTERNAL, validateStreamKey } from './stream-key.js';
import { toU64 } from './u64.js';

/**
 * Where a writer's bytes go. `write` receives each chunk once, in order, and may keep it (the writer never
 * reuses a chunk). It may return a promise; the writer then queues later chunks behind it, and
 * `flush()`/`end()` wait for them.
 */
export interface ByteSink {
  /** Takes the next chunk of the file. */
  write(chunk: Uint8Array): void | Promise<void>;
  /** Makes written chunks durable/visible, if the sink buffers (called by `flush()`). */
  flush?(): void | Promise<void>;
  /** Releases the sink (called once by `end()`). */
  close?(): void | Promise<void>;
}

/** Options of {@link createWriter}. */
export interface WriterOptions {
  /** Name stored in the header (≤ 111 UTF-8 bytes). */
  fileName: string;
  /** Beacon interval, any integer ≥ 128 (default 1 MiB, like the Rust crate). */
  beaconInterval?: number;
  /** Creation time stored in the header, ms (default: now). */
  createdAt?: bigint | number;
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
  /** Human-readable description. */
  readonly description: string;
  /** The file's beacon interval, which the writer uses. */
  readonly fileInterval: number;
  /** The beacon interval that was asked for and ignored. */
  readonly requestedInterval: number;
}

/** Something a writer was asked to do and did differently; writing went on. */
export type WriterWarning = BeaconIntervalIgnoredWarning;

/** Per (stream key, shard) state of a writer run: what beacon markers carry. */
export interface StreamState {
  /** Stream key. */
  readonly streamKey: string;
  /** Shard id. */
  readonly shardId: bigint;
  /** Largest sequence number written. */
  readonly maxSeqNo: bigint;
  /** Largest timestamp written (ms). */
  readonly maxTimestamp: bigint;
  /** Running checksum over the stored checksums of the messages written. */
  readonly runningChecksum: number;
}

/** Where and how an existing file is continued (see `planAppend`). */
export interface ResumeState {
  /** Header fields of the existing file (kept as they are). */
  readonly fileName: string;
  /** Creation time of the existing file. */
  readonly createdAt: bigint;
  /** Beacon interval of the existing file. */
  readonly beaconInterval: number;
  /** Offset where writing continues (the file must hold exactly these bytes). */
  readonly offset: number;
  /** Stream state to continue markers and running checksums from (empty restarts them like the reference). */
  readonly streams: readonly StreamState[];
}

interface Entry {
  streamKey: string;
  key: Uint8Array;
  shardId: bigint;
  seqNo: bigint;
  timestamp: bigint;
  runningChecksum: number;
}

const MAX_PAYLOAD = 0xffff_ffff;

/**
 * Writes one SeaStreamer file into a {@link ByteSink}. Create it with {@link createWriter} (new file) or
 * {@link resumeWriter} (append). `write()` validates and encodes synchronously into an internal buffer;
 * chunks go to the sink when the buffer fills, on `flush()` and on `end()`.
 *
 * @example
 * ```ts
 * const sink = createMemorySink();
 * const writer = createWriter(sink, { fileName: 'orders.ss', beaconInterval: 1024 });
 * writer.write({ streamKey: 'orders', shardId: 0n, seqNo: 1n, timestamp: 1700000000000n, payload: 'hello' });
 * await writer.end({ eos: true });
 * const bytes = sink.toBytes();
 * ```
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
  private readonly markersPerBeacon: number;
  private readonly maxBeaconSize: number;
  private readonly bufferSize: number;
  private readonly allowEmpty: boolean;
  private readonly allowReserved: boolean;
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;
  private written: number;
  private beaconCount = 0;
  private entries = new Map<string, Map<bigint, Entry>>();
  private entryCount = 0;
  private sorted: Entry[] | undefined = [];
  private keys = new Map<string, Uint8Array>();
  private pending: Promise<void> | undefined;
  private sinkError: unknown;
  private closed = false;
  private readonly head = new Uint8Array(1 + 255 + 28);
  private readonly headView = new DataView(this.head.buffer);
  private readonly tail = new Uint8Array(3);
  private readonly warningList: WriterWarning[] = [];
  private readonly onWarning: ((warning: WriterWarning) => void) | undefined;

  /** @internal Use {@link createWriter} or {@link resumeWriter}. */
  constructor(sink: ByteSink, options: WriterOptions, resume?: ResumeState) {
    const interval = options.beaconInterval ?? 1_048_576;
    validateBeaconInterval(interval);
    const bufferSize = options.bufferSize ?? 64 * 1024;
    if (!(Number.isSafeInteger(bufferSize) && bufferSize > 0)) {
      throw new SeaStreamerFileError('VALUE_OUT_OF_RANGE', `bufferSize must be a positive integer, got ${bufferSize}`);
    }
    const limit = options.sizeLimit;
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new SeaStreamerFileError('VALUE_OUT_OF_RANGE', `sizeLimit must be a non-negative integer, got ${limit}`);
    }
    const createdAt = toTimestamp(options.createdAt ?? Date.now(), 'createdAt');
    const header = resume
      ? undefined
      : encodeHeader({ fileName: options.fileName, beaconInterval: interval, createdAt });
    this.sink = sink;
    this.fileName = options.fileName;
    this.createdAt = createdAt;
    this.beaconInterval = interval;
    this.sizeLimit = limit;
    this.markersPerBeacon = markersPerBeacon(interval);
    this.maxBeaconSize = 7 + this.markersPerBeacon * (255 + 27);
    this.bufferSize = bufferSize;
    this.allowEmpty = options.allowEmptyStreamKey ?? false;
    this.allowReserved = options.allowReservedStreamKeys ?? false;
    this.onWarning = options.onWarning;
    this.buf = new Uint8Array(bufferSize + this.maxBeaconSize + 1024);
    this.view = new DataView(this.buf.buffer);
    this.written = resume ? resume.offset : 0;
    if (resume) {
      for (const s of resume.streams) {
        const e = this.entry(s.streamKey, encodeUtf8(s.streamKey), s.shardId);
        e.seqNo = s.maxSeqNo;
        e.timestamp = s.maxTimestamp;
        e.runningChecksum = s.runningChecksum;
      }
    }
    const start = resume ? resume.offset : HEADER_SIZE;
    const startBytes = (start % interval === 0 ? 7 : 0) + (header ? HEADER_SIZE : 0);
    if (limit !== undefined && (resume ? resume.offset : 0) + startBytes > limit) {
      throw new SeaStreamerFileError(
        'SIZE_LIMIT_EXCEEDED',
        `size limit ${limit} is smaller than the ${startBytes + (resume ? resume.offset : 0)} bytes the file starts with`,
      );
    }
    if (header) {
      this.buf.set(header, 0);
      this.len = HEADER_SIZE;
      this.written = HEADER_SIZE;
    }
    // A frame never starts on a boundary: a beacon (R = 0, no marker) goes there first (I = 128, or an
    // append resuming exactly at a boundary).
    if (this.written % interval === 0) this.writeBeacon(0, true);
    this.handOff();
  }

  /**
   * Warnings recorded so far, e.g. `BEACON_INTERVAL_IGNORED` when an append asked for an interval different
   * from the file's (which is kept).
   */
  get warnings(): readonly WriterWarning[] {
    return this.warningList;
  }

  /** @internal Records a warning and calls `onWarning`. */
  warn(warning: WriterWarning): void {
    this.warningList.push(warning);
    this.onWarning?.(warning);
  }

  /** Bytes of the file so far (including bytes still buffered). */
  get size(): number {
    return this.written;
  }

  /** Current per-(key, shard) state, sorted by key then shard. */
  get streams(): StreamState[] {
    return this.sortedEntries().map((e) => ({
      streamKey: e.streamKey,
      shardId: e.shardId,
      maxSeqNo: e.seqNo,
      maxTimestamp: e.timestamp,
      runningChecksum: e.runningChecksum,
    }));
  }

  private keyBytes(streamKey: string): Uint8Array {
    let key = this.keys.get(streamKey);
    if (key === undefined) {
      validateStreamKey(streamKey, { allowEmpty: this.allowEmpty, allowReserved: this.allowReserved });
      key = encodeUtf8(streamKey);
      this.keys.set(streamKey, key);
    }
    return key;
  }

  private checkOpen(): void {
    if (this.closed) throw new SeaStreamerFileError('WRITER_CLOSED', 'the writer was ended');
    if (this.sinkError !== undefined) throw ioError(this.sinkError);
  }

  /**
   * Appends a message and returns the offset of its frame. Everything is validated before any byte is
   * produced: `INVALID_STREAM_KEY`, `VALUE_OUT_OF_RANGE`, `TIMESTAMP_OUT_OF_RANGE`, `PAYLOAD_TOO_LARGE`,
   * `SIZE_LIMIT_EXCEEDED` (the message is refused whole, so the file still ends at a message boundary),
   * `WRITER_CLOSED`.
   */
  write(message: MessageInput): number {
    this.checkOpen();
    const key = this.keyBytes(message.streamKey);
    const shardId = toU64(message.shardId ?? 0n, 'shardId');
    const seqNo = toU64(message.seqNo, 'seqNo');
    const timestamp = toTimestamp(message.timestamp, 'timestamp');
    const raw = message.payload;
    const payload = typeof raw === 'string' ? encodeUtf8(raw) : raw;
    if (!(payload instanceof Uint8Array)) {
      throw new SeaStreamerFileError('VALUE_OUT_OF_RANGE', 'payload must be a Uint8Array or a string');
    }
    if (payload.length > MAX_PAYLOAD) {
      throw new SeaStreamerFileError(
        'PAYLOAD_TOO_LARGE',
        `payload of ${payload.length} bytes is larger than the format's maximum of ${MAX_PAYLOAD}`,
      );
    }
    return this.writeFrame(message.streamKey, key, shardId, seqNo, timestamp, payload);
  }

  private entry(streamKey: string, key: Uint8Array, shardId: bigint): Entry {
    let shards = this.entries.get(streamKey);
    if (shards === undefined) {
      shards = new Map();
      this.entries.set(streamKey, shards);
    }
    let e = shards.get(shardId);
    if (e === undefined) {
      e = { streamKey, key, shardId, seqNo: 0n, timestamp: 0n, runningChecksum: CRC16_INIT };
      shards.set(shardId, e);
      this.entryCount++;
      this.sorted = undefined;
    }
    return e;
  }

  private sortedEntries(): Entry[] {
    if (this.sorted === undefined) {
      const all: Entry[] = [];
      for (const shards of this.entries.values()) for (const e of shards.values()) all.push(e);
      all.sort((a, b) => compareBytes(a.key, b.key) || (a.shardId < b.shardId ? -1 : a.shardId > b.shardId ? 1 : 0));
      this.sorted = all;
    }
    return this.sorted;
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
    const k = key.length;
    const p = payload.length;
    const size = k + p + FRAME_OVERHEAD;
    const checksum = crc16(payload);
    const offset = this.written;
    // Capacity for the frame and every beacon it can trigger, so that it is never split across hand-offs.
    const boundaries = Math.floor(((offset % I) + size) / I) + 1;
    this.reserve(size + boundaries * this.maxBeaconSize);
    // Stream state is updated before the frame is written (a beacon covers the frame it cuts).
    const known = this.entries.get(streamKey)?.get(shardId);
    const e = known ?? this.entry(streamKey, key, shardId);
    const beforeSeqNo = e.seqNo;
    const beforeTimestamp = e.timestamp;
    const beforeChecksum = e.runningChecksum;
    const first = known === undefined;
    if (first || seqNo > e.seqNo) e.seqNo = seqNo;
    if (first || timestamp > e.timestamp) e.timestamp = timestamp;
    e.runningChecksum = crc16UpdateU16(e.runningChecksum, checksum);
    const lenBefore = this.len;
    const beaconCountBefore = this.beaconCount;
    const room = I - (offset % I);
    if (size < room) {
      const buf = this.buf;
      const view = this.view;
      let q = this.len;
      buf[q] = k;
      buf.set(key, q + 1);
      q += 1 + k;
      view.setBigUint64(q, shardId);
      view.setBigUint64(q + 8, seqNo);
      view.setBigUint64(q + 16, timestamp);
      view.setUint32(q + 24, p);
      buf.set(payload, q + 28);
      q += 28 + p;
      view.setUint16(q, checksum);
      buf[q + 2] = 0x0d;
      this.len = q + 3;
      this.written += size;
    } else {
      const head = this.head;
      const hv = this.headView;
      head[0] = k;
      head.set(key, 1);
      hv.setBigUint64(1 + k, shardId);
      hv.setBigUint64(9 + k, seqNo);
      hv.setBigUint64(17 + k, timestamp);
      hv.setUint32(25 + k, p);
      this.tail[0] = checksum >> 8;
      this.tail[1] = checksum & 0xff;
      this.tail[2] = 0x0d;
      let remaining = size;
      remaining = this.splice(head, 29 + k, remaining);
      remaining = this.splice(payload, p, remaining);
      this.splice(this.tail, 3, remaining);
    }
    if (this.sizeLimit !== undefined && this.written > this.sizeLimit) {
      // Roll back: nothing of this message was handed to the sink yet.
      const needed = this.written - offset;
      this.len = lenBefore;
      this.written = offset;
      this.beaconCount = beaconCountBefore;
      if (first) {
        this.entries.get(streamKey)?.delete(shardId);
        this.entryCount--;
        this.sorted = undefined;
      } else {
        e.seqNo = beforeSeqNo;
        e.timestamp = beforeTimestamp;
        e.runningChecksum = beforeChecksum;
      }
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
      const room = I - (this.written % I);
      const c = Math.min(room, count - s);
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
    const markers: MarkerBytes[] = [];
    const n = this.entryCount;
    if (!empty && n > 0 && this.markersPerBeacon > 0) {
      const sorted = this.sortedEntries();
      const count = Math.min(n, this.markersPerBeacon);
      const start = this.beaconCount % n;
      for (let j = 0; j < count; j++) {
        const e = sorted[(start + j) % n] as Entry;
        markers.push({
          key: e.key,
          shardId: e.shardId,
          seqNo: e.seqNo,
          timestamp: e.timestamp,
          runningChecksum: e.runningChecksum,
        });
      }
      this.beaconCount += count;
    }
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

  /** @internal Writes the EOS frame without closing (for synchronous in-memory encoding). */
  writeEosSync(timestamp: bigint): void {
    this.checkOpen();
    this.writeFrame(SEA_STREAMER_INTERNAL, encodeUtf8(SEA_STREAMER_INTERNAL), 0n, 0n, timestamp, EOS_PAYLOAD);
  }

  /** @internal Hands buffered bytes to a synchronous sink. */
  flushSync(): void {
    this.checkOpen();
    this.handOff();
  }

  /** Hands every buffered byte to the sink, waits for it, and calls the sink's `flush()`. */
  async flush(): Promise<void> {
    if (this.sinkError !== undefined) throw ioError(this.sinkError);
    this.handOff();
    while (this.pending !== undefined) {
      const pending = this.pending;
      await pending;
      if (this.pending === pending) this.pending = undefined;
    }
    if (this.sinkError !== undefined) throw ioError(this.sinkError);
    try {
      await this.sink.flush?.();
    } catch (error) {
      throw ioError(error);
    }
  }

  /**
   * Finishes the file: with `eos: true` writes the end-of-stream message (key `SEA_STREAMER_INTERNAL`,
   * shard 0, seq 0, payload `EOS`, timestamp `eosTimestamp` or now), then flushes and closes the sink.
   * Calling it again does nothing.
   */
  async end(options: { eos?: boolean; eosTimestamp?: bigint | number } = {}): Promise<void> {
    if (this.closed) return;
    this.checkOpen();
    if (options.eos) {
      const timestamp = toTimestamp(options.eosTimestamp ?? Date.now(), 'eosTimestamp');
      this.writeFrame(SEA_STREAMER_INTERNAL, encodeUtf8(SEA_STREAMER_INTERNAL), 0n, 0n, timestamp, EOS_PAYLOAD);
    }
    this.closed = true;
    await this.flush();
    try {
      await this.sink.close?.();
    } catch (error) {
      throw ioError(error);
    }
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function ioError(cause: unknown): SeaStreamerFileError {
  if (SeaStreamerFileError.is(cause)) return cause;
  return new SeaStreamerFileError('IO_ERROR', `the byte sink failed: ${String((cause as Error)?.message ?? cause)}`, {
    cause,
  });
}

/**
 * Starts a new file in `sink`: validates the options (`FILE_NAME_TOO_LONG`, `INVALID_BEACON_INTERVAL`,
 * `TIMESTAMP_OUT_OF_RANGE`, ...) before producing any byte, then writes the header (and, for an interval
 * of 128, the beacon that follows it).
 */
export function createWriter(sink: ByteSink, options: WriterOptions): SeaStreamerWriter {
  return new SeaStreamerWriter(sink, options);
}

/**
 * Continues an existing file in `sink`, which must receive the bytes that follow the first
 * `resume.offset` bytes of the file (see `planAppend` and the Node `openFileWriter({ append: true })`).
 * Header fields come from `resume`: the file's name and creation time are kept, and so is its beacon
 * interval; an `options.beaconInterval` that differs from it is ignored and recorded as a
 * `BEACON_INTERVAL_IGNORED` warning ({@link SeaStreamerWriter.warnings}, `onWarning`).
 *
 * @example
 * ```ts
 * const writer = resumeWriter(sink, plan.resume, { beaconInterval: 4096 });
 * for (const w of writer.warnings) console.warn(w.code, w.description); // if the file's interval differs
 * ```
 */
export function resumeWriter(
  sink: ByteSink,
  resume: ResumeState,
  options: Omit<WriterOptions, 'fileName' | 'createdAt'> = {},
): SeaStreamerWriter {
  const writer = new SeaStreamerWriter(
    sink,
    { ...options, fileName: resume.fileName, beaconInterval: resume.beaconInterval, createdAt: resume.createdAt },
    resume,
  );
  const requested = options.beaconInterval;
  if (requested !== undefined && requested !== resume.beaconInterval) {
    writer.warn({
      code: 'BEACON_INTERVAL_IGNORED',
      description:
        `beacon interval ${requested} ignored: appending keeps the file's interval ${resume.beaconInterval} ` +
        '(an interval cannot change within a file)',
      fileInterval: resume.beaconInterval,
      requestedInterval: requested,
    });
  }
  return writer;
}

/** A sink collecting the file in memory: {@link MemorySink.toBytes} or {@link MemorySink.toBlob}. */
export class MemorySink implements ByteSink {
  private chunks: Uint8Array[] = [];
  private total = 0;

  /** Bytes received so far. */
  get size(): number {
    return this.total;
  }

  /** Stores the chunk. */
  write(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The bytes received so far, as one array. */
  toBytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0] as Uint8Array;
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks = [out];
    return out;
  }

  /** The bytes received so far, as a `Blob` (browser downloads, `URL.createObjectURL`). */
  toBlob(type = 'application/octet-stream'): Blob {
    return new Blob(this.chunks as BlobPart[], { type });
  }
}

/** Creates a {@link MemorySink}. */
export function createMemorySink(): MemorySink {
  return new MemorySink();
}

/** A sink over a WHATWG `WritableStream` (browser file system access, `TransformStream`s, Node web streams). */
export function toWritableStreamSink(stream: WritableStream<Uint8Array>): ByteSink {
  const writer = stream.getWriter();
  return {
    async write(chunk) {
      await writer.ready;
      await writer.write(chunk);
    },
    async close() {
      await writer.close();
    },
  };
}

/** A message for {@link writeSeaStreamerFile}. */
export type WriteFileOptions = WriterOptions & {
  /** End with an end-of-stream message (default false); a bigint/number gives its timestamp. */
  eos?: boolean | bigint | number;
};

/**
 * Encodes a whole file in memory, synchronously: the bytes the reference writer produces for the same
 * header, messages and EOS timestamp.
 *
 * @example
 * ```ts
 * const bytes = writeSeaStreamerFile(
 *   [{ streamKey: 'hello', shardId: 1n, seqNo: 0n, timestamp: 1691686154745n, payload: 'hello-0' }],
 *   { fileName: 'demo.ss', beaconInterval: 1024, eos: true },
 * );
 * ```
 */
export function writeSeaStreamerFile(messages: Iterable<MessageInput>, options: WriteFileOptions): Uint8Array {
  const sink = new MemorySink();
  const writer = new SeaStreamerWriter(sink, options);
  for (const m of messages) writer.write(m);
  const eos = options.eos;
  if (eos !== undefined && eos !== false) {
    const timestamp = eos === true ? BigInt(Date.now()) : toTimestamp(eos, 'eos timestamp');
    writer.writeEosSync(timestamp);
  }
  writer.flushSync();
  return sink.toBytes();
}
