/**
 * Random access: one event item at an offset ({@link decodeEventAt}) and the first segment's header from bytes in
 * memory ({@link decodeTraceHeader}).
 *
 * @module
 */
import { decodeOpaque, ItemDecoder } from '@x/cbor-schema';
import { MoqtraceError } from '../errors.js';
import { type TraceEvent, traceEventSchema } from '../schemas/events.js';
import { eventFailure, TraceParser } from './parser.js';
import type { TraceProblem, TraceSegmentInfo } from './types.js';

/** Options of {@link decodeEventAt}. */
export interface DecodeEventOptions {
  /** Segment index reported in a problem (default 0). */
  segment?: number;
  /** Copy typed byte fields out of `bytes` instead of viewing it. Default false. */
  copyBytes?: boolean;
}

/** What {@link decodeEventAt} returns: the event and the offset after its item, or the problem it has. */
export type EventDecodeResult =
  | {
      /** The item is an event. */
      ok: true;
      /** The event. */
      event: TraceEvent;
      /** Offset after the item. */
      end: number;
    }
  | {
      /** The item is not an event. */
      ok: false;
      /** Why (`MALFORMED_EVENT` with the item's `end`, `TRUNCATED` with `needed`, `MALFORMED_CBOR`, ...). */
      problem: TraceProblem;
      /** Offset after the item, when its boundary is known. */
      end?: number;
      /** For `TRUNCATED`: lower bound of the bytes the item needs from its offset. */
      needed?: number;
    };

/** {@link decodeEventAt} with offsets in problems moved by `base` (readers reading a slice of a file). */
export function decodeEventIn(
  bytes: Uint8Array,
  offset: number,
  base: number,
  options: DecodeEventOptions,
): EventDecodeResult {
  const segment = options.segment ?? 0;
  const b = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new ItemDecoder(traceEventSchema, { lenient: true, copyBytes: options.copyBytes === true });
  const status = decoder.decode(b, offset, b.length, base);
  const at = base + offset;
  if (status === 'ok') return { ok: true, event: decoder.value as TraceEvent, end: offset + decoder.length };
  if (status === 'invalid' || status === 'undecodable') {
    const end = offset + decoder.length;
    let value: unknown;
    try {
      value = decodeOpaque(b, offset, end);
    } catch {
      value = undefined;
    }
    const failure = eventFailure(decoder.problems, value);
    return {
      ok: false,
      end,
      problem: {
        code: 'MALFORMED_EVENT',
        severity: 'error',
        offset: at,
        segment,
        ...(failure.key === undefined ? {} : { key: failure.key }),
        message: `item at byte ${at}: ${failure.message}`,
        value,
      },
    };
  }
  if (status === 'truncated') {
    return {
      ok: false,
      needed: decoder.needed,
      problem: {
        code: 'TRUNCATED',
        severity: 'error',
        offset: at,
        segment,
        message: `truncated: the item starting at byte ${at} is incomplete (${b.length - offset} bytes left)`,
      },
    };
  }
  const deep = status === 'too-deep';
  return {
    ok: false,
    problem: {
      code: deep ? 'NESTING_TOO_DEEP' : 'MALFORMED_CBOR',
      severity: 'error',
      offset: at,
      segment,
      message: deep
        ? `the item at byte ${at} nests deeper than 512 levels`
        : `invalid CBOR structure in the item at byte ${at}: ${decoder.reason}`,
    },
  };
}

/**
 * Decodes the one event item starting at `offset` (an event offset reported by the readers), without its
 * segment's preamble and header: events do not depend on them. A damaged item gives a problem
 * (`MALFORMED_EVENT` with the item's `end`, `TRUNCATED`, `MALFORMED_CBOR`) instead of throwing.
 *
 * @example
 * ```ts
 * const item = new Uint8Array(await file.slice(offset, nextOffset).arrayBuffer());
 * const decoded = decodeEventAt(item, 0);
 * if (decoded.ok) console.log(decoded.event.type);
 * ```
 */
export function decodeEventAt(bytes: Uint8Array, offset: number, options: DecodeEventOptions = {}): EventDecodeResult {
  if (!(bytes instanceof Uint8Array))
    throw new MoqtraceError('INVALID_ARGUMENT', 'bytes: must be a Uint8Array', { key: 'bytes' });
  if (!(Number.isInteger(offset) && offset >= 0 && offset < bytes.length)) {
    throw new MoqtraceError('OUT_OF_RANGE', `offset ${offset} is outside the ${bytes.length} bytes given`, {
      key: 'offset',
    });
  }
  return decodeEventIn(bytes, offset, 0, options);
}

/**
 * The first segment's preamble and header from bytes in memory (only the first `16 + N` bytes are looked at).
 * Throws {@link MoqtraceError} `BAD_MAGIC`, `UNSUPPORTED_VERSION`, `TRUNCATED` or `MALFORMED_HEADER`.
 *
 * @example
 * ```ts
 * const { header, eventsOffset } = decodeTraceHeader(bytes);
 * ```
 */
export function decodeTraceHeader(bytes: Uint8Array): TraceSegmentInfo {
  if (!(bytes instanceof Uint8Array))
    throw new MoqtraceError('INVALID_ARGUMENT', 'bytes: must be a Uint8Array', { key: 'bytes' });
  const parser = new TraceParser();
  let found: TraceSegmentInfo | undefined;
  parser.push(bytes);
  parser.end();
  parser.runUntilSegment({
    segment: (segment) => {
      found = segment;
    },
    event: () => {},
    problem: () => {},
  });
  if (found === undefined) throw new MoqtraceError('TRUNCATED', 'no header found', { offset: 0 });
  return found;
}
