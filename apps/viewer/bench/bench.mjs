#!/usr/bin/env node
// Viewer benchmarks in headless Chromium against the built app (run `pnpm run build` first):
// time from file drop to the first table rows and to fully loaded, for a 100k-event and a 1M-event trace and a
// 100 MB .ss recording (written with the libraries' writers to os.tmpdir()), and scroll frame times.
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceWriter } from '@x/moqtrace';
import { createWriter } from '@x/seastreamer-file';
import { chromium } from 'playwright-core';
import { preview } from 'vite';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(join(root, 'dist/index.html'))) {
  console.error('bench: build the viewer first (pnpm run build)');
  process.exit(1);
}

function fileSink(path) {
  const fd = openSync(path, 'w');
  let position = 0;
  return {
    write(chunk) {
      writeSync(fd, chunk, 0, chunk.length, position);
      position += chunk.length;
    },
    patch(at, bytes) {
      writeSync(fd, bytes, 0, bytes.length, at);
    },
    close() {
      closeSync(fd);
    },
  };
}

async function makeTrace(path, count) {
  if (existsSync(path)) return;
  const writer = new TraceWriter(fileSink(path), {
    header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'headers+sizes', startTime: 1767268800000 },
  });
  let sid = 3n;
  let n = 0;
  const write = async (event) => {
    const pending = writer.write({ seq: n, timestamp: n * 50, ...event });
    n++;
    if (pending) await pending;
  };
  await write({
    type: 'control',
    direction: 0,
    messageType: 3,
    message: { type: 'subscribe', request_id: 0, track_namespace: ['b'], track_name: 'v' },
    streamId: 0n,
  });
  await write({
    type: 'control',
    direction: 1,
    messageType: 4,
    message: { type: 'subscribe_ok', request_id: 0, track_alias: 1 },
    streamId: 0n,
  });
  let g = 0n;
  while (n < count - 3) {
    await write({ type: 'stream-opened', streamId: sid, direction: 1, streamType: 0, trackAlias: 1n, subgroupId: 0n });
    for (let o = 0n; o < 20n && n < count - 3; o++) {
      await write({
        type: 'object-header',
        streamId: sid,
        groupId: g,
        objectId: o,
        publisherPriority: 128,
        objectStatus: 0,
      });
      await write({ type: 'object-payload', streamId: sid, groupId: g, objectId: o, size: 1000 + Number(o) });
    }
    await write({ type: 'stream-closed', streamId: sid, errorCode: 0 });
    sid += 4n;
    g++;
  }
  await writer.close();
}

async function makeSs(path, bytes) {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  const writer = createWriter(fileSink(path), {
    fileName: 'bench.ss',
    beaconInterval: 1 << 20,
    createdAt: 1767268800000,
  });
  const payload = new Uint8Array(1000);
  for (let i = 0; i < payload.length; i++) payload[i] = 32 + (i % 90);
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    writer.write({ streamKey: `stream-${i % 8}`, shardId: i % 3, seqNo: i, timestamp: 1767268800000 + i, payload });
    written += 1000 + 32 + 9;
  }
  await writer.end({ eos: true });
}

const dir = tmpdir();
const files = [
  {
    label: '100k-event trace',
    path: join(dir, 'xtrace-bench-100k.moqtrace'),
    make: (p) => makeTrace(p, 100_000),
    target: 1000,
    table: 'event-table',
  },
  {
    label: '1M-event trace',
    path: join(dir, 'xtrace-bench-1m.moqtrace'),
    make: (p) => makeTrace(p, 1_000_000),
    target: 5000,
    table: 'event-table',
  },
  {
    label: '100 MB .ss',
    path: join(dir, 'xtrace-bench-100mb.ss'),
    make: (p) => makeSs(p, 100 * 1024 * 1024),
    target: null,
    table: 'message-table',
  },
];
for (const f of files) {
  const t = performance.now();
  await f.make(f.path);
  console.log(
    `prepared ${f.label}: ${(statSync(f.path).size / 1048576).toFixed(1)} MiB (${(performance.now() - t).toFixed(0)} ms)`,
  );
}

const server = await preview({ root, logLevel: 'silent', preview: { host: '127.0.0.1', port: 0 } });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    '--disable-quic',
  ],
});
const results = [];
const ok = (value, target) => (target === null ? '' : value <= target ? ' ✓' : ' ✗');
try {
  for (const f of files) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    const t0 = performance.now();
    await page.setInputFiles('[data-testid="file-input"]', f.path);
    await page.waitForSelector(`[data-testid="${f.table}"] .vrow[data-row="0"]`, { timeout: 120_000 });
    const firstWall = performance.now() - t0;
    await page.waitForSelector('[data-testid="file-view"][data-done="true"]', { timeout: 300_000 });
    const loadWall = performance.now() - t0;
    const inPage = await page.$eval('[data-testid="file-view"]', (el) => ({
      first: Number(el.getAttribute('data-first-rows-ms')),
      load: Number(el.getAttribute('data-load-ms')),
      rows: el.querySelector('[data-testid="row-count"]')?.textContent,
    }));
    await page.waitForTimeout(500); // let the last render and GC after loading settle
    // Scroll the table for ~2 s, one step per frame, and record frame intervals.
    const frames = await page.$eval(`[data-testid="${f.table}"] .vtable-body`, async (body) => {
      const deltas = [];
      let last = performance.now();
      const end = last + 2000;
      await new Promise((resolve) => {
        const step = () => {
          const now = performance.now();
          deltas.push(now - last);
          last = now;
          body.scrollTop += 900;
          if (now < end) requestAnimationFrame(step);
          else resolve();
        };
        requestAnimationFrame(step);
      });
      return deltas.slice(1);
    });
    frames.sort((a, b) => a - b);
    const maxFrame = frames.at(-1) ?? 0;
    const p95 = frames[Math.floor(frames.length * 0.95)] ?? 0;
    results.push({ f, firstWall, loadWall, inPage, maxFrame, p95, frames: frames.length });
    await page.close();
  }
} finally {
  await browser.close();
  server.httpServer.close();
}

console.log('\nviewer benchmarks (headless Chromium, built app)');
for (const r of results) {
  console.log(`\n${r.f.label} (${r.inPage.rows} rows)`);
  console.log(
    `  first rows   ${r.inPage.first.toFixed(0)} ms in page (drop → rows), ${r.firstWall.toFixed(0)} ms wall${ok(r.inPage.first, 300)}  target < 300 ms`,
  );
  console.log(
    `  fully loaded ${r.inPage.load.toFixed(0)} ms in page, ${r.loadWall.toFixed(0)} ms wall${ok(r.inPage.load, r.f.target)}${r.f.target ? `  target < ${r.f.target} ms` : ''}`,
  );
  console.log(
    `  scrolling    ${r.frames} frames, p95 ${r.p95.toFixed(1)} ms, max ${r.maxFrame.toFixed(1)} ms${ok(r.maxFrame, 50)}  target: no frame over 50 ms`,
  );
}
