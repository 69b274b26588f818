import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryError, ByteReader, ByteWriter } from '../src/index.js';

type Width = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f32' | 'f64';
const SIZES: Record<Width, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8, f32: 4, f64: 8 };

const arbitraries = {
  u8: fc.integer({ min: 0, max: 0xff }),
  i8: fc.integer({ min: -0x80, max: 0x7f }),
  u16: fc.integer({ min: 0, max: 0xffff }),
  i16: fc.integer({ min: -0x8000, max: 0x7fff }),
  u32: fc.integer({ min: 0, max: 0xffff_ffff }),
  i32: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
  u64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  i64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  f32: fc.float({ noNaN: true }),
  f64: fc.double({ noNaN: true }),
};

const field = fc.oneof(
  ...(Object.keys(arbitraries) as Width[]).map((width) =>
    fc.record({
      width: fc.constant(width),
      value: arbitraries[width] as fc.Arbitrary<number | bigint>,
      le: fc.boolean(),
    }),
  ),
);

function write(writer: ByteWriter, width: Width, value: number | bigint, le: boolean): void {
  switch (width) {
    case 'u8':
      writer.u8(value as number);
      break;
    case 'i8':
      writer.i8(value as number);
      break;
    case 'u64':
    case 'i64':
      writer[width](value as bigint, le);
      break;
    default:
      writer[width](value as number, le);
  }
}

function read(reader: ByteReader, width: Width, le: boolean): number | bigint {
  switch (width) {
    case 'u8':
      return reader.u8();
    case 'i8':
      return reader.i8();
    default:
      return reader[width](le);
  }
}

describe('ByteReader / ByteWriter round trips', () => {
  it('round-trips random sequences of every width and byte order', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 40 }), (fields) => {
        const writer = new ByteWriter({ initialCapacity: 16 });
        for (const f of fields) write(writer, f.width, f.value, f.le);
        const bytes = writer.finish();
        expect(bytes.length).toBe(fields.reduce((n, f) => n + SIZES[f.width], 0));
        const reader = new ByteReader(bytes);
        for (const f of fields) {
          const got = read(reader, f.width, f.le);
          if (f.width === 'f32') expect(got).toBe(Math.fround(f.value as number));
          else expect(Object.is(got, f.value) || got === f.value).toBe(true);
        }
        expect(reader.atEnd).toBe(true);
      }),
    );
  });

  it('handles the extremes exactly, in both byte orders', () => {
    const cases: [Width, number | bigint, string, string][] = [
      ['u64', 2n ** 64n - 1n, 'ffffffffffffffff', 'ffffffffffffffff'],
      ['u64', 1n, '0000000000000001', '0100000000000000'],
      ['i64', -1n, 'ffffffffffffffff', 'ffffffffffffffff'],
      ['i64', -(2n ** 63n), '8000000000000000', '0000000000000080'],
      ['i32', -2, 'fffffffe', 'feffffff'],
      ['i16', -32768, '8000', '0080'],
      ['u32', 0xdeadbeef, 'deadbeef', 'efbeadde'],
      ['u16', 0x1234, '1234', '3412'],
      ['i8', -128, '80', '80'],
    ];
    for (const [width, value, be, le] of cases) {
      for (const [little, hex] of [
        [false, be],
        [true, le],
      ] as const) {
        const writer = new ByteWriter();
        write(writer, width, value, little);
        const bytes = writer.finish();
        expect(Buffer.from(bytes).toString('hex')).toBe(hex);
        expect(read(new ByteReader(bytes), width, little)).toBe(value);
      }
    }
  });

  it('reads u64 as a safe number and refuses values above 2^53-1 without moving', () => {
    const writer = new ByteWriter();
    writer
      .u64(2n ** 53n - 1n)
      .u64(2n ** 53n)
      .u64(2n ** 53n - 1n, true);
    const reader = new ByteReader(writer.finish());
    expect(reader.u64Number()).toBe(Number.MAX_SAFE_INTEGER);
    const error = (() => {
      try {
        reader.u64Number();
      } catch (e) {
        return e;
      }
    })();
    expect(BinaryError.is(error) && error.code).toBe('OUT_OF_RANGE');
    expect((error as BinaryError).offset).toBe(8);
    expect(reader.position).toBe(8);
    reader.skip(8);
    expect(reader.u64Number(true)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reads i64 as a safe number, negative included', () => {
    const writer = new ByteWriter({ littleEndian: true });
    writer.i64(-(2n ** 53n) + 1n).i64(-(2n ** 53n));
    const reader = new ByteReader(writer.finish(), { littleEndian: true });
    expect(reader.i64Number()).toBe(-Number.MAX_SAFE_INTEGER);
    expect(() => reader.i64Number()).toThrowError(expect.objectContaining({ code: 'OUT_OF_RANGE', offset: 8 }));
  });

  it('default byte order comes from the options', () => {
    const bytes = new Uint8Array([1, 0, 0, 0]);
    expect(new ByteReader(bytes).u32()).toBe(0x01000000);
    expect(new ByteReader(bytes, { littleEndian: true }).u32()).toBe(1);
  });
});

describe('ByteReader truncation', () => {
  const sample = (() => {
    const w = new ByteWriter();
    w.u8(1).u16(2).u32(3).u64(4n).f64(5.5).utf8('héllo');
    return w.finish();
  })();
  const plan: [Width | 'utf8', number][] = [
    ['u8', 1],
    ['u16', 2],
    ['u32', 4],
    ['u64', 8],
    ['f64', 8],
    ['utf8', 6],
  ];

  it('throws TRUNCATED with the offset and bytes needed at every cut of a sample buffer', () => {
    for (let cut = 0; cut < sample.length; cut++) {
      const reader = new ByteReader(sample.subarray(0, cut), { baseOffset: 1000 });
      let offset = 0;
      let threw = false;
      for (const [width, size] of plan) {
        if (offset + size > cut) {
          const before = reader.position;
          try {
            width === 'utf8' ? reader.utf8(size) : read(reader, width, false);
          } catch (error) {
            threw = true;
            expect(BinaryError.is(error)).toBe(true);
            const e = error as BinaryError;
            expect(e.code).toBe('TRUNCATED');
            expect(e.offset).toBe(1000 + offset);
            expect(e.needed).toBe(size);
            expect(e.available).toBe(cut - offset);
            expect(e).not.toBeInstanceOf(RangeError);
            expect(reader.position).toBe(before);
          }
          break;
        }
        width === 'utf8' ? reader.utf8(size) : read(reader, width, false);
        offset += size;
      }
      expect(threw).toBe(true);
    }
  });

  it('bytes(), skip() and peek() are checked too, and bytes() is zero-copy', () => {
    const reader = new ByteReader(sample);
    const view = reader.bytes(3);
    expect(view.buffer).toBe(sample.buffer);
    expect(() => reader.skip(1000)).toThrowError(expect.objectContaining({ code: 'TRUNCATED', offset: 3 }));
    expect(() => reader.peek(1000)).toThrowError(expect.objectContaining({ code: 'TRUNCATED' }));
    expect(reader.peek(4)).toEqual(sample.subarray(3, 7));
    expect(reader.position).toBe(3);
    expect(() => reader.bytes(-1)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('seek() accepts 0..length and refuses anything else', () => {
    const reader = new ByteReader(sample);
    reader.seek(sample.length);
    expect(reader.remaining).toBe(0);
    reader.seek(0);
    expect(reader.u8()).toBe(1);
    expect(() => reader.seek(sample.length + 1)).toThrowError(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    expect(() => reader.seek(-1)).toThrowError(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
  });
});

describe('UTF-8', () => {
  it('strict decoding rejects overlongs, surrogates and cut sequences with the offset', () => {
    for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe6, 0x97], [0xff]]) {
      const bytes = new Uint8Array([0x41, ...bad]);
      const reader = new ByteReader(bytes, { baseOffset: 10 });
      reader.skip(1);
      expect(() => reader.utf8(bad.length)).toThrowError(expect.objectContaining({ code: 'INVALID_UTF8', offset: 11 }));
      expect(reader.position).toBe(1);
      expect(reader.utf8(bad.length, { lenient: true })).toContain('\ufffd');
    }
  });

  it('keeps a leading BOM and decodes long and short strings alike', () => {
    const text = `\ufeff日本語-ü ${'x'.repeat(100)}`;
    const writer = new ByteWriter();
    const n = writer.utf8(text);
    expect(new ByteReader(writer.finish()).utf8(n)).toBe(text);
  });

  it('round-trips arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (text) => {
        const writer = new ByteWriter({ initialCapacity: 1 });
        const n = writer.utf8(text);
        expect(new ByteReader(writer.finish()).utf8(n)).toBe(text);
      }),
    );
  });
});

describe('ByteWriter', () => {
  it('refuses out-of-range values before writing anything', () => {
    const writer = new ByteWriter();
    const attempts: (() => unknown)[] = [
      () => writer.u8(256),
      () => writer.u8(-1),
      () => writer.u8(1.5),
      () => writer.u16(0x10000),
      () => writer.i16(0x8000),
      () => writer.u32(2 ** 32),
      () => writer.i32(2 ** 31),
      () => writer.u64(-1n),
      () => writer.u64(2n ** 64n),
      () => writer.u64(2 ** 53),
      () => writer.i64(2n ** 63n),
      () => writer.i8(128),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(writer.length).toBe(0);
    }
  });

  it('reserve-and-patch back-fills length fields', () => {
    const writer = new ByteWriter({ initialCapacity: 16 });
    const at = writer.reserve(4);
    const n = writer.utf8('a fairly long string that forces the buffer to grow');
    writer.setU32(at, n).setU8(0, 0);
    writer.setU16(1, 0x1234);
    const bytes = writer.finish();
    const reader = new ByteReader(bytes);
    expect(reader.u8()).toBe(0);
    expect(reader.u16()).toBe(0x1234);
    expect(reader.u8()).toBe(n & 0xff);
    expect(() => new ByteWriter().setU32(0, 1)).toThrowError(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
  });

  it('finish() hands over the buffer without copying and restarts empty', () => {
    const writer = new ByteWriter({ initialCapacity: 64 });
    writer.u32(7);
    const cap = writer.capacity;
    const bytes = writer.finish();
    expect(bytes.buffer.byteLength).toBe(cap);
    expect(writer.length).toBe(0);
    writer.u8(9);
    expect(bytes[3]).toBe(7);
    expect(writer.finish()).toEqual(new Uint8Array([9]));
  });

  it('fill() and bytes() append', () => {
    const writer = new ByteWriter();
    writer.fill(3, 0xaa).bytes(new Uint8Array([1, 2]));
    expect([...writer.written()]).toEqual([0xaa, 0xaa, 0xaa, 1, 2]);
    writer.reset();
    expect(writer.length).toBe(0);
  });
});
