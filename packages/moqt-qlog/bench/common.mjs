// Shared by the benchmarks: the 100k-event fixture (or a generated equivalent), median-of-rounds timing.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTrace, writeTrace } from '@x/moqtrace';
import { Bench } from 'tinybench';

const fixturesRoot =
  process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const fixture = `${fixturesRoot}/moqtrace/events-100k-headers-sizes.moqtrace`;

function generate() {
  const events = [];
  let seq = 0;
  for (let s = 0; events.length < 100_000; s++) {
    const sid = BigInt(4 * s + 3);
    events.push({ type: 'stream-opened', seq: seq++, timestamp: seq * 10, streamId: sid, direction: 1, streamType: 0 });
    for (let o = 0; o < 30; o++) {
      const ids = { streamId: sid, groupId: BigInt(s), objectId: BigInt(o) };
      events.push({
        type: 'object-header',
        seq: seq++,
        timestamp: seq * 10,
        ...ids,
        publisherPriority: 128,
        objectStatus: 0,
      });
      events.push({ type: 'object-payload', seq: seq++, timestamp: seq * 10, ...ids, size: 1000 + o });
    }
    events.push({ type: 'stream-closed', seq: seq++, timestamp: seq * 10, streamId: sid, errorCode: 0 });
  }
  const header = {
    protocol: 'moq-transport-14',
    perspective: 'observer',
    detail: 'headers+sizes',
    startTime: 1_700_000_000_000,
  };
  return writeTrace({ header, events: events.slice(0, 100_000) });
}

/** The 100k-event trace (its segments and events) and where it came from. */
export function loadTrace() {
  const present = existsSync(fixture);
  const trace = readTrace(present ? new Uint8Array(readFileSync(fixture)) : generate());
  return { trace, source: present ? 'events-100k-headers-sizes fixture' : 'generated equivalent (fixture absent)' };
}

/** Runs the tasks for `rounds` rounds and returns the median p50 (ms) of each. */
export async function measure(tasks, { rounds = 3, iterations = 8 } = {}) {
  const results = new Map();
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: 0, iterations, warmup: true, warmupIterations: 2, warmupTime: 0 });
    for (const [name, fn] of tasks) bench.add(name, fn);
    await bench.run();
    for (const task of bench.tasks) {
      const list = results.get(task.name) ?? [];
      list.push(task.result.latency.p50);
      results.set(task.name, list);
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return new Map([...results].map(([name, list]) => [name, median(list)]));
}

/** Prints one line per task with ms, events/s and the ratio to the baseline (the first task). */
export function report(title, results, events) {
  const names = [...results.keys()];
  const baseline = results.get(names[0]);
  console.log(title);
  for (const name of names) {
    const ms = results.get(name);
    console.log(
      `  ${name.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms  ${(((events / ms) * 1000) / 1e6).toFixed(2)} M events/s  ${(ms / baseline).toFixed(2)}x baseline`,
    );
  }
}
