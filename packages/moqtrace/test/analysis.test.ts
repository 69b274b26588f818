import { fromBytes } from '@x/binary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildTrackTable,
  computeStats,
  controlMessageName,
  createStatsBuilder,
  createTrackTableBuilder,
  detectDraft,
  draftFromProtocol,
  draftFromVersion,
  MESSAGE_TYPES,
  messageTypeId,
  messageTypeName,
  versionFromDraft,
} from '../src/analysis/index.js';
import { openTraceReader, readTrace, type TraceEvent, writeTrace } from '../src/index.js';
import { corpus, fixtureNames, loadBytes, loadExpected, renderLines, skipWithout } from './helpers/fixtures.js';
import { HEADER } from './helpers/generate.js';

describe('control message naming', () => {
  it('follows the per-draft table, including ids that change meaning', () => {
    expect(messageTypeName(0x05, 14)).toBe('subscribe_error');
    expect(messageTypeName(0x05, 15)).toBe('request_error');
    expect(messageTypeName(0x07, 13)).toBe('announce_ok');
    expect(messageTypeName(0x07, 14)).toBe('publish_namespace_ok');
    expect(messageTypeName(0x07, 16)).toBe('request_ok');
    expect(messageTypeName(0x0f, 19)).toBe('publish_skipped');
    expect(messageTypeName(0x40, 10)).toBe('client_setup');
    expect(messageTypeName(0x40, 11)).toBeUndefined();
    expect(messageTypeName(0x2f00, 17)).toBe('setup');
    expect(messageTypeName(0x00, 14)).toBeUndefined();
    expect(messageTypeId('subscribe_ok', 19)).toBe(4);
    expect(messageTypeId('setup', 16)).toBeUndefined();
  });

  it('never has two names for one id in one draft', () => {
    for (let draft = 7; draft <= 19; draft++) {
      const seen = new Map<number, string>();
      for (const row of MESSAGE_TYPES) {
        if (draft < row.from || draft > row.to) continue;
        expect(seen.has(row.id), `draft ${draft} id ${row.id}`).toBe(false);
        seen.set(row.id, row.name);
      }
    }
  });

  it('prefers msg.type, then the table, then hex', () => {
    expect(controlMessageName({ messageType: 3, message: { type: 'fancy' } }, 14)).toBe('fancy');
    expect(controlMessageName({ messageType: 3, message: { type: '' } }, 14)).toBe('subscribe');
    expect(controlMessageName({ messageType: 3, message: 'Debug string' }, 14)).toBe('subscribe');
    expect(controlMessageName({ messageType: 0x2f00, message: {} }, 14)).toBe('0x2f00');
    expect(controlMessageName({ messageType: 0x2f00, message: {} })).toBe('0x2f00');
  });

  it('detects the draft from the protocol or the selected version', () => {
    expect(draftFromProtocol('moq-transport-14')).toBe(14);
    expect(draftFromProtocol('moq-transport-rfc9999')).toBeUndefined();
    expect(draftFromVersion(0xff00000en)).toBe(14);
    expect(draftFromVersion(42)).toBeUndefined();
    expect(versionFromDraft(14)).toBe(0xff00000e);
    for (let draft = 0; draft <= 255; draft++) expect(draftFromVersion(versionFromDraft(draft))).toBe(draft);
    expect(versionFromDraft(256)).toBeUndefined();
    expect(versionFromDraft(-1)).toBeUndefined();
    expect(versionFromDraft(1.5)).toBeUndefined();
    const setup: TraceEvent = {
      type: 'control',
      seq: 0,
      timestamp: 0,
      direction: 1,
      messageType: 0x21,
      message: { selected_version: 0xff000010 },
    };
    expect(detectDraft({ protocol: 'moq-transport-unknown' }, [setup])).toBe(16);
  });
});

describe('request pairing', () => {
  const control = (
    seq: number,
    direction: number,
    messageType: number,
    message: unknown,
    streamId?: bigint,
  ): TraceEvent => ({
    type: 'control',
    seq,
    timestamp: seq * 100,
    direction,
    messageType,
    message,
    ...(streamId !== undefined ? { streamId } : {}),
  });

  it('pairs by request id up to draft 16 and joins data streams by alias', () => {
    const events: TraceEvent[] = [
      control(0, 0, 3, { request_id: 1, track_namespace: ['live'], track_name: 'video' }),
      control(1, 0, 3, { request_id: 3, track_namespace: ['live'], track_name: 'audio' }),
      control(2, 1, 4, { request_id: 1, track_alias: 5 }),
      control(3, 1, 5, { request_id: 3, reason_phrase: 'no such track' }),
      { type: 'stream-opened', seq: 4, timestamp: 450, streamId: 3n, direction: 1, streamType: 0, trackAlias: 5n },
      {
        type: 'object-header',
        seq: 5,
        timestamp: 460,
        streamId: 3n,
        groupId: 0n,
        objectId: 0n,
        publisherPriority: 1,
        objectStatus: 0,
      },
      { type: 'object-payload', seq: 6, timestamp: 461, streamId: 3n, groupId: 0n, objectId: 0n, size: 1200 },
      control(7, 1, 0x0b, { request_id: 1, reason_phrase: 'ended' }),
    ];
    const table = buildTrackTable(events, { draft: 14 });
    expect(table.tracks).toHaveLength(2);
    expect(table.tracks[0]).toMatchObject({
      request: 'subscribe',
      pairing: 'request-id',
      requestId: 1n,
      name: 'video',
      alias: 5n,
      status: 'done',
      reason: 'ended',
      latencyMicros: 200,
      objects: 1,
      bytes: 1200,
      dataStreams: [3n],
    });
    expect(table.tracks[1]).toMatchObject({
      name: 'audio',
      status: 'error',
      reason: 'no such track',
      latencyMicros: 200,
    });
  });

  it('uses camelCase requestId and subscribe_id before draft 11', () => {
    const camel = buildTrackTable([control(0, 0, 3, { requestId: 9 }), control(1, 1, 4, { requestId: 9 })], {
      draft: 14,
    });
    expect(camel.tracks[0]?.status).toBe('active');
    const old = buildTrackTable([control(0, 0, 3, { subscribe_id: 2 }), control(1, 1, 4, { subscribe_id: 2 })], {
      draft: 8,
    });
    expect(old.tracks[0]?.status).toBe('active');
  });

  it('pairs by stream from draft 17 and refuses to guess without sid', () => {
    const events = [control(0, 0, 3, { track_name: 'v' }, 4n), control(1, 1, 4, { track_alias: 2 }, 4n)];
    expect(buildTrackTable(events, { draft: 17 }).tracks[0]).toMatchObject({
      pairing: 'stream',
      status: 'active',
      alias: 2n,
    });
    const noSid = [control(0, 0, 3, { track_name: 'v' }), control(1, 1, 4, { track_alias: 2 })];
    const table = buildTrackTable(noSid, { draft: 17 });
    expect(table.tracks[0]).toMatchObject({ pairing: 'unpaired', status: 'pending' });
    expect(table.unmatchedResponses).toEqual([1]);
  });

  it('joins fetch streams through fri', () => {
    const events: TraceEvent[] = [
      control(0, 0, 0x16, { request_id: 42 }),
      control(1, 1, 0x18, { request_id: 42 }),
      { type: 'stream-opened', seq: 2, timestamp: 1, streamId: 8n, direction: 1, streamType: 2, fetchRequestId: 42n },
      { type: 'object-payload', seq: 3, timestamp: 2, streamId: 8n, groupId: 0n, objectId: 0n, size: 10 },
    ];
    expect(buildTrackTable(events, { draft: 16 }).tracks[0]).toMatchObject({
      request: 'fetch',
      status: 'active',
      bytes: 10,
    });
  });
});

describe('statistics', () => {
  it('counts types, messages, stream bytes and the time range', () => {
    const events: TraceEvent[] = [
      { type: 'control', seq: 0, timestamp: -5, direction: 0, messageType: 3, message: {} },
      { type: 'stream-opened', seq: 1, timestamp: 10, streamId: 3n, direction: 1, streamType: 0 },
      { type: 'object-payload', seq: 2, timestamp: 20, streamId: 3n, groupId: 0n, objectId: 0n, size: 7 },
      { type: 'object-payload', seq: 3, timestamp: 30, streamId: 3n, groupId: 0n, objectId: 1n, size: 8 },
      { type: 'stream-closed', seq: 4, timestamp: 40, streamId: 3n, errorCode: 0 },
    ];
    const stats = computeStats(events, { header: HEADER });
    expect(stats.byType).toEqual({ control: 1, 'stream-opened': 1, 'object-payload': 2, 'stream-closed': 1 });
    expect(stats.byMessage).toEqual({ subscribe: 1 });
    expect(stats.streams).toEqual([
      {
        streamId: 3n,
        direction: 1,
        streamType: 0,
        openIndex: 1,
        closeIndex: 4,
        objects: 0,
        payloads: 2,
        bytes: 15,
        closed: { errorCode: 0 },
        firstTimestamp: 10,
        lastTimestamp: 40,
      },
    ]);
    expect(stats.timeRange).toEqual({ first: -5, last: 40 });
    expect(stats.wallClock?.start).toBe(HEADER.startTime - 0.005);
  });
});

describe('per-stream statistics', () => {
  const opened = (seq: number, streamId: bigint, extra: Partial<Extract<TraceEvent, { type: 'stream-opened' }>>) =>
    ({
      type: 'stream-opened',
      seq,
      timestamp: seq * 100,
      streamId,
      direction: 1,
      streamType: 0,
      ...extra,
    }) as TraceEvent;

  it('keeps how each stream was opened (subgroup with alias, fetch with request id) and closed', () => {
    const events: TraceEvent[] = [
      opened(0, 3n, { trackAlias: 7n, subgroupId: 2n, groupId: 40n }),
      opened(1, 6n, { direction: 0, streamType: 2, fetchRequestId: 9n }),
      {
        type: 'object-header',
        seq: 2,
        timestamp: 250,
        streamId: 3n,
        groupId: 40n,
        objectId: 0n,
        publisherPriority: 1,
        objectStatus: 0,
      },
      { type: 'object-payload', seq: 3, timestamp: 260, streamId: 3n, groupId: 40n, objectId: 0n, size: 100 },
      { type: 'object-payload', seq: 4, timestamp: 270, streamId: 6n, groupId: 1n, objectId: 5n, size: 3 },
      { type: 'error', seq: 5, timestamp: 280, errorCode: 3, reason: 'reset', streamId: 3n },
      { type: 'stream-closed', seq: 6, timestamp: 300, streamId: 3n, errorCode: 3 },
      { type: 'stream-closed', seq: 7, timestamp: 90, streamId: 6n, errorCode: 0 },
    ];
    const { streams } = computeStats(events);
    expect(streams).toEqual([
      {
        streamId: 3n,
        direction: 1,
        streamType: 0,
        trackAlias: 7n,
        subgroupId: 2n,
        groupId: 40n,
        openIndex: 0,
        closeIndex: 6,
        objects: 1,
        payloads: 1,
        bytes: 100,
        closed: { errorCode: 3 },
        firstTimestamp: 0,
        lastTimestamp: 300,
      },
      {
        streamId: 6n,
        direction: 0,
        streamType: 2,
        fetchRequestId: 9n,
        openIndex: 1,
        closeIndex: 7,
        objects: 0,
        payloads: 1,
        bytes: 3,
        closed: { errorCode: 0 },
        firstTimestamp: 90,
        lastTimestamp: 270,
      },
    ]);
  });

  it('starts a row for data seen before (or without) its stream-opened, and keeps the first opening', () => {
    const builder = createStatsBuilder();
    builder.add({ type: 'object-payload', seq: 0, timestamp: 50, streamId: 11n, groupId: 0n, objectId: 0n, size: 4 });
    expect(builder.result().streams).toEqual([
      { streamId: 11n, objects: 0, payloads: 1, bytes: 4, firstTimestamp: 50, lastTimestamp: 50 },
    ]);
    builder.add(opened(1, 11n, { trackAlias: 1n }));
    builder.add(opened(2, 11n, { trackAlias: 2n }));
    expect(builder.result().streams[0]).toMatchObject({
      openIndex: 1,
      trackAlias: 1n,
      firstTimestamp: 50,
      lastTimestamp: 200,
    });
  });

  it('result() is a snapshot: later events do not change an earlier result', () => {
    const builder = createStatsBuilder();
    builder.add(opened(0, 3n, {}));
    builder.add({ type: 'stream-closed', seq: 1, timestamp: 10, streamId: 3n, errorCode: 0 });
    const before = builder.result();
    builder.add({ type: 'object-payload', seq: 2, timestamp: 20, streamId: 3n, groupId: 0n, objectId: 0n, size: 9 });
    builder.add({ type: 'stream-closed', seq: 3, timestamp: 30, streamId: 3n, errorCode: 5 });
    expect(before.streams[0]).toMatchObject({ bytes: 0, closeIndex: 1, closed: { errorCode: 0 }, lastTimestamp: 10 });
    expect(builder.result().streams[0]).toMatchObject({
      bytes: 9,
      closeIndex: 3,
      closed: { errorCode: 5 },
      lastTimestamp: 30,
    });
  });

  it('equals a per-stream recount of the events, whatever their order (property)', () => {
    const step = fc.record({
      kind: fc.constantFrom('stream-opened', 'stream-closed', 'object-header', 'object-payload', 'annotation'),
      sid: fc.integer({ min: 0, max: 4 }),
      time: fc.integer({ min: -1000, max: 1000 }),
      size: fc.integer({ min: 0, max: 5000 }),
      alias: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      code: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const events: TraceEvent[] = steps.map((s, seq) => {
          const base = { seq, timestamp: s.time, streamId: BigInt(s.sid) };
          switch (s.kind) {
            case 'stream-opened':
              return {
                ...base,
                type: 'stream-opened',
                direction: s.code % 2,
                streamType: 0,
                ...(s.alias === undefined ? {} : { trackAlias: BigInt(s.alias) }),
              };
            case 'stream-closed':
              return { ...base, type: 'stream-closed', errorCode: s.code };
            case 'object-header':
              return {
                ...base,
                type: 'object-header',
                groupId: 0n,
                objectId: BigInt(seq),
                publisherPriority: 0,
                objectStatus: 0,
              };
            case 'object-payload':
              return { ...base, type: 'object-payload', groupId: 0n, objectId: BigInt(seq), size: s.size };
            default:
              return { seq, timestamp: s.time, type: 'annotation', label: 'x' };
          }
        }) as TraceEvent[];
        const builder = createStatsBuilder();
        for (const event of events) builder.add(event);
        const got = builder.result().streams;
        const ids = [
          ...new Set(events.flatMap((e) => ('streamId' in e && e.type !== 'annotation' ? [e.streamId as bigint] : []))),
        ];
        expect(got.map((s) => s.streamId)).toEqual(ids);
        for (const row of got) {
          const mine = events
            .map((event, index) => ({ event, index }))
            .filter(
              ({ event }) => event.type !== 'annotation' && 'streamId' in event && event.streamId === row.streamId,
            );
          const times = mine.map(({ event }) => Number(event.timestamp));
          const open = mine.find(({ event }) => event.type === 'stream-opened');
          const close = mine.filter(({ event }) => event.type === 'stream-closed').at(-1);
          const payloads = mine.filter(({ event }) => event.type === 'object-payload');
          expect(row.firstTimestamp).toBe(Math.min(...times));
          expect(row.lastTimestamp).toBe(Math.max(...times));
          expect(row.openIndex).toBe(open?.index);
          expect(row.trackAlias).toBe(open?.event.type === 'stream-opened' ? open.event.trackAlias : undefined);
          expect(row.closeIndex).toBe(close?.index);
          expect(row.closed?.errorCode).toBe(close?.event.type === 'stream-closed' ? close.event.errorCode : undefined);
          expect(row.objects).toBe(mine.filter(({ event }) => event.type === 'object-header').length);
          expect(row.payloads).toBe(payloads.length);
          expect(row.bytes).toBe(
            payloads.reduce((n, { event }) => n + (event.type === 'object-payload' ? Number(event.size) : 0), 0),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

const v1 = corpus('moqtrace');
describe.skipIf(skipWithout(v1))(`pairing on the corpus (${v1.dir})`, () => {
  it('control-session-draft14: request ids, snake_case', () => {
    const trace = readTrace(loadBytes(v1.dir, 'control-session-draft14'));
    const table = buildTrackTable(trace.events, { header: trace.segments[0]!.header });
    expect(table.draft).toBe(14);
    expect(table.tracks.map((t) => [t.request, t.requestId, t.status])).toEqual([
      ['subscribe', 1n, 'done'],
      ['subscribe', 3n, 'pending'],
      ['fetch', 2n, 'active'],
    ]);
    expect(table.tracks[0]?.alias).toBe(5n);
  });

  it('control-session-draft17-sid: stream ids', () => {
    const trace = readTrace(loadBytes(v1.dir, 'control-session-draft17-sid'));
    const table = buildTrackTable(trace.events, { header: trace.segments[0]!.header });
    expect(table.draft).toBe(17);
    expect(table.tracks.map((t) => [t.streamId, t.status, t.alias, t.reason])).toEqual([
      [0n, 'active', 1n, undefined],
      [4n, 'error', undefined, 'track does not exist'],
    ]);
    const stats = computeStats(trace.events, { header: trace.segments[0]!.header });
    expect(stats.byMessage).toMatchObject({ setup: 2, subscribe: 2, subscribe_ok: 1, request_error: 1 });
  });

  it('written-by-trace-0.1.2 (no control sid) reads, names and writes back the same events', () => {
    const trace = readTrace(loadBytes(v1.dir, 'written-by-trace-0.1.2'));
    const stats = computeStats(trace.events, { header: trace.segments[0]!.header });
    expect(stats.events).toBe(loadExpected(v1.dir, 'written-by-trace-0.1.2').eventCount);
    expect(stats.byMessage).toMatchObject({ subscribe: 1, subscribe_ok: 1 });
    const back = readTrace(writeTrace(trace));
    expect(renderLines(back.events)).toBe(renderLines(trace.events));
    expect(back.header).toEqual(trace.header);
  });
});

const v2 = corpus('moqtrace-v2');
// What the reference reader counted for these differs on purpose (spec §12.2: items it reads and this one reports).
const REFERENCE_DIFFERS = ['empty-values', 'stray-break-byte', 'unknown-and-malformed-events'];

/** Event type ids of the spec, for the per-type counts of the v2 corpus (`eventTypes` by id). */
const TYPE_NAMES = [
  'control',
  'stream-opened',
  'stream-closed',
  'object-header',
  'object-payload',
  'state-change',
  'error',
  'annotation',
  'peer-connected',
  'peer-disconnected',
  'subscription-derivation',
];

describe.skipIf(skipWithout(v1, v2))('incremental statistics on every fixture', () => {
  it('createStatsBuilder fed by a streaming reader counts the events and events per type the corpus lists', async () => {
    let compared = 0;
    for (const c of [v1, v2]) {
      for (const name of fixtureNames(c.dir)) {
        const expected = loadExpected(c.dir, name);
        const counts: Record<string, number> | undefined = expected.eventTypeCounts ?? expected.eventTypes;
        if (typeof expected.eventCount !== 'number' || counts === undefined || REFERENCE_DIFFERS.includes(name))
          continue;
        if (expected.readMoqtrace !== 'ok' && expected.readMoqtrace?.outcome !== 'ok') continue;
        const byName: Record<string, number> = {};
        for (const [type, n] of Object.entries(counts)) {
          const key = /^\d+$/.test(type) ? (TYPE_NAMES[Number(type)] ?? 'unknown') : type;
          byName[key] = (byName[key] ?? 0) + n;
        }
        const header = readTrace(loadBytes(c.dir, name)).segments[0]!.header;
        const stats = createStatsBuilder({ header });
        const reader = await openTraceReader(fromBytes(loadBytes(c.dir, name), { chunkSize: 4096 }));
        for await (const record of reader) if (record.kind === 'event') stats.add(record.event);
        expect(stats.result().events, name).toBe(expected.eventCount);
        expect(stats.result().byType, name).toEqual(byName);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(30); // every readable fixture of both corpora but the three above
  }, 300_000);
});

/**
 * An independent model of request pairing (spec §9.3), as plain as possible: linear searches over every earlier
 * request instead of the builder's maps. Requests pair by request id up to draft 16 (the latest open request of
 * that id sent the other way), by the request's stream from draft 17 (the latest request on that stream, if it has
 * no response yet and was sent the other way); `unsubscribe` ends the latest request of its id or stream; data
 * streams join the track whose alias (from the request or its OK) was given last.
 */
function pairingModel(events: readonly TraceEvent[], draft: number) {
  interface Entry {
    request: string;
    pairing: string;
    requestId?: bigint;
    streamId?: bigint;
    direction: number;
    requestIndex: number;
    responseIndex?: number;
    status: string;
    alias?: bigint;
    latencyMicros?: number;
    bytes: number;
    dataStreams: bigint[];
  }
  const entries: Entry[] = [];
  const unmatched: number[] = [];
  const aliases: [bigint, Entry][] = [];
  const data: [bigint, Entry][] = [];
  const stream = draft >= 17;
  events.forEach((event, index) => {
    if (event.type === 'stream-opened' && event.trackAlias !== undefined) {
      const found = aliases.filter(([alias]) => alias === event.trackAlias).at(-1);
      if (found) {
        data.push([event.streamId, found[1]]);
        found[1].dataStreams.push(event.streamId);
      }
    }
    if (event.type === 'object-payload') {
      const found = data.filter(([id]) => id === event.streamId).at(-1);
      if (found) found[1].bytes += Number(event.size);
    }
    if (event.type !== 'control') return;
    const message = event.message as { type: string; request_id?: number; track_alias?: number };
    const id = message.request_id === undefined ? undefined : BigInt(message.request_id);
    const alias = message.track_alias === undefined ? undefined : BigInt(message.track_alias);
    const direction = Number(event.direction);
    if (['subscribe', 'fetch', 'publish'].includes(message.type)) {
      const entry: Entry = {
        request: message.type,
        pairing: stream
          ? event.streamId === undefined
            ? 'unpaired'
            : 'stream'
          : id === undefined
            ? 'unpaired'
            : 'request-id',
        direction,
        requestIndex: index,
        status: 'pending',
        bytes: 0,
        dataStreams: [],
      };
      if (id !== undefined) entry.requestId = id;
      if (event.streamId !== undefined) entry.streamId = event.streamId;
      if (alias !== undefined) {
        entry.alias = alias;
        aliases.push([alias, entry]);
      }
      entries.push(entry);
      return;
    }
    const response = message.type.endsWith('_ok') || message.type.endsWith('_error');
    if (!response && message.type !== 'unsubscribe') return;
    let entry: Entry | undefined;
    if (stream) {
      const latest = entries.filter((e) => event.streamId !== undefined && e.streamId === event.streamId).at(-1);
      if (!response) entry = latest;
      else if (latest && latest.responseIndex === undefined && latest.direction !== direction) entry = latest;
    } else {
      const same = entries.filter((e) => e.pairing === 'request-id' && id !== undefined && e.requestId === id);
      entry = response
        ? same.filter((e) => e.responseIndex === undefined && e.direction !== direction).at(-1)
        : same.at(-1);
    }
    if (!entry) {
      if (response) unmatched.push(index);
      return;
    }
    if (!response) {
      entry.status = 'done';
      return;
    }
    entry.responseIndex = index;
    entry.latencyMicros = Number(event.timestamp) - Number(events[entry.requestIndex]!.timestamp);
    entry.status = message.type.endsWith('_ok') ? 'active' : 'error';
    if (message.type.endsWith('_ok') && alias !== undefined) {
      entry.alias = alias;
      aliases.push([alias, entry]);
    }
  });
  return {
    tracks: entries.map(({ direction: _direction, ...rest }) => ({ ...rest, objects: 0 })),
    unmatchedResponses: unmatched,
  };
}

describe('incremental track table', () => {
  it('pairs random request/response sequences like an independent model, by request id and by stream (property)', () => {
    const names = ['subscribe', 'subscribe_ok', 'subscribe_error', 'fetch', 'fetch_ok', 'unsubscribe', 'publish'];
    const step = fc.record({
      type: fc.constantFrom(...names),
      direction: fc.integer({ min: 0, max: 1 }),
      id: fc.integer({ min: 0, max: 3 }),
      sid: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      alias: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      data: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.constantFrom(14, 17), (steps, draft) => {
        const events: TraceEvent[] = [];
        steps.forEach((s, i) => {
          events.push({
            type: 'control',
            seq: events.length,
            timestamp: i * 10,
            direction: s.direction,
            messageType: 0,
            message: { type: s.type, request_id: s.id, track_alias: s.alias },
            ...(s.sid !== undefined ? { streamId: BigInt(s.sid) } : {}),
          });
          if (s.data === 0) {
            events.push({
              type: 'stream-opened',
              seq: events.length,
              timestamp: i * 10 + 1,
              streamId: BigInt(100 + i),
              direction: 1,
              streamType: 0,
              trackAlias: BigInt(s.alias ?? 0),
            });
            events.push({
              type: 'object-payload',
              seq: events.length,
              timestamp: i * 10 + 2,
              streamId: BigInt(100 + i),
              groupId: 0n,
              objectId: 0n,
              size: 10,
            });
          }
        });
        const model = pairingModel(events, draft);
        const builder = createTrackTableBuilder({ draft });
        for (const event of events) builder.add(event);
        const { tracks, unmatchedResponses } = builder.result();
        expect({ tracks, unmatchedResponses }).toEqual(model);
        expect(buildTrackTable(events, { draft })).toEqual({ draft, tracks, unmatchedResponses });
      }),
      { numRuns: 300 },
    );
  });

  it('detects the draft from a SETUP as it streams and names later messages with it', () => {
    const setup: TraceEvent = {
      type: 'control',
      seq: 0,
      timestamp: 0,
      direction: 1,
      messageType: 0x21,
      message: { selected_version: 0xff000011 },
    };
    const builder = createTrackTableBuilder({ header: { protocol: 'moq-transport-unknown' } });
    const stats = createStatsBuilder();
    for (const event of [setup, { ...setup, seq: 1, messageType: 0x03, message: {}, streamId: 4n }] as TraceEvent[]) {
      builder.add(event);
      stats.add(event);
    }
    expect(builder.result().draft).toBe(17);
    expect(builder.result().tracks).toMatchObject([{ request: 'subscribe', pairing: 'stream', streamId: 4n }]);
    expect(stats.result().byMessage).toMatchObject({ subscribe: 1 });
  });
});
