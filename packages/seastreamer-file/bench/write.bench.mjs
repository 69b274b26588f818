// Write throughput: 1 M small messages (8 streams, 40-60-byte payloads, 1 MiB interval) into memory, as a
// same-run ratio to a floor that produces the same messages and only copies each payload and computes its
// CRC-16 (no framing, no beacons, no validation). Messages are produced on the fly in both, as a
// recording application would. Target: >= 1 M msg/s.
import { crc16, createMemorySink } from '@x/binary';
import { Bench } from 'tinybench';
import { createSeaStreamerWriter } from '../dist/index.js';
import { prng } from './common.mjs';

const COUNT = 1_000_000;
const STREAMS = ['audit', 'blobs', 'events', 'logs', 'metrics', 'orders', 'quotes', 'trades'];
const rand = prng(3);
const pool = new Uint8Array(8192).map(() => 32 + Math.floor(rand() * 90));
const sizes = Uint16Array.from({ length: 4096 }, () => 40 + Math.floor(rand() * 21));
const starts = Uint16Array.from({ length: 4096 }, () => Math.floor(rand() * 8000));
const message = (i) => ({
  streamKey: STREAMS[i & 7],
  shardId: 0n,
  seqNo: BigInt(i),
  timestamp: BigInt(1700000000000 + i),
  payload: pool.subarray(starts[i & 4095], starts[i & 4095] + sizes[i & 4095]),
});

let bytes = 0;
const scratch = new Uint8Array(128 * 1024 * 1024);
const bench = new Bench({ time: 0, iterations: 5, warmup: true, warmupIterations: 1, warmupTime: 0 });
bench.add('floor: produce, copy payloads + crc16', () => {
  let at = 0;
  let x = 0;
  for (let i = 0; i < COUNT; i++) {
    const m = message(i);
    scratch.set(m.payload, at);
    at += m.payload.length + 32;
    x ^= crc16(m.payload);
  }
  if (x === -1) console.log(x);
});
bench.add('createSeaStreamerWriter(memory sink): produce + write() x 1M + close()', async () => {
  const sink = createMemorySink();
  const writer = createSeaStreamerWriter(sink, { fileName: 'bench.ss', beaconInterval: 1 << 20, bufferSize: 1 << 20 });
  for (let i = 0; i < COUNT; i++) writer.write(message(i));
  await writer.close({ eos: true });
  bytes = sink.size;
});
await bench.run();
for (const t of bench.tasks) if (t.result.error) throw t.result.error;
const [floor, ours] = bench.tasks.map((t) => t.result.latency.p50);
const rate = (COUNT / ours) * 1000;
console.log(`\nSeaStreamer write benchmark: ${COUNT} messages, ${(bytes / 1e6).toFixed(1)} MB (median of 5)`);
console.log(
  `  floor (produce, copy + crc16) : ${floor.toFixed(0)} ms  ${(((COUNT / floor) * 1000) / 1e6).toFixed(2)} M msg/s`,
);
console.log(
  `  writer                        : ${ours.toFixed(0)} ms  ${(rate / 1e6).toFixed(2)} M msg/s  ${(bytes / 1e3 / ours).toFixed(0)} MB/s  ${(ours / floor).toFixed(2)}x floor (target >= 1 M msg/s)`,
);
