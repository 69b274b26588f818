// ByteReader sequential u32/u64 reads, as a ratio to calling DataView directly in the same run.
// Target: ByteReader within 1.3x of DataView.
//
// Two patterns are measured:
//  - "per record": a reader per 4 KiB record, read to its end, the way the project's parsers use it;
//  - "one 8 MiB loop": one reader read in a single tight loop.
// The package compiles with useDefineForClassFields: false. Emitted class field declarations ([[Define]]
// semantics, every field first set to undefined) kept V8 from scalar-replacing a local reader and cost
// about 1.5x here; without them the cursor lives in a register like a DataView offset does.
import { Bench } from 'tinybench';
import { ByteReader } from '../dist/index.js';

const SIZE = 8 * 1024 * 1024;
const RECORD = 4096;
const bytes = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i++) bytes[i] = (i * 31) & 0xff;
// u64 values that fit in 53 bits, for the safe-number reads.
const safeBytes = bytes.slice();
for (let p = 0; p < SIZE; p += 8) {
  safeBytes[p] = 0;
  safeBytes[p + 1] &= 0x1f;
}
const records = [];
const safeRecords = [];
for (let o = 0; o < SIZE; o += RECORD) {
  records.push(bytes.subarray(o, o + RECORD));
  safeRecords.push(safeBytes.subarray(o, o + RECORD));
}

const dv32 = (b) => {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let s = 0;
  for (let p = 0; p + 4 <= b.length; p += 4) s = (s + v.getUint32(p, false)) | 0;
  return s;
};
const br32 = (b) => {
  const r = new ByteReader(b);
  let s = 0;
  while (r.remaining >= 4) s = (s + r.u32()) | 0;
  return s;
};
const dv64 = (b) => {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let s = 0n;
  for (let p = 0; p + 8 <= b.length; p += 8) s ^= v.getBigUint64(p, false);
  return s;
};
const br64 = (b) => {
  const r = new ByteReader(b);
  let s = 0n;
  while (r.remaining >= 8) s ^= r.u64();
  return s;
};
const dv64n = (b) => {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let s = 0;
  for (let p = 0; p + 8 <= b.length; p += 8) s += v.getUint32(p, false) * 0x100000000 + v.getUint32(p + 4, false);
  return s;
};
const br64n = (b) => {
  const r = new ByteReader(b);
  let s = 0;
  while (r.remaining >= 8) s += r.u64Number();
  return s;
};

let sink = 0;
let bigSink = 0n;
const bench = new Bench({
  name: 'byte-reader',
  time: 0,
  iterations: 21,
  warmup: true,
  warmupIterations: 7,
  warmupTime: 0,
});
const each = (fn, list) => () => {
  for (const b of list) sink ^= fn(b);
};
const eachBig = (fn, list) => () => {
  for (const b of list) bigSink ^= fn(b);
};
bench
  .add('rec dv u32', each(dv32, records))
  .add('rec br u32', each(br32, records))
  .add('rec dv u64', eachBig(dv64, records))
  .add('rec br u64', eachBig(br64, records))
  .add('rec dv u64n', each(dv64n, safeRecords))
  .add('rec br u64n', each(br64n, safeRecords))
  .add('loop dv u32', () => {
    sink ^= dv32(bytes);
  })
  .add('loop br u32', () => {
    sink ^= br32(bytes);
  });
await bench.run();

const t = Object.fromEntries(bench.tasks.map((task) => [task.name, task.result.latency.p50]));
const line = (label, base, ours) =>
  console.log(
    `  ${label.padEnd(28)} DataView ${t[base].toFixed(2).padStart(6)} ms   ByteReader ${t[ours].toFixed(2).padStart(6)} ms   ratio ${(t[ours] / t[base]).toFixed(2)}x`,
  );
console.log('ByteReader vs DataView, sequential reads over 8 MiB (median of 21; target ratio <= 1.30x)');
line('u32, per 4 KiB record', 'rec dv u32', 'rec br u32');
line('u64 bigint, per record', 'rec dv u64', 'rec br u64');
line('u64 as number, per record', 'rec dv u64n', 'rec br u64n');
line('u32, one 8 MiB loop (worst)', 'loop dv u32', 'loop br u32');
if (sink === 0.5 || bigSink === -1n) console.log(sink, bigSink);
