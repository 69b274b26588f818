/**
 * Structural CBOR item scanner: measures one item without decoding it, in one call over bytes in memory
 * ({@link scanItem}, {@link measureItem}) or resumably over bytes that arrive in chunks ({@link ItemScanner}),
 * with a nesting limit.
 *
 * @module
 */
import { CborSchemaError, DEFAULT_MAX_DEPTH } from './errors.js';

/** {@link scanItem} result: the item runs past the end of the input. */
export const SCAN_TRUNCATED = -1;
/** {@link scanItem} result: the bytes are not well-formed CBOR (call {@link measureItem} for the reason). */
export const SCAN_MALFORMED = -2;
/** {@link scanItem} result: arrays, maps and tags nest deeper than the depth limit. */
export const SCAN_TOO_DEEP = -3;

/** Options of the scanner. */
export interface ScanOptions {
  /**
   * Also size three forms that are not well-formed but still delimit an item: a two-byte simple value below 32,
   * an indefinite-length map with an odd number of items, and a break right after a tag (the break closes the
   * enclosing indefinite item). Such an item is measured (its decoding will fail), so a reader can report it
   * and continue with the next one instead of losing the boundary. Default `false`.
   */
  lenient?: boolean;
  /**
   * Deepest nesting of arrays, maps and tags accepted: the root item is at depth 0, the items of a root array
   * at depth 1. Deeper items give {@link SCAN_TOO_DEEP}. Default {@link DEFAULT_MAX_DEPTH} (512).
   */
  maxDepth?: number;
}

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
       * present; always more than the bytes available (see {@link ItemScanner.needed}).
       */
      needed: number;
    }
  | {
      /** The bytes are not well-formed CBOR, or nest too deeply: the item's boundary is not known. */
      kind: 'malformed' | 'too-deep';
      /** Offset of the item's first byte. */
      offset: number;
      /** Offset of the offending byte. */
      at: number;
      /** Why, e.g. `reserved additional information 28`. */
      reason: string;
    };

const MAJOR_NAMES = ['uint', 'negative int', 'bytes', 'text', 'array', 'map', 'tag', 'simple/float'];

function checkDepth(maxDepth: number): number {
  if (!(maxDepth >= 0)) {
    throw new CborSchemaError('INVALID_ARGUMENT', `maxDepth must be a non-negative number, got ${String(maxDepth)}`);
  }
  return maxDepth;
}

/**
 * Measures one CBOR item, resumably: {@link ItemScanner.scan} reads the bytes it is given from where it stopped
 * and either finishes (the item's length), or stops at an item boundary asking for more ({@link SCAN_TRUNCATED},
 * with {@link ItemScanner.needed} and {@link ItemScanner.position}), or fails. No byte is scanned twice, so a
 * streaming reader measures an item that arrives in many chunks in time proportional to its size; declared
 * lengths are compared with the bytes present, never allocated. Memory: one frame per open container that still
 * has items after a nested one, bounded by the depth limit.
 *
 * @example
 * ```ts
 * const scanner = new ItemScanner();
 * scanner.scan(firstChunk, 0);              // SCAN_TRUNCATED: needs more
 * const view = joined.subarray(scanner.position);
 * const length = scanner.scan(view, scanner.position); // the item's length once complete
 * ```
 */
export class ItemScanner {
  /** Offset (from the item's first byte) of the next byte to scan. */
  position = 0;
  /**
   * After {@link SCAN_TRUNCATED}: a lower bound of the item's total length (from its first byte), never more
   * than the complete item's length and always more than the bytes scanned: the exact end of a cut head or
   * string, or one byte per element still missing in the containers being cut. A streaming reader waits for
   * that many bytes, and can refuse an oversized declared length before buffering anything.
   */
  needed = 0;
  /**
   * After {@link SCAN_TRUNCATED}: how many of the item's bytes (from its first byte) must exist before another
   * scan can make progress — the end of the cut head or string it stopped at, or one byte after the view. At most
   * {@link ItemScanner.needed}; a streaming reader with fewer bytes waits instead of scanning again.
   */
  resumeAt = 0;
  /** After {@link SCAN_MALFORMED} or {@link SCAN_TOO_DEEP}: offset (from the item's first byte) of the offending byte. */
  failAt = 0;
  /** After {@link SCAN_MALFORMED} or {@link SCAN_TOO_DEEP}: why. */
  reason = '';
  private readonly lenient: boolean;
  private readonly maxDepth: number;
  // Current frame: items still to read (-1 = indefinite), container kind (4 array, 5 map, 2/3 string chunks),
  // items read so far (indefinite frames) and the depth of its items.
  private pending = 1;
  private kind = 0;
  private count = 0;
  private depth = 0;
  // Tags read before the current item (they add to its depth).
  private tags = 0;
  // Enclosing frames that still have items, as [pending, kind, count, depth] quadruples, and the sum of their
  // positive `pending` counts (kept as frames are pushed and popped, so a cut item's lower bound costs O(1)).
  private readonly stack: number[] = [];
  private stackPending = 0;

  constructor(options: ScanOptions = {}) {
    this.lenient = options.lenient === true;
    this.maxDepth = checkDepth(options.maxDepth ?? DEFAULT_MAX_DEPTH);
  }

  /**
   * Measures, in one call, the item at `offset` of `bytes` (not reading at or after `end`) whose own depth is
   * `depth` (its items are at `depth + 1`). Same results as {@link ItemScanner.scan} after a reset.
   */
  scanFrom(bytes: Uint8Array, offset: number, end: number, depth = 0): number {
    this.reset();
    this.depth = depth;
    return this.scan(bytes, -offset, Math.min(end, bytes.length) - offset);
  }

  /** Starts over for a new item. */
  reset(): void {
    this.position = 0;
    this.needed = 0;
    this.resumeAt = 0;
    this.pending = 1;
    this.kind = 0;
    this.count = 0;
    this.depth = 0;
    this.tags = 0;
    this.stack.length = 0;
    this.stackPending = 0;
  }

  /**
   * Scans on from {@link ItemScanner.position}. `view[0]` is the item's byte at offset `viewStart` (at most
   * `position`); `end` (default: the end of `view`) is how many of the item's bytes exist, possibly more than
   * the view holds (string contents are skipped without being looked at). Returns the item's length (≥ 1), or
   * {@link SCAN_TRUNCATED} with {@link ItemScanner.needed}: when `needed <= end`, the bytes exist and the view
   * ended, so call again with a view at {@link ItemScanner.position}; otherwise wait for more bytes. Or
   * {@link SCAN_MALFORMED} / {@link SCAN_TOO_DEEP} (then {@link ItemScanner.failAt}, {@link ItemScanner.reason}).
   */
  scan(view: Uint8Array, viewStart: number, end: number = viewStart + view.length): number {
    const lenient = this.lenient;
    const maxDepth = this.maxDepth;
    const stack = this.stack;
    let pending = this.pending;
    let kind = this.kind;
    let count = this.count;
    let depth = this.depth;
    let tags = this.tags;
    let stackPending = this.stackPending;
    let pos = this.position;
    // Head bytes are read up to `limit`; string contents are skipped up to `end`.
    const limit = Math.min(end, viewStart + view.length);
    // Outcome: >= 0 done, SCAN_TRUNCATED with `need`, or a failure at `pos` with `reason`.
    let result = 0;
    let need = 0;
    let reason = '';
    for (;;) {
      // Pop finished frames.
      while (pending === 0 && stack.length !== 0) {
        depth = stack.pop() as number;
        count = stack.pop() as number;
        kind = stack.pop() as number;
        pending = stack.pop() as number;
        if (pending > 0) stackPending -= pending;
      }
      if (pending === 0) {
        result = pos;
        break;
      }
      if (pos >= limit) {
        result = SCAN_TRUNCATED;
        need = pos + 1;
        break;
      }
      const ib = view[pos - viewStart] as number;
      if (ib === 0xff) {
        if (pending !== -1 || (tags > 0 && !lenient)) {
          result = SCAN_MALFORMED;
          reason =
            tags > 0 && !lenient ? 'break byte after a tag' : 'break byte (0xff) outside an indefinite-length item';
          break;
        }
        if (kind === 5 && (count & 1) === 1 && !lenient) {
          result = SCAN_MALFORMED;
          reason = 'indefinite-length map with an odd number of items';
          break;
        }
        pos++;
        tags = 0;
        depth = stack.pop() as number;
        count = stack.pop() as number;
        kind = stack.pop() as number;
        pending = stack.pop() as number;
        if (pending > 0) stackPending -= pending;
        continue;
      }
      const major = ib >> 5;
      const ai = ib & 31;
      if (pending === -1 && (kind === 2 || kind === 3) && (major !== kind || ai === 31)) {
        result = SCAN_MALFORMED;
        reason = `indefinite-length ${MAJOR_NAMES[kind]} holds a chunk of another kind`;
        break;
      }
      let arg = ai;
      let next = pos + 1;
      if (ai >= 24) {
        if (ai === 24) {
          if (next + 1 > limit) {
            result = SCAN_TRUNCATED;
            need = next + 1;
            break;
          }
          arg = view[next - viewStart] as number;
          if (major === 7 && arg < 32 && !lenient) {
            result = SCAN_MALFORMED;
            reason = `two-byte simple value ${arg} (< 32)`;
            break;
          }
          next += 1;
        } else if (ai === 25) {
          if (next + 2 > limit) {
            result = SCAN_TRUNCATED;
            need = next + 2;
            break;
          }
          const q = next - viewStart;
          arg = ((view[q] as number) << 8) | (view[q + 1] as number);
          next += 2;
        } else if (ai === 26) {
          if (next + 4 > limit) {
            result = SCAN_TRUNCATED;
            need = next + 4;
            break;
          }
          const q = next - viewStart;
          arg =
            (view[q] as number) * 0x1000000 +
            (((view[q + 1] as number) << 16) | ((view[q + 2] as number) << 8) | (view[q + 3] as number));
          next += 4;
        } else if (ai === 27) {
          if (next + 8 > limit) {
            result = SCAN_TRUNCATED;
            need = next + 8;
            break;
          }
          const q = next - viewStart;
          const hi =
            (view[q] as number) * 0x1000000 +
            (((view[q + 1] as number) << 16) | ((view[q + 2] as number) << 8) | (view[q + 3] as number));
          const lo =
            (view[q + 4] as number) * 0x1000000 +
            (((view[q + 5] as number) << 16) | ((view[q + 6] as number) << 8) | (view[q + 7] as number));
          // Above 2^53 the exact value does not matter: such a length or count can never fit.
          arg = hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + lo;
          next += 8;
        } else if (ai === 31) {
          if (major <= 1 || major >= 6) {
            result = SCAN_MALFORMED;
            reason = major === 6 ? 'indefinite-length tag' : 'indefinite-length integer';
            break;
          }
          // Indefinite-length string, array or map: count it in this frame, then open a frame.
          const inner = depth + tags + 1;
          if (inner > maxDepth && major >= 4) {
            result = SCAN_TOO_DEEP;
            reason = `nesting deeper than ${maxDepth} levels`;
            break;
          }
          if (pending > 0) pending--;
          else count++;
          tags = 0;
          stack.push(pending, kind, count, depth);
          if (pending > 0) stackPending += pending;
          pending = -1;
          kind = major;
          count = 0;
          depth = inner;
          pos = next;
          continue;
        } else {
          result = SCAN_MALFORMED;
          reason = `reserved additional information ${ai}`;
          break;
        }
      }
      if (major === 6) {
        // A tag is followed by exactly one item, which is what the enclosing frame counts; it nests one level.
        if (depth + tags + 1 > maxDepth) {
          result = SCAN_TOO_DEEP;
          reason = `nesting deeper than ${maxDepth} levels`;
          break;
        }
        tags++;
        pos = next;
        continue;
      }
      if (major === 2 || major === 3) {
        if (arg > end - next) {
          // Stop before the string's head: it is read again once the whole string is there.
          result = SCAN_TRUNCATED;
          need = next + arg;
          break;
        }
        next += arg;
      } else if ((major === 4 || major === 5) && arg > 0) {
        const items = major === 5 ? arg * 2 : arg;
        const inner = depth + tags + 1;
        if (inner > maxDepth) {
          result = SCAN_TOO_DEEP;
          reason = `nesting deeper than ${maxDepth} levels`;
          break;
        }
        if (pending > 0) pending--;
        else count++;
        tags = 0;
        // Only a frame that still has items is kept: a container that is the last item of its parent replaces it.
        if (pending !== 0) {
          stack.push(pending, kind, count, depth);
          if (pending > 0) stackPending += pending;
        }
        pending = items;
        kind = major;
        count = 0;
        depth = inner;
        pos = next;
        continue;
      }
      tags = 0;
      if (pending > 0) pending--;
      else count++;
      pos = next;
    }
    if (result === SCAN_TRUNCATED) {
      // Each still-missing item of the open frames takes at least one byte.
      this.needed = Math.max(need, pos + Math.max(pending, 0) + stackPending);
      this.resumeAt = need;
    } else if (result < 0) {
      this.failAt = pos;
      this.reason = reason;
      return result;
    }
    this.position = pos;
    this.pending = pending;
    this.kind = kind;
    this.count = count;
    this.depth = depth;
    this.tags = tags;
    this.stackPending = stackPending;
    return result;
  }
}

function scanner(lenient: boolean, maxDepth: number | undefined): ItemScanner {
  return new ItemScanner({ lenient, ...(maxDepth === undefined ? {} : { maxDepth }) });
}

/**
 * Measures the CBOR item starting at `offset` without decoding it. Returns the item's length in bytes (≥ 1),
 * {@link SCAN_TRUNCATED} when the item runs past `end`, {@link SCAN_MALFORMED} when the bytes are not well-formed
 * CBOR, or {@link SCAN_TOO_DEEP}. Declared lengths are compared with the bytes present, never allocated: a huge
 * length is simply truncated.
 *
 * @param bytes - the input.
 * @param offset - offset of the item's first byte.
 * @param end - end of the usable input (exclusive), default `bytes.length`.
 * @param options - `lenient` and `maxDepth` (see {@link ScanOptions}); `true` is short for `{ lenient: true }`.
 * @example
 * ```ts
 * scanItem(new Uint8Array([0x82, 0x01, 0x02]), 0); // 3
 * scanItem(new Uint8Array([0x82, 0x01]), 0); // SCAN_TRUNCATED
 * scanItem(new Uint8Array([0xff]), 0); // SCAN_MALFORMED
 * ```
 */
export function scanItem(
  bytes: Uint8Array,
  offset: number,
  end: number = bytes.length,
  options: ScanOptions | boolean = {},
): number {
  const opts = typeof options === 'boolean' ? { lenient: options } : options;
  return scanner(opts.lenient === true, opts.maxDepth).scanFrom(bytes, offset, end);
}

/**
 * Measures the CBOR item at `offset` like {@link scanItem} (same `end` and options), with a descriptive result:
 * its length, or `truncated` with the lower bound of the length it needs ({@link ItemScanner.needed}), or
 * `malformed`/`too-deep` with the offending offset and a reason.
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
  options: ScanOptions | boolean = {},
): MeasureResult {
  const opts = typeof options === 'boolean' ? { lenient: options } : options;
  const s = scanner(opts.lenient === true, opts.maxDepth);
  const length = s.scanFrom(bytes, offset, end);
  if (length >= 0) return { kind: 'item', offset, length };
  if (length === SCAN_TRUNCATED) return { kind: 'truncated', offset, needed: s.needed };
  return {
    kind: length === SCAN_TOO_DEEP ? 'too-deep' : 'malformed',
    offset,
    at: offset + s.failAt,
    reason: s.reason,
  };
}
