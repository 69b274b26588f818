/**
 * Text lines out of a byte source, with their line numbers and byte offsets, for the line-oriented formats of
 * the toolkit (NDJSON imports, JSON-SEQ): a UTF-8 BOM at the start is skipped, `\n` and `\r\n` both end a line,
 * a line longer than `maxLineBytes` is an error rather than an unbounded allocation, and invalid UTF-8 is an
 * error with the offset of the line. Also {@link jsonNestingDepth}, to refuse deeply nested JSON with a clear
 * error before handing it to `JSON.parse`.
 *
 * @module
 */
import { type ByteInput, isByteSource, toByteSource } from './byte-source.js';
import { BinaryError } from './errors.js';

/** One line of text. */
export interface TextLine {
  /** The line without its terminator (`\n` or `\r\n`). */
  readonly text: string;
  /** 1-based line number. */
  readonly line: number;
  /** Byte offset of the line's first byte in the input (after a BOM, for line 1). */
  readonly offset: number;
}

/** Options of {@link readLines}. */
export interface ReadLinesOptions {
  /** Longest accepted line in bytes (default 64 MiB); a longer line throws `OUT_OF_RANGE` at its offset. */
  maxLineBytes?: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Reads lines of UTF-8 text from any byte input. Memory is one line plus one chunk. Closes the source when it
 * created it (any input but a `ByteSource`), also when the consumer stops early.
 *
 * @example
 * ```ts
 * for await (const { text, line, offset } of readLines(file)) {
 *   if (text.trim() === '') continue;
 *   const record = JSON.parse(text); // report problems as `line N (byte offset)`
 * }
 * ```
 */
export async function* readLines(input: ByteInput, options: ReadLinesOptions = {}): AsyncGenerator<TextLine> {
  const max = options.maxLineBytes ?? 64 * 1024 * 1024;
  if (!(Number.isSafeInteger(max) && max > 0)) {
    throw new BinaryError('INVALID_ARGUMENT', `maxLineBytes must be a positive integer, got ${String(max)}`);
  }
  const owned = !isByteSource(input);
  const source = toByteSource(input);
  let parts: Uint8Array[] = [];
  let partBytes = 0;
  let lineStart = 0; // absolute offset of the current line
  let position = 0; // absolute offset of the next unread byte
  let line = 0;

  const finishLine = (end: Uint8Array): TextLine => {
    let bytes: Uint8Array;
    if (parts.length === 0) bytes = end;
    else {
      bytes = new Uint8Array(partBytes + end.length);
      let at = 0;
      for (const part of parts) {
        bytes.set(part, at);
        at += part.length;
      }
      bytes.set(end, at);
    }
    parts = [];
    partBytes = 0;
    let length = bytes.length;
    if (length > 0 && bytes[length - 1] === 0x0d) length--;
    line++;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(0, length));
    } catch (cause) {
      throw new BinaryError('INVALID_UTF8', `line ${line} (byte ${lineStart}) is not valid UTF-8`, {
        offset: lineStart,
        cause,
      });
    }
    return { text, line, offset: lineStart };
  };

  // The lines ending in `chunk` (the bytes at `position`); from `from` on.
  function* linesOf(chunk: Uint8Array, from: number): Generator<TextLine, void, undefined> {
    while (from < chunk.length) {
      const newline = chunk.indexOf(0x0a, from);
      const end = newline < 0 ? chunk.length : newline;
      if (partBytes + (end - from) > max) {
        throw new BinaryError('OUT_OF_RANGE', `line ${line + 1} (byte ${lineStart}) is longer than ${max} bytes`, {
          offset: lineStart,
        });
      }
      if (newline < 0) {
        parts.push(chunk.subarray(from));
        partBytes += chunk.length - from;
        break;
      }
      const next = finishLine(chunk.subarray(from, newline));
      from = newline + 1;
      lineStart = position + from;
      yield next;
    }
    position += chunk.length;
  }

  try {
    // The first bytes, until there are three (or the input ends): a BOM is recognised however it is chunked.
    let head: Uint8Array | undefined = new Uint8Array(0);
    for (let read = await source.read(); read !== null; read = await source.read()) {
      let chunk: Uint8Array = read;
      let from = 0;
      if (head !== undefined) {
        const joined: Uint8Array = new Uint8Array(head.length + chunk.length);
        joined.set(head);
        joined.set(chunk, head.length);
        if (joined.length < 3 && joined.every((b: number, i: number) => b === BOM[i])) {
          head = joined;
          continue;
        }
        head = undefined;
        chunk = joined;
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
          from = 3;
          lineStart = 3;
        }
      }
      yield* linesOf(chunk, from);
    }
    if (head !== undefined) yield* linesOf(head, 0); // fewer than three bytes, all of them a BOM's start
    if (partBytes > 0) yield finishLine(new Uint8Array(0));
  } finally {
    if (owned) await source.close();
  }
}

/**
 * The deepest nesting of arrays and objects in a JSON text (strings are skipped), or `-1` once it exceeds
 * `limit`. `JSON.parse` of very deep text fails with an engine stack error; check first and report a clear one.
 *
 * @example
 * ```ts
 * if (jsonNestingDepth(text, 256) < 0) throw new Error('JSON nested deeper than 256 levels');
 * ```
 */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return -1;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
