/**
 * Structural CBOR item scanner: measures one item without decoding or allocating.
 *
 * @module
 */

/** {@link scanItem} result: the item runs past the end of the input. */
export const SCAN_TRUNCATED = -1;
/** {@link scanItem} result: the bytes are not well-formed CBOR (call {@link measureItem} for the reason). */
export const SCAN_MALFORMED = -2;

/** Result of {@link measureItem}. */
export type MeasureResult =
  | {
      /** A complete, well-formed item. */
      kind: 'item';
      /** Offset of the item's first byte. */
      offset: number;
      /** Length of the item in bytes. */
      length: number;
    }
  | {
      /** The item runs past the end of the input (more bytes could complete it). */
      kind: 'truncated';
      /** Offset of the item's first byte. */
      offset: number;
      /**
       * Lower bound of the item's total length in bytes (from `offset`), from the heads and declared lengths
       * present (see {@link scanNeeded}); always more than the bytes available.
       */
      needed: number;
    }
  | {
      /** The bytes are not well-formed CBOR: the item's boundary cannot be known. */
      kind: 'malformed';
      /** Offset of the item's first byte. */
      offset: number;
      /** Offset of the offending byte. */
      at: number;
      /** Why, e.g. `reserved additional information 28`. */
      reason: string;
    };

// Scratch state for the slow path that explains a malformed item.
let failAt = 0;
let failReason = '';
// Scratch state of the last SCAN_TRUNCATED result: lower bound of the item's length.
let needLength = 0;

function truncated(at: number, offset: number): number {
  needLength = at - offset;
  return SCAN_TRUNCATED;
}

const MAJOR_NAMES = ['uint', 'negative int', 'bytes', 'text', 'array', 'map', 'tag', 'simple/float'];

/**
 * Measures the CBOR item starting at `offset` without allocating (an explicit stack is allocated only for
 * nested indefinite-length items). Returns the item's length in bytes (≥ 1), {@link SCAN_TRUNCATED} when the
 * item runs past `end`, or {@link SCAN_MALFORMED} when the bytes are not well-formed CBOR. Declared lengths are
 * compared with the bytes present, never allocated: a huge length is simply truncated.
 *
 * @param bytes - the input.
 * @param offset - offset of the item's first byte.
 * @param end - end of the usable input (exclusive), default `bytes.length`.
 * @param lenient - also size three forms that are not well-formed but still delimit an item: a two-byte simple
 *   value below 32, an indefinite-length map with an odd number of items, and a break right after a tag (the
 *   break closes the enclosing indefinite item). Such an item is measured (its decoding will fail), so a reader
 *   can report it and continue with the next one instead of losing the boundary. Default `false`.
 * @example
 * ```ts
 * scanItem(new Uint8Array([0x82, 0x01, 0x02]), 0); // 3
 * scanItem(new Uint8Array([0x82, 0x01]), 0); // SCAN_TRUNCATED
 * scanItem(new Uint8Array([0xff]), 0); // SCAN_MALFORMED
 * ```
 */
export function scanItem(bytes: Uint8Array, offset: number, end: number = bytes.length, lenient = false): number {
  let pos = offset;
  // Current frame: items still to read (-1 = indefinite-length), container kind (4 array, 5 map,
  // 2/3 string chunks) and, for indefinite frames, items read so far.
  let pending = 1;
  let kind = 0;
  let count = 0;
  // Enclosing frames as [pending, kind, count] triples; allocated only when a frame is pushed.
  let stack: number[] | undefined;
  let afterTag = false;
  for (;;) {
    // Pop finished definite frames.
    while (pending === 0) {
      if (stack === undefined || stack.length === 0) return pos - offset;
      count = stack.pop() as number;
      kind = stack.pop() as number;
      pending = stack.pop() as number;
    }
    if (pos >= end) return truncated(pos + 1, offset);
    const ib = bytes[pos] as number;
    if (ib === 0xff) {
      if (pending !== -1 || (afterTag && !lenient)) {
        failAt = pos;
        failReason =
          afterTag && !lenient ? 'break byte after a tag' : 'break byte (0xff) outside an indefinite-length item';
        return SCAN_MALFORMED;
      }
      if (kind === 5 && (count & 1) === 1 && !lenient) {
        failAt = pos;
        failReason = 'indefinite-length map with an odd number of items';
        return SCAN_MALFORMED;
      }
      pos++;
      afterTag = false;
      const s = stack as number[];
      count = s.pop() as number;
      kind = s.pop() as number;
      pending = s.pop() as number;
      continue;
    }
    const major = ib >> 5;
    const ai = ib & 31;
    if (pending === -1 && (kind === 2 || kind === 3) && (major !== kind || ai === 31)) {
      failAt = pos;
      failReason = `indefinite-length ${MAJOR_NAMES[kind]} holds a chunk of another kind`;
      return SCAN_MALFORMED;
    }
    let arg = 0;
    let next = pos + 1;
    if (ai < 24) {
      arg = ai;
    } else if (ai === 24) {
      if (next + 1 > end) return truncated(next + 1, offset);
      arg = bytes[next] as number;
      if (major === 7 && arg < 32 && !lenient) {
        failAt = pos;
        failReason = `two-byte simple value ${arg} (< 32)`;
        return SCAN_MALFORMED;
      }
      next += 1;
    } else if (ai === 25) {
      if (next + 2 > end) return truncated(next + 2, offset);
      arg = ((bytes[next] as number) << 8) | (bytes[next + 1] as number);
      next += 2;
    } else if (ai === 26) {
      if (next + 4 > end) return truncated(next + 4, offset);
      arg =
        (bytes[next] as number) * 0x1000000 +
        (((bytes[next + 1] as number) << 16) | ((bytes[next + 2] as number) << 8) | (bytes[next + 3] as number));
      next += 4;
    } else if (ai === 27) {
      if (next + 8 > end) return truncated(next + 8, offset);
      const hi =
        (bytes[next] as number) * 0x1000000 +
        (((bytes[next + 1] as number) << 16) | ((bytes[next + 2] as number) << 8) | (bytes[next + 3] as number));
      const lo =
        (bytes[next + 4] as number) * 0x1000000 +
        (((bytes[next + 5] as number) << 16) | ((bytes[next + 6] as number) << 8) | (bytes[next + 7] as number));
      // Above 2^53 the exact value does not matter: such a length or count can never fit.
      arg = hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + lo;
      next += 8;
    } else if (ai === 31) {
      if (major <= 1 || major >= 6) {
        failAt = pos;
        failReason = major === 6 ? 'indefinite-length tag' : 'indefinite-length integer';
        return SCAN_MALFORMED;
      }
      // Indefinite-length string, array or map: count it in this frame, then open a frame.
      if (pending > 0) pending--;
      else count++;
      afterTag = false;
      if (stack === undefined) stack = [];
      stack.push(pending, kind, count);
      pending = -1;
      kind = major;
      count = 0;
      pos = next;
      continue;
    } else {
      failAt = pos;
      failReason = `reserved additional information ${ai}`;
      return SCAN_MALFORMED;
    }
    pos = next;
    if (major === 6) {
      // A tag is followed by exactly one item, which is what the enclosing frame counts.
      afterTag = true;
      continue;
    }
    afterTag = false;
    if (pending > 0) pending--;
    else count++;
    if (major === 2 || major === 3) {
      if (arg > end - pos) return truncated(pos + arg, offset);
      pos += arg;
    } else if (major === 4 || major === 5) {
      const items = major === 5 ? arg * 2 : arg;
      // Every item takes at least one byte.
      if (items > end - pos) return truncated(pos + items, offset);
      if (items > 0) {
        if (pending === -1) {
          // A definite container inside an indefinite one gets its own frame.
          if (stack === undefined) stack = [];
          stack.push(pending, kind, count);
          pending = items;
          kind = major;
          count = 0;
        } else {
          pending += items;
        }
      }
    }
  }
}

/**
 * Measures the CBOR item at `offset` like {@link scanItem} (same `end` and `lenient`), with a descriptive result:
 * its length, or `truncated` with the lower bound of the length it needs ({@link scanNeeded}), or `malformed` with
 * the offending offset and a reason.
 *
 * @example
 * ```ts
 * measureItem(new Uint8Array([0x1c]), 0); // { kind: 'malformed', offset: 0, at: 0, reason: 'reserved additional information 28' }
 * ```
 */
export function measureItem(
  bytes: Uint8Array,
  offset: number,
  end: number = bytes.length,
  lenient = false,
): MeasureResult {
  const length = scanItem(bytes, offset, end, lenient);
  if (length >= 0) return { kind: 'item', offset, length };
  if (length === SCAN_TRUNCATED) return { kind: 'truncated', offset, needed: needLength };
  return { kind: 'malformed', offset, at: failAt, reason: failReason };
}

/**
 * After {@link scanItem} returned {@link SCAN_TRUNCATED}: a lower bound of the item's total length in bytes
 * (counted from the offset given to `scanItem`), never more than the complete item's length and always more than
 * the bytes that were available. It reaches the end of the head or string being cut, or one byte per element
 * still missing in the container being cut: for a cut string (a payload split by a chunk boundary) it is the
 * exact end of that string, so a streaming reader can wait for that many bytes instead of growing its window and
 * rescanning, and can refuse an oversized declared length before buffering anything. Read it right after
 * `scanItem` (the next scan overwrites it); no allocation.
 *
 * @example
 * ```ts
 * const bytes = new Uint8Array([0x5a, 0x00, 0x10, 0x00, 0x00, 0x01]); // bytes(1 MiB), 1 byte present
 * scanItem(bytes, 0); // SCAN_TRUNCATED
 * scanNeeded(); // 1048581 (5-byte head + 1048576)
 * ```
 */
export function scanNeeded(): number {
  return needLength;
}

/** The reason of the last {@link SCAN_MALFORMED} result (internal, for error messages). */
export function lastScanFailure(): { at: number; reason: string } {
  return { at: failAt, reason: failReason };
}
