/**
 * Opening inputs: a path or `-` (stdin). The first bytes are read to detect the format; the rest is streamed
 * (stdin once, from its start, without holding it whole unless a command needs random access). I/O failures
 * are `IO_ERROR` (exit 2).
 *
 * @module
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type ByteSource, fromAsyncIterable, fromBytes } from '@x/binary';
import { openFileSource } from '@x/binary/node';
import { EXIT_DATA, EXIT_USAGE, XtraceError } from '../errors.js';
import type { XtraceIo } from '../io.js';
import { DETECT_BYTES, type DetectedFormat, detectFormat, type TraceFormat } from './detect.js';

/** Bytes per read of a file source. */
export const FILE_CHUNK = 512 * 1024;

/** An opened input. */
export interface Input {
  /** The name given on the command line (`-` for stdin), for messages. */
  readonly name: string;
  /** File path; undefined for stdin. */
  readonly path: string | undefined;
  /** Size in bytes when opened (undefined for stdin). */
  readonly size: number | undefined;
  /** The first bytes (up to 4 KiB). */
  readonly head: Uint8Array;
  /** What the first bytes are. */
  readonly detected: DetectedFormat;
  /** A byte source over the whole input from its start (stdin: only once, unless {@link Input.bytes} was used). */
  source(): Promise<ByteSource>;
  /** The whole input in memory (for commands that need random access to stdin). */
  bytes(): Promise<Uint8Array>;
}

/** An input whose format is one of the trace formats. */
export interface TraceInput extends Input {
  /** The detected trace format. */
  readonly format: TraceFormat;
}

/** Maps a Node file-system error to an `IO_ERROR` XtraceError (exit 2) naming the file. */
export function ioError(error: unknown, name: string): XtraceError {
  if (XtraceError.is(error)) return error;
  let code: string | undefined;
  for (let e = error, i = 0; e !== null && typeof e === 'object' && i < 4; i++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && /^E[A-Z]+$/.test(c)) {
      code = c;
      break;
    }
    e = (e as { cause?: unknown }).cause;
  }
  const text =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOTDIR'
            ? 'not a directory'
            : error instanceof Error
              ? error.message
              : String(error);
  return new XtraceError('IO_ERROR', text, { file: name, exitCode: EXIT_USAGE, cause: error });
}

/** Checks that a path names a readable regular file; returns its size. */
export async function statFile(path: string): Promise<number> {
  let info: ReturnType<typeof statSync>;
  try {
    // synchronous: a stat and the read of the first bytes are cheaper than the promise machinery around them
    info = statSync(path);
  } catch (error) {
    throw ioError(error, path);
  }
  if (info.isDirectory()) throw new XtraceError('IO_ERROR', 'is a directory', { file: path, exitCode: EXIT_USAGE });
  return Number(info.size);
}

/** Stdin, read once per run: the chunks read so far and the rest of the stream (the run's context holds it). */
export class StdinReader {
  private readonly chunks: Uint8Array[] = [];
  private iterator: AsyncIterator<unknown> | undefined;
  private done = false;
  private taken = false;
  private all: Uint8Array | undefined;

  /** @param io the run's streams (stdin is touched only when it is read: an unused one keeps nothing waiting) */
  constructor(private readonly io: XtraceIo) {}

  private async pull(): Promise<Uint8Array | null> {
    if (this.done) return null;
    this.iterator ??= (this.io.stdin as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const next = await this.iterator.next();
    if (next.done) {
      this.done = true;
      return null;
    }
    const value = next.value;
    return typeof value === 'string' ? new TextEncoder().encode(value) : (value as Uint8Array);
  }

  /** The first `n` bytes (fewer at the end of the input), kept for the source. */
  async head(n: number): Promise<Uint8Array> {
    let have = this.chunks.reduce((s, c) => s + c.length, 0);
    while (have < n) {
      const chunk = await this.pull();
      if (chunk === null) break;
      this.chunks.push(chunk);
      have += chunk.length;
    }
    return concat(this.chunks).subarray(0, n);
  }

  source(): ByteSource {
    if (this.all) return fromBytes(this.all, { chunkSize: FILE_CHUNK });
    if (this.taken) throw new XtraceError('USAGE', 'stdin can be read only once; give - once');
    this.taken = true;
    const kept = this.chunks.splice(0);
    const self = this;
    return fromAsyncIterable(
      (async function* () {
        yield* kept;
        for (let chunk = await self.pull(); chunk !== null; chunk = await self.pull()) yield chunk;
      })(),
    );
  }

  async bytes(): Promise<Uint8Array> {
    if (this.all) return this.all;
    if (this.taken) throw new XtraceError('USAGE', 'stdin can be read only once; give - once');
    for (let chunk = await this.pull(); chunk !== null; chunk = await this.pull()) this.chunks.push(chunk);
    this.all = concat(this.chunks.splice(0));
    return this.all;
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Where inputs come from: the run's streams and its one stdin reader (a command's `Context`). */
export interface InputHost {
  /** The run's streams. */
  readonly io: XtraceIo;
  /** Stdin, read once. */
  readonly stdin: StdinReader;
}

function readHead(path: string, name: string): Uint8Array {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(DETECT_BYTES);
      return head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw ioError(error, name);
  }
}

/** All bytes of `name` (a path or `-`), whatever they are. */
export async function readAllBytes(host: InputHost, name: string): Promise<Uint8Array> {
  if (name === '-') return host.stdin.bytes();
  try {
    const b = await readFile(name);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (error) {
    throw ioError(error, name);
  }
}

/** Opens `name` (a path or `-`) and detects its format (`TRUNCATED` when empty, `UNKNOWN_FORMAT` otherwise). */
export async function openInput(host: InputHost, name: string): Promise<Input> {
  let head: Uint8Array;
  let size: number | undefined;
  let source: () => Promise<ByteSource>;
  let bytes: () => Promise<Uint8Array>;
  if (name === '-') {
    const stdin = host.stdin;
    head = await stdin.head(DETECT_BYTES);
    source = async () => stdin.source();
    bytes = () => stdin.bytes();
  } else {
    size = await statFile(name);
    head = readHead(name, name);
    source = async () => {
      try {
        return await openFileSource(name, { chunkSize: FILE_CHUNK });
      } catch (error) {
        throw ioError(error, name);
      }
    };
    bytes = async () => {
      try {
        const b = await readFile(name);
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (error) {
        throw ioError(error, name);
      }
    };
  }
  let detected: DetectedFormat;
  try {
    detected = detectFormat(head);
  } catch (error) {
    if (XtraceError.is(error)) {
      throw new XtraceError(error.code, error.message, { file: name, offset: error.offset, exitCode: error.exitCode });
    }
    throw error;
  }
  return { name, path: name === '-' ? undefined : name, size, head, detected, source, bytes };
}

/** Opens an input that must be in one of the trace formats (NDJSON records are refused with a hint). */
export async function openTraceInput(host: InputHost, name: string): Promise<TraceInput> {
  const input = await openInput(host, name);
  if (input.detected.format === 'ndjson') {
    throw new XtraceError(
      'UNKNOWN_FORMAT',
      'these are NDJSON records (the output of xtrace cat), not a trace file: turn them back into one with xtrace convert IN OUT.ss|OUT.moqtrace',
      { file: name, offset: 0, exitCode: EXIT_DATA },
    );
  }
  return { ...input, format: input.detected.format };
}
