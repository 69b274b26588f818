import type { TraceEvent, TraceHeader } from '@x/moqtrace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openQlogReader, readQlog, writeQlog } from '../src/index.js';
import { renderings } from './helpers/moqtrace.js';

// Property tests (budgeted by numRuns): generated traces survive .moqtrace -> qlog -> .moqtrace with identical
// canonical renderings, in both serializations, and the streaming reader gives the same for every chunking.

const MAX_SAFE = 2n ** 53n - 1n;
const id = fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
// Reader invariant: numeric fields hold numbers, bigints only above 2^53 - 1.
const numeric = fc.oneof(fc.nat({ max: 1000 }), fc.nat(), fc.bigInt({ min: MAX_SAFE + 1n, max: 2n ** 64n - 1n }));
const signed = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000_000 }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.bigInt({ min: MAX_SAFE + 1n, max: 2n ** 63n }),
);
const bytes = fc.uint8Array({ maxLength: 24 });
const key = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__');
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }));

const opaque: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: false }),
    text,
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    bytes,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const extra = fc.option(fc.dictionary(key, opaque, { minKeys: 1, maxKeys: 2 }), { nil: undefined });
const peer = fc.option(fc.constantFrom('peer-a', 'peer-b'), { nil: undefined });
const sid = fc.constantFrom(0n, 3n, 7n, 11n, 2n ** 62n);

const message = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom('subscribe', 'subscribe_ok', 'setup', 'client_setup', 'goaway', ''),
      request_id: fc.oneof(id, fc.nat()),
      track_namespace: fc.array(fc.oneof(text, bytes), { maxLength: 3 }),
      track_name: fc.oneof(text, bytes),
      reason_phrase: fc.oneof(text, bytes),
      parameters: fc.dictionary(key, opaque, { maxKeys: 2 }),
      other: opaque,
    },
    { requiredKeys: [] },
  ),
  text,
  fc.constant(null),
  fc.array(opaque, { maxLength: 2 }),
);

type Partial = Record<string, unknown>;
function withCommon(arb: fc.Arbitrary<Partial>, allowExtra = true): fc.Arbitrary<Partial> {
  return fc
    .record({ body: arb, peer, extra: allowExtra ? extra : fc.constant(undefined), timestamp: signed })
    .map(({ body, peer: p, extra: x, timestamp }) => {
      const out: Partial = { ...body, timestamp };
      if (p !== undefined) out.peer = p;
      if (x !== undefined) out.extra = x;
      return out;
    });
}

function optional<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined });
}

function clean(record: Partial): Partial {
  for (const k of Object.keys(record)) if (record[k] === undefined) delete record[k];
  return record;
}

const eventBody: fc.Arbitrary<Partial> = fc.oneof(
  withCommon(
    fc
      .record({
        direction: fc.constantFrom(0, 1, 5),
        messageType: numeric,
        message,
        streamId: optional(sid),
        raw: optional(bytes),
      })
      .map((r) => clean({ type: 'control', ...r })),
  ),
  withCommon(
    fc
      .record({
        streamId: sid,
        direction: fc.constantFrom(0, 1, 2),
        streamType: fc.constantFrom(0, 1, 2, 7),
        trackAlias: optional(id),
        subgroupId: optional(id),
        fetchRequestId: optional(id),
        groupId: optional(id),
      })
      .map((r) => clean({ type: 'stream-opened', ...r })),
  ),
  withCommon(fc.record({ streamId: sid, errorCode: numeric }).map((r) => ({ type: 'stream-closed', ...r }))),
  withCommon(
    fc
      .record({
        streamId: sid,
        groupId: fc.bigInt({ min: 0n, max: 3n }),
        objectId: fc.bigInt({ min: 0n, max: 5n }),
        publisherPriority: numeric,
        objectStatus: fc.constantFrom(0, 1, 2, 3, 9),
      })
      .map((r) => ({ type: 'object-header', ...r })),
  ),
  withCommon(
    fc
      .record({
        streamId: sid,
        groupId: fc.bigInt({ min: 0n, max: 3n }),
        objectId: fc.bigInt({ min: 0n, max: 5n }),
        size: numeric,
        payload: optional(bytes),
      })
      .map((r) => clean({ type: 'object-payload', ...r })),
  ),
  withCommon(fc.record({ from: text, to: text }).map((r) => ({ type: 'state-change', ...r }))),
  withCommon(
    fc
      .record({
        errorCode: numeric,
        reason: text,
        streamId: optional(sid),
        errorKind: optional(text),
        rawLength: optional(numeric),
        raw: optional(bytes),
      })
      .map((r) => clean({ type: 'error', ...r })),
  ),
  withCommon(
    fc
      .record({
        label: fc.oneof(text, fc.constantFrom('qlog:moqt:thing', 'qlog:loglevel:info', 'qlog:quic:x', 'qlog:')),
        data: optional(fc.oneof(opaque, fc.record({ data: fc.dictionary(key, opaque, { maxKeys: 2 }) }))),
      })
      .map((r) => clean({ type: 'annotation', ...r })),
  ),
  withCommon(
    fc
      .record({
        peer: fc.constantFrom('peer-a', 'peer-c'),
        endpoint: optional(text),
        transport: optional(text),
        role: optional(text),
        side: optional(text),
      })
      .map((r) => clean({ type: 'peer-connected', ...r })),
  ).map((r) => ({ ...r, peer: r.peer ?? 'peer-a' })),
  withCommon(
    fc.record({ errorCode: numeric, reason: optional(text) }).map((r) => clean({ type: 'peer-disconnected', ...r })),
  ).map((r) => ({ ...r, peer: r.peer ?? 'peer-z' })),
  withCommon(
    fc
      .record({
        upstream: fc.record({ peer: text, requestId: id }),
        downstream: fc.array(fc.record({ peer: text, requestId: id }), { maxLength: 2 }),
        kind: text,
        traceId: optional(fc.uint8Array({ minLength: 16, maxLength: 16 })),
        namespace: optional(fc.array(bytes, { maxLength: 3 })),
        trackName: optional(bytes),
        tDownstreamReceived: optional(signed),
        tUpstreamSent: optional(signed),
        tUpstreamOkReceived: optional(signed),
        tDownstreamOkSent: optional(signed),
      })
      .map((r) => clean({ type: 'subscription-derivation', ...r })),
  ),
  withCommon(
    fc
      .record({ eventType: fc.integer({ min: 11, max: 500 }), fields: fc.dictionary(key, opaque, { maxKeys: 3 }) })
      .map((r) => ({ type: 'unknown', ...r })),
    false,
  ),
);

const header: fc.Arbitrary<TraceHeader> = fc
  .record({
    protocol: fc.constantFrom('moq-transport-14', 'moq-transport-16', 'moq-transport-17', 'moq-transport-rfc9999', ''),
    perspective: fc.constantFrom('client', 'server', 'observer', 'relay-tap', 'sidecar'),
    detail: fc.constantFrom('control', 'headers', 'full', 'exotic'),
    startTime: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    source: optional(text),
    sessionId: optional(text),
    custom: optional(fc.dictionary(key, opaque, { maxKeys: 2 })),
  })
  .map((h) => clean(h) as unknown as TraceHeader);

const segments = fc
  .array(fc.record({ header, events: fc.array(eventBody, { maxLength: 14 }) }), { minLength: 1, maxLength: 3 })
  .map((list) =>
    list.map((segment) => ({
      header: segment.header,
      events: segment.events.map((event, index) => ({ ...event, seq: index }) as unknown as TraceEvent),
    })),
  );

describe('round trip of generated traces', () => {
  for (const format of ['json-seq', 'contained'] as const) {
    it(`${format}: identical canonical renderings and headers`, () => {
      fc.assert(
        fc.property(segments, fc.constantFrom<6 | 7>(6, 7), (list, draft) => {
          const bytes = writeQlog({ segments: list }, { format, draft });
          const back = readQlog(bytes);
          expect(back.problems).toEqual([]);
          expect(renderings(back.events)).toEqual(renderings(list.flatMap((segment) => segment.events)));
          expect(
            back.segments.map((segment) =>
              renderings([{ type: 'annotation', seq: 0, timestamp: 0, label: '', data: segment.header }]),
            ),
          ).toEqual(
            list.map((segment) =>
              renderings([{ type: 'annotation', seq: 0, timestamp: 0, label: '', data: segment.header }]),
            ),
          );
        }),
        { numRuns: 150 },
      );
    });
  }

  it('the streaming reader gives the same records for every chunking', async () => {
    await fc.assert(
      fc.asyncProperty(segments, fc.integer({ min: 1, max: 300 }), fc.boolean(), async (list, chunk, contained) => {
        const bytes = writeQlog({ segments: list }, { format: contained ? 'contained' : 'json-seq' });
        const whole = readQlog(bytes);
        async function* chunks() {
          for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
        }
        const reader = await openQlogReader(chunks());
        const streamed = [];
        for await (const record of reader) streamed.push(record);
        expect(streamed.map((record) => record.kind === 'event' && record.offset)).toEqual(
          whole.segments.flatMap((segment) => segment.eventOffsets),
        );
        expect(renderings(streamed.map((record) => (record as { event: TraceEvent }).event))).toEqual(
          renderings(whole.events),
        );
        expect(reader.end).toEqual(whole.end);
      }),
      { numRuns: 60 },
    );
  });
});
