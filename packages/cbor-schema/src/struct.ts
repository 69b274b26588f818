/**
 * Maps with declared fields: {@link StructSchema} (wire key ↔ friendly name, a store for the rest) and
 * {@link UnionSchema} (structs discriminated by a field), with their in-memory types.
 *
 * @module
 */
import { CborSchemaError } from './errors.js';
import { type Infer, NullableSchema, Schema, type Simplify } from './schema.js';

/**
 * One entry of an entries-shaped store: a key the struct does not know, or a known key whose value could not be
 * used (tolerant decoding). Entries are kept in wire order and written back after the declared fields.
 */
export interface ExtraEntry {
  /** The wire key (text or integer). */
  key: string | number | bigint;
  /** The value, decoded as cbor-x 1.6 decodes opaque values (see {@link AnySchema}). */
  value: unknown;
  /**
   * The exact bytes the value was read from. When present, encoding writes these bytes instead of encoding
   * {@link ExtraEntry.value}, so a read-modify-write keeps the entry byte for byte. Delete it (or build entries
   * without it) when you change the value.
   */
  raw?: Uint8Array;
}

/** An entries-shaped store of unknown or unusable entries, in wire order (see {@link ExtraEntry}). */
export type Extra = ExtraEntry[];

/**
 * An object-shaped store: keys as cbor-x turns map keys into property names (integers and other scalars as
 * their text, `__proto__` as `__proto_`), values as opaque values, in wire order (first occurrence).
 */
export type ObjectStore = Record<string, unknown>;

/** How a struct keeps what it does not know: `entries` ({@link Extra}) or `object` ({@link ObjectStore}). */
export type StoreMode = 'entries' | 'object';

/** The store type of a {@link StoreMode}. */
export type StoreOf<S extends StoreMode> = S extends 'object' ? ObjectStore : Extra;

/** A wire key: text or integer. */
export type WireKey = string | number;

/**
 * A struct property: its wire key, its schema and whether it may be absent. Build with `c.field`. Absent
 * (`optional()`) is distinct from `null` (`nullable()`); `default()` makes an absent value read as a default
 * (and an absent value written as it).
 */
export class Field<S extends Schema<unknown>, O extends boolean = false> {
  /** The key on the wire. */
  readonly key: WireKey;
  /** The value schema. */
  readonly schema: S;
  /** Whether the field may be absent on the wire. */
  readonly isOptional: boolean;
  /** The value of an absent field (decoding) and of an `undefined` one (encoding), if any. */
  readonly defaultValue: (() => unknown) | undefined;
  /** Type-level marker: whether the in-memory property is optional (never set at run time). */
  declare readonly '~optional'?: O;
  constructor(key: WireKey, schema: S, isOptional: boolean, defaultValue?: () => unknown) {
    if (typeof key === 'number' && !Number.isSafeInteger(key)) {
      throw new CborSchemaError('INVALID_SCHEMA', `field key ${key} is not a safe integer`);
    }
    this.key = key;
    this.schema = schema;
    this.isOptional = isOptional;
    this.defaultValue = defaultValue;
  }
  /** The same field, allowed to be absent. */
  optional(): Field<S, true> {
    return new Field(this.key, this.schema, true);
  }
  /** The same field, also accepting `null`. */
  nullable(): Field<NullableSchema<S>, O> {
    return new Field(this.key, new NullableSchema(this.schema), this.isOptional, this.defaultValue);
  }
  /**
   * The same field, allowed to be absent on the wire but always present in memory: an absent (or CBOR
   * `undefined`) value decodes as `make()`, and an `undefined` property is written as `make()`.
   *
   * @example
   * ```ts
   * c.field('msg', c.any()).default(() => ({})); // absent msg reads as {}, and is written as {}
   * ```
   */
  default(make: () => Infer<S>): Field<S, false> {
    return new Field(this.key, this.schema, true, make);
  }
}

/** A struct property as given to `c.struct`: a {@link Field}, or a schema (wire key = property name). */
export type FieldSpec = Field<Schema<unknown>, boolean> | Schema<unknown>;

/** The properties of a struct. */
export type StructShape = Record<string, FieldSpec>;

/** In-memory type of one struct property. */
export type FieldValue<P> = P extends Field<infer S, boolean> ? Infer<S> : P extends Schema<infer T> ? T : never;

/** Property names of `F` declared with `.optional()`. */
export type OptionalKeys<F> = { [K in keyof F]: F[K] extends Field<Schema<unknown>, true> ? K : never }[keyof F];
/** Property names of `F` that are always present in memory. */
export type RequiredKeys<F> = Exclude<keyof F, OptionalKeys<F>>;

/** In-memory type of a struct's declared fields (without the store). */
export type InferFields<F extends StructShape> = { [K in RequiredKeys<F>]: FieldValue<F[K]> } & {
  [K in OptionalKeys<F>]?: FieldValue<F[K]>;
};

/** In-memory type of a struct: its fields plus the optional store named `E`. */
export type InferStruct<F extends StructShape, E extends string = 'extra', S extends StoreMode = 'entries'> = Simplify<
  InferFields<F> & { [P in E]?: StoreOf<S> }
>;

/** Options of `c.struct`. */
export interface StructOptions<E extends string = 'extra', S extends StoreMode = 'entries'> {
  /** Property holding the map's store (default `extra`). Must not be a field name. */
  extraKey?: E;
  /** Shape of the store: `entries` (default, {@link Extra}) or `object` ({@link ObjectStore}). */
  store?: S;
}

/** A struct field after normalisation (internal description, public for introspection). */
export interface FieldInfo {
  /** Friendly (in-memory) name. */
  readonly name: string;
  /** Wire key. */
  readonly key: WireKey;
  /** Value schema. */
  readonly schema: Schema<unknown>;
  /** Whether the field may be absent on the wire. */
  readonly optional: boolean;
  /** Value of an absent field, if it has one. */
  readonly defaultValue: (() => unknown) | undefined;
}

/**
 * Map with declared fields, each with a wire key and a friendly name (e.g. wire `sid` ↔ `streamId`).
 * Keys the struct does not know, and known keys whose values cannot be used (tolerant mode), go to the
 * store (`extra` by default) and are written back after the fields.
 */
export class StructSchema<
  F extends StructShape,
  E extends string = 'extra',
  S extends StoreMode = 'entries',
> extends Schema<InferStruct<F, E, S>> {
  readonly kind = 'struct';
  /** The shape as given. */
  readonly shape: F;
  /** The fields in declared order. */
  readonly fields: readonly FieldInfo[];
  /** The store property name. */
  readonly extraKey: E;
  /** The store shape. */
  readonly store: S;
  constructor(shape: F, options: StructOptions<E, S> = {}) {
    super();
    this.shape = shape;
    this.extraKey = (options.extraKey ?? 'extra') as E;
    this.store = (options.store ?? 'entries') as S;
    const fields: FieldInfo[] = [];
    const keys = new Set<WireKey>();
    for (const [name, spec] of Object.entries(shape)) {
      const field = spec instanceof Field ? spec : new Field(name, spec, false);
      if (keys.has(field.key)) throw new CborSchemaError('INVALID_SCHEMA', `struct: duplicate wire key ${field.key}`);
      if (name === this.extraKey) {
        throw new CborSchemaError('INVALID_SCHEMA', `struct: field name ${name} is the store property`);
      }
      keys.add(field.key);
      fields.push({
        name,
        key: field.key,
        schema: field.schema,
        optional: field.isOptional,
        defaultValue: field.defaultValue,
      });
    }
    this.fields = fields;
  }
  /** The field with this friendly name. */
  field(name: string): FieldInfo | undefined {
    return this.fields.find((f) => f.name === name);
  }
}

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
  /** The store shape. */
  readonly store: StoreMode;
  /** CDDL rule name, if named. */
  readonly cddlName: string | undefined;
}

/** Map of discriminator value → variant struct. */
export type VariantMap = Record<string | number, AnyStructSchema>;

/** Map of discriminator value → in-memory name of the variant (see {@link UnionOptions.names}). */
export type VariantNames = Record<string | number, string>;

/**
 * The discriminator's in-memory value of the variant at wire key `K`: its name from `names` (`N`), else the wire
 * value (a number for a numeric key).
 */
export type VariantTag<K, N> = N extends VariantNames
  ? K extends keyof N
    ? N[K]
    : never
  : K extends `${infer X extends number}`
    ? X
    : K;

/** In-memory type of a known union variant. */
export type KnownVariant<B extends StructShape, D extends keyof B, K, V, N, S extends StoreMode> = V extends {
  shape: infer VF extends StructShape;
  extraKey: infer E extends string;
}
  ? Simplify<
      { [P in D]: VariantTag<K, N> } & Omit<InferFields<B>, D | keyof VF> &
        InferFields<VF> & { [P in E]?: StoreOf<S> } & (N extends VariantNames ? unknown : { unknown?: undefined })
    >
  : never;

/**
 * In-memory type of a union's unknown variant. With `names`: the discriminator is `'unknown'`, its wire value is
 * under `K`, every other key in `fields`. Without: the base fields, `unknown: true` and `fields`.
 */
export type UnknownVariant<
  B extends StructShape,
  D extends keyof B,
  N,
  K extends string,
  S extends StoreMode,
> = N extends VariantNames
  ? Simplify<
      { [P in D]: 'unknown' } & Omit<InferFields<B>, D> & { [P in K]: FieldValue<B[D]> } & { fields: StoreOf<S> }
    >
  : Simplify<InferFields<B> & { unknown: true; fields: StoreOf<S> }>;

/** In-memory type of a union. */
export type InferUnion<
  B extends StructShape,
  D extends keyof B,
  V extends VariantMap,
  U extends 'keep' | 'reject',
  N,
  K extends string,
  S extends StoreMode,
> =
  | { [P in keyof V]: KnownVariant<B, D, P, V[P], N, S> }[keyof V]
  | (U extends 'keep' ? UnknownVariant<B, D, N, K, S> : never);

/** Options of `c.union`. */
export interface UnionOptions<
  U extends 'keep' | 'reject' = 'keep',
  N extends VariantNames | undefined = undefined,
  K extends string = 'value',
  S extends StoreMode = 'entries',
> {
  /**
   * `keep` (default): a discriminator value no variant declares gives an unknown variant. `reject`: it is a
   * schema mismatch.
   */
  unknown?: U;
  /**
   * In-memory discriminator value of each variant, by wire value (e.g. `{ 3: 'object-header' }`): decoding
   * gives the name, encoding writes the wire value. Unknown variants then read as `{ [discriminator]: 'unknown',
   * …base fields, [unknownKey]: wire value, fields }`.
   */
  names?: N;
  /** With `names`: the property holding an unknown variant's wire discriminator value (default `value`). */
  unknownKey?: K;
  /** Shape of every variant's store and of an unknown variant's `fields` (default `entries`). */
  store?: S;
}

/** Whether two schemas read the same bytes into the same values (for base fields redeclared by a variant). */
export function sameSchema(a: Schema<unknown>, b: Schema<unknown>): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  if (a.kind === 'uint' || a.kind === 'int') return x.bigint === y.bigint && x.min === y.min && x.max === y.max;
  if (a.kind === 'bytes') return x.size === y.size;
  return a.kind === 'text' || a.kind === 'bool' || a.kind === 'null' || a.kind === 'any';
}

/**
 * Map discriminated by one field (e.g. event type `e`). `base` holds the fields every variant has, the
 * discriminator among them (text or unsigned integer); each variant adds its own fields and may redeclare a base
 * field (to make it required, or with another schema). Written as the base fields in order, then the variant's
 * fields, then the store. Decoded values have the discriminator first, then the other fields in declared order,
 * then the store.
 */
export class UnionSchema<
  B extends StructShape,
  D extends keyof B & string,
  V extends VariantMap,
  U extends 'keep' | 'reject' = 'keep',
  N extends VariantNames | undefined = undefined,
  K extends string = 'value',
  S extends StoreMode = 'entries',
> extends Schema<InferUnion<B, D, V, U, N, K, S>> {
  readonly kind = 'union';
  /** The common fields. */
  readonly base: StructSchema<B>;
  /** Friendly name of the discriminator field. */
  readonly discriminator: D;
  /** The variant structs, by discriminator value. */
  readonly variants: V;
  /** What happens with unknown discriminator values. */
  readonly unknown: U;
  /** In-memory names of the variants, if given. */
  readonly names: N;
  /** With names: property of an unknown variant holding its wire discriminator value. */
  readonly unknownKey: K;
  /** Store shape. */
  readonly store: S;
  /** Per discriminator value, the merged struct (base fields, then the variant's). */
  readonly merged: ReadonlyMap<string | number, StructSchema<StructShape, string, StoreMode>>;
  /** The struct of unknown variants: the base fields and the store `fields` (with names, the discriminator's
   * value is read from and written to `unknownKey`). */
  readonly unknownStruct: StructSchema<StructShape, 'fields', StoreMode>;
  constructor(base: StructSchema<B>, discriminator: D, variants: V, options: UnionOptions<U, N, K, S> = {}) {
    super();
    this.base = base;
    this.discriminator = discriminator;
    this.variants = variants;
    this.unknown = (options.unknown ?? 'keep') as U;
    this.names = options.names as N;
    this.unknownKey = (options.unknownKey ?? 'value') as K;
    this.store = (options.store ?? 'entries') as S;
    const field = base.field(discriminator);
    if (field === undefined) throw new CborSchemaError('INVALID_SCHEMA', `union: base has no field ${discriminator}`);
    if (field.optional) throw new CborSchemaError('INVALID_SCHEMA', 'union: the discriminator must be required');
    const numeric = field.schema.kind === 'uint' || field.schema.kind === 'int';
    if (!numeric && field.schema.kind !== 'text') {
      throw new CborSchemaError('INVALID_SCHEMA', 'union: the discriminator must be a uint, int or text field');
    }
    const merged = new Map<string | number, StructSchema<StructShape, string, StoreMode>>();
    for (const [k, variant] of Object.entries(variants)) {
      const value = numeric ? Number(k) : k;
      if (numeric && !Number.isSafeInteger(value)) {
        throw new CborSchemaError('INVALID_SCHEMA', `union: variant key ${k} is not an integer`);
      }
      const struct = new StructSchema(
        { ...base.shape, ...variant.shape },
        {
          extraKey: variant.extraKey,
          store: this.store,
        },
      );
      if (variant.cddlName !== undefined) struct.named(variant.cddlName);
      merged.set(value, struct);
      if (this.names !== undefined && typeof (this.names as VariantNames)[k] !== 'string') {
        throw new CborSchemaError('INVALID_SCHEMA', `union: no name for variant ${k}`);
      }
    }
    this.merged = merged;
    if (this.names !== undefined && (this.unknownKey in base.shape || this.unknownKey === 'fields')) {
      throw new CborSchemaError('INVALID_SCHEMA', `union: unknownKey ${this.unknownKey} is a field name`);
    }
    this.unknownStruct = new StructSchema({ ...base.shape }, { extraKey: 'fields', store: this.store });
  }
}
