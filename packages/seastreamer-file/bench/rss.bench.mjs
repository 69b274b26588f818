// Peak RSS of a streaming read (checksums on) of a generated 1 GB file, measured in a child process as the
// highest sampled RSS above the child's baseline after imports (and the kernel's VmHWM where available).
// Target: < 64 MB above the baseline. The file is deleted afterwards.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateFile } from './common.mjs';

const SIZE = Number(process.env.RSS_BENCH_BYTES ?? 1_000_000_000);
const t0 = performance.now();
const file = await generateFile('1gb-rss.ss', SIZE, 1000, 8000, 13);
console.log(
  `generated ${(file.size / 1e9).toFixed(2)} GB, ${file.messages} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
const child = spawnSync(
  process.execPath,
  ['--expose-gc', fileURLToPath(new URL('./rss-child.mjs', import.meta.url)), file.path],
  {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  },
);
if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
const r = JSON.parse(child.stdout);
const mb = (b) => (b / 1024 / 1024).toFixed(1);
console.log(
  `\nSeaStreamer streaming-read memory: ${r.messages} messages, ${(file.size / 1e9).toFixed(2)} GB in ${(r.ms / 1000).toFixed(1)} s (${(file.size / 1e3 / r.ms).toFixed(0)} MB/s), end ${r.end}`,
);
console.log(`  baseline RSS after imports : ${mb(r.baseline)} MB`);
console.log(`  peak sampled RSS above it  : ${mb(r.peak - r.baseline)} MB (target < 64 MB)`);
if (r.hwmAfter !== undefined) console.log(`  VmHWM above baseline       : ${mb(r.hwmAfter - r.baseline)} MB`);
