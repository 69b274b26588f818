/**
 * `ByteWriter`: a growable byte buffer with typed writers and back-patching.
 *
 * @module
 */
import { BinaryError } from './errors.js';
import { encodeUtf8Into } from './utf8.js';

/** Options for {@link ByteWriter}. */
export interface ByteWriterOptions {
  /** Initial capacity in bytes. Default 256. */
  initialCapacity?: number;
  /** Default byte order of multi-byte writes; each write can override it. Default: big endian. */
  littleEndian?: boolean;
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const I64_MIN = -0x8000_0000_0000_0000n;
const I64_MAX = 0x7fff_ffff_ffff_ffffn;

function rangeError(kind: string, value: number | bigint, offset: number): BinaryError {
  return new BinaryError('INVALID_ARGUMENT', `${String(value)} is not a valid ${kind}`, { offset });
}

/**
 * A growable buffer with writers for every integer width in both byte orders, floats, bytes and UTF-8,
 * plus {@link ByteWriter.reserve} and the `set*` methods to back-fill length fields.
 *
 * Values are checked before anything is written: a value outside its type's range throws `INVALID_ARGUMENT`
 * and leaves the buffer unchanged.
 *
 * @example
 * ```ts
 * const writer = new ByteWriter();
 * const lengthAt = writer.reserve(4);       // a u32 length, filled in later
 * const written = writer.utf8('hello');
 * writer.setU32(lengthAt, written);
 * const bytes = writer.finish();           // no copy
 * ```
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;
  private readonly le: boolean;

  constructor(options: ByteWriterOptions = {}) {
    this.buf = new Uint8Array(Math.max(16, options.initialCapacity ?? 256));
    this.view = new DataView(this.buf.buffer);
    this.le = options.littleEndian ?? false;
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.len;
  }

  /** Current capacity of the internal buffer. */
  get capacity(): number {
    return this.buf.length;
  }

  /** Makes room for `extra` more bytes, growing geometrically. */
  ensure(extra: number): void {
    const needed = this.len + extra;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Writes one unsigned byte. */
  u8(value: number): this {
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xff)) throw rangeError('u8', value, this.len);
    this.ensure(1);
    this.buf[this.len++] = value;
    return this;
  }

  /** Writes one signed byte. */
  i8(value: number): this {
    if (!(Number.isInteger(value) && value >= -0x80 && value <= 0x7f)) throw rangeError('i8', value, this.len);
    this.ensure(1);
    this.view.setInt8(this.len++, value);
    return this;
  }

  /** Writes an unsigned 16-bit integer. */
  u16(value: number, littleEndian: boolean = this.le): this {
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xffff)) throw rangeError('u16', value, this.len);
    this.ensure(2);
    this.view.setUint16(this.len, value, littleEndian);
    this.len += 2;
    return this;
  }

  /** Writes a signed 16-bit integer. */
  i16(value: number, littleEndian: boolean = this.le): this {
    if (!(Number.isInteger(value) && value >= -0x8000 && value <= 0x7fff)) throw rangeError('i16', value, this.len);
    this.ensure(2);
    this.view.setInt16(this.len, value, littleEndian);
    this.len += 2;
    return this;
  }

  /** Writes an unsigned 32-bit integer. */
  u32(value: number, littleEndian: boolean = this.le): this {
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff)) throw rangeError('u32', value, this.len);
    this.ensure(4);
    this.view.setUint32(this.len, value, littleEndian);
    this.len += 4;
    return this;
  }

  /** Writes a signed 32-bit integer. */
  i32(value: number, littleEndian: boolean = this.le): this {
    if (!(Number.isInteger(value) && value >= -0x8000_0000 && value <= 0x7fff_ffff)) {
      throw rangeError('i32', value, this.len);
    }
    this.ensure(4);
    this.view.setInt32(this.len, value, littleEndian);
    this.len += 4;
    return this;
  }

  /** Writes an unsigned 64-bit integer from a `bigint` or a safe non-negative integer `number`. */
  u64(value: bigint | number, littleEndian: boolean = this.le): this {
    const big = toBigInt(value, 'u64', this.len);
    if (big < 0n || big > U64_MAX) throw rangeError('u64', value, this.len);
    this.ensure(8);
    this.view.setBigUint64(this.len, big, littleEndian);
    this.len += 8;
    return this;
  }

  /** Writes a signed 64-bit integer from a `bigint` or a safe integer `number`. */
  i64(value: bigint | number, littleEndian: boolean = this.le): this {
    const big = toBigInt(value, 'i64', this.len);
    if (big < I64_MIN || big > I64_MAX) throw rangeError('i64', value, this.len);
    this.ensure(8);
    this.view.setBigInt64(this.len, big, littleEndian);
    this.len += 8;
    return this;
  }

  /** Writes an IEEE 754 single-precision float (rounded). */
  f32(value: number, littleEndian: boolean = this.le): this {
    this.ensure(4);
    this.view.setFloat32(this.len, value, littleEndian);
    this.len += 4;
    return this;
  }

  /** Writes an IEEE 754 double-precision float. */
  f64(value: number, littleEndian: boolean = this.le): this {
    this.ensure(8);
    this.view.setFloat64(this.len, value, littleEndian);
    this.len += 8;
    return this;
  }

  /** Appends bytes (copied). */
  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /** Appends `count` copies of `byte` (default 0). */
  fill(count: number, byte = 0): this {
    if (!(Number.isInteger(count) && count >= 0)) throw rangeError('byte count', count, this.len);
    this.ensure(count);
    this.buf.fill(byte, this.len, this.len + count);
    this.len += count;
    return this;
  }

  /** Appends `text` as UTF-8 and returns the number of bytes written. */
  utf8(text: string): number {
    this.ensure(text.length * 3);
    const written = encodeUtf8Into(text, this.buf, this.len);
    this.len += written;
    return written;
  }

  /**
   * Reserves `count` zero bytes to be filled in later with the `set*` methods, and returns their offset.
   */
  reserve(count: number): number {
    const at = this.len;
    this.fill(count, 0);
    return at;
  }

  /** Overwrites one byte at `offset` (inside what was written). */
  setU8(offset: number, value: number): this {
    this.checkPatch(offset, 1);
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xff)) throw rangeError('u8', value, offset);
    this.buf[offset] = value;
    return this;
  }

  /** Overwrites a u16 at `offset` (inside what was written). */
  setU16(offset: number, value: number, littleEndian: boolean = this.le): this {
    this.checkPatch(offset, 2);
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xffff)) throw rangeError('u16', value, offset);
    this.view.setUint16(offset, value, littleEndian);
    return this;
  }

  /** Overwrites a u32 at `offset` (inside what was written). */
  setU32(offset: number, value: number, littleEndian: boolean = this.le): this {
    this.checkPatch(offset, 4);
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff)) throw rangeError('u32', value, offset);
    this.view.setUint32(offset, value, littleEndian);
    return this;
  }

  /** Overwrites a u64 at `offset` (inside what was written). */
  setU64(offset: number, value: bigint | number, littleEndian: boolean = this.le): this {
    this.checkPatch(offset, 8);
    const big = toBigInt(value, 'u64', offset);
    if (big < 0n || big > U64_MAX) throw rangeError('u64', value, offset);
    this.view.setBigUint64(offset, big, littleEndian);
    return this;
  }

  /** A view of the bytes written so far. It is invalidated by later writes that grow the buffer. */
  written(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /**
   * Returns the bytes written and hands the buffer over to the caller without copying; the writer starts
   * again empty with a fresh buffer.
   */
  finish(): Uint8Array {
    const out = this.buf.subarray(0, this.len);
    this.buf = new Uint8Array(16);
    this.view = new DataView(this.buf.buffer);
    this.len = 0;
    return out;
  }

  /** Forgets what was written, keeping the buffer for reuse. */
  reset(): this {
    this.len = 0;
    return this;
  }

  private checkPatch(offset: number, size: number): void {
    if (!(Number.isInteger(offset) && offset >= 0 && offset + size <= this.len)) {
      throw new BinaryError('OUT_OF_RANGE', `cannot patch ${size} bytes at ${offset}: ${this.len} bytes written`, {
        offset,
      });
    }
  }
}

function toBigInt(value: bigint | number, kind: string, offset: number): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw rangeError(kind, value, offset);
  return BigInt(value);
}
