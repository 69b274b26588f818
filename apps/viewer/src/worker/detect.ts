import type { FileFormat } from './protocol.js';

const MOQTRACE_MAGIC = [0x4d, 0x4f, 0x51, 0x54, 0x52, 0x41, 0x43, 0x45];

/** Detects the format from the first bytes: `MOQTRACE` for .moqtrace, `Ss` + version byte for .ss. */
export function detectFormat(head: Uint8Array): FileFormat {
  if (head.length >= 1 && head[0] === 0x4d) {
    const n = Math.min(head.length, MOQTRACE_MAGIC.length);
    let ok = true;
    for (let i = 0; i < n; i++) if (head[i] !== MOQTRACE_MAGIC[i]) ok = false;
    if (ok && head.length >= 8) return 'moqtrace';
    if (ok) return 'moqtrace'; // a prefix of the magic: the reader reports the truncated preamble
  }
  if (head.length >= 2 && head[0] === 0x53 && head[1] === 0x73) return 'ss';
  return 'unknown';
}

export function formatName(format: FileFormat): string {
  return format === 'moqtrace' ? '.moqtrace' : format === 'ss' ? 'SeaStreamer .ss' : 'unknown';
}
