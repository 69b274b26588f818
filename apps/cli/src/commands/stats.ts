/**
 * `xtrace stats FILE`: per-stream (`.ss`) or per-type (`.moqtrace`) tables; for `.moqtrace` also the track
 * table (request pairing).
 *
 * @module
 */
import { computeStats, formatIsoTimestamp } from '@x/seastreamer-file';
import { EXIT_DATA } from '../errors.js';
import { type Input, openInput } from '../input.js';
import type { Context } from '../io.js';
import { stringifyJson, u64Json } from '../output/json.js';
import { formatTable } from '../output/table.js';
import { withSource } from '../ss-source.js';

/** Options of `stats`. */
export interface StatsCommandOptions {
  json?: boolean;
}

/** Runs `xtrace stats`. */
export async function stats(ctx: Context, file: string, options: StatsCommandOptions): Promise<void> {
  const input = await openInput(ctx.io, file);
  ctx.currentFile = input.name;
  if (input.format === 'ss') await statsSs(ctx, input, options);
  else await (await import('./moqtrace-commands.js')).statsMoqtrace(ctx, input, options);
}

async function statsSs(ctx: Context, input: Input, options: StatsCommandOptions): Promise<void> {
  const s = await withSource(input, (source) => computeStats(source));
  const payloadTotal = s.streams.reduce((n, x) => n + (x.payloadBytes ?? 0), 0);
  const frameTotal = s.streams.reduce((n, x) => n + (x.frameBytes ?? 0), 0);
  if (options.json) {
    const w = ctx.out.write(
      `${stringifyJson({
        file: input.name,
        format: 'ss',
        fileSize: input.size,
        messageCount: s.messageCount,
        beaconCount: s.beaconCount,
        beaconBytes: s.beaconBytes,
        payloadBytes: payloadTotal,
        frameBytes: frameTotal,
        streams: s.streams.map((x) => ({
          streamKey: x.streamKey,
          shardId: u64Json(x.shardId),
          messages: x.messageCount,
          minSeqNo: u64Json(x.minSeqNo),
          maxSeqNo: u64Json(x.maxSeqNo),
          firstTimestampMs: u64Json(x.minTimestamp),
          lastTimestampMs: u64Json(x.maxTimestamp),
          payloadBytes: x.payloadBytes,
          frameBytes: x.frameBytes,
        })),
        end: s.end ?? null,
        eos: s.ended,
      })}\n`,
    );
    if (w) await w;
  } else {
    const c = ctx.colors;
    const rows = s.streams.map((x) => [
      x.streamKey,
      String(x.shardId),
      String(x.messageCount),
      `${x.minSeqNo}..${x.maxSeqNo}`,
      formatIsoTimestamp(x.minTimestamp),
      formatIsoTimestamp(x.maxTimestamp),
      String(x.payloadBytes ?? '-'),
      x.messageCount > 0 && x.payloadBytes !== undefined ? (x.payloadBytes / x.messageCount).toFixed(1) : '-',
    ]);
    const text =
      `${c.bold(input.name)}: ${s.messageCount} messages, ${s.streams.length} stream/shard pairs, ${s.beaconCount} beacons (${s.beaconBytes ?? 0} bytes), ${payloadTotal} payload bytes in ${frameTotal} frame bytes, file ${input.size} bytes\n\n` +
      formatTable(
        [
          { title: 'STREAM' },
          { title: 'SHARD', right: true },
          { title: 'MESSAGES', right: true },
          { title: 'SEQ' },
          { title: 'FIRST' },
          { title: 'LAST' },
          { title: 'PAYLOAD B', right: true },
          { title: 'AVG B', right: true },
        ],
        rows,
        c.dim,
      );
    const w = ctx.out.write(text);
    if (w) await w;
  }
  if (s.end?.state === 'truncated') {
    ctx.reportLine(
      'TRUNCATED',
      `${s.end.trailingBytes} bytes after offset ${s.end.offset} do not hold a complete message`,
      s.end.offset,
      input.name,
      EXIT_DATA,
    );
  }
}
