/**
 * @internal The one parsing core behind every reader: it turns a window of file bytes (a view plus its
 * absolute offset) into messages and beacons, removing beacons from frames (spec §8.1) and verifying
 * checksums (§6). Frames that fit between two interval boundaries are decoded in place through a
 * `DataView`; only frames cut by a beacon are stitched into a fresh buffer.
 *
 * @module
 */
import { BinaryError, CRC16_INIT, crc16, crc16UpdateU16, decodeUtf8 } from '@x/binary';
import { decodeBeacon, type SeaStreamerBeacon } from './beacon.js';
import { SeaStreamerFileError, type SeaStreamerFileErrorCode } from './errors.js';
import { Message, type SeaStreamerMessage, StreamKeyDecoder } from './frame.js';
import { isValidStreamKey, SEA_STREAMER_INTERNAL } from './stream-key.js';
import { MAX_TIMESTAMP_MS } from './timestamp.js';

/** A problem found while reading; reading went on. */
export interface ReaderProblemBase {
  /** Stable code. */
  readonly code: SeaStreamerFileErrorCode;
  /**
   * `'error'`: the data is damaged (a payload checksum mismatch delivered with `onChecksumMismatch:
   * 'report'`); `'warning'`: legitimate or harmless deviations (running-checksum restarts, decoration bytes,
   * watcher failures).
   */
  readonly severity: 'error' | 'warning';
  /** File offset the problem refers to, when known. */
  readonly offset: number | undefined;
  /** Human-readable description. */
  readonly description: string;
}

/** A payload checksum mismatch delivered as a warning (`onChecksumMismatch: 'report'`). */
export interface ChecksumMismatchProblem extends ReaderProblemBase {
  /** Code of this problem. */
  readonly code: 'CHECKSUM_MISMATCH';
  /** Always `'error'`. */
  readonly severity: 'error';
  /** Offset of the message. */
  readonly offset: number;
  /** Checksum stored in the frame. */
  readonly received: number;
  /** CRC-16 of the payload. */
  readonly computed: number;
  /** The decoded message (with `checksumOk: false`). */
  readonly message: SeaStreamerMessage;
}

/**
 * A marker whose running checksum differs from the one computed over the messages read (spec §6.2).
 * Appends and reconnects restart registers legitimately, so this is a warning; the reader then takes the
 * marker's value as the new register.
 */
export interface RunningChecksumMismatchProblem extends ReaderProblemBase {
  /** Code of this problem. */
  readonly code: 'RUNNING_CHECKSUM_MISMATCH';
  /** Always `'warning'`. */
  readonly severity: 'warning';
  /** Offset of the beacon. */
  readonly offset: number;
  /** Offset of the beacon (same as `offset`). */
  readonly beaconOffset: number;
  /** Stream key of the marker. */
  readonly streamKey: string;
  /** Shard id of the marker. */
  readonly shardId: bigint;
  /** Running checksum computed from the messages read. */
  readonly expected: number;
  /** Running checksum stored in the marker. */
  readonly found: number;
}

/**
 * A decoration byte with an unexpected value (spec §1, §3, §5): a frame terminator (`BAD_TERMINATOR`), a
 * beacon lead or tail byte (`BAD_BEACON_DELIMITER`), both `0x0D`, or the header padding (`BAD_HEADER_PADDING`:
 * zeros, then `0x0D` at offset 127). The reference readers never check them and the data still decodes, so
 * these are warnings; they usually mean damage or a foreign writer. Reported once per frame, beacon or header
 * (the first bad byte), unless `verifyDecoration: false`.
 */
export interface DecorationProblem extends ReaderProblemBase {
  /** Code of this problem. */
  readonly code: 'BAD_TERMINATOR' | 'BAD_BEACON_DELIMITER' | 'BAD_HEADER_PADDING';
  /** Always `'warning'`. */
  readonly severity: 'warning';
  /** Offset of the message or beacon; for the header, of the bad byte. */
  readonly offset: number;
  /** Offset of the (first) bad byte. */
  readonly byteOffset: number;
  /** The byte found there. */
  readonly found: number;
  /** The byte expected there (`0x0D`, or `0x00` in the header padding). */
  readonly expected: number;
}

/** Any other problem (`WATCH_ERROR`, ...). */
export interface OtherReaderProblem extends ReaderProblemBase {
  /** Code of this problem. */
  readonly code: Exclude<
    SeaStreamerFileErrorCode,
    'CHECKSUM_MISMATCH' | 'RUNNING_CHECKSUM_MISMATCH' | 'BAD_TERMINATOR' | 'BAD_BEACON_DELIMITER' | 'BAD_HEADER_PADDING'
  >;
}

/** A problem recorded by a reader (see {@link ReaderProblemBase.severity}). */
export type ReaderProblem =
  | ChecksumMismatchProblem
  | RunningChecksumMismatchProblem
  | DecorationProblem
  | OtherReaderProblem;

const CR = 0x0d;

function hexByte(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * @internal The `BAD_HEADER_PADDING` problem of a header (`bytes` holds at least its 128 bytes), or
 * `undefined` when the padding is zeros followed by `0x0D`.
 */
export function headerPaddingProblem(bytes: Uint8Array): DecorationProblem | undefined {
  const n = bytes[3] as number;
  let at = -1;
  for (let i = 16 + n; i < 127 && at < 0; i++) if (bytes[i] !== 0) at = i;
  if (at < 0 && bytes[127] !== CR) at = 127;
  if (at < 0) return undefined;
  const found = bytes[at] as number;
  const expected = at === 127 ? CR : 0;
  return {
    code: 'BAD_HEADER_PADDING',
    severity: 'warning',
    offset: at,
    byteOffset: at,
    found,
    expected,
    description: `header byte ${at} is ${hexByte(found)}, expected ${hexByte(expected)} (padding: zeros, then 0x0d at offset 127)`,
  };
}

/** @internal An error to be thrown when the consumer reaches it (the position is already past the frame). */
export interface ErrorItem {
  readonly kind: 'error';
  readonly error: SeaStreamerFileError;
}

/** An item of a file in order: a message or a beacon. */
export type SeaStreamerItem = SeaStreamerMessage | SeaStreamerBeacon;

/** @internal */
export type CoreItem = SeaStreamerItem | ErrorItem;

/** What the reader does with a payload checksum mismatch. */
export type ChecksumMismatchPolicy = 'error' | 'report';

/** @internal Options of the core. */
export interface CoreOptions {
  verifyChecksums: boolean;
  onChecksumMismatch: ChecksumMismatchPolicy;
  verifyRunningChecksums: boolean;
  verifyDecoration: boolean;
  copyPayloads: boolean;
  lenientUtf8: boolean;
  strict: boolean;
  stopAtEos: boolean;
  maxProblems: number;
  onProblem: ((problem: ReaderProblem) => void) | undefined;
}

interface Register {
  crc: number;
  known: boolean;
}

const NO_BEACONS: readonly number[] = Object.freeze([]);

/** Running-checksum registers of one stream key, with a fast path for the (common) single shard. */
class ShardRegisters {
  private firstShard = 0n;
  private first: Register | undefined;
  private others: Map<bigint, Register> | undefined;

  get(shardId: bigint, known: boolean): Register {
    if (this.first !== undefined && shardId === this.firstShard) return this.first;
    if (this.first === undefined) {
      this.firstShard = shardId;
      this.first = { crc: CRC16_INIT, known };
      return this.first;
    }
    this.others ??= new Map();
    let register = this.others.get(shardId);
    if (register === undefined) {
      register = { crc: CRC16_INIT, known };
      this.others.set(shardId, register);
    }
    return register;
  }
}

/** @internal */
export class ParserCore {
  readonly interval: number;
  readonly options: CoreOptions;
  readonly problems: ReaderProblem[] = [];
  problemCount = 0;
  /** Position after the last parse. */
  pos = 0;
  /** Bytes needed at least from `pos` to make progress (a lower bound; valid after `parse` returned). */
  need = 1;
  /** A better guess of the bytes needed from `pos` (beacons included), to size joined windows. */
  hint = 1;
  /** True when parsing stopped right after an EOS (with `stopAtEos`). */
  stoppedAtEos = false;
  lastMessageIsEos = false;
  /** Offset of a beacon read at a frame start and not yet followed by a message, else -1. */
  standaloneBeaconOffset = -1;
  /** Whether registers created from now on start from a known state (reading began at the file start). */
  baselineKnown = true;
  private registers = new Map<string, ShardRegisters>();
  private lastKey = '\u0000';
  private lastShards: ShardRegisters | undefined;
  private keys = new StreamKeyDecoder();
  private viewBuf: Uint8Array | undefined;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private lastBeaconSize = 7;

  constructor(interval: number, options: CoreOptions) {
    this.interval = interval;
    this.options = options;
  }

  /** Forget running-checksum state (after a rewind or a seek). */
  resetRegisters(baselineKnown: boolean): void {
    this.registers.clear();
    this.lastKey = '\u0000';
    this.lastShards = undefined;
    this.baselineKnown = baselineKnown;
  }

  /** Reset the sequential state for a jump to a new position. */
  jump(pos: number, baselineKnown: boolean): void {
    this.pos = pos;
    this.need = 1;
    this.hint = 1;
    this.stoppedAtEos = false;
    this.lastMessageIsEos = false;
    this.standaloneBeaconOffset = -1;
    this.resetRegisters(baselineKnown);
  }

  addProblem(problem: ReaderProblem): void {
    this.problemCount++;
    if (this.problems.length < this.options.maxProblems) this.problems.push(problem);
    this.options.onProblem?.(problem);
  }

  private viewOf(buf: Uint8Array): DataView {
    if (buf !== this.viewBuf) {
      this.viewBuf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this.view;
  }

  /**
   * Parses items from `buf` (holding the file bytes from absolute offset `bufStart`) starting at `pos`,
   * appending them to `out`. Sets `this.pos` to where it stopped and `this.need` to the number of bytes
   * needed from there to go on.
   */
  parse(buf: Uint8Array, bufStart: number, pos: number, out: CoreItem[]): void {
    // Node `Buffer`s make every payload `subarray` go through species lookup: use a plain view.
    if (buf.constructor !== Uint8Array) buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const I = this.interval;
    const view = this.viewOf(buf);
    const bufEnd = bufStart + buf.length;
    const copy = this.options.copyPayloads;
    this.stoppedAtEos = false;
    for (;;) {
      const inInterval = pos % I;
      if (inInterval === 0) {
        const beacon = decodeBeacon(buf, view, bufStart, pos, I);
        if (typeof beacon === 'number') {
          this.pos = pos;
          this.need = beacon - pos;
          this.hint = this.need;
          return;
        }
        this.lastBeaconSize = beacon.size;
        this.checkBeacon(beacon);
        out.push(beacon);
        if (this.standaloneBeaconOffset < 0) this.standaloneBeaconOffset = pos;
        pos += beacon.size;
        continue;
      }
      const rel = pos - bufStart;
      const boundary = pos - inInterval + I;
      const limit = Math.min(boundary, bufEnd) - bufStart;
      if (rel + 1 <= limit) {
        const k = buf[rel] as number;
        const h = rel + 1 + k;
        if (h + 28 <= limit) {
          const p = view.getUint32(h + 24);
          const e = h + 31 + p;
          if (e <= limit) {
            // Fast path: the whole frame is in the window, before the next boundary.
            let key: string;
            let keyError = false;
            try {
              key = this.keys.decode(buf, rel + 1, k, this.options.lenientUtf8);
            } catch {
              key = decodeUtf8(buf, rel + 1, h, true);
              keyError = true;
            }
            const ps = h + 28;
            const pe = ps + p;
            this.emit(
              out,
              key,
              keyError,
              view.getBigUint64(h),
              view.getBigUint64(h + 8),
              view.getBigUint64(h + 16),
              buf,
              ps,
              pe,
              copy,
              view.getUint16(pe),
              buf[pe + 2] as number,
              pos,
              pos + (e - rel),
              k + p + 32,
              NO_BEACONS,
            );
            pos += e - rel;
            if (this.stoppedAtEos) {
              this.pos = pos;
              this.need = 1;
              this.hint = 1;
              return;
            }
            continue;
          }
        }
      }
      // Slow path: the frame crosses a boundary, or the window ends first.
      if (!this.parseSpliced(buf, view, bufStart, pos, out)) return;
      pos = this.pos;
      if (this.stoppedAtEos) return;
    }
  }

  /**
   * Decodes the one frame starting at `pos` (random access to a known message offset, which must not be a
   * multiple of the interval), stitching it across the beacons inside it. Appends the message (or an error
   * item carrying it) and then those beacons to `out`. Returns false (with `pos`/`need`/`hint` set) when
   * `buf` ends first.
   */
  parseOne(buf: Uint8Array, bufStart: number, pos: number, out: CoreItem[]): boolean {
    if (buf.constructor !== Uint8Array) buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    this.stoppedAtEos = false;
    return this.parseSpliced(buf, this.viewOf(buf), bufStart, pos, out);
  }

  /** Stitches a frame across beacons. Returns false (with `pos`/`need` set) when bytes are missing. */
  private parseSpliced(buf: Uint8Array, view: DataView, bufStart: number, pos: number, out: CoreItem[]): boolean {
    const I = this.interval;
    const bufEnd = bufStart + buf.length;
    const beacons: SeaStreamerBeacon[] = [];
    let p = pos;
    let shortNeed = 0;
    let shortHint = 0;
    const estimate = (from: number, logical: number): number => {
      const boundaries = Math.floor((from + logical) / I) - Math.floor(from / I) + 1;
      return from + logical + boundaries * this.lastBeaconSize + 64;
    };
    // Copies `n` logical frame bytes into dest[at..]; false when the window ends first.
    const gather = (n: number, dest: Uint8Array, at: number): boolean => {
      while (n > 0) {
        if (p % I === 0) {
          const beacon = decodeBeacon(buf, view, bufStart, p, I);
          if (typeof beacon === 'number') {
            shortNeed = Math.max(beacon, p + n);
            shortHint = Math.max(beacon, estimate(p, n));
            return false;
          }
          this.lastBeaconSize = beacon.size;
          beacons.push(beacon);
          p += beacon.size;
          continue;
        }
        const toBoundary = I - (p % I);
        let c = Math.min(n, toBoundary);
        if (p + c > bufEnd) c = bufEnd - p;
        if (c <= 0) {
          shortNeed = p + n;
          shortHint = estimate(p, n);
          return false;
        }
        dest.set(buf.subarray(p - bufStart, p - bufStart + c), at);
        p += c;
        at += c;
        n -= c;
      }
      return true;
    };
    const head = new Uint8Array(1 + 255 + 28);
    if (!gather(1, head, 0)) return this.short(pos, shortNeed, shortHint);
    const k = head[0] as number;
    if (!gather(k + 28, head, 1)) return this.short(pos, shortNeed, shortHint);
    const headView = new DataView(head.buffer);
    const h = 1 + k;
    const payloadSize = headView.getUint32(h + 24);
    const rest = payloadSize + 3;
    // Never allocate for a length the window cannot hold (corrupt or truncated data).
    if (bufEnd - p < rest) return this.short(pos, p + rest, estimate(p, rest));
    if (beacons.length === 0 && p + rest <= pos - (pos % I) + I) {
      // The whole frame lies in the window before the next boundary (only reached from `parseOne`; `parse`
      // takes its fast path for such frames): decode it in place, like the fast path.
      const rel = pos - bufStart;
      const ps = p - bufStart;
      const pe = ps + payloadSize;
      let key: string;
      let keyError = false;
      try {
        key = this.keys.decode(buf, rel + 1, k, this.options.lenientUtf8);
      } catch {
        key = decodeUtf8(buf, rel + 1, rel + h, true);
        keyError = true;
      }
      this.emit(
        out,
        key,
        keyError,
        headView.getBigUint64(h),
        headView.getBigUint64(h + 8),
        headView.getBigUint64(h + 16),
        buf,
        ps,
        pe,
        this.options.copyPayloads,
        view.getUint16(pe),
        buf[pe + 2] as number,
        pos,
        p + rest,
        h + 28 + rest,
        NO_BEACONS,
      );
      this.pos = p + rest;
      this.need = 1;
      this.hint = 1;
      return true;
    }
    const frame = new Uint8Array(h + 28 + rest);
    frame.set(head.subarray(0, h + 28), 0);
    if (!gather(rest, frame, h + 28)) return this.short(pos, shortNeed, shortHint);
    let key: string;
    let keyError = false;
    try {
      key = this.keys.decode(frame, 1, k, this.options.lenientUtf8);
    } catch {
      key = decodeUtf8(frame, 1, h, true);
      keyError = true;
    }
    const frameView = new DataView(frame.buffer);
    const ps = h + 28;
    const pe = ps + payloadSize;
    const splicedBy = beacons.length === 0 ? NO_BEACONS : beacons.map((b) => b.offset);
    this.emit(
      out,
      key,
      keyError,
      headView.getBigUint64(h),
      headView.getBigUint64(h + 8),
      headView.getBigUint64(h + 16),
      frame,
      ps,
      pe,
      false,
      frameView.getUint16(pe),
      frame[pe + 2] as number,
      pos,
      p,
      frame.length,
      splicedBy,
    );
    for (const beacon of beacons) {
      this.checkBeacon(beacon);
      out.push(beacon);
    }
    this.pos = p;
    this.need = 1;
    this.hint = 1;
    return true;
  }

  private short(pos: number, needAbs: number, hintAbs: number): false {
    this.pos = pos;
    this.need = Math.max(1, needAbs - pos);
    this.hint = Math.max(this.need, hintAbs - pos);
    return false;
  }

  private emit(
    out: CoreItem[],
    key: string,
    keyError: boolean,
    shardId: bigint,
    seqNo: bigint,
    timestamp: bigint,
    buf: Uint8Array,
    ps: number,
    pe: number,
    copy: boolean,
    checksum: number,
    terminator: number,
    offset: number,
    endOffset: number,
    size: number,
    splicedBy: readonly number[],
  ): void {
    const options = this.options;
    let computed = checksum;
    let checksumOk: boolean | undefined;
    if (options.verifyChecksums) {
      computed = crc16(buf, ps, pe);
      checksumOk = computed === checksum;
    }
    const payload = copy ? buf.slice(ps, pe) : new Uint8Array(buf.buffer, buf.byteOffset + ps, pe - ps);
    const isEos =
      pe - ps === 3 &&
      buf[ps] === 0x45 &&
      buf[ps + 1] === 0x4f &&
      buf[ps + 2] === 0x53 &&
      key === SEA_STREAMER_INTERNAL &&
      !keyError;
    const message = new Message(
      key,
      shardId,
      seqNo,
      timestamp,
      payload,
      checksum,
      checksumOk,
      terminator,
      offset,
      endOffset,
      size,
      splicedBy,
      isEos,
    );
    if (options.verifyRunningChecksums) this.updateRegister(key, shardId, checksum);
    if (terminator !== CR && options.verifyDecoration) {
      this.addProblem({
        code: 'BAD_TERMINATOR',
        severity: 'warning',
        offset,
        byteOffset: endOffset - 1,
        found: terminator,
        expected: CR,
        description: `the terminator of the message at offset ${offset} (byte ${endOffset - 1}) is ${hexByte(terminator)}, expected 0x0d`,
      });
    }
    this.standaloneBeaconOffset = -1;
    this.lastMessageIsEos = isEos;
    if (keyError) {
      out.push(errorItem('INVALID_UTF8', `stream key of the message at offset ${offset} is not valid UTF-8`, message));
    } else if (options.strict && !isValidStreamKey(key, true)) {
      out.push(
        errorItem('INVALID_STREAM_KEY', `invalid stream key ${JSON.stringify(key)} at offset ${offset}`, message),
      );
    } else if (options.strict && timestamp > MAX_TIMESTAMP_MS) {
      out.push(
        errorItem(
          'TIMESTAMP_OUT_OF_RANGE',
          `timestamp ${timestamp} of the message at offset ${offset} is after 9999-12-31`,
          message,
        ),
      );
    } else if (checksumOk === false) {
      const description = `checksum mismatch in the message at offset ${offset}: received ${checksum}, computed ${computed}`;
      if (options.onChecksumMismatch === 'report') {
        this.addProblem({
          code: 'CHECKSUM_MISMATCH',
          severity: 'error',
          offset,
          received: checksum,
          computed,
          message,
          description,
        });
        out.push(message);
      } else {
        out.push({
          kind: 'error',
          error: new SeaStreamerFileError('CHECKSUM_MISMATCH', description, {
            offset,
            received: checksum,
            computed,
            decoded: message,
          }),
        });
      }
    } else {
      out.push(message);
    }
    if (isEos && options.stopAtEos) this.stoppedAtEos = true;
  }

  private updateRegister(key: string, shardId: bigint, checksum: number): void {
    let shards = this.lastShards;
    if (key !== this.lastKey || shards === undefined) {
      shards = this.registers.get(key);
      if (shards === undefined) {
        shards = new ShardRegisters();
        this.registers.set(key, shards);
      }
      this.lastKey = key;
      this.lastShards = shards;
    }
    const register = shards.get(shardId, this.baselineKnown);
    register.crc = crc16UpdateU16(register.crc, checksum);
  }

  private checkBeacon(beacon: SeaStreamerBeacon): void {
    if (this.options.verifyDecoration && (beacon.leadByte !== CR || beacon.tailByte !== CR)) {
      const lead = beacon.leadByte !== CR;
      const found = lead ? beacon.leadByte : beacon.tailByte;
      this.addProblem({
        code: 'BAD_BEACON_DELIMITER',
        severity: 'warning',
        offset: beacon.offset,
        byteOffset: lead ? beacon.offset : beacon.offset + beacon.size - 1,
        found,
        expected: CR,
        description:
          `beacon #${beacon.index} lead/tail bytes are ${hexByte(beacon.leadByte)}/${hexByte(beacon.tailByte)}, ` +
          'expected 0x0d/0x0d',
      });
    }
    if (this.options.verifyRunningChecksums) this.checkMarkers(beacon);
  }

  private checkMarkers(beacon: SeaStreamerBeacon): void {
    for (const marker of beacon.markers) {
      let shards = this.registers.get(marker.streamKey);
      if (shards === undefined) {
        shards = new ShardRegisters();
        this.registers.set(marker.streamKey, shards);
      }
      const register = shards.get(marker.shardId, this.baselineKnown);
      if (!register.known) {
        register.crc = marker.runningChecksum;
        register.known = true;
      } else if (register.crc !== marker.runningChecksum) {
        this.addProblem({
          code: 'RUNNING_CHECKSUM_MISMATCH',
          severity: 'warning',
          offset: beacon.offset,
          beaconOffset: beacon.offset,
          streamKey: marker.streamKey,
          shardId: marker.shardId,
          expected: register.crc,
          found: marker.runningChecksum,
          description:
            `running checksum of ${marker.streamKey}/${marker.shardId} in the beacon at ${beacon.offset} is ` +
            `${marker.runningChecksum}, computed ${register.crc} (a writer restart, e.g. an append, or damage)`,
        });
        register.crc = marker.runningChecksum;
      }
    }
    this.lastShards = undefined;
  }
}

function errorItem(code: SeaStreamerFileErrorCode, description: string, message: SeaStreamerMessage): ErrorItem {
  return {
    kind: 'error',
    error: new SeaStreamerFileError(code, description, { offset: message.offset, decoded: message }),
  };
}

/** How sequential reading ended. */
export interface ReadEnd {
  /**
   * - `eof`: clean end of data (possibly followed by one complete beacon).
   * - `eos`: clean end and the last message is the end-of-stream message.
   * - `truncated`: a partial frame or beacon follows the last complete message (live writer, crash, size
   *   limit); `offset` is where it starts.
   * - `removed`: a followed file was deleted or shrank below the read position.
   */
  readonly state: 'eof' | 'eos' | 'truncated' | 'removed';
  /** Where the next frame starts (before any beacon at that position): the end of the last complete message. */
  readonly offset: number;
  /** Bytes from `offset` to the end of the data. */
  readonly trailingBytes: number;
}

/** @internal End state once no more bytes will come: `pos` is where parsing stopped, `dataEnd` the data size. */
export function computeEnd(core: ParserCore, pos: number, dataEnd: number): ReadEnd {
  const offset = core.standaloneBeaconOffset >= 0 ? core.standaloneBeaconOffset : pos;
  const trailingBytes = Math.max(0, dataEnd - offset);
  if (dataEnd > pos) return { state: 'truncated', offset, trailingBytes };
  return { state: core.lastMessageIsEos ? 'eos' : 'eof', offset, trailingBytes };
}

/** @internal Converts a `BinaryError` from `@x/binary` into this package's error. */
export function fromBinaryError(error: unknown): unknown {
  if (BinaryError.is(error)) {
    const code: SeaStreamerFileErrorCode =
      error.code === 'TRUNCATED' ? 'TRUNCATED' : error.code === 'INVALID_UTF8' ? 'INVALID_UTF8' : 'IO_ERROR';
    return new SeaStreamerFileError(code, error.message, {
      ...(error.offset === undefined ? {} : { offset: error.offset }),
      cause: error,
    });
  }
  return error;
}
