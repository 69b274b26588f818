/**
 * Format detection from the first bytes (never the file name): `Ss` + version byte → SeaStreamer `.ss`,
 * `MOQTRACE` → `.moqtrace`.
 *
 * @module
 */
import { EXIT_DATA, XtraceError } from './errors.js';

/** The two formats the CLI handles. */
export type TraceFormat = 'ss' | 'moqtrace';

const MOQ_MAGIC = [0x4d, 0x4f, 0x51, 0x54, 0x52, 0x41, 0x43, 0x45];
const SS_MAGIC = [0x53, 0x73];

function isPrefixOf(head: Uint8Array, magic: readonly number[]): boolean {
  const n = Math.min(head.length, magic.length);
  for (let i = 0; i < n; i++) if (head[i] !== magic[i]) return false;
  return true;
}

function showBytes(head: Uint8Array): string {
  return Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Detects the format from the first bytes (at least 8 when the input has them). A short input that is a
 * prefix of a magic is attributed to that format so its reader reports the truncation. `Ss` with any version
 * byte is `.ss` (its reader reports an unsupported version).
 *
 * @throws {XtraceError} `TRUNCATED` (empty input) or `BAD_MAGIC` (unknown format), exit code 1
 */
export function detectFormat(head: Uint8Array): TraceFormat {
  if (head.length === 0) {
    throw new XtraceError('TRUNCATED', 'empty input: no .ss or .moqtrace header', {
      offset: 0,
      exitCode: EXIT_DATA,
    });
  }
  if (isPrefixOf(head, SS_MAGIC)) return 'ss';
  if (isPrefixOf(head, MOQ_MAGIC)) return 'moqtrace';
  throw new XtraceError(
    'BAD_MAGIC',
    `not a .ss or .moqtrace file (starts with ${showBytes(head)}; expected "Ss\\x01" or "MOQTRACE")`,
    { offset: 0, exitCode: EXIT_DATA },
  );
}
