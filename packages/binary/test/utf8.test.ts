import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPrintableText, isValidUtf8 } from '../src/index.js';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('isPrintableText: the payload-as-text rule of the CLI and the viewer', () => {
  it('accepts text with tab, newline and carriage return, and the empty payload', () => {
    expect(isPrintableText(utf8('hello'))).toBe(true);
    expect(isPrintableText(utf8('a\tb\r\nc\n'))).toBe(true);
    expect(isPrintableText(utf8('grüße, 日本, 🎉'))).toBe(true);
    expect(isPrintableText(new Uint8Array(0))).toBe(true);
  });

  it('refuses other C0 controls, DEL and C1 controls', () => {
    expect(isPrintableText(bytes(0x68, 0x00))).toBe(false);
    expect(isPrintableText(utf8('\u001b[2J'))).toBe(false);
    expect(isPrintableText(utf8('a\u007f'))).toBe(false);
    expect(isPrintableText(utf8('a\u0085b'))).toBe(false); // NEL, C1
    expect(isPrintableText(utf8('a\u00a0b'))).toBe(true); // NBSP is printable
  });

  it('refuses malformed UTF-8 (cut sequence, overlong, surrogate)', () => {
    expect(isPrintableText(bytes(0x68, 0xc3))).toBe(false);
    expect(isPrintableText(bytes(0xc0, 0xaf))).toBe(false);
    expect(isPrintableText(bytes(0xed, 0xa0, 0x80))).toBe(false);
  });

  it('agrees with a definition from code points, on random bytes and random strings', () => {
    const reference = (b: Uint8Array): boolean => {
      if (!isValidUtf8(b)) return false;
      for (const ch of new TextDecoder().decode(b)) {
        const cp = ch.codePointAt(0) as number;
        if ((cp < 0x20 && cp !== 9 && cp !== 10 && cp !== 13) || (cp >= 0x7f && cp <= 0x9f)) return false;
      }
      return true;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), (b) => isPrintableText(b) === reference(b)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 32 }), (s) => isPrintableText(utf8(s)) === reference(utf8(s))),
      { numRuns: 2000 },
    );
  });
});
