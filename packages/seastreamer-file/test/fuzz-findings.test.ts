// Regression tests of the defects `pnpm fuzz` found in this package (the inputs are also in the repository's
// regression corpus, fuzz/regressions.mjs).
import { fromBytes } from '@x/binary';
import { describe, expect, it } from 'vitest';
import {
  decodeMessageAt,
  openSeaStreamerReader,
  readSeaStreamer,
  SeaStreamerFileError,
  type SeaStreamerMessage,
  type SeaStreamerProblem,
  writeSeaStreamer,
} from '../src/index.js';
import { readAll } from './helpers.js';

/** A file whose second message (1000 bytes of payload) is cut by the beacons at 256, 512, 768 and 1024. */
function spliced() {
  const bytes = writeSeaStreamer(
    [
      { streamKey: 'a', shardId: 0n, seqNo: 1n, timestamp: 1n, payload: 'first' },
      { streamKey: 'long', shardId: 1n, seqNo: 1n, timestamp: 2n, payload: 'x'.repeat(1000) },
    ],
    { fileName: 'f.ss', beaconInterval: 256, createdAt: 0 },
  );
  return { bytes, long: readSeaStreamer(bytes).messages[1]! };
}

describe('defects found by fuzzing', () => {
  it('bytes after a truncated frame that cannot be beacons are not read as one at every boundary (was 7 s and 2.5 GB for 4 MiB)', async () => {
    // 0x9f at a boundary reads as a beacon of 159 markers with 159-byte keys: 29 KB, far longer than the interval.
    const empty = writeSeaStreamer([], { fileName: 'e.ss', beaconInterval: 128, createdAt: 0 });
    const bytes = new Uint8Array(empty.length + 4 * 1024 * 1024).fill(0x9f);
    bytes.set(empty);
    const whole = readSeaStreamer(bytes);
    expect(whole.beacons.map((b) => b.offset)).toEqual([128]); // the real one, after the header
    expect(whole.end).toMatchObject({ state: 'truncated', offset: 128, trailingBytes: bytes.length - 128 });
    const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize: 16 * 1024 }), { beacons: true });
    expect((await readAll(reader)).map((r) => r.offset)).toEqual([128]);
    expect(reader.end).toEqual(whole.end);
  });

  it('the complete beacons of a truncated long frame are still reported, up to one that cannot be a beacon', () => {
    const { bytes, long } = spliced();
    const cut = bytes.slice(0, long.splicedBy[2]! + 3);
    expect(readSeaStreamer(cut).beacons.map((b) => b.offset)).toEqual([256, 512]);
    // A beacon claiming markers that run past the next boundary ends the list there.
    const damaged = bytes.slice(0, long.splicedBy[3]! + 3);
    damaged[long.splicedBy[1]! + 5] = 200; // 200 markers: far longer than the interval
    expect(readSeaStreamer(damaged).beacons.map((b) => b.offset)).toEqual([256]);
  });

  it('rewinding to a beacon whose count runs past the end of the data: TRUNCATED at that beacon, inside the data', async () => {
    const { bytes, long } = spliced();
    const cut = bytes.slice(0, long.splicedBy[2]! + 60); // beacon 3 complete, its frame bytes cut, no beacon 4
    const reader = await openSeaStreamerReader(cut);
    const error = await reader.rewindToBeacon(3).catch((e: unknown) => e);
    expect(SeaStreamerFileError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'TRUNCATED', offset: long.splicedBy[2] });
  });

  it('a read with a limit reports no problem of a message after it, streamed as whole', async () => {
    const messages = Array.from({ length: 5 }, (_, i) => ({
      streamKey: 'a',
      shardId: 0n,
      seqNo: BigInt(i),
      timestamp: BigInt(i),
      payload: `payload ${i}`,
    }));
    const bytes = writeSeaStreamer(messages, { fileName: 'l.ss', beaconInterval: 1024, createdAt: 0 });
    const third = readSeaStreamer(bytes).messages[2]!;
    bytes[third.endOffset - 4]! ^= 0xff; // a payload byte: CHECKSUM_MISMATCH
    expect(readSeaStreamer(bytes).problems.map((p) => p.code)).toEqual(['CHECKSUM_MISMATCH']);
    for (const limit of [1, 2, 3]) {
      const whole = readSeaStreamer(bytes, { limit });
      const seen: SeaStreamerProblem[] = [];
      const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize: 1 << 20 }), {
        limit,
        onProblem: (p) => seen.push(p),
      });
      expect((await readAll(reader)).length).toBe(limit);
      expect(seen).toEqual(whole.problems);
      expect(reader.problems).toEqual(whole.problems);
      expect(reader.end).toEqual(whole.end);
      expect(whole.problems.length).toBe(limit === 3 ? 1 : 0);
    }
  });

  it('random access agrees with sequential reading when the beacons before the offset lie too', async () => {
    // The frame of `long` is cut by the beacons at 1000 and 2000. The first says it cuts no frame (R = 0), the second
    // claims the next message starts inside the frame it cuts: random access looked for a frame start through the
    // first one's count, found none, and refused the offset (OUT_OF_RANGE) that sequential reading reads.
    const bytes = writeSeaStreamer(
      [
        { streamKey: 'long', shardId: 0n, seqNo: 1n, timestamp: 1n, payload: 'x'.repeat(2200) },
        { streamKey: 'next', shardId: 0n, seqNo: 2n, timestamp: 2n, payload: 'y'.repeat(20) },
      ],
      { fileName: 'f.ss', beaconInterval: 1000, createdAt: 0 },
    );
    const clean = readSeaStreamer(bytes);
    const [long, next] = clean.messages as [SeaStreamerMessage, SeaStreamerMessage];
    expect(long.splicedBy).toEqual([1000, 2000]);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setUint32(1001, 0);
    view.setUint32(2001, view.getUint32(2001) + (next.offset - long.endOffset) + 10);
    const sequential = readSeaStreamer(bytes);
    expect(sequential.messages.map((m) => m.offset)).toEqual([long.offset, next.offset]);
    const at = decodeMessageAt(bytes, next.offset);
    expect(at.message).toEqual(sequential.messages[1]);
    expect(at.problems.map((p) => [p.code, p.offset])).toEqual([['REMAINING_BYTES_MISMATCH', 2000]]);
    const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize: 100 }));
    expect((await reader.readMessageAt(next.offset)).problems).toEqual(at.problems);
  });

  it('a limit does not stop a seek: it scans past the limit for its match', async () => {
    const messages = Array.from({ length: 50 }, (_, i) => ({
      streamKey: i % 2 ? 'odd' : 'even',
      shardId: 0n,
      seqNo: BigInt(i),
      timestamp: BigInt(i),
      payload: 'p',
    }));
    const bytes = writeSeaStreamer(messages, { fileName: 's.ss', beaconInterval: 256, createdAt: 0 });
    const reader = await openSeaStreamerReader(bytes, { limit: 2 });
    const found = await reader.seekBySeqNo('odd', 0n, 41n);
    expect(found.message.seqNo).toBe(41n);
    expect((await readAll(reader)).map((m) => (m.kind === 'message' ? m.seqNo : -1n))).toEqual([41n, 42n]);
  });
});
