import { readFileSync } from 'node:fs';
import { fromBytes } from '@x/binary';
import { Decoder } from 'cbor-x';
import { openTraceReader, readTrace } from '../dist/index.js';
import { TraceParser } from '../dist/reader/parser.js';

const bytes = new Uint8Array(readFileSync(process.argv[2]));
const whole = readTrace(bytes);
const regions = whole.segments.map((s, i) =>
  bytes.subarray(s.eventsOffset, whole.segments[i + 1]?.offset ?? bytes.length),
);
const dec = new Decoder({ useRecords: false, mapsAsObjects: true });
const time = async (fn, n = 15) => {
  const t = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(n / 2)];
};
for (let r = 0; r < 3; r++) {
  const floor = await time(() => {
    let n = 0;
    for (const g of regions)
      dec.decodeMultiple(g, () => {
        n++;
      });
  });
  const parser = await time(() => {
    const p = new TraceParser();
    let n = 0;
    const sink = {
      segment() {},
      event() {
        n++;
      },
      problem() {},
    };
    for (let at = 0; at < bytes.length; at += 65536) {
      p.push(bytes.subarray(at, at + 65536));
      p.run(sink);
    }
    p.end();
    p.run(sink);
  });
  const parser1 = await time(() => {
    const p = new TraceParser();
    let n = 0;
    const sink = {
      segment() {},
      event() {
        n++;
      },
      problem() {},
    };
    p.push(bytes);
    p.end();
    p.run(sink);
  });
  const stream = await time(async () => {
    const rd = await openTraceReader(fromBytes(bytes, { chunkSize: 65536 }));
    let n = 0;
    for (let b = await rd.nextBatch(); b; b = await rd.nextBatch()) n += b.length;
  });
  console.log(
    `floor ${floor.toFixed(1)} parser64k ${(parser / floor).toFixed(2)}x parser1 ${(parser1 / floor).toFixed(2)}x reader ${(stream / floor).toFixed(2)}x`,
  );
}
