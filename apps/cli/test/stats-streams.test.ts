import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TraceEvent, type TraceHeader, writeTrace } from '@x/moqtrace';
import { buildTrackTable, computeStats } from '@x/moqtrace/analysis';
import { afterAll, describe, expect, it } from 'vitest';
import { stringifyJson } from '../src/output/json.js';
import { formatTable } from '../src/output/table.js';
import { tempDir, xtrace } from './helpers.js';

const header: TraceHeader = {
  protocol: 'moq-transport-14',
  perspective: 'client',
  detail: 'headers+sizes',
  startTime: 1_700_000_000_000,
};

/** A subscription, then `streams` data streams: some closed before they open, ids beyond 2^53, reused ids. */
function manyStreams(streams: number): TraceEvent[] {
  let seq = 0;
  const events: TraceEvent[] = [
    {
      type: 'control',
      seq: seq++,
      timestamp: 10,
      direction: 0,
      messageType: 3,
      message: { type: 'subscribe', request_id: 1, track_namespace: ['live'], track_name: 'video' },
    },
    {
      type: 'control',
      seq: seq++,
      timestamp: 20,
      direction: 1,
      messageType: 4,
      message: { type: 'subscribe_ok', request_id: 1, track_alias: 5 },
    },
  ];
  for (let i = 0; i < streams; i++) {
    const streamId = i % 5 === 4 ? 2n ** 62n + BigInt(i) : BigInt(4 * (i % 3000));
    const timestamp = 100 + ((i * 37) % 1000);
    const opened: TraceEvent = {
      type: 'stream-opened',
      seq: seq++,
      timestamp,
      streamId,
      direction: 1,
      streamType: 0,
      trackAlias: 5n,
      ...(i % 2 ? { subgroupId: BigInt(i), groupId: 2n ** 60n } : {}),
    };
    const closed: TraceEvent = {
      type: 'stream-closed',
      seq: seq++,
      timestamp: timestamp - 3,
      streamId,
      errorCode: i % 3,
    };
    if (i % 4 === 1) events.push(closed, opened);
    else events.push(opened);
    events.push(
      {
        type: 'object-header',
        seq: seq++,
        timestamp,
        streamId,
        groupId: 0n,
        objectId: 0n,
        publisherPriority: 1,
        objectStatus: 0,
      },
      { type: 'object-payload', seq: seq++, timestamp: timestamp + 1, streamId, groupId: 0n, objectId: 0n, size: i },
    );
    if (i % 4 !== 1 && i % 7 !== 0) events.push(closed);
  }
  return events;
}

describe('stats on a trace with many data streams', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('--json prints the document the whole-array computation gives, byte for byte', async () => {
    const events = manyStreams(6000);
    const file = join(tmp.dir, 'many.moqtrace');
    writeFileSync(file, writeTrace({ header, events }));
    const run = await xtrace(['stats', file, '--json']);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    const s = computeStats(events, { header });
    const t = buildTrackTable(events, { header });
    const expected = stringifyJson({
      file,
      format: 'moqtrace',
      events: s.events,
      segments: 1,
      byType: s.byType,
      byMessage: s.byMessage,
      streams: s.streams,
      timeRange: s.timeRange,
      draft: t.draft,
      tracks: t.tracks,
      unmatchedResponses: t.unmatchedResponses,
      end: printed.end,
      problems: { errors: 0, warnings: 0 },
    });
    expect(s.streams.length).toBeGreaterThan(3000);
    expect(run.stdout).toBe(`${expected}\n`);
  }, 60_000);

  it('the text table has a row per data stream, the widths of its widest cells (200k streams)', async () => {
    // 200k rows: more than a spread of the widths into Math.max can take (the table used to overflow the stack)
    const events: TraceEvent[] = [];
    let seq = 0;
    for (let i = 0; i < 200_000; i++) {
      const streamId = BigInt(i === 7 ? 2n ** 63n : i);
      events.push({ type: 'stream-opened', seq: seq++, timestamp: i, streamId, direction: 1, streamType: 0 });
      events.push({ type: 'stream-closed', seq: seq++, timestamp: i, streamId, errorCode: i % 11 });
    }
    const file = join(tmp.dir, 'wide.moqtrace');
    writeFileSync(file, writeTrace({ header, events }));
    const run = await xtrace(['stats', file]);
    expect(run.code).toBe(0);
    const rows = computeStats(events).streams.map((x) => [
      String(x.streamId),
      String(x.objects),
      String(x.payloads),
      String(x.bytes),
      `error code ${x.closed?.errorCode}`,
    ]);
    const table = formatTable({
      columns: [
        { title: 'STREAM', right: true },
        { title: 'OBJECTS', right: true },
        { title: 'PAYLOADS', right: true },
        { title: 'BYTES', right: true },
        { title: 'CLOSED' },
      ],
      rows,
    });
    expect(run.stdout).toContain(`\n\n${table}`);
    expect(run.stdout).toContain(`\n${String(2n ** 63n)}        0         0      0  error code 7\n`);
  }, 120_000);
});
