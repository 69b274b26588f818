/**
 * Reading `.moqtrace` inputs for the CLI: a pull loop over the library's incremental `TraceParser` that lets
 * the caller flush output between chunks (backpressure) and stop early (`--limit`); `--follow` is the library's
 * `followTrace` (`@x/moqtrace/node`), stopped by Ctrl-C (the run's abort signal) or when the file is removed.
 *
 * @module
 */
import { type TraceEnd, TraceParser, type TraceVisitor } from '@x/moqtrace';
import { followTrace } from '@x/moqtrace/node';
import type { Input } from './input.js';
import { ioError } from './input.js';
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
  /** The parser's end state, undefined when stopped early or when the followed file was removed. */
  end: TraceEnd | undefined;
  /** How reading stopped. */
  stoppedBy: 'end' | 'caller' | 'interrupt' | 'removed';
  /** Offset of the next unread byte. */
  offset: number;
}

/** Parses a `.moqtrace` input, calling `visitor` for segments, events and problems. */
export async function parseMoqtrace(
  ctx: Context,
  input: Input,
  visitor: TraceVisitor,
  options: ParseLoopOptions = {},
): Promise<ParseLoopResult> {
  if (options.follow && input.path) {
    let stopped = false;
    let end: Awaited<ReturnType<typeof followTrace>>;
    try {
      end = await followTrace(input.path, visitor, {
        ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
        afterChunk: async (position) => {
          stopped = options.afterChunk ? await options.afterChunk(position) : false;
          return stopped;
        },
      });
    } catch (error) {
      throw (error as { code?: string }).code === 'IO_ERROR' ? ioError((error as Error).cause, input.name) : error;
    }
    if (end.reason === 'removed') return { end: undefined, stoppedBy: 'removed', offset: end.offset };
    const { stoppedBy: _stoppedBy, ...traceEnd } = end;
    if (stopped) return { end: undefined, stoppedBy: 'caller', offset: end.offset };
    return {
      end: traceEnd as TraceEnd,
      stoppedBy: end.stoppedBy === 'signal' ? 'interrupt' : 'end',
      offset: end.offset,
    };
  }
  const source = await inputSource(input);
  const parser = new TraceParser();
  try {
    for (;;) {
      const status = parser.run(visitor);
      if (status === 'done') return { end: parser.result, stoppedBy: 'end', offset: parser.offset };
      if (options.afterChunk && (await options.afterChunk(source.position)))
        return { end: undefined, stoppedBy: 'caller', offset: parser.offset };
      const chunk = await source.read();
      if (chunk === null) parser.end();
      else parser.push(chunk);
    }
  } finally {
    await source.close();
  }
}
