/**
 * Schema classes of values (scalars, arrays, tuples, records, opaque values, transforms) and the `Infer` type.
 * Maps with declared fields (structs and unions) are in `struct.ts`, the `c` builders in `builders.ts`.
 *
 * @module
 */
import { CborSchemaError } from './errors.js';

/** Every kind of schema node. */
export type SchemaKind =
  | 'uint'
  | 'int'
  | 'float'
  | 'text'
  | 'bytes'
  | 'bool'
  | 'null'
  | 'literal'
  | 'enum'
  | 'array'
  | 'tuple'
  | 'record'
  | 'struct'
  | 'any'
  | 'union'
  | 'nullable'
  | 'transform';

/** A value a {@link LiteralSchema} or {@link EnumSchema} can hold. */
export type LiteralValue = string | number | bigint | boolean | null;

/** Returns the TypeScript type of the values a schema describes. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Flattens an intersection for readable hover types. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Options of {@link Schema.refine}. */
export interface RefineOptions {
  /** What a value must be, for problems and errors (e.g. `map with text keys`). */
  expected: string;
  /** CDDL shown for the refined schema (default: the inner schema's). */
  cddl?: string;
}

/**
 * Base class of every schema. A schema describes one CBOR data item: it decodes (see `decode`), encodes (see
 * `encode`) and renders as CDDL (see `toCDDL`). `T` is the in-memory type.
 */
export abstract class Schema<T> {
  /** The node kind. */
  abstract readonly kind: SchemaKind;
  /** Type-level marker carrying `T` (never set at run time). */
  declare readonly '~type'?: T;
  /** Optional CDDL rule name used by `toCDDL` when this schema is referenced from another one. */
  cddlName: string | undefined;

  /** The same schema, also accepting CBOR `null` (in memory `null`). */
  nullable(): NullableSchema<this> {
    return new NullableSchema(this);
  }

  /** Names this schema for `toCDDL`: it becomes its own rule, referenced by name. Returns `this`. */
  named(name: string): this {
    this.cddlName = name;
    return this;
  }

  /**
   * The same wire form with another in-memory form: decoded values go through `decode`, values to encode through
   * `encode` (which must invert it). A `decode` that throws makes the value unusable.
   *
   * @example
   * ```ts
   * const ref = c.tuple([c.text(), c.uint()]).transform(([peer, id]) => ({ peer, id }), (r) => [r.peer, r.id] as const);
   * ```
   */
  transform<U>(decode: (value: T) => U, encode: (value: U) => T): TransformSchema<U> {
    return new TransformSchema<U>(
      this,
      decode as (value: unknown) => unknown,
      encode as (value: unknown) => unknown,
      undefined,
    );
  }

  /**
   * The same schema, accepting only values for which `check` is true (on decode and on encode); others are
   * unusable (`SCHEMA_MISMATCH` naming `options.expected`). A type guard narrows the in-memory type.
   */
  refine<U extends T>(check: (value: T) => value is U, options: RefineOptions): TransformSchema<U>;
  refine(check: (value: T) => boolean, options: RefineOptions): TransformSchema<T>;
  refine(check: (value: T) => boolean, options: RefineOptions): TransformSchema<T> {
    const identity = (value: unknown): unknown => value;
    return new TransformSchema<T>(this, identity, identity, {
      check: check as (value: unknown) => boolean,
      ...options,
    });
  }
}

/** How an integer schema returns values: `auto` = `number` up to 2^53−1, `bigint` above. */
export type BigintMode = 'auto' | 'always' | 'never';

/** Options of `c.uint` and `c.int`. */
export interface IntegerOptions {
  /**
   * `auto` (default): `number` when |v| ≤ 2^53−1, else `bigint`; `always`: always `bigint`; `never`: always
   * `number`, values beyond 2^53−1 are unusable.
   */
  bigint?: BigintMode;
  /** Smallest accepted value (inclusive). */
  min?: number | bigint;
  /** Largest accepted value (inclusive). */
  max?: number | bigint;
}

/** Unsigned integer, 0 … 2^64−1 (CBOR major type 0). */
export class UintSchema<T extends number | bigint = number | bigint> extends Schema<T> {
  readonly kind = 'uint';
  /** How values are returned. */
  readonly bigint: BigintMode;
  /** Smallest accepted value. */
  readonly min: bigint;
  /** Largest accepted value. */
  readonly max: bigint;
  constructor(options: IntegerOptions = {}) {
    super();
    this.bigint = options.bigint ?? 'auto';
    this.min = BigInt(options.min ?? 0);
    this.max = BigInt(options.max ?? 0xffffffffffffffffn);
    if (this.min < 0n) throw new CborSchemaError('INVALID_SCHEMA', 'uint: min must be >= 0');
  }
}

/** Signed integer, −2^63 … 2^63−1 (CBOR major types 0 and 1). */
export class IntSchema<T extends number | bigint = number | bigint> extends Schema<T> {
  readonly kind = 'int';
  /** How values are returned. */
  readonly bigint: BigintMode;
  /** Smallest accepted value. */
  readonly min: bigint;
  /** Largest accepted value. */
  readonly max: bigint;
  constructor(options: IntegerOptions = {}) {
    super();
    this.bigint = options.bigint ?? 'auto';
    this.min = BigInt(options.min ?? -0x8000000000000000n);
    this.max = BigInt(options.max ?? 0x7fffffffffffffffn);
  }
}

/** Options of `c.float`. */
export interface FloatOptions {
  /** Smallest accepted value (inclusive). */
  min?: number;
  /** Largest accepted value (inclusive). */
  max?: number;
  /** Exclude `min` itself. */
  exclusiveMin?: boolean;
  /** Reject NaN and ±Infinity. Default false. */
  finite?: boolean;
}

/** Floating-point number. Integers are accepted too, and integral values are written as CBOR integers. */
export class FloatSchema extends Schema<number> {
  readonly kind = 'float';
  /** Options as given. */
  readonly options: FloatOptions;
  constructor(options: FloatOptions = {}) {
    super();
    this.options = options;
  }
}

/** UTF-8 text string (major type 3). */
export class TextSchema extends Schema<string> {
  readonly kind = 'text';
}

/** Byte string (major type 2); tolerant decoding also unwraps tag 64. */
export class BytesSchema extends Schema<Uint8Array> {
  readonly kind = 'bytes';
  /** Exact length required, if set. */
  readonly size: number | undefined;
  constructor(options: { size?: number } = {}) {
    super();
    this.size = options.size;
  }
}

/** Boolean (simple values 20, 21). */
export class BoolSchema extends Schema<boolean> {
  readonly kind = 'bool';
}

/** CBOR `null`. */
export class NullSchema extends Schema<null> {
  readonly kind = 'null';
}

/** Exactly one value. */
export class LiteralSchema<V extends LiteralValue> extends Schema<V> {
  readonly kind = 'literal';
  /** The value. */
  readonly value: V;
  constructor(value: V) {
    super();
    this.value = value;
  }
}

/** One of several literal values. */
export class EnumSchema<V extends LiteralValue> extends Schema<V> {
  readonly kind = 'enum';
  /** The accepted values. */
  readonly values: readonly V[];
  constructor(values: readonly V[]) {
    super();
    if (values.length === 0) throw new CborSchemaError('INVALID_SCHEMA', 'enum: needs at least one value');
    this.values = values;
  }
}

/** Array of items of one schema; one unusable item makes the whole array unusable. */
export class ArraySchema<S extends Schema<unknown>> extends Schema<Infer<S>[]> {
  readonly kind = 'array';
  /** The item schema. */
  readonly item: S;
  /** Fewest items. */
  readonly min: number;
  /** Most items. */
  readonly max: number;
  constructor(item: S, options: { min?: number; max?: number } = {}) {
    super();
    this.item = item;
    this.min = options.min ?? 0;
    this.max = options.max ?? Number.POSITIVE_INFINITY;
  }
}

/** In-memory type of a tuple. */
export type InferTuple<T extends readonly Schema<unknown>[]> = { -readonly [K in keyof T]: Infer<T[K]> };

/** Fixed-length array whose items each have their own schema. */
export class TupleSchema<T extends readonly Schema<unknown>[]> extends Schema<InferTuple<T>> {
  readonly kind = 'tuple';
  /** The item schemas. */
  readonly items: T;
  constructor(items: T) {
    super();
    this.items = items;
  }
}

/** In-memory type of a record: an object for text keys, a `Map` for other keys. */
export type InferRecord<K extends Schema<unknown>, V extends Schema<unknown>> =
  Infer<K> extends string ? Record<string, Infer<V>> : Map<Infer<K>, Infer<V>>;

/**
 * Open map whose keys and values each follow one schema. Text-keyed records decode to plain objects
 * (`__proto__` is a normal own key), other key schemas to a `Map` in wire order.
 */
export class RecordSchema<K extends Schema<unknown>, V extends Schema<unknown>> extends Schema<InferRecord<K, V>> {
  readonly kind = 'record';
  /** The key schema. */
  readonly key: K;
  /** The value schema. */
  readonly value: V;
  constructor(key: K, value: V) {
    super();
    if (
      key.kind !== 'text' &&
      key.kind !== 'uint' &&
      key.kind !== 'int' &&
      key.kind !== 'enum' &&
      key.kind !== 'literal'
    ) {
      throw new CborSchemaError('INVALID_SCHEMA', `record: unsupported key schema ${key.kind}`);
    }
    this.key = key;
    this.value = value;
  }
}

/**
 * Any CBOR value, kept as cbor-x 1.6 decodes it with `{ useRecords: false, mapsAsObjects: true }` (see
 * `decodeOpaque`). A value cbor-x refuses (an indefinite-length string, a non-well-formed form) makes the whole
 * item undecodable (`UNDECODABLE`).
 */
export class AnySchema extends Schema<unknown> {
  readonly kind = 'any';
}

/** `S` or CBOR `null`. */
export class NullableSchema<S extends Schema<unknown>> extends Schema<Infer<S> | null> {
  readonly kind = 'nullable';
  /** The wrapped schema. */
  readonly inner: S;
  constructor(inner: S) {
    super();
    this.inner = inner;
  }
}

/** The check of a refined schema (see {@link Schema.refine}). */
export interface Refinement extends RefineOptions {
  /** True when a value is acceptable. */
  check: (value: unknown) => boolean;
}

/** A schema read and written as `inner`, held in memory as `U` (see {@link Schema.transform}, {@link Schema.refine}). */
export class TransformSchema<U> extends Schema<U> {
  readonly kind = 'transform';
  /** The wire schema. */
  readonly inner: Schema<unknown>;
  /** Wire value → memory value. */
  readonly decode: (value: unknown) => unknown;
  /** Memory value → wire value. */
  readonly encode: (value: unknown) => unknown;
  /** A refinement's check, when this is one. */
  readonly refinement: Refinement | undefined;
  constructor(
    inner: Schema<unknown>,
    decode: (value: unknown) => unknown,
    encode: (value: unknown) => unknown,
    refinement: Refinement | undefined,
  ) {
    super();
    this.inner = inner;
    this.decode = decode;
    this.encode = encode;
    this.refinement = refinement;
  }
}
