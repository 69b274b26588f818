/**
 * Reading `.moqtrace` inputs for the CLI: a pull loop over the library's incremental `TraceParser` that lets
 * the caller flush output between chunks (backpressure), stop early (`--limit`) and keep waiting for appended
 * bytes (`--follow`, an adapter: the library has no follow API for `.moqtrace`).
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { type TraceEnd, TraceParser, type TraceVisitor } from '@x/moqtrace';
import type { Input } from './input.js';
import type { Context } from './io.js';
import { inputSource } from './ss-source.js';

/** Options of {@link parseMoqtrace}. */
export interface ParseLoopOptions {
  /** Keep waiting for appended bytes until Ctrl-C or removal. */
  follow?: boolean;
  /** Called after every chunk (flush output, update progress); return true to stop reading. */
  afterChunk?: (position: number) => Promise<boolean> | boolean;
}

/** Result of {@link parseMoqtrace}. */
export interface ParseLoopResult {
  /** The parser's end state, undefined when stopped early. */
  end: TraceEnd | undefined;
  /** How reading stopped. */
  stoppedBy: 'end' | 'caller' | 'interrupt' | 'removed';
  /** Offset of the next unread byte. */
  offset: number;
}

async function waitForGrowth(
  ctx: Context,
  path: string,
  position: number,
  ino: number,
): Promise<'more' | 'removed' | 'interrupt'> {
  let delay = 4;
  for (;;) {
    if (ctx.io.signal?.aborted) return 'interrupt';
    try {
      const st = await stat(path);
      if (st.ino !== ino || st.size < position) return 'removed';
      if (st.size > position) return 'more';
    } catch {
      return 'removed';
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      const signal = ctx.io.signal;
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
    delay = Math.min(delay * 2, 1024);
  }
}

/** Parses a `.moqtrace` input, calling `visitor` for segments, events and problems. */
export async function parseMoqtrace(
  ctx: Context,
  input: Input,
  visitor: TraceVisitor,
  options: ParseLoopOptions = {},
): Promise<ParseLoopResult> {
  const source = await inputSource(input);
  const parser = new TraceParser();
  const ino = options.follow && input.path ? (await stat(input.path)).ino : 0;
  try {
    for (;;) {
      const status = parser.run(visitor);
      if (status === 'done') return { end: parser.result, stoppedBy: 'end', offset: parser.offset };
      if (options.afterChunk && (await options.afterChunk(source.position)))
        return { end: undefined, stoppedBy: 'caller', offset: parser.offset };
      let chunk = await source.read();
      while (chunk === null && options.follow && input.path) {
        const state = await waitForGrowth(ctx, input.path, source.position, ino);
        if (state !== 'more') return { end: undefined, stoppedBy: state, offset: parser.offset };
        chunk = await source.read();
      }
      if (chunk === null) parser.end();
      else parser.push(chunk);
    }
  } finally {
    await source.close();
  }
}
