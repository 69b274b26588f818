// Child of rss.bench.mjs: imports one file (streaming, or JSON.parse of the whole text) and reports peak RSS.
import { readFileSync } from 'node:fs';
import { openQlogFile } from '../dist/node/index.js';

const [mode, path] = process.argv.slice(2);
globalThis.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);
const t0 = performance.now();
let events = 0;
if (mode === 'stream') {
  const reader = await openQlogFile(path);
  for (let batch = await reader.nextBatch(); batch; batch = await reader.nextBatch()) {
    events += batch.length;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
} else {
  const file = JSON.parse(readFileSync(path, 'utf8'));
  events = file.traces[0].events.length;
  peak = Math.max(peak, process.memoryUsage().rss);
}
clearInterval(timer);
const maxRss = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ events, ms: performance.now() - t0, baseline, peak: Math.max(peak, maxRss) }));
