// CRC-16/CDMA2000 throughput over 64 MiB, as a ratio to a plain byte-at-a-time table loop run in the
// same process (the "straightforward" implementation). Target: >= 3x that loop, aim >= 1 GB/s.
import { Bench } from 'tinybench';
import { crc16 } from '../dist/index.js';

const SIZE = 64 * 1024 * 1024;
const data = new Uint8Array(SIZE);
let seed = 0x9e3779b9;
for (let i = 0; i < SIZE; i++) {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  data[i] = seed & 0xff;
}

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i << 8;
  for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0xc867) & 0xffff : (c << 1) & 0xffff;
  TABLE[i] = c;
}
function byteAtATime(bytes) {
  let c = 0xffff;
  for (let i = 0; i < bytes.length; i++) c = (TABLE[((c >> 8) ^ bytes[i]) & 0xff] ^ (c << 8)) & 0xffff;
  return c;
}

if (crc16(data) !== byteAtATime(data)) throw new Error('implementations disagree');

const bench = new Bench({ name: 'crc16', time: 0, iterations: 7, warmup: true, warmupIterations: 2, warmupTime: 0 });
let sink = 0;
bench.add('baseline: byte-at-a-time table loop', () => {
  sink ^= byteAtATime(data);
});
bench.add('@x/binary crc16 (slicing-by-16)', () => {
  sink ^= crc16(data);
});
await bench.run();

const [base, ours] = bench.tasks.map((t) => t.result.latency.p50);
const mbps = (ms) => (SIZE / 1e6 / (ms / 1000)).toFixed(0);
console.log(`CRC-16/CDMA2000 over 64 MiB (median of 7, ms -> MB/s; MB = 10^6 bytes)`);
console.log(`  baseline byte loop : ${base.toFixed(1)} ms  ${mbps(base)} MB/s`);
console.log(`  @x/binary crc16    : ${ours.toFixed(1)} ms  ${mbps(ours)} MB/s`);
console.log(`  speed-up vs baseline: ${(base / ours).toFixed(2)}x (target >= 3x; aim >= 1000 MB/s)`);
if (sink === -1) console.log(sink);
