// Child of rss.bench.mjs: streams a file and reports its peak RSS above the baseline (after imports).
import { readFileSync } from 'node:fs';
import { openSeaStreamerFile } from '../dist/node/index.js';

const path = process.argv[2];
globalThis.gc?.();
const baseline = process.memoryUsage().rss;
const hwm = () => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
};
const hwmBefore = hwm();
let peak = baseline;
let messages = 0;
let bytes = 0;
const t0 = performance.now();
const reader = await openSeaStreamerFile(path);
for (let batch = await reader.nextBatch(); batch; batch = await reader.nextBatch()) {
  for (const item of batch) {
    if (item.kind === 'message') {
      messages++;
      bytes += item.payload.length;
    }
  }
  const rss = process.memoryUsage().rss;
  if (rss > peak) peak = rss;
}
await reader.close();
const ms = performance.now() - t0;
process.stdout.write(
  JSON.stringify({ baseline, peak, hwmBefore, hwmAfter: hwm(), messages, bytes, ms, end: reader.end?.state }),
);
