/**
 * Incremental RFC 8742 CBOR sequence decoder.
 *
 * @module
 */

import {
  BAIL,
  type DecodeMode,
  FAIL,
  fastEnd,
  fastReaderOf,
  lastProblems,
  readFast,
  readRaw,
  slowReaderOf,
} from './decode.js';
import { CborSchemaError, type Problem } from './errors.js';
import { lastScanFailure, SCAN_MALFORMED, SCAN_TRUNCATED, scanItem } from './scanner.js';
import type { Schema } from './schema.js';

/** One complete CBOR item of a sequence. */
export interface SequenceItem<T> {
  /** Discriminant. */
  kind: 'item';
  /** Index of the item among the items of this decoder (0-based). */
  index: number;
  /** Absolute byte offset of the item. */
  offset: number;
  /** Item length in bytes. */
  length: number;
  /** The item's bytes, when `keepBytes` is set (a copy when the item straddled chunks). */
  bytes?: Uint8Array;
  /** Whether the value is usable (always true without a schema). */
  ok: boolean;
  /** The decoded value (`undefined` when not ok or without a schema). */
  value: T | undefined;
  /** Problems of this item; paths are relative to the item. */
  problems: readonly Problem[];
}

/** Everything {@link SequenceDecoder.push} and {@link SequenceDecoder.end} report, in input order. */
export type SequenceEvent<T> =
  | SequenceItem<T>
  | {
      /** Bytes claimed by the `intercept` hook (e.g. a file preamble), not decoded as CBOR. */
      kind: 'frame';
      /** Absolute offset. */
      offset: number;
      /** Length in bytes. */
      length: number;
      /** The bytes (a view valid until the next push; copy to keep). */
      bytes: Uint8Array;
    }
  | {
      /** The input ended inside an item (or inside a frame the hook asked more bytes for). Last event. */
      kind: 'truncated';
      /** Absolute offset of the incomplete item. */
      offset: number;
      /** Bytes present from `offset` to the end. */
      available: number;
    }
  | {
      /** Bytes that are not well-formed CBOR: the item boundary is lost. */
      kind: 'malformed';
      /** Absolute offset of the item that could not be measured. */
      offset: number;
      /** Absolute offset of the offending byte. */
      at: number;
      /** Why. */
      reason: string;
    }
  | {
      /** After `malformed`, the resync pattern was found (and validated): decoding resumes at `offset`. */
      kind: 'resync';
      /** Absolute offset where decoding resumes. */
      offset: number;
      /** Absolute offset of the first skipped byte (the malformed item). */
      from: number;
      /** Bytes skipped. */
      skipped: number;
    }
  | {
      /** At the end: bytes after a `malformed` that could not be read (no resync point found). Last event. */
      kind: 'unreadable';
      /** Absolute offset of the first unreadable byte. */
      offset: number;
      /** Unreadable bytes. */
      length: number;
    };

/** What the `intercept` hook returns at an item boundary. */
export type InterceptResult = number | 'more' | undefined;

/** Options of {@link createSequenceDecoder}. */
export interface SequenceDecoderOptions {
  /** `tolerant` (default) or `strict`; in both, item problems are reported on the item, never thrown. */
  mode?: DecodeMode;
  /** Absolute offset of the first pushed byte. Default 0. */
  baseOffset?: number;
  /** Include each item's bytes in its event. Default false. */
  keepBytes?: boolean;
  /**
   * Copy byte strings out of the input. Default false: values may hold views into pushed chunks (never into
   * the decoder's internal buffer, which is always copied from).
   */
  copyBytes?: boolean;
  /**
   * Called at every item boundary with the buffered bytes from the boundary on (`view[0]` is at absolute
   * `offset`) and whether the input has ended. Return `undefined` to decode a CBOR item there, a byte count
   * `n > 0` to report the next `n` bytes as a `frame` and continue after them, or `'more'` to wait for more
   * bytes (at the end, `'more'` gives `truncated`). Use it for non-CBOR framing (a file preamble) and to hold
   * back a short tail that could be the start of such a frame.
   */
  intercept?: (view: Uint8Array, offset: number, final: boolean) => InterceptResult;
  /**
   * After a `malformed` item, search forward for `pattern` instead of stopping. `validate` (optional) checks a
   * candidate: `view` starts at the candidate; return true to resume there, false to keep searching,
   * `'more'` to wait for more bytes. Memory stays bounded while searching.
   */
  resync?: {
    pattern: Uint8Array;
    validate?: (view: Uint8Array, offset: number, final: boolean) => boolean | 'more';
  };
}

/** An incremental CBOR sequence decoder (see {@link createSequenceDecoder}). */
export interface SequenceDecoder<T> {
  /**
   * Feeds a chunk; returns the events it completed, or passes them to `onEvent` (then returns an empty array:
   * the fastest way, no array is built). The chunk is referenced, not copied, until push returns.
   */
  push(chunk: Uint8Array, onEvent?: (event: SequenceEvent<T>) => void): SequenceEvent<T>[];
  /** Ends the input; returns (or passes to `onEvent`) the remaining events (`truncated` or `unreadable` last). */
  end(onEvent?: (event: SequenceEvent<T>) => void): SequenceEvent<T>[];
  /** Absolute offset of the first byte not yet consumed. */
  readonly offset: number;
  /** Bytes currently buffered (bounded by the largest item plus one chunk). */
  readonly buffered: number;
}

const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

/**
 * Creates an incremental decoder for an RFC 8742 CBOR sequence: push chunks of any size, get each item with
 * its offset and length (decoded with `schema` when given), then `end()`. The items are the same for every
 * chunking. A last incomplete item gives `truncated` (only at `end()`); invalid structure gives `malformed`,
 * then either a stop or, with `resync`, a search for a byte pattern.
 *
 * @example
 * ```ts
 * const dec = createSequenceDecoder(eventSchema);
 * for await (const chunk of stream) for (const ev of dec.push(chunk)) if (ev.kind === 'item') use(ev.value);
 * for (const ev of dec.end()) if (ev.kind === 'truncated') console.warn('cut at', ev.offset);
 * ```
 */
export function createSequenceDecoder<T = unknown>(
  schema?: Schema<T>,
  options: SequenceDecoderOptions = {},
): SequenceDecoder<T> {
  // The generic reader decodes items the fast reader (tried first, before the item is even measured) gives up on.
  const reader = schema === undefined ? undefined : slowReaderOf(schema);
  const fast = schema === undefined ? undefined : fastReaderOf(schema);
  const strict = options.mode === 'strict';
  const copyBytes = options.copyBytes === true;
  const runOptions = { mode: options.mode, copyBytes: options.copyBytes === true, baseOffset: 0 };
  const ownOptions = { mode: options.mode, copyBytes: true, baseOffset: 0 };
  const keepBytes = options.keepBytes === true;
  const { intercept, resync } = options;
  // Own buffer: pending bytes live in buf[0, len), buf[0] is at absolute offset `base`.
  let buf = new Uint8Array(0);
  let len = 0;
  let base = options.baseOffset ?? 0;
  let index = 0;
  let state: 'normal' | 'searching' | 'dead' | 'ended' = 'normal';
  let skippedFrom = 0;
  // When the fast reader keeps giving up (e.g. a writer with another key order), stop trying for a while.
  let fastMisses = 0;
  let fastSkip = 0;

  function decodeAt(view: Uint8Array, pos: number, length: number, viewBase: number, own: boolean): SequenceItem<T> {
    const offset = viewBase + pos;
    let value: unknown;
    let problems = NO_PROBLEMS;
    if (reader !== undefined) {
      const opts = own ? ownOptions : runOptions;
      opts.baseOffset = viewBase;
      try {
        value = readRaw(reader, view, pos, length, opts, false);
        problems = lastProblems;
      } catch (error) {
        if (!(strict && CborSchemaError.is(error))) throw error;
        value = FAIL;
        problems = [
          {
            code: error.code,
            path: error.path,
            wirePath: error.wirePath,
            expected: error.expected ?? '',
            found: error.found ?? '',
            offset: error.offset,
            message: error.message,
          },
        ];
      }
    }
    return makeItem(view, pos, length, offset, value, problems);
  }

  function makeItem(
    view: Uint8Array,
    pos: number,
    length: number,
    offset: number,
    value: unknown,
    problems: readonly Problem[],
  ): SequenceItem<T> {
    const ok = value !== FAIL;
    // Built from an empty literal: V8 does not pretenure those, so items kept by one caller (an array of
    // events) do not make the items of later streaming calls start in the old generation.
    const item = {} as SequenceItem<T>;
    item.kind = 'item';
    item.index = index++;
    item.offset = offset;
    item.length = length;
    item.ok = ok;
    item.value = (ok ? value : undefined) as T | undefined;
    item.problems = problems;
    if (keepBytes) item.bytes = view.slice(pos, pos + length);
    return item;
  }

  function indexOf(view: Uint8Array, pattern: Uint8Array, from: number, end: number): number {
    const first = pattern[0];
    const last = end - pattern.length;
    outer: for (
      let i = view.indexOf(first as number, from);
      i !== -1 && i <= last;
      i = view.indexOf(first as number, i + 1)
    ) {
      for (let j = 1; j < pattern.length; j++) if (view[i + j] !== pattern[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** Processes view[pos, end); returns the position up to which bytes are consumed. */
  function run(
    view: Uint8Array,
    viewBase: number,
    end: number,
    final: boolean,
    own: boolean,
    out: { push(event: SequenceEvent<T>): unknown },
  ): number {
    let pos = 0;
    for (;;) {
      if (state === 'dead' || state === 'ended') return end;
      if (state === 'searching') {
        const pattern = (resync as { pattern: Uint8Array }).pattern;
        const q = indexOf(view, pattern, pos, end);
        if (q < 0) {
          // Keep a tail that could be the start of the pattern.
          const keep = final ? 0 : Math.min(end - pos, pattern.length - 1);
          if (final && end > skippedFrom - viewBase) {
            out.push({ kind: 'unreadable', offset: skippedFrom, length: viewBase + end - skippedFrom });
            state = 'ended';
          }
          return end - keep;
        }
        const verdict = resync?.validate ? resync.validate(view.subarray(q, end), viewBase + q, final) : true;
        if (verdict === 'more') {
          if (!final) return q;
          pos = q + 1;
          continue;
        }
        if (!verdict) {
          pos = q + 1;
          continue;
        }
        out.push({ kind: 'resync', offset: viewBase + q, from: skippedFrom, skipped: viewBase + q - skippedFrom });
        state = 'normal';
        pos = q;
        continue;
      }
      if (pos >= end) return end;
      if (intercept !== undefined) {
        const r = intercept(view.subarray(pos, end), viewBase + pos, final);
        if (r === 'more') {
          if (final) {
            out.push({ kind: 'truncated', offset: viewBase + pos, available: end - pos });
            state = 'ended';
            return end;
          }
          return pos;
        }
        if (typeof r === 'number') {
          if (!(r > 0 && r <= end - pos)) throw new CborSchemaError('INVALID_SCHEMA', `intercept returned ${r}`);
          out.push({ kind: 'frame', offset: viewBase + pos, length: r, bytes: view.subarray(pos, pos + r) });
          pos += r;
          continue;
        }
      }
      if (fast !== undefined) {
        if (fastSkip > 0) fastSkip--;
        else {
          const value = readFast(fast, view, pos, end, strict, own || copyBytes);
          if (value !== BAIL) {
            fastMisses = 0;
            const length = fastEnd - pos;
            out.push(makeItem(view, pos, length, viewBase + pos, value, lastProblems));
            pos += length;
            continue;
          }
          if (++fastMisses >= 8) {
            fastMisses = 0;
            fastSkip = 256;
          }
        }
      }
      const length = scanItem(view, pos, end);
      if (length > 0) {
        out.push(decodeAt(view, pos, length, viewBase, own));
        pos += length;
        continue;
      }
      if (length === SCAN_TRUNCATED) {
        if (!final) return pos;
        out.push({ kind: 'truncated', offset: viewBase + pos, available: end - pos });
        state = 'ended';
        return end;
      }
      if (length === SCAN_MALFORMED) {
        const failure = lastScanFailure();
        out.push({ kind: 'malformed', offset: viewBase + pos, at: viewBase + failure.at, reason: failure.reason });
        skippedFrom = viewBase + pos;
        if (resync === undefined) {
          state = 'dead';
          return end;
        }
        state = 'searching';
        pos++;
      }
    }
  }

  function append(chunk: Uint8Array): void {
    if (len + chunk.length > buf.length) {
      const next = new Uint8Array(Math.max(len + chunk.length, buf.length * 2, 1024));
      next.set(buf.subarray(0, len));
      buf = next;
    }
    buf.set(chunk, len);
    len += chunk.length;
  }

  function keep(view: Uint8Array, from: number, end: number): void {
    // Moves the unconsumed tail into the own buffer.
    const rest = end - from;
    if (view === buf) {
      buf.copyWithin(0, from, end);
    } else {
      if (rest > buf.length) buf = new Uint8Array(Math.max(rest, 1024));
      buf.set(view.subarray(from, end), 0);
    }
    len = rest;
    // Shrink a buffer left large by one big item.
    if (buf.length > 1 << 20 && len < buf.length / 4) buf = buf.slice(0, Math.max(len, 1024));
  }

  return {
    push(chunk: Uint8Array, onEvent?: (event: SequenceEvent<T>) => void): SequenceEvent<T>[] {
      const out: SequenceEvent<T>[] = [];
      const sink = onEvent === undefined ? out : { push: onEvent };
      if (chunk.length === 0 || state === 'ended') return out;
      let view: Uint8Array;
      let own: boolean;
      if (len === 0) {
        view =
          Object.getPrototypeOf(chunk) === Uint8Array.prototype
            ? chunk
            : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        own = false;
      } else {
        append(chunk);
        view = buf;
        own = true;
      }
      const end = own ? len : view.length;
      const consumed = run(view, base, end, false, own, sink);
      keep(view, consumed, end);
      base += consumed;
      return out;
    },
    end(onEvent?: (event: SequenceEvent<T>) => void): SequenceEvent<T>[] {
      const out: SequenceEvent<T>[] = [];
      const sink = onEvent === undefined ? out : { push: onEvent };
      if (state === 'ended') return out;
      const consumed = run(buf, base, len, true, true, sink);
      if (state === 'dead') sink.push({ kind: 'unreadable', offset: skippedFrom, length: base + len - skippedFrom });
      base += Math.max(consumed, len);
      len = 0;
      state = 'ended';
      return out;
    },
    get offset() {
      return base;
    },
    get buffered() {
      return len;
    },
  };
}

/**
 * Decodes a whole CBOR sequence held in memory (one push, then end).
 *
 * @example
 * ```ts
 * const events = decodeSequence(eventSchema, bytes).filter((e) => e.kind === 'item');
 * ```
 */
export function decodeSequence<T = unknown>(
  schema: Schema<T> | undefined,
  bytes: Uint8Array,
  options: SequenceDecoderOptions = {},
): SequenceEvent<T>[] {
  const decoder = createSequenceDecoder(schema, options);
  const out = decoder.push(bytes);
  for (const event of decoder.end()) out.push(event);
  return out;
}
