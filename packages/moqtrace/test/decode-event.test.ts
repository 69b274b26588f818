import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEventAt, MoqtraceError, readTrace, writeTrace } from '../src/index.js';
import { corpus, fixtureNames, loadBytes, loadExpected, skipWithout } from './helpers/fixtures.js';

// Files where the reference reader's event count differs on purpose (spec §12.2).
const REFERENCE_DIFFERS = ['empty-values', 'stray-break-byte', 'unknown-and-malformed-events'];

import { eventArbitrary, HEADER } from './helpers/generate.js';

describe('decodeEventAt', () => {
  it('decodes every event at its offset like the reader, item alone or in the file (property)', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary(), { minLength: 1, maxLength: 15 }), (events) => {
        const bytes = writeTrace({ header: HEADER, events });
        const trace = readTrace(bytes);
        const offsets = trace.segments[0]!.eventOffsets;
        offsets.forEach((offset, i) => {
          const end = offsets[i + 1] ?? bytes.length;
          const inFile = decodeEventAt(bytes, offset);
          expect(inFile).toEqual({ ok: true, event: trace.events[i], end });
          const alone = decodeEventAt(bytes.slice(offset, end), 0);
          expect(alone).toEqual({ ok: true, event: trace.events[i], end: end - offset });
        });
      }),
      { numRuns: 150 },
    );
  });

  const corpora = [corpus('moqtrace'), corpus('moqtrace-v2')];
  it.skipIf(skipWithout(...corpora))(
    'agrees with the reader on every fixture: events, malformed events and their offsets',
    () => {
      let checked = 0;
      for (const c of corpora) {
        for (const name of fixtureNames(c.dir)) {
          const bytes = loadBytes(c.dir, name);
          let trace: ReturnType<typeof readTrace>;
          try {
            trace = readTrace(bytes);
          } catch {
            continue;
          }
          // The reader reads the events the corpus lists (where the reference reader read the file).
          const { eventCount } = loadExpected(c.dir, name);
          if (typeof eventCount === 'number' && !REFERENCE_DIFFERS.includes(name)) {
            expect(trace.events.length, name).toBe(eventCount);
          }
          for (const segment of trace.segments) {
            // every event of small files, an even sample of the 100k+ ones
            const step = Math.max(1, Math.floor(segment.eventOffsets.length / 3000));
            segment.eventOffsets.forEach((offset, i) => {
              if (i % step !== 0) return;
              const decoded = decodeEventAt(bytes, offset, { segment: segment.index });
              expect(decoded.ok && decoded.event, `${name}@${offset}`).toEqual(segment.events[i]);
              checked++;
            });
          }
          for (const problem of trace.problems.filter((p) => p.code === 'MALFORMED_EVENT')) {
            const decoded = decodeEventAt(bytes, problem.offset, { segment: problem.segment });
            expect(decoded.ok, name).toBe(false);
            if (!decoded.ok) {
              const { index: _index, ...rest } = problem;
              expect(decoded.problem, name).toEqual(rest);
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(6000); // every event of the small files, 3000 of each large one
    },
    300_000,
  );

  it('reports a cut item as TRUNCATED, broken CBOR as MALFORMED_CBOR, a non-map as MALFORMED_EVENT', () => {
    const bytes = writeTrace({
      header: HEADER,
      events: [{ type: 'annotation', seq: 0, timestamp: 1, label: 'hello', data: { a: [1, 2, 3] } }],
    });
    const offset = readTrace(bytes).segments[0]!.eventOffsets[0]!;
    const cut = decodeEventAt(bytes.subarray(0, bytes.length - 2), offset, { segment: 3 });
    expect(cut).toMatchObject({ ok: false, problem: { code: 'TRUNCATED', offset, segment: 3 } });
    expect(decodeEventAt(new Uint8Array([0xa1, 0xff, 0x00]), 0)).toMatchObject({
      ok: false,
      problem: { code: 'MALFORMED_CBOR', offset: 0 },
    });
    expect(decodeEventAt(new Uint8Array([0x83, 1, 2, 3]), 0)).toMatchObject({
      ok: false,
      end: 4,
      problem: { code: 'MALFORMED_EVENT', value: [1, 2, 3] },
    });
    expect(() => decodeEventAt(bytes, bytes.length)).toThrow(MoqtraceError);
  });
});
