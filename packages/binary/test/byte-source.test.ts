import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BinaryError,
  ByteQueue,
  type ByteSource,
  fromAsyncIterable,
  fromBlob,
  fromBytes,
  fromReadableStream,
  SourceBuffer,
  toByteSource,
} from '../src/index.js';
import { openFileSource } from '../src/node/index.js';

async function drain(source: ByteSource): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let chunk = await source.read(); chunk; chunk = await source.read()) parts.push(chunk);
  await source.close();
  return Buffer.concat(parts);
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.slice(from, p));
    from = p;
  }
  return parts;
}

const input = fc.record({
  bytes: fc.uint8Array({ maxLength: 3000 }),
  cuts: fc.array(fc.nat(), { maxLength: 12 }),
  chunkSize: fc.integer({ min: 1, max: 700 }),
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'x-binary-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('byte sources yield identical bytes for random chunkings', () => {
  it('fromBytes, fromAsyncIterable (Node stream), fromReadableStream and fromBlob', async () => {
    await fc.assert(
      fc.asyncProperty(input, async ({ bytes, cuts, chunkSize }) => {
        const parts = split(bytes, cuts);
        expect(await drain(fromBytes(bytes, { chunkSize }))).toEqual(Buffer.from(bytes));
        expect(await drain(fromAsyncIterable(Readable.from(parts.map((p) => Buffer.from(p)))))).toEqual(
          Buffer.from(bytes),
        );
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (const p of parts) controller.enqueue(p);
            controller.close();
          },
        });
        expect(await drain(fromReadableStream(stream))).toEqual(Buffer.from(bytes));
        expect(await drain(fromBlob(new Blob(parts), { chunkSize }))).toEqual(Buffer.from(bytes));
      }),
      { numRuns: 60 },
    );
  });

  it.each([false, true])(
    'openFileSource (sync %s) reads a real file in chunks and at random positions',
    async (sync) => {
      await fc.assert(
        fc.asyncProperty(input, fc.nat(), fc.nat({ max: 500 }), async ({ bytes, chunkSize }, at, length) => {
          const path = join(dir, 'data.bin');
          await writeFile(path, bytes);
          const source = await openFileSource(path, { chunkSize, sync });
          expect(source.size).toBe(bytes.length);
          const position = at % (bytes.length + 1);
          expect(await source.readAt(position, length)).toEqual(bytes.subarray(position, position + length));
          expect(await drain(source)).toEqual(Buffer.from(bytes));
          await expect(source.read()).rejects.toMatchObject({ code: 'CLOSED' });
        }),
        { numRuns: 40 },
      );
    },
  );
});

describe('ByteQueue', () => {
  it('gives the same windows whatever the chunking', () => {
    fc.assert(
      fc.property(
        input,
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 30 }),
        ({ bytes, cuts }, takes) => {
          const queue = new ByteQueue(100);
          for (const part of split(bytes, cuts)) queue.push(part);
          let at = 0;
          for (const take of takes) {
            const window = queue.window(take);
            if (at + take > bytes.length) {
              expect(window).toBeUndefined();
              break;
            }
            expect(window).toEqual(bytes.subarray(at, at + take));
            expect(queue.offset).toBe(100 + at);
            queue.consume(take);
            at += take;
          }
          expect(queue.available).toBe(bytes.length - at);
        },
      ),
    );
  });

  it('copies windows across chunks without changing what later windows give', () => {
    fc.assert(
      fc.property(
        input,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 64 })), {
          minLength: 1,
          maxLength: 30,
        }),
        ({ bytes, cuts }, steps) => {
          const queue = new ByteQueue();
          for (const part of split(bytes, cuts)) queue.push(part);
          let at = 0;
          for (const [size, take] of steps) {
            const copy = queue.copy(size);
            if (at + size > bytes.length) expect(copy).toBeUndefined();
            else {
              expect(copy).toEqual(bytes.subarray(at, at + size));
              copy!.fill(0xee); // a copy, not a view: the queue's bytes stay as they were
            }
            const n = Math.min(take, queue.available);
            expect(queue.window(n)).toEqual(bytes.subarray(at, at + n));
            queue.consume(n);
            at += n;
          }
        },
      ),
    );
  });

  it('peekAt views the bytes from any unread position, whatever the chunking and what was consumed', () => {
    fc.assert(
      fc.property(
        input,
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 12 })), { maxLength: 20 }),
        ({ bytes, cuts }, consumed, peeks) => {
          const queue = new ByteQueue();
          for (const part of split(bytes, cuts)) queue.push(part);
          const skipFirst = Math.min(consumed, bytes.length);
          queue.consume(skipFirst);
          const rest = bytes.subarray(skipFirst);
          for (const [skip, min] of peeks) {
            const view = queue.peekAt(skip, min);
            if (skip >= rest.length) {
              expect(view.length).toBe(0);
              continue;
            }
            expect(view.length).toBeGreaterThanOrEqual(Math.min(min, rest.length - skip));
            expect(view).toEqual(rest.subarray(skip, skip + view.length));
          }
          expect(queue.available).toBe(rest.length);
        },
      ),
    );
  });

  it('refuses to consume more than is buffered', () => {
    const queue = new ByteQueue();
    queue.push(new Uint8Array(3));
    expect(() => queue.consume(4)).toThrowError(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
  });

  it('keeps memory bounded: consumed chunks are released', () => {
    const queue = new ByteQueue();
    for (let i = 0; i < 10_000; i++) {
      queue.push(new Uint8Array(100));
      queue.consume(100);
    }
    expect(queue.available).toBe(0);
    expect(queue.contiguous().length).toBe(0);
  });

  it('lets a consumed chunk be collected at once, while a later chunk is still being read', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const queue = new ByteQueue();
    const refs: WeakRef<Uint8Array>[] = [];
    for (let i = 0; i < 4; i++) {
      const chunk = new Uint8Array(1 << 16);
      refs.push(new WeakRef(chunk));
      queue.push(chunk);
    }
    queue.consume(3 * (1 << 16) + 10); // the first three chunks read, the fourth one partly
    await new Promise((resolve) => setTimeout(resolve, 0)); // WeakRefs are kept alive until the job ends
    gc();
    expect(refs.map((ref) => ref.deref() === undefined)).toEqual([true, true, true, false]);
    expect(queue.available).toBe((1 << 16) - 10);
  });
});

describe('SourceBuffer', () => {
  it('pulls on demand and reports the end', async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const buffer = new SourceBuffer(fromBytes(bytes, { chunkSize: 7 }));
    expect(await buffer.ensure(100)).toBe(true);
    expect(buffer.window(100)).toEqual(bytes.subarray(0, 100));
    expect(await buffer.ensure(990)).toBe(true);
    buffer.consume(990);
    expect(await buffer.ensure(11)).toBe(false);
    expect(buffer.available).toBe(10);
    expect(buffer.sourceEnded).toBe(true);
    buffer.seek(500);
    expect(await buffer.ensure(3)).toBe(true);
    expect(buffer.window(3)).toEqual(bytes.subarray(500, 503));
  });

  it.each([false, true])('sees bytes appended to a file after reaching its end (sync %s)', async (sync) => {
    const path = join(dir, `growing-${sync}.bin`);
    await writeFile(path, new Uint8Array([1, 2, 3]));
    const source = await openFileSource(path, { chunkSize: 2, sync });
    const buffer = new SourceBuffer(source);
    expect(await buffer.ensure(5)).toBe(false);
    await appendFile(path, new Uint8Array([4, 5]));
    expect(await buffer.ensure(5)).toBe(true);
    expect(buffer.window(5)).toEqual(new Uint8Array([1, 2, 3, 4, 5]));
    expect(await source.refreshSize()).toBe(5);
    await source.close();
  });

  it('sync reads of a large file go back to the event loop now and then (macrotasks run meanwhile)', async () => {
    const path = join(dir, 'large-sync.bin');
    await writeFile(path, new Uint8Array(12 * 1024 * 1024));
    const source = await openFileSource(path, { chunkSize: 64 * 1024, sync: true });
    let ticks = 0;
    let ticksBeforeEnd = -1;
    const tick = (): void => {
      ticks++;
      if (ticksBeforeEnd < 0) setImmediate(tick);
    };
    setImmediate(tick);
    let total = 0;
    for (let chunk = await source.read(); chunk; chunk = await source.read()) total += chunk.length;
    ticksBeforeEnd = ticks;
    await source.close();
    expect(total).toBe(12 * 1024 * 1024);
    // Without a way back to the event loop, no setImmediate callback could run before the end.
    expect(ticksBeforeEnd).toBeGreaterThanOrEqual(2);
  });
});

describe('source errors', () => {
  it('a stream of strings is an IO_ERROR, not a crash', async () => {
    const source = fromAsyncIterable(Readable.from(['text']) as unknown as AsyncIterable<Uint8Array>);
    await expect(source.read()).rejects.toMatchObject({ code: 'IO_ERROR', offset: 0 });
  });

  it('a failing stream is an IO_ERROR with the offset reached', async () => {
    async function* failing() {
      yield new Uint8Array(5);
      throw new Error('disk on fire');
    }
    const source = fromAsyncIterable(failing());
    await source.read();
    await expect(source.read()).rejects.toMatchObject({ code: 'IO_ERROR', offset: 5 });
  });

  it('reading after close is CLOSED', async () => {
    const source = fromBytes(new Uint8Array(4));
    await source.close();
    await expect(source.read()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it.each([false, true])('a missing file or a directory is an IO_ERROR naming the path (sync %s)', async (sync) => {
    await expect(openFileSource(join(dir, 'nope.bin'), { sync })).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining('nope.bin'),
    });
    await expect(openFileSource(dir, { sync })).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining(dir),
    });
  });

  it('toByteSource accepts every input kind and rejects others', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(await drain(toByteSource(bytes))).toEqual(Buffer.from(bytes));
    expect(await drain(toByteSource(bytes.buffer))).toEqual(Buffer.from(bytes));
    expect(await drain(toByteSource(new Blob([bytes])))).toEqual(Buffer.from(bytes));
    expect(await drain(toByteSource(new Blob([bytes]).stream()))).toEqual(Buffer.from(bytes));
    expect(await drain(toByteSource(Readable.from([Buffer.from(bytes)])))).toEqual(Buffer.from(bytes));
    const existing = fromBytes(bytes);
    expect(toByteSource(existing)).toBe(existing);
    expect(() => toByteSource(42 as unknown as Uint8Array)).toThrowError(BinaryError);
  });
});
