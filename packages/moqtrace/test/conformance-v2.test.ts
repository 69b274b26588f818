import { describe, expect, it } from 'vitest';
import { readTrace, type TraceEvent, writeTrace } from '../src/index.js';
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
import { readStreamed } from './helpers/stream.js';

const { dir, present } = corpus('moqtrace-v2');
const names = fixtureNames(dir);

/** §12.2: our rewrite of these is version 1 (they fit the Rust 0.1 profile). */
const REWRITE_AS_V1 = new Set([
  'v1-basic',
  'v2-control-msg-map',
  'v2-msg-absent',
  'v2-headers-level-flow',
  'v2-error-with-raw',
  'v2-extra-keys',
]);

function typeCounts(events: readonly TraceEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) {
    const e = event.type === 'unknown' ? String(event.eventType) : String(typeIndex(event.type));
    counts[e] = (counts[e] ?? 0) + 1;
  }
  return counts;
}

const TYPES = [
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
function typeIndex(type: string): number {
  return TYPES.indexOf(type);
}

describe.skipIf(skipWithout({ present }))(`v2 corpus conformance (${dir})`, () => {
  it('finds the corpus files', () => {
    expect(names.length).toBe(15);
  });

  for (const name of names) {
    it(`${name}: segments, headers, offsets, events, digest, truncation`, () => {
      const expected = loadExpected(dir, name);
      const bytes = loadBytes(dir, name);
      const result = readTrace(bytes);
      expect(result.segments).toHaveLength(expected.segmentCount);
      expect(
        result.segments.map((s) => ({ offset: s.offset, version: s.version, headerLength: s.headerLength })),
      ).toEqual(
        expected.preambles.map((p: { offset: number; version: number; headerLength: number }) => ({
          offset: p.offset,
          version: p.version,
          headerLength: p.headerLength,
        })),
      );
      expect(result.segments.map((s) => s.events.length)).toEqual(
        expected.preambles.map((p: { eventCount: number }) => p.eventCount),
      );
      expect(result.events).toHaveLength(expected.eventCount);
      expect(typeCounts(result.events)).toEqual(expected.eventTypes);
      expect(sha256(renderLines(result.events))).toBe(expected.eventsJsonlSha256);
      expected.segments.forEach((segment: Record<string, unknown>, index: number) => {
        const ours = result.segments[index]!;
        expect(renderHeader(ours.header)).toEqual(segment.header);
        if (segment.events) {
          expect(ours.events.map(asJson)).toEqual(segment.events);
          expect(ours.eventOffsets).toEqual(segment.eventOffsets);
        } else {
          expect(ours.events).toHaveLength(segment.eventCount as number);
          expect(ours.eventOffsets[0]).toBe(segment.firstEventOffset);
          expect(sha256(renderLines(ours.events))).toBe(segment.eventsJsonlSha256);
          const first = segment.firstEvents as unknown[];
          const last = segment.lastEvents as unknown[];
          expect(ours.events.slice(0, first.length).map(asJson)).toEqual(first);
          expect(ours.events.slice(-last.length).map(asJson)).toEqual(last);
        }
      });
      if (expected.truncation) {
        expect(result.end.complete).toBe(false);
        expect(result.end).toMatchObject({
          state: 'truncated',
          offset: expected.truncation.offset,
          events: expected.truncation.eventsDecoded,
          trailingBytes: expected.truncation.bytesAfterOffset,
        });
        expect(result.problems).toEqual([
          expect.objectContaining({ code: 'TRUNCATED', offset: expected.truncation.offset }),
        ]);
      } else {
        expect(result.end.complete).toBe(true);
        expect(result.problems).toEqual([]);
      }
    });
  }

  for (const name of names) {
    it(`${name}: incremental reader with 1000-byte chunks`, async () => {
      const expected = loadExpected(dir, name).incrementalReader;
      const got = await readStreamed(loadBytes(dir, name), 1000);
      expect(got.segments).toHaveLength(expected.segmentItems);
      expect(got.events).toHaveLength(expected.eventItems);
      if (expected.outcome === 'ok') expect(got.end.state).toBe('eof');
      else expect(got.end).toMatchObject({ state: 'truncated', offset: expected.offset, events: expected.events });
    });
  }

  for (const name of names.filter((n) => n !== 'v2-truncated')) {
    it(`${name}: rewrite rereads equal (version ${REWRITE_AS_V1.has(name) ? 1 : 2})`, () => {
      const result = readTrace(loadBytes(dir, name));
      const rewritten = writeTrace(result);
      const again = readTrace(rewritten);
      expect(again.end.complete).toBe(true);
      expect(again.segments[0]?.version).toBe(REWRITE_AS_V1.has(name) ? 1 : 2);
      expect(again.segments.map((s) => renderHeader(s.header))).toEqual(
        result.segments.map((s) => renderHeader(s.header)),
      );
      expect(renderLines(again.events)).toBe(renderLines(result.events));
      // shortest form: never larger than the reference writer's output
      expect(rewritten.length).toBeLessThanOrEqual(loadBytes(dir, name).length + (name === 'v2-msg-absent' ? 21 : 0));
    });
  }

  it('v2-float-ints and v2-tag64 rewrite to the same bytes as v2-basic', () => {
    const basic = writeTrace(readTrace(loadBytes(dir, 'v2-basic')));
    expect(writeTrace(readTrace(loadBytes(dir, 'v2-float-ints')))).toEqual(basic);
    expect(writeTrace(readTrace(loadBytes(dir, 'v2-tag64')))).toEqual(basic);
  });

  it('v2-msg-absent: a rewrite writes "msg": {}', () => {
    const rewritten = writeTrace(readTrace(loadBytes(dir, 'v2-msg-absent')));
    const text = Buffer.from(rewritten).toString('latin1');
    expect(text.split('cmsg\xa0').length - 1).toBe(3);
  });
});
