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
    expect(measureItem(fromHex('9affffffff00'), 0)).toEqual({ kind: 'truncated', offset: 0 });
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
