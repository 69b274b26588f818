// Peak RSS of importing a large generated contained-JSON qlog file (written by the streaming writer) with the
// streaming reader, in a child process, next to JSON.parse of the same file as a whole (the memory a
// non-streaming import needs). The file is deleted afterwards. QLOG_RSS_EVENTS sets the size (default 1.5M).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createQlogFileWriter } from '../dist/node/index.js';

const EVENTS = Number(process.env.QLOG_RSS_EVENTS ?? 1_500_000);
const dir = mkdtempSync(join(tmpdir(), 'qlog-rss-'));
const path = join(dir, 'large.qlog');
try {
  const header = {
    protocol: 'moq-transport-16',
    perspective: 'observer',
    detail: 'headers+data',
    startTime: 1_767_225_600_000,
  };
  const writer = await createQlogFileWriter(path, { header, format: 'contained' });
  const payload = new Uint8Array(32).map((_, i) => i);
  let seq = 0;
  for (let s = 0; seq < EVENTS; s++) {
    const streamId = BigInt(4 * s + 3);
    writer.write({ type: 'stream-opened', seq: seq++, timestamp: seq * 20, streamId, direction: 1, streamType: 0 });
    for (let o = 0; o < 50 && seq < EVENTS; o++) {
      const ids = { streamId, groupId: BigInt(s), objectId: BigInt(o) };
      writer.write({
        type: 'object-header',
        seq: seq++,
        timestamp: seq * 20,
        ...ids,
        publisherPriority: 1,
        objectStatus: 0,
      });
      const pending = writer.write({
        type: 'object-payload',
        seq: seq++,
        timestamp: seq * 20,
        ...ids,
        size: 32,
        payload,
      });
      if (pending) await pending;
    }
  }
  await writer.close();
  const size = statSync(path).size;
  const child = (mode) => {
    const run = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(new URL('./rss-child.mjs', import.meta.url)), mode, path],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
    return JSON.parse(run.stdout);
  };
  const stream = child('stream');
  const whole = child('whole');
  const mb = (b) => (b / 1024 / 1024).toFixed(1);
  console.log(`qlog import memory: contained JSON, ${(size / 1e6).toFixed(0)} MB, ${stream.events} .moqtrace events`);
  console.log(
    `  streaming reader : peak RSS ${mb(stream.peak - stream.baseline)} MB above baseline, ${(stream.ms / 1000).toFixed(1)} s (${(size / 1e3 / stream.ms).toFixed(0)} MB/s)`,
  );
  console.log(
    `  JSON.parse whole : peak RSS ${mb(whole.peak - whole.baseline)} MB above baseline (${whole.events} qlog events)`,
  );
  console.log(
    `  streaming / whole-file parse memory = ${((stream.peak - stream.baseline) / (whole.peak - whole.baseline)).toFixed(3)}x`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
