import { readSeaStreamer, writeSeaStreamer } from '@x/seastreamer-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSsDemo } from '../scripts/demo-data.mjs';
import { type Harness, openFiles, openPage, screenshot, startHarness, tableRows, waitLoaded } from './harness.js';

let h: Harness;
const demo = makeSsDemo();
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const streamIds = (): string[] => {
  const seen: string[] = [];
  for (const m of demo.messages) {
    const id = `${m.streamKey} / ${m.shardId}`;
    if (!seen.includes(id)) seen.push(id);
  }
  return seen;
};

describe('.ss demo', () => {
  it('opens the demo: counts, streams and first rows', async () => {
    const { page, errors } = await openPage(h);
    await page.click('[data-testid="demo-ss"]');
    await waitLoaded(page);
    // + 1: the end-of-stream message
    expect(await page.textContent('[data-testid="row-count"]')).toBe(
      (demo.messages.length + 1).toLocaleString('en-US'),
    );
    const rows = await tableRows(page, 'message-table');
    for (let i = 0; i < 5; i++) {
      const m = demo.messages[i]!;
      expect(rows[i]![1]).toBe(m.streamKey);
      expect(rows[i]![2]).toBe(String(m.shardId));
      expect(rows[i]![3]).toBe(String(m.seqNo));
      expect(rows[i]![4]).toBe(new Date(Number(m.timestamp)).toISOString());
      if (typeof m.payload === 'string') expect(rows[i]![7]).toBe(m.payload);
      else expect(rows[i]![7]).toMatch(/^hex [0-9a-f]{48}…$/);
    }
    // the header line: file name, beacon interval, stream count (the demo's streams and the EOS stream)
    expect(await page.textContent('[data-testid="hl-file-name"]')).toBe(`file name ${demo.options.fileName}`);
    expect(await page.textContent('[data-testid="hl-beacon-interval"]')).toBe('beacon interval 4,096 bytes');
    expect(await page.textContent('[data-testid="hl-streams"]')).toBe(`streams ${streamIds().length + 1}`);
    await screenshot(page, 'ss-messages');
    await page.click('[data-testid="view-streams"]');
    const streamRows = page.locator('[data-testid="ss-stream-row"]');
    const ids = streamIds();
    // the demo's streams plus SEA_STREAMER_INTERNAL (EOS)
    expect(await streamRows.count()).toBe(ids.length + 1);
    const prices1 = demo.messages.filter((m) => m.streamKey === 'prices' && m.shardId === 1n);
    const cells = await streamRows.nth(ids.indexOf('prices / 1')).locator('td').allTextContents();
    expect(cells[0]).toBe('prices');
    expect(cells[2]).toBe(String(prices1.length));
    expect(cells[4]).toBe(`${prices1[0]!.seqNo} – ${prices1.at(-1)!.seqNo}`);
    await screenshot(page, 'ss-streams');
    await page.click('[data-testid="view-strip"]');
    await page.locator('[data-testid="beacon-strip"] canvas').waitFor();
    const beacons = Math.floor(demo.bytes.length / (demo.options.beaconInterval as number));
    expect(await page.textContent('[data-testid="beacon-strip"]')).toContain(`${beacons} beacons`);
    // The largest message is drawn over its whole extent: the pixel at its middle is painted, not background.
    const read = readSeaStreamer(demo.bytes).messages;
    const big = read.reduce((a, b) => (b.endOffset - b.offset > a.endOffset - a.offset ? b : a));
    const middle = (big.offset + big.endOffset) / 2 / demo.bytes.length;
    // The strip is drawn by an effect after the canvas appears: wait until the pixel is painted, and take it.
    // (A function, not a string: the page's CSP forbids evaluating strings.)
    const handle = await page.waitForFunction((fraction) => {
      const canvas = document.querySelector('[data-testid="beacon-strip"] canvas') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      const y = Math.round(32 * (window.devicePixelRatio || 1));
      const pixel = ctx.getImageData(Math.round(fraction * canvas.width), y, 1, 1).data;
      return pixel[3] !== 0 && [...pixel].join(',');
    }, middle);
    const painted = await handle.jsonValue();
    expect(big.endOffset - big.offset).toBeGreaterThan(5000);
    expect(big.splicedBy.length).toBeGreaterThan(0);
    expect(painted).toBe('245,158,11,255'); // the spliced-message colour (#f59e0b)
    await screenshot(page, 'ss-strip');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('filters by stream and shows JSON payloads pretty-printed', async () => {
    const { page } = await openPage(h, '?file=demo/streams.ss');
    await waitLoaded(page);
    const ids = streamIds();
    await page.selectOption('[data-testid="filter-stream"]', String(ids.indexOf('logs / 0')));
    const logs = demo.messages.filter((m) => m.streamKey === 'logs');
    await expect
      .poll(() => page.textContent('[data-testid="shown-count"]'))
      .toBe(`${logs.length} of ${demo.messages.length + 1}`);
    const rows = await tableRows(page, 'message-table');
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['logs']));
    await page.selectOption('[data-testid="filter-stream"]', '-1');
    await page.click('[data-testid="message-table"] .vrow[data-row="0"]');
    const text = page.locator('[data-testid="detail-text"]');
    await text.waitFor();
    expect(await text.textContent()).toBe(JSON.stringify(JSON.parse(demo.messages[0]!.payload as string), null, 2));
    // a binary payload: hex view, no text
    const binary = demo.messages.findIndex((m) => m.streamKey === 'video.frames');
    await page.selectOption('[data-testid="filter-stream"]', String(ids.indexOf('video.frames / 7')));
    await page.click('[data-testid="message-table"] .vrow[data-row="0"]');
    const frame = demo.messages[binary]!;
    await expect
      .poll(() => page.textContent('[data-testid="detail-title"]'))
      .toBe(`${frame.streamKey} / ${frame.shardId} · seq ${frame.seqNo}`);
    const hex = page.locator('[data-testid="detail-pane"] [data-testid="hex-view"]');
    const payload = demo.messages[binary]!.payload as Uint8Array;
    expect(await hex.textContent()).toContain(
      Array.from(payload.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' '),
    );
    expect(await page.locator('[data-testid="detail-text"]').count()).toBe(0);
    await screenshot(page, 'ss-detail-binary');
    await page.context().close();
  });

  it('seeks by sequence number and by time with the beacons', async () => {
    const { page } = await openPage(h, '?file=demo/streams.ss');
    await waitLoaded(page);
    const ids = streamIds();
    const prices1 = demo.messages.filter((m) => m.streamKey === 'prices' && m.shardId === 1n);
    const target = prices1[Math.floor(prices1.length * 0.7)]!;
    await page.selectOption('[data-testid="seek-stream"]', String(ids.indexOf('prices / 1')));
    await page.selectOption('[data-testid="seek-by"]', 'seq');
    await page.fill('[data-testid="seek-value"]', String(target.seqNo));
    await page.click('[data-testid="seek-go"]');
    const expectedIndex = demo.messages.indexOf(target);
    await expect.poll(() => page.url()).toContain(`sel=${expectedIndex}`);
    const pane = page.locator('[data-testid="detail-pane"]');
    await expect
      .poll(() => pane.locator('[data-testid="detail-title"]').textContent())
      .toBe(`prices / 1 · seq ${target.seqNo}`);
    expect(await page.textContent('[data-testid="seek-message"]')).toContain(`found seq ${target.seqNo}`);
    expect(await page.locator('[data-testid="message-table"] .vrow.selected').count()).toBe(1);
    await screenshot(page, 'ss-seek');
    // time: first message of logs/0 strictly after the 10th log's timestamp
    const logs = demo.messages.filter((m) => m.streamKey === 'logs');
    const after = logs.find((m) => m.timestamp > logs[10]!.timestamp)!;
    await page.selectOption('[data-testid="seek-stream"]', String(ids.indexOf('logs / 0')));
    await page.selectOption('[data-testid="seek-by"]', 'time');
    await page.fill('[data-testid="seek-value"]', String(logs[10]!.timestamp));
    await page.click('[data-testid="seek-go"]');
    await expect.poll(() => page.url()).toContain(`sel=${demo.messages.indexOf(after)}`);
    // out of bound
    await page.fill('[data-testid="seek-value"]', String(Number(demo.messages.at(-1)!.timestamp) + 1e6));
    await page.click('[data-testid="seek-go"]');
    await expect
      .poll(() => page.textContent('[data-testid="seek-message"]'))
      .toContain('OUT_OF_RANGE: no message of logs/0');
    await page.context().close();
  });

  it('shows the details of a frame cut by several beacons (random access to its offset)', async () => {
    const messages = Array.from({ length: 6 }, (_, i) => ({
      streamKey: 'big',
      shardId: 3n,
      seqNo: BigInt(i),
      timestamp: BigInt(1_700_000_000_000 + i),
      payload: `${String(i).repeat(40)}:${'x'.repeat(700 + i * 150)}`,
    }));
    const bytes = writeSeaStreamer(messages, { fileName: 'spliced.ss', beaconInterval: 256, createdAt: 1 });
    const read = readSeaStreamer(bytes).messages;
    const index = read.findIndex((m) => m.splicedBy.length >= 3 && m.offset > 2048);
    const target = read[index]!;
    const { page } = await openPage(h);
    await openFiles(page, [{ name: 'spliced.ss', bytes }]);
    await waitLoaded(page);
    await page.click(`[data-testid="message-table"] .vrow[data-row="${index}"]`);
    await expect.poll(() => page.textContent('[data-testid="detail-title"]')).toBe(`big / 3 · seq ${target.seqNo}`);
    const fields = await page.textContent('[data-testid="detail-fields"]');
    expect(fields).toContain(target.splicedBy.join(', '));
    expect(fields).toContain(`${target.offset} – ${target.endOffset} (frame ${target.frameSize} bytes)`);
    expect(fields).toContain('✓ ok');
    expect(await page.textContent('[data-testid="detail-text"]')).toBe(messages[index]!.payload);
    await page.context().close();
  });

  it('shows a payload as text only when it is UTF-8 without control characters (tab and newline allowed)', async () => {
    const payloads = ['a\u0000b', 'line 1\nline 2\tend', '', 'bell\u0007'];
    const messages = payloads.map((payload, i) => ({
      streamKey: 'p',
      shardId: 0n,
      seqNo: BigInt(i),
      timestamp: BigInt(1_700_000_000_000 + i),
      payload,
    }));
    const bytes = writeSeaStreamer(messages, { fileName: 'text.ss', beaconInterval: 1024, createdAt: 1 });
    const { page } = await openPage(h);
    await openFiles(page, [{ name: 'text.ss', bytes }]);
    await waitLoaded(page);
    const rows = await tableRows(page, 'message-table');
    expect(rows.slice(0, 4).map((r) => r[7])).toEqual(['hex 610062', 'line 1 line 2 end', '', 'hex 62656c6c07']);
    await page.click('[data-testid="message-table"] .vrow[data-row="1"]');
    await expect.poll(() => page.textContent('[data-testid="detail-text"]')).toBe(payloads[1]);
    await page.click('[data-testid="message-table"] .vrow[data-row="0"]');
    await expect.poll(() => page.textContent('[data-testid="detail-title"]')).toBe('p / 0 · seq 0');
    expect(await page.locator('[data-testid="detail-text"]').count()).toBe(0);
    await page.context().close();
  });

  it('highlights checksum problems and truncation', async () => {
    const messages = Array.from({ length: 30 }, (_, i) => ({
      streamKey: 'k',
      shardId: 0n,
      seqNo: BigInt(i),
      timestamp: BigInt(1_700_000_000_000 + i),
      payload: `payload-number-${String(i).padStart(3, '0')}`,
    }));
    const bytes = writeSeaStreamer(messages, {
      fileName: 'bad.ss',
      beaconInterval: 1024,
      createdAt: 1_700_000_000_000,
    });
    const needle = new TextEncoder().encode('payload-number-012');
    let at = -1;
    for (let i = 0; i + needle.length <= bytes.length && at < 0; i++) {
      if (needle.every((b, k) => bytes[i + k] === b)) at = i;
    }
    const damaged = bytes.slice();
    damaged[at + needle.length - 1] ^= 0x01;
    const truncated = damaged.slice(0, damaged.length - 10);
    const { page } = await openPage(h);
    await openFiles(page, [{ name: 'bad.ss', bytes: truncated }]);
    await waitLoaded(page);
    await page.locator('[data-testid="banner-checksum"]').waitFor();
    await page.locator('[data-testid="banner-truncated"]').waitFor();
    expect(await page.textContent('[data-testid="row-count"]')).toBe(String(messages.length - 1));
    const bad = page.locator('[data-testid="message-table"] .vrow.row-bad');
    expect(await bad.count()).toBe(1);
    expect(await bad.getAttribute('data-row')).toBe('12');
    await page.click('[data-testid="filter-problems"]');
    await expect.poll(() => page.textContent('[data-testid="shown-count"]')).toBe(`1 of ${messages.length - 1}`);
    await screenshot(page, 'ss-checksum-truncated');
    await page.context().close();
  });
});
