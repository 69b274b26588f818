/**
 * `xtrace write OUT.ss --stream KEY`: one message per stdin line (or NDJSON message records with `--ndjson`),
 * appending when the file exists (`planAppend` of `@x/seastreamer-file`: after its last complete message; a
 * final end-of-stream message is replaced, which is said on stderr). Replaces the reference `sink`,
 * `stdin-to-file` and `clock` programs.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { ByteSink } from '@x/binary';
import { Command } from 'commander';
import type { Context } from '../context.js';
import { EXIT_DATA, EXIT_USAGE, usage, XtraceError } from '../errors.js';
import { examples, positiveInt, u64Arg } from '../program/args.js';

/** Options of `write`. */
export interface WriteOptions {
  /** `--stream KEY`. */
  readonly stream?: string;
  /** `--shard N`, a u64 as text. */
  readonly shard: string;
  /** `--interval N` (a new file). */
  readonly interval?: number;
  /** `--ndjson`: stdin holds message records. */
  readonly ndjson?: boolean;
  /** `--eos`: end with an end-of-stream message. */
  readonly eos?: boolean;
}

const FLUSH_DELAY_MS = 50;

function ioFailure(error: unknown, path: string): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'IO_ERROR' || code === 'INVALID_BEACON_INTERVAL' || code === 'FILE_NAME_TOO_LONG') {
    return new XtraceError(code, (error as Error).message, { file: path, exitCode: EXIT_USAGE, cause: error });
  }
  return error;
}

/** Opens the writer: a new file, or the existing one continued (reporting a replaced end-of-stream message). */
async function openWriter(ctx: Context, path: string, options: WriteOptions) {
  const ss = await import('@x/seastreamer-file');
  const { openFileSink, openFileSource } = await import('@x/binary/node');
  const common = {
    ...(options.interval === undefined ? {} : { beaconInterval: options.interval }),
    allowReservedStreamKeys: options.ndjson === true,
  };
  try {
    if (!existsSync(path)) {
      const sink = openFileSink(path);
      return { writer: ss.createSeaStreamerWriter(sink, { ...common, fileName: basename(path) }), sink };
    }
    const source = await openFileSource(path, { chunkSize: 1 << 20 });
    let plan: Awaited<ReturnType<typeof ss.planAppend>>;
    try {
      plan = await ss.planAppend(source);
    } finally {
      await source.close();
    }
    if (plan.overwritesEos) {
      ctx.warn(
        'EOS_REPLACED',
        `the file ended with an end-of-stream message at offset ${plan.resume.offset}: appending replaces it (it is written again with --eos)`,
        path,
      );
    }
    const sink: ByteSink & { abort(): void } = openFileSink(path, { start: plan.resume.offset });
    return { writer: ss.createSeaStreamerWriter(sink, { ...common, resume: plan.resume }), sink };
  } catch (error) {
    throw ioFailure(error, path);
  }
}

/** Runs `xtrace write`. */
export async function write(ctx: Context, outPath: string, options: WriteOptions): Promise<void> {
  ctx.currentFile = outPath;
  if (outPath === '-') throw usage('write needs a file path (it appends to an existing file)');
  if (options.stream === undefined && !options.ndjson) throw usage('--stream is required');
  const ss = await import('@x/seastreamer-file');
  const { parseSeaStreamerRecord } = await import('@x/seastreamer-file/ndjson');
  if (options.stream !== undefined) {
    try {
      ss.validateStreamKey(options.stream);
    } catch (error) {
      throw new XtraceError('INVALID_STREAM_KEY', (error as Error).message, { exitCode: EXIT_USAGE });
    }
  }
  const shard = BigInt(options.shard);
  const { writer, sink } = await openWriter(ctx, outPath, options);
  if (options.interval !== undefined && writer.beaconInterval !== options.interval) {
    ctx.warn(
      'INTERVAL_KEPT',
      `appending keeps the file's beacon interval ${writer.beaconInterval} (--interval ${options.interval} ignored)`,
      outPath,
    );
  }
  const next = new Map<string, bigint>();
  for (const s of writer.streams) next.set(`${s.shardId}\u0000${s.streamKey}`, s.maxSeqNo + 1n);
  const nextSeq = (key: string, shardId: bigint): bigint => {
    const id = `${shardId}\u0000${key}`;
    const seq = next.get(id) ?? 0n;
    next.set(id, seq + 1n);
    return seq;
  };
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  const scheduleFlush = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      flushing = flushing.then(() => writer.flush()).catch(() => undefined);
    }, FLUSH_DELAY_MS);
  };
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input: ctx.io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let wroteEos = false;
  const bad = (message: string, code = 'INVALID_NDJSON'): void =>
    ctx.reportLine({ code, message, line: lineNo }, '-', EXIT_DATA);
  try {
    for await (const line of lines) {
      lineNo++;
      if (!options.ndjson) {
        writer.write({
          streamKey: options.stream as string,
          shardId: shard,
          seqNo: nextSeq(options.stream as string, shard),
          timestamp: BigInt(Date.now()),
          payload: line,
        });
        scheduleFlush();
        continue;
      }
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        bad(`not JSON: ${(error as Error).message}`);
        continue;
      }
      try {
        const parsed = parseSeaStreamerRecord(value, {
          ...(options.stream === undefined ? {} : { streamKey: options.stream }),
          shardId: shard,
          seqNo: nextSeq,
          timestamp: () => BigInt(Date.now()),
        });
        if (parsed.kind !== 'message') continue;
        writer.write(parsed.message);
        if ((value as { eos?: unknown }).eos === true) wroteEos = true;
      } catch (error) {
        const e = error as { code?: string; message: string };
        bad(e.message, e.code ?? 'INVALID_NDJSON');
        continue;
      }
      scheduleFlush();
    }
  } finally {
    if (timer) clearTimeout(timer);
    await flushing;
  }
  try {
    await writer.close({ eos: options.eos === true && !wroteEos });
  } finally {
    sink.close();
  }
  if (lineNo === 0 && !options.eos) ctx.warn('EMPTY_INPUT', 'stdin was empty: no message written', outPath);
}

/** The `write` command. */
export function writeCommand(ctx: Context): Command {
  return new Command('write')
    .description('append messages to a .ss file: one per stdin line, or NDJSON records with --ndjson')
    .argument('<out>', 'the .ss file (created, or appended to when it exists)')
    .option('--stream <key>', 'stream key of the messages (required unless --ndjson records carry one)')
    .option('--shard <n>', 'shard id', u64Arg, '0')
    .option('--interval <n>', 'beacon interval for a new file', positiveInt)
    .option('--ndjson', 'stdin holds NDJSON message records (streamKey, shardId, seqNo, timestampMs, payload)')
    .option('--eos', 'write an end-of-stream message at the end')
    .addHelpText(
      'after',
      `
Replaces the reference sink, stdin-to-file and clock programs. Sequence numbers continue from the file's
last message of the stream; timestamps are the current time unless NDJSON records carry them. Appending to a
file that ends with an end-of-stream message replaces that message (stderr says so).
${examples(
  'tail -f app.log | xtrace write app.ss --stream log',
  'xtrace cat a.ss --format ndjson | xtrace write b.ss --ndjson',
  'echo done | xtrace write app.ss --stream log --eos',
)}`,
    )
    .action((out: string, options: WriteOptions) => write(ctx, out, options));
}
