// Peak memory of exportRecordings on a large .ss (690 MB by default, BENCH_SS_MB to change): a child process
// exports it and reports its peak RSS (target: under 256 MB) and the time. Run after `npx tsc -b`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchSs } from './generate.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'x-analytics-rss-'));
const megabytes = Number(process.env.BENCH_SS_MB ?? 690);
const input = join(tmp, 'large.ss');
const messages = await writeBenchSs(input, megabytes * 1e6);
const child = spawnSync(
  process.execPath,
  [fileURLToPath(new URL('./rss-child.mjs', import.meta.url)), input, join(tmp, 'out')],
  { encoding: 'utf8' },
);
if (child.status !== 0) {
  console.error(child.stderr);
  process.exitCode = 1;
} else {
  const result = JSON.parse(child.stdout);
  const peak = result.peakRss / 2 ** 20;
  console.log(
    `export of a ${(statSync(input).size / 1e6).toFixed(0)} MB .ss (${messages} messages): ${(result.ms / 1000).toFixed(1)} s, peak RSS ${peak.toFixed(0)} MiB (target < 256 MB${peak * 2 ** 20 < 256e6 ? ', met' : ', MISSED'})`,
  );
}
rmSync(tmp, { recursive: true, force: true });
