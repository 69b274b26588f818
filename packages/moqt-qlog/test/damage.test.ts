import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openQlogReader, QlogError, type QlogFormat, readQlog, writeQlog } from '../src/index.js';
import { renderings } from './helpers/moqtrace.js';
import { moqRsNdjson, moxygenMlog } from './helpers/producers.js';
import { HEADER, sampleEvents } from './helpers/sample.js';

const encoder = new TextEncoder();
const events = sampleEvents();
const expected = renderings(events);

function exported(format: QlogFormat): Uint8Array {
  return writeQlog({ header: HEADER, events }, { format });
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The bytes as a stream of `size`-byte chunks (no size known up front). */
function chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
    },
  };
}

/** Reads, turning the two "cannot be read at all" errors into a marker (they are legitimate for tiny cuts). */
function readOrReject(bytes: Uint8Array) {
  try {
    return readQlog(bytes);
  } catch (error) {
    if (QlogError.is(error) && (error.code === 'NOT_QLOG' || error.code === 'NO_MOQT_EVENTS')) return undefined;
    throw error;
  }
}

describe('a file cut at every byte', () => {
  for (const format of ['json-seq', 'contained'] as const) {
    it(`${format}: keeps every complete event before the cut, drops the cut record with TRUNCATED`, () => {
      const bytes = exported(format);
      const text = new TextDecoder().decode(bytes);
      for (let cut = 0; cut < bytes.length; cut++) {
        const result = readOrReject(bytes.subarray(0, cut));
        if (result === undefined) continue;
        const got = renderings(result.events);
        // A prefix of the events (an object's payload may be lost with its cut record).
        expect(expected.slice(0, got.length)).toEqual(got);
        if (result.end.state === 'truncated') {
          expect(result.end.complete).toBe(false);
          expect(result.problems.at(-1)?.code).toBe('TRUNCATED');
          expect(result.problems.at(-1)?.severity).toBe('warning');
          expect(result.end.offset).toBeLessThanOrEqual(cut);
          expect(result.end.trailingBytes).toBe(cut - result.end.offset);
        }
      }
      // Cut right after a complete JSON-SEQ record: a clean end with the events so far.
      if (format === 'json-seq') {
        const boundary = text.lastIndexOf('\u001e');
        const clean = readQlog(bytes.subarray(0, boundary));
        expect(clean.end).toMatchObject({ state: 'eof', complete: true });
        expect(renderings(clean.events)).toEqual(expected.slice(0, clean.events.length));
      }
    });
  }
});

describe('a malformed record in the middle', () => {
  it('JSON-SEQ: MALFORMED at the record offset, every other event kept', () => {
    const text = new TextDecoder().decode(exported('json-seq'));
    const records = text.split('\u001e');
    // records[0] is empty, [1] the header, [2..] events; damage the 3rd event (state-change).
    records[4] = '{"time": 2, "name": broken\n';
    const damaged = encoder.encode(records.join('\u001e'));
    const offset = encoder.encode(records.slice(0, 4).join('\u001e')).length;
    const result = readQlog(damaged);
    expect(result.problems).toEqual([
      expect.objectContaining({ code: 'MALFORMED', severity: 'error', offset, record: 4 }),
    ]);
    expect(renderings(result.events)).toEqual(expected.filter((_, index) => index !== 2));
    expect(result.end).toMatchObject({ state: 'eof', complete: false, errors: 1 });
  });

  it('contained JSON: a broken element is skipped and the next one read', () => {
    const text = new TextDecoder().decode(exported('contained'));
    const lines = text.split('\n');
    // lines[0] is the header up to "events":[, lines[1..] the events, one per line.
    lines[3] = '{"time":2,"name":"moqtrace:state_change","data":{"from":"setup",,"to"}},';
    const result = readQlog(encoder.encode(lines.join('\n')));
    expect(result.problems.map((p) => p.code)).toEqual(['MALFORMED']);
    expect(result.problems[0]?.offset).toBe(encoder.encode(lines.slice(0, 3).join('\n')).length + 1);
    expect(renderings(result.events)).toEqual(expected.filter((_, index) => index !== 2));
  });

  it('contained JSON: an element with broken brackets costs only itself', () => {
    const text = new TextDecoder().decode(exported('contained'));
    const lines = text.split('\n');
    lines[3] = '{"time":2,"name":"moqtrace:state_change","data":{"from":"setup"]]]]]]],';
    const result = readQlog(encoder.encode(lines.join('\n')));
    expect(result.problems.map((p) => p.code)).toEqual(['MALFORMED']);
    expect(renderings(result.events)).toEqual(expected.filter((_, index) => index !== 2));
  });

  it('NDJSON: a cut line is reported and the next line read', () => {
    const lines = new TextDecoder().decode(moqRsNdjson()).split('\n');
    const good = readQlog(moqRsNdjson());
    lines[2] = lines[2]?.slice(0, 40) ?? '';
    const result = readQlog(encoder.encode(lines.join('\n')));
    expect(result.problems).toEqual([
      expect.objectContaining({ code: 'MALFORMED', offset: encoder.encode(lines.slice(0, 2).join('\n')).length + 1 }),
    ]);
    expect(result.events.length).toBe(good.events.length - 1);
  });

  it('moxygen pretty-printed objects: a cut object is reported and the next object read', () => {
    const text = new TextDecoder('latin1').decode(moxygenMlog());
    const starts = [...text.matchAll(/^\{/gm)].map((match) => match.index ?? 0);
    const bytes = moxygenMlog();
    const cutStart = starts[3] as number;
    const damaged = new Uint8Array([...bytes.subarray(0, cutStart + 30), 0x0a, ...bytes.subarray(starts[4] as number)]);
    const result = readQlog(damaged);
    expect(result.problems.filter((p) => p.code === 'MALFORMED')).toEqual([
      expect.objectContaining({ offset: cutStart }),
    ]);
    expect(result.events.length).toBe(readQlog(bytes).events.length - 1);
  });
});

describe('damage that ends framing early', () => {
  // Found by pnpm fuzz: after data the framer cannot read past, the streaming reader stopped reading, so its end
  // offset was where the chunk boundary happened to be (698, 700, 1000 ... for one file) instead of the end.
  for (const [what, tail] of [
    ['data after a contained file', '\n{"more":1}\n'],
    ['a broken file structure', ''],
  ] as const) {
    it(`${what}: the same end for every chunking as for the whole buffer`, async () => {
      let bytes = encoder.encode(`${text(exported('contained'))}${tail}`);
      if (tail === '') bytes = encoder.encode(text(bytes).replace('"traces":[', '"traces":[}'));
      const whole = readQlog(bytes);
      expect(whole.problems.map((p) => p.code)).toContain('MALFORMED');
      expect(whole.end).toMatchObject({ state: 'eof', offset: bytes.length });
      for (const chunkSize of [1, 7, 100, 1000]) {
        const reader = await openQlogReader(chunked(bytes, chunkSize));
        const events = [];
        for await (const record of reader) events.push(record);
        expect(events.length, `${chunkSize}-byte chunks`).toBe(whole.events.length);
        expect(reader.problems, `${chunkSize}-byte chunks`).toEqual(whole.problems);
        expect(reader.end, `${chunkSize}-byte chunks`).toEqual(whole.end);
      }
    });
  }
});

describe('a scalar cut by a chunk boundary', () => {
  // Found by pnpm fuzz: a trace field whose value is a number, cut by a chunk boundary, was scanned on past its
  // end as if it were a container ("value at byte ... is not JSON"), for the chunkings that cut it only.
  for (const format of ['contained', 'json-seq'] as const) {
    it(`${format}: the same records, problems and end for every chunk size (a number field in every record)`, async () => {
      let source = text(exported(format));
      source =
        format === 'contained'
          ? source.replace('"vantage_point"', '"x-number":1234567890.25,"x-flag":false,"vantage_point"')
          : source.replaceAll('{"time":', '{"x-number":-98765.4321e2,"time":');
      const bytes = encoder.encode(source);
      const whole = readQlog(bytes);
      expect(whole.events.length).toBe(events.length);
      for (let chunkSize = 1; chunkSize <= 40; chunkSize++) {
        const reader = await openQlogReader(chunked(bytes, chunkSize));
        const read = [];
        for await (const record of reader) read.push(record);
        expect(read.length, `${chunkSize}-byte chunks`).toBe(whole.events.length);
        expect(reader.problems, `${chunkSize}-byte chunks`).toEqual(whole.problems);
        expect(reader.end, `${chunkSize}-byte chunks`).toEqual(whole.end);
      }
    });
  }
});

describe('hostile input', () => {
  it('a record larger than maxRecordBytes is MALFORMED, not buffered', async () => {
    const big = `\u001e{"time":1,"name":"moqt:control_message_created","data":{"pad":"${'x'.repeat(200_000)}"}}\n`;
    const bytes = new Uint8Array([
      ...exported('json-seq'),
      ...encoder.encode(big),
      ...exported('json-seq').subarray(0, 0),
    ]);
    const reader = await openQlogReader(bytes, { maxRecordBytes: 10_000 });
    for await (const _ of reader) {
      // drain
    }
    expect(reader.problems.map((p) => p.code)).toEqual(['MALFORMED']);
    expect(reader.problems[0]?.message).toMatch(/larger than 10000 bytes/);
  });

  it('deep nesting is reported, not a crash', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const text = `{"vantagePoint":"client","name":"moqt:control_message_created","time":"1","data":{}}\n{"name":"x:y","time":"2","data":${deep}}\n`;
    const result = readQlog(encoder.encode(text));
    expect(result.problems.map((p) => p.code)).toEqual(['MALFORMED']);
    expect(result.events).toHaveLength(1);
  });

  it('records that are JSON but not events are MALFORMED_EVENT', () => {
    const text = new TextDecoder().decode(exported('json-seq'));
    const records = text.split('\u001e');
    records.splice(3, 0, '42\n', '{"time":"soon","name":"moqt:control_message_created","data":{}}\n');
    const result = readQlog(encoder.encode(records.join('\u001e')));
    expect(result.problems.map((p) => p.code)).toEqual(['MALFORMED_EVENT', 'MALFORMED_EVENT']);
    expect(renderings(result.events)).toEqual(expected);
  });

  it('a tagged value of an exported trace whose content is not of its tag is MALFORMED_EVENT, not an exception', () => {
    // Found by pnpm fuzz: `{"$bigint":"½"}` threw a SyntaxError out of readQlog, `{"$bytes":"abc"}` a BinaryError.
    const text = new TextDecoder().decode(exported('json-seq'));
    const records = text.split('\u001e');
    const bad = [3, 4].map((i) => records[i] as string);
    records[3] = bad[0]!.replace(/"moqtrace_seq":\d+/, '"moqtrace_seq":2,"moqtrace_extra":{"x-a":{"$bigint":"½"}}');
    records[4] = bad[1]!.replace(/"moqtrace_seq":\d+/, '"moqtrace_seq":3,"moqtrace_extra":{"x-b":{"$bytes":"abc"}}');
    const damaged = encoder.encode(records.join('\u001e'));
    const result = readQlog(damaged);
    expect(result.problems.map((p) => [p.code, p.severity])).toEqual([
      ['MALFORMED_EVENT', 'error'],
      ['MALFORMED_EVENT', 'error'],
    ]);
    expect(result.problems[0]?.message).toMatch(/\$bigint/);
    expect(result.events).toHaveLength(expected.length - 2);
  });

  it('random byte corruption never crashes: typed problems or typed errors only', () => {
    const sources = [exported('json-seq'), exported('contained'), moxygenMlog(), moqRsNdjson()];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (which, flips) => {
          const bytes = new Uint8Array(sources[which] as Uint8Array);
          for (const [position, value] of flips) bytes[position % bytes.length] = value;
          try {
            const result = readQlog(bytes);
            for (const problem of result.problems) {
              expect(['MALFORMED', 'MALFORMED_EVENT', 'TRUNCATED', 'INVALID_UTF8', 'LATE_TRACE_FIELDS']).toContain(
                problem.code,
              );
              expect(problem.offset).toBeGreaterThanOrEqual(0);
              expect(problem.offset).toBeLessThanOrEqual(bytes.length);
            }
            expect(result.end.offset).toBeLessThanOrEqual(bytes.length);
          } catch (error) {
            expect(QlogError.is(error)).toBe(true);
            expect(['NOT_QLOG', 'NO_MOQT_EVENTS']).toContain((error as QlogError).code);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
