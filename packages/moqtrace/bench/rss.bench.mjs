// Peak RSS of the streaming reader over a 1 GB trace (target: < 64 MB above baseline).
// Generates the trace in os.tmpdir() with the streaming writer, reads it in a child process, deletes it.
// Run after `npx tsc -b`: node bench/rss.bench.mjs   (SIZE_MB=… to change the size)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTraceFileWriter } from '../dist/node/index.js';

const target = Number(process.env.SIZE_MB ?? 1024) * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'moqtrace-rss-'));
const path = join(dir, 'big.moqtrace');
try {
  const started = performance.now();
  const writer = createTraceFileWriter(path, {
    header: {
      protocol: 'moq-transport-16',
      perspective: 'observer',
      detail: 'headers+data',
      startTime: 1_700_000_000_000,
    },
    flushBytes: 1024 * 1024,
  });
  const payload = new Uint8Array(1024).map((_, i) => (i * 131) & 0xff);
  let seq = 0;
  while (writer.bytesWritten < target) {
    const sid = BigInt(4 * Math.floor(seq / 64) + 3);
    const base = { seq, timestamp: seq * 5, streamId: sid, groupId: BigInt(seq >> 6), objectId: BigInt(seq & 63) };
    let pending = writer.write({ ...base, type: 'object-header', publisherPriority: 128, objectStatus: 0 });
    if (pending) await pending;
    pending = writer.write({ ...base, seq: seq + 1, type: 'object-payload', size: payload.length, payload });
    if (pending) await pending;
    pending = writer.write({ ...base, seq: seq + 2, type: 'annotation', label: 'tick', data: { seq } });
    if (pending) await pending;
    seq += 3;
  }
  await writer.close();
  const size = statSync(path).size;
  console.log(
    `rss benchmark — wrote ${(size / 1e6).toFixed(0)} MB, ${writer.eventsWritten} events in ${((performance.now() - started) / 1000).toFixed(1)} s (load ${loadavg()[0].toFixed(2)})`,
  );

  const reader = join(dir, 'read.mjs');
  writeFileSync(
    reader,
    `import { openTraceFile } from ${JSON.stringify(fileURLToPath(new URL('../dist/node/index.js', import.meta.url)))};
globalThis.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
let events = 0;
const started = performance.now();
const reader = await openTraceFile(process.argv[2]);
for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
  events += batch.length;
  peak = Math.max(peak, process.memoryUsage().rss);
}
const end = reader.end;
peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ baseline, peak, events, end, seconds: (performance.now() - started) / 1000 }));`,
  );
  const child = spawnSync(process.execPath, ['--expose-gc', reader, path], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  const result = JSON.parse(child.stdout.trim().split('\n').pop());
  const above = (result.peak - result.baseline) / (1024 * 1024);
  console.log(
    `  read ${result.events} events in ${result.seconds.toFixed(1)} s (${(size / 1e6 / result.seconds).toFixed(0)} MB/s), end ${result.end.state}, complete ${result.end.complete}`,
  );
  console.log(
    `  baseline RSS ${(result.baseline / 1048576).toFixed(1)} MB, peak ${(result.peak / 1048576).toFixed(1)} MB: ${above.toFixed(1)} MB above baseline (target < 64 MB) ${above < 64 ? 'OK' : 'OVER'}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
