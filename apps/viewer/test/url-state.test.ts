/**
 * URL state: each tab keeps its own view, filters and selection, the URL shows the active tab's; edits of the
 * hash apply without a reload; opening a demo puts it in the URL; back and forward go through the views and files.
 */
import { writeSeaStreamer } from '@x/seastreamer-file';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSsDemo, makeTraceDemo } from '../scripts/demo-data.mjs';
import { type Harness, openFiles, openPage, startHarness, waitLoaded } from './harness.js';

let h: Harness;
const trace = makeTraceDemo();
const ss = makeSsDemo();
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const hash = (page: Page) => new URL(page.url()).hash.replace(/^#/, '');
const params = (page: Page) => Object.fromEntries(new URLSearchParams(hash(page)));
const pane = (page: Page) => page.locator('[data-testid="detail-pane"]');
const title = (page: Page) => page.textContent('[data-testid="detail-title"]');

describe('URL state per tab', () => {
  it('switching tabs carries no selection or filter into the next file, and each tab gets its own back', async () => {
    const { page } = await openPage(h, '?file=demo/streams.ss&file=demo/session.moqtrace');
    await waitLoaded(page);
    await page.click('[data-testid="message-table"] .vrow[data-row="5"]');
    await expect.poll(() => params(page)).toEqual({ sel: '5' });
    // the demo has no checksum problem: the filter hides the selected row, so the details and `sel` go
    await page.click('[data-testid="filter-problems"]');
    await expect.poll(() => params(page)).toEqual({ bad: '1' });
    expect(await pane(page).count()).toBe(0);

    await page.locator('[data-testid="tab"]').nth(1).click();
    await waitLoaded(page);
    await expect.poll(() => params(page)).toEqual({ tab: '1' });
    expect(await page.locator('[data-testid="event-table"]').count()).toBe(1);
    expect(await pane(page).count()).toBe(0);
    expect(await page.textContent('[data-testid="shown-count"]')).toBe(
      `${trace.events.length} of ${trace.events.length}`,
    );
    await page.click('[data-testid="event-table"] .vrow[data-row="3"]');
    await expect.poll(() => params(page)).toEqual({ tab: '1', sel: '3' });

    // back on the first tab: its own filter (the selection it hid is gone)
    await page.locator('[data-testid="tab"]').nth(0).click();
    await expect.poll(() => params(page)).toEqual({ bad: '1' });
    expect(await page.isChecked('[data-testid="filter-problems"]')).toBe(true);
    await page.click('[data-testid="filter-problems"]');
    await expect.poll(() => params(page)).toEqual({});
    expect(await pane(page).count()).toBe(0);
    // browser back: the second tab with its selection
    await page.goBack();
    await expect.poll(() => params(page)).toEqual({ tab: '1', sel: '3' });
    await expect.poll(() => pane(page).getAttribute('data-index')).toBe('3');
    await page.context().close();
  });

  it('with "checksum problems only" the details never show a row the filter hides', async () => {
    const messages = Array.from({ length: 20 }, (_, i) => ({
      streamKey: 'k',
      shardId: 0n,
      seqNo: BigInt(i),
      timestamp: BigInt(1_700_000_000_000 + i),
      payload: `payload-number-${String(i).padStart(3, '0')}`,
    }));
    const bytes = writeSeaStreamer(messages, { fileName: 'bad.ss', beaconInterval: 1024, createdAt: 1 });
    const needle = new TextEncoder().encode('payload-number-007');
    let at = -1;
    for (let i = 0; i + needle.length <= bytes.length && at < 0; i++) {
      if (needle.every((b, k) => bytes[i + k] === b)) at = i;
    }
    bytes[at + needle.length - 1]! ^= 0x01;
    const { page } = await openPage(h);
    await openFiles(page, [{ name: 'bad.ss', bytes }]);
    await waitLoaded(page);
    await page.click('[data-testid="message-table"] .vrow[data-row="3"]');
    await expect.poll(() => title(page)).toBe('k / 0 · seq 3');
    await page.click('[data-testid="filter-problems"]');
    await expect.poll(() => page.textContent('[data-testid="shown-count"]')).toBe('1 of 20');
    expect(await pane(page).count()).toBe(0);
    // the address bar follows the state a moment after the render (a busy machine shows the gap)
    await expect.poll(() => params(page)).toEqual({ bad: '1' });
    await page.click('[data-testid="message-table"] .vrow[data-row="0"]');
    await expect.poll(() => title(page)).toBe('k / 0 · seq 7');
    // an edited URL asking for a hidden row: the details stay closed
    await page.evaluate(() => {
      location.hash = 'bad=1&sel=3';
    });
    await expect.poll(() => pane(page).count()).toBe(0);
    expect(await page.isChecked('[data-testid="filter-problems"]')).toBe(true);
    await page.context().close();
  });
});

describe('URL edits, demos, back and forward', () => {
  it('an edit of the #view=… part applies without a reload', async () => {
    const { page } = await openPage(h, '?file=demo/session.moqtrace');
    await waitLoaded(page);
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
      location.hash = 'view=tracks';
    });
    await page.locator('[data-testid="track-table"]').waitFor();
    expect(await page.getAttribute('[data-testid="view-tracks"]', 'aria-selected')).toBe('true');
    await page.evaluate(() => {
      location.hash = 'view=events&type=3';
    });
    const headers = trace.events.filter((e) => e.type === 'object-header').length;
    await expect
      .poll(() => page.textContent('[data-testid="shown-count"]'))
      .toBe(`${headers} of ${trace.events.length}`);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.context().close();
  });

  it('opening a demo puts it in the URL: a reload keeps it, back and forward go through views and files', async () => {
    const { page } = await openPage(h);
    await page.click('[data-testid="demo-moqtrace"]');
    await waitLoaded(page);
    expect(new URL(page.url()).searchParams.getAll('file')).toEqual(['demo/session.moqtrace']);
    await page.click('[data-testid="view-tracks"]');
    await expect.poll(() => params(page)).toEqual({ view: 'tracks' });
    await page.reload();
    await page.locator('[data-testid="track-table"]').waitFor();
    expect(await page.textContent('[data-testid="tab"]')).toBe('session.moqtrace');

    await page.goBack();
    await page.locator('[data-testid="event-table"]').waitFor();
    await expect.poll(() => params(page)).toEqual({});
    await page.goBack();
    await page.locator('[data-testid="start-page"]').waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('[data-testid="tab"]').count()).toBe(0);
    await page.goForward();
    await waitLoaded(page);
    expect(await page.textContent('[data-testid="row-count"]')).toBe(trace.events.length.toLocaleString('en-US'));
    await page.goForward();
    await page.locator('[data-testid="track-table"]').waitFor();

    // a second demo: a second tab, both in the URL
    await page.click('[data-testid="tab-new"]');
    await page.click('[data-testid="demo-ss"]');
    await waitLoaded(page);
    await expect
      .poll(() => new URL(page.url()).searchParams.getAll('file'))
      .toEqual(['demo/session.moqtrace', 'demo/streams.ss']);
    await expect.poll(() => params(page)).toEqual({ tab: '1' });
    expect(await page.textContent('[data-testid="row-count"]')).toBe((ss.messages.length + 1).toLocaleString('en-US'));
    await page.context().close();
  });
});
