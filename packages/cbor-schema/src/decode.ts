/**
 * Schema-driven decoding: {@link ItemDecoder} (one compiled decoder, reused item after item), {@link decode},
 * {@link decodeItem} and {@link decodeValue}.
 *
 * @module
 */
import { BAIL, DecodeState, EMPTY_BYTES, FAIL, finishProblems, type Reader, stateOptions } from './decode-core.js';
import { compileStruct } from './decode-struct.js';
import { compileUnion } from './decode-union.js';
import { compileValue } from './decode-values.js';
import { CborSchemaError, type Problem } from './errors.js';
import { SCAN_TOO_DEEP, SCAN_TRUNCATED } from './scanner.js';
import type { Schema } from './schema.js';
import type { AnyStructSchema, StructShape, UnionSchema, VariantMap } from './struct.js';
import { valueToBytes } from './writer.js';

/** Decoding mode. `strict` throws on the first problem; `tolerant` reports problems and keeps going. */
export type DecodeMode = 'strict' | 'tolerant';

/** Options of {@link decode}, {@link decodeItem}, {@link decodeValue} and {@link ItemDecoder}. */
export interface DecodeOptions {
  /**
   * `tolerant` (default): integral floats are accepted for integers, tag 64 is unwrapped for bytes, an unusable
   * optional field is reported and its value moved to the store, nothing throws. `strict`: none of that, and
   * the entry points throw the first problem as a {@link CborSchemaError} (an {@link ItemDecoder} reports it).
   */
  mode?: DecodeMode;
  /** Prefix of every problem path, e.g. `events[12]`. */
  path?: string;
  /** Absolute offset of `bytes[0]` in the whole input, added to every reported offset. Default 0. */
  baseOffset?: number;
  /** Copy byte strings out of the input instead of returning views into it. Default false. */
  copyBytes?: boolean;
  /** Deepest nesting of arrays, maps and tags (see `ScanOptions.maxDepth`). Default 512. */
  maxDepth?: number;
  /**
   * Measure the three delimitable non-well-formed forms (see `ScanOptions.lenient`), so that such an item is
   * `undecodable` with a known length instead of `malformed`. Default false.
   */
  lenient?: boolean;
  /**
   * An opaque value (`c.any()`, store values) that cbor-x refuses reads as `undefined` instead of making the whole
   * item `undecodable`. Default false.
   */
  lenientOpaque?: boolean;
}

/** Result of a decode. In strict mode `ok` is always true (problems throw). */
export type DecodeResult<T> =
  | {
      /** The value is usable. */
      ok: true;
      /** The decoded value. */
      value: T;
      /** Problems that did not make the value unusable (tolerant mode), e.g. optional fields moved to the store. */
      problems: readonly Problem[];
    }
  | {
      /** The value is unusable (a required field missing or unusable, a type mismatch at the root, bad CBOR). */
      ok: false;
      /** Always `undefined`: values are never invented. */
      value: undefined;
      /** What went wrong (at least one entry). */
      problems: readonly Problem[];
    };

/** Result of {@link decodeItem}: a {@link DecodeResult} plus where the item was. */
export type DecodeItemResult<T> = DecodeResult<T> & {
  /** Offset of the item in the given bytes (not adjusted by `baseOffset`). */
  offset: number;
  /** Item length in bytes; -1 when truncated, malformed or too deep (boundary unknown). */
  length: number;
};

/**
 * What {@link ItemDecoder.decode} found:
 * - `ok`: a usable value ({@link ItemDecoder.value}, {@link ItemDecoder.length}, non-fatal problems);
 * - `invalid`: a well-formed item that does not fit the schema (length known; problems say why);
 * - `undecodable`: the item's length is known but its content cannot be decoded (a value cbor-x refuses, or a
 *   delimitable non-well-formed form in lenient mode);
 * - `truncated`: the item runs past the end ({@link ItemDecoder.needed});
 * - `malformed` / `too-deep`: not well-formed, or nested deeper than `maxDepth`: the boundary is lost
 *   ({@link ItemDecoder.at}, {@link ItemDecoder.reason}).
 */
export type ItemStatus = 'ok' | 'invalid' | 'undecodable' | 'truncated' | 'malformed' | 'too-deep';

const EMPTY: readonly Problem[] = Object.freeze([]);
const readers = new WeakMap<Schema<unknown>, Reader>();

/** Returns the compiled reader of a schema (compiled once, cached). */
export function readerOf(schema: Schema<unknown>): Reader {
  let reader = readers.get(schema);
  if (reader === undefined) {
    if (schema.kind === 'struct') reader = compileStruct(schema as unknown as AnyStructSchema, readerOf);
    else if (schema.kind === 'union') {
      reader = compileUnion(
        schema as unknown as UnionSchema<StructShape, string, VariantMap, 'keep' | 'reject', undefined, string>,
        readerOf,
      );
    } else reader = compileValue(schema, readerOf);
    readers.set(schema, reader);
  }
  return reader;
}

function normalise(bytes: Uint8Array): Uint8Array {
  // Node Buffers (and other subclasses) become plain views so that no Buffer leaks into values.
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A decoder of one schema, compiled once and reused for item after item (a reader of a sequence or a file
 * decodes every record with one). {@link ItemDecoder.decode} never throws for bad data: it returns an
 * {@link ItemStatus} and leaves the value, length and problems in the decoder's fields until the next call.
 *
 * @example
 * ```ts
 * const decoder = new ItemDecoder(eventSchema, { lenient: true });
 * let pos = 0;
 * while (pos < bytes.length) {
 *   const status = decoder.decode(bytes, pos);
 *   if (status === 'ok') use(decoder.value);
 *   if (decoder.length < 0) break; // truncated or malformed
 *   pos += decoder.length;
 * }
 * ```
 */
export class ItemDecoder<T> {
  /** The value of the last `ok` decode. */
  value: T | undefined = undefined;
  /** Length of the last item (`ok`, `invalid`, `undecodable`), else -1. */
  length = -1;
  /** Problems of the last item (offsets moved by the `baseOffset` given to `decode`). */
  problems: readonly Problem[] = EMPTY;
  /** After `truncated`: lower bound of the item's total length (see `ItemScanner.needed`). */
  needed = 0;
  /** After `malformed` or `too-deep`: offset of the offending byte (in the given bytes). */
  at = 0;
  /** After `malformed` or `too-deep`: why. */
  reason = '';
  private readonly reader: Reader;
  private readonly st: DecodeState;
  private readonly path: string;

  constructor(schema: Schema<T>, options: DecodeOptions = {}) {
    this.reader = readerOf(schema);
    this.path = options.path ?? '';
    this.st = new DecodeState(
      stateOptions({
        strict: options.mode === 'strict',
        copy: options.copyBytes === true,
        lenient: options.lenient === true,
        lenientOpaque: options.lenientOpaque === true,
        ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
      }),
    );
  }

  /** Decodes the item at `offset` of `bytes`, not reading at or after `end`. */
  decode(bytes: Uint8Array, offset = 0, end: number = bytes.length, baseOffset = 0): ItemStatus {
    const st = this.st;
    st.begin(bytes, offset, end);
    this.value = undefined;
    this.problems = EMPTY;
    let v: unknown = BAIL;
    try {
      if (offset < end) v = this.reader(st);
    } catch (error) {
      st.release();
      throw error;
    }
    if (v === BAIL) return this.structural(bytes, offset, end, baseOffset);
    this.length = st.pos - offset;
    if (st.problems.length !== 0) this.problems = finishProblems(st.problems, this.path, baseOffset, st.fromValue);
    st.release();
    if (v === FAIL) return 'invalid';
    this.value = v as T;
    return 'ok';
  }

  /** Why the reader gave up: the scanner's verdict on the item. */
  private structural(bytes: Uint8Array, offset: number, end: number, base: number): ItemStatus {
    const st = this.st;
    st.release();
    const scanner = st.scanner;
    const length = scanner.scanFrom(bytes, offset, end, 0);
    const prefix = this.path === '' ? '' : `${this.path}: `;
    const problem = (code: Problem['code'], at: number, found: string, message: string): Problem => ({
      code,
      path: this.path,
      wirePath: this.path,
      expected: 'CBOR item',
      found,
      offset: at + base,
      message: `${prefix}${message}`,
    });
    if (length >= 0) {
      this.length = length;
      this.problems = [
        problem('UNDECODABLE', offset, 'undecodable', `the item at offset ${offset + base} cannot be decoded`),
      ];
      return 'undecodable';
    }
    this.length = -1;
    if (length === SCAN_TRUNCATED) {
      this.needed = scanner.needed;
      this.problems = [
        problem(
          'TRUNCATED',
          offset,
          'end of input',
          `CBOR item at offset ${offset + base} runs past the end of the input`,
        ),
      ];
      return 'truncated';
    }
    this.at = offset + scanner.failAt;
    this.reason = scanner.reason;
    const deep = length === SCAN_TOO_DEEP;
    this.problems = [
      problem(
        deep ? 'NESTING_TOO_DEEP' : 'MALFORMED_CBOR',
        this.at,
        scanner.reason,
        `${deep ? 'CBOR item nested too deeply' : 'malformed CBOR'} at offset ${this.at + base}: ${scanner.reason}`,
      ),
    ];
    return deep ? 'too-deep' : 'malformed';
  }
}

function toResult<T>(decoder: ItemDecoder<T>, status: ItemStatus, strict: boolean): DecodeResult<T> {
  const problems = decoder.problems;
  if (strict && problems.length !== 0) throw CborSchemaError.fromProblem(problems[0] as Problem);
  if (status === 'ok') return { ok: true, value: decoder.value as T, problems };
  return { ok: false, value: undefined, problems };
}

/**
 * Decodes `bytes`, which must hold exactly one CBOR item, with `schema`.
 *
 * Tolerant mode (default) never throws on bad data: it returns `ok: false` with problems when the value is
 * unusable, and `ok: true` with problems when only optional parts were unusable (moved to the store).
 * Strict mode throws a {@link CborSchemaError} (`SCHEMA_MISMATCH`, `MALFORMED_CBOR`, `TRUNCATED`,
 * `TRAILING_BYTES`, …) for the first problem.
 *
 * @example
 * ```ts
 * const r = decode(c.struct({ streamId: c.field('sid', c.uint()) }), bytes);
 * if (r.ok) console.log(r.value.streamId);
 * else console.log(r.problems[0].message);
 * ```
 */
export function decode<T>(schema: Schema<T>, bytes: Uint8Array, options: DecodeOptions = {}): DecodeResult<T> {
  const b = normalise(bytes);
  const decoder = new ItemDecoder(schema, options);
  const status = decoder.decode(b, 0, b.length, options.baseOffset ?? 0);
  if (decoder.length >= 0 && decoder.length !== b.length && status !== 'undecodable') {
    const base = options.baseOffset ?? 0;
    const rest = b.length - decoder.length;
    decoder.problems = [
      ...decoder.problems,
      {
        code: 'TRAILING_BYTES',
        path: options.path ?? '',
        wirePath: options.path ?? '',
        expected: 'end of input',
        found: `${rest} more bytes`,
        offset: decoder.length + base,
        message: `${rest} bytes after the CBOR item at offset ${decoder.length + base}`,
      },
    ];
  }
  return toResult(decoder, status, options.mode === 'strict');
}

/**
 * Decodes the one CBOR item starting at `offset` of `bytes` (bytes after it, or from `end` on, are ignored)
 * and says where it ended. Offsets in problems are `baseOffset + offset-in-bytes`.
 *
 * @example
 * ```ts
 * const r = decodeItem(eventSchema, window, 0, { baseOffset: 1200, path: 'events[3]' });
 * if (r.length >= 0) next = r.offset + r.length;
 * ```
 */
export function decodeItem<T>(
  schema: Schema<T>,
  bytes: Uint8Array,
  offset = 0,
  options: DecodeOptions & { end?: number } = {},
): DecodeItemResult<T> {
  const b = normalise(bytes);
  const decoder = new ItemDecoder(schema, options);
  const status = decoder.decode(b, offset, Math.min(options.end ?? b.length, b.length), options.baseOffset ?? 0);
  const result = toResult(decoder, status, options.mode === 'strict') as DecodeItemResult<T>;
  result.offset = offset;
  result.length = decoder.length;
  return result;
}

/**
 * Validates and maps an already-decoded value (e.g. what cbor-x returned, or a plain JS object using wire
 * keys) with `schema`, as if its CBOR encoding had been read. Problems carry no offsets. Text keys that are
 * decimal integers match integer wire keys (cbor-x turns integer map keys into text).
 *
 * @example
 * ```ts
 * decodeValue(c.struct({ streamId: c.field('sid', c.uint()) }), { sid: 7 }).value; // { streamId: 7 }
 * ```
 */
export function decodeValue<T>(schema: Schema<T>, value: unknown, options: DecodeOptions = {}): DecodeResult<T> {
  let bytes: Uint8Array = EMPTY_BYTES;
  try {
    bytes = valueToBytes(value);
  } catch (error) {
    const problem: Problem = {
      code: 'SCHEMA_MISMATCH',
      path: options.path ?? '',
      wirePath: options.path ?? '',
      expected: 'CBOR-encodable value',
      found: typeof value,
      message: `value cannot be represented in CBOR: ${(error as Error).message}`,
    };
    if (options.mode === 'strict') throw CborSchemaError.fromProblem(problem);
    return { ok: false, value: undefined, problems: [problem] };
  }
  const st = new DecodeState(
    stateOptions({
      strict: options.mode === 'strict',
      copy: true,
      fromValue: true,
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    }),
  );
  st.begin(bytes, 0, bytes.length);
  const v = readerOf(schema)(st);
  const problems =
    v === BAIL
      ? [
          {
            code: 'UNDECODABLE' as const,
            path: options.path ?? '',
            wirePath: options.path ?? '',
            expected: 'decodable value',
            found: typeof value,
            message: 'value cannot be decoded',
          },
        ]
      : finishProblems(st.problems, options.path ?? '', 0, true);
  if (options.mode === 'strict' && problems.length !== 0) throw CborSchemaError.fromProblem(problems[0] as Problem);
  if (v === FAIL || v === BAIL) return { ok: false, value: undefined, problems };
  return { ok: true, value: v as T, problems };
}
