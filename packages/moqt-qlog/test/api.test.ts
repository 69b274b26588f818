import { type ByteSink, createMemorySink, fromBytes } from '@x/binary';
import type { TraceEvent } from '@x/moqtrace';
import { describe, expect, it } from 'vitest';
import { createQlogWriter, detectQlog, openQlogReader, QlogError, readQlog, writeQlog } from '../src/index.js';
import { renderings } from './helpers/moqtrace.js';
import {
  draft07Sequential,
  imquicContained,
  imquicSequential,
  moqRsNdjson,
  moqRsSequential,
  moxygenMlog,
} from './helpers/producers.js';
import { HEADER, sampleEvents } from './helpers/sample.js';

const events = sampleEvents();
const sqlog = writeQlog({ header: HEADER, events });
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const records = (bytes: Uint8Array) =>
  text(bytes)
    .split('\u001e')
    .slice(1)
    .map((line) => JSON.parse(line));

describe('detectQlog', () => {
  it('recognises every producer shape and our exports', () => {
    for (const bytes of [
      sqlog,
      writeQlog({ header: HEADER, events }, { format: 'contained' }),
      moxygenMlog(),
      imquicSequential(),
      imquicContained(),
      moqRsSequential(),
      moqRsNdjson(),
      draft07Sequential(),
    ]) {
      expect(detectQlog(bytes.subarray(0, 1024))).toBe(true);
    }
  });

  it('says no to other files', () => {
    const other = [
      new Uint8Array([0x4d, 0x4f, 0x51, 0x54, 0x52, 0x41, 0x43, 0x45, 2, 0, 0, 0]),
      new TextEncoder().encode('{"kind":"header","format":"moqtrace"}\n'),
      new TextEncoder().encode('hello world'),
      new Uint8Array(0),
    ];
    for (const bytes of other) expect(detectQlog(bytes)).toBe(false);
  });
});

describe('export', () => {
  it('writes the header of §8.1 first', () => {
    const [header] = records(sqlog);
    expect(header).toEqual({
      file_schema: 'urn:ietf:params:qlog:file:sequential',
      serialization_format: 'application/qlog+json-seq',
      title: 'xtrace export: qlog-tests',
      trace: {
        vantage_point: { type: 'client', name: 'qlog-tests' },
        event_schemas: [
          'urn:ietf:params:qlog:events:moqt-06',
          'urn:ietf:params:qlog:events:loglevel',
          'urn:x-moqtrace:qlog-events:1',
        ],
        common_fields: {
          time_format: 'relative_to_epoch',
          reference_time: { clock_type: 'system', epoch: '2026-01-01T00:00:00.000Z' },
          group_id: 'session-1',
        },
        moqtrace: expect.objectContaining({ schema: 'urn:x-moqtrace:qlog-events:1' }),
      },
    });
  });

  it('maps direction to created/parsed and merges an object header with its payload', () => {
    const out = records(sqlog).slice(1);
    expect(out.map((r) => r.name)).toEqual([
      'moqt:control_message_created',
      'moqt:control_message_parsed',
      'moqtrace:state_change',
      'moqt:control_message_created',
      'moqt:stream_type_set',
      'moqt:subgroup_header_parsed',
      'moqt:subgroup_object_parsed',
      'moqt:subgroup_object_parsed',
      'moqtrace:stream_closed',
      'loglevel:error',
      'moqtrace:annotation',
    ]);
    expect(out[3].data.message).toEqual({
      type: 'subscribe',
      request_id: 1,
      track_namespace: [{ value: 'live' }],
      track_name: { value: 'video' },
    });
    expect(out[6]).toEqual({
      time: 5,
      name: 'moqt:subgroup_object_parsed',
      data: {
        stream_id: 3,
        object_id_delta: 0,
        group_id: 1,
        object_id: 0,
        publisher_priority: 128,
        object_status: 0,
        object_payload_length: 3,
        object_payload: { length: 3, data: '010203' },
      },
      moqtrace_seq: 5,
    });
    // .moqtrace status 1 (end of group) is MoQT wire status 3; the second object's delta is 0.
    expect(out[7].data).toMatchObject({ object_id_delta: 0, object_id: 1, object_status: 3, object_payload_length: 0 });
  });

  it('chooses the draft shape by protocol, or as told', () => {
    const schemasOf = (bytes: Uint8Array) => records(bytes)[0].trace.event_schemas[0];
    expect(schemasOf(sqlog)).toBe('urn:ietf:params:qlog:events:moqt-06');
    const d17 = { ...HEADER, protocol: 'moq-transport-17' };
    expect(schemasOf(writeQlog({ header: d17, events: [] }))).toBe('urn:ietf:params:qlog:events:moqt-07');
    expect(schemasOf(writeQlog({ header: HEADER, events }, { draft: 7 }))).toBe('urn:ietf:params:qlog:events:moqt-07');
    // -06 writes setup parameters as setup_parameters, -07 as setup_options.
    expect(records(sqlog)[1].data.message.setup_parameters).toEqual([{ name: 'path', value: '/moq' }]);
    const seven = records(writeQlog({ header: HEADER, events }, { draft: 7 }));
    expect(seven[1].data.message.setup_options).toEqual([{ name: 'path', value: '/moq' }]);
    expect(renderings(readQlog(writeQlog({ header: HEADER, events }, { draft: 7 })).events)).toEqual(
      renderings(events),
    );
  });

  it('--generic writes loglevel:info instead of the private namespace (lossy) and declares no private schema', () => {
    const generic = records(writeQlog({ header: HEADER, events }, { generic: true }));
    expect(generic[0].trace.event_schemas).not.toContain('urn:x-moqtrace:qlog-events:1');
    expect(generic.some((r) => String(r.name).startsWith('moqtrace:'))).toBe(false);
    expect(generic[3]).toMatchObject({
      name: 'loglevel:info',
      data: { message: 'moqtrace:state_change: {"from":"setup","to":"ready"}' },
    });
    const back = readQlog(writeQlog({ header: HEADER, events }, { generic: true }));
    expect(back.events[2]).toMatchObject({ type: 'annotation', label: 'qlog:loglevel:info' });
  });

  it('--qvis adds qlog_version 0.3 and qlog_format', () => {
    const [header] = records(writeQlog({ header: HEADER, events }, { qvis: true }));
    expect(header).toMatchObject({ qlog_version: '0.3', qlog_format: 'JSON-SEQ', file_schema: expect.any(String) });
    const contained = JSON.parse(text(writeQlog({ header: HEADER, events }, { qvis: true, format: 'contained' })));
    expect(contained).toMatchObject({ qlog_version: '0.3', qlog_format: 'JSON' });
    expect(contained.traces[0].events).toHaveLength(11);
  });

  it('declares the private schema only when a private event is written', () => {
    const onlyControl = events.filter((e) => e.type === 'control');
    expect(records(writeQlog({ header: HEADER, events: onlyControl }))[0].trace.event_schemas).toEqual([
      'urn:ietf:params:qlog:events:moqt-06',
      'urn:ietf:params:qlog:events:loglevel',
    ]);
  });

  it('turns qlog-labelled annotations back into their original events', () => {
    const imported = readQlog(draft07Sequential());
    const again = records(writeQlog({ header: imported.header, events: imported.events }));
    expect(again.find((r) => r.name === 'moqt:future_event_created')).toMatchObject({
      data: { thing: 1 },
      custom_key: 'x',
    });
    expect(renderings(readQlog(writeQlog({ header: imported.header, events: imported.events })).events)).toEqual(
      renderings(imported.events),
    );
  });

  it('holds back at most one object header: each write emits the events before it', async () => {
    const chunks: string[] = [];
    const sink: ByteSink = { write: (chunk) => void chunks.push(text(chunk)), close() {} };
    const writer = createQlogWriter(sink, { header: HEADER, flushBytes: 1 });
    const header = events[5] as TraceEvent;
    const payload = events[6] as TraceEvent;
    await writer.write(header);
    const afterHeader = chunks.join('');
    expect(afterHeader).not.toContain('subgroup_object');
    await writer.write(payload);
    expect(chunks.join('')).toContain('"object_payload_length":3');
    await writer.write(events[7] as TraceEvent);
    await writer.write(events[9] as TraceEvent); // not its payload: the held header is written alone
    const last = chunks.join('').split('\u001e').slice(-2);
    expect(JSON.parse(last[0] as string).data).not.toHaveProperty('object_payload_length');
    expect(JSON.parse(last[1] as string).name).toBe('moqtrace:stream_closed');
    await writer.close();
  });

  it('checks its arguments before writing anything, and never closes the sink', async () => {
    let closed = false;
    const memory = createMemorySink();
    const sink: ByteSink = { write: (chunk) => memory.write(chunk), close: () => void (closed = true) };
    expect(() => createQlogWriter(sink, { header: { ...HEADER, startTime: 1.5 } })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => createQlogWriter(sink, { header: HEADER, format: 'xml' as never })).toThrowError(QlogError);
    const writer = createQlogWriter(sink, { header: HEADER });
    const bad = [
      null,
      { type: 'control', seq: 0, timestamp: 0, direction: 0 },
      {
        type: 'object-header',
        seq: 0,
        timestamp: 0,
        streamId: 3,
        groupId: 1n,
        objectId: 0n,
        publisherPriority: 1,
        objectStatus: 0,
      },
      { type: 'nonsense', seq: 0, timestamp: 0 },
      { type: 'annotation', seq: 'x', timestamp: 0, label: 'a' },
    ];
    for (const value of bad) {
      expect(() => writer.write(value as unknown as TraceEvent)).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    const stats = await writer.close();
    expect(stats).toMatchObject({ events: 0, records: 1, segments: 1 });
    expect(closed).toBe(false);
    expect(records(memory.toBytes())).toHaveLength(1);
    expect(() => writer.write(events[0] as TraceEvent)).toThrowError(expect.objectContaining({ code: 'CLOSED' }));
  });

  it('reports a failing sink as IO_ERROR', async () => {
    const sink: ByteSink = {
      write: async () => {
        throw new Error('disk full');
      },
      close() {},
    };
    const writer = createQlogWriter(sink, { header: HEADER, flushBytes: 10 });
    await expect(writer.write(events[0] as TraceEvent)).rejects.toSatisfy(
      (error) => QlogError.is(error) && error.code === 'IO_ERROR',
    );
  });
});

describe('streaming reader', () => {
  it('yields event records with offsets, segment records on request, and the end', async () => {
    const reader = await openQlogReader(sqlog, { segments: true });
    expect(reader.header).toEqual(HEADER);
    expect(reader.framing).toBe('json-seq');
    const all = [];
    for await (const record of reader) all.push(record);
    expect(all[0]).toMatchObject({ kind: 'segment', segment: 0, header: HEADER });
    const eventRecords = all.filter((record) => record.kind === 'event');
    expect(renderings(eventRecords.map((record) => record.event))).toEqual(renderings(events));
    // Every offset points at the RS of its record.
    for (const record of eventRecords) expect(sqlog[record.offset]).toBe(0x1e);
    // Header and payload merged into one record share its offset.
    expect(eventRecords[5]?.offset).toBe(eventRecords[6]?.offset);
    expect(reader.end).toMatchObject({
      state: 'eof',
      offset: sqlog.length,
      trailingBytes: 0,
      events: 12,
      complete: true,
    });
  });

  it('nextBatch returns arrays then null; limit stops early with end state limit', async () => {
    const reader = await openQlogReader(fromBytes(sqlog, { chunkSize: 200 }), { limit: 7 });
    let count = 0;
    for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
      expect(batch.length).toBeGreaterThan(0);
      count += batch.length;
    }
    expect(count).toBe(7);
    expect(reader.end).toMatchObject({ state: 'limit', events: 7, complete: true });
    expect(readQlog(sqlog, { limit: 3 }).events).toHaveLength(3);
  });

  it('strict throws the first error problem with what was read before it', async () => {
    const damaged = new TextEncoder().encode(`${text(sqlog)}\u001e{nope}\n`);
    try {
      readQlog(damaged, { strict: true });
      expect.unreachable();
    } catch (error) {
      expect(QlogError.is(error) && error.code).toBe('MALFORMED');
      expect((error as QlogError).offset).toBe(sqlog.length);
      expect(((error as QlogError).details as { events: unknown[] }).events).toHaveLength(12);
    }
    const reader = await openQlogReader(damaged, { strict: true });
    await expect(
      (async () => {
        for await (const _ of reader) {
          // drain
        }
      })(),
    ).rejects.toSatisfy((error) => QlogError.is(error) && error.code === 'MALFORMED');
  });

  it('maxProblems caps the list, not the counts; onProblem sees every problem', () => {
    const damaged = new TextEncoder().encode(`${text(sqlog)}${'\u001e{nope}\n'.repeat(5)}`);
    const seen: string[] = [];
    const result = readQlog(damaged, { maxProblems: 2, onProblem: (problem) => seen.push(problem.code) });
    expect(result.problems).toHaveLength(2);
    expect(seen).toHaveLength(5);
    expect(result.end).toMatchObject({ errors: 5, complete: false });
  });

  it('closes a source it created, leaves a ByteSource passed in open', async () => {
    const source = fromBytes(sqlog, { chunkSize: 64 });
    const reader = await openQlogReader(source);
    for await (const _ of reader) break;
    expect(reader.end?.state).toBe('limit');
    await expect(source.read()).resolves.not.toBeNull();
    let cancelled = false;
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= sqlog.length) controller.close();
        else controller.enqueue(sqlog.slice(at, (at += 64)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const fromStream = await openQlogReader(stream);
    await fromStream.close();
    expect(cancelled).toBe(true);
    await expect(fromStream.nextBatch()).rejects.toSatisfy((error) => QlogError.is(error) && error.code === 'CLOSED');
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    expect(() => readQlog(sqlog, { limit: -1 })).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await expect(openQlogReader(sqlog, { stringTimeUnit: 'h' as never })).rejects.toSatisfy(
      (error) => QlogError.is(error) && error.code === 'INVALID_ARGUMENT',
    );
  });

  it('the header of a foreign file settles after a bounded look-ahead; detail grows as events are read', async () => {
    const reader = await openQlogReader(fromBytes(moxygenMlog(), { chunkSize: 64 }));
    expect(reader.header.protocol).toBe('moq-transport-14');
    for await (const _ of reader) {
      // drain
    }
    expect(reader.header.detail).toBe('headers+data');
  });
});

describe('contained files with several traces', () => {
  it('reads each trace as a segment with its own header; trace fields after the events are a warning', () => {
    const trace = (name: string, type: string, events: unknown[], late?: unknown) => ({
      vantage_point: { name, type },
      common_fields: { reference_time: { clock_type: 'system', epoch: '1970-01-01T00:00:00.000Z' } },
      events,
      ...(late === undefined ? {} : { title: late }),
    });
    const event = (time: number) => ({
      time,
      name: 'moqt:control_message_created',
      data: { stream_id: 0, message: { type: 'goaway' } },
    });
    const file = {
      file_schema: 'urn:ietf:params:qlog:file:contained',
      serialization_format: 'application/qlog+json',
      traces: [
        trace('a', 'client', [event(1_767_225_600_000.5)]),
        trace('b', 'server', [event(1_767_225_601_000), event(1_767_225_601_002)], 'late'),
      ],
    };
    const result = readQlog(new TextEncoder().encode(JSON.stringify(file)));
    expect(
      result.segments.map((segment) => [segment.header.source, segment.header.perspective, segment.events.length]),
    ).toEqual([
      ['a', 'client', 1],
      ['b', 'server', 2],
    ]);
    expect(result.segments[1]?.header.startTime).toBe(1_767_225_601_000);
    expect(result.segments[1]?.events.map((e) => e.timestamp)).toEqual([0, 2000]);
    expect(result.problems.map((p) => [p.code, p.severity])).toEqual([['LATE_TRACE_FIELDS', 'warning']]);
    expect(result.end).toMatchObject({ segments: 2, events: 3, complete: true });
  });
});
