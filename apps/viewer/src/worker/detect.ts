/**
 * Format detection from the first bytes (never the file name), composed from the libraries' detectors in this
 * one place: `detectTrace` (`MOQTRACE`), `detectSeaStreamer` (`Ss`), `detectQlog` (qlog/mlog JSON).
 */
import { detectQlog } from '@x/moqt-qlog';
import { detectTrace } from '@x/moqtrace';
import { detectSeaStreamer } from '@x/seastreamer-file';
import type { FileFormat } from './protocol.js';

/** Bytes to read for {@link detectFormat} (`detectQlog` wants the first KiB at least). */
export const DETECT_BYTES = 4096;

/** Detects the format of a file from its first {@link DETECT_BYTES} bytes. */
export function detectFormat(head: Uint8Array): FileFormat {
  if (detectTrace(head)) return 'moqtrace';
  if (detectSeaStreamer(head)) return 'ss';
  if (detectQlog(head)) return 'qlog';
  return 'unknown';
}
