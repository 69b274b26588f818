// Import benchmark: readQlog and the streaming reader on the export of the 100k-event fixture, against a
// baseline measured in the same run: splitting the same JSON-SEQ text on RS and JSON.parse of each record.
// With @streamparser/json installed (npm install @streamparser/json@0.0.26 in this folder or above), its
// streaming parser over the contained export is measured too (the evaluation recorded in the README).
import { fromBytes } from '@x/binary';
import { openQlogReader, readQlog, writeQlog } from '../dist/index.js';
import { loadTrace, measure, report } from './common.mjs';

const { trace, source } = loadTrace();
const sqlog = writeQlog({ segments: trace.segments });
const qlog = writeQlog({ segments: trace.segments }, { format: 'contained' });
const expected = trace.events.length;
const decoder = new TextDecoder();
let sink = 0;
let streamparser;
try {
  streamparser = await import('@streamparser/json');
} catch {
  streamparser = undefined;
}

const tasks = [
  [
    'baseline: decode + split on RS + JSON.parse per record',
    () => {
      const parts = decoder.decode(sqlog).split('\u001e');
      for (let i = 1; i < parts.length; i++) sink += JSON.parse(parts[i]).time;
    },
  ],
  [
    'readQlog (JSON-SEQ, whole buffer)',
    () => {
      const n = readQlog(sqlog).events.length;
      if (n !== expected) throw new Error(`read ${n}`);
    },
  ],
  [
    'openQlogReader (JSON-SEQ, 64 KiB chunks, nextBatch)',
    async () => {
      const reader = await openQlogReader(fromBytes(sqlog, { chunkSize: 65536 }));
      let n = 0;
      for (let batch = await reader.nextBatch(); batch; batch = await reader.nextBatch()) n += batch.length;
      if (n !== expected) throw new Error(`streamed ${n}`);
    },
  ],
  [
    'openQlogReader (contained JSON, 64 KiB chunks, nextBatch)',
    async () => {
      const reader = await openQlogReader(fromBytes(qlog, { chunkSize: 65536 }));
      let n = 0;
      for (let batch = await reader.nextBatch(); batch; batch = await reader.nextBatch()) n += batch.length;
      if (n !== expected) throw new Error(`streamed ${n}`);
    },
  ],
];
if (streamparser) {
  tasks.push([
    '@streamparser/json over the contained file (values only)',
    () => {
      const parser = new streamparser.JSONParser({ paths: ['$.traces.*.events.*'], keepStack: false });
      let n = 0;
      parser.onValue = () => n++;
      for (let at = 0; at < qlog.length; at += 65536) parser.write(qlog.subarray(at, at + 65536));
      parser.end();
      sink += n;
    },
  ]);
}
const results = await measure(tasks, { rounds: 3, iterations: 6 });
report(
  `import benchmark — export of ${source}: ${expected} events, JSON-SEQ ${(sqlog.length / 1e6).toFixed(1)} MB (median of 3 rounds of p50)`,
  results,
  expected,
);
if (!streamparser) console.log('  (@streamparser/json not installed: its comparison is skipped)');
if (sink < 0) console.log(sink);
