import fc from 'fast-check';
import type { TraceEvent, TraceHeader } from '../../src/index.js';

export const HEADER: TraceHeader = {
  protocol: 'moq-transport-14',
  perspective: 'client',
  detail: 'full',
  startTime: 1_767_225_600_000,
  endTime: 1_767_225_660_000,
  source: 'moqtrace-tests',
  custom: { payloadMasked: false },
};

/** A deterministic small trace with every v1 event type. */
export function sampleEvents(count = 12): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (let i = 0; i < count; i++) {
    const base = { seq: i, timestamp: i * 1000 };
    switch (i % 8) {
      case 0:
        events.push({
          ...base,
          type: 'control',
          direction: 0,
          messageType: 3,
          message: { type: 'subscribe', request_id: i, track_namespace: ['live'], track_name: 'video' },
          streamId: 0n,
          raw: new Uint8Array([3, 0, 1, i & 0xff]),
        });
        break;
      case 1:
        events.push({ ...base, type: 'stream-opened', streamId: BigInt(4 * i + 3), direction: 1, streamType: 0 });
        break;
      case 2:
        events.push({
          ...base,
          type: 'object-header',
          streamId: 7n,
          groupId: BigInt(i),
          objectId: 0n,
          publisherPriority: 128,
          objectStatus: 0,
        });
        break;
      case 3:
        events.push({
          ...base,
          type: 'object-payload',
          streamId: 7n,
          groupId: BigInt(i),
          objectId: 0n,
          size: 5,
          payload: new Uint8Array([104, 101, 108, 108, 111]),
        });
        break;
      case 4:
        events.push({ ...base, type: 'stream-closed', streamId: 7n, errorCode: 0 });
        break;
      case 5:
        events.push({ ...base, type: 'state-change', from: 'setup', to: 'ready' });
        break;
      case 6:
        events.push({ ...base, type: 'error', errorCode: 3, reason: 'protocol violation' });
        break;
      default:
        events.push({ ...base, type: 'annotation', label: 'note', data: { k: 'v', n: [1, 2, 3] } });
    }
  }
  return events;
}

const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/).filter((k) => !['n', 't', 'p', 'e', '__proto__'].includes(k));

/** JSON-like opaque values that round-trip with their JS types. */
export const opaqueValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -0x80000000, max: 0xffffffff }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.uint8Array({ maxLength: 16 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const u62 = fc.bigInt({ min: 0n, max: 2n ** 62n });
const small = fc.integer({ min: 0, max: 1_000_000 });
const time = fc.integer({ min: -1_000_000, max: 2 ** 40 });
const store = fc.option(
  fc.dictionary(
    key.map((k) => `x-${k}`),
    opaqueValue,
    { minKeys: 1, maxKeys: 3 },
  ),
  { nil: undefined },
);
const bytes = fc.uint8Array({ maxLength: 64 });
const peer = fc.option(fc.stringMatching(/^peer-[a-z]{1,4}$/), { nil: undefined });

function strip<T extends object>(value: T): T {
  for (const k of Object.keys(value))
    if ((value as Record<string, unknown>)[k] === undefined) delete (value as Record<string, unknown>)[k];
  return value;
}

/** Any event of types 0–10 or unknown, with stores; `v1Only` restricts to the version-1 profile. */
export function eventArbitrary(v1Only = false): fc.Arbitrary<TraceEvent> {
  const common = fc.record({ seq: small, timestamp: time, peer: v1Only ? fc.constant(undefined) : peer, extra: store });
  const variants: fc.Arbitrary<Record<string, unknown>>[] = [
    fc.record({
      type: fc.constant('control'),
      direction: fc.integer({ min: 0, max: 1 }),
      messageType: fc.integer({ min: 0, max: 0x2f00 }),
      message: fc.oneof(fc.dictionary(key, opaqueValue, { maxKeys: 4 }), v1Only ? fc.constant({}) : opaqueValue),
      streamId: fc.option(u62, { nil: undefined }),
      raw: fc.option(bytes, { nil: undefined }),
    }),
    fc.record({
      type: fc.constant('stream-opened'),
      streamId: u62,
      direction: fc.integer({ min: 0, max: 1 }),
      streamType: fc.integer({ min: 0, max: 2 }),
      trackAlias: fc.option(u62, { nil: undefined }),
      subgroupId: fc.option(u62, { nil: undefined }),
    }),
    fc.record({ type: fc.constant('stream-closed'), streamId: u62, errorCode: small }),
    fc.record({
      type: fc.constant('object-header'),
      streamId: u62,
      groupId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      objectId: u62,
      publisherPriority: fc.integer({ min: 0, max: 255 }),
      objectStatus: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({
      type: fc.constant('object-payload'),
      streamId: u62,
      groupId: u62,
      objectId: u62,
      size: small,
      payload: fc.option(bytes, { nil: undefined }),
    }),
    fc.record({ type: fc.constant('state-change'), from: fc.string(), to: fc.string() }),
    fc.record({
      type: fc.constant('error'),
      errorCode: small,
      reason: fc.string(),
      streamId: fc.option(u62, { nil: undefined }),
      errorKind: fc.option(fc.constantFrom('decode', 'transport'), { nil: undefined }),
      rawLength: fc.option(small, { nil: undefined }),
      raw: fc.option(bytes, { nil: undefined }),
    }),
    fc.record({
      type: fc.constant('annotation'),
      label: fc.string(),
      data: v1Only ? opaqueValue : fc.option(opaqueValue, { nil: undefined }),
    }),
  ];
  if (!v1Only) {
    const ref = fc.record({ peer: fc.string(), requestId: u62 });
    variants.push(
      fc.record({
        type: fc.constant('peer-connected'),
        peer: fc.string(),
        endpoint: fc.option(fc.string(), { nil: undefined }),
        role: fc.option(fc.constantFrom('publisher', 'subscriber'), { nil: undefined }),
      }),
      fc.record({
        type: fc.constant('peer-disconnected'),
        peer: fc.string(),
        errorCode: small,
        reason: fc.option(fc.string(), { nil: undefined }),
      }),
      fc.record({
        type: fc.constant('subscription-derivation'),
        upstream: ref,
        downstream: fc.array(ref, { maxLength: 3 }),
        kind: fc.constantFrom('created', 'shared'),
        traceId: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
        namespace: fc.option(fc.array(bytes, { maxLength: 3 }), { nil: undefined }),
        trackName: fc.option(bytes, { nil: undefined }),
        tUpstreamSent: fc.option(time, { nil: undefined }),
      }),
      fc.record({
        type: fc.constant('unknown'),
        eventType: fc.integer({ min: 11, max: 5000 }),
        fields: fc.dictionary(key, opaqueValue, { maxKeys: 4 }),
      }),
    );
  }
  return fc.tuple(common, fc.oneof(...variants)).map(([base, variant]) => {
    const event = strip({ ...variant, seq: base.seq, timestamp: base.timestamp, peer: base.peer }) as Record<
      string,
      unknown
    >;
    if (variant.type === 'peer-connected' || variant.type === 'peer-disconnected') event.peer = variant.peer;
    // stable key order is irrelevant: the rendering orders keys
    if (base.extra && variant.type !== 'unknown') event.extra = base.extra;
    return event as unknown as TraceEvent;
  });
}
