/**
 * The trace header (spec §3): one CBOR map right after the preamble, text keys equal to the friendly names.
 *
 * ```
 * { "protocol": text, "perspective": text, "detail": text, "startTime": uint (epoch ms),
 *   ? "endTime": uint, ? "transport": text, ? "source": text, ? "endpoint": text, ? "sessionId": text,
 *   ? "segment": { "sequence": uint, ? "durationMs": uint, ? "streamId": text, ? "continues": bool },
 *   ? "sampling": { ? "effectiveRate": (0,1], ? "maxEventsPerSec": uint, ? "dropPolicy": text, ... },
 *   ? "custom": { * text => any }, * other => any }
 * ```
 *
 * @module
 */
import {
  ABSENT,
  decodeOpaque,
  MapEntries,
  readBoolean,
  readInteger,
  readReal,
  readText,
  SCAN_MALFORMED,
  SCAN_TRUNCATED,
  UNUSABLE,
  WALK_BAD_KEY,
  WALK_NOT_MAP,
  walkMap,
} from './internal/cbor.js';
import { CborEncoder } from './internal/encoder.js';

/** Perspectives defined by the format (others are kept). */
export const PERSPECTIVES = ['client', 'server', 'observer', 'relay-tap'] as const;

/** v2 `segment` map: present exactly when the trace is segmented. */
export interface SegmentInfo {
  /** 0-based, +1 per segment of one source. */
  sequence: number;
  /** Nominal segment duration in ms. */
  durationMs?: number;
  /** Names the logical stream shared by all its segments (not a QUIC stream id). */
  streamId?: string;
  /** Continues an earlier segment with the same `streamId`. */
  continues?: boolean;
  /** Unrecognised keys, in wire order. */
  extra?: Record<string, unknown>;
}

/** v2 `sampling` map: present exactly when events were dropped at the source. */
export interface SamplingInfo {
  /** Fraction kept by rate-based dropping, in (0, 1]. */
  effectiveRate?: number;
  /** Per-segment cap that caused drops. */
  maxEventsPerSec?: number;
  /** `head`, `tail`, `sampled`, open set. */
  dropPolicy?: string;
  /** Running total of dropped events since the stream start. */
  droppedTotal?: number;
  /** Dropped events within this segment. */
  droppedSegment?: number;
  /** Source-side filter rule. */
  rule?: string;
  /** Language of {@link SamplingInfo.rule} (`prefix`, `suffix`, `glob`, `cel`, ...). */
  ruleLang?: string;
  /** Event types the policy touched. */
  appliesTo?: number[];
  /** Unrecognised keys, in wire order. */
  extra?: Record<string, unknown>;
}

/** The header of a trace (or of one segment). Integers are `number`s. */
export interface TraceHeader {
  /** `moq-transport-NN` or `moq-transport-rfcNNNN`; any text is kept. */
  protocol: string;
  /** `client`, `server`, `observer`, `relay-tap`; any text is kept. */
  perspective: string;
  /** One of the five detail levels; any text is kept. */
  detail: string;
  /** Unix epoch milliseconds (of the segment start, for a segment). */
  startTime: number;
  /** Epoch ms at finalisation; absent after a crash. */
  endTime?: number;
  /** `webtransport`, `raw-quic`, open set. */
  transport?: string;
  /** Producing software/version. */
  source?: string;
  /** Remote peer address or URI. */
  endpoint?: string;
  /** Capture-correlation id. */
  sessionId?: string;
  /** Segment metadata (v2). */
  segment?: SegmentInfo;
  /** Sampling metadata (v2). */
  sampling?: SamplingInfo;
  /** Free metadata, kept whole; `payloadMasked` is defined (spec §6.3). */
  custom?: Record<string, unknown>;
  /** Unrecognised keys and defined keys with unusable values, in wire order. */
  extra?: Record<string, unknown>;
}

/** The header keys in wire order (spec §7.1 rule 4). */
export const HEADER_KEYS = [
  'protocol',
  'perspective',
  'detail',
  'startTime',
  'endTime',
  'transport',
  'source',
  'endpoint',
  'sessionId',
  'segment',
  'sampling',
  'custom',
] as const;

const SEGMENT_KEYS = ['sequence', 'durationMs', 'streamId', 'continues'] as const;
const SAMPLING_KEYS = [
  'effectiveRate',
  'maxEventsPerSec',
  'dropPolicy',
  'droppedTotal',
  'droppedSegment',
  'rule',
  'ruleLang',
  'appliesTo',
] as const;

/** Outcome of decoding a header region. */
export type HeaderDecodeResult =
  | { ok: true; header: TraceHeader; trailingBytes: number; unusableSegment: boolean; duplicateKeys?: string[] }
  | { ok: false; truncated: boolean; key?: string; message: string };

function safeUint(b: Uint8Array, pos: number): number | typeof UNUSABLE | typeof ABSENT {
  const value = readInteger(b, pos, false);
  if (typeof value === 'bigint') return UNUSABLE;
  return value;
}

function opaque(b: Uint8Array, start: number, end: number): unknown {
  try {
    return decodeOpaque(b, start, end);
  } catch {
    return undefined;
  }
}

function isPlainMapValue(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Map) &&
    !(value instanceof Set) &&
    !(value instanceof Date) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

type SubResult<T> = { value: T } | { missing: string } | { unusable: true };

function decodeSegment(b: Uint8Array, start: number, end: number): SubResult<SegmentInfo> {
  const entries = new MapEntries();
  const result = walkMap(b, start, end, entries);
  if (result < 0) return { unusable: true };
  const segment: Partial<SegmentInfo> = {};
  let extra: Record<string, unknown> | undefined;
  for (let i = 0; i < entries.count; i++) {
    const key = entries.keys[i] as string;
    const s = entries.starts[i] as number;
    const e = entries.ends[i] as number;
    let value: unknown = UNUSABLE;
    switch (key) {
      case 'sequence':
      case 'durationMs':
        value = safeUint(b, s);
        break;
      case 'streamId':
        value = readText(b, s, e);
        break;
      case 'continues':
        value = readBoolean(b, s);
        break;
      default:
        (extra ??= {})[key] = opaque(b, s, e);
        continue;
    }
    if (value === ABSENT) continue;
    if (value === UNUSABLE) (extra ??= {})[key] = opaque(b, s, e);
    else (segment as Record<string, unknown>)[key] = value;
  }
  if (segment.sequence === undefined) return { missing: 'segment.sequence' };
  const ordered: SegmentInfo = { sequence: segment.sequence };
  for (const key of SEGMENT_KEYS) {
    const value = (segment as Record<string, unknown>)[key];
    if (value !== undefined) (ordered as unknown as Record<string, unknown>)[key] = value;
  }
  if (extra) ordered.extra = extra;
  return { value: ordered };
}

function decodeSampling(b: Uint8Array, start: number, end: number): SubResult<SamplingInfo> {
  const entries = new MapEntries();
  const result = walkMap(b, start, end, entries);
  if (result < 0) return { unusable: true };
  const sampling: Record<string, unknown> = {};
  let extra: Record<string, unknown> | undefined;
  for (let i = 0; i < entries.count; i++) {
    const key = entries.keys[i] as string;
    const s = entries.starts[i] as number;
    const e = entries.ends[i] as number;
    let value: unknown = UNUSABLE;
    switch (key) {
      case 'effectiveRate': {
        const rate = readReal(b, s);
        value = typeof rate === 'number' && rate > 0 && rate <= 1 ? rate : rate === ABSENT ? ABSENT : UNUSABLE;
        break;
      }
      case 'maxEventsPerSec':
      case 'droppedTotal':
      case 'droppedSegment':
        value = safeUint(b, s);
        break;
      case 'dropPolicy':
      case 'rule':
      case 'ruleLang':
        value = readText(b, s, e);
        break;
      case 'appliesTo': {
        const decoded = opaque(b, s, e);
        value =
          Array.isArray(decoded) &&
          decoded.every((x) => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) || typeof x === 'bigint')
            ? decoded.map((x) => Number(x))
            : decoded === undefined
              ? ABSENT
              : UNUSABLE;
        break;
      }
      default:
        (extra ??= {})[key] = opaque(b, s, e);
        continue;
    }
    if (value === ABSENT) continue;
    if (value === UNUSABLE) (extra ??= {})[key] = opaque(b, s, e);
    else sampling[key] = value;
  }
  const ordered: Record<string, unknown> = {};
  for (const key of SAMPLING_KEYS) if (sampling[key] !== undefined) ordered[key] = sampling[key];
  if (extra) ordered.extra = extra;
  return { value: ordered as SamplingInfo };
}

/**
 * Decodes a header region (`length` bytes at `start`): exactly one CBOR map with the required keys. Bytes left
 * after the map are reported as `trailingBytes` (a warning).
 */
export function decodeHeader(b: Uint8Array, start: number, length: number): HeaderDecodeResult {
  const end = start + length;
  const entries = new MapEntries();
  const result = walkMap(b, start, end, entries);
  if (result === SCAN_TRUNCATED)
    return { ok: false, truncated: false, message: 'header map runs past the header length' };
  if (result === SCAN_MALFORMED) return { ok: false, truncated: false, message: 'header is not well-formed CBOR' };
  if (result === WALK_NOT_MAP) return { ok: false, truncated: false, message: 'header is not a CBOR map' };
  if (result === WALK_BAD_KEY) return { ok: false, truncated: false, message: 'header has a non-text key' };
  const header: Record<string, unknown> = {};
  let extra: Record<string, unknown> | undefined;
  let unusableSegment = false;
  for (let i = 0; i < entries.count; i++) {
    const key = entries.keys[i] as string;
    const s = entries.starts[i] as number;
    const e = entries.ends[i] as number;
    let value: unknown = UNUSABLE;
    switch (key) {
      case 'protocol':
      case 'perspective':
      case 'detail':
      case 'transport':
      case 'source':
      case 'endpoint':
      case 'sessionId':
        value = readText(b, s, e);
        break;
      case 'startTime':
      case 'endTime':
        value = safeUint(b, s);
        break;
      case 'segment': {
        if ((b[s] as number) === 0xf7) {
          value = ABSENT;
          break;
        }
        const segment = decodeSegment(b, s, e);
        if ('missing' in segment)
          return {
            ok: false,
            truncated: false,
            key: segment.missing,
            message: `missing or unusable ${segment.missing}`,
          };
        if ('unusable' in segment) {
          unusableSegment = true;
          value = UNUSABLE;
        } else value = segment.value;
        break;
      }
      case 'sampling': {
        if ((b[s] as number) === 0xf7) {
          value = ABSENT;
          break;
        }
        const sampling = decodeSampling(b, s, e);
        value = 'value' in sampling ? sampling.value : UNUSABLE;
        break;
      }
      case 'custom': {
        const decoded = opaque(b, s, e);
        value = isPlainMapValue(decoded)
          ? decoded
          : decoded === undefined && (b[s] as number) === 0xf7
            ? ABSENT
            : UNUSABLE;
        break;
      }
      default:
        (extra ??= {})[key] = opaque(b, s, e);
        continue;
    }
    if (value === ABSENT) continue;
    if (value === UNUSABLE) (extra ??= {})[key] = opaque(b, s, e);
    else header[key] = value;
  }
  for (const key of ['protocol', 'perspective', 'detail', 'startTime'] as const) {
    if (header[key] === undefined) {
      return { ok: false, truncated: false, key, message: `missing or unusable ${key}` };
    }
  }
  const ordered: Record<string, unknown> = {};
  for (const key of HEADER_KEYS) if (header[key] !== undefined) ordered[key] = header[key];
  if (extra) ordered.extra = extra;
  return {
    ok: true,
    header: ordered as unknown as TraceHeader,
    trailingBytes: end - result,
    unusableSegment,
    ...(entries.duplicates ? { duplicateKeys: entries.duplicates } : {}),
  };
}

function writeStore(out: CborEncoder, store: Record<string, unknown> | undefined, written: readonly string[]): void {
  if (!store) return;
  for (const key of Object.keys(store)) {
    if (written.includes(key)) continue;
    out.text(key);
    out.value(store[key]);
  }
}

function storeCount(store: Record<string, unknown> | undefined, written: readonly string[]): number {
  if (!store) return 0;
  let count = 0;
  for (const key of Object.keys(store)) if (!written.includes(key)) count++;
  return count;
}

function writeMap(
  out: CborEncoder,
  object: Record<string, unknown>,
  keys: readonly string[],
  writeValue: (key: string, value: unknown) => void,
): void {
  const present = keys.filter((key) => object[key] !== undefined);
  const extra = object.extra as Record<string, unknown> | undefined;
  const written = present.includes('endTime') ? [...present, 'x-pending'] : present;
  out.head(5, present.length + storeCount(extra, written));
  for (const key of present) {
    out.text(key);
    writeValue(key, object[key]);
  }
  writeStore(out, extra, written);
}

function writeUint(out: CborEncoder, value: unknown, key: string): void {
  if (typeof value === 'bigint' ? value < 0n : !(Number.isInteger(value) && (value as number) >= 0)) {
    throw new TypeError(`${key} must be an unsigned integer`);
  }
  out.integer(value as number | bigint);
}

const PLACEHOLDER = Symbol('endTime placeholder');

/**
 * Encodes a header map in normal form (spec §7.1), header keys in table order, then the store. With
 * `endTimePlaceholder` and no `endTime`, a 17-byte `"x-pending": h'000000000000'` entry takes the `endTime`
 * position so that a streaming writer can patch in `"endTime": uint64` on close.
 */
export function encodeHeader(out: CborEncoder, header: TraceHeader, endTimePlaceholder = false): void {
  const object = header as unknown as Record<string, unknown>;
  const source = endTimePlaceholder && header.endTime === undefined ? { ...object, endTime: PLACEHOLDER } : object;
  writeMap(out, source, HEADER_KEYS, (key, value) => {
    switch (key) {
      case 'startTime':
        writeUint(out, value, key);
        return;
      case 'endTime':
        if (value === PLACEHOLDER) {
          // rewind the key just written ("endTime", 8 bytes) and write the placeholder entry instead
          out.pos -= 8;
          out.text('x-pending');
          out.bytes(new Uint8Array(6));
          return;
        }
        writeUint(out, value, key);
        return;
      case 'segment':
        writeMap(out, value as Record<string, unknown>, SEGMENT_KEYS, (k, v) => {
          if (k === 'streamId') out.text(String(v));
          else if (k === 'continues') out.byte(v ? 0xf5 : 0xf4);
          else writeUint(out, v, `segment.${k}`);
        });
        return;
      case 'sampling':
        writeMap(out, value as Record<string, unknown>, SAMPLING_KEYS, (k, v) => {
          if (k === 'dropPolicy' || k === 'rule' || k === 'ruleLang') out.text(String(v));
          else if (k === 'appliesTo') {
            const list = v as number[];
            out.head(4, list.length);
            for (const x of list) writeUint(out, x, 'sampling.appliesTo');
          } else if (k === 'effectiveRate') out.number(v as number);
          else writeUint(out, v, `sampling.${k}`);
        });
        return;
      case 'custom':
        out.value(value);
        return;
      default:
        if (typeof value !== 'string') throw new TypeError(`${key} must be text`);
        out.text(value);
    }
  });
}

/**
 * The header map alone, encoded in normal form (the bytes a writer puts after the preamble).
 *
 * @example
 * ```ts
 * const bytes = encodeHeaderBytes({ protocol: 'moq-transport-16', perspective: 'client', detail: 'control', startTime: Date.now() });
 * ```
 */
export function encodeHeaderBytes(header: TraceHeader): Uint8Array {
  const out = new CborEncoder(512);
  encodeHeader(out, header);
  return out.toBytes();
}
