// Export benchmark: writeQlog and the streaming writer on the 100k-event fixture, against a baseline measured in
// the same run: JSON.stringify of the canonical renderings of the same events (what `xtrace cat` prints).
import { createMemorySink } from '@x/binary';
import { renderEvent } from '@x/moqtrace/ndjson';
import { createQlogWriter, writeQlog } from '../dist/index.js';
import { loadTrace, measure, report } from './common.mjs';

const { trace, source } = loadTrace();
const events = trace.events;
let sink = 0;
const results = await measure([
  [
    'baseline: JSON.stringify(renderEvent(e)) per event',
    () => {
      let text = '';
      for (const event of events) text += `${JSON.stringify(renderEvent(event))}\n`;
      sink += text.length;
    },
  ],
  ['writeQlog (JSON-SEQ, whole trace to bytes)', () => (sink += writeQlog({ segments: trace.segments }).length)],
  [
    'writeQlog (contained JSON)',
    () => (sink += writeQlog({ segments: trace.segments }, { format: 'contained' }).length),
  ],
  [
    'createQlogWriter over a memory sink (64 KiB flushes)',
    async () => {
      const memory = createMemorySink();
      const writer = createQlogWriter(memory, { header: trace.segments[0].header });
      for (const event of events) writer.write(event);
      await writer.close();
      sink += memory.size;
    },
  ],
]);
report(`export benchmark — ${source}: ${events.length} events (median of 3 rounds of p50)`, results, events.length);
if (sink < 0) console.log(sink);
