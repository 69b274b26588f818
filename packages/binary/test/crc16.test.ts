import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Update } from '../src/crc16.js';
import { CRC16_INIT, crc16, crc16UpdateU16, encodeUtf8 } from '../src/index.js';

/** Bitwise reference implementation straight from the parameters (poly 0xC867, init 0xFFFF, MSB first). */
function bitwise(bytes: Uint8Array, init = 0xffff): number {
  let crc = init;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0xc867) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe('CRC-16/CDMA2000', () => {
  it('gives the catalogue check values', () => {
    expect(crc16(encodeUtf8('123456789'))).toBe(0x4c06);
    expect(crc16(encodeUtf8('hello, world'))).toBe(0x8028);
    expect(crc16(encodeUtf8('123456789abcd'))).toBe(0xa106);
    expect(crc16(new Uint8Array(0))).toBe(0xffff);
    expect(crc16Update(crc16(encodeUtf8('123456789')), encodeUtf8('abcd'))).toBe(0xa106);
  });

  it('matches the bitwise definition for random inputs of every length (tail and block paths)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc16(bytes)).toBe(bitwise(bytes));
      }),
    );
  });

  it('incremental updates over random splits equal the one-shot value', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 500 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (bytes, cuts) => {
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          let crc = CRC16_INIT;
          let from = 0;
          for (const p of [...points, bytes.length]) {
            crc = crc16Update(crc, bytes, from, p);
            from = p;
          }
          expect(crc).toBe(crc16(bytes));
          // subarray views give the same answer as start/end arguments
          if (points.length > 0) {
            const p = points[0] as number;
            expect(crc16Update(crc16(bytes.subarray(0, p)), bytes.subarray(p))).toBe(crc16(bytes));
          }
        },
      ),
    );
  });

  it('crc16UpdateU16 feeds a value big-endian', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (reg, value) => {
        expect(crc16UpdateU16(reg, value)).toBe(bitwise(new Uint8Array([value >> 8, value & 0xff]), reg));
      }),
    );
  });
});
