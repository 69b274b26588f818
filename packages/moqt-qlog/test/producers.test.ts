import type { TraceEvent } from '@x/moqtrace';
import { describe, expect, it } from 'vitest';
import { openQlogReader, QlogError, readQlog } from '../src/index.js';
import { renderings } from './helpers/moqtrace.js';
import {
  draft07Sequential,
  imquicContained,
  imquicSequential,
  legacyArrayEvents,
  moqRsNdjson,
  moqRsSequential,
  moxygenMlog,
  quicOnly,
  transfork,
} from './helpers/producers.js';

/** The canonical renderings parsed back, for readable deep comparisons. */
function rendered(events: readonly TraceEvent[]): Record<string, unknown>[] {
  return renderings(events).map((line) => JSON.parse(line));
}

describe('moxygen mlog (concatenated pretty-printed objects, no header)', () => {
  const contents = readQlog(moxygenMlog(), { startTime: 1_700_000_000_000 });
  const events = rendered(contents.events);

  it('maps the header: relative clock, vantage point of the first event, version of the setup', () => {
    expect(contents.framing).toBe('concatenated');
    expect(contents.header).toEqual({
      protocol: 'moq-transport-14',
      perspective: 'client',
      detail: 'headers+data',
      startTime: 1_700_000_000_000,
      source: 'moxygen',
      custom: { qlogTimeBase: 'relative' },
    });
  });

  it('reads string nanosecond times, leaves out the hard-coded control stream 0, normalises message shapes', () => {
    expect(events[0]).toEqual({
      type: 'control',
      seq: 0,
      timestamp: 1000,
      direction: 0,
      messageType: 0x20,
      message: { type: 'client_setup', version: [4278190094], parameters: { path: '/moq' } },
      extra: { length: '24' },
    });
    expect(events[2]).toMatchObject({
      timestamp: 3000,
      messageType: 3,
      message: { type: 'subscribe', request_id: 1, track_namespace: ['live', 'room1'], track_name: 'video' },
    });
    const names = contents.events.filter((e) => e.type === 'control').map((e) => (e.message as { type: string }).type);
    expect(names).toEqual([
      'client_setup',
      'server_setup',
      'subscribe',
      'subscribe_ok',
      'unsubscribe',
      'publish_namespace_done',
      'publish_namespace_ok',
    ]);
    expect(events.find((e) => (e.message as { type?: string })?.type === 'unsubscribe')).toMatchObject({
      messageType: 0x0a,
      message: { request_id: 1 },
    });
    expect(events.find((e) => (e.message as { type?: string })?.type === 'publish_namespace_ok')).toMatchObject({
      message: { request_id: 2 },
    });
  });

  it('maps stream types, subgroup objects in camelCase strings, and keeps the quirks in extra', () => {
    expect(events[4]).toEqual({
      type: 'stream-opened',
      seq: 4,
      timestamp: 5000,
      streamId: '6',
      direction: 1,
      streamType: 0,
    });
    expect(events[5]).toEqual({
      type: 'object-header',
      seq: 5,
      timestamp: 5200,
      streamId: '6',
      groupId: '3',
      objectId: '0',
      publisherPriority: 128,
      objectStatus: 0,
      extra: {
        subgroupId: '0',
        extensionHeadersLength: '0',
        subgroup_header: { track_alias: 5, subgroup_id: 0, contains_end_of_group: false, extensions_present: false },
      },
    });
    expect(events[6]).toMatchObject({ type: 'object-payload', size: 5, payload: '68656c6c6f' });
  });

  it('reads raw (non-UTF-8) payload bytes as Latin-1 and says so once', () => {
    expect(events[8]).toMatchObject({ type: 'object-payload', objectId: '1', size: 3, payload: 'fffe41' });
    expect(contents.problems.map((p) => [p.code, p.severity])).toEqual([['INVALID_UTF8', 'warning']]);
    expect(contents.end).toMatchObject({ state: 'eof', complete: true, errors: 0, warnings: 1 });
  });

  it('opens a stream for datagrams keyed by their track alias (decision 2)', () => {
    expect(events[9]).toEqual({
      type: 'stream-opened',
      seq: 9,
      timestamp: 6000,
      streamId: '5',
      direction: 1,
      streamType: 1,
      trackAlias: '5',
      extra: { track_alias: 5 },
    });
    expect(events[10]).toMatchObject({ type: 'object-header', groupId: '4', objectStatus: 1, publisherPriority: 64 });
  });

  it('scales string times by the configured unit (libc++ writes microseconds)', () => {
    const micro = readQlog(moxygenMlog(), { stringTimeUnit: 'us' });
    expect(micro.events[0]?.timestamp).toBe(1_000_000);
    expect(micro.header.startTime).toBe(0);
  });
});

describe('imquic', () => {
  for (const [label, bytes, framing] of [
    ['sequential', imquicSequential(), 'json-seq'],
    ['contained', imquicContained(), 'contained'],
  ] as const) {
    it(`${label}: epoch-ms times, ODCID session, request-kind stream types as annotations, cut raw and payloads`, () => {
      const contents = readQlog(bytes);
      expect(contents.framing).toBe(framing);
      expect(contents.header).toMatchObject({
        protocol: 'unknown',
        perspective: 'client',
        startTime: 1_767_225_600_123,
        source: 'imquic 0.0.1',
        sessionId: 'a1b2c3d4e5f60718',
        detail: 'headers+data',
      });
      const events = rendered(contents.events);
      expect(events[0]).toEqual({
        type: 'annotation',
        seq: 0,
        timestamp: 456,
        label: 'qlog:moqt:stream_type_set',
        data: { data: { owner: 'local', stream_id: 2, stream_type: 'control' } },
      });
      // raw is cut to 40 bytes: dropped; the message length stays in extra.
      expect(events[1]).toEqual({
        type: 'control',
        seq: 1,
        timestamp: 956,
        direction: 0,
        messageType: 0x20,
        message: { type: 'client_setup', parameters: { moqt_implementation: 'imquic 0.0.1' } },
        streamId: '2',
        extra: { length: 58 },
      });
      expect(events[2]).toMatchObject({
        message: {
          type: 'subscribe',
          track_namespace: ['live'],
          track_name: 'clock',
          parameters: { subscription_filter: { type: 2, start_location: { group: 0, object: 0 } } },
        },
      });
      // The subgroup header opens the stream (no stream_type_set for it), with alias and (buggy) subgroup id.
      expect(events[4]).toMatchObject({
        type: 'stream-opened',
        streamId: '11',
        direction: 1,
        streamType: 0,
        trackAlias: '7',
        subgroupId: '2',
      });
      // The payload data is cut to 40 of 100 bytes: only the size survives.
      expect(events[6]).toEqual({
        type: 'object-payload',
        seq: 6,
        timestamp: 10956,
        streamId: '11',
        groupId: '2',
        objectId: '0',
        size: 100,
      });
      expect(events[7]).toMatchObject({ type: 'object-header', objectId: '1', objectStatus: 1 });
      expect(events[8]).toMatchObject({ type: 'object-payload', size: 4, payload: 'cafebabe' });
      // Legacy datagram status event: status 4 (end of track on the wire) is .moqtrace's 2.
      expect(events[10]).toMatchObject({ type: 'object-header', streamId: '7', objectStatus: 2 });
      expect(contents.end).toMatchObject({ state: 'eof', complete: true, events: 11 });
    });
  }
});

describe('moq-rs relay mlog', () => {
  for (const [label, bytes] of [
    ['JSON-SEQ (main branch)', moqRsSequential()],
    ['NDJSON (sgodin fork)', moqRsNdjson()],
  ] as const) {
    it(`${label}: flattened messages, "/a/b" namespaces, enum names, loglevel events`, () => {
      const contents = readQlog(bytes);
      expect(contents.header).toMatchObject({
        protocol: 'moq-transport-14',
        perspective: 'server',
        source: 'moq-relay',
        detail: 'headers+sizes',
        custom: { qlogTimeBase: 'relative' },
      });
      const events = rendered(contents.events);
      expect(events[1]).toEqual({
        type: 'control',
        seq: 1,
        timestamp: 3420,
        direction: 1,
        messageType: 3,
        message: {
          type: 'subscribe',
          track_namespace: ['demo', 'live'],
          track_namespace_original: '/demo/live',
          track_name: 'clock',
          parameters: { '2': 'IntValue(1)' },
          request_id: 1,
        },
        streamId: '0',
      });
      expect(events[2]).toMatchObject({ direction: 0, messageType: 5, message: { reason_phrase: 'no such track' } });
      expect(events[3]).toMatchObject({
        type: 'stream-opened',
        streamId: '7',
        direction: 0,
        streamType: 0,
        trackAlias: '1',
        extra: { header_type: 'SubgroupHeaderWithExtensions' },
      });
      expect(events[4]).toMatchObject({ type: 'object-header', objectStatus: 1, publisherPriority: 127 });
      expect(events[5]).toMatchObject({ type: 'object-payload', size: 1200 });
      expect(events[6]).toMatchObject({ type: 'stream-opened', streamId: '15', streamType: 1, trackAlias: '1' });
      expect(events[8]).toMatchObject({ type: 'object-payload', size: 90 });
      expect(events[9]).toEqual({
        type: 'error',
        seq: 9,
        timestamp: 12000,
        errorCode: 0,
        reason: 'slow subscriber',
        extra: { level: 'warn' },
      });
      expect(events[10]).toMatchObject({ type: 'annotation', label: 'qlog:loglevel:info' });
      expect(contents.problems).toEqual([]);
    });
  }
});

describe('draft -07 shapes and other events', () => {
  const contents = readQlog(draft07Sequential());
  const events = rendered(contents.events);

  it('resolves relative_to_previous_event times against the reference epoch', () => {
    expect(contents.header.startTime).toBe(Date.parse('2026-01-01T00:00:00.000Z') + 5);
    expect(contents.header.perspective).toBe('observer');
    expect(contents.header.sessionId).toBe('conn-9');
    expect(events.map((e) => e.timestamp)).toEqual([0, 1000, 2000, 4000, 5000, 5000, 5500, 5500, 7500]);
  });

  it('reads MOQTByteStrings, setup options and reason text', () => {
    expect(events[0]).toMatchObject({
      messageType: 0x2f00,
      message: { type: 'setup', options: { path: '/moq', implementation: 'probe/1' } },
    });
    expect(events[1]).toMatchObject({ message: { track_namespace: ['live', { $bytes: 'ff00' }] } });
    expect(events[2]).toMatchObject({ direction: 1, message: { type: 'request_error', reason_phrase: 'nope' } });
  });

  it('reconstructs absolute object ids from object_id_delta and the subgroup header', () => {
    const objects = contents.events.filter((e) => e.type === 'object-header');
    expect(objects.map((e) => [e.groupId, e.objectId, e.publisherPriority, e.objectStatus])).toEqual([
      [8n, 4n, 10, 0],
      [8n, 5n, 10, 1],
    ]);
  });

  it('skips transport events and keeps unknown MoQT events as qlog-labelled annotations', () => {
    expect(contents.end.skipped).toBe(1);
    expect(events[8]).toEqual({
      type: 'annotation',
      seq: 8,
      timestamp: 7500,
      label: 'qlog:moqt:future_event_created',
      data: { data: { thing: 1 }, custom_key: 'x' },
    });
    const kept = readQlog(draft07Sequential(), { keepTransport: true });
    expect(kept.events.some((e) => e.type === 'annotation' && e.label === 'qlog:quic:packet_received')).toBe(true);
  });
});

describe('legacy files and files that are not MoQT logs', () => {
  it('reads legacy array events with event_fields (best effort)', () => {
    const contents = readQlog(legacyArrayEvents());
    expect(contents.header).toMatchObject({ perspective: 'client', startTime: 1_700_000_000_000 });
    expect(rendered(contents.events)).toEqual([
      {
        type: 'control',
        seq: 0,
        timestamp: 0,
        direction: 0,
        messageType: 0x20,
        message: { type: 'client_setup' },
        streamId: '0',
      },
      {
        type: 'control',
        seq: 1,
        timestamp: 12000,
        direction: 1,
        messageType: 0x21,
        message: { type: 'server_setup' },
        streamId: '0',
      },
      { type: 'control', seq: 2, timestamp: 20000, direction: 1, messageType: 4, message: { type: 'subscribe_ok' } },
    ]);
  });

  it('rejects QUIC-only qlog and moq-transfork logs with NO_MOQT_EVENTS', async () => {
    for (const bytes of [quicOnly(), transfork()]) {
      expect(() => readQlog(bytes)).toThrowError(expect.objectContaining({ code: 'NO_MOQT_EVENTS' }));
      await expect(openQlogReader(bytes)).rejects.toSatisfy((e) => QlogError.is(e) && e.code === 'NO_MOQT_EVENTS');
    }
  });

  it('rejects inputs that are not qlog with NOT_QLOG', () => {
    const cases = [new Uint8Array(0), new TextEncoder().encode('hello'), new TextEncoder().encode('{"a":1}\n')];
    cases.push(new Uint8Array([0x4d, 0x4f, 0x51, 0x54, 0x52, 0x41, 0x43, 0x45, 1, 0, 0, 0]));
    for (const bytes of cases) {
      expect(() => readQlog(bytes)).toThrowError(expect.objectContaining({ code: 'NOT_QLOG' }));
    }
  });
});
