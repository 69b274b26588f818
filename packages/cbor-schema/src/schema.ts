/**
 * Schema classes, the `c` builders and the `Infer` type.
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
  | 'nullable';

/** A value a {@link LiteralSchema} or {@link EnumSchema} can hold. */
export type LiteralValue = string | number | bigint | boolean | null;

/**
 * One entry of a map's `extra` store: a key the struct does not know, or a known key whose value could not be
 * used (tolerant decoding). Entries are kept in wire order and written back after the declared fields.
 */
export interface ExtraEntry {
  /** The wire key (text or integer). */
  key: string | number | bigint;
  /** The value, decoded as cbor-x 1.6 decodes opaque values (see {@link AnySchema}). */
  value: unknown;
  /**
   * The exact bytes the value was read from. When present, {@link encode} writes these bytes instead of
   * encoding {@link ExtraEntry.value}, so a read-modify-write keeps the entry byte for byte. Delete it (or
   * build entries without it) when you change the value.
   */
  raw?: Uint8Array;
}

/** A map's store of unknown or unusable entries, in wire order (see {@link ExtraEntry}). */
export type Extra = ExtraEntry[];

/** Returns the TypeScript type of the values a schema describes. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Flattens an intersection for readable hover types. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

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
}

/** How an integer schema returns values: `auto` = `number` up to 2^53−1, `bigint` above. */
export type BigintMode = 'auto' | 'always' | 'never';

/** Options of {@link c.uint} and {@link c.int}. */
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

/** Options of {@link c.float}. */
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

/** Any CBOR value, kept as decoded (see {@link AnySchema}). */
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

/** A wire key: text or integer. */
export type WireKey = string | number;

/**
 * A struct property: its wire key, its schema and whether it may be absent. Build with {@link c.field}.
 * Absent (`optional()`) is distinct from `null` (`nullable()`).
 */
export class Field<S extends Schema<unknown>, O extends boolean = false> {
  /** The key on the wire. */
  readonly key: WireKey;
  /** The value schema. */
  readonly schema: S;
  /** Whether the field may be absent. */
  readonly isOptional: O;
  constructor(key: WireKey, schema: S, isOptional: O) {
    if (typeof key === 'number' && !Number.isSafeInteger(key)) {
      throw new CborSchemaError('INVALID_SCHEMA', `field key ${key} is not a safe integer`);
    }
    this.key = key;
    this.schema = schema;
    this.isOptional = isOptional;
  }
  /** The same field, allowed to be absent. */
  optional(): Field<S, true> {
    return new Field(this.key, this.schema, true);
  }
  /** The same field, also accepting `null`. */
  nullable(): Field<NullableSchema<S>, O> {
    return new Field(this.key, new NullableSchema(this.schema), this.isOptional);
  }
}

/** A struct property as given to {@link c.struct}: a {@link Field}, or a schema (wire key = property name). */
export type FieldSpec = Field<Schema<unknown>, boolean> | Schema<unknown>;

/** The properties of a struct. */
export type StructShape = Record<string, FieldSpec>;

/** In-memory type of one struct property. */
export type FieldValue<P> = P extends Field<infer S, boolean> ? Infer<S> : P extends Schema<infer T> ? T : never;

/** Property names of `F` declared with `.optional()`. */
export type OptionalKeys<F> = { [K in keyof F]: F[K] extends Field<Schema<unknown>, true> ? K : never }[keyof F];
/** Property names of `F` that are required. */
export type RequiredKeys<F> = Exclude<keyof F, OptionalKeys<F>>;

/** In-memory type of a struct's declared fields (without the store). */
export type InferFields<F extends StructShape> = { [K in RequiredKeys<F>]: FieldValue<F[K]> } & {
  [K in OptionalKeys<F>]?: FieldValue<F[K]>;
};

/** In-memory type of a struct: its fields plus the optional store named `E`. */
export type InferStruct<F extends StructShape, E extends string = 'extra'> = Simplify<
  InferFields<F> & { [P in E]?: Extra }
>;

/** Options of {@link c.struct}. */
export interface StructOptions<E extends string = 'extra'> {
  /** Property holding the map's store (default `extra`). Must not be a field name. */
  extraKey?: E;
}

/** A struct field after normalisation (internal description, public for introspection). */
export interface FieldInfo {
  /** Friendly (in-memory) name. */
  readonly name: string;
  /** Wire key. */
  readonly key: WireKey;
  /** Value schema. */
  readonly schema: Schema<unknown>;
  /** Whether the field may be absent. */
  readonly optional: boolean;
}

/**
 * Map with declared fields, each with a wire key and a friendly name (e.g. wire `sid` ↔ `streamId`).
 * Keys the struct does not know, and known keys whose values cannot be used (tolerant mode), go to the
 * store (`extra` by default) and are written back after the fields.
 */
export class StructSchema<F extends StructShape, E extends string = 'extra'> extends Schema<InferStruct<F, E>> {
  readonly kind = 'struct';
  /** The shape as given. */
  readonly shape: F;
  /** The fields in declared order. */
  readonly fields: readonly FieldInfo[];
  /** The store property name. */
  readonly extraKey: E;
  constructor(shape: F, options: StructOptions<E> = {}) {
    super();
    this.shape = shape;
    this.extraKey = (options.extraKey ?? 'extra') as E;
    const fields: FieldInfo[] = [];
    const keys = new Set<WireKey>();
    for (const [name, spec] of Object.entries(shape)) {
      const field = spec instanceof Field ? spec : new Field(name, spec, false);
      if (keys.has(field.key)) throw new CborSchemaError('INVALID_SCHEMA', `struct: duplicate wire key ${field.key}`);
      if (name === this.extraKey) {
        throw new CborSchemaError('INVALID_SCHEMA', `struct: field name ${name} is the store property`);
      }
      keys.add(field.key);
      fields.push({ name, key: field.key, schema: field.schema, optional: field.isOptional });
    }
    this.fields = fields;
  }
  /** The field with this friendly name. */
  field(name: string): FieldInfo | undefined {
    return this.fields.find((f) => f.name === name);
  }
}

/** In-memory type of a union's unknown variant: the base fields, `unknown: true` and all other keys. */
export type UnknownVariant<B extends StructShape> = Simplify<
  InferFields<B> & {
    /** Marks a discriminator value no variant declares. */
    unknown: true;
    /** Every key that is not a base field, in wire order. */
    fields: Extra;
  }
>;

/** In-memory type of a known union variant. */
export type KnownVariant<B extends StructShape, D extends keyof B, K, V> = V extends {
  shape: infer VF extends StructShape;
}
  ? Simplify<
      Omit<InferFields<B>, D> & { [P in D]: K extends `${infer N extends number}` ? N : K } & InferFields<VF> & {
          extra?: Extra;
          unknown?: undefined;
        }
    >
  : never;

/** Structural view of any {@link StructSchema}, whatever its type parameters. */
export interface AnyStructSchema {
  /** Always `struct`. */
  readonly kind: 'struct';
  /** The shape as given. */
  readonly shape: StructShape;
  /** The fields in declared order. */
  readonly fields: readonly FieldInfo[];
  /** The store property name. */
  readonly extraKey: string;
}

/** Map of discriminator value → variant struct. */
export type VariantMap = Record<string | number, AnyStructSchema>;

/** In-memory type of a union. */
export type InferUnion<B extends StructShape, D extends keyof B, V extends VariantMap, U extends 'keep' | 'reject'> =
  | { [K in keyof V]: KnownVariant<B, D, K, V[K]> }[keyof V]
  | (U extends 'keep' ? UnknownVariant<B> : never);

/** Options of {@link c.union}. */
export interface UnionOptions<U extends 'keep' | 'reject'> {
  /**
   * `keep` (default): a discriminator value no variant declares gives an unknown variant (`unknown: true`,
   * base fields, `fields` store with every other key). `reject`: it is a schema mismatch.
   */
  unknown?: U;
}

/**
 * Map discriminated by one field (e.g. event type `e`). `base` holds the fields every variant has, the
 * discriminator among them (text or unsigned integer); each variant adds its own fields. Written as the base
 * fields in order, then the variant's fields, then the store.
 */
export class UnionSchema<
  B extends StructShape,
  D extends keyof B & string,
  V extends VariantMap,
  U extends 'keep' | 'reject' = 'keep',
> extends Schema<InferUnion<B, D, V, U>> {
  readonly kind = 'union';
  /** The common fields. */
  readonly base: StructSchema<B>;
  /** Friendly name of the discriminator field. */
  readonly discriminator: D;
  /** The variant structs, by discriminator value. */
  readonly variants: V;
  /** What happens with unknown discriminator values. */
  readonly unknown: U;
  /** Per discriminator value, the merged struct (base fields, then the variant's). */
  readonly merged: ReadonlyMap<string | number, StructSchema<StructShape>>;
  /** The struct decoding unknown variants (base fields, store named `fields`). */
  readonly unknownStruct: StructSchema<StructShape, 'fields'>;
  constructor(base: StructSchema<B>, discriminator: D, variants: V, options: UnionOptions<U> = {}) {
    super();
    this.base = base;
    this.discriminator = discriminator;
    this.variants = variants;
    this.unknown = (options.unknown ?? 'keep') as U;
    const field = base.field(discriminator);
    if (field === undefined) throw new CborSchemaError('INVALID_SCHEMA', `union: base has no field ${discriminator}`);
    const numeric = field.schema.kind === 'uint' || field.schema.kind === 'int';
    if (!numeric && field.schema.kind !== 'text') {
      throw new CborSchemaError('INVALID_SCHEMA', 'union: the discriminator must be a uint, int or text field');
    }
    const merged = new Map<string | number, StructSchema<StructShape>>();
    for (const [k, variant] of Object.entries(variants)) {
      const value = numeric ? Number(k) : k;
      if (numeric && !Number.isSafeInteger(value)) {
        throw new CborSchemaError('INVALID_SCHEMA', `union: variant key ${k} is not an integer`);
      }
      merged.set(value, new StructSchema({ ...base.shape, ...variant.shape }));
    }
    this.merged = merged;
    this.unknownStruct = new StructSchema(base.shape, { extraKey: 'fields' });
  }
}

/**
 * The schema builders.
 *
 * @example
 * ```ts
 * const event = c.struct({
 *   seq: c.field('n', c.uint()),
 *   streamId: c.field('sid', c.uint({ bigint: 'always' })).optional(),
 *   message: c.field('msg', c.any()).optional(),
 * });
 * type Event = Infer<typeof event>; // { seq: number | bigint; streamId?: bigint; message?: unknown; extra?: Extra }
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
  struct: <F extends StructShape, E extends string = 'extra'>(
    shape: F,
    options?: StructOptions<E>,
  ): StructSchema<F, E> => new StructSchema(shape, options),
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
  >(
    base: StructSchema<B>,
    discriminator: D,
    variants: V,
    options?: UnionOptions<U>,
  ): UnionSchema<B, D, V, U> => new UnionSchema(base, discriminator, variants, options),
};

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
