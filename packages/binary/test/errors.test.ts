import { describe, expect, it } from 'vitest';
import { BinaryError, ByteReader } from '../src/index.js';

describe('BinaryError', () => {
  it('carries code, offset, name and cause', () => {
    const cause = new Error('inner');
    const error = new BinaryError('IO_ERROR', 'failed', { offset: 12, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('BinaryError');
    expect(error.code).toBe('IO_ERROR');
    expect(error.offset).toBe(12);
    expect(error.cause).toBe(cause);
  });

  it('is() recognises errors from another copy of the package, where instanceof fails', async () => {
    // A second module instance stands in for a duplicated dependency.
    const copy = (await import('../src/errors.js?copy')) as typeof import('../src/errors.js');
    expect(copy.BinaryError).not.toBe(BinaryError);
    const foreign = new copy.BinaryError('TRUNCATED', 'x', { offset: 1 });
    expect(foreign instanceof BinaryError).toBe(false);
    expect(BinaryError.is(foreign)).toBe(true);
    expect(copy.BinaryError.is(new BinaryError('TRUNCATED', 'y'))).toBe(true);
    expect(BinaryError.is(new Error('plain'))).toBe(false);
    expect(BinaryError.is({ code: 'TRUNCATED' })).toBe(false);
    expect(BinaryError.is(null)).toBe(false);
  });

  it('the TRUNCATED message names the offset and the bytes needed', () => {
    try {
      new ByteReader(new Uint8Array(2), { baseOffset: 40 }).u32();
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('unexpected end of data at offset 40: needed 4 bytes, 2 available');
    }
  });
});
