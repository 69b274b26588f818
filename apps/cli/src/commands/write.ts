/**
 * `xtrace write OUT.ss --stream KEY`: one message per stdin line (or NDJSON message records with `--ndjson`),
 * appending when the file exists. Replaces the reference `sink`, `stdin-to-file` and `clock` programs.
 *
 * @module
 */
import { createInterface } from 'node:readline';
import { validateStreamKey } from '@x/seastreamer-file';
import { parseSeaStreamerRecord } from '@x/seastreamer-file/ndjson';
import { createSeaStreamerFileWriter } from '@x/seastreamer-file/node';
import { EXIT_DATA, EXIT_USAGE, XtraceError } from '../errors.js';
import type { Context } from '../io.js';

/** Options of `write`. */
export interface WriteOptions {
  stream?: string;
  shard: string;
  interval?: number;
  ndjson?: boolean;
  eos?: boolean;
}

const FLUSH_DELAY_MS = 50;

/** Runs `xtrace write`. */
export async function write(ctx: Context, outPath: string, options: WriteOptions): Promise<void> {
  ctx.currentFile = outPath;
  if (outPath === '-') throw new XtraceError('USAGE', 'write needs a file path (it appends to an existing file)');
  if (options.stream === undefined && !options.ndjson) throw new XtraceError('USAGE', '--stream is required');
  if (options.stream !== undefined) {
    try {
      validateStreamKey(options.stream);
    } catch (error) {
      throw new XtraceError('INVALID_STREAM_KEY', (error as Error).message, { exitCode: EXIT_USAGE });
    }
  }
  const shard = BigInt(options.shard);
  let writer: Awaited<ReturnType<typeof createSeaStreamerFileWriter>>;
  try {
    writer = await createSeaStreamerFileWriter(outPath, {
      append: true,
      ...(options.interval === undefined ? {} : { beaconInterval: options.interval }),
      allowReservedStreamKeys: options.ndjson === true,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'IO_ERROR' || code === 'INVALID_BEACON_INTERVAL' || code === 'FILE_NAME_TOO_LONG') {
      throw new XtraceError(code, (error as Error).message, { exitCode: EXIT_USAGE });
    }
    throw error;
  }
  if (options.interval !== undefined && writer.beaconInterval !== options.interval) {
    ctx.reportLine(
      'INTERVAL_KEPT',
      `appending keeps the file's beacon interval ${writer.beaconInterval} (--interval ${options.interval} ignored)`,
      undefined,
      outPath,
      0,
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
  const lines = createInterface({ input: ctx.io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  let written = 0;
  let wroteEos = false;
  try {
    for await (const line of lines) {
      lineNo++;
      if (options.ndjson) {
        if (line.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          ctx.reportLine('INVALID_NDJSON', `line ${lineNo}: ${(error as Error).message}`, undefined, '-', EXIT_DATA);
          continue;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          ctx.reportLine('INVALID_NDJSON', `line ${lineNo}: not a JSON object`, undefined, '-', EXIT_DATA);
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
          ctx.reportLine(e.code ?? 'INVALID_NDJSON', `line ${lineNo}: ${e.message}`, undefined, '-', EXIT_DATA);
          continue;
        }
      } else {
        writer.write({
          streamKey: options.stream!,
          shardId: shard,
          seqNo: nextSeq(options.stream!, shard),
          timestamp: BigInt(Date.now()),
          payload: line,
        });
      }
      written++;
      scheduleFlush();
    }
  } finally {
    if (timer) clearTimeout(timer);
    await flushing;
  }
  await writer.close({ eos: options.eos === true && !wroteEos });
  if (written === 0 && lineNo === 0 && !options.eos) {
    ctx.reportLine('EMPTY_INPUT', 'stdin was empty: no message written', undefined, outPath, 0);
  }
}
