import { readdirSync, readFileSync } from 'node:fs';
import { createMemorySink } from '@x/binary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRustTimestamp, openSeaStreamerReader, readSeaStreamer, writeSeaStreamer } from '../src/index.js';
import {
  compareUtf8,
  createSsDecodeWriter,
  formatRyu,
  ndjsonPayload,
  reserializeLikeSerde,
} from '../src/ss-decode/index.js';
import { isUtf8 } from '../src/ss-decode/output.js';
import { reserializeBytes } from '../src/ss-decode/serde-bytes.js';
import { readFixture, seastreamerDir, skipCorpus } from './helpers.js';
import { reserializeLikeSerde as reference } from './serde-reference.js';

/** Renders a whole file as the reference decoder prints it. */
async function render(bytes: Uint8Array, format: 'log' | 'ndjson', headerOnly = false): Promise<string> {
  const reader = await openSeaStreamerReader(bytes, { beacons: true, strict: true });
  const sink = createMemorySink();
  const out = createSsDecodeWriter(sink, { format, headerOnly });
  out.header(reader.header);
  for await (const record of reader) {
    out.record(record);
    if (out.ended) break;
  }
  await reader.close();
  await out.finish();
  return new TextDecoder().decode(sink.toBytes());
}

describe.skipIf(skipCorpus)('the reference decoder output, byte for byte', () => {
  const golden = !skipCorpus
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

  it('filters messages without moving the beacon lines, stops after EOS, counts what it printed', async () => {
    const sink = createMemorySink();
    const renderer = createSsDecodeWriter(sink, { format: 'ndjson', headerOnly: true });
    const bytes = writeSeaStreamer(
      [
        { streamKey: 'a', seqNo: 1n, timestamp: 5n, payload: 'x' },
        { streamKey: 'b', seqNo: 2n, timestamp: 6n, payload: 'y' },
      ],
      { fileName: 'f.ss', beaconInterval: 128, eos: 7n },
    );
    const { messages } = readSeaStreamer(bytes);
    for (const m of [...messages, ...messages]) renderer.record(m, m.streamKey !== 'b');
    await renderer.finish();
    const out = new TextDecoder().decode(sink.toBytes());
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

  it('Rust timestamps of the writer equal formatRustTimestamp, in any order (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: -5n, max: 253402300800005n }), { minLength: 1, maxLength: 30 }),
        async (values) => {
          const sink = createMemorySink();
          const writer = createSsDecodeWriter(sink, { format: 'log', headerOnly: true });
          for (const t of values) writer.header({ fileName: '', createdAt: t, beaconInterval: 128 });
          await writer.finish();
          const expected = values.map(
            (t) => `# {"file_name":"","created_at":"${formatRustTimestamp(t)}","beacon_interval":128}\n`,
          );
          expect(new TextDecoder().decode(sink.toBytes())).toBe(expected.join(''));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a limit: flush() writes what is done without the message held back', async () => {
    const bytes = writeSeaStreamer(
      [1n, 2n, 3n].map((seqNo) => ({ streamKey: 'k', seqNo, timestamp: 5n, payload: '{"a":1}' })),
      { fileName: 'l.ss', beaconInterval: 1024 },
    );
    const sink = createMemorySink();
    const writer = createSsDecodeWriter(sink, { format: 'ndjson' });
    const { messages } = readSeaStreamer(bytes);
    writer.record(messages[0]!);
    writer.record(messages[1]!); // writes the first, holds the second
    await writer.flush();
    expect(new TextDecoder().decode(sink.toBytes())).toBe(
      '{"header":{"stream_key":"k","shard_id":0,"sequence":1,"timestamp":"1970-01-01T00:00:00.005"},"payload":{"a":1}}\n',
    );
    expect(writer.printed).toBe(1);
  });
});

describe('payload checks', () => {
  it('a payload is text exactly when it is valid UTF-8, wherever its first non-ASCII byte sits (fast-check)', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const valid = (p: Uint8Array) => {
      try {
        fatal.decode(p);
        return true;
      } catch {
        return false;
      }
    };
    const ascii = fc.array(fc.integer({ min: 0, max: 0x7f }), { maxLength: 60, size: 'max' });
    const tail = fc.oneof(
      fc.array(fc.integer({ min: 0, max: 0xff }), { maxLength: 4 }), // anything, mostly broken
      fc.string({ unit: 'binary', maxLength: 3 }).map((t) => [...new TextEncoder().encode(t)]), // valid text
    );
    let invalid = 0;
    fc.assert(
      fc.property(ascii, tail, ascii, fc.integer({ min: 0, max: 7 }), (head, middle, rest, shift) => {
        const bytes = [...head, ...middle, ...rest];
        const p = new Uint8Array(shift + bytes.length).subarray(shift);
        p.set(bytes);
        if (!valid(p)) invalid++;
        expect(isUtf8(p)).toBe(valid(p));
      }),
      { numRuns: 3000 },
    );
    expect(invalid).toBeGreaterThan(300); // both answers are exercised
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
    expect(reserializeLikeSerde(`${'['.repeat(127)}${']'.repeat(127)}`)).toBe(`${'['.repeat(127)}${']'.repeat(127)}`);
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

  /** The bytes path's output for a text, or undefined when it leaves the text to the string path. */
  function viaBytes(text: string): string | undefined {
    const p = new TextEncoder().encode(text);
    const dest = new Uint8Array(2 * p.length + 8).fill(0x3f); // the room reserializeBytes asks for
    const end = reserializeBytes(p, dest, 3);
    return end < 0 ? undefined : new TextDecoder().decode(dest.subarray(3, end));
  }

  it('the bytes path prints exactly what the text path prints, whenever it takes a payload (fast-check)', () => {
    let taken = 0;
    fc.assert(
      fc.property(json.value, ws, ws, (text, before, after) => {
        const out = viaBytes(before + text + after);
        if (out === undefined) return;
        taken++;
        expect(out).toBe(reference(before + text + after));
      }),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(300); // the property is not vacuous
    for (const [text, expected] of [
      ['{"data":"x"}', '{"data":"x"}'],
      ['{"stream":"q","seq":1,"data":"x"}', '{"data":"x","seq":1,"stream":"q"}'],
      [' { "b" : [ 1 , { "z" : null , "a" : true } ] , "a" : -5 } ', '{"a":-5,"b":[1,{"a":true,"z":null}]}'],
      ['{"a":1,"a":2,"a!":3}', '{"a":2,"a!":3}'],
      ['{"a!":1,"a":2}', '{"a":2,"a!":1}'],
      ['1.0', undefined],
      ['-0', undefined],
      ['"\\n"', undefined],
      ['"é"', undefined],
      ['12345678901234567890', undefined],
      ['{"a":1', undefined],
      ['[1,]', undefined],
    ] as const) {
      expect([text, viaBytes(text)]).toEqual([text, expected]);
      if (expected !== undefined) expect(reference(text)).toBe(expected);
    }
  });

  it('copies a long string only when no byte of it needs the text path, wherever it sits in memory (fast-check)', () => {
    // Strings longer than a few words are checked four bytes at a time: every position of a byte the copy
    // cannot hold (a backslash, a control character, a non-ASCII byte), at every alignment of the payload.
    const plain = fc.integer({ min: 0x20, max: 0x7e }).filter((b) => b !== 0x22 && b !== 0x5c);
    const bad = fc.oneof(fc.constant(0x5c), fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x80, max: 0xff }));
    fc.assert(
      fc.property(
        fc.array(plain, { maxLength: 80, size: 'max' }),
        fc.option(fc.tuple(bad, fc.nat())), // at most one such byte, anywhere
        fc.integer({ min: 0, max: 7 }),
        (clean, spoiler, shift) => {
          const inside = [...clean];
          if (spoiler !== null) inside.splice(spoiler[1] % (clean.length + 1), 0, spoiler[0]);
          const backing = new Uint8Array(shift + inside.length + 2);
          const p = backing.subarray(shift);
          p.set([0x22, ...inside, 0x22]);
          const dest = new Uint8Array(2 * p.length + 8);
          const end = reserializeBytes(p, dest, 1);
          expect(end).toBe(spoiler === null ? 1 + p.length : -1);
          if (spoiler === null) expect([...dest.subarray(1, end)]).toEqual([...p]);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('and on damaged JSON: where the bytes path takes it, the same output (fast-check)', () => {
    fc.assert(
      fc.property(json.value, fc.nat(), fc.string({ maxLength: 2 }), (text, at, insert) => {
        const i = at % (text.length + 1);
        const damaged = text.slice(0, i) + insert + text.slice(i + 1);
        const out = viaBytes(damaged);
        if (out !== undefined) expect(out).toBe(reference(damaged));
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
