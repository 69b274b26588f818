// `xtrace cat --format ss-decode-ndjson` (payloads rendered like serde_json) and `ss-decode-log` against the Rust
// reference decoder `ss-decode` on the same file, end to end (process start to exit, stdout to /dev/null, as a
// shell redirect would). Give the reference binary's path in SS_DECODE_BIN to get same-run ratios (target: <= 1.0x
// for ndjson with payloads); without it, the absolute times are printed. Files: rs-20mb.ss of the corpus (6,423
// JSON payloads of ~3 KB), a generated file of 1M small messages, and one of a single message (the fixed start-up
// cost of both programs). Each output is first checked byte for byte
// against the reference's (when given). Run `pnpm build` first.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/xtrace.js', import.meta.url));
const FIXTURES = process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const REFERENCE = process.env.SS_DECODE_BIN;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const { createSeaStreamerFileWriter } = await import('@x/seastreamer-file/node');

/** Runs a command with stdout hashed (a pipe), resolves the output's digest. */
function digestOf(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const hash = createHash('sha256');
    child.stdout.on('data', (c) => hash.update(c));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(hash.digest('hex')) : reject(new Error(`${cmd} exited ${code}`)),
    );
  });
}

const devNull = openSync('/dev/null', 'w');

/** Runs a command with stdout to /dev/null, resolves its wall time in ms. */
function timed(cmd, args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', devNull, 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`${cmd} exited ${code}`)),
    );
  });
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const tmp = mkdtempSync(join(tmpdir(), 'ss-decode-bench-'));
try {
  const small = join(tmp, 'small.ss');
  const writer = await createSeaStreamerFileWriter(small, { beaconInterval: 1 << 20, createdAt: 1700000000000 });
  for (let i = 0; i < 1_000_000; i++) {
    writer.write({
      streamKey: `stream-${i % 8}`,
      shardId: 0n,
      seqNo: BigInt(i),
      timestamp: BigInt(1700000000000 + i),
      payload: `{"i":${i},"v":"${'x'.repeat(i % 40)}"}`,
    });
  }
  await writer.close({ eos: true });
  // The fixed cost of each program (process start, module loading) on a file of one message.
  const tiny = join(tmp, 'tiny.ss');
  const one = await createSeaStreamerFileWriter(tiny, { beaconInterval: 1024, createdAt: 1700000000000 });
  one.write({ streamKey: 's', shardId: 0n, seqNo: 0n, timestamp: 1700000000000n, payload: '{"i":0}' });
  await one.close({ eos: true });
  const corpus = join(FIXTURES, 'seastreamer', 'rs-20mb.ss');
  const cases = [
    ['start-up: a file of one message, ndjson', tiny, 'ndjson', false],
    ...(existsSync(corpus)
      ? [
          ['rs-20mb.ss, ndjson with payloads', corpus, 'ndjson', false],
          ['rs-20mb.ss, log with payloads', corpus, 'log', false],
        ]
      : []),
    ['1M small messages, ndjson --header-only', small, 'ndjson', true],
    ['1M small messages, ndjson with payloads', small, 'ndjson', false],
  ];
  console.log(
    `xtrace cat --format ss-decode-* vs the reference ss-decode (median and minimum of ${RUNS}, wall time, stdout discarded)${REFERENCE ? '' : '\n  (set SS_DECODE_BIN to the Rust ss-decode binary for the ratios)'}`,
  );
  for (const [label, file, format, headerOnly] of cases) {
    const ours = ['cat', file, '--format', `ss-decode-${format}`, ...(headerOnly ? ['--payload', 'none'] : [])];
    const theirs = ['--file', file, '--format', format, ...(headerOnly ? ['--header-only'] : [])];
    const digest = await digestOf(process.execPath, [BIN, ...ours]);
    if (REFERENCE && (await digestOf(REFERENCE, theirs)) !== digest) {
      throw new Error(`${label}: the output differs from the reference's`);
    }
    const t = { ours: [], theirs: [] };
    for (let i = 0; i <= RUNS; i++) {
      const a = await timed(process.execPath, [BIN, ...ours]);
      if (i > 0) t.ours.push(a);
      if (REFERENCE) {
        const b = await timed(REFERENCE, theirs);
        if (i > 0) t.theirs.push(b);
      }
    }
    const ms = median(t.ours);
    const line = `  ${label.padEnd(42)} xtrace ${ms.toFixed(0).padStart(5)} ms (min ${Math.min(...t.ours).toFixed(0)})`;
    if (!REFERENCE) console.log(`${line}  (output sha256 ${digest.slice(0, 12)})`);
    else {
      const ref = median(t.theirs);
      const best = Math.min(...t.ours) / Math.min(...t.theirs);
      console.log(
        `${line}  ss-decode ${ref.toFixed(0).padStart(5)} ms (min ${Math.min(...t.theirs).toFixed(0)})  ratio ${(ms / ref).toFixed(2)}x (of the minimums ${best.toFixed(2)}x)`,
      );
    }
  }
} finally {
  closeSync(devNull);
  rmSync(tmp, { recursive: true, force: true });
}
