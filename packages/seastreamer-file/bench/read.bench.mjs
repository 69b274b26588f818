// Read throughput with checksums on, as same-run ratios to a plain readFileSync + CRC-16 pass over the
// same bytes (the floor), and as multiples of the reference TS reader (spec 12: ~75 MB/s on rs-20mb.ss,
// ~88k msg/s on a 10 MB file of ~50-byte payloads). Targets: >= 10x the reference; aim: <= 2x the floor.
import { readFileSync, statSync } from 'node:fs';
import { crc16 } from '@x/binary';
import { Bench } from 'tinybench';
import { readSeaStreamer } from '../dist/index.js';
import { openSeaStreamerFile } from '../dist/node/index.js';
import { corpus20mb, fileExists, generateFile } from './common.mjs';

const REFERENCE_MBPS = 75;
const REFERENCE_SMALL_MSGS = 88_000;

let big;
if (fileExists(corpus20mb)) {
  big = { path: corpus20mb, label: 'rs-20mb.ss (corpus)' };
} else {
  console.log(`corpus not found at ${corpus20mb}: generating an equivalent 20 MB file`);
  const g = await generateFile('20mb.ss', 19_992_705, 16, 6000);
  big = { path: g.path, label: 'generated 20 MB file (16-6000-byte payloads)' };
}
const small = await generateFile('10mb-small.ss', 10_000_000, 40, 60);

async function streamBatches(path) {
  const reader = await openSeaStreamerFile(path);
  let messages = 0;
  for (let batch = await reader.nextBatch(); batch; batch = await reader.nextBatch()) {
    for (const item of batch) if (item.kind === 'message') messages++;
  }
  await reader.close();
  return messages;
}

async function streamIterate(path) {
  const reader = await openSeaStreamerFile(path);
  let messages = 0;
  for await (const _ of reader) messages++;
  await reader.close();
  return messages;
}

function whole(path) {
  return readSeaStreamer(readFileSync(path)).messages.length;
}

async function measure(file) {
  const size = statSync(file.path).size;
  const count = whole(file.path);
  if ((await streamBatches(file.path)) !== count || (await streamIterate(file.path)) !== count) {
    throw new Error('readers disagree');
  }
  const bench = new Bench({ time: 0, iterations: 9, warmup: true, warmupIterations: 2, warmupTime: 0 });
  let sink = 0;
  bench.add('floor: readFileSync + crc16', () => {
    sink ^= crc16(readFileSync(file.path));
  });
  bench.add('streaming reader, nextBatch()', async () => {
    sink ^= await streamBatches(file.path);
  });
  bench.add('streaming reader, for await per message', async () => {
    sink ^= await streamIterate(file.path);
  });
  bench.add('readFileSync + readSeaStreamer (all messages kept)', () => {
    sink ^= whole(file.path);
  });
  await bench.run();
  const [floor, ...rest] = bench.tasks.map((t) => ({ name: t.name, ms: t.result.latency.p50 }));
  console.log(`\n${file.label}: ${(size / 1e6).toFixed(2)} MB, ${count} messages (median of 9; MB = 10^6 bytes)`);
  console.log(
    `  ${floor.name.padEnd(56)} ${floor.ms.toFixed(1).padStart(7)} ms  ${(size / 1e3 / floor.ms).toFixed(0).padStart(5)} MB/s`,
  );
  for (const r of rest) {
    const mbps = size / 1e3 / r.ms;
    const msgs = (count / r.ms) * 1000;
    const reference = file.small
      ? `${(msgs / REFERENCE_SMALL_MSGS).toFixed(1)}x ref 88k msg/s`
      : `${(mbps / REFERENCE_MBPS).toFixed(1)}x ref 75 MB/s`;
    console.log(
      `  ${r.name.padEnd(56)} ${r.ms.toFixed(1).padStart(7)} ms  ${mbps.toFixed(0).padStart(5)} MB/s  ${(msgs / 1000).toFixed(0).padStart(6)}k msg/s  ${(r.ms / floor.ms).toFixed(2)}x floor  ${reference}`,
    );
  }
  if (sink === 0.5) console.log(sink);
  return rest;
}

console.log('SeaStreamer read benchmark (checksums verified; targets: >= 10x the reference, aim <= 2x the floor)');
await measure(big);
await measure({ ...small, label: '10 MB file of 40-60-byte payloads', small: true });
