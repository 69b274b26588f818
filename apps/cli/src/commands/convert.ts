/**
 * `xtrace convert IN OUT`: `.ss` ↔ NDJSON, `.moqtrace` ↔ NDJSON, `.moqtrace` rewritten in normal form, `.ss`
 * re-written with another beacon interval. The NDJSON is the `cat --format ndjson` record contract; its
 * header record carries what is needed to rebuild the file (for `.ss`: file name, created-at, interval).
 *
 * @module
 */
import { basename } from 'node:path';
import type { ByteInput, ByteSink } from '@x/binary';
import { openFileSink, openFileSource } from '@x/binary/node';
import { createSeaStreamerWriter, SeaStreamerFileError, type SeaStreamerWriter } from '@x/seastreamer-file';
import {
  formatEndRecord,
  formatHeaderRecord,
  formatMessageRecord,
  formatProblemRecord,
  importSeaStreamerNdjson,
} from '@x/seastreamer-file/ndjson';
import { createSeaStreamerFileWriter } from '@x/seastreamer-file/node';
import { detectFormat, type TraceFormat } from '../detect.js';
import { EXIT_DATA, EXIT_USAGE, XtraceError } from '../errors.js';
import { type Input, ioError, openInput, readInputBytes, readStdin, statFile } from '../input.js';
import type { Context } from '../io.js';
import { openTextTarget } from '../output/file-output.js';
import { openSsReader } from '../ss-source.js';
import type { ConvertOptions, NdjsonRecord } from './types.js';

export type { ConvertOptions, NdjsonRecord } from './types.js';

/** Runs `xtrace convert`. */
export async function convert(ctx: Context, inPath: string, outPath: string, options: ConvertOptions): Promise<void> {
  ctx.currentFile = inPath;
  const source = await openConvertInput(ctx, inPath);
  if (source.kind === 'ndjson') {
    const format = options.to ?? source.format;
    if (format === 'ss') {
      await ndjsonToSs(ctx, source.path === undefined ? source.head : source.path, outPath, options);
      return;
    }
    if (format === 'moqtrace') {
      if (options.skipInvalidLines) throw new XtraceError('USAGE', '--skip-invalid-lines applies to .ss records');
      const text = new TextDecoder().decode(source.path === undefined ? source.head : await readAll(source.path));
      const records = parseRecords(text, inPath);
      await (await import('./moqtrace-commands.js')).ndjsonToMoqtrace(ctx, records, outPath, options);
      return;
    }
    throw new XtraceError('USAGE', 'the NDJSON input has no header record: give --to ss or --to moqtrace', {
      file: inPath,
    });
  }
  const input = source.input;
  const to = options.to ?? 'ndjson';
  if (input.format === 'ss') {
    if (to === 'ndjson') await ssToNdjson(ctx, input, outPath);
    else if (to === 'ss') await ssToSs(ctx, input, outPath, options);
    else throw new XtraceError('USAGE', 'a .ss file converts to ndjson or ss (another --interval), not moqtrace');
    return;
  }
  if (to === 'ss') throw new XtraceError('USAGE', 'a .moqtrace file converts to ndjson or moqtrace, not ss');
  await (await import('./moqtrace-commands.js')).convertMoqtrace(ctx, input, outPath, to, options);
}

/**
 * A binary input, or NDJSON: `head` holds the first bytes (all of stdin), `format` is what the first line's
 * header record says.
 */
type ConvertInput =
  | { kind: 'binary'; input: Input }
  | { kind: 'ndjson'; path: string | undefined; head: Uint8Array; format: unknown };

const HEAD = 64 * 1024;

async function readHead(path: string): Promise<Uint8Array> {
  let source: Awaited<ReturnType<typeof openFileSource>>;
  try {
    source = await openFileSource(path);
  } catch (error) {
    throw ioError((error as Error).cause ?? error, path);
  }
  try {
    return await source.readAt(0, HEAD);
  } finally {
    await source.close();
  }
}

async function readAll(path: string): Promise<Uint8Array> {
  return readInputBytes({ name: path, path, format: 'ss', size: 0, bytes: undefined });
}

/** The `format` of a header record on the first non-blank line of `head`, if there is one. */
function headerFormat(head: Uint8Array, from: number): unknown {
  const text = new TextDecoder().decode(head.subarray(from));
  const newline = text.indexOf('\n');
  try {
    const record = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as { kind?: unknown; format?: unknown };
    return record?.kind === 'header' ? record.format : undefined;
  } catch {
    return undefined;
  }
}

async function openConvertInput(ctx: Context, path: string): Promise<ConvertInput> {
  let head: Uint8Array;
  if (path === '-') {
    head = await readStdin(ctx.io);
  } else {
    await statFile(path);
    head = await readHead(path);
  }
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0; // a UTF-8 BOM
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (head[i] === 0x7b) {
    return { kind: 'ndjson', path: path === '-' ? undefined : path, head, format: headerFormat(head, i) };
  }
  let format: TraceFormat;
  try {
    format = detectFormat(head.subarray(0, 16));
  } catch (error) {
    if (XtraceError.is(error)) {
      throw new XtraceError(error.code, `${error.message}, nor NDJSON records`, {
        file: path,
        offset: error.offset,
        exitCode: error.exitCode,
      });
    }
    throw error;
  }
  const input =
    path === '-' ? await openInput(ctx.io, '-') : { name: path, path, format, size: head.length, bytes: undefined };
  return { kind: 'binary', input };
}

/** Parses NDJSON text; a line that is not a JSON object is an error (exit 1). */
export function parseRecords(text: string, file: string): NdjsonRecord[] {
  const records: NdjsonRecord[] = [];
  let line = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new XtraceError('INVALID_NDJSON', `line ${line}: ${(error as Error).message}`, {
        file,
        exitCode: EXIT_DATA,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new XtraceError('INVALID_NDJSON', `line ${line}: not a JSON object`, { file, exitCode: EXIT_DATA });
    }
    records.push({ ...(value as Record<string, unknown>), line });
  }
  return records;
}

async function ssToNdjson(ctx: Context, input: Input, outPath: string): Promise<void> {
  const reader = await openSsReader(input, { verifyRunningChecksums: false });
  const target = await openTextTarget(ctx, outPath);
  const problems: string[] = [];
  let w = target.sink.write(`${formatHeaderRecord(reader.header)}\n`);
  if (w) await w;
  for (;;) {
    const batch = await reader.nextBatch();
    if (batch === null) break;
    for (const item of batch) {
      if (item.kind !== 'message') continue;
      w = target.sink.write(`${formatMessageRecord(item, 'auto')}\n`);
      if (w) await w;
    }
  }
  for (const p of reader.problems) {
    if (p.code === 'CHECKSUM_MISMATCH') {
      ctx.reportLine(p.code, p.message, p.offset, input.name, EXIT_DATA);
      problems.push(formatProblemRecord(p));
    }
  }
  const end = reader.end;
  await reader.close();
  if (end?.state === 'truncated') {
    const message = `${end.trailingBytes} bytes after offset ${end.offset} do not hold a complete message`;
    ctx.reportLine('TRUNCATED', message, end.offset, input.name, EXIT_DATA);
    problems.push(formatProblemRecord({ code: 'TRUNCATED', message, offset: end.offset }));
  }
  for (const p of problems) {
    w = target.sink.write(`${p}\n`);
    if (w) await w;
  }
  w = target.sink.write(`${formatEndRecord(end ?? { state: 'eof', offset: 128 })}\n`);
  if (w) await w;
  await target.close();
}

/** Bytes to stdout, for `.ss` output on `-`. */
function stdoutSink(ctx: Context): ByteSink {
  return {
    write: (chunk) => ctx.out.writeBytes(chunk.slice()),
    flush: () => ctx.out.flush(),
    close: () => ctx.out.flush(),
  };
}

/** A writer error caused by the data (an invalid key, a timestamp out of range...): exit 1, not a usage error. */
function dataError(error: unknown, file: string): unknown {
  if (!SeaStreamerFileError.is(error) || error.code === 'IO_ERROR' || error.code === 'CLOSED') return error;
  return new XtraceError(error.code, error.message, { file, offset: error.offset, exitCode: EXIT_DATA, cause: error });
}

/** A writer on a path (an atomic output: renamed into place by `close()`, removed by `abort()`) or on stdout. */
export async function openSsWriter(
  ctx: Context,
  outPath: string,
  options: { fileName: string; beaconInterval: number; createdAt: bigint },
): Promise<SeaStreamerWriter> {
  const common = { ...options, allowEmptyStreamKey: true, allowReservedStreamKeys: true };
  if (outPath === '-') return createSeaStreamerWriter(stdoutSink(ctx), common);
  try {
    return await createSeaStreamerFileWriter(outPath, { ...common, atomic: true });
  } catch (error) {
    if ((error as { code?: string }).code === 'IO_ERROR') {
      throw new XtraceError('IO_ERROR', (error as Error).message, { file: outPath, exitCode: EXIT_USAGE });
    }
    throw error;
  }
}

/** NDJSON records (a file, streamed; or stdin's bytes) to a `.ss` file, through an atomic file sink. */
async function ndjsonToSs(ctx: Context, input: string | Uint8Array, outPath: string, options: ConvertOptions) {
  const file = ctx.currentFile ?? '-';
  let sink: ByteSink;
  try {
    sink = outPath === '-' ? stdoutSink(ctx) : openFileSink(outPath, { atomic: true });
  } catch (error) {
    throw new XtraceError('IO_ERROR', (error as Error).message, { file: outPath, exitCode: EXIT_USAGE });
  }
  let source: ByteInput = input as Uint8Array;
  if (typeof input === 'string') {
    try {
      source = await openFileSource(input);
    } catch (error) {
      throw ioError((error as Error).cause ?? error, input);
    }
  }
  try {
    await importSeaStreamerNdjson(source, sink, {
      fileName: outPath === '-' ? 'stdout.ss' : basename(outPath),
      ...(options.interval === undefined ? {} : { beaconInterval: options.interval }),
      skipInvalidLines: options.skipInvalidLines === true,
      onInvalidLine: (p) => ctx.reportLine(p.code, p.message, p.offset, file, EXIT_DATA, p.line),
    });
    await sink.close();
  } catch (error) {
    await sink.abort?.();
    throw error;
  } finally {
    if (typeof input === 'string') await (source as { close(): Promise<void> }).close();
  }
}

async function ssToSs(ctx: Context, input: Input, outPath: string, options: ConvertOptions): Promise<void> {
  const reader = await openSsReader(input, { verifyRunningChecksums: false });
  const h = reader.header;
  const writer = await openSsWriter(ctx, outPath, {
    fileName: h.fileName,
    beaconInterval: options.interval ?? h.beaconInterval,
    createdAt: h.createdAt,
  });
  try {
    for (;;) {
      const batch = await reader.nextBatch();
      if (batch === null) break;
      for (const m of batch) {
        if (m.kind !== 'message') continue;
        try {
          writer.write(m);
        } catch (error) {
          throw dataError(error, input.name);
        }
      }
    }
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    await reader.close();
  }
  const end = reader.end;
  if (end?.state === 'truncated') {
    ctx.reportLine(
      'TRUNCATED',
      `the input ends with ${end.trailingBytes} bytes of an incomplete message`,
      end.offset,
      input.name,
      EXIT_DATA,
    );
  }
}
