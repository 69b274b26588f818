/**
 * Reading bytes held in memory, synchronously: the whole file ({@link readSeaStreamer}) or the one message at
 * an offset ({@link decodeMessageAt}). Both run the same parsing core as the streaming reader.
 *
 * @module
 */
import { decodeBeacon, type SeaStreamerBeacon } from './beacon.js';
import { type CoreRecord, ParserCore } from './core.js';
import type { SeaStreamerMessage } from './frame.js';
import {
  decodeSeaStreamerHeader,
  HEADER_SIZE,
  headerPaddingProblem,
  openHeader,
  type SeaStreamerHeader,
} from './header.js';
import {
  beyondData,
  checkMessageOffset,
  checkOpeningBeacon,
  type DecodedMessage,
  decodeAt,
  frameStartsAt,
  insideCutFrame,
  rethrow,
  scanStartIn,
  truncatedAt,
} from './message-at.js';
import { coreOptions, randomAccessOptions, type SeaStreamerReadOptions } from './options.js';
import { makeEnd, type SeaStreamerEnd, type SeaStreamerProblem } from './problems.js';

/** Everything {@link readSeaStreamer} found. */
export interface SeaStreamerContents {
  /** The file header. */
  readonly header: SeaStreamerHeader;
  /** Messages in file order (all of them, also after an EOS, unless `stopAtEos` or `limit`). */
  readonly messages: SeaStreamerMessage[];
  /** Beacons in file order, including the complete ones inside a truncated tail. */
  readonly beacons: SeaStreamerBeacon[];
  /** Problems (damaged messages, running-checksum restarts, decoration bytes), capped by `maxProblems`. */
  readonly problems: SeaStreamerProblem[];
  /** How reading ended. */
  readonly end: SeaStreamerEnd;
}

/**
 * Reads a whole file held in memory. Throws only for files that cannot be opened (`BAD_MAGIC`,
 * `UNSUPPORTED_VERSION`, `TRUNCATED` header, ...) and, with `strict`, at the first error problem; damaged
 * messages are otherwise delivered and reported in `problems`, and a partial tail ends reading with
 * `end.state === 'truncated'`.
 *
 * @example
 * ```ts
 * const { header, messages, problems, end } = readSeaStreamer(bytes);
 * for (const m of messages) console.log(m.streamKey, m.seqNo, new TextDecoder().decode(m.payload));
 * console.log(end.state, end.complete); // 'eos' | 'eof' | 'truncated' | 'limit', no error problem
 * ```
 */
export function readSeaStreamer(bytes: Uint8Array, options: SeaStreamerReadOptions = {}): SeaStreamerContents {
  const resolved = coreOptions(options);
  const { header, problem } = openHeader(bytes, resolved);
  const I = header.beaconInterval;
  const core = new ParserCore(I, resolved);
  if (problem !== undefined) core.log.add(problem);
  const padding = core.options.verifyDecoration ? headerPaddingProblem(bytes) : undefined;
  if (padding !== undefined) core.log.add(padding);
  const out: CoreRecord[] = [];
  core.parse(bytes, 0, HEADER_SIZE, out);
  let end: SeaStreamerEnd;
  if (core.stopped !== undefined) {
    end = makeEnd(core.stopped, core.pos, bytes.length, core.log, core.messages, core.beacons);
  } else {
    const offset = core.standaloneBeaconOffset >= 0 ? core.standaloneBeaconOffset : core.pos;
    const truncated = bytes.length > core.pos;
    if (truncated) {
      for (let at = Math.floor(core.pos / I) * I + I; at < bytes.length; at += I) {
        if (core.tailBeacon(bytes, 0, at, out) !== 0) break;
      }
    }
    const state = truncated ? 'truncated' : core.lastMessageIsEos ? 'eos' : 'eof';
    end = makeEnd(state, offset, bytes.length, core.log, core.messages, core.beacons);
  }
  const messages: SeaStreamerMessage[] = [];
  const beacons: SeaStreamerBeacon[] = [];
  for (const record of out) {
    if (record.kind === 'message') messages.push(record);
    else if (record.kind === 'beacon') beacons.push(record);
    else throw record.error;
  }
  return { header, messages, beacons, problems: core.log.list, end };
}

/**
 * Decodes the one message whose frame starts at `offset` of a file held in memory (`bytes` from the file's
 * first byte; a message's `offset`, e.g. from an index built while reading), stitching the frame across the
 * beacons inside it: the same message (`splicedBy`, `endOffset`, `checksumOk`...) and the same problems as
 * sequential reading gives for that frame. Of the options, `verifyChecksums`, `verifyDecoration`,
 * `copyBytes`, `lenientUtf8` and `strict` apply.
 *
 * Throws `OUT_OF_RANGE` when no frame can start at `offset` (inside the header, on or inside a beacon, inside
 * the rest of a frame a beacon cuts, beyond the data), `TRUNCATED` when the data ends inside the frame,
 * `INVALID_ARGUMENT` for an offset that is not a non-negative integer, the header's errors, and with
 * `strict` the first error problem.
 *
 * @example
 * ```ts
 * const { messages } = readSeaStreamer(bytes);
 * const { message, problems } = decodeMessageAt(bytes, messages[42].offset); // message equals messages[42]
 * ```
 */
export function decodeMessageAt(
  bytes: Uint8Array,
  offset: number,
  options: SeaStreamerReadOptions = {},
): DecodedMessage {
  const I = decodeSeaStreamerHeader(bytes, { lenientUtf8: true }).beaconInterval;
  checkMessageOffset(offset, I);
  if (offset >= bytes.length) throw beyondData(offset, bytes.length);
  const core = new ParserCore(I, randomAccessOptions(coreOptions(options)));
  let extra: SeaStreamerProblem[] = [];
  const beaconOffset = offset - (offset % I);
  if (beaconOffset >= I) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const decoded = decodeBeacon(bytes, view, 0, beaconOffset, I);
    const beacon = typeof decoded === 'number' ? undefined : decoded;
    // Whether sequential reading starts a frame at `offset`: from the frame start after the nearest earlier
    // beacon, or (the earlier beacons' counts can be damaged too) from the first frame.
    const sequentially = (): SeaStreamerProblem[] | undefined => {
      const start = scanStartIn(bytes, beaconOffset / I, I);
      const found = frameStartsAt(core, bytes.subarray(start), start, offset, beaconOffset);
      if (found !== undefined || start === HEADER_SIZE) return found;
      return frameStartsAt(core, bytes.subarray(HEADER_SIZE), HEADER_SIZE, offset, beaconOffset);
    };
    let cut: boolean;
    try {
      cut = checkOpeningBeacon(beacon, beaconOffset, offset);
    } catch (error) {
      // No beacon there, or the offset inside it: unless a longer beacon before covers the boundary, so that
      // sequential reading never reads one there.
      extra = sequentially() ?? rethrow(error);
      cut = false;
    }
    if (cut) extra = sequentially() ?? rethrow(insideCutFrame(offset, beacon as SeaStreamerBeacon));
  }
  const result = decodeAt(core, bytes, 0, offset, extra);
  if (typeof result === 'number') throw truncatedAt(offset, bytes.length - offset);
  return result;
}
