import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ByteSource } from '@x/binary';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeTrace,
  MoqtraceError,
  peekHeader,
  peekHeaderSync,
  readTrace,
  readTraceFrom,
  readTraceRecords,
  streamTrace,
  type TraceEvent,
} from '../src/index.js';
import { createTraceFileWriter, peekHeaderFile, readTraceFile, streamTraceFile } from '../src/node/index.js';
import { renderLines } from './helpers/fixtures.js';
import { eventArbitrary, HEADER, sampleEvents } from './helpers/generate.js';

function chunked(bytes: Uint8Array, sizes: number[]): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      let at = 0;
      let i = 0;
      while (at < bytes.length) {
        const size = Math.max(1, sizes[i++ % sizes.length] ?? 1);
        yield bytes.slice(at, at + size);
        at += size;
      }
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'moqtrace-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streaming reader', () => {
  it('gives the same events, offsets and end for every chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArbitrary(), { maxLength: 15 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 40 }),
        async (events, sizes, cut) => {
          const full = encodeTrace({
            segments: [0, 1].map((sequence) => ({ header: { ...HEADER, segment: { sequence } }, events })),
          });
          const bytes = full.subarray(0, Math.max(200, full.length - cut));
          const whole = readTrace(bytes);
          const seen: [number, string][] = [];
          const end = await streamTrace(chunked(bytes, sizes), {
            event: (event, offset) =>
              void seen.push([offset, JSON.stringify(event, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))]),
          });
          expect(end).toEqual(whole.end);
          expect(seen.map(([offset]) => offset)).toEqual(whole.segments.flatMap((s) => s.eventOffsets));
          const again = await readTraceFrom(chunked(bytes, sizes));
          expect(renderLines(again.events)).toBe(renderLines(whole.events));
          expect(again.problems).toEqual(whole.problems);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads Blob, ReadableStream and async iterables', async () => {
    const bytes = encodeTrace({ header: HEADER, events: sampleEvents(50) });
    const expected = renderLines(readTrace(bytes).events);
    expect(renderLines((await readTraceFrom(new Blob([bytes]))).events)).toBe(expected);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 33) controller.enqueue(bytes.slice(at, at + 33));
        controller.close();
      },
    });
    expect(renderLines((await readTraceFrom(stream)).events)).toBe(expected);
    const kinds: string[] = [];
    for await (const record of readTraceRecords(chunked(bytes, [17]))) kinds.push(record.kind);
    expect(kinds[0]).toBe('segment');
    expect(kinds.filter((k) => k === 'event')).toHaveLength(50);
    expect(kinds.at(-1)).toBe('end');
  });

  it('peeks the header from the first bytes only', async () => {
    const bytes = encodeTrace({ header: HEADER, events: sampleEvents(2000) });
    let pulled = 0;
    let at = 0;
    const source: ByteSource = {
      size: bytes.length,
      get position() {
        return at;
      },
      async read() {
        if (at >= bytes.length) return null;
        const chunk = bytes.slice(at, at + 64);
        at += chunk.length;
        pulled += chunk.length;
        return chunk;
      },
      async close() {},
    };
    const peek = await peekHeader(source);
    expect(peek.header).toEqual(HEADER);
    expect(peek.version).toBe(1);
    expect(pulled).toBeLessThan(peek.eventsOffset + 64);
    expect(peekHeaderSync(bytes).eventsOffset).toBe(peek.eventsOffset);
    await expect(peekHeader(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'BAD_MAGIC' });
    await expect(peekHeader(new Uint8Array(0))).rejects.toMatchObject({ code: 'TRUNCATED' });
  });

  it('reports unsupported versions and malformed headers as fatal errors with codes', () => {
    const bytes = encodeTrace({ header: HEADER, events: [] });
    const v3 = bytes.slice();
    v3[8] = 3;
    expect(() => readTrace(v3)).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED_VERSION' }));
    const noProtocol = encodeTrace({ header: { ...HEADER, protocol: 'x' }, events: [] });
    const at = Buffer.from(noProtocol).indexOf('protocol');
    noProtocol[at + 8] = 0xf6; // its value becomes null
    noProtocol.copyWithin(at + 9, at + 10);
    try {
      readTrace(noProtocol);
      expect.unreachable();
    } catch (error) {
      expect(MoqtraceError.is(error)).toBe(true);
      expect((error as MoqtraceError).code).toBe('MALFORMED_HEADER');
      expect((error as MoqtraceError).message).toMatch(/protocol/);
    }
  });
});

describe('node helpers', () => {
  it('writes a file, patches endTime, reads it back by path', async () => {
    const path = join(dir, 'a.moqtrace');
    const { endTime: _e, ...header } = HEADER;
    const writer = await createTraceFileWriter(path, { header, flushBytes: 128 });
    const events: TraceEvent[] = sampleEvents(100);
    for (const event of events) {
      const pending = writer.write(event);
      if (pending) await pending;
    }
    await writer.close();
    const result = await readTraceFile(path);
    expect(result.complete).toBe(true);
    expect(typeof result.segments[0]?.header.endTime).toBe('number');
    expect(renderLines(result.events)).toBe(renderLines(events));
    expect((await peekHeaderFile(path)).header.protocol).toBe(HEADER.protocol);
    let count = 0;
    const end = await streamTraceFile(path, { event: () => void count++ });
    expect(end.events).toBe(100);
    expect(count).toBe(100);
  });

  it('flushed events survive when the writer is never closed', async () => {
    const path = join(dir, 'b.moqtrace');
    const writer = await createTraceFileWriter(path, { header: HEADER, flushBytes: 64 });
    for (const event of sampleEvents(40)) await writer.write(event);
    await writer.flush();
    const result = readTrace(readFileSync(path));
    expect(result.complete).toBe(true);
    expect(result.events).toHaveLength(40);
    expect(result.segments[0]?.header.endTime).toBeUndefined();
  });

  const built = fileURLToPath(new URL('../dist/node/index.js', import.meta.url));
  it.skipIf(!existsSync(built))('a killed writer process leaves a readable file (needs dist: npx tsc -b)', () => {
    const path = join(dir, 'killed.moqtrace');
    const script = join(dir, 'kill.mjs');
    writeFileSync(
      script,
      `import { createTraceFileWriter } from ${JSON.stringify(built)};
const writer = await createTraceFileWriter(${JSON.stringify(path)}, { header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'headers', startTime: 1 } });
for (let i = 0; i < 1000; i++) {
  const p = writer.write({ type: 'stream-closed', seq: i, timestamp: i, streamId: BigInt(i), errorCode: 0 });
  if (p) await p;
}
await writer.flush();
process.kill(process.pid, 'SIGKILL');`,
    );
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    const result = readTrace(readFileSync(path));
    expect(result.events).toHaveLength(1000);
    expect(result.complete).toBe(true);
  });
});
