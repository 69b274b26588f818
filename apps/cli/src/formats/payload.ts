/**
 * `--payload auto`, one rule for every format: a payload is shown as text only when it is valid UTF-8 without
 * control characters other than tab, newline and carriage return (`isPrintableText` of @x/binary, the viewer's
 * rule too); anything else is shown as hex. Also the short payload
 * previews of the table and log outputs.
 *
 * @module
 */
import { isPrintableText, toHex } from '@x/binary';
import type { PayloadMode } from './types.js';

/** The concrete rendering of `mode` for these bytes: `auto` becomes `text` or `hex` by {@link isPrintableText}. */
export function resolvePayloadMode(bytes: Uint8Array, mode: PayloadMode): Exclude<PayloadMode, 'auto'> {
  if (mode !== 'auto') return mode;
  return isPrintableText(bytes) ? 'text' : 'hex';
}

const lossy = new TextDecoder('utf-8', { fatal: false });

/**
 * A short one-line preview of a payload for table and log output (`max` characters at most): text for a
 * printable payload (its newlines and tabs shown as `⏎` and `→`), else `<N bytes> hex…`.
 */
export function payloadPreview(payload: Uint8Array, mode: PayloadMode, max: number): string {
  if (mode === 'none') return '';
  const head = payload.length > max * 4 ? payload.subarray(0, max * 4) : payload;
  const resolved = resolvePayloadMode(mode === 'auto' ? payload : head, mode);
  let text: string;
  if (resolved === 'text') text = lossy.decode(head).replace(/\n/g, '⏎').replace(/\t/g, '→');
  else if (resolved === 'base64') text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('base64');
  else text = `${mode === 'auto' ? `<${payload.length} bytes> ` : ''}${toHex(head.subarray(0, max))}`;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
