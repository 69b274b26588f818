import { describe, expect, it } from 'vitest';
import { BinaryError, CodedError, describeArgument, SHARED_ERROR_CODES } from '../src/index.js';

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
});

describe('CodedError, the base of every toolkit error', () => {
  class FormatError extends CodedError<'BAD_MAGIC' | 'TRUNCATED'> {
    static override readonly marker: symbol = Symbol.for('@x/binary.test.FormatError');
    constructor(code: 'BAD_MAGIC' | 'TRUNCATED', message: string, options?: { offset?: number }) {
      super(code, message, options);
      this.name = 'FormatError';
    }
  }

  it('a subclass is recognised by its own is() and by CodedError.is(), not by a sibling class', () => {
    const error = new FormatError('BAD_MAGIC', 'not this format', { offset: 0 });
    expect(FormatError.is(error)).toBe(true);
    expect(CodedError.is(error)).toBe(true);
    expect(BinaryError.is(error)).toBe(false);
    expect(FormatError.is(new BinaryError('TRUNCATED', 'x'))).toBe(false);
    expect(CodedError.is(new BinaryError('TRUNCATED', 'x'))).toBe(true);
    expect(error.name).toBe('FormatError');
    expect(error.code).toBe('BAD_MAGIC');
    expect(error.offset).toBe(0);
  });

  it('CodedError.is() recognises a subclass instance made by another copy of the package', async () => {
    const copy = (await import('../src/errors.js?copy2')) as typeof import('../src/errors.js');
    expect(CodedError.is(new copy.BinaryError('CLOSED', 'x'))).toBe(true);
    expect(copy.CodedError.is(new BinaryError('CLOSED', 'x'))).toBe(true);
  });

  it('the shared vocabulary lists each code once', () => {
    expect(new Set(SHARED_ERROR_CODES).size).toBe(SHARED_ERROR_CODES.length);
    expect(SHARED_ERROR_CODES).toEqual(
      expect.arrayContaining(['TRUNCATED', 'OUT_OF_RANGE', 'INVALID_ARGUMENT', 'CLOSED']),
    );
  });

  it('describeArgument keeps messages short', () => {
    expect(describeArgument('x'.repeat(100))).toBe(`"${'x'.repeat(40)}…"`);
    expect(describeArgument(5n)).toBe('5n');
    expect(describeArgument(new Uint8Array(3))).toBe('3 bytes');
    expect(describeArgument({ a: 1 })).toBe('an object');
  });
});
