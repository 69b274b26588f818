import type { ByteSink } from '@x/binary';
import { describe, expect, it } from 'vitest';
import { createRecorder, MoqtraceError, type RecorderClock, readTrace } from '../src/index.js';

function fakeClock(): RecorderClock & { advance(ms: number): void } {
  let wall = 1_767_225_600_000;
  let mono = 5_000.25;
  return {
    now: () => wall,
    monotonic: () => mono,
    advance(ms: number) {
      wall += ms;
      mono += ms;
    },
  };
}

const header = { protocol: 'moq-transport-14', perspective: 'client', source: 'tests' };

function script(level: 'control' | 'headers' | 'headers+sizes' | 'headers+data' | 'full', mask = false) {
  const clock = fakeClock();
  const recorder = createRecorder({ header, detail: level, clock, maskPayloads: mask });
  recorder.recordControl({
    direction: 0,
    message: { type: 'subscribe', request_id: 1 },
    streamId: 0n,
    raw: new Uint8Array([3, 1]),
  });
  clock.advance(1.5);
  recorder.record({ type: 'stream-opened', streamId: 3n, direction: 1, streamType: 0 });
  recorder.record({
    type: 'object-header',
    streamId: 3n,
    groupId: 0n,
    objectId: 0n,
    publisherPriority: 1,
    objectStatus: 0,
  });
  recorder.record({
    type: 'object-payload',
    streamId: 3n,
    groupId: 0n,
    objectId: 0n,
    size: 3,
    payload: new Uint8Array([1, 2, 3]),
  });
  recorder.record({ type: 'stream-closed', streamId: 3n, errorCode: 0 });
  recorder.recordError({ errorCode: 3, reason: 'bad', streamId: 3n, raw: new Uint8Array(5000) });
  recorder.recordError({ errorCode: 3, reason: 'again', streamId: 3n, raw: new Uint8Array(10) });
  recorder.annotate('note', { k: 1 });
  return { recorder, clock };
}

describe('recorder', () => {
  it('assigns seq and microsecond timestamps relative to startTime', async () => {
    const { recorder } = script('full');
    const recording = (await recorder.finish())!;
    expect(recording.header.startTime).toBe(1_767_225_600_000);
    expect(recording.header.endTime).toBe(1_767_225_600_001);
    expect(recording.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(recording.events[0]?.timestamp).toBe(0);
    expect(recording.events[1]?.timestamp).toBe(1500);
    expect(recording.events[0]).toMatchObject({
      type: 'control',
      messageType: 3,
      streamId: 0n,
      raw: new Uint8Array([3, 1]),
    });
  });

  it('filters every event by the detail level (spec §6.2)', () => {
    const types = (level: Parameters<typeof script>[0]) =>
      script(level)
        .recorder.snapshot()
        .events.map((e) => e.type);
    expect(types('control')).toEqual(['control', 'error', 'error', 'annotation']);
    expect(types('headers')).toEqual([
      'control',
      'stream-opened',
      'object-header',
      'stream-closed',
      'error',
      'error',
      'annotation',
    ]);
    expect(types('headers+sizes')).toContain('object-payload');
    const sizes = script('headers+sizes').recorder.snapshot().events;
    expect(sizes.find((e) => e.type === 'object-payload')).not.toHaveProperty('payload');
    expect(sizes.find((e) => e.type === 'control')).not.toHaveProperty('raw');
    expect(sizes.find((e) => e.type === 'error')).toMatchObject({ rawLength: 5000 });
    expect(sizes.find((e) => e.type === 'error')).not.toHaveProperty('raw');
    const control = script('control')
      .recorder.snapshot()
      .events.find((e) => e.type === 'error');
    expect(control).not.toHaveProperty('rawLength');
    const data = script('headers+data').recorder.snapshot().events;
    expect(data.find((e) => e.type === 'object-payload')).toMatchObject({ payload: new Uint8Array([1, 2, 3]) });
    expect(data.find((e) => e.type === 'control')).not.toHaveProperty('raw');
  });

  it('caps error raw at 4096 bytes, once per flow', () => {
    const errors = script('full')
      .recorder.snapshot()
      .events.filter((e) => e.type === 'error');
    expect(errors[0]).toMatchObject({ rawLength: 5000 });
    expect((errors[0] as { raw: Uint8Array }).raw).toHaveLength(4096);
    expect(errors[1]).not.toHaveProperty('raw');
  });

  it('masks payloads and declares it', () => {
    const { recorder } = script('headers+data', true);
    const recording = recorder.snapshot();
    expect(recording.header.custom).toEqual({ payloadMasked: true });
    expect(recording.events.find((e) => e.type === 'object-payload')).toMatchObject({
      size: 3,
      payload: new Uint8Array(3),
    });
  });

  it('rejects an unknown level', () => {
    expect(() => createRecorder({ header, detail: 'everything' as 'full' })).toThrowError(MoqtraceError);
  });

  it('bounds memory with an O(1) ring of droppable types and declares the drops', () => {
    const clock = fakeClock();
    const recorder = createRecorder({ header, detail: 'headers', clock, maxEvents: 10 });
    for (let i = 0; i < 50; i++) {
      if (i % 10 === 0) recorder.recordControl({ direction: 0, message: { type: 'goaway' } });
      recorder.record({
        type: 'object-header',
        streamId: 1n,
        groupId: BigInt(i),
        objectId: 0n,
        publisherPriority: 0,
        objectStatus: 0,
      });
    }
    const recording = recorder.snapshot();
    expect(recording.events.filter((e) => e.type === 'control')).toHaveLength(5);
    const headers = recording.events.filter((e) => e.type === 'object-header');
    expect(headers.map((e) => (e as { groupId: bigint }).groupId)).toEqual([
      40n,
      41n,
      42n,
      43n,
      44n,
      45n,
      46n,
      47n,
      48n,
      49n,
    ]);
    expect(recording.events.map((e) => Number(e.seq))).toEqual(
      [...recording.events.map((e) => Number(e.seq))].sort((a, b) => a - b),
    );
    expect(recording.header.sampling).toEqual({
      dropPolicy: 'head',
      droppedTotal: 40,
      droppedSegment: 40,
      appliesTo: [3],
    });
    expect(recorder.droppedEvents).toBe(40);
    const bytes = recorder.toBytes();
    expect(readTrace(bytes).segments[0]?.header.sampling?.droppedTotal).toBe(40);
  });

  it('keeps the newest events as the ring fills and wraps many times (1 000 000 events, 200 000 kept)', () => {
    // An O(n) eviction (an array shift per event) would move 200 000 slots 800 000 times: minutes, not a second.
    const recorder = createRecorder({ header, detail: 'headers', maxEvents: 200_000 });
    for (let i = 0; i < 1_000_000; i++) recorder.record({ type: 'stream-closed', streamId: 1n, errorCode: i & 0xff });
    const { events, header: recorded } = recorder.snapshot();
    expect(events).toHaveLength(200_000);
    expect(events[0]?.seq).toBe(800_000);
    expect(events.at(-1)?.seq).toBe(999_999);
    expect(recorder.droppedEvents).toBe(800_000);
    expect(recorded.sampling).toMatchObject({ droppedTotal: 800_000, appliesTo: [2] });
  }, 300_000);

  it('streams to a sink and patches endTime on finish', async () => {
    const chunks: Uint8Array[] = [];
    const patches: [number, Uint8Array][] = [];
    let closed = false;
    const sink: ByteSink = {
      write: (c) => void chunks.push(c),
      patch: (p, b) => void patches.push([p, b]),
      close: () => {
        closed = true;
      },
    };
    const clock = fakeClock();
    const recorder = createRecorder({ header, detail: 'headers', clock, sink });
    for (let i = 0; i < 100; i++) recorder.record({ type: 'stream-closed', streamId: BigInt(i), errorCode: 0 });
    clock.advance(2000);
    await recorder.finish();
    const bytes = new Uint8Array(Buffer.concat(chunks));
    for (const [position, b] of patches) bytes.set(b, position);
    const result = readTrace(bytes);
    expect(result.events).toHaveLength(100);
    expect(result.segments[0]?.header.endTime).toBe(1_767_225_602_000);
    expect(result.segments[0]?.version).toBe(1);
    // The recorder was given the sink: it finishes the file but leaves the sink to its owner.
    expect(closed).toBe(false);
  });
});
