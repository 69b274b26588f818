import { isPrintableText, toHex } from '@x/binary';
import type { Json } from './protocol.js';

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export interface PayloadView {
  text: boolean;
  json: boolean;
  /** One-line preview for the table. */
  preview: string;
}

const PREVIEW_BYTES = 160;

/** True when a payload reads as text: `isPrintableText` of @x/binary, the rule of the CLI's `--payload auto`. */
export const isTextPayload = isPrintableText;

/** Classifies a payload for display: text (see {@link isTextPayload}), JSON when it parses, else hex. */
export function previewPayload(payload: Uint8Array): PayloadView {
  if (!isTextPayload(payload)) {
    const n = Math.min(payload.length, 24);
    return { text: false, json: false, preview: `hex ${toHex(payload, 0, n)}${payload.length > n ? '…' : ''}` };
  }
  const head = decoder.decode(payload.subarray(0, PREVIEW_BYTES));
  const oneLine = head.replace(/[\r\n\t]+/g, ' ');
  let json = false;
  const first = oneLine.trimStart()[0];
  if ((first === '{' || first === '[') && payload.length <= 65536) {
    try {
      JSON.parse(decoder.decode(payload));
      json = true;
    } catch {
      json = false;
    }
  }
  return { text: true, json, preview: payload.length > PREVIEW_BYTES ? `${oneLine}…` : oneLine };
}

/** Full text rendering for the detail pane: pretty JSON when it parses, else the UTF-8 text; null for binary. */
export function payloadText(payload: Uint8Array): { label: string; value: string } | null {
  if (!isTextPayload(payload)) return null;
  const text = decoder.decode(payload.subarray(0, 1 << 20));
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      const parsed = JSON.parse(text) as Json;
      return { label: 'Payload (JSON)', value: JSON.stringify(parsed, null, 2) };
    } catch {
      // not JSON: plain text below
    }
  }
  return { label: payload.length > 1 << 20 ? 'Payload (UTF-8 text, first MiB)' : 'Payload (UTF-8 text)', value: text };
}
