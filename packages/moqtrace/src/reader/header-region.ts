/**
 * Decoding the header region of a segment (spec §2.4 step 2): exactly one CBOR map of the header schema, bytes
 * left in the region are a warning, a missing or unusable required key (dotted: `segment.sequence`) makes it
 * malformed.
 *
 * @module
 */
import { ItemDecoder, type Problem } from '@x/cbor-schema';
import { type TraceHeader, traceHeaderSchema } from '../schemas/header.js';

/** Outcome of decoding a header region. */
export type HeaderRegion =
  | {
      ok: true;
      header: TraceHeader;
      /** Bytes after the map in the region. */
      trailingBytes: number;
      /** A `segment` value that is not a map went to the store. */
      unusableSegment: boolean;
      /** Keys repeated at the top level (the last occurrence is used). */
      duplicateKeys: string[];
    }
  | { ok: false; key?: string; message: string };

const REQUIRED = ['protocol', 'perspective', 'detail', 'startTime'];

/**
 * A decoder for header regions (one per reader; a header map is read like an event: lenient, depth-limited). An
 * opaque value cbor-x refuses reads as `undefined`, so such a header still opens (its events need no header value).
 */
export function createHeaderDecoder(copyBytes = false): ItemDecoder<TraceHeader> {
  return new ItemDecoder(traceHeaderSchema, { lenient: true, lenientOpaque: true, copyBytes });
}

/** Decodes the header map in `length` bytes at `start` of `bytes` (offsets in problems from `base`). */
export function decodeHeaderRegion(
  decoder: ItemDecoder<TraceHeader>,
  bytes: Uint8Array,
  start: number,
  length: number,
  base = 0,
): HeaderRegion {
  const status = decoder.decode(bytes, start, start + length, base);
  const problems: readonly Problem[] = decoder.problems;
  if (status === 'ok') {
    const header = decoder.value as TraceHeader;
    const duplicateKeys = problems.filter((p) => p.code === 'DUPLICATE_KEY' && p.path === '').map((p) => String(p.key));
    let unusableSegment = false;
    if (header.segment === undefined && header.extra !== undefined && Object.hasOwn(header.extra, 'segment')) {
      if (problems.some((p) => p.code === 'SCHEMA_MISMATCH' && p.wirePath === 'segment.sequence')) {
        return { ok: false, key: 'segment.sequence', message: 'missing or unusable segment.sequence' };
      }
      unusableSegment = true;
    }
    return { ok: true, header, trailingBytes: length - decoder.length, unusableSegment, duplicateKeys };
  }
  if (status === 'invalid') {
    for (const p of problems) {
      if (p.code === 'SCHEMA_MISMATCH' && REQUIRED.includes(p.wirePath)) {
        return { ok: false, key: p.wirePath, message: `missing or unusable ${p.wirePath}` };
      }
    }
    const root = problems.find((p) => p.path === '' && p.code === 'SCHEMA_MISMATCH');
    if (root?.expected === 'map') return { ok: false, message: 'header is not a CBOR map' };
    return { ok: false, message: 'header has a key that is not text or a number' };
  }
  if (status === 'undecodable') return { ok: false, message: 'header cannot be decoded' };
  if (status === 'truncated') return { ok: false, message: 'header map runs past the header length' };
  if (status === 'too-deep') return { ok: false, message: 'header nests deeper than 512 levels' };
  return { ok: false, message: 'header is not well-formed CBOR' };
}
