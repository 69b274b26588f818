// Read benchmark: the streaming reader (nextBatch) and readTrace vs bare cbor-x decodeMultiple (callback) over the
// same event bytes, on the 100k-event v1 fixture and the 200k-event v2 fixture (4 segments: the floor decodes each
// segment's event region). readTrace keeps every event, so it is also compared with cbor-x keeping every value
// (the cost of retaining 100k-200k objects). Run after `npx tsc -b`: node bench/read.bench.mjs
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fromBytes } from '@x/binary';
import { Decoder } from 'cbor-x';
import { Bench } from 'tinybench';
import { openTraceReader, readTrace, writeTrace } from '../dist/index.js';

const fixturesRoot =
  process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));

function generate() {
  const events = [];
  let seq = 0;
  for (let s = 0; events.length < 100_000; s++) {
    const sid = BigInt(4 * s + 3);
    events.push({ type: 'stream-opened', seq: seq++, timestamp: seq * 10, streamId: sid, direction: 1, streamType: 0 });
    for (let o = 0; o < 30 && events.length < 99_999; o++) {
      const base = { seq: seq++, timestamp: seq * 10, streamId: sid, groupId: BigInt(s), objectId: BigInt(o) };
      events.push({ ...base, type: 'object-header', publisherPriority: 128, objectStatus: 0 });
      events.push({ ...base, seq: seq++, type: 'object-payload', size: 1000 + o });
    }
    events.push({ type: 'stream-closed', seq: seq++, timestamp: seq * 10, streamId: sid, errorCode: 0 });
  }
  return writeTrace({
    header: { protocol: 'moq-transport-14', perspective: 'observer', detail: 'headers+sizes', startTime: 1.7e12 },
    events: events.slice(0, 100_000),
  });
}

function load(name) {
  const path = `${fixturesRoot}/${name}.moqtrace`;
  return existsSync(path) ? { bytes: new Uint8Array(readFileSync(path)), source: name } : undefined;
}

const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ROUNDS = 3;
let sink = 0;

async function run({ bytes, source }) {
  const whole = readTrace(bytes);
  const expected = whole.events.length;
  // The event regions: from each segment's first event to the next segment (or the end).
  const regions = whole.segments.map((s, i) =>
    bytes.subarray(s.eventsOffset, whole.segments[i + 1]?.offset ?? bytes.length),
  );
  const results = new Map();
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: 0, iterations: 15, warmup: true, warmupIterations: 3, warmupTime: 0 });
    bench
      .add('floor: cbor-x decodeMultiple(callback)', () => {
        let n = 0;
        for (const region of regions) {
          decoder.decodeMultiple(region, () => {
            n++;
          });
        }
        if (n !== expected) throw new Error(`floor decoded ${n}`);
        sink += n;
      })
      .add('reference: cbor-x decodeMultiple keeping every value', () => {
        const kept = [];
        for (const region of regions) {
          decoder.decodeMultiple(region, (value) => {
            kept.push(value);
          });
        }
        sink += kept.length;
      })
      .add('moqtrace openTraceReader nextBatch (64 KiB chunks)', async () => {
        const reader = await openTraceReader(fromBytes(bytes, { chunkSize: 64 * 1024 }));
        let n = 0;
        for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) n += batch.length;
        if (n !== expected) throw new Error(`streamed ${n}`);
        sink += n;
      })
      .add('moqtrace readTrace (whole buffer, keeps all events)', () => {
        sink += readTrace(bytes).events.length;
      });
    await bench.run();
    for (const task of bench.tasks) {
      const list = results.get(task.name) ?? [];
      list.push(task.result.latency.p50);
      results.set(task.name, list);
    }
  }
  const names = [...results.keys()];
  const floor = median(results.get(names[0]));
  console.log(
    `read benchmark — ${source}: ${expected} events in ${whole.segments.length} segment(s), ${(bytes.length / 1e6).toFixed(2)} MB (median of ${ROUNDS} rounds of p50)`,
  );
  for (const name of names) {
    const ms = median(results.get(name));
    console.log(
      `  ${name.padEnd(52)} ${ms.toFixed(2).padStart(8)} ms  ${(((expected / ms) * 1000) / 1e6).toFixed(2)} M events/s  ${(ms / floor).toFixed(2)}x floor`,
    );
  }
  const keepAll = median(results.get(names[1]));
  const wholeMs = median(results.get(names[3]));
  console.log(
    `  streaming reader / floor = ${(median(results.get(names[2])) / floor).toFixed(2)}x, readTrace / floor = ${(wholeMs / floor).toFixed(2)}x (target <= 1.10x); readTrace / cbor-x keeping every value = ${(wholeMs / keepAll).toFixed(2)}x`,
  );
}

console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await run(
  load('moqtrace/events-100k-headers-sizes') ?? { bytes: generate(), source: 'generated 100k (fixture absent)' },
);
const v2 = load('moqtrace-v2/v2-large-200k-4seg');
if (v2) await run(v2);
else console.log('read benchmark — v2-large-200k-4seg fixture absent: skipped');
console.log(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (sink < 0) console.log(sink);
