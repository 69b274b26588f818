// Preloaded into a benchmarked process (`node --import ./rss-report.mjs ...`): writes its peak resident set size
// in KiB to file descriptor 3 when it exits, so that the benchmark reads the CLI's own peak memory.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  try {
    writeSync(3, String(process.resourceUsage().maxRSS));
  } catch {
    // no fd 3: not run by the benchmark
  }
});
