// Seek by timestamp in a generated 1 GB file (8 streams, 1 MiB interval, ~1-8 KB payloads): beacons read
// and time per seek, against a sequential scan of the whole file measured in the same run. The file is
// written to the OS temp folder and deleted afterwards. Target: O(log n) beacons (~log2(beacons) + a few).
import { openSeaStreamerFile } from '../dist/node/index.js';
import { generateFile, prng } from './common.mjs';

const SIZE = Number(process.env.SEEK_BENCH_BYTES ?? 1_000_000_000);
const STREAMS = ['audit', 'blobs', 'events', 'logs', 'metrics', 'orders', 'quotes', 'trades'];
let t0 = performance.now();
const file = await generateFile('1gb-seek.ss', SIZE, 1000, 8000, 11);
console.log(
  `generated ${(file.size / 1e9).toFixed(2)} GB, ${file.messages} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const reader = await openSeaStreamerFile(file.path);
const beacons = Math.floor(file.size / reader.header.beaconInterval);
// Timestamps count from 1700000000000, one per message.
const first = 1700000000000;
const last = first + file.messages - 2;
const rand = prng(5);
const results = [];
for (let i = 0; i < 25; i++) {
  const key = STREAMS[Math.floor(rand() * STREAMS.length)];
  const target = BigInt(first + Math.floor(rand() * (last - first)));
  t0 = performance.now();
  const result = await reader.seekByTimestamp(key, 0n, target);
  const ms = performance.now() - t0;
  if (result.message.streamKey !== key || result.message.timestamp <= target) throw new Error('wrong seek result');
  results.push({ ms, beaconsRead: result.beaconsRead, scanned: result.messagesScanned });
}
await reader.close();

t0 = performance.now();
const scan = await openSeaStreamerFile(file.path, { verifyChecksums: false });
let n = 0;
for (let batch = await scan.nextBatch(); batch; batch = await scan.nextBatch()) n += batch.length;
await scan.close();
const scanMs = performance.now() - t0;

const ms = results.map((r) => r.ms).sort((a, b) => a - b);
const reads = results.map((r) => r.beaconsRead).sort((a, b) => a - b);
const median = ms[Math.floor(ms.length / 2)];
console.log(`\nSeaStreamer seek benchmark: ${beacons} beacons, 25 seekByTimestamp on random streams/times`);
console.log(
  `  beacons read per seek : median ${reads[Math.floor(reads.length / 2)]}, max ${reads.at(-1)} (log2(${beacons}) = ${Math.log2(beacons).toFixed(1)}; target O(log n))`,
);
console.log(
  `  time per seek         : median ${median.toFixed(2)} ms, max ${ms.at(-1).toFixed(2)} ms (includes the forward scan of < 1 interval)`,
);
console.log(
  `  full sequential scan  : ${scanMs.toFixed(0)} ms for ${n} items -> seek is ${(scanMs / median).toFixed(0)}x faster`,
);
