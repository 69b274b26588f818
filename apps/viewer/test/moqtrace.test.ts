import { type TraceEvent, writeTrace } from '@x/moqtrace';
import { draftFromProtocol, summarizeEvent } from '@x/moqtrace/analysis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTraceDemo } from '../scripts/demo-data.mjs';
import { type Harness, openFiles, openPage, screenshot, startHarness, tableRows, waitLoaded } from './harness.js';

let h: Harness;
const demo = makeTraceDemo();
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const draft = draftFromProtocol(demo.header.protocol);
/** What the library's summary says (the CLI prints the same). */
const summaryOf = (e: TraceEvent) => summarizeEvent(e, { draft });
const streamIdOf = (e: TraceEvent) => ('streamId' in e && e.streamId !== undefined ? Number(e.streamId) : undefined);

describe('.moqtrace demo', () => {
  it('opens the demo: counts, header values and first rows', async () => {
    const { page, errors } = await openPage(h);
    await page.click('[data-testid="demo-moqtrace"]');
    await waitLoaded(page);
    expect(await page.textContent('[data-testid="row-count"]')).toBe(demo.events.length.toLocaleString('en-US'));
    const rows = await tableRows(page, 'event-table');
    expect(rows.length).toBeGreaterThan(10);
    for (let i = 0; i < rows.length; i++) {
      const e = demo.events[i]!;
      expect(rows[i]![0]).toBe(String(e.seq));
      expect(rows[i]![2]).toBe(e.type);
      expect(Number(rows[i]![1])).toBeCloseTo(Number(e.timestamp) / 1e6, 6);
      // the message and summary columns are the library's summary (as in the CLI), also for the object events
      // whose summary the UI rebuilds from the columns
      expect(rows[i]![4]).toBe(summaryOf(e).name);
      expect(rows[i]![8]).toBe(summaryOf(e).text);
      if (e.type === 'control') expect(rows[i]![3]).toBe(e.direction === 0 ? '→' : '←');
    }
    expect(rows[2]![4]).toBe('CLIENT_SETUP');
    // the header line: protocol and version, perspective, start time, duration
    const line = page.locator('[data-testid="header-line"]');
    expect(await line.locator('[data-testid="hl-protocol"]').textContent()).toContain('moq-transport-14');
    expect(await line.locator('[data-testid="hl-version"]').textContent()).toContain('0xff00000e (draft-14)');
    expect(await line.locator('[data-testid="hl-perspective"]').textContent()).toContain('client');
    expect(await line.locator('[data-testid="hl-start"]').textContent()).toContain('2026-01-01T12:00:00.000Z');
    expect(await line.locator('[data-testid="hl-duration"]').textContent()).toContain('9.00 s');
    await screenshot(page, 'moqtrace-events');
    await page.click('[data-testid="view-header"]');
    const panel = page.locator('[data-testid="header-panel"]');
    expect(await panel.locator('[data-testid="header-protocol"] dd').textContent()).toBe(demo.header.protocol);
    expect(await panel.locator('[data-testid="header-perspective"] dd').textContent()).toBe(demo.header.perspective);
    expect(await panel.locator('[data-testid="header-detail"] dd').textContent()).toBe(demo.header.detail);
    expect(await panel.locator('[data-testid="header-endpoint"] dd').textContent()).toBe(demo.header.endpoint);
    expect(await panel.locator('[data-testid="header-startTime"] dd').textContent()).toContain(
      new Date(demo.header.startTime).toISOString(),
    );
    await screenshot(page, 'moqtrace-details');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('filters by type and by stream, and reflects filters in the URL', async () => {
    const { page } = await openPage(h, '?file=demo/session.moqtrace');
    await waitLoaded(page);
    await page.selectOption('[data-testid="filter-type"]', '3');
    const headers = demo.events.filter((e) => e.type === 'object-header');
    await expect
      .poll(() => page.textContent('[data-testid="shown-count"]'))
      .toBe(`${headers.length} of ${demo.events.length}`);
    const rows = await tableRows(page, 'event-table');
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set(['object-header']));
    expect(rows[0]![0]).toBe(String(headers[0]!.seq));
    // the address bar follows the state a moment after the render: waited for, like the table
    await expect.poll(() => page.url()).toContain('type=3');

    await page.selectOption('[data-testid="filter-type"]', '');
    const sid = streamIdOf(demo.events.find((e) => e.type === 'stream-opened')!)!;
    await page.fill('[data-testid="filter-stream"]', String(sid));
    await page.press('[data-testid="filter-stream"]', 'Enter');
    const onStream = demo.events.filter((e) => streamIdOf(e) === sid);
    await expect
      .poll(() => page.textContent('[data-testid="shown-count"]'))
      .toBe(`${onStream.length} of ${demo.events.length}`);
    const streamRows = await tableRows(page, 'event-table');
    expect(new Set(streamRows.map((r) => r[5]))).toEqual(new Set([String(sid)]));
    await expect.poll(() => page.url()).toContain(`sid=${sid}`);
    await page.context().close();
  });

  it('selects a row (click, then j/k) and shows the detail pane and the hex view', async () => {
    const { page } = await openPage(h, '?file=demo/session.moqtrace');
    await waitLoaded(page);
    const index = demo.events.findIndex((e) => e.type === 'object-payload');
    const event = demo.events[index] as Extract<TraceEvent, { type: 'object-payload' }>;
    await page.click(`[data-testid="event-table"] .vrow[data-row="${index}"]`);
    const pane = page.locator('[data-testid="detail-pane"]');
    await expect.poll(() => pane.locator('[data-testid="detail-title"]').textContent()).toBe('object-payload');
    expect(await pane.locator('[data-testid="field-size"] dd').textContent()).toBe(
      `${event.size.toLocaleString('en-US')} bytes`,
    );
    expect(await pane.locator('[data-testid="field-timestamp"] dd').textContent()).toMatch(
      new RegExp(`^${Number(event.timestamp).toLocaleString('en-US')} µs after the segment start \\(2026-01-01T`),
    );
    const hex = await pane.locator('[data-testid="hex-view"]').textContent();
    const firstBytes = Array.from(event.payload!.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(hex).toContain(firstBytes);
    expect(hex).toContain(`${event.payload!.length.toLocaleString('en-US')} bytes`);
    // ASCII column shows the printable prefix of the payload.
    expect(hex).toContain(new TextDecoder().decode(event.payload!.subarray(0, 8)));
    await screenshot(page, 'moqtrace-detail-hex');
    await expect.poll(() => page.url()).toContain(`sel=${index}`);

    await page.keyboard.press('j');
    await expect.poll(() => page.url()).toContain(`sel=${index + 1}`);
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await expect.poll(() => page.url()).toContain(`sel=${index - 1}`);
    const controlIndex = demo.events.findIndex((e) => e.type === 'control');
    await page.click(`[data-testid="event-table"] .vrow[data-row="${controlIndex}"]`);
    await expect.poll(() => pane.locator('[data-testid="json-tree"]').count()).toBeGreaterThan(0);
    expect(await pane.locator('[data-testid="json-tree"]').first().textContent()).toContain('supported_versions');
    // each field once: messageType as hex with its draft, the direction as a word, the time with its unit
    const serverSetup = demo.events.findIndex(
      (e) => e.type === 'control' && (e.message as { type: string }).type === 'server_setup',
    );
    await page.click(`[data-testid="event-table"] .vrow[data-row="${serverSetup}"]`);
    await expect.poll(() => pane.locator('[data-testid="detail-title"]').textContent()).toBe('SERVER_SETUP');
    const labels = await pane.locator('[data-testid="detail-fields"] dt').allTextContents();
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).not.toContain('message name');
    expect(await pane.locator('[data-testid="field-messageType"] dd').textContent()).toBe('0x21 (draft 14)');
    expect(await pane.locator('[data-testid="field-direction"] dd').textContent()).toBe('received');
    const values = await pane.locator('[data-testid="detail-fields"] dd').allTextContents();
    expect(values).not.toContain('33');
    expect(values.filter((v) => v.includes('0x21'))).toHaveLength(1);
    const ss = demo.events[serverSetup]!;
    expect(await pane.locator('[data-testid="field-timestamp"] dd').textContent()).toContain(
      `${Number(ss.timestamp).toLocaleString('en-US')} µs`,
    );
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('filter-text');
    await page.context().close();
  });

  it('pairs a SUBSCRIBE with its SUBSCRIBE_OK in the track table, which filters the events', async () => {
    const { page } = await openPage(h, '?file=demo/session.moqtrace');
    await waitLoaded(page);
    await page.click('[data-testid="view-tracks"]');
    const subscribes = demo.events.filter(
      (e) => e.type === 'control' && (e.message as { type: string }).type === 'subscribe',
    );
    const rows = page.locator('[data-testid="track-row"]');
    await expect.poll(() => rows.count()).toBe(subscribes.length);
    const first = subscribes[0]! as Extract<TraceEvent, { type: 'control' }>;
    const requestId = (first.message as { request_id: number }).request_id;
    const ok = demo.events.find(
      (e) =>
        e.type === 'control' &&
        (e.message as { type: string }).type === 'subscribe_ok' &&
        (e.message as { request_id: number }).request_id === requestId,
    ) as Extract<TraceEvent, { type: 'control' }>;
    const cells = await rows.nth(0).locator('td').allTextContents();
    expect(cells[0]).toBe('demo/live');
    expect(cells[1]).toBe((first.message as { track_name: string }).track_name);
    expect(cells[3]).toBe(String((ok.message as { track_alias: number }).track_alias));
    const ended = demo.events.some(
      (e) =>
        e.type === 'control' &&
        ['unsubscribe', 'publish_done'].includes((e.message as { type: string }).type) &&
        (e.message as { request_id: number }).request_id === requestId,
    );
    // active on the OK, done once unsubscribed / publish_done (spec §9.3)
    expect(cells[4]).toBe(ended ? 'done' : 'active');
    expect((await rows.nth(1).locator('td').allTextContents())[4]).toBe('active');
    const latencyMs = (Number(ok.timestamp) - Number(first.timestamp)) / 1000;
    expect(cells[5]).toBe(`${latencyMs.toFixed(1)} ms`);
    const alias = BigInt((ok.message as { track_alias: number }).track_alias);
    const objects = demo.events.filter(
      (e) =>
        e.type === 'object-payload' &&
        demo.events.some((o) => o.type === 'stream-opened' && o.streamId === e.streamId && o.trackAlias === alias),
    );
    expect(cells[6]).toBe(String(objects.length));
    // the SUBSCRIBE without an OK shows its error
    const error = demo.events.find(
      (e) => e.type === 'control' && (e.message as { type: string }).type === 'subscribe_error',
    ) as Extract<TraceEvent, { type: 'control' }>;
    const errorRow = await rows.nth(2).locator('td').allTextContents();
    expect(errorRow[4]).toBe(`error: ${(error.message as { reason_phrase: string }).reason_phrase}`);
    await screenshot(page, 'moqtrace-tracks');
    await rows.nth(0).click();
    await page.locator('[data-testid="filter-track"]').waitFor();
    const expected =
      objects.length * 2 +
      demo.events.filter(
        (e) =>
          (e.type === 'stream-opened' || e.type === 'stream-closed' || e.type === 'error') &&
          demo.events.some(
            (o) => o.type === 'stream-opened' && Number(o.streamId) === streamIdOf(e) && o.trackAlias === alias,
          ),
      ).length +
      2;
    await expect
      .poll(() => page.textContent('[data-testid="shown-count"]'))
      .toBe(`${expected} of ${demo.events.length}`);
    await page.context().close();
  });

  it('draws the timeline, the rate chart and the sequence diagram', async () => {
    const { page, errors } = await openPage(h, '?file=demo/session.moqtrace', { colorScheme: 'dark' });
    await waitLoaded(page);
    await page.click('[data-testid="view-timeline"]');
    await page.locator('[data-testid="rate-chart"] canvas').waitFor();
    await screenshot(page, 'moqtrace-timeline-dark');
    await page.click('[data-testid="view-sequence"]');
    const msgs = page.locator('[data-testid="seq-msg"]');
    const controls = demo.events.filter((e) => e.type === 'control');
    await expect.poll(() => msgs.count()).toBe(controls.length);
    expect(await msgs.first().locator('text.seq-label').textContent()).toBe(
      (
        controls[0] as Extract<TraceEvent, { type: 'control' }> & { message: { type: string } }
      ).message.type.toUpperCase(),
    );
    await screenshot(page, 'moqtrace-sequence-dark');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('.moqtrace damaged and hostile files', () => {
  it('a truncated file shows the banner and the events before the cut', async () => {
    const keep = 40;
    const prefix = writeTrace({ header: demo.header, events: demo.events.slice(0, keep) }).length;
    const bytes = demo.bytes.slice(0, prefix + 7);
    const { page } = await openPage(h);
    await openFiles(page, [{ name: 'cut.moqtrace', bytes }]);
    await waitLoaded(page);
    await page.locator('[data-testid="banner-truncated"]').waitFor();
    expect(await page.textContent('[data-testid="banner-truncated"]')).toContain(String(prefix));
    expect(await page.textContent('[data-testid="row-count"]')).toBe(String(keep));
    const rows = await tableRows(page, 'event-table');
    expect(rows[0]![2]).toBe(demo.events[0]!.type);
    await screenshot(page, 'moqtrace-truncated');
    await page.context().close();
  });

  it('renders HTML and script payloads from the file as text and runs nothing', async () => {
    const evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    const header = { ...demo.header, endpoint: `<b onmouseover=alert(3)>${evil}</b>`, source: evil };
    const events: TraceEvent[] = [
      { type: 'annotation', seq: 0, timestamp: 10, label: evil, data: { html: evil, [evil]: 1 } },
      {
        type: 'control',
        seq: 1,
        timestamp: 20,
        direction: 0,
        messageType: 3,
        message: { type: `subscribe${evil}`, track_name: evil, track_namespace: [evil] },
        streamId: 0n,
      },
      { type: 'error', seq: 2, timestamp: 30, errorCode: 1, reason: evil },
      { type: 'state-change', seq: 3, timestamp: 40, from: evil, to: '<iframe src="javascript:alert(4)">' },
    ];
    const bytes = writeTrace({ header, events });
    const { page, dialogs, errors } = await openPage(h);
    await openFiles(page, [{ name: '<svg onload=alert(5)>.moqtrace', bytes }]);
    await waitLoaded(page);
    const rows = await tableRows(page, 'event-table');
    expect(rows[0]![4]).toBe(evil);
    expect(rows[1]![4]).toBe(`subscribe${evil}`.toUpperCase());
    expect(rows[2]![8]).toContain(evil);
    expect(
      await page.locator('.content img, .content script, .content iframe, .content b, .content svg[onload]').count(),
    ).toBe(0);
    await page.click('[data-testid="event-table"] .vrow[data-row="1"]');
    await expect
      .poll(() => page.locator('[data-testid="detail-pane"] [data-testid="json-tree"]').count())
      .toBeGreaterThan(0);
    // the message tree shows the strings as JSON text
    expect(await page.textContent('[data-testid="detail-pane"]')).toContain(JSON.stringify(evil));
    await page.click('[data-testid="view-header"]');
    expect(await page.textContent('[data-testid="header-endpoint"] dd')).toBe(header.endpoint);
    await page.click('[data-testid="view-sequence"]');
    await page.click('[data-testid="view-tracks"]');
    await page.click('[data-testid="view-events"]');
    expect(await page.locator('img, iframe, .content script').count()).toBe(0);
    expect(await page.textContent('[data-testid="tab"]')).toBe('<svg onload=alert(5)>.moqtrace');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await screenshot(page, 'moqtrace-xss-as-text');
    await page.context().close();
  });
});
