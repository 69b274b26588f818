// Generators of benchmark inputs (written to a temporary folder): a large .moqtrace (object streams with some
// SUBSCRIBE requests) and a large .ss (JSON-ish payloads on a few streams).

import { writeFileSync } from 'node:fs';
import { writeTrace } from '@x/moqtrace';
import { createSeaStreamerFileWriter } from '@x/seastreamer-file/node';

/** Writes a trace of `count` events to `path`; returns its size. */
export function writeBenchTrace(path, count) {
  const events = [];
  let seq = 0;
  for (let s = 0; events.length < count; s++) {
    const sid = BigInt(4 * s + 3);
    if (s % 10 === 0) {
      events.push({
        type: 'control',
        seq: seq++,
        timestamp: seq * 10,
        direction: 0,
        messageType: 3,
        message: { type: 'subscribe', request_id: s, track_namespace: ['live'], track_name: `video${s % 7}` },
      });
    }
    events.push({
      type: 'stream-opened',
      seq: seq++,
      timestamp: seq * 10,
      streamId: sid,
      direction: 1,
      streamType: 0,
      trackAlias: BigInt(s % 7),
    });
    for (let o = 0; o < 30 && events.length < count - 1; o++) {
      const base = { seq: seq++, timestamp: seq * 10, streamId: sid, groupId: BigInt(s), objectId: BigInt(o) };
      events.push({ ...base, type: 'object-header', publisherPriority: 128, objectStatus: 0 });
      events.push({ ...base, seq: seq++, type: 'object-payload', size: 1000 + o });
    }
    events.push({ type: 'stream-closed', seq: seq++, timestamp: seq * 10, streamId: sid, errorCode: 0 });
  }
  const bytes = writeTrace({
    header: { protocol: 'moq-transport-14', perspective: 'observer', detail: 'headers+sizes', startTime: 1.7e12 },
    events: events.slice(0, count),
  });
  writeFileSync(path, bytes);
  return bytes.length;
}

/** Writes a .ss file of about `bytes` bytes (messages of ~3 KB on 8 streams) to `path`; returns the message count. */
export async function writeBenchSs(path, bytes) {
  const writer = await createSeaStreamerFileWriter(path, { beaconInterval: 1 << 20 });
  const filler = 'x'.repeat(2900);
  let n = 0;
  for (let written = 0; written < bytes; n++) {
    const payload = `{"n":${n},"stream":${n % 8},"data":"${filler.slice(0, 2000 + (n % 900))}"}`;
    writer.write({
      streamKey: `s${n % 8}`,
      shardId: 0n,
      seqNo: BigInt(n),
      timestamp: 1_700_000_000_000n + BigInt(n),
      payload,
    });
    written += payload.length + 36;
    if (n % 1000 === 0) await writer.flush();
  }
  await writer.close({ eos: true });
  return n;
}
