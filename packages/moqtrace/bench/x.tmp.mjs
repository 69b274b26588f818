import { readFileSync } from 'node:fs';
import { Decoder } from 'cbor-x';
import { readTrace } from '../dist/index.js';

const file = process.argv[2];
const bytes = new Uint8Array(readFileSync(file));
const whole = readTrace(bytes);
const regions = whole.segments.map((s, i) =>
  bytes.subarray(s.eventsOffset, whole.segments[i + 1]?.offset ?? bytes.length),
);
const dec = new Decoder({ useRecords: false, mapsAsObjects: true });
const time = (fn, n = 15) => {
  const t = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(n / 2)];
};
for (let r = 0; r < 3; r++) {
  const floor = time(() => {
    let n = 0;
    for (const g of regions)
      dec.decodeMultiple(g, () => {
        n++;
      });
  });
  const keep = time(() => {
    const out = [];
    for (const g of regions)
      dec.decodeMultiple(g, (v) => {
        out.push(v);
      });
    return out;
  });
  const rt = time(() => readTrace(bytes));
  console.log(
    `floor ${floor.toFixed(1)} cborx-keep ${keep.toFixed(1)} (${(keep / floor).toFixed(2)}x) readTrace ${rt.toFixed(1)} (${(rt / floor).toFixed(2)}x, ${(rt / keep).toFixed(2)}x keep)`,
  );
}
