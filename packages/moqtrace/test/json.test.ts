import { CborTag } from '@x/cbor-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openTraceReader, readTrace, type TraceEnd, type TraceEvent, writeTrace } from '../src/index.js';
import {
  exportNdjson,
  fromTaggedJson,
  importNdjson,
  renderEndRecord,
  renderEvent,
  renderEventJson,
  renderRecord,
  toTaggedJson,
} from '../src/ndjson/index.js';
import { corpus, fixtureNames, loadBytes, renderLines, sha256, skipWithout } from './helpers/fixtures.js';
import { eventArbitrary, HEADER, sampleEvents } from './helpers/generate.js';

describe('canonical rendering', () => {
  it('orders keys type, seq, timestamp, peer, fields, extra', () => {
    const event: TraceEvent = {
      extra: { 'x-a': 1n },
      objectStatus: 1,
      publisherPriority: 2,
      objectId: 3n,
      groupId: 4n,
      streamId: 5n,
      peer: 'p',
      timestamp: -7,
      seq: 6,
      type: 'object-header',
    };
    expect(renderEventJson(event)).toBe(
      '{"type":"object-header","seq":6,"timestamp":-7,"peer":"p","streamId":"5","groupId":"4","objectId":"3","publisherPriority":2,"objectStatus":1,"extra":{"x-a":{"$bigint":"1"}}}',
    );
  });

  it('tags what JSON cannot hold', () => {
    expect(
      toTaggedJson({
        a: 1n,
        b: new Uint8Array([0xab]),
        c: undefined,
        d: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0],
        e: new Map<unknown, unknown>([[1, 'x']]),
        f: new Set(['y']),
        g: new Date(0),
        h: new Uint16Array([1]),
        i: new CborTag('v', 99),
        j: Buffer.from([1, 2]),
      }),
    ).toEqual({
      a: { $bigint: '1' },
      b: { $bytes: 'ab' },
      c: { $undefined: true },
      d: [{ $float: 'NaN' }, { $float: 'Infinity' }, { $float: '-Infinity' }, { $float: '-0' }],
      e: { $map: [[1, 'x']] },
      f: { $set: ['y'] },
      g: { $date: '1970-01-01T00:00:00.000Z' },
      h: { $typedArray: 'Uint16Array', hex: '0100' },
      i: { $tag: 99, value: 'v' },
      j: { $bytes: '0102' },
    });
  });

  it('round-trips tagged JSON', () => {
    const value = {
      a: 1n,
      b: new Uint8Array([1]),
      c: [Number.NaN, -0],
      e: new Map([[1n, 'x']]),
      f: new Set([1]),
      g: new Date(5),
    };
    expect(fromTaggedJson(JSON.parse(JSON.stringify(toTaggedJson(value))))).toEqual(value);
  });

  it('refuses a tag whose content is not of the tag with INVALID_ARGUMENT (was a SyntaxError or a BinaryError)', () => {
    for (const [value, key] of [
      [{ $bigint: '½' }, '$bigint'],
      [{ $bigint: '-9223372036854775808x' }, '$bigint'],
      [{ $bytes: 'abc' }, '$bytes'],
      [{ $bytes: 'zz' }, '$bytes'],
      [{ a: [{ $typedArray: 'Uint16Array', hex: '0g' }] }, '$typedArray'],
    ] as const) {
      expect(() => fromTaggedJson(value)).toThrowError(
        expect.objectContaining({ name: 'MoqtraceError', code: 'INVALID_ARGUMENT', key }),
      );
    }
    expect(fromTaggedJson({ $bigint: '-18446744073709551615' })).toBe(-18446744073709551615n);
  });

  it('prints typed bytes above 4096 as length and sha256 unless fullBytes', () => {
    const payload = new Uint8Array(5000).fill(7);
    const event: TraceEvent = {
      type: 'object-payload',
      seq: 0,
      timestamp: 0,
      streamId: 1n,
      groupId: 0n,
      objectId: 0n,
      size: 5000,
      payload,
    };
    expect(renderEvent(event).payload).toEqual({ length: 5000, sha256: sha256(payload) });
    expect(renderEvent(event, { fullBytes: true }).payload).toBe('07'.repeat(5000));
    expect(renderEvent({ ...event, payload: payload.subarray(0, 4096) }).payload).toBe('07'.repeat(4096));
  });
});

describe('NDJSON', () => {
  it('records carry kind, offset, segment before the rendering', async () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(3) });
    const lines: string[] = [];
    const reader = await openTraceReader(bytes, { segments: true });
    for await (const record of reader) lines.push(JSON.stringify(renderRecord(record)));
    lines.push(JSON.stringify(renderEndRecord(reader.end as TraceEnd)));
    expect(lines[0]).toMatch(/^\{"kind":"header","offset":0,"segment":0,"format":"moqtrace","version":1,/);
    expect(lines[1]).toMatch(/^\{"kind":"event","offset":\d+,"segment":0,"type":"control","seq":0,/);
    expect(lines.at(-1)).toMatch(/^\{"kind":"end","state":"eof",/);
    expect(lines).toHaveLength(5);
  });

  it('export then import gives the trace back (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArbitrary(), { maxLength: 20 }), async (events) => {
        const original = writeTrace({ header: HEADER, events });
        const imported = await importNdjson(exportNdjson(readTrace(original)));
        expect(imported.skipped).toEqual([]);
        expect(writeTrace(imported)).toEqual(original);
      }),
      { numRuns: 100 },
    );
  });
});

/** Decoded trees compared by value: integral numbers and bigints of equal value are the same. */
function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return `#${value}`;
  if (typeof value === 'number' && Number.isInteger(value)) return `#${value}`;
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if ('$bigint' in object && Object.keys(object).length === 1) return `#${object.$bigint}`;
    if ('$undefined' in object && Object.keys(object).length === 1) return null; // undefined → null
    if ('$float' in object && object.$float === '-0') return '#0'; // -0 → 0
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(object)) out[key] = normalize(object[key]);
    return out;
  }
  return value;
}

for (const name of ['moqtrace', 'moqtrace-v2'] as const) {
  const { dir, present } = corpus(name);
  describe.skipIf(skipWithout({ present }))(`read-modify-write of every fixture (${dir})`, () => {
    for (const fixture of fixtureNames(dir)) {
      it(`${fixture}: rewrite keeps all content`, async () => {
        let result: ReturnType<typeof readTrace>;
        try {
          result = readTrace(loadBytes(dir, fixture));
        } catch {
          return; // fatal files (bad magic, truncated preamble/header) have nothing to rewrite
        }
        const rewritten = readTrace(writeTrace(result));
        expect(rewritten.end.complete).toBe(true);
        expect(rewritten.segments.map((s) => normalize(toTaggedJson(s.header)))).toEqual(
          result.segments.map((s) => normalize(toTaggedJson(s.header))),
        );
        const a = renderLines(rewritten.events)
          .split('\n')
          .map((l) => (l ? normalize(JSON.parse(l)) : l));
        const b = renderLines(result.events)
          .split('\n')
          .map((l) => (l ? normalize(JSON.parse(l)) : l));
        expect(a).toEqual(b);
        // NDJSON export/import keeps it too
        const imported = writeTrace(await importNdjson(exportNdjson(result)));
        expect(sha256(renderLines(readTrace(imported).events))).toBe(sha256(renderLines(rewritten.events)));
        // the 200k-event fixture takes ~10 s alone and ~40 s on a loaded 2-core machine
      }, 300_000);
    }
  });
}
