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

  it('every chunking gives the same lines', () => {
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        async (texts, chunkSize, crlf) => {
          const clean = texts.map((t) => t.replace(/[\r\n]/g, ''));
          const bytes = enc.encode(clean.map((t) => t + (crlf ? '\r\n' : '\n')).join(''));
          const lines = await collect(bytes, chunkSize);
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
