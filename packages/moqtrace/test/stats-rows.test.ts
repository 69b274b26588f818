import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdIndex } from '../src/analysis/id-index.js';
import { createStatsBuilder, createTrackTableBuilder, type StreamStats } from '../src/analysis/index.js';
import type { Numeric, TraceEvent } from '../src/index.js';

/** The data-stream rows computed the straightforward way: one object per stream id, fields set as events come. */
function referenceRows(events: readonly TraceEvent[]): StreamStats[] {
  const rows = new Map<bigint, StreamStats>();
  const row = (id: bigint, t: number): StreamStats => {
    let r = rows.get(id);
    if (!r) {
      r = { streamId: id, objects: 0, payloads: 0, bytes: 0, firstTimestamp: t, lastTimestamp: t };
      rows.set(id, r);
    }
    r.firstTimestamp = Math.min(r.firstTimestamp, t);
    r.lastTimestamp = Math.max(r.lastTimestamp, t);
    return r;
  };
  events.forEach((e, index) => {
    const t = Number(e.timestamp);
    if (e.type === 'stream-opened') {
      const r = row(e.streamId, t);
      if (r.openIndex !== undefined) return;
      r.openIndex = index;
      r.direction = e.direction;
      r.streamType = e.streamType;
      if (e.trackAlias !== undefined) r.trackAlias = e.trackAlias;
      if (e.subgroupId !== undefined) r.subgroupId = e.subgroupId;
      if (e.groupId !== undefined) r.groupId = e.groupId;
      if (e.fetchRequestId !== undefined) r.fetchRequestId = e.fetchRequestId;
    } else if (e.type === 'object-header') row(e.streamId, t).objects++;
    else if (e.type === 'object-payload') {
      const r = row(e.streamId, t);
      r.payloads++;
      r.bytes += Number(e.size);
    } else if (e.type === 'stream-closed') {
      const r = row(e.streamId, t);
      r.closed = { errorCode: e.errorCode };
      r.closeIndex = index;
    }
  });
  return [...rows.values()];
}

/** JSON text with bigints tagged (so that `1n` and `1` differ), keys in their order. */
const exact = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

const BIG = [0n, 1n, 4n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 62n - 1n, 2n ** 64n - 1n];
const id = fc.oneof(fc.constantFrom(...BIG), fc.bigInt({ min: 0n, max: 12n }));
const numeric = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom<Numeric>(2n ** 64n - 1n, 7n, 2 ** 40));

const event = fc.oneof(
  fc.record({
    type: fc.constant('stream-opened' as const),
    streamId: id,
    direction: numeric,
    streamType: numeric,
    trackAlias: fc.option(id, { nil: undefined }),
    subgroupId: fc.option(id, { nil: undefined }),
    groupId: fc.option(id, { nil: undefined }),
    fetchRequestId: fc.option(id, { nil: undefined }),
  }),
  fc.record({ type: fc.constant('stream-closed' as const), streamId: id, errorCode: numeric }),
  fc.record({
    type: fc.constant('object-header' as const),
    streamId: id,
    groupId: fc.constant(0n),
    objectId: fc.constant(0n),
    publisherPriority: fc.constant(0),
    objectStatus: fc.constant(0),
  }),
  fc.record({
    type: fc.constant('object-payload' as const),
    streamId: id,
    groupId: fc.constant(0n),
    objectId: fc.constant(0n),
    size: fc.oneof(fc.integer({ min: 0, max: 70000 }), fc.constant(2 ** 45)),
  }),
  fc.record({ type: fc.constant('annotation' as const), label: fc.constant('x') }),
);

/** Random events with sequence numbers and timestamps in any order; optional fields left out when undefined. */
const events = fc
  .array(fc.tuple(event, fc.integer({ min: -5000, max: 5000 })), { maxLength: 80 })
  .map((list) =>
    list.map(
      ([e, timestamp], seq) =>
        Object.fromEntries(Object.entries({ ...e, seq, timestamp }).filter(([, v]) => v !== undefined)) as TraceEvent,
    ),
  );

describe('createStatsBuilder data-stream rows (compact store)', () => {
  it('equal the straightforward per-stream objects, key order and value types included (property)', () => {
    fc.assert(
      fc.property(events, (list) => {
        const builder = createStatsBuilder();
        for (const e of list) builder.add(e);
        const want = exact(referenceRows(list));
        expect(exact(builder.result().streams)).toBe(want);
        expect(exact([...builder.streams()])).toBe(want);
        expect(builder.streamCount).toBe(referenceRows(list).length);
        const full = builder.result();
        const summary = builder.result({ streams: false });
        expect(summary.streams).toEqual([]);
        expect(exact({ ...summary, streams: full.streams })).toBe(exact(full));
      }),
      { numRuns: 400 },
    );
  });

  it('keep thousands of streams apart across pages and index growth, with ids reused after their close', () => {
    const list: TraceEvent[] = [];
    let seq = 0;
    const ids = (i: number): bigint => (i % 7 === 3 ? 2n ** 53n + BigInt(i) : BigInt(4 * i));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) {
        const streamId = ids(i);
        const timestamp = (i * 13) % 997; // not in order
        list.push(
          { type: 'stream-opened', seq: seq++, timestamp, streamId, direction: 1, streamType: 0, trackAlias: 5n },
          { type: 'object-payload', seq: seq++, timestamp, streamId, groupId: 0n, objectId: 0n, size: i + round },
          { type: 'stream-closed', seq: seq++, timestamp: timestamp + 1, streamId, errorCode: round },
        );
      }
    }
    const builder = createStatsBuilder();
    for (const e of list) builder.add(e);
    expect(builder.streamCount).toBe(3000);
    expect(exact(builder.result().streams)).toBe(exact(referenceRows(list)));
    const row = [...builder.streams()][10] as StreamStats;
    expect(row).toMatchObject({ streamId: 2n ** 53n + 10n, payloads: 2, bytes: 21, closed: { errorCode: 1 } });
    expect(row.openIndex).toBe(30); // the first opening, kept after the reuse
    expect(row.closeIndex).toBe(3 * 3000 + 32); // the last close
  });

  it('result() rows and streams() rows are fresh objects: changing one changes nothing else', () => {
    const builder = createStatsBuilder();
    builder.add({ type: 'stream-closed', seq: 0, timestamp: 1, streamId: 8n, errorCode: 3 });
    const a = builder.result().streams[0] as StreamStats;
    a.objects = 99;
    (a.closed as { errorCode: Numeric }).errorCode = 9;
    const b = [...builder.streams()][0] as StreamStats;
    expect(b).toEqual({
      streamId: 8n,
      objects: 0,
      payloads: 0,
      bytes: 0,
      firstTimestamp: 1,
      lastTimestamp: 1,
      closed: { errorCode: 3 },
      closeIndex: 0,
    });
  });
});

describe('IdIndex', () => {
  it('behaves like a Map from bigint ids, across growth and ids beyond 2^53 (property)', () => {
    const op = fc.tuple(fc.oneof(id, fc.bigInt({ min: 0n, max: 5000n })), fc.integer({ min: 0, max: 2 ** 31 - 2 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.array(id, { maxLength: 20 }), (ops, probes) => {
        const index = new IdIndex();
        const map = new Map<bigint, number>();
        for (const [key, value] of ops) {
          index.set(key, value);
          map.set(key, value);
        }
        for (const key of [...map.keys(), ...probes]) expect(index.get(key)).toBe(map.get(key));
      }),
      { numRuns: 200 },
    );
  });
});

describe('createTrackTableBuilder with many data streams', () => {
  it('joins every data stream of the track, ids beyond 2^53 included', () => {
    const tracks = createTrackTableBuilder({ draft: 14 });
    let seq = 0;
    tracks.add({
      type: 'control',
      seq: seq++,
      timestamp: 0,
      direction: 0,
      messageType: 3,
      message: { type: 'subscribe', request_id: 1, track_namespace: ['a'], track_name: 'b' },
    });
    tracks.add({
      type: 'control',
      seq: seq++,
      timestamp: 1,
      direction: 1,
      messageType: 4,
      message: { type: 'subscribe_ok', request_id: 1, track_alias: 5 },
    });
    const ids: bigint[] = [];
    for (let i = 0; i < 5000; i++) {
      const streamId = i % 2 ? 2n ** 60n + BigInt(i) : BigInt(i * 4);
      ids.push(streamId);
      tracks.add({
        type: 'stream-opened',
        seq: seq++,
        timestamp: 2,
        streamId,
        direction: 1,
        streamType: 0,
        trackAlias: 5n,
      });
    }
    for (const streamId of ids) {
      tracks.add({
        type: 'object-header',
        seq: seq++,
        timestamp: 3,
        streamId,
        groupId: 0n,
        objectId: 0n,
        publisherPriority: 0,
        objectStatus: 0,
      });
      tracks.add({ type: 'object-payload', seq: seq++, timestamp: 3, streamId, groupId: 0n, objectId: 0n, size: 10 });
    }
    tracks.add({
      type: 'object-header',
      seq: seq++,
      timestamp: 3,
      streamId: 1n,
      groupId: 0n,
      objectId: 0n,
      publisherPriority: 0,
      objectStatus: 0,
    });
    const [track] = tracks.result().tracks;
    expect(track?.dataStreams).toEqual(ids);
    expect(track?.objects).toBe(5000);
    expect(track?.bytes).toBe(50000);
    // one at a time, without filling the entries
    const lean = tracks.result({ dataStreams: false });
    expect(lean.tracks[0]?.dataStreams).toEqual([]);
    expect([...tracks.dataStreams(0)]).toEqual(ids);
    expect([...tracks.dataStreams(1)]).toEqual([]);
    // a stream id opened again on the track is listed again, like the whole-array table lists it
    tracks.add({
      type: 'stream-opened',
      seq: seq++,
      timestamp: 4,
      streamId: 0n,
      direction: 1,
      streamType: 0,
      trackAlias: 5n,
    });
    expect(tracks.result().tracks[0]?.dataStreams).toEqual([...ids, 0n]);
    expect([...tracks.dataStreams(0)].at(-1)).toBe(0n);
  });
});
