/**
 * Format detection, composed in one place from the libraries' own detectors (`detectSeaStreamer`,
 * `detectTrace`, `detectQlog`) plus the NDJSON records of `xtrace cat`/`convert`: always from the first bytes,
 * never from the file name. Inputs in none of them are `UNKNOWN_FORMAT`, with their first bytes shown in hex
 * and as text.
 *
 * @module
 */
import { detectQlog } from '@x/moqt-qlog';
import { detectTrace } from '@x/moqtrace';
import { detectSeaStreamer } from '@x/seastreamer-file';
import { EXIT_DATA, XtraceError } from '../errors.js';

/** The formats the read commands take. */
export type TraceFormat = 'ss' | 'moqtrace' | 'qlog';

/** What the first bytes of an input are. */
export type DetectedFormat =
  | { readonly format: TraceFormat }
  | {
      readonly format: 'ndjson';
      /** The `format` of the header record on the first line (`ss`, `moqtrace`, `qlog`), when there is one. */
      readonly records: TraceFormat | undefined;
    };

/** How many first bytes detection looks at (qlog puts its identifying fields in the first 1-4 KiB). */
export const DETECT_BYTES = 4096;

const NDJSON_RECORD = /^(?:\uFEFF)?\s*\{\s*"kind"\s*:\s*"(?:header|message|event|beacon|error|end)"/;
const HEADER_FORMAT = /^(?:\uFEFF)?\s*\{\s*"kind"\s*:\s*"header"[^\n]*?"format"\s*:\s*"(ss|moqtrace|qlog)"/;

/**
 * The first bytes as hex and as text, for messages: `53 53 01 00 ("SS\x01\x00")`.
 *
 * @example
 * ```ts
 * describeBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47])); // '89 50 4e 47 ("\\x89PNG")'
 * ```
 */
export function describeBytes(head: Uint8Array, count = 8): string {
  const bytes = head.subarray(0, count);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  let text = '';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) text += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) text += String.fromCharCode(b);
    else text += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${hex}${head.length > count ? ' …' : ''} ("${text}"${head.length > count ? '…' : ''})`;
}

/**
 * Detects the format from the first bytes of an input (give it up to {@link DETECT_BYTES}).
 *
 * @throws {XtraceError} `TRUNCATED` for an empty input, `UNKNOWN_FORMAT` for anything else (exit 1)
 * @example
 * ```ts
 * detectFormat(new TextEncoder().encode('MOQTRACE')); // { format: 'moqtrace' }
 * ```
 */
export function detectFormat(head: Uint8Array): DetectedFormat {
  if (head.length === 0) {
    throw new XtraceError('TRUNCATED', 'empty input: no .ss, .moqtrace or qlog content', {
      offset: 0,
      exitCode: EXIT_DATA,
    });
  }
  if (detectSeaStreamer(head)) return { format: 'ss' };
  if (detectTrace(head)) return { format: 'moqtrace' };
  const first = head[0] === 0xef ? head[3] : head[0];
  if (first === 0x7b || first === 0x20 || first === 0x0a || first === 0x0d || first === 0x09 || head[0] === 0xef) {
    const text = new TextDecoder().decode(head.subarray(0, Math.min(head.length, DETECT_BYTES)));
    if (NDJSON_RECORD.test(text)) {
      const records = HEADER_FORMAT.exec(text)?.[1] as TraceFormat | undefined;
      return { format: 'ndjson', records };
    }
  }
  if (detectQlog(head)) return { format: 'qlog' };
  throw new XtraceError(
    'UNKNOWN_FORMAT',
    `not a .ss, .moqtrace or qlog file, nor NDJSON records: it starts with ${describeBytes(head)}; expected "Ss\\x01" (.ss), "MOQTRACE" (.moqtrace) or qlog JSON`,
    { offset: 0, exitCode: EXIT_DATA },
  );
}
