/**
 * `info` and `stats` of a `.ss` read, built one record at a time on `createStatsBuilder` of
 * `@x/seastreamer-file` (memory: one entry per stream/shard pair).
 *
 * @module
 */
import {
  createStatsBuilder,
  formatIsoTimestamp,
  SEA_STREAMER_INTERNAL,
  type SeaStreamerHeader,
  type StreamStats,
} from '@x/seastreamer-file';
import type { TraceInput } from '../../input/input.js';
import { u64Json } from '../../output/json.js';
import { count, problemCounts } from '../../output/text.js';
import type { ReadOutcome, Report, ReportBuilder } from '../types.js';
import type { SsRecord } from './read.js';

function sortStreams(streams: StreamStats[]): StreamStats[] {
  return streams.sort((x, y) =>
    x.streamKey < y.streamKey
      ? -1
      : x.streamKey > y.streamKey
        ? 1
        : x.shardId < y.shardId
          ? -1
          : x.shardId > y.shardId
            ? 1
            : 0,
  );
}

/** Counts shared by both reports. */
class Totals {
  readonly streams = createStatsBuilder();
  beacons = 0;
  beaconBytes = 0;
  eos = false;

  add(record: SsRecord): void {
    if (record.kind === 'beacon') {
      this.beacons++;
      this.beaconBytes += record.size;
      return;
    }
    this.streams.add(record);
    this.eos = record.isEos;
  }
}

function endText(outcome: ReadOutcome): string {
  const tail = outcome.trailingBytes > 0 ? ` (${count(outcome.trailingBytes, 'trailing bytes')})` : '';
  return `${outcome.state} at offset ${outcome.offset}${tail}`;
}

function endJson(outcome: ReadOutcome): Record<string, unknown> {
  return { state: outcome.state, offset: outcome.offset, trailingBytes: outcome.trailingBytes };
}

function fileSize(input: TraceInput, outcome: ReadOutcome): number {
  return input.size ?? outcome.offset + outcome.trailingBytes;
}

/** The `info` report of a `.ss` read. */
export function ssInfo(input: TraceInput, header: SeaStreamerHeader): ReportBuilder<SsRecord> {
  const totals = new Totals();
  return {
    add: (record) => totals.add(record),
    report(outcome) {
      const streams = sortStreams(totals.streams.streams());
      let first: bigint | undefined;
      let last: bigint | undefined;
      for (const s of streams) {
        if (s.streamKey === SEA_STREAMER_INTERNAL) continue;
        if (first === undefined || s.minTimestamp < first) first = s.minTimestamp;
        if (last === undefined || s.maxTimestamp > last) last = s.maxTimestamp;
      }
      const messages = streams.reduce((n, s) => n + s.messageCount, 0);
      const h = header;
      const json = {
        file: input.name,
        format: 'ss',
        version: 1,
        fileSize: fileSize(input, outcome),
        header: {
          fileName: h.fileName,
          createdAtMs: u64Json(h.createdAt),
          createdAt: formatIsoTimestamp(h.createdAt),
          beaconInterval: h.beaconInterval,
          paddingOk: h.paddingOk,
        },
        beaconInterval: h.beaconInterval,
        messageCount: messages,
        streamCount: streams.length,
        counts: streams.map((s) => ({ streamKey: s.streamKey, shardId: u64Json(s.shardId), messages: s.messageCount })),
        timeRange:
          first === undefined || last === undefined
            ? null
            : {
                firstMs: u64Json(first),
                first: formatIsoTimestamp(first),
                lastMs: u64Json(last),
                last: formatIsoTimestamp(last),
              },
        beaconCount: totals.beacons,
        end: endJson(outcome),
        eos: outcome.state === 'eos',
        problems: { errors: outcome.errors, warnings: outcome.warnings },
      };
      const fields: [string, string][] = [
        ['file', input.name],
        ['format', 'SeaStreamer .ss, version 1'],
        ['file size', count(json.fileSize, 'bytes')],
        ['file name', JSON.stringify(h.fileName)],
        ['created at', `${formatIsoTimestamp(h.createdAt)} (${h.createdAt} ms)`],
        ['beacon interval', count(h.beaconInterval, 'bytes')],
        ['padding', h.paddingOk ? 'ok' : 'not zeros + 0x0D'],
        ['messages', `${messages} in ${count(streams.length, 'stream/shard pairs')}`],
        [
          'time range',
          first === undefined || last === undefined
            ? '-'
            : `${formatIsoTimestamp(first)} .. ${formatIsoTimestamp(last)}`,
        ],
        ['beacons', String(totals.beacons)],
        ['end', endText(outcome)],
        ['end of stream', outcome.state === 'eos' ? 'yes (EOS)' : 'no'],
        ['problems', problemCounts(outcome.errors, outcome.warnings)],
      ];
      const tables =
        streams.length === 0
          ? []
          : [
              {
                columns: [{ title: 'STREAM' }, { title: 'SHARD', right: true }, { title: 'MESSAGES', right: true }],
                rows: streams.map((s) => [s.streamKey, String(s.shardId), String(s.messageCount)]),
              },
            ];
      return { json, fields, tables } satisfies Report;
    },
  };
}

/** The `stats` report of a `.ss` read. */
export function ssStats(input: TraceInput): ReportBuilder<SsRecord> {
  const totals = new Totals();
  return {
    add: (record) => totals.add(record),
    report(outcome) {
      const streams = sortStreams(totals.streams.streams());
      const messages = streams.reduce((n, x) => n + x.messageCount, 0);
      const payload = streams.reduce((n, x) => n + (x.payloadBytes ?? 0), 0);
      const frames = streams.reduce((n, x) => n + (x.frameBytes ?? 0), 0);
      const size = fileSize(input, outcome);
      const json = {
        file: input.name,
        format: 'ss',
        fileSize: size,
        messageCount: messages,
        beaconCount: totals.beacons,
        beaconBytes: totals.beaconBytes,
        payloadBytes: payload,
        frameBytes: frames,
        streams: streams.map((x) => ({
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
        end: endJson(outcome),
        eos: outcome.state === 'eos',
        problems: { errors: outcome.errors, warnings: outcome.warnings },
      };
      const heading = `${input.name}: ${count(messages, 'messages')}, ${count(streams.length, 'stream/shard pairs')}, ${count(totals.beacons, 'beacons')} (${count(totals.beaconBytes, 'bytes')}), ${count(payload, 'payload bytes')} in ${count(frames, 'frame bytes')}, file ${count(size, 'bytes')}; ${problemCounts(outcome.errors, outcome.warnings)}`;
      const rows = streams.map((x) => [
        { text: x.streamKey, style: 'cyan' as const },
        String(x.shardId),
        String(x.messageCount),
        `${x.minSeqNo}..${x.maxSeqNo}`,
        formatIsoTimestamp(x.minTimestamp),
        formatIsoTimestamp(x.maxTimestamp),
        String(x.payloadBytes ?? '-'),
        x.messageCount > 0 && x.payloadBytes !== undefined ? (x.payloadBytes / x.messageCount).toFixed(1) : '-',
      ]);
      return {
        json,
        heading,
        tables: [
          {
            columns: [
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
          },
        ],
      };
    },
  };
}
