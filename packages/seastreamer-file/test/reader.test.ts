import { createMemorySink, fromAsyncIterable, fromBytes } from '@x/binary';
import { describe, expect, it } from 'vitest';
import {
  createSeaStreamerWriter,
  encodeFrame,
  encodeSeaStreamerHeader,
  openSeaStreamerReader,
  readSeaStreamer,
  type SeaStreamerMessage,
  type SeaStreamerReader,
  writeSeaStreamer,
} from '../src/index.js';
import { messagesOf, nextMessage, readAll } from './helpers.js';

const messages = Array.from({ length: 400 }, (_, i) => ({
  streamKey: ['a', 'b', 'c'][i % 3]!,
  shardId: BigInt(i % 2),
  seqNo: BigInt(i),
  timestamp: BigInt(1_700_000_000_000 + i),
  payload: `payload ${i} ${'·'.repeat(i % 60)}`,
}));
const bytes = writeSeaStreamer(messages, { fileName: 'r.ss', beaconInterval: 1024, eos: 3n });

async function collect(reader: SeaStreamerReader): Promise<SeaStreamerMessage[]> {
  return messagesOf(await readAll(reader));
}

/** A file of one frame after the header, built by hand (no writer validation). */
function handMade(frames: Uint8Array[], interval = 1 << 20): Uint8Array {
  const header = encodeSeaStreamerHeader({ fileName: 'h.ss', beaconInterval: interval, createdAt: 0 });
  const total = frames.reduce((n, f) => n + f.length, header.length);
  const out = new Uint8Array(total);
  out.set(header);
  let at = header.length;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

describe('inputs', () => {
  const expected = readSeaStreamer(bytes).messages;

  it('Blob / File', async () => {
    const reader = await openSeaStreamerReader(new Blob([bytes as BlobPart]));
    expect(await collect(reader)).toEqual(expected);
    expect(reader.end?.state).toBe('eos');
    const found = await reader.seekBySeqNo('b', 0n, 100n);
    expect(found.message.seqNo).toBe(100n);
  });

  it('ReadableStream (no random access: seeking fails with NOT_SEEKABLE)', async () => {
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + 333));
        at += 333;
      },
    });
    const reader = await openSeaStreamerReader(stream);
    expect(await collect(reader)).toEqual(expected);
    await expect(reader.rewindToStart()).rejects.toMatchObject({ code: 'NOT_SEEKABLE' });
    await reader.close();
    expect(reader.end?.state).toBe('eos'); // read to its end before close: the end stays
    await expect(reader.nextBatch()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('async iterable of Buffers (Node streams)', async () => {
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 4000) yield Buffer.from(bytes.subarray(i, i + 4000));
    }
    const reader = await openSeaStreamerReader(fromAsyncIterable(chunks()));
    expect(await collect(reader)).toEqual(expected);
  });

  it('reads after close fail with CLOSED; closing before the end is the end state limit', async () => {
    const reader = await openSeaStreamerReader(bytes.slice());
    const first = await nextMessage(reader);
    await reader.close();
    expect(reader.end).toMatchObject({ state: 'limit', offset: first!.endOffset, messages: 1 });
    await expect(nextMessage(reader)).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(reader.nextBatch()).rejects.toMatchObject({ code: 'CLOSED' });
    await reader.close(); // again: nothing
  });

  it('closes the source it created, never a ByteSource it was given', async () => {
    let closed = 0;
    const given = { ...fromBytes(bytes), close: async () => void closed++ };
    const reader = await openSeaStreamerReader(given);
    await collect(reader);
    await reader.close();
    expect(closed).toBe(0);
    let cancelled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytes.slice(0, 1000));
      },
      cancel() {
        cancelled++;
      },
    });
    const owned = await openSeaStreamerReader(stream);
    await nextMessage(owned);
    await owned.close();
    expect(cancelled).toBe(1); // the stream the reader turned into a source was released
  });
});

describe('options', () => {
  it('payloads are views by default and copies with copyBytes', () => {
    const view = readSeaStreamer(bytes).messages[0]!;
    expect(view.payload.buffer).toBe(bytes.buffer);
    const copy = readSeaStreamer(bytes, { copyBytes: true }).messages[0]!;
    expect(copy.payload.buffer).not.toBe(bytes.buffer);
    expect(copy.payload).toEqual(view.payload);
  });

  it('stopAtEos stops after the end-of-stream message', async () => {
    const withTail = new Uint8Array(bytes.length + 200);
    withTail.set(bytes);
    const reader = await openSeaStreamerReader(withTail, { stopAtEos: true });
    const all = await collect(reader);
    expect(all.at(-1)?.isEos).toBe(true);
    expect(reader.end?.state).toBe('eos');
    // Without it, reading goes on into the 200 zero bytes: 6 empty frames (bad checksums) and 8 bytes.
    const everything = readSeaStreamer(withTail, {});
    expect(everything.messages.length).toBe(401 + 6);
    expect(everything.end).toMatchObject({ state: 'truncated', trailingBytes: 8 });
  });

  it('beacons: true adds the beacons, each right after the message it cuts', async () => {
    const reader = await openSeaStreamerReader(bytes, { beacons: true });
    let previous: { kind: string; offset: number } | undefined;
    let beacons = 0;
    for await (const item of reader) {
      if (item.kind === 'beacon') {
        beacons++;
        expect(item.offset % 1024).toBe(0);
        if (previous?.kind === 'message') {
          const m = previous as SeaStreamerMessage;
          if (m.splicedBy.length > 0) expect(m.splicedBy).toContain(item.offset);
        }
      }
      previous = item;
    }
    expect(beacons).toBe(Math.floor((bytes.length - 1) / 1024));
    expect(reader.end).toMatchObject({ beacons, messages: 401 });
    // Without the option, the same end, and messages only.
    const plain = await openSeaStreamerReader(bytes);
    expect((await readAll(plain)).every((r) => r.kind === 'message')).toBe(true);
    expect(plain.end).toEqual(reader.end);
  });

  it('limit: stops after that many messages with the end state limit, at every read path', async () => {
    for (const limit of [0, 1, 57, 401, 500]) {
      const whole = readSeaStreamer(bytes, { limit });
      const n = Math.min(limit, 401);
      expect(whole.messages.length).toBe(n);
      const state = limit <= 401 ? 'limit' : 'eos';
      expect(whole.end).toMatchObject({ state, messages: n });
      if (n > 0) expect(whole.end.offset).toBe(whole.messages.at(-1)!.endOffset);
      for (const chunkSize of [100, 1 << 16]) {
        const reader = await openSeaStreamerReader(fromBytes(bytes, { chunkSize }), { limit });
        expect(await collect(reader)).toEqual(whole.messages);
        expect(reader.end).toEqual(whole.end);
        const batched = await openSeaStreamerReader(fromBytes(bytes, { chunkSize }), { limit });
        let count = 0;
        for (let b = await batched.nextBatch(); b !== null; b = await batched.nextBatch()) count += b.length;
        expect([count, batched.end]).toEqual([n, whole.end]);
      }
    }
    expect(() => readSeaStreamer(bytes, { limit: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await expect(openSeaStreamerReader(bytes, { limit: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('invalid UTF-8 in a stream key: an INVALID_UTF8 error problem (thrown with strict), none with lenientUtf8', async () => {
    const frame = encodeFrame('key', 0n, 1n, 2n, new Uint8Array([1]));
    frame[1] = 0xff;
    const file = handMade([frame, encodeFrame('ok', 0n, 2n, 3n, new Uint8Array(0))]);
    const read = readSeaStreamer(file);
    expect(read.messages.map((m) => m.streamKey)).toEqual(['\ufffdey', 'ok']);
    expect(read.problems).toMatchObject([{ code: 'INVALID_UTF8', severity: 'error', offset: 128 }]);
    expect(read.end).toMatchObject({ errors: 1, complete: false });
    expect(() => readSeaStreamer(file, { strict: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_UTF8', offset: 128 }),
    );
    const lenient = readSeaStreamer(file, { lenientUtf8: true });
    expect([lenient.messages.map((m) => m.streamKey), lenient.problems]).toEqual([['\ufffdey', 'ok'], []]);
    const reader = await openSeaStreamerReader(file, { strict: true });
    await expect(nextMessage(reader)).rejects.toMatchObject({ code: 'INVALID_UTF8' });
    expect((await nextMessage(reader))?.streamKey).toBe('ok');
  });

  it('invalid UTF-8 in the header file name: an INVALID_UTF8 error problem at offset 4 on every read path, thrown with strict, none with lenientUtf8', async () => {
    const file = handMade([encodeFrame('ok', 0n, 2n, 3n, new Uint8Array(0))]);
    file[5] = 0xff; // inside the file name
    const expected = [expect.objectContaining({ code: 'INVALID_UTF8', severity: 'error', offset: 4 })];
    const read = readSeaStreamer(file);
    expect([read.header.fileName.includes('\ufffd'), read.messages.length, read.problems]).toEqual([true, 1, expected]);
    expect(read.end).toMatchObject({ errors: 1, complete: false });
    const reader = await openSeaStreamerReader(file);
    for await (const _ of reader);
    expect([reader.header.fileName, reader.problems, reader.end]).toEqual([read.header.fileName, expected, read.end]);
    expect(() => readSeaStreamer(file, { strict: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_UTF8', offset: 4 }),
    );
    await expect(openSeaStreamerReader(file, { strict: true })).rejects.toMatchObject({
      code: 'INVALID_UTF8',
      offset: 4,
    });
    expect(readSeaStreamer(file, { lenientUtf8: true }).problems).toEqual([]);
  });

  it('strict: invalid stream keys and timestamps after 9999 are errors; by default they are read', () => {
    const file = handMade([
      encodeFrame('bad key!', 0n, 1n, 2n, new Uint8Array(0)),
      encodeFrame('late', 0n, 1n, 253402300800000n, new Uint8Array(0)),
    ]);
    const lax = readSeaStreamer(file);
    expect(lax.messages.map((m) => m.streamKey)).toEqual(['bad key!', 'late']);
    expect(lax.problems).toEqual([]);
    expect(() => readSeaStreamer(file, { strict: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_STREAM_KEY' }),
    );
    const late = handMade([encodeFrame('late', 0n, 1n, 253402300800000n, new Uint8Array(0))]);
    expect(() => readSeaStreamer(late, { strict: true })).toThrow(
      expect.objectContaining({ code: 'TIMESTAMP_OUT_OF_RANGE' }),
    );
  });

  it('a huge corrupt payload length neither allocates nor hangs: a truncated end', async () => {
    const frame = encodeFrame('k', 0n, 1n, 2n, new Uint8Array(4));
    new DataView(frame.buffer).setUint32(1 + 1 + 24, 0xfffffff0);
    const file = handMade([frame]);
    expect(readSeaStreamer(file).end).toMatchObject({ state: 'truncated', offset: 128, trailingBytes: frame.length });
    const reader = await openSeaStreamerReader(new Blob([file as BlobPart]));
    expect(await nextMessage(reader)).toBeNull();
    expect(reader.end?.state).toBe('truncated');
  });
});

describe('rewind and running checksums', () => {
  it('after a rewind the first marker of each stream is a baseline: no false warnings', async () => {
    const reader = await openSeaStreamerReader(bytes);
    for (const index of [1, 3, 7, 12, 2]) {
      const { offset } = await reader.rewindToBeacon(index);
      expect(offset).toBeGreaterThan(index * 1024);
      const first = await nextMessage(reader);
      expect(first?.offset).toBe(offset);
      await collect(reader);
    }
    await reader.rewindToStart();
    expect((await collect(reader)).length).toBe(401);
    expect(reader.problems).toEqual([]);
  });

  it('a restarted register (an append by the reference) is one warning per stream, then resynchronised', async () => {
    const first = writeSeaStreamer(messages.slice(0, 200), { fileName: 'x', beaconInterval: 1024, createdAt: 1 });
    const sink = createMemorySink();
    sink.write(first);
    const writer = createSeaStreamerWriter(sink, {
      resume: { fileName: 'x', createdAt: 1n, beaconInterval: 1024, offset: first.length, streams: [] },
    });
    for (const m of messages.slice(200)) writer.write(m);
    await writer.flush();
    const { problems, messages: read } = readSeaStreamer(sink.toBytes());
    expect(read.length).toBe(400);
    expect(problems.length).toBe(6); // 3 keys x 2 shards, each at its first marker after the restart
    const seen = new Set<string>();
    for (const p of problems) {
      expect(p.code).toBe('RUNNING_CHECKSUM_MISMATCH');
      if (p.code !== 'RUNNING_CHECKSUM_MISMATCH') continue;
      expect(p.beaconOffset).toBeGreaterThan(first.length);
      const id = `${p.streamKey}/${p.shardId}`;
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
    // The same messages in one run: no warning at all.
    expect(readSeaStreamer(writeSeaStreamer(messages, { fileName: 'x', beaconInterval: 1024 })).problems).toEqual([]);
  });
});

describe('decoration bytes (0x0D terminator and beacon delimiters, header padding)', () => {
  const plainMessages = (ms: readonly SeaStreamerMessage[]) =>
    ms.map((m) => ({ ...m, payload: [...m.payload], terminator: 0 }));
  const clean = readSeaStreamer(bytes);
  const spliced = clean.messages.find((m) => m.splicedBy.length > 0 && m.endOffset % 1024 !== 0)!;
  const plainFrame = clean.messages.find((m) => m.splicedBy.length === 0 && m.offset > 3000)!;
  const beacon = clean.beacons[3]!;

  function damage(): Uint8Array {
    const d = bytes.slice();
    d[60] = 0x07; // header padding (the name is 4 bytes: padding is 20..126)
    d[127] = 0x0a; // header CR
    d[plainFrame.endOffset - 1] = 0x0a; // a terminator
    d[spliced.endOffset - 1] = 0x00; // the terminator of a frame cut by a beacon
    d[beacon.offset + beacon.size - 1] = 0x20; // a beacon tail
    d[clean.beacons[5]!.offset] = 0xff; // a beacon lead
    return d;
  }

  it('are warnings with stable codes, offsets and values; the data reads the same', async () => {
    const damaged = damage();
    const result = readSeaStreamer(damaged);
    expect(plainMessages(result.messages)).toEqual(plainMessages(clean.messages));
    const summary = result.problems.map((p) => [
      p.code,
      p.severity,
      p.offset,
      'byteOffset' in p ? p.byteOffset : undefined,
      'found' in p ? p.found : undefined,
    ]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['BAD_HEADER_PADDING', 'warning', 60, 60, 0x07],
        ['BAD_TERMINATOR', 'warning', plainFrame.offset, plainFrame.endOffset - 1, 0x0a],
        ['BAD_TERMINATOR', 'warning', spliced.offset, spliced.endOffset - 1, 0x00],
        ['BAD_BEACON_DELIMITER', 'warning', beacon.offset, beacon.offset + beacon.size - 1, 0x20],
        ['BAD_BEACON_DELIMITER', 'warning', clean.beacons[5]!.offset, clean.beacons[5]!.offset, 0xff],
      ]),
    );
    expect(summary.length).toBe(5);
    expect(result.problems[0]!.message).toContain('header byte 60 is 0x07');
    // The streaming reader reports the same problems, in the same order, at any chunk size, through onProblem too.
    for (const chunkSize of [1, 100, 5000]) {
      const seen: string[] = [];
      const reader = await openSeaStreamerReader(fromAsyncIterable(chunks(damaged, chunkSize)), {
        onProblem: (p) => seen.push(`${p.code}@${p.offset}`),
      });
      await collect(reader);
      expect(reader.problems).toEqual(result.problems);
      expect(seen).toEqual(result.problems.map((p) => `${p.code}@${p.offset}`));
    }
  });

  it('only the header CR wrong: byte 127; verifyDecoration: false reports nothing', () => {
    const d = bytes.slice();
    d[127] = 0;
    expect(readSeaStreamer(d).problems).toMatchObject([
      { code: 'BAD_HEADER_PADDING', offset: 127, found: 0, expected: 0x0d },
    ]);
    expect(readSeaStreamer(damage(), { verifyDecoration: false }).problems).toEqual([]);
  });

  it('clean files have none', () => {
    expect(clean.problems).toEqual([]);
  });
});

async function* chunks(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size);
}
