import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIsoTimestamp, formatRustTimestamp, timestampToDate } from '../src/index.js';

const DATE_LIMIT = 8_640_000_000_000_000;

describe('formatIsoTimestamp', () => {
  it('equals Date.prototype.toISOString for any value a Date holds, in any call order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -DATE_LIMIT, max: DATE_LIMIT }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 3000 }),
        (values, step) => {
          // random values, then runs inside one second and across second boundaries (the cached path)
          for (const base of values) {
            for (const ms of [base, base + step, base - step, base + 1, base - 1]) {
              if (ms > DATE_LIMIT || ms < -DATE_LIMIT) continue;
              expect(formatIsoTimestamp(BigInt(ms))).toBe(new Date(ms).toISOString());
            }
          }
        },
      ),
    );
  });

  it('covers the edges: the epoch, negative times, extended years and values no Date holds', () => {
    for (const ms of [0, -1, 999, 1000, -1000, -1001, 253402300799999, 253402300800000, DATE_LIMIT, -DATE_LIMIT]) {
      expect(formatIsoTimestamp(BigInt(ms))).toBe(new Date(ms).toISOString());
    }
    expect(formatIsoTimestamp(BigInt(DATE_LIMIT) + 1n)).toBe('8640000000000001 ms');
    expect(formatIsoTimestamp(2n ** 64n - 1n)).toBe('18446744073709551615 ms');
    expect(timestampToDate(2n ** 64n - 1n)).toBeUndefined();
  });

  it('formats the Rust style with trimmed milliseconds (spec 11.1)', () => {
    expect(formatRustTimestamp(1691686154745n)).toBe('2023-08-10T16:49:14.745');
    expect(formatRustTimestamp(1700000000000n)).toBe('2023-11-14T22:13:20.0');
    expect(formatRustTimestamp(1700000000100n)).toBe('2023-11-14T22:13:20.1');
    expect(formatRustTimestamp(1700000000010n)).toBe('2023-11-14T22:13:20.01');
    expect(formatRustTimestamp(1700000000870n)).toBe('2023-11-14T22:13:20.87');
  });
});
