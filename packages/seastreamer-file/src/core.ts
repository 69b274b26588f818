/**
 * @internal The one parsing core behind every reader: it turns a window of file bytes (a view plus its
 * absolute offset) into messages and beacons, removing beacons from frames (spec §8.1), verifying checksums
 * (§6) and reporting problems. Frames that fit between two interval boundaries are decoded in place; only
 * frames cut by a beacon are stitched into a fresh buffer.
 *
 * @module
 */
import { crc16 } from '@x/binary';
import { decodeBeacon, type SeaStreamerBeacon } from './beacon.js';
import type { SeaStreamerFileError } from './errors.js';
import {
  decodeFrame,
  frameEndBefore,
  type Message,
  NO_BEACONS,
  type SeaStreamerMessage,
  StreamKeyDecoder,
  stitchFrame,
} from './frame.js';
import type { CoreOptions } from './options.js';
import { type MessageProblem, ProblemLog, problemError, type SeaStreamerProblem } from './problems.js';
import { RunningChecksums } from './running-checksums.js';
import { isValidStreamKey } from './stream-key.js';
import { MAX_TIMESTAMP_MS } from './timestamp.js';

/** @internal An error to be thrown when the consumer reaches it (`strict`; the position is already past it). */
export interface ErrorRecord {
  readonly kind: 'error';
  readonly error: SeaStreamerFileError;
}

/** A record of a `.ss` reader in file order: a message, or (when asked for) a beacon. */
export type SeaStreamerRecord = SeaStreamerMessage | SeaStreamerBeacon;

/** @internal */
export type CoreRecord = SeaStreamerRecord | ErrorRecord;

const CR = 0x0d;

function hexByte(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

/** @internal */
export class ParserCore {
  readonly interval: number;
  readonly options: CoreOptions;
  log: ProblemLog;
  /** Position after the last parse. */
  pos = 0;
  /** Bytes needed at least from `pos` to make progress (a lower bound; valid after `parse` returned). */
  need = 1;
  /** A better guess of the bytes needed from `pos` (beacons included), to size joined windows. */
  hint = 1;
  /** True when parsing stopped right after an EOS (with `stopAtEos`) or at the `limit`. */
  stopped: 'eos' | 'limit' | undefined;
  lastMessageIsEos = false;
  /** Offset of a beacon read at a frame start and not yet followed by a message, else -1. */
  standaloneBeaconOffset = -1;
  /** Messages and beacons read (counted also when not emitted). */
  messages = 0;
  beacons = 0;
  private readonly checksums = new RunningChecksums();
  private readonly keys = new StreamKeyDecoder();
  private viewBuf: Uint8Array | undefined;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private lastBeaconSize = 7;

  constructor(interval: number, options: CoreOptions, log?: ProblemLog) {
    this.interval = interval;
    this.options = options;
    this.log = log ?? new ProblemLog(options);
  }

  /** Resets the sequential state for a jump to a new position (a rewind, a seek, random access). */
  jump(pos: number, baselineKnown: boolean): void {
    this.pos = pos;
    this.need = 1;
    this.hint = 1;
    this.stopped = undefined;
    this.lastMessageIsEos = false;
    this.standaloneBeaconOffset = -1;
    this.checksums.reset(baselineKnown);
  }

  private viewOf(buf: Uint8Array): DataView {
    if (buf !== this.viewBuf) {
      this.viewBuf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this.view;
  }

  /**
   * Parses records from `buf` (the file bytes from absolute offset `bufStart`) starting at `pos`, appending
   * them to `out`. Sets `pos` to where it stopped and `need`/`hint` to the bytes needed from there to go on.
   */
  parse(buf: Uint8Array, bufStart: number, pos: number, out: CoreRecord[]): void {
    // Node `Buffer`s make every payload view go through species lookup: use a plain view.
    if (buf.constructor !== Uint8Array) buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const I = this.interval;
    const view = this.viewOf(buf);
    const bufEnd = bufStart + buf.length;
    const { copyBytes, verifyChecksums } = this.options;
    this.stopped = undefined;
    if (this.messages >= this.options.limit) {
      this.stopped = 'limit';
      this.short(pos, 1, 1);
      return;
    }
    for (;;) {
      const inInterval = pos % I;
      if (inInterval === 0) {
        const beacon = decodeBeacon(buf, view, bufStart, pos, I);
        if (typeof beacon === 'number') {
          this.short(pos, beacon - pos, beacon - pos);
          return;
        }
        this.lastBeaconSize = beacon.size;
        if (this.standaloneBeaconOffset < 0) this.standaloneBeaconOffset = pos;
        // No frame is cut at a frame start: R must be 0.
        this.beacon(beacon, out, beacon.remainingMessageBytes === 0 ? -1 : 0, undefined, true);
        pos += beacon.size;
        continue;
      }
      const rel = pos - bufStart;
      const e = frameEndBefore(buf, view, rel, Math.min(pos - inInterval + I, bufEnd) - bufStart);
      if (e >= 0) {
        // Fast path: the whole frame is in the window, before the next boundary.
        const end = pos + (e - rel);
        const m = decodeFrame(this.keys, buf, view, rel, pos, end, NO_BEACONS, copyBytes, verifyChecksums);
        this.message(m, out);
        pos = end;
      } else {
        // Slow path: the frame crosses a boundary, or the window ends first (out of line: the hot loop stays
        // small, and the rare stitched frames never deoptimize it).
        const end = this.spliced(buf, view, bufStart, pos, out);
        if (end < 0) return;
        pos = end;
      }
      if (this.stopped !== undefined) {
        this.short(pos, 1, 1);
        return;
      }
    }
  }

  /**
   * Stitches the frame at `pos` across the beacons inside it and emits it and them. Returns the offset after it,
   * or -1 (with `pos`/`need`/`hint` set) when `buf` ends first.
   */
  private spliced(buf: Uint8Array, view: DataView, bufStart: number, pos: number, out: CoreRecord[]): number {
    const frame = stitchFrame(buf, view, bufStart, pos, this.interval, this.lastBeaconSize);
    if (!('bytes' in frame)) {
      this.short(pos, frame.need, frame.hint);
      return -1;
    }
    const splicedBy = frame.beacons.length === 0 ? NO_BEACONS : Object.freeze(frame.beacons.map((b) => b.offset));
    const frameView = new DataView(frame.bytes.buffer);
    const m = decodeFrame(
      this.keys,
      frame.bytes,
      frameView,
      0,
      pos,
      frame.end,
      splicedBy,
      false,
      this.options.verifyChecksums,
    );
    this.message(m, out);
    let beaconBytes = 0;
    for (const beacon of frame.beacons) {
      this.lastBeaconSize = beacon.size;
      this.beacon(beacon, out, m.frameSize - (beacon.offset - pos - beaconBytes), pos, true);
      beaconBytes += beacon.size;
    }
    return frame.end;
  }

  /**
   * Decodes the one frame starting at `pos` (random access to a message offset, not a multiple of the
   * interval): appends the message (or an error record carrying it) and the beacons inside it to `out`.
   * Returns false (with `pos`/`need`/`hint` set) when `buf` ends first.
   */
  parseOne(buf: Uint8Array, bufStart: number, pos: number, out: CoreRecord[]): boolean {
    const options = this.options;
    const saved = options.limit;
    const before = this.messages;
    options.limit = before + 1;
    try {
      this.parse(buf, bufStart, pos, out);
    } finally {
      options.limit = saved;
    }
    return this.messages > before;
  }

  /**
   * Decodes the beacon at `at` (a multiple of the interval) in `buf` (the file bytes from `bufStart`), a beacon
   * inside a truncated tail (a long frame cut by the end of the data): checks its decoration, not its markers
   * (they cover the incomplete frame), and emits it. Returns 0, the absolute offset up to which bytes are
   * needed when `buf` ends inside it, or -1 when the bytes there cannot be a beacon inside a frame: one longer
   * than the interval would cover the next boundary, where the next beacon sits (the tail is not a long frame,
   * and reading a would-be beacon at every boundary of such bytes would decode up to 72 KiB per interval).
   */
  tailBeacon(buf: Uint8Array, bufStart: number, at: number, out: CoreRecord[]): number {
    if (buf.constructor !== Uint8Array) buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const beacon = decodeBeacon(buf, this.viewOf(buf), bufStart, at, this.interval);
    if (typeof beacon === 'number') return beacon;
    if (beacon.size > this.interval) return -1;
    this.beacon(beacon, out, -1, undefined, false);
    return 0;
  }

  private short(pos: number, need: number, hint: number): void {
    this.pos = pos;
    this.need = Math.max(1, need);
    this.hint = Math.max(this.need, hint);
  }

  /**
   * Records a beacon: decoration and remaining-bytes checks (`expected` < 0: none), running checksums
   * (`markers`), and emits it when asked.
   */
  private beacon(
    beacon: SeaStreamerBeacon,
    out: CoreRecord[],
    expected: number,
    messageOffset: number | undefined,
    markers: boolean,
  ): void {
    const options = this.options;
    this.beacons++;
    if (options.verifyDecoration && (beacon.leadByte !== CR || beacon.tailByte !== CR)) {
      const lead = beacon.leadByte !== CR;
      this.log.add({
        code: 'BAD_BEACON_DELIMITER',
        severity: 'warning',
        offset: beacon.offset,
        byteOffset: lead ? beacon.offset : beacon.offset + beacon.size - 1,
        found: lead ? beacon.leadByte : beacon.tailByte,
        expected: CR,
        message:
          `beacon #${beacon.index} lead/tail bytes are ${hexByte(beacon.leadByte)}/${hexByte(beacon.tailByte)}, ` +
          'expected 0x0d/0x0d',
      });
    }
    if (expected >= 0 && beacon.remainingMessageBytes !== expected) {
      this.log.add({
        code: 'REMAINING_BYTES_MISMATCH',
        severity: 'warning',
        offset: beacon.offset,
        messageOffset,
        expected,
        found: beacon.remainingMessageBytes,
        message:
          messageOffset === undefined
            ? `beacon #${beacon.index} at ${beacon.offset} says ${beacon.remainingMessageBytes} frame bytes follow it, but it cuts no frame`
            : `beacon #${beacon.index} at ${beacon.offset} says ${beacon.remainingMessageBytes} frame bytes follow it, ` +
              `the frame of the message at ${messageOffset} has ${expected}`,
      });
    }
    if (markers && options.verifyRunningChecksums) {
      const problems = this.checksums.check(beacon);
      if (problems !== undefined) for (const p of problems) this.log.add(p);
    }
    out.push(beacon);
  }

  /** Checks a decoded message, records its problems and emits it (or, `strict`, its first error). */
  private message(m: Message, out: CoreRecord[]): void {
    const options = this.options;
    if (options.verifyRunningChecksums) this.checksums.update(m.streamKey, m.shardId, m.checksum);
    this.standaloneBeaconOffset = -1;
    this.lastMessageIsEos = m.isEos;
    if (++this.messages >= options.limit) this.stopped = 'limit';
    else if (m.isEos && options.stopAtEos) this.stopped = 'eos';
    if (m.terminator === CR && m.checksumOk !== false && !this.keys.invalid && !options.strict) out.push(m);
    else this.unusual(m, out);
  }

  /** The rare path of {@link ParserCore.message}: decoration warnings, damaged messages, strict checks. */
  private unusual(m: Message, out: CoreRecord[]): void {
    const options = this.options;
    const keyInvalid = this.keys.invalid;
    if (m.terminator !== CR && options.verifyDecoration) {
      this.log.add({
        code: 'BAD_TERMINATOR',
        severity: 'warning',
        offset: m.offset,
        byteOffset: m.endOffset - 1,
        found: m.terminator,
        expected: CR,
        message: `the terminator of the message at offset ${m.offset} (byte ${m.endOffset - 1}) is ${hexByte(m.terminator)}, expected 0x0d`,
      });
    }
    const strictChecks = options.strict;
    if (
      m.checksumOk === false ||
      (keyInvalid && !options.lenientUtf8) ||
      (strictChecks && (!isValidStreamKey(m.streamKey, true) || m.timestamp > MAX_TIMESTAMP_MS))
    ) {
      const first = this.messageProblems(m, keyInvalid && !options.lenientUtf8, strictChecks);
      if (options.strict) {
        out.push({ kind: 'error', error: problemError(first) });
        return;
      }
    }
    out.push(m);
  }

  /** Records the error problems of a message (rare); returns the first. */
  private messageProblems(m: Message, keyInvalid: boolean, strictChecks: boolean): SeaStreamerProblem {
    const problems: SeaStreamerProblem[] = [];
    const at = `the message at offset ${m.offset}`;
    const problem = (code: MessageProblem['code'], message: string) =>
      problems.push({ code, severity: 'error', offset: m.offset, decoded: m, message });
    if (keyInvalid) problem('INVALID_UTF8', `the stream key of ${at} is not valid UTF-8`);
    else if (strictChecks && !isValidStreamKey(m.streamKey, true)) {
      problem('INVALID_STREAM_KEY', `invalid stream key ${JSON.stringify(m.streamKey)} of ${at}`);
    }
    if (strictChecks && m.timestamp > MAX_TIMESTAMP_MS) {
      problem('TIMESTAMP_OUT_OF_RANGE', `timestamp ${m.timestamp} of ${at} is after 9999-12-31`);
    }
    if (m.checksumOk === false) {
      const computed = crc16(m.payload);
      problems.push({
        code: 'CHECKSUM_MISMATCH',
        severity: 'error',
        offset: m.offset,
        received: m.checksum,
        computed,
        decoded: m,
        message: `checksum mismatch in ${at}: received ${m.checksum}, computed ${computed}`,
      });
    }
    for (const p of problems) this.log.add(p);
    return problems[0] as SeaStreamerProblem;
  }
}
