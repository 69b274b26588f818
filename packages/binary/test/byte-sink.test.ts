import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemorySink, toWritableStreamSink } from '../src/index.js';
import { openFileSink } from '../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'x-binary-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MemorySink', () => {
  it('collects chunks, patches, and joins once', () => {
    const sink = createMemorySink();
    sink.write(new Uint8Array([1, 2, 3]));
    sink.write(new Uint8Array([4, 5]));
    sink.patch(2, new Uint8Array([9, 8]));
    expect([...sink.toBytes()]).toEqual([1, 2, 9, 8, 5]);
    expect(sink.toBytes()).toBe(sink.toBytes());
    expect(sink.size).toBe(5);
    expect(() => sink.patch(4, new Uint8Array(2))).toThrowError(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
  });

  it('refuses writes after close and drops everything on abort', async () => {
    const sink = createMemorySink();
    sink.write(new Uint8Array([1]));
    sink.close();
    expect(() => sink.write(new Uint8Array([2]))).toThrowError(expect.objectContaining({ code: 'CLOSED' }));
    const other = createMemorySink();
    other.write(new Uint8Array([1]));
    other.abort();
    expect(other.size).toBe(0);
    expect(new Uint8Array(await other.toBlob().arrayBuffer()).length).toBe(0);
  });
});

describe('toWritableStreamSink', () => {
  it('writes in order with backpressure and closes the stream', async () => {
    const received: number[] = [];
    let closed = false;
    const stream = new WritableStream<Uint8Array>(
      {
        async write(chunk) {
          await new Promise((resolve) => setImmediate(resolve));
          received.push(...chunk);
        },
        close() {
          closed = true;
        },
      },
      { highWaterMark: 1 },
    );
    const sink = toWritableStreamSink(stream);
    for (let i = 0; i < 20; i++) await sink.write(new Uint8Array([i]));
    await sink.flush?.();
    await sink.close();
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(closed).toBe(true);
    await expect(sink.write(new Uint8Array([1]))).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('openFileSink', () => {
  it('creates the file on first write, patches, and closes', () => {
    const path = join(dir, 'plain.bin');
    const sink = openFileSink(path);
    expect(existsSync(path)).toBe(false);
    sink.write(new Uint8Array([1, 2, 3, 4]));
    sink.patch(1, new Uint8Array([7]));
    expect(sink.position).toBe(4);
    sink.close();
    expect([...readFileSync(path)]).toEqual([1, 7, 3, 4]);
    expect(() => sink.write(new Uint8Array([1]))).toThrowError(expect.objectContaining({ code: 'CLOSED' }));
  });

  it('atomic: nothing at the path until close, nothing left after abort', () => {
    const path = join(dir, 'atomic.bin');
    writeFileSync(path, 'old');
    const sink = openFileSink(path, { atomic: true });
    sink.write(new Uint8Array([1, 2]));
    expect(readFileSync(path, 'utf8')).toBe('old');
    sink.close();
    expect([...readFileSync(path)]).toEqual([1, 2]);

    const failed = join(dir, 'failed.bin');
    const other = openFileSink(failed, { atomic: true });
    other.write(new Uint8Array([1, 2, 3]));
    other.abort();
    expect(existsSync(failed)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('start: continues an existing file at a position and cuts what followed', () => {
    const path = join(dir, 'append.bin');
    writeFileSync(path, new Uint8Array([1, 2, 3, 4, 5, 6]));
    const sink = openFileSink(path, { start: 3, fsync: true });
    sink.write(new Uint8Array([9]));
    sink.flush();
    sink.close();
    expect([...readFileSync(path)]).toEqual([1, 2, 3, 9]);
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, new Uint8Array([1, 2, 3, 4]));
    openFileSink(cut, { start: 2 }).close();
    expect([...readFileSync(cut)]).toEqual([1, 2]);
  });

  it('rejects bad options and reports I/O failures as IO_ERROR', () => {
    expect(() => openFileSink(join(dir, 'x'), { start: -1 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => openFileSink(join(dir, 'x'), { start: 0, atomic: true })).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const sink = openFileSink(join(dir, 'missing-dir', 'x.bin'));
    expect(() => sink.write(new Uint8Array([1]))).toThrowError(expect.objectContaining({ code: 'IO_ERROR' }));
  });
});
