import { readFileSync } from 'node:fs';
import { fromBytes } from '@x/binary';
import { openTraceReader } from '../dist/index.js';

const bytes = new Uint8Array(readFileSync(process.argv[2]));
let n = 0;
for (let i = 0; i < 60; i++) {
  const rd = await openTraceReader(fromBytes(bytes, { chunkSize: 65536 }));
  for (let b = await rd.nextBatch(); b; b = await rd.nextBatch()) n += b.length;
}
console.log(n);
