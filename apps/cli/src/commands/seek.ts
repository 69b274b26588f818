/**
 * `xtrace seek FILE --stream KEY [--shard N] (--seq N | --time T)`: `.ss` only; the first matching message
 * and its offset, found through the beacons, then `--limit` messages of the stream.
 *
 * @module
 */
import { Command, Option } from 'commander';
import type { Context } from '../context.js';
import { usage } from '../errors.js';
import { RecordFraming } from '../formats/framing.js';
import { payloadPreview, resolvePayloadMode } from '../formats/payload.js';
import type { PayloadMode } from '../formats/types.js';
import { openTraceInput } from '../input/input.js';
import { formatTable, styledLine } from '../output/table.js';
import { examples, positiveInt, u64Arg } from '../program/args.js';
import { boundToEpochMs, parseTimeBound } from '../time.js';
import { ProblemReporter } from './common.js';

/** Options of `seek`. */
export interface SeekOptions {
  /** `--stream KEY`. */
  readonly stream: string;
  /** `--shard N`, a u64 as text. */
  readonly shard: string;
  /** `--seq N`, a u64 as text. */
  readonly seq?: string;
  /** `--time T`. */
  readonly time?: string;
  /** `--limit N`: messages of the stream printed from the one found. */
  readonly limit: number;
  /** `--format`. */
  readonly format?: 'ndjson' | 'json' | 'table' | 'log';
  /** `--payload`. */
  readonly payload: PayloadMode;
  /** `--verbose`: the search's statistics on stderr. */
  readonly verbose?: boolean;
}

/** Runs `xtrace seek`. */
export async function seek(ctx: Context, file: string, options: SeekOptions): Promise<void> {
  if ((options.seq === undefined) === (options.time === undefined)) throw usage('give exactly one of --seq and --time');
  const time =
    options.time === undefined ? undefined : BigInt(Math.floor(boundToEpochMs(parseTimeBound(options.time, '--time'))));
  const input = await openTraceInput(ctx, file);
  ctx.currentFile = input.name;
  if (input.format !== 'ss')
    throw usage(`seek works on .ss files (their beacons index the streams), not ${input.format}`);
  const { seekSs } = await import('../formats/ss/seek.js');
  const { formatMessageRecord } = await import('@x/seastreamer-file/ndjson');
  const { formatIsoTimestamp } = await import('@x/seastreamer-file');
  const problems = new ProblemReporter(ctx, input.name, 10);
  const { search, messages } = await seekSs(
    ctx,
    input,
    {
      stream: options.stream,
      shard: BigInt(options.shard),
      ...(options.seq === undefined ? {} : { seq: BigInt(options.seq) }),
      ...(time === undefined ? {} : { time }),
      limit: options.limit,
    },
    problems.add,
  );
  problems.finish();
  if (options.verbose) {
    ctx.stderrLine(
      `xtrace: ${input.name}: ${search.beaconsRead} beacons read, scan started at beacon ${search.startBeacon}, ${search.messagesScanned} messages scanned`,
    );
  }
  const format = options.format ?? (ctx.stdoutIsTTY ? 'table' : 'ndjson');
  if (format === 'ndjson' || format === 'json') {
    const framing = new RecordFraming(format);
    let text = '';
    for (const m of messages)
      text += framing.record(formatMessageRecord(m, resolvePayloadMode(m.payload, options.payload)));
    const w = ctx.out.write(text + framing.finish());
    if (w) await w;
    return;
  }
  const rows = messages.map((m) => [
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
          {
            columns: [
              { title: 'OFFSET', right: true },
              { title: 'TIMESTAMP' },
              { title: 'STREAM' },
              { title: 'SHARD', right: true },
              { title: 'SEQ', right: true },
              { title: 'SIZE', right: true },
              { title: 'PAYLOAD' },
            ],
            rows,
          },
          ctx.colors,
        )
      : rows.map((r) => styledLine([`${r[1]} ${r[2]}/${r[3]} #${r[4]} at offset ${r[0]}`, r[6] as string])).join('');
  const w = ctx.out.write(text);
  if (w) await w;
}

/** The `seek` command. */
export function seekCommand(ctx: Context): Command {
  return new Command('seek')
    .description('.ss: the first message of a stream at a sequence number or after a time, found through the beacons')
    .argument('<file>', 'a .ss file')
    .requiredOption('--stream <key>', 'stream key')
    .option('--shard <n>', 'shard id', u64Arg, '0')
    .option('--seq <n>', 'first message with seq >= n', u64Arg)
    .option('--time <time>', 'first message with timestamp > time (ISO-8601 or ms since the epoch)')
    .option('--limit <n>', 'print n messages of the stream from there', positiveInt, 1)
    .addOption(
      new Option('-f, --format <format>', 'output format (default: table on a terminal, ndjson otherwise)').choices([
        'ndjson',
        'json',
        'table',
        'log',
      ]),
    )
    .addOption(
      new Option('--payload <mode>', 'payload rendering (auto: text when printable UTF-8, else hex)')
        .choices(['auto', 'text', 'hex', 'base64', 'none'])
        .default('auto'),
    )
    .option('-v, --verbose', 'print how many beacons were read (stderr)')
    .addHelpText(
      'after',
      `
Exactly one of --seq and --time. Prints the message with its offset; exit 1 when no message of the stream
matches (OUT_OF_RANGE), 2 when the stream is not in the file (NO_SUCH_STREAM, with the streams that are).
${examples(
  'xtrace seek recording.ss --stream hello --shard 1 --seq 50',
  'xtrace seek recording.ss --stream hello --time 2023-11-14T22:13:20.500Z --verbose',
)}`,
    )
    .action((file: string, options: SeekOptions) => seek(ctx, file, options));
}
