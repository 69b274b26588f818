// Recorder benchmark: the cost per event of recording into a full ring of 200 000 events against a ring of 1 000,
// the same-run ratio that says whether eviction is O(1) (about 1) or grows with the ring (an array shift per event
// would make it about 200). This check was a timing ratio in the tests (`large/small < 30`); speed lives here now.
// Run after `npx tsc -b`: node bench/recorder.bench.mjs
import { loadavg } from 'node:os';
import { createRecorder } from '../dist/index.js';

const header = { protocol: 'moq-transport-14', perspective: 'client', source: 'bench' };
const EVENTS = 600_000;

/** ns per event recording `EVENTS` events into a ring of `maxEvents` (filled first, so every event evicts one). */
function perEvent(maxEvents) {
  const recorder = createRecorder({ header, detail: 'headers', maxEvents });
  for (let i = 0; i < maxEvents; i++) recorder.record({ type: 'stream-closed', streamId: 1n, errorCode: i & 0xff });
  const started = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) recorder.record({ type: 'stream-closed', streamId: 1n, errorCode: i & 0xff });
  const ns = Number(process.hrtime.bigint() - started) / EVENTS;
  if (recorder.snapshot().events.length !== maxEvents) throw new Error('the ring lost events');
  return ns;
}

const small = [];
const large = [];
for (let round = 0; round < 5; round++) {
  small.push(perEvent(1_000));
  large.push(perEvent(200_000));
}
const min = (xs) => Math.min(...xs);
console.log(`recorder ring (${EVENTS} events into a full ring, best of 5; load ${loadavg()[0].toFixed(2)})`);
console.log(`  ring of 1 000:     ${min(small).toFixed(0)} ns/event`);
console.log(`  ring of 200 000:   ${min(large).toFixed(0)} ns/event`);
console.log(`  ratio large/small: ${(min(large) / min(small)).toFixed(2)} (O(1) eviction: about 1)`);
