/**
 * UTF-8 encoding and decoding helpers shared by the reader and the writer.
 *
 * @module
 */
import { BinaryError } from './errors.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/** Longest input decoded by the inline ASCII loop before handing over to `TextDecoder`. */
const ASCII_FAST_PATH_MAX = 64;

/**
 * Decodes `bytes[start, end)` as UTF-8.
 *
 * Strict mode (the default) throws `INVALID_UTF8` with the offset of the string for overlong forms,
 * encoded surrogates and cut sequences; lenient mode replaces them with U+FFFD. A leading U+FEFF is kept.
 *
 * @param baseOffset - added to `start` in error offsets (the absolute position of `bytes[0]`).
 *
 * @example
 * ```ts
 * decodeUtf8(new Uint8Array([0x68, 0x69]), 0, 2); // "hi"
 * ```
 */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length, lenient = false, baseOffset = 0): string {
  const length = end - start;
  if (length <= ASCII_FAST_PATH_MAX) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if ((bytes[i] as number) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let text = '';
      for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i] as number);
      return text;
    }
  }
  const slice = bytes.subarray(start, end);
  if (lenient) return lenientDecoder.decode(slice);
  try {
    return strictDecoder.decode(slice);
  } catch (cause) {
    throw new BinaryError(
      'INVALID_UTF8',
      `invalid UTF-8 in ${length} byte${length === 1 ? '' : 's'} at offset ${baseOffset + start}`,
      {
        offset: baseOffset + start,
        cause,
      },
    );
  }
}

/**
 * True when `bytes[start, end)` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing cut).
 * The empty range is valid.
 */
export function isValidUtf8(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return false;
    if (i + need >= end) return false; // sequence cut by the end of the range
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k] as number;
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/** Encodes `text` as UTF-8 bytes. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * True when `bytes` read as text: well-formed UTF-8 (see {@link isValidUtf8}) with no control character other
 * than tab, line feed and carriage return (no other C0 code, no DEL, no C1 code U+0080–U+009F). The one rule
 * by which the CLI's `--payload auto` and the viewer decide to show a payload of either format as text rather
 * than hex. The empty payload is text.
 *
 * @example
 * ```ts
 * isPrintableText(new TextEncoder().encode('hello\r\n')); // true
 * isPrintableText(new Uint8Array([0x68, 0x00]));          // false (NUL)
 * ```
 */
export function isPrintableText(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x20) {
      if (b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
    } else if (b === 0x7f) return false;
    else if (b === 0xc2) {
      const next = bytes[i + 1];
      if (next !== undefined && next >= 0x80 && next <= 0x9f) return false; // U+0080–U+009F
    }
  }
  return isValidUtf8(bytes);
}
