// Demo and test recordings, written with the project's own writers (@x/moqtrace, @x/seastreamer-file).
// Used by make-demos.mjs (build time), the browser tests and the benchmarks.
import { writeTrace } from '@x/moqtrace';
import { writeSeaStreamer } from '@x/seastreamer-file';

export const DEMO_START = 1767268800000; // 2026-01-01T12:00:00Z

const enc = new TextEncoder();

/** Deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A realistic draft-14 client session: setup, three SUBSCRIBEs (two answered with SUBSCRIBE_OK, one with
 * SUBSCRIBE_ERROR), subgroup streams with object headers and payloads, a stream error, annotations, teardown.
 * Returns the header and events (the writer's input) for tests to derive expectations from.
 */
export function makeTraceDemo({ groups = 6, objectsPerGroup = 5 } = {}) {
  const random = rng(14);
  const header = {
    protocol: 'moq-transport-14',
    perspective: 'client',
    detail: 'headers+data',
    startTime: DEMO_START,
    endTime: DEMO_START + 9000,
    transport: 'webtransport',
    source: 'xtrace-viewer-demo/0.1.0',
    endpoint: 'https://relay.example.net:4443/moq',
  };
  const events = [];
  let t = 1200;
  const push = (event) => {
    events.push({ seq: events.length, timestamp: t, ...event });
    t += 150 + Math.floor(random() * 400);
  };
  const control = (direction, messageType, message) =>
    push({ type: 'control', direction, messageType, message, streamId: 0n });
  push({ type: 'state-change', from: 'idle', to: 'connecting' });
  push({ type: 'state-change', from: 'connecting', to: 'setup' });
  control(0, 0x20, {
    type: 'client_setup',
    supported_versions: [0xff00000e, 0xff00000d],
    parameters: { path: '/moq', max_request_id: 100 },
  });
  t += 18000;
  control(1, 0x21, { type: 'server_setup', selected_version: 0xff00000e, parameters: { max_request_id: 64 } });
  push({ type: 'state-change', from: 'setup', to: 'established' });
  push({ type: 'annotation', label: 'user: pressed play', data: { button: 'play', ui: 'demo-player', volume: 0.8 } });
  const tracks = [
    { requestId: 0, name: 'video', alias: 1n, ok: true },
    { requestId: 2, name: 'audio', alias: 2n, ok: true },
    { requestId: 4, name: 'captions-fr', alias: 0n, ok: false },
  ];
  for (const track of tracks) {
    control(0, 0x03, {
      type: 'subscribe',
      request_id: track.requestId,
      track_namespace: ['demo', 'live'],
      track_name: track.name,
      subscriber_priority: 128,
      group_order: 'ascending',
      forward: 1,
      filter_type: 'latest_object',
    });
  }
  t += 25000;
  for (const track of tracks) {
    if (track.ok) {
      control(1, 0x04, {
        type: 'subscribe_ok',
        request_id: track.requestId,
        track_alias: Number(track.alias),
        expires: 0,
        group_order: 'ascending',
        content_exists: true,
        largest_location: { group: 41, object: 0 },
      });
    } else {
      control(1, 0x05, {
        type: 'subscribe_error',
        request_id: track.requestId,
        error_code: 4,
        reason_phrase: 'track does not exist',
      });
    }
    t += 3000;
  }
  // Subgroup streams: one per group and track (server-initiated unidirectional ids: 3, 7, 11, ...).
  let nextStream = 3n;
  for (let g = 0; g < groups; g++) {
    for (const track of tracks.filter((tr) => tr.ok)) {
      const sid = nextStream;
      nextStream += 4n;
      const group = BigInt(42 + g);
      push({
        type: 'stream-opened',
        streamId: sid,
        direction: 1,
        streamType: 0,
        trackAlias: track.alias,
        subgroupId: 0n,
      });
      const count = track.name === 'video' ? objectsPerGroup : 2;
      for (let o = 0; o < count; o++) {
        const objectId = BigInt(o);
        const size = track.name === 'video' ? (o === 0 ? 1800 : 300 + Math.floor(random() * 600)) : 160;
        const payload = new Uint8Array(size);
        for (let i = 0; i < size; i++) payload[i] = Math.floor(random() * 256);
        if (track.name === 'video') payload.set(enc.encode(`frame g${42 + g} o${o}`), 0);
        push({
          type: 'object-header',
          streamId: sid,
          groupId: group,
          objectId,
          publisherPriority: track.name === 'video' ? 128 : 64,
          objectStatus: 0,
        });
        push({ type: 'object-payload', streamId: sid, groupId: group, objectId, size, payload });
      }
      if (g === 3 && track.name === 'video') {
        push({
          type: 'error',
          errorCode: 3,
          reason: 'stream reset by peer (RESET_STREAM)',
          streamId: sid,
          errorKind: 'transport',
        });
        push({ type: 'stream-closed', streamId: sid, errorCode: 3 });
      } else {
        push({ type: 'stream-closed', streamId: sid, errorCode: 0 });
      }
    }
    t += 1_000_000;
  }
  push({ type: 'annotation', label: 'user: pressed stop', data: { button: 'stop', watchedMs: 8123 } });
  control(0, 0x0a, { type: 'unsubscribe', request_id: 0 });
  control(1, 0x0b, {
    type: 'publish_done',
    request_id: 0,
    status_code: 0,
    stream_count: groups,
    reason_phrase: 'unsubscribed',
  });
  control(0, 0x10, { type: 'goaway', new_session_uri: '' });
  push({ type: 'state-change', from: 'established', to: 'closed' });
  return { header, events, bytes: writeTrace({ header, events }) };
}

/**
 * A multi-stream SeaStreamer recording: JSON price ticks on two shards, text log lines, binary frames (some
 * large enough to be spliced by several beacons), then an end-of-stream message. Beacon interval 4096 bytes
 * (7 markers per beacon).
 */
export function makeSsDemo({ ticks = 400 } = {}) {
  const random = rng(7);
  const messages = [];
  let ts = DEMO_START;
  const seqs = new Map();
  const next = (key, shard) => {
    const id = `${key}/${shard}`;
    const seq = seqs.get(id) ?? 0;
    seqs.set(id, seq + 1);
    return BigInt(seq);
  };
  const symbols = ['ACME', 'GLOBEX', 'INITECH'];
  for (let i = 0; i < ticks; i++) {
    ts += 5 + Math.floor(random() * 20);
    const shard = i % 2;
    const symbol = symbols[i % 3];
    messages.push({
      streamKey: 'prices',
      shardId: BigInt(shard),
      seqNo: next('prices', shard),
      timestamp: BigInt(ts),
      payload: JSON.stringify({
        symbol,
        price: Math.round((100 + random() * 50) * 100) / 100,
        qty: 1 + Math.floor(random() * 500),
      }),
    });
    if (i % 4 === 0) {
      messages.push({
        streamKey: 'logs',
        shardId: 0n,
        seqNo: next('logs', 0),
        timestamp: BigInt(ts),
        payload: `${new Date(ts).toISOString()} INFO matcher: processed batch ${i / 4} in ${Math.floor(random() * 9)} ms`,
      });
    }
    if (i % 25 === 0) {
      const size = i % 100 === 0 ? 9000 : 600;
      const payload = new Uint8Array(size);
      for (let k = 0; k < size; k++) payload[k] = Math.floor(random() * 256);
      payload[0] = 0x00;
      messages.push({
        streamKey: 'video.frames',
        shardId: 7n,
        seqNo: next('video.frames', 7),
        timestamp: BigInt(ts),
        payload,
      });
    }
  }
  const options = { fileName: 'streams.ss', beaconInterval: 4096, createdAt: DEMO_START, eos: BigInt(ts + 10) };
  return { messages, options, bytes: writeSeaStreamer(messages, options) };
}
