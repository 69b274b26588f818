import { createSequenceDecoder, encodeSequence } from '../dist/index.js';
import { eventSchema, makeRecords } from './schema.mjs';

const { friendly } = makeRecords(100000);
const bytes = encodeSequence(eventSchema, friendly);
let s = 0;
for (let i = 0; i < 60; i++) {
  const dec = createSequenceDecoder(eventSchema);
  dec.push(bytes, (e) => {
    s += e.value.seq;
  });
  dec.end();
}
console.log(s);
