/**
 * Every view at 1280, 1400 and 1920 px: element boxes inside the viewport, no horizontal scrollbar, no overlapping
 * toolbars (checked on the page, with a screenshot of each in test-output/), and the points a user tripped over:
 * long stream keys, the hex view's ASCII column, the summary column's ellipsis, full .ss timestamps, the details
 * pane (absent without a selection, collapsible, resizable).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moxygenMlog } from '../scripts/qlog-data.mjs';
import {
  type Harness,
  layoutProblems,
  openFiles,
  openPage,
  screenshot,
  startHarness,
  WIDTHS,
  waitLoaded,
} from './harness.js';

const fixtures = process.env.X_FIXTURES_DIR ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures');
const manyStreams = new Uint8Array(readFileSync(join(fixtures, 'seastreamer', 'rs-many-streams.ss')));

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function check(page: Page, name: string): Promise<void> {
  await screenshot(page, `layout-${name}`);
  expect(await layoutProblems(page), name).toEqual([]);
}

/** The box of an element, or null when it is not there. */
function box(page: Page, selector: string) {
  return page.locator(selector).first().boundingBox();
}

async function viewportWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.clientWidth);
}

describe.each(WIDTHS)('at %i px', (width) => {
  it('every .moqtrace view, the details pane and the hex view fit', async () => {
    const { page, errors } = await openPage(h, '?file=demo/session.moqtrace', { width });
    await waitLoaded(page);
    // no selection: no details pane, the table has the whole width
    expect(await page.locator('[data-testid="detail-pane"]').count()).toBe(0);
    const table = await box(page, '[data-testid="event-table"]');
    expect(table!.width).toBeGreaterThan((await viewportWidth(page)) - 2);
    await check(page, `moqtrace-events-${width}`);

    // summary cells end inside the table body; text too long is cut with an ellipsis and kept as the tooltip
    const cells = await page.$$eval('[data-testid="event-table"] .vtable-body .c-summary', (els) => {
      const body = document.querySelector('[data-testid="event-table"] .vtable-body') as HTMLElement;
      const right = body.getBoundingClientRect().left + body.clientWidth;
      return els.map((el) => ({
        inside: el.getBoundingClientRect().right <= right + 1,
        ellipsis: getComputedStyle(el).textOverflow === 'ellipsis',
        cut: el.scrollWidth > el.clientWidth,
        title: el.getAttribute('title'),
        text: el.textContent,
      }));
    });
    expect(cells.length).toBeGreaterThan(10);
    for (const cell of cells) {
      expect(cell.inside).toBe(true);
      expect(cell.ellipsis).toBe(true);
      expect(cell.title).toBe(cell.text);
    }

    // an object payload: the hex view shows its ASCII column whole (16 bytes a line from 1400 px)
    await page.click('[data-testid="event-table"] .vrow[data-row="14"]');
    await page.locator('[data-testid="detail-pane"] [data-testid="hex-view"]').waitFor();
    const hex = await page.$$eval('[data-testid="detail-pane"] .hexline', (lines) =>
      lines.map((line) => {
        const pre = line.closest('pre') as HTMLElement;
        const ascii = line.querySelector('.hex-ascii') as HTMLElement;
        return {
          asciiRight: ascii.getBoundingClientRect().right,
          preRight: pre.getBoundingClientRect().right,
          chars: ascii.textContent?.length ?? 0,
        };
      }),
    );
    for (const line of hex) expect(line.asciiRight).toBeLessThanOrEqual(line.preRight);
    const perLine = Number(
      await page.getAttribute('[data-testid="detail-pane"] [data-testid="hex-view"]', 'data-width'),
    );
    expect(hex[0]!.chars).toBe(perLine);
    if (width >= 1400) expect(perLine).toBe(16);
    await check(page, `moqtrace-detail-${width}`);

    for (const view of ['tracks', 'streams', 'timeline', 'sequence', 'header'] as const) {
      await page.click(`[data-testid="view-${view}"]`);
      await page.locator('.traceview .panel').first().waitFor();
      await check(page, `moqtrace-${view}-${width}`);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('every .ss view fits, with full timestamps', async () => {
    const { page, errors } = await openPage(h, '?file=demo/streams.ss', { width });
    await waitLoaded(page);
    await check(page, `ss-messages-${width}`);
    const stamps = await page.$$eval('[data-testid="message-table"] .vtable-body .c-ts', (els) =>
      els.map((el) => ({ text: el.textContent ?? '', cut: el.scrollWidth > el.clientWidth })),
    );
    expect(stamps.length).toBeGreaterThan(10);
    for (const stamp of stamps) {
      expect(stamp.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(stamp.cut).toBe(false);
    }
    await page.click('[data-testid="message-table"] .vrow[data-row="2"]');
    await page.locator('[data-testid="detail-pane"] [data-testid="hex-view"]').waitFor();
    await check(page, `ss-detail-${width}`);
    for (const view of ['streams', 'strip'] as const) {
      await page.click(`[data-testid="view-${view}"]`);
      await page.locator('.ssview .panel').first().waitFor();
      await check(page, `ss-${view}-${width}`);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('rs-many-streams.ss: long stream keys do not widen the toolbar, the seek controls stay on screen', async () => {
    const { page, errors } = await openPage(h, '', { width });
    await openFiles(page, [{ name: 'rs-many-streams.ss', bytes: manyStreams }]);
    await waitLoaded(page);
    await check(page, `ss-many-streams-${width}`);
    const vw = await viewportWidth(page);
    for (const id of ['filter-stream', 'seek-stream', 'seek-by', 'seek-value', 'seek-go']) {
      const b = await box(page, `[data-testid="${id}"]`);
      expect(b, id).not.toBeNull();
      expect(b!.x, id).toBeGreaterThanOrEqual(0);
      expect(b!.x + b!.width, id).toBeLessThanOrEqual(vw);
    }
    // the dropdowns keep their width; the long key is cut in the list and whole in the tooltip
    for (const id of ['filter-stream', 'seek-stream'])
      expect((await box(page, `[data-testid="${id}"]`))!.width).toBe(240);
    const options = await page.$$eval('[data-testid="seek-stream"] option', (els) =>
      els.map((o) => ({ text: o.textContent ?? '', title: o.getAttribute('title') ?? '' })),
    );
    const long = options.find((o) => o.title.startsWith('k'.repeat(100)));
    expect(long).toBeDefined();
    expect(long!.text.length).toBeLessThanOrEqual(40);
    expect(long!.text.endsWith('…')).toBe(true);
    // selecting it: the select shows the full key as its tooltip, and keeps its width
    await page.selectOption('[data-testid="seek-stream"]', { label: long!.text });
    expect(await page.getAttribute('[data-testid="seek-stream"]', 'title')).toBe(long!.title);
    expect((await box(page, '[data-testid="seek-stream"]'))!.width).toBe(240);
    await page.fill('[data-testid="seek-value"]', '0');
    await page.click('[data-testid="seek-go"]');
    await expect.poll(() => page.textContent('[data-testid="seek-message"]')).toMatch(/found seq|OUT_OF_RANGE/);
    await check(page, `ss-many-streams-seek-${width}`);
    await page.click('[data-testid="view-streams"]');
    await page.locator('[data-testid="ss-streams"]').waitFor();
    await check(page, `ss-many-streams-streams-${width}`);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a qlog file in every trace view fits', async () => {
    const { page, errors } = await openPage(h, '', { width });
    await openFiles(page, [{ name: 'mlog_client.txt', bytes: moxygenMlog() }]);
    await waitLoaded(page);
    await page.click('[data-testid="event-table"] .vrow[data-row="6"]');
    await page.locator('[data-testid="detail-source"]').waitFor();
    await check(page, `qlog-events-${width}`);
    for (const view of ['tracks', 'streams', 'timeline', 'sequence', 'header'] as const) {
      await page.click(`[data-testid="view-${view}"]`);
      await page.locator('.traceview .panel').first().waitFor();
      await check(page, `qlog-${view}-${width}`);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('the details pane', () => {
  it('collapses to a strip and back, and resizes by dragging its edge or with the arrow keys', async () => {
    const { page } = await openPage(h, '?file=demo/streams.ss', { width: 1400 });
    await waitLoaded(page);
    await page.click('[data-testid="message-table"] .vrow[data-row="0"]');
    const pane = page.locator('[data-testid="detail-pane"]');
    await pane.locator('[data-testid="detail-fields"]').waitFor();
    const open = (await pane.boundingBox())!;
    const table = (await box(page, '[data-testid="message-table"]'))!;
    expect(open.width).toBeGreaterThan(300);

    await page.click('[data-testid="detail-toggle"]');
    await expect.poll(async () => (await pane.boundingBox())!.width).toBeLessThan(40);
    expect(await pane.locator('[data-testid="detail-fields"]').count()).toBe(0);
    expect((await box(page, '[data-testid="message-table"]'))!.width).toBeGreaterThan(table.width + open.width - 50);
    // the choice holds for the next selection
    await page.click('[data-testid="message-table"] .vrow[data-row="1"]');
    expect((await pane.boundingBox())!.width).toBeLessThan(40);
    await page.click('[data-testid="detail-toggle"]');
    await pane.locator('[data-testid="detail-fields"]').waitFor();
    expect(Math.abs((await pane.boundingBox())!.width - open.width)).toBeLessThan(2);

    // drag the left edge 200 px to the left: 200 px wider
    const handle = (await box(page, '[data-testid="detail-resize"]'))!;
    const y = handle.y + handle.height / 2;
    await page.mouse.move(handle.x + handle.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 - 100, y, { steps: 4 });
    await page.mouse.move(handle.x + handle.width / 2 - 200, y, { steps: 4 });
    await page.mouse.up();
    await expect
      .poll(async () => Math.abs((await pane.boundingBox())!.width - (open.width + 200)))
      .toBeLessThanOrEqual(1.5);
    // as far as it goes: the table keeps its room
    await page.focus('[data-testid="detail-resize"]');
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowLeft');
    const widest = (await pane.boundingBox())!.width;
    expect(widest).toBeLessThanOrEqual(1400 - 360 + 1);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await pane.boundingBox())!.width).toBeLessThan(widest);
    expect(await layoutProblems(page)).toEqual([]);
    // remembered across a reload
    const before = Math.round((await pane.boundingBox())!.width);
    await page.reload();
    await waitLoaded(page);
    await page.click('[data-testid="message-table"] .vrow[data-row="0"]');
    await pane.locator('[data-testid="detail-fields"]').waitFor();
    expect(Math.round((await pane.boundingBox())!.width)).toBe(before);
    await page.context().close();
  });
});
