/**
 * CRC-16/CDMA2000: width 16, poly 0xC867, init 0xFFFF, no reflection, xorout 0.
 * Check value: `"123456789"` -> 0x4C06.
 *
 * The implementation is "slicing-by-16": sixteen 256-entry tables let the loop fold sixteen input bytes per
 * step with independent lookups, several times faster than the classic byte-at-a-time table loop.
 *
 * @module
 */

/** Initial register value of CRC-16/CDMA2000 (also the CRC of empty input). */
export const CRC16_INIT = 0xffff;

const POLY = 0xc867;
const SLICES = 16;

/** TABLES[k * 256 + b] = register contribution of byte `b` followed by `k` zero bytes. */
const TABLES = buildTables();

function buildTables(): Uint16Array {
  const t = new Uint16Array(256 * SLICES);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ POLY) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  for (let k = 1; k < SLICES; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(k - 1) * 256 + i] as number;
      t[k * 256 + i] = ((prev << 8) & 0xffff) ^ (t[prev >> 8] as number);
    }
  }
  return t;
}

/**
 * Feeds `bytes[start, end)` into a CRC-16/CDMA2000 register and returns the new register. Start with
 * {@link CRC16_INIT}; feeding data in pieces gives the same result as feeding it at once.
 *
 * @example
 * ```ts
 * let crc = CRC16_INIT;
 * crc = crc16Update(crc, encodeUtf8('123456789'));
 * crc === 0x4c06; // true
 * ```
 */
export function crc16Update(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLES;
  let c = crc & 0xffff;
  let i = start;
  const blockEnd = start + ((end - start) & ~(SLICES - 1));
  while (i < blockEnd) {
    c =
      (t[15 * 256 + ((bytes[i] as number) ^ (c >> 8))] as number) ^
      (t[14 * 256 + ((bytes[i + 1] as number) ^ (c & 0xff))] as number) ^
      (t[13 * 256 + (bytes[i + 2] as number)] as number) ^
      (t[12 * 256 + (bytes[i + 3] as number)] as number) ^
      (t[11 * 256 + (bytes[i + 4] as number)] as number) ^
      (t[10 * 256 + (bytes[i + 5] as number)] as number) ^
      (t[9 * 256 + (bytes[i + 6] as number)] as number) ^
      (t[8 * 256 + (bytes[i + 7] as number)] as number) ^
      (t[7 * 256 + (bytes[i + 8] as number)] as number) ^
      (t[6 * 256 + (bytes[i + 9] as number)] as number) ^
      (t[5 * 256 + (bytes[i + 10] as number)] as number) ^
      (t[4 * 256 + (bytes[i + 11] as number)] as number) ^
      (t[3 * 256 + (bytes[i + 12] as number)] as number) ^
      (t[2 * 256 + (bytes[i + 13] as number)] as number) ^
      (t[256 + (bytes[i + 14] as number)] as number) ^
      (t[bytes[i + 15] as number] as number);
    i += 16;
  }
  while (i < end) {
    c = (t[((c >> 8) ^ (bytes[i] as number)) & 0xff] as number) ^ ((c << 8) & 0xffff);
    i++;
  }
  return c;
}

/**
 * CRC-16/CDMA2000 of `bytes[start, end)` in one call.
 *
 * @example
 * ```ts
 * crc16(new TextEncoder().encode('123456789')); // 0x4c06
 * ```
 */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc16Update(CRC16_INIT, bytes, start, end);
}

/**
 * Feeds the two big-endian bytes of a 16-bit value into a register: the step of SeaStreamer's running
 * checksum, which chains each message's stored checksum.
 */
export function crc16UpdateU16(crc: number, value: number): number {
  const t = TABLES;
  let c = crc & 0xffff;
  c = (t[((c >> 8) ^ (value >> 8)) & 0xff] as number) ^ ((c << 8) & 0xffff);
  c = (t[((c >> 8) ^ value) & 0xff] as number) ^ ((c << 8) & 0xffff);
  return c;
}
