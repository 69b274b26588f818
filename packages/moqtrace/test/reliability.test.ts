/**
 * Regression tests of the reliability defects of the previous reader and writer: quadratic decoding of wide maps,
 * rescans of a cut item on every chunk, verdicts that depended on the chunking, untyped writer errors, NDJSON
 * import failures without a line, and a decode started from inside a problem callback.
 */
import { fromBytes } from '@x/binary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRecorder,
  createTraceWriter,
  detectTrace,
  MoqtraceError,
  openTraceReader,
  readTrace,
  type TraceEvent,
  type TraceHeader,
  type TraceProblem,
  writeTrace,
} from '../src/index.js';
import { exportNdjson, importNdjson } from '../src/ndjson/index.js';
import { corpus, fixtureNames, loadBytes, renderLines, skipWithout } from './helpers/fixtures.js';
import { HEADER, sampleEvents } from './helpers/generate.js';
import { type Collected, parseChunked, readStreamed, sink, TraceParser } from './helpers/stream.js';

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A header and no events, then `tail`. */
function withTail(tail: Uint8Array, header: TraceHeader = HEADER): Uint8Array {
  return concat(writeTrace({ header, events: [] }), tail);
}

/** What every read of the same bytes must agree on. */
function verdict(c: Pick<Collected, 'events' | 'offsets' | 'problems' | 'end'>) {
  return { events: c.events, offsets: c.offsets, problems: c.problems, end: c.end };
}

/** Compares two verdicts; events as their canonical lines (deep equality of 100 000 events is slow). */
function expectSame(actual: object, expected: object, label: string): void {
  const flat = (v: object) =>
    'events' in v
      ? { ...v, events: renderLines(v.events as TraceEvent[]), offsets: (v.offsets as number[]).join(',') }
      : v;
  expect(flat(actual), label).toEqual(flat(expected));
}

/** The verdict of the whole-buffer read, or the code it threw. */
function wholeVerdict(bytes: Uint8Array) {
  try {
    const r = readTrace(bytes, { maxProblems: 100_000 });
    return verdict({
      events: r.events,
      offsets: r.segments.flatMap((s) => s.eventOffsets),
      problems: r.problems,
      end: r.end,
    });
  } catch (error) {
    return { thrown: MoqtraceError.is(error) ? error.code : String(error) };
  }
}

async function streamedVerdict(bytes: Uint8Array, chunkSize: number) {
  try {
    return verdict(await readStreamed(bytes, chunkSize));
  } catch (error) {
    return { thrown: MoqtraceError.is(error) ? error.code : String(error) };
  }
}

function chunkedVerdict(bytes: Uint8Array, sizes: number | number[]) {
  try {
    return verdict(parseChunked(bytes, sizes));
  } catch (error) {
    return { thrown: MoqtraceError.is(error) ? error.code : String(error) };
  }
}

function wideMap(keys: number): Record<string, number> {
  const extra: Record<string, number> = {};
  for (let i = 0; i < keys; i++) extra[`x-unknown-${i}`] = i;
  return extra;
}

// Complexity: inputs for which the old code takes minutes (quadratic) and the new one well under a second; the
// generous per-test timeouts are the bound (no speed is measured here, see `pnpm bench`).
describe('linear time on wide maps', () => {
  it('an event with 200 000 unknown keys reads whole and streamed (old decoder: ~7 s for 245 KB, quadratic)', async () => {
    const event: TraceEvent = {
      type: 'annotation',
      seq: 0,
      timestamp: 0,
      label: 'wide',
      data: 1,
      extra: wideMap(200_000),
    };
    const bytes = writeTrace({ header: HEADER, events: [event, ...sampleEvents(2)] });
    const whole = readTrace(bytes);
    expect(whole.end.complete).toBe(true);
    expect(Object.keys((whole.events[0] as TraceEvent & { extra: object }).extra)).toHaveLength(200_000);
    const streamed = await readStreamed(bytes, 16 * 1024);
    expect(streamed.events).toHaveLength(3);
    expect(streamed.end).toEqual(whole.end);
  }, 300_000);

  it('a header with 200 000 unknown keys reads whole and streamed', async () => {
    const header: TraceHeader = { ...HEADER, extra: wideMap(200_000) };
    const bytes = writeTrace({ header, events: sampleEvents(3) });
    const whole = readTrace(bytes);
    expect(Object.keys(whole.header.extra ?? {})).toHaveLength(200_000);
    const streamed = await readStreamed(bytes, 16 * 1024);
    expect(streamed.events).toHaveLength(3);
    expect(streamed.end).toEqual(whole.end);
  }, 300_000);
});

describe('a cut item is scanned once, not once per chunk', () => {
  it('an unclosed indefinite array of 32 MiB streamed in 16 KiB chunks: same verdict as whole (old reader: 24 s for 2 MiB, quadratic)', async () => {
    const tail = new Uint8Array(32 * 1024 * 1024 + 1);
    tail[0] = 0x9f; // indefinite array, then 32 Mi items (0x00) and no break
    const bytes = withTail(tail);
    const streamed = await readStreamed(bytes, 16 * 1024);
    const whole = readTrace(bytes);
    expect(whole.end).toMatchObject({
      state: 'truncated',
      offset: bytes.length - tail.length,
      trailingBytes: tail.length,
    });
    expect(streamed.end).toEqual(whole.end);
    expect(streamed.problems).toEqual(whole.problems);
  }, 300_000);

  it('4 MiB of nested arrays is NESTING_TOO_DEEP after 512 levels, whole and streamed alike', async () => {
    const tail = new Uint8Array(4 * 1024 * 1024).fill(0x81); // [[[[...
    const bytes = concat(withTail(tail), writeTrace({ header: { ...HEADER, segment: { sequence: 1 } }, events: [] }));
    const whole = readTrace(bytes);
    expect(whole.problems[0]).toMatchObject({ code: 'NESTING_TOO_DEEP', severity: 'error' });
    expect(whole.segments).toHaveLength(2); // resynchronised on the next preamble
    const streamed = await readStreamed(bytes, 16 * 1024);
    expect(verdict(streamed)).toEqual(wholeVerdict(bytes));
  }, 300_000);
});

const corpora = [corpus('moqtrace'), corpus('moqtrace-v2')];

describe.skipIf(skipWithout(...corpora))('the same verdict for every chunking of the corpora', () => {
  const files: [string, Uint8Array][] = [];
  for (const c of corpora) for (const name of fixtureNames(c.dir)) files.push([name, loadBytes(c.dir, name)]);

  it('every corpus file: whole read, chunked parser and streamed reader agree (events, offsets, problems, end)', async () => {
    expect(files.length).toBeGreaterThan(40); // both corpora: 28 + 15 files
    for (const [name, bytes] of files) {
      const whole = wholeVerdict(bytes);
      for (const size of [1, 7, 64, 4096]) {
        const limit = size === 1 ? 16_384 : size === 7 ? 1_100_000 : size === 64 ? 4_000_000 : Number.POSITIVE_INFINITY;
        if (bytes.length > limit) continue;
        expectSame(chunkedVerdict(bytes, size), whole, `${name} / ${size}`);
      }
      expectSame(await streamedVerdict(bytes, 333), whole, name);
    }
  }, 300_000);

  it('mutated corpus files (flipped, cut, inserted bytes) under random chunkings (property)', async () => {
    const small = files.filter(([, b]) => b.length < 64 * 1024);
    expect(small.length).toBeGreaterThan(30);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: small.length - 1 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            byte: fc.integer({ min: 0, max: 255 }),
            op: fc.constantFrom('set', 'insert', 'cut'),
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 20 }),
        async (index, mutations, cuts) => {
          let bytes = (small[index] as [string, Uint8Array])[1].slice();
          for (const m of mutations) {
            const at = m.at % Math.max(1, bytes.length);
            if (m.op === 'set') bytes[at] = m.byte;
            else if (m.op === 'insert')
              bytes = concat(bytes.subarray(0, at), new Uint8Array([m.byte]), bytes.subarray(at));
            else bytes = bytes.subarray(0, Math.max(at, 1));
          }
          const whole = wholeVerdict(bytes);
          expect(
            chunkedVerdict(
              bytes,
              cuts.map((c) => c % Math.max(1, bytes.length)),
            ),
          ).toEqual(whole);
          expect(await streamedVerdict(bytes, ((cuts[0] as number) % 700) + 1)).toEqual(whole);
        },
      ),
      { numRuns: 150 },
    );
  }, 300_000);
});

describe('the same verdict for every chunking', () => {
  it('an item declaring more than maxItemBytes near the end: ITEM_TOO_LARGE both ways (was TRUNCATED whole, MALFORMED_CBOR streamed)', async () => {
    const tail = concat(new Uint8Array([0x5a, 0x12, 0xc0, 0x00, 0x00]), new Uint8Array(100)); // bytes of 300 MiB
    const bytes = concat(writeTrace({ header: HEADER, events: sampleEvents(3) }), tail);
    const whole = readTrace(bytes);
    expect(whole.events).toHaveLength(3);
    expect(whole.problems[0]).toMatchObject({ code: 'ITEM_TOO_LARGE', offset: bytes.length - tail.length });
    expect(whole.end.complete).toBe(false);
    for (const size of [1, 3, 16, 4096]) expect(chunkedVerdict(bytes, size)).toEqual(wholeVerdict(bytes));
    expect(await streamedVerdict(bytes, 5)).toEqual(wholeVerdict(bytes));
  });

  it('a complete item over maxItemBytes is ITEM_TOO_LARGE; reading resumes at the next preamble, whichever the chunking', async () => {
    const big: TraceEvent = { type: 'annotation', seq: 0, timestamp: 0, label: 'big', data: 'x'.repeat(5000) };
    const bytes = writeTrace({
      segments: [0, 1].map((sequence) => ({
        header: { ...HEADER, segment: { sequence } },
        events: sequence === 0 ? [...sampleEvents(2), big, ...sampleEvents(3)] : sampleEvents(4),
      })),
    });
    const whole = readTrace(bytes, { maxItemBytes: 1000 });
    expect(whole.problems.map((p) => p.code)).toEqual(['ITEM_TOO_LARGE']);
    expect(whole.segments.map((s) => s.events.length)).toEqual([2, 4]);
    const expected = verdict({
      events: whole.events,
      offsets: whole.segments.flatMap((s) => s.eventOffsets),
      problems: whole.problems,
      end: whole.end,
    });
    for (const size of [1, 100, 999, 5000]) {
      expect(verdict(await readStreamed(bytes, size, { maxItemBytes: 1000 }))).toEqual(expected);
    }
  });
});

describe('typed writer errors', () => {
  const cases: [string, Partial<Record<keyof TraceHeader, unknown>>][] = [
    ['header.startTime', { startTime: Number.NaN }],
    ['header.startTime', { startTime: -1 }],
    ['header.startTime', { startTime: 1.5 }],
    ['header.startTime', { startTime: Number.POSITIVE_INFINITY }],
    ['header.protocol', { protocol: 5 }],
    ['header.endTime', { endTime: Number.NaN }],
  ];

  it.each(cases)(
    'writeTrace, createTraceWriter and createRecorder: INVALID_ARGUMENT naming %s',
    async (key, change) => {
      const header = { ...HEADER, ...change } as TraceHeader;
      const expected = expect.objectContaining({ name: 'MoqtraceError', code: 'INVALID_ARGUMENT', key });
      expect(() => writeTrace({ header, events: [] })).toThrowError(expected);
      const written: Uint8Array[] = [];
      const sink = { write: (chunk: Uint8Array) => void written.push(chunk), close() {} };
      expect(() => createTraceWriter(sink, { header })).toThrowError(expected);
      expect(written).toEqual([]); // nothing reached the sink
      expect(() => createRecorder({ header })).toThrowError(expected);
    },
  );

  it('an event that cannot be encoded names its index and field; nothing of it is written', async () => {
    const bad = { type: 'stream-closed', seq: -5, timestamp: 0, streamId: 1n, errorCode: 0 } as TraceEvent;
    expect(() => writeTrace({ header: HEADER, events: [sampleEvents(1)[0] as TraceEvent, bad] })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', key: 'events[1].seq' }),
    );
    const written: Uint8Array[] = [];
    const writer = createTraceWriter({ write: (c) => void written.push(c), close() {} }, { header: HEADER });
    expect(() => writer.write(bad)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', key: 'event.seq' }),
    );
    for (const event of sampleEvents(3)) await writer.write(event);
    await writer.close();
    const back = readTrace(concat(...written));
    expect(back.events).toHaveLength(3);
    expect(back.end.complete).toBe(true);
  });
});

describe('NDJSON import', () => {
  const text = exportNdjson(readTrace(writeTrace({ header: HEADER, events: sampleEvents(4) })));
  const lines = text.split('\n');

  it('accepts a UTF-8 BOM, as text and as bytes', async () => {
    const plain = await importNdjson(text);
    expect((await importNdjson(`\ufeff${text}`)).segments).toEqual(plain.segments);
    const bytes = concat(new Uint8Array([0xef, 0xbb, 0xbf]), new TextEncoder().encode(text));
    expect((await importNdjson(bytes)).segments).toEqual(plain.segments);
    expect((await importNdjson(fromBytes(bytes, { chunkSize: 7 }))).segments).toEqual(plain.segments);
  });

  it('strict: the first bad line throws INVALID_NDJSON with its line and byte offset', async () => {
    const broken = [...lines];
    broken.splice(2, 0, '{"kind":"event",');
    const input = broken.join('\n');
    const offset = new TextEncoder().encode(broken.slice(0, 2).join('\n')).length + 1;
    const error = await importNdjson(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MoqtraceError);
    expect(error).toMatchObject({ code: 'INVALID_NDJSON', offset, details: { line: 3, offset, index: 2 } });
    expect((error as Error).message).toMatch(/^line 3 \(byte \d+\): not JSON/);
  });

  it('skipInvalid: bad lines are skipped and reported, the rest imported', async () => {
    const broken = [...lines];
    broken.splice(2, 0, 'garbage');
    broken.splice(4, 0, '{"kind":"event","type":"nope","seq":0,"timestamp":0}');
    const seen: unknown[] = [];
    const result = await importNdjson(broken.join('\n'), { skipInvalid: true, onSkip: (s) => seen.push(s) });
    expect(result.segments[0]?.events).toHaveLength(4);
    expect(result.skipped.map((s) => s.line)).toEqual([3, 5]);
    expect(result.skipped[1]?.reason).toMatch(/unknown event type nope/);
    expect(seen).toEqual(result.skipped);
  });

  it('a deeply nested line is a clear error, not a stack overflow', async () => {
    const deep = `{"kind":"event","type":"annotation","seq":0,"timestamp":0,"label":"d","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const input = [lines[0], deep].join('\n');
    await expect(importNdjson(input)).rejects.toThrowError(
      expect.objectContaining({
        code: 'INVALID_NDJSON',
        message: expect.stringMatching(/^line 2 .*nested deeper than 500/),
      }),
    );
    const skipped = await importNdjson(input, { skipInvalid: true });
    expect(skipped.skipped.map((s) => s.line)).toEqual([2]);
  });
});

describe('reader options and re-entrancy', () => {
  const bytes = writeTrace({ header: HEADER, events: sampleEvents(20) });
  const damaged = bytes.slice();
  const offsets = readTrace(bytes).segments[0]?.eventOffsets as number[];
  for (const i of [3, 7, 11]) damaged[offsets[i] as number] = 0xfc; // three broken items

  it('a trace decoded from inside onProblem (whole and streamed) does not disturb the outer read', async () => {
    const inner: number[] = [];
    const outer = readTrace(damaged, {
      onProblem: () => {
        inner.push(readTrace(bytes).events.length);
        inner.push(readTrace(damaged).problems.length);
      },
    });
    // Two inner reads per problem of the outer read: one problem, as the first broken item loses the item
    // boundary and no later preamble resynchronises.
    expect(inner).toEqual([20, 1]);
    expect(readTrace(damaged).problems.map((p) => p.code)).toEqual(['MALFORMED_CBOR']);
    expect(outer).toEqual(readTrace(damaged));
    const streamedInner: number[] = [];
    const reader = await openTraceReader(fromBytes(damaged, { chunkSize: 50 }), {
      onProblem: () => void streamedInner.push(readTrace(bytes).events.length),
    });
    const events: TraceEvent[] = [];
    for await (const record of reader) if (record.kind === 'event') events.push(record.event);
    expect(events).toEqual(outer.events);
    expect(streamedInner.every((n) => n === 20)).toBe(true);
  });

  it('a streaming reader calls onProblem in order with the records it hands out', async () => {
    // Events with malformed ones between them ({"n": "x"}: a map that is no event), then broken CBOR.
    const bad = Uint8Array.of(0xa1, 0x61, 0x6e, 0x61, 0x78);
    const events = (n: number) =>
      writeTrace({ header: HEADER, events: sampleEvents(n) }).subarray(offsets[0] as number);
    const mixed = concat(
      writeTrace({ header: HEADER, events: [] }),
      bad,
      events(3),
      bad,
      bad,
      events(2),
      Uint8Array.of(0xfc, 1, 2),
    );
    // The parser's own order (events and problems as found) is the reference.
    const expected: string[] = [];
    const parser = new TraceParser();
    parser.push(mixed);
    parser.end();
    parser.run(
      sink({
        event: (_event, offset) => void expected.push(`event ${offset}`),
        problem: (p) => void expected.push(`${p.code} ${p.offset}`),
      }),
    );
    for (const size of [1, 40, 100_000]) {
      const seen: string[] = [];
      const reader = await openTraceReader(fromBytes(mixed, { chunkSize: size }), {
        onProblem: (p) => void seen.push(`${p.code} ${p.offset}`),
      });
      for await (const record of reader) if (record.kind === 'event') seen.push(`event ${record.offset}`);
      expect(seen).toEqual(expected);
      expect(reader.problems.map((p) => p.code)).toEqual([
        'MALFORMED_EVENT',
        'MALFORMED_EVENT',
        'MALFORMED_EVENT',
        'MALFORMED_CBOR',
      ]);
    }
  });

  it('limit: stops after N events, end state limit, still complete', async () => {
    const result = readTrace(bytes, { limit: 5 });
    expect(result.events).toHaveLength(5);
    expect(result.end).toMatchObject({ state: 'limit', offset: offsets[5], complete: true, events: 5 });
    expect(result.end.trailingBytes).toBe(bytes.length - (offsets[5] as number));
    const streamed = await readStreamed(bytes, 64, { limit: 5 });
    expect(streamed.end).toEqual(result.end);
  });

  it('strict: the first error problem is thrown with its code and offset', async () => {
    const error = (() => {
      try {
        readTrace(damaged, { strict: true });
      } catch (e) {
        return e;
      }
    })();
    const first = readTrace(damaged).problems.find((p) => p.severity === 'error') as TraceProblem;
    expect(error).toMatchObject({ name: 'MoqtraceError', code: first.code, offset: first.offset });
    const reader = await openTraceReader(fromBytes(damaged, { chunkSize: 64 }), { strict: true });
    await expect(
      (async () => {
        for await (const _ of reader);
      })(),
    ).rejects.toMatchObject({ code: first.code, offset: first.offset });
  });

  it('maxProblems caps the list, the end still counts all; onProblem sees all', () => {
    const seen: TraceProblem[] = [];
    const all = readTrace(damaged);
    const capped = readTrace(damaged, { maxProblems: 1, onProblem: (p) => seen.push(p) });
    expect(capped.problems).toEqual(all.problems.slice(0, 1));
    expect(seen).toEqual(all.problems);
    expect(capped.end).toEqual(all.end);
    expect(capped.end.errors).toBe(all.problems.filter((p) => p.severity === 'error').length);
  });

  it('bad options are INVALID_ARGUMENT naming the option', () => {
    for (const [key, value] of [
      ['limit', -1],
      ['maxProblems', 1.5],
      ['maxItemBytes', 0],
    ] as const) {
      expect(() => readTrace(bytes, { [key]: value })).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', key }),
      );
    }
  });

  it('detectTrace: a magic prefix, a short prefix of it, nothing else', () => {
    expect(detectTrace(bytes.subarray(0, 16))).toBe(true);
    expect(detectTrace(bytes.subarray(0, 3))).toBe(true);
    expect(detectTrace(new Uint8Array())).toBe(false);
    expect(detectTrace(new TextEncoder().encode('{"kind":"header"}'))).toBe(false);
    expect(detectTrace(new TextEncoder().encode('MOQTRACX'))).toBe(false);
  });
});
