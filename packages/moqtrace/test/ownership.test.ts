import { type ByteSource, fromBytes } from '@x/binary';
import { describe, expect, it } from 'vitest';
import { encodeTrace, peekHeader, readTraceFrom, readTraceRecords, streamTrace } from '../src/index.js';
import { HEADER, sampleEvents } from './helpers/generate.js';

const bytes = encodeTrace({ header: HEADER, events: sampleEvents(40) });

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

describe('byte source ownership: a function closes what it created, never what it was given', () => {
  it('streamTrace / readTraceFrom / peekHeader close a source made from a stream, on success and on error', async () => {
    const ok = tracked(bytes);
    await streamTrace(ok.iterable, {});
    expect(ok.closed()).toBe(true);

    const peek = tracked(bytes);
    await peekHeader(peek.iterable);
    expect(peek.state.returned).toBe(true); // stopped after the header: the stream was released

    const garbage = new Uint8Array(4096).fill(0x41);
    const bad = tracked(garbage);
    await expect(readTraceFrom(bad.iterable)).rejects.toMatchObject({ code: 'BAD_MAGIC' });
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
    await expect(streamTrace(web, {})).rejects.toMatchObject({ code: 'BAD_MAGIC' });
    expect(cancelled).toBe(true);
  });

  it('readTraceRecords closes its own source when the consumer stops early', async () => {
    const early = tracked(bytes);
    for await (const record of readTraceRecords(early.iterable)) {
      if (record.kind === 'event') break;
    }
    expect(early.state.returned).toBe(true);
  });

  it('a ByteSource passed in stays open: on success, on error and on early exit', async () => {
    const a = counted(bytes);
    expect((await readTraceFrom(a.source)).events).toHaveLength(40);
    expect(a.closes()).toBe(0);

    const b = counted(new Uint8Array(100).fill(0x41));
    await expect(streamTrace(b.source, {})).rejects.toMatchObject({ code: 'BAD_MAGIC' });
    expect(b.closes()).toBe(0);

    const c = counted(bytes);
    for await (const record of readTraceRecords(c.source)) if (record.kind === 'event') break;
    expect(c.closes()).toBe(0);
    // still usable by its owner
    expect(await c.source.read()).not.toBeNull();

    const d = counted(bytes);
    await peekHeader(d.source);
    expect(d.closes()).toBe(0);
  });
});
