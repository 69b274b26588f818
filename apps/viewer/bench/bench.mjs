#!/usr/bin/env node
// Viewer benchmarks in headless Chromium against the built app (run `pnpm run build` first):
// time from file drop to the first table rows and to fully loaded, for a 100k-event and a 1M-event trace and a
// 100 MB .ss recording (written with the libraries' writers to os.tmpdir()), and scroll frame times.
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTraceWriter } from '@x/moqtrace';
import { createSeaStreamerFileWriter } from '@x/seastreamer-file/node';
import { preview } from 'vite';
import { launchChromium } from '../scripts/chromium.mjs';

const root = process.env.BENCH_ROOT ?? new URL('..', import.meta.url).pathname;
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
  const sink = fileSink(path);
  const writer = createTraceWriter(sink, {
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
  sink.close();
}

async function makeSs(path, bytes) {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  const writer = await createSeaStreamerFileWriter(path, {
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
  await writer.close({ eos: true });
}

// Scroll measurement: after loading (worker done, idle), PASSES passes of SCROLL_MS each; every animation frame
// moves the table body down by STEP px (about one screen of rows per frame: every visible row is new in every
// frame, the worst case for the renderer), and the interval between consecutive requestAnimationFrame callbacks
// is one frame's time. The first interval of a pass is dropped (it includes the time since the pass was
// started). Long animation frames (PerformanceObserver 'long-animation-frame', > 50 ms) are recorded alongside.
const PASSES = 3;
const SCROLL_MS = 2000;
const STEP = 900;
/** BENCH_TRACE=1: a Chrome trace of the first scroll pass of each file in os.tmpdir(). */
const traceDir = process.env.BENCH_TRACE ? tmpdir() : null;
const throttle = Number(process.env.BENCH_CPU_THROTTLE ?? 1);
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;

/** Runs in the page: one scroll pass over `body`. */
async function scrollPass(body, { ms, step }) {
  const loaf = [];
  let observer = null;
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        loaf.push({
          duration: e.duration,
          blocking: e.blockingDuration,
          scripts: (e.scripts ?? []).map(
            (s) => `${s.invoker} ${s.sourceFunctionName || ''} ${s.duration.toFixed(0)}ms`,
          ),
        });
      }
    });
    observer.observe({ type: 'long-animation-frame' });
  }
  const rowAt = () => Math.round(body.scrollTop / 22);
  const fromRow = rowAt();
  const deltas = [];
  await new Promise((resolve) => {
    let last = 0;
    let end = 0;
    const step1 = (now) => {
      if (last) deltas.push(now - last);
      else end = now + ms;
      last = now;
      body.scrollTop += step;
      if (now < end) requestAnimationFrame(step1);
      else resolve();
    };
    requestAnimationFrame(step1);
  });
  // Let the observer deliver the entries of the last frames.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer?.disconnect();
  // Sanity check: the rows at the final scroll position are rendered (with text).
  const toRow = rowAt();
  const el = body.querySelector(`.vrow[data-row="${toRow + 1}"]`);
  if (!el?.textContent) throw new Error(`bench: row ${toRow + 1} is not rendered after scrolling`);
  return {
    deltas: deltas.slice(1),
    loaf,
    loafMax: loaf.reduce((m, e) => Math.max(m, e.duration), 0),
    fromRow,
    toRow: rowAt(),
  };
}

function frameStats(deltas) {
  const sorted = [...deltas].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
  return {
    max: sorted.at(-1) ?? 0,
    p99: q(0.99),
    p95: q(0.95),
    p50: q(0.5),
    over50: sorted.filter((d) => d > 50).length,
  };
}

/** BENCH_PROFILE=1: a CPU profile (.cpuprofile, open in Chrome DevTools) of each scroll pass in os.tmpdir(). */
const profile = process.env.BENCH_PROFILE
  ? {
      session: null,
      async start(page) {
        this.session = await page.context().newCDPSession(page);
        await this.session.send('Profiler.enable');
        await this.session.send('Profiler.setSamplingInterval', { interval: 200 });
        await this.session.send('Profiler.start');
      },
      async stop(name) {
        const { profile: p } = await this.session.send('Profiler.stop');
        const path = join(tmpdir(), `xtrace-bench-${name.replace(/[^a-z0-9-]+/gi, '_')}.cpuprofile`);
        writeFileSync(path, JSON.stringify(p));
        await this.session.detach();
        console.log(`profile: ${path}`);
      },
    }
  : null;

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
const browser = await launchChromium();
const results = [];
const ok = (value, target) => (target === null ? '' : value <= target ? ' ✓' : ' ✗');
try {
  for (const f of files) {
    if (only && !only.test(f.label)) continue;
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
    // The worker has finished (data-done); wait for the last render, GC and an idle period before scrolling.
    await page.waitForTimeout(500);
    await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => resolve(), { timeout: 2000 })));
    if (throttle > 1) {
      // BENCH_CPU_THROTTLE=N: CDP CPU throttling for the scroll passes (a machine N times slower; headroom check).
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    }
    const passes = [];
    for (let pass = 0; pass < PASSES; pass++) {
      const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      if (profile) await profile.start(page);
      if (traceDir && pass === 0)
        await browser.startTracing(page, {
          screenshots: false,
          categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8', 'cc', 'gpu'],
        });
      const m = await page.$eval(`[data-testid="${f.table}"] .vtable-body`, scrollPass, { ms: SCROLL_MS, step: STEP });
      if (profile) await profile.stop(`${f.label}-pass${pass + 1}`);
      if (traceDir && pass === 0) {
        const path = join(traceDir, `xtrace-bench-${f.label.replace(/[^a-z0-9-]+/gi, '_')}.trace.json`);
        writeFileSync(path, await browser.stopTracing());
        console.log(`trace: ${path} (open in chrome://tracing or the DevTools Performance panel)`);
      }
      passes.push({ ...m, ...frameStats(m.deltas), loadavg });
      await page.waitForTimeout(300);
    }
    results.push({ f, firstWall, loadWall, inPage, passes });
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
  const worst = Math.max(...r.passes.map((p) => p.max));
  console.log(
    `  scrolling    ${PASSES} passes of ${SCROLL_MS} ms, scrollTop += ${STEP} px per frame${throttle > 1 ? `, CPU throttled ${throttle}x` : ''}${ok(worst, 50)}  target: no frame over 50 ms`,
  );
  r.passes.forEach((p, i) => {
    console.log(
      `    pass ${i + 1}: ${p.deltas.length} frames, max ${p.max.toFixed(1)} ms, p99 ${p.p99.toFixed(1)}, p95 ${p.p95.toFixed(1)}, median ${p.p50.toFixed(1)}, >50 ms: ${p.over50}; long animation frames ${p.loaf.length} (max ${p.loafMax.toFixed(0)} ms); rows ${p.fromRow}→${p.toRow}; loadavg ${p.loadavg}`,
    );
    const longest = p.loaf.reduce((a, e) => (a && a.duration >= e.duration ? a : e), null);
    if (longest?.scripts.length) console.log(`      longest frame's scripts: ${longest.scripts.join('; ')}`);
  });
}
