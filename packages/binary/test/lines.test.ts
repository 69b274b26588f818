import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBytes, jsonNestingDepth, readLines, type TextLine } from '../src/index.js';

const enc = new TextEncoder();

async function collect(bytes: Uint8Array, chunkSize = 64 * 1024, maxLineBytes?: number): Promise<TextLine[]> {
  const out: TextLine[] = [];
  for await (const line of readLines(fromBytes(bytes, { chunkSize }), { maxLineBytes })) out.push(line);
  return out;
}

describe('readLines', () => {
  it('gives text, 1-based line numbers and byte offsets; CRLF and a missing final newline', async () => {
    const lines = await collect(enc.encode('a\r\nbé\n\nlast'));
    expect(lines).toEqual([
      { text: 'a', line: 1, offset: 0 },
      { text: 'bé', line: 2, offset: 3 },
      { text: '', line: 3, offset: 7 },
      { text: 'last', line: 4, offset: 8 },
    ]);
  });

  it('skips a UTF-8 BOM at the start only', async () => {
    const lines = await collect(enc.encode('\uFEFF{"a":1}\n\uFEFFx\n'));
    expect(lines[0]).toEqual({ text: '{"a":1}', line: 1, offset: 3 });
    expect(lines[1]?.text).toBe('\uFEFFx');
  });

  it('skips a BOM however the chunks cut it (found by pnpm fuzz: a BOM split over the first chunks stayed in line 1)', async () => {
    for (const text of ['\uFEFF{"a":1}\nb\n', '\uFEFFk', '\uFEFF', '\u00EF']) {
      const bytes = enc.encode(text);
      const whole = await collect(bytes);
      for (let chunkSize = 1; chunkSize <= 4; chunkSize++) expect(await collect(bytes, chunkSize)).toEqual(whole);
    }
    expect(await collect(enc.encode('\uFEFFk'), 1)).toEqual([{ text: 'k', line: 1, offset: 3 }]);
    // A BOM's start only: not UTF-8, refused at the same offset however it is chunked.
    for (const chunkSize of [1, 2, 3]) {
      await expect(collect(Uint8Array.of(0xef, 0xbb), chunkSize)).rejects.toMatchObject({
        code: 'INVALID_UTF8',
        offset: 0,
      });
    }
  });

  it('every chunking gives the same lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        fc.boolean(),
        async (texts, chunkSize, crlf, bom) => {
          const clean = texts.map((t) => t.replace(/[\r\n]/g, ''));
          const bytes = enc.encode((bom ? '\uFEFF' : '') + clean.map((t) => t + (crlf ? '\r\n' : '\n')).join(''));
          const lines = await collect(bytes, chunkSize);
          expect(lines).toEqual(await collect(bytes));
          expect(lines.map((l) => l.text)).toEqual(clean);
          for (const l of lines) {
            expect(new TextDecoder().decode(bytes.subarray(l.offset, l.offset + enc.encode(l.text).length))).toBe(
              l.text,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses an over-long line and invalid UTF-8 with the line offset', async () => {
    await expect(collect(enc.encode('ok\n0123456789\n'), 4, 8)).rejects.toMatchObject({
      code: 'OUT_OF_RANGE',
      offset: 3,
    });
    await expect(collect(new Uint8Array([0x61, 0x0a, 0xff, 0x0a]))).rejects.toMatchObject({
      code: 'INVALID_UTF8',
      offset: 2,
    });
  });
});

describe('jsonNestingDepth', () => {
  it('counts nesting outside strings and stops past the limit', () => {
    expect(jsonNestingDepth('{"a":[1,{"b":"[[[[\\"]]"}]}')).toBe(3);
    expect(jsonNestingDepth('1')).toBe(0);
    expect(jsonNestingDepth('['.repeat(100000), 256)).toBe(-1);
  });
});
