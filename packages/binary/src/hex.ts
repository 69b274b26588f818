/**
 * Hex encoding, decoding and hex dumps.
 *
 * @module
 */
import { BinaryError } from './errors.js';

const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}

/**
 * Lowercase hex of `bytes[start, end)`, two digits per byte, no separator.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([0x53, 0x73, 0x01])); // "537301"
 * ```
 */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX_PAIRS[bytes[i] as number];
  return out;
}

/**
 * Parses hex digits (upper or lower case) into bytes. ASCII whitespace between bytes is ignored, so the hex
 * columns of a dump can be pasted. An odd number of digits or any other character throws `INVALID_HEX` with
 * the character index as `offset`.
 *
 * @example
 * ```ts
 * fromHex('53 73 01'); // Uint8Array [0x53, 0x73, 0x01]
 * ```
 */
export function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  let n = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
      continue;
    }
    const hi = c < 128 ? (NIBBLE[c] as number) : -1;
    if (hi < 0) throw invalidHex(text, i);
    if (i + 1 >= text.length) {
      throw new BinaryError('INVALID_HEX', `odd number of hex digits: "${text[i]}" at ${i} has no partner`, {
        offset: i,
      });
    }
    const c2 = text.charCodeAt(i + 1);
    const lo = c2 < 128 ? (NIBBLE[c2] as number) : -1;
    if (lo < 0) throw invalidHex(text, i + 1);
    out[n++] = (hi << 4) | lo;
    i += 2;
  }
  return n === out.length ? out : out.slice(0, n);
}

function invalidHex(text: string, index: number): BinaryError {
  return new BinaryError('INVALID_HEX', `invalid hex character ${JSON.stringify(text[index])} at ${index}`, {
    offset: index,
  });
}

/** One line of a hex dump, in structured form (for renderers such as the web viewer). */
export interface HexdumpLine {
  /** Absolute offset of the first byte of the line. */
  offset: number;
  /** The bytes of the line (a view into the input). */
  bytes: Uint8Array;
  /** Hex column: two digits per byte, a space between bytes and an extra space after each group of 8. */
  hex: string;
  /** ASCII column: printable ASCII as is, every other byte as `.`. */
  ascii: string;
}

/** Options for {@link hexdump} and {@link hexdumpLines}. */
export interface HexdumpOptions {
  /** Absolute offset of `bytes[0]`, shown in the offset column. Default 0. */
  baseOffset?: number;
  /** Bytes per line. Default 16. */
  width?: number;
  /** First byte to dump (index into `bytes`). Default 0. */
  start?: number;
  /** Number of bytes to dump. Default: to the end. */
  length?: number;
  /** Digits of the offset column. Default 8. */
  offsetDigits?: number;
}

/** Printable form of one byte for the ASCII column. */
export function asciiChar(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

/** The lines of a hex dump as structured values. */
export function hexdumpLines(bytes: Uint8Array, options: HexdumpOptions = {}): HexdumpLine[] {
  const width = options.width ?? 16;
  if (!(Number.isInteger(width) && width > 0))
    throw new BinaryError('INVALID_ARGUMENT', `invalid hexdump width ${width}`);
  const start = Math.max(0, options.start ?? 0);
  const end = Math.min(bytes.length, options.length === undefined ? bytes.length : start + options.length);
  const base = options.baseOffset ?? 0;
  const lines: HexdumpLine[] = [];
  for (let lineStart = start; lineStart < end; lineStart += width) {
    const lineEnd = Math.min(end, lineStart + width);
    let hex = '';
    let ascii = '';
    for (let i = lineStart; i < lineEnd; i++) {
      const b = bytes[i] as number;
      const column = i - lineStart;
      if (column > 0) hex += column % 8 === 0 ? '  ' : ' ';
      hex += HEX_PAIRS[b];
      ascii += asciiChar(b);
    }
    lines.push({ offset: base + lineStart, bytes: bytes.subarray(lineStart, lineEnd), hex, ascii });
  }
  return lines;
}

/**
 * A classic hex dump (as `hexdump -C`): offset, hex bytes in groups of 8, ASCII column.
 *
 * @example
 * ```ts
 * hexdump(new TextEncoder().encode('Ss\x01hello'));
 * // "00000000  53 73 01 68 65 6c 6c 6f                           |Ss.hello|\n"
 * ```
 */
export function hexdump(bytes: Uint8Array, options: HexdumpOptions = {}): string {
  const width = options.width ?? 16;
  const digits = options.offsetDigits ?? 8;
  const hexWidth = width * 3 - 1 + Math.max(0, Math.ceil(width / 8) - 1);
  let out = '';
  for (const line of hexdumpLines(bytes, options)) {
    out += `${line.offset.toString(16).padStart(digits, '0')}  ${line.hex.padEnd(hexWidth, ' ')}  |${line.ascii}|\n`;
  }
  return out;
}
