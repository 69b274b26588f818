import { describe, expect, it } from 'vitest';
import { MoqtraceError, readTrace, type TraceContents, type TraceEvent } from '../src/index.js';
import { renderHeader } from '../src/ndjson/index.js';
import {
  asJson,
  corpus,
  fixtureNames,
  loadBytes,
  loadExpected,
  renderLines,
  sha256,
  skipWithout,
} from './helpers/fixtures.js';
import { parseChunked, readStreamed } from './helpers/stream.js';

const { dir, present } = corpus('moqtrace');
const names = fixtureNames(dir);

/** Files where the project intentionally differs from the 0.2.0 reader (spec §12.2). */
const DIFFERENT = new Set([
  'truncated-mid-event',
  'truncated-mid-payload',
  'rust-truncated-mid-event',
  'version-field-2',
  'stray-break-byte',
  'unknown-and-malformed-events',
  'empty-values',
  'truncated-in-header',
  'truncated-preamble',
  'bad-magic',
]);

function read(name: string): TraceContents {
  return readTrace(loadBytes(dir, name));
}

function typeCounts(events: readonly TraceEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
  return counts;
}

/** Header as the project renders it: JS 0.2.0 returned bigint startTime/endTime for Rust files, we give numbers. */
// biome-ignore lint/suspicious/noExplicitAny: expected.json is free-form
function expectedHeader(header: any): unknown {
  const out = { ...header };
  for (const key of ['startTime', 'endTime']) {
    if (out[key] && typeof out[key] === 'object' && '$bigint' in out[key]) out[key] = Number(out[key].$bigint);
  }
  return out;
}

describe.skipIf(skipWithout({ present }))(`v1 corpus conformance (${dir})`, () => {
  it('finds the corpus files', () => {
    expect(names.length).toBe(28);
  });

  for (const name of names.filter((n) => !DIFFERENT.has(n))) {
    it(`${name}: header, events and digest equal expected.json`, () => {
      const expected = loadExpected(dir, name);
      const result = read(name);
      expect(result.end.complete).toBe(true);
      expect(result.problems).toEqual([]);
      expect(result.segments).toHaveLength(1);
      expect(result.segments[0]?.version).toBe(expected.preamble.version);
      expect(result.segments[0]?.headerLength).toBe(expected.preamble.headerLength);
      expect(renderHeader(result.segments[0]!.header)).toEqual(expectedHeader(expected.header));
      expect(result.events).toHaveLength(expected.eventCount);
      expect(typeCounts(result.events)).toEqual(expected.eventTypeCounts);
      if (expected.events) expect(result.events.map(asJson)).toEqual(expected.events);
      if (expected.firstEvents) {
        expect(result.events.slice(0, expected.firstEvents.length).map(asJson)).toEqual(expected.firstEvents);
        expect(result.events.slice(-expected.lastEvents.length).map(asJson)).toEqual(expected.lastEvents);
      }
      expect(sha256(renderLines(result.events))).toBe(expected.eventsJsonlSha256);
      if (expected.payloadsSha256) {
        const payloads = result.events.flatMap((event) =>
          event.type === 'object-payload' && event.payload ? [event.payload] : [],
        );
        expect(payloads).toHaveLength(expected.payloadCount);
        const total = payloads.reduce((sum, p) => sum + p.length, 0);
        expect(total).toBe(expected.payloadBytesTotal);
        const joined = new Uint8Array(total);
        let at = 0;
        for (const p of payloads) {
          joined.set(p, at);
          at += p.length;
        }
        expect(sha256(joined)).toBe(expected.payloadsSha256);
      }
    });
  }

  it('empty-values: the annotation without data has no data key; everything else as the reference', () => {
    const expected = loadExpected(dir, 'empty-values');
    const result = read('empty-values');
    expect(result.end.complete).toBe(true);
    const rendered = result.events.map(asJson) as Record<string, unknown>[];
    const want = (expected.events as Record<string, unknown>[]).map((event) => {
      if (event.type === 'annotation' && JSON.stringify(event.data) === '{"$undefined":true}') {
        const { data: _data, ...rest } = event;
        return rest;
      }
      return event;
    });
    expect(rendered).toEqual(want);
    expect(rendered.find((event) => event.label === '')).not.toHaveProperty('data');
  });

  for (const [name, count, offset] of [
    ['truncated-mid-event', 19, 1800],
    ['truncated-mid-payload', 2, 385],
    ['rust-truncated-mid-event', 13, 868],
  ] as const) {
    it(`${name}: ${count} events, truncated at ${offset}`, () => {
      const expected = loadExpected(dir, name);
      const bytes = loadBytes(dir, name);
      const result = readTrace(bytes);
      expect(result.end.complete).toBe(false);
      expect(result.events).toHaveLength(count);
      expect(result.end.state).toBe('truncated');
      expect(result.end.offset).toBe(offset);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatchObject({ code: 'TRUNCATED', severity: 'error', offset });
      expect(result.end).toMatchObject({ events: count, trailingBytes: bytes.length - offset, errors: 1 });
      if (expected.completeEventsBeforeCut) {
        expect(result.events.map(asJson)).toEqual(expected.completeEventsBeforeCut);
      }
      expect(() => readTrace(bytes, { strict: true })).toThrowError(MoqtraceError);
      try {
        readTrace(bytes, { strict: true });
      } catch (error) {
        expect(MoqtraceError.is(error) && error.code).toBe('TRUNCATED');
        expect(((error as MoqtraceError).details as TraceContents).events).toHaveLength(count);
      }
    });
  }

  it('rust-truncated-mid-event: events equal those of rust-all-event-types before the cut', () => {
    const whole = read('rust-all-event-types');
    const cut = read('rust-truncated-mid-event');
    expect(cut.events.map(asJson)).toEqual(whole.events.slice(0, 13).map(asJson));
  });

  it('version-field-2: a non-segmented v2 file with the 20 events of all-event-types-full', () => {
    const result = read('version-field-2');
    const reference = read('all-event-types-full');
    expect(result.end.complete).toBe(true);
    expect(result.segments[0]?.version).toBe(2);
    expect(result.segments[0]?.header.segment).toBeUndefined();
    expect(result.events.map(asJson)).toEqual(reference.events.map(asJson));
  });

  it('stray-break-byte: 19 events and malformed-cbor at 1800, no fake annotation', () => {
    const result = read('stray-break-byte');
    expect(result.events).toHaveLength(19);
    expect(result.events.some((event) => event.type === 'annotation' && event.label.startsWith('unknown-event'))).toBe(
      false,
    );
    expect(result.end.complete).toBe(false);
    expect(result.problems.map((p) => [p.code, p.offset])).toEqual([['MALFORMED_CBOR', 1800]]);
    expect(result.events.map(asJson)).toEqual(read('all-event-types-full').events.slice(0, 19).map(asJson));
  });

  it('unknown-and-malformed-events: six events, five problems, stores and unknown values kept', () => {
    const result = read('unknown-and-malformed-events');
    const header = result.segments[0]!.header;
    expect(header.perspective).toBe('relay-tap');
    expect(header.detail).toBe('exotic-level');
    expect(header.extra).toEqual({ 'x-note': 'unknown header key' });
    expect(header.segment).toEqual({ sequence: 0 });
    expect(result.events.map(asJson)).toEqual([
      {
        type: 'stream-opened',
        seq: 0,
        timestamp: 0,
        streamId: '2',
        direction: 1,
        streamType: 0,
        trackAlias: '5',
        extra: { 'x-extra': 'unknown key on a known event' },
      },
      { type: 'unknown', seq: 1, timestamp: 1, eventType: 99, fields: { foo: 'bar', nested: { a: 1 } } },
      { type: 'peer-connected', seq: 2, timestamp: 2, peer: 'peer-1', endpoint: '192.0.2.1:4433' },
      { type: 'control', seq: 3, timestamp: 3, direction: 0, messageType: 3, message: {} },
      { type: 'annotation', seq: 4, timestamp: 4, label: 'no data key' },
      {
        type: 'object-header',
        seq: 8,
        timestamp: 8,
        streamId: '2',
        groupId: '0',
        objectId: '0',
        publisherPriority: 1,
        objectStatus: 0,
      },
    ]);
    expect(result.end.complete).toBe(false);
    expect(result.problems.map((p) => [p.code, p.offset, p.key])).toEqual([
      ['MALFORMED_EVENT', 363, 'sz'],
      ['MALFORMED_EVENT', 410, 'n'],
      ['MALFORMED_EVENT', 431, 'e'],
      ['MALFORMED_EVENT', 518, undefined],
      ['MALFORMED_EVENT', 522, undefined],
    ]);
    expect(result.problems[3]?.value).toEqual([1, 2, 3]);
    expect(result.problems[4]?.value).toBe('not a map');
  });

  for (const [name, code] of [
    ['bad-magic', 'BAD_MAGIC'],
    ['truncated-preamble', 'TRUNCATED'],
    ['truncated-in-header', 'TRUNCATED'],
  ] as const) {
    it(`${name}: fatal ${code}`, () => {
      const bytes = loadBytes(dir, name);
      let caught: unknown;
      try {
        readTrace(bytes);
      } catch (error) {
        caught = error;
      }
      expect(MoqtraceError.is(caught)).toBe(true);
      expect((caught as MoqtraceError).code).toBe(code);
    });
  }

  it('incremental parsing gives the same events, problems and end for 1000-, 7- and 1-byte chunks', async () => {
    for (const name of [
      'all-event-types-full',
      'unknown-and-malformed-events',
      'truncated-mid-event',
      'stray-break-byte',
    ]) {
      const bytes = loadBytes(dir, name);
      const whole = readTrace(bytes);
      for (const size of [1000, 7, 1]) {
        for (const got of [parseChunked(bytes, size), await readStreamed(bytes, size)]) {
          expect(got.events.map(asJson)).toEqual(whole.events.map(asJson));
          expect(got.offsets).toEqual(whole.segments[0]!.eventOffsets);
          expect(got.problems).toEqual(whole.problems);
          expect(got.end).toEqual(whole.end);
        }
      }
    }
  });
});
