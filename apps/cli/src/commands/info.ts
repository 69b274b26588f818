/**
 * `xtrace info FILE`: format, version, header fields, counts, time range, segments, end state, beacon
 * interval and file size.
 *
 * @module
 */
import { computeStats, formatIsoTimestamp } from '@x/seastreamer-file';
import { EXIT_DATA } from '../errors.js';
import { type Input, openInput } from '../input.js';
import type { Context } from '../io.js';
import { stringifyJson, u64Json } from '../output/json.js';
import { formatTable, keyValues } from '../output/table.js';
import { withSource } from '../ss-source.js';

/** Options of `info`. */
export interface InfoOptions {
  json?: boolean;
}

/** Runs `xtrace info`. */
export async function info(ctx: Context, file: string, options: InfoOptions): Promise<void> {
  const input = await openInput(ctx.io, file);
  ctx.currentFile = input.name;
  if (input.format === 'ss') await infoSs(ctx, input, options);
  else await (await import('./moqtrace-commands.js')).infoMoqtrace(ctx, input, options);
}

async function infoSs(ctx: Context, input: Input, options: InfoOptions): Promise<void> {
  const stats = await withSource(input, (source) => computeStats(source));
  const h = stats.header;
  const end = stats.end;
  let first: bigint | undefined;
  let last: bigint | undefined;
  for (const s of stats.streams) {
    if (s.streamKey === 'SEA_STREAMER_INTERNAL') continue;
    if (first === undefined || s.minTimestamp < first) first = s.minTimestamp;
    if (last === undefined || s.maxTimestamp > last) last = s.maxTimestamp;
  }
  const counts = stats.streams.map((s) => ({
    streamKey: s.streamKey,
    shardId: u64Json(s.shardId),
    messages: s.messageCount,
  }));
  if (options.json) {
    const w = ctx.out.write(
      `${stringifyJson({
        file: input.name,
        format: 'ss',
        version: 1,
        fileSize: input.size,
        header: {
          fileName: h.fileName,
          createdAtMs: u64Json(h.createdAt),
          createdAt: formatIsoTimestamp(h.createdAt),
          beaconInterval: h.beaconInterval,
          paddingOk: h.paddingOk,
        },
        beaconInterval: h.beaconInterval,
        messageCount: stats.messageCount,
        streamCount: stats.streams.length,
        counts,
        timeRange:
          first === undefined || last === undefined
            ? null
            : {
                firstMs: u64Json(first),
                first: formatIsoTimestamp(first),
                lastMs: u64Json(last),
                last: formatIsoTimestamp(last),
              },
        beaconCount: stats.beaconCount,
        end: end ? { state: end.state, offset: end.offset, trailingBytes: end.trailingBytes } : null,
        eos: stats.ended,
      })}\n`,
    );
    if (w) await w;
  } else {
    const c = ctx.colors;
    const state = end
      ? `${end.state} at offset ${end.offset}${end.trailingBytes ? ` (${end.trailingBytes} trailing bytes)` : ''}`
      : 'unknown';
    const text =
      keyValues(
        [
          ['file', input.name],
          ['format', 'SeaStreamer .ss, version 1'],
          ['file size', `${input.size} bytes`],
          ['file name', JSON.stringify(h.fileName)],
          ['created at', `${formatIsoTimestamp(h.createdAt)} (${h.createdAt} ms)`],
          ['beacon interval', `${h.beaconInterval} bytes`],
          ['padding', h.paddingOk ? 'ok' : 'not zeros + 0x0D'],
          ['messages', `${stats.messageCount} in ${stats.streams.length} stream/shard pairs`],
          [
            'time range',
            first === undefined || last === undefined
              ? '-'
              : `${formatIsoTimestamp(first)} .. ${formatIsoTimestamp(last)}`,
          ],
          ['beacons', String(stats.beaconCount)],
          ['end', state],
          ['end of stream', stats.ended ? 'yes (EOS)' : 'no'],
        ],
        c.dim,
      ) +
      (counts.length > 0
        ? `\n${formatTable(
            [{ title: 'STREAM' }, { title: 'SHARD', right: true }, { title: 'MESSAGES', right: true }],
            stats.streams.map((s) => [s.streamKey, String(s.shardId), String(s.messageCount)]),
            c.dim,
          )}`
        : '');
    const w = ctx.out.write(text);
    if (w) await w;
  }
  if (end?.state === 'truncated') {
    ctx.reportLine(
      'TRUNCATED',
      `${end.trailingBytes} bytes after offset ${end.offset} do not hold a complete message`,
      end.offset,
      input.name,
      EXIT_DATA,
    );
  }
}
