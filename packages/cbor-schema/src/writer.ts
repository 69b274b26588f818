/**
 * The CBOR output buffer under every encoder of the package: shortest heads, normal-form opaque values (with the
 * options that make them read back as they were), deterministic map sorting, and path-carrying failures.
 *
 * @internal
 * @module
 */
import { CborSchemaError, DEFAULT_MAX_DEPTH } from './errors.js';
import { isCborTag } from './opaque.js';

const TWO32 = 0x100000000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const textEncoder = new TextEncoder();

/** How opaque values (`c.any()` fields, stores) are written beyond the normal form. */
export interface OpaqueOptions {
  /**
   * Write a `Map` as tag 259 around its map (cbor-x's convention), so that it reads back as a `Map`.
   * Default false: a plain map (reads back as an object).
   */
  mapTag?: boolean;
  /**
   * Write lone UTF-16 surrogates as their three-byte WTF-8 form, the bytes cbor-x and the JS reference writers
   * produce (e.g. `ed a0 80`), instead of U+FFFD. Default false.
   */
  wtf8?: boolean;
  /** Write functions and symbols as `null`, as cbor-x does. Default false: they are `INVALID_VALUE`. */
  functionsAsNull?: boolean;
}

/** A growable output buffer with CBOR primitives. */
export class Out {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  /** Write RFC 8949 core deterministic encoding (sorted map keys, shortest floats). */
  deterministic = false;
  /** Value mode (for decodeValue): keep `undefined` as CBOR undefined. */
  keepUndefined = false;
  mapTag = false;
  wtf8 = false;
  functionsAsNull = false;
  /** A reservation for the root struct being written: the field, its placeholder key and entry bytes. */
  reserveField: string | undefined;
  reserveKey = '';
  reservePlaceholder: Uint8Array = new Uint8Array(0);
  /** Offset of the placeholder entry written for the reservation, or -1. */
  reservedAt = -1;

  constructor(size = 4096) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  grow(needed: number): void {
    let size = Math.max(this.buf.length * 2, 64);
    while (size < this.pos + needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = v;
  }

  /** Head with a number argument (0 ≤ n ≤ 2^53−1), shortest form. */
  head(major: number, n: number): void {
    if (this.pos + 9 > this.buf.length) this.grow(9);
    const buf = this.buf;
    const m = major << 5;
    let p = this.pos;
    if (n < 24) buf[p++] = m | n;
    else if (n < 0x100) {
      buf[p++] = m | 24;
      buf[p++] = n;
    } else if (n < 0x10000) {
      buf[p++] = m | 25;
      buf[p++] = n >> 8;
      buf[p++] = n & 0xff;
    } else if (n < TWO32) {
      buf[p++] = m | 26;
      buf[p++] = n >>> 24;
      buf[p++] = (n >> 16) & 0xff;
      buf[p++] = (n >> 8) & 0xff;
      buf[p++] = n & 0xff;
    } else {
      const hi = Math.floor(n / TWO32);
      const lo = n - hi * TWO32;
      buf[p++] = m | 27;
      buf[p++] = hi >>> 24;
      buf[p++] = (hi >> 16) & 0xff;
      buf[p++] = (hi >> 8) & 0xff;
      buf[p++] = hi & 0xff;
      buf[p++] = lo >>> 24;
      buf[p++] = (lo >> 16) & 0xff;
      buf[p++] = (lo >> 8) & 0xff;
      buf[p++] = lo & 0xff;
    }
    this.pos = p;
  }

  /** Head with a bigint argument (0 ≤ n < 2^64); `full` forces the 8-byte form. */
  headBig(major: number, n: bigint, full: boolean): void {
    if (!full && n <= 0x1fffffffffffffn) {
      this.head(major, Number(n));
      return;
    }
    if (this.pos + 9 > this.buf.length) this.grow(9);
    this.buf[this.pos] = (major << 5) | 27;
    this.view.setBigUint64(this.pos + 1, n);
    this.pos += 9;
  }

  /** Integer (number), shortest form; the caller checks Number.isInteger. */
  int(v: number): void {
    if (v >= 0) {
      if (v <= MAX_SAFE) this.head(0, v);
      else this.headBig(0, BigInt(v), false);
    } else if (v >= -MAX_SAFE) this.head(1, -1 - v);
    else this.headBig(1, -1n - BigInt(v), false);
  }

  /** Integer (bigint within 64 bits), shortest or full 8-byte form. */
  bigInt(v: bigint, full: boolean): void {
    if (v >= 0n) this.headBig(0, v, full);
    else this.headBig(1, -1n - v, full);
  }

  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    if (n < 16) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = bytes[i] as number;
      this.pos = p;
    } else {
      this.buf.set(bytes, this.pos);
      this.pos += n;
    }
  }

  bytes(bytes: Uint8Array): void {
    this.head(2, bytes.length);
    this.raw(bytes);
  }

  text(s: string): void {
    const n = s.length;
    if (n < 24) {
      if (this.pos + n + 1 > this.buf.length) this.grow(n + 1);
      const buf = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const ch = s.charCodeAt(i);
        if (ch >= 0x80) break;
        buf[p++] = ch;
      }
      if (i === n) {
        buf[start] = 0x60 | n;
        this.pos = p;
        return;
      }
    }
    const encoded = this.wtf8 ? encodeWtf8(s) : textEncoder.encode(s);
    this.head(3, encoded.length);
    this.raw(encoded);
  }

  float(v: number): void {
    if (this.pos + 9 > this.buf.length) this.grow(9);
    if (this.deterministic) {
      const h = toHalf(v);
      if (h !== -1) {
        this.buf[this.pos] = 0xf9;
        this.view.setUint16(this.pos + 1, h);
        this.pos += 3;
        return;
      }
      if (Number.isNaN(v) || Math.fround(v) === v) {
        this.buf[this.pos] = 0xfa;
        this.view.setFloat32(this.pos + 1, v);
        this.pos += 5;
        return;
      }
    }
    this.buf[this.pos] = 0xfb;
    this.view.setFloat64(this.pos + 1, v);
    this.pos += 9;
  }

  /** A copy of the written bytes. */
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Empties the buffer for reuse (options are set again by whoever reuses it). */
  clear(): void {
    this.pos = 0;
    this.keepUndefined = false;
    this.reserveField = undefined;
    this.reservedAt = -1;
  }

  /** Throws an {@link EncodeFailure}; enclosing writers add their path segments. */
  invalid(expected: string, value: unknown, detail?: string): never {
    throw new EncodeFailure(expected, describeValue(value), detail);
  }

  /**
   * Sorts the map pairs written since `pairs[0]` (pairs given as [keyStart, valueStart] offsets) by their key
   * bytes, as RFC 8949 §4.2.1 requires.
   */
  sortPairs(pairs: number[]): void {
    const n = pairs.length / 2;
    if (n < 2) return;
    const start = pairs[0] as number;
    const end = this.pos;
    const region = this.buf.slice(start, end);
    const items: { k0: number; k1: number; end: number }[] = [];
    for (let i = 0; i < n; i++) {
      items.push({
        k0: (pairs[i * 2] as number) - start,
        k1: (pairs[i * 2 + 1] as number) - start,
        end: (i + 1 < n ? (pairs[(i + 1) * 2] as number) : end) - start,
      });
    }
    items.sort((a, b) => {
      const la = a.k1 - a.k0;
      const lb = b.k1 - b.k0;
      const m = Math.min(la, lb);
      for (let i = 0; i < m; i++) {
        const d = (region[a.k0 + i] as number) - (region[b.k0 + i] as number);
        if (d !== 0) return d;
      }
      return la - lb;
    });
    let p = start;
    for (const item of items) {
      this.buf.set(region.subarray(item.k0, item.end), p);
      p += item.end - item.k0;
    }
  }

  /**
   * Fixes a map head written as one byte at `at` for `count` pairs: when `count` needs a longer head, the bytes
   * after it move right.
   */
  fixMapHead(at: number, count: number): void {
    if (count < 24) {
      this.buf[at] = 0xa0 | count;
      return;
    }
    const extra = count < 0x100 ? 1 : count < 0x10000 ? 2 : 4;
    if (this.pos + extra > this.buf.length) this.grow(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    const end = this.pos + extra;
    this.pos = at;
    this.head(5, count);
    this.pos = end;
  }
}

/** Shortest CBOR encoding of a text or safe-integer map key. */
export function encodeKey(key: string | number): Uint8Array {
  const w = new Out(16);
  if (typeof key === 'string') w.text(key);
  else w.int(key);
  return w.result();
}

/** An encode failure travelling up through the writers, collecting the path. */
export class EncodeFailure {
  segs: (string | number)[] = [];
  constructor(
    readonly expected: string,
    readonly found: string,
    readonly detail: string | undefined,
  ) {}
  toError(): CborSchemaError {
    let path = '';
    for (const seg of this.segs) path += typeof seg === 'number' ? `[${seg}]` : path === '' ? seg : `.${seg}`;
    const message = this.detail ?? `expected ${this.expected}, got ${this.found}`;
    return new CborSchemaError('INVALID_VALUE', `${path === '' ? '' : `${path}: `}${message}`, {
      path,
      expected: this.expected,
      found: this.found,
    });
  }
}

/** Float16 bits of `v` when exact, else -1. */
function toHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  if (v === Number.POSITIVE_INFINITY) return 0x7c00;
  if (v === Number.NEGATIVE_INFINITY) return 0xfc00;
  if (v === 0) return Object.is(v, -0) ? 0x8000 : 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  // Subnormals: multiples of 2^-24 below 2^-14.
  if (a < 2 ** -14) {
    const m = a * 2 ** 24;
    return Number.isInteger(m) ? sign | m : -1;
  }
  const exp = Math.floor(Math.log2(a));
  if (exp > 15) return -1;
  const m = (a / 2 ** exp - 1) * 1024;
  if (!Number.isInteger(m) || 2 ** exp * (1 + m / 1024) !== a) return -1;
  return sign | ((exp + 15) << 10) | m;
}

/** UTF-8 with lone surrogates encoded as 3-byte sequences (the bytes cbor-x writes and reads back). */
export function encodeWtf8(value: string): Uint8Array {
  const out = new Uint8Array(value.length * 3);
  let p = 0;
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (c < 0x80) out[p++] = c;
    else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
        const next = value.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          out[p++] = 0xf0 | (c >> 18);
          out[p++] = 0x80 | ((c >> 12) & 0x3f);
          out[p++] = 0x80 | ((c >> 6) & 0x3f);
          out[p++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  return out.subarray(0, p);
}

/** Short description of a JS value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'Uint8Array';
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  if (typeof value === 'bigint') return `bigint ${value}`;
  if (typeof value === 'string') return 'string';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

const TYPED_ARRAY_TAGS: [new (...args: never[]) => ArrayBufferView, number][] = [
  [Uint8ClampedArray, 68],
  [Uint16Array, 69],
  [Uint32Array, 70],
  [BigUint64Array, 71],
  [Int8Array, 72],
  [Int16Array, 77],
  [Int32Array, 78],
  [BigInt64Array, 79],
  [Float32Array, 85],
  [Float64Array, 86],
];

/**
 * Writes an opaque value in normal form: integral numbers as CBOR integers (`-0` → 0), bigints in the 8-byte
 * form (beyond 64 bits: tags 2/3), `Uint8Array` and `ArrayBuffer` as bare bytes, `undefined` as null (or CBOR
 * undefined in value mode), `Map` as a map (tag 259 with `mapTag`), `Set`/`Date`/typed arrays/cbor-x `Tag`s with
 * their tags, plain objects as text-keyed maps. `depth` is the value's nesting depth in the item.
 */
export function writeAny(w: Out, v: unknown, depth: number): void {
  if (depth > DEFAULT_MAX_DEPTH) w.invalid('value', v, `value nested deeper than ${DEFAULT_MAX_DEPTH} levels (cycle?)`);
  switch (typeof v) {
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 64) w.int(v === 0 ? 0 : v);
      else w.float(v);
      return;
    case 'string':
      w.text(v);
      return;
    case 'boolean':
      w.u8(v ? 0xf5 : 0xf4);
      return;
    case 'undefined':
      w.u8(w.keepUndefined ? 0xf7 : 0xf6);
      return;
    case 'bigint':
      if (v >= -0x10000000000000000n && v < 0x10000000000000000n) w.bigInt(v, !w.deterministic);
      else {
        // Bignum (RFC 8949 §3.4.3).
        const neg = v < 0n;
        let m = neg ? -1n - v : v;
        const bytes: number[] = [];
        while (m > 0n) {
          bytes.unshift(Number(m & 0xffn));
          m >>= 8n;
        }
        w.u8(neg ? 0xc3 : 0xc2);
        w.bytes(new Uint8Array(bytes));
      }
      return;
    case 'object':
      break;
    default:
      if (w.functionsAsNull) {
        w.u8(0xf6);
        return;
      }
      w.invalid('CBOR value', v, `a ${typeof v} cannot be encoded`);
  }
  if (v === null) {
    w.u8(0xf6);
    return;
  }
  if (v instanceof Uint8Array) {
    w.bytes(v);
    return;
  }
  if (Array.isArray(v)) {
    w.head(4, v.length);
    for (let i = 0; i < v.length; i++) writeAny(w, v[i], depth + 1);
    return;
  }
  if (v instanceof Map) {
    if (w.mapTag) w.head(6, 259);
    w.head(5, v.size);
    const pairs: number[] | undefined = w.deterministic ? [] : undefined;
    for (const [k, value] of v) {
      pairs?.push(w.pos);
      writeAny(w, k, depth + 1);
      pairs?.push(w.pos);
      writeAny(w, value, depth + 1);
    }
    if (pairs !== undefined) w.sortPairs(pairs);
    return;
  }
  if (isCborTag(v)) {
    w.head(6, v.tag);
    writeAny(w, v.value, depth + 1);
    return;
  }
  if (v instanceof Date) {
    w.u8(0xc1);
    writeAny(w, v.getTime() / 1000, depth + 1);
    return;
  }
  if (v instanceof Set) {
    w.head(6, 258);
    w.head(4, v.size);
    for (const item of v) writeAny(w, item, depth + 1);
    return;
  }
  if (v instanceof ArrayBuffer) {
    w.bytes(new Uint8Array(v));
    return;
  }
  if (ArrayBuffer.isView(v)) {
    for (const [Class, tag] of TYPED_ARRAY_TAGS) {
      if (v instanceof Class) {
        w.head(6, tag);
        w.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        return;
      }
    }
    w.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  // Properties set to undefined are written as null (normal form) or CBOR undefined (value mode).
  w.head(5, keys.length);
  const pairs: number[] | undefined = w.deterministic ? [] : undefined;
  for (const key of keys) {
    pairs?.push(w.pos);
    w.text(key);
    pairs?.push(w.pos);
    writeAny(w, obj[key], depth + 1);
  }
  if (pairs !== undefined) w.sortPairs(pairs);
}

/** Encodes a JS value for `decodeValue`: like {@link writeAny}, keeping `undefined`. */
export function valueToBytes(value: unknown): Uint8Array {
  const w = new Out(256);
  w.keepUndefined = true;
  try {
    writeAny(w, value, 0);
  } catch (error) {
    throw error instanceof EncodeFailure ? error.toError() : error;
  }
  return w.result();
}
