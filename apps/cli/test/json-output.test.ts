import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonRows, stringifyJson, type TextSink, writeJson } from '../src/output/json.js';

/** A sink that keeps every piece and asks the writer to wait now and then, like a pipe under backpressure. */
function collect(): TextSink & { pieces: string[] } {
  const pieces: string[] = [];
  return {
    pieces,
    write(text) {
      pieces.push(text);
      return pieces.length % 7 === 0 ? Promise.resolve() : undefined;
    },
  };
}

/** JSON-ish values with bigints, bytes, `undefined` and arrays that become lazy `JsonRows` at any depth. */
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.uint8Array({ maxLength: 4 }),
    ),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => new JsonRows(() => items)),
    fc.dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 4 }),
  ),
}));

describe('writeJson', () => {
  it('writes the text of stringifyJson, with JsonRows members at any depth written row by row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 3 }), value.value, { maxKeys: 5 }), async (object) => {
        const sink = collect();
        await writeJson(sink, object);
        expect(sink.pieces.join('')).toBe(`${stringifyJson(object)}\n`);
      }),
      { numRuns: 500 },
    );
  });

  it('never holds a lazy array as one piece: a row of a row of a member is its own write', async () => {
    const sink = collect();
    const inner = new JsonRows(function* () {
      for (let i = 0; i < 1000; i++) yield BigInt(i) * 2n ** 50n;
    });
    await writeJson(sink, { tracks: new JsonRows(() => [{ request: 'subscribe', dataStreams: inner, objects: 3 }]) });
    expect(sink.pieces.join('')).toBe(
      `${stringifyJson({ tracks: [{ request: 'subscribe', dataStreams: [...inner.rows()], objects: 3 }] })}\n`,
    );
    expect(Math.max(...sink.pieces.map((p) => p.length))).toBeLessThan(64);
  });
});
