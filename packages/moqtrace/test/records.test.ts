import { CborTag } from '@x/cbor-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MoqtraceError,
  openTraceReader,
  readTrace,
  type TraceEnd,
  type TraceEvent,
  type TraceHeader,
  type TraceProblem,
  writeTrace,
} from '../src/index.js';
import {
  exportNdjson,
  fromTaggedJson,
  importNdjson,
  importNdjsonRecords,
  renderEndRecord,
  renderErrorRecord,
  renderEvent,
  renderEventJson,
  renderEventRecord,
  renderEventRecordJson,
  renderRecord,
  renderRecordJson,
  toTaggedJson,
} from '../src/ndjson/index.js';
import { jsonString, taggedJsonText } from '../src/ndjson/text.js';
import { corpus, fixtureNames, loadBytes, loadExpected, sha256, skipWithout } from './helpers/fixtures.js';
import { eventArbitrary, HEADER, opaqueValue, sampleEvents } from './helpers/generate.js';

/** Strings with everything JSON escapes: control characters, quotes, backslashes, lone and paired surrogates. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\ud800', '\udfff', 'é', '😀', 'a'),
  }),
);

/** Everything the tagged rendering handles, including what JSON cannot hold. */
const wildValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    opaqueValue,
    nastyString,
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 2 ** 60, 1e-7),
    fc.double(),
    fc.constant(undefined),
    fc.date({ noInvalidDate: false }),
    fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
    fc.uint8Array({ maxLength: 8 }).map((b) => new Uint16Array(b)),
    fc.uint8Array({ maxLength: 8 }).map((b) => new Float64Array(b)),
    fc.uint8Array({ maxLength: 8 }).map((b) => new Uint8ClampedArray(b)),
    fc.uint8Array({ minLength: 4097, maxLength: 4200 }),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => new Set(items)),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((pairs) => new Map(pairs)),
    fc.tuple(fc.integer({ min: 0, max: 1000 }), tie('value')).map(([tag, v]) => new CborTag(v, tag)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom('0', '10', '2', 'kind', 'type')), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/** Events with wild values in every slot that takes any value, plus big byte fields. */
const wildEvent: fc.Arbitrary<TraceEvent> = fc
  .tuple(eventArbitrary(), wildValue, wildValue, nastyString, fc.uint8Array({ minLength: 4090, maxLength: 4200 }))
  .map(([event, a, b, text, big]) => {
    const e = { ...event } as Record<string, unknown>;
    if (e.type === 'control') e.message = a;
    if (e.type === 'annotation') {
      e.data = a;
      e.label = text;
    }
    if (e.type === 'unknown') e.fields = { x: a, [text]: b };
    if (e.type === 'object-payload') e.payload = big;
    if (e.type === 'state-change') e.from = text;
    if (e.type === 'object-header') e.publisherPriority = b instanceof Object ? 2n ** 64n : Number.NaN;
    e.extra = { y: b };
    return e as unknown as TraceEvent;
  });

describe('direct JSON text (renderEventJson)', () => {
  it('jsonString escapes exactly as JSON.stringify (property)', () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('taggedJsonText equals JSON.stringify(toTaggedJson(v)) (property)', () => {
    fc.assert(
      fc.property(wildValue, (v) => {
        expect(taggedJsonText(v)).toBe(JSON.stringify(toTaggedJson(v)));
      }),
      { numRuns: 1000 },
    );
  });

  it('is byte-identical to JSON.stringify(renderEvent(event)) for random events, every option (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(eventArbitrary(), wildEvent),
        fc.record({ fullBytes: fc.boolean(), omitPayload: fc.boolean() }),
        (event, options) => {
          expect(renderEventJson(event)).toBe(JSON.stringify(renderEvent(event)));
          expect(renderEventJson(event, options)).toBe(JSON.stringify(renderEvent(event, options)));
          expect(renderEventRecordJson(event, 17, 2, options)).toBe(
            JSON.stringify(renderEventRecord(event, 17, 2, options)),
          );
        },
      ),
      { numRuns: 1500 },
    );
  });

  for (const name of ['moqtrace', 'moqtrace-v2'] as const) {
    const c = corpus(name);
    const files = fixtureNames(c.dir).filter((f) => typeof loadExpected(c.dir, f).eventsJsonlSha256 === 'string');
    it.skipIf(skipWithout(c))(`gives every ${name} fixture's eventsJsonlSha256 (and the object path's bytes)`, () => {
      expect(files.length).toBeGreaterThan(5);
      for (const file of files) {
        const trace = readTrace(loadBytes(c.dir, file));
        let fast = '';
        let slow = '';
        for (const event of trace.events) {
          fast += `${renderEventJson(event)}\n`;
          slow += `${JSON.stringify(renderEvent(event))}\n`;
        }
        expect(fast, file).toBe(slow);
        const expected = loadExpected(c.dir, file);
        // spec §12.2: these differ from the reference reader on purpose
        if (['empty-values', 'stray-break-byte', 'unknown-and-malformed-events'].includes(file)) continue;
        expect(sha256(fast), file).toBe(expected.eventsJsonlSha256);
      }
    });
  }
});

const SEGMENTED: TraceHeader = {
  ...HEADER,
  perspective: 'relay-tap',
  segment: { sequence: 0, streamId: 'relay-a', durationMs: 1000 },
};

const derivation: TraceEvent = {
  type: 'subscription-derivation',
  seq: 0,
  timestamp: 5,
  peer: 'p1',
  upstream: { peer: 'up', requestId: 3n },
  downstream: [{ peer: 'p1', requestId: 7n }],
  kind: 'shared',
  traceId: new Uint8Array(16).fill(0xab),
};

describe('NDJSON record contract', () => {
  it('header records are flat: kind, offset, segment, format, version, then the header fields; segment map as segmentInfo', () => {
    const bytes = writeTrace({ header: SEGMENTED, events: [derivation] });
    const records = exportNdjson(readTrace(bytes))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const header = records[0] as Record<string, unknown>;
    expect(Object.keys(header).slice(0, 5)).toEqual(['kind', 'offset', 'segment', 'format', 'version']);
    expect(header).toMatchObject({
      kind: 'header',
      offset: 0,
      segment: 0,
      format: 'moqtrace',
      version: 2,
      protocol: HEADER.protocol,
      perspective: 'relay-tap',
      startTime: HEADER.startTime,
      segmentInfo: { sequence: 0, streamId: 'relay-a', durationMs: 1000 },
    });
    expect(header.header).toBeUndefined();
  });

  it("event 10's own kind is printed as derivationKind after kind, offset, segment", () => {
    const bytes = writeTrace({ header: SEGMENTED, events: [derivation] });
    const trace = readTrace(bytes);
    const line = renderEventRecordJson(trace.events[0] as TraceEvent, 99, 0);
    expect(line).toMatch(/^\{"kind":"event","offset":99,"segment":0,"type":"subscription-derivation",/);
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(record.kind).toBe('event');
    expect(record.derivationKind).toBe('shared');
    expect(record.upstream).toEqual({ peer: 'up', requestId: '3' });
  });

  it('error and end records: code, offset, message; end state, trailing bytes and counts', async () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(4) });
    const cut = bytes.subarray(0, bytes.length - 3);
    const lines: string[] = [];
    const problems: TraceProblem[] = [];
    const reader = await openTraceReader(cut, { segments: true, onProblem: (p) => problems.push(p) });
    for await (const record of reader) {
      lines.push(renderRecordJson(record));
      expect(renderRecordJson(record)).toBe(JSON.stringify(renderRecord(record)));
    }
    for (const problem of problems) lines.push(JSON.stringify(renderErrorRecord(problem)));
    lines.push(JSON.stringify(renderEndRecord(reader.end as TraceEnd)));
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const error = records.find((r) => r.kind === 'error') as Record<string, unknown>;
    expect(error).toMatchObject({ kind: 'error', code: 'TRUNCATED', severity: 'error' });
    expect(typeof error.offset).toBe('number');
    expect(typeof error.message).toBe('string');
    expect(records.at(-1)).toEqual({
      kind: 'end',
      state: 'truncated',
      offset: error.offset,
      trailingBytes: cut.length - (error.offset as number),
      segments: 1,
      events: 3,
      errors: 1,
      warnings: 0,
      complete: false,
    });
  });

  it('u64 values: ids as decimal strings, integers above 2^53-1 tagged, bytes as hex', () => {
    const event: TraceEvent = {
      type: 'object-payload',
      seq: 2n ** 60n,
      timestamp: 1,
      streamId: 2n ** 64n - 1n,
      groupId: 0n,
      objectId: 9007199254740993n,
      size: 3,
      payload: new Uint8Array([0, 255, 16]),
    };
    expect(JSON.parse(renderEventRecordJson(event, 0, 0))).toEqual({
      kind: 'event',
      offset: 0,
      segment: 0,
      type: 'object-payload',
      seq: { $bigint: '1152921504606846976' },
      timestamp: 1,
      streamId: '18446744073709551615',
      groupId: '0',
      objectId: '9007199254740993',
      size: 3,
      payload: '00ff10',
    });
    expect(renderEventJson(event, { omitPayload: true })).not.toContain('"payload"');
  });

  it('import reads the records back, segmented v2 and event 10 included (property over events)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArbitrary(), { maxLength: 12 }),
        fc.array(eventArbitrary(), { maxLength: 6 }),
        async (a, b) => {
          const original = writeTrace({
            segments: [
              { header: SEGMENTED, events: [derivation, ...a] },
              { header: { ...SEGMENTED, segment: { sequence: 1, streamId: 'relay-a' } }, events: b },
            ],
          });
          const text = exportNdjson(readTrace(original));
          expect(writeTrace(await importNdjson(text))).toEqual(original);
          const records = text
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l));
          expect(writeTrace(importNdjsonRecords(records))).toEqual(original);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('import also reads the 0.1 shape (header nested under `header`)', () => {
    const original = writeTrace({ header: HEADER, events: sampleEvents(3) });
    const trace = readTrace(original);
    const old = [
      { kind: 'header', offset: 0, segment: 0, version: 1, header: toTaggedJson(trace.segments[0]?.header) },
      ...trace.events.map((e) => ({ kind: 'event', offset: 0, segment: 0, ...renderEvent(e, { fullBytes: true }) })),
      { kind: 'end', reason: 'eof', offset: original.length },
    ];
    expect(writeTrace(importNdjsonRecords(old))).toEqual(original);
    expect(fromTaggedJson(old[0]?.header)).toEqual(trace.segments[0]?.header);
  });

  it('import errors name the record or line and carry its index', async () => {
    const bad = importNdjson('\n{"kind":"event","type":"control"}\n');
    await expect(bad).rejects.toThrow(MoqtraceError);
    await expect(importNdjson('\n{"kind":"event","type":"control"}\n')).rejects.toThrow(
      /^line 2 \(byte 1\): event before any header record/,
    );
    const header = { kind: 'header', ...toTaggedJson(HEADER) };
    try {
      importNdjsonRecords([header, { kind: 'event', type: 'nope', seq: 0, timestamp: 0 }]);
      expect.unreachable();
    } catch (error) {
      expect(MoqtraceError.is(error) && error.code).toBe('INVALID_NDJSON');
      expect((error as MoqtraceError).details).toEqual({ index: 1, reason: 'unknown event type nope' });
    }
    await expect(importNdjson('{oops')).rejects.toThrow(/^line 1 \(byte 0\): not JSON/);
  });
});
