/**
 * Encoding headers and events with the schemas through `@x/cbor-schema`'s one CBOR writer, in the normal form of
 * spec §7.1 (opaque values as §7.3 asks: `Map` as tag 259, lone surrogates as WTF-8 so that they read back,
 * functions as null), and {@link writeTrace} for a whole trace in memory.
 *
 * @module
 */
import { CborSchemaError, CborWriter } from '@x/cbor-schema';
import { MoqtraceError } from '../errors.js';
import { PREAMBLE_SIZE, writePreamble } from '../preamble.js';
import { type TraceEvent, traceEventSchema } from '../schemas/events.js';
import { type TraceHeader, traceHeaderSchema } from '../schemas/header.js';
import { checkVersion1Profile, resolveVersion, segmentsOf, type TraceContent, type VersionChoice } from './profile.js';

/** Key of the placeholder entry that holds the place of `endTime` until a streaming writer patches it. */
export const ENDTIME_PLACEHOLDER = 'x-pending';

/** A writer configured for trace content. */
export function createCborWriter(initialCapacity: number): CborWriter {
  return new CborWriter({ initialCapacity, mapTag: true, wtf8: true, functionsAsNull: true });
}

/** The `INVALID_ARGUMENT` error for an encoding failure of a value at `prefix`. */
export function argumentError(error: unknown, prefix: string): unknown {
  if (!CborSchemaError.is(error) || error.code !== 'INVALID_VALUE') return error;
  const key = error.path === '' ? prefix : `${prefix}.${error.path}`;
  const detail = error.message.startsWith(`${error.path}: `)
    ? error.message.slice(error.path.length + 2)
    : error.message;
  return new MoqtraceError('INVALID_ARGUMENT', `${key}: ${detail}`, { key, cause: error });
}

/**
 * Writes a header map. With `reserve`, an absent `endTime` is written as a 17-byte placeholder entry at its
 * position (patched later); returns the placeholder's absolute offset, or -1.
 */
export function writeHeader(w: CborWriter, header: TraceHeader, reserve: boolean, prefix = 'header'): number {
  if (typeof header !== 'object' || header === null) {
    throw new MoqtraceError('INVALID_ARGUMENT', `${prefix}: must be a header object`, { key: prefix });
  }
  let value = header;
  // A placeholder left by a crashed writer is dropped once endTime is written (or reserved again).
  if ((reserve || header.endTime !== undefined) && header.extra && Object.hasOwn(header.extra, ENDTIME_PLACEHOLDER)) {
    const { [ENDTIME_PLACEHOLDER]: _pending, ...rest } = header.extra;
    value = { ...header, extra: rest };
  }
  try {
    if (!reserve || value.endTime !== undefined) {
      w.write(traceHeaderSchema, value);
      return -1;
    }
    return w.writeReserving(traceHeaderSchema, value, { field: 'endTime', placeholderKey: ENDTIME_PLACEHOLDER });
  } catch (error) {
    throw argumentError(error, prefix);
  }
}

/**
 * Writes one event; `dataNull`: an annotation without data gets `data: null` (version 1 forced). Throws the
 * encoder's error (see {@link argumentError}); nothing of the event is written then.
 */
export function writeEvent(w: CborWriter, event: TraceEvent, dataNull: boolean): void {
  if (
    dataNull &&
    event !== null &&
    typeof event === 'object' &&
    event.type === 'annotation' &&
    event.data === undefined
  ) {
    w.write(traceEventSchema, { ...event, data: null });
  } else {
    w.write(traceEventSchema, event);
  }
}

/** Options of {@link writeTrace}. */
export interface WriteTraceOptions {
  /** Format version; default `auto`. Forcing 1 on content that needs 2 throws `INVALID_ARGUMENT`. */
  version?: VersionChoice;
}

/**
 * Encodes a whole trace (one header with events, or segments) in normal form: version 1 when the content fits
 * the profile every reference reader opens (spec §7.2), else 2. A value that cannot be encoded throws
 * `INVALID_ARGUMENT` naming it (`segments[0].events[3].streamId`).
 *
 * @example
 * ```ts
 * const bytes = writeTrace({ header, events });            // version 1 when the content allows
 * const again = writeTrace(readTrace(bytes), { version: 2 });
 * ```
 */
export function writeTrace(content: TraceContent, options: WriteTraceOptions = {}): Uint8Array {
  const segments = segmentsOf(content);
  const { version, dataNull } = resolveVersion(options.version ?? 'auto', checkVersion1Profile(content));
  const w = createCborWriter(64 * 1024);
  const segmented = 'segments' in content;
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s] as (typeof segments)[number];
    const at = w.reserve(PREAMBLE_SIZE);
    writeHeader(w, segment.header, false, segmented ? `segments[${s}].header` : 'header');
    w.patch(at, writePreamble({ version, headerLength: w.length - at - PREAMBLE_SIZE }));
    const events = segment.events;
    let i = 0;
    try {
      for (; i < events.length; i++) writeEvent(w, events[i] as TraceEvent, dataNull);
    } catch (error) {
      throw argumentError(error, segmented ? `segments[${s}].events[${i}]` : `events[${i}]`);
    }
  }
  return w.take();
}
