// ByteQueue: taking records out of chunked input, as the streaming parsers do, as a ratio to the simplest correct
// baseline measured in the same run: keep one growing buffer (join every chunk onto the unread rest) and take
// subarrays of it.
//
// Input: 64 MiB in 64 KiB chunks; records of 40..4000 bytes (so that about one record in 30 straddles a chunk
// boundary). Patterns:
//  - "window + consume": contiguous views, chunks joined only where a record straddles them;
//  - "copy + consume": a fresh copy of each straddling record, chunks left alone;
//  - "peekAt scan": a resumable scanner looking at the bytes after a position without consuming.
// Target: windows at or below the join baseline (they copy far less).
import { Bench } from 'tinybench';
import { ByteQueue } from '../dist/index.js';

const TOTAL = 64 * 1024 * 1024;
const CHUNK = 64 * 1024;
const chunks = [];
for (let at = 0; at < TOTAL; at += CHUNK) {
  const chunk = new Uint8Array(CHUNK);
  for (let i = 0; i < CHUNK; i += 97) chunk[i] = (at + i) & 0xff;
  chunks.push(chunk);
}
const sizes = [];
let seed = 7;
for (let left = TOTAL; left > 0; ) {
  seed = (seed * 1103515245 + 12345) >>> 0;
  const size = Math.min(left, 40 + (seed % 3961));
  sizes.push(size);
  left -= size;
}

let sink = 0;

function baselineJoin() {
  let buffer = new Uint8Array(0);
  let pos = 0;
  let c = 0;
  for (const size of sizes) {
    while (buffer.length - pos < size) {
      const next = chunks[c++];
      const joined = new Uint8Array(buffer.length - pos + next.length);
      joined.set(buffer.subarray(pos), 0);
      joined.set(next, buffer.length - pos);
      buffer = joined;
      pos = 0;
    }
    sink += buffer.subarray(pos, pos + size)[0];
    pos += size;
  }
}

function queueWindow() {
  const queue = new ByteQueue();
  let c = 0;
  for (const size of sizes) {
    while (queue.available < size) queue.push(chunks[c++]);
    sink += queue.window(size)[0];
    queue.consume(size);
  }
}

function queueCopy() {
  const queue = new ByteQueue();
  let c = 0;
  for (const size of sizes) {
    while (queue.available < size) queue.push(chunks[c++]);
    const head = queue.contiguous();
    sink += (head.length >= size ? head : queue.copy(size))[0];
    queue.consume(size);
  }
}

function queuePeek() {
  const queue = new ByteQueue();
  let c = 0;
  for (const size of sizes) {
    while (queue.available < size) queue.push(chunks[c++]);
    sink += queue.peekAt(size - 1, 1)[0];
    queue.consume(size);
  }
}

const bench = new Bench({ iterations: 8, warmupIterations: 2 });
bench.add('baseline: join onto the unread rest', baselineJoin);
bench.add('ByteQueue window + consume', queueWindow);
bench.add('ByteQueue copy + consume', queueCopy);
bench.add('ByteQueue peekAt scan', queuePeek);
await bench.run();

const median = (task) => task.result.latency.p50 ?? task.result.latency.mean;
const base = median(bench.tasks[0]);
console.log(`ByteQueue over ${TOTAL / 2 ** 20} MiB in ${CHUNK / 1024} KiB chunks, ${sizes.length} records`);
for (const task of bench.tasks) {
  const ms = median(task);
  console.log(`  ${task.name.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / base).toFixed(2)}x`);
}
if (sink === -1) console.log(sink);
