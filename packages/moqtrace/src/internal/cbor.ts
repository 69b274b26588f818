/**
 * Low-level CBOR helpers of the reader: typed value readers over spans of a buffer and the key-collecting map
 * walk. Item measuring ({@link skipItem}) and opaque values are `@x/cbor-schema`'s (`scanItem`/`scanNeeded`,
 * `decodeOpaque`), which is the only place that talks to cbor-x.
 *
 * @internal
 * @module
 */
import {
  CborTag,
  decodeOpaque as decodeOpaqueSpan,
  isCborTag,
  SCAN_MALFORMED,
  SCAN_TRUNCATED,
  scanItem,
  scanNeeded,
} from '@x/cbor-schema';

export { SCAN_MALFORMED, SCAN_TRUNCATED };

/** After a function of this module returned {@link SCAN_TRUNCATED}: lower bound of the end offset the item needs. */
export let scanNeed = 0;

/**
 * Measures the CBOR item starting at `pos` without decoding it (`@x/cbor-schema`'s lenient `scanItem`, sizing
 * items cbor-x then refuses as moqtrace always did: they are malformed events, not lost boundaries). Returns the
 * offset after it, {@link SCAN_TRUNCATED} (with {@link scanNeed} set from `scanNeeded`) or {@link SCAN_MALFORMED}.
 */
export function skipItem(b: Uint8Array, pos: number, end: number): number {
  const length = scanItem(b, pos, end, true);
  if (length >= 0) return pos + length;
  if (length === SCAN_TRUNCATED) scanNeed = pos + scanNeeded();
  return length;
}

function truncatedAt(need: number): number {
  scanNeed = need;
  return SCAN_TRUNCATED;
}

// ---------------------------------------------------------------------------------------------------------
// Typed readers over a value span [pos, end) that skipItem already measured. They return UNUSABLE when the
// value has the wrong type; ABSENT for CBOR undefined (counts as absent for known keys).

/** Marker: the value exists but has a type the key does not accept. */
export const UNUSABLE: unique symbol = Symbol('unusable');
/** Marker: CBOR `undefined`, treated as an absent key. */
export const ABSENT: unique symbol = Symbol('absent');

const f64 = new DataView(new ArrayBuffer(8));

function readArg(b: Uint8Array, pos: number, ai: number): number {
  switch (ai) {
    case 24:
      return b[pos] as number;
    case 25:
      return ((b[pos] as number) << 8) | (b[pos + 1] as number);
    case 26:
      return (
        (b[pos] as number) * 0x1000000 +
        (((b[pos + 1] as number) << 16) | ((b[pos + 2] as number) << 8) | (b[pos + 3] as number))
      );
    default:
      return ai;
  }
}

function read64(b: Uint8Array, pos: number): bigint {
  const hi =
    (b[pos] as number) * 0x1000000 +
    (((b[pos + 1] as number) << 16) | ((b[pos + 2] as number) << 8) | (b[pos + 3] as number));
  const lo =
    (b[pos + 4] as number) * 0x1000000 +
    (((b[pos + 5] as number) << 16) | ((b[pos + 6] as number) << 8) | (b[pos + 7] as number));
  if (hi < 0x200000) return BigInt(hi * 0x100000000 + lo);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function readFloat(b: Uint8Array, pos: number, ai: number): number {
  if (ai === 25) {
    const half = ((b[pos] as number) << 8) | (b[pos + 1] as number);
    const exp = (half >> 10) & 0x1f;
    const mant = half & 0x3ff;
    let value: number;
    if (exp === 0) value = mant * 2 ** -24;
    else if (exp === 31) value = mant === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
    else value = (mant + 1024) * 2 ** (exp - 25);
    return half & 0x8000 ? -value : value;
  }
  if (ai === 26) {
    for (let i = 0; i < 4; i++) f64.setUint8(i, b[pos + i] as number);
    return f64.getFloat32(0);
  }
  for (let i = 0; i < 8; i++) f64.setUint8(i, b[pos + i] as number);
  return f64.getFloat64(0);
}

/**
 * Reads an integer (major 0/1, any width, or an integral float). Returns a `number` when safe, a `bigint`
 * otherwise; `UNUSABLE` for anything else, `ABSENT` for undefined. `signed` false rejects negatives.
 */
export function readInteger(
  b: Uint8Array,
  pos: number,
  signed: boolean,
): number | bigint | typeof UNUSABLE | typeof ABSENT {
  const ib = b[pos] as number;
  const major = ib >> 5;
  const ai = ib & 31;
  if (major === 0) {
    if (ai < 27) return readArg(b, pos + 1, ai);
    if (ai === 27) {
      const big = read64(b, pos + 1);
      return big <= 9007199254740991n ? Number(big) : big;
    }
    return UNUSABLE;
  }
  if (major === 1) {
    if (!signed) return UNUSABLE;
    if (ai < 27) return -1 - readArg(b, pos + 1, ai);
    if (ai === 27) {
      const big = -1n - read64(b, pos + 1);
      return big >= -9007199254740991n ? Number(big) : big;
    }
    return UNUSABLE;
  }
  if (major === 7) {
    if (ib === 0xf7) return ABSENT;
    if (ai >= 25 && ai <= 27) {
      const value = readFloat(b, pos + 1, ai);
      if (!Number.isInteger(value)) return UNUSABLE;
      if (value < 0 && !signed) return UNUSABLE;
      if (Object.is(value, -0)) return 0;
      return Number.isSafeInteger(value) ? value : BigInt(value);
    }
  }
  return UNUSABLE;
}

/** Reads an unsigned integer id as a `bigint` (integral floats accepted). */
export function readId(b: Uint8Array, pos: number): bigint | typeof UNUSABLE | typeof ABSENT {
  const ib = b[pos] as number;
  if (ib < 0x18) return BigInt(ib);
  if (ib === 0x1b) return read64(b, pos + 1);
  const value = readInteger(b, pos, false);
  if (typeof value === 'number') return BigInt(value);
  return value;
}

/** Reads a text string, decoded exactly as cbor-x decodes it (lone surrogates survive). */
export function readText(b: Uint8Array, pos: number, end: number): string | typeof UNUSABLE | typeof ABSENT {
  const ib = b[pos] as number;
  if (ib >> 5 !== 3) return ib === 0xf7 ? ABSENT : UNUSABLE;
  const ai = ib & 31;
  if (ai < 24) {
    // short string: ASCII fast path
    const start = pos + 1;
    let ascii = true;
    for (let i = start; i < start + ai; i++) {
      if ((b[i] as number) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      if (ai === 0) return '';
      // biome-ignore lint/suspicious/noExplicitAny: apply over a typed array view
      return String.fromCharCode.apply(null, b.subarray(start, start + ai) as any);
    }
  }
  if (ai === 31) return UNUSABLE; // indefinite strings: cbor-x refuses them
  return decodeOpaque(b, pos, end) as string;
}

/** Reads a byte string, bare or under tag 64, as a view (no copy) or a copy. */
export function readBytes(b: Uint8Array, pos: number, copy: boolean): Uint8Array | typeof UNUSABLE | typeof ABSENT {
  let ib = b[pos] as number;
  if (ib === 0xd8 && b[pos + 1] === 0x40) {
    pos += 2;
    ib = b[pos] as number;
  }
  if (ib >> 5 !== 2) return ib === 0xf7 ? ABSENT : UNUSABLE;
  const ai = ib & 31;
  if (ai > 27) return UNUSABLE;
  let length: number;
  let start: number;
  if (ai < 24) {
    length = ai;
    start = pos + 1;
  } else if (ai === 27) {
    length = Number(read64(b, pos + 1));
    start = pos + 9;
  } else {
    length = readArg(b, pos + 1, ai);
    start = pos + 1 + (1 << (ai - 24));
  }
  if (copy) return b.slice(start, start + length);
  return new Uint8Array(b.buffer, b.byteOffset + start, length);
}

/** Reads a boolean. */
export function readBoolean(b: Uint8Array, pos: number): boolean | typeof UNUSABLE | typeof ABSENT {
  const ib = b[pos] as number;
  if (ib === 0xf5) return true;
  if (ib === 0xf4) return false;
  return ib === 0xf7 ? ABSENT : UNUSABLE;
}

/** Reads a float or integer as a `number` (no bigint); for `effectiveRate`. */
export function readReal(b: Uint8Array, pos: number): number | typeof UNUSABLE | typeof ABSENT {
  const ib = b[pos] as number;
  const major = ib >> 5;
  const ai = ib & 31;
  if (major === 7 && ai >= 25 && ai <= 27) return readFloat(b, pos + 1, ai);
  const value = readInteger(b, pos, true);
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** True when the value at `pos` is a definite or indefinite map. */
export function isMap(b: Uint8Array, pos: number): boolean {
  return (b[pos] as number) >> 5 === 5;
}

/** True when the value at `pos` is CBOR undefined. */
export function isUndefined(b: Uint8Array, pos: number): boolean {
  return b[pos] === 0xf7;
}

// ---------------------------------------------------------------------------------------------------------
// Opaque values: decoded exactly as cbor-x 1.6 does with {useRecords: false, mapsAsObjects: true}.

/** Decodes the CBOR item occupying exactly [start, end) (cbor-schema's `decodeOpaque`). Throws what cbor-x throws. */
export function decodeOpaque(b: Uint8Array, start: number, end: number): unknown {
  return decodeOpaqueSpan(b, start, end);
}

/** True when `value` is a cbor-x `Tag` (an unrecognised tag kept with its number). */
export function isTag(value: unknown): value is { tag: number; value: unknown } {
  return isCborTag(value);
}

/** Creates a cbor-x `Tag` (used by NDJSON import for `$tag`). */
export function makeTag(tag: number, value: unknown): unknown {
  return new CborTag(value, tag);
}

// ---------------------------------------------------------------------------------------------------------
// Map walking: collects the entries of a top-level map as (key, value start, value end) triples.

/** Result codes of {@link walkMap} besides a non-negative end offset. */
export const WALK_NOT_MAP = -3;
/** A key that cbor-x cannot turn into a property name (bytes, array, map). */
export const WALK_BAD_KEY = -4;

/** Entries collected by {@link walkMap}: keys, key ids, value starts and value ends. Reused between calls. */
export class MapEntries {
  keys: string[] = [];
  /** Id of each key in the registered key list ({@link registerKeys}), -1 for other keys. */
  ids: number[] = [];
  starts: number[] = [];
  ends: number[] = [];
  count = 0;
  duplicates: string[] | undefined;
  /** Per registered key id: generation of the walk that saw it, and its entry index. */
  readonly seenGeneration = new Uint32Array(64);
  readonly seenIndex = new Int32Array(64);
  generation = 0;
  reset(): void {
    this.count = 0;
    this.duplicates = undefined;
    if (++this.generation === 0xffffffff) {
      this.seenGeneration.fill(0);
      this.generation = 1;
    }
  }
}

interface CachedKey {
  key: string;
  id: number;
}

const keyCache = new Map<number, CachedKey>();
const keyIds = new Map<string, number>();

/** Registers the keys that get numeric ids in {@link MapEntries.ids} (at most 64). */
export function registerKeys(keys: readonly string[]): void {
  keys.forEach((key, index) => {
    if (!keyIds.has(key)) keyIds.set(key, index);
  });
  keyCache.clear();
  oneByteKeys.fill(undefined);
  twoByteKeys.fill(undefined);
}

let lastKeyId = -1;

const oneByteKeys: (CachedKey | undefined)[] = new Array(128);
const twoByteKeys: (CachedKey | undefined)[] = new Array(128 * 128);

/** Short ASCII text keys (≤ 6 bytes) are interned: bytes and length packed exactly into one number. */
function shortKey(b: Uint8Array, start: number, length: number): string | undefined {
  if (length === 1) {
    const c = b[start] as number;
    const hit = oneByteKeys[c];
    if (hit !== undefined) {
      lastKeyId = hit.id;
      return hit.key;
    }
  } else if (length === 2) {
    const c = (b[start] as number) * 128 + (b[start + 1] as number);
    const hit = twoByteKeys[c];
    if (hit !== undefined) {
      lastKeyId = hit.id;
      return hit.key;
    }
  }
  let packed = length;
  for (let i = 0; i < length; i++) {
    const c = b[start + i] as number;
    if (c >= 0x80) return undefined;
    packed = packed * 128 + c;
  }
  let cached = keyCache.get(packed);
  if (cached === undefined) {
    let key = String.fromCharCode(...b.subarray(start, start + length));
    if (key === '__proto__') key = '__proto_';
    cached = { key, id: keyIds.get(key) ?? -1 };
    if (keyCache.size < 4096) keyCache.set(packed, cached);
  }
  if (length === 1) oneByteKeys[b[start] as number] = cached;
  else if (length === 2) twoByteKeys[(b[start] as number) * 128 + (b[start + 1] as number)] = cached;
  lastKeyId = cached.id;
  return cached.key;
}

function keyString(b: Uint8Array, pos: number, end: number): string | undefined {
  const ib = b[pos] as number;
  const major = ib >> 5;
  if (major === 3) {
    const ai = ib & 31;
    if (ai <= 6) {
      const key = shortKey(b, pos + 1, ai);
      if (key !== undefined) return key;
    }
    const text = readText(b, pos, end);
    if (typeof text !== 'string') return undefined;
    const key = text === '__proto__' ? '__proto_' : text;
    lastKeyId = keyIds.get(key) ?? -1;
    return key;
  }
  lastKeyId = -1;
  if (major === 2 || major === 4 || major === 5) return undefined;
  // numbers, booleans, null, undefined, tags: as cbor-x's safeKey does
  let value: unknown;
  try {
    value = decodeOpaque(b, pos, end);
  } catch {
    return undefined;
  }
  if (typeof value === 'string') {
    const key = value === '__proto__' ? '__proto_' : value;
    lastKeyId = keyIds.get(key) ?? -1;
    return key;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  if (value === null || value === undefined) return `${value}`;
  return undefined;
}

/** Skips one value, with inline fast paths for the common scalar heads. */
function skipValue(b: Uint8Array, pos: number, end: number): number {
  const ib = b[pos] as number;
  if (ib < 0x18 || (ib >= 0x20 && ib < 0x38) || (ib >= 0xf4 && ib <= 0xf7))
    return pos + 1 <= end ? pos + 1 : truncatedAt(pos + 1);
  let next: number;
  switch (ib) {
    case 0x18:
    case 0x38:
      next = pos + 2;
      break;
    case 0x19:
    case 0x39:
      next = pos + 3;
      break;
    case 0x1a:
    case 0x3a:
      next = pos + 5;
      break;
    case 0x1b:
    case 0x3b:
    case 0xfb:
      next = pos + 9;
      break;
    default:
      if ((ib >= 0x40 && ib < 0x58) || (ib >= 0x60 && ib < 0x78)) next = pos + 1 + (ib & 31);
      else return skipItem(b, pos, end);
  }
  return next <= end ? next : truncatedAt(next);
}

/**
 * Walks the map at `pos`: fills `out` (duplicate keys keep the first position and the last value, as a JS
 * object assignment does) and returns the end offset, or SCAN_TRUNCATED / SCAN_MALFORMED / WALK_NOT_MAP /
 * WALK_BAD_KEY (for the last two the item end is in {@link walkEnd}).
 */
export function walkMap(b: Uint8Array, pos: number, end: number, out: MapEntries): number {
  out.reset();
  const ib = b[pos] as number;
  if (ib >> 5 !== 5) {
    const after = skipItem(b, pos, end);
    if (after < 0) return after;
    walkEnd = after;
    return WALK_NOT_MAP;
  }
  const ai = ib & 31;
  let count: number;
  pos++;
  if (ai < 24) count = ai;
  else if (ai === 31) count = -1;
  else if (ai <= 27) {
    const width = 1 << (ai - 24);
    if (pos + width > end) return truncatedAt(pos + width);
    count = ai === 27 ? Number(read64(b, pos)) : readArg(b, pos, ai);
    pos += width;
  } else return SCAN_MALFORMED;
  let badKey = false;
  const generation = out.generation;
  const seenGeneration = out.seenGeneration;
  const seenIndex = out.seenIndex;
  const keys = out.keys;
  const ids = out.ids;
  const starts = out.starts;
  const ends = out.ends;
  for (let i = 0; count < 0 || i < count; i++) {
    if (pos >= end) return truncatedAt(pos + 1);
    const kb = b[pos] as number;
    if (count < 0 && kb === 0xff) {
      pos++;
      break;
    }
    const keyEnd = kb >= 0x60 && kb < 0x78 ? pos + 1 + (kb & 31) : skipItem(b, pos, end);
    if (keyEnd < 0) return keyEnd;
    if (keyEnd > end) return truncatedAt(keyEnd);
    const valueEnd = skipValue(b, keyEnd, end);
    if (valueEnd < 0) return valueEnd;
    if (!badKey) {
      const key = keyString(b, pos, keyEnd);
      if (key === undefined) badKey = true;
      else {
        const id = lastKeyId;
        let found = -1;
        if (id >= 0) {
          if (seenGeneration[id] === generation) found = seenIndex[id] as number;
        } else {
          for (let k = 0; k < out.count; k++) {
            if (ids[k] === -1 && keys[k] === key) {
              found = k;
              break;
            }
          }
        }
        if (found >= 0) {
          starts[found] = keyEnd;
          ends[found] = valueEnd;
          (out.duplicates ??= []).push(key);
        } else {
          const n = out.count;
          keys[n] = key;
          ids[n] = id;
          starts[n] = keyEnd;
          ends[n] = valueEnd;
          if (id >= 0) {
            seenGeneration[id] = generation;
            seenIndex[id] = n;
          }
          out.count = n + 1;
        }
      }
    }
    pos = valueEnd;
  }
  if (badKey) {
    walkEnd = pos;
    return WALK_BAD_KEY;
  }
  return pos;
}

/** End offset of the item after {@link walkMap} returned WALK_NOT_MAP or WALK_BAD_KEY. */
export let walkEnd = 0;
