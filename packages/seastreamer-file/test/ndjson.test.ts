import { crc16, createMemorySink, fromBytes } from '@x/binary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSeaStreamer, type SeaStreamerMessage, writeSeaStreamer } from '../src/index.js';
import {
  createRecordWriter,
  decodePayload,
  encodePayload,
  formatBeaconRecord,
  formatEndRecord,
  formatHeaderRecord,
  formatMessageRecord,
  formatProblemRecord,
  fromBase64,
  importSeaStreamerNdjson,
  type NdjsonLineProblem,
  type PayloadMode,
  parseSeaStreamerRecord,
  readSeaStreamerNdjson,
  toBase64,
} from '../src/ndjson/index.js';
import { fixtureNames, readExpected, readFixture, skipCorpus } from './helpers.js';

const encoder = new TextEncoder();

/** The NDJSON of a file, as `xtrace cat --format ndjson` writes it. */
function toNdjson(bytes: Uint8Array, payload: PayloadMode = 'auto'): string {
  const { header, messages, end } = readSeaStreamer(bytes);
  const lines = [formatHeaderRecord(header), ...messages.map((m) => formatMessageRecord(m, payload))];
  lines.push(formatEndRecord(end));
  return `${lines.join('\n')}\n`;
}

async function importText(text: string, options: Parameters<typeof importSeaStreamerNdjson>[2] = {}) {
  const sink = createMemorySink();
  const result = await importSeaStreamerNdjson(encoder.encode(text), sink, options);
  return { result, bytes: sink.toBytes() };
}

async function failure(text: string): Promise<unknown> {
  try {
    await importText(text, { fileName: 'f.ss' });
  } catch (error) {
    return error;
  }
  return undefined;
}

const sample = writeSeaStreamer(
  [
    { streamKey: 'a', shardId: 1n, seqNo: 1n, timestamp: 1700000000000n, payload: '{"x":1}' },
    {
      streamKey: 'b',
      shardId: 2n ** 64n - 1n,
      seqNo: 2n,
      timestamp: 1700000000001n,
      payload: new Uint8Array([0, 255]),
    },
    { streamKey: 'a', shardId: 1n, seqNo: 3n, timestamp: 1700000000002n, payload: '' },
  ],
  { fileName: 'sample.ss', beaconInterval: 256, createdAt: 1700000000000n, eos: 1700000000003n },
);

describe('records', () => {
  it('formats the header, messages, beacons, problems and the end as the contract says', () => {
    const { header, messages, beacons, end } = readSeaStreamer(sample);
    expect(JSON.parse(formatHeaderRecord(header))).toEqual({
      kind: 'header',
      format: 'ss',
      version: 1,
      offset: 0,
      fileName: 'sample.ss',
      createdAtMs: 1700000000000,
      createdAt: '2023-11-14T22:13:20.000Z',
      beaconInterval: 256,
      paddingOk: true,
    });
    const second = formatMessageRecord(messages[1]!);
    expect(second).toContain('"shardId":"18446744073709551615"'); // above 2^53-1: a decimal string
    expect(JSON.parse(second)).toMatchObject({ kind: 'message', payload: '00ff', payloadEncoding: 'hex', eos: false });
    expect(JSON.parse(formatMessageRecord(messages[0]!, 'base64'))).toMatchObject({
      payload: 'eyJ4IjoxfQ==',
      payloadEncoding: 'base64',
    });
    expect(JSON.parse(formatMessageRecord(messages[0]!, 'none'))).not.toHaveProperty('payload');
    expect(JSON.parse(formatMessageRecord(messages.at(-1)!))).toMatchObject({
      streamKey: 'SEA_STREAMER_INTERNAL',
      eos: true,
    });
    expect(JSON.parse(formatBeaconRecord(beacons[0]!))).toMatchObject({ kind: 'beacon', offset: 256, index: 1 });
    expect(formatProblemRecord({ code: 'TRUNCATED', message: 'cut', offset: 7 })).toBe(
      '{"kind":"error","code":"TRUNCATED","offset":7,"message":"cut","severity":"error"}',
    );
    expect(formatEndRecord(end)).toBe(`{"kind":"end","state":"eos","offset":${sample.length}}`);
  });

  it('frames records as NDJSON lines or one JSON array', () => {
    for (const [mode, expected] of [
      ['ndjson', '{"a":1}\n{"b":2}\n'],
      ['json', '[\n  {"a":1},\n  {"b":2}\n]\n'],
    ] as const) {
      let text = '';
      const records = createRecordWriter((t) => {
        text += t;
      }, mode);
      records.record('{"a":1}');
      records.record('{"b":2}');
      records.finish();
      expect(text).toBe(expected);
    }
    let empty = '';
    createRecordWriter((t) => {
      empty += t;
    }, 'json').finish();
    expect(empty).toBe('[]\n');
  });
});

describe('payload encodings', () => {
  it('base64 is standard, padded and canonical both ways (fast-check, against Buffer)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = toBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(fromBase64(text)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
    for (const bad of ['AQIDBA', 'AQIDBA=', 'AQID BA==', 'AQ-DBA==', 'AQIDBB==', 'AQ==AQ==', '=AAA', 'AQIDB===', 'é']) {
      expect([bad, fromBase64(bad)]).toEqual([bad, undefined]);
    }
  });

  it('decodePayload: utf8 (the default), hex, base64; anything else is a reason, never bytes', () => {
    expect(decodePayload('hé', undefined)).toEqual(encoder.encode('hé'));
    expect(decodePayload('00ff', 'hex')).toEqual(new Uint8Array([0, 255]));
    expect(decodePayload('AP8=', 'base64')).toEqual(new Uint8Array([0, 255]));
    expect(decodePayload('0g', 'hex')).toMatch(/not valid hex/);
    expect(decodePayload('AP8', 'base64')).toMatch(/not valid base64/);
    expect(decodePayload('x', 'latin1')).toMatch(/unknown payloadEncoding "latin1"/);
    expect(decodePayload('\ud800', 'utf8')).toMatch(/lone UTF-16 surrogate/);
  });

  it('every payload survives encode then decode in the lossless modes (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom<PayloadMode>('auto', 'hex', 'base64'),
        (bytes, mode) => {
          const { payload, payloadEncoding } = encodePayload(bytes, mode)!;
          expect(decodePayload(payload, payloadEncoding)).toEqual(bytes);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('import', () => {
  it('re-creates a file byte for byte from its records, in any lossless payload mode', async () => {
    for (const mode of ['auto', 'hex', 'base64'] as const) {
      const { bytes, result } = await importText(toNdjson(sample, mode));
      expect(Buffer.from(bytes).equals(Buffer.from(sample))).toBe(true);
      expect(result).toEqual({ messages: 4, skipped: [], bytesWritten: sample.length });
    }
  });

  it('accepts a UTF-8 BOM and blank lines; a header gives the file name, interval and creation time', async () => {
    const { bytes } = await importText(`\ufeff${toNdjson(sample).replace('\n', '\n\n  \n')}`);
    expect(Buffer.from(bytes).equals(Buffer.from(sample))).toBe(true);
    const reinterval = await importText(toNdjson(sample), { beaconInterval: 1024 });
    expect(readSeaStreamer(reinterval.bytes).header).toMatchObject({ fileName: 'sample.ss', beaconInterval: 1024 });
  });

  const header = formatHeaderRecord(readSeaStreamer(sample).header);
  const good = formatMessageRecord(readSeaStreamer(sample).messages[0]!);
  const bad: Array<[string, string, RegExp]> = [
    [
      'invalid base64',
      good
        .replace('"payload":"{\\"x\\":1}","payloadEncoding":"utf8"', '"payload":"@@","payloadEncoding":"base64"')
        .replace(/,"payloadSize":\d+,"checksum":\d+/, ''),
      /not valid base64/,
    ],
    [
      'unknown encoding',
      good.replace('"payloadEncoding":"utf8"', '"payloadEncoding":"utf-16"'),
      /unknown payloadEncoding "utf-16"/,
    ],
    ['misspelt kind', good.replace('"kind":"message"', '"kind":"mesage"'), /unknown record kind "mesage"/],
    ['empty object', '{}', /no "kind"/],
    [
      'unknown field',
      good.replace('"kind":"message",', '"kind":"message","payloadEncodng":"hex",'),
      /unknown field "payloadEncodng"/,
    ],
    ['not JSON', '{"kind":"message",', /not JSON/],
    ['not an object', '[1,2]', /not a JSON object/],
    ['too deep', `${'['.repeat(100)}${']'.repeat(100)}`, /nested deeper than 64 levels/],
    ['wrong checksum', good.replace(/"checksum":\d+/, '"checksum":1'), /checksum 1 does not match the payload/],
    ['wrong payloadSize', good.replace(/"payloadSize":\d+/, '"payloadSize":99'), /payloadSize 99 does not match/],
    ['eos contradiction', good.replace('"eos":false', '"eos":true'), /eos true contradicts/],
    [
      'timestamp contradiction',
      good.replace('2023-11-14T22:13:20.000Z', '2023-11-14T22:13:21.000Z'),
      /does not match timestampMs/,
    ],
    ['inexact u64 number', good.replace(/"seqNo":\d+/, '"seqNo":18446744073709551615'), /not exact in JSON/],
    ['negative number', good.replace(/"seqNo":\d+/, '"seqNo":-1'), /seqNo must be an unsigned 64-bit integer/],
    [
      'decimal string above 2^64-1',
      good.replace(/"seqNo":\d+/, '"seqNo":"18446744073709551616"'),
      /seqNo must be an unsigned 64-bit integer \(a number, or a decimal string\), got "18446744073709551616"/,
    ],
    ['missing seqNo', good.replace(/"seqNo":\d+,/, ''), /missing seqNo/],
    ['invalid stream key', good.replace('"streamKey":"a"', '"streamKey":"a b"'), /INVALID_STREAM_KEY/],
    [
      'timestamp out of range',
      good.replace(/"timestampMs":\d+,"timestamp":"[^"]+"/, '"timestampMs":253402300800000'),
      /TIMESTAMP_OUT_OF_RANGE/,
    ],
    [
      'lone surrogate',
      good.replace('"payload":"{\\"x\\":1}"', '"payload":"\\ud800"').replace(/,"payloadSize":\d+,"checksum":\d+/, ''),
      /lone UTF-16 surrogate/,
    ],
  ];

  it.each(bad)(
    '%s: INVALID_NDJSON naming the line and its byte offset; nothing written',
    async (_name, line, reason) => {
      const text = `${header}\n${good}\n${line}\n${good}\n`;
      const offset = encoder.encode(`${header}\n${good}\n`).length;
      const error = await failure(text);
      expect(error).toMatchObject({ code: 'INVALID_NDJSON', line: 3, offset });
      expect((error as Error).message).toMatch(new RegExp(`^line 3 \\(byte ${offset}\\): `));
      expect((error as Error).message).toMatch(reason);
    },
  );

  it('a header after messages, or a second header, is invalid; a header it cannot write is its line', async () => {
    expect(await failure(`${good}\n${header}\n`)).toMatchObject({ code: 'INVALID_NDJSON', line: 2 });
    expect(await failure(`${header}\n${header}\n`)).toMatchObject({ code: 'INVALID_NDJSON', line: 2 });
    const badInterval = header.replace('"beaconInterval":256', '"beaconInterval":100');
    expect(await failure(`${badInterval}\n${good}\n`)).toMatchObject({ code: 'INVALID_NDJSON', line: 1 });
  });

  it('invalid UTF-8 on a line is INVALID_NDJSON with its offset', async () => {
    const bytes = new Uint8Array([...encoder.encode(`${header}\n`), 0xff, 0x0a]);
    await expect(importSeaStreamerNdjson(bytes, createMemorySink(), {})).rejects.toMatchObject({
      code: 'INVALID_NDJSON',
      offset: header.length + 1,
    });
  });

  it('skipInvalidLines: skips and reports each bad line, imports every other one', async () => {
    const lines = [header, good, bad[0]![1], bad[2]![1], '{}', good.replace(/"seqNo":\d+/, '"seqNo":7'), bad[15]![1]];
    const seen: NdjsonLineProblem[] = [];
    const { result, bytes } = await importText(`${lines.join('\n')}\n`, {
      skipInvalidLines: true,
      onInvalidLine: (p) => seen.push(p),
    });
    expect(seen.map((p) => p.line)).toEqual([3, 4, 5, 7]);
    expect(result.skipped).toEqual(seen);
    expect(seen.every((p) => p.code === 'INVALID_NDJSON' && p.severity === 'error')).toBe(true);
    expect(result.messages).toBe(2);
    expect(readSeaStreamer(bytes).messages.map((m) => m.seqNo)).toEqual([1n, 7n]);
  });

  it('without a header: the file name from the options, records without kind are messages', async () => {
    const line = '{"streamKey":"k","shardId":0,"seqNo":1,"timestampMs":5,"payload":"hi"}';
    const { bytes } = await importText(`${line}\n`, { fileName: 'plain.ss', createdAt: 9 });
    const read = readSeaStreamer(bytes);
    expect(read.header).toMatchObject({ fileName: 'plain.ss', createdAt: 9n });
    expect(read.messages.map((m) => [m.streamKey, m.seqNo, new TextDecoder().decode(m.payload)])).toEqual([
      ['k', 1n, 'hi'],
    ]);
    await expect(importText(`${line}\n`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' }); // no file name
  });

  it('parseSeaStreamerRecord fills fields from defaults (xtrace write)', () => {
    const parsed = parseSeaStreamerRecord(
      { payload: 'x' },
      {
        streamKey: 'log',
        shardId: 3n,
        seqNo: (key, shard) => (key === 'log' && shard === 3n ? 41n : 0n),
        timestamp: () => 7n,
      },
    );
    expect(parsed).toEqual({
      kind: 'message',
      message: { streamKey: 'log', shardId: 3n, seqNo: 41n, timestamp: 7n, payload: encoder.encode('x') },
    });
    expect(parseSeaStreamerRecord({ kind: 'end', state: 'eof', offset: 1 })).toEqual({ kind: 'end' });
  });

  it('reads records from any input, with line numbers and byte offsets', async () => {
    const text = `${header}\n\n${good}\n`;
    const items = [];
    for await (const item of readSeaStreamerNdjson(fromBytes(encoder.encode(text), { chunkSize: 7 }))) items.push(item);
    expect(items.map((i) => [i.kind, i.line, i.offset])).toEqual([
      ['header', 1, 0],
      ['message', 3, header.length + 2],
    ]);
  });

  it('round trip (fast-check): any messages, any interval, records back to the same file', async () => {
    const message = fc.record({
      streamKey: fc.constantFrom('a', 'b.c', 'SEA_STREAMER_INTERNAL', ''),
      shardId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      seqNo: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      timestamp: fc.bigInt({ min: 0n, max: 253402300799999n }),
      payload: fc.oneof(
        fc.uint8Array({ maxLength: 600 }),
        fc.string({ maxLength: 100 }).map((s) => encoder.encode(s)),
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { maxLength: 20 }),
        fc.integer({ min: 128, max: 2048 }),
        fc.constantFrom<PayloadMode>('auto', 'hex', 'base64'),
        async (messages, interval, mode) => {
          const bytes = writeSeaStreamer(messages, {
            fileName: 'p.ss',
            beaconInterval: interval,
            createdAt: 5,
            allowEmptyStreamKey: true,
            allowReservedStreamKeys: true,
          });
          const again = await importText(toNdjson(bytes, mode));
          expect(Buffer.from(again.bytes).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe.skipIf(skipCorpus)('import over the corpus', () => {
  const single = fixtureNames().filter((n) => {
    const e = readExpected(n);
    return !e.error && !n.includes('.') && !['rs-appended', 'rs-file-producer', 'rs-size-limit'].includes(n);
  });
  it.each(single)('%s: records re-create the file byte for byte', async (name) => {
    const bytes = readFixture(name);
    const { bytes: again } = await importText(toNdjson(bytes));
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a damaged checksum is not repaired silently: the line is an error', async () => {
    const bytes = readFixture('rs-interval-1024.bad-checksum');
    const text = toNdjson(bytes);
    const error = (await failure(text)) as { line: number; message: string };
    expect(error).toMatchObject({ code: 'INVALID_NDJSON' });
    const damaged = readSeaStreamer(bytes).messages.find((m: SeaStreamerMessage) => m.checksumOk === false)!;
    expect(text.split('\n')[error.line - 1]).toContain(`"offset":${damaged.offset}`);
    expect(error.message).toContain(
      `checksum ${damaged.checksum} does not match the payload (its CRC-16 is ${crc16(damaged.payload)})`,
    );
  });

  it('reads the records of a large file back from a stream of small chunks', async () => {
    const bytes = readFixture('rs-20mb');
    const text = encoder.encode(toNdjson(bytes));
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= text.length) return controller.close();
        controller.enqueue(text.subarray(at, at + 65_521));
        at += 65_521;
      },
    });
    let count = 0;
    for await (const item of readSeaStreamerNdjson(stream)) if (item.kind === 'message') count++;
    expect(count).toBe(readSeaStreamer(bytes).messages.length);
  });
});
