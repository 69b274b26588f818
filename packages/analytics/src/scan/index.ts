/**
 * One entry point for both formats: detect the format from the first bytes, then scan.
 *
 * @module
 */
import type { ByteInput } from '@x/binary';
import { detectTrace } from '@x/moqtrace';
import { detectSeaStreamer } from '@x/seastreamer-file';
import { AnalyticsError } from '../errors.js';
import { scanTrace } from './moqtrace.js';
import type { RecordingFormat, ScanOptions, ScanSummary } from './sink.js';
import { scanSeaStreamer, unreadable } from './ss.js';

/**
 * The format of a recording from its first bytes (16 are enough): `moqtrace` for `MOQTRACE`, `ss` for `Ss`,
 * `undefined` for anything else (an empty input included).
 *
 * @example
 * ```ts
 * detectRecordingFormat(new TextEncoder().encode('MOQTRACE')); // 'moqtrace'
 * ```
 */
export function detectRecordingFormat(head: Uint8Array): RecordingFormat | undefined {
  if (detectTrace(head)) return 'moqtrace';
  if (detectSeaStreamer(head)) return 'ss';
  return undefined;
}

/**
 * The error of an input whose first bytes are neither format's: `UNKNOWN_FORMAT` (with the bytes), `TRUNCATED` when
 * empty.
 */
export function notRecording(head: Uint8Array): AnalyticsError {
  if (head.length === 0)
    return new AnalyticsError('TRUNCATED', 'empty input: no .ss or .moqtrace header', { offset: 0 });
  const bytes = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new AnalyticsError(
    'UNKNOWN_FORMAT',
    `not a .ss or .moqtrace file (starts with ${bytes}; expected "Ss\\x01" or "MOQTRACE")`,
    { offset: 0 },
  );
}

/**
 * Scans one recording whose first bytes are `head` (read them before opening `input`): `.ss` and `.moqtrace`
 * files go to their scanner, anything else gives a `files` row with end state `unreadable` and an
 * `UNKNOWN_FORMAT` problem (`TRUNCATED` for an empty input).
 *
 * @example
 * ```ts
 * const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
 * const summary = await scanRecording(blob, head, { file: blob.name, sink });
 * ```
 */
export async function scanRecording(input: ByteInput, head: Uint8Array, options: ScanOptions): Promise<ScanSummary> {
  const format = detectRecordingFormat(head);
  if (format === 'moqtrace') return scanTrace(input, options);
  if (format === 'ss') return scanSeaStreamer(input, options);
  return unreadable(options, null, notRecording(head));
}
