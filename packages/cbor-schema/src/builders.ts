/**
 * The `c` schema builders.
 *
 * @module
 */
import {
  AnySchema,
  ArraySchema,
  BoolSchema,
  BytesSchema,
  EnumSchema,
  type FloatOptions,
  FloatSchema,
  type IntegerOptions,
  IntSchema,
  LiteralSchema,
  type LiteralValue,
  NullableSchema,
  NullSchema,
  RecordSchema,
  type Schema,
  TextSchema,
  TupleSchema,
  UintSchema,
} from './schema.js';
import {
  Field,
  type StoreMode,
  type StructOptions,
  StructSchema,
  type StructShape,
  type UnionOptions,
  UnionSchema,
  type VariantMap,
  type VariantNames,
  type WireKey,
} from './struct.js';

function uint(): UintSchema<number | bigint>;
function uint(options: IntegerOptions & { bigint: 'always' }): UintSchema<bigint>;
function uint(options: IntegerOptions & { bigint: 'never' }): UintSchema<number>;
function uint(options?: IntegerOptions): UintSchema<number | bigint>;
function uint(options?: IntegerOptions): UintSchema<number | bigint> {
  return new UintSchema(options);
}

function int(): IntSchema<number | bigint>;
function int(options: IntegerOptions & { bigint: 'always' }): IntSchema<bigint>;
function int(options: IntegerOptions & { bigint: 'never' }): IntSchema<number>;
function int(options?: IntegerOptions): IntSchema<number | bigint>;
function int(options?: IntegerOptions): IntSchema<number | bigint> {
  return new IntSchema(options);
}

/**
 * The schema builders.
 *
 * @example
 * ```ts
 * const event = c.struct({
 *   seq: c.field('n', c.uint()),
 *   streamId: c.field('sid', c.uint({ bigint: 'always' })).optional(),
 *   message: c.field('msg', c.any()).default(() => ({})),
 * });
 * type Event = Infer<typeof event>; // { seq: number | bigint; streamId?: bigint; message: unknown; extra?: Extra }
 * ```
 */
export const c = {
  /** Unsigned integer 0 … 2^64−1; `number` up to 2^53−1, `bigint` above (see {@link IntegerOptions}). */
  uint: uint,
  /** Signed integer −2^63 … 2^63−1; `number` within ±(2^53−1), `bigint` beyond (see {@link IntegerOptions}). */
  int: int,
  /** Floating-point number (integers accepted). */
  float: (options?: FloatOptions): FloatSchema => new FloatSchema(options),
  /** UTF-8 text. */
  text: (): TextSchema => new TextSchema(),
  /** Byte string, optionally of an exact size. */
  bytes: (options?: { size?: number }): BytesSchema => new BytesSchema(options),
  /** Boolean. */
  bool: (): BoolSchema => new BoolSchema(),
  /** CBOR `null`. */
  null: (): NullSchema => new NullSchema(),
  /** Exactly `value`. */
  literal: <const V extends LiteralValue>(value: V): LiteralSchema<V> => new LiteralSchema(value),
  /** One of `values`. */
  enum: <const V extends LiteralValue>(values: readonly V[]): EnumSchema<V> => new EnumSchema(values),
  /** Array of `item`. */
  array: <S extends Schema<unknown>>(item: S, options?: { min?: number; max?: number }): ArraySchema<S> =>
    new ArraySchema(item, options),
  /** Fixed-length array. */
  tuple: <const T extends readonly Schema<unknown>[]>(items: T): TupleSchema<T> => new TupleSchema(items),
  /** Open map with keys of `key` and values of `value`. */
  record: <K extends Schema<unknown>, V extends Schema<unknown>>(key: K, value: V): RecordSchema<K, V> =>
    new RecordSchema(key, value),
  /** A struct property with wire key `key` (text or integer). */
  field: <S extends Schema<unknown>>(key: WireKey, schema: S): Field<S, false> => new Field(key, schema, false),
  /** Map with declared fields (see {@link StructSchema}). */
  struct: <F extends StructShape, E extends string = 'extra', S extends StoreMode = 'entries'>(
    shape: F,
    options?: StructOptions<E, S>,
  ): StructSchema<F, E, S> => new StructSchema(shape, options),
  /** Any CBOR value, kept as decoded. */
  any: (): AnySchema => new AnySchema(),
  /** `schema` or `null`. */
  nullable: <S extends Schema<unknown>>(schema: S): NullableSchema<S> => new NullableSchema(schema),
  /** Map discriminated by a field of `base` (see {@link UnionSchema}). */
  union: <
    B extends StructShape,
    D extends keyof B & string,
    V extends VariantMap,
    U extends 'keep' | 'reject' = 'keep',
    const N extends VariantNames | undefined = undefined,
    const K extends string = 'value',
    S extends StoreMode = 'entries',
  >(
    base: StructSchema<B>,
    discriminator: D,
    variants: V,
    options?: UnionOptions<U, N, K, S>,
  ): UnionSchema<B, D, V, U, N, K, S> => new UnionSchema(base, discriminator, variants, options),
};
