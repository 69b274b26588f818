// Decode and encode of 100k moqtrace-shaped records, as same-run ratios to bare cbor-x:
// - decode: schema decoding of a CBOR sequence (createSequenceDecoder, one chunk) vs cbor-x decodeMultiple
//   with a callback on the same bytes. Target >= 0.9x throughput.
// - encode: encode(schema, friendlyRecord) per record vs cbor-x Encoder.encode(wireKeyedPlainObject) per
//   record (plain RFC 8949 options). Target >= 0.8x throughput.
import { loadavg } from 'node:os';
import { Decoder, Encoder, isNativeAccelerationEnabled } from 'cbor-x';
import { Bench } from 'tinybench';
import { createEncoder, createSequenceDecoder, decode, encode, encodeSequence } from '../dist/index.js';
import { eventSchema, makeRecords } from './schema.mjs';

const COUNT = 100_000;
const { wire, friendly } = makeRecords(COUNT);
const cborx = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  tagUint8Array: false,
  useTag259ForMaps: false,
  encodeUndefinedAsNil: true,
});
const cborxDecoder = new Decoder({ useRecords: false, mapsAsObjects: true });
const bytes = encodeSequence(eventSchema, friendly);

// Sanity: same bytes both ways round, same item count.
let count = 0;
cborxDecoder.decodeMultiple(bytes, () => {
  count++;
});
if (count !== COUNT) throw new Error(`cbor-x saw ${count} items`);
const check = createSequenceDecoder(eventSchema).push(bytes);
if (check.length !== COUNT || check.some((e) => !e.ok)) throw new Error('schema decode failed');
if (decode(eventSchema, encode(eventSchema, friendly[3])).value.groupId !== friendly[3].groupId)
  throw new Error('round trip');

const bench = new Bench({ name: 'decode', time: 0, iterations: 15, warmup: true, warmupIterations: 3, warmupTime: 0 });
let sink = 0;
bench.add('cbor-x decodeMultiple (callback)', () => {
  cborxDecoder.decodeMultiple(bytes, (v) => {
    sink += v.n;
  });
});
bench.add('@x/cbor-schema sequence decode', () => {
  const dec = createSequenceDecoder(eventSchema);
  dec.push(bytes, (e) => {
    sink += e.value.seq;
  });
  dec.end();
});
bench.add('cbor-x encode (plain objects)', () => {
  for (let i = 0; i < COUNT; i++) sink += cborx.encode(wire[i]).length;
});
bench.add('@x/cbor-schema encode', () => {
  for (let i = 0; i < COUNT; i++) sink += encode(eventSchema, friendly[i]).length;
});
bench.add('@x/cbor-schema createEncoder().write', () => {
  const out = createEncoder(eventSchema);
  for (let i = 0; i < COUNT; i++) out.write(friendly[i]);
  sink += out.finish().length;
});
await bench.run();

const p50 = (name) => bench.tasks.find((t) => t.name === name).result.latency.p50;
const rate = (ms) => `${(((COUNT / ms) * 1000) / 1e6).toFixed(2)} M records/s`;
const line = (label, ms, baseMs, target) => {
  const ratio = baseMs / ms;
  console.log(
    `${label.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms  ${rate(ms).padStart(18)}  ratio ${ratio.toFixed(2)}x  (target >= ${target}x) ${ratio >= target ? 'OK' : 'BELOW TARGET'}`,
  );
};
console.log(
  `100k records, ${(bytes.length / 1e6).toFixed(2)} MB sequence, cbor-x native acceleration: ${isNativeAccelerationEnabled}, load ${loadavg()[0].toFixed(2)}`,
);
const dBase = p50('cbor-x decodeMultiple (callback)');
console.log(
  `${'baseline cbor-x decodeMultiple'.padEnd(40)} ${dBase.toFixed(1).padStart(7)} ms  ${rate(dBase).padStart(18)}`,
);
line('schema sequence decode', p50('@x/cbor-schema sequence decode'), dBase, 0.9);
const eBase = p50('cbor-x encode (plain objects)');
console.log(`${'baseline cbor-x encode'.padEnd(40)} ${eBase.toFixed(1).padStart(7)} ms  ${rate(eBase).padStart(18)}`);
line('schema encode (per record)', p50('@x/cbor-schema encode'), eBase, 0.8);
line('schema createEncoder().write', p50('@x/cbor-schema createEncoder().write'), eBase, 0.8);
if (sink === 0.5) console.log(sink);
