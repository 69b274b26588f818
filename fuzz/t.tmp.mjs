import { readFileSync } from 'node:fs';
import { decodeSequence, c } from '@x/cbor-schema';
import { traceEventSchema } from '@x/moqtrace';
const full = new Uint8Array(readFileSync('fuzz/findings/cbor-schema-superlinear-1351154397-6138.cbor'));
const head = full.subarray(0, 699), tail = full.subarray(699 + 4194304);
const build = (n) => { const b = new Uint8Array(head.length + n + tail.length); b.set(head); b.fill(0x64, head.length, head.length + n); b.set(tail, head.length + n); return b; };
for (const [name, schema] of [['none', undefined], ['any', c.any()], ['event', traceEventSchema]]) for (const mode of ['tolerant', 'strict']) for (const keepBytes of [false, true]) for (const resync of [false, true]) {
  const r = [];
  for (const n of [1048576, 4194304]) {
    const b = build(n); const t = performance.now(); let len;
    try { len = decodeSequence(schema, b, { mode, keepBytes, ...(resync ? { resync: { pattern: Uint8Array.of(0xb9) } } : {}) }).length; } catch (e) { len = e.code; }
    r.push(`${(performance.now() - t).toFixed(0)}ms/${len}`);
  }
  console.log(name, mode, keepBytes, resync, r.join(' vs '));
}
