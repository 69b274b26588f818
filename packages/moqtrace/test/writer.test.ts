import { type ByteSink, toWritableStreamSink } from '@x/binary';
import { scanItem } from '@x/cbor-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkVersion1Profile,
  createTraceWriter,
  MoqtraceError,
  readTrace,
  type TraceEvent,
  writeTrace,
} from '../src/index.js';
import { renderHeader } from '../src/ndjson/index.js';
import { renderLines } from './helpers/fixtures.js';
import { eventArbitrary, HEADER, sampleEvents } from './helpers/generate.js';

/** Walks every CBOR head of one item and calls `visit(initialByte, offset, nextByte)`. */
function walkHeads(bytes: Uint8Array, start: number, end: number, visit: (ib: number, at: number) => void): void {
  let pos = start;
  while (pos < end) {
    const ib = bytes[pos] as number;
    visit(ib, pos);
    const major = ib >> 5;
    const ai = ib & 31;
    const width = ai < 24 ? 0 : ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : ai === 27 ? 8 : 0;
    let arg = ai < 24 ? ai : 0;
    for (let i = 0; i < width; i++) arg = arg * 256 + (bytes[pos + 1 + i] as number);
    pos += 1 + width;
    if (major === 2 || major === 3) pos += arg; // skip string content
  }
}

/** Checks the version-1 profile conditions on the bytes of a single-segment file. */
function assertVersion1Profile(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint32(8, true)).toBe(1);
  const headerLength = view.getUint32(12, true);
  const result = readTrace(bytes);
  expect(result.end.complete).toBe(true);
  expect(result.segments).toHaveLength(1);
  const header = result.segments[0]!.header;
  expect(header.segment).toBeUndefined();
  expect(['client', 'server', 'observer']).toContain(header.perspective);
  // startTime/endTime as unsigned integers (major 0), never float64
  walkHeads(bytes, 16, 16 + headerLength, (ib) => {
    expect(ib).not.toBe(0xfb);
    expect(ib).not.toBe(0xfa);
    expect(ib).not.toBe(0xf9);
    expect(ib).not.toBe(0xd8); // no tag (tag 64 is d8 40)
    expect(ib).not.toBe(0xf7); // no undefined
  });
  const offsets = result.segments[0]!.eventOffsets;
  result.events.forEach((event, index) => {
    const start = offsets[index] as number;
    const end = start + scanItem(bytes, start, bytes.length, true);
    walkHeads(bytes, start, end, (ib) => {
      expect(ib).not.toBe(0xfb); // no float64 anywhere (the generated content has no fractions)
      expect(ib).not.toBe(0xd8); // no tag 64 (nor any tag)
      expect(ib).not.toBe(0xf7);
    });
    expect([
      'control',
      'stream-opened',
      'stream-closed',
      'object-header',
      'object-payload',
      'state-change',
      'error',
      'annotation',
    ]).toContain(event.type);
    if (event.type === 'control') expect(event.message).toBeDefined();
    if (event.type === 'annotation') expect('data' in event).toBe(true);
  });
  // msg present on the wire for every control event, data for every annotation
  const text = Buffer.from(bytes).toString('latin1');
  const controls = result.events.filter((e) => e.type === 'control').length;
  const annotations = result.events.filter((e) => e.type === 'annotation').length;
  expect(text.split('cmsg').length - 1).toBeGreaterThanOrEqual(controls);
  expect(text.split('ddata').length - 1).toBeGreaterThanOrEqual(annotations);
}

describe('writeTrace', () => {
  it('writes version 1 in the Rust 0.1 profile when the content fits', () => {
    const events = sampleEvents(24);
    const bytes = writeTrace({ header: HEADER, events });
    assertVersion1Profile(bytes);
    expect(renderLines(readTrace(bytes).events)).toBe(renderLines(events));
  });

  it('writes an object-header event in 32 bytes (normal form)', () => {
    const event: TraceEvent = {
      type: 'object-header',
      seq: 7,
      timestamp: 4600,
      streamId: 3n,
      groupId: 0n,
      objectId: 0n,
      publisherPriority: 128,
      objectStatus: 0,
    };
    const header = writeTrace({ header: HEADER, events: [] });
    const bytes = writeTrace({ header: HEADER, events: [event] });
    expect(bytes.length - header.length).toBe(32);
  });

  it('writes large numbers as integers, never float64', () => {
    const events: TraceEvent[] = [
      { type: 'annotation', seq: 2 ** 40, timestamp: 2 ** 45, label: 'big', data: { n: 2 ** 50, b: 5n } },
      { type: 'error', seq: 1, timestamp: 1, errorCode: 2 ** 33, reason: 'x', rawLength: 2 ** 34 },
      { type: 'object-payload', seq: 2, timestamp: 2, streamId: 2n ** 63n, groupId: 1n, objectId: 2n, size: 2 ** 40 },
    ];
    const bytes = writeTrace({ header: { ...HEADER, startTime: 2 ** 45 }, events });
    assertVersion1Profile(bytes);
    const again = readTrace(bytes).events;
    expect(again[0]).toMatchObject({ seq: 2 ** 40, timestamp: 2 ** 45, data: { n: BigInt(2 ** 50), b: 5n } });
    expect(again[1]).toMatchObject({ errorCode: 2 ** 33, rawLength: 2 ** 34 });
    expect(again[2]).toMatchObject({ streamId: 2n ** 63n, size: 2 ** 40 });
  });

  it('chooses version 2 for content outside the profile and refuses forcing 1', () => {
    const peer: TraceEvent = { type: 'peer-connected', seq: 0, timestamp: 0, peer: 'a' };
    const bytes = writeTrace({ header: HEADER, events: [peer] });
    expect(readTrace(bytes).segments[0]?.version).toBe(2);
    expect(() => writeTrace({ header: HEADER, events: [peer] }, { version: 1 })).toThrowError(MoqtraceError);
    expect(checkVersion1Profile({ header: { ...HEADER, perspective: 'relay-tap' }, events: [] })[0]?.rule).toBe(
      'perspective',
    );
    const direction: TraceEvent = { type: 'control', seq: 0, timestamp: 0, direction: 5, messageType: 3, message: {} };
    expect(readTrace(writeTrace({ header: HEADER, events: [direction] })).segments[0]?.version).toBe(2);
    expect(
      readTrace(writeTrace({ header: HEADER, events: sampleEvents(3) }, { version: 2 })).segments[0]?.version,
    ).toBe(2);
  });

  it('an annotation without data is version 2 under auto, data: null when version 1 is forced', () => {
    const event: TraceEvent = { type: 'annotation', seq: 0, timestamp: 0, label: 'no data' };
    const auto = readTrace(writeTrace({ header: HEADER, events: [event] }));
    expect(auto.segments[0]?.version).toBe(2);
    expect('data' in (auto.events[0] as object)).toBe(false);
    const forced = readTrace(writeTrace({ header: HEADER, events: [event] }, { version: 1 }));
    expect(forced.segments[0]?.version).toBe(1);
    expect(forced.events[0]).toMatchObject({ data: null });
  });

  it('keeps a non-map msg, unknown types, stores and out-of-scope ids', () => {
    const events: TraceEvent[] = [
      { type: 'control', seq: 0, timestamp: 0, direction: 0, messageType: 3, message: 'Subscribe { id: 1 }' },
      { type: 'control', seq: 1, timestamp: 0, direction: 0, messageType: 3, message: null },
      {
        type: 'unknown',
        seq: 2,
        timestamp: 1,
        eventType: 99,
        fields: { n: 'shadow', note: 'x', blob: new Uint8Array([1]) },
      },
      {
        type: 'stream-opened',
        seq: 3,
        timestamp: 2,
        streamId: 8n,
        direction: 1,
        streamType: 2,
        subgroupId: 4n,
        extra: { 'x-a': [1, { b: 2n }], sid: 'dropped: the field wins' },
      },
    ];
    const result = readTrace(writeTrace({ header: HEADER, events }));
    expect(result.events[0]).toMatchObject({ message: 'Subscribe { id: 1 }' });
    expect(result.events[1]).toMatchObject({ message: null });
    expect(result.events[2]).toEqual({
      type: 'unknown',
      seq: 2,
      timestamp: 1,
      eventType: 99,
      fields: { note: 'x', blob: new Uint8Array([1]) },
    });
    expect(result.events[3]).toEqual({ ...events[3], extra: { 'x-a': [1, { b: 2n }] } });
  });

  it('rejects events it cannot encode', () => {
    const bad = { type: 'object-header', seq: 0, timestamp: 0, streamId: 'x' } as unknown as TraceEvent;
    expect(() => writeTrace({ header: HEADER, events: [bad] })).toThrowError(MoqtraceError);
    const fraction = { type: 'stream-closed', seq: 0.5, timestamp: 0, streamId: 1n, errorCode: 0 } as TraceEvent;
    expect(() => writeTrace({ header: HEADER, events: [fraction] })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', key: 'events[0].seq' }),
    );
  });

  it('round-trips random traces (property)', () => {
    fc.assert(
      fc.property(
        fc.array(eventArbitrary(), { maxLength: 30 }),
        fc.constantFrom<'auto' | 2>('auto', 2),
        (events, version) => {
          const bytes = writeTrace({ header: HEADER, events }, { version });
          const result = readTrace(bytes);
          expect(result.end.complete).toBe(true);
          expect(result.problems).toEqual([]);
          expect(renderLines(result.events)).toBe(renderLines(events));
          // a second rewrite is byte-identical (normal form is a fixed point)
          expect(writeTrace(result, { version })).toEqual(bytes);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes the version-1 profile for any v1-compatible random trace (property)', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary(true), { maxLength: 20 }), (events) => {
        const bytes = writeTrace({ header: HEADER, events });
        expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(1);
        expect(renderLines(readTrace(bytes).events)).toBe(renderLines(events));
      }),
      { numRuns: 100 },
    );
  });

  it('rewrites a v1 file as v2 and back without losing content', () => {
    const events = sampleEvents(16);
    const v1 = writeTrace({ header: HEADER, events });
    const v2 = writeTrace(readTrace(v1), { version: 2 });
    expect(readTrace(v2).segments[0]?.version).toBe(2);
    const back = writeTrace(readTrace(v2), { version: 1 });
    expect(back).toEqual(v1);
    expect(v2.subarray(16)).toEqual(v1.subarray(16));
  });

  it('writes and reads segmented traces', () => {
    const segments = [0, 1, 2].map((sequence) => ({
      header: {
        ...HEADER,
        startTime: HEADER.startTime + sequence * 1000,
        segment: { sequence, streamId: 's', continues: sequence > 0 },
      },
      events: sampleEvents(5),
    }));
    const bytes = writeTrace({ segments });
    const result = readTrace(bytes);
    expect(result.end.complete).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.segments.map((s) => s.version)).toEqual([2, 2, 2]);
    expect(result.segments.map((s) => renderHeader(s.header))).toEqual(segments.map((s) => renderHeader(s.header)));
    expect(result.events).toHaveLength(15);
    expect(() => writeTrace({ segments }, { version: 1 })).toThrowError(MoqtraceError);
  });
});

describe('truncation and damage', () => {
  it('truncation at every byte offset keeps every complete event', () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(10) });
    const whole = readTrace(bytes);
    const offsets = whole.segments[0]!.eventOffsets;
    const eventsStart = offsets[0] as number;
    for (let cut = 0; cut <= bytes.length; cut++) {
      const prefix = bytes.subarray(0, cut);
      if (cut < eventsStart) {
        expect(() => readTrace(prefix)).toThrowError(expect.objectContaining({ code: 'TRUNCATED' }));
        continue;
      }
      const result = readTrace(prefix);
      const ends = [...offsets.slice(1), bytes.length];
      const complete = ends.filter((end) => end <= cut).length;
      expect(result.events).toHaveLength(complete);
      expect(renderLines(result.events)).toBe(renderLines(whole.events.slice(0, complete)));
      const atBoundary = cut === eventsStart || ends.includes(cut);
      expect(result.end.state).toBe(atBoundary ? 'eof' : 'truncated');
      expect(result.end.complete).toBe(atBoundary);
      if (!atBoundary) expect(result.end.offset).toBe(complete === 0 ? eventsStart : ends[complete - 1]);
    }
  });

  it('magic bytes inside a payload never start a segment', () => {
    const inner = writeTrace({ header: HEADER, events: sampleEvents(2) });
    const events: TraceEvent[] = [
      {
        type: 'object-payload',
        seq: 0,
        timestamp: 0,
        streamId: 1n,
        groupId: 0n,
        objectId: 0n,
        size: inner.length,
        payload: inner,
      },
      { type: 'annotation', seq: 1, timestamp: 1, label: 'MOQTRACE', data: 'MOQTRACE' },
    ];
    const result = readTrace(writeTrace({ header: HEADER, events }));
    expect(result.end.complete).toBe(true);
    expect(result.segments).toHaveLength(1);
    expect(result.events).toHaveLength(2);
  });

  it('resynchronises on the next valid preamble after broken CBOR', () => {
    const segment = (sequence: number) => ({
      header: { ...HEADER, segment: { sequence, streamId: 's' } },
      events: sampleEvents(4),
    });
    const bytes = writeTrace({ segments: [segment(0), segment(1)] });
    const second = readTrace(bytes).segments[1]!.offset;
    const damaged = new Uint8Array(bytes);
    const target = readTrace(bytes).segments[0]!.eventOffsets[2] as number;
    damaged[target] = 0xfc; // reserved additional information: boundary lost
    const result = readTrace(damaged);
    expect(result.segments).toHaveLength(2);
    expect(result.segments[0]!.events).toHaveLength(2);
    expect(result.segments[1]!.events).toHaveLength(4);
    expect(result.problems[0]).toMatchObject({ code: 'MALFORMED_CBOR', offset: target, skippedBytes: second - target });
    expect(result.end.complete).toBe(false);
  });

  it('a damaged length that runs past a valid preamble resyncs there', () => {
    const segment = (sequence: number) => ({
      header: { ...HEADER, segment: { sequence, streamId: 's' } },
      events: sampleEvents(3),
    });
    const bytes = writeTrace({ segments: [segment(0), segment(1)] });
    const first = readTrace(bytes).segments[0]!;
    const damaged = new Uint8Array(bytes);
    // turn the label of the last annotation of segment 0 into a huge text string
    const last = first.eventOffsets[2] as number;
    damaged[last] = 0x7a; // text, 4-byte length follows
    damaged.set([0x7f, 0xff, 0xff, 0xff], last + 1);
    const result = readTrace(damaged);
    expect(result.segments).toHaveLength(2);
    expect(result.segments[1]!.events).toHaveLength(3);
    // a declared length over maxItemBytes (256 MiB) is refused before any of it is read
    expect(result.problems[0]?.code).toBe('ITEM_TOO_LARGE');
  });

  it('a malformed later header skips its segment and resumes at the next preamble', () => {
    const segment = (sequence: number) => ({
      header: { ...HEADER, segment: { sequence, streamId: 's' } },
      events: sampleEvents(3),
    });
    const bytes = writeTrace({ segments: [segment(0), segment(1), segment(2)] });
    const offsets = readTrace(bytes).segments.map((s) => s.offset);
    const damaged = new Uint8Array(bytes);
    const text = Buffer.from(damaged.subarray(offsets[1], offsets[2])).toString('latin1');
    const at = (offsets[1] as number) + text.indexOf('protocol');
    damaged[at] = 0x58; // "Xrotocol": the required key is missing
    const result = readTrace(damaged);
    expect(result.segments.map((s) => s.events.length)).toEqual([3, 3]);
    expect(result.problems).toEqual([
      expect.objectContaining({ code: 'MALFORMED_HEADER', key: 'protocol', skippedEvents: 3, segment: 1 }),
      expect.objectContaining({
        code: 'SEGMENT_MISMATCH',
        severity: 'warning',
        message: 'segment.sequence 2 after 0 (gap)',
      }),
    ]);
    expect(result.end.complete).toBe(false);
  });

  it('never throws on random garbage after a valid header', () => {
    const head = writeTrace({ header: HEADER, events: [] });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const bytes = new Uint8Array(head.length + tail.length);
        bytes.set(head);
        bytes.set(tail, head.length);
        const result = readTrace(bytes);
        expect(result.end.offset).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('streaming writer', () => {
  function memorySink(): ByteSink & { bytes(): Uint8Array; chunks: Uint8Array[] } {
    const chunks: Uint8Array[] = [];
    let patches: [number, Uint8Array][] = [];
    return {
      chunks,
      write(chunk) {
        chunks.push(chunk);
      },
      patch(position, bytes) {
        patches.push([position, bytes.slice()]);
      },
      close() {},
      bytes() {
        const total = chunks.reduce((sum, c) => sum + c.length, 0);
        const out = new Uint8Array(total);
        let at = 0;
        for (const c of chunks) {
          out.set(c, at);
          at += c.length;
        }
        for (const [position, bytes] of patches) out.set(bytes, position);
        patches = patches.filter(() => true);
        return out;
      },
    };
  }

  it('writes what writeTrace writes, plus endTime on close', async () => {
    const sink = memorySink();
    const { endTime: _omit, ...header } = HEADER;
    const writer = createTraceWriter(sink, { header, flushBytes: 64, now: () => 1_767_225_999_000 });
    const events = sampleEvents(40);
    for (const event of events) await writer.write(event);
    const before = readTrace(sink.bytes());
    expect(before.segments[0]?.header.endTime).toBeUndefined();
    expect(before.segments[0]?.header.extra).toEqual({ 'x-pending': new Uint8Array(6) });
    await writer.close();
    const bytes = sink.bytes();
    const result = readTrace(bytes);
    expect(result.end.complete).toBe(true);
    expect(result.segments[0]?.header).toEqual({ ...header, endTime: 1_767_225_999_000 });
    expect(bytes).toEqual(writeTrace({ header: { ...header, endTime: 1_767_225_999_000 }, events }));
    assertVersion1Profile(bytes);
  });

  it('whatever was flushed reads back (crash safety) with constant buffering', async () => {
    const sink = memorySink();
    const writer = createTraceWriter(sink, { header: HEADER, flushBytes: 256 });
    const events = sampleEvents(200);
    let maxChunk = 0;
    for (const event of events) {
      const pending = writer.write(event);
      if (pending) await pending;
    }
    await writer.flush();
    for (const chunk of sink.chunks) maxChunk = Math.max(maxChunk, chunk.length);
    expect(maxChunk).toBeLessThan(256 + 200);
    // "kill" now: no close
    const result = readTrace(sink.bytes());
    expect(result.end.complete).toBe(true);
    expect(result.events).toHaveLength(200);
  });

  it('switches to version 2 when out-of-profile content arrives (patchable sink)', async () => {
    const sink = memorySink();
    const writer = createTraceWriter(sink, { header: HEADER, flushBytes: 16 });
    for (const event of sampleEvents(5)) await writer.write(event);
    await writer.write({ type: 'peer-connected', seq: 5, timestamp: 5, peer: 'p' });
    await writer.close();
    const result = readTrace(sink.bytes());
    expect(result.segments[0]?.version).toBe(2);
    expect(result.events).toHaveLength(6);
  });

  it('starts segments after N events, rebasing n and t', async () => {
    const sink = memorySink();
    const writer = createTraceWriter(sink, { header: HEADER, segments: { maxEvents: 4, streamId: 'rec' } });
    const events = sampleEvents(10);
    for (const event of events) await writer.write(event);
    await writer.close();
    const result = readTrace(sink.bytes());
    expect(result.end.complete).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.segments.map((s) => s.events.length)).toEqual([4, 4, 2]);
    expect(result.segments.map((s) => s.header.segment?.sequence)).toEqual([0, 1, 2]);
    expect(result.segments[1]?.events.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    const second = result.segments[1]!;
    expect(second.header.startTime).toBe(HEADER.startTime + 4);
    expect(second.events[0]?.timestamp).toBe(0);
    expect(result.segments.every((s) => s.header.endTime !== undefined)).toBe(true);
    expect(result.segments.every((s) => s.version === 2)).toBe(true);
  });

  it('starts segments by bytes and by seconds', async () => {
    for (const policy of [{ maxBytes: 300 }, { maxSeconds: 0.003 }]) {
      const sink = memorySink();
      const writer = createTraceWriter(sink, { header: HEADER, segments: policy });
      for (const event of sampleEvents(20)) await writer.write(event);
      await writer.close();
      const result = readTrace(sink.bytes());
      expect(result.end.complete).toBe(true);
      expect(result.segments.length).toBeGreaterThan(2);
      expect(result.events).toHaveLength(20);
    }
  });

  it('writes to a WritableStream', async () => {
    const chunks: Uint8Array[] = [];
    const stream = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
    const sink = toWritableStreamSink(stream);
    const writer = createTraceWriter(sink, { header: HEADER });
    for (const event of sampleEvents(30)) await writer.write(event);
    await writer.close();
    await sink.close();
    const bytes = new Uint8Array(Buffer.concat(chunks));
    const result = readTrace(bytes);
    expect(result.events).toHaveLength(30);
    expect(result.segments[0]?.header.endTime).toBe(HEADER.endTime); // append-only: no patching
    expect(() => writer.write(sampleEvents(1)[0]!)).toThrowError(expect.objectContaining({ code: 'CLOSED' }));
  });
});
