import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, toU64, U64_MAX } from '../src/index.js';

describe('sha256Hex', () => {
  it('matches node:crypto around every block edge', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 70_000]) {
      const data = new Uint8Array(length).map((_, i) => (i * 31 + 7) & 0xff);
      expect(sha256Hex(data)).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });

  it('matches node:crypto on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(sha256Hex(data)).toBe(createHash('sha256').update(data).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});

describe('u64 helpers', () => {
  it('toU64 accepts bigints in range and safe non-negative integers', () => {
    expect(toU64(0, 'x')).toBe(0n);
    expect(toU64(U64_MAX, 'x')).toBe(U64_MAX);
    expect(toU64(Number.MAX_SAFE_INTEGER, 'x')).toBe(9007199254740991n);
  });

  it('toU64 refuses everything else with INVALID_ARGUMENT naming the argument', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -1n, U64_MAX + 1n, '5', null]) {
      expect(() => toU64(bad, 'seqNo')).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('seqNo') }),
      );
    }
  });
});
