/**
 * Incremental RFC 8742 CBOR sequence decoder over a `ByteQueue` of `@x/binary`.
 *
 * @module
 */
import { ByteQueue } from '@x/binary';
import type { DecodeMode } from './decode.js';
import { CborSchemaError, type Problem } from './errors.js';
import { QueueItemReader } from './queue-reader.js';
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
  /** The item's bytes, when `keepBytes` is set (a copy). */
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
      /** Bytes that are not well-formed CBOR, or nest too deeply: the item boundary is lost. */
      kind: 'malformed';
      /** `MALFORMED_CBOR` or `NESTING_TOO_DEEP`. */
      code: 'MALFORMED_CBOR' | 'NESTING_TOO_DEEP';
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
   * Copy byte strings out of the input. Default false: values may hold views into pushed chunks (or into the
   * copy made of an item that spans chunks; never into a buffer that is reused).
   */
  copyBytes?: boolean;
  /** Deepest nesting of arrays, maps and tags (default 512); deeper items are `malformed` `NESTING_TOO_DEEP`. */
  maxDepth?: number;
  /**
   * Called at every item boundary with buffered bytes from the boundary on (`view[0]` is at absolute `offset`)
   * and whether the input has ended. Return `undefined` to decode a CBOR item there, a byte count `n > 0` to
   * report the next `n` bytes as a `frame` and continue after them, or `'more'` to wait for more bytes (at the
   * end, `'more'` gives `truncated`). Use it for non-CBOR framing (a file preamble) and to hold back a short tail
   * that could be the start of such a frame.
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
   * the fastest way, no array is built). The chunk is referenced, not copied, until it is read.
   */
  push(chunk: Uint8Array, onEvent?: (event: SequenceEvent<T>) => void): SequenceEvent<T>[];
  /** Ends the input; returns (or passes to `onEvent`) the remaining events (`truncated` or `unreadable` last). */
  end(onEvent?: (event: SequenceEvent<T>) => void): SequenceEvent<T>[];
  /** Absolute offset of the first byte not yet consumed. */
  readonly offset: number;
  /** Bytes currently buffered (bounded by the largest item plus one chunk). */
  readonly buffered: number;
}

/**
 * A view of at least `want` buffered bytes from the read position (all of them when fewer are buffered): the
 * first chunk, or the chunks joined.
 */
function viewOf(queue: ByteQueue, want: number): Uint8Array {
  const first = queue.contiguous();
  if (first.length >= want || first.length === queue.available) return first;
  return queue.window(Math.min(queue.available, Math.max(want, first.length * 2))) as Uint8Array;
}

/**
 * Creates an incremental decoder for an RFC 8742 CBOR sequence: push chunks of any size, get each item with
 * its offset and length (decoded with `schema` when given), then `end()`. The items are the same for every
 * chunking, and an item that arrives in many chunks is scanned once. A last incomplete item gives `truncated`
 * (only at `end()`); invalid structure gives `malformed`, then either a stop or, with `resync`, a search for a
 * byte pattern.
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
  const strict = options.mode === 'strict';
  const reader = new QueueItemReader(schema, {
    mode: options.mode,
    copyBytes: options.copyBytes === true,
    ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
  });
  const keepBytes = options.keepBytes === true;
  const { intercept, resync } = options;
  const queue = new ByteQueue(options.baseOffset ?? 0);
  let index = 0;
  let state: 'normal' | 'searching' | 'dead' | 'ended' = 'normal';
  let skippedFrom = 0;
  const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);
  const EMPTY = new Uint8Array(0);

  /** The event of the item of `length` bytes at absolute `offset`, whose bytes are at `pos` of `view`. */
  function itemEvent(
    view: Uint8Array,
    pos: number,
    offset: number,
    length: number,
    ok: boolean,
    value: unknown,
    problems: readonly Problem[],
  ): SequenceItem<T> {
    // Built from an empty literal: V8 does not pretenure those, so items kept by one caller do not make the items
    // of later calls start in the old generation.
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

  /**
   * Decodes the items that lie whole in the first buffered chunk, in place (no view per item); stops at the
   * first one that does not (cut, broken), which the queue reader then handles. Returns the bytes consumed.
   */
  function runInPlace(out: { push(event: SequenceEvent<T>): unknown }): number {
    const view = queue.contiguous();
    const base = queue.offset;
    const decoder = reader.decoder;
    let pos = 0;
    while (pos < view.length) {
      const status = decoder.decode(view, pos, view.length, base);
      if (status !== 'ok' && status !== 'invalid' && status !== 'undecodable') break;
      const length = decoder.length;
      const problems = decoder.problems;
      const ok = status === 'ok' && !(strict && problems.length !== 0);
      out.push(itemEvent(view, pos, base + pos, length, ok, decoder.value, problems));
      pos += length;
    }
    queue.consume(pos);
    return pos;
  }

  /** Searches the buffered bytes for the resync pattern; true when decoding resumes (state normal). */
  function search(out: { push(event: SequenceEvent<T>): unknown }, final: boolean): boolean {
    const { pattern, validate } = resync as NonNullable<typeof resync>;
    const first = pattern[0] as number;
    for (;;) {
      const view = queue.contiguous();
      let q = view.indexOf(first);
      if (q < 0) {
        queue.consume(view.length);
        if (queue.available > 0) continue;
        if (final) {
          out.push({ kind: 'unreadable', offset: skippedFrom, length: queue.offset - skippedFrom });
          state = 'ended';
        }
        return false;
      }
      queue.consume(q);
      q = 0;
      const candidate = viewOf(queue, pattern.length);
      if (candidate.length < pattern.length) {
        if (!final) return false;
        queue.consume(1);
        continue;
      }
      let match = true;
      for (let j = 1; j < pattern.length; j++) if (candidate[j] !== pattern[j]) match = false;
      let verdict: boolean | 'more' = match;
      if (match && validate !== undefined) {
        let v = candidate;
        verdict = validate(v, queue.offset, final);
        while (verdict === 'more' && v.length < queue.available) {
          v = queue.window(Math.min(queue.available, v.length * 2)) as Uint8Array;
          verdict = validate(v, queue.offset, final);
        }
      }
      if (verdict === 'more') {
        if (!final) return false;
        verdict = false;
      }
      if (!verdict) {
        queue.consume(1);
        continue;
      }
      out.push({ kind: 'resync', offset: queue.offset, from: skippedFrom, skipped: queue.offset - skippedFrom });
      state = 'normal';
      return true;
    }
  }

  function run(final: boolean, out: { push(event: SequenceEvent<T>): unknown }): void {
    for (;;) {
      if (state === 'dead') {
        // Nothing more is read: drop what arrives (the end reports it unreadable).
        queue.consume(queue.available);
        return;
      }
      if (state === 'ended') return;
      if (state === 'searching' && !search(out, final)) return;
      if (queue.available === 0) return;
      if (intercept !== undefined) {
        let view = queue.contiguous();
        let r = intercept(view, queue.offset, final);
        while (r === 'more' && view.length < queue.available) {
          view = queue.window(Math.min(queue.available, view.length * 2)) as Uint8Array;
          r = intercept(view, queue.offset, final);
        }
        if (r === 'more') {
          if (final) {
            out.push({ kind: 'truncated', offset: queue.offset, available: queue.available });
            state = 'ended';
          }
          return;
        }
        if (typeof r === 'number') {
          if (!(r > 0 && r <= view.length)) throw new CborSchemaError('INVALID_ARGUMENT', `intercept returned ${r}`);
          out.push({ kind: 'frame', offset: queue.offset, length: r, bytes: view.subarray(0, r) });
          queue.consume(r);
          reader.reset();
          continue;
        }
      }
      // Complete items of the first chunk in place, unless each boundary must be shown to `intercept` first.
      if (schema !== undefined && intercept === undefined && reader.idle && runInPlace(out) > 0) continue;
      const status = schema === undefined ? reader.measure(queue, final) : reader.read(queue, final);
      if (status === 'more') return;
      if (status === 'truncated') {
        out.push({ kind: 'truncated', offset: queue.offset, available: queue.available });
        state = 'ended';
        return;
      }
      if (status === 'malformed' || status === 'too-deep' || status === 'too-large') {
        out.push({
          kind: 'malformed',
          code: status === 'too-deep' ? 'NESTING_TOO_DEEP' : 'MALFORMED_CBOR',
          offset: queue.offset,
          at: reader.at,
          reason: reader.reason,
        });
        skippedFrom = queue.offset;
        if (resync === undefined) {
          state = 'dead';
          return;
        }
        state = 'searching';
        queue.consume(1);
        continue;
      }
      const length = reader.length;
      const view = keepBytes ? (queue.peekAt(0, length) as Uint8Array) : EMPTY;
      if (schema === undefined) {
        out.push(itemEvent(view, 0, queue.offset, length, true, undefined, NO_PROBLEMS));
      } else {
        const decoder = reader.decoder;
        const problems = decoder.problems;
        const ok = status === 'ok' && !(strict && problems.length !== 0);
        out.push(itemEvent(view, 0, queue.offset, length, ok, decoder.value, problems));
      }
      queue.consume(length);
    }
  }

  return {
    push(chunk: Uint8Array, onEvent?: (event: SequenceEvent<T>) => void): SequenceEvent<T>[] {
      const out: SequenceEvent<T>[] = [];
      if (chunk.length === 0 || state === 'ended') return out;
      queue.push(
        Object.getPrototypeOf(chunk) === Uint8Array.prototype
          ? chunk
          : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
      );
      run(false, onEvent === undefined ? out : { push: onEvent });
      return out;
    },
    end(onEvent?: (event: SequenceEvent<T>) => void): SequenceEvent<T>[] {
      const out: SequenceEvent<T>[] = [];
      if (state === 'ended') return out;
      const sink = onEvent === undefined ? out : { push: onEvent };
      run(true, sink);
      if (state === 'dead')
        sink.push({ kind: 'unreadable', offset: skippedFrom, length: queue.offset + queue.available - skippedFrom });
      queue.consume(queue.available);
      state = 'ended';
      return out;
    },
    get offset() {
      return queue.offset;
    },
    get buffered() {
      return queue.available;
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
