/**
 * `xtrace convert IN OUT`: `.ss` ↔ NDJSON, `.moqtrace` ↔ NDJSON, `.moqtrace` rewritten in normal form, `.ss`
 * re-written with another beacon interval. The NDJSON is the `cat --format ndjson` record contract; its
 * header record carries what is needed to rebuild the file (for `.ss`: file name, created-at, interval).
 *
 * @module
 */
import type { MessageInput, SeaStreamerWriter } from '@x/seastreamer-file';
import { createWriter } from '@x/seastreamer-file';
import { openFileWriter } from '@x/seastreamer-file/node';
import { detectFormat, type TraceFormat } from '../detect.js';
import { EXIT_DATA, EXIT_USAGE, XtraceError } from '../errors.js';
import { type Input, openInput, readInputBytes, readStdin, statFile } from '../input.js';
import type { Context } from '../io.js';
import { openTextTarget } from '../output/file-output.js';
import { decodePayload } from '../output/json.js';
import { endRecord, errorRecord, ssHeaderRecord, ssMessageRecord } from '../output/records.js';
import { openSsReader } from '../ss-source.js';
import type { ConvertOptions, NdjsonRecord } from './types.js';

export type { ConvertOptions, NdjsonRecord } from './types.js';

/** Runs `xtrace convert`. */
export async function convert(ctx: Context, inPath: string, outPath: string, options: ConvertOptions): Promise<void> {
  ctx.currentFile = inPath;
  const source = await openConvertInput(ctx, inPath);
  if (source.kind === 'ndjson') {
    const records = parseRecords(source.text, inPath);
    const header = records.find((r) => r.kind === 'header');
    const format = (options.to ?? header?.format) as string | undefined;
    if (format === 'ss') {
      await ndjsonToSs(ctx, records, outPath, options);
      return;
    }
    if (format === 'moqtrace') {
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

type ConvertInput = { kind: 'binary'; input: Input } | { kind: 'ndjson'; text: string };

async function openConvertInput(ctx: Context, path: string): Promise<ConvertInput> {
  let head: Uint8Array;
  if (path === '-') {
    head = await readStdin(ctx.io);
  } else {
    await statFile(path);
    head = await readInputBytes({ name: path, path, format: 'ss', size: 0, bytes: undefined });
  }
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (head[i] === 0x7b) return { kind: 'ndjson', text: new TextDecoder().decode(head) };
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
    path === '-' ? await openInput(ctx.io, '-') : { name: path, path, format, size: head.length, bytes: head };
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
  const reader = await openSsReader(input, { onChecksumMismatch: 'report', verifyRunningChecksums: false });
  const target = await openTextTarget(ctx, outPath);
  const problems: string[] = [];
  let w = target.sink.write(`${ssHeaderRecord(reader.header)}\n`);
  if (w) await w;
  for (;;) {
    const batch = await reader.nextBatch();
    if (batch === null) break;
    for (const item of batch) {
      if (item.kind !== 'message') continue;
      w = target.sink.write(`${ssMessageRecord(item, 'auto')}\n`);
      if (w) await w;
    }
  }
  for (const p of reader.problems) {
    if (p.code === 'CHECKSUM_MISMATCH') {
      ctx.reportLine(p.code, p.description, p.offset, input.name, EXIT_DATA);
      problems.push(errorRecord(p.code, p.description, p.offset));
    }
  }
  const end = reader.end;
  await reader.close();
  if (end?.state === 'truncated') {
    const message = `${end.trailingBytes} bytes after offset ${end.offset} do not hold a complete message`;
    ctx.reportLine('TRUNCATED', message, end.offset, input.name, EXIT_DATA);
    problems.push(errorRecord('TRUNCATED', message, end.offset));
  }
  for (const p of problems) {
    w = target.sink.write(`${p}\n`);
    if (w) await w;
  }
  w = target.sink.write(`${endRecord(end?.state ?? 'eof', end?.offset ?? 128)}\n`);
  if (w) await w;
  await target.close();
}

function u64Field(record: NdjsonRecord, key: string, fallback: bigint | undefined, file: string): bigint {
  const v = record[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new XtraceError('INVALID_NDJSON', `line ${record.line}: missing ${key}`, { file, exitCode: EXIT_DATA });
  }
  if ((typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v))) {
    return BigInt(v);
  }
  throw new XtraceError('INVALID_NDJSON', `line ${record.line}: ${key} is not an unsigned integer`, {
    file,
    exitCode: EXIT_DATA,
  });
}

/** Turns an NDJSON `message` record into writer input (payload decoded per `payloadEncoding`). */
export function recordToMessage(
  record: NdjsonRecord,
  file: string,
  defaults: { streamKey?: string; shardId?: bigint; seqNo?: () => bigint; timestamp?: () => bigint } = {},
): MessageInput {
  const streamKey = typeof record.streamKey === 'string' ? record.streamKey : defaults.streamKey;
  if (streamKey === undefined) {
    throw new XtraceError('INVALID_NDJSON', `line ${record.line}: missing streamKey`, { file, exitCode: EXIT_DATA });
  }
  if (typeof record.payload !== 'string') {
    throw new XtraceError(
      'INVALID_NDJSON',
      `line ${record.line}: missing payload (records written with --payload none cannot be converted back)`,
      { file, exitCode: EXIT_DATA },
    );
  }
  let payload: Uint8Array;
  try {
    payload = decodePayload(record.payload, record.payloadEncoding as string | undefined);
  } catch (error) {
    throw new XtraceError('INVALID_NDJSON', `line ${record.line}: ${(error as Error).message}`, {
      file,
      exitCode: EXIT_DATA,
    });
  }
  return {
    streamKey,
    shardId: u64Field(record, 'shardId', defaults.shardId, file),
    seqNo: u64Field(record, 'seqNo', defaults.seqNo?.(), file),
    timestamp: u64Field(record, 'timestampMs', defaults.timestamp?.(), file),
    payload,
  };
}

/** A writer on a path or on stdout (`-`). */
export async function openSsWriter(
  ctx: Context,
  outPath: string,
  options: { fileName: string; beaconInterval: number; createdAt: bigint },
): Promise<SeaStreamerWriter> {
  const common = {
    beaconInterval: options.beaconInterval,
    createdAt: options.createdAt,
    allowEmptyStreamKey: true,
    allowReservedStreamKeys: true,
  };
  if (outPath === '-') {
    return createWriter(
      {
        write: (chunk) => ctx.out.writeBytes(chunk.slice()),
        flush: () => ctx.out.flush(),
      },
      { ...common, fileName: options.fileName },
    );
  }
  try {
    return await openFileWriter(outPath, { ...common, fileName: options.fileName });
  } catch (error) {
    if ((error as { code?: string }).code === 'IO_ERROR') {
      throw new XtraceError('IO_ERROR', (error as Error).message, { file: outPath, exitCode: EXIT_USAGE });
    }
    throw error;
  }
}

async function ndjsonToSs(
  ctx: Context,
  records: NdjsonRecord[],
  outPath: string,
  options: ConvertOptions,
): Promise<void> {
  const header = records.find((r) => r.kind === 'header');
  if (header && header.format !== undefined && header.format !== 'ss') {
    throw new XtraceError('USAGE', `the NDJSON input holds a ${String(header.format)} trace, not .ss records`);
  }
  const file = ctx.currentFile ?? '-';
  const fileName =
    typeof header?.fileName === 'string' ? header.fileName : outPath === '-' ? 'stdout.ss' : outPath.split('/').pop()!;
  const createdAt = header ? u64Field(header, 'createdAtMs', BigInt(Date.now()), file) : BigInt(Date.now());
  const interval = options.interval ?? (typeof header?.beaconInterval === 'number' ? header.beaconInterval : 1_048_576);
  const messages = records
    .filter((r) => r.kind === 'message' || (r.kind === undefined && 'payload' in r))
    .map((r) => recordToMessage(r, file));
  const writer = await openSsWriter(ctx, outPath, { fileName, beaconInterval: interval, createdAt });
  for (const m of messages) writer.write(m);
  await writer.end();
}

async function ssToSs(ctx: Context, input: Input, outPath: string, options: ConvertOptions): Promise<void> {
  const reader = await openSsReader(input, { onChecksumMismatch: 'report', verifyRunningChecksums: false });
  const h = reader.header;
  const writer = await openSsWriter(ctx, outPath, {
    fileName: h.fileName,
    beaconInterval: options.interval ?? h.beaconInterval,
    createdAt: h.createdAt,
  });
  for (;;) {
    const batch = await reader.nextBatch();
    if (batch === null) break;
    for (const m of batch) {
      if (m.kind === 'message') writer.write(m);
    }
  }
  const end = reader.end;
  await reader.close();
  await writer.end();
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
