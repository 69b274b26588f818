// Benchmarks of the xtrace CLI (run `pnpm build` first), each a same-run ratio:
// - start-up: `xtrace --version` and a command on a tiny file, against a bare `node -e 0`;
// - `xtrace validate` on a generated 1M-event .moqtrace, start-up included, against a bare cbor-x pass over the
//   same file in a fresh process (`decodeMultiple` of the events; target <= 1.5x);
// - `xtrace validate` on rs-20mb.ss, start-up included, against the readFile+CRC floor in a fresh process
//   (target ~1.5x);
// - `cat --format ndjson --payload none` and `validate` in process, against the library reading the same file
//   (what the CLI adds on top of the read: rendering, the checks of validate).
// Peak memory is bench/memory.bench.mjs; the reference decoder comparison is bench/ss-decode.bench.mjs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSs, generateTrace } from './generate.mjs';

const BIN = fileURLToPath(new URL('../bin/xtrace.js', import.meta.url));
const FIXTURES = process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const { run } = await import('../dist/index.js');
const { Writable, Readable } = await import('node:stream');
const ssNode = await import('@x/seastreamer-file/node');
const moqNode = await import('@x/moqtrace/node');

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** cbor-x as @x/cbor-schema resolves it (the CLI does not depend on it directly). */
const CBOR_X = createRequire(fileURLToPath(import.meta.resolve('@x/cbor-schema'))).resolve('cbor-x');

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function spawnTimed(args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code }));
  });
}

/** Median wall time of `args` run in fresh processes, alternating with `baseline` (the same number of runs). */
async function pair(args, baseline) {
  const a = [];
  const b = [];
  for (let i = 0; i <= RUNS; i++) {
    const x = await spawnTimed(args);
    const y = await spawnTimed(baseline);
    if (x.code !== 0) throw new Error(`${args.join(' ')} exited ${x.code}`);
    if (y.code !== 0) throw new Error(`${baseline.join(' ')} exited ${y.code}`);
    if (i > 0) {
      a.push(x.ms);
      b.push(y.ms);
    }
  }
  return { ms: median(a), base: median(b), minRatio: Math.min(...a) / Math.min(...b) };
}

function ratioLine(label, r, target) {
  const ratio = r.ms / r.base;
  const verdict =
    target === undefined ? '' : ratio <= target ? ` (target <= ${target}x) ok` : ` (target <= ${target}x) ABOVE TARGET`;
  console.log(
    `  ${label.padEnd(58)} ${r.ms.toFixed(0).padStart(6)} ms vs ${r.base.toFixed(0).padStart(6)} ms  ratio ${ratio.toFixed(2)}x (of the minimums ${r.minRatio.toFixed(2)}x)${verdict}`,
  );
}

async function timeIt(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measure(fn) {
  await fn();
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await timeIt(fn));
  return median(times);
}

/** Runs the CLI in this process with stdout discarded. */
async function runInProcess(args) {
  const sink = () =>
    new Writable({
      write(_chunk, _enc, cb) {
        cb();
      },
    });
  const code = await run(args, { stdout: sink(), stderr: sink(), stdin: Readable.from([]), env: { NO_COLOR: '1' } });
  if (code !== 0) throw new Error(`xtrace ${args.join(' ')} exited ${code}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'xtrace-bench-'));
try {
  const script = (name, text) => {
    const path = join(tmp, name);
    writeFileSync(path, text);
    return path;
  };
  const tiny = join(tmp, 'tiny.ss');
  await generateSs(tiny, 1000);
  console.log(`xtrace start-up (median of ${RUNS} fresh processes each, against a bare node)`);
  ratioLine('xtrace --version vs node -e 0', await pair([BIN, '--version'], ['-e', '0']));
  ratioLine('xtrace validate (tiny .ss) vs node -e 0', await pair([BIN, 'validate', tiny], ['-e', '0']));

  const trace = join(tmp, '1m.moqtrace');
  await generateTrace(trace, 1_000_000);
  const cborx = script(
    'cborx.mjs',
    `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const { decodeMultiple } = createRequire(import.meta.url)(${JSON.stringify(CBOR_X)});
const bytes = readFileSync(process.argv[2]);
const headerLength = bytes.readUInt32LE(12);
let n = 0;
decodeMultiple(bytes.subarray(16 + headerLength), () => { n++; });
if (n === 0) process.exit(1);
`,
  );
  console.log(
    `\n.moqtrace: generated 1M events, ${(statSync(trace).size / 1e6).toFixed(1)} MB (fresh processes, start-up included)`,
  );
  ratioLine(
    'xtrace validate vs a bare cbor-x pass (decodeMultiple)',
    await pair([BIN, 'validate', trace], [cborx, trace]),
    1.5,
  );

  const corpus = join(FIXTURES, 'seastreamer', 'rs-20mb.ss');
  const ss = existsSync(corpus) ? corpus : join(tmp, 'rs-20mb-like.ss');
  if (ss !== corpus) await generateSs(ss, 20e6);
  const floor = script(
    'floor.mjs',
    `import { readFileSync } from 'node:fs';
const { crc16 } = await import(${JSON.stringify(import.meta.resolve('@x/binary'))});
const bytes = readFileSync(process.argv[2]);
if (crc16(bytes) < 0) process.exit(1);
`,
  );
  console.log(
    `\n.ss: ${ss === corpus ? 'corpus rs-20mb.ss' : 'generated 20 MB'}, ${(statSync(ss).size / 1e6).toFixed(1)} MB (fresh processes, start-up included)`,
  );
  ratioLine('xtrace validate vs the readFile+CRC floor', await pair([BIN, 'validate', ss], [floor, ss]), 1.5);

  console.log('\nin process, against the library reading the same file (what the CLI adds: rendering, checks)');
  for (const [label, file, libRead] of [
    [
      '.ss',
      ss,
      async () => {
        const r = await ssNode.openSeaStreamerFile(ss);
        for (let b = await r.nextBatch(); b !== null; b = await r.nextBatch());
        await r.close();
      },
    ],
    [
      '.moqtrace',
      trace,
      async () => {
        const r = await moqNode.openTraceFile(trace);
        for (let b = await r.nextBatch(); b !== null; b = await r.nextBatch());
        await r.close();
      },
    ],
  ]) {
    const lib = await measure(libRead);
    for (const args of [
      ['cat', file, '--format', 'ndjson', '--payload', 'none'],
      ['validate', file],
    ]) {
      const cli = await measure(() => runInProcess(args));
      ratioLine(
        `${label} xtrace ${args[0]}${args[0] === 'cat' ? ' --format ndjson --payload none' : ''} vs library read`,
        {
          ms: cli,
          base: lib,
          minRatio: cli / lib,
        },
      );
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
