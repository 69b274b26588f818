import { createMemorySink, toWritableStreamSink } from '@x/binary';
import { describe, expect, it } from 'vitest';
import {
  createSeaStreamerWriter,
  decodeSeaStreamerHeader,
  encodeSeaStreamerHeader,
  formatIsoTimestamp,
  formatRustTimestamp,
  isEndOfStream,
  isValidStreamKey,
  markersPerBeacon,
  planAppend,
  readSeaStreamer,
  SeaStreamerFileError,
  timestampToDate,
  validateStreamKey,
  writeSeaStreamer,
} from '../src/index.js';

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return SeaStreamerFileError.is(error) ? error.code : `not typed: ${String(error)}`;
  }
  return undefined;
}

describe('num_markers(I)', () => {
  it('follows the table of spec 7.2', () => {
    const table: Array<[number, number]> = [
      [128, 0],
      [570, 0],
      [571, 1],
      [640, 1],
      [1024, 1],
      [1134, 1],
      [2048, 3],
      [4096, 7],
      [8192, 14],
      [65536, 116],
      [71635, 127],
      [1048576, 127],
      [0xffffffff, 127],
    ];
    for (const [interval, markers] of table)
      expect([interval, markersPerBeacon(interval)]).toEqual([interval, markers]);
  });
});

describe('header', () => {
  it('encodes the example of spec 3 (rs-empty.ss) and decodes it back', () => {
    const bytes = encodeSeaStreamerHeader({ fileName: 'rs-empty.ss', createdAt: 1795248518903n, beaconInterval: 1024 });
    expect(bytes.length).toBe(128);
    expect([...bytes.subarray(0, 4)]).toEqual([0x53, 0x73, 0x01, 0x0b]);
    expect([...bytes.subarray(15, 27)]).toEqual([0, 0, 1, 0xa1, 0xfd, 0x26, 0x76, 0xf7, 0, 0, 4, 0]);
    expect(bytes[127]).toBe(0x0d);
    expect(bytes.subarray(27, 127).every((b) => b === 0)).toBe(true);
    expect(decodeSeaStreamerHeader(bytes)).toEqual({
      fileName: 'rs-empty.ss',
      createdAt: 1795248518903n,
      beaconInterval: 1024,
      paddingOk: true,
    });
  });

  it('sizes the padding by UTF-8 bytes: 111 bytes fit, 112 do not', () => {
    const name111 = `${'ü'.repeat(55)}x`; // 111 bytes, 56 UTF-16 units
    expect(decodeSeaStreamerHeader(encodeSeaStreamerHeader({ fileName: name111, beaconInterval: 128 })).fileName).toBe(
      name111,
    );
    expect(code(() => encodeSeaStreamerHeader({ fileName: 'ü'.repeat(56) }))).toBe('FILE_NAME_TOO_LONG');
  });

  it('reader checks: magic, version, truncation, interval, name length', () => {
    const good = encodeSeaStreamerHeader({ fileName: 'a', beaconInterval: 1024 });
    expect(code(() => decodeSeaStreamerHeader(good.subarray(0, 100)))).toBe('TRUNCATED');
    expect(code(() => decodeSeaStreamerHeader(Uint8Array.of(0x53, 0x53, 1)))).toBe('BAD_MAGIC');
    expect(code(() => decodeSeaStreamerHeader(Uint8Array.of(0x53, 0x73, 2)))).toBe('UNSUPPORTED_VERSION');
    const small = good.slice();
    new DataView(small.buffer).setUint32(13, 127);
    expect(code(() => decodeSeaStreamerHeader(small))).toBe('INVALID_BEACON_INTERVAL');
    const long = good.slice();
    long[3] = 112;
    expect(code(() => decodeSeaStreamerHeader(long))).toBe('FILE_NAME_TOO_LONG');
    const badName = good.slice();
    badName[4] = 0xff;
    expect(code(() => decodeSeaStreamerHeader(badName))).toBe('INVALID_UTF8');
    expect(decodeSeaStreamerHeader(badName, { lenientUtf8: true }).fileName).toBe('\ufffd');
  });
});

describe('writer input validation: a typed error before any byte is written', () => {
  const base = { streamKey: 'ok', shardId: 0n, seqNo: 1n, timestamp: 1700000000000n, payload: 'x' };
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['key with a space', { streamKey: 'bad key' }, 'INVALID_STREAM_KEY'],
    ['key of 250 bytes', { streamKey: 'k'.repeat(250) }, 'INVALID_STREAM_KEY'],
    ['empty key', { streamKey: '' }, 'INVALID_STREAM_KEY'],
    ['non-ASCII key', { streamKey: 'ключ' }, 'INVALID_STREAM_KEY'],
    ['reserved internal key', { streamKey: 'SEA_STREAMER_INTERNAL' }, 'INVALID_STREAM_KEY'],
    ['reserved wildcard key', { streamKey: 'SEA_STREAMER_WILDCARD' }, 'INVALID_STREAM_KEY'],
    ['negative seq', { seqNo: -1 }, 'INVALID_ARGUMENT'],
    ['seq above u64', { seqNo: 2n ** 64n }, 'INVALID_ARGUMENT'],
    ['fractional seq', { seqNo: 1.5 }, 'INVALID_ARGUMENT'],
    ['unsafe number seq', { seqNo: 2 ** 60 }, 'INVALID_ARGUMENT'],
    ['negative shard', { shardId: -1n }, 'INVALID_ARGUMENT'],
    ['NaN shard', { shardId: Number.NaN }, 'INVALID_ARGUMENT'],
    ['timestamp before 1970', { timestamp: -1n }, 'TIMESTAMP_OUT_OF_RANGE'],
    ['timestamp after 9999', { timestamp: 253402300800000n }, 'TIMESTAMP_OUT_OF_RANGE'],
    ['payload of another type', { payload: 42 }, 'INVALID_ARGUMENT'],
    ['key of another type', { streamKey: 7 }, 'INVALID_STREAM_KEY'],
    ['fractional timestamp', { timestamp: 1.5 }, 'INVALID_ARGUMENT'],
  ];
  it.each(cases)('%s', (_name, patch, expected) => {
    const sink = createMemorySink();
    const writer = createSeaStreamerWriter(sink, { fileName: 'v.ss', beaconInterval: 1024, bufferSize: 1 });
    const before = sink.size;
    expect(code(() => writer.write({ ...base, ...patch } as never))).toBe(expected);
    expect(sink.size).toBe(before);
    writer.write(base); // the writer is still usable
    expect(sink.size).toBe(before + 2 + 1 + 32);
  });

  it('payload of 2^32 bytes or more', () => {
    const sink = createMemorySink();
    const writer = createSeaStreamerWriter(sink, { fileName: 'v.ss' });
    const huge = Object.create(Uint8Array.prototype) as Uint8Array;
    Object.defineProperty(huge, 'length', { value: 2 ** 32 });
    expect(code(() => writer.write({ ...base, payload: huge }))).toBe('PAYLOAD_TOO_LARGE');
  });

  it('edge values that are valid: u64 max, 2^53+1, timestamp 0 and the maximum, empty key when allowed', () => {
    const bytes = writeSeaStreamer(
      [
        { streamKey: '', shardId: 2n ** 64n - 1n, seqNo: 2n ** 64n - 1n, timestamp: 0n, payload: '' },
        { streamKey: 'a', shardId: 2n ** 53n + 1n, seqNo: 0, timestamp: 253402300799999n, payload: new Uint8Array(3) },
      ],
      { fileName: 'e.ss', beaconInterval: 128, allowEmptyStreamKey: true, createdAt: 0 },
    );
    const { messages } = readSeaStreamer(bytes);
    expect(messages.map((m) => [m.streamKey, m.shardId, m.seqNo, m.timestamp])).toEqual([
      ['', 2n ** 64n - 1n, 2n ** 64n - 1n, 0n],
      ['a', 2n ** 53n + 1n, 0n, 253402300799999n],
    ]);
    expect(messages[0]!.checksum).toBe(0xffff);
  });

  it('bad writer options fail before any byte: interval, file name, size limit', () => {
    for (const [options, expected] of [
      [{ fileName: 'x', beaconInterval: 127 }, 'INVALID_BEACON_INTERVAL'],
      [{ fileName: 'x', beaconInterval: 1000.5 }, 'INVALID_BEACON_INTERVAL'],
      [{ fileName: 'x', beaconInterval: 2 ** 32 }, 'INVALID_BEACON_INTERVAL'],
      [{ fileName: 'x'.repeat(112) }, 'FILE_NAME_TOO_LONG'],
      [{ fileName: 'x', createdAt: -5 }, 'TIMESTAMP_OUT_OF_RANGE'],
      [{ fileName: 'x', sizeLimit: 100 }, 'SIZE_LIMIT_EXCEEDED'],
      [{ fileName: 'x', sizeLimit: -1 }, 'INVALID_ARGUMENT'],
      [{ beaconInterval: 1024 }, 'INVALID_ARGUMENT'],
      [{ fileName: 'x', bufferSize: 0 }, 'INVALID_ARGUMENT'],
    ] as const) {
      const sink = createMemorySink();
      expect(code(() => createSeaStreamerWriter(sink, options))).toBe(expected);
      expect(sink.size).toBe(0);
    }
  });
});

describe('writer behaviour', () => {
  it('interval 128: a beacon follows the header at creation', () => {
    const bytes = writeSeaStreamer([], { fileName: 'e', beaconInterval: 128 });
    expect(bytes.length).toBe(135);
    expect([...bytes.subarray(128)]).toEqual([0x0d, 0, 0, 0, 0, 0, 0x0d]);
  });

  it('payloads of megabytes at the smallest intervals: every beacon a frame spans has room (was a RangeError)', () => {
    for (const beaconInterval of [128, 256, 512, 1024]) {
      for (const size of [(1 << 20) - 100, 1 << 20, 3 << 20]) {
        const payload = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
        const messages = [
          { streamKey: 'a', shardId: 0n, seqNo: 1n, timestamp: 1, payload: new Uint8Array(5) },
          { streamKey: 'b', shardId: 0n, seqNo: 1n, timestamp: 2, payload },
          { streamKey: 'a', shardId: 0n, seqNo: 2n, timestamp: 3, payload: new Uint8Array(3) },
        ];
        const file = readSeaStreamer(writeSeaStreamer(messages, { fileName: 'big', beaconInterval }));
        expect(file.problems).toEqual([]);
        expect(file.messages.map((m) => m.payload.length)).toEqual([5, size, 3]);
        expect(Buffer.from(file.messages[1]?.payload ?? []).equals(Buffer.from(payload))).toBe(true);
      }
    }
  }, 60_000);

  it('buffers until flush(), then hands the bytes over', async () => {
    const sink = createMemorySink();
    const writer = createSeaStreamerWriter(sink, { fileName: 'b.ss', beaconInterval: 1024, bufferSize: 1 << 20 });
    expect(sink.size).toBe(128);
    for (let i = 0; i < 50; i++) writer.write({ streamKey: 's', seqNo: i, timestamp: i, payload: `m${i}` });
    expect(sink.size).toBe(128);
    await writer.flush();
    expect(sink.size).toBe(writer.bytesWritten);
    expect(readSeaStreamer(sink.toBytes()).messages.length).toBe(50);
  });

  it('close({ eos: true }) writes the EOS message; writing afterwards fails with CLOSED', async () => {
    const sink = createMemorySink();
    const writer = createSeaStreamerWriter(sink, { fileName: 'eos.ss', beaconInterval: 256 });
    writer.write({ streamKey: 's', seqNo: 1, timestamp: 5, payload: 'a' });
    await writer.close({ eos: true, eosTimestamp: 1234n });
    const { messages, end } = readSeaStreamer(sink.toBytes());
    expect(messages.at(-1)).toMatchObject({
      streamKey: 'SEA_STREAMER_INTERNAL',
      isEos: true,
      timestamp: 1234n,
      seqNo: 0n,
    });
    expect(end.state).toBe('eos');
    expect(code(() => writer.write({ streamKey: 's', seqNo: 2, timestamp: 6, payload: 'b' }))).toBe('CLOSED');
    await writer.close(); // idempotent
    expect(sink.toBytes().length).toBe(writer.bytesWritten);
    sink.write(new Uint8Array(1)); // the writer did not close the sink it was given
  });

  it('abort() drops what is buffered and leaves a given sink open', async () => {
    const sink = createMemorySink();
    const writer = createSeaStreamerWriter(sink, { fileName: 'a.ss', beaconInterval: 1024, bufferSize: 1 << 20 });
    writer.write({ streamKey: 's', seqNo: 1, timestamp: 5, payload: 'a' });
    await writer.abort();
    expect(sink.size).toBe(128); // only the header had been handed over
    expect(code(() => writer.write({ streamKey: 's', seqNo: 2, timestamp: 6, payload: 'b' }))).toBe('CLOSED');
    sink.write(new Uint8Array(1));
    expect(sink.size).toBe(129);
  });

  it('size limit: messages that do not fit are refused whole, the file ends on a message boundary', () => {
    const sink = createMemorySink();
    const writer = createSeaStreamerWriter(sink, {
      fileName: 'lim.ss',
      beaconInterval: 256,
      sizeLimit: 1000,
      bufferSize: 1,
    });
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      try {
        writer.write({ streamKey: 'lim', seqNo: i, timestamp: i, payload: 'p'.repeat(i % 7 === 0 ? 200 : 10) });
        accepted++;
      } catch (error) {
        expect(error).toMatchObject({ code: 'SIZE_LIMIT_EXCEEDED' });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    const bytes = sink.toBytes();
    expect(bytes.length).toBeLessThanOrEqual(1000);
    const result = readSeaStreamer(bytes);
    expect(result.messages.length).toBe(accepted);
    expect(result.end.state).not.toBe('truncated');
    expect(result.problems).toEqual([]);
  });

  it('writes into a WritableStream and a Blob', async () => {
    const chunks: Uint8Array[] = [];
    const stream = new WritableStream<Uint8Array>({
      write: async (chunk) => {
        await new Promise((r) => setTimeout(r, 1));
        chunks.push(chunk);
      },
    });
    const writer = createSeaStreamerWriter(toWritableStreamSink(stream), {
      fileName: 'w.ss',
      beaconInterval: 512,
      bufferSize: 100,
    });
    for (let i = 0; i < 30; i++) writer.write({ streamKey: 'w', seqNo: i, timestamp: i, payload: `payload-${i}` });
    await writer.close({ eos: true, eosTimestamp: 99 });
    const bytes = new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
    expect(readSeaStreamer(bytes).messages.length).toBe(31);
    const memory = createMemorySink();
    const again = createSeaStreamerWriter(memory, {
      fileName: 'w.ss',
      beaconInterval: 512,
      createdAt: decodeSeaStreamerHeader(bytes).createdAt,
    });
    for (let i = 0; i < 30; i++) again.write({ streamKey: 'w', seqNo: i, timestamp: i, payload: `payload-${i}` });
    await again.close({ eos: true, eosTimestamp: 99 });
    const blob = memory.toBlob();
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });

  it('a failing sink surfaces as IO_ERROR', async () => {
    const writer = createSeaStreamerWriter(
      {
        write: async () => {
          throw new Error('disk full');
        },
        close: () => undefined,
      },
      { fileName: 'f.ss', beaconInterval: 1024 },
    );
    await expect(writer.flush()).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});

describe('append interval', () => {
  it("an append keeps the file's interval and warns BEACON_INTERVAL_IGNORED for a different one", async () => {
    const bytes = writeSeaStreamer([{ streamKey: 'a', seqNo: 1, timestamp: 1, payload: 'x'.repeat(900) }], {
      fileName: 'i.ss',
      beaconInterval: 300,
    });
    const plan = await planAppend(bytes);
    const sink = createMemorySink();
    sink.write(bytes.subarray(0, plan.resume.offset));
    const warnings: unknown[] = [];
    const writer = createSeaStreamerWriter(sink, {
      resume: plan.resume,
      beaconInterval: 1024,
      onWarning: (w) => warnings.push(w),
    });
    expect(writer.beaconInterval).toBe(300);
    expect(writer.warnings).toMatchObject([
      { code: 'BEACON_INTERVAL_IGNORED', fileInterval: 300, requestedInterval: 1024 },
    ]);
    expect(warnings).toEqual(writer.warnings);
    writer.write({ streamKey: 'a', seqNo: 2, timestamp: 2, payload: 'y'.repeat(700) });
    await writer.close();
    const result = readSeaStreamer(sink.toBytes());
    expect(result.header.beaconInterval).toBe(300);
    expect(result.messages.map((m) => m.seqNo)).toEqual([1n, 2n]);
    expect(result.beacons.every((b) => b.offset % 300 === 0)).toBe(true);
    expect(result.problems).toEqual([]);
    expect(createSeaStreamerWriter(createMemorySink(), { resume: plan.resume, beaconInterval: 300 }).warnings).toEqual(
      [],
    );
    expect(createSeaStreamerWriter(createMemorySink(), { fileName: 'n.ss', beaconInterval: 1024 }).warnings).toEqual(
      [],
    );
  });
});

describe('stream keys and EOS', () => {
  it('validates keys', () => {
    expect(isValidStreamKey('a.B_c-9')).toBe(true);
    expect(isValidStreamKey('')).toBe(false);
    expect(isValidStreamKey('', true)).toBe(true);
    expect(isValidStreamKey('k'.repeat(249))).toBe(true);
    expect(isValidStreamKey('k'.repeat(250))).toBe(false);
    expect(isValidStreamKey('a/b')).toBe(false);
    expect(code(() => validateStreamKey('SEA_STREAMER_INTERNAL', { allowReserved: true }))).toBeUndefined();
  });

  it('EOS iff key SEA_STREAMER_INTERNAL and payload exactly EOS', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(isEndOfStream({ streamKey: 'SEA_STREAMER_INTERNAL', payload: enc('EOS') })).toBe(true);
    expect(isEndOfStream({ streamKey: 'SEA_STREAMER_INTERNAL', payload: enc('EOSX') })).toBe(false);
    expect(isEndOfStream({ streamKey: 'normal', payload: enc('EOS') })).toBe(false);
  });
});

describe('timestamps', () => {
  it('Rust style of spec 11.1', () => {
    const base = 1700000000000n;
    expect(formatRustTimestamp(base)).toBe('2023-11-14T22:13:20.0');
    expect(formatRustTimestamp(base + 100n)).toBe('2023-11-14T22:13:20.1');
    expect(formatRustTimestamp(base + 10n)).toBe('2023-11-14T22:13:20.01');
    expect(formatRustTimestamp(base + 870n)).toBe('2023-11-14T22:13:20.87');
    expect(formatRustTimestamp(1691686154745n)).toBe('2023-08-10T16:49:14.745');
    expect(formatRustTimestamp(253402300799999n)).toBe('9999-12-31T23:59:59.999');
    expect(formatRustTimestamp(253402300800000n)).toBe('253402300800000 ms');
  });

  it('ISO style and Date', () => {
    expect(formatIsoTimestamp(1700000000000n)).toBe('2023-11-14T22:13:20.000Z');
    expect(timestampToDate(0n)?.getTime()).toBe(0);
    expect(timestampToDate(2n ** 63n)).toBeUndefined();
  });
});
