// Shared helpers of the benchmarks: corpus location, generated files, timing.
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSeaStreamerFileWriter } from '../dist/node/index.js';

export const fixturesRoot =
  process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
export const corpus20mb = join(fixturesRoot, 'seastreamer', 'rs-20mb.ss');
export const tempFiles = [];
process.on('exit', () => {
  for (const f of tempFiles) rmSync(f, { force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(130));
}

export function tempPath(name) {
  const path = join(tmpdir(), `seastreamer-bench-${process.pid}-${name}`);
  tempFiles.push(path);
  return path;
}

/** xorshift32 */
export function prng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const STREAMS = ['audit', 'blobs', 'events', 'logs', 'metrics', 'orders', 'quotes', 'trades'];

/**
 * Writes a file of about `targetBytes` with the package's writer: 8 streams, payloads of
 * `minPayload..maxPayload` bytes, interval 1 MiB. Resolves { path, size, messages }.
 */
export async function generateFile(name, targetBytes, minPayload, maxPayload, seed = 7) {
  const path = tempPath(name);
  const rand = prng(seed);
  const pool = new Uint8Array(maxPayload + 4096);
  for (let i = 0; i < pool.length; i++) pool[i] = 32 + Math.floor(rand() * 90);
  const writer = await createSeaStreamerFileWriter(path, {
    beaconInterval: 1 << 20,
    createdAt: 1700000000000,
    bufferSize: 1 << 20,
  });
  const seq = new Array(STREAMS.length).fill(0);
  let messages = 0;
  let timestamp = 1700000000000;
  while (writer.bytesWritten < targetBytes) {
    const s = Math.floor(rand() * STREAMS.length);
    const size = minPayload + Math.floor(rand() * (maxPayload - minPayload + 1));
    const start = Math.floor(rand() * 4096);
    writer.write({
      streamKey: STREAMS[s],
      shardId: 0n,
      seqNo: BigInt(++seq[s]),
      timestamp: BigInt(timestamp++),
      payload: pool.subarray(start, start + size),
    });
    messages++;
  }
  await writer.close({ eos: true, eosTimestamp: BigInt(timestamp) });
  return { path, size: writer.bytesWritten, messages: messages + 1 };
}

export function fileExists(path) {
  return existsSync(path);
}

/** Median of `runs` timed runs (after `warmup` untimed ones) of an async or sync function, in ms. */
export async function median(fn, runs = 7, warmup = 2) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
