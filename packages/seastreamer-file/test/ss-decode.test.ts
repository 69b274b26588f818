import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRustTimestamp, openSeaStreamerReader, readSeaStreamer, writeSeaStreamer } from '../src/index.js';
import {
  compareUtf8,
  createSsDecodeRenderer,
  formatRyu,
  ndjsonPayload,
  reserializeLikeSerde,
} from '../src/ss-decode/index.js';
import { corpusPresent, readFixture, seastreamerDir } from './helpers.js';
import { reserializeLikeSerde as reference } from './serde-reference.js';

/** Renders a whole file as the reference decoder prints it. */
async function render(bytes: Uint8Array, format: 'log' | 'ndjson', headerOnly = false): Promise<string> {
  const reader = await openSeaStreamerReader(bytes, { beacons: true, strict: true });
  const renderer = createSsDecodeRenderer({ format, headerOnly });
  let out = renderer.header(reader.header);
  for await (const record of reader) {
    out += renderer.record(record);
    if (renderer.ended) break;
  }
  await reader.close();
  return out + renderer.finish();
}

describe.skipIf(!corpusPresent)('the reference decoder output, byte for byte', () => {
  const golden = corpusPresent
    ? readdirSync(seastreamerDir).filter((f) => /\.ss-decode\.(log|ndjson|header-only\.ndjson)$/.test(f))
    : [];
  it('has golden files', () => {
    expect(golden.length).toBeGreaterThanOrEqual(9);
  });
  it.each(golden)('%s', async (file) => {
    const name = file.slice(0, file.indexOf('.ss-decode.'));
    const kind = file.slice(name.length + '.ss-decode.'.length);
    const text = await render(readFixture(name), kind === 'log' ? 'log' : 'ndjson', kind === 'header-only.ndjson');
    expect(Buffer.from(text).equals(readFileSync(`${seastreamerDir}/${file}`))).toBe(true);
  });
});

describe('renderer', () => {
  it('places a beacon line after the message during whose reading the beacon was parsed, once', async () => {
    const messages = Array.from({ length: 12 }, (_, i) => ({
      streamKey: 'k',
      seqNo: BigInt(i),
      timestamp: 1700000000000n + BigInt(i * 10),
      payload: 'x'.repeat(200 + i),
    }));
    const bytes = writeSeaStreamer(messages, { fileName: 'b.ss', beaconInterval: 1024, eos: 1700000000999n });
    const lines = (await render(bytes, 'log')).split('\n');
    const { messages: read, beacons } = readSeaStreamer(bytes);
    // Each beacon line follows the first message whose frame ends after the beacon.
    for (const b of beacons) {
      const m = read.find((x) => x.endOffset > b.offset)!;
      const head = `[${formatRustTimestamp(m.timestamp)} | ${m.streamKey} | ${m.seqNo} | 0]`;
      const at = lines.findIndex((l) => l.startsWith(head));
      expect(at).toBeGreaterThan(0);
      expect(lines[at + 1]).toMatch(/^# \[\{"header":\{"stream_key":/);
    }
    expect(lines.filter((l) => l.startsWith('# [')).length).toBe(beacons.length);
    expect(lines.at(-3)).toMatch(/\| SEA_STREAMER_INTERNAL \| 0 \| 0\] EOS$/); // then its beacon line, and the final newline
  });

  it('filters messages without moving the beacon lines, stops after EOS, counts what it printed', () => {
    const renderer = createSsDecodeRenderer({ format: 'ndjson', headerOnly: true });
    const bytes = writeSeaStreamer(
      [
        { streamKey: 'a', seqNo: 1n, timestamp: 5n, payload: 'x' },
        { streamKey: 'b', seqNo: 2n, timestamp: 6n, payload: 'y' },
      ],
      { fileName: 'f.ss', beaconInterval: 128, eos: 7n },
    );
    const { messages } = readSeaStreamer(bytes);
    let out = '';
    for (const m of [...messages, ...messages]) out += renderer.record(m, m.streamKey !== 'b');
    out += renderer.finish();
    expect(
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).header.stream_key),
    ).toEqual(['a', 'SEA_STREAMER_INTERNAL']);
    expect([renderer.ended, renderer.printed]).toEqual([true, 2]);
  });

  it('payloads: serde-rendered JSON, a JSON string for other text, a byte array for binary', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(ndjsonPayload(enc('{"b": 1.0, "a": [1e30, 123]}'))).toBe('{"a":[1e30,123],"b":1.0}');
    expect(ndjsonPayload(enc('hello\u0001'))).toBe('"hello\\u0001"');
    expect(ndjsonPayload(enc('123'))).toBe('123');
    expect(ndjsonPayload(new Uint8Array([255, 254, 0, 13, 10]))).toBe('[255,254,0,13,10]');
    expect(ndjsonPayload(new Uint8Array([0xed, 0xa0, 0x80]))).toBe('[237,160,128]'); // an encoded surrogate
    expect(ndjsonPayload(new Uint8Array([0xef, 0xbb, 0xbf, 0x31]))).toBe('"\ufeff1"'); // a BOM is kept: not JSON
  });

  it('Rust timestamps of the renderer equal formatRustTimestamp, in any order (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -5n, max: 253402300800005n }), { minLength: 1, maxLength: 30 }),
        (values) => {
          const renderer = createSsDecodeRenderer({ format: 'log', headerOnly: true });
          for (const t of values) {
            expect(renderer.header({ fileName: '', createdAt: t, beaconInterval: 128 })).toBe(
              `# {"file_name":"","created_at":"${formatRustTimestamp(t)}","beacon_interval":128}\n`,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('serde_json re-serialisation', () => {
  it('sorts keys byte-wise, keeps integers, prints floats like ryu, fails like serde_json', () => {
    expect(reserializeLikeSerde('{"b":1.0, "a":[1e30, -0, 18446744073709551615, 0.1, 1e-7]}')).toBe(
      '{"a":[1e30,-0.0,18446744073709551615,0.1,1e-7],"b":1.0}',
    );
    expect(reserializeLikeSerde('{"\uffff":1,"\ud83c\udf0a":2}')).toBe('{"\uffff":1,"\ud83c\udf0a":2}');
    expect(reserializeLikeSerde('{"a":1,"a":2,"\\u0061":3}')).toBe('{"a":3}');
    expect(reserializeLikeSerde('"\\ud800"')).toBeUndefined();
    expect(reserializeLikeSerde('1e400')).toBeUndefined();
    expect(reserializeLikeSerde('{"a":1} x')).toBeUndefined();
    expect(reserializeLikeSerde(`${'['.repeat(127)}${']'.repeat(127)}`)).toBeDefined();
    expect(reserializeLikeSerde(`${'['.repeat(128)}${']'.repeat(128)}`)).toBeUndefined();
    expect(formatRyu(123456.75)).toBe('123456.75');
    expect(formatRyu(1e16)).toBe('1e16');
    expect(formatRyu(1234e-8)).toBe('0.00001234');
    expect(formatRyu(1.5e-300)).toBe('1.5e-300');
    expect(compareUtf8('\uffff', '\ud83c\udf0a')).toBeLessThan(0);
  });

  const ws = fc.constantFrom('', ' ', '\n', '\t ', '\r\n');
  const numberText = fc.oneof(
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.constantFrom(
      '1.0',
      '1e30',
      '-0',
      '-0.0',
      '1E+2',
      '0.1e-7',
      '1e400',
      '-1e-400',
      '9223372036854775808',
      '-9223372036854775809',
    ),
  );
  const stringText = fc.oneof(
    fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
    fc.string({ unit: 'binary', maxLength: 8 }).map((s) => JSON.stringify(s)),
    fc.constantFrom(
      '"a"',
      '"b"',
      '"A"',
      '"é"',
      '"\\u00e9"',
      '"\\ud83c\\udf0a"',
      '"\\/"',
      '"\\ud800"',
      '"a\\"b"',
      '"\ud83c\udf0a"',
      '"\uffff"',
    ),
  );
  const json = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('null', 'true', 'false'),
      numberText,
      stringText,
      tie('array'),
      tie('object'),
    ),
    array: fc
      .tuple(fc.array(fc.tuple(ws, tie('value'), ws), { maxLength: 4 }), ws)
      .map(([items, pad]) => `[${items.map(([a, v, b]) => a + v + b).join(',') || pad}]`),
    object: fc
      .tuple(fc.array(fc.tuple(ws, stringText, ws, tie('value')), { maxLength: 4 }), ws)
      .map(([members, pad]) => `{${members.map(([a, k, b, v]) => `${a}${k}${b}:${v}`).join(',') || pad}}`),
  }));

  it('the single pass gives exactly what the tree-based clone gives (fast-check)', () => {
    fc.assert(
      fc.property(json.value, ws, ws, (text, before, after) => {
        const padded = before + text + after;
        expect(reserializeLikeSerde(padded)).toBe(reference(padded));
      }),
      { numRuns: 2000 },
    );
  });

  it('and on damaged JSON (fast-check)', () => {
    fc.assert(
      fc.property(json.value, fc.nat(), fc.string({ maxLength: 2 }), (text, at, insert) => {
        const i = at % (text.length + 1);
        const damaged = text.slice(0, i) + insert + text.slice(i + 1);
        expect(reserializeLikeSerde(damaged)).toBe(reference(damaged));
      }),
      { numRuns: 2000 },
    );
  });
});
