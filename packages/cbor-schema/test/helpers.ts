import { Encoder } from 'cbor-x';

/** cbor-x configured like the JS reference writers (0xb9 maps, tag 64 on Uint8Array, float64 for big numbers). */
export const referenceEncoder = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: false,
  tagUint8Array: true,
  encodeUndefinedAsNil: false,
} as ConstructorParameters<typeof Encoder>[0]);

/** cbor-x configured for plain RFC 8949 output. */
export const plainEncoder = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  tagUint8Array: false,
  encodeUndefinedAsNil: false,
  useTag259ForMaps: false,
} as ConstructorParameters<typeof Encoder>[0] & { useTag259ForMaps: boolean });

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
