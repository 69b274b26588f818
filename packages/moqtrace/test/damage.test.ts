import { Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { readTrace, writePreamble, writeTrace } from '../src/index.js';
import { HEADER, sampleEvents } from './helpers/generate.js';
import { sink, TraceParser } from './helpers/stream.js';

const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, variableMapSize: true, tagUint8Array: false });

/** A file from raw pieces: header value and event values encoded by cbor-x (or raw bytes). */
function build(header: unknown, items: (unknown | Uint8Array)[], version = 1, trailing = 0): Uint8Array {
  const head = cbor.encode(header);
  const parts: Uint8Array[] = [
    writePreamble({ version, headerLength: head.length + trailing }),
    head,
    new Uint8Array(trailing),
  ];
  for (const item of items) parts.push(item instanceof Uint8Array ? item : cbor.encode(item));
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const header = { protocol: 'moq-transport-14', perspective: 'client', detail: 'control', startTime: 1 };

describe('reader tolerance rules', () => {
  it('a concatenated v1 file starts a segment reported as lacking segment metadata', () => {
    const one = writeTrace({ header: HEADER, events: sampleEvents(3) });
    const two = new Uint8Array(one.length * 2);
    two.set(one);
    two.set(one, one.length);
    const result = readTrace(two);
    expect(result.segments).toHaveLength(2);
    expect(result.events).toHaveLength(6);
    expect(result.end.complete).toBe(true);
    expect(result.problems).toEqual([
      expect.objectContaining({ code: 'SEGMENT_MISMATCH', severity: 'warning', segment: 1 }),
    ]);
  });

  it('an unusable segment map goes to the store and makes the read incomplete', () => {
    const result = readTrace(build({ ...header, segment: 'zero' }, [{ n: 0, t: 0, e: 7, label: 'x', data: null }]));
    expect(result.segments[0]?.header.segment).toBeUndefined();
    expect(result.segments[0]?.header.extra).toEqual({ segment: 'zero' });
    expect(result.end.complete).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(['UNUSABLE_SEGMENT']);
  });

  it('a segment map without sequence is a malformed header naming segment.sequence', () => {
    expect(() => readTrace(build({ ...header, segment: { streamId: 's' } }, []))).toThrowError(
      expect.objectContaining({ code: 'MALFORMED_HEADER', message: expect.stringContaining('segment.sequence') }),
    );
  });

  it('warns about bytes after the header map; the length field decides where events start', () => {
    const result = readTrace(build(header, [{ n: 0, t: 0, e: 5, from: 'a', to: 'b' }], 1, 3));
    expect(result.events).toHaveLength(1);
    expect(result.end.complete).toBe(true);
    expect(result.problems.map((p) => p.code)).toEqual(['HEADER_TRAILING_BYTES']);
  });

  it('duplicate keys: last wins, warned', () => {
    // {"n":0,"t":0,"e":5,"from":"a","to":"b","to":"c"} written by hand
    const item = new Uint8Array([
      0xa6, 0x61, 0x6e, 0x00, 0x61, 0x74, 0x00, 0x61, 0x65, 0x05, 0x64, 0x66, 0x72, 0x6f, 0x6d, 0x61, 0x61, 0x62, 0x74,
      0x6f, 0x61, 0x62, 0x62, 0x74, 0x6f, 0x61, 0x63,
    ]);
    const result = readTrace(build(header, [item]));
    expect(result.events[0]).toMatchObject({ from: 'a', to: 'c' });
    expect(result.problems.map((p) => [p.code, p.severity])).toEqual([['DUPLICATE_KEY', 'warning']]);
  });

  it('values are never coerced: text ids, fractional sizes and text e are unusable', () => {
    const result = readTrace(
      build(header, [
        { n: 0, t: 0, e: 2, sid: '4', ec: 0 },
        { n: 1, t: 0, e: 4, sid: 1, g: 0, o: 0, sz: 1.5 },
        { n: 2, t: 0, e: '3' },
        { n: 3, t: 0, e: 1, sid: 1, d: 9, st: 7, sg: 'x' },
        null,
        { n: 4, t: 0, e: 6, ec: 0, reason: 'r', ek: 5, traceId: 1 },
      ]),
    );
    expect(result.problems.map((p) => [p.code, p.key])).toEqual([
      ['MALFORMED_EVENT', 'sid'],
      ['MALFORMED_EVENT', 'sz'],
      ['MALFORMED_EVENT', 'e'],
      ['MALFORMED_EVENT', undefined],
    ]);
    // usable but outside named values: built, kept; wrong shape: store
    expect(result.events[0]).toMatchObject({ type: 'stream-opened', direction: 9, streamType: 7, extra: { sg: 'x' } });
    expect(result.events[1]).toMatchObject({ type: 'error', extra: { ek: 5, traceId: 1 } });
  });

  it('accepts integral floats and tag 64 for typed fields', () => {
    const bytes = new Uint8Array([0xd8, 0x40, 0x42, 0xab, 0xcd]);
    const raw = cbor.encode({ n: 1.0, t: -2.0, e: 4.0, sid: 2 ** 40, g: 0, o: 0, sz: 2 });
    // append "pl": 64(h'abcd') to the map by hand: bump the map count
    const item = new Uint8Array(raw.length + 3 + bytes.length);
    item.set(raw);
    item[0] = (raw[0] as number) + 1;
    item.set([0x62, 0x70, 0x6c], raw.length);
    item.set(bytes, raw.length + 3);
    const result = readTrace(build(header, [item]));
    expect(result.problems).toEqual([]);
    expect(result.events[0]).toEqual({
      type: 'object-payload',
      seq: 1,
      timestamp: -2,
      streamId: 2n ** 40n,
      groupId: 0n,
      objectId: 0n,
      size: 2,
      payload: new Uint8Array([0xab, 0xcd]),
    });
  });

  it('copyBytes gives independent copies, views otherwise', () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(4) });
    const view = readTrace(bytes).events.find((e) => e.type === 'object-payload') as { payload: Uint8Array };
    const copy = readTrace(bytes, { copyBytes: true }).events.find((e) => e.type === 'object-payload') as {
      payload: Uint8Array;
    };
    expect(view.payload.buffer).toBe(bytes.buffer);
    expect(copy.payload.buffer).not.toBe(bytes.buffer);
    expect(copy.payload).toEqual(view.payload);
  });

  it('holds back a short tail that could be a magic until the end', () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(2) });
    const parser = new TraceParser();
    const events: number[] = [];
    parser.push(bytes);
    parser.push(new Uint8Array([0x4d, 0x4f, 0x51]));
    expect(parser.run(sink({ event: (_e, offset) => void events.push(offset) }))).toBe('need-more');
    expect(events).toHaveLength(2);
    parser.end();
    expect(parser.run(sink({}))).toBe('done');
    expect(parser.result).toMatchObject({ state: 'truncated', offset: bytes.length, trailingBytes: 3 });
  });
});

describe('delimitable non-well-formed items (cbor-schema lenient scanner)', () => {
  const hex = (h: string) => Uint8Array.from((h.match(/../g) ?? []).map((x) => Number.parseInt(x, 16)));
  // {n: 0, t: 0, e: 7, label: "x", data: <value>}
  const annotation = 'a5616e00617400616507656c6162656c61786464617461';
  const next = { n: 1, t: 1, e: 5, from: 'a', to: 'b' };
  for (const [name, value] of [
    ['two-byte simple value below 32', 'f810'],
    ['odd indefinite map', 'bf6161ff'],
    ['break right after a tag', '9fc1ff'],
  ] as const) {
    it(`${name}: a malformed event with a known boundary, the next event is read`, () => {
      const result = readTrace(build(header, [hex(annotation + value), next]));
      expect(result.events.map((event) => event.type)).toEqual(['state-change']);
      expect(result.problems).toEqual([
        expect.objectContaining({ code: 'MALFORMED_EVENT', offset: expect.any(Number), index: 0 }),
      ]);
      expect(result.problems[0]?.message).toMatch(/item cannot be decoded/);
    });
  }
});
