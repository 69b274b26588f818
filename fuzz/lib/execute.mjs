// Running one case: the target with a timer per path, the bounds on time and memory, the scaling check of
// amplified inputs, and saving a finding.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Finding } from './check.mjs';
import { Random } from './random.mjs';

const MiB = 1024 * 1024;
const EXTENSIONS = {
  trace: 'moqtrace',
  ss: 'ss',
  cbor: 'cbor',
  traceNdjson: 'ndjson',
  ssNdjson: 'ndjson',
  qlog: 'sqlog',
};

/** The time bound of a case: generous and linear in the input size (scaled by `--slow-factor`). */
export function timeLimitMs(size, factor) {
  return factor * (5000 + size * 0.02);
}

/** The allocation bound of a case: a constant plus a multiple of the input size. */
export function memoryLimit(size) {
  return 96 * MiB + 1536 * size;
}

export function heap() {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Runs a target once on `bytes` (`chunkSize`: every streaming read in pieces of that size); returns
 * `{ outcome, timings, ms, finding? }`.
 */
export async function runOnce(target, bytes, runSeed, family, { chunkSize } = {}) {
  const timings = {};
  const time = (name, fn) => {
    // Garbage of the paths before is not this path's time (the worker runs with --expose-gc).
    globalThis.gc?.();
    const t0 = performance.now();
    const add = () => {
      timings[name] = (timings[name] ?? 0) + performance.now() - t0;
    };
    const r = fn();
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') {
      return r.then(
        (v) => {
          add();
          return v;
        },
        (e) => {
          add();
          throw e;
        },
      );
    }
    add();
    return r;
  };
  const t0 = performance.now();
  try {
    const outcome = await target.run(bytes, new Random(runSeed, { chunkSize }), time, { family });
    return { outcome: String(outcome), timings, ms: performance.now() - t0 };
  } catch (error) {
    const finding =
      error instanceof Finding
        ? error
        : new Finding(
            'harness-error',
            target.name,
            error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            error,
          );
    return { outcome: 'finding', timings, ms: performance.now() - t0, finding };
  }
}

/** Saves a finding's input and what is known about it; returns the input's path. */
export function saveFinding(dir, entry) {
  mkdirSync(dir, { recursive: true });
  const base = `${entry.target}-${entry.kind}-${entry.seed}-${entry.index}`;
  const input = join(dir, `${base}.${EXTENSIONS[entry.family] ?? 'bin'}`);
  writeFileSync(input, entry.bytes);
  const { bytes: _bytes, ...meta } = entry;
  writeFileSync(join(dir, `${base}.json`), `${JSON.stringify({ ...meta, input }, null, 2)}\n`);
  return input;
}

/** Checks that an amplified input's time grows linearly: `count` copies against `count / 4`. */
export async function checkScaling(c, first, runSeed) {
  const paths = Object.entries(first.timings).filter(([, ms]) => ms >= 100);
  if (paths.length === 0) return undefined;
  const quarter = c.amplified.build(Math.max(1, Math.floor(c.amplified.count / 4)));
  const measure = async (bytes) => (await runOnce(c.target, bytes, runSeed, c.family)).timings;
  let small = await measure(quarter);
  let large = first.timings;
  for (let round = 0; round < 3; round++) {
    const slow = paths.filter(([name]) => (large[name] ?? 0) > 10 * (small[name] ?? 0) + 200);
    if (slow.length === 0) return undefined;
    if (round === 2) {
      const [name] = slow[0];
      return new Finding(
        'superlinear',
        `${c.target.name} ${name}`,
        `${Math.round(large[name])} ms for ${c.bytes.length} bytes, ${Math.round(small[name])} ms for ${quarter.length} (linear: about 4×)`,
      );
    }
    // Confirm with fresh measurements (the best of each), so a busy moment is not a finding.
    const [s2, l2] = [await measure(quarter), await measure(c.bytes)];
    small = Object.fromEntries(Object.keys(small).map((k) => [k, Math.min(small[k], s2[k] ?? Infinity)]));
    large = Object.fromEntries(Object.keys(large).map((k) => [k, Math.min(large[k], l2[k] ?? Infinity)]));
  }
  return undefined;
}
