// Benchmarks of `xtrace export` and `xtrace query`, as same-run ratios against `xtrace validate` on the same file
// (each a fresh process, median of BENCH_RUNS): export of a 1M-event trace and of the 20 MB .ss to Parquet (target
// <= 3x validate), `query "select count(*) from events"` on the 1M-event trace (target <= 4x), and the size of the
// Parquet tables against the NDJSON of `xtrace cat --format ndjson` (target <= 0.5x); also a group-by query that
// reads no `fields`, and `count(*)` with every column read (no projection pushdown). Run after `pnpm build`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTrace } from '@x/moqtrace';

const BIN = fileURLToPath(new URL('../bin/xtrace.js', import.meta.url));
const FIXTURES = process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const tmp = mkdtempSync(join(tmpdir(), 'xtrace-analytics-bench-'));
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

function timed(args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    child.stdout.on('data', (c) => {
      bytes += c.length;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, bytes }));
  });
}

async function measure(args) {
  const times = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    last = await timed(args);
    times.push(last.ms);
  }
  return { ms: median(times), ...last };
}

function trace1m() {
  const path = join(tmp, 'events-1m.moqtrace');
  const events = [];
  let seq = 0;
  for (let s = 0; events.length < 1_000_000; s++) {
    const sid = BigInt(4 * s + 3);
    if (s % 10 === 0) {
      events.push({
        type: 'control',
        seq: seq++,
        timestamp: seq * 10,
        direction: 0,
        messageType: 3,
        message: { type: 'subscribe', request_id: s, track_namespace: ['live'], track_name: `video${s % 7}` },
      });
    }
    events.push({
      type: 'stream-opened',
      seq: seq++,
      timestamp: seq * 10,
      streamId: sid,
      direction: 1,
      streamType: 0,
      trackAlias: BigInt(s % 7),
    });
    for (let o = 0; o < 30 && events.length < 999_999; o++) {
      const base = { seq: seq++, timestamp: seq * 10, streamId: sid, groupId: BigInt(s), objectId: BigInt(o) };
      events.push({ ...base, type: 'object-header', publisherPriority: 128, objectStatus: 0 });
      events.push({ ...base, seq: seq++, type: 'object-payload', size: 1000 + o });
    }
    events.push({ type: 'stream-closed', seq: seq++, timestamp: seq * 10, streamId: sid, errorCode: 0 });
  }
  writeFileSync(
    path,
    writeTrace({
      header: { protocol: 'moq-transport-14', perspective: 'observer', detail: 'headers+sizes', startTime: 1.7e12 },
      events: events.slice(0, 1_000_000),
    }),
  );
  return { path, note: 'generated 1M-event trace' };
}

function dirSize(dir) {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

const ss = join(FIXTURES, 'seastreamer', 'rs-20mb.ss');
const inputs = [trace1m(), ...(existsSync(ss) ? [{ path: ss, note: 'corpus rs-20mb.ss' }] : [])];
console.log(`xtrace export / query vs validate (fresh processes, median of ${RUNS})`);
let failed = false;
for (const { path, note } of inputs) {
  const size = statSync(path).size;
  const validate = await measure(['validate', path]);
  const out = join(tmp, 'out');
  const exported = await measure(['export', path, '-o', out, '--overwrite']);
  const ratio = exported.ms / validate.ms;
  const ndjson = await timed(['cat', '--format', 'ndjson', path]);
  const parquet = dirSize(out);
  const sizeRatio = parquet / ndjson.bytes;
  console.log(`  ${note} (${(size / 1e6).toFixed(1)} MB)`);
  console.log(`    validate                 ${validate.ms.toFixed(0).padStart(7)} ms`);
  console.log(
    `    export --to parquet      ${exported.ms.toFixed(0).padStart(7)} ms  ${ratio.toFixed(2)}x validate (target <= 3)`,
  );
  console.log(
    `    Parquet ${(parquet / 1e6).toFixed(1)} MB vs NDJSON ${(ndjson.bytes / 1e6).toFixed(1)} MB: ${sizeRatio.toFixed(2)}x (target <= 0.5)`,
  );
  if (path.endsWith('.moqtrace')) {
    const query = await measure(['query', 'select count(*) from events', path, '--format', 'csv']);
    const qRatio = query.ms / validate.ms;
    console.log(
      `    query count(*) events    ${query.ms.toFixed(0).padStart(7)} ms  ${qRatio.toFixed(2)}x validate (target <= 4)`,
    );
    if (qRatio > 4) failed = true;
    // Reads `type` only (no `fields`), and the same count with every column read (a `*`: no pruning).
    const grouped = await measure(['query', 'select type, count(*) from events group by 1', path, '--format', 'csv']);
    console.log(
      `    query type group by      ${grouped.ms.toFixed(0).padStart(7)} ms  ${(grouped.ms / validate.ms).toFixed(2)}x validate`,
    );
    const unpruned = await measure(['query', 'select * from (select count(*) from events)', path, '--format', 'csv']);
    console.log(
      `    query count(*), all read ${unpruned.ms.toFixed(0).padStart(7)} ms  ${(unpruned.ms / validate.ms).toFixed(2)}x validate (no pruning)`,
    );
  }
  if (ratio > 3 || sizeRatio > 0.5) failed = true;
  rmSync(out, { recursive: true, force: true });
}
rmSync(tmp, { recursive: true, force: true });
if (failed) console.log('  (a target was missed in this run)');
