import { type ByteSource, fromBytes } from '@x/binary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAhead } from '../src/read-ahead.js';

/** A source over bytes whose reads complete after a few event-loop turns (a file system, a Blob). */
function slow(bytes: Uint8Array, chunkSize: number): ByteSource & { reads: number } {
  const inner = fromBytes(bytes, { chunkSize });
  const tick = () => new Promise((r) => setTimeout(r, 1));
  const source = {
    reads: 0,
    get size() {
      return inner.size;
    },
    get position() {
      return inner.position;
    },
    async read() {
      source.reads++;
      const at = inner.position;
      await tick();
      inner.seek?.(at); // the position a read started at, like a positional file read
      return inner.read();
    },
    readAt: (at: number, n: number) => inner.readAt!(at, n),
    seek: (at: number) => inner.seek!(at),
    close: () => inner.close(),
  };
  return source;
}

describe('readAhead', () => {
  it('gives the same chunks in order, reading one ahead; seeks (also during a read in flight) land exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(5)), { maxLength: 6 }),
        async (bytes, chunkSize, seeks) => {
          const inner = slow(bytes, chunkSize);
          const ahead = readAhead(inner);
          let expectedAt = 0;
          const got: number[] = [];
          const want: number[] = [];
          for (const [to, reads] of [[0, 1000] as [number, number], ...seeks]) {
            if (got.length > 0) {
              expectedAt = to % bytes.length;
              ahead.seek!(expectedAt);
              expect(ahead.position).toBe(expectedAt);
            }
            for (let r = 0; r < reads; r++) {
              const chunk = await ahead.read();
              if (chunk === null) break;
              got.push(...chunk);
              want.push(...bytes.subarray(expectedAt, expectedAt + chunk.length));
              expectedAt += chunk.length;
              expect(ahead.position).toBe(expectedAt);
            }
          }
          expect(got).toEqual(want);
          await ahead.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('starts the next read before it is asked for, and reports a failed read when it is taken', async () => {
    const inner = slow(new Uint8Array(100), 10);
    const ahead = readAhead(inner);
    await ahead.read();
    expect(inner.reads).toBe(2); // the second is in flight
    const failing: ByteSource = { ...fromBytes(new Uint8Array(20), { chunkSize: 10 }) };
    let n = 0;
    const original = failing.read.bind(failing);
    failing.read = async () => {
      if (++n === 2) throw new Error('disk gone');
      return original();
    };
    const reader = readAhead(failing);
    expect((await reader.read())?.length).toBe(10);
    await expect(reader.read()).rejects.toThrow('disk gone');
  });
});
