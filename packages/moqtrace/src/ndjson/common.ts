/**
 * Pieces shared by the object rendering (`render.ts`) and the direct JSON text writer (`text.ts`).
 *
 * @module
 */

/** Byte fields longer than this are rendered as `{"length","sha256"}` unless `fullBytes` is set. */
export const BYTES_LIMIT = 4096;

/** Typed-array constructors rendered as `$typedArray` (tags 65–87). */
export const TYPED_ARRAYS: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {
  Uint8ClampedArray,
  Uint16Array,
  Uint32Array,
  BigUint64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  BigInt64Array,
  Float32Array,
  Float64Array,
};

/** True when a `Uint8Array` (or `Buffer`, or an unknown subclass) renders as `$bytes`. */
export function rendersAsBytes(value: Uint8Array): boolean {
  return value.constructor === Uint8Array || !(value.constructor.name in TYPED_ARRAYS);
}

/** Options of the rendering. */
export interface RenderOptions {
  /**
   * Print typed byte fields above 4096 bytes in full instead of `{"length","sha256"}`. Default `false` (the
   * canonical rendering); NDJSON export for re-import sets it.
   */
  fullBytes?: boolean;
  /** Leave out the `payload` field of `object-payload` events (`xtrace cat --payload none`). Default `false`. */
  omitPayload?: boolean;
}

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
