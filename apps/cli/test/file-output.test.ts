import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Context } from '../src/context.js';
import { openOutput } from '../src/output/file-output.js';
import { tempDir } from './helpers.js';

// a file output never touches the context (only `-`, stdout, does)
const ctx = {} as Context;

describe('file output', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('writes texts of any length and script, and bytes, in order; bytesWritten counts UTF-8 bytes', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ unit: 'grapheme', maxLength: 40 }),
            // longer than the output's buffer, in ASCII and in 3- and 4-byte characters
            fc.constantFrom('a', 'é', '€', '😀').map((c) => c.repeat(100_000)),
            fc.uint8Array({ maxLength: 300 }),
          ),
          { maxLength: 30 },
        ),
        async (pieces) => {
          const path = join(tmp.dir, `out-${run++}.bin`);
          const out = openOutput(ctx, path);
          const expected: Buffer[] = [];
          for (const piece of pieces) {
            if (typeof piece === 'string') out.write(piece);
            else out.sink.write(piece);
            expected.push(Buffer.from(piece));
            expect(out.bytesWritten).toBe(Buffer.concat(expected).length);
          }
          await out.commit();
          expect(readFileSync(path).equals(Buffer.concat(expected))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
