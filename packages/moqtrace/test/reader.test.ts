import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ByteSource } from '@x/binary';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeTraceHeader,
  MoqtraceError,
  openTraceReader,
  peekTraceHeader,
  readTrace,
  type TraceEnd,
  type TraceEvent,
  type TraceProblem,
  type TraceReader,
  writeTrace,
} from '../src/index.js';
import { createTraceFileWriter, openTraceFile } from '../src/node/index.js';
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

/** Everything a reader yields: events with offsets, record kinds, problems (all of them) and the end. */
async function collect(reader: TraceReader) {
  const events: TraceEvent[] = [];
  const offsets: number[] = [];
  const kinds: string[] = [];
  for await (const record of reader) {
    kinds.push(record.kind);
    if (record.kind === 'event') {
      events.push(record.event);
      offsets.push(record.offset);
    }
  }
  return { events, offsets, kinds, problems: reader.problems as TraceProblem[], end: reader.end as TraceEnd };
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
          const full = writeTrace({
            segments: [0, 1].map((sequence) => ({ header: { ...HEADER, segment: { sequence } }, events })),
          });
          const bytes = full.subarray(0, Math.max(200, full.length - cut));
          const whole = readTrace(bytes);
          const streamed = await collect(await openTraceReader(chunked(bytes, sizes)));
          expect(streamed.end).toEqual(whole.end);
          expect(streamed.offsets).toEqual(whole.segments.flatMap((s) => s.eventOffsets));
          expect(renderLines(streamed.events)).toBe(renderLines(whole.events));
          expect(streamed.events).toEqual(whole.events);
          expect(streamed.problems).toEqual(whole.problems);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads Blob, ReadableStream and async iterables', async () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(50) });
    const expected = renderLines(readTrace(bytes).events);
    expect(renderLines((await collect(await openTraceReader(new Blob([bytes])))).events)).toBe(expected);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 33) controller.enqueue(bytes.slice(at, at + 33));
        controller.close();
      },
    });
    expect(renderLines((await collect(await openTraceReader(stream))).events)).toBe(expected);
    const { kinds, end } = await collect(await openTraceReader(chunked(bytes, [17]), { segments: true }));
    expect(kinds[0]).toBe('segment');
    expect(kinds.filter((k) => k === 'event')).toHaveLength(50);
    expect(end).toMatchObject({ state: 'eof', events: 50, complete: true });
  });

  it('peeks the header from the first bytes only', async () => {
    const bytes = writeTrace({ header: HEADER, events: sampleEvents(2000) });
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
    const peek = await peekTraceHeader(source);
    expect(peek.header).toEqual(HEADER);
    expect(peek.version).toBe(1);
    expect(pulled).toBeLessThan(peek.eventsOffset + 64);
    expect(decodeTraceHeader(bytes).eventsOffset).toBe(peek.eventsOffset);
    await expect(peekTraceHeader(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'BAD_MAGIC' });
    await expect(peekTraceHeader(new Uint8Array(0))).rejects.toMatchObject({ code: 'TRUNCATED' });
  });

  it('reports unsupported versions and malformed headers as fatal errors with codes', () => {
    const bytes = writeTrace({ header: HEADER, events: [] });
    const v3 = bytes.slice();
    v3[8] = 3;
    expect(() => readTrace(v3)).toThrowError(expect.objectContaining({ code: 'UNSUPPORTED_VERSION' }));
    const noProtocol = writeTrace({ header: { ...HEADER, protocol: 'x' }, events: [] });
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
    const writer = createTraceFileWriter(path, { header, flushBytes: 128 });
    const events: TraceEvent[] = sampleEvents(100);
    for (const event of events) {
      const pending = writer.write(event);
      if (pending) await pending;
    }
    await writer.close();
    const reader = await openTraceFile(path);
    expect(typeof reader.header.endTime).toBe('number');
    const result = await collect(reader);
    expect(result.end).toMatchObject({ state: 'eof', events: 100, complete: true });
    expect(renderLines(result.events)).toBe(renderLines(events));
    // Random access on the file, without moving a reader.
    const again = await openTraceFile(path);
    expect(await again.readEventAt(result.offsets[37] as number)).toEqual({
      ok: true,
      event: result.events[37],
      end: result.offsets[38],
    });
    await again.close();
  });

  it('flushed events survive when the writer is never closed', async () => {
    const path = join(dir, 'b.moqtrace');
    const writer = createTraceFileWriter(path, { header: HEADER, flushBytes: 64 });
    for (const event of sampleEvents(40)) await writer.write(event);
    await writer.flush();
    const result = readTrace(readFileSync(path));
    expect(result.end.complete).toBe(true);
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
const writer = createTraceFileWriter(${JSON.stringify(path)}, { header: { protocol: 'moq-transport-14', perspective: 'client', detail: 'headers', startTime: 1 } });
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
    expect(result.end.complete).toBe(true);
  });
});
