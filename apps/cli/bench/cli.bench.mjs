// Benchmarks of the xtrace CLI (run `npx tsc -b` first): start-up time, and `cat --format ndjson --payload
// none` / `validate` throughput on a 20 MB .ss and a 100k-event .moqtrace, each compared with the library
// reading the same file in this process, in the same run (ratio target: the CLI adds at most 1.5x).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/xtrace.js', import.meta.url));
const FIXTURES = process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const { run } = await import('../dist/index.js');
const { Writable, Readable } = await import('node:stream');
const ss = await import('@x/seastreamer-file');
const ssNode = await import('@x/seastreamer-file/node');
const moq = await import('@x/moqtrace');
const { openFileSource } = await import('@x/binary/node');

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET = 1.5;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function spawnTimed(args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    child.stdout.on('data', (c) => {
      bytes += c.length;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, bytes }));
  });
}

async function timeIt(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measure(fn, runs = RUNS) {
  await fn(); // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await timeIt(fn));
  return median(times);
}

const tmp = mkdtempSync(join(tmpdir(), 'xtrace-bench-'));

function ssFile() {
  const corpus = join(FIXTURES, 'seastreamer', 'rs-20mb.ss');
  if (existsSync(corpus)) return { path: corpus, note: 'corpus rs-20mb.ss' };
  const messages = [];
  const payload = 'p'.repeat(3000);
  for (let i = 0; i < 6500; i++) {
    messages.push({
      streamKey: `s${i % 8}`,
      shardId: 0n,
      seqNo: BigInt(i),
      timestamp: 1_700_000_000_000n + BigInt(i),
      payload,
    });
  }
  const bytes = ss.writeSeaStreamer(messages, { fileName: 'bench.ss', beaconInterval: 1 << 20, eos: true });
  const path = join(tmp, 'bench.ss');
  writeFileSync(path, bytes);
  return { path, note: 'generated 20 MB .ss (corpus absent)' };
}

function moqFile() {
  const corpus = join(FIXTURES, 'moqtrace', 'events-100k-headers-sizes.moqtrace');
  if (existsSync(corpus)) return { path: corpus, note: 'corpus events-100k-headers-sizes.moqtrace' };
  const events = [];
  for (let i = 0; i < 100_000; i++) {
    events.push(
      i % 2 === 0
        ? {
            type: 'object-header',
            seq: i,
            timestamp: i * 10,
            streamId: 3n,
            groupId: BigInt(i >> 8),
            objectId: BigInt(i & 255),
            publisherPriority: 128,
            objectStatus: 0,
          }
        : {
            type: 'object-payload',
            seq: i,
            timestamp: i * 10,
            streamId: 3n,
            groupId: BigInt(i >> 8),
            objectId: BigInt(i & 255),
            size: 1200,
          },
    );
  }
  const bytes = moq.writeTrace({
    header: {
      protocol: 'moq-transport-14',
      perspective: 'client',
      detail: 'headers+sizes',
      startTime: 1_700_000_000_000,
    },
    events,
  });
  const path = join(tmp, 'bench.moqtrace');
  writeFileSync(path, bytes);
  return { path, note: 'generated 100k-event .moqtrace (corpus absent)' };
}

async function libraryReadSs(path) {
  const reader = await ssNode.openSeaStreamerFile(path);
  let n = 0;
  for (let b = await reader.nextBatch(); b !== null; b = await reader.nextBatch()) n += b.length;
  await reader.close();
  return n;
}

async function libraryReadMoq(path) {
  const source = await openFileSource(path);
  const reader = await moq.openTraceReader(source);
  let n = 0;
  for (let b = await reader.nextBatch(); b !== null; b = await reader.nextBatch()) n += b.length;
  await source.close();
  return n;
}

/** Runs the CLI in this process with stdout discarded (counts the bytes). */
async function runInProcess(args) {
  let bytes = 0;
  const sink = () =>
    new Writable({
      write(chunk, _enc, cb) {
        bytes += chunk.length;
        cb();
      },
    });
  const code = await run(args, { stdout: sink(), stderr: sink(), stdin: Readable.from([]), env: { NO_COLOR: '1' } });
  if (code !== 0) throw new Error(`xtrace ${args.join(' ')} exited ${code}`);
  return bytes;
}

/** The library read alone in a fresh process (same start-up and JIT warm-up costs as the spawned CLI). */
function libraryChildScript(kind, path) {
  const read =
    kind === '.ss'
      ? `const ss = await import(${JSON.stringify(import.meta.resolve('@x/seastreamer-file/node'))}); const r = await ss.openSeaStreamerFile(${JSON.stringify(path)}); for (let b = await r.nextBatch(); b !== null; b = await r.nextBatch()); await r.close();`
      : `const moq = await import(${JSON.stringify(import.meta.resolve('@x/moqtrace'))}); const s = await openFileSource(${JSON.stringify(path)}); const r = await moq.openTraceReader(s); for (let b = await r.nextBatch(); b !== null; b = await r.nextBatch()); await s.close();`;
  return `const { openFileSource } = await import(${JSON.stringify(import.meta.resolve('@x/binary/node'))}); ${read}`;
}

function line(label, ms, mb, baseMs) {
  const ratio = ms / baseMs;
  const verdict = ratio <= TARGET ? 'ok' : 'ABOVE TARGET';
  console.log(
    `${label.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms  ${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s  ratio ${ratio.toFixed(2)}x (target <= ${TARGET}x) ${verdict}`,
  );
}

try {
  // start-up
  const startup = [];
  const bare = [];
  for (let i = 0; i < Math.max(RUNS * 3, 11); i++) {
    startup.push((await spawnTimed([BIN, '--version'])).ms);
    bare.push((await spawnTimed(['-e', '0'])).ms);
  }
  console.log(
    `xtrace --version start-up: median ${median(startup).toFixed(1)} ms (bare node: ${median(bare).toFixed(1)} ms, CLI adds ${(median(startup) - median(bare)).toFixed(1)} ms)`,
  );

  for (const [kind, pick, libRead] of [
    ['.ss', ssFile, libraryReadSs],
    ['.moqtrace', moqFile, libraryReadMoq],
  ]) {
    const { path, note } = pick();
    const mb = statSync(path).size / 1e6;
    console.log(`\n${kind}: ${note}, ${mb.toFixed(2)} MB`);
    const lib = await measure(() => libRead(path));
    console.log(
      `${'library read alone (in process)'.padEnd(52)} ${lib.toFixed(1).padStart(8)} ms  ${(mb / (lib / 1000)).toFixed(1).padStart(7)} MB/s`,
    );
    const commands = [
      ['cat', path, '--format', 'ndjson', '--payload', 'none'],
      ['validate', path],
    ];
    for (const args of commands) {
      const cli = await measure(() => runInProcess(args));
      line(`xtrace ${args[0]}${args[0] === 'cat' ? ' --format ndjson --payload none' : ''} (in process)`, cli, mb, lib);
    }
    const script = join(tmp, `lib-${kind.slice(1)}.mjs`);
    writeFileSync(script, libraryChildScript(kind, path));
    const libChild = await measure(async () => {
      const r = await spawnTimed([script]);
      if (r.code !== 0) throw new Error(`library child exited ${r.code}`);
    });
    console.log(
      `${'library read alone (fresh process)'.padEnd(52)} ${libChild.toFixed(1).padStart(8)} ms  ${(mb / (libChild / 1000)).toFixed(1).padStart(7)} MB/s`,
    );
    for (const args of commands) {
      const cli = await measure(async () => {
        const r = await spawnTimed([BIN, ...args]);
        if (r.code !== 0) throw new Error(`xtrace ${args.join(' ')} exited ${r.code}`);
      });
      line(
        `xtrace ${args[0]}${args[0] === 'cat' ? ' --format ndjson --payload none' : ''} (spawned)`,
        cli,
        mb,
        libChild,
      );
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
