import { type ByteSource, fromBytes } from '@x/binary';
import { describe, expect, it } from 'vitest';
import { openTraceReader, peekTraceHeader, type TraceRecord, writeTrace } from '../src/index.js';
import { HEADER, sampleEvents } from './helpers/generate.js';

const bytes = writeTrace({ header: HEADER, events: sampleEvents(40) });

/** An async iterable of chunks that records whether it was finished or abandoned (`return()`). */
function tracked(data: Uint8Array, chunk = 64) {
  const state = { finished: false, returned: false };
  async function* gen() {
    try {
      for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
      state.finished = true;
    } finally {
      if (!state.finished) state.returned = true;
    }
  }
  return { iterable: gen(), state, closed: () => state.finished || state.returned };
}

/** A caller-owned source that counts close() calls. */
function counted(data: Uint8Array): { source: ByteSource; closes: () => number } {
  const inner = fromBytes(data, { chunkSize: 64 });
  let closes = 0;
  const source: ByteSource = {
    get size() {
      return inner.size;
    },
    get position() {
      return inner.position;
    },
    read: () => inner.read(),
    close: async () => {
      closes++;
      await inner.close();
    },
  };
  return { source, closes: () => closes };
}

/** Reads every record of any input. */
async function readAll(input: Parameters<typeof openTraceReader>[0]): Promise<TraceRecord[]> {
  const reader = await openTraceReader(input);
  const out: TraceRecord[] = [];
  for await (const record of reader) out.push(record);
  return out;
}

describe('byte source ownership: a function closes what it created, never what it was given', () => {
  it('openTraceReader / peekTraceHeader close a source made from a stream, on success and on error', async () => {
    const ok = tracked(bytes);
    expect(await readAll(ok.iterable)).toHaveLength(40);
    expect(ok.closed()).toBe(true);

    const peek = tracked(bytes);
    await peekTraceHeader(peek.iterable);
    expect(peek.state.returned).toBe(true); // stopped after the header: the stream was released

    const garbage = new Uint8Array(4096).fill(0x41);
    const bad = tracked(garbage);
    await expect(readAll(bad.iterable)).rejects.toMatchObject({ code: 'BAD_MAGIC' });
    expect(bad.state.returned).toBe(true);

    const web = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(garbage);
      },
      cancel() {
        cancelled = true;
      },
    });
    let cancelled = false;
    await expect(readAll(web)).rejects.toMatchObject({ code: 'BAD_MAGIC' });
    expect(cancelled).toBe(true);
  });

  it('a reader closes its own source when the consumer stops early or closes it', async () => {
    const early = tracked(bytes);
    for await (const record of await openTraceReader(early.iterable)) {
      if (record.kind === 'event') break;
    }
    expect(early.state.returned).toBe(true);
    const closing = tracked(bytes);
    const reader = await openTraceReader(closing.iterable);
    await reader.nextBatch();
    await reader.close();
    expect(closing.state.returned).toBe(true);
    expect(reader.end).toMatchObject({ state: 'limit' });
    await expect(reader.nextBatch()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('a ByteSource passed in stays open: on success, on error and on early exit', async () => {
    const a = counted(bytes);
    expect(await readAll(a.source)).toHaveLength(40);
    expect(a.closes()).toBe(0);

    const b = counted(new Uint8Array(100).fill(0x41));
    await expect(readAll(b.source)).rejects.toMatchObject({ code: 'BAD_MAGIC' });
    expect(b.closes()).toBe(0);

    const c = counted(bytes);
    for await (const record of await openTraceReader(c.source)) if (record.kind === 'event') break;
    expect(c.closes()).toBe(0);
    // still usable by its owner
    expect(await c.source.read()).not.toBeNull();

    const d = counted(bytes);
    await peekTraceHeader(d.source);
    expect(d.closes()).toBe(0);
  });
});
