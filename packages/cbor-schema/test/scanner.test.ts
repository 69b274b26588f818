import { encode as cborgEncode } from 'cborg';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeAny, measureItem, SCAN_MALFORMED, SCAN_TRUNCATED, scanItem } from '../src/index.js';
import { concat, fromHex, plainEncoder } from './helpers.js';

const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.double(),
    fc.string(),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('scanItem', () => {
  it('measures items encoded by an independent library (cborg) and by cbor-x', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        for (const bytes of [cborgEncode(value), plainEncoder.encode(value), encodeAny(value)]) {
          const b = new Uint8Array(bytes);
          const padded = concat(b, new Uint8Array([0x01, 0x02]));
          expect(scanItem(padded, 0)).toBe(b.length);
          // Every proper prefix is truncated, never malformed.
          for (let cut = 0; cut < b.length; cut++) expect(scanItem(b, 0, cut)).toBe(SCAN_TRUNCATED);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('handles indefinite-length items, nested in definite ones and vice versa', () => {
    const cases: [string, number][] = [
      ['9f01820203ff', 6],
      ['9f9f01ffa1616101ff', 9],
      ['bf616101616282009fffff', 11],
      ['5f4101420203ff', 7],
      ['7f6161626263ff', 7],
      ['82 9f ff 9f 01 ff', 6],
      ['a1 61 61 bf 61 62 9f 80 ff ff', 10],
      ['d8 18 9f 01 ff', 5],
      ['c1 1a 5f 00 00 00', 6],
    ];
    for (const [text, length] of cases) {
      const bytes = fromHex(text);
      expect(scanItem(bytes, 0), text).toBe(length);
      expect(measureItem(concat(new Uint8Array(3), bytes), 3)).toEqual({ kind: 'item', offset: 3, length });
      for (let cut = 0; cut < length; cut++) expect(scanItem(bytes, 0, cut), `${text} cut ${cut}`).toBe(SCAN_TRUNCATED);
    }
  });

  it('reports malformed structure with a reason and the offending offset', () => {
    const cases: [string, RegExp, number][] = [
      ['1c', /reserved additional information 28/, 0],
      ['821d01', /reserved additional information 29/, 1],
      ['ff', /break/, 0],
      ['8201ff', /break/, 2],
      ['1f', /indefinite-length integer/, 0],
      ['3f', /indefinite-length integer/, 0],
      ['df01', /indefinite-length tag/, 0],
      ['bf6161ff', /odd number/, 3],
      ['5f6161ff', /chunk of another kind/, 1],
      ['7f7fffff', /chunk of another kind/, 1],
      ['f810', /simple value 16/, 0],
      ['9fc1ff', /break byte after a tag/, 2],
    ];
    for (const [text, reason, at] of cases) {
      const bytes = fromHex(text);
      expect(scanItem(bytes, 0), text).toBe(SCAN_MALFORMED);
      const m = measureItem(bytes, 0);
      expect(m.kind, text).toBe('malformed');
      if (m.kind === 'malformed') {
        expect(m.reason, text).toMatch(reason);
        expect(m.at, text).toBe(at);
      }
    }
  });

  it('treats huge declared lengths as truncated without allocating', () => {
    for (const text of [
      '5bffffffffffffffff',
      '7b0000001000000000',
      '9b00ffffffffffffff',
      'bb7fffffffffffffff',
      '5a7fffffff',
    ]) {
      expect(scanItem(fromHex(text), 0), text).toBe(SCAN_TRUNCATED);
    }
    expect(measureItem(fromHex('9affffffff00'), 0)).toEqual({ kind: 'truncated', offset: 0, needed: 5 + 0xffffffff });
  });

  it('never throws and never reads past end on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (bytes, start) => {
        const offset = bytes.length === 0 ? 0 : start % bytes.length;
        const r = scanItem(bytes, offset);
        expect(r === SCAN_TRUNCATED || r === SCAN_MALFORMED || (r >= 1 && offset + r <= bytes.length)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('needed (lower bound of a cut item)', () => {
  it('is a lower bound of the item length, above the bytes available, for every prefix', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        const b = new Uint8Array(encodeAny(value));
        const shifted = concat(new Uint8Array([0x00, 0x00, 0x00]), b);
        for (let cut = 0; cut < b.length; cut++) {
          expect(scanItem(shifted, 3, 3 + cut)).toBe(SCAN_TRUNCATED);
          const measured = measureItem(shifted, 3, 3 + cut);
          if (measured.kind !== 'truncated') throw new Error(`expected truncated, got ${measured.kind}`);
          expect(measured.needed).toBeGreaterThan(cut);
          expect(measured.needed).toBeLessThanOrEqual(b.length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives the declared end of a cut string, head or container', () => {
    const cases: [string, number, number][] = [
      ['', 0, 1], // nothing: at least the initial byte
      ['19', 1, 3], // 2-byte argument head cut
      ['1b0000', 3, 9], // 8-byte argument head cut
      ['5a00100000aa', 6, 5 + 0x100000], // bytes(1 MiB) with 1 byte present: the whole string
      ['a3616101', 4, 8], // map(3), one pair present: at least one byte per missing key and value
      ['8201', 2, 3], // array(2), 1 element present
      ['82016568656c', 6, 8], // array(2) with a cut text(5): the text's end
      ['9f6568', 3, 7], // indefinite array, cut text(5)
      ['7f6161', 3, 4], // indefinite text, chunk complete, break missing
      ['1bffffffffffffffff', 9, 9], // complete (not truncated)
    ];
    for (const [hex, available, needed] of cases) {
      const bytes = fromHex(hex);
      const result = scanItem(bytes, 0, available);
      if (available === needed) {
        expect(result).toBe(needed);
        continue;
      }
      expect(result, hex).toBe(SCAN_TRUNCATED);
      expect(measureItem(bytes, 0, available), hex).toEqual({ kind: 'truncated', offset: 0, needed });
    }
  });

  it('refuses an oversized 8-byte declared length at once', () => {
    expect(scanItem(fromHex('5bffffffffffffffff00'), 0)).toBe(SCAN_TRUNCATED);
    const measured = measureItem(fromHex('5bffffffffffffffff00'), 0);
    expect(measured.kind === 'truncated' && measured.needed).toBeGreaterThan(2 ** 52);
  });
});

describe('scanItem lenient', () => {
  it('sizes the three delimitable non-well-formed forms only when asked', () => {
    const cases: [string, number][] = [
      ['f810', 2], // two-byte simple value below 32
      ['82f81001', 4],
      ['bf6161ff', 4], // indefinite map, odd count
      ['9fc1ff', 3], // break right after a tag closes the array
      ['829fc1ff01', 5],
    ];
    for (const [hex, length] of cases) {
      const bytes = fromHex(hex);
      expect(scanItem(bytes, 0), hex).toBe(SCAN_MALFORMED);
      expect(scanItem(bytes, 0, bytes.length, true), hex).toBe(length);
      expect(measureItem(bytes, 0, bytes.length, true)).toEqual({ kind: 'item', offset: 0, length });
    }
  });

  it('still refuses what loses the boundary', () => {
    for (const hex of ['ff', '1c', '1f', 'df01', '5f01ff', '8201ff', 'c1ff']) {
      expect(scanItem(fromHex(hex), 0, undefined, true), hex).toBe(SCAN_MALFORMED);
    }
  });

  it('agrees with the strict scanner on well-formed items and prefixes', () => {
    fc.assert(
      fc.property(jsonish, (value) => {
        const b = new Uint8Array(encodeAny(value));
        expect(scanItem(b, 0, b.length, true)).toBe(b.length);
        for (let cut = 0; cut < b.length; cut++) {
          expect(scanItem(b, 0, cut, true)).toBe(SCAN_TRUNCATED);
        }
      }),
      { numRuns: 100 },
    );
  });
});
