// Large inputs for the CLI benchmarks, generated on the fly (never committed): `.ss` recordings and `.moqtrace`
// traces of a given size or event count, written through the libraries' streaming file writers.
import { createTraceFileWriter } from '@x/moqtrace/node';
import { createSeaStreamerFileWriter } from '@x/seastreamer-file/node';

const START = 1_700_000_000_000;

/** A `.ss` file of about `bytes` bytes: 8 streams, JSON payloads of 200-1200 bytes. */
export async function generateSs(path, bytes) {
  const writer = await createSeaStreamerFileWriter(path, { beaconInterval: 1 << 20, createdAt: START });
  const pad = 'x'.repeat(1200);
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const payload = `{"i":${i},"stream":${i % 8},"data":"${pad.slice(0, 200 + ((i * 37) % 1000))}"}`;
    writer.write({
      streamKey: `stream-${i % 8}`,
      shardId: 0n,
      seqNo: BigInt(i >> 3),
      timestamp: BigInt(START + i),
      payload,
    });
    written += payload.length + 40;
    if (i % 4096 === 0) await writer.flush();
  }
  await writer.close({ eos: true });
}

/**
 * A `.moqtrace` trace of about `count` events shaped like a subscriber's session: control messages, then groups
 * of 64 objects, each group on its own data stream (opened, 64 object headers and payload sizes, closed).
 */
export async function generateTrace(path, count) {
  const writer = createTraceFileWriter(path, {
    header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'headers+sizes', startTime: START },
    endTime: false,
  });
  let seq = 0;
  const control = (message, direction) =>
    writer.write({ type: 'control', seq: seq++, timestamp: seq * 10, direction, messageType: 3, message });
  control({ type: 'subscribe', request_id: 1, track_namespace: ['live'], track_name: 'video' }, 0);
  control({ type: 'subscribe_ok', request_id: 1, track_alias: 5 }, 1);
  let object = 0;
  while (seq < count) {
    const streamId = BigInt(4 * (1 + (object >> 6)));
    if ((object & 63) === 0) {
      writer.write({
        type: 'stream-opened',
        seq: seq++,
        timestamp: seq * 10,
        streamId,
        direction: 1,
        streamType: 0,
        trackAlias: 5n,
      });
    }
    const groupId = BigInt(object >> 6);
    const objectId = BigInt(object & 63);
    writer.write({
      type: 'object-header',
      seq: seq++,
      timestamp: seq * 10,
      streamId,
      groupId,
      objectId,
      publisherPriority: 128,
      objectStatus: 0,
    });
    const pending = writer.write({
      type: 'object-payload',
      seq: seq++,
      timestamp: seq * 10,
      streamId,
      groupId,
      objectId,
      size: 1200,
    });
    if ((object & 63) === 63) {
      writer.write({ type: 'stream-closed', seq: seq++, timestamp: seq * 10, streamId, errorCode: 0 });
    }
    if (pending) await pending;
    object++;
  }
  await writer.close();
}
