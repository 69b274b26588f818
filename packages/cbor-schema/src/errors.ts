/**
 * The error class of `@x/cbor-schema`, its stable codes and the problem records of tolerant decoding.
 *
 * @module
 */
import { CodedError, type CodedErrorOptions } from '@x/binary';

/**
 * Stable machine-readable codes carried by {@link CborSchemaError} and {@link Problem}.
 *
 * Format codes of this package:
 * - `SCHEMA_MISMATCH`: a well-formed CBOR value does not fit the schema (wrong CBOR type, fraction for an
 *   integer, negative for an unsigned integer, out of range, unexpected tag, missing required field).
 * - `MALFORMED_CBOR`: the bytes are not well-formed CBOR (reserved additional information 28–30, a break byte
 *   outside an indefinite-length item, an indefinite-length integer or tag, a bad chunk in an indefinite string).
 * - `NESTING_TOO_DEEP`: arrays, maps and tags nest deeper than the depth limit (`maxDepth`, default
 *   {@link DEFAULT_MAX_DEPTH}); the item's end is not looked for.
 * - `UNDECODABLE`: an item whose boundary is known but whose content cannot be decoded (a value cbor-x refuses,
 *   such as an indefinite-length string inside an opaque value, or one of the delimitable non-well-formed forms
 *   the lenient scanner sizes).
 * - `DUPLICATE_KEY`: a map repeats a key (the last occurrence is used).
 * - `TRAILING_BYTES`: bytes are left after the one item that `decode` expected.
 * - `INVALID_VALUE`: a JavaScript value given to an encoder does not fit the schema.
 * - `INVALID_SCHEMA`: a builder was used wrongly (duplicate wire key, bad union variant, …).
 *
 * Shared codes (same meaning in every package of the toolkit): `TRUNCATED` (a CBOR item runs past the end of the
 * input) and `INVALID_ARGUMENT` (an API was given an option or argument it does not accept).
 */
export type CborSchemaErrorCode =
  | 'SCHEMA_MISMATCH'
  | 'MALFORMED_CBOR'
  | 'NESTING_TOO_DEEP'
  | 'UNDECODABLE'
  | 'DUPLICATE_KEY'
  | 'TRAILING_BYTES'
  | 'INVALID_VALUE'
  | 'INVALID_SCHEMA'
  | 'TRUNCATED'
  | 'INVALID_ARGUMENT';

/** Default nesting limit of arrays, maps and tags (the root item is depth 0). */
export const DEFAULT_MAX_DEPTH = 512;

/**
 * One problem found while decoding. Tolerant decoding collects these instead of throwing; strict decoding
 * throws the first one as a {@link CborSchemaError}.
 */
export interface Problem {
  /** Stable code, see {@link CborSchemaErrorCode}. */
  code: CborSchemaErrorCode;
  /** Path of the value with friendly field names, e.g. `events[12].message.request_id` (`""` = the root). */
  path: string;
  /** Same path with wire keys, e.g. `events[12].msg.request_id`. */
  wirePath: string;
  /** Wire key of the innermost struct field at fault, when the problem is about a field. */
  key?: string | number;
  /** What the schema expected, e.g. `uint`, `bytes`, `map`. */
  expected: string;
  /** What was found, as a CBOR type, e.g. `text`, `float`, `negative int`, `tag 24`, `absent`. */
  found: string;
  /** Absolute byte offset of the offending item, when decoding from bytes. */
  offset?: number;
  /** Human-readable message. */
  message: string;
}

/** Options accepted by the {@link CborSchemaError} constructor. */
export interface CborSchemaErrorOptions extends CodedErrorOptions {
  /** Path of the value (friendly names). */
  path?: string;
  /** Path of the value (wire keys). */
  wirePath?: string;
  /** Wire key of the field at fault. */
  key?: string | number;
  /** What the schema expected. */
  expected?: string;
  /** What was found. */
  found?: string;
}

/**
 * The error class of `@x/cbor-schema` (a `CodedError` of `@x/binary`). Carries a stable
 * {@link CborSchemaError.code}, the path of the value at fault, what was expected and found, and the byte offset
 * when known.
 *
 * @example
 * ```ts
 * try {
 *   decode(c.uint(), new Uint8Array([0x61, 0x61]), { mode: 'strict' });
 * } catch (error) {
 *   if (CborSchemaError.is(error)) console.log(error.code, error.expected, error.found); // SCHEMA_MISMATCH uint text
 * }
 * ```
 */
export class CborSchemaError extends CodedError<CborSchemaErrorCode> {
  static override readonly marker: symbol = Symbol.for('@x/cbor-schema.CborSchemaError');

  /** Path of the value at fault (friendly names), `""` for the root. */
  readonly path: string;
  /** Path of the value at fault (wire keys). */
  readonly wirePath: string;
  /** Wire key of the field at fault, when the problem is about a field. */
  readonly key: string | number | undefined;
  /** What the schema expected. */
  readonly expected: string | undefined;
  /** What was found. */
  readonly found: string | undefined;

  constructor(code: CborSchemaErrorCode, message: string, options: CborSchemaErrorOptions = {}) {
    super(code, message, options);
    this.name = 'CborSchemaError';
    this.path = options.path ?? '';
    this.wirePath = options.wirePath ?? this.path;
    this.key = options.key;
    this.expected = options.expected;
    this.found = options.found;
  }

  /** Builds the error for a {@link Problem}. */
  static fromProblem(problem: Problem): CborSchemaError {
    return new CborSchemaError(problem.code, problem.message, problem);
  }
}
