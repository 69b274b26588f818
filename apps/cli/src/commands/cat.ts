/**
 * `xtrace cat FILE`: records in file order, in one of the output formats, with filters and `--follow`.
 *
 * @module
 */
import type {
  SeaStreamerEnd,
  SeaStreamerMessage,
  SeaStreamerProblem,
  SeaStreamerReader,
  SeaStreamerRecord,
} from '@x/seastreamer-file';
import { formatIsoTimestamp } from '@x/seastreamer-file';
import {
  createRecordWriter,
  encodePayload,
  formatBeaconRecord,
  formatEndRecord,
  formatHeaderRecord,
  formatMessageRecord,
  formatProblemRecord,
  type PayloadMode,
} from '@x/seastreamer-file/ndjson';
import { createSsDecodeWriter } from '@x/seastreamer-file/ss-decode';
import { EXIT_DATA, XtraceError } from '../errors.js';
import { type Input, openInput } from '../input.js';
import type { Context } from '../io.js';
import { createProgress } from '../output/progress.js';
import { oneLineCell, StreamTable } from '../output/table.js';
import { openSsReader, problemSeverity } from '../ss-source.js';
import { boundToEpochMs, parseTimeBound } from '../time.js';
import type { CatFormat, CatOptions } from './types.js';

export type { CatFormat, CatOptions } from './types.js';

/** Runs `xtrace cat`. */
export async function cat(ctx: Context, file: string, options: CatOptions): Promise<void> {
  const format: CatFormat = options.format ?? (ctx.stdoutIsTTY ? 'table' : 'ndjson');
  const input = await openInput(ctx.io, file);
  ctx.currentFile = input.name;
  if (options.follow && input.path === undefined) {
    throw new XtraceError('USAGE', '--follow needs a file, not stdin');
  }
  if (input.format === 'ss') {
    await catSs(ctx, input, options, format);
  } else {
    const { catMoqtrace } = await import('./cat-moqtrace.js');
    await catMoqtrace(ctx, input, options, format);
  }
}

/** Message filters of a `.ss` cat. */
interface SsFilter {
  stream: string | undefined;
  shard: bigint | undefined;
  from: bigint | undefined;
  to: bigint | undefined;
}

function ssFilter(options: CatOptions): SsFilter {
  if (options.type !== undefined) throw new XtraceError('USAGE', '--type applies to .moqtrace files only');
  if (options.direction !== undefined) throw new XtraceError('USAGE', '--direction applies to .moqtrace files only');
  const from =
    options.from === undefined ? undefined : BigInt(Math.ceil(boundToEpochMs(parseTimeBound(options.from, '--from'))));
  const to =
    options.to === undefined ? undefined : BigInt(Math.floor(boundToEpochMs(parseTimeBound(options.to, '--to'))));
  return {
    stream: options.stream,
    shard: options.shard === undefined ? undefined : BigInt(options.shard),
    from,
    to,
  };
}

function matches(f: SsFilter, m: SeaStreamerMessage): boolean {
  if (f.stream !== undefined && m.streamKey !== f.stream) return false;
  if (f.shard !== undefined && m.shardId !== f.shard) return false;
  if (f.from !== undefined && m.timestamp < f.from) return false;
  if (f.to !== undefined && m.timestamp > f.to) return false;
  return true;
}

/** Human-oriented payload text for table and log output. */
export function payloadPreview(payload: Uint8Array, mode: PayloadMode, max: number): string {
  if (mode === 'none') return '';
  const rendered = encodePayload(payload.length > max * 4 ? payload.subarray(0, max * 4) : payload, mode);
  if (!rendered) return '';
  let text = rendered.payloadEncoding === 'utf8' ? oneLineCell(rendered.payload) : rendered.payload;
  if (mode === 'auto' && rendered.payloadEncoding === 'hex') text = `<${payload.length} bytes> ${text}`;
  if (text.length > max) text = `${text.slice(0, max - 1)}…`;
  return text;
}

interface SsPrinter {
  header(reader: SeaStreamerReader): Promise<void> | undefined;
  message(m: SeaStreamerMessage): Promise<void> | undefined;
  beacon(item: Extract<SeaStreamerRecord, { kind: 'beacon' }>): Promise<void> | undefined;
  problem(
    p: { code: string; offset: number | undefined; message: string },
    severity: 'error' | 'warning',
  ): Promise<void> | undefined;
  end(state: SeaStreamerEnd['state'], offset: number): Promise<void> | undefined;
}

function recordPrinter(ctx: Context, mode: 'ndjson' | 'json', options: CatOptions): SsPrinter {
  const records = createRecordWriter((text) => ctx.out.write(text), mode);
  return {
    header: (reader) => records.record(formatHeaderRecord(reader.header)),
    message: (m) => records.record(formatMessageRecord(m, options.payload)),
    beacon: (b) => (options.beacons ? records.record(formatBeaconRecord(b)) : undefined),
    problem: (p, severity) => records.record(formatProblemRecord({ ...p, severity })),
    end: (state, offset) => {
      records.record(formatEndRecord({ state, offset }));
      return records.finish();
    },
  };
}

function textPrinter(ctx: Context, format: 'table' | 'log', options: CatOptions, fileName: string): SsPrinter {
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
    c.dim,
  );
  return {
    header: (reader) => {
      const h = reader.header;
      const line = `# ${fileName}: .ss v1, file name ${JSON.stringify(h.fileName)}, created ${formatIsoTimestamp(h.createdAt)}, beacon interval ${h.beaconInterval}\n`;
      return ctx.out.write(c.dim(line) + (format === 'table' ? `${table.header()}` : ''));
    },
    message: (m) => {
      const payload = payloadPreview(m.payload, options.payload, format === 'table' ? 80 : 400);
      const eos = m.isEos ? c.magenta(' [EOS]') : '';
      if (format === 'table') {
        return ctx.out.write(
          table.row([
            c.dim(String(m.offset)),
            formatIsoTimestamp(m.timestamp),
            c.cyan(m.streamKey),
            String(m.shardId),
            String(m.seqNo),
            String(m.payload.length),
            payload + eos,
          ]),
        );
      }
      return ctx.out.write(
        `${c.dim(formatIsoTimestamp(m.timestamp))} ${c.cyan(m.streamKey)}/${m.shardId} #${m.seqNo}${eos} ${payload}\n`,
      );
    },
    beacon: (b) => {
      if (!options.beacons) return undefined;
      const markers = b.markers
        .map((k) => `${k.streamKey}/${k.shardId} seq≤${k.seqNo} crc ${k.runningChecksum}`)
        .join(', ');
      return ctx.out.write(
        c.yellow(`-- beacon #${b.index} at ${b.offset} (${b.size} bytes, R=${b.remainingMessageBytes}) ${markers}\n`),
      );
    },
    problem: () => undefined,
    end: (state, offset) => ctx.out.write(c.dim(`# end: ${state} at offset ${offset}\n`)),
  };
}

async function catSs(ctx: Context, input: Input, options: CatOptions, format: CatFormat): Promise<void> {
  if (format === 'events') throw new XtraceError('USAGE', '--format events applies to .moqtrace files only');
  const filter = ssFilter(options);
  if (format === 'ss-decode-log' || format === 'ss-decode-ndjson') {
    await catSsDecode(ctx, input, options, format === 'ss-decode-log' ? 'log' : 'ndjson', filter);
    return;
  }
  const printer =
    format === 'ndjson' || format === 'json'
      ? recordPrinter(ctx, format, options)
      : textPrinter(ctx, format as 'table' | 'log', options, input.name);
  const queued: SeaStreamerProblem[] = [];
  const reader = await openFollowOrRead(ctx, input, options, (p) => queued.push(p));
  const progress = createProgress(ctx, input.size, 'cat');
  const flushProblems = async (upTo: number): Promise<void> => {
    while (queued.length > 0 && (queued[0]!.offset ?? 0) <= upTo) {
      const p = queued.shift()!;
      const severity = problemSeverity(p);
      ctx.reportLine(p.code, p.message, p.offset, input.name, severity === 'error' ? EXIT_DATA : 0);
      const w = printer.problem(p, severity);
      if (w) await w;
    }
  };
  let printed = 0;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let lastEnd = 128;
  let stopped = false;
  try {
    let w = printer.header(reader);
    if (w) await w;
    if (limit === 0) stopped = true;
    while (!stopped) {
      const batch = await reader.nextBatch();
      if (batch === null) break;
      for (const item of batch) {
        if (item.kind === 'beacon') {
          w = printer.beacon(item);
          if (w) await w;
          continue;
        }
        lastEnd = item.endOffset;
        if (matches(filter, item)) {
          w = printer.message(item);
          if (w) await w;
          if (++printed >= limit) {
            stopped = true;
          }
        }
        if (queued.length > 0) await flushProblems(item.offset);
        if (stopped) break;
      }
      progress.update(lastEnd);
    }
  } finally {
    progress.stop();
  }
  await flushProblems(Number.POSITIVE_INFINITY);
  const end = stopped ? { state: 'eof' as const, offset: lastEnd, trailingBytes: 0 } : reader.end;
  await reader.close();
  const state = end?.state ?? 'eof';
  if (state === 'truncated' && end) {
    const message = `${end.trailingBytes} bytes after offset ${end.offset} do not hold a complete message`;
    ctx.reportLine('TRUNCATED', message, end.offset, input.name, EXIT_DATA);
    const w = printer.problem({ code: 'TRUNCATED', offset: end.offset, message }, 'error');
    if (w) await w;
  } else if (state === 'removed') {
    ctx.reportLine('FILE_REMOVED', 'the file was removed while following it', end?.offset, input.name, EXIT_DATA);
  }
  const w = printer.end(state, end?.offset ?? lastEnd);
  if (w) await w;
}

/** Opens a bounded reader, or a following one for `--follow` (see follow.ts). */
async function openFollowOrRead(
  ctx: Context,
  input: Input,
  options: CatOptions,
  onProblem: (p: SeaStreamerProblem) => void,
  readerOptions: { strict?: boolean } = {},
): Promise<SeaStreamerReader> {
  const all = { ...readerOptions, onProblem, beacons: true };
  if (options.follow) {
    const { followSs } = await import('../follow.js');
    return followSs(ctx, input, all);
  }
  return openSsReader(input, all);
}

/** The reference decoder's formats, byte for byte (spec §11.2–11.3). */
async function catSsDecode(
  ctx: Context,
  input: Input,
  options: CatOptions,
  format: 'log' | 'ndjson',
  filter: SsFilter,
): Promise<void> {
  // The reference decoder's output, as bytes (payloads are copied, not turned into text and back).
  const out = createSsDecodeWriter(
    { write: (chunk) => ctx.out.writeBytes(chunk), close: () => undefined },
    { format, headerOnly: options.payload === 'none' },
  );
  // Strict like the reference: a damaged message stops the output with an error.
  const reader = await openFollowOrRead(ctx, input, options, () => undefined, { strict: true });
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let w = out.header(reader.header);
  if (w) await w;
  let done = limit === 0;
  try {
    while (!done) {
      const batch = await reader.nextBatch();
      if (batch === null) break;
      for (const item of batch) {
        w = out.record(item, item.kind === 'beacon' || matches(filter, item));
        if (w) await w;
        if (out.ended || out.printed >= limit) {
          done = true;
          break;
        }
      }
    }
    // At the limit the record held back is not printed: only what is written goes out.
    if (done && !out.ended) await out.flush();
    else await out.finish();
  } catch (error) {
    const e = error as { code?: string; received?: number; computed?: number; offset?: number };
    if (e.code === 'CHECKSUM_MISMATCH') {
      await out.finish();
      ctx.reportLine(
        'CHECKSUM_MISMATCH',
        `Checksum error: received ${e.received}, computed ${e.computed}`,
        e.offset,
        input.name,
        EXIT_DATA,
      );
      await reader.close();
      return;
    }
    throw error;
  }
  const end = reader.end;
  await reader.close();
  if (!done && end?.state === 'truncated') {
    // the reference warns and exits 0 ("the file might have been truncated")
    ctx.reportLine('TRUNCATED', 'the file might have been truncated', end.offset, input.name, 0);
  }
}
