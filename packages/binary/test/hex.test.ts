import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryError, fromHex, hexdump, hexdumpLines, toHex } from '../src/index.js';

describe('hex', () => {
  it('round-trips any bytes and agrees with Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toBe(Buffer.from(bytes).toString('hex'));
        expect(fromHex(hex)).toEqual(bytes);
        expect(fromHex(hex.toUpperCase())).toEqual(bytes);
      }),
    );
  });

  it('ignores whitespace and reports bad input with the character index', () => {
    expect(fromHex('53 73\n01')).toEqual(new Uint8Array([0x53, 0x73, 0x01]));
    const err = (() => {
      try {
        fromHex('53 7g');
      } catch (e) {
        return e;
      }
    })();
    expect(BinaryError.is(err) && err.code === 'INVALID_HEX' && err.offset).toBe(4);
    expect(() => fromHex('abc')).toThrowError(expect.objectContaining({ code: 'INVALID_HEX', offset: 2 }));
    expect(() => fromHex('é0')).toThrowError(expect.objectContaining({ code: 'INVALID_HEX', offset: 0 }));
  });

  it('toHex takes a range', () => {
    expect(toHex(new Uint8Array([1, 2, 3, 4]), 1, 3)).toBe('0203');
  });
});

describe('hexdump', () => {
  it('prints offset, grouped hex and ASCII columns like hexdump -C', () => {
    const bytes = new TextEncoder().encode('Ss\u0001hello world, this is a test');
    expect(hexdump(bytes)).toBe(
      '00000000  53 73 01 68 65 6c 6c 6f  20 77 6f 72 6c 64 2c 20  |Ss.hello world, |\n' +
        '00000010  74 68 69 73 20 69 73 20  61 20 74 65 73 74        |this is a test|\n',
    );
  });

  it('honours base offset, start, length and width', () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => i + 0x40);
    const lines = hexdumpLines(bytes, { baseOffset: 0x1000, start: 4, length: 10, width: 8 });
    expect(lines.map((l) => l.offset)).toEqual([0x1004, 0x100c]);
    expect(lines[0]?.hex).toBe('44 45 46 47 48 49 4a 4b');
    expect(lines[1]?.ascii).toBe('LM');
    expect(hexdump(bytes, { start: 38, baseOffset: 0x10, offsetDigits: 4 })).toBe(
      `0036  66 67${' '.repeat(43)}  |fg|\n`,
    );
  });

  it('shows non-printable bytes as dots', () => {
    expect(hexdumpLines(new Uint8Array([0, 0x7f, 0x80, 0xff, 0x20]))[0]?.ascii).toBe('.... ');
  });
});
