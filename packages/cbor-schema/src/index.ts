/**
 * `@x/cbor-schema`: typed CBOR schemas on cbor-x. One schema value gives the TypeScript type, strict or
 * tolerant decoding with precise problem paths and offsets (compiled once into a decoder that builds the final
 * objects), normal-form encoding through one CBOR writer, CBOR sequences over chunked input, and CDDL.
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

export { c } from './builders.js';
export { type CddlOptions, toCDDL } from './cddl.js';
export {
  type DecodeItemResult,
  type DecodeMode,
  type DecodeOptions,
  type DecodeResult,
  decode,
  decodeItem,
  decodeValue,
  ItemDecoder,
  type ItemStatus,
} from './decode.js';
export {
  CborWriter,
  type CborWriterOptions,
  createEncoder,
  type EncodeOptions,
  encode,
  encodeAny,
  encodeSequence,
  fieldEntry,
  type Reservation,
  type SequenceEncoder,
} from './encode.js';
export {
  CborSchemaError,
  type CborSchemaErrorCode,
  type CborSchemaErrorOptions,
  DEFAULT_MAX_DEPTH,
  type Problem,
} from './errors.js';
export { CborTag, decodeOpaque, isCborTag } from './opaque.js';
export {
  QueueItemReader,
  type QueueItemReaderOptions,
  type QueueReadStatus,
} from './queue-reader.js';
export {
  ItemScanner,
  type MeasureResult,
  measureItem,
  SCAN_MALFORMED,
  SCAN_TOO_DEEP,
  SCAN_TRUNCATED,
  type ScanOptions,
  scanItem,
} from './scanner.js';
export {
  AnySchema,
  ArraySchema,
  type BigintMode,
  BoolSchema,
  BytesSchema,
  EnumSchema,
  type FloatOptions,
  FloatSchema,
  type Infer,
  type InferRecord,
  type InferTuple,
  type IntegerOptions,
  IntSchema,
  LiteralSchema,
  type LiteralValue,
  NullableSchema,
  NullSchema,
  RecordSchema,
  type Refinement,
  type RefineOptions,
  Schema,
  type SchemaKind,
  type Simplify,
  TextSchema,
  TransformSchema,
  TupleSchema,
  UintSchema,
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
export {
  type AnyStructSchema,
  type Extra,
  type ExtraEntry,
  Field,
  type FieldInfo,
  type FieldSpec,
  type FieldValue,
  type InferFields,
  type InferStruct,
  type InferUnion,
  type KnownVariant,
  type ObjectStore,
  type OptionalKeys,
  type RequiredKeys,
  type StoreMode,
  type StoreOf,
  type StructOptions,
  StructSchema,
  type StructShape,
  type UnionOptions,
  UnionSchema,
  type UnknownVariant,
  type VariantMap,
  type VariantNames,
  type VariantTag,
  type WireKey,
} from './struct.js';
export type { OpaqueOptions } from './writer.js';
