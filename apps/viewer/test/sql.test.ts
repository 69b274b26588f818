// The SQL tab: duckdb-wasm, loaded only when the tab opens, runs the example queries over both demo recordings in
// Chromium under the page's CSP; results are checked against the demo data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSsDemo, makeTraceDemo } from '../scripts/demo-data.mjs';
import { type Harness, openPage, screenshot, startHarness, tableRows, waitLoaded } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const trace = makeTraceDemo();
const ss = makeSsDemo();

describe('SQL tab', () => {
  it('runs example queries over both demo recordings with duckdb-wasm', async () => {
    const { page, errors } = await openPage(h);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.click('[data-testid="demo-moqtrace"]');
    await waitLoaded(page);
    await page.click('.tab-home');
    await page.click('[data-testid="demo-ss"]');
    await waitLoaded(page);
    // duckdb-wasm is not loaded before the tab is opened
    expect(requested.filter((url) => url.includes('duckdb'))).toEqual([]);
    await page.click('[data-testid="sql-tab"]');
    await page.waitForSelector('[data-testid="sql-status"][data-ready="true"]', { timeout: 60_000 });
    expect(requested.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(requested.every((url) => new URL(url).origin === new URL(h.url).origin)).toBe(true);

    await page.click('[data-testid="sql-example-rows-per-file"]');
    await page.waitForSelector('[data-testid="sql-result-count"]');
    const files = await tableRows(page, 'sql-results');
    expect(files.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['session.moqtrace', 'moqtrace', String(trace.events.length), 'eof'],
      ['streams.ss', 'ss', String(ss.messages.length + 1), 'eos'],
    ]);

    await page.click('[data-testid="sql-example-events-per-type"]');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="sql-results"] .vtable-head')?.textContent?.includes('events'),
    );
    const byType = new Map<string, number>();
    for (const e of trace.events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    const types = await tableRows(page, 'sql-results');
    expect(new Map(types.map((r) => [r[0], Number(r[1])]))).toEqual(byType);

    await page.click('[data-testid="sql-example-messages-per-stream"]');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="sql-results"] .vtable-head')?.textContent?.includes('payload_bytes'),
    );
    const streams = new Map<string, number>();
    for (const m of ss.messages) {
      const key = `${m.streamKey}/${m.shardId}`;
      const size = typeof m.payload === 'string' ? new TextEncoder().encode(m.payload).length : m.payload.length;
      streams.set(key, (streams.get(key) ?? 0) + size);
    }
    streams.set('SEA_STREAMER_INTERNAL/0', 3); // the end-of-stream message
    const rows = await tableRows(page, 'sql-results');
    expect(new Map(rows.map((r) => [`${r[0]}/${r[1]}`, Number(r[3])]))).toEqual(streams);
    await screenshot(page, 'sql-tab');

    // A SQL error is shown, not thrown
    await page.fill('[data-testid="sql-input"]', 'select nope from events');
    await page.click('[data-testid="sql-run"]');
    await page.waitForSelector('[data-testid="sql-error"]');
    expect(await page.textContent('[data-testid="sql-error"]')).toContain('nope');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
