// Child process of the RSS benchmark: exports one file and prints its peak RSS (sampled every 20 ms) as JSON.
import { exportRecordings } from '../dist/node/index.js';

const [input, out] = process.argv.slice(2);
let peak = 0;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 20);
const started = performance.now();
const result = await exportRecordings([input], out, { overwrite: true });
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage.rss());
process.stdout.write(
  `${JSON.stringify({ ms: performance.now() - started, peakRss: peak, rows: result.tables.map((t) => [t.name, t.rows]) })}\n`,
);
