/**
 * Opaque values: decoding as cbor-x 1.6 does with plain-CBOR options.
 *
 * @module
 */
import { Decoder, Tag } from 'cbor-x';

const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

/**
 * Decodes one CBOR item as cbor-x 1.6 does with `{ useRecords: false, mapsAsObjects: true }`: maps become
 * objects (integer keys become text, `__proto__` becomes `__proto_`), 8-byte-argument integers become
 * `bigint` whatever their value, other integers `number`, tag 64 and bare byte strings `Uint8Array` (views
 * into `bytes`), tags 1/258/259/65–87 `Date`/`Set`/`Map`/typed arrays, other tags {@link CborTag}.
 *
 * @param bytes - exactly one CBOR item, or a buffer holding it at `[start, end)`.
 * @param start - offset of the item (default 0).
 * @param end - end of the item, exclusive (default `bytes.length`).
 * @example
 * ```ts
 * decodeOpaque(new Uint8Array([0xa1, 0x61, 0x61, 0x01])); // { a: 1 }
 * decodeOpaque(new Uint8Array([0x00, 0x18, 0x2a, 0x00]), 1, 3); // 42
 * ```
 */
export function decodeOpaque(bytes: Uint8Array, start = 0, end: number = bytes.length): unknown {
  // cbor-x caches a DataView on the input object: give it a fresh plain view (one allocation).
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start);
  return decoder.decode(view);
}

/**
 * cbor-x's class for tags it does not interpret (`value`, `tag`). Opaque values hold these for unknown tags;
 * {@link encode} writes them back with the same tag.
 */
export const CborTag: new (value: unknown, tag: number) => { value: unknown; tag: number } = Tag as never;

/** True when `value` is a cbor-x {@link CborTag}. */
export function isCborTag(value: unknown): value is { value: unknown; tag: number } {
  return value instanceof Tag;
}
