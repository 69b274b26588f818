/**
 * Schema-driven encoding in normal form: {@link CborWriter} (the one CBOR writer: items appended to a growable
 * buffer, with reserve-and-patch), {@link encode}, {@link encodeSequence}, {@link createEncoder} and
 * {@link encodeAny}.
 *
 * @module
 */
import { fieldKeyBytes, writerOf } from './encode-compile.js';
import { CborSchemaError } from './errors.js';
import type { Schema } from './schema.js';
import type { AnyStructSchema } from './struct.js';
import { EncodeFailure, type OpaqueOptions, Out, writeAny } from './writer.js';

/** Options of the encoders. */
export interface EncodeOptions extends OpaqueOptions {
  /**
   * RFC 8949 §4.2.1 core deterministic encoding: map keys sorted by their encoded bytes (also inside opaque
   * values and stores), floats in their shortest exact form, bigints in opaque values in their shortest form.
   * Default false: fields in declared order, then the store in its order.
   */
  deterministic?: boolean;
}

/** Options of {@link CborWriter}. */
export interface CborWriterOptions extends EncodeOptions {
  /** Initial capacity of the buffer in bytes (default 4096); it grows as needed. */
  initialCapacity?: number;
}

/**
 * A field of the root struct written as a fixed-size placeholder entry, to be patched once its value is known
 * (see {@link CborWriter.writeReserving}).
 */
export interface Reservation {
  /** Friendly name of an integer field of the root struct, written when its value is `undefined`. */
  field: string;
  /**
   * Text key of the placeholder entry (e.g. `x-pending`): the entry takes exactly the size of
   * `field: <8-byte integer>`, so that {@link fieldEntry} bytes can overwrite it. A store entry with this key is
   * not written.
   */
  placeholderKey: string;
}

function toError(error: unknown): unknown {
  return error instanceof EncodeFailure ? error.toError() : error;
}

// A buffer reused by encode() between calls (its result is copied out): one small copy per call instead of a
// fresh buffer. Not a channel between functions: it holds no result, and a call in progress takes it.
let scratch: Out | undefined;
/** Largest scratch buffer kept for reuse (a bigger one, grown by a big value, is dropped). */
const SCRATCH_LIMIT = 1 << 20;

function configure(out: Out, options: EncodeOptions): Out {
  out.deterministic = options.deterministic === true;
  out.mapTag = options.mapTag === true;
  out.wtf8 = options.wtf8 === true;
  out.functionsAsNull = options.functionsAsNull === true;
  return out;
}

function rootField(schema: Schema<unknown>, field: string): AnyStructSchema['fields'][number] {
  const info =
    schema.kind === 'struct' ? (schema as unknown as AnyStructSchema).fields.find((f) => f.name === field) : undefined;
  if (info === undefined || (info.schema.kind !== 'uint' && info.schema.kind !== 'int')) {
    throw new CborSchemaError('INVALID_ARGUMENT', `${field} is not an integer field of the root struct`);
  }
  return info;
}

/**
 * The map entry `field: value` of a struct's integer field with the value in the 8-byte integer form: the bytes
 * that overwrite a placeholder written by {@link CborWriter.writeReserving}.
 *
 * @example
 * ```ts
 * sink.patch(at, fieldEntry(headerSchema, 'endTime', Date.now()));
 * ```
 */
export function fieldEntry(schema: Schema<unknown>, field: string, value: number | bigint): Uint8Array {
  const info = rootField(schema, field);
  const big = BigInt(value);
  if (big < 0n || big > 0xffffffffffffffffn) {
    throw new CborSchemaError('INVALID_ARGUMENT', `${field} must be an unsigned 64-bit integer, got ${String(value)}`);
  }
  const key = fieldKeyBytes(info);
  const out = new Uint8Array(key.length + 9);
  out.set(key, 0);
  out[key.length] = 0x1b;
  new DataView(out.buffer).setBigUint64(key.length + 1, big);
  return out;
}

/**
 * The one CBOR writer of the toolkit: items are appended to a growable buffer — schema values in normal form
 * ({@link CborWriter.write}) and raw bytes (a file format's framing) — and handed out in chunks
 * ({@link CborWriter.take}). A value that does not fit its schema throws {@link CborSchemaError} `INVALID_VALUE`
 * naming the path, and nothing of it stays in the buffer.
 *
 * @example
 * ```ts
 * const writer = new CborWriter({ mapTag: true, wtf8: true });
 * writer.writeBytes(preamble);
 * const at = writer.writeReserving(headerSchema, header, { field: 'endTime', placeholderKey: 'x-pending' });
 * for (const event of events) writer.write(eventSchema, event);
 * sink.write(writer.take());
 * ```
 */
export class CborWriter {
  private readonly out: Out;

  constructor(options: CborWriterOptions = {}) {
    this.out = configure(new Out(Math.max(16, options.initialCapacity ?? 4096)), options);
  }

  /** Bytes in the buffer. */
  get length(): number {
    return this.out.pos;
  }

  /** Appends `value` encoded with `schema`. On `INVALID_VALUE`, nothing of it is kept. */
  write<T>(schema: Schema<T>, value: T): void {
    const out = this.out;
    const start = out.pos;
    try {
      writerOf(schema)(out, value, 0);
    } catch (error) {
      out.pos = start;
      throw toError(error);
    }
  }

  /**
   * Like {@link CborWriter.write}, for a struct whose integer field `reservation.field` is `undefined`: a
   * placeholder entry is written at the field's position (its key is `reservation.placeholderKey`, its value a
   * byte string padding it to the size of the field's entry with an 8-byte integer). Returns the offset of the
   * placeholder entry in this writer's output (counted from the first byte ever written, see
   * {@link CborWriter.written}), or -1 when the field had a value.
   */
  writeReserving<T>(schema: Schema<T>, value: T, reservation: Reservation): number {
    const info = rootField(schema, reservation.field);
    const key = fieldKeyBytes(info);
    const placeholder = new Out(32);
    placeholder.text(reservation.placeholderKey);
    const pad = key.length + 9 - placeholder.pos - 1;
    if (pad < 0 || pad > 23) {
      throw new CborSchemaError('INVALID_ARGUMENT', `placeholder key ${reservation.placeholderKey} does not fit`);
    }
    placeholder.head(2, pad);
    placeholder.raw(new Uint8Array(pad));
    const out = this.out;
    out.reserveField = reservation.field;
    out.reserveKey = reservation.placeholderKey;
    out.reservePlaceholder = placeholder.result();
    out.reservedAt = -1;
    try {
      this.write(schema, value);
      return out.reservedAt < 0 ? -1 : this.written + out.reservedAt;
    } finally {
      out.reserveField = undefined;
    }
  }

  /** Appends raw bytes (not CBOR-checked). */
  writeBytes(bytes: Uint8Array): void {
    this.out.raw(bytes);
  }

  /** Appends `count` zero bytes and returns their offset in the buffer (fill them with {@link CborWriter.patch}). */
  reserve(count: number): number {
    const at = this.out.pos;
    this.out.raw(new Uint8Array(count));
    return at;
  }

  /** Overwrites bytes still in the buffer, at `offset` (a buffer offset, as {@link CborWriter.reserve} returns). */
  patch(offset: number, bytes: Uint8Array): void {
    if (!(Number.isInteger(offset) && offset >= 0 && offset + bytes.length <= this.out.pos)) {
      throw new CborSchemaError('INVALID_ARGUMENT', `cannot patch ${bytes.length} bytes at ${offset}`);
    }
    this.out.buf.set(bytes, offset);
  }

  /** Bytes handed out by {@link CborWriter.take} so far (offset of the buffer's first byte in the whole output). */
  written = 0;

  /** Drops the buffered bytes (nothing is handed out). */
  reset(): void {
    this.out.pos = 0;
  }

  /** A view of the buffered bytes (valid until the next write). */
  view(): Uint8Array {
    return this.out.buf.subarray(0, this.out.pos);
  }

  /** The buffered bytes (a fresh array the caller owns), emptying the buffer. */
  take(): Uint8Array {
    const out = this.out;
    const bytes = out.result();
    this.written += out.pos;
    out.pos = 0;
    // Shrink a buffer left large by one big item.
    if (out.buf.length > 1 << 22) {
      out.buf = new Uint8Array(1 << 16);
      out.view = new DataView(out.buf.buffer);
    }
    return bytes;
  }
}

/**
 * Encodes `value` with `schema` in normal form: integers as the shortest CBOR integer (never a float for an
 * integral value, never 9 bytes for a small one), byte strings as bare major type 2, definite lengths, no
 * `undefined` (written as null), no duplicate keys, struct fields in declared order then the store. Throws a
 * {@link CborSchemaError} `INVALID_VALUE` naming the path when the value does not fit; no bytes are returned then.
 *
 * @example
 * ```ts
 * encode(c.struct({ streamId: c.field('sid', c.uint()) }), { streamId: 7 }); // a1 63 73 69 64 07
 * ```
 */
export function encode<T>(schema: Schema<T>, value: T, options: EncodeOptions = {}): Uint8Array {
  // The scratch buffer is taken while in use, so an encode started inside this one (from a transform) gets its own.
  const out = configure(scratch ?? new Out(256), options);
  scratch = undefined;
  try {
    writerOf(schema)(out, value, 0);
    return out.result();
  } catch (error) {
    throw toError(error);
  } finally {
    out.clear();
    if (out.buf.length <= SCRATCH_LIMIT) scratch = out;
  }
}

/**
 * Encodes several values as one RFC 8742 CBOR sequence (items back to back). Throws like {@link encode},
 * naming the index of the failing value.
 */
export function encodeSequence<T>(schema: Schema<T>, values: Iterable<T>, options: EncodeOptions = {}): Uint8Array {
  const out = configure(new Out(65536), options);
  const fn = writerOf(schema);
  let i = 0;
  for (const value of values) {
    try {
      fn(out, value, 0);
    } catch (error) {
      if (error instanceof EncodeFailure) error.segs.unshift(i);
      throw toError(error);
    }
    i++;
  }
  return out.result();
}

/**
 * An encoder that appends items to one growing buffer, for writers producing many records.
 *
 * @example
 * ```ts
 * const out = createEncoder(eventSchema);
 * for (const e of events) out.write(e);
 * const bytes = out.finish();
 * ```
 */
export interface SequenceEncoder<T> {
  /** Appends one item; on `INVALID_VALUE` nothing of that item is kept. */
  write(value: T): void;
  /** Bytes written so far. */
  readonly length: number;
  /** Returns the bytes written (a copy) and starts over. */
  finish(): Uint8Array;
}

/** Creates a {@link SequenceEncoder} (a {@link CborWriter} bound to one schema). */
export function createEncoder<T>(schema: Schema<T>, options: EncodeOptions = {}): SequenceEncoder<T> {
  const writer = new CborWriter({ ...options, initialCapacity: 65536 });
  return {
    write: (value: T) => writer.write(schema, value),
    get length() {
      return writer.length;
    },
    finish: () => writer.take(),
  };
}

/**
 * Encodes an opaque value in normal form (what `c.any()` fields and stores use): integral numbers as integers,
 * `-0` as 0, bigints in the 8-byte form, `Uint8Array`/`Buffer`/`ArrayBuffer` as bare bytes, `undefined` as null,
 * tags kept.
 */
export function encodeAny(value: unknown, options: EncodeOptions = {}): Uint8Array {
  const out = configure(new Out(256), options);
  try {
    writeAny(out, value, 0);
  } catch (error) {
    throw toError(error);
  }
  return out.result();
}
