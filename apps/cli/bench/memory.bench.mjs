// Peak memory of every streaming command on large inputs, generated here (never committed): a `.ss` recording
// and a `.moqtrace` trace of BENCH_GB gigabytes (default 1), and a 4M-event trace. Each command runs in its own
// process with `--import ./rss-report.mjs`, which reports the process's peak RSS; the target is < 128 MB for
// info, stats, validate, cat and convert. Run `pnpm build` first. BENCH_KEEP=1 keeps the generated files.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSs, generateTrace } from './generate.mjs';

const BIN = fileURLToPath(new URL('../bin/xtrace.js', import.meta.url));
const REPORT = fileURLToPath(new URL('./rss-report.mjs', import.meta.url));
const GB = Number(process.env.BENCH_GB ?? 1);
const LIMIT_MB = 128;

/** Runs `xtrace args` with stdout discarded; resolves its exit code, wall time and peak RSS (MB). */
function measure(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--import', REPORT, BIN, ...args], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let rss = '';
    let stderr = '';
    child.stdio[3].on('data', (c) => (rss += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, mb: Number(rss) / 1024, stderr }),
    );
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'xtrace-memory-'));
let worst = 0;
async function row(label, args, okCodes = [0]) {
  const r = await measure(args);
  if (!okCodes.includes(r.code)) throw new Error(`xtrace ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  worst = Math.max(worst, r.mb);
  const verdict = r.mb < LIMIT_MB ? 'ok' : 'ABOVE TARGET';
  console.log(
    `  ${label.padEnd(44)} peak RSS ${r.mb.toFixed(1).padStart(6)} MB  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${verdict}`,
  );
}

try {
  const ss = join(tmp, 'big.ss');
  const moq = join(tmp, 'big.moqtrace');
  const moq4m = join(tmp, '4m.moqtrace');
  console.log(`generating ${GB} GB .ss, ${GB} GB .moqtrace and a 4M-event .moqtrace in ${tmp} ...`);
  await generateSs(ss, GB * 1e9);
  await generateTrace(moq, Math.round((GB * 1e9) / 44));
  await generateTrace(moq4m, 4_000_000);
  for (const [label, file, extra] of [
    ['.ss', ss, [['convert (.ss, new interval)', ['convert', ss, join(tmp, 'out.ss'), '--interval', '65536']]]],
    [
      '.moqtrace',
      moq,
      [
        ['convert (.moqtrace normal form)', ['convert', moq, join(tmp, 'out.moqtrace')]],
        ['convert (qlog JSON-SEQ)', ['convert', moq, join(tmp, 'out.sqlog')]],
      ],
    ],
    ['.moqtrace, 4M events', moq4m, []],
  ]) {
    console.log(
      `\n${label}: ${(statSync(file).size / 1e6).toFixed(0)} MB (target: every command < ${LIMIT_MB} MB peak RSS)`,
    );
    await row('info', ['info', file]);
    await row('stats', ['stats', file, '--json']);
    await row('validate', ['validate', file]);
    await row('cat --format ndjson (stdout discarded)', ['cat', file, '--format', 'ndjson']);
    await row('convert (NDJSON)', ['convert', file, join(tmp, 'out.ndjson')]);
    rmSync(join(tmp, 'out.ndjson'), { force: true });
    for (const [name, args] of extra) {
      await row(name, args);
      rmSync(args[2], { force: true });
    }
  }
  console.log(
    `\nworst peak RSS: ${worst.toFixed(1)} MB (target < ${LIMIT_MB} MB): ${worst < LIMIT_MB ? 'ok' : 'ABOVE TARGET'}`,
  );
} finally {
  if (!process.env.BENCH_KEEP) rmSync(tmp, { recursive: true, force: true });
  else console.log(`kept ${tmp}`);
}
