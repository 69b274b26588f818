/**
 * qlog/mlog files in the viewer: read with @x/moqt-qlog's streaming reader in the worker, shown with every trace
 * view. Files in four shapes: the project's own export of the demo trace (JSON-SEQ `.sqlog` and contained JSON
 * `.qlog`), a moxygen mlog (concatenated pretty-printed objects) and a moq-rs relay mlog (JSON-SEQ, legacy header,
 * flattened messages), built from the spec's producer sections.
 */
import { readQlog } from '@x/moqt-qlog';
import type { TraceEvent } from '@x/moqtrace';
import { summarizeEvent } from '@x/moqtrace/analysis';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedDemo, moqRsMlog, moxygenMlog } from '../scripts/qlog-data.mjs';
import { type Harness, openFiles, openPage, screenshot, startHarness, tableRows, waitLoaded } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const name = (e: TraceEvent, draft = 14) => summarizeEvent(e, { draft }).name;

async function open(page: Page, file: string, bytes: Uint8Array): Promise<void> {
  await openFiles(page, [{ name: file, bytes }]);
  await waitLoaded(page);
  expect(await page.locator('[data-testid="error-view"]').count()).toBe(0);
  expect(await page.getAttribute('[data-testid="file-view"]', 'data-format')).toBe('qlog');
}

/** Each row against the event the library reads from the same bytes. */
async function expectRows(page: Page, events: TraceEvent[]): Promise<void> {
  expect(await page.textContent('[data-testid="row-count"]')).toBe(events.length.toLocaleString('en-US'));
  const rows = await tableRows(page, 'event-table');
  expect(rows.length).toBe(Math.min(events.length, rows.length));
  rows.forEach((row, i) => {
    const e = events[i]!;
    expect(row[0]).toBe(String(e.seq));
    expect(row[2]).toBe(e.type);
    expect(row[4]).toBe(name(e));
    expect(row[8]).toBe(summarizeEvent(e, { draft: 14 }).text);
  });
}

describe('qlog exported by @x/moqt-qlog', () => {
  for (const format of ['json-seq', 'contained'] as const) {
    it(`${format}: the same rows, tracks, streams, timeline and sequence as the .moqtrace it came from`, async () => {
      const demo = exportedDemo(format);
      const { page, errors } = await openPage(h);
      await open(page, format === 'json-seq' ? 'session.sqlog' : 'session.qlog', demo.qlog);
      await expectRows(page, demo.events);
      expect(await page.textContent('[data-testid="header-format"]')).toBe('MoQT qlog');
      expect(await page.textContent('[data-testid="hl-version"]')).toContain('0xff00000e (draft-14)');
      expect(await page.textContent('[data-testid="hl-perspective"]')).toContain('client');
      expect(await page.textContent('[data-testid="hl-start"]')).toContain(
        new Date(demo.header.startTime).toISOString(),
      );
      expect(await page.textContent('[data-testid="hl-framing"]')).toContain(format);

      // details: the event decoded, and the qlog record as written
      const index = demo.events.findIndex(
        (e) => e.type === 'control' && (e.message as { type: string }).type === 'subscribe',
      );
      await page.click(`[data-testid="event-table"] .vrow[data-row="${index}"]`);
      const pane = page.locator('[data-testid="detail-pane"]');
      await expect.poll(() => pane.locator('[data-testid="detail-title"]').textContent()).toBe('SUBSCRIBE');
      expect(await pane.locator('[data-testid="field-messageType"] dd').textContent()).toBe('0x3 (draft 14)');
      expect(await pane.locator('[data-testid="field-direction"] dd').textContent()).toBe('sent');
      const record = JSON.parse((await pane.locator('[data-testid="detail-source"]').textContent()) ?? '');
      expect(record.name).toBe('moqt:control_message_created');
      // the draft's MOQTByteString shape
      expect(record.data.message.track_name).toEqual({
        value: (demo.events[index] as { message: { track_name: string } }).message.track_name,
      });
      await screenshot(page, `qlog-${format}-events`);

      // tracks: SUBSCRIBE paired with SUBSCRIBE_OK / SUBSCRIBE_ERROR
      await page.click('[data-testid="view-tracks"]');
      const tracks = page.locator('[data-testid="track-row"]');
      await expect.poll(() => tracks.count()).toBe(3);
      expect(await tracks.locator('[data-testid="track-status"]').allTextContents()).toEqual([
        'done',
        'active',
        'error: track does not exist',
      ]);
      // streams: one per stream-opened
      await page.click('[data-testid="view-streams"]');
      const opened = demo.events.filter((e) => e.type === 'stream-opened').length;
      await expect.poll(() => page.locator('[data-testid="stream-list"] tbody tr').count()).toBe(opened);
      await page.click('[data-testid="view-timeline"]');
      await page.locator('[data-testid="rate-chart"] canvas').waitFor();
      await page.click('[data-testid="view-sequence"]');
      const controls = demo.events.filter((e) => e.type === 'control');
      await expect.poll(() => page.locator('[data-testid="seq-msg"]').count()).toBe(controls.length);
      await page.click('[data-testid="view-header"]');
      expect(await page.textContent('[data-testid="header-protocol"] dd')).toBe('moq-transport-14');
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});

describe('other producers', () => {
  it('moxygen mlog: concatenated pretty-printed objects, string nanosecond times, camelCase quirks', async () => {
    const bytes = moxygenMlog();
    const read = readQlog(bytes);
    const { page, errors } = await openPage(h);
    await open(page, 'mlog_client.txt', bytes);
    await expectRows(page, read.events);
    const rows = await tableRows(page, 'event-table');
    expect(rows.map((r) => r[4]).filter((n) => n !== '')).toEqual([
      'CLIENT_SETUP',
      'SERVER_SETUP',
      'SUBSCRIBE',
      'SUBSCRIBE_OK',
      'UNSUBSCRIBE',
      'PUBLISH_NAMESPACE_DONE',
    ]);
    // nanosecond strings: 4 ms after the start for the SUBSCRIBE
    expect(rows[2]![1]).toBe('0.004000');
    expect(await page.textContent('[data-testid="hl-framing"]')).toContain('concatenated');
    expect(await page.textContent('[data-testid="hl-start"]')).toContain('relative clock');
    expect(await page.textContent('[data-testid="hl-version"]')).toContain('0xff00000e (draft-14)');
    // an object with a payload: the payload's bytes in the hex view, the record as moxygen wrote it
    const payload = read.events.findIndex((e) => e.type === 'object-payload');
    await page.click(`[data-testid="event-table"] .vrow[data-row="${payload}"]`);
    const pane = page.locator('[data-testid="detail-pane"]');
    await expect.poll(() => pane.locator('[data-testid="detail-title"]').textContent()).toBe('object-payload');
    expect(await pane.locator('[data-testid="hex-view"]').textContent()).toContain('68 65 6c 6c 6f');
    expect(await pane.locator('[data-testid="detail-source"]').textContent()).toContain('"objectPayload": "hello"');
    await page.click('[data-testid="view-tracks"]');
    const track = page.locator('[data-testid="track-row"]');
    await expect.poll(() => track.count()).toBe(1);
    const cells = await track.first().locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['live/room1', 'video']);
    expect(cells[4]).toBe('done');
    await screenshot(page, 'qlog-moxygen-tracks');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('moq-rs relay mlog: JSON-SEQ with the legacy header, flattened messages, /a/b namespaces', async () => {
    const bytes = moqRsMlog();
    const read = readQlog(bytes);
    const { page, errors } = await openPage(h);
    await open(page, 'conn_server.mlog', bytes);
    await expectRows(page, read.events);
    expect(await page.textContent('[data-testid="hl-perspective"]')).toContain('server');
    expect(await page.textContent('[data-testid="hl-framing"]')).toContain('json-seq');
    await page.click('[data-testid="view-tracks"]');
    const tracks = page.locator('[data-testid="track-row"]');
    await expect.poll(() => tracks.count()).toBe(2);
    const first = await tracks.nth(0).locator('td').allTextContents();
    expect(first.slice(0, 2)).toEqual(['demo/live', 'clock']);
    expect(first[4]).toBe('error: no such track');
    const second = await tracks.nth(1).locator('td').allTextContents();
    expect(second.slice(0, 2)).toEqual(['demo/live', 'video']);
    expect(second[4]).toBe('active');
    await page.click('[data-testid="view-sequence"]');
    // the relay received the SUBSCRIBE (parsed) and sent its answer (created)
    const arrows = page.locator('[data-testid="seq-msg"]');
    await expect.poll(() => arrows.count()).toBe(read.events.filter((e) => e.type === 'control').length);
    const labels = await arrows.locator('text.seq-label').allTextContents();
    expect(labels).toEqual(['CLIENT_SETUP', 'SUBSCRIBE', 'SUBSCRIBE_ERROR', 'SUBSCRIBE', 'SUBSCRIBE_OK']);
    await screenshot(page, 'qlog-moq-rs-sequence');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('damaged and foreign qlog', () => {
  it('a cut last record is dropped with the truncated banner, the records before it are shown', async () => {
    const bytes = moqRsMlog();
    const cut = bytes.slice(0, bytes.length - 20);
    const read = readQlog(cut);
    expect(read.end.state).toBe('truncated');
    const { page } = await openPage(h);
    await open(page, 'cut.mlog', cut);
    await page.locator('[data-testid="banner-truncated"]').waitFor();
    expect(await page.textContent('[data-testid="row-count"]')).toBe(String(read.events.length));
    await page.context().close();
  });

  it('JSON that is qlog without any MoQT event is refused with the library code', async () => {
    const quic = new TextEncoder().encode(
      [
        {
          file_schema: 'urn:ietf:params:qlog:file:sequential',
          serialization_format: 'application/qlog+json-seq',
          trace: {},
        },
        { time: 1, name: 'quic:packet_sent', data: { header: { packet_type: '1RTT' } } },
      ]
        .map((r) => `\u001e${JSON.stringify(r)}\n`)
        .join(''),
    );
    let code = '';
    try {
      readQlog(quic);
    } catch (error) {
      code = (error as { code: string }).code;
    }
    expect(code).not.toBe('');
    const { page } = await openPage(h);
    await openFiles(page, [{ name: 'quic.sqlog', bytes: quic }]);
    await page.locator('[data-testid="error-view"]').waitFor();
    expect(await page.textContent('[data-testid="error-code"]')).toBe(code);
    await page.context().close();
  });
});
