// The project's own files, written at fuzz time by the project's writers from random content: .moqtrace traces
// (v1 and v2, segmented, every event type), .ss files (small intervals, frames longer than the interval, EOS),
// qlog exports (JSON-SEQ and contained JSON) and the NDJSON exports of both formats.
import { writeQlog } from '@x/moqt-qlog';
import { readTrace, writeTrace } from '@x/moqtrace';
import { exportNdjson } from '@x/moqtrace/ndjson';
import { readSeaStreamer, writeSeaStreamer } from '@x/seastreamer-file';
import { formatEndRecord, formatHeaderRecord, formatMessageRecord } from '@x/seastreamer-file/ndjson';

const STRINGS = ['', 'a', 'video', 'live/stream', 'naïve ☃', '\u0000\u001b[2J', '𝄞 clef', 'x'.repeat(300)];

function text(rng) {
  return rng.chance(0.7)
    ? rng.pick(STRINGS)
    : new TextDecoder().decode(rng.bytes(rng.int(24))).replaceAll('\ufffd', '?');
}

function u62(rng) {
  return rng.weighted([
    [0n, 1],
    [BigInt(rng.int(1000)), 4],
    [2n ** 62n - 1n, 1],
    [(BigInt(rng.u32()) << 20n) | BigInt(rng.int(1 << 20)), 2],
  ]);
}

/** A JSON-like opaque value (annotation data, control messages, unknown fields, extra stores). */
function opaque(rng, depth = 0) {
  const kind = rng.int(depth > 2 ? 6 : 9);
  switch (kind) {
    case 0:
      return rng.range(-1000, 100000);
    case 1:
      return text(rng);
    case 2:
      return rng.chance(0.5);
    case 3:
      return null;
    case 4:
      return rng.chance(0.5) ? 2n ** 64n - 1n : -(2n ** 63n);
    case 5:
      return rng.bytes(rng.int(12));
    case 6:
      return rng.int(4) === 0 ? 1.5 : -0.25;
    case 7:
      return Array.from({ length: rng.int(4) }, () => opaque(rng, depth + 1));
    default: {
      const out = {};
      for (let i = rng.int(4); i > 0; i--) out[`k${rng.int(50)}`] = opaque(rng, depth + 1);
      return out;
    }
  }
}

function extra(rng) {
  if (!rng.chance(0.2)) return undefined;
  const out = {};
  for (let i = rng.range(1, 3); i > 0; i--) out[`x-${rng.int(20)}`] = opaque(rng, 1);
  return out;
}

/** One random event of any type (`v2`: also the version-2 types, peers and unknown events). */
export function randomEvent(rng, seq, v2) {
  const base = { seq, timestamp: rng.chance(0.05) ? -rng.int(5000) : seq * 1000 + rng.int(1000) };
  if (v2 && rng.chance(0.2)) base.peer = `peer-${rng.int(3)}`;
  const types = v2 ? 12 : 8;
  let event;
  switch (rng.int(types)) {
    case 0:
      event = {
        type: 'control',
        direction: rng.int(2),
        messageType: rng.int(0x30),
        message: { type: rng.pick(['subscribe', 'subscribe_ok', 'fetch', 'publish']), request_id: rng.int(10) },
      };
      if (rng.chance(0.5)) event.streamId = u62(rng);
      if (rng.chance(0.3)) event.raw = rng.bytes(rng.int(16));
      break;
    case 1:
      event = { type: 'stream-opened', streamId: u62(rng), direction: rng.int(2), streamType: rng.int(3) };
      break;
    case 2:
      event = { type: 'stream-closed', streamId: u62(rng), errorCode: rng.int(100) };
      break;
    case 3:
      event = {
        type: 'object-header',
        streamId: u62(rng),
        groupId: rng.chance(0.1) ? 2n ** 64n - 1n : u62(rng),
        objectId: u62(rng),
        publisherPriority: rng.int(256),
        objectStatus: rng.int(4),
      };
      break;
    case 4: {
      const payload = rng.bytes(rng.chance(0.05) ? rng.int(70_000) : rng.int(40));
      event = {
        type: 'object-payload',
        streamId: u62(rng),
        groupId: u62(rng),
        objectId: u62(rng),
        size: payload.length,
      };
      if (rng.chance(0.8)) event.payload = payload;
      break;
    }
    case 5:
      event = { type: 'state-change', from: text(rng), to: text(rng) };
      break;
    case 6:
      event = { type: 'error', errorCode: rng.int(50), reason: text(rng) };
      if (rng.chance(0.3)) event.raw = rng.bytes(rng.int(10));
      break;
    case 7:
      event = { type: 'annotation', label: text(rng), data: opaque(rng) };
      break;
    case 8:
      event = { type: 'peer-connected', peer: `peer-${rng.int(3)}`, role: rng.pick(['publisher', 'subscriber']) };
      break;
    case 9:
      event = { type: 'peer-disconnected', peer: `peer-${rng.int(3)}`, errorCode: rng.int(5) };
      break;
    case 10:
      event = {
        type: 'subscription-derivation',
        upstream: { peer: 'up', requestId: u62(rng) },
        downstream: [{ peer: 'down', requestId: u62(rng) }],
        kind: rng.pick(['created', 'shared']),
      };
      break;
    default:
      event = { type: 'unknown', eventType: rng.range(11, 5000), fields: { a: opaque(rng, 1) } };
  }
  const out = { ...event, ...base };
  if (event.peer !== undefined) out.peer = event.peer;
  const store = v2 && event.type !== 'unknown' ? extra(rng) : undefined;
  if (store !== undefined) out.extra = store;
  return out;
}

/** A random trace header. */
export function randomHeader(rng, v2, sequence) {
  const header = {
    protocol: rng.pick(['moq-transport-14', 'moq-transport-17', 'moq-lite']),
    perspective: rng.pick(v2 ? ['client', 'server', 'observer', 'relay'] : ['client', 'server', 'observer']),
    detail: rng.pick(['control', 'headers', 'headers+sizes', 'headers+data', 'full']),
    startTime: 1_700_000_000_000 + rng.int(1_000_000),
  };
  if (rng.chance(0.5)) header.endTime = header.startTime + rng.int(100_000);
  if (rng.chance(0.3)) header.source = text(rng);
  if (sequence !== undefined) header.segment = { sequence };
  if (v2 && rng.chance(0.3)) header.extra = extra(rng) ?? { 'x-a': 1 };
  return header;
}

/** A `.moqtrace` file written by `writeTrace`: one or more segments, version 1 or 2. */
export function generateTrace(rng, maxEvents = 60) {
  const segments = rng.chance(0.25) ? rng.range(2, 3) : 1;
  const v2 = segments > 1 || rng.chance(0.5); // segments need version 2
  let seq = 0;
  const content = [];
  for (let s = 0; s < segments; s++) {
    const events = Array.from({ length: rng.int(maxEvents) }, () => randomEvent(rng, seq++, v2));
    content.push({ header: randomHeader(rng, v2, segments > 1 ? s : undefined), events });
  }
  return writeTrace(segments === 1 ? content[0] : { segments: content }, { version: v2 ? 'auto' : 1 });
}

const KEYS = ['a', 'b', 'hello', 'stream.key-1', 'SEA_STREAMER_INTERNAL', 'k'.repeat(40)];

/** A `.ss` file written by `writeSeaStreamer`: small intervals, payloads from empty to several intervals. */
export function generateSeaStreamer(rng, maxMessages = 60) {
  const interval = rng.pick([128, 129, 200, 256, 1000, 1024, 4096]);
  const seqs = new Map();
  const messages = Array.from({ length: rng.int(maxMessages) + 1 }, (_, i) => {
    const streamKey = rng.pick(KEYS.slice(0, 4));
    const shardId = BigInt(rng.int(3));
    const id = `${streamKey}/${shardId}`;
    const seqNo = (seqs.get(id) ?? BigInt(rng.int(5))) + 1n;
    seqs.set(id, seqNo);
    const size = rng.weighted([
      [0, 1],
      [rng.int(40), 5],
      [rng.int(3 * interval), 2],
    ]);
    const payload = rng.chance(0.5) ? 'p'.repeat(size) : rng.bytes(size);
    return { streamKey, shardId, seqNo, timestamp: BigInt(1_700_000_000_000 + i * 7), payload };
  });
  return writeSeaStreamer(messages, {
    fileName: rng.pick(['fuzz.ss', 'naïve.ss', 'x'.repeat(100)]),
    beaconInterval: interval,
    createdAt: 1_700_000_000_000,
    eos: rng.chance(0.5) ? 1_700_000_999_000n : false,
  });
}

/** The NDJSON export (`exportNdjson`) of a generated trace. */
export function generateTraceNdjson(rng) {
  return new TextEncoder().encode(exportNdjson(readTrace(generateTrace(rng, 20))));
}

/** The NDJSON records (header, messages, end) of a generated `.ss` file, payloads in a random mode. */
export function generateSeaStreamerNdjson(rng) {
  const contents = readSeaStreamer(generateSeaStreamer(rng, 20));
  const mode = rng.pick(['auto', 'hex', 'base64']); // lossless modes ('text' replaces invalid UTF-8)
  const lines = [formatHeaderRecord(contents.header)];
  for (const m of contents.messages) lines.push(formatMessageRecord(m, mode));
  lines.push(formatEndRecord(contents.end));
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

/** A qlog export (`writeQlog`, JSON-SEQ or contained JSON) of a generated trace. */
export function generateQlog(rng) {
  const trace = readTrace(generateTrace(rng, 30));
  const segments = trace.segments.map((s) => ({ header: s.header, events: s.events }));
  return writeQlog({ segments }, { format: rng.pick(['json-seq', 'contained']) });
}

/** A CBOR sequence: the events of a generated trace, without preamble and header. */
export function generateCborSequence(rng) {
  const bytes = generateTrace(rng, 30);
  const trace = readTrace(bytes);
  const first = trace.segments[0];
  return bytes.subarray(first.eventsOffset);
}
