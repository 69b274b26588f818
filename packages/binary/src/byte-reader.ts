/**
 * `ByteReader`: a bounds-checked cursor over a `Uint8Array`.
 *
 * @module
 */
import { BinaryError, truncatedError } from './errors.js';
import { decodeUtf8 } from './utf8.js';

/** Options for {@link ByteReader}. */
export interface ByteReaderOptions {
  /** Default byte order of multi-byte reads; each read can override it. Default: big endian (`false`). */
  littleEndian?: boolean;
  /**
   * Absolute position of `bytes[0]` in the larger input (a file), added to every offset in errors
   * and to {@link ByteReader.absolutePosition}. Default 0.
   */
  baseOffset?: number;
}

const TWO_POW_32 = 0x1_0000_0000;

/**
 * A cursor over a `Uint8Array` with bounds-checked reads of every integer width in both byte orders,
 * floats, zero-copy byte slices and UTF-8 strings.
 *
 * Reading past the end throws a {@link BinaryError} with code `TRUNCATED`, the offset of the read and the
 * bytes needed; the position is left unchanged by a failed read.
 *
 * @example
 * ```ts
 * const reader = new ByteReader(bytes);
 * const magic = reader.u16();          // big endian by default
 * const size = reader.u32(true);       // this one little endian
 * const payload = reader.bytes(size);  // a view, no copy
 * const name = reader.utf8(reader.u8());
 * ```
 */
export class ByteReader {
  /** The bytes being read (the whole input, not only what is left). */
  readonly input: Uint8Array;
  private readonly view: DataView;
  private pos: number;
  private readonly end: number;
  private readonly le: boolean;
  private readonly base: number;

  constructor(bytes: Uint8Array, options: ByteReaderOptions = {}) {
    this.input = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = bytes.byteLength;
    this.le = options.littleEndian ?? false;
    this.base = options.baseOffset ?? 0;
  }

  /** Current position, relative to the start of the bytes. */
  get position(): number {
    return this.pos;
  }

  /** Current position plus `baseOffset`: the position in the larger input. */
  get absolutePosition(): number {
    return this.base + this.pos;
  }

  /** Total number of bytes. */
  get length(): number {
    return this.end;
  }

  /** Bytes left after the position. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** True when no byte is left. */
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Moves to an absolute position in `[0, length]`; `OUT_OF_RANGE` otherwise. */
  seek(position: number): this {
    if (!Number.isInteger(position) || position < 0 || position > this.end) {
      throw new BinaryError('OUT_OF_RANGE', `cannot seek to ${position}: valid positions are 0..${this.end}`, {
        offset: this.base + this.pos,
      });
    }
    this.pos = position;
    return this;
  }

  /** Advances by `count` bytes; `TRUNCATED` if fewer are left. */
  skip(count: number): this {
    this.need(count);
    this.pos += count;
    return this;
  }

  /** Throws `TRUNCATED` unless `count` bytes are left. */
  need(count: number): void {
    if (!(count >= 0 && this.pos + count <= this.end)) {
      if (count < 0 || !Number.isFinite(count)) {
        throw new BinaryError('INVALID_ARGUMENT', `invalid byte count ${count}`, { offset: this.base + this.pos });
      }
      throw truncatedError(this.base + this.pos, count, this.end - this.pos);
    }
  }

  /** Returns the next `count` bytes as a view without advancing (zero-copy). */
  peek(count: number): Uint8Array {
    this.need(count);
    return this.input.subarray(this.pos, this.pos + count);
  }

  /** Returns the byte at `position + ahead` without advancing. */
  peekU8(ahead = 0): number {
    this.need(ahead + 1);
    return this.input[this.pos + ahead] as number;
  }

  /** Reads `count` bytes as a view into the input (zero-copy). */
  bytes(count: number): Uint8Array {
    this.need(count);
    const start = this.pos;
    this.pos = start + count;
    return this.input.subarray(start, this.pos);
  }

  /** Reads `count` bytes into a new copy. */
  copy(count: number): Uint8Array {
    return this.bytes(count).slice();
  }

  /** Reads an unsigned 8-bit integer. */
  u8(): number {
    if (this.pos + 1 > this.end) throw truncatedError(this.base + this.pos, 1, this.end - this.pos);
    return this.input[this.pos++] as number;
  }

  /** Reads a signed 8-bit integer. */
  i8(): number {
    if (this.pos + 1 > this.end) throw truncatedError(this.base + this.pos, 1, this.end - this.pos);
    return this.view.getInt8(this.pos++);
  }

  /** Reads an unsigned 16-bit integer. */
  u16(littleEndian?: boolean): number {
    const p = this.pos;
    if (p + 2 > this.end) throw truncatedError(this.base + p, 2, this.end - p);
    this.pos = p + 2;
    return (littleEndian ?? this.le) ? this.view.getUint16(p, true) : this.view.getUint16(p, false);
  }

  /** Reads a signed 16-bit integer. */
  i16(littleEndian?: boolean): number {
    const p = this.pos;
    if (p + 2 > this.end) throw truncatedError(this.base + p, 2, this.end - p);
    this.pos = p + 2;
    return (littleEndian ?? this.le) ? this.view.getInt16(p, true) : this.view.getInt16(p, false);
  }

  /** Reads an unsigned 32-bit integer. */
  u32(littleEndian?: boolean): number {
    const p = this.pos;
    if (p + 4 > this.end) throw truncatedError(this.base + p, 4, this.end - p);
    this.pos = p + 4;
    return (littleEndian ?? this.le) ? this.view.getUint32(p, true) : this.view.getUint32(p, false);
  }

  /** Reads a signed 32-bit integer. */
  i32(littleEndian?: boolean): number {
    const p = this.pos;
    if (p + 4 > this.end) throw truncatedError(this.base + p, 4, this.end - p);
    this.pos = p + 4;
    return (littleEndian ?? this.le) ? this.view.getInt32(p, true) : this.view.getInt32(p, false);
  }

  /** Reads an unsigned 64-bit integer as a `bigint` (0 to 2^64-1). */
  u64(littleEndian?: boolean): bigint {
    const p = this.pos;
    if (p + 8 > this.end) throw truncatedError(this.base + p, 8, this.end - p);
    this.pos = p + 8;
    return (littleEndian ?? this.le) ? this.view.getBigUint64(p, true) : this.view.getBigUint64(p, false);
  }

  /** Reads a signed 64-bit integer as a `bigint` (-2^63 to 2^63-1). */
  i64(littleEndian?: boolean): bigint {
    const p = this.pos;
    if (p + 8 > this.end) throw truncatedError(this.base + p, 8, this.end - p);
    this.pos = p + 8;
    return (littleEndian ?? this.le) ? this.view.getBigInt64(p, true) : this.view.getBigInt64(p, false);
  }

  /**
   * Reads an unsigned 64-bit integer as a `number`. Throws `OUT_OF_RANGE` (position unchanged) when the value
   * is above `Number.MAX_SAFE_INTEGER` (2^53-1).
   */
  u64Number(littleEndian?: boolean): number {
    const p = this.pos;
    if (p + 8 > this.end) throw truncatedError(this.base + p, 8, this.end - p);
    const view = this.view;
    const le = littleEndian ?? this.le;
    const hi = le ? view.getUint32(p + 4, true) : view.getUint32(p, false);
    const lo = le ? view.getUint32(p, true) : view.getUint32(p + 4, false);
    if (hi > 0x1fffff) {
      throw new BinaryError('OUT_OF_RANGE', `u64 at offset ${this.base + p} is above 2^53-1`, {
        offset: this.base + p,
      });
    }
    this.pos = p + 8;
    return hi * TWO_POW_32 + lo;
  }

  /**
   * Reads a signed 64-bit integer as a `number`. Throws `OUT_OF_RANGE` (position unchanged) when the value is
   * outside the safe integer range.
   */
  i64Number(littleEndian?: boolean): number {
    const p = this.pos;
    if (p + 8 > this.end) throw truncatedError(this.base + p, 8, this.end - p);
    const value = (littleEndian ?? this.le) ? this.view.getBigInt64(p, true) : this.view.getBigInt64(p, false);
    if (value > 9007199254740991n || value < -9007199254740991n) {
      throw new BinaryError('OUT_OF_RANGE', `i64 at offset ${this.base + p} is outside the safe integer range`, {
        offset: this.base + p,
      });
    }
    this.pos = p + 8;
    return Number(value);
  }

  /** Reads an IEEE 754 single-precision float. */
  f32(littleEndian?: boolean): number {
    const p = this.pos;
    if (p + 4 > this.end) throw truncatedError(this.base + p, 4, this.end - p);
    this.pos = p + 4;
    return (littleEndian ?? this.le) ? this.view.getFloat32(p, true) : this.view.getFloat32(p, false);
  }

  /** Reads an IEEE 754 double-precision float. */
  f64(littleEndian?: boolean): number {
    const p = this.pos;
    if (p + 8 > this.end) throw truncatedError(this.base + p, 8, this.end - p);
    this.pos = p + 8;
    return (littleEndian ?? this.le) ? this.view.getFloat64(p, true) : this.view.getFloat64(p, false);
  }

  /**
   * Reads `byteLength` bytes as UTF-8. Strict by default: malformed input throws `INVALID_UTF8` and leaves
   * the position unchanged; `{ lenient: true }` replaces bad sequences with U+FFFD.
   */
  utf8(byteLength: number, options: { lenient?: boolean } = {}): string {
    this.need(byteLength);
    const start = this.pos;
    const text = decodeUtf8(this.input, start, start + byteLength, options.lenient === true, this.base);
    this.pos = start + byteLength;
    return text;
  }
}
