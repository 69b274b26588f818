// Read benchmark: the streaming reader vs bare cbor-x decodeMultiple (callback) over the same event region.
// Run after `npx tsc -b`: node bench/read.bench.mjs
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromBytes } from '@x/binary';
import { Decoder } from 'cbor-x';
import { Bench } from 'tinybench';
import { encodeTrace, peekHeaderSync, readTrace, streamTrace } from '../dist/index.js';

const fixturesRoot =
  process.env.X_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const fixture = `${fixturesRoot}/moqtrace/events-100k-headers-sizes.moqtrace`;

function generate() {
  const events = [];
  let seq = 0;
  for (let s = 0; events.length < 100_000; s++) {
    const sid = BigInt(4 * s + 3);
    events.push({ type: 'stream-opened', seq: seq++, timestamp: seq * 10, streamId: sid, direction: 1, streamType: 0 });
    for (let o = 0; o < 30 && events.length < 99_999; o++) {
      events.push({
        type: 'object-header',
        seq: seq++,
        timestamp: seq * 10,
        streamId: sid,
        groupId: BigInt(s),
        objectId: BigInt(o),
        publisherPriority: 128,
        objectStatus: 0,
      });
      events.push({
        type: 'object-payload',
        seq: seq++,
        timestamp: seq * 10,
        streamId: sid,
        groupId: BigInt(s),
        objectId: BigInt(o),
        size: 1000 + o,
      });
    }
    events.push({ type: 'stream-closed', seq: seq++, timestamp: seq * 10, streamId: sid, errorCode: 0 });
  }
  return encodeTrace({
    header: {
      protocol: 'moq-transport-14',
      perspective: 'observer',
      detail: 'headers+sizes',
      startTime: 1_700_000_000_000,
    },
    events: events.slice(0, 100_000),
  });
}

const source = existsSync(fixture) ? 'events-100k-headers-sizes fixture' : 'generated equivalent (fixture absent)';
const bytes = existsSync(fixture) ? new Uint8Array(readFileSync(fixture)) : generate();
const { eventsOffset } = peekHeaderSync(bytes);
const region = bytes.subarray(eventsOffset);
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
const expected = readTrace(bytes).events.length;

let sink = 0;
const ROUNDS = 3;
const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: 0, iterations: 15, warmup: true, warmupIterations: 3, warmupTime: 0 });
  bench
    .add('floor: cbor-x decodeMultiple(callback)', () => {
      let n = 0;
      decoder.decodeMultiple(region, () => {
        n++;
      });
      if (n !== expected) throw new Error(`floor decoded ${n}`);
      sink += n;
    })
    .add('moqtrace streamTrace (64 KiB chunks, callback)', async () => {
      let n = 0;
      await streamTrace(fromBytes(bytes, { chunkSize: 64 * 1024 }), {
        event() {
          n++;
        },
      });
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

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const names = [...results.keys()];
const floor = median(results.get(names[0]));
console.log(
  `read benchmark — ${source}: ${expected} events, ${(bytes.length / 1e6).toFixed(2)} MB (median of ${ROUNDS} rounds of p50)`,
);
for (const name of names) {
  const ms = median(results.get(name));
  console.log(
    `  ${name.padEnd(52)} ${ms.toFixed(2).padStart(8)} ms  ${(((expected / ms) * 1000) / 1e6).toFixed(2)} M events/s  ${(ms / floor).toFixed(2)}x floor`,
  );
}
const ratio = median(results.get(names[1])) / floor;
console.log(`  streaming reader / floor = ${ratio.toFixed(2)}x (target <= 1.10x; reference JS reader: 1.46x)`);
if (sink < 0) console.log(sink);
