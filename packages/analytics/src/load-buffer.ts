/**
 * Load-format rows written straight to UTF-8 bytes ({@link createRowWriter}): the same bytes as the text of
 * `RowEncoder.encode`, without building a string per row (the export writes millions of rows, and the strings,
 * their concatenation and their UTF-8 conversion were a large part of its time). Internal: the package index does
 * not export it.
 *
 * @internal
 * @module
 */
import { putDigits } from './byte-out.js';
import { EventJson, writeEventJson } from './event-json.js';
import type { Base64Encoder } from './load.js';
import type { LoadInput, LoadValue, TableSpec } from './tables/types.js';

const QUOTE = 0x1f;
const COMMA = 0x2c;

/** Writes `text` as UTF-8 into `bytes` at `at`, returning the bytes written (room for `3 * text.length` is given). */
export type Utf8Writer = (text: string, bytes: Uint8Array, at: number) => number;

const encoder = new TextEncoder();

/** The portable {@link Utf8Writer}: `TextEncoder.encodeInto`. */
export const encodeUtf8Into: Utf8Writer = (text, bytes, at) =>
  encoder.encodeInto(text, bytes.subarray(at)).written as number;

/**
 * A growable byte buffer that load rows are written into: `bytes[0, length)` holds whole lines.
 *
 * @example
 * ```ts
 * const buffer = new LoadBuffer();
 * createRowWriter(tableSpec('problems'))(['a.ss', null, 'ss', 0, null, 'TRUNCATED', 'error', 'cut'], buffer);
 * new TextDecoder().decode(buffer.bytes.subarray(0, buffer.length)); // one line, with '\n'
 * ```
 */
export class LoadBuffer {
  /** The bytes; `length` of them are written. Replaced (grown) by {@link LoadBuffer.reserve}. */
  bytes: Uint8Array;
  /** Bytes written. */
  length = 0;

  /**
   * @param capacity - initial size in bytes (default 1 MiB)
   * @param utf8 - how strings become bytes (default {@link encodeUtf8Into}; Node's `Buffer#utf8Write` is faster)
   */
  constructor(
    capacity = 1 << 20,
    readonly utf8: Utf8Writer = encodeUtf8Into,
  ) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n > this.bytes.length) this.grow(this.length + n);
  }

  /** Replaces the bytes by a larger array of at least `need` bytes (the written ones copied). */
  private grow(need: number): void {
    const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Puts `bytes` in place of the current ones and empties the buffer; returns the old ones (`length` of them written). */
  swap(bytes: Uint8Array): Uint8Array {
    const old = this.bytes;
    this.bytes = bytes;
    this.length = 0;
    return old;
  }
}

/** How a load input is written by {@link writeRow}: quoted text. */
const WRITE_TEXT = 0;
/** Decimal digits (number or bigint), or the text of any other value, unquoted. */
const WRITE_INTEGER = 1;
/** `true` / `false`. */
const WRITE_BOOLEAN = 2;
/** Base64 of bytes (two quote bytes for no bytes). */
const WRITE_BLOB = 3;

/** Room every value may use without asking for it: a short text (32 UTF-16 units, 96 bytes, quotes) or a number. */
const SLACK = 100;
/** Longest text written without a call into the engine. */
const SHORT = 32;

/** Text as it is, unquoted, with room for `slack` more bytes after it. */
function bare(buffer: LoadBuffer, text: string, slack: number): void {
  const n = text.length;
  if (n <= SHORT) {
    const bytes = buffer.bytes;
    const at = buffer.length;
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      bytes[at + i] = c;
    }
    if (i === n) {
      buffer.length = at + n;
      return;
    }
  }
  buffer.reserve(n * 3 + slack);
  buffer.length += buffer.utf8(text, buffer.bytes, buffer.length);
}

/** A quoted text (a quote byte inside doubled). */
function quoted(buffer: LoadBuffer, s: string, slack: number): void {
  const n = s.length;
  if (n <= SHORT) {
    const bytes = buffer.bytes;
    const at = buffer.length + 1;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || c === QUOTE) break;
      bytes[at + i] = c;
    }
    if (i === n) {
      bytes[at - 1] = QUOTE;
      bytes[at + n] = QUOTE;
      buffer.length = at + n + 1;
      return;
    }
  }
  // Each unit takes at most 3 bytes, a quote byte 2.
  buffer.reserve(n * 3 + 2 + slack);
  buffer.bytes[buffer.length++] = QUOTE;
  if (s.indexOf('\x1f') === -1) buffer.length += buffer.utf8(s, buffer.bytes, buffer.length);
  else {
    const parts = s.split('\x1f');
    for (let p = 0; p < parts.length; p++) {
      if (p > 0) {
        buffer.bytes[buffer.length++] = QUOTE;
        buffer.bytes[buffer.length++] = QUOTE;
      }
      buffer.length += buffer.utf8(parts[p] as string, buffer.bytes, buffer.length);
    }
  }
  buffer.bytes[buffer.length++] = QUOTE;
}

/** The canonical JSON of an event, quoted (JSON text holds no quote byte: it escapes every control character). */
function eventJson(buffer: LoadBuffer, value: EventJson, slack: number): void {
  const at = buffer.length;
  buffer.bytes[buffer.length++] = QUOTE;
  if (writeEventJson(buffer, value.event)) {
    buffer.reserve(slack);
    buffer.bytes[buffer.length++] = QUOTE;
  } else {
    buffer.length = at;
    quoted(buffer, String(value), slack);
  }
}

function integer(buffer: LoadBuffer, value: unknown, slack: number): void {
  if (typeof value === 'number') {
    if (value >= 0 && Number.isSafeInteger(value)) putDigits(buffer, value);
    else bare(buffer, String(value), slack);
  } else if (typeof value === 'bigint') {
    // Number() of a bigint at or above 2^53 is at least 2^53: below that it is exact (cheaper than bigint compares).
    const n = Number(value);
    if (n >= 0 && n <= Number.MAX_SAFE_INTEGER) putDigits(buffer, n);
    else bare(buffer, String(value), slack);
  } else bare(buffer, typeof value === 'string' ? value : String(value), slack);
}

/**
 * Writes one row as a load-format line (values in order, written by `kinds`; `undefined`/`null` are NULL) at the
 * end of `buffer`: the same bytes as `RowEncoder.encode` gives as text.
 */
function writeRow(
  buffer: LoadBuffer,
  kinds: Uint8Array,
  row: readonly unknown[],
  base64: (bytes: Uint8Array) => string,
): void {
  const count = kinds.length;
  // Room for every short value of the row; a longer value asks for its room and this much more.
  const slack = count * SLACK + 1;
  buffer.reserve(slack);
  for (let i = 0; i < count; i++) {
    if (i > 0) buffer.bytes[buffer.length++] = COMMA;
    const value = row[i];
    if (value === undefined || value === null) continue;
    switch (kinds[i]) {
      case WRITE_TEXT:
        if (typeof value === 'string') quoted(buffer, value, slack);
        else if (value instanceof EventJson) eventJson(buffer, value, slack);
        else quoted(buffer, String(value), slack);
        break;
      case WRITE_INTEGER:
        integer(buffer, value, slack);
        break;
      case WRITE_BOOLEAN:
        bare(buffer, value ? 'true' : 'false', slack);
        break;
      default: {
        const bytes = value as Uint8Array;
        if (bytes.length === 0) {
          buffer.bytes[buffer.length++] = QUOTE;
          buffer.bytes[buffer.length++] = QUOTE;
        } else bare(buffer, base64(bytes), slack);
      }
    }
  }
  buffer.bytes[buffer.length++] = 0x0a;
}

/** Writes one row of a table (values in the table's `inputs` order) as a load-format line at the end of `buffer`. */
export type RowWriter = (row: readonly LoadValue[], buffer: LoadBuffer) => void;

/**
 * The {@link RowWriter} of a table: the same bytes as the text of `createRowEncoder(table, base64).encode`.
 * `base64` encodes `BLOB` inputs.
 */
export function createRowWriter(table: TableSpec, base64: Base64Encoder): RowWriter {
  const kinds = Uint8Array.from(table.inputs, (input: LoadInput) => {
    switch (input.kind) {
      case 'text':
        return WRITE_TEXT;
      case 'boolean':
        return WRITE_BOOLEAN;
      case 'base64':
        return WRITE_BLOB;
      default:
        return WRITE_INTEGER;
    }
  });
  return (row, buffer) => writeRow(buffer, kinds, row, base64);
}
