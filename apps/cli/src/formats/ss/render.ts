/**
 * `cat` for `.ss`: the message filter (stream, shard, time) and the renderers: the NDJSON record contract of
 * `@x/seastreamer-file/ndjson`, a table and a log.
 *
 * @module
 */
import { formatIsoTimestamp, type SeaStreamerHeader, type SeaStreamerMessage } from '@x/seastreamer-file';
import {
  formatBeaconRecord,
  formatEndRecord,
  formatHeaderRecord,
  formatMessageRecord,
  formatProblemRecord,
} from '@x/seastreamer-file/ndjson';
import type { Context } from '../../context.js';
import { usage } from '../../errors.js';
import { StreamTable, styledLine } from '../../output/table.js';
import { boundToEpochMs, parseTimeBound } from '../../time.js';
import { footer } from '../framing.js';
import { payloadPreview, resolvePayloadMode } from '../payload.js';
import type { CatFormat, CatOptions, RecordFilter, Renderer } from '../types.js';
import type { SsRecord } from './read.js';

const LISTED_STREAMS = 20;

/** The message filter of `cat` (beacons always pass: they are printed only with `--beacons`). */
export function ssFilter(options: CatOptions): RecordFilter<SsRecord> {
  if (options.type !== undefined) throw usage('--type applies to .moqtrace and qlog files only');
  if (options.direction !== undefined) throw usage('--direction applies to .moqtrace and qlog files only');
  const from =
    options.from === undefined ? undefined : BigInt(Math.ceil(boundToEpochMs(parseTimeBound(options.from, '--from'))));
  const to =
    options.to === undefined ? undefined : BigInt(Math.floor(boundToEpochMs(parseTimeBound(options.to, '--to'))));
  const stream = options.stream;
  const shard = options.shard === undefined ? undefined : BigInt(options.shard);
  if (stream === undefined && shard === undefined && from === undefined && to === undefined) {
    return { matches: () => true, finish: () => undefined };
  }
  // The pairs seen, to say which exist when the asked one does not (bounded: a file has few streams).
  const seen = new Map<string, Set<bigint>>();
  let found = false;
  return {
    matches(r) {
      if (r.kind !== 'message') return true;
      if (stream !== undefined || shard !== undefined) {
        if (!found) {
          let shards = seen.get(r.streamKey);
          if (shards === undefined && seen.size < 10_000) seen.set(r.streamKey, (shards = new Set()));
          if (shards !== undefined && shards.size < 1000) shards.add(r.shardId);
        }
        if (stream !== undefined && r.streamKey !== stream) return false;
        if (shard !== undefined && r.shardId !== shard) return false;
        found = true;
      }
      if (from !== undefined && r.timestamp < from) return false;
      if (to !== undefined && r.timestamp > to) return false;
      return true;
    },
    finish() {
      if (found || (stream === undefined && shard === undefined)) return undefined;
      const pairs = [...seen].flatMap(([key, shards]) => [...shards].map((s) => `${key}/${s}`));
      const listed =
        pairs.length === 0
          ? 'the file has no messages'
          : `the file has ${pairs.slice(0, LISTED_STREAMS).join(', ')}${pairs.length > LISTED_STREAMS ? `, … (${pairs.length} in all)` : ''}`;
      const what =
        stream === undefined
          ? `no shard ${shard} in the file`
          : shard !== undefined && seen.has(stream)
            ? `stream ${JSON.stringify(stream)} has no shard ${shard}`
            : `no stream ${JSON.stringify(stream)} in the file`;
      return `${what}; ${listed} (stream/shard)`;
    },
  };
}

function messageJson(m: SeaStreamerMessage, options: CatOptions): string {
  return formatMessageRecord(m, resolvePayloadMode(m.payload, options.payload));
}

function beaconText(b: Extract<SsRecord, { kind: 'beacon' }>): string {
  const markers = b.markers
    .map((k) => `${k.streamKey}/${k.shardId} seq≤${k.seqNo} crc ${k.runningChecksum}`)
    .join(', ');
  return `-- beacon #${b.index} at ${b.offset} (${b.size} bytes, R=${b.remainingMessageBytes}) ${markers}`;
}

/** The `cat` renderer of a `.ss` read in `format` (ndjson, json, table, log). */
export function ssRenderer(
  ctx: Context,
  name: string,
  header: SeaStreamerHeader,
  format: CatFormat,
  options: CatOptions,
): Renderer<SsRecord> {
  if (format === 'ndjson' || format === 'json') {
    return {
      mode: 'records',
      start: () => [formatHeaderRecord(header)],
      record: (r) =>
        r.kind === 'message' ? messageJson(r, options) : options.beacons ? formatBeaconRecord(r) : undefined,
      problem: (p) => formatProblemRecord(p),
      end: (o) => formatEndRecord({ state: o.state as 'eof', offset: o.offset }),
    };
  }
  if (format !== 'table' && format !== 'log')
    throw usage(`--format ${format} applies to .moqtrace and qlog files only`);
  const c = ctx.colors;
  const table = new StreamTable(
    [
      { title: 'OFFSET', right: true, width: 9 },
      { title: 'TIMESTAMP', width: 24 },
      { title: 'STREAM', width: 16 },
      { title: 'SHARD', right: true, width: 5 },
      { title: 'SEQ', right: true, width: 8 },
      { title: 'SIZE', right: true, width: 7 },
      { title: 'PAYLOAD' },
    ],
    c,
  );
  const headingLine = styledLine(
    [
      {
        text: `# ${name}: .ss v1, file name ${JSON.stringify(header.fileName)}, created ${formatIsoTimestamp(header.createdAt)}, beacon interval ${header.beaconInterval}`,
        style: 'dim',
      },
    ],
    c,
  );
  return {
    mode: 'text',
    start: () => [headingLine, ...(format === 'table' ? [table.header()] : [])],
    record(r) {
      if (r.kind === 'beacon')
        return options.beacons ? styledLine([{ text: beaconText(r), style: 'yellow' }], c) : undefined;
      const payload = payloadPreview(r.payload, options.payload, format === 'table' ? 80 : 400);
      if (format === 'table') {
        return table.row([
          { text: String(r.offset), style: 'dim' },
          formatIsoTimestamp(r.timestamp),
          { text: r.streamKey, style: 'cyan' },
          String(r.shardId),
          String(r.seqNo),
          String(r.payload.length),
          r.isEos ? { text: `${payload} [EOS]`.trim(), style: 'magenta' } : payload,
        ]);
      }
      return styledLine(
        [
          { text: formatIsoTimestamp(r.timestamp), style: 'dim' },
          { text: `${r.streamKey}/${r.shardId}`, style: 'cyan' },
          `#${r.seqNo}`,
          r.isEos ? { text: '[EOS]', style: 'magenta' } : '',
          payload,
        ],
        c,
      );
    },
    problem: () => undefined,
    end: (o) => styledLine([{ text: footer(o), style: 'dim' }], c),
  };
}
