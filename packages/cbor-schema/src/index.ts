/**
 * `@x/cbor-schema`: typed CBOR schemas on cbor-x. One schema value gives the TypeScript type, strict or
 * tolerant decoding with precise problem paths and offsets, normal-form encoding, CBOR sequences and CDDL.
 *
 * @example
 * ```ts
 * import { c, decode, encode, type Infer } from '@x/cbor-schema';
 * const event = c.struct({ seq: c.field('n', c.uint()), streamId: c.field('sid', c.uint({ bigint: 'always' })).optional() });
 * type Event = Infer<typeof event>;
 * const bytes = encode(event, { seq: 1, streamId: 4n });
 * const r = decode(event, bytes, { mode: 'tolerant' });
 * ```
 *
 * @module @x/cbor-schema
 */

export { type CddlOptions, toCDDL } from './cddl.js';
export {
  type DecodeItemResult,
  type DecodeMode,
  type DecodeOptions,
  type DecodeResult,
  decode,
  decodeItem,
  decodeValue,
} from './decode.js';
export {
  createEncoder,
  type EncodeOptions,
  encode,
  encodeAny,
  encodeSequence,
  type SequenceEncoder,
} from './encode.js';
export {
  CborSchemaError,
  type CborSchemaErrorCode,
  type CborSchemaErrorOptions,
  type Problem,
} from './errors.js';
export { CborTag, decodeOpaque, isCborTag } from './opaque.js';
export {
  type MeasureResult,
  measureItem,
  SCAN_MALFORMED,
  SCAN_TRUNCATED,
  scanItem,
  scanNeeded,
} from './scanner.js';
export {
  AnySchema,
  type AnyStructSchema,
  ArraySchema,
  type BigintMode,
  BoolSchema,
  BytesSchema,
  c,
  EnumSchema,
  type Extra,
  type ExtraEntry,
  Field,
  type FieldInfo,
  type FieldSpec,
  type FieldValue,
  type FloatOptions,
  FloatSchema,
  type Infer,
  type InferFields,
  type InferRecord,
  type InferStruct,
  type InferTuple,
  type InferUnion,
  type IntegerOptions,
  IntSchema,
  type KnownVariant,
  LiteralSchema,
  type LiteralValue,
  NullableSchema,
  NullSchema,
  type OptionalKeys,
  RecordSchema,
  type RequiredKeys,
  Schema,
  type SchemaKind,
  type Simplify,
  type StructOptions,
  StructSchema,
  type StructShape,
  TextSchema,
  TupleSchema,
  UintSchema,
  type UnionOptions,
  UnionSchema,
  type UnknownVariant,
  type VariantMap,
  type WireKey,
} from './schema.js';
export {
  createSequenceDecoder,
  decodeSequence,
  type InterceptResult,
  type SequenceDecoder,
  type SequenceDecoderOptions,
  type SequenceEvent,
  type SequenceItem,
} from './sequence.js';
