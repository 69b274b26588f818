/**
 * `xtrace seek FILE --stream KEY [--shard N] (--seq N | --time T)`: the first matching message and its
 * offset, found through the beacons (binary search over the markers, then a forward scan).
 *
 * @module
 */
import { formatIsoTimestamp, type SeaStreamerMessage } from '@x/seastreamer-file';
import { createRecordWriter, formatMessageRecord, type PayloadMode } from '@x/seastreamer-file/ndjson';
import { EXIT_DATA, XtraceError } from '../errors.js';
import { openInput } from '../input.js';
import type { Context } from '../io.js';
import { formatTable } from '../output/table.js';
import { openSsReader } from '../ss-source.js';
import { boundToEpochMs, parseTimeBound } from '../time.js';
import { payloadPreview } from './cat.js';

/** Options of `seek`. */
export interface SeekOptions {
  stream: string;
  shard: string;
  seq?: string;
  time?: string;
  limit: number;
  format?: 'ndjson' | 'json' | 'table' | 'log';
  payload: PayloadMode;
  verbose?: boolean;
}

/** Runs `xtrace seek`. */
export async function seek(ctx: Context, file: string, options: SeekOptions): Promise<void> {
  if ((options.seq === undefined) === (options.time === undefined)) {
    throw new XtraceError('USAGE', 'give exactly one of --seq and --time');
  }
  const input = await openInput(ctx.io, file);
  ctx.currentFile = input.name;
  if (input.format !== 'ss')
    throw new XtraceError('USAGE', 'seek works on .ss files (their beacons index the streams)');
  const reader = await openSsReader(input, { verifyRunningChecksums: false });
  const shard = BigInt(options.shard);
  let result: Awaited<ReturnType<typeof reader.seekBySeqNo>>;
  try {
    if (options.seq !== undefined) {
      result = await reader.seekBySeqNo(options.stream, shard, BigInt(options.seq));
    } else {
      const ms = boundToEpochMs(parseTimeBound(options.time!, '--time'));
      result = await reader.seekByTimestamp(options.stream, shard, BigInt(Math.floor(ms)));
    }
  } catch (error) {
    await reader.close();
    if ((error as { code?: string }).code === 'OUT_OF_RANGE') {
      const target = options.seq !== undefined ? `seq >= ${options.seq}` : `timestamp > ${options.time}`;
      throw new XtraceError('SEEK_OUT_OF_BOUND', `no message of ${options.stream}/${shard} with ${target}`, {
        file: input.name,
        exitCode: EXIT_DATA,
      });
    }
    throw error;
  }
  if (options.verbose) {
    ctx.stderrLine(
      `xtrace: ${input.name}: ${result.beaconsRead} beacons read, scan started at beacon ${result.startBeacon}, ${result.messagesScanned} messages scanned`,
    );
  }
  const found: SeaStreamerMessage[] = [];
  // the matched message is also the reader's next one; then more of the same stream
  collect: for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
    for (const m of batch) {
      if (m.kind !== 'message' || m.streamKey !== options.stream || m.shardId !== shard) continue;
      if (found.length >= options.limit) break collect;
      found.push(m);
    }
  }
  if (found.length === 0) found.push(result.message);
  await reader.close();
  const format = options.format ?? (ctx.stdoutIsTTY ? 'table' : 'ndjson');
  if (format === 'ndjson' || format === 'json') {
    const records = createRecordWriter((text) => ctx.out.write(text), format);
    for (const m of found) {
      const w = records.record(formatMessageRecord(m, options.payload));
      if (w) await w;
    }
    const w = records.finish();
    if (w) await w;
    return;
  }
  const rows = found.map((m) => [
    String(m.offset),
    formatIsoTimestamp(m.timestamp),
    m.streamKey,
    String(m.shardId),
    String(m.seqNo),
    String(m.payload.length),
    payloadPreview(m.payload, options.payload, 60),
  ]);
  const text =
    format === 'table'
      ? formatTable(
          [
            { title: 'OFFSET', right: true },
            { title: 'TIMESTAMP' },
            { title: 'STREAM' },
            { title: 'SHARD', right: true },
            { title: 'SEQ', right: true },
            { title: 'SIZE', right: true },
            { title: 'PAYLOAD' },
          ],
          rows,
          ctx.colors.dim,
        )
      : rows.map((r) => `${r[1]} ${r[2]}/${r[3]} #${r[4]} at offset ${r[0]} ${r[6]}\n`).join('');
  const w = ctx.out.write(text);
  if (w) await w;
}
