/**
 * Random access to one message (spec §8.1 applied at a known offset): the frame starting at a message offset
 * is decoded directly, stitched across the beacons inside it, instead of rewinding to a beacon and reading
 * forward; the result (message and problems) is what sequential reading gives for that frame.
 *
 * Offsets that cannot be a frame start are refused with `OUT_OF_RANGE` when that is detectable: inside the
 * header, on a multiple of the interval (a beacon is there), inside the beacon that opens the interval, beyond
 * the data, or inside the rest of the frame that beacon cuts (its `R`). When `R` says the offset is inside the
 * cut frame, the frame is located by reading forward from an earlier frame start (found through the beacons
 * before): if sequential reading does start a frame at the offset, the beacon's `R` is wrong, the message is
 * decoded and the contradiction is a `REMAINING_BYTES_MISMATCH` warning, as in sequential reading. When the earlier
 * beacons' counts are damaged too (reading forward from where they point starts no frame at the offset), reading
 * forward starts at the first frame, as sequential reading does.
 *
 * @module
 */
import { decodeBeacon, type SeaStreamerBeacon } from './beacon.js';
import type { CoreRecord, ParserCore } from './core.js';
import { SeaStreamerFileError } from './errors.js';
import type { SeaStreamerMessage } from './frame.js';
import { HEADER_SIZE } from './header.js';
import { ProblemLog, problemError, type SeaStreamerProblem } from './problems.js';
import { type ReadAt, readBeaconAt } from './seek.js';

/** A message decoded by random access, with the problems found decoding it. */
export interface DecodedMessage {
  /** The message, as sequential reading gives it. */
  readonly message: SeaStreamerMessage;
  /**
   * The problems of its frame (checksum, key, decoration, the remaining-bytes counts of the beacons inside it),
   * as sequential reading reports them; running checksums are not verified by random access.
   */
  readonly problems: SeaStreamerProblem[];
}

function outOfRange(offset: number, why: string): SeaStreamerFileError {
  return new SeaStreamerFileError('OUT_OF_RANGE', `no message starts at offset ${offset}: ${why}`, { offset });
}

/** @internal Refuses offsets that are not integers, inside the header or on a multiple of the interval. */
export function checkMessageOffset(offset: unknown, interval: number): number {
  if (!(typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0)) {
    throw new SeaStreamerFileError('INVALID_ARGUMENT', `offset must be a non-negative integer, got ${String(offset)}`);
  }
  if (offset < HEADER_SIZE) throw outOfRange(offset, `it is inside the ${HEADER_SIZE}-byte header`);
  if (offset % interval === 0) throw outOfRange(offset, `a beacon is there (a multiple of the interval ${interval})`);
  return offset;
}

/** @internal The error for an offset at or beyond the end of the data. */
export function beyondData(offset: number, dataEnd?: number): SeaStreamerFileError {
  return outOfRange(offset, dataEnd === undefined ? 'it is beyond the end of the data' : `the data ends at ${dataEnd}`);
}

/**
 * @internal Checks `offset` against the beacon that opens its interval (`undefined`: the data ends inside or
 * before it). Returns true when the beacon's `R` says the offset is inside the frame it cuts (to be verified
 * with {@link frameStartsAt}).
 */
export function checkOpeningBeacon(
  beacon: SeaStreamerBeacon | undefined,
  beaconOffset: number,
  offset: number,
): boolean {
  if (beacon === undefined) throw outOfRange(offset, `the data ends before the beacon at ${beaconOffset} is complete`);
  const afterBeacon = beacon.offset + beacon.size;
  if (offset < afterBeacon) {
    throw outOfRange(offset, `it is inside the beacon at ${beacon.offset} (${beacon.size} bytes)`);
  }
  return offset < afterBeacon + beacon.remainingMessageBytes;
}

/** @internal Throws `error` (in expression position). */
export function rethrow(error: unknown): never {
  throw error;
}

/** @internal The error for an offset inside the frame a beacon cuts (where sequential reading agrees). */
export function insideCutFrame(offset: number, beacon: SeaStreamerBeacon): SeaStreamerFileError {
  return outOfRange(
    offset,
    `it is inside the frame cut by the beacon at ${beacon.offset} (${beacon.remainingMessageBytes} frame bytes follow it)`,
  );
}

/**
 * @internal Where to read forward from to find the frame cut by beacon `index`: the frame start after the
 * nearest earlier beacon whose frame ends inside its own interval (`R + S < I`), or the end of the header.
 * `beaconAt` gives complete beacons (all beacons before a complete one are).
 */
export function scanStart(index: number, interval: number, beaconAt: (index: number) => SeaStreamerBeacon): number {
  for (let k = index - 1; k >= 1; k--) {
    const b = beaconAt(k);
    if (b.size + b.remainingMessageBytes < interval) return b.offset + b.size + b.remainingMessageBytes;
  }
  return HEADER_SIZE;
}

/** @internal {@link scanStart} over bytes in memory. */
export function scanStartIn(bytes: Uint8Array, index: number, interval: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return scanStart(index, interval, (k) => decodeBeacon(bytes, view, 0, k * interval, interval) as SeaStreamerBeacon);
}

/**
 * @internal Whether sequential reading from the frame start `start` (`window` holds the file bytes from
 * `start` to at least `offset + 1`) starts a frame at `offset`. Returns the problems sequential reading reports
 * there about the beacon at `beaconOffset` (its contradicting `R`), or `undefined` when no frame starts there.
 */
export function frameStartsAt(
  core: ParserCore,
  window: Uint8Array,
  start: number,
  offset: number,
  beaconOffset: number,
): SeaStreamerProblem[] | undefined {
  const log = new ProblemLog({ maxProblems: Number.POSITIVE_INFINITY, onProblem: undefined });
  const saved = core.log;
  core.log = log;
  try {
    core.jump(start, false);
    core.parse(window.subarray(0, offset + 1 - start), start, start, []);
  } finally {
    core.log = saved;
  }
  if (core.pos !== offset) return undefined;
  return log.list.filter((p) => p.code === 'REMAINING_BYTES_MISMATCH' && p.offset === beaconOffset);
}

/**
 * @internal Decodes the frame at `offset` from `buf` (file bytes from `bufStart`). Returns the message with
 * its problems (plus `extra`), or the number of bytes needed from `offset` (beacons included, an estimate) when
 * `buf` ends first. With `strict`, throws the first error problem.
 */
export function decodeAt(
  core: ParserCore,
  buf: Uint8Array,
  bufStart: number,
  offset: number,
  extra: readonly SeaStreamerProblem[] = [],
): DecodedMessage | number {
  if (offset >= bufStart + buf.length) return 1;
  const out: CoreRecord[] = [];
  const log = new ProblemLog({ maxProblems: Number.POSITIVE_INFINITY, onProblem: undefined });
  const saved = core.log;
  core.log = log;
  try {
    core.jump(offset, false);
    if (!core.parseOne(buf, bufStart, offset, out)) return core.hint;
  } finally {
    core.log = saved;
  }
  const problems = [...extra, ...log.list];
  const first = out[0] as CoreRecord;
  if (first.kind === 'error') throw first.error;
  if (core.options.strict) {
    const error = problems.find((p) => p.severity === 'error');
    if (error !== undefined) throw problemError(error);
  }
  return { message: first as SeaStreamerMessage, problems };
}

/** @internal The error for a frame that the data ends inside of. */
export function truncatedAt(offset: number, available: number): SeaStreamerFileError {
  return new SeaStreamerFileError(
    'TRUNCATED',
    `the frame at offset ${offset} is incomplete: the data ends ${available} bytes after it (the file may have been truncated)`,
    { offset },
  );
}

/** First read of {@link readMessageAt}, grown as the frame needs. */
const RANDOM_READ = 16 * 1024;

/** {@link scanStart} through random reads. */
async function scanStartAt(readAt: ReadAt, index: number, interval: number): Promise<number> {
  for (let k = index - 1; k >= 1; k--) {
    const b = await readBeaconAt(readAt, interval, k);
    if (b === undefined || 'truncated' in b) break; // cannot happen before a complete beacon
    if (b.size + b.remainingMessageBytes < interval) return b.offset + b.size + b.remainingMessageBytes;
  }
  return HEADER_SIZE;
}

/**
 * @internal Random access to the message at `offset` through `readAt` (a reader's source): the same result as
 * {@link decodeAt} over the whole file, reading only the opening beacon and the frame (and, when that beacon
 * says the offset is inside the frame it cuts, the bytes from an earlier frame start).
 */
export async function readMessageAt(core: ParserCore, readAt: ReadAt, offset: number): Promise<DecodedMessage> {
  const I = core.interval;
  checkMessageOffset(offset, I);
  let extra: SeaStreamerProblem[] = [];
  const beaconOffset = offset - (offset % I);
  if (beaconOffset >= I) {
    const read = await readBeaconAt(readAt, I, beaconOffset / I);
    const beacon = read === undefined || 'truncated' in read ? undefined : read;
    // As decodeMessageAt: whether sequential reading starts a frame at `offset`.
    const sequentially = async (): Promise<SeaStreamerProblem[] | undefined> => {
      const start = await scanStartAt(readAt, beaconOffset / I, I);
      const found = frameStartsAt(core, await readAt(start, offset + 1 - start), start, offset, beaconOffset);
      if (found !== undefined || start === HEADER_SIZE) return found;
      const all = await readAt(HEADER_SIZE, offset + 1 - HEADER_SIZE);
      return frameStartsAt(core, all, HEADER_SIZE, offset, beaconOffset);
    };
    let cut: boolean;
    try {
      cut = checkOpeningBeacon(beacon, beaconOffset, offset);
    } catch (error) {
      extra = (await sequentially()) ?? rethrow(error);
      cut = false;
    }
    if (cut) extra = (await sequentially()) ?? rethrow(insideCutFrame(offset, beacon as SeaStreamerBeacon));
  }
  for (let length = RANDOM_READ; ; ) {
    const bytes = await readAt(offset, length);
    if (bytes.length === 0) throw beyondData(offset);
    const result = decodeAt(core, bytes, offset, offset, extra);
    if (typeof result !== 'number') return result;
    if (bytes.length < length) throw truncatedAt(offset, bytes.length);
    length = Math.max(length * 2, result);
  }
}
