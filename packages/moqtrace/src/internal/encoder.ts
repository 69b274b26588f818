/**
 * Normal-form CBOR encoder (spec §7.1): integral values as integers (shortest form for typed fields, 8-byte
 * form for `bigint`s inside opaque values), bare byte strings, no `undefined`, definite lengths, shortest map
 * and array heads. Writes into one growable buffer.
 *
 * @internal
 * @module
 */
import { MoqtraceError } from '../errors.js';
import { isTag } from './cbor.js';

const MAX_DEPTH = 2000;
const TWO_64 = 2 ** 64;

/** Tags cbor-x uses for typed arrays (little-endian forms). */
const TYPED_ARRAY_TAGS: Record<string, number> = {
  Uint8ClampedArray: 68,
  Uint16Array: 69,
  Uint32Array: 70,
  BigUint64Array: 71,
  Int8Array: 72,
  Int16Array: 77,
  Int32Array: 78,
  BigInt64Array: 79,
  Float32Array: 85,
  Float64Array: 86,
};

/** A growable CBOR output buffer. */
export class CborEncoder {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(initialSize = 4096) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Drops the content (keeps the allocation). */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** A view of the bytes written so far (valid until the next write). */
  view0(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  /** Writes a head with a non-negative safe integer argument, shortest form. */
  head(major: number, value: number): void {
    this.ensure(9);
    const m = major << 5;
    const b = this.buf;
    if (value < 24) b[this.pos++] = m | value;
    else if (value < 0x100) {
      b[this.pos++] = m | 24;
      b[this.pos++] = value;
    } else if (value < 0x10000) {
      b[this.pos++] = m | 25;
      b[this.pos++] = value >> 8;
      b[this.pos++] = value & 0xff;
    } else if (value < 0x100000000) {
      b[this.pos++] = m | 26;
      this.view.setUint32(this.pos, value);
      this.pos += 4;
    } else {
      b[this.pos++] = m | 27;
      this.view.setUint32(this.pos, Math.floor(value / 0x100000000));
      this.view.setUint32(this.pos + 4, value >>> 0);
      this.pos += 8;
    }
  }

  /** Writes a head whose argument is a u64 bigint; `long` forces the 8-byte form. */
  headBig(major: number, value: bigint, long: boolean): void {
    if (!long && value <= 0xffffffffn) {
      this.head(major, Number(value));
      return;
    }
    this.ensure(9);
    this.buf[this.pos++] = (major << 5) | 27;
    this.view.setBigUint64(this.pos, value);
    this.pos += 8;
  }

  /** An integer (number or bigint), shortest form. */
  integer(value: number | bigint): void {
    if (typeof value === 'bigint') {
      if (value >= 0n) this.headBig(0, value, false);
      else this.headBig(1, -1n - value, false);
    } else if (value >= 0) this.head(0, value);
    else this.head(1, -1 - value);
  }

  float64(value: number): void {
    this.ensure(9);
    this.buf[this.pos++] = 0xfb;
    this.view.setFloat64(this.pos, value);
    this.pos += 8;
  }

  /** A text string (lone surrogates written as 3-byte sequences, as cbor-x does, so they read back). */
  text(value: string): void {
    const length = value.length;
    // fast path: ASCII
    this.ensure(length * 3 + 9);
    const headAt = this.pos;
    const b = this.buf;
    let ascii = true;
    if (length < 24) {
      let p = headAt + 1;
      for (let i = 0; i < length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        b[p++] = c;
      }
      if (ascii) {
        b[headAt] = 0x60 | length;
        this.pos = p;
        return;
      }
    }
    const encoded = encodeWtf8(value);
    this.head(3, encoded.length);
    this.ensure(encoded.length);
    this.buf.set(encoded, this.pos);
    this.pos += encoded.length;
  }

  bytes(value: Uint8Array): void {
    this.head(2, value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** Appends already-encoded CBOR. */
  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Any JS value under the normal-form rules (opaque values: `msg`, `data`, stores, `custom`). */
  value(value: unknown, depth = 0): void {
    if (depth > MAX_DEPTH) throw new MoqtraceError('INVALID_ARGUMENT', 'value nested too deeply (or cyclic)');
    switch (typeof value) {
      case 'string':
        this.text(value);
        return;
      case 'number':
        this.number(value);
        return;
      case 'boolean':
        this.byte(value ? 0xf5 : 0xf4);
        return;
      case 'bigint':
        this.bigint(value);
        return;
      case 'undefined':
      case 'function':
      case 'symbol':
        this.byte(0xf6);
        return;
      default:
        break;
    }
    if (value === null) {
      this.byte(0xf6);
      return;
    }
    if (Array.isArray(value)) {
      this.head(4, value.length);
      for (let i = 0; i < value.length; i++) this.value(value[i], depth + 1);
      return;
    }
    if (value instanceof Uint8Array) {
      if (value.constructor === Uint8Array || !(value.constructor.name in TYPED_ARRAY_TAGS)) {
        this.bytes(value);
        return;
      }
    }
    if (ArrayBuffer.isView(value)) {
      const name = value.constructor.name;
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      const tag = TYPED_ARRAY_TAGS[name];
      if (tag !== undefined) this.head(6, tag);
      this.bytes(bytes);
      return;
    }
    if (value instanceof ArrayBuffer) {
      this.bytes(new Uint8Array(value));
      return;
    }
    if (value instanceof Map) {
      this.head(6, 259);
      this.head(5, value.size);
      for (const [k, v] of value) {
        this.value(k, depth + 1);
        this.value(v, depth + 1);
      }
      return;
    }
    if (value instanceof Set) {
      this.head(6, 258);
      this.head(4, value.size);
      for (const v of value) this.value(v, depth + 1);
      return;
    }
    if (value instanceof Date) {
      this.head(6, 1);
      const seconds = value.getTime() / 1000;
      this.number(seconds);
      return;
    }
    if (isTag(value)) {
      this.head(6, value.tag);
      this.value(value.value, depth + 1);
      return;
    }
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    this.head(5, keys.length);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      this.text(key);
      this.value(object[key], depth + 1);
    }
  }

  /** A JS number: integral → integer (-0 → 0), else float64. */
  number(value: number): void {
    if (Number.isInteger(value)) {
      if (value >= 0 && value < TWO_64) {
        if (value <= Number.MAX_SAFE_INTEGER) this.head(0, value);
        else this.headBig(0, BigInt(value), true);
        return;
      }
      if (value < 0 && value >= -TWO_64) {
        if (value >= -Number.MAX_SAFE_INTEGER) this.head(1, -1 - value);
        else this.headBig(1, -1n - BigInt(value), true);
        return;
      }
    }
    this.float64(value);
  }

  /** A bigint inside an opaque value: 8-byte form (so it reads back as a bigint), tags 2/3 beyond 64 bits. */
  bigint(value: bigint): void {
    if (value >= 0n) {
      if (value < 0x10000000000000000n) this.headBig(0, value, true);
      else {
        this.head(6, 2);
        this.bytes(bigToBytes(value));
      }
    } else {
      const magnitude = -1n - value;
      if (magnitude < 0x10000000000000000n) this.headBig(1, magnitude, true);
      else {
        this.head(6, 3);
        this.bytes(bigToBytes(magnitude));
      }
    }
  }
}

function bigToBytes(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
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
