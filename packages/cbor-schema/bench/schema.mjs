// Shared by the benchmarks: a moqtrace-shaped event schema and generated records.
import { c } from '../dist/index.js';

const id = () => c.uint({ bigint: 'always' });
export const base = c.struct({
  seq: c.field('n', c.uint()),
  timestamp: c.field('t', c.int()),
  peer: c.field('p', c.text()).optional(),
  type: c.field('e', c.uint()),
});
export const eventSchema = c.union(base, 'type', {
  0: c.struct({
    direction: c.field('d', c.uint()),
    messageType: c.field('mt', c.uint()),
    message: c.field('msg', c.any()).optional(),
    streamId: c.field('sid', id()).optional(),
    raw: c.field('raw', c.bytes()).optional(),
  }),
  1: c.struct({
    streamId: c.field('sid', id()),
    direction: c.field('d', c.uint()),
    streamType: c.field('st', c.uint()),
    trackAlias: c.field('ta', id()).optional(),
    subgroupId: c.field('sg', id()).optional(),
    groupId: c.field('g', id()).optional(),
  }),
  2: c.struct({ streamId: c.field('sid', id()), errorCode: c.field('ec', c.uint()) }),
  3: c.struct({
    streamId: c.field('sid', id()),
    groupId: c.field('g', id()),
    objectId: c.field('o', id()),
    publisherPriority: c.field('pp', c.uint()),
    objectStatus: c.field('os', c.uint()),
  }),
  4: c.struct({
    streamId: c.field('sid', id()),
    groupId: c.field('g', id()),
    objectId: c.field('o', id()),
    size: c.field('sz', c.uint()),
    payload: c.field('pl', c.bytes()).optional(),
  }),
});

/** `count` wire-keyed plain records (what a JS writer would pass to cbor-x) and their friendly twins. */
export function makeRecords(count) {
  const wire = [];
  const friendly = [];
  let t = 0;
  for (let n = 0; n < count; n++) {
    t += 17;
    const r = n % 20;
    if (r === 0) {
      wire.push({ n, t, e: 0, d: n & 1, mt: 3, msg: { type: 'subscribe', request_id: n, track_alias: 7 }, sid: 0 });
      friendly.push({
        seq: n,
        timestamp: t,
        type: 0,
        direction: n & 1,
        messageType: 3,
        message: { type: 'subscribe', request_id: n, track_alias: 7 },
        streamId: 0n,
      });
    } else if (r === 1) {
      wire.push({ n, t, e: 1, sid: n * 4, d: 1, st: 0, ta: 7, sg: 0 });
      friendly.push({
        seq: n,
        timestamp: t,
        type: 1,
        streamId: BigInt(n * 4),
        direction: 1,
        streamType: 0,
        trackAlias: 7n,
        subgroupId: 0n,
      });
    } else if (r === 19) {
      wire.push({ n, t, e: 2, sid: n * 4, ec: 0 });
      friendly.push({ seq: n, timestamp: t, type: 2, streamId: BigInt(n * 4), errorCode: 0 });
    } else if (r % 2 === 0) {
      wire.push({ n, t, e: 3, sid: 4, g: n >> 4, o: n & 15, pp: 128, os: 0 });
      friendly.push({
        seq: n,
        timestamp: t,
        type: 3,
        streamId: 4n,
        groupId: BigInt(n >> 4),
        objectId: BigInt(n & 15),
        publisherPriority: 128,
        objectStatus: 0,
      });
    } else {
      wire.push({ n, t, e: 4, sid: 4, g: n >> 4, o: n & 15, sz: 1200 + (n & 255) });
      friendly.push({
        seq: n,
        timestamp: t,
        type: 4,
        streamId: 4n,
        groupId: BigInt(n >> 4),
        objectId: BigInt(n & 15),
        size: 1200 + (n & 255),
      });
    }
  }
  return { wire, friendly };
}
