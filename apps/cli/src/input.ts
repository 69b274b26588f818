/**
 * Opening inputs: a path or `-` (stdin, read once and kept in memory), with I/O errors mapped to exit 2.
 *
 * @module
 */
import { open, readFile, stat } from 'node:fs/promises';
import { detectFormat, type TraceFormat } from './detect.js';
import { EXIT_USAGE, XtraceError } from './errors.js';
import type { XtraceIo } from './io.js';

/** An opened input. */
export interface Input {
  /** Name used in messages (`-` for stdin). */
  name: string;
  /** File path; undefined for stdin. */
  path: string | undefined;
  /** Detected format. */
  format: TraceFormat;
  /** Size in bytes at open time. */
  size: number;
  /** The whole content for stdin (files are read on demand). */
  bytes: Uint8Array | undefined;
}

let stdinBytes: Promise<Uint8Array> | undefined;
let stdinOwner: XtraceIo | undefined;

/** Reads all of stdin once per io (later calls get the same bytes). */
export function readStdin(io: XtraceIo): Promise<Uint8Array> {
  if (!stdinBytes || stdinOwner !== io) {
    stdinOwner = io;
    stdinBytes = (async () => {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of io.stdin) {
        const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
        chunks.push(bytes);
        total += bytes.length;
      }
      const all = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      return all;
    })();
  }
  return stdinBytes;
}

/** Maps a Node file-system error to an `IO_ERROR` XtraceError (exit 2). */
export function ioError(error: unknown, name: string): XtraceError {
  if (XtraceError.is(error)) return error;
  const code = (error as { code?: string } | null)?.code;
  const text =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : error instanceof Error
            ? error.message
            : String(error);
  return new XtraceError('IO_ERROR', text, { file: name, exitCode: EXIT_USAGE, cause: error });
}

/** Checks that a path names a readable regular file; returns its size. */
export async function statFile(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw ioError(error, path);
  }
  if (info.isDirectory()) throw new XtraceError('IO_ERROR', 'is a directory', { file: path, exitCode: EXIT_USAGE });
  return Number(info.size);
}

/** Opens `name` (a path or `-`), reads its first bytes and detects the format. */
export async function openInput(io: XtraceIo, name: string): Promise<Input> {
  try {
    return await openInputUnnamed(io, name);
  } catch (error) {
    if (XtraceError.is(error) && error.file === undefined) {
      throw new XtraceError(error.code, error.message, { file: name, offset: error.offset, exitCode: error.exitCode });
    }
    throw error;
  }
}

async function openInputUnnamed(io: XtraceIo, name: string): Promise<Input> {
  if (name === '-') {
    const bytes = await readStdin(io);
    return { name, path: undefined, format: detectFormat(bytes.subarray(0, 16)), size: bytes.length, bytes };
  }
  const size = await statFile(name);
  const head = new Uint8Array(16);
  let got = 0;
  try {
    const handle = await open(name, 'r');
    try {
      got = (await handle.read(head, 0, head.length, 0)).bytesRead;
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw ioError(error, name);
  }
  return { name, path: name, format: detectFormat(head.subarray(0, got)), size, bytes: undefined };
}

/** The whole content of an input. */
export async function readInputBytes(input: Input): Promise<Uint8Array> {
  if (input.bytes) return input.bytes;
  try {
    const buffer = await readFile(input.path!);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw ioError(error, input.name);
  }
}
