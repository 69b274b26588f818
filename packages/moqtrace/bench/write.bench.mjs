// Write benchmark: 100k events through the streaming writer and writeTrace vs bare cbor-x encode per event.
// Run after `npx tsc -b`: node bench/write.bench.mjs
import { loadavg } from 'node:os';
import { Encoder } from 'cbor-x';
import { Bench } from 'tinybench';
import { createTraceWriter, writeTrace } from '../dist/index.js';

const header = {
  protocol: 'moq-transport-14',
  perspective: 'observer',
  detail: 'headers+sizes',
  startTime: 1_700_000_000_000,
};
const events = [];
const wire = [];
for (let seq = 0; events.length < 100_000; seq++) {
  const sid = BigInt(4 * Math.floor(seq / 61) + 3);
  const g = BigInt(Math.floor(seq / 61));
  const o = BigInt(seq % 61);
  if (seq % 2 === 0) {
    events.push({
      type: 'object-header',
      seq,
      timestamp: seq * 10,
      streamId: sid,
      groupId: g,
      objectId: o,
      publisherPriority: 128,
      objectStatus: 0,
    });
    wire.push({ n: seq, t: seq * 10, e: 3, sid: Number(sid), g: Number(g), o: Number(o), pp: 128, os: 0 });
  } else {
    events.push({
      type: 'object-payload',
      seq,
      timestamp: seq * 10,
      streamId: sid,
      groupId: g,
      objectId: o,
      size: 1000 + (seq % 500),
    });
    wire.push({ n: seq, t: seq * 10, e: 4, sid: Number(sid), g: Number(g), o: Number(o), sz: 1000 + (seq % 500) });
  }
}
const encoder = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  tagUint8Array: false,
  useTag259ForMaps: false,
  encodeUndefinedAsNil: true,
});

let sink = 0;
const ROUNDS = 3;
const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: 0, iterations: 15, warmup: true, warmupIterations: 3, warmupTime: 0 });
  bench
    .add('floor: cbor-x encode per event', () => {
      let bytes = 0;
      for (const item of wire) bytes += encoder.encode(item).length;
      sink += bytes;
    })
    .add('moqtrace streaming writer (write per event)', async () => {
      let bytes = 0;
      const writer = createTraceWriter({ write: (chunk) => void (bytes += chunk.length), close() {} }, { header });
      for (const event of events) {
        const pending = writer.write(event);
        if (pending) await pending;
      }
      await writer.close();
      sink += bytes;
    })
    .add('moqtrace writeTrace (whole trace)', () => {
      sink += writeTrace({ header, events }).length;
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
const size = writeTrace({ header, events }).length;
const floorSize = wire.reduce((sum, item) => sum + encoder.encode(item).length, 0);
console.log(
  `write benchmark — 100000 events (object header/payload pairs), median of ${ROUNDS} rounds of p50, load ${loadavg()[0].toFixed(2)}`,
);
for (const name of names) {
  const ms = median(results.get(name));
  console.log(
    `  ${name.padEnd(46)} ${ms.toFixed(2).padStart(8)} ms  ${(((1e5 / ms) * 1000) / 1e6).toFixed(2)} M events/s  ${(ms / floor).toFixed(2)}x floor`,
  );
}
console.log(`  output: ${size} bytes (cbor-x floor with wire keys and numbers: ${floorSize} bytes)`);
console.log(
  `  streaming writer / floor = ${(median(results.get(names[1])) / floor).toFixed(2)}x, writeTrace / floor = ${(median(results.get(names[2])) / floor).toFixed(2)}x (target <= 1.00x)`,
);
if (sink < 0) console.log(sink);
