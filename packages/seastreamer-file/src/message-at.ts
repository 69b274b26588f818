/**
 * Random access to one message (spec §8.1 applied at a known offset): the frame starting at a message
 * offset is decoded directly, stitched across the beacons inside it, instead of rewinding to a beacon and
 * reading forward. Offsets that cannot be a frame start are refused with `OUT_OF_RANGE` when that is
 * detectable: inside the header, on a multiple of the interval (a beacon is there), inside the beacon that
 * opens the interval or inside the rest of the frame that beacon cuts (its `R`), beyond the data, or when a
 * beacon inside the decoded frame does not count the frame bytes that follow it (`R`).
 *
 * @module
 */
import type { SeaStreamerBeacon } from './beacon.js';
import { SeaStreamerFileError } from './errors.js';
import type { SeaStreamerMessage } from './frame.js';
import { HEADER_SIZE } from './header.js';
import type { CoreItem, CoreOptions, ParserCore } from './parser.js';

/** @internal Core options for random access: no running checksums, no problem recording. */
export function randomAccessOptions(options: CoreOptions): CoreOptions {
  return { ...options, verifyRunningChecksums: false, stopAtEos: false, maxProblems: 0, onProblem: undefined };
}

function outOfRange(offset: number, why: string): SeaStreamerFileError {
  return new SeaStreamerFileError('OUT_OF_RANGE', `no message starts at offset ${offset}: ${why}`, { offset });
}

/** @internal Refuses offsets that are not integers, inside the header or on a multiple of the interval. */
export function checkMessageOffset(offset: number, interval: number): void {
  if (!(Number.isSafeInteger(offset) && offset >= 0)) {
    throw new SeaStreamerFileError('VALUE_OUT_OF_RANGE', `offset must be a non-negative integer, got ${offset}`);
  }
  if (offset < HEADER_SIZE) throw outOfRange(offset, `it is inside the ${HEADER_SIZE}-byte header`);
  if (offset % interval === 0) throw outOfRange(offset, `a beacon is there (a multiple of the interval ${interval})`);
}

/**
 * @internal Checks `offset` against the beacon that opens its interval (`undefined` or truncated: the data
 * ends inside or before it).
 */
export function checkOpeningBeacon(beacon: SeaStreamerBeacon | undefined, beaconOffset: number, offset: number): void {
  if (beacon === undefined) throw outOfRange(offset, `the data ends before the beacon at ${beaconOffset} is complete`);
  const afterBeacon = beacon.offset + beacon.size;
  if (offset < afterBeacon) {
    throw outOfRange(offset, `it is inside the beacon at ${beacon.offset} (${beacon.size} bytes)`);
  }
  if (offset < afterBeacon + beacon.remainingMessageBytes) {
    throw outOfRange(
      offset,
      `it is inside the frame cut by the beacon at ${beacon.offset} (${beacon.remainingMessageBytes} frame bytes follow it)`,
    );
  }
}

/**
 * @internal Decodes the frame at `offset` from `buf` (file bytes from `bufStart`). Returns the message, or
 * the number of bytes needed from `offset` (beacons included, an estimate) when `buf` ends first. Throws
 * `OUT_OF_RANGE` when a beacon inside the frame disagrees with its size, else the frame's own error
 * (`CHECKSUM_MISMATCH` with policy `'error'`, `INVALID_UTF8`, strict-mode errors).
 */
export function decodeMessageAt(
  core: ParserCore,
  buf: Uint8Array,
  bufStart: number,
  offset: number,
): SeaStreamerMessage | number {
  if (offset >= bufStart + buf.length) return 1;
  const out: CoreItem[] = [];
  core.jump(offset, false);
  if (!core.parseOne(buf, bufStart, offset, out)) return core.hint;
  const first = out[0] as CoreItem;
  const message = (first.kind === 'error' ? first.error.decoded : first) as SeaStreamerMessage;
  let beaconBytes = 0;
  for (let i = 1; i < out.length; i++) {
    const beacon = out[i] as SeaStreamerBeacon;
    const remaining = message.frameSize - (beacon.offset - offset - beaconBytes);
    if (beacon.remainingMessageBytes !== remaining) {
      throw outOfRange(
        offset,
        `the beacon at ${beacon.offset} says ${beacon.remainingMessageBytes} frame bytes follow it, a frame starting ` +
          `there would have ${remaining} (or the beacon is damaged)`,
      );
    }
    beaconBytes += beacon.size;
  }
  if (first.kind === 'error') throw first.error;
  return message;
}

/** @internal The error for a frame that the data ends inside of. */
export function truncatedAt(offset: number, available: number): SeaStreamerFileError {
  return new SeaStreamerFileError(
    'TRUNCATED',
    `the frame at offset ${offset} is incomplete: the data ends ${available} bytes after it (the file may have been truncated)`,
    { offset },
  );
}
