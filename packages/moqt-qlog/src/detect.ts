/**
 * Content-based detection of qlog/mlog files, for format detection in the CLI and the viewer.
 *
 * @module
 */

const MARKERS =
  /"(?:qlog_version|qlog_format|file_schema|serialization_format|event_schemas|vantage_point|vantagePoint|traces)"\s*:|"name"\s*:\s*"(?:moqt|moqtrace|loglevel|quic|transport|http3?|recovery):/;

/**
 * True when the first bytes of a file look like qlog or mlog: optional BOM and whitespace, then an RS (JSON-SEQ),
 * `{` or `[`, and a qlog key (`file_schema`, `qlog_version`, `traces`, `vantagePoint`, ...) or a qlog event name
 * (`"name":"moqt:…"`) within the bytes given. Give it at least the first 1 KiB (the qlog schema puts the
 * identifying fields in the first 256 bytes; moxygen's first event fits in 1 KiB).
 *
 * @example
 * ```ts
 * const head = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
 * if (detectQlog(head)) reader = await openQlogReader(file);
 * ```
 */
export function detectQlog(head: Uint8Array): boolean {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  const first = head[i];
  if (first !== 0x1e && first !== 0x7b && first !== 0x5b) return false;
  let text = '';
  const end = Math.min(head.length, i + 4096);
  for (let k = i; k < end; k++) text += String.fromCharCode(head[k] as number);
  return MARKERS.test(text);
}
